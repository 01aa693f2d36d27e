"""Word matching between claims' citations and source notes' names, authors and venues.

A word of a citation matches a word of a source's name when the two are equal, when they
are long (five letters or more) and nearly equal (``rapidfuzz`` ratio of 88 or more:
``Noahopinion``/``noahpinion``), or when two adjacent citation words written together make
the source's word (``Doug Shapiro`` → ``dougshapiro``). How much a matched word counts
depends on how rare it is among all claims' citations: ``Shapiro`` in 25 citations says less
than ``Granovetter`` in one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from .constants import (
    FUZZY_MIN_LENGTH,
    FUZZY_SCORE,
    MAX_MISSING_WORD_RATE,
    PLATFORM_AUTHORS,
    PRIOR_WORD_RATE,
    PSEUDO_NOTES,
    QUOTE_MIN_WORDS,
    QUOTE_SCORE,
)
from .evidence import Evidence, identifier_llr
from .text import quoted, words

if TYPE_CHECKING:
    from .profile import ClaimProfile, SourceProfile

_PLAIN_LABELS = frozenset({"www", "m", "mobile", "blog", "docs", "en", "web", "news"})


def citation_words(text: str) -> tuple[set[str], set[str]]:
    """The citation's words, and each pair of adjacent words written together (these
    match only exactly: ``Doug Shapiro`` → ``dougshapiro``)."""
    ws = words(text)
    return set(ws), {a + b for a, b in pairwise(ws) if not (a.isdigit() or b.isdigit())}


class Vocabulary:
    """Word statistics of one knowledge base, and word evidence for one pair."""

    def __init__(self, claims: dict[str, ClaimProfile], sources: dict[str, SourceProfile]) -> None:
        from rapidfuzz import fuzz, process

        split = {p: citation_words(c.cited) for p, c in claims.items()}
        self.claim_words = {p: plain | joined for p, (plain, joined) in split.items()}
        plain_words = {w for plain, _ in split.values() for w in plain}
        self.df: Counter[str] = Counter(w for ws in self.claim_words.values() for w in ws)
        self.n_claims = max(len(claims), 1)
        self._found: dict[str, dict[str, str]] = {}
        #: The titles each claim's citation quotes (two words or more).
        self.quotes = {
            p: [" ".join(ws) for q in quoted(c.cited) if len(ws := words(q)) >= QUOTE_MIN_WORDS]
            for p, c in claims.items()
        }
        self._sources = sources
        self._quoting: dict[str, set[str]] = {}
        self._add_venues(sources)
        self.index: dict[str, set[str]] = defaultdict(set)
        for path, s in sources.items():
            for _, ws in s.names + s.authors:
                for w in ws:
                    self.index[w].add(path)
        # citation word → the source words it stands for
        self.maps: dict[str, set[str]] = defaultdict(set)
        long_source = [w for w in self.index if len(w) >= FUZZY_MIN_LENGTH]
        for w in self.df:
            if w in self.index:
                self.maps[w].add(w)
            if len(w) >= FUZZY_MIN_LENGTH and long_source and w in plain_words:
                for other, _, _ in process.extract(
                    w, long_source, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE, limit=None
                ):
                    self.maps[w].add(other)

    def _add_venues(self, sources: dict[str, SourceProfile]) -> None:
        """Give each source on a site of its own (not a platform) the site's name as a
        venue: ``noahpinion.blog`` → ``noahpinion``, ``dougshapiro.substack.com`` →
        ``dougshapiro``."""
        authors_on: dict[str, set[str]] = defaultdict(set)
        hosts: dict[str, list[str]] = {}
        for path, s in sources.items():
            hosts[path] = [i.split(":", 1)[1] for i in s.ids if i.startswith("host:")]
            for host in hosts[path]:
                for site in _sites(host):
                    authors_on[site].add(s.authors[0][0].casefold() if s.authors else path)
        for path, s in sources.items():
            for host in hosts[path]:
                for site in _sites(host):
                    if len(authors_on[site]) < PLATFORM_AUTHORS:
                        label = site.split(".")[0]
                        if label not in _PLAIN_LABELS and (ws := words(label.replace("-", " "))):
                            s.authors.append((site, ws))
                        break

    def p(self, word: str) -> float:
        """How often ``word`` appears in a claim's citation by chance: its rate among the
        claims' citations, smoothed towards :data:`~.constants.PRIOR_WORD_RATE` as if
        :data:`~.constants.PSEUDO_NOTES` more claims had been seen (a small knowledge base
        says little about how common a word is)."""
        return (self.df[word] + PSEUDO_NOTES * PRIOR_WORD_RATE) / (self.n_claims + PSEUDO_NOTES)

    def sources_sharing(self, claim_path: str) -> set[str]:
        """Source notes with a name, author or venue word in the claim's citation."""
        out: set[str] = set()
        for w in self.claim_words.get(claim_path, ()):
            for target in self.maps.get(w, ()):
                out |= self.index[target]
        return out

    def _matches(self, claim_path: str) -> dict[str, str]:
        """Source word → the citation word that matches it (the rarest one)."""
        cached = self._found.get(claim_path)
        if cached is not None:
            return cached
        found: dict[str, str] = {}
        self._found[claim_path] = found
        for w in self.claim_words.get(claim_path, ()):
            for target in self.maps.get(w, ()):
                if target not in found or self.df[w] < self.df[found[target]]:
                    found[target] = w
        return found

    def quoted_by(self, quote: str) -> set[str]:
        """The sources one of whose names is the quoted title (``rapidfuzz`` token-sort
        ratio of :data:`QUOTE_SCORE` or more)."""
        from rapidfuzz import fuzz

        if quote not in self._quoting:
            self._quoting[quote] = {
                path
                for path, s in self._sources.items()
                if any(
                    fuzz.token_sort_ratio(quote, " ".join(ws)) >= QUOTE_SCORE for _, ws in s.names
                )
            }
        return self._quoting[quote]

    def title_evidence(self, claim_path: str, source: SourceProfile, q: float) -> list[Evidence]:
        """The best of the source's names, word by word (Bernoulli: each word of the true
        source's name appears in the citation with probability ``q``). A name quoted whole
        in the citation is as good as an identifier: it weighs at least what a shared
        identifier of as many notes would."""
        found = self._matches(claim_path)
        quotes = [x for x in self.quotes.get(claim_path, ()) if source.path in self.quoted_by(x)]
        exact = max(
            (identifier_llr(len(self.quoted_by(x)), len(self._sources)) for x in quotes),
            default=0.0,
        )
        best: Evidence | None = None
        for display, ws in source.names:
            items: dict[str, float] = {}
            penalty = 0.0
            for w in ws:
                if w in found:
                    c = found[w]
                    items["w:" + c] = max(items.get("w:" + c, 0.0), math.log(q / self.p(c)))
                else:
                    penalty += math.log((1 - q) / (1 - min(self.p(w), MAX_MISSING_WORD_RATE)))
            if not items:
                continue
            llr = sum(items.values()) + penalty
            hits = sum(w in found for w in ws)
            text = f'the citation has {hits} of {len(ws)} words of the name "{display}"'
            if exact > llr:
                # Spread the identifier's weight over the words, for explaining away.
                scale = exact / sum(items.values())
                items = {k: v * scale for k, v in items.items()}
                llr = exact
                text = f'the citation quotes the name "{display}"'
            if best is None or llr > best.llr:
                best = Evidence(text, llr, items, work=True)
        return [best] if best is not None and best.llr > 0 else []

    def year_evidence(self, claim_path: str, source: SourceProfile, q: float) -> list[Evidence]:
        """Whether the citation has the year the source was published (author-year style)."""
        year = (source.date or "")[:4]
        if not year or year not in self.claim_words.get(claim_path, ()):
            return []
        llr = math.log(q / self.p(year))
        if llr <= 0:
            return []
        return [Evidence(f"the citation has the source's year ({year})", llr, {"w:" + year: llr})]

    def author_evidence(self, claim_path: str, source: SourceProfile, q: float) -> list[Evidence]:
        """Whether the citation names an author or the venue: its rarest matched word."""
        if not source.authors:
            return []
        found = self._matches(claim_path)
        best: tuple[float, str, str] | None = None
        for display, ws in source.authors:
            for w in ws:
                if w in found:
                    c = found[w]
                    llr = math.log(q / self.p(c))
                    if best is None or llr > best[0]:
                        best = (llr, c, display)
        if best is None or best[0] <= 0:
            shown = source.authors[0][0]
            return [Evidence(f'the citation does not name the author "{shown}"', math.log(1 - q))]
        llr, c, display = best
        return [Evidence(f'the citation names "{display}"', llr, {"w:" + c: llr})]


def _sites(host: str) -> list[str]:
    """The site a host belongs to, then the narrower subdomain: ``a.substack.com`` →
    ``substack.com``, ``a.substack.com``."""
    labels = host.split(".")
    out = [".".join(labels[-2:])]
    if len(labels) >= 3 and labels[-3] not in _PLAIN_LABELS:
        out.append(".".join(labels[-3:]))
    return out
