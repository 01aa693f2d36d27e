"""Pausing Python's cyclic garbage collector while a run builds objects it keeps (a
helper: imports nothing of the package).

Loading the notes and running the rules allocate millions of small containers and free
almost none until the run ends. Each allocation counts towards the collector's next pass,
and every third or so full pass rescans all that was allocated since the notes were
loaded: a fifth of a whole check's rules at 100,000 notes, a tenth on a real knowledge
base of 900. Reference counting still frees everything that is not in a cycle; what the
rules leave in cycles (the per-check lookups, freed once the check ends) is collected
by the first pass after the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off inside the block, and back on after it if it was on
    (blocks nest: only the outermost turns it back on).

    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
