"""A memo with declared keys: each value is made once, on first use, and each key says
(as its type parameter) the type of the value kept under it.

The index keeps one per state of the notes (cleared when a note changes); each check of
the rules keeps one of its own (:class:`codex_hooks.rules.context.RuleContext`).

>>> TWICE: MemoKey[int] = MemoKey("twice")
>>> memo = Memo()
>>> memo.get(TWICE, lambda: 2 * 21), memo.get(TWICE, lambda: 0)
(42, 42)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from .typing_runtime import Generic, TypeVar, cast

T = TypeVar("T")


class MemoKey(Generic[T]):
    """A declared key of a :class:`Memo`: its name, and (as the type parameter) the type
    of the value kept under it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Memo:
    """Values derived once from the notes, under declared keys."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[tuple[object, ...], object] = {}

    def get(self, key: MemoKey[T], make: Callable[[], T], *args: Hashable) -> T:
        """The value under ``key`` (and ``args``, for a key with one value per note, per
        title...), made by ``make()`` the first time it is asked for."""
        slot = (key, *args)
        try:
            # Only get() stores under a key, with the key's own type: the cast holds.
            return cast("T", self._values[slot])
        except KeyError:
            value = make()
            self._values[slot] = value
            return value

    def clear(self) -> None:
        """Forget every value (the notes changed)."""
        self._values.clear()
