"""Small knowledge bases and git helpers shared by the reliability, crash, hostile-input
and partial-staging tests (not a test module itself)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOURCE_PATH = "inbox/archive/2026-01-12-launch.md"
CLAIM_PATH = "domains/internet-finance/decision markets price policies.md"
OTHER_CLAIM_PATH = "domains/health/sleep debt compounds.md"
AGENT_PATH = "agents/rio/identity.md"

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
confidence: likely
source: "Example launch post (2026)"
sourced_from: inbox/archive/2026-01-12-launch.md
created: 2026-01-13
---

# decision markets price policies

Body stays as it is. See [[sleep debt compounds]].
"""

OTHER_CLAIM = """---
type: claim
domain: health
description: 'Lost sleep adds up'
confidence: experimental
source: "A sleep study"
created: 2026-01-14
---

# sleep debt compounds
"""

AGENT = "# rio\n"


def clean_kb() -> dict[str, str]:
    """A consistent knowledge base: ``check --all-files`` reports nothing."""
    return {
        SOURCE_PATH: SOURCE,
        CLAIM_PATH: CLAIM,
        OTHER_CLAIM_PATH: OTHER_CLAIM,
        AGENT_PATH: AGENT,
    }


def write_kb(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (repo-relative path → text or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)


def git(root: Path, *args: str, check: bool = True) -> str:
    """Run git in ``root``; return its standard output."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check and result.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def init_repo(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A git repository at ``root`` holding ``files`` in one commit."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    if files:
        write_kb(root, files)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` outside ``.git``: path → bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or path.is_dir():
            continue
        if path.is_symlink():
            out[path.relative_to(root).as_posix()] = b"-> " + str(path.readlink()).encode()
            continue
        out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``codex-hooks ARGS`` in ``root`` with the interpreter running the tests."""
    return subprocess.run(
        [sys.executable, "-m", "codex_hooks", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
