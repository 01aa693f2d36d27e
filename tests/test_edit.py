"""Minimal-diff frontmatter edits: exact input → exact output for every kind of edit."""

from __future__ import annotations

from typing import Any

import pytest

from codex_hooks import DuplicateKeyError, EditError, FrontmatterEditor, Note, parse_frontmatter
from codex_hooks.edit import edit

Op = tuple[Any, ...]


def run(text: str, *ops: Op) -> FrontmatterEditor:
    editor = FrontmatterEditor(Note.from_text(text, "n.md"))
    for name, *args in ops:
        kwargs = args.pop() if args and isinstance(args[-1], dict) else {}
        getattr(editor, name)(*args, **kwargs)
    return editor


def check(text: str, ops: tuple[Op, ...], expected: str) -> None:
    editor = run(text, *ops)
    assert editor.note.text == expected
    # What was written reads back as what the editor says it holds.
    assert parse_frontmatter(Note.from_text(expected)).data == editor.data
    assert editor.changed is (expected != text)


def case(text: str, ops: Op | list[Op], expected: str, id: str) -> Any:
    return pytest.param(text, tuple(ops) if isinstance(ops, list) else (ops,), expected, id=id)


SET = [
    case("---\nstatus: a\n---\n", ("set", "status", "b"), "---\nstatus: b\n---\n", id="plain"),
    case(
        "---\nstatus: a  # why\nx: 1\n---\n",
        ("set", "status", "b"),
        "---\nstatus: b  # why\nx: 1\n---\n",
        id="inline comment kept",
    ),
    case(
        "---\ntitle: 'Old'\n---\n",
        ("set", "title", "It's new"),
        "---\ntitle: 'It''s new'\n---\n",
        id="single quotes kept",
    ),
    case(
        '---\ntitle: "Old"\n---\n',
        ("set", "title", 'A "new" one'),
        '---\ntitle: "A \\"new\\" one"\n---\n',
        id="double quotes kept",
    ),
    case(
        '---\nstatus: processed\ntitle: "A"\nauthor: "B"\n---\n',
        ("set", "status", "done"),
        '---\nstatus: done\ntitle: "A"\nauthor: "B"\n---\n',
        id="plain stays plain among quoted siblings",
    ),
    case("---\nstatus:\n---\n", ("set", "status", "b"), "---\nstatus: b\n---\n", id="empty"),
    case(
        "---\nstatus:   # todo\n---\n",
        ("set", "status", "b"),
        "---\nstatus: b   # todo\n---\n",
        id="empty with comment",
    ),
    case("---\nstatus: ~\n---\n", ("set", "status", "b"), "---\nstatus: b\n---\n", id="tilde"),
    case("---\nstatus: null\n---\n", ("set", "status", "b"), "---\nstatus: b\n---\n", id="null"),
    case(
        "---\nstatus: a\n---\n", ("set", "status", None), "---\nstatus: null\n---\n", id="to null"
    ),
    case(
        "---\ndate: x\n---\n",
        ("set", "date", "2026-03-01", {"typed": True}),
        "---\ndate: 2026-03-01\n---\n",
        id="typed date stays plain",
    ),
    case(
        "---\ndate: x\n---\n",
        ("set", "date", "2026-03-01"),
        '---\ndate: "2026-03-01"\n---\n',
        id="untyped date is quoted",
    ),
    case(
        "---\nd: x\n---\n",
        ("set", "d", "null", {"typed": True}),
        '---\nd: "null"\n---\n',
        id="regression: typed null-like text is quoted",
    ),
    case(
        "---\na: x\n---\n",
        ("set", "a", "key: value #1"),
        '---\na: "key: value #1"\n---\n',
        id="value that needs quotes",
    ),
    case(
        "---\na: x\n---\n",
        ("set", "a", "tab\there"),
        '---\na: "tab\\there"\n---\n',
        id="tab needs double quotes",
    ),
    case(
        "---\na: x\n---\n",
        ("set", "a", "x\x85y\u2028z\x7f"),
        '---\na: "x\\Ny\\Lz\\x7f"\n---\n',
        id="regression: NEL, LS and DEL are escaped",
    ),
    case(
        "---\na: x\n---\n",
        ("set", "a", "y", {"quote": '"'}),
        '---\na: "y"\n---\n',
        id="forced quote",
    ),
    case(
        "---\ntags:\n  - a\n  - b\nnext: 1\n---\n",
        ("set", "tags", "solo"),
        "---\ntags: solo\nnext: 1\n---\n",
        id="list replaced by a scalar",
    ),
    case(
        "---\nd: |\n  one\n  two\nnext: 1\n---\n",
        ("set", "d", "one"),
        "---\nd: one\nnext: 1\n---\n",
        id="block scalar replaced",
    ),
    case(
        "---\nd: long\n  folded\nnext: 1\n---\n",
        ("set", "d", "short"),
        "---\nd: short\nnext: 1\n---\n",
        id="multi-line plain replaced",
    ),
    case("---\na: b\n---\n", ("set", "a", "b"), "---\na: b\n---\n", id="same value: no change"),
    case(
        "---\na: b\n---\n",
        ("set", "new", "v"),
        "---\na: b\nnew: v\n---\n",
        id="missing key is added",
    ),
    case(
        "\ufeff---\r\na: b\r\nc: d\r\n---\r\nbody\r\n",
        ("set", "a", "z"),
        "---\r\na: z\r\nc: d\r\n---\r\nbody\r\n",
        id="CRLF and BOM",
    ),
    case(
        '---\n"😀 key": 😀 value  # c\nb: [😀, "é"]\n---\n',
        [("set", "😀 key", "new"), ("add_item", "b", "ü"), ("rename_key", "😀 key", "plain")],
        '---\nplain: new  # c\nb: [😀, "é", "ü"]\n---\n',
        id="emoji before the edited text",
    ),
    case(
        "---\na: " + "x" * 400 + "\nb: 1\n---\n",
        ("set", "b", "2"),
        "---\na: " + "x" * 400 + '\nb: "2"\n---\n',
        id="400-character neighbour untouched",
    ),
    case(
        "---\n  a: 1\n  b: 2\n---\n",
        ("set", "a", "3"),
        '---\n  a: "3"\n  b: 2\n---\n',
        id="indented root",
    ),
]

ADD_ITEM = [
    case(
        "---\ntags:\n  - a\n  - b\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n  - a\n  - b\n  - c\nnext: 1\n---\n",
        id="block, indent 2",
    ),
    case(
        "---\ntags:\n- a\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n- a\n- c\nnext: 1\n---\n",
        id="block, indent 0",
    ),
    case(
        "---\ntags:\n    - a\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n    - a\n    - c\n---\n",
        id="block, indent 4",
    ),
    case(
        "---\ntags:\n  - 'a'\n---\n",
        ("add_item", "tags", "it's"),
        "---\ntags:\n  - 'a'\n  - 'it''s'\n---\n",
        id="block, single-quoted siblings",
    ),
    case(
        '---\nclaims_extracted:\n  - "a claim"\n---\n',
        ("add_item", "claims_extracted", "another claim"),
        '---\nclaims_extracted:\n  - "a claim"\n  - "another claim"\n---\n',
        id="block, double-quoted siblings",
    ),
    case(
        "---\ntags:\n  - a\n  - b  # last\n  # trailing comment\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n  - a\n  - b  # last\n  - c\n  # trailing comment\nnext: 1\n---\n",
        id="block, comments stay",
    ),
    case(
        "---\ntags:\n  - a\n  - |\n    text\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n  - a\n  - |\n    text\n  - c\nnext: 1\n---\n",
        id="block, after a block scalar item",
    ),
    case(
        "---\ntags:\n  - a\n---\n",
        ("add_item", "tags", "needs: quotes"),
        '---\ntags:\n  - a\n  - "needs: quotes"\n---\n',
        id="block, item that needs quotes",
    ),
    case(
        "---\ntags:\n  - >\n    text\n\n\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n  - >\n    text\n  - c\n\n\nnext: 1\n---\n",
        id="regression: block scalar item's trailing blank lines",
    ),
    case(
        "---\ntags:\n  - |+\n    text\n\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags:\n  - |+\n    text\n\n  - c\nnext: 1\n---\n",
        id="kept blank lines belong to the item",
    ),
    case(
        "---\ntags: [a, b]\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags: [a, b, c]\n---\n",
        id="flow",
    ),
    case(
        "---\ntags: [ a, b ]  # note\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags: [ a, b, c ]  # note\n---\n",
        id="flow, padded, with comment",
    ),
    case(
        '---\ntags: ["a"]\n---\n',
        ("add_item", "tags", "b"),
        '---\ntags: ["a", "b"]\n---\n',
        id="flow, quoted",
    ),
    case(
        "---\ntags: [a]\n---\n",
        ("add_item", "tags", "x, y"),
        '---\ntags: [a, "x, y"]\n---\n',
        id="flow, comma needs quotes",
    ),
    case(
        "---\ntags: []\n---\n", ("add_item", "tags", "a"), "---\ntags: [a]\n---\n", id="flow empty"
    ),
    case(
        "---\ntags: [a,\n  b]\nnext: 1\n---\n",
        ("add_item", "tags", "c"),
        "---\ntags: [a, b, c]\nnext: 1\n---\n",
        id="multi-line flow",
    ),
    case(
        "---\ntags: solo\nnext: 1\n---\n",
        ("add_item", "tags", "b"),
        "---\ntags:\n  - solo\n  - b\nnext: 1\n---\n",
        id="lone string",
    ),
    case(
        "---\ntags: 'solo'\n---\n",
        ("add_item", "tags", "b"),
        "---\ntags:\n  - 'solo'\n  - 'b'\n---\n",
        id="lone quoted string",
    ),
    case("---\ntags:\n---\n", ("add_item", "tags", "a"), "---\ntags:\n  - a\n---\n", id="empty"),
    case("---\ntags: ~\n---\n", ("add_item", "tags", "a"), "---\ntags:\n  - a\n---\n", id="tilde"),
    case(
        "---\ntags: null\n---\n", ("add_item", "tags", "a"), "---\ntags:\n  - a\n---\n", id="null"
    ),
    case(
        "---\ntype: claim\nother:\n    - x\n---\nbody\n",
        ("add_item", "tags", "a"),
        "---\ntype: claim\nother:\n    - x\ntags:\n    - a\n---\nbody\n",
        id="missing key, indent of the note's lists",
    ),
    case(
        '---\ntitle: "T"\n---\n',
        ("add_item", "tags", "a"),
        '---\ntitle: "T"\ntags:\n  - "a"\n---\n',
        id="missing key, quote of the note",
    ),
    case(
        "---\r\ntags:\r\n  - a\r\n---\r\n",
        ("add_item", "tags", "b"),
        "---\r\ntags:\r\n  - a\r\n  - b\r\n---\r\n",
        id="CRLF",
    ),
]

REMOVE_ITEM = [
    case(
        "---\ntags:\n  - a\n  - b\n  - c\n---\n",
        ("remove_item", "tags", "b"),
        "---\ntags:\n  - a\n  - c\n---\n",
        id="block, middle",
    ),
    case(
        "---\ntags:\n  - a\n  - b\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags:\n  - b\n---\n",
        id="block, first",
    ),
    case(
        "---\ntags:\n  - a\n  - b\nnext: 1\n---\n",
        ("remove_item", "tags", "b"),
        "---\ntags:\n  - a\nnext: 1\n---\n",
        id="block, last",
    ),
    case(
        "---\ntags:\n  - a\n  - b\n  - a\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags:\n  - b\n---\n",
        id="block, every occurrence",
    ),
    case(
        "---\ntags:\n  - a\n  # about b\n  - b\n  - c\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags:\n  - b\n  - c\n---\n",
        id="block, comment goes with the item before it",
    ),
    case(
        "---\ntags:\n  -\n    a\n  - b\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags:\n  - b\n---\n",
        id="regression: value below its dash",
    ),
    case(
        "---\ntags:\n  - b\n  -\n    a\nnext: 1\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags:\n  - b\nnext: 1\n---\n",
        id="regression: last value below its dash",
    ),
    case(
        "---\ntags: [a, b, c]\n---\n",
        ("remove_item", "tags", "b"),
        "---\ntags: [a, c]\n---\n",
        id="flow",
    ),
    case(
        "---\ntags: [ 'a', 'b' ]\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags: [ 'b' ]\n---\n",
        id="flow, padded",
    ),
    case(
        "---\ntags:\n  - a\nnext: 1\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags: []\nnext: 1\n---\n",
        id="block, last item",
    ),
    case(
        "---\ntags: [a]\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags: []\n---\n",
        id="flow, last",
    ),
    case(
        "---\ntags: a\n---\n",
        ("remove_item", "tags", "a"),
        "---\ntags: []\n---\n",
        id="lone string",
    ),
    case(
        "---\ntags: [a]\n---\n", ("remove_item", "tags", "z"), "---\ntags: [a]\n---\n", id="absent"
    ),
    case("---\ntags: b\n---\n", ("remove_item", "tags", "a"), "---\ntags: b\n---\n", id="other"),
    case("---\nx: 1\n---\n", ("remove_item", "tags", "a"), "---\nx: 1\n---\n", id="missing key"),
]

RENAME = [
    case(
        "---\nenrichments: [a]  # old\nnext: 1\n---\n",
        ("rename_key", "enrichments", "enrichments_applied"),
        "---\nenrichments_applied: [a]  # old\nnext: 1\n---\n",
        id="flow value kept",
    ),
    case(
        "---\nsource: x\ntags:\n    - 'a'\n---\n",
        ("rename_key", "tags", "topics"),
        "---\nsource: x\ntopics:\n    - 'a'\n---\n",
        id="block value kept",
    ),
    case(
        '---\n"odd key": 1\n---\n',
        ("rename_key", "odd key", "even key"),
        '---\n"even key": 1\n---\n',
        id="quoted key",
    ),
    case("---\na: 1\n---\n", ("rename_key", "z", "y"), "---\na: 1\n---\n", id="missing key"),
    case("---\na: 1\n---\n", ("rename_key", "a", "a"), "---\na: 1\n---\n", id="same name"),
]

DELETE = [
    case("---\na: 1\nb: 2\n---\n", ("delete_key", "a"), "---\nb: 2\n---\n", id="scalar"),
    case(
        "---\na: 1\nb:\n  - x\n  # inside\n  - y\n\n# between\nc: 3\n---\n",
        ("delete_key", "b"),
        "---\na: 1\n\n# between\nc: 3\n---\n",
        id="block list, comments between keys stay",
    ),
    case("---\na: 1\nb: 2\n---\n", ("delete_key", "b"), "---\na: 1\n---\n", id="last key"),
    case("---\na: 1\n---\n", ("delete_key", "a"), "---\n---\n", id="only key"),
    case("---\na: 1\n---\n", ("delete_key", "z"), "---\na: 1\n---\n", id="missing key"),
]

ADD_KEY = [
    case(
        "---\ntype: claim\nsource: x\ncreated: 2026-01-01\n---\n",
        ("add_key", "sourced_from", "inbox/archive/a.md", {"after": "source"}),
        "---\ntype: claim\nsource: x\nsourced_from: inbox/archive/a.md\ncreated: 2026-01-01\n---\n",
        id="after an anchor",
    ),
    case(
        "---\ntype: claim\ncreated: 2026-01-01\n---\n",
        ("add_key", "sourced_from", "s.md", {"after": ["source", "type"]}),
        "---\ntype: claim\nsourced_from: s.md\ncreated: 2026-01-01\n---\n",
        id="first anchor that exists",
    ),
    case(
        "---\ntype: claim\nsource: |\n  long\n  text\n\n# comment\ncreated: x\n---\n",
        ("add_key", "k", "v", {"after": "source"}),
        "---\ntype: claim\nsource: |\n  long\n  text\nk: v\n\n# comment\ncreated: x\n---\n",
        id="regression: after a block scalar, before its blank lines",
    ),
    case(
        "---\nsource: |+\n  text\n\ncreated: x\n---\n",
        ("add_key", "k", "v", {"after": "source"}),
        "---\nsource: |+\n  text\n\nk: v\ncreated: x\n---\n",
        id="after a block scalar that keeps its blank lines",
    ),
    case(
        "---\nsource:\n  - a\n  # about a\n\n# next\ncreated: x\n---\n",
        ("add_key", "k", "v", {"after": "source"}),
        "---\nsource:\n  - a\n  # about a\nk: v\n\n# next\ncreated: x\n---\n",
        id="regression: after a block list, before unindented comments",
    ),
    case(
        "---\na: 1\n\n# trailing\n---\n",
        ("add_key", "k", "v", {"after": "missing"}),
        "---\na: 1\nk: v\n\n# trailing\n---\n",
        id="no anchor: after the last key",
    ),
    case(
        "---\na: 1\n---\n",
        ("add_key", "k", ["x", "y"]),
        "---\na: 1\nk:\n  - x\n  - y\n---\n",
        id="list",
    ),
    case(
        '---\na: "1"\nl:\n    - "p"\n---\n',
        ("add_key", "k", ["x"]),
        '---\na: "1"\nl:\n    - "p"\nk:\n    - "x"\n---\n',
        id="list in the note's style",
    ),
    case("---\na: 1\n---\n", ("add_key", "k", []), "---\na: 1\nk: []\n---\n", id="empty list"),
    case("---\na: 1\n---\n", ("add_key", "k", None), "---\na: 1\nk: null\n---\n", id="null"),
    case(
        "---\na: 1\n---\n",
        ("add_key", "k", "2026-01-01", {"typed": True}),
        "---\na: 1\nk: 2026-01-01\n---\n",
        id="typed",
    ),
    case(
        "---\na: 1\n---\n",
        ("add_key", "odd key", "v"),
        '---\na: 1\n"odd key": v\n---\n',
        id="key that needs quotes",
    ),
    case(
        "---\n---\nbody\n", ("add_key", "k", "v"), "---\nk: v\n---\nbody\n", id="empty frontmatter"
    ),
    case("body\n", ("add_key", "k", "v"), "---\nk: v\n---\nbody\n", id="no frontmatter"),
    case("", ("add_key", "k", "v"), "---\nk: v\n---\n", id="empty note"),
    case(
        "body\r\nmore\r\n",
        ("add_key", "k", "v"),
        "---\r\nk: v\r\n---\r\nbody\r\nmore\r\n",
        id="no frontmatter, CRLF",
    ),
    case(
        "\ufeff---\r\na: 1\r\n---\r\n",
        ("add_key", "k", ["x"]),
        "---\r\na: 1\r\nk:\r\n  - x\r\n---\r\n",
        id="BOM and CRLF",
    ),
    case(
        "---\n  a: 1\n  b: 2\n---\n",
        ("add_key", "c", ["x"]),
        "---\n  a: 1\n  b: 2\n  c:\n    - x\n---\n",
        id="regression: indented root",
    ),
    case(
        "---\na: 1\n---",
        ("add_key", "k", "v"),
        "---\na: 1\nk: v\n---",
        id="no final newline",
    ),
]

REPLACE_ITEM = [
    case(
        '---\nt:\n  - "a"  # why\n  - b\n---\n',
        ("replace_item", "t", "a", "c"),
        '---\nt:\n  - "c"  # why\n  - b\n---\n',
        id="block, keeps its own quotes and comment",
    ),
    case(
        '---\nt:\n  - "a"\n  - b\n---\n',
        ("replace_item", "t", "b", "c"),
        '---\nt:\n  - "a"\n  - c\n---\n',
        id="regression: plain item stays plain among quoted siblings",
    ),
    case(
        "---\nt: ['a', b]\n---\n",
        ("replace_item", "t", "a", "c"),
        "---\nt: ['c', b]\n---\n",
        id="regression: flow item keeps its own quotes",
    ),
    case(
        "---\nt:\n  - a\n  - a\n---\n",
        ("replace_item", "t", "a", "c"),
        "---\nt:\n  - c\n  - a\n---\n",
        id="first occurrence",
    ),
    case(
        "---\nt: a  # c\n---\n", ("replace_item", "t", "a", "b"), "---\nt: b  # c\n---\n", id="lone"
    ),
    case("---\nt: [a]\n---\n", ("replace_item", "t", "z", "b"), "---\nt: [a]\n---\n", id="absent"),
]

MAKE_LIST = [
    case("---\nt: a\n---\n", ("make_list", "t"), "---\nt:\n  - a\n---\n", id="plain"),
    case("---\nt: 'a'\n---\n", ("make_list", "t"), "---\nt:\n  - 'a'\n---\n", id="quoted"),
    case(
        "---\nt: a  # why\n---\n",
        ("make_list", "t"),
        "---\nt:  # why\n  - a\n---\n",
        id="regression: comment kept",
    ),
    case(
        "---\nt: one\n  two\nx: 1\n---\n",
        ("make_list", "t"),
        "---\nt:\n  - one two\nx: 1\n---\n",
        id="multi-line",
    ),
    case("---\nt: [a]\n---\n", ("make_list", "t"), "---\nt: [a]\n---\n", id="already a list"),
    case("---\nt:\n---\n", ("make_list", "t"), "---\nt:\n---\n", id="empty"),
]

KEY_COMMENTS = [
    case(
        "---\nt: a  # why\n---\n",
        ("add_item", "t", "b"),
        "---\nt:  # why\n  - a\n  - b\n---\n",
        id="lone string to list",
    ),
    case(
        "---\nt:   # todo\n---\n",
        ("add_item", "t", "b"),
        "---\nt:   # todo\n  - b\n---\n",
        id="empty to list",
    ),
    case(
        "---\nt: a  # why\n---\n",
        ("remove_item", "t", "a"),
        "---\nt: []  # why\n---\n",
        id="lone string removed",
    ),
    case(
        "---\nt:  # why\n  - a\n---\n",
        ("remove_item", "t", "a"),
        "---\nt: []  # why\n---\n",
        id="last block item removed",
    ),
    case(
        "---\nt:  # why\n  - a\n---\n",
        ("set", "t", "x"),
        "---\nt: x  # why\n---\n",
        id="block list set to a scalar",
    ),
    case(
        "---\nt: |  # why\n  a\n---\n",
        ("set", "t", "x"),
        "---\nt: x\n---\n",
        id="block scalar header comment goes with it",
    ),
]

CHAINS = [
    case(
        "---\ntitle: 'A'\ntags: [a]\n---\nbody\n",
        [("add_item", "tags", "b"), ("set", "status", "done")],
        "---\ntitle: 'A'\ntags: [a, b]\nstatus: done\n---\nbody\n",
        id="docstring example",
    ),
    case(
        '---\ntype: source\nstatus: unprocessed\nclaims_extracted:\n  - "x"\n---\n',
        [
            ("set", "status", "processed"),
            ("add_key", "processed_by", "theseus", {"after": "status"}),
            ("add_item", "claims_extracted", "y"),
            ("remove_item", "claims_extracted", "x"),
        ],
        '---\ntype: source\nstatus: processed\nprocessed_by: theseus\nclaims_extracted:\n  - "y"\n---\n',
        id="source lifecycle",
    ),
]


@pytest.mark.parametrize(("text", "ops", "expected"), SET)
def test_set(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), ADD_ITEM)
def test_add_item(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), REMOVE_ITEM)
def test_remove_item(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), RENAME)
def test_rename_key(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), DELETE)
def test_delete_key(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), ADD_KEY)
def test_add_key(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), REPLACE_ITEM)
def test_replace_item(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), MAKE_LIST)
def test_make_list(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), KEY_COMMENTS)
def test_comment_on_the_key_line_is_kept(text: str, ops: tuple[Op, ...], expected: str) -> None:
    """Regression: rewriting a value dropped the comment that ended the key's line."""
    check(text, ops, expected)


@pytest.mark.parametrize(("text", "ops", "expected"), CHAINS)
def test_chains(text: str, ops: tuple[Op, ...], expected: str) -> None:
    check(text, ops, expected)


def test_bytes_keep_bom_and_crlf() -> None:
    data = '\ufeff---\r\ntitle: "😀"\r\nstatus: a\r\n---\r\nbody\r\nno newline'.encode()
    editor = edit(Note.from_bytes(data, "n.md")).set("status", "b")
    assert editor.note.to_bytes() == data.replace(b"status: a", b"status: b")


# -- bookkeeping --------------------------------------------------------------------------


def test_touched_changed_and_data() -> None:
    editor = run("---\na: 1\nb: [x]\n---\n")
    assert editor.touched == []
    assert not editor.changed
    assert editor.data == {"a": "1", "b": ["x"]}
    editor.set("a", "1")
    assert editor.touched == []
    editor.add_item("b", "y").delete_key("a").add_key("c", "z")
    assert editor.touched == ["b", "a", "c"]
    assert editor.changed
    assert editor.data == {"b": ["x", "y"], "c": "z"}
    assert editor.original.text == "---\na: 1\nb: [x]\n---\n"


def test_changed_is_false_after_undoing() -> None:
    editor = run("---\na: b\n---\n", ("set", "a", "c"), ("set", "a", "b"))
    assert not editor.changed


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "message"),
    [
        ("---\na: 1\n---\n", ("add_key", "a", "2"), "cannot add 'a': it exists already"),
        ("---\na: 1\nb: 2\n---\n", ("rename_key", "a", "b"), "'b' exists already"),
        ("---\nm:\n  k: v\n---\n", ("add_item", "m", "x"), "it is a mapping"),
        ("---\na: 1\n---\n", ("add_key", "m", {"k": "v"}), "mapping value is not supported"),
        ("body\n", ("add_key", "m", {"k": "v"}), "mapping value is not supported"),
        # Regression: a nested list raised AttributeError from the renderer.
        ("---\na: 1\n---\n", ("add_key", "m", [["x"]]), "list of lists or mappings"),
        ("---\na: 1\n---\n", ("add_key", "m", ["x", {"k": "v"}]), "list of lists or mappings"),
        (
            "---\n{a: 1, b: 2}\n---\n",
            ("add_key", "c", "3"),
            "editing 'c' would break the frontmatter",
        ),
        (
            "---\nx: &anchor 1\ny: *anchor\n---\n",
            ("set", "x", "2"),
            "editing 'x' would break the frontmatter",
        ),
    ],
)
def test_refusals_leave_the_note_alone(text: str, op: Op, message: str) -> None:
    editor = run(text)
    name, *args = op
    with pytest.raises(EditError, match=message):
        getattr(editor, name)(*args)
    assert editor.note.text == text
    assert not editor.changed
    assert editor.touched == []


def test_failed_first_key_leaves_a_note_without_frontmatter_alone() -> None:
    """Regression: the empty frontmatter added for a first key stayed behind when the edit
    failed."""
    editor = run("body\n")
    with pytest.raises(EditError):
        editor.add_key("m", {"k": "v"})
    assert editor.note.text == "body\n"
    assert not editor.note.has_frontmatter
    editor.add_key("k", "v")
    assert editor.note.text == "---\nk: v\n---\nbody\n"


def test_broken_notes_are_never_edited() -> None:
    with pytest.raises(DuplicateKeyError) as info:
        FrontmatterEditor(Note.from_text("---\na: 1\na: 2\n---\n", "dup.md"))
    assert (info.value.path, info.value.line, info.value.column) == ("dup.md", 3, 1)


@pytest.mark.parametrize(
    ("new_lines", "end", "message"),
    [
        pytest.param(["---\n", "a: 1\n"], 2, "change more than", id="early fence"),
        pytest.param(["a: 1\n"], 3, "never closed", id="regression: fence removed"),
        pytest.param(["a: [\n"], 2, "break the frontmatter", id="bad YAML"),
        pytest.param(["a: 2\n"], 2, "change more than", id="wrong value"),
    ],
)
def test_safety_net_turns_any_broken_result_into_edit_error(
    new_lines: list[str], end: int, message: str
) -> None:
    """Every edit ends in the same check: the result is parsed again and must hold exactly
    what the edit meant, or nothing changes."""
    editor = run("---\na: 1\n---\nbody\n")
    with pytest.raises(EditError, match=message):
        editor._splice("a", 1, end, new_lines, "1")
    assert not editor.changed
