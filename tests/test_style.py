"""The code base stays ruff clean: lint rules and formatting, as configured in pyproject."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for p in ("codex_hooks", "tests", "benchmarks", "scripts", "fuzz") if (ROOT / p).is_dir()]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *CODE], cwd=ROOT, capture_output=True, text=True
    )


pytestmark = pytest.mark.skipif(
    shutil.which("ruff") is None
    and subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode
    != 0,
    reason="ruff is not installed (pip install -e '.[test]')",
)


def test_ruff_check_is_clean() -> None:
    result = ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
