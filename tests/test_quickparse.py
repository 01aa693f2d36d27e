"""The plain-subset frontmatter parser: where it answers, it answers as libyaml does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from codex_hooks.errors import NoteError, UnclosedFrontmatterError
from codex_hooks.frontmatter import parse_frontmatter
from codex_hooks.note import Note
from codex_hooks.quickparse import quick_parse

SAMPLE_KB = Path(__file__).resolve().parent.parent / "examples" / "sample-kb"


def libyaml(text: str) -> object:
    """What the libyaml reader makes of frontmatter ``text``: ``(data, lines)`` with
    0-based lines into ``text``, or the error class it raises."""
    note = Note.from_text("---\n" + text + "---\n", "n.md")
    try:
        fm = parse_frontmatter(note, spans=False)
    except NoteError as exc:
        return type(exc)
    return fm.data, {k: v - 1 for k, v in fm.lines.items()}


def agree(text: str) -> bool:
    quick = quick_parse(text)
    return quick is None or quick == libyaml(text)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("type: claim\n", {"type": "claim"}),
        ("a:\nb: ~\nc: null\nd: ''\n", {"a": None, "b": None, "c": None, "d": ""}),
        ("t: It's C# 2026-01-05 # note\n", {"t": "It's C# 2026-01-05"}),
        ('t: "Proposal #1" # why\n', {"t": "Proposal #1"}),
        ("t: 'it''s'\n", {"t": "it's"}),
        ("l: [a b, \"c, d\", 'e', null]\n", {"l": ["a b", "c, d", "e", None]}),
        ("l: []\n", {"l": []}),
        ('l:\n  - a\n  # gone\n\n  - "[[b]]"\n', {"l": ["a", "[[b]]"]}),
        ("l:\n- a\n- b\nn: 1\n", {"l": ["a", "b"], "n": "1"}),
        (
            'e:\n  - target: "a b" # c\n    type: x\n\n  - c\n  - k: [d]\nn: 1\n',
            {"e": [{"target": "a b", "type": "x"}, "c", {"k": ["d"]}], "n": "1"},
        ),
        ("n: |\n  one\n\n    two\n\nk: v\n", {"n": "one\n\n  two\n", "k": "v"}),
        ("n: |-\n  one\n  two\n", {"n": "one\ntwo"}),
        ("héllo: wörld\n", None),  # non-ASCII keys are left to libyaml
        ("t: wörld\n", {"t": "wörld"}),
        ("", {}),
        ("# only a comment\n\n", {}),
    ],
)
def test_answers_as_libyaml_does(text: str, data: dict[str, object] | None) -> None:
    quick = quick_parse(text)
    if data is None:
        assert quick is None
    else:
        assert quick is not None and quick[0] == data
        assert quick == libyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key: libyaml reports it
        "a: [\n",  # broken
        "a: >\n  folded\n",
        "a: |+\n  kept\n",
        "a:\n  b: nested\n",
        "a: one\n  two\n",  # a plain scalar over two lines
        "a: 'open\n  close'\n",
        'a: "tab\\there"\n',  # an escape
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a:\tb\n",
        "a: b\u2028c\n",  # a line separator: a line break to libyaml
        "a: b\x85c\n",
        "a: \ufeffb\n",
        "a: x: y\n",
        "a: b:\n",
        "l: [[a]]\n",
        "l: [a, [b]]\n",
        "l: [a,]\n",
        "l:\n  - [[a]]\n",
        "l:\n  - a\n - b\n",
        "l:\n  - k:\n",
        "l:\n  - k: v\n    k: w\n",
        "l:\n  - k: v\n     j: w\n",
        "l:\n  - k: v\n    - x\n",
        "l:\n  - k: |\n      x\n",
        "l:\n  - a\n    b\n",
        "null: x\n",
        " a: 1\n",
        "? a\n: b\n",
        "a: |\n  x\n \n",
        "a: -1\n",
        "...\n",
        "%YAML 1.1\n",
    ],
)
def test_leaves_the_rest_to_libyaml(text: str) -> None:
    assert quick_parse(text) is None


def _notes(root: Path) -> list[Note]:
    notes = []
    for path in sorted(root.rglob("*.md")):
        if ".git" in path.parts:
            continue
        try:
            note = Note.from_bytes(path.read_bytes(), path.relative_to(root).as_posix())
        except (NoteError, UnclosedFrontmatterError):
            continue
        if note.has_frontmatter:
            notes.append(note)
    return notes


@pytest.mark.parametrize("where", ["corpus", "sample"])
def test_real_notes_read_alike_and_mostly_without_libyaml(
    where: str, request: pytest.FixtureRequest
) -> None:
    root = request.getfixturevalue("corpus") if where == "corpus" else SAMPLE_KB
    notes = _notes(root)
    answered = 0
    for note in notes:
        quick = quick_parse(note.frontmatter_text)
        if quick is None:
            continue
        answered += 1
        fm = parse_frontmatter(note, spans=False)
        first = note.fences[0] + 1
        assert quick == (fm.data, {k: v - first for k, v in fm.lines.items()}), note.path
    # The subset is the frontmatter people write: most notes never need libyaml.
    assert answered >= 0.9 * len(notes), (answered, len(notes))


# Text built from the pieces that decide YAML's reading: indicators, quotes, comments,
# spaces, separators and characters libyaml rejects or counts as line breaks.
_CHARS = st.sampled_from([*list("ab yz09:#-'\"[]{},&*!|>%@`?~\\\t"), "é", "\u2028", "\x85", "\x7f"])
_PLAIN = st.text(st.sampled_from(list("abyz09 -:#'.")), min_size=1, max_size=8)
_WORDS = st.one_of(
    _PLAIN,
    _PLAIN,
    st.text(_CHARS, max_size=8),
    st.sampled_from(["null", "~", "Null", "", "yes", "[[x]]"]),
)
_KEYS = st.sampled_from(["a", "b", "c", "d", "e", "type", "k-1", "2026", "null", "a b", "é"])


def _quoted(word: str, quote: str) -> str:
    return quote + word + quote


_SCALARS = st.one_of(
    _WORDS,
    st.builds(_quoted, _WORDS, st.sampled_from(['"', "'"])),
)
_SAFE = st.text(st.sampled_from(list("ab09 .")), min_size=1, max_size=6).filter(str.strip)
_SAFE_SCALARS = st.one_of(
    _SAFE, _PLAIN, st.builds(_quoted, _PLAIN | st.just(""), st.sampled_from(['"', "'"]))
)
_COMMENT = st.sampled_from(["", " # c", "  #c", "#c"])


@st.composite
def _entry(draw: st.DrawFn) -> str:
    key = draw(_KEYS)
    # Half the entries are near the subset, so that its answers are compared often.
    scalars = draw(st.sampled_from([_SCALARS, _SAFE_SCALARS]))
    flow = st.lists(scalars, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    shape = draw(
        st.sampled_from(["scalar", "flow", "flow", "block", "block", "maps", "literal", "raw"])
    )
    if shape == "scalar":
        return f"{key}: {draw(scalars)}{draw(_COMMENT)}\n"
    if shape == "flow":
        return f"{key}: {draw(flow)}{draw(_COMMENT)}\n"
    if shape == "block":
        indent = draw(st.sampled_from(["", " ", "  ", "    "]))
        items = draw(st.lists(scalars, min_size=1, max_size=3))
        extra = draw(st.sampled_from(["", "\n", f"{indent}# c\n", " " + indent + "- x\n"]))
        body = "".join(f"{indent}- {item}{draw(_COMMENT)}\n" for item in items)
        return f"{key}:{draw(_COMMENT)}\n{body}{extra}"
    if shape == "maps":  # a block list of flat mappings, now and then a scalar item
        indent = draw(st.sampled_from(["", "  ", "    "]))
        gap = draw(st.sampled_from([" ", " ", "   "]))  # the spaces after "-"
        column = " " * (len(indent) + 1 + len(gap))
        # Mostly the mapping's own column; now and then one more or one less.
        columns = st.sampled_from([column] * 4 + [column + " ", column[:-1]])
        values = st.one_of(scalars, flow, st.sampled_from(["", "|", "[[x]]"]))
        rows = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.integers(0, 3)) == 0:
                rows.append(f"{indent}-{gap}{draw(scalars)}{draw(_COMMENT)}\n")
                continue
            first, *others = draw(st.lists(_KEYS, min_size=1, max_size=3))
            rows.append(f"{indent}-{gap}{first}: {draw(values)}{draw(_COMMENT)}\n")
            rows += [f"{draw(columns)}{k}: {draw(values)}{draw(_COMMENT)}\n" for k in others]
            rows.append(draw(st.sampled_from(["", "", "\n", f"{column}# c\n", f"{column}  x\n"])))
        return f"{key}:{draw(_COMMENT)}\n" + "".join(rows)
    if shape == "literal":
        header = draw(st.sampled_from(["|", "|-", "|+", ">", "|2"]))
        lines = draw(
            st.lists(
                st.sampled_from(["", "", " ", "x", "x", "x", "# x", "a: b", "- y", "\t"]),
                min_size=1,
                max_size=4,
            )
        )
        indent = draw(st.sampled_from(["", " ", "  ", "   "]))
        # Mostly one indentation, as people write them; now and then another.
        indents = st.sampled_from([indent] * 4 + ["", " ", "   "])
        body = "".join((draw(indents) + line if line else "") + "\n" for line in lines)
        return f"{key}: {header}{draw(_COMMENT)}\n{body}"
    return draw(st.text(_CHARS, max_size=12)) + "\n"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry(), max_size=3).map("".join))
@example("a: |\n  x\n\n  y\n\n\nb: c\n")
@example("a: '#' # c\n")
@example("a: ''' # c\n")
def test_generated_frontmatter_reads_alike(text: str) -> None:
    assert agree(text), (text, quick_parse(text), libyaml(text))


@settings(max_examples=600, deadline=None)
@given(_entry())
def test_generated_entries_read_alike(text: str) -> None:
    assert agree(text), (text, quick_parse(text), libyaml(text))
