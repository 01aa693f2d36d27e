"""What a rule's check may read: one :class:`RuleContext` per note checked.

A rule sees the note being checked, the index of the whole knowledge base (read only),
the configuration, the renames git recorded, the set of notes the current check covers
(rules that report a pair of notes report it once, on one side) and a per-check
:class:`~codex_hooks.memo.Memo`. The engine builds the context; a rule never reads or writes state that
the engine left on the knowledge base for it.

The memo's keys are declared (:class:`~codex_hooks.memo.MemoKey`, with the type of their value) next to
the code that fills them, so that what a rule caches, and for how long (one check), is
visible from its declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..memo import Memo

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo
    from ..settings import Config


@dataclass(frozen=True)
class RuleContext:
    """What a rule's check reads for one note: see the module docstring."""

    #: The note being checked.
    note: NoteInfo
    #: The whole knowledge base, to read: notes, titles, resolution, provenance.
    index: NoteIndex
    #: The notes the current check covers.
    checking: frozenset[str]
    #: Values computed once per check (declared keys).
    memo: Memo = field(default_factory=Memo)

    @property
    def config(self) -> Config:
        """The configuration the check runs under."""
        return self.index.config

    @property
    def renames(self) -> Mapping[str, str]:
        """Old path → new path of the notes git shows renamed since ``HEAD``."""
        return self.index.renames

    def of(self, note: NoteInfo) -> RuleContext:
        """The same check's context for another note."""
        return RuleContext(note, self.index, self.checking, self.memo)
