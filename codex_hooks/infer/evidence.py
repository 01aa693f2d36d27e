"""One piece of evidence for a claim-source pair, and the weight of a shared identifier.

Both the scorer (:mod:`.score`) and the word matcher (:mod:`.vocab`) build evidence; it
lives here, below both, so that neither imports the other's module to do so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .constants import PRIOR_ID_RATE, PSEUDO_NOTES, Q_ID


@dataclass
class Evidence:
    """One reason, as a curator reads it, and its weight in nats (negative: against)."""

    text: str
    llr: float
    #: The part of ``llr`` earned item by item on the claim's citation (words, ids).
    items: dict[str, float] = field(default_factory=dict)
    kind: str = "citation"
    #: Whether the citation names the work itself (words of its title, its page's URL,
    #: arXiv id or DOI), not only who wrote it or where (an author, a handle, a site, a
    #: year): see :data:`~.score.WORK_IDS`.
    work: bool = False
    #: Whether the citation contradicts the source (another arXiv id or DOI, another page
    #: of its site): then the commit is never counted for it.
    conflict: bool = False


def identifier_llr(shared_by: int, n: int, q: float = Q_ID) -> float:
    """The weight of an identifier that ``shared_by`` of ``n`` source notes carry: how much
    likelier the true source carries it than a wrong one (rate smoothed, see
    :data:`~.constants.PSEUDO_NOTES`)."""
    rate = (shared_by + PSEUDO_NOTES * PRIOR_ID_RATE) / (n + PSEUDO_NOTES)
    return math.log(q / rate)
