"""Two halves of one job on two cores: a forked process does every other item.

A whole check reads and parses every note, then runs every rule on every note: both are
loops over notes, in pure Python, that one core runs at a time. On a machine with a
second core, :func:`halves` forks the process once the state the loop reads is built: the
child works on every other item and sends back its results as :mod:`marshal` bytes
through a pipe, while the parent works on the rest. Forking is cheap (the child shares
the parent's memory, copied only where it writes) and needs nothing pickled.

It is used only where it is safe and pays: in a process that asked for it with
:func:`allow` (the command line does; a program that imports the library forks nothing
unless it does so too), on a POSIX system that can fork (not macOS, where system
libraries may not survive a fork), from a process with no other thread (a fork copies
only the calling thread), with two cores usable by this process and one of them idle
(nothing else running), for at least :data:`LEAST` items. ``CODEX_HOOKS_JOBS=1`` turns it
off; ``CODEX_HOOKS_JOBS=2`` uses it however busy the machine is. Anything else, or a
child that fails in any way, and the parent does every item itself: the result is the
same either way, in the same order.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Sequence

from .processes import wait_for

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
    R = TypeVar("R")

#: Fewer items than this are done in one process: below it, forking and sending the
#: results back cost about as much as the second core saves.
LEAST = 400
#: The most a process may hold (resident MiB) for a child that reads most of what it
#: holds, and so comes to hold a copy (see :func:`halves`): a whole check then stays
#: within about a gibibyte, both processes together (measured at 100,000 notes: 760 MiB
#: in one process, 1.3 GiB in two).
SHARED_MIB = 450
#: How many times the count of running processes is read (see :func:`_running`).
SAMPLES = 3
#: Where only the load average tells how busy the machine is: how much of a core it must
#: leave idle for the second process to pay.
IDLE = 0.5
#: The environment variable that turns the second process off (``1``), or on however
#: busy the machine is (``2``).
JOBS = "CODEX_HOOKS_JOBS"


_allowed = False


def allow(allowed: bool = True) -> bool:
    """Let this process use a second core for whole runs (see the module's docstring), or
    not; returns what was allowed before."""
    global _allowed
    before, _allowed = _allowed, allowed
    return before


def usable() -> bool:
    """Whether this process may fork a helper now (see the module's docstring)."""
    if not _allowed or not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    jobs = os.environ.get(JOBS, "").strip()
    if jobs == "1":
        return False
    import threading

    if threading.active_count() != 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    if jobs == "2":
        return True
    # Measured: with the other core busy, the two halves take longer than one process.
    return _running() < cores


def _running() -> float:
    """How many processes are running now, this one included: the kernel's count of
    runnable tasks where there is one (a load average would count this run's own second
    process for a minute after it ended), else the load average of the last minute. The
    count is a snapshot: the least of a few, a millisecond apart, so that a task that
    runs for an instant (a kernel worker writing back the last run's index) does not
    count as a busy core."""
    try:
        least = None
        for attempt in range(SAMPLES):
            if attempt:
                time.sleep(0.0005)
            with open("/proc/loadavg", "rb") as fh:
                running = int(fh.read().split()[3].split(b"/")[0])
            least = running if least is None else min(least, running)
        if least is not None:
            return least
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0] + IDLE
    except (AttributeError, OSError):
        return 1


def halves(
    items: Sequence[T],
    work: Callable[[Sequence[T]], list[R]],
    pack: Callable[[R], object] | None = None,
    least: int = LEAST,
    shared_mib: float | None = None,
    child_first: bool = False,
) -> list[R]:
    """``work(items)``, as two calls on two cores where that is possible: a forked child
    runs ``work`` on the items at odd positions, this process on the others, and the
    results are merged back into the items' order. ``work`` returns one result per item.
    The child's results cross as :mod:`marshal` data: ``pack`` turns each into what
    marshal can hold (the caller then finds the packed form at the child's positions);
    without it they must already be such data. ``shared_mib``: the most this process may
    hold (resident MiB) for the child to start, when the child will touch most of what the
    parent holds and so come to hold a copy of it (a forked process shares its parent's
    pages only until it writes to them, and reading a Python object writes its count).
    ``child_first``: the child takes the items at even positions, this process the odd
    ones (after a first :func:`halves` over the same items, each process then gets the
    items the other one worked on before)."""
    if len(items) < least or not usable():
        return work(items)
    if shared_mib is not None and _resident_mib() > shared_mib:
        return work(items)
    mine, theirs = (items[1::2], items[0::2]) if child_first else (items[0::2], items[1::2])
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return work(items)
    if pid == 0:  # the child: never returns
        os.close(reader)
        code = 1
        try:
            results = work(theirs)
            data = marshal.dumps([pack(r) for r in results] if pack is not None else results)
            with os.fdopen(writer, "wb") as out:
                out.write(data)
            code = 0
        except BaseException:  # anything at all: the parent does this half itself
            pass
        finally:
            # No clean-up of the parent's state (buffered output, atexit handlers,
            # temporary files) may run twice: leave at once.
            os._exit(code)
    os.close(writer)
    try:
        done = work(mine)
    except BaseException:  # the run fails (or is interrupted): the child's half is moot
        os.close(reader)
        import signal

        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        wait_for(pid)
        raise
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    got: list[R] | None = None
    if wait_for(pid) == 0:
        try:
            loaded = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            loaded = None
        if isinstance(loaded, list) and len(loaded) == len(theirs):
            got = loaded
    if got is None:  # the child failed: its half is done here
        got = work(theirs)
    first, second = (got, done) if child_first else (done, got)
    merged: list[R] = []
    for pair in zip(first, second, strict=False):
        merged.extend(pair)
    if len(first) > len(second):
        merged.append(first[-1])
    return merged


def _resident_mib() -> float:
    """This process's resident memory in MiB (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
