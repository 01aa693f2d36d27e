"""From evidence to decisions: which sources a claim came from, and when to abstain.

**Named candidates.** Only a source the claim *names* can be its origin: one whose direct
evidence (the citation's words and identifiers, a link in the body, the commit that added
the claim) alone favours it over a random source by at least the number of sources,
``log n`` nats. Closeness of content, dates, domain and status check that a candidate fits;
they never nominate one.

**The primary source** is the one the claim was extracted from. Every named candidate
competes for it with all its evidence, against "no source in the knowledge base" (prior
:data:`PRIOR_FIRST`; a given source has ``1/n`` of it): a softmax. Two candidates that
explain the same words equally well share the probability.

**Further sources.** A citation often names more than one work: further sources of the
claim, or related work it mentions ("drawing on"; works introduced by a cue phrase such as
"challenged by" are cut from the citation before anything is read, see
:func:`~.text.mention_spans`). Given the primary, a candidate that the citation names *for
something the primary does not explain* (again at least ``log n`` nats of evidence of its
own, of which some must name the work itself: a title word, its URL, arXiv id or DOI, or a
body link; an author, handle or site names a person, who stands for all their works) is a
further source with prior odds :data:`FURTHER` (even: naming alone does not tell a source
from a mention); what decides is the evidence that speaks of that source in particular
(:data:`~.score.SPECIFIC`): the claim's text draws on it *beyond what the primary says* (the closeness of its text to the claim's
words that the primary's text lacks), the body links to it. The commit and the day are
shared by every source handled in one session, so for a further source they can only
count against. When a source already lists the claim in
``claims_extracted``, that source is the primary and a further one needs overwhelming
evidence (prior odds :data:`PRIOR_DECLARED`); one that would have been linked otherwise is
reported as a conflict instead.

**Confidence** is the probability of being a source, primary or further, summed over the
possible primaries. Sources at or above the threshold are proposed. When none is, but the
candidates together hold at least half the probability of being the primary, the claim is
**abstained**: its candidates are reported for a person; nothing is written.

**Calibration.** What is compared with the threshold, and reported, is not that
probability but the share of proposals at its level that were right when the inference
was run on older history, fitted for primary sources and for co-sources apart
(:data:`~.constants.CALIBRATION`, :data:`~.constants.CO_SOURCE_CALIBRATION`, see
:func:`calibrate`); it never reaches 1.

**Roles.** The most probable primary among the chosen sources is the claim's
``primary`` source (a source that lists the claim is); every other chosen source is a
``co-source``, a second work the citation names.

**Duplicates** (two notes of one work: one URL, arXiv id or DOI) are one candidate too,
but only one of them is linked: each holds the candidate's probability in proportion to
its own evidence (a softmax over the notes), and the one that reaches the threshold alone
is linked. When the candidate does but none of its notes does, the claim is abstained
(``"duplicate"``): nothing tells which note it came from.

**The commit is never the only reason against the note.** A source that only the commit
that added the claim names (it touched the source, or its message names it), while the
citation names another candidate, is not linked: the claim is abstained (``"commit"``) with
both, for a person to decide, and nothing of the claim is written.

**Copies** of one item (an announcement and the full text archived the same day) would
split the probability forever, so a group of copies is one candidate, and every copy with
positive evidence is linked along with the best one, except a source whose status says it
yielded no claims (``unprocessed``, ``null-result``): such a link is reported, not written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .constants import (
    ABSTAIN_SHARE,
    CALIBRATION,
    CO_SOURCE_CALIBRATION,
    FURTHER,
    NEGLIGIBLE_PRIMARY,
    PRIOR_DECLARED,
    PRIOR_FIRST,
    SHOW,
)
from .score import CLOSED, NAMING, SPECIFIC, Match


@dataclass
class Decision:
    """What was decided for one claim."""

    #: (match, confidence, the source it is a copy of or None, role).
    chosen: list[tuple[Match, float, str | None, str]] = field(default_factory=list)
    #: Candidates with their confidence when the claim is abstained (else empty).
    candidates: list[tuple[Match, float]] = field(default_factory=list)
    #: Why the claim is abstained: "close", "listed", "status", "duplicate" or "commit"
    #: ("" when it is not).
    reason: str = ""


@dataclass
class _Unit:
    """A candidate: one source, or a group of copies of one item (best first)."""

    members: list[Match]

    @property
    def best(self) -> Match:
        return self.members[0]

    @property
    def direct(self) -> float:
        return self.best.direct

    def residual(self, explained: dict[str, float], work: bool = False) -> float:
        """How strongly the citation (or a link) names it for what ``explained`` does not
        already explain. With ``work``, only what names the work itself: words of its
        title, its URL, arXiv id or DOI (see :attr:`~.score.Evidence.work`), not its
        author, handle, site or year."""
        items = self.best.work_items if work else self.best.items
        gain = sum(max(0.0, llr - explained.get(item, 0.0)) for item, llr in items.items())
        if work:
            return gain
        rest = sum(e.llr - sum(e.items.values()) for e in self.best.evidence if e.kind in NAMING)
        return gain + rest

    def specific(self, closeness: float) -> float:
        """What speaks for or against it apart from the citation naming it, with the
        closeness of its content to what the claim says beyond the primary source."""
        total = closeness
        for e in self.best.evidence:
            part = e.llr - sum(e.items.values())
            if e.kind == "content":
                continue
            if e.kind in SPECIFIC or part < 0:
                total += part
        return total


def _units(matches: list[Match], taken: set[str], copies: dict[str, set[str]]) -> list[_Unit]:
    units = []
    seen = set(taken)
    for m in sorted(matches, key=lambda m: (-m.llr, m.source)):
        if m.source in seen:
            continue
        group = [m] + [
            o for o in matches if o.source in copies.get(m.source, ()) and o.source not in seen
        ]
        seen.update(o.source for o in group)
        units.append(_Unit(group))
    return units


#: A calibration: (least raw probability, the share of such proposals that were right).
Calibration = tuple[tuple[float, float], ...]


#: The calibration of each role (``primary``, ``co-source``).
Calibrations = Mapping[str, Calibration]
#: The fitted calibrations (see :mod:`.constants`).
CALIBRATIONS: Calibrations = {"primary": CALIBRATION, "co-source": CO_SOURCE_CALIBRATION}


def calibrate(p: float, table: Calibration = CALIBRATION) -> float:
    """The confidence stated for a raw probability ``p``: the observed precision of the
    band it falls in (bands by their least raw probability, ascending). Below the first
    band, ``p`` itself, never more than that band's value. An empty table: ``p``."""
    if not table:
        return p
    stated = min(p, table[0][1])
    for low, value in table:
        if p >= low:
            stated = value
    return stated


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -50 else 0.0


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


#: How close a source's text is to what the claim says beyond other sources (nats).
Closeness = Callable[[str, tuple[str, ...]], float]


def _further(
    unit: _Unit, primary: list[_Unit], n: int, prior: float, closeness: Closeness
) -> float:
    """The probability that ``unit`` is a further source, given the ``primary`` ones."""
    explained: dict[str, float] = {}
    for u in primary:
        for item, llr in u.best.items.items():
            explained[item] = max(explained.get(item, 0.0), llr)
    if unit.residual(explained) < math.log(n):
        return 0.0  # the citation names nothing the primary does not explain
    if unit.residual(explained, work=True) <= 0 and not _linked(unit):
        # The citation names only who wrote it or where ("@handle", an author, a site):
        # a person stands for all their works, so that is no sign that this note, of all
        # of them, is a further source. The work itself must be named, or linked.
        return 0.0
    close = closeness(unit.best.source, tuple(u.best.source for u in primary))
    return _sigmoid(_logit(prior) + unit.specific(close))


def _by_commit(m: Match, n: int) -> bool:
    """Whether the source is named by the commit that added the claim and not by the
    citation or a link: what the commit says is then its only reason."""
    commit = sum(e.llr for e in m.evidence if e.kind == "git" and e.llr > 0)
    linked = any(e.kind == "link" and e.llr > 0 for e in m.evidence)
    return commit > 0 and not linked and m.direct_without_commit < math.log(n)


def _linked(unit: _Unit) -> bool:
    """Whether the claim's body links to the source: a link names the note itself."""
    return any(e.kind == "link" and e.llr > 0 for e in unit.best.evidence)


def _softmax(scores: list[float], null: float) -> list[float]:
    top = max([null, *scores])
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps) + math.exp(null - top)
    return [e / total for e in exps]


def _confidences(
    units: list[_Unit], declared: list[_Unit], n: int, prior: float, closeness: Closeness
) -> tuple[list[float], list[float]]:
    """Each unit's probability of being a source, and each one's probability of being the
    primary (all 0 when a source already lists the claim: that source is)."""
    if declared:
        return [_further(u, declared, n, prior, closeness) for u in units], [0.0] * len(units)
    each = math.log(PRIOR_FIRST / n)
    primary = _softmax([u.best.llr + each for u in units], math.log(1 - PRIOR_FIRST))
    out = []
    for i, unit in enumerate(units):
        p = primary[i]
        for j, other in enumerate(units):
            if j != i and primary[j] > NEGLIGIBLE_PRIMARY:
                p += primary[j] * _further(unit, [other], n, prior, closeness)
        out.append(min(p, 1.0))
    return out, primary


def decide(
    matches: list[Match],
    n_sources: int,
    threshold: float,
    declared: list[Match] | None = None,
    copies: dict[str, set[str]] | None = None,
    closeness: Closeness | None = None,
    duplicates: dict[str, set[str]] | None = None,
    calibrations: Calibrations = CALIBRATIONS,
) -> Decision:
    """Choose sources for one claim among ``matches``; ``declared`` are already linked.
    ``closeness(source, others)`` weighs how close a source's text is to what the claim
    says beyond the ``others`` (default: no evidence either way). ``copies`` and
    ``duplicates`` map a source to the notes of the same item, of the same work;
    ``calibrations`` the calibration of each role (none: raw probabilities)."""
    primary_table = calibrations.get("primary", ())
    further_table = calibrations.get("co-source", ())
    closeness = closeness or (lambda source, others: 0.0)
    declared = declared or []
    duplicates = duplicates or {}
    groups = {p: set(copies.get(p, ())) if copies else set() for p in {m.source for m in matches}}
    for source in groups:
        groups[source] |= duplicates.get(source, set())
    decision = Decision()
    n = max(n_sources, 2)
    # A source the citation names stays a candidate whatever the commit says against it.
    units = [
        u
        for u in _units(matches, {m.source for m in declared}, groups)
        if max(u.direct, u.best.direct_without_commit) >= math.log(n)
    ]
    if not units:
        return decision
    fixed = [_Unit([m]) for m in declared]
    prior = PRIOR_DECLARED if declared else FURTHER
    raw, primary = _confidences(units, fixed, n, prior, closeness)
    lead = max(range(len(units)), key=lambda i: primary[i]) if not declared else -1
    for i, (unit, p) in enumerate(zip(units, raw, strict=True)):
        role = "primary" if i == lead else "co-source"
        calibration = primary_table if role == "primary" else further_table
        if calibrate(p, calibration) < threshold:
            continue
        # Duplicates (one work, two notes): only the note the evidence names is linked.
        same = [
            m
            for m in unit.members
            if m is unit.best or m.source in duplicates.get(unit.best.source, ())
        ]
        if len(same) > 1:
            shares = _softmax([m.llr for m in same], -math.inf)
            if calibrate(p * shares[0], calibration) < threshold:
                decision.candidates.extend(
                    (m, calibrate(p * sh, calibration)) for m, sh in zip(same, shares, strict=True)
                )
                decision.reason = "duplicate"
                continue
            p *= shares[0]
        # Every copy with evidence of its own is linked, except to a source whose status
        # says it yielded no claims: that link is reported, never written.
        members = [m for m in unit.members if m is unit.best or (m.llr > 0 and m not in same)]
        open_ = [m for m in members if m.status not in CLOSED]
        stated = calibrate(p, calibration)
        for m in open_:
            decision.chosen.append((m, stated, None if m is open_[0] else open_[0].source, role))
        if not open_:
            decision.candidates.append((unit.best, stated))
            decision.reason = "status"
    # The citation (and links) alone favour another candidate over a source the commit
    # chose by the naming margin, log n: the commit and the note disagree.
    against = []
    cited: list[_Unit] = []
    for m, p, _, _ in decision.chosen:
        rivals = [
            u
            for u in units
            if u.best is not m
            and u.best.direct_without_commit >= math.log(n)
            and u.best.direct_without_commit - m.direct_without_commit >= math.log(n)
        ]
        if _by_commit(m, n) and rivals:
            against.append((m, p))
            cited.extend(u for u in rivals if u not in cited)
    if against:
        # The commit names a source the citation does not, and the citation names another:
        # the commit is never the only reason against the note. A person decides, and
        # nothing of the claim is written.
        decision.chosen = []
        others = [
            (u.best, calibrate(p, primary_table))
            for u, p in zip(units, raw, strict=True)
            if u in cited
        ]
        decision.candidates = [*against, *others]
        decision.reason = "commit"
        return decision
    if decision.chosen:
        decision.candidates, decision.reason = [], ""
        return decision
    if decision.candidates:
        return decision
    if declared:
        # Would a candidate have been linked if no source listed the claim? Then report the
        # conflict instead of writing it.
        loose, _ = _confidences(units, fixed, n, FURTHER, closeness)
        stated_loose = [calibrate(p, further_table) for p in loose]
        decision.candidates = [
            (u.best, p) for u, p in zip(units, stated_loose, strict=True) if p >= threshold
        ]
        decision.reason = "listed" if decision.candidates else ""
        return decision
    if sum(primary) >= ABSTAIN_SHARE:
        ranked = sorted(zip(units, raw, strict=True), key=lambda x: -x[1])
        decision.candidates = [
            (u.best, calibrate(p, primary_table)) for u, p in ranked if p >= SHOW
        ]
        decision.reason = "close" if decision.candidates else ""
    return decision
