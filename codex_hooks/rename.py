"""Renaming notes without breaking what names them.

A note is named by ``[[wiki links]]`` in bodies and frontmatter, by titles in
``claims_extracted``, ``enrichments_applied`` (or the legacy ``enrichments``),
``depends_on`` and ``challenged_by``, and by paths in ``sourced_from``. When a note moves, each of these that
named it (as the knowledge base resolved it *before* the move) is rewritten to name it at
its new place, in the reference's own form: a link keeps its ``|text``, ``#heading``,
``.md`` or not, and path or short form. A link that a new file name would capture (it
named another note of that name before) is lengthened into a path so that it still names
the note it named.

Two entry points share that logic (:mod:`codex_hooks.relink`): :func:`rename_note` (and
``codex-hooks rename``) moves a file and updates every note; the WL005 rule finds the
references that a rename git already recorded (``git mv``) left behind, and its fix
rewrites them.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import CodexError
from .gitutil import GitError, add, unstaged
from .gitutil import move as git_move
from .gitutil import tracked as is_tracked
from .moves import (  # noqa: F401  (re-exported: the names this module always had)
    recorded_moves,
    recorded_relinker,
    renamed_to,
    stale_referrers,
)
from .relink import (  # noqa: F401  (re-exported: the names this module always had)
    PATH_FIELDS,
    TITLE_FIELDS,
    Relinker,
    Rewrite,
)

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex


class RenameError(CodexError):
    """A rename that cannot be done: the note is missing, the new name is taken…"""


# -- renaming a note ------------------------------------------------------------------


def new_path(kb: NoteIndex, old: str, new: str) -> str:
    """The repo-relative path a note moves to: ``.md`` added when missing, and a bare
    file name kept in the note's own folder."""
    new = new.replace("\\", "/").strip()
    if not new.lower().endswith(".md"):
        new += ".md"
    if "/" not in new:
        folder = PurePosixPath(old).parent.as_posix()
        new = new if folder == "." else f"{folder}/{new}"
    return PurePosixPath(new).as_posix()


@dataclass
class RenamePlan:
    """What renaming a note rewrites: per note (by its path after the move) the
    references to rewrite, and the :class:`Relinker` that rewrites them."""

    old: str
    new: str
    rewrites: dict[str, list[Rewrite]]
    relinker: Relinker


def plan_rename(kb: NoteIndex, old: str, new: str, moved: bool = False) -> RenamePlan:
    """Plan renaming the note at ``old`` to ``new`` (``moved``: the file is at ``new``
    already, the index still has it at ``old``). Reads and writes nothing."""
    from dataclasses import replace

    from .write import resolve_inside

    if old not in kb.notes:
        raise RenameError(f"{old}: no such note in the knowledge base")
    new = new_path(kb, old, new)
    resolve_inside(kb.root, new)
    if new == old:
        raise RenameError(f"{old}: the new name is the old one")
    same_file = new.lower() == old.lower()
    if new in kb.notes or (not moved and not same_file and (kb.root / new).exists()):
        raise RenameError(f"{new}: a file of that name exists already")
    after = [new if p == old else p for p in kb.notes]
    relinker = Relinker({old: new}, list(kb.notes), after, kb.config)
    rewrites: dict[str, list[Rewrite]] = {}
    for path, info in kb.notes.items():
        found = relinker.rewrites(info if path != old else replace(info, path=new))
        if found:
            rewrites[new if path == old else path] = found
    return RenamePlan(old, new, rewrites, relinker)


def rename_note(
    kb: NoteIndex,
    old: str,
    new: str,
    move: bool = True,
    stage: bool = False,
    dry_run: bool = False,
) -> list[str]:
    """Rename the note at ``old`` to ``new`` and rewrite every reference to it.

    ``old`` and ``new`` are repo-relative paths (``new`` may be a bare file name: the note
    stays in its folder; ``.md`` is added when missing). With ``move`` the file is moved
    (``git mv`` when git tracks it); without it the file must be at ``new`` already. With
    ``stage`` the rewritten notes are staged too (``git add``), those that had no unstaged
    changes before. Returns the paths of the notes whose text changed (their paths after
    the move); ``dry_run`` computes them and writes nothing.

        >>> rename_note(kb, "domains/a/old.md", "new title")   # doctest: +SKIP
        ['domains/a/new title.md', 'maps/index.md']
    """
    from dataclasses import replace

    from .edit import NoteEditor
    from .noteinfo import read_info
    from .write import atomic_write, resolve_inside

    if not move:
        new = new_path(kb, old, new)
        if old in kb.notes or new not in kb.notes:
            raise RenameError(f"{new}: without moving, the note must be there and not at {old}")
        kb.notes[old] = replace(kb.notes.pop(new), path=old)
        try:
            plan = plan_rename(kb, old, new, moved=True)
        finally:
            kb.notes[new] = replace(kb.notes.pop(old), path=new)
    else:
        plan = plan_rename(kb, old, new)
    new = plan.new
    edited = {}
    for path in plan.rewrites:
        on_disk = old if (move and path == new) else path
        editor = NoteEditor(replace(kb.read_note(on_disk), path=path))
        plan.relinker.apply(editor)
        if editor.changed:
            edited[path] = editor.note
    if dry_run:
        return sorted(edited)
    use_git = (kb.root / ".git").exists()
    dirty: set[str] = set()
    if stage and use_git:
        dirty = unstaged(kb.root)
    tracked = move and is_tracked(kb.root, old)
    if move:
        target = resolve_inside(kb.root, new)
        target.parent.mkdir(parents=True, exist_ok=True)
        if tracked:
            try:
                git_move(kb.root, old, new)
            except GitError as exc:
                raise RenameError(str(exc)) from None
        else:
            os.rename(resolve_inside(kb.root, old), target)
    for path, note in edited.items():
        atomic_write(resolve_inside(kb.root, path), note.to_bytes(), kb.root)
    if stage and use_git:
        clean = [
            p
            for p in edited
            if (old if p == new else p) not in dirty and (p != new or tracked or not move)
        ]
        with contextlib.suppress(GitError):  # as before: a failed add leaves them unstaged
            add(kb.root, clean)
    # The knowledge base now describes the notes as they are on disk.
    kb.notes.pop(old, None)
    kb.pending.pop(old, None)
    for path in {new, *edited}:
        kb.pending.pop(path, None)
        info = read_info(kb.root, path, kb.config)
        if info is not None:
            kb.notes[path] = info
    kb.__dict__.pop("renames", None)
    kb.invalidate()
    return sorted(edited)
