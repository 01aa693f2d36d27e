"""The few names of :mod:`typing` the package calls at run time, without importing it.

Importing :mod:`typing` costs 2.5–3 ms, a twentieth of checking one note, and the
package calls its names only for type checkers' sake: ``cast`` and ``overload`` change
nothing at run time, and ``TypeVar`` and ``Generic`` only make ``MemoKey[int]`` a valid
expression. Type checkers see typing's own names; at run time these stand in for them.
Annotations need none of this: every module postpones them (``from __future__ import
annotations``) and imports what they name under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

__all__ = ["Generic", "TypeVar", "cast", "overload"]

#: ``typing.TYPE_CHECKING`` without importing typing.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Generic, TypeVar, cast, overload
else:

    def cast(_type, value):
        """``value`` (``typing.cast`` at run time)."""
        return value

    def overload(function):
        """``function`` (what ``typing.overload`` registers is never read here)."""
        return function

    def TypeVar(name, *constraints, **options):
        """A stand-in for a type variable: only type checkers read it."""
        return name

    class Generic:
        """A base whose subscript is the class itself: ``MemoKey[int]`` is ``MemoKey``."""

        __slots__ = ()

        def __class_getitem__(cls, _parameters):
            return cls
