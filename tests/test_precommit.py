"""The hooks as users run them: real git repositories, real pre-commit, real commits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SOURCE = """---
type: source
title: "Decision markets in production"
author: "Example"
url: https://example.org/launch
date: 2026-01-12
domain: internet-finance
format: article
status: processed
processed_by: rio
processed_date: 2026-01-13
claims_extracted:
  - "decision markets price policies"
---

# Decision markets in production
"""
CLAIM = """---
type: claim
domain: internet-finance
description: "Pass and fail markets price a proposal"
confidence: Likely
source: "Example launch post (2026)"
created: 2026-01-13
---

# decision markets price policies

Body stays as it is.
"""
# A value in the wrong case and a missing back-link: safe fixes, which the hook applies.
CLAIM_FIXED = CLAIM.replace("confidence: Likely", "confidence: likely").replace(
    'source: "Example launch post (2026)"\n',
    'source: "Example launch post (2026)"\nsourced_from: inbox/archive/2026-01-12-launch.md\n',
)
SOURCE_PATH = "inbox/archive/2026-01-12-launch.md"
CLAIM_PATH = "domains/internet-finance/decision markets price policies.md"
AGENT_PATH = "agents/rio/identity.md"


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


def run(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=repo, capture_output=True, text=True, env=env)


def make_kb(repo: Path, config: str) -> None:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for rel, text in {SOURCE_PATH: SOURCE, CLAIM_PATH: CLAIM, AGENT_PATH: "# Rio\n"}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")


LOCAL_CONFIG = """repos:
  - repo: local
    hooks:
      - id: codex-fix
        name: codex-hooks fix
        entry: codex-hooks fix --hook
        language: system
        types: [markdown]
        require_serial: true
"""


def pre_commit(repo: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return run(repo, sys.executable, "-m", "pre_commit", *args, env=env)


def test_pre_commit_run_all_files_fixes_both_notes(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    make_kb(repo, LOCAL_CONFIG)
    git(repo, "add", "-A")
    first = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Fixing domains/internet-finance/decision markets price policies.md" in first.stdout
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM_FIXED
    assert (repo / SOURCE_PATH).read_text(encoding="utf-8") == SOURCE
    second = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr


def test_the_fix_hook_leaves_a_typo_to_unsafe_fixes(tmp_path: Path) -> None:
    """A typo's repair is a guess: the hook writes the back-link (safe) and shows the
    suggestion for the typo; 'codex-hooks fix --unsafe-fixes' applies it."""
    repo = tmp_path / "kb"
    make_kb(repo, LOCAL_CONFIG)
    typo = CLAIM.replace("confidence: Likely", "confidence: likley")
    (repo / CLAIM_PATH).write_text(typo, encoding="utf-8")
    git(repo, "add", "-A")
    first = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert first.returncode == 1, first.stdout + first.stderr
    linked = CLAIM_FIXED.replace("confidence: likely", "confidence: likley")
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == linked
    assert (
        f"{CLAIM_PATH}:5:1: FM003 confidence 'likley' is not one of the allowed values "
        "(did you mean 'likely'?) (unsafe fix: set confidence to 'likely'; "
        "codex-hooks fix --unsafe-fixes)"
    ) in first.stdout
    git(repo, "add", "-A")
    second = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert second.returncode == 1  # the typo is an error a person must settle
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == linked
    fixed = run(repo, "codex-hooks", "fix", "--all-files", "--unsafe-fixes")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # a file changed
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM_FIXED
    git(repo, "add", "-A")
    third = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert third.returncode == 0, third.stdout + third.stderr


def test_commit_through_installed_hook(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    make_kb(repo, LOCAL_CONFIG)
    home = tmp_path / "home"
    assert pre_commit(repo, "install", home=home).returncode == 0
    git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    blocked = run(repo, "git", "commit", "-q", "-m", "add notes", env=env)
    assert blocked.returncode != 0, "the hook changed notes, so the commit must stop"
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM_FIXED
    assert run(repo, "git", "rev-parse", "HEAD").returncode != 0  # nothing committed yet
    git(repo, "add", "-A")
    done = run(repo, "git", "commit", "-q", "-m", "add notes", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    committed = git(repo, "show", f"HEAD:{CLAIM_PATH}").stdout
    assert committed == CLAIM_FIXED


def test_check_hook_blocks_a_commit_with_errors(tmp_path: Path) -> None:
    config = LOCAL_CONFIG.replace("codex-fix", "codex-check").replace("fix --hook", "check --hook")
    repo = tmp_path / "kb"
    make_kb(repo, config)
    home = tmp_path / "home"
    assert pre_commit(repo, "install", home=home).returncode == 0
    git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    blocked = run(repo, "git", "commit", "-q", "-m", "add notes", env=env)
    assert blocked.returncode != 0
    out = blocked.stdout + blocked.stderr
    assert f"{CLAIM_PATH}:5:1: FM003 confidence 'Likely'" in out
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM  # check never writes


@pytest.mark.skipif(
    subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode
    != 0,
    reason="this checkout has no commit for pre-commit to clone",
)
def test_hook_definitions_install_from_this_repository(tmp_path: Path) -> None:
    """`.pre-commit-hooks.yaml` itself: pre-commit clones this repository at HEAD and
    installs it into its own environment, as users' machines do."""
    rev = git(ROOT, "rev-parse", "HEAD").stdout.strip()
    config = f"""repos:
  - repo: {ROOT}
    rev: {rev}
    hooks:
      - id: codex-check
      - id: codex-fix
"""
    repo = tmp_path / "kb"
    make_kb(repo, config)
    git(repo, "add", "-A")
    result = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "FM003 confidence 'Likely'" in out  # codex-check reported before the fix
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM_FIXED


def test_after_a_baseline_the_hook_passes_and_changes_nothing(tmp_path: Path) -> None:
    """The adoption path: record today's findings, commit; the fixer then leaves old
    problems alone, a body edit of a note that has them commits at once, and a new
    problem still stops the commit."""
    repo = tmp_path / "kb"
    make_kb(repo, LOCAL_CONFIG)
    home = tmp_path / "home"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    recorded = run(repo, sys.executable, "-m", "codex_hooks", "baseline")
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == "Wrote 2 findings (1 notes) to .codex-hooks-baseline.json\n"
    git(repo, "add", "-A")
    whole = pre_commit(repo, "run", "--all-files", home=home)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM
    assert pre_commit(repo, "install", home=home).returncode == 0
    done = run(repo, "git", "commit", "-q", "-m", "adopt codex-hooks", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / CLAIM_PATH).write_text(CLAIM + "\nA new paragraph.\n", encoding="utf-8")
    git(repo, "add", "-A")
    edit = run(repo, "git", "commit", "-q", "-m", "body edit", env=env)
    assert edit.returncode == 0, edit.stdout + edit.stderr
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM + "\nA new paragraph.\n"
    (repo / SOURCE_PATH).write_text(SOURCE.replace("processed\n", "procesed\n", 1))
    git(repo, "add", "-A")
    blocked = run(repo, "git", "commit", "-q", "-m", "typo", env=env)
    assert blocked.returncode != 0
    assert "status to 'processed'" in blocked.stdout + blocked.stderr


def test_the_readme_hook_config_works_as_written(tmp_path: Path) -> None:
    """The configuration the README tells users to copy, copied as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Turn it on") :]
    config = section[section.index("```yaml\n") + len("```yaml\n") :]
    config = config[: config.index("```")]
    repo = tmp_path / "kb"
    make_kb(repo, config)
    git(repo, "add", "-A")
    result = pre_commit(repo, "run", "--all-files", home=tmp_path / "home")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Fixing {CLAIM_PATH}" in result.stdout
    assert (repo / CLAIM_PATH).read_text(encoding="utf-8") == CLAIM_FIXED
