"""Notes with staged and unstaged changes: the staged content is what gets checked, and
the fixer never stages or discards the user's unstaged work.

Through real ``git commit`` runs of an installed pre-commit hook (pre-commit stashes the
unstaged changes itself), and through the plain ``codex-hooks check`` with no paths, which
reads the index blob of every note whose work-tree file differs from the index.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from reliability_kb import CLAIM, CLAIM_PATH, clean_kb, cli, git, init_repo

TYPO = CLAIM.replace("confidence: likely", "confidence: likley")
#: A value in the wrong case: a safe fix, which the fix hook applies (a typo's is unsafe).
SLIP = CLAIM.replace("confidence: likely", "confidence: Likely")
APPENDED = "\nA paragraph the user is still writing.\n"

CONFIG = """repos:
  - repo: local
    hooks:
      - id: codex-{name}
        name: codex-hooks {name}
        entry: codex-hooks {name}
        language: system
        types: [markdown]
        require_serial: true
"""


def index_blob(root: Path, path: str) -> str:
    return git(root, "show", f":{path}")


def worktree(root: Path, path: str) -> str:
    return (root / path).read_bytes().decode("utf-8")


# -- the plain command line --------------------------------------------------------------


def test_check_reads_the_staged_content_not_the_work_tree(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb", clean_kb())
    (root / CLAIM_PATH).write_text(TYPO)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(CLAIM + APPENDED)  # fixed in the work tree, not staged
    run = cli(root, "check")
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{CLAIM_PATH}:5:1: FM003 confidence 'likley'" in run.stdout
    # Explicit paths and --all-files read the work tree, as documented.
    assert cli(root, "check", CLAIM_PATH).returncode == 0


def test_check_ignores_unstaged_faults(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb", clean_kb())
    (root / CLAIM_PATH).write_text(CLAIM + APPENDED)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(TYPO + APPENDED)  # a fault the commit will not hold
    run = cli(root, "check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_reads_a_staged_note_deleted_from_the_work_tree(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb", clean_kb())
    new = "domains/health/a staged claim.md"
    (root / new).write_text(TYPO)
    git(root, "add", new)
    (root / new).unlink()
    run = cli(root, "check")
    assert run.returncode == 1
    assert f"{new}:5:1: FM003" in run.stdout


def test_fix_never_stages_or_discards_unstaged_work(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "kb", clean_kb())
    (root / CLAIM_PATH).write_text(SLIP)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(SLIP + APPENDED)
    staged_before = git(root, "diff", "--cached", "--binary")
    run = cli(root, "fix")
    assert run.returncode == 1
    assert f"Fixing {CLAIM_PATH}" in run.stdout
    assert git(root, "diff", "--cached", "--binary") == staged_before
    assert index_blob(root, CLAIM_PATH) == SLIP
    assert worktree(root, CLAIM_PATH) == CLAIM + APPENDED


def test_library_reads_index_blobs(tmp_path: Path) -> None:
    from codex_hooks.kb import KnowledgeBase
    from codex_hooks.staged import staged_targets

    root = init_repo(tmp_path / "kb", clean_kb())
    (root / CLAIM_PATH).write_text(TYPO)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(CLAIM)
    kb = KnowledgeBase.load(root, cache=False)
    assert kb.check(staged_targets(kb)) == []
    targets = staged_targets(kb, index=True)
    assert [v.code for v in kb.check(targets)] == ["FM003"]


# -- real commits through pre-commit -----------------------------------------------------


@pytest.fixture
def hooked(tmp_path: Path):
    """A repository with pre-commit installed, running the given local hook."""

    def make(name: str) -> tuple[Path, dict[str, str]]:
        files: dict[str, str | bytes] = dict(clean_kb())
        files[".pre-commit-config.yaml"] = CONFIG.format(name=name)
        root = init_repo(tmp_path / f"kb-{name}", files)
        env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
        subprocess.run(
            ["pre-commit", "install"], cwd=root, env=env, check=True, capture_output=True
        )
        return root, env

    return make


def commit(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "edit"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def test_commit_fix_keeps_unstaged_lines(hooked) -> None:
    root, env = hooked("fix")
    (root / CLAIM_PATH).write_text(SLIP)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(SLIP + APPENDED)
    before = head(root)
    run = commit(root, env)
    assert run.returncode != 0, run.stdout
    assert "files were modified by this hook" in run.stdout + run.stderr
    assert head(root) == before
    # The fixer did not stage its fix: the index holds what the user staged ...
    assert index_blob(root, CLAIM_PATH) == SLIP
    # ... and the work tree holds the fix plus the user's unstaged paragraph.
    assert worktree(root, CLAIM_PATH) == CLAIM + APPENDED
    git(root, "add", CLAIM_PATH)
    assert commit(root, env).returncode == 0
    assert git(root, "show", f"HEAD:{CLAIM_PATH}") == CLAIM + APPENDED


def test_commit_fix_conflicting_with_unstaged_work_keeps_the_work(hooked) -> None:
    root, env = hooked("fix")
    (root / CLAIM_PATH).write_text(SLIP)
    git(root, "add", CLAIM_PATH)
    mine = CLAIM.replace("confidence: likely", "confidence: speculative") + APPENDED
    (root / CLAIM_PATH).write_text(mine)  # the same line, changed differently
    before = head(root)
    run = commit(root, env)
    assert run.returncode != 0
    assert head(root) == before
    assert index_blob(root, CLAIM_PATH) == SLIP
    assert worktree(root, CLAIM_PATH) == mine


def test_commit_check_reads_what_is_staged(hooked) -> None:
    root, env = hooked("check")
    # Staged: a typo. Unstaged: its correction. The commit would hold the typo.
    (root / CLAIM_PATH).write_text(TYPO)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(CLAIM + APPENDED)
    before = head(root)
    run = commit(root, env)
    assert run.returncode != 0
    assert "FM003" in run.stdout + run.stderr
    assert head(root) == before
    assert worktree(root, CLAIM_PATH) == CLAIM + APPENDED
    # Staged: clean. Unstaged: a typo. The commit goes through without the typo.
    (root / CLAIM_PATH).write_text(CLAIM + APPENDED)
    git(root, "add", CLAIM_PATH)
    (root / CLAIM_PATH).write_text(TYPO + APPENDED)
    run = commit(root, env)
    assert run.returncode == 0, run.stdout
    assert git(root, "show", f"HEAD:{CLAIM_PATH}") == CLAIM + APPENDED
    assert worktree(root, CLAIM_PATH) == TYPO + APPENDED
    assert index_blob(root, CLAIM_PATH) == CLAIM + APPENDED
