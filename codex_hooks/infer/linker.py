"""The linker: it weighs the evidence for each claim's sources once
(:class:`Linker`), then decides at a confidence threshold (:meth:`Linker.run`), as
:class:`Proposal` objects to write and :class:`Abstention` objects left to a person.
The package's docstring shows it in use; docs/linking.md explains the scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from .score import Match
    from .select import Calibrations, Closeness

from .constants import DEFAULT_THRESHOLD, MAX_CONFIDENCE


@dataclass(frozen=True)
class Reason:
    """One piece of evidence and its weight in nats (negative: against the link)."""

    text: str
    weight: float

    def to_dict(self) -> dict[str, object]:
        return {"reason": self.text, "weight": round(self.weight, 2)}


@dataclass(frozen=True)
class Candidate:
    """A source that may be the claim's origin, with its confidence and evidence."""

    source: str
    confidence: float
    evidence: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "confidence": round(self.confidence, 4),
            "evidence": [r.to_dict() for r in self.evidence],
        }


@dataclass(frozen=True)
class Proposal(Candidate):
    """A link to write: ``claim`` came from ``source``, as its ``primary`` source or as a
    ``co-source`` (a second work its citation names)."""

    claim: str = ""
    role: str = "primary"

    def to_dict(self) -> dict[str, object]:
        return {"claim": self.claim, **super().to_dict(), "role": self.role}


@dataclass(frozen=True)
class Abstention:
    """A claim whose best candidate is not clearly ahead: a person decides."""

    claim: str
    candidates: tuple[Candidate, ...]
    #: Why nothing was written: ``"close"`` (no candidate clearly ahead of the others),
    #: ``"listed"`` (another source already lists the claim in ``claims_extracted``),
    #: ``"status"`` (the best candidate's status says it yielded no claims) or
    #: ``"contradicted"`` (a source lists the claim, but the claim cites an identifier
    #: of another note: the listed link is probably wrong), ``"duplicate"`` (the
    #: candidate is one work recorded by two notes, and nothing tells which one) or
    #: ``"commit"`` (the commit that added the claim names one source, its citation
    #: another).
    reason: str = "close"

    def to_dict(self) -> dict[str, object]:
        return {
            "claim": self.claim,
            "reason": self.reason,
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass
class Inference:
    """Proposals to write and claims left to a person."""

    proposals: list[Proposal] = field(default_factory=list)
    abstained: list[Abstention] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "proposals": [p.to_dict() for p in self.proposals],
            "abstained": [a.to_dict() for a in self.abstained],
        }


def _contradicted(m: Match) -> bool:
    """Whether the claim cites an identifier that is another note's, not this source's."""
    from .constants import CITED_ELSEWHERE

    return any(e.llr <= CITED_ELSEWHERE for e in m.evidence)


def _reasons(m: Match) -> tuple[Reason, ...]:
    ordered = sorted(m.evidence, key=lambda e: -abs(e.llr))
    return tuple(Reason(e.text, e.llr) for e in ordered)


class Linker:
    """The evidence of one knowledge base, ready to decide at any threshold."""

    def __init__(
        self,
        kb: KnowledgeBase,
        progress: Callable[[int, int], None] | None = None,
        claims: Iterable[str] | None = None,
    ) -> None:
        """Read ``kb`` and weigh the evidence for every claim that lacks ``sourced_from``
        (only those in ``claims`` when given). ``progress(done, total)`` is called after
        each claim."""
        from .content import Content
        from .copies import copies, duplicates
        from .history import History
        from .profile import profiles
        from .score import Scorer
        from .select import CALIBRATIONS
        from .vocab import Vocabulary

        self.kb = kb
        self.claims, self.sources = profiles(kb)
        self.scorer = Scorer(
            self.claims,
            self.sources,
            History.read(kb.root),
            Vocabulary(self.claims, self.sources),
            Content(
                {p: c.body for p, c in self.claims.items()},
                {p: s.body for p, s in self.sources.items()},
            ),
        )
        self.copies = copies(self.sources)
        self.duplicates = duplicates(self.sources)
        #: How raw probabilities become stated confidences, per role (see
        #: :func:`.select.calibrate`); ``{}`` states the raw probability.
        self.calibration: Calibrations = CALIBRATIONS
        self.matches: dict[str, list[Match]] = {}
        only = set(claims) if claims is not None else None
        targets = [
            p for p in self.claims if self._needs_inference(p) and (only is None or p in only)
        ]
        for i, path in enumerate(targets):
            claim = self.claims[path]
            found = []
            for source in self.scorer.candidates(claim):
                # Only named sources can be chosen; a source with copies or one that lists
                # the claim is weighed in full whatever its naming.
                keep = (
                    source in self.copies or source in self.duplicates or source in claim.declared
                )
                m = self.scorer.match(claim, self.sources[source], named_only=not keep)
                if m is not None:
                    found.append(m)
            self.matches[path] = sorted(found, key=lambda m: (-m.llr, m.source))
            if progress is not None:
                progress(i + 1, len(targets))

    def _needs_inference(self, path: str) -> bool:
        """A claim without ``sourced_from`` (whether or not a source lists it)."""
        key = self.kb.config.field_name("sourced_from")
        return not self.kb.notes[path].get(key)

    def run(
        self, threshold: float = DEFAULT_THRESHOLD, paths: Iterable[str] | None = None
    ) -> Inference:
        """Decide every claim (or those at ``paths``, and those whose best source is at
        ``paths``) at the given minimum confidence."""
        from .select import decide

        wanted = set(paths) if paths is not None else None
        result = Inference()
        for path in sorted(self.claims):
            claim = self.claims[path]
            if not self._needs_inference(path):
                result.proposals.extend(self._declared_back(path))
            elif path in self.matches:
                by_source = {m.source: m for m in self.matches[path]}
                declared = [by_source[s] for s in sorted(claim.declared) if s in by_source]
                wrong = [m for m in declared if _contradicted(m)]
                if wrong:
                    # A source lists the claim, but the claim's identifiers name another
                    # note: report it, and infer as if it did not list the claim.
                    candidates = tuple(Candidate(m.source, 0.0, _reasons(m)) for m in wrong)
                    result.abstained.append(Abstention(path, candidates, "contradicted"))
                    declared = [m for m in declared if m not in wrong]
                for m in declared:
                    reason = Reason(f"{m.source} lists this claim in claims_extracted", 0.0)
                    result.proposals.append(
                        Proposal(m.source, MAX_CONFIDENCE, (reason, *_reasons(m)), path)
                    )
                d = decide(
                    [m for m in self.matches[path] if m.source not in claim.declared],
                    self.scorer.n,
                    threshold,
                    declared,
                    self.copies,
                    self._closeness(path),
                    self.duplicates,
                    self.calibration,
                )
                originals = [m.source for m, _, copy_of, _ in d.chosen if not copy_of]
                for m, p, copy_of, role in d.chosen:
                    reasons = _reasons(m)
                    others = tuple(o for o in originals if o != m.source)
                    if others and not copy_of:
                        # One of several sources: what it adds to the others' text.
                        e = self.scorer.closeness_besides(path, m.source, others)
                        reasons = (Reason(e.text, e.llr), *reasons)
                    if copy_of:
                        reasons = (Reason(f"a copy of the same item as {copy_of}", 0.0), *reasons)
                    result.proposals.append(Proposal(m.source, p, reasons, path, role))
                if d.candidates:
                    candidates = tuple(Candidate(m.source, p, _reasons(m)) for m, p in d.candidates)
                    result.abstained.append(Abstention(path, candidates, d.reason))
        if wanted is not None:
            result.proposals = [
                p for p in result.proposals if p.claim in wanted or p.source in wanted
            ]
            result.abstained = [
                a
                for a in result.abstained
                if a.claim in wanted or any(c.source in wanted for c in a.candidates)
            ]
        return result

    def _closeness(self, claim: str) -> Closeness:
        """How close a source's text is to what ``claim`` says beyond other sources."""

        def weigh(source: str, others: tuple[str, ...]) -> float:
            return self.scorer.closeness_besides(claim, source, others).llr

        return weigh

    def _declared_back(self, path: str) -> list[Proposal]:
        """A claim that names sources in ``sourced_from``: the missing direction of each of
        its declared links (a source that does not list it, a listing source it does not
        name)."""
        claim = self.claims[path]
        out = []
        for spath in sorted(claim.declared):
            source = self.sources.get(spath)
            if source is None:
                continue
            if _contradicted(self.scorer.match(claim, source)):
                continue  # the declaration is wrong: never complete it
            if spath in claim.cites:
                if path in source.extracted or path in source.enriched:
                    continue
                reason = Reason(f"the claim names {spath} in sourced_from", 0.0)
            else:
                reason = Reason(f"{spath} lists this claim in claims_extracted", 0.0)
            out.append(Proposal(spath, MAX_CONFIDENCE, (reason,), path))
        return out
