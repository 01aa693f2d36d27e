"""Renaming a note rewrites every reference to it: the library call, the command, a
``git mv`` followed by the fixer, and a commit through the pre-commit hook."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from codex_hooks import UnsafePathError
from codex_hooks.kb import KnowledgeBase
from codex_hooks.rename import RenameError, rename_note

OLD = "domains/health/old title.md"
NEW = "domains/health/new — title.md"
SOURCE = "inbox/archive/2026-01-01-src.md"

CLAIM = """\
---
type: claim
domain: health
description: A claim that will be renamed.
confidence: likely
source: Someone, 2026
created: 2026-01-01
sourced_from: inbox/archive/2026-01-01-src.md
---
# Old title

Links to itself: [[old title#Old title]].

### Additional Evidence (extend)
*Source: [[2026-01-01-src]] | Added: 2026-01-02 | Extractor: x*
"""

OTHER = """\
---
type: claim
domain: health
description: Another claim.
confidence: likely
source: Someone, 2026
created: 2026-01-01
depends_on:
  - "[[old title]]"
  - old title
challenged_by:
  - Old-Title
---
Because [[old title|the old one]], [[Old Title#Old title]], [[old title#^b1]],
[[domains/health/old title.md]], [[health/old title]], [[./old title]] and ![[old title]].
Not in code: `[[old title]]`.

```
[[old title]]
```

And [[another note]] stays.
"""

SOURCE_NOTE = """\
---
type: source
title: A source
author: Someone
url: https://example.com/a
date: 2026-01-01
domain: health
format: article
status: processed
processed_by: leo
processed_date: 2026-01-02
claims_extracted:
  - old title
enrichments_applied: ["old title.md"]
---
Source body citing [[old title]].
"""

MAP = "# Map\n\n- [[OLD TITLE]]\n- [[old title.md|shown]]\n- [[another note]]\n"

FILES = {
    OLD: CLAIM,
    "domains/health/another note.md": OTHER,
    SOURCE: SOURCE_NOTE,
    "maps/health.md": MAP,
    "agents/leo/identity.md": "# Leo\n",
}

# Every reference, as it reads after the rename, in its own form.
OTHER_AFTER = (
    OTHER.replace('"[[old title]]"', '"[[new — title]]"')
    .replace("  - old title\n", "  - new — title\n")
    .replace("  - Old-Title\n", "  - new — title\n")
    .replace("[[old title|the old one]]", "[[new — title|the old one]]")
    .replace("[[Old Title#Old title]]", "[[new — title#Old title]]")
    .replace("[[old title#^b1]]", "[[new — title#^b1]]")
    .replace("[[domains/health/old title.md]]", "[[domains/health/new — title.md]]")
    .replace("[[health/old title]]", "[[health/new — title]]")
    .replace("[[./old title]]", "[[./new — title]]")
    .replace("![[old title]]", "![[new — title]]")
)
AFTER = {
    NEW: CLAIM.replace("[[old title#Old title]]", "[[new — title#Old title]]"),
    "domains/health/another note.md": OTHER_AFTER,
    SOURCE: SOURCE_NOTE.replace("  - old title\n", "  - new — title\n")
    .replace('["old title.md"]', '["new — title.md"]')
    .replace("citing [[old title]]", "citing [[new — title]]"),
    "maps/health.md": MAP.replace("[[OLD TITLE]]", "[[new — title]]").replace(
        "[[old title.md|shown]]", "[[new — title.md|shown]]"
    ),
    "agents/leo/identity.md": "# Leo\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def texts(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.md"))
        if ".git" not in p.parts
    }


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def repo(root: Path, files: dict[str, str] = FILES) -> Path:
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "core.quotepath", "false")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    return root


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["codex-hooks", *args], cwd=root, capture_output=True, text=True, timeout=120
    )


# -- the library --------------------------------------------------------------------------


def test_rename_note_rewrites_every_reference_in_its_own_form(tmp_path: Path) -> None:
    root = write(tmp_path, FILES)
    kb = KnowledgeBase.load(root, cache=False)
    changed = rename_note(kb, OLD, "new — title")
    assert changed == sorted([NEW, "domains/health/another note.md", SOURCE, "maps/health.md"])
    assert texts(root) == AFTER
    # The knowledge base describes the notes as they now are.
    assert NEW in kb.notes and OLD not in kb.notes
    assert [v for v in kb.check() if v.code.startswith(("WL001", "WL005", "BL"))] == []


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = write(tmp_path, FILES)
    changed = rename_note(KnowledgeBase.load(root, cache=False), OLD, NEW, dry_run=True)
    assert len(changed) == 4
    assert texts(root) == FILES


def test_a_new_name_that_exists_elsewhere_does_not_capture_its_links(tmp_path: Path) -> None:
    files = {
        "a/x.md": "# x\n",
        "b/y.md": "# y\n",
        "maps/m.md": "[[x]] [[y]] [[x|X]]\n",
    }
    root = write(tmp_path, files)
    rename_note(KnowledgeBase.load(root, cache=False), "a/x.md", "y")
    # [[y]] named b/y.md; now two notes are named y, so each link says which it means.
    assert (root / "maps/m.md").read_text() == "[[a/y]] [[b/y]] [[a/y|X]]\n"
    assert (root / "a/y.md").is_file() and not (root / "a/x.md").exists()


def test_rewrites_choose_the_note_obsidian_opens(tmp_path: Path) -> None:
    files = {
        "a/Foo.md": "# a\n",
        "b/Old.md": "# old\n",
        "b/x.md": "[[Old]] [[Foo]]\n",
        "c/y.md": "[[Old]] [[Foo|f]]\n",
        "a/z.md": "[[Foo]]\n",
    }
    root = write(tmp_path, files)
    rename_note(KnowledgeBase.load(root, cache=False), "b/Old.md", "Foo")
    assert texts(root) == {
        "a/Foo.md": "# a\n",
        "b/Foo.md": "# old\n",
        # Its own folder's Foo is what Obsidian opens: no folder needed; the [[Foo]] that
        # named a/Foo.md would now open b/Foo.md, so it says which.
        "b/x.md": "[[Foo]] [[a/Foo]]\n",
        # a/Foo.md and b/Foo.md are equally short: from c/ neither is settled.
        "c/y.md": "[[b/Foo]] [[a/Foo|f]]\n",
        "a/z.md": "[[Foo]]\n",  # the own folder's Foo, before and after
    }


def test_moving_a_note_keeps_its_bare_links_on_their_notes(tmp_path: Path) -> None:
    files = {"a/Foo.md": "# a\n", "bb/long/Foo.md": "# b\n", "c/x.md": "[[Foo]] [[a/Foo]]\n"}
    root = write(tmp_path, files)
    changed = rename_note(KnowledgeBase.load(root, cache=False), "c/x.md", "bb/long/x.md")
    # In bb/long/ a bare [[Foo]] opens bb/long/Foo.md; the link named a/Foo.md.
    assert changed == ["bb/long/x.md"]
    assert (root / "bb/long/x.md").read_text() == "[[a/Foo]] [[a/Foo]]\n"


def test_moving_to_another_folder_keeps_relative_links_working(tmp_path: Path) -> None:
    files = {
        "a/n.md": "[[./m]] [[../c/o]]\n",
        "a/m.md": "# m\n",
        "c/o.md": "# o\n",
    }
    root = write(tmp_path, files)
    changed = rename_note(KnowledgeBase.load(root, cache=False), "a/n.md", "c/deep/n.md")
    assert changed == ["c/deep/n.md"]
    assert (root / "c/deep/n.md").read_text() == "[[../../a/m]] [[../o]]\n"


@pytest.mark.parametrize(
    ("old", "new", "error", "message"),
    [
        ("maps/missing.md", "x", RenameError, "no such note"),
        (OLD, "another note", RenameError, "exists already"),
        (OLD, "old title", RenameError, "the new name is the old one"),
        (OLD, "../outside.md", UnsafePathError, "outside"),
    ],
)
def test_rename_refuses(
    tmp_path: Path, old: str, new: str, error: type[Exception], message: str
) -> None:
    root = write(tmp_path, FILES)
    with pytest.raises(error, match=message):
        rename_note(KnowledgeBase.load(root, cache=False), old, new)
    assert texts(root) == FILES


# -- the command --------------------------------------------------------------------------


def test_cli_rename_moves_with_git_and_stages_the_rewrites(tmp_path: Path) -> None:
    root = repo(tmp_path / "kb")
    run = cli(root / "domains/health", "rename", "old title.md", "new — title")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"Renamed {OLD} -> {NEW}",
        "Updated domains/health/another note.md",
        f"Updated {NEW}",
        f"Updated {SOURCE}",
        "Updated maps/health.md",
    ]
    assert texts(root) == AFTER
    status = git(root, "status", "--porcelain")
    assert f'R  "{OLD}" -> "{NEW}"' in status or f"R  {OLD} -> {NEW}" in status
    assert " M " not in status  # every rewrite is staged with the move
    check = cli(root, "check", "--all-files")
    assert check.returncode == 0, check.stdout
    assert "WL" not in check.stdout

    assert cli(root, "rename", "maps/nothing.md", "x").returncode == 2


def test_git_mv_then_fix_of_the_renamed_note_mends_the_others(tmp_path: Path) -> None:
    root = repo(tmp_path / "kb")
    git(root, "mv", OLD, NEW)
    run = cli(root, "check", NEW)
    assert run.returncode == 1
    assert "WL005 domains/health/another note.md still names this note by its old name" in (
        run.stdout
    )
    run = cli(root, "fix", NEW)
    assert run.returncode == 1, run.stdout + run.stderr  # files changed
    assert texts(root) == AFTER
    run = cli(root, "check", "--all-files")
    assert (run.returncode, run.stdout) == (0, "")


# -- a commit through the pre-commit hook -------------------------------------------------

PRE_COMMIT = """\
repos:
  - repo: local
    hooks:
      - id: codex-fix
        name: codex-hooks fix
        entry: codex-hooks fix
        language: system
        types: [markdown]
        require_serial: true
"""


def test_commit_of_a_rename_through_the_pre_commit_hook(tmp_path: Path) -> None:
    root = repo(tmp_path / "kb", {**FILES, ".pre-commit-config.yaml": PRE_COMMIT})
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-m", "rename"],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    subprocess.run(["pre-commit", "install"], cwd=root, check=True, env=env, capture_output=True)
    git(root, "mv", OLD, NEW)
    first = commit()
    # The hook rewrote the notes that named the old title: the commit stops for a look.
    assert first.returncode != 0, first.stdout
    assert "files were modified by this hook" in first.stdout + first.stderr
    assert texts(root) == AFTER
    git(root, "add", "--", *AFTER)
    second = commit()
    assert second.returncode == 0, second.stdout + second.stderr
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "show", "--stat", "--format=", "HEAD").count("|") == 4
    run = cli(root, "check", "--all-files")
    assert (run.returncode, run.stdout) == (0, "")
