"""Plain facts about frontmatter values that every layer reads: the kinds a note can be,
and how a list field's entries are read (a lone word such as ``none`` means no entries).

It imports nothing of the package at run time, so that the note layer (``edit``) and the
index (``index``, ``graph``) share one reading of a list field without importing each other.
"""

from __future__ import annotations

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .frontmatter import Value

SOURCE, CLAIM, ENTITY, MAP, AGENT, OTHER = "source", "claim", "entity", "map", "agent", "other"

#: Lone words that stand for "no entries" where a list belongs (``claims_extracted: 0``,
#: ``enrichments_applied: none``), compared without case. They are never an entry and
#: never looked up as a title; FM011 reports them. YAML's own null (``null``, ``~``,
#: nothing) and an empty string also mean no entries, and are not reported.
NO_ENTRIES = frozenset({"0", "none", "null", "nil", "n/a"})


def means_no_entries(value: Value) -> bool:
    """Whether ``value`` is a lone word of :data:`NO_ENTRIES` (not YAML null, not a list)."""
    return isinstance(value, str) and value.strip().lower() in NO_ENTRIES


def as_list(value: Value) -> list[str]:
    """A list field's string entries; a lone string counts as one entry, unless it is a
    word that means "no entries" (see :data:`NO_ENTRIES`)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() and not means_no_entries(value) else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []
