"""Edits that add an entry to a list field of a note's frontmatter (the note layer): the
rules' fixes (BL001, BL003, ...) and ``link --write`` (:mod:`codex_hooks.infer.apply`)
add the two directions of a claim–source link with the same edits.

Each function returns an edit: a function of a
:class:`~codex_hooks.edit.FrontmatterEditor` that changes only its key, in the list's
own style, and does nothing when the entry is there already (so that applying it twice
changes nothing the second time).
"""

from __future__ import annotations

from collections.abc import Callable

from .titles import normalize_title
from .values import as_list

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .edit import FrontmatterEditor

#: An edit of one note's frontmatter.
Edit = Callable[["FrontmatterEditor"], None]

#: Where a new sourced_from / claims_extracted goes when the note has none yet.
SOURCED_FROM_AFTER = ("source", "created", "confidence")
CLAIMS_AFTER = ("processed_date", "processed_by", "status")


def add_sourced_from(key: str, source_path: str) -> Edit:
    """An edit that lists ``source_path`` under ``key`` (a claim's ``sourced_from``): set
    when the key is empty, added as a key when absent, appended to the list otherwise;
    nothing when it is listed already."""

    def apply(ed: FrontmatterEditor) -> None:
        current = ed.data.get(key)
        if key not in ed.data or current is None or current == "":
            if key in ed.data:
                ed.set(key, source_path)
            else:
                ed.add_key(key, source_path, after=SOURCED_FROM_AFTER)
        elif source_path not in as_list(current):
            ed.add_item(key, source_path)

    return apply


def add_entry(key: str, title: str, after: tuple[str, ...] = CLAIMS_AFTER) -> Edit:
    """An edit that lists the note title ``title`` under ``key`` (a source's
    ``claims_extracted``), in the list's own style; nothing when a spelling of it is
    listed already. A missing key is added after the first of ``after`` the note has."""

    def apply(ed: FrontmatterEditor) -> None:
        current = as_list(ed.data.get(key))
        if any(normalize_title(c) == normalize_title(title) for c in current):
            return
        if key in ed.data:
            ed.add_item(key, title)
        else:
            ed.add_key(key, [title], after=after)

    return apply
