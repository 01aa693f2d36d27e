"""Shared test set-up.

Tests run the real ``codex-hooks`` and ``pre-commit`` commands in subprocesses; putting the
running interpreter's script folder first on PATH makes them the ones installed beside it
(in a virtual environment that is not activated, too).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

_BIN = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _BIN:
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

# Temporary repositories commit without the user's git configuration.
os.environ.setdefault("GIT_AUTHOR_NAME", "Test")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "test@example.com")
os.environ.setdefault("GIT_COMMITTER_NAME", "Test")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "test@example.com")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clone of the real corpus for the whole run, to read (a test that writes
    copies it: see :func:`corpus_copy`); skips when the corpus is not beside this
    checkout."""
    from kbutil import BUNDLE, NO_CORPUS, clone_corpus

    if BUNDLE is None:
        pytest.skip(NO_CORPUS)
    return clone_corpus(tmp_path_factory.mktemp("corpus") / "kb")


@pytest.fixture
def corpus_copy(corpus: Path, tmp_path: Path) -> Path:
    """A copy of the corpus clone (with its git history) that the test may change."""
    dest = tmp_path / "kb"
    shutil.copytree(corpus, dest, symlinks=True)
    return dest
