"""WL rules: broken, ambiguous and heading links, frontmatter links; their fixes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codex_hooks import EditError, Note
from codex_hooks.edit import NoteEditor
from codex_hooks.kb import KnowledgeBase

#: Notes of every kind a link may name; none of them is a claim except the first.
BASE = {
    "domains/health/AI Note.md": "---\ntype: claim\n---\n# AI Note\n\n## Evidence\nText ^blk-1\n",
    "inbox/archive/2026-01-01-a-source.md": "---\ntype: source\n---\nA source.\n",
    "maps/overview.md": "# Overview\n",
    "agents/leo/beliefs.md": "# Beliefs\n",
    "entities/x/Café — “quoted” 😀.md": "---\ntype: entity\n---\n",
    "domains/health/_map.md": "# Health\n",
    "core/mechanisms/_map.md": "# Mechanisms\n",
}


def make_kb(root: Path, files: dict[str, str | bytes], config: str = "") -> KnowledgeBase:
    for rel, text in {**BASE, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    (root / ".codex-hooks.yaml").write_text(config or "select: [WL]\n")
    return KnowledgeBase.load(root, cache=False)


def report(kb: KnowledgeBase, path: str = "maps/links.md") -> list[str]:
    return [f"{v.line}:{v.column} {v.code} {v.message}" for v in kb.check([path])]


# -- WL001 --------------------------------------------------------------------------------

RESOLVING = [
    pytest.param("[[2026-01-01-a-source]]", id="a source"),
    pytest.param("[[overview]]", id="a map"),
    pytest.param("[[beliefs]]", id="an agent file"),
    pytest.param("[[maps/overview]]", id="path form"),
    pytest.param("[[agents/leo/beliefs.md]]", id="path form with .md"),
    pytest.param("[[ai note|shown]]", id="case and alias"),
    pytest.param("[[AI Note#Evidence]]", id="heading"),
    pytest.param("[[AI Note#^blk-1]]", id="block"),
    pytest.param("[[café — “quoted” 😀]]", id="unicode, em dash, quotes, emoji"),
    pytest.param("[[#a heading here]]", id="link into this note"),
    pytest.param("`[[nothing]]`", id="code span"),
    pytest.param("```\n[[nothing]]\n```", id="fenced code"),
]


@pytest.mark.parametrize("body", RESOLVING)
def test_links_that_name_a_note_are_not_reported(tmp_path: Path, body: str) -> None:
    kb = make_kb(tmp_path, {"maps/links.md": f"# Links\n{body}\n"})
    assert report(kb) == []


def test_broken_link_is_reported_with_line_column_and_candidates(tmp_path: Path) -> None:
    kb = make_kb(
        tmp_path,
        {
            "maps/links.md": "---\ntype: map\n---\nFirst line.\nSee [[a claim never written]] "
            "and [[AI-note]] and [[Cafe — “quoted” 😀]].\n",
        },
    )
    assert report(kb) == [
        "5:5 WL001 wiki link [[a claim never written]] names no note",
        "5:35 WL001 wiki link [[AI-note]] names no note (did you mean 'AI Note'?)",
        "5:51 WL001 wiki link [[Cafe — “quoted” 😀]] names no note "
        "(did you mean 'Café — “quoted” 😀'?)",
    ]
    assert [v.fixable for v in kb.check(["maps/links.md"])] == [False, True, True]


FIXES = [
    pytest.param("[[ai-note]]", "[[AI Note]]", id="folded"),
    pytest.param("[[ai_note|shown]]", "[[AI Note|shown]]", id="alias kept"),
    pytest.param("[[AI-Note#Evidence|e]]", "[[AI Note#Evidence|e]]", id="heading kept"),
    pytest.param("[[ai-note#^blk-1]]", "[[AI Note#^blk-1]]", id="block kept"),
    pytest.param("[[ai-note.md]]", "[[AI Note.md]]", id=".md kept"),
    pytest.param("[[health/ai-note]]", "[[health/AI Note]]", id="path form kept"),
    pytest.param("[[2026 01 01 a source]]", "[[2026-01-01-a-source]]", id="a source"),
    pytest.param(
        "[[Cafe — “quoted” 😀]]",
        "[[Café — “quoted” 😀]]",
        id="fuzzy, one candidate",
        marks=pytest.mark.unsafe_fixes,  # a look-alike name is a guess
    ),
    pytest.param("| [[ai-note\\|x]] |", "| [[AI Note\\|x]] |", id="table cell"),
]


@pytest.mark.parametrize(("link", "fixed"), FIXES)
def test_fix_rewrites_the_target_only(tmp_path: Path, link: str, fixed: str, request) -> None:
    text = f"---\ntype: map\n---\nSee {link}, `{link}` and {link}.\n"
    kb = make_kb(tmp_path, {"maps/links.md": text})
    unsafe = request.node.get_closest_marker("unsafe_fixes") is not None
    result = kb.fix(["maps/links.md"], unsafe_fixes=unsafe)
    assert (tmp_path / "maps/links.md").read_text() == (
        f"---\ntype: map\n---\nSee {fixed}, `{link}` and {fixed}.\n"
    )
    assert result.remaining == []
    again = KnowledgeBase.load(tmp_path, cache=False).fix(["maps/links.md"], unsafe_fixes=unsafe)
    assert again.changes == []


NO_FIX = [
    pytest.param("[[a claim never written]]", id="no candidate"),
    pytest.param("[[-map]]", id="two notes fold alike"),
    pytest.param("[[Mechanism]]", id="far from every name"),
]


@pytest.mark.parametrize("link", NO_FIX)
def test_a_link_without_one_clear_candidate_is_never_touched(tmp_path: Path, link: str) -> None:
    text = f"See {link}.\n"
    kb = make_kb(tmp_path, {"maps/links.md": text})
    kb.fix(["maps/links.md"])
    assert (tmp_path / "maps/links.md").read_text() == text


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("maps/links.md", "(did you mean 'health/_map' or 'mechanisms/_map'?)"),
        # From its own folder a bare [[_map]] opens core/mechanisms/_map.md: listed first.
        ("core/mechanisms/links.md", "(did you mean '_map' or 'health/_map'?)"),
    ],
)
def test_candidates_sharing_a_name_are_shown_as_the_links_that_open_them(
    tmp_path: Path, source: str, hint: str
) -> None:
    kb = make_kb(tmp_path, {source: "[[-map]]\n"})
    assert report(kb, source) == [f"1:1 WL001 wiki link [[-map]] names no note {hint}"]
    assert [v.fixable for v in kb.check([source])] == [False]


def test_two_close_candidates_are_listed_and_not_chosen(tmp_path: Path) -> None:
    kb = make_kb(
        tmp_path,
        {
            "domains/a/markets aggregate information through incentive effects.md": "x\n",
            "domains/b/markets aggregate information through incentives effects.md": "x\n",
            "maps/links.md": "[[markets aggregate information through incentive effect]]\n",
        },
    )
    [line] = report(kb)
    assert "did you mean 'markets aggregate information through incentive effects' or" in line
    kb.fix(["maps/links.md"])
    assert (tmp_path / "maps/links.md").read_text().startswith("[[markets aggregate")
    assert "incentive effect]]" in (tmp_path / "maps/links.md").read_text()


def test_fix_keeps_crlf_and_bom(tmp_path: Path) -> None:
    data = "\ufeff---\r\ntype: map\r\n---\r\nSee [[ai-note|x]].\r\n".encode()
    kb = make_kb(tmp_path, {"maps/links.md": data})
    kb.fix(["maps/links.md"])
    assert (tmp_path / "maps/links.md").read_bytes() == (
        "\ufeff---\r\ntype: map\r\n---\r\nSee [[AI Note|x]].\r\n".encode()
    )


# -- WL002 --------------------------------------------------------------------------------


def test_ambiguous_short_name_is_a_warning_naming_the_note_obsidian_opens(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, {"maps/links.md": "[[_map]] [[health/_map]] [[core/mechanisms/_map]]\n"})
    assert report(kb) == [
        "1:1 WL002 wiki link [[_map]] names 2 notes; this folder has no _map of its own, so "
        "Obsidian opens domains/health/_map.md, the shortest path (also: "
        "core/mechanisms/_map.md); write [[health/_map]] if it is meant"
    ]
    assert kb.check(["maps/links.md"])[0].severity == "warning"


#: (notes besides BASE, the linking note, its text, what WL002 reports). Obsidian's order:
#: an exact vault path, else the linking note's own folder, else the shortest path.
AMBIGUOUS = [
    pytest.param(
        {},
        "domains/health/links.md",
        "[[_map]]",
        [],
        id="own folder: settled, even for a per-folder name",
    ),
    pytest.param(
        {"Note.md": "x\n", "a/Note.md": "x\n"},
        "a/links.md",
        "[[Note]]",
        [],
        id="exact vault path wins over the own folder",
    ),
    pytest.param(
        {"b/Note.md": "x\n", "a/b/Note.md": "x\n"},
        "a/b/links.md",
        "[[b/Note]]",
        [],
        id="exact path form wins over the own folder",
    ),
    pytest.param(
        {"a/b/Note.md": "x\n", "zzzz/Note.md": "x\n"},
        "c/links.md",
        "[[Note]]",
        [],
        id="shortest path string: settled, WL006's to report",
    ),
    pytest.param(
        {"zzzz/Note.md": "x\n", "b/Note.md": "x\n"},
        "zzzz/deep/links.md",
        "[[Note]]",
        [],
        id="an ancestor folder counts for nothing: shortest path",
    ),
    pytest.param(
        {"a/Note.md": "x\n", "b/Note.md": "x\n", "c/long/Note.md": "x\n"},
        "d/links.md",
        "See [[Note|it]].",
        [
            "1:5 WL002 wiki link [[Note]] names 3 notes; none is in this folder and "
            "a/Note.md or b/Note.md are equally short paths, so which one Obsidian opens is "
            "not settled (also: c/long/Note.md); write [[a/Note]] or [[b/Note]] to say which"
        ],
        id="a real tie",
    ),
    pytest.param(
        {"a/Note.md": "x\n", "a/note.md": "x\n", "b/Note.md": "x\n"},
        "a/links.md",
        "[[Note]]",
        [
            "1:1 WL002 wiki link [[Note]] names 3 notes; a/Note.md or a/note.md are in this "
            "folder, named alike but for case, so which one Obsidian opens is not settled "
            "(also: b/Note.md); write [[a/Note]] or [[a/note]] to say which"
        ],
        id="two notes of the own folder named alike but for case",
    ),
    pytest.param(
        {"a/Note.md": "x\n", "b/Note.md": "x\n"},
        "a/links.md",
        "[[Note]]",
        [],
        id="a tie that the own folder settles",
    ),
    pytest.param(
        {"agents/leo/_map.md": "x\n"},
        "agents/rio/links.md",
        "[[_map]]",
        [
            "1:1 WL002 wiki link [[_map]] names 3 notes; this folder has no _map of its own, "
            "so Obsidian opens agents/leo/_map.md, the shortest path (also: "
            "domains/health/_map.md, core/mechanisms/_map.md); write [[leo/_map]] if it is meant"
        ],
        id="per-folder name from a folder without one",
    ),
]


@pytest.mark.parametrize(("files", "source", "text", "expected"), AMBIGUOUS)
def test_wl002_only_where_obsidians_order_does_not_settle_it(
    tmp_path: Path, files: dict[str, str], source: str, text: str, expected: list[str]
) -> None:
    kb = make_kb(tmp_path, {**files, source: text + "\n"}, "select: [WL002]\n")
    assert report(kb, source) == expected


PEOPLE = {
    "people/leo/beliefs.md": "x\n",
    "people/rio/beliefs.md": "x\n",
    "people/leo/here.md": "[[beliefs]]\n",
    "people/rio/x/there.md": "[[beliefs]]\n",
    "notes/beliefs.md": "x\n",
}


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        pytest.param(
            "",  # the default: _map and agents/*/*
            [
                ("notes/beliefs.md", "WL006"),
                ("people/leo/beliefs.md", "WL006"),
                ("people/rio/beliefs.md", "WL006"),
            ],
            id="default",
        ),
        pytest.param(
            "per_folder_names: [_map, beliefs]\n",
            # From people/rio/x/ the shortest path, notes/beliefs.md, is not rio's own.
            [("people/rio/x/there.md", "WL002")],
            id="a file name",
        ),
        pytest.param(
            "per_folder_names: ['people/*/*']\n",
            # there.md's [[beliefs]] opens notes/beliefs.md, which is no per-folder note.
            [("notes/beliefs.md", "WL006")],
            id="a path pattern",
        ),
        pytest.param(
            "per_folder_names: ['people/*/*.md']\n",
            [("notes/beliefs.md", "WL006")],
            id="a path pattern with .md",
        ),
    ],
)
def test_per_folder_names_are_configurable(
    tmp_path: Path, setting: str, expected: list[tuple[str, str]]
) -> None:
    kb = make_kb(tmp_path, PEOPLE, "select: [WL002, WL006]\n" + setting)
    assert [(v.path, v.code) for v in kb.check(sorted(PEOPLE))] == expected


def test_each_agents_own_files_are_per_folder_by_default(tmp_path: Path) -> None:
    files = {
        "agents/leo/beliefs.md": "x\n",
        "agents/rio/beliefs.md": "x\n",
        "agents/rio/musings/x.md": "[[beliefs]]\n",
        "agents/rio/y.md": "[[beliefs]]\n",
    }
    kb = make_kb(tmp_path, files, "select: [WL002, WL006]\n")
    assert [f"{v.path} {v.code} {v.message}" for v in kb.check(sorted(files))] == [
        "agents/rio/musings/x.md WL002 wiki link [[beliefs]] names 2 notes; none is in this "
        "folder and agents/leo/beliefs.md or agents/rio/beliefs.md are equally short paths, "
        "so which one Obsidian opens is not settled; write [[leo/beliefs]] or "
        "[[rio/beliefs]] to say which",
    ]


# -- WL006 --------------------------------------------------------------------------------


def test_duplicate_name_is_one_finding_per_note_not_per_link(tmp_path: Path) -> None:
    files = {
        "domains/a/Foo.md": "x\n",
        "core/x/foo.md": "x\n",
        "maps/links.md": "[[Foo]] [[Foo]] [[foo|f]]\n",
        "domains/a/here.md": "[[Foo]]\n",
    }
    kb = make_kb(tmp_path, files, "select: [WL002, WL006]\n")
    assert [f"{v.path}:{v.line} {v.code} {v.message}" for v in kb.check()] == [
        "core/x/foo.md:1 WL006 file name also used by domains/a/Foo.md; a bare [[foo]] in a "
        "folder without its own foo opens this note",
        "domains/a/Foo.md:1 WL006 file name also used by core/x/foo.md; a bare [[Foo]] in a "
        "folder without its own Foo opens core/x/foo.md",
    ]
    # The _map of every folder is meant to repeat: no finding for it.
    assert [v for v in kb.check(["domains/health/_map.md"])] == []


def test_duplicate_name_with_equally_short_paths(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, {"a/Foo.md": "x\n", "b/Foo.md": "x\n", "cc/Foo.md": "x\n"})
    assert [v.message for v in kb.check(["cc/Foo.md"])] == [
        "file name also used by a/Foo.md, b/Foo.md; a bare [[Foo]] in a folder without its "
        "own Foo opens a/Foo.md or b/Foo.md (equally short paths: which one is not settled)"
    ]


# -- WL003 --------------------------------------------------------------------------------

HEADINGS = "[[AI Note#Evidence]] [[AI Note#evidence]] [[AI Note#Missing]] [[AI Note#^blk-1]] [[AI Note#^nope]]\n"


def test_heading_check_is_off_by_default(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, {"maps/links.md": HEADINGS})
    assert report(kb) == []


def test_heading_check_when_enabled(tmp_path: Path) -> None:
    config = "select: [WL]\nseverity:\n  WL003: warning\n"
    kb = make_kb(tmp_path, {"maps/links.md": HEADINGS}, config)
    assert report(kb) == [
        "1:43 WL003 wiki link [[AI Note#Missing]] names a heading 'Missing' that "
        "domains/health/AI Note.md does not have",
        "1:82 WL003 wiki link [[AI Note#^nope]] names a block ^nope that "
        "domains/health/AI Note.md does not have",
    ]


def test_heading_check_reads_the_note_obsidian_opens(tmp_path: Path) -> None:
    # From core/mechanisms/ a bare [[_map]] opens that folder's map, not the shorter
    # domains/health/_map.md; only the heading it lacks is reported.
    config = "select: [WL003]\nseverity:\n  WL003: warning\n"
    text = "[[_map#Mechanisms]] [[_map#Health]]\n"
    kb = make_kb(tmp_path, {"core/mechanisms/links.md": text}, config)
    assert report(kb, "core/mechanisms/links.md") == [
        "1:21 WL003 wiki link [[_map#Health]] names a heading 'Health' that "
        "core/mechanisms/_map.md does not have"
    ]


# -- WL004 --------------------------------------------------------------------------------

FRONTMATTER = """\
---
type: claim
depends_on:
  - "[[AI Note]]"
  - "[[ai-note]]"
  - 2026-01-01-a-source
  - a premise that names no note
challenged_by: "It fails when [[nothing here]] holds"
founders: ["[[Café — “quoted” 😀]]"]
related: [[overview]]
claims_extracted: [not checked by WL]
---
body
"""


def test_frontmatter_links_resolve_like_any_link(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, {"maps/links.md": FRONTMATTER})
    assert report(kb) == [
        "3:1 WL004 depends_on: [[ai-note]] names no note (did you mean 'AI Note'?)",
        "3:1 WL004 depends_on entry 'a premise that names no note' names no note",
        "8:1 WL004 challenged_by: [[nothing here]] names no note",
    ]
    kb.fix(["maps/links.md"])
    assert (tmp_path / "maps/links.md").read_text() == FRONTMATTER.replace(
        '"[[ai-note]]"', '"[[AI Note]]"'
    )


# -- the command line ---------------------------------------------------------------------


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["codex-hooks", *args], cwd=root, capture_output=True, text=True, timeout=60
    )


def test_cli_broken_links_warn_by_default_and_fail_when_configured(tmp_path: Path) -> None:
    make_kb(tmp_path, {"maps/links.md": "[[gone]] and [[ai-note]]\n"})
    run = cli(tmp_path, "check", "--all-files")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "maps/links.md:1:1: WL001 wiki link [[gone]] names no note\n"
        "maps/links.md:1:14: WL001 wiki link [[ai-note]] names no note (did you mean 'AI Note'?)\n"
    )
    (tmp_path / ".codex-hooks.yaml").write_text("select: [WL]\nseverity:\n  WL001: error\n")
    assert cli(tmp_path, "check", "--all-files").returncode == 1

    run = cli(tmp_path, "fix", "maps/links.md")
    assert run.returncode == 1  # a file changed
    assert "Fixing maps/links.md: rewrite [[ai-note]] to [[AI Note]]" in run.stdout
    assert (tmp_path / "maps/links.md").read_text() == "[[gone]] and [[AI Note]]\n"
    run = cli(tmp_path, "fix", "maps/links.md")
    assert run.returncode == 1  # the broken link that has no candidate is an error now
    assert (tmp_path / "maps/links.md").read_text() == "[[gone]] and [[AI Note]]\n"
    assert cli(tmp_path, "rules", "WL001").returncode == 0


# -- body edits ---------------------------------------------------------------------------


def test_body_edit_changes_only_its_spans() -> None:
    note = Note.from_text("---\na: '[[x]]'\n---\n[[x]] and [[x]]\n", "n.md")
    editor = NoteEditor(note).replace_body([(3, 0, "[[x]]", "[[yy]]"), (3, 10, "[[x]]", "[[z]]")])
    assert editor.note.text == "---\na: '[[x]]'\n---\n[[yy]] and [[z]]\n"
    assert editor.touched == ["body"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        pytest.param("---\na: 1\n---\nbody\n", (3, 0, "other", "x"), id="text not there"),
        pytest.param("---\na: 1\n---\nbody\n", (1, 0, "a", "b"), id="in the frontmatter"),
        pytest.param("---\na: 1\n---\nbody\n", (3, 0, "body", "a\nb"), id="adds a line"),
        pytest.param("body\n", (0, 0, "body", "---"), id="would open a frontmatter"),
    ],
)
def test_body_edit_refuses_anything_else(text: str, span: tuple) -> None:
    note = Note.from_text(text, "n.md")
    with pytest.raises(EditError):
        NoteEditor(note).replace_body([span])
