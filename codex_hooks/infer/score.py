"""How strongly each signal says "this claim came from that source".

Every signal is a likelihood ratio, written as a log (natural log, "nats"): how much more
often the signal is seen when the source is the claim's origin than when it is some other
source note. Each ratio is built from one stated probability (the ``Q_`` constants: how
often a true pair shows the signal) and one rate measured in the knowledge base itself
(how often a wrong pair would show it by chance: how common a word is among claims, how
many source notes share an identifier, how many sources a commit touched, ...). The stated
probabilities and every other hand-set number are in :mod:`.constants`, with how each was
set.

Signals come in kinds (:data:`DIRECT` and the others):

``citation``
    words and identifiers of the claim's ``source:`` text found in the source's names,
    authors, venue or URL; recorded item by item so that two sources are never both
    credited for the same word (see :mod:`.select`).
``link``, ``git``
    the claim's body links to the source; the commit that added the claim touched it, or
    names it in its message. Never counted for a source the citation contradicts (another
    arXiv id, DOI or page): the commit is then not allowed to be the only reason.
``content``, ``day``, ``archive``, ``context``
    how close the two notes' texts are; the claim's day against the source's dates; the
    commit that added the claim against the one that archived the source; domain and
    status. These check that a candidate fits; they never nominate one (see
    :data:`DIRECT`).
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal, overload

from .commits import Messages
from .constants import (
    CITED_ELSEWHERE,
    CONFLICT,
    CONTENT_DECAY,
    EARLY,
    EARLY_MARGIN_DAYS,
    Q_AUTHOR,
    Q_BODY_ID,
    Q_CONTENT,
    Q_DATE,
    Q_DOMAIN,
    Q_GIT,
    Q_ID,
    Q_LATER,
    Q_LINK,
    Q_MESSAGE,
    Q_OPEN,
    Q_TITLE,
    Q_YEAR,
    RATE_PSEUDO_COUNT,
    URL_CONFLICT,
)
from .content import Content
from .evidence import Evidence, identifier_llr
from .history import History
from .identifiers import describe, kind_of
from .profile import ClaimProfile, SourceProfile
from .text import is_date_word
from .vocab import Vocabulary

#: Statuses that say a source yielded no claims: links to them are never written.
CLOSED = ("unprocessed", "null-result")
#: Kinds of evidence that can nominate a source (the rest only check that it fits).
DIRECT = ("citation", "link", "git")
#: Kinds that speak of this source in particular, apart from the citation naming it: what
#: tells a further source of the claim from a work its citation merely mentions. (The
#: commit and the day are shared by every source handled in the same session.)
SPECIFIC = ("link", "content")
#: Kinds that can show that the citation names a further source.
NAMING = ("citation", "link")
#: Identifiers of one work (its page, its paper). A handle or a host names a person or a
#: site, which stands for many works: for a further source that is not enough (see
#: :mod:`.select`).
WORK_IDS = ("arxiv", "doi", "url")


@dataclass
class Match:
    """The evidence that one claim came from one source note."""

    source: str
    evidence: list[Evidence] = field(default_factory=list)
    #: The source's status (``unprocessed``, ``processed``, ...), case-folded.
    status: str = ""

    @property
    def llr(self) -> float:
        """The weight of all the evidence, each item of the citation counted once."""
        return sum(self.items.values()) + sum(_rest(e) for e in self.evidence)

    @property
    def direct(self) -> float:
        """The weight of the evidence that names this source (see :data:`DIRECT`)."""
        return sum(self.items.values()) + sum(_rest(e) for e in self.evidence if e.kind in DIRECT)

    @property
    def direct_without_commit(self) -> float:
        """The direct evidence with the commit left out: the citation and a link alone. A
        source they name stays a candidate whatever the commit says against it (the
        commit is never the only reason against the note)."""
        return self.direct - sum(_rest(e) for e in self.evidence if e.kind == "git")

    @property
    def items(self) -> dict[str, float]:
        """The best weight this source earns on each item of the citation."""
        return self._best_items(self.evidence)

    @property
    def work_items(self) -> dict[str, float]:
        """The best weight this source earns on each item of the citation that names the
        work itself (see :attr:`Evidence.work`). Words of a date in its title ("2025 Annual
        Letter (Feb 2026)") do not: they say when, not which work."""
        found = self._best_items([e for e in self.evidence if e.work])
        return {k: v for k, v in found.items() if not is_date_word(k.removeprefix("w:"))}

    @staticmethod
    def _best_items(evidence: list[Evidence]) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in evidence:
            for item, llr in e.items.items():
                out[item] = max(out.get(item, 0.0), llr)
        return out


def _rest(e: Evidence) -> float:
    """The part of a piece of evidence not earned on items of the citation."""
    return e.llr - sum(e.items.values())


def _rate(count: float, total: float) -> float:
    """A smoothed frequency, never 0 or 1."""
    return (count + RATE_PSEUDO_COUNT) / (total + 2 * RATE_PSEUDO_COUNT)


def _days_before(date: str, days: int) -> str:
    try:
        return (datetime.date.fromisoformat(date) - datetime.timedelta(days=days)).isoformat()
    except ValueError:
        return date


class Scorer:
    """The knowledge-base-wide rates, and the scoring of one claim against one source."""

    def __init__(
        self,
        claims: dict[str, ClaimProfile],
        sources: dict[str, SourceProfile],
        history: History,
        vocab: Vocabulary,
        content: Content,
    ) -> None:
        self.claims, self.sources, self.history = claims, sources, history
        self.n = max(len(sources), 1)
        self.vocab = vocab
        self.content = content
        self.id_df: Counter[str] = Counter()
        self.by_id: dict[str, set[str]] = defaultdict(set)
        for path, s in sources.items():
            for ident in s.ids | s.body_ids:
                self.id_df[ident] += 1
                self.by_id[ident].add(path)
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        for s in sources.values():
            if s.agent and s.domain:
                seen[s.agent][s.domain] += 1
        #: Each agent's most frequent domain among the sources it processed.
        self.agent_domain = {a: c.most_common(1)[0][0] for a, c in seen.items()}
        self.domain_count = Counter(self._domain(s) for s in sources.values())
        self.processed_on = Counter(s.processed_date for s in sources.values())
        self.closed = sum(s.status in CLOSED for s in sources.values())
        self.messages = Messages(sources)
        #: When each source was archived (the commit that added it), sorted.
        self.archived = sorted(t for p in sources if (t := history.added_at(p)) is not None)

    def _domain(self, s: SourceProfile) -> str:
        """The source's domain, or else the main domain of the agent that processed it."""
        return s.domain or self.agent_domain.get(s.agent, "")

    def candidates(self, claim: ClaimProfile) -> set[str]:
        """Source notes that share a word, an identifier, a link or a commit with the claim."""
        found = set(claim.linked) | set(claim.declared)
        found |= self.vocab.sources_sharing(claim.path)
        for ident in claim.ids | claim.body_ids:
            found |= self.by_id.get(ident, set())
        found |= self.history.added_with(claim.path) & self.sources.keys()
        found |= self._message_names(claim)
        return found - claim.enriched_by

    @overload
    def match(
        self, claim: ClaimProfile, source: SourceProfile, named_only: Literal[False] = False
    ) -> Match: ...

    @overload
    def match(
        self, claim: ClaimProfile, source: SourceProfile, named_only: bool
    ) -> Match | None: ...

    def match(
        self, claim: ClaimProfile, source: SourceProfile, named_only: bool = False
    ) -> Match | None:
        """Every signal between ``claim`` and ``source``. With ``named_only``, ``None``
        when the direct evidence does not name the source (see :mod:`.select`): the
        other signals are then not worth weighing."""
        m = Match(source.path, status=source.status)
        m.evidence.extend(self.vocab.title_evidence(claim.path, source, Q_TITLE))
        m.evidence.extend(self.vocab.author_evidence(claim.path, source, Q_AUTHOR))
        m.evidence.extend(self.vocab.year_evidence(claim.path, source, Q_YEAR))
        m.evidence.extend(self._identifiers(claim, source))
        m.evidence.extend(self._conflicts(claim, source))
        if source.path in claim.linked:
            llr = math.log(Q_LINK * self.n / len(claim.linked))
            text = f"the claim's body links to [[{source.title_stem}]]"
            m.evidence.append(Evidence(text, llr, kind="link"))
        commit = self._git(claim, source) + self._message(claim, source)
        if any(e.conflict for e in m.evidence):
            # The citation contradicts this source (another paper, another page): what the
            # commit says for it is never the only reason, so it is not counted.
            for e in commit:
                if e.llr > 0:
                    e.text += " (not counted: the claim's citation names another work)"
                    e.llr = 0.0
        m.evidence.extend(commit)
        least = math.log(max(self.n, 2))
        if named_only and max(m.direct, m.direct_without_commit) < least:
            return None
        m.evidence.append(self._closeness(claim, source))
        m.evidence.extend(self._context(claim, source))
        m.evidence.extend(self._archived(claim, source))
        return m

    # -- citation -----------------------------------------------------------------------

    def _identifiers(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        best: dict[str, Evidence] = {}
        for ident in sorted((claim.ids | claim.body_ids) & (source.ids | source.body_ids)):
            strong = ident in claim.ids and ident in source.ids
            llr = identifier_llr(self.id_df[ident], self.n, Q_ID if strong else Q_BODY_ID)
            if llr <= 0:
                continue
            where = "citation" if ident in claim.ids else "body"
            side = "URL fields" if ident in source.ids else "text"
            value = ident.split(":", 1)[-1]
            # One site counts once, however many of its pages both notes mention.
            item = "site:" + value.split("/")[0] if kind_of(ident) in ("url", "host") else ident
            text = f"the claim's {where} and the source's {side} share {describe(ident)}"
            if item not in best or llr > best[item].llr:
                work = kind_of(ident) in WORK_IDS
                best[item] = Evidence(text, llr, {item: llr}, work=work)
        return list(best.values())

    def _conflicts(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        out: list[Evidence] = []
        for kind in ("arxiv", "doi"):
            mine = sorted(i for i in claim.ids if kind_of(i) == kind)
            theirs = sorted(i for i in source.ids if kind_of(i) == kind)
            if mine and theirs and not set(mine) & set(theirs):
                text = (
                    f"the claim cites {', '.join(map(describe, mine))} but the source is "
                    f"{', '.join(map(describe, theirs))}"
                )
                elsewhere = sorted({p for i in mine for p in self.by_id.get(i, ())})
                if all(self.by_id.get(i) for i in mine):
                    text += f", and the cited paper is {', '.join(elsewhere)}"
                    out.append(Evidence(text, CITED_ELSEWHERE, conflict=True))
                else:
                    out.append(Evidence(text, CONFLICT, conflict=True))
        my_urls = {i for i in claim.ids if kind_of(i) == "url"}
        their_urls = {i for i in source.ids if kind_of(i) == "url"}
        if my_urls & their_urls:
            return out
        for a in sorted(my_urls):
            for b in sorted(their_urls):
                if a.split("/")[0] == b.split("/")[0] and not (a.startswith(b) or b.startswith(a)):
                    text = f"the claim cites {describe(a)}, another page than the source's {describe(b)}"
                    return [*out, Evidence(text, URL_CONFLICT, conflict=True)]
        return out

    # -- the commit -----------------------------------------------------------------------

    def _git(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        touched = self.history.added_with(claim.path)
        k = len(touched & self.sources.keys())
        if not k:
            return []
        commit = self.history.added[claim.path][:10]
        return self._among(
            source.path in touched,
            k,
            Q_GIT,
            f"commit {commit} added the claim and touched this source",
            f"commit {commit} added the claim but did not touch this source",
        )

    def _among(self, named: bool, k: int, q: float, yes: str, no: str) -> list[Evidence]:
        """The evidence of a commit that singles out ``k`` of the sources: a true source is
        among them with probability ``q``, any source with ``k / n``."""
        if named:
            return [Evidence(yes, math.log(q * self.n / k), kind="git")]
        return [Evidence(no, math.log((1 - q) / (1 - min(k, self.n - 1) / self.n)), kind="git")]

    def _message_names(self, claim: ClaimProfile) -> frozenset[str]:
        commit = self.history.added.get(claim.path)
        message = self.history.message.get(commit, "") if commit else ""
        return self.messages.named(message) & self.sources.keys() if message else frozenset()

    def _message(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        """The message of the commit that added the claim names this source (by file name
        or title), or names others and not this one."""
        named = self._message_names(claim)
        k = len(named)
        if not k:
            return []
        commit = self.history.added[claim.path][:10]
        return self._among(
            source.path in named,
            k,
            Q_MESSAGE,
            f"the message of commit {commit}, which added the claim, names this source",
            f"the message of commit {commit}, which added the claim, names another source",
        )

    def _archived(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        """The claim was added before the source was archived, or after. A true source is
        archived after its claim :data:`~.constants.Q_LATER` times as often as any source
        is (``r``, the share of sources archived after the claim): ``log Q_LATER`` when it
        was, ``log((1 - Q_LATER·r)/(1 - r))`` when it was not."""
        made = self.history.added_at(claim.path)
        archived = self.history.added_at(source.path)
        if made is None or archived is None or not self.archived:
            return []
        later = len(self.archived) - bisect.bisect_right(self.archived, made)
        r = _rate(later, len(self.archived))
        if archived > made:
            day = datetime.datetime.fromtimestamp(archived, datetime.UTC).date().isoformat()
            text = f"the claim was added before this source was archived ({day})"
            return [Evidence(text, math.log(Q_LATER), kind="archive")]
        llr = math.log((1 - min(Q_LATER * r, 1 - r / 2)) / (1 - r))
        return [Evidence("the source was archived before the claim was added", llr, kind="archive")]

    # -- fit ------------------------------------------------------------------------------

    def _closeness(
        self, claim: ClaimProfile, source: SourceProfile, besides: tuple[str, ...] = ()
    ) -> Evidence:
        rank = self.content.rank(claim.path, source.path, besides)
        llr = math.log(Q_CONTENT * CONTENT_DECAY ** (rank + 1) * self.n + (1 - Q_CONTENT))
        beyond = " beyond what the other source says" if besides else ""
        if rank >= len(self.content.sources):
            text = f"the claim's text{beyond} shares no word with the source's"
            return Evidence(text, llr, kind="content")
        place = "the closest" if rank == 0 else f"number {rank + 1} in closeness"
        text = f"of {self.n} sources, this one's text is {place} to the claim's{beyond}"
        return Evidence(text, llr, kind="content")

    def closeness_besides(self, claim: str, source: str, others: tuple[str, ...]) -> Evidence:
        """How close the source's text is to what the claim says beyond ``others``."""
        return self._closeness(self.claims[claim], self.sources[source], tuple(sorted(others)))

    def _context(self, claim: ClaimProfile, source: SourceProfile) -> list[Evidence]:
        out = []
        domain = self._domain(source)
        if domain and claim.domain:
            f = _rate(self.domain_count[domain], self.n)
            if domain == claim.domain:
                out.append(Evidence(f"same domain ({domain})", math.log(Q_DOMAIN / f)))
            else:
                llr = math.log((1 - Q_DOMAIN) / (1 - f))
                out.append(Evidence(f"other domain ({domain}, claim: {claim.domain})", llr))
        f = _rate(self.closed, self.n)
        if source.status in CLOSED:
            out.append(Evidence(f"status is {source.status}", math.log((1 - Q_OPEN) / f)))
        elif source.status:
            out.append(Evidence(f"status is {source.status}", math.log(Q_OPEN / (1 - f))))
        # The day is a weaker trace of the same event as the commit: used only when git
        # says nothing about the claim.
        git_spoke = bool(self.history.added_with(claim.path) & self.sources.keys())
        for e in out:
            e.kind = "context"
        if claim.created and source.processed_date and not git_spoke:
            f = _rate(self.processed_on[source.processed_date], self.n)
            if claim.created == source.processed_date:
                text = "claim created the day the source was processed"
                out.append(Evidence(text, math.log(Q_DATE / f), kind="day"))
            else:
                text = f"claim created {claim.created}, source processed {source.processed_date}"
                out.append(Evidence(text, math.log((1 - Q_DATE) / (1 - f)), kind="day"))
        # The claim's day: its ``created`` field, else the day of the commit that added it.
        made = self.history.added_at(claim.path)
        committed = (
            datetime.datetime.fromtimestamp(made, datetime.UTC).date().isoformat()
            if made is not None
            else None
        )
        created = claim.created or committed
        if created and source.date and created < _days_before(source.date, EARLY_MARGIN_DAYS):
            text = f"claim created {created}, before the source's date {source.date}"
            out.append(Evidence(text, EARLY, kind="day"))
        elif (
            committed
            and source.processed_date
            and committed < _days_before(source.processed_date, EARLY_MARGIN_DAYS)
        ):
            # Claims are extracted when a source is processed: one added days before
            # was not extracted from it (it may have enriched it).
            text = (
                f"the claim was added on {committed}, before the source was processed "
                f"({source.processed_date})"
            )
            out.append(Evidence(text, EARLY, kind="day"))
        return out
