"""Small helpers shared by the rule families."""

from __future__ import annotations

import re

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..entries import Edit
    from ..frontmatter import Value

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?\Z")


def real_date(value: str, partial: bool = False) -> bool:
    """Whether ``value`` is a real calendar date ``YYYY-MM-DD`` (with ``partial``,
    ``YYYY`` and ``YYYY-MM`` are accepted too). Time of day after the date is allowed."""
    text = value.strip()
    head = text[:10]
    m = _DATE.match(head)
    if m and (len(text) == 10 or text[10] in " T"):
        return _exists(int(m[1]), int(m[2]), int(m[3]))
    if partial:
        p = _PARTIAL.match(text)
        return p is not None and (p[2] is None or 1 <= int(p[2]) <= 12)
    return False


def _exists(year: int, month: int, day: int) -> bool:
    """Whether the day exists, as ``datetime.date`` decides (without importing it)."""
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return False
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)


def text(value: Value) -> str | None:
    """A scalar value's stripped text (``None`` for absent, null, empty or non-scalar)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def spelling(value: str) -> str:
    """``value`` with case, spaces, hyphens and underscores folded: two values with one
    spelling differ only in how they were typed, not in what they say."""
    return " ".join(value.replace("_", " ").replace("-", " ").split()).casefold()


def spelled_alike(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ only in case, spaces, hyphens and underscores: a fix
    from one to the other is the one reading of what was written (a safe fix), where a
    similarity score is a guess (an unsafe one)."""
    return spelling(a) == spelling(b)


def replacing(key: str, old: str, new: str) -> Edit:
    """An edit that replaces the entry ``old`` of the list (or the value) under ``key``
    by ``new``."""

    def apply(ed: FrontmatterEditor) -> None:
        ed.replace_item(key, old, new)

    return apply
