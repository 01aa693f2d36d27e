"""Wiki-link scanning, Obsidian-style resolution and rewriting (codex_hooks.links)."""

from __future__ import annotations

import time
import unicodedata

import pytest

from codex_hooks.linkindex import (
    EXACT,
    NONE,
    ONLY,
    OWN_FOLDER,
    SHORTEST,
    TIE,
    LinkIndex,
    candidates,
)
from codex_hooks.links import links_in_text, parse_inner, retarget, rewrite_line_links, scan_links
from codex_hooks.titles import normalize_title


def raws(text: str) -> list[str]:
    return [link.raw for link in scan_links(text.splitlines(keepends=True))]


# -- scanning -----------------------------------------------------------------------------

FORMS = [
    pytest.param("[[name]]", ("name", "", ""), id="plain"),
    pytest.param("[[name|shown text]]", ("name", "", "shown text"), id="alias"),
    pytest.param("[[name#Some heading]]", ("name", "Some heading", ""), id="heading"),
    pytest.param("[[name#^block-1]]", ("name", "^block-1", ""), id="block"),
    pytest.param("[[name^block-1]]", ("name", "^block-1", ""), id="block without #"),
    pytest.param("[[folder/sub/name]]", ("folder/sub/name", "", ""), id="path"),
    pytest.param("[[name.md]]", ("name.md", "", ""), id="with .md"),
    pytest.param("[[name#h|text]]", ("name", "h", "text"), id="heading and alias"),
    pytest.param("[[name\\|text]]", ("name", "", "text"), id="escaped pipe in a table"),
    pytest.param("[[ name ]]", ("name", "", ""), id="spaces around"),
    pytest.param("[[#heading in this note]]", ("", "heading in this note", ""), id="self"),
]


@pytest.mark.parametrize(("text", "parts"), FORMS)
def test_link_forms(text: str, parts: tuple[str, str, str]) -> None:
    [link] = scan_links([f"see {text} here\n"])
    assert (link.target, link.heading, link.alias) == parts
    assert link.raw == text
    assert (link.line, link.column) == (1, 5)


def test_positions_count_characters_and_lines() -> None:
    links = scan_links(["—é [[a]]\n", "\n", "x [[b]] [[c|d]]\n"], first_line=7)
    assert [(k.target, k.line, k.column) for k in links] == [
        ("a", 7, 4),
        ("b", 9, 3),
        ("c", 9, 9),
    ]


NOT_LINKS = [
    pytest.param("`[[a]]`", [], id="code span"),
    pytest.param("``[[a]] ` still code``", [], id="double-backtick span holding a backtick"),
    pytest.param("`x` [[a]] `y`", ["[[a]]"], id="between code spans"),
    pytest.param("` [[a]]", ["[[a]]"], id="unclosed backtick is literal"),
    pytest.param("``x` [[a]]", ["[[a]]"], id="runs of different length do not pair"),
    pytest.param("```\n[[a]]\n```\n[[b]]", ["[[b]]"], id="fence"),
    pytest.param("~~~md\n[[a]]\n~~~\n[[b]]", ["[[b]]"], id="tilde fence with info"),
    pytest.param("````\n```\n[[a]]\n````\n[[b]]", ["[[b]]"], id="longer fence holds a shorter"),
    pytest.param("```\n[[a]]\n``` not a close\n[[b]]\n```\n[[c]]", ["[[c]]"], id="close is bare"),
    pytest.param("```\n[[a]]\n~~~\n[[b]]", [], id="other fence char does not close"),
    pytest.param("```py\r\n[[a]]\r\n```\r\n[[b]]\r\n", ["[[b]]"], id="CRLF fence"),
    pytest.param("```js `x`\n[[a]]", ["[[a]]"], id="backtick info string: not a fence"),
    pytest.param("   ```\n[[a]]\n   ```\n[[b]]", ["[[b]]"], id="indented fence"),
    pytest.param("[[a\nb]]", [], id="no link across lines"),
    pytest.param("[[]] [[a]", [], id="empty and unclosed"),
    pytest.param("![[embedded]]", ["[[embedded]]"], id="embed is a link"),
]


@pytest.mark.parametrize(("text", "expected"), NOT_LINKS)
def test_code_is_not_links(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


def test_scanning_hostile_lines_is_linear() -> None:
    # Runs of backticks that all differ in length never pair: each one is literal.
    line = " ".join("`" * k for k in range(1, 300)) + " [[a]]" * 20_000 + "[" * 50_000
    start = time.perf_counter()
    found = scan_links([line])
    assert time.perf_counter() - start < 2.0
    assert len(found) == 20_000


def test_parse_inner_keeps_block_caret() -> None:
    assert parse_inner("t#^b|x") == ("t", "^b", "x")
    assert parse_inner("t#A#B") == ("t", "A#B", "")


@pytest.mark.parametrize(
    ("raw", "new"),
    [
        ("[[old]]", "[[new]]"),
        ("[[old|the text]]", "[[new|the text]]"),
        ("[[old#Heading|t]]", "[[new#Heading|t]]"),
        ("[[old#^blk]]", "[[new#^blk]]"),
        ("[[ old ]]", "[[ new ]]"),
        ("[[old\\|cell]]", "[[new\\|cell]]"),
    ],
)
def test_retarget_keeps_everything_but_the_target(raw: str, new: str) -> None:
    assert retarget(raw, "new") == new


def test_rewrite_line_links_leaves_code_alone() -> None:
    line = "`[[a]]` [[a]] [[a|x]] [[b]]\n"
    assert rewrite_line_links(line, {"[[a]]": "[[z]]"}) == "`[[a]]` [[z]] [[a|x]] [[b]]\n"


def test_links_in_frontmatter_text() -> None:
    assert links_in_text("see [[a]] and [[b|c]]") == ["[[a]]", "[[b|c]]"]
    assert links_in_text("no links") == []


# -- resolution ---------------------------------------------------------------------------

PATHS = [
    "domains/health/AI Note.md",
    "core/mechanisms/ai note.md",
    "inbox/archive/2026-01-01-a-source.md",
    "maps/_map.md",
    "domains/health/_map.md",
    "entities/x/Café — “quoted” 😀.md",
    "agents/leo/beliefs.md",
    "top.md",
    "dotted v2.0 name.md",
]


@pytest.fixture(scope="module")
def index() -> LinkIndex:
    return LinkIndex(PATHS)


RESOLVE = [
    pytest.param("2026-01-01-a-source", ["inbox/archive/2026-01-01-a-source.md"], id="source"),
    pytest.param("2026-01-01-A-SOURCE", ["inbox/archive/2026-01-01-a-source.md"], id="case"),
    pytest.param("2026-01-01-a-source.md", ["inbox/archive/2026-01-01-a-source.md"], id=".md"),
    pytest.param("beliefs", ["agents/leo/beliefs.md"], id="agent file"),
    pytest.param("leo/beliefs", ["agents/leo/beliefs.md"], id="path suffix"),
    pytest.param("agents/leo/beliefs.md", ["agents/leo/beliefs.md"], id="full path .md"),
    pytest.param("/agents/leo/beliefs", ["agents/leo/beliefs.md"], id="root path"),
    pytest.param("eo/beliefs", [], id="suffix must start at a folder"),
    pytest.param("other/beliefs", [], id="wrong folder"),
    pytest.param("ai note", ["domains/health/AI Note.md", "core/mechanisms/ai note.md"], id="amb"),
    pytest.param("health/ai note", ["domains/health/AI Note.md"], id="path picks one"),
    pytest.param("_map", ["maps/_map.md", "domains/health/_map.md"], id="shortest path first"),
    pytest.param("café — “quoted” 😀", ["entities/x/Café — “quoted” 😀.md"], id="unicode"),
    pytest.param(
        unicodedata.normalize("NFD", "Café — “quoted” 😀"),
        ["entities/x/Café — “quoted” 😀.md"],
        id="decomposed accent",
    ),
    pytest.param("cafe — “quoted” 😀", [], id="accents count"),
    pytest.param("Café - “quoted” 😀", [], id="hyphen is not an em dash"),
    pytest.param("AI-Note", [], id="no hyphen folding"),
    pytest.param("dotted v2.0 name", ["dotted v2.0 name.md"], id="dots in a name"),
    pytest.param("top.MD", ["top.md"], id=".MD"),
]


@pytest.mark.parametrize(("target", "expected"), RESOLVE)
def test_resolve(index: LinkIndex, target: str, expected: list[str]) -> None:
    assert index.resolve(target) == expected


def test_relative_and_self_links(index: LinkIndex) -> None:
    src = "domains/health/x.md"
    assert index.resolve("./AI Note", src) == ["domains/health/AI Note.md"]
    assert index.resolve("../../core/mechanisms/ai note", src) == ["core/mechanisms/ai note.md"]
    assert index.resolve("../../../outside", src) == []
    assert index.resolve("", src) == [src]
    assert index.first("nothing") is None


#: (notes, target, linking note, the notes in Obsidian's order, the step that chose the
#: first). The order was observed on Obsidian 1.13.7 (getFirstLinkpathDest): an exact
#: vault path, else the linking note's own folder, else the shortest path string.
OBSIDIAN_ORDER = [
    pytest.param(
        ["a/Note.md", "b/c/Note.md"],
        "Note",
        "b/c/x.md",
        ["b/c/Note.md", "a/Note.md"],
        OWN_FOLDER,
        id="own folder over a shorter path",
    ),
    pytest.param(
        ["a/Note.md", "Note.md"],
        "Note",
        "a/x.md",
        ["Note.md", "a/Note.md"],
        EXACT,
        id="exact vault path over the own folder",
    ),
    pytest.param(
        ["b/Note.md", "a/b/Note.md"],
        "b/Note",
        "a/b/x.md",
        ["b/Note.md"],
        ONLY,
        id="exact path form over the own folder",
    ),
    pytest.param(
        ["zzzz/Note.md", "a/b/Note.md"],
        "Note",
        "c/x.md",
        ["a/b/Note.md", "zzzz/Note.md"],
        SHORTEST,
        id="shortest path string, not fewest folders",
    ),
    pytest.param(
        ["a/b/Note.md", "b/Note.md"],
        "Note",
        None,
        ["b/Note.md", "a/b/Note.md"],
        SHORTEST,
        id="shortest path string, not tree order",
    ),
    pytest.param(
        ["zzzz/Note.md", "b/Note.md"],
        "Note",
        "zzzz/deep/x.md",
        ["b/Note.md", "zzzz/Note.md"],
        SHORTEST,
        id="an ancestor folder counts for nothing",
    ),
    pytest.param(
        ["b/Note.md", "a/Note.md"],
        "note",
        "c/x.md",
        ["a/Note.md", "b/Note.md"],
        TIE,
        id="equally short: not settled",
    ),
    pytest.param(
        ["x/h/Note.md", "y/h/Note.md", "h/Note.md"],
        "h/Note",
        "y/h/z.md",
        ["h/Note.md"],
        ONLY,
        id="a path form with an exact match names it alone",
    ),
    pytest.param(
        ["x/h/Note.md", "yy/h/Note.md"],
        "h/Note",
        "yy/h/z.md",
        ["yy/h/Note.md", "x/h/Note.md"],
        OWN_FOLDER,
        id="a path form: own folder",
    ),
    pytest.param(
        ["😀😀/Note.md", "abc/Note.md"],
        "Note",
        "c/x.md",
        ["abc/Note.md", "😀😀/Note.md"],
        SHORTEST,
        id="lengths in UTF-16 units, as JavaScript counts them (our choice)",
    ),
    pytest.param(["a/Note.md"], "Note", "b/x.md", ["a/Note.md"], ONLY, id="one note"),
    pytest.param(["a/Note.md"], "Other", "b/x.md", [], NONE, id="no note"),
]


@pytest.mark.parametrize(("paths", "target", "source", "expected", "why"), OBSIDIAN_ORDER)
def test_resolution_follows_obsidians_order(
    paths: list[str], target: str, source: str | None, expected: list[str], why: str
) -> None:
    index = LinkIndex(paths)
    for _ in range(2):  # the second time from what the first one remembered
        assert index.resolve(target, source) == expected
        assert index.first(target, source) == (expected[0] if expected else None)
        assert index.why(expected, target, source) == why
    if source is not None:
        link = scan_links([f"[[{target}]]\n"])
        assert index.resolve_links(link, source) == [(link[0], expected)]


def test_the_remembered_order_does_not_leak_between_folders() -> None:
    index = LinkIndex(["a/_map.md", "b/_map.md", "cc/_map.md"])
    assert index.first("_map", "cc/x.md") == "cc/_map.md"
    assert index.first("_map", "b/x.md") == "b/_map.md"
    assert index.first("_map", "dd/x.md") == "a/_map.md"
    assert index.first("_map") == "a/_map.md"


@pytest.mark.parametrize(
    ("dest", "source", "expected"),
    [
        ("b/c/Note.md", "b/c/x.md", "Note"),  # the own folder opens it whatever is added
        ("a/Note.md", "b/c/x.md", "a/Note"),  # shortest now; a shorter note would take over
        ("a/Note.md", "a/x.md", "Note"),
    ],
)
def test_target_for_needs_no_folder_in_the_own_folder(
    dest: str, source: str, expected: str
) -> None:
    index = LinkIndex(["a/Note.md", "b/c/Note.md"])
    assert index.target_for(dest, "old", source) == expected
    assert index.first(expected, source) == dest


@pytest.mark.parametrize(
    ("dest", "original", "expected"),
    [
        ("top.md", "old", "top"),
        ("top.md", "old.md", "top.md"),
        ("top.md", "some/old", "top"),
        ("agents/leo/beliefs.md", "x/y/old", "agents/leo/beliefs"),
        ("agents/leo/beliefs.md", "x/old", "leo/beliefs"),
        ("domains/health/AI Note.md", "old", "health/AI Note"),
        ("domains/health/_map.md", "old.md", "health/_map.md"),
        ("maps/_map.md", "old", "maps/_map"),
    ],
)
def test_target_for_keeps_the_form(
    index: LinkIndex, dest: str, original: str, expected: str
) -> None:
    new = index.target_for(dest, original)
    assert new == expected
    assert index.resolve(new) == [dest]


def test_target_for_relative() -> None:
    index = LinkIndex(["a/b/new.md", "a/src.md"])
    assert index.target_for("a/b/new.md", "./old", "a/src.md") == "./b/new"
    assert index.target_for("a/b/new.md", "../x/old.md", "a/c/src.md") == "../b/new.md"


def test_candidates_folded_match_is_the_safe_choice(index: LinkIndex) -> None:
    titles = {normalize_title(p.rsplit("/", 1)[-1]): [p] for p in PATHS}
    found, safe = candidates(index, titles, "2026 01 01 a source", 90.0)
    assert (found, safe) == (["inbox/archive/2026-01-01-a-source.md"], True)


def test_candidates_fuzzy() -> None:
    paths = [
        "c/markets aggregate information through incentive and selection effects.md",
        "c/markets aggregate information through incentives and selection effects too.md",
        "c/something entirely different.md",
    ]
    index = LinkIndex(paths)
    titles = {normalize_title(p.rsplit("/", 1)[-1]): [p] for p in paths}
    found, safe = candidates(
        index, titles, "markets aggregate information through incentive and selection effect", 90
    )
    assert found[0] == paths[0]
    assert not safe and len(found) == 2
    found, safe = candidates(index, titles, "something entirely diferent", 90)
    assert (found, safe) == ([paths[2]], True)
    assert candidates(index, titles, "unrelated words only", 90) == ([], False)


def test_resolving_a_large_index_is_not_quadratic() -> None:
    n = 100_000
    paths = [f"d{i % 50}/claim number {i} about things.md" for i in range(n)]
    start = time.perf_counter()
    index = LinkIndex(paths)
    for i in range(0, n, 7):
        assert index.resolve(f"claim number {i} about things") == [paths[i]]
    for i in range(200):
        index.fuzzy(f"claim numbr {i} about thing", 90.0)
    assert time.perf_counter() - start < 10.0
