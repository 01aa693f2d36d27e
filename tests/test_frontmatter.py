"""Read-only frontmatter parsing: typeless data, key spans, and every mess real notes hold."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from codex_hooks import (
    DuplicateKeyError,
    Frontmatter,
    KeySpan,
    LimitExceededError,
    NotAMappingError,
    Note,
    NoteError,
    UnclosedFrontmatterError,
    UnsafeTagError,
    YAMLSyntaxError,
    load_frontmatter,
    load_roundtrip,
    parse_frontmatter,
)
from codex_hooks import frontmatter as fm_module


def parse(text: str, path: str = "kb/n.md") -> Frontmatter:
    return parse_frontmatter(Note.from_text(text, path))


def fm(body: str) -> str:
    return f"---\n{body}---\nbody\n"


def error_of(text: str, path: str = "kb/n.md") -> NoteError:
    try:
        parse(text, path)
    except NoteError as exc:
        return exc
    raise AssertionError("no error raised")


# -- data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        pytest.param("a: 2026-00-00\n", "2026-00-00", id="invalid date 00-00"),
        pytest.param("a: 2026-02-30\n", "2026-02-30", id="invalid date 02-30"),
        pytest.param("a: 2026-13-01\n", "2026-13-01", id="invalid month"),
        pytest.param("a: 2026-01-01 10:00:00\n", "2026-01-01 10:00:00", id="timestamp"),
        pytest.param("a: 1.0\n", "1.0", id="float stays text"),
        pytest.param("a: 007\n", "007", id="octal-looking stays text"),
        pytest.param("a: yes\n", "yes", id="bool stays text"),
        pytest.param("a: null\n", None, id="null"),
        pytest.param("a: Null\n", None, id="Null"),
        pytest.param("a: NULL\n", None, id="NULL"),
        pytest.param("a: ~\n", None, id="tilde"),
        pytest.param("a:\n", None, id="empty"),
        pytest.param("a:   # comment\n", None, id="empty with comment"),
        pytest.param("a: 'null'\n", "null", id="single-quoted null is text"),
        pytest.param('a: "~"\n', "~", id="double-quoted tilde is text"),
        pytest.param("a: ''\n", "", id="quoted empty is text"),
        pytest.param("a: !!str null\n", "null", id="tagged null is text"),
        pytest.param("a: nulls\n", "nulls", id="null prefix is text"),
        pytest.param("a: 'it''s'\n", "it's", id="single quotes"),
        pytest.param('a: "say \\"hi\\" \\u00e9"\n', 'say "hi" é', id="double quotes"),
        pytest.param("a: 😀 emoji — “curly”\n", "😀 emoji — “curly”", id="emoji"),
        pytest.param("a: x\ty\n", "x\ty", id="tab inside a value"),
        pytest.param("a:\tvalue\n", "value", id="tab after the colon"),
        pytest.param("a: value   # note\n", "value", id="inline comment"),
        pytest.param("a: x#y\n", "x#y", id="hash without space before is text"),
        pytest.param("a: one\n  two\n", "one two", id="multi-line plain"),
        pytest.param("a: |\n  one\n  two\n", "one\ntwo\n", id="literal block"),
        pytest.param("a: " + "x" * 400 + "\n", "x" * 400, id="400-character string"),
        pytest.param("a: [x, 'y', \"z\"]\n", ["x", "y", "z"], id="flow list"),
        pytest.param("a: [ ]\n", [], id="empty flow list"),
        pytest.param("a: [~, null, '', x]\n", [None, None, "", "x"], id="nulls in a list"),
        pytest.param("a:\n  - x\n  -\n  - ~\n", ["x", None, None], id="block list with nulls"),
        pytest.param("a:\n- x\n- y\n", ["x", "y"], id="block list indent 0"),
        pytest.param("a:\n    - x\n    - y\n", ["x", "y"], id="block list indent 4"),
        pytest.param("a: {b: 1, c: [d]}\n", {"b": "1", "c": ["d"]}, id="flow mapping"),
        pytest.param("a:\n  b: 1\n", {"b": "1"}, id="nested mapping"),
        pytest.param("a: [[wiki link]]\n", [["wiki link"]], id="unquoted wiki link"),
        pytest.param('a: "[[wiki link]]"\n', "[[wiki link]]", id="quoted wiki link"),
        pytest.param("a: &x [1]\n", ["1"], id="anchor"),
        pytest.param("a: x\r\n", "x", id="CRLF"),
    ],
)
def test_scalars_are_text(yaml: str, expected: object) -> None:
    data = parse(fm(yaml)).data
    assert data == {"a": expected}


def test_aliases_expand() -> None:
    assert parse(fm("a: &x [1, 2]\nb: *x\n")).data == {"a": ["1", "2"], "b": ["1", "2"]}


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for line in (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n",
        "b: !!python/object:collections.OrderedDict {x: 1}\n",
        "c: !!python/name:os.system\n",
        "d: !custom 3\n",
    ):
        # Refused by both parsers (FM907) before anything is built from the tag.
        err = error_of(fm(line))
        assert err.code == "FM907"
        assert (err.line, err.column) == (2, 4)
        with pytest.raises(NoteError):
            load_roundtrip(Note.from_text(fm(line)))
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\n---\n", id="empty"),
        pytest.param("---\n---", id="empty, no final newline"),
        pytest.param("---\n\n\n---\nbody\n", id="blank lines"),
        pytest.param("---\n# only a comment\n---\n", id="only a comment"),
        pytest.param("\ufeff---\r\n---\r\n", id="BOM and CRLF"),
    ],
)
def test_empty_frontmatter(text: str) -> None:
    result = parse(text)
    assert result.present
    assert result.data == {}
    assert result.spans == {}


def test_no_frontmatter() -> None:
    result = parse("# Title\n\nbody\n")
    assert not result.present
    assert result.data == {}


def test_get_and_line_of() -> None:
    result = parse(fm("type: claim\nstatus:\n"))
    assert result.get("type") == "claim"
    assert result.get("status", "x") is None
    assert result.get("missing", "x") == "x"
    assert result.line_of("status") == 3
    assert result.line_of("missing") == 1


# -- errors: every one with path, line and column ------------------------------------------

ERRORS = [
    pytest.param(fm("a: 1\nb: 2\na: 3\n"), DuplicateKeyError, 4, 1, id="duplicate key"),
    pytest.param(fm('"a": 1\na: 2\n'), DuplicateKeyError, 3, 1, id="duplicate, quoted first"),
    pytest.param(fm("x:\n  y: 1\n  y: 2\n"), DuplicateKeyError, 4, 3, id="nested duplicate"),
    pytest.param(fm("a: [{k: 1, k: 2}]\n"), DuplicateKeyError, 2, 12, id="duplicate in flow"),
    pytest.param(fm("a: *Source\n"), YAMLSyntaxError, 2, 4, id="undefined alias"),
    pytest.param(
        fm("source: 'x'\nnote: *Source: Smith 2024\n"), YAMLSyntaxError, 3, 7, id="alias mid-note"
    ),
    pytest.param(fm("a: 'unclosed\n"), YAMLSyntaxError, 2, 4, id="unclosed quote"),
    pytest.param(fm("a: [x\n"), YAMLSyntaxError, 2, 4, id="unclosed flow list"),
    pytest.param(fm("a: b\n c: d\n"), YAMLSyntaxError, 3, 3, id="bad indentation"),
    pytest.param(fm("\tb: 1\n"), YAMLSyntaxError, 2, 1, id="tab indentation"),
    pytest.param(fm("a:\n\t- x\n"), YAMLSyntaxError, 3, 1, id="tab before a dash"),
    pytest.param(fm("? [a]\n: b\n"), YAMLSyntaxError, 2, 3, id="list as a key"),
    pytest.param(fm("- a\n- b\n"), NotAMappingError, 2, 1, id="list frontmatter"),
    pytest.param(fm("just some text\n"), NotAMappingError, 2, 1, id="plain text frontmatter"),
    pytest.param(fm("'a string'\n"), NotAMappingError, 2, 1, id="quoted string frontmatter"),
    pytest.param(fm("\n\n  [a, b]\n"), NotAMappingError, 4, 3, id="flow list after blanks"),
    pytest.param(fm("~\n"), NotAMappingError, 2, 1, id="null frontmatter"),
    pytest.param("\ufeff---\r\na: 1\r\nb: *x\r\n---\r\n", YAMLSyntaxError, 3, 4, id="BOM and CRLF"),
    pytest.param(
        '---\na: "x\ry"\nb: 1\nb: 2\n---\n', DuplicateKeyError, 4, 1, id="lone CR in a string"
    ),
    pytest.param(
        '---\na: "x\u2028y\x85z"\nb: 1\nb: 2\n---\n', DuplicateKeyError, 4, 1, id="LS and NEL"
    ),
]


@pytest.mark.parametrize(("text", "kind", "line", "column"), ERRORS)
def test_errors_carry_path_line_column(
    text: str, kind: type[NoteError], line: int, column: int
) -> None:
    err = error_of(text, "domains/x/a note.md")
    assert type(err) is kind
    assert (err.path, err.line, err.column) == ("domains/x/a note.md", line, column)
    assert str(err).startswith(f"domains/x/a note.md:{line}:{column}: ")
    assert err.code.startswith("FM9")
    assert err.hint
    result, error = load_frontmatter(Note.from_text(text, "domains/x/a note.md"))
    assert result is None
    assert type(error) is kind


def test_duplicate_key_message() -> None:
    err = error_of(fm("type: claim\nstatus: a\nstatus: b\n"))
    assert err.message == "duplicate key 'status' (first defined on line 3)"
    assert err.hint == "keep one of the two lines and delete the other"


def test_undefined_alias_message() -> None:
    err = error_of(fm("source: *Source via arXiv\n"))
    assert err.message == "YAML error: found undefined alias '*Source'"
    assert "quote the value" in err.hint


def test_unclosed_frontmatter() -> None:
    with pytest.raises(UnclosedFrontmatterError) as info:
        parse("---\ntype: claim\n\n# Heading\n", "n.md")
    assert (info.value.path, info.value.line, info.value.column) == ("n.md", 1, 1)


def test_alias_bomb_is_stopped_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = fm("\n".join(lines) + "\n")
    assert len(text) < 1000
    start = time.perf_counter()
    err = error_of(text)
    assert time.perf_counter() - start < 1
    assert isinstance(err, LimitExceededError)
    assert (err.path, err.line, err.column) == ("kb/n.md", 2, 4)
    with pytest.raises(LimitExceededError):
        load_roundtrip(Note.from_text(text))


@pytest.mark.parametrize("guarded", [False, True], ids=["fast path", "guarded path"])
@pytest.mark.parametrize(
    ("inner", "depth", "column"),
    [("", 64, None), ("", 65, 68), ("x", 63, None), ("x", 64, 68), ("{}", 64, 68)],
)
def test_nesting_limit(
    monkeypatch: pytest.MonkeyPatch, guarded: bool, inner: str, depth: int, column: int | None
) -> None:
    """64 levels below the top-level mapping are allowed, on both parsing paths."""
    if guarded:
        monkeypatch.setattr(fm_module, "_SAFE_NESTING", -1)
    text = fm("a: " + "[" * depth + inner + "]" * depth + "\n")
    if column is None:
        assert parse(text).present
        return
    err = error_of(text)
    assert isinstance(err, LimitExceededError)
    assert (err.path, err.line, err.column) == ("kb/n.md", 2, column)


DEEP = r"""
import sys
from codex_hooks import Note, LimitExceededError, YAMLSyntaxError, parse_frontmatter, load_roundtrip
N = 50_000
cases = {
    "flow list": "---\n" + "[" * N + "]" * N + "\n---\n",
    "flow map": "---\n" + "{a: " * N + "}" * N + "\n---\n",
    "value": "---\nk: " + "[" * N + "]" * N + "\n---\n",
    "block": "---\nk:\n" + "".join(" " * i + "-\n" for i in range(0, 400, 2)) + "---\n",
    "compact": "---\nk:\n  " + "- " * N + "x\n---\n",
    "unclosed": "---\nk: " + "[" * N + "\n---\n",
}
for name, text in cases.items():
    for load in (parse_frontmatter, load_roundtrip):
        try:
            load(Note.from_text(text, "deep.md"))
        except (LimitExceededError, YAMLSyntaxError) as exc:
            print(name, load.__name__, type(exc).__name__, exc.path, exc.line, exc.column)
        else:
            print(name, load.__name__, "parsed")
"""


def test_deep_nesting_never_crashes() -> None:
    """50,000 nested brackets crash libyaml's recursive composer; run in a child so that a
    crash fails this test instead of killing the test run."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", DEEP], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert time.perf_counter() - start < 20
    assert proc.stdout.splitlines() == [
        "flow list parse_frontmatter LimitExceededError deep.md 2 66",
        "flow list load_roundtrip LimitExceededError deep.md 2 66",
        "flow map parse_frontmatter LimitExceededError deep.md 2 258",
        "flow map load_roundtrip LimitExceededError deep.md 2 258",
        "value parse_frontmatter LimitExceededError deep.md 2 68",
        "value load_roundtrip LimitExceededError deep.md 2 68",
        "block parse_frontmatter LimitExceededError deep.md 67 129",
        "block load_roundtrip LimitExceededError deep.md 67 129",
        "compact parse_frontmatter LimitExceededError deep.md 3 131",
        "compact load_roundtrip LimitExceededError deep.md 3 131",
        "unclosed parse_frontmatter LimitExceededError deep.md 2 68",
        "unclosed load_roundtrip LimitExceededError deep.md 2 68",
    ]


def test_guarded_and_fast_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        fm("a: 1\nb: [x, [y, {z: w}]]\nc:\n  - d\n  - e: f\n"),
        fm("a: 1\na: 2\n"),
        fm("a: *nope\n"),
        fm("- x\n"),
        fm("a: 'x\n"),
    ]

    def outcome(text: str) -> object:
        try:
            result = parse(text)
        except NoteError as exc:
            return (type(exc), exc.message, exc.line, exc.column)
        return (result.data, result.spans)

    fast = [outcome(t) for t in texts]
    monkeypatch.setattr(fm_module, "_SAFE_NESTING", -1)
    assert [outcome(t) for t in texts] == fast


def test_frontmatter_size_limit() -> None:
    text = fm("a: " + "x" * fm_module.MAX_FRONTMATTER_CHARS + "\n")
    err = error_of(text)
    assert isinstance(err, LimitExceededError)
    assert (err.line, err.column) == (2, 1)


def test_tagged_and_quoted_keys() -> None:
    assert parse(fm("'a b': 1\n\"c\": 2\n? d\n: 3\n")).data == {"a b": "1", "c": "2", "d": "3"}


# -- key spans --------------------------------------------------------------------------

SPAN_NOTE = (
    "---\n"  # 0
    "# leading comment\n"  # 1
    "type: claim  # inline\n"  # 2
    "title: 'A title'\n"  # 3
    "\n"  # 4
    "tags:\n"  # 5
    "  - a\n"  # 6
    "  # between items\n"  # 7
    '  - "b"\n'  # 8
    "# between keys\n"  # 9
    "\n"  # 10
    "flow: [x, 'y']\n"  # 11
    "deep:\n"  # 12
    "    - p\n"  # 13
    "zero:\n"  # 14
    "- q\n"  # 15
    "text: |\n"  # 16
    "  line\n"  # 17
    "empty:\n"  # 18
    "# trailing\n"  # 19
    "---\n"  # 20
    "body\n"
)


def test_spans() -> None:
    spans = parse(SPAN_NOTE).spans
    assert list(spans) == ["type", "title", "tags", "flow", "deep", "zero", "text", "empty"]
    assert spans["type"] == KeySpan("type", 2, 3, 1, "scalar", (2, 4), (2, 6), (2, 11), (), "", "")
    assert spans["title"] == KeySpan(
        "title", 3, 4, 1, "scalar", (3, 5), (3, 7), (3, 16), (), "", "'"
    )
    tags = spans["tags"]
    assert (tags.start, tags.end, tags.style, tags.item_indent, tags.quote) == (
        5,
        9,
        "block",
        "  ",
        '"',
    )
    assert tags.items == (((6, 4), (6, 5)), ((8, 4), (8, 7)))
    flow = spans["flow"]
    assert (flow.start, flow.end, flow.style, flow.quote) == (11, 12, "flow", "'")
    assert flow.items == (((11, 7), (11, 8)), ((11, 10), (11, 13)))
    assert (spans["deep"].start, spans["deep"].end, spans["deep"].item_indent) == (12, 14, "    ")
    assert (spans["zero"].start, spans["zero"].end, spans["zero"].item_indent) == (14, 16, "")
    assert (spans["text"].start, spans["text"].end, spans["text"].style) == (16, 18, "scalar")
    assert (spans["empty"].start, spans["empty"].end) == (18, 19)
    assert spans["empty"].value_start == spans["empty"].value_end == (18, 6)


def test_spans_with_crlf_and_bom_match_lf() -> None:
    lf = parse(SPAN_NOTE).spans
    crlf = parse("\ufeff" + SPAN_NOTE.replace("\n", "\r\n")).spans
    assert crlf == lf


def test_span_keeps_a_hash_line_inside_a_quoted_value() -> None:
    """Regression: a value's own last line that starts with '#' is not trailing filler."""
    spans = parse('---\na: "x\n#y"\n---\n').spans
    assert (spans["a"].start, spans["a"].end) == (1, 3)
    assert parse('---\na: "x\n#y"\n---\n').data == {"a": "x #y"}


def test_spans_follow_lines_not_yaml_line_breaks() -> None:
    """Regression: libyaml counts a lone CR, NEL, LS and PS as line breaks; spans index
    the note's own lines, which split on LF only."""
    for sep in ("\r", "\x85", "\u2028", "\u2029"):
        text = f'---\na: "x{sep}y"\nb: [1, 2]\nc: d\n---\n'
        spans = parse(text).spans
        assert (spans["b"].start, spans["b"].end) == (2, 3), repr(sep)
        assert spans["b"].items == (((2, 4), (2, 5)), ((2, 7), (2, 8)))
        assert (spans["c"].start, spans["c"].value_start) == (3, (3, 3))


def test_indented_root() -> None:
    spans = parse("---\n  a: 1\n  b:\n    - x\n---\n").spans
    assert spans["a"].column == 3
    assert spans["b"].item_indent == "    "


def test_item_indent_when_value_is_below_the_dash() -> None:
    spans = parse("---\nt:\n  -\n    a\n  - b\n---\n").spans
    assert spans["t"].item_indent == "  "


# -- round-trip loader ------------------------------------------------------------------


def test_roundtrip_keeps_dates_as_text() -> None:
    data = load_roundtrip(Note.from_text(fm("a: 2026-02-30\nb: 2026-00-00\nc: 2026-01-01\n")))
    assert dict(data) == {"a": "2026-02-30", "b": "2026-00-00", "c": "2026-01-01"}


def test_roundtrip_does_not_change_other_loaders() -> None:
    from ruamel.yaml import YAML

    load_roundtrip(Note.from_text(fm("a: 2026-01-01\n")))
    assert not isinstance(YAML(typ="rt").load("a: 2026-01-01\n")["a"], str)


@pytest.mark.parametrize(
    ("text", "kind", "line", "column"),
    [
        (fm("a: 1\na: 2\n"), DuplicateKeyError, 3, 1),
        (fm("a: *Source\n"), YAMLSyntaxError, 2, 4),
        (fm("- a\n"), NotAMappingError, 2, 1),
        (fm("a: !!int x\n"), NoteError, 2, 1),
        (fm("a: !!omap [x]\n"), UnsafeTagError, 2, 4),
        ("\ufeff---\r\nx: 1\r\n<<: 1\r\n---\r\n", YAMLSyntaxError, 3, 5),
    ],
)
def test_roundtrip_errors(text: str, kind: type[NoteError], line: int, column: int) -> None:
    with pytest.raises(NoteError) as info:
        load_roundtrip(Note.from_text(text, "r.md"))
    assert type(info.value) is kind
    assert (info.value.path, info.value.line, info.value.column) == ("r.md", line, column)


def test_roundtrip_empty() -> None:
    assert load_roundtrip(Note.from_text("---\n---\n")) is None
    assert load_roundtrip(Note.from_text("no frontmatter\n")) is None


def test_null_resolver_changes_no_other_loader() -> None:
    import yaml

    parse(fm("a: null\n"))
    assert yaml.load("a: null", Loader=yaml.BaseLoader) == {"a": "null"}
    assert yaml.load("a: null", Loader=yaml.CBaseLoader) == {"a": "null"}
