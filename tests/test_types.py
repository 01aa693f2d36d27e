"""The package type-checks: ``mypy --strict codex_hooks`` reports no error, and no
``# type: ignore`` silences a whole line (each names its error code and says why)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_IGNORE = re.compile(r"#\s*type:\s*ignore(?!\[)")


def test_mypy_strict_reports_no_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "codex_hooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_type_ignore_names_its_error_code() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "codex_hooks").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_IGNORE.search(line)
    ]
    assert bare == []
