"""What a rule's check may read: one :class:`RuleContext` per note checked.

A rule sees the note being checked, the index of the whole knowledge base (read only),
the configuration, the renames git recorded, the set of notes the current check covers
(rules that report a pair of notes report it once, on one side) and a per-check
:class:`Memo`. The engine builds the context; a rule never reads or writes state that
the engine left on the knowledge base for it.

The memo's keys are declared (:class:`MemoKey`, with the type of their value) next to
the code that fills them, so that what a rule caches, and for how long (one check), is
visible from its declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo
    from ..settings import Config

T = TypeVar("T")


class MemoKey(Generic[T]):
    """A declared key of the per-check :class:`Memo`: its name, and (as the type
    parameter) the type of the value kept under it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"MemoKey({self.name!r})"


class Memo:
    """Values the rules derive from the whole knowledge base, each computed once per
    check (a new check, after a fix changed notes, starts with an empty memo)."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[tuple[object, ...], object] = {}

    def get(self, key: MemoKey[T], make: Callable[[], T], *args: Hashable) -> T:
        """The value under ``key`` (and ``args``, for a key with one value per note, per
        title...), made by ``make()`` the first time it is asked for."""
        slot = (key, *args)
        try:
            return cast("T", self._values[slot])
        except KeyError:
            value = make()
            self._values[slot] = value
            return value


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
