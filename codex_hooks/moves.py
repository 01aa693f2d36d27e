"""The notes git shows renamed since ``HEAD``, as the index sees them, and the references
to their old names that remain.

Every check asks (a reference that names no note may name a renamed one, and rule WL005
reports what a rename left behind), and the answer is almost always "none": the
machinery that rewrites references, :mod:`codex_hooks.relink`, is imported only when
git shows a rename.
"""

from __future__ import annotations

from .noteinfo import IndexKey
from .titles import clean_path, normalize_title, stem

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .relink import Relinker, Rewrite

#: The index's keys for what follows (made once per state of the notes).
RECORDED_MOVES: IndexKey[dict[str, str]] = IndexKey("recorded-moves")
RECORDED_RELINKER: IndexKey[Relinker] = IndexKey("recorded-relinker")
STALE_REFERRERS: IndexKey[dict[str, list[Rewrite]]] = IndexKey("stale-referrers")


def recorded_moves(kb: NoteIndex) -> dict[str, str]:
    """Notes git shows renamed since ``HEAD`` whose old path is gone and new path is a
    note (``{}`` outside a git work tree)."""
    return kb.memo.get(RECORDED_MOVES, lambda: _recorded_moves(kb))


def _recorded_moves(kb: NoteIndex) -> dict[str, str]:
    if not (kb.root / ".git").exists():
        return {}
    return {
        old: new
        for old, new in kb.renames.items()
        if old.lower().endswith(".md") and new in kb.notes and old not in kb.notes
    }


def renamed_to(kb: NoteIndex, ref: str) -> list[str]:
    """The new path of the note that ``ref`` (a title or path) named before a rename git
    recorded; ``[]`` when it named none."""
    moves = recorded_moves(kb)
    if not moves:
        return []
    path = clean_path(ref)
    if path in moves:
        return [moves[path]]
    title = normalize_title(ref)
    return [new for old, new in moves.items() if normalize_title(stem(old)) == title]


def recorded_relinker(kb: NoteIndex) -> Relinker | None:
    """The :class:`~codex_hooks.relink.Relinker` for the renames git recorded (``None``
    when there are none)."""
    moves = recorded_moves(kb)
    if not moves:
        return None
    return kb.memo.get(RECORDED_RELINKER, lambda: _relinker(kb, moves))


def _relinker(kb: NoteIndex, moves: dict[str, str]) -> Relinker:
    from .relink import Relinker

    after = list(kb.notes)
    moved_to = set(moves.values())
    before = [p for p in after if p not in moved_to] + list(moves)
    return Relinker(moves, before, after, kb.config)


def stale_referrers(kb: NoteIndex) -> dict[str, list[Rewrite]]:
    """Every note that still names a renamed note by its old name → its rewrites."""
    relinker = recorded_relinker(kb)
    if relinker is None:
        return {}
    return kb.memo.get(STALE_REFERRERS, lambda: _stale_referrers(kb, relinker))


def _stale_referrers(kb: NoteIndex, relinker: Relinker) -> dict[str, list[Rewrite]]:
    found: dict[str, list[Rewrite]] = {}
    for path, info in kb.notes.items():
        rewrites = relinker.rewrites(info)
        if rewrites:
            found[path] = rewrites
    return found
