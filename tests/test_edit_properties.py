"""Property tests: random frontmatters, random edits, and only the touched key changes.

A frontmatter is generated from a small model (scalars in every quoting style, ``null``,
``~`` and empty values, block lists at indent 0, 2 and 4, flow lists, inline comments,
comment lines and blank lines between keys, LF or CRLF, with or without a BOM). The
model gives the data the note must parse to; each edit updates the model, and the result
must parse to exactly that, with every line outside the touched key's span unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_hooks import FrontmatterEditor, Note, parse_frontmatter
from codex_hooks.errors import EditError
from codex_hooks.frontmatter import Value
from codex_hooks.kb import means_no_entries
from codex_hooks.render import plain_ok

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- generating notes -------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KEY = st.builds(
    str.__add__, st.sampled_from(LETTERS), st.text(st.sampled_from(LETTERS + "_"), max_size=7)
)
WORD = st.lists(
    st.text(st.sampled_from(LETTERS), min_size=1, max_size=8), min_size=1, max_size=3
).map(" ".join)
# Text a note may hold inside quotes: printable, with quotes, colons, hashes, emoji.
QUOTABLE = st.text(
    st.sampled_from(LETTERS + "AZ09 '\":#-[]{},&*!|>%@`~?/\\.😀é—“”\u00a0\u3000"), max_size=20
)
# Anything a caller may want to write, tabs, newlines and odd characters included.
ANY_TEXT = QUOTABLE | st.text(
    st.sampled_from("ab \t\n\r:#'\"-[]😀\\\x85\u2028\x7f\ufeff\x00"), max_size=12
)
MESSY_PLAIN = st.sampled_from(
    ["2026-02-30", "2026-00-00", "1.0", "yes", "007", "a b c", "x" * 400, "😀 emoji", "it's"]
)


def plain_value(flow: bool) -> st.SearchStrategy[str]:
    return (WORD | MESSY_PLAIN).filter(lambda v: plain_ok(v, flow=flow, typed=True))


def styled(flow: bool = False) -> st.SearchStrategy[tuple[str, Value]]:
    """``(source text, value)`` of one scalar in one of the quoting styles."""
    return st.one_of(
        plain_value(flow).map(lambda v: (v, v)),
        QUOTABLE.map(lambda v: ("'" + v.replace("'", "''") + "'", v)),
        QUOTABLE.map(lambda v: (json.dumps(v, ensure_ascii=False), v)),
        st.sampled_from(["~", "null", "Null"]).map(lambda v: (v, None)),
    )


STYLED = {flow: styled(flow) for flow in (False, True)}
BLOCK_ITEM = STYLED[False] | st.just(("", None))
COMMENT = st.sampled_from(["", "", "  # note", " # why: because"])


@st.composite
def entry(draw: st.DrawFn, key: str) -> tuple[list[str], Value]:
    """The lines of one top-level key and the value they parse to."""
    kind = draw(st.sampled_from(["scalar", "scalar", "empty", "block", "flow"]))
    comment = draw(COMMENT)
    if kind == "empty":
        return [f"{key}:{comment}"], None
    if kind == "scalar":
        text, value = draw(STYLED[False])
        return [f"{key}: {text}{comment}"], value
    if kind == "flow":
        items = draw(st.lists(STYLED[True], max_size=4))
        pad = draw(st.sampled_from(["", " "])) if items else ""
        body = ", ".join(t for t, _ in items)
        return [f"{key}: [{pad}{body}{pad}]{comment}"], [v for _, v in items]
    indent = " " * draw(st.sampled_from([0, 2, 2, 4]))
    items = draw(st.lists(BLOCK_ITEM, min_size=1, max_size=4))
    lines = [f"{key}:{comment}"]
    for text, _ in items:
        lines.append(f"{indent}-{' ' + text if text else ''}")
        if draw(st.integers(0, 6)) == 0:
            lines.append(f"{indent}  # inside the list")
    return lines, [v for _, v in items]


@dataclass
class Generated:
    data: bytes
    expected: dict[str, Value] = field(default_factory=dict)


@st.composite
def notes(draw: st.DrawFn) -> Generated:
    keys = draw(st.lists(KEY, unique=True, max_size=7))
    lines = ["---"]
    expected: dict[str, Value] = {}
    if draw(st.booleans()):
        lines.append("# leading comment")
    for key in keys:
        entry_lines, value = draw(entry(key))
        lines.extend(entry_lines)
        expected[key] = value
        lines.extend(draw(st.lists(st.sampled_from(["", "# between keys"]), max_size=2)))
    lines.append("---")
    lines.extend(draw(st.sampled_from([[], ["", "Body text."], ["# Heading", "- not yaml: x"]])))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return Generated((bom + text).encode("utf-8"), expected)


# -- generating edits -------------------------------------------------------------------


INDEX = st.integers(0, 1 << 16)
OP = st.sampled_from(
    ["set", "add_item", "remove_item", "replace_item", "make_list", "rename", "delete", "add"]
)
NEW_VALUE = ANY_TEXT | st.none()
ITEM = WORD | ANY_TEXT
LIST_VALUE = st.lists(ITEM, max_size=3)
AFTER = st.sampled_from(["none", "one", "list"])


@st.composite
def edits(draw: st.DrawFn, data: dict[str, Value]) -> tuple:
    """One edit; strategies are built once, at import (building them per draw is slow)."""
    keys = list(data)

    def existing() -> str:
        return keys[draw(INDEX) % len(keys)] if keys else draw(KEY)

    def any_key() -> str:
        return existing() if draw(st.booleans()) else draw(KEY)

    def new_key() -> str:
        key = draw(KEY)
        while key in keys:
            key += "_"
        return key

    kind = draw(OP)
    if kind == "set":
        return ("set", any_key(), draw(NEW_VALUE))
    if kind == "add_item":
        return ("add_item", any_key(), draw(ITEM))
    if kind == "remove_item":
        return ("remove_item", existing(), draw(ITEM))
    if kind == "replace_item":
        key = existing()
        current = data.get(key)
        items = [v for v in current if isinstance(v, str)] if isinstance(current, list) else []
        if isinstance(current, str):
            items = [current]
        old = items[draw(INDEX) % len(items)] if items and draw(st.booleans()) else draw(ITEM)
        return ("replace_item", key, old, draw(ITEM))
    if kind == "make_list":
        return ("make_list", existing())
    if kind == "rename":
        return ("rename_key", existing(), new_key())
    if kind == "delete":
        return ("delete_key", existing())
    value = draw(NEW_VALUE | LIST_VALUE)
    how = draw(AFTER)
    after = None if how == "none" else existing() if how == "one" else [any_key(), any_key()]
    return ("add_key", new_key(), value, after)


def expected_after(data: dict[str, Value], op: tuple) -> dict[str, Value]:
    """What the frontmatter must hold after ``op``: the model of each edit."""
    out = dict(data)
    name, key, *args = op
    if name == "set":
        out[key] = args[0]
    elif name == "add_item":
        current = out.get(key)
        if isinstance(current, list):
            out[key] = [*current, args[0]]
        elif current is None or current == "":
            out[key] = [args[0]]
        else:
            out[key] = [current, args[0]]
    elif name == "remove_item":
        current = out.get(key)
        if isinstance(current, list):
            out[key] = [v for v in current if v != args[0]]
        elif key in out and current == args[0]:
            out[key] = []
    elif name == "replace_item":
        current, (old, new) = out.get(key), args
        if isinstance(current, list) and old in current and old != new:
            i = current.index(old)
            out[key] = [*current[:i], new, *current[i + 1 :]]
        elif key in out and current == old:
            out[key] = new
    elif name == "make_list":
        if isinstance(out.get(key), str) and out[key]:
            out[key] = [out[key]]
    elif name == "rename_key":
        out = {(args[0] if k == key else k): v for k, v in out.items()}
    elif name == "delete_key":
        out.pop(key, None)
    else:
        out[key] = args[0]
    return out


def touched_span(note: Note, op: tuple) -> tuple[int, int]:
    """The lines ``op`` may change: the key's span, or the empty span where it is added."""
    spans = parse_frontmatter(note).spans
    name, key, *args = op
    if key in spans:
        return spans[key].start, spans[key].end
    after = args[1] if name == "add_key" else None
    anchors = [after] if isinstance(after, str) else list(after or [])
    where = next((spans[a].end for a in anchors if a in spans), None)
    if where is None:
        where = max((s.end for s in spans.values()), default=note.fm_end)
    return where, where


def apply(editor: FrontmatterEditor, op: tuple) -> None:
    name, key, *args = op
    if name == "add_key":
        editor.add_key(key, args[0], after=args[1])
    else:
        getattr(editor, name)(key, *args)


# -- properties -------------------------------------------------------------------------


@SETTINGS
@given(notes())
def test_generated_notes_parse_to_the_model_and_round_trip(generated: Generated) -> None:
    note = Note.from_bytes(generated.data, "g.md")
    assert note.to_bytes() == generated.data
    assert parse_frontmatter(note).data == generated.expected
    editor = FrontmatterEditor(note)
    assert editor.note.to_bytes() == generated.data
    assert not editor.changed


@SETTINGS
@given(st.data())
def test_edits_touch_only_their_key(data: st.DataObject) -> None:
    generated = data.draw(notes())
    note = Note.from_bytes(generated.data, "g.md")
    editor = FrontmatterEditor(note)
    expected = generated.expected
    newline = note.newline
    for _ in range(data.draw(st.integers(1, 3))):
        op = data.draw(edits(expected))
        before = editor.note
        if op[0] in ("add_item", "make_list") and means_no_entries(expected.get(op[1])):
            # A word such as 'none' or '0' stands for "no entries": no edit builds a list
            # around it (rule FM011), and the refused edit leaves the note as it was.
            try:
                apply(editor, op)
            except EditError:
                assert editor.note is before
                continue
            raise AssertionError(f"{op} built a list around {expected.get(op[1])!r}")
        start, end = touched_span(before, op)
        spans_before = parse_frontmatter(before).spans
        apply(editor, op)
        expected = expected_after(expected, op)
        after = editor.note

        # The data is exactly what the edit meant.
        assert parse_frontmatter(after).data == expected
        assert editor.data == expected

        # Every line outside the touched key's span is byte-identical.
        old, new = before.lines, after.lines
        tail = len(old) - end
        assert new[:start] == old[:start]
        assert new[len(new) - tail :] == old[end:]
        assert len(new) - tail >= start

        # New lines use the note's line ending; the BOM stays.
        changed = new[start : len(new) - tail]
        assert all(line.endswith(newline) for line in changed)
        if newline == "\n":
            assert not any(line.endswith("\r\n") for line in changed)
        assert after.bom == note.bom

        _check_list_style(op, spans_before, parse_frontmatter(after).spans)
    assert editor.note.to_bytes().startswith(b"\xef\xbb\xbf") == generated.data.startswith(
        b"\xef\xbb\xbf"
    )


def _check_list_style(op: tuple, before: dict, after: dict) -> None:
    """An item added to a list with items is written like its siblings."""
    name, key, *args = op
    if name != "add_item" or key not in before or not before[key].items:
        return
    old, new = before[key], after[key]
    assert new.style == old.style
    if old.style == "block":
        assert new.item_indent == old.item_indent
    simple = plain_ok(args[0], flow=True) and args[0].isascii()
    if simple:
        assert new.quote == old.quote
