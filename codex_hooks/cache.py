"""On-disk index of parsed notes (placeholder until the incremental index lands)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Config
    from .kb import NoteInfo


def load_cached(root: Path, config: Config, paths: list[str]) -> dict[str, NoteInfo] | None:
    """The cached index for ``paths``, or ``None`` to read every note."""
    return None
