"""Pausing Python's cyclic garbage collector while a run builds objects it keeps (a
helper: imports nothing of the package).

Loading the notes, running the rules and building the graph allocate millions of small
containers and free almost none until the run ends. The allocations trigger the
collector's passes, and each full pass rescans everything allocated since the notes were
loaded: a whole check of 100,000 notes ran 14 of them, a fifth of its rules' time.
Reference counting still frees everything that is not in a cycle, and what a check builds
holds none (``tests/test_collector.py``); anything that does is collected by the first
pass after the block.
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
