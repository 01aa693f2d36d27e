"""The line that groups broken links by the note they name: "307 missing notes are
linked 1,008 times; most linked: [[x]] (41), ...". Its own module: the text report of a
reused whole check prints it from stored rows (see :class:`Brief`), and must not import
the records and reports a fresh check uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class Finding(Protocol):
        """What the line reads of a finding (a :class:`~codex_hooks.model.Violation`,
        or a :class:`Brief` of a stored one)."""

        @property
        def code(self) -> str: ...
        @property
        def message(self) -> str: ...
        @property
        def subject(self) -> str: ...


#: The rules whose findings are links to a note that does not exist.
MISSING_LINK_CODES = ("WL001", "WL004")


class Brief:
    """A stored finding's code, message and subject (see :mod:`codex_hooks.results`)."""

    __slots__ = ("code", "message", "subject")

    def __init__(self, code: str, message: str, subject: str) -> None:
        self.code, self.message, self.subject = code, message, subject


#: The note a WL001/WL004 message names: ``[[target]] names no note`` for a link,
#: ``entry 'title' names no note`` for a plain title in a list.
_MISSING = re.compile(r"\[\[(.*?)\]\] names no note|entry '(.*)' names no note")


def _missing_target(v: Finding) -> str:
    """The note a broken-link finding names, as written. A finding that carries its
    subject (the link target) says so directly; else it is read from the message."""
    subject = getattr(v, "subject", "")
    if subject:
        return subject
    m = _MISSING.search(v.message)
    if m is None:
        return ""
    return m.group(1) if m.group(1) is not None else m.group(2)


def missing_links_summary(violations: Iterable[Finding], most: int = 3) -> str:
    """One line counting the notes that broken links name and the links to them, with the
    ``most`` most linked: ``"307 missing notes are linked 1,008 times; most linked:
    [[x]] (41), …"``. Targets are counted as titles resolve (case, spaces and hyphens
    folded); nothing when there are no broken links. Only targets linked more than once
    are listed as most linked."""
    from .titles import normalize_title

    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}  # the first spelling met stands for its folded target
    for v in violations:
        if v.code not in MISSING_LINK_CODES:
            continue
        target = _missing_target(v)
        if not target:
            continue
        key = normalize_title(target) or target
        counts[key] += 1
        spelling.setdefault(key, target)
    if not counts:
        return ""
    notes, links = len(counts), sum(counts.values())
    text = (
        f"{notes:,} missing note{'s are' if notes != 1 else ' is'} linked "
        f"{links:,} time{'s' if links != 1 else ''}"
    )
    top = [(key, n) for key, n in counts.most_common(most) if n > 1]
    if top:
        text += "; most linked: " + ", ".join(f"[[{spelling[k]}]] ({n:,})" for k, n in top)
    return text
