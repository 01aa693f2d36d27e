"""Atomic, mode-keeping writes that never leave the repository or follow a symlink out."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import UnsafePathError


def resolve_inside(root: str | os.PathLike[str], relpath: str) -> Path:
    """``root / relpath``, refusing absolute paths, ``..`` escapes and symlinks leading out.

    Raises :class:`UnsafePathError` when the target is not inside ``root``.
    """
    if not relpath or os.path.isabs(relpath) or relpath.startswith(("/", "\\")):
        raise UnsafePathError(f"'{relpath}' is not a path relative to the repository")
    if any(c in relpath for c in "\0\n\r"):
        raise UnsafePathError(f"{relpath!r} has control characters")
    base = Path(root).resolve()
    target = (base / relpath).resolve()
    if target != base and base not in target.parents:
        raise UnsafePathError(f"'{relpath}' leads outside the repository")
    return base / relpath


def atomic_write(
    path: str | os.PathLike[str], data: bytes, root: str | os.PathLike[str] | None = None
) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then a
    rename. The file's mode is kept. A symlink is never written through: when ``path`` is
    a link, or ``root`` is given and the real target is outside it, nothing is written and
    :class:`UnsafePathError` is raised."""
    target = Path(path)
    if target.is_symlink():
        raise UnsafePathError(f"'{path}' is a symbolic link; it is never written through")
    if root is not None:
        base = Path(root).resolve()
        real = target.resolve()
        if base not in real.parents:
            raise UnsafePathError(f"'{path}' is outside the repository '{root}'")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
