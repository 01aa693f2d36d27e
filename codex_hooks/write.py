"""Atomic, mode-keeping writes that never leave the repository or follow a symlink out."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .errors import UnsafePathError
from .files import new_file


def resolve_inside(root: str | os.PathLike[str], relpath: str) -> Path:
    """``root / relpath``, refusing absolute paths, ``..`` escapes and symlinks leading out.

    Raises :class:`UnsafePathError` when the target is not inside ``root``.

    >>> resolve_inside(root, "maps/alignment and markets.md").name
    'alignment and markets.md'
    >>> resolve_inside(root, "../outside.md")
    Traceback (most recent call last):
    ...
    codex_hooks.errors.UnsafePathError: '../outside.md' leads outside the repository
    """
    if not relpath or os.path.isabs(relpath) or relpath.startswith(("/", "\\")):
        raise UnsafePathError(f"'{relpath}' is not a path relative to the repository")
    if any(c in relpath for c in "\0\n\r"):
        raise UnsafePathError(f"{relpath!r} has control characters")
    base = Path(root).resolve()
    target = _resolve(base / relpath)
    if target != base and base not in target.parents:
        raise UnsafePathError(f"'{relpath}' leads outside the repository")
    return base / relpath


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise UnsafePathError(f"'{path}' cannot be resolved: {exc}") from None


def atomic_write(
    path: str | os.PathLike[str], data: bytes, root: str | os.PathLike[str] | None = None
) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then a
    rename. The file's mode is kept. A symlink is never written through: when ``path`` is
    a link, or ``root`` is given and the real target is outside it, nothing is written and
    :class:`UnsafePathError` is raised, as it is for a device (``/dev/null``), a named
    pipe or a socket, which the rename would replace by a file.

    >>> atomic_write(root / "new note.md", b"# A new note\\n", root=root)
    >>> (root / "new note.md").read_bytes()
    b'# A new note\\n'
    """
    target = Path(path)
    if target.is_symlink():
        raise UnsafePathError(f"'{path}' is a symbolic link; it is never written through")
    if root is not None:
        base = Path(root).resolve()
        real = _resolve(target)
        if base not in real.parents:
            raise UnsafePathError(f"'{path}' is outside the repository '{root}'")
    try:
        st = target.stat()
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):  # a folder: OSError
            raise UnsafePathError(f"'{path}' is not a regular file; it is never replaced")
        mode = st.st_mode & 0o7777
    fd, tmp = new_file(target.parent, f".{target.name[:40]}.", ".tmp")
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
    _sync_dir(target.parent)


def _sync_dir(folder: Path) -> None:
    """Make the rename durable (best effort: not every system can sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process umask, read without changing it where the system allows: setting it
    to learn it would let another thread create a world-writable file meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask
