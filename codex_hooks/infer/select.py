"""From evidence to decisions: which sources a claim came from, and when to abstain.

**The set.** Sources are chosen one at a time, each time the candidate that *adds* the most:
its own evidence plus, for each item of the citation (a word, an identifier), how much more
it earns on that item than the sources already chosen. A source that only repeats what a
chosen one explains (the same author, the same topic words) adds nothing. Once one source
is chosen, the context signals (same domain, same commit, processed status) are explained by
it, so a further source must be named by the citation itself. A candidate joins while its
posterior odds are above even, against the prior that a claim has one more source
(:data:`PRIOR_FIRST` for the first, :data:`PRIOR_MORE` for each further one,
:data:`PRIOR_DECLARED` when a source already lists the claim).

**The confidence** of each chosen source is its probability given the *other* chosen ones:
a softmax over it, every candidate that could replace it, and "no further source". A source
clearly ahead of every alternative gets a confidence near 1; two candidates that explain the
same words equally well share it and fall below the threshold. Sources below the threshold
are dropped (and the others' confidences recomputed without them). When nothing is left and
the candidates together hold at least half the probability, the claim is *abstained*: its
candidates are reported for a person, and nothing is written.

**Copies** of one item (an announcement and the full text archived the same day) would split
the probability forever, so a group of copies competes as one candidate, and every copy with
positive evidence is linked along with the best one, unless its status says it yielded no
claims (``unprocessed``, ``null-result``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .score import CLOSED, DIRECT, SESSION, Match

#: Prior probability that a claim came from some source note of the knowledge base.
PRIOR_FIRST = 0.5
#: ... that a claim with one source came from another one as well.
PRIOR_MORE = 0.1
#: ... that a claim that a source already lists came from another one as well.
PRIOR_DECLARED = 0.001
#: At most this many sources per claim.
MAX_SOURCES = 4
#: A candidate with less confidence than this is not worth showing to a person.
SHOW = 0.05


@dataclass
class Decision:
    """What was decided for one claim."""

    #: (match, confidence, the source it is a copy of or None).
    chosen: list[tuple[Match, float, str | None]] = field(default_factory=list)
    #: Candidates with their confidence when the claim is abstained (else empty).
    candidates: list[tuple[Match, float]] = field(default_factory=list)
    #: Set when the abstention is a conflict with a source that already lists the claim.
    conflict: bool = False
    #: Candidates that are probably a further source, but not clearly which one.
    also: list[Match] = field(default_factory=list)
    #: Chosen sources whose status says they yielded no claims: reported, not written.
    closed: list[tuple[Match, float]] = field(default_factory=list)


def _softmax(scores: list[float], null: float) -> list[float]:
    top = max([null, *scores])
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps) + math.exp(null - top)
    return [e / total for e in exps]


def _split(m: Match, explained: dict[str, float], first: bool) -> tuple[float, float]:
    """What ``m`` adds to the sources already chosen, as (direct, fit): see the module's
    description and :data:`~.score.DIRECT`."""
    direct = sum(max(0.0, llr - explained.get(item, 0.0)) for item, llr in m.items.items())
    fit = 0.0
    for e in m.evidence:
        part = e.llr - sum(e.items.values())
        if e.kind in SESSION and not first:
            part = min(0.0, part)  # explained by the chosen source: only counts against
        if e.kind in DIRECT:
            direct += part
        else:
            fit += part
    return direct, fit


class _Claim:
    """The candidates of one claim, grouped into copies, and the set being built."""

    def __init__(
        self, matches: list[Match], declared: list[Match], copies: dict[str, set[str]], n: int
    ) -> None:
        self.n, self.declared = n, declared
        taken = {m.source for m in declared}
        self.units: list[list[Match]] = []  # each unit: copies, best first
        seen: set[str] = set(taken)
        for m in sorted(matches, key=lambda m: -m.llr):
            if m.source in seen:
                continue
            unit = [m] + [
                o for o in matches if o.source in copies.get(m.source, ()) and o.source not in seen
            ]
            seen.update(o.source for o in unit)
            self.units.append(unit)

    def scores(
        self, others: list[list[Match]], declared_prior: float = PRIOR_DECLARED
    ) -> tuple[list[list[Match]], list[float], list[float]]:
        """Each unit not in ``others``, its probability given that ``others`` are sources,
        and its direct evidence."""
        explained: dict[str, float] = {}
        for m in [*self.declared, *(u[0] for u in others)]:
            for item, llr in m.items.items():
                explained[item] = max(explained.get(item, 0.0), llr)
        first = not others and not self.declared
        prior = declared_prior if self.declared else PRIOR_MORE if others else PRIOR_FIRST
        rest = [u for u in self.units if all(u is not o for o in others)]
        each = math.log(prior / self.n)
        split = [_split(u[0], explained, first) for u in rest]
        probs = _softmax([d + f + each for d, f in split], math.log(1 - prior))
        return rest, probs, [d for d, _ in split]

    def build(self) -> list[list[Match]]:
        """The most probable set of units, chosen greedily among the named ones."""
        chosen: list[list[Match]] = []
        while len(chosen) < MAX_SOURCES:
            rest, probs, direct = self.scores(chosen)
            named = [i for i in range(len(rest)) if direct[i] >= math.log(self.n)]
            if not named:
                break
            best = max(named, key=lambda i: probs[i])
            if probs[best] <= 1 - sum(probs):
                break
            chosen.append(rest[best])
        return chosen

    def confidence(self, unit: list[Match], chosen: list[list[Match]], prior: float) -> float:
        """The probability of ``unit`` given the rest of ``chosen``."""
        others = [u for u in chosen if u is not unit]
        rest, probs, _ = self.scores(others, prior)
        return next(p for u, p in zip(rest, probs, strict=True) if u is unit)

    def explained(self, unit: list[Match], chosen: list[list[Match]]) -> float:
        """The probability that some candidate, ``unit`` or an alternative, explains what
        ``unit`` explains, given the rest of ``chosen``."""
        others = [u for u in chosen if u is not unit]
        return sum(self.scores(others)[1])


def decide(
    matches: list[Match],
    n_sources: int,
    threshold: float,
    declared: list[Match] | None = None,
    copies: dict[str, set[str]] | None = None,
) -> Decision:
    """Choose sources for one claim among ``matches``; ``declared`` are already linked."""
    claim = _Claim(matches, declared or [], copies or {}, n_sources)
    decision = Decision()
    chosen = claim.build()
    # Drop the chosen sources whose confidence is below the threshold, least confident
    # first. One that is uncertain only because near-equal alternatives compete for the
    # same words still tells the others that those words are explained: it stays as
    # context; one that the evidence barely supports is removed.
    context: list[list[Match]] = []
    confs: list[float] = []
    while chosen:
        confs = [claim.confidence(u, chosen + context, PRIOR_DECLARED) for u in chosen]
        low = [i for i, c in enumerate(confs) if c < threshold]
        if not low:
            break
        unit = chosen.pop(min(low, key=lambda i: confs[i]))
        if claim.explained(unit, chosen + context) >= 0.5:
            context.append(unit)
            decision.also.append(unit[0])
    if not chosen:
        confs = []
    for unit, p in zip(chosen, confs, strict=True):
        # Every copy with evidence of its own is linked, except to a source whose status
        # says it yielded no claims: that link is reported, never written.
        members = [m for m in unit if m is unit[0] or m.llr > 0]
        open_ = [m for m in members if m.status not in CLOSED]
        for m in open_:
            decision.chosen.append((m, p, None if m is open_[0] else open_[0].source))
        if not open_:
            decision.closed.append((unit[0], p))
    if decision.chosen:
        return decision
    if declared:
        # Would a candidate have been chosen if no source listed the claim? Then report the
        # conflict instead of writing it.
        rest, probs, direct = claim.scores([], PRIOR_MORE)
        decision.candidates = [
            (u[0], p)
            for u, p, d in zip(rest, probs, direct, strict=True)
            if p >= threshold and d >= math.log(n_sources)
        ]
        decision.conflict = bool(decision.candidates)
        return decision
    if decision.closed:
        decision.candidates = list(decision.closed)
        return decision
    rest, probs, _ = claim.scores([])
    if sum(probs) >= 0.5:
        ranked = sorted(zip(rest, probs, strict=True), key=lambda x: -x[1])
        decision.candidates = [(u[0], p) for u, p in ranked if p >= SHOW]
    return decision
