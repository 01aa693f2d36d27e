"""The one way an edited note reaches the disk (the note layer): ``fix`` (``fixing``) and
``link --write`` (:mod:`codex_hooks.infer.apply`) both write through
:func:`write_if_unchanged`.

A note is written only if it still holds the bytes its edit started from: a note that
changed on disk meanwhile (an editor saved it, another run fixed it) is left as it is,
every byte kept, and the caller reports it. The write itself is atomic
(:func:`codex_hooks.write.atomic_write`): a crash leaves the old note or the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import CodexError
from .write import atomic_write, resolve_inside


class ChangedOnDiskError(CodexError):
    """The note no longer holds the bytes its edit started from: it was not written. The
    message leaves the path to the caller, which reports it first."""


def write_if_unchanged(
    root: Path,
    path: str,
    before: bytes,
    after: bytes,
    while_doing: str,
    before_write: Callable[[str], object] | None = None,
) -> None:
    """Write ``after`` to the note at ``path`` (relative to ``root``) if it still holds
    ``before``. ``while_doing`` names the operation for the error (``fixing``,
    ``linking``); ``before_write(path)`` is called just before the write (tests use it to
    change the note at the last moment).

    Raises :class:`ChangedOnDiskError` when the note changed, :class:`OSError` or
    :class:`~codex_hooks.errors.UnsafePathError` when it cannot be read or written.
    """
    target = resolve_inside(root, path)
    if target.read_bytes() != before:
        raise ChangedOnDiskError(f"changed on disk while {while_doing}; not written")
    if before_write is not None:
        before_write(path)
    atomic_write(target, after, root)
