"""Did-you-mean suggestions, computed only for values that are already wrong."""

from __future__ import annotations

from collections.abc import Iterable

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
