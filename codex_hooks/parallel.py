"""Two halves of one job on two cores: a forked process works from the other end.

A whole check reads and parses every note, then runs every rule on every note: both are
loops over notes, in pure Python, that one core runs at a time. On a machine with a
second core, :func:`halves` forks the process once the state the loop reads is built: the
child works through the items from the back and leaves its results as :mod:`marshal`
bytes in a file in memory (``memfd_create``), while the parent works from the front,
until the two meet. Forking is cheap (the child shares the parent's memory, copied only
where it writes) and needs nothing pickled.

It is used only where it is safe and pays: in a process that asked for it with
:func:`allow` (the command line does; a program that imports the library forks nothing
unless it does so too), on a system that can fork and make a file in memory (Linux; not
macOS, where system libraries may not survive a fork), from a process with no other
thread (a fork copies only the calling thread), with two cores usable by this process and
one of them idle (nothing else running), for at least :data:`LEAST` items.
``CODEX_HOOKS_JOBS=1`` turns it off; ``CODEX_HOOKS_JOBS=2`` uses it however busy the
machine is. Anything else, or a child that fails in any way, and the parent does every
item itself: the result is the same either way, in the same order.
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
#: Modules this process will import later, imported while the next helper works (see
#: :func:`prefetch`).
_later: list[str] = []


def allow(allowed: bool = True) -> bool:
    """Let this process use a second core for whole runs (see the module's docstring), or
    not; returns what was allowed before."""
    global _allowed
    before, _allowed = _allowed, allowed
    return before


def prefetch(*modules: str) -> None:
    """Name modules this process will import later, for its next step (in place of any
    named before): the next :func:`halves` that starts a helper imports them here while
    the helper works, and so does fewer items itself (the helper does the rest). About
    half of their import time is saved. Without a helper nothing is done now: each is
    imported where it is first used, as it would have been."""
    _later[:] = modules


def _import_later() -> None:
    """Import what :func:`prefetch` named (a module that cannot be imported is left to
    fail where it is used)."""
    from importlib import import_module

    while _later:
        with contextlib.suppress(ImportError):
            import_module(_later.pop(0))


def usable() -> bool:
    """Whether this process may fork a helper now (see the module's docstring)."""
    if not _allowed or sys.platform == "darwin":
        return False
    if not hasattr(os, "fork") or not hasattr(os, "memfd_create"):
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
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``work(items)``, on two cores where that is possible: this process works through
    the items from the front and a forked child from the back, a few at a time
    (:data:`STEP`), until they meet; the results come back in the items' order. ``work``
    takes a slice of the items and returns one result per item, whatever the other items.

    Neither process waits for the other: each says in memory both share how far it has
    come, and takes its next few items only while they are short of the other's. (Both
    may take the same few, read at the same instant; this process's results are kept.)
    So a child that starts late, or is slowed by what it copies, does less.

    The child's results cross as :mod:`marshal` data: ``pack`` turns each into what
    marshal can hold (the caller then finds the packed form at the child's positions);
    without it they must already be such data. ``shared_mib``: the most this process may
    hold (resident MiB) for the child to start, when the child will touch most of what the
    parent holds and so come to hold a copy of it (a forked process shares its parent's
    pages only until it writes to them, and reading a Python object writes its count).
    ``child_first``: the child works from the front and this process from the back (after
    a first :func:`halves` over the same items, each then works mostly on the items the
    other one did before). ``meanwhile``: work of this process's own that needs none of
    the items' results (writing a file, say), done here once the child has started and
    before this process's first items, which the child then takes over; without a
    child, before ``work``."""
    if (
        len(items) < least
        or not usable()
        or (shared_mib is not None and _resident_mib() > shared_mib)
    ):
        if meanwhile is not None:
            meanwhile()
        return work(items)
    if child_first:
        return _meet(items[::-1], work, pack, meanwhile)[::-1]
    return _meet(items, work, pack, meanwhile)


#: How many items each process takes at a time (fewer when there are few items): small
#: enough that the one that finishes first waits little for the other, large enough that
#: taking them costs nothing.
STEP = 64


def _meet(
    items: Sequence[T],
    work: Callable[[Sequence[T]], list[R]],
    pack: Callable[[R], object] | None,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """:func:`halves` itself: this process from the front, the child from the back."""
    import mmap

    n = len(items)
    step = max(1, min(STEP, n // 32))
    # [0]: where this process's items end; [1]: where the child's begin; [2]: how many
    # bytes of whole results the child has written. A shared anonymous mapping: what
    # either process writes, the other reads.
    shared = mmap.mmap(-1, 24)
    mark = memoryview(shared).cast("q")
    mark[0], mark[1], mark[2] = 0, n, 0
    # The child's results: a file in memory that it appends each few items' results to
    # as it goes, and that this process reads between its own items. (A pipe, read at
    # the end, cost 5 ms after this process's last item for the 2 MB of the corpus's
    # graph: the child blocked on it the while.)
    try:
        results = os.memfd_create("codex-hooks-half")  # closed on exec, as the default
    except OSError:
        results = -1
    try:
        pid = os.fork() if results >= 0 else -1
    except OSError:
        pid = -1
    if pid < 0:
        if results >= 0:
            os.close(results)
        mark.release()
        shared.close()
        if meanwhile is not None:
            meanwhile()
        return work(items)
    if pid == 0:  # the child: never returns
        code = 1
        try:
            end, written = n, 0
            while end > (front := mark[0]):
                begin = max(front, end - step)
                mark[1] = begin
                found = work(items[begin:end])
                packed = [pack(r) for r in found] if pack is not None else found
                frame = marshal.dumps((begin, end, packed))
                data = memoryview(len(frame).to_bytes(8, "little") + frame)
                while data:
                    data = data[os.write(results, data) :]
                written += 8 + len(frame)
                mark[2] = written  # whole, so this process may read it
                end = begin
            code = 0
        except BaseException:  # anything at all: the parent does this half itself
            pass
        finally:
            # No clean-up of the parent's state (buffered output, atexit handlers,
            # temporary files) may run twice: leave at once.
            os._exit(code)
    done: list[R] = []
    theirs = _Received(results, mark)
    begin = 0
    try:
        try:
            _import_later()
            if meanwhile is not None:
                meanwhile()
            while begin < (back := mark[1]):
                end = min(begin + step, back)
                mark[0] = end
                done.extend(work(items[begin:end]))
                begin = end
                theirs.take()
        except BaseException:  # the run fails (or is interrupted): the child's half is moot
            import signal

            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            wait_for(pid)
            raise
        ended = wait_for(pid) == 0
        rest: list[R] | None = theirs.since(begin, n) if ended and theirs.take() else None
    finally:
        os.close(results)
        mark.release()
        shared.close()
    if rest is not None:
        return done + rest
    # The child failed: the rest is done here.
    done.extend(work(items[begin:]))
    return done


class _Received:
    """The child's results, read from the file in memory it appends them to: each few
    items' results as one marshal frame, ``(begin, end, results)``, after its length."""

    def __init__(self, results: int, mark: memoryview) -> None:
        self.results, self.mark = results, mark
        self.offset = 0
        self.frames: list[tuple[int, int, list[object]]] = []

    def take(self) -> bool:
        """Read the frames the child has finished since the last call; ``False`` when one
        is not what the child writes (the child failed)."""
        upto = self.mark[2]
        try:
            while self.offset < upto:
                size = int.from_bytes(os.pread(self.results, 8, self.offset), "little")
                frame = marshal.loads(os.pread(self.results, size, self.offset + 8))
                self.offset += 8 + size
                if not (
                    isinstance(frame, tuple)
                    and len(frame) == 3
                    and isinstance(frame[0], int)
                    and isinstance(frame[1], int)
                    and isinstance(frame[2], list)
                    and len(frame[2]) == frame[1] - frame[0]
                ):
                    return False
                self.frames.append(frame)
        except (OSError, EOFError, ValueError, TypeError):
            return False
        return True

    def since(self, begin: int, n: int) -> list[R] | None:
        """The child's results for the items from ``begin`` to ``n``, in order; ``None``
        when its frames do not cover them without a gap."""
        start = n
        for first, end, _ in self.frames:  # from the back, as the child worked
            if end != start:
                return None
            start = first
        if start > begin:
            return None
        got: list[R] = []  # the child's packed forms, as documented
        for _, _, found in reversed(self.frames):
            got.extend(found)  # type: ignore[arg-type]
        return got[begin - start :]


def _resident_mib() -> float:
    """This process's resident memory in MiB (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
