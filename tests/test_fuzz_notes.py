"""Property-based fuzzing of the note layer, the editor and the fixer with the messes real
notes contain (conventions doc): invalid dates, duplicate keys, unclosed frontmatter,
undefined aliases, ``null``/``~``/empty, flow and block lists, both quotes, unicode and
emoji, CRLF, BOM, tabs, YAML tags, anchors.

* parsing raises nothing but the typed :class:`NoteError`;
* an edit keeps every line it does not own (the edited key's lines), the body, the BOM and
  the line endings;
* ``fix`` on a small generated knowledge base is idempotent: a second run changes nothing,
  and a note that cannot be parsed is never written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_hooks.edit import FrontmatterEditor
from codex_hooks.errors import EditError, NoteError
from codex_hooks.fixing import fix
from codex_hooks.frontmatter import parse_frontmatter
from codex_hooks.kb import KnowledgeBase, build_info
from codex_hooks.links import scan_links
from codex_hooks.note import Note

#: ``CODEX_FUZZ_SCALE=20 pytest tests/test_fuzz_notes.py`` runs twenty times the examples.
SCALE = int(os.environ.get("CODEX_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


KEYS = [
    "type",
    "status",
    "domain",
    "confidence",
    "processed_by",
    "processed_date",
    "claims_extracted",
    "enrichments_applied",
    "sourced_from",
    "tags",
    "title",
    "created",
    "source",
    "description",
    "notes",
    "depends_on",
]
NASTY_SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "2026-00-00",
    "2026-02-30",
    "2026-13-01",
    "*Source: an undefined alias",
    "'single quoted'",
    "'it''s'",
    '"double \\u00e9 quoted"',
    '"tab\\there"',
    "plain text with: colon",
    "emoji 🙂 and ünïcode — dash",
    "processed",
    "procesed",
    "likley",
    "ai-alignement",
    "rio",
    "Theseus",
    "[flow, list]",
    "[ spaced , flow ]",
    "[]",
    "{a: 1}",
    "&anchor anchored",
    "*anchor",
    "!!python/object/apply:os.system ['true']",
    "!!str 2026-01-01",
    "+1",
    "True",
    "a long unwrapped string " * 12,
    "value # with a comment",
    "|",
    ">-",
    "'unclosed",
    '"unclosed',
    "\tleading tab",
    "- not a list",
]
ITEMS = [
    "claim one",
    "Claim One",
    "claim-one",
    "claim one.md",
    "[[claim one]]",
    "[[claim one|shown]]",
    "inbox/archive/s.md",
    "../../../etc/passwd",
    "/etc/passwd",
    "",
    "~",
    "'quoted item'",
    '"dq item"',
    "emoji 🙂",
    "*alias",
]


@st.composite
def value_lines(draw, key: str) -> list[str]:
    """The lines of one key: a scalar, a block list (two indent styles), a flow list, or
    something odd (a comment between key and value, a nested mapping)."""
    shape = draw(st.sampled_from(["scalar", "scalar", "block", "block0", "flow", "odd"]))
    if shape == "scalar":
        return [f"{key}: {draw(st.sampled_from(NASTY_SCALARS))}".rstrip(" ")]
    items = draw(st.lists(st.sampled_from(ITEMS), max_size=4))
    if shape == "block":
        return [f"{key}:"] + [f"  - {i}".rstrip(" ") for i in items]
    if shape == "block0":
        return [f"{key}:"] + [f"- {i}".rstrip(" ") for i in items]
    if shape == "flow":
        return [f"{key}: [" + ", ".join(i for i in items if i) + "]"]
    return draw(
        st.sampled_from(
            [
                [f"{key}:", "  # a comment between key and value", "  - x"],
                [f"{key}:", "  nested: map", "  other: 1"],
                [f"{key}: >", "  folded", "  text"],
                [f"{key}: |", "  literal", "", "  text"],
                [f"{key}:   ", "  - spaced"],
                [f"{key}: 'multi", "  line'"],
            ]
        )
    )


@st.composite
def notes(draw) -> bytes:
    """A note as bytes: frontmatter (usually well-formed, sometimes not) and a body."""
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=0, max_size=8))
    lines: list[str] = []
    for key in keys:  # repeats make duplicate keys
        lines += draw(value_lines(key))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "  ", "\t"])))
    opening = draw(st.sampled_from(["---", "---", "---", "--- ", ""]))
    closing = draw(st.sampled_from(["---", "---", "---", "...", "", "--- "]))
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "# Title",
                    "Text with [[claim one]] and [[missing note|alias]].",
                    "`[[code]]` and [[claim one#heading]]",
                    "```",
                    "[[",
                    "]]",
                    "",
                    "---",
                    "*Source: [[s]] | Added: 2026-01-01*",
                    "### Additional Evidence (extend)",
                ]
            ),
            max_size=6,
        )
    )
    parts = ([opening] if opening else []) + lines + ([closing] if opening else []) + body
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(parts) + draw(st.sampled_from([newline, ""]))
    bom = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8")


def _parse(data: bytes, path: str = "domains/health/n.md"):
    try:
        note = Note.from_bytes(data, path)
        return note, parse_frontmatter(note)
    except NoteError:
        return None, None


@fuzz(250)
@given(notes())
def test_parsing_generated_notes_raises_only_note_errors(data: bytes) -> None:
    note, fm = _parse(data)
    if note is not None:
        assert note.to_bytes() == data
        assert isinstance(fm.data, dict)
        from codex_hooks.config import Config

        build_info(note, Config())


@fuzz(200)
@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda t: ("---\n" + t).encode()))
def test_parsing_arbitrary_bytes_raises_only_note_errors(data: bytes) -> None:
    note, _ = _parse(data)
    if note is not None:
        assert note.to_bytes() == data


@fuzz(300)
@given(st.text(alphabet=st.sampled_from("[]`|#^\\a \n~"), max_size=300))
def test_link_scanning_never_raises(text: str) -> None:
    for link in scan_links(text.split("\n")):
        assert "\n" not in link.raw
        assert link.raw.startswith("[[") and link.raw.endswith("]]")


OPERATIONS = st.sampled_from(["set", "add_item", "remove_item", "replace_item", "delete", "add"])


def _apply(ed: FrontmatterEditor, op: str, key: str, value: str) -> None:
    if op == "set":
        ed.set(key, value)
    elif op == "add_item":
        ed.add_item(key, value)
    elif op == "remove_item":
        ed.remove_item(key, value)
    elif op == "replace_item":
        ed.replace_item(key, "claim one", value)
    elif op == "delete":
        ed.delete_key(key)
    else:
        ed.add_key("zz_new_key", [value] if value else value)


def _common(a: list[str], b: list[str]) -> tuple[int, int]:
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(a), len(b)) - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]
    ):
        suffix += 1
    return prefix, suffix


@fuzz(300)
@given(notes(), OPERATIONS, st.sampled_from(KEYS), st.sampled_from(ITEMS))
def test_an_edit_keeps_every_line_it_does_not_own(
    data: bytes, op: str, key: str, value: str
) -> None:
    note, fm = _parse(data)
    if note is None:
        return
    try:
        ed = FrontmatterEditor(note)
        _apply(ed, op, key, value)
    except EditError:
        return
    new = ed.note
    if not ed.changed:
        assert new.to_bytes() == data
        return
    assert new.bom == note.bom
    assert new.body == note.body or not note.has_frontmatter
    if note.has_frontmatter:
        assert {line[-2:] == "\r\n" for line in new.lines} <= {
            line[-2:] == "\r\n" for line in note.lines
        } | {note.newline == "\r\n"}
    span = fm.spans.get(key) if op != "add" else None
    owned = span.end - span.start if span else 0
    prefix, suffix = _common(note.lines, new.lines)
    # Every original line outside the edited key's span is still there, in one piece
    # before and one piece after the change.
    assert prefix + suffix >= len(note.lines) - owned
    after = parse_frontmatter(new).data
    for other, val in fm.data.items():
        if other != key:
            assert after.get(other) == val


# -- fix on small generated knowledge bases -------------------------------------------------

AGENTS = ["rio", "theseus"]


@st.composite
def knowledge_bases(draw) -> dict[str, bytes]:
    files: dict[str, bytes] = {f"agents/{a}/identity.md": f"# {a}\n".encode() for a in AGENTS}
    claims = draw(st.lists(st.sampled_from(["claim one", "claim two", "Claim-Three"]), max_size=3))
    for title in dict.fromkeys(claims):
        data = draw(notes())
        if draw(st.booleans()):
            data = (
                "---\ntype: claim\ndomain: health\ndescription: d\nconfidence: "
                + draw(st.sampled_from(["likely", "likley", "Likely", "proven"]))
                + "\nsource: s\ncreated: 2026-01-01\n"
                + draw(st.sampled_from(["", "sourced_from: inbox/archive/s.md\n"]))
                + "---\nBody [[s]] [[claim one]]\n"
            ).encode()
        files[f"domains/health/{title}.md"] = data
    for name in draw(st.lists(st.sampled_from(["s", "t"]), max_size=2, unique=True)):
        data = draw(notes())
        if draw(st.booleans()):
            entries = draw(st.lists(st.sampled_from(ITEMS[:6]), max_size=3))
            data = (
                "---\ntype: source\nstatus: "
                + draw(st.sampled_from(["processed", "procesed", "unprocessed"]))
                + "\nprocessed_by: "
                + draw(st.sampled_from(["rio", "Rio", "nobody"]))
                + "\nprocessed_date: 2026-01-02\nclaims_extracted:\n"
                + "".join(f"  - {e}\n" for e in entries)
                + "---\n"
            ).encode()
        files[f"inbox/archive/{name}.md"] = data
    return files


@fuzz(30)
@given(knowledge_bases())
def test_fix_is_idempotent_and_never_writes_unreadable_notes(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        unreadable = {rel for rel, data in files.items() if _parse(data, rel)[0] is None}
        fix(KnowledgeBase.load(root, cache=False))
        first = {rel: (root / rel).read_bytes() for rel in files}
        for rel in unreadable:
            assert first[rel] == files[rel]
        second = fix(KnowledgeBase.load(root, cache=False))
        assert second.changes == []
        assert {rel: (root / rel).read_bytes() for rel in files} == first
        assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md")) == sorted(files)
