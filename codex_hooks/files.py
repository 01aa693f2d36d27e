"""The package's own files: a new temporary file, and replacing a file by another in one
step (a helper: imports nothing of the package). :mod:`codex_hooks.write` builds the
writes of notes on them; the stored results and the parsed settings use
:func:`replace_file` directly."""

from __future__ import annotations

import contextlib
import os

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterable


def replace_file(path: str | os.PathLike[str], chunks: Iterable[bytes | memoryview]) -> None:
    """Replace the file at ``path`` by ``chunks``, one after the other, atomically (a
    temporary file in the same folder, then a rename) but without syncing it to disk:
    for the package's own stored results, which are read back only when their checksum
    matches. A crash can lose one (the next run writes it again); syncing would add a
    few milliseconds to every run that stores one. Notes are written by
    :func:`codex_hooks.write.atomic_write`, which also syncs them."""
    folder, name = os.path.split(os.fspath(path))
    fd, tmp = new_file(folder, f".{name[:40]}.", ".tmp", 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def new_file(
    folder: str | os.PathLike[str], prefix: str, suffix: str, mode: int = 0o600
) -> tuple[int, str]:
    """A new file in ``folder``, created and opened as ``tempfile.mkstemp`` does (only if
    it did not exist, never through a link; readable by its owner alone unless ``mode``
    says more, within the umask): ``(fd, path)``. Here rather than tempfile, whose import
    (shutil and the compression modules with it) costs a few ms of every run that stores
    its result."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, flags, mode), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")
