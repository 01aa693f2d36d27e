"""Shared test set-up.

Tests run the real ``codex-hooks`` and ``pre-commit`` commands in subprocesses; putting the
running interpreter's script folder first on PATH makes them the ones installed beside it
(in a virtual environment that is not activated, too).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_BIN = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _BIN:
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

# Temporary repositories commit without the user's git configuration.
os.environ.setdefault("GIT_AUTHOR_NAME", "Test")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "test@example.com")
os.environ.setdefault("GIT_COMMITTER_NAME", "Test")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "test@example.com")
