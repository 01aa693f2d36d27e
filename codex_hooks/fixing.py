"""Applying the rules' fixes: :func:`fix` checks, edits in memory, checks again until
nothing changes, then writes each changed note once (see :mod:`codex_hooks.writeback`).

Apart from the checks, whose engine is :mod:`codex_hooks.engine`: a check never imports
what fixing needs.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .engine import _kb, check, run_check
from .errors import EditError, NoteError, UnsafePathError

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .model import Fix, Violation

MAX_ROUNDS = 6


@dataclass
class FileChange:
    """One note changed by a fix: its bytes before and after, and which fixes did it.

    >>> change = fix(kb, ["inbox/archive/2026-01-20-conditional-tokens-explainer.md"],
    ...              dry_run=True, unsafe_fixes=True).changes[0]     # a typo: a guess
    >>> change.path, change.fixes
    ('inbox/archive/2026-01-20-conditional-tokens-explainer.md', ["set status to 'processed'"])
    >>> b"procesed" in change.before, b"procesed" in change.after
    (True, False)
    """

    path: str
    before: bytes
    after: bytes
    fixes: list[str] = field(default_factory=list)


@dataclass
class FixResult:
    """What :func:`fix` did: the notes it changed and the violations that remain.

    >>> result = fix(kb, dry_run=True)
    >>> len(result.changed_paths), len(result.remaining), result.failed
    (3, 10, [])
    """

    changes: list[FileChange]
    remaining: list[Violation]
    failed: list[str] = field(default_factory=list)
    #: Remaining findings hidden by the baseline, and by inline markers.
    baselined: int = 0
    suppressed: int = 0

    @property
    def changed_paths(self) -> list[str]:
        """Repo-relative paths of the notes that were (or would be) changed."""
        return [c.path for c in self.changes]


def fix(
    kb: NoteIndex | str | os.PathLike[str],
    paths: list[str] | None = None,
    dry_run: bool = False,
    before_write: object = None,
    baseline: bool = True,
    keep: Callable[[Violation], bool] | None = None,
    unsafe_fixes: bool = False,
) -> FixResult:
    """Apply every safe fix found for the notes at ``paths`` until nothing changes; with
    ``unsafe_fixes``, the unsafe ones (guesses such as a did-you-mean value) too.

    ``kb`` is a loaded knowledge base or its folder, as for :func:`check`. Fixes may edit
    notes outside ``paths`` (the counterpart of a link). Every edit is made in memory
    first; with ``dry_run`` nothing is written and the knowledge base is left as it is on
    disk. Notes are written one by one, each atomically, and only when the file on disk
    still holds the bytes that were read: a note changed meanwhile is left alone and
    reported in ``failed``. Running it again right away changes nothing.

    Findings suppressed inline, and with ``baseline`` those the baseline records, are
    neither fixed nor reported: a commit must not mend old problems of notes it touches.
    ``keep`` narrows the findings as for :func:`check`.

    >>> result = fix(kb, dry_run=True)                 # or fix(root): writes the fixes
    >>> "maps/alignment and markets.md" in result.changed_paths
    False
    >>> sorted({v.code for v in result.remaining})[:4]     # guesses wait for unsafe_fixes
    ['BL001', 'BL003', 'FM002', 'FM003']
    >>> len(fix(kb, dry_run=True, unsafe_fixes=True).remaining)
    5
    """
    kb = _kb(kb)
    originals: dict[str, bytes] = {}
    titles: dict[str, list[str]] = defaultdict(list)
    failed: list[str] = []
    for _ in range(MAX_ROUNDS):
        violations = check(kb, paths, baseline, keep)
        groups: dict[str, list[Fix]] = defaultdict(list)
        for v in violations:
            if v.fix is not None and (v.fix.safe or unsafe_fixes):
                groups[v.fix.path].append(v.fix)
        progressed = False
        for target, fixes in groups.items():
            progressed |= _apply(kb, target, fixes, originals, titles, failed)
        if not progressed:
            break
    changes = []
    for path, before in originals.items():
        edited = kb.pending.get(path)  # absent when every fix for the note failed
        if edited is not None and edited.to_bytes() != before:
            changes.append(FileChange(path, before, edited.to_bytes(), titles[path]))
    if dry_run:
        # What would remain after the fixes; then the knowledge base is what is on disk
        # again, so that a later check or fix does not see edits that were never written.
        found = run_check(kb, paths, baseline, keep)
        _forget(kb, list(kb.pending))
        return FixResult(changes, found.violations, failed, found.baselined, found.suppressed)
    from .writeback import ChangedOnDiskError, write_if_unchanged

    unwritten = []
    hook = before_write if callable(before_write) else None
    for change in changes:
        try:
            write_if_unchanged(kb.root, change.path, change.before, change.after, "fixing", hook)
        except (OSError, UnsafePathError, ChangedOnDiskError) as exc:
            failed.append(f"{change.path}: {exc}")
            unwritten.append(change.path)
    _forget(kb, unwritten)
    kb.pending.clear()
    found = run_check(kb, paths, baseline, keep)
    changes = [c for c in changes if c.path not in unwritten]
    if baseline:
        moved = _follow_renames(kb, failed)
        if moved is not None:
            changes.append(moved)
    return FixResult(changes, found.violations, failed, found.baselined, found.suppressed)


def _follow_renames(kb: NoteIndex, failed: list[str]) -> FileChange | None:
    """Rewrite the baseline's entries for the notes git shows renamed to their new paths,
    so that they stay hidden once the rename is committed; the change, if any."""
    from .baseline import recorded as recorded_baseline

    recorded = recorded_baseline(kb)
    if recorded is None or not kb.renames:
        return None
    moved = recorded.following(kb.renames)
    if moved.entries == recorded.entries:
        return None
    from .baseline import location, remember, write

    file = location(kb.root, kb.config)
    try:
        before = file.read_bytes()
        write(file, moved)
    except OSError as exc:
        failed.append(f"{file.name}: {exc}")
        return None
    remember(kb, moved)
    rel = file.relative_to(kb.root).as_posix()
    return FileChange(
        rel, before, moved.dumps().encode("utf-8"), ["move recorded findings of renamed notes"]
    )


def _forget(kb: NoteIndex, paths: list[str]) -> None:
    """Drop in-memory edits of ``paths``: index them again as they are on disk."""
    from .index import read_info

    for path in paths:
        kb.pending.pop(path, None)
        info = read_info(kb.root, path, kb.config)
        if info is None:
            kb.notes.pop(path, None)
        else:
            kb.notes[path] = info
    kb.invalidate()


def _apply(
    kb: NoteIndex,
    target: str,
    fixes: list[Fix],
    originals: dict[str, bytes],
    titles: dict[str, list[str]],
    failed: list[str],
) -> bool:
    # Only a fix edits: a check never imports the editing and rendering machinery.
    from .edit import NoteEditor

    try:
        note = kb.read_note(target)
        editor = NoteEditor(note)
    except (OSError, NoteError, UnsafePathError) as exc:
        failed.append(f"{target}: not fixed: {exc}")
        return False
    originals.setdefault(target, note.to_bytes())
    for fx in fixes:
        before = editor.note.text
        try:
            fx.apply(editor)
        except EditError as exc:
            failed.append(f"{target}: {fx.title}: {exc}")
            continue
        if editor.note.text != before and fx.title not in titles[target]:
            titles[target].append(fx.title)
    if not editor.changed:
        return False
    kb.update(editor.note)
    return True
