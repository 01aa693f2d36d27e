"""Did-you-mean suggestions, computed only for values that are already wrong."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

#: A second candidate this many points behind the best one does not make a match unclear.
CLEAR_MARGIN = 5.0


def candidates(
    value: str, choices: Iterable[str], threshold: float = 80.0, limit: int = 5
) -> list[tuple[str, float]]:
    """Choices close to ``value`` (case-insensitive), best first, with their 0-100 score.

    The score is an edit-distance similarity that counts swapping two neighbouring letters
    as one edit (optimal string alignment): ``upnrocessed`` is one typo from
    ``unprocessed``, but three from ``processed``.
    """
    from rapidfuzz import process, utils
    from rapidfuzz.distance import OSA

    pool = list(dict.fromkeys(choices))
    folded = value.casefold().strip()
    exact = [c for c in pool if c.casefold() == folded]
    if exact:
        return [(exact[0], 100.0)]
    found = process.extract(
        value,
        pool,
        scorer=OSA.normalized_similarity,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=threshold / 100,
    )
    return [(choice, float(score) * 100) for choice, score, _ in found]


def clear_match(found: list[tuple[str, float]]) -> str | None:
    """The one candidate that is clearly best, or ``None`` when there is none or a tie."""
    if not found:
        return None
    if len(found) == 1 or found[0][1] - found[1][1] >= CLEAR_MARGIN:
        return found[0][0]
    return None


def suggest(found: list[tuple[str, float]]) -> str:
    """``" (did you mean 'a' or 'b'?)"``, or nothing."""
    if not found:
        return ""
    names = " or ".join(f"'{c}'" for c, _ in found[:3])
    return f" (did you mean {names}?)"


#: Pairs scored here before rapidfuzz is imported: a one-note check scores a few, and
#: importing rapidfuzz (about 6 ms) costs as much as scoring this many here (about 20 µs
#: a pair); a whole check scores thousands, and pays the import once.
BUDGET = 256
_spent = 0


def use_rapidfuzz(count: int) -> bool:
    """Whether ``count`` pairs are to be scored by rapidfuzz: yes once it is imported or
    once the pairs scored without it would pass :data:`BUDGET` (so that the time spent
    here is never more than the import would have cost)."""
    global _spent
    if "rapidfuzz" in sys.modules or _spent + count > BUDGET:
        return True
    _spent += count
    return False


def ratio(a: str, b: str, score_cutoff: float = 0.0) -> float:
    """``rapidfuzz.fuzz.ratio(a, b, score_cutoff=...)``, to the last bit, without importing
    rapidfuzz: 100 × (1 − Indel distance / (len(a) + len(b))), or 0 below the cutoff.

    >>> ratio("this is a test", "this is a test!")
    96.55172413793103
    >>> ratio("abc", "xyz", score_cutoff=50)
    0.0
    """
    total = len(a) + len(b)
    sim = 1.0 - (total - 2 * _lcs(a, b)) / total if total else 1.0
    return sim * 100 if sim >= score_cutoff / 100 else 0.0


def ratio_for(count: int) -> Callable[..., float]:
    """The ``fuzz.ratio`` to score ``count`` pairs with: rapidfuzz's once it pays (see
    :func:`use_rapidfuzz`), else :func:`ratio`; both are called as
    ``score(a, b, score_cutoff=...)`` and give the same numbers."""
    if use_rapidfuzz(count):
        from rapidfuzz.fuzz import ratio as fast

        return fast
    return ratio


def _lcs(a: str, b: str) -> int:
    """The length of the longest common subsequence, one bit per character of ``a``
    (Hyyrö's bit-parallel algorithm): a few integer operations per character of ``b``."""
    masks: dict[str, int] = {}
    bit = 1
    for ch in a:
        masks[ch] = masks.get(ch, 0) | bit
        bit <<= 1
    full = bit - 1
    v = full
    for ch in b:
        m = masks.get(ch)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def extract(
    query: str, choices: list[str], score_cutoff: float, limit: int
) -> list[tuple[str, float, int]]:
    """``rapidfuzz.process.extract`` with the ``fuzz.ratio`` scorer and no processor: the
    ``limit`` choices scoring ``score_cutoff`` (> 0) or more, best first, ties in list order,
    as ``(choice, score, index)``. Few choices are scored here (see :data:`BUDGET`)."""
    if use_rapidfuzz(len(choices)):
        from rapidfuzz import fuzz, process

        found = process.extract(
            query,
            choices,
            scorer=fuzz.ratio,
            processor=None,
            limit=limit,
            score_cutoff=score_cutoff,
        )
        return [(choice, float(score), int(i)) for choice, score, i in found]
    return _extract(query, choices, score_cutoff, limit)


def _extract(
    query: str, choices: list[str], score_cutoff: float, limit: int
) -> list[tuple[str, float, int]]:
    scored = [(c, ratio(query, c, score_cutoff), i) for i, c in enumerate(choices)]
    kept = [s for s in scored if s[1] >= score_cutoff and s[1] > 0]
    kept.sort(key=lambda s: -s[1])  # stable: ties stay in list order
    return kept[:limit]
