"""Bad input: values, notes and places the tool must refuse or report, never guess about.

Each case here was once handled wrongly: a placeholder such as ``claims_extracted: 0``
became the list entry ``- 0``; an empty note in a claims folder passed without a word; a
note with ``!!python/object/apply`` in its frontmatter was accepted; a YAML error pointed
at the closing ``---``; a command run outside any knowledge base scanned the whole folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbutil import (
    GIT_ENV,
    assert_violations,
    check_kb,
    claim,
    cli,
    fix_kb,
    load_kb,
    note,
    processed,
    read,
    run_git,
    snapshot,
    source,
    write_kb,
)

from codex_hooks.edit import edit
from codex_hooks.errors import EditError, NoteError, UnsafeTagError, YAMLSyntaxError
from codex_hooks.frontmatter import parse_frontmatter
from codex_hooks.note import Note

# -- outside any knowledge base ------------------------------------------------------------


def _run_outside(cwd: Path, ceiling: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the real command in ``cwd``; git may not look above ``ceiling`` for a repository."""
    env = {**os.environ, **GIT_ENV, "GIT_CEILING_DIRECTORIES": str(ceiling)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    exe = Path(sys.executable).parent / "codex-hooks"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "codex_hooks"]
    start = time.monotonic()
    run = subprocess.run(
        [*cmd, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    return run, time.monotonic() - start


@pytest.fixture
def loose(tmp_path: Path) -> Path:
    """A folder of markdown files in no git repository and with no configuration."""
    folder = tmp_path / "loose"
    for i in range(50):
        sub = folder / f"d{i % 5}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"n{i}.md").write_text("---\ntype: claim\n---\nbody [[x]]\n", encoding="utf-8")
    return folder


COMMANDS = [
    pytest.param(["check"], id="check"),
    pytest.param(["check", "--all-files"], id="check --all-files"),
    pytest.param(["check", "d0/n0.md"], id="check PATH"),
    pytest.param(["fix"], id="fix"),
    pytest.param(["fix", "--all-files"], id="fix --all-files"),
    pytest.param(["link"], id="link"),
    pytest.param(["link", "--write"], id="link --write"),
    pytest.param(["rename", "d0/n0.md", "d0/m0.md"], id="rename"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_outside_a_knowledge_base_every_command_refuses(
    tmp_path: Path, loose: Path, args: list[str]
) -> None:
    before = sorted(p.relative_to(loose).as_posix() for p in loose.rglob("*"))
    run, elapsed = _run_outside(loose, tmp_path, *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "no knowledge base here" in run.stderr
    assert "--root DIR" in run.stderr
    assert "git repository" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert elapsed < 5  # loosely: it refuses at once instead of reading the folder
    assert sorted(p.relative_to(loose).as_posix() for p in loose.rglob("*")) == before


def test_outside_git_an_explicit_root_still_works(tmp_path: Path, loose: Path) -> None:
    run, _ = _run_outside(loose, tmp_path, "check", "--all-files", "--root", str(loose))
    assert run.returncode == 1, run.stderr  # the notes lack required fields
    assert "no knowledge base here" not in run.stderr
    assert "d0/n0.md:" in run.stdout


def test_outside_git_a_configuration_file_marks_the_root(tmp_path: Path, loose: Path) -> None:
    (loose / ".codex-hooks.yaml").write_text("exclude: []\n", encoding="utf-8")
    run, _ = _run_outside(loose / "d1", tmp_path, "check", "--all-files", "--no-cache")
    assert run.returncode == 1, run.stderr
    assert "d0/n0.md:" in run.stdout


@pytest.mark.parametrize(
    "table",
    [
        "[tool.codex-hooks]\nexclude = []\n",
        "[tool.codex-hooks.severity]\nFM005 = 'off'\n",
        '[ tool . "codex-hooks" ]\nexclude = []\n',
    ],
)
def test_outside_git_a_pyproject_table_marks_the_root(
    tmp_path: Path, loose: Path, table: str
) -> None:
    (loose / "pyproject.toml").write_text(table, encoding="utf-8")
    run, _ = _run_outside(loose / "d1", tmp_path, "check", "--all-files", "--no-cache")
    assert run.returncode == 1, run.stderr
    assert "d0/n0.md:" in run.stdout


def test_a_pyproject_without_the_table_is_no_root(tmp_path: Path, loose: Path) -> None:
    (loose / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 99\n[tool.codex-hooks-other]\n", encoding="utf-8"
    )
    run, _ = _run_outside(loose, tmp_path, "check", "--all-files")
    assert run.returncode == 2
    assert "no knowledge base here" in run.stderr


def test_the_root_search_stops_at_git_ceiling_directories(tmp_path: Path) -> None:
    outer = write_kb(tmp_path / "outer", {"inner/x.md": "---\ntype: claim\n---\n"}, git=True)
    run, _ = _run_outside(outer / "inner", outer, "check", "--all-files")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "no knowledge base here" in run.stderr


# -- YAML errors point at the construct that is broken -------------------------------------


def _error(text: str) -> NoteError:
    with pytest.raises(NoteError) as info:
        parse_frontmatter(Note.from_text(text, "domains/health/x.md"))
    return info.value


OPENED = [
    # (frontmatter lines, line and column where the broken construct starts, hint part)
    pytest.param(
        "type: claim\ndescription: 'never closed\nconfidence: likely\n",
        3,
        14,
        "quote",
        id="single quote",
    ),
    pytest.param(
        'type: claim\ndescription: "never closed\nconfidence: likely\n',
        3,
        14,
        "quote",
        id="double quote",
    ),
    pytest.param(
        "type: claim\ndescription: 'at the end\n", 3, 14, "quote", id="single quote, last line"
    ),
    pytest.param("type: claim\ntags: [a, b\nconfidence: likely\n", 3, 7, "']'", id="flow list"),
    pytest.param("type: claim\ntags: [a, b\n", 3, 7, "']'", id="flow list, last line"),
    pytest.param("type: claim\nmeta: {a: 1\nconfidence: likely\n", 3, 7, "'}'", id="flow mapping"),
]


@pytest.mark.parametrize(("fields", "line", "column", "hint"), OPENED)
def test_yaml_errors_point_where_the_construct_opens(
    fields: str, line: int, column: int, hint: str
) -> None:
    err = _error(f"---\n{fields}---\nbody\n")
    assert type(err) is YAMLSyntaxError
    assert (err.line, err.column) == (line, column), str(err)
    assert hint in err.hint
    assert "starts here" in err.message


def test_yaml_error_through_the_cli_names_the_opening_line(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path,
        {"domains/health/x.md": "---\ntype: claim\ndescription: 'oops\ndomain: health\n---\n"},
        git=True,
    )
    code, out, _ = cli(root, "check", "--all-files", "--no-cache")
    assert code == 1
    assert out.startswith("domains/health/x.md:3:14: FM903 YAML error: ")


# -- YAML tags other than the standard ones ----------------------------------------------------

UNSAFE_TAGS = [
    pytest.param(
        "description: !!python/object/apply:os.system ['true']\n",
        3,
        14,
        "!!python/object/apply:os.system",
        id="python object/apply",
    ),
    pytest.param(
        "confidence: !!python/name:os.system\n", 3, 13, "!!python/name:os.system", id="python name"
    ),
    pytest.param("extra: !custom {a: 1}\n", 3, 8, "!custom", id="local tag"),
    pytest.param("source: !!binary aGVsbG8=\n", 3, 9, "!!binary", id="binary"),
    pytest.param("tags: !!set {a, b}\n", 3, 7, "!!set", id="set"),
    pytest.param("tags: !!omap [a: 1]\n", 3, 7, "!!omap", id="omap"),
    pytest.param("tags:\n  - fine\n  - !foo bar\n", 5, 5, "!foo", id="in a list"),
    pytest.param(
        "meta:\n  inner: !<tag:example.com,2000:x> 1\n",
        4,
        10,
        "!<tag:example.com,2000:x>",
        id="verbatim",
    ),
    pytest.param("? !custom key\n: value\n", 3, 3, "!custom", id="on a key"),
]


@pytest.mark.parametrize(("fields", "line", "column", "tag"), UNSAFE_TAGS)
def test_unsafe_yaml_tags_are_an_error_naming_the_tag(
    fields: str, line: int, column: int, tag: str
) -> None:
    err = _error(f"---\ntype: claim\n{fields}---\nbody\n")
    assert type(err) is UnsafeTagError
    assert err.code == "FM907"
    assert (err.line, err.column) == (line, column), str(err)
    assert f"'{tag}'" in err.message
    assert "remove the tag" in err.hint


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param("a: !!str 0\n", "0", id="str"),
        pytest.param("a: !!int 3\n", "3", id="int"),
        pytest.param("a: !!float 1.5\n", "1.5", id="float"),
        pytest.param("a: !!bool yes\n", "yes", id="bool"),
        pytest.param("a: !!null ''\n", None, id="null"),
        pytest.param("a: !!timestamp 2026-01-05\n", "2026-01-05", id="timestamp"),
        pytest.param("a: !!seq [x]\n", ["x"], id="seq"),
        pytest.param("a: !!map {x: y}\n", {"x": "y"}, id="map"),
        pytest.param("a: !<tag:yaml.org,2002:str> z\n", "z", id="verbatim str"),
        pytest.param("a: ! z\n", "z", id="non-specific"),
    ],
)
def test_standard_yaml_tags_are_read(fields: str, expected: object) -> None:
    data = parse_frontmatter(Note.from_text(f"---\n{fields}---\n", "x.md")).data
    assert data == {"a": expected}


def test_a_note_with_an_unsafe_tag_is_reported_and_never_written(tmp_path: Path) -> None:
    tagged = (
        "---\ntype: claim\ndomain: health\n"
        "description: !!python/object/apply:os.system ['touch pwned']\n"
        "confidence: likley\nsource: someone\ncreated: 2026-01-05\ntags: futarchy\n---\nbody\n"
    )
    root = write_kb(
        tmp_path,
        {
            "domains/health/tagged.md": tagged,
            "domains/health/plain.md": claim("health"),
            "inbox/archive/s.md": processed(["tagged"]),
        },
        git=True,
    )
    code, out, _ = cli(root, "check", "--all-files", "--no-cache")
    assert code == 1
    assert "domains/health/tagged.md:4:14: FM907 YAML tag '!!python/object/apply:os.system' " in out
    before = snapshot(root)["domains/health/tagged.md"]
    cli(root, "fix", "--all-files", "--no-cache")
    assert snapshot(root)["domains/health/tagged.md"] == before
    assert not (root / "pwned").exists()
    code, out, _ = cli(root, "rules", "FM907")
    assert code == 0
    assert "unsafe-yaml-tag" in out


# -- a word where a list belongs ---------------------------------------------------------------


PLACEHOLDER_SOURCE = source(
    "processed",
    "processed_by: rio\nprocessed_date: 2026-01-06\n"
    "claims_extracted: 0\nenrichments_applied: none\ntags: None\n",
)


def test_a_placeholder_word_is_reported_and_never_becomes_an_entry(tmp_path: Path) -> None:
    root = write_kb(tmp_path, {"inbox/archive/s.md": PLACEHOLDER_SOURCE})
    found = check_kb(root)
    msg = "which probably means no entries: write an empty list `[]` if there are none"
    assert_violations(
        found,
        [
            ("inbox/archive/s.md", 6, 1, "LC001", "error", "neither claims_extracted"),
            ("inbox/archive/s.md", 9, 1, "FM011", "error", f"claims_extracted is '0', {msg}"),
            (
                "inbox/archive/s.md",
                10,
                1,
                "FM011",
                "error",
                f"enrichments_applied is 'none', {msg}",
            ),
            ("inbox/archive/s.md", 11, 1, "FM011", "error", f"tags is 'None', {msg}"),
        ],
    )
    assert not any(f[3] in ("FM007", "BL001", "BL002") for f in found)
    before = snapshot(root)
    result = load_kb(root).fix()
    assert result.changed_paths == []
    assert snapshot(root) == before


def test_the_legacy_enrichments_placeholder_is_renamed_not_listed(tmp_path: Path) -> None:
    text = source("processed", "processed_by: rio\nprocessed_date: 2026-01-06\nenrichments: none\n")
    root = write_kb(tmp_path, {"inbox/archive/s.md": text})
    fix_kb(
        root, {"inbox/archive/s.md": text.replace("enrichments: none", "enrichments_applied: none")}
    )
    assert "- none" not in read(root, "inbox/archive/s.md")
    codes = [f[3] for f in check_kb(root)]
    assert "FM011" in codes and "FM007" not in codes


@pytest.mark.parametrize(
    "value",
    ["", " null", " ~", " ''", ' ""', " NULL"],
    ids=["empty", "null", "~", "''", '""', "NULL"],
)
def test_yaml_null_and_empty_text_mean_no_entries(tmp_path: Path, value: str) -> None:
    text = note(
        "type: claim\ndomain: health\ndescription: d\nconfidence: likely\nsource: s\n"
        f"created: 2026-01-05\ntags:{value}\ndepends_on:{value}\nsourced_from:{value}\n"
    )
    root = write_kb(tmp_path, {"domains/health/c.md": text})
    assert check_kb(root) == []
    fix_kb(root, {})


def test_placeholders_are_never_looked_up_as_titles(tmp_path: Path) -> None:
    # Notes that happen to be called "0" and "none": a placeholder must not name them.
    files = {
        "domains/health/0.md": claim("health"),
        "domains/health/none.md": claim("health"),
        "inbox/archive/s.md": PLACEHOLDER_SOURCE,
        "domains/health/c.md": claim("health", "sourced_from: none\n"),
    }
    root = write_kb(tmp_path, files)
    found = check_kb(root)
    assert [f for f in found if f[0].startswith("domains/health/") and f[3] != "FM011"] == []
    assert [f[3] for f in found if f[0] == "domains/health/c.md"] == ["FM011"]
    assert not any(f[3].startswith("BL") for f in found), found
    before = snapshot(root)
    load_kb(root).fix()
    for rel in ("domains/health/0.md", "domains/health/none.md", "domains/health/c.md"):
        assert snapshot(root)[rel] == before[rel], rel


def test_a_counterpart_entry_is_never_added_beside_a_placeholder(tmp_path: Path) -> None:
    # The claim names the source, whose claims_extracted says "none": appending the claim
    # would give the list [none, c]. The edit is refused; the note keeps every byte.
    src = source(
        "processed", "processed_by: rio\nprocessed_date: 2026-01-06\nclaims_extracted: none\n"
    )
    files = {
        "inbox/archive/s.md": src,
        "domains/health/c.md": claim("health", "sourced_from: inbox/archive/s.md\n"),
    }
    root = write_kb(tmp_path, files)
    before = snapshot(root)
    result = load_kb(root).fix()
    assert snapshot(root) == before
    assert result.changed_paths == []
    assert any("claims_extracted" in f and "'none'" in f for f in result.failed), result.failed
    codes = {(v.path, v.code) for v in result.remaining}
    assert ("domains/health/c.md", "BL004") in codes
    assert ("inbox/archive/s.md", "FM011") in codes


def test_the_editor_never_wraps_a_placeholder(tmp_path: Path) -> None:
    for value in ("0", "none", "N/A"):
        text = f"---\ntype: source\nclaims_extracted: {value}\n---\n"
        with pytest.raises(EditError, match=f"'{value}'"):
            edit(Note.from_text(text, "s.md")).add_item("claims_extracted", "a claim")
        with pytest.raises(EditError, match=f"'{value}'"):
            edit(Note.from_text(text, "s.md")).make_list("claims_extracted")


# -- an empty note, or one without frontmatter, where a claim or a source belongs --------------

CLAIM_FIELDS = "type, domain, description, confidence, source and created"
NO_FRONTMATTER_KB = {
    "domains/health/c.md": claim("health"),
    "inbox/archive/s.md": source(),
    # Notes that legitimately have no frontmatter:
    "domains/health/_map.md": "# Health\n\n- [[c]]\n",
    "domains/README.md": "# Domains\n",
    "domains/health/readme.md": "About this folder.\n",
    "core/epistemology.md": "# How we know\n\nAn overview, beside the claim folders.\n",
    "maps/overview.md": "# Overview\n",
    "agents/rio/beliefs.md": "# Beliefs\n",
    "inbox/queue.md": "# To read\n",
    "notes/scratch.md": "",
}


def test_empty_and_frontmatterless_notes_where_claims_and_sources_belong(tmp_path: Path) -> None:
    files = {
        **NO_FRONTMATTER_KB,
        "domains/health/empty.md": "",
        "domains/health/blank.md": "\n  \n",
        "domains/health/prose.md": "# A claim written as prose\n\nNo frontmatter.\n",
        "domains/space-development/new.md": "",
        "inbox/archive/empty.md": "",
        "inbox/archive/pasted.md": "Pasted article text.\n",
    }
    root = write_kb(tmp_path, files)
    empty = (
        f"empty note where a claim belongs: a claim needs a frontmatter block with {CLAIM_FIELDS}"
    )
    assert_violations(
        check_kb(root),
        [
            ("domains/health/blank.md", 1, 1, "FM010", "error", empty),
            ("domains/health/empty.md", 1, 1, "FM010", "error", empty),
            (
                "domains/health/prose.md",
                1,
                1,
                "FM010",
                "error",
                "no frontmatter, but domains/health/ holds claims: a claim needs a frontmatter "
                f"block with {CLAIM_FIELDS}",
            ),
            ("domains/space-development/new.md", 1, 1, "FM010", "error", empty),
            (
                "inbox/archive/empty.md",
                1,
                1,
                "FM010",
                "error",
                "empty note where a source belongs: a source needs a frontmatter block with status",
            ),
            (
                "inbox/archive/pasted.md",
                1,
                1,
                "FM010",
                "error",
                "no frontmatter, but inbox/archive/ holds sources: a source needs",
            ),
        ],
    )
    fix_kb(root, {})


def test_notes_without_frontmatter_elsewhere_are_not_reported(tmp_path: Path) -> None:
    root = write_kb(tmp_path, NO_FRONTMATTER_KB)
    assert check_kb(root) == []


def test_a_staged_empty_claim_stops_the_commit(tmp_path: Path) -> None:
    root = write_kb(tmp_path, {"domains/health/c.md": claim("health")}, git=True)
    (root / "domains/health/new claim.md").write_bytes(b"")
    run_git(root, "add", "-A")
    code, out, _ = cli(root, "check")
    assert code == 1
    assert out.startswith("domains/health/new claim.md:1:1: FM010 empty note where a claim")
