"""Provenance inference: which source note each claim came from, with the evidence.

    >>> from codex_hooks import KnowledgeBase                      # doctest: +SKIP
    >>> from codex_hooks.infer import Linker
    >>> result = Linker(KnowledgeBase.load("kb")).run(0.9)         # doctest: +SKIP
    >>> for p in result.proposals: print(p.claim, "<-", p.source)  # doctest: +SKIP

:class:`Linker` reads the knowledge base and its git history once; :meth:`Linker.run`
decides at a confidence threshold and can be called again with another one. Claims that
already name their sources in ``sourced_from`` are not inferred; for them only the missing
direction (the source's ``claims_extracted``) is proposed. See docs/linking.md for the
scoring.
"""

from __future__ import annotations

from .constants import DEFAULT_THRESHOLD

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .linker import Abstention, Candidate, Inference, Linker, Proposal, Reason

__all__ = [
    "DEFAULT_THRESHOLD",
    "Abstention",
    "Candidate",
    "Inference",
    "Linker",
    "Proposal",
    "Reason",
]

#: The names :mod:`.linker` defines, loaded on first use (PEP 562): the rules import
#: this package's identifier helpers (:mod:`.identifiers`) on every check of a source,
#: and those need neither the linker nor what it imports.
_LINKER = frozenset({"Abstention", "Candidate", "Inference", "Linker", "Proposal", "Reason"})


def __getattr__(name: str) -> object:
    if name not in _LINKER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import linker

    value = getattr(linker, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LINKER])
