"""What the notes say: how close a claim's text is to each source note's text.

A claim paraphrases the source it was extracted from, so its words (title, description,
body) are usually closer to that source's words than to any other source's. Closeness is
the cosine of TF-IDF vectors (sublinear term frequency, inverse document frequency over
all claims and sources); what counts as evidence is the source's *rank* among all source
notes, not the raw cosine, because long notes (a hundred archived tweets) and stubs are
close to nothing in absolute terms.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from .constants import CLAIM_TERMS
from .text import words


def _vector(counts: Counter[str], idf: dict[str, float], keep: int = 0) -> dict[str, float]:
    vec = {w: (1.0 + math.log(n)) * idf[w] for w, n in counts.items() if idf.get(w, 0) > 0}
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    if keep:
        vec = dict(sorted(vec.items(), key=lambda kv: -kv[1])[:keep])
    return {w: x / norm for w, x in vec.items()}


class Content:
    """TF-IDF vectors of every claim and source, and the rank of a source for a claim."""

    def __init__(self, claim_texts: dict[str, str], source_texts: dict[str, str]) -> None:
        claims = {p: Counter(words(t)) for p, t in claim_texts.items()}
        sources = {p: Counter(words(t)) for p, t in source_texts.items()}
        df: Counter[str] = Counter()
        for counts in (*claims.values(), *sources.values()):
            df.update(counts.keys())
        n = len(claims) + len(sources)
        idf = {w: math.log(n / c) for w, c in df.items()}
        self.claims = {p: _vector(c, idf, CLAIM_TERMS) for p, c in claims.items()}
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for path, counts in sources.items():
            for w, x in _vector(counts, idf).items():
                self.postings[w].append((path, x))
        self.sources = list(sources)
        self.terms: dict[str, set[str]] = defaultdict(set)
        for w, posting in self.postings.items():
            for path, _ in posting:
                self.terms[path].add(w)
        self._ranks: dict[tuple[str, tuple[str, ...]], dict[str, int]] = {}

    def ranks(self, claim: str, besides: tuple[str, ...] = ()) -> dict[str, int]:
        """Source path → its rank by closeness to the claim (0: the closest). Sources
        sharing no word with the claim rank after every other one. With ``besides``, only
        the claim's words that those sources do not have count: what the claim says beyond
        them."""
        key = (claim, besides)
        if key not in self._ranks:
            drop = set().union(*(self.terms.get(p, set()) for p in besides))
            scores: dict[str, float] = defaultdict(float)
            for w, x in self.claims.get(claim, {}).items():
                if w in drop:
                    continue
                for path, y in self.postings.get(w, ()):
                    scores[path] += x * y
            ordered = sorted(scores, key=lambda p: -scores[p])
            self._ranks[key] = {p: i for i, p in enumerate(ordered)}
        return self._ranks[key]

    def rank(self, claim: str, source: str, besides: tuple[str, ...] = ()) -> int:
        return self.ranks(claim, besides).get(source, len(self.sources))
