"""The public API (the ``api`` layer): :class:`KnowledgeBase`, the index of a knowledge
base with the operations a user runs on it: check, fix, baseline, rename, graph.

The index itself (notes, titles, link resolution) is :class:`codex_hooks.index.NoteIndex`;
the rules and the engine read that, never this class, so that nothing below the API
depends on it. The index's names stay importable from here (``from codex_hooks.kb import
CLAIM, NoteInfo``) as they were before the split.
"""

from __future__ import annotations

import os
from pathlib import Path

from .index import (
    AGENT,
    CLAIM,
    ENTITY,
    MAP,
    NO_ENTRIES,
    OTHER,
    SOURCE,
    NoteIndex,
    NoteInfo,
    NoteTable,
    Problem,
    as_list,
    build_info,
    classify,
    folded_claims,
    folded_title,
    list_markdown,
    means_no_entries,
    read_info,
    read_info_stat,
    start_listing,
)

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable

    from .baseline import Baseline
    from .fixing import FixResult
    from .infer.apply import Written
    from .infer.linker import Inference
    from .model import Violation
    from .settings import Config


#: The public API, and the index's names this module always had (re-exported).
__all__ = [
    "AGENT",
    "CLAIM",
    "ENTITY",
    "MAP",
    "NO_ENTRIES",
    "OTHER",
    "SOURCE",
    "KnowledgeBase",
    "NoteIndex",
    "NoteInfo",
    "NoteTable",
    "Problem",
    "as_list",
    "build_info",
    "classify",
    "folded_claims",
    "folded_title",
    "list_markdown",
    "means_no_entries",
    "read_info",
    "read_info_stat",
    "start_listing",
]


class KnowledgeBase(NoteIndex):
    """A knowledge base loaded from disk: its notes, their links and provenance, checks
    and fixes.

    >>> kb = KnowledgeBase.load(root)                  # root: the knowledge base's folder
    >>> len(kb.claims()), len(kb.sources())
    (6, 8)
    >>> sorted({v.code for v in kb.check()})[:3]
    ['BL001', 'BL003', 'FM002']
    >>> len(kb.fix(dry_run=True).changes)              # what the safe fixes would change
    3
    """

    @classmethod
    def load(
        cls,
        root: str | os.PathLike[str] = ".",
        config: Config | None = None,
        cache: bool = True,
        write_later: bool = False,
    ) -> KnowledgeBase:
        """Index every markdown note under ``root`` (``config`` defaults to the knowledge
        base's own configuration, whose rule codes are checked against the rules).
        ``cache`` allows the on-disk index (and the parsed settings kept beside it);
        ``write_later`` leaves bringing it up to date to :meth:`write_index`."""
        if config is None:
            from .config import load_config

            config = load_config(Path(root).resolve(), cache)
        found: KnowledgeBase = super().load(root, config, cache, write_later)
        return found

    @property
    def baseline(self) -> Baseline | None:
        """The knowledge base's baseline (``None`` when it has none); see
        :mod:`codex_hooks.baseline`. A file that cannot be used raises ConfigError."""
        from .baseline import recorded

        return recorded(self)

    def check(self, paths: list[str] | None = None, baseline: bool = True) -> list[Violation]:
        """Violations of the notes at ``paths`` (repo-relative; ``None``: every note).
        With ``baseline``, the findings the baseline records are left out; the counts of
        what was hidden come with :func:`engine.run_check`."""
        from .engine import check

        return check(self, paths, baseline=baseline)

    def fix(
        self,
        paths: list[str] | None = None,
        dry_run: bool = False,
        unsafe_fixes: bool = False,
        baseline: bool = True,
        keep: Callable[[Violation], bool] | None = None,
    ) -> FixResult:
        """Apply every safe fix for the notes at ``paths`` (with ``unsafe_fixes``, the
        unsafe ones too); see :func:`fixing.fix`. Findings the baseline records are
        neither fixed nor reported unless ``baseline`` is false; ``keep`` narrows the
        findings the fixes come from."""
        from .fixing import fix

        return fix(
            self, paths, dry_run=dry_run, unsafe_fixes=unsafe_fixes, baseline=baseline, keep=keep
        )

    def rename(
        self, old: str, new: str, move: bool = True, stage: bool = False, dry_run: bool = False
    ) -> list[str]:
        """Rename the note ``old`` to ``new`` (repo-relative paths) and rewrite every link
        and list entry that named it; the paths whose text changed. See
        :func:`codex_hooks.rename.rename_note`."""
        from .rename import rename_note

        return rename_note(self, old, new, move=move, stage=stage, dry_run=dry_run)

    def link(
        self, paths: list[str] | None = None, threshold: float | None = None, write: bool = False
    ) -> tuple[Inference, Written | None]:
        """Propose the missing claim↔source links (for the notes at ``paths``, else every
        claim that lacks ``sourced_from``), as ``codex-hooks link`` does; with ``write``,
        write the proposals (both directions) as ``link --write`` does. ``threshold``: the
        confidence a proposal needs (default :data:`codex_hooks.infer.DEFAULT_THRESHOLD`)."""
        from .infer.apply import write as write_proposals
        from .infer.constants import DEFAULT_THRESHOLD
        from .infer.linker import Linker

        only = None
        if paths is not None and all(self.notes[p].kind != SOURCE for p in paths):
            only = paths  # only claims asked about: weigh the evidence for them alone
        result = Linker(self, claims=only).run(
            DEFAULT_THRESHOLD if threshold is None else threshold, paths
        )
        written = write_proposals(self, result.proposals) if write and result.proposals else None
        return result, written
