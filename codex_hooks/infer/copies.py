"""Source notes that are copies of one item: the same thing archived twice.

Two notes are copies when they were published within
:data:`~.constants.COPY_DAYS` days of each other, no arXiv id or DOI tells them apart, no
number in their names differs (``Proposal 1`` and ``Proposal 2`` are different items),
and either one note's URL appears in the other note or one of their names holds (nearly)
all the distinctive words of one of the other's: at least :data:`~.constants.MIN_SHARED`
of them and :data:`~.constants.CONTAINED` of the shorter name's. A word is distinctive
when few source names use it (at most :data:`~.constants.GENERIC` of them, and never
fewer than :data:`~.constants.GENERIC_MIN_NOTES` notes): the ``X archive 100 recent
tweets`` shared by two tweet archives is not, their handles are. A URL counts when it
names a page, not a whole site or account (``x.com/handle/status/1``, not
``x.com/handle``). An announcement and the full text it announces are typical copies; two
papers on one topic are not (their identifiers differ, and so do their dates), nor are two
pages of one site (``futard.io/launch/A`` and ``futard.io/launch/B``).

**Duplicates** are another thing: two notes whose own URL fields name one work (the same
page after normalisation, the same arXiv id or DOI; :func:`~.text.work_keys`), whatever
their dates, typically two extraction passes over one article under two file names. A
claim came from one of them: the inference picks the one the evidence names, or abstains
(rule BL008 reports the pair for a person to merge).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from .constants import CONTAINED, COPY_DAYS, GENERIC, GENERIC_MIN_NOTES, MIN_SHARED
from .identifiers import kind_of
from .text import words

if TYPE_CHECKING:
    from .profile import SourceProfile


def _day(date: str | None) -> int | None:
    try:
        return datetime.date.fromisoformat(date or "").toordinal()
    except ValueError:
        return None


def _strong_ids(s: SourceProfile) -> set[str]:
    return {i for i in s.ids if kind_of(i) in ("arxiv", "doi")}


def _cites(a: SourceProfile, b: SourceProfile) -> bool:
    """Whether ``a`` holds the URL of a page that ``b`` is the note of."""
    pages = {i for i in b.ids if kind_of(i) == "url" and i.count("/") >= 2}
    return bool(pages & (a.ids | a.body_ids))


def _other_page(a: SourceProfile, b: SourceProfile) -> bool:
    """Whether the two notes' URLs are different pages of one site (different items)."""
    pa = {i for i in a.ids if kind_of(i) == "url"}
    pb = {i for i in b.ids if kind_of(i) == "url"}
    if pa & pb:
        return False
    hosts = {i.split(":", 1)[1].split("/")[0] for i in pa}
    return any(i.split(":", 1)[1].split("/")[0] in hosts for i in pb)


class _Names:
    """The distinctive words of each name of each source."""

    def __init__(self, sources: dict[str, SourceProfile]) -> None:
        every = {p: [set(words(name)) for name, _ in s.names] for p, s in sources.items()}
        df = Counter(w for names in every.values() for w in set().union(*names))
        limit = max(GENERIC_MIN_NOTES, GENERIC * len(sources))
        self.names = {
            p: [{w for w in ws if df[w] <= limit} for ws in names] for p, names in every.items()
        }

    def same(self, a: str, b: str) -> bool:
        for wa in self.names[a]:
            for wb in self.names[b]:
                shared = len(wa & wb)
                if shared >= MIN_SHARED and shared >= CONTAINED * min(len(wa), len(wb)):
                    return True
        return False


def are_copies(a: SourceProfile, b: SourceProfile, names: _Names) -> bool:
    """Whether ``a`` and ``b`` hold the same item (see the module's description)."""
    da, db = _day(a.date), _day(b.date)
    if da is None or db is None or abs(da - db) > COPY_DAYS:
        return False
    sa, sb = _strong_ids(a), _strong_ids(b)
    if sa and sb and not sa & sb:
        return False
    if _other_page(a, b):
        return False
    na = {w for _, ws in a.names for w in ws if w.isdigit()}
    nb = {w for _, ws in b.names for w in ws if w.isdigit()}
    if na and nb and na != nb:
        return False
    return _cites(a, b) or _cites(b, a) or names.same(a.path, b.path)


def copies(sources: dict[str, SourceProfile]) -> dict[str, set[str]]:
    """Each source note → the other notes that are copies of its item."""
    names = _Names(sources)
    by_day: dict[int, list[SourceProfile]] = defaultdict(list)
    for s in sources.values():
        d = _day(s.date)
        if d is not None:
            by_day[d].append(s)
    out: dict[str, set[str]] = defaultdict(set)
    for d, group in by_day.items():
        near = [s for k in range(d - COPY_DAYS, d + COPY_DAYS + 1) for s in by_day.get(k, ())]
        for a in group:
            for b in near:
                if a.path < b.path and are_copies(a, b, names):
                    out[a.path].add(b.path)
                    out[b.path].add(a.path)
    return dict(out)


def duplicates(sources: dict[str, SourceProfile]) -> dict[str, set[str]]:
    """Each source note → the other notes whose URL fields name the same work."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for path, s in sources.items():
        for key in s.work:
            by_key[key].add(path)
    out: dict[str, set[str]] = defaultdict(set)
    for group in by_key.values():
        for path in group:
            out[path] |= group - {path}
    return {p: o for p, o in out.items() if o}
