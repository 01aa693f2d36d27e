"""Two cores for whole runs (codex_hooks/parallel.py): the same results as one process,
in the same order, whatever the second process does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from codex_hooks import parallel
from codex_hooks.cache import read_notes
from codex_hooks.engine import run_check
from codex_hooks.kb import KnowledgeBase


@pytest.fixture(autouse=True)
def allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As the command line does (a program that imports the library forks nothing), and
    however busy the machine running the tests is."""
    monkeypatch.setenv(parallel.JOBS, "2")
    parallel.allow()
    if not parallel.usable():
        parallel.allow(False)
        pytest.skip("this machine cannot fork a helper")
    yield
    parallel.allow(False)


def squares(share: Sequence[int]) -> list[int]:
    return [i * i for i in share]


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 501])
def test_both_halves_come_back_in_the_items_order(n: int) -> None:
    items = list(range(n))
    assert parallel.halves(items, squares, least=0) == [i * i for i in items]


def slow(delay: float) -> Callable[[Sequence[int]], list[tuple[int, int]]]:
    """Work that takes ``delay`` seconds an item and says which process did each."""

    def where(share: Sequence[int]) -> list[tuple[int, int]]:
        time.sleep(delay * len(share))
        return [(i, os.getpid()) for i in share]

    return where


def test_the_second_process_sends_packed_results() -> None:
    parent = os.getpid()
    got = parallel.halves(list(range(6)), slow(0.05), pack=lambda r: ("packed", r[0]), least=0)
    ours = [g for g in got if g[1] == parent]
    # This process works from the front, the child from the back, until they meet.
    assert got == ours + [("packed", i) for i in range(len(ours), 6)]
    assert 0 < len(ours) < 6


def test_the_process_that_is_slower_does_fewer_items() -> None:
    parent = os.getpid()

    def work(share: Sequence[int]) -> list[int]:
        time.sleep((0.002 if os.getpid() == parent else 0.02) * len(share))
        return [os.getpid() for _ in share]

    got = parallel.halves(list(range(64)), work, least=0)
    mine = got.count(parent)
    assert got == [parent] * mine + got[mine:] and parent not in got[mine:]
    assert mine > 40  # about ten times the child's share, and never half


@pytest.mark.parametrize("failure", ["raises", "exits", "unmarshallable", "raises late"])
def test_a_failing_second_process_leaves_its_half_to_this_one(failure: str) -> None:
    parent = os.getpid()

    def work(share: Sequence[int]) -> list[object]:
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("broken")
            if failure == "exits":
                os._exit(3)
            if failure == "raises late":  # after it has sent the results of a few items
                if share[0] < 40:
                    raise RuntimeError("broken")
                return [i + 1 for i in share]
            return [object() for _ in share]  # marshal cannot hold it
        time.sleep(0.002 * len(share))  # slower than the child: it gets far
        return [i + 1 for i in share]

    assert parallel.halves(list(range(64)), work, least=0) == list(range(1, 65))


def test_too_few_items_or_one_job_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def pids(share: Sequence[int]) -> list[int]:
        return [os.getpid() for _ in share]

    assert set(parallel.halves(list(range(10)), pids, least=11)) == {parent}
    monkeypatch.delenv(parallel.JOBS)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(parallel, "_running", lambda: 2)  # the other core is busy
    assert not parallel.usable()
    monkeypatch.setattr(parallel, "_running", lambda: 1)  # this process alone
    assert parallel.usable()
    monkeypatch.setenv(parallel.JOBS, "2")
    monkeypatch.setattr(parallel, "_running", lambda: 7)
    assert parallel.usable()  # asked for, however busy
    monkeypatch.setenv(parallel.JOBS, "1")
    assert not parallel.usable()
    assert set(parallel.halves(list(range(10)), pids, least=0)) == {parent}


def test_the_corpus_read_and_checked_on_two_cores_equals_one(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase.load(corpus, cache=False)
    paths = list(kb.notes)
    monkeypatch.setattr(parallel, "LEAST", 0)
    two = read_notes(kb.root, kb.config, paths)
    monkeypatch.setenv(parallel.JOBS, "1")
    one = read_notes(kb.root, kb.config, paths)
    assert [r[0] for r in two] == [r[0] for r in one]
    assert [r[1] for r in two] == [r[1] for r in one]  # every field, links included
    assert [r[3] for r in two] == [r[3] for r in one]
    serial = run_check(kb).violations
    monkeypatch.setenv(parallel.JOBS, "2")
    fresh = KnowledgeBase.load(corpus, cache=False)
    assert run_check(fresh, parallel=True).violations == serial


def cold(kb: Path, jobs: str, *args: str) -> tuple[int, bytes]:
    """``codex-hooks ARGS`` in ``kb`` with no index, on ``jobs`` processes: exit code and
    output."""
    shutil.rmtree(kb / ".git" / "codex-hooks", ignore_errors=True)
    env = {**os.environ, parallel.JOBS: jobs}
    cli = [sys.executable, "-m", "codex_hooks", *args]
    done = subprocess.run(cli, cwd=kb, capture_output=True, env=env)
    return done.returncode, done.stdout


def test_the_command_line_prints_the_same_on_two_cores(corpus_copy: Path) -> None:
    """Cold (no index): the same bytes as one process gives."""
    one = cold(corpus_copy, "1", "check", "--all-files", "--format", "json")
    two = cold(corpus_copy, "2", "check", "--all-files", "--format", "json")
    assert one[0] == 1 and one[1].startswith(b"{")
    assert two == one


def test_the_corpus_graph_on_two_cores_is_the_graph_of_one(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JSON written from the index, each note's lines on either core, is the document
    of the graph built in one process."""
    from codex_hooks.graph_export import to_json
    from codex_hooks.graph_json import graph_json

    forks = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    kb = KnowledgeBase.load(corpus, cache=False)
    forks.clear()
    two = graph_json(kb)
    assert len(forks) == 1
    expected = to_json(KnowledgeBase.load(corpus, cache=False).graph()).encode("utf-8")
    assert two == expected
    monkeypatch.setenv(parallel.JOBS, "1")
    one = KnowledgeBase.load(corpus, cache=False)
    forks.clear()
    assert graph_json(one) == expected
    assert not forks


def test_the_graph_command_prints_the_same_on_two_cores(corpus_copy: Path) -> None:
    one, two = cold(corpus_copy, "1", "graph"), cold(corpus_copy, "2", "graph")
    assert one[0] == 0 and one[1].startswith(b'{"format": 1')
    assert two == one


def test_the_second_process_may_start_from_the_front() -> None:
    parent = os.getpid()
    for n in (9, 10):
        got = parallel.halves(list(range(n)), slow(0.02), least=0, child_first=True)
        assert [i for i, _ in got] == list(range(n))
        theirs = [pid for _, pid in got].index(parent)
        assert theirs > 0 and {pid for _, pid in got[theirs:]} == {parent}
        assert parent not in {pid for _, pid in got[:theirs]}
        assert parallel.halves(list(range(n)), squares, least=0, child_first=True) == [
            i * i for i in range(n)
        ]


def test_a_process_holding_more_than_allowed_does_not_fork() -> None:
    """The child would copy what it reads of the parent: past the limit, one process."""
    parent = os.getpid()

    def pids(share: Sequence[int]) -> list[int]:
        return [os.getpid() for _ in share]

    assert set(parallel.halves(list(range(10)), pids, least=0, shared_mib=0)) == {parent}
    both = parallel.halves(list(range(10)), slow(0.02), least=0, shared_mib=1e9)
    assert len({pid for _, pid in both}) == 2


def test_when_this_half_fails_the_other_process_is_stopped(tmp_path: Path) -> None:
    """An error in this process's half ends the run at once: the child is stopped, not
    left working on its half (nor waited for until it is done)."""
    parent = os.getpid()
    finished = tmp_path / "child finished"

    def work(share: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            time.sleep(3)  # a long half
            finished.write_text("done")
            return list(share)
        time.sleep(0.2)  # the child is at work
        raise ValueError("this half fails")

    with pytest.raises(ValueError, match="this half fails"):
        parallel.halves(list(range(4)), work, least=0)
    time.sleep(0.1)
    assert not finished.exists()


def test_prefetched_modules_are_imported_here_while_the_helper_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module named by ``prefetch`` is imported by this process at the next ``halves``
    that starts a helper, before this process's first items (so the helper does more of
    them); one that cannot be imported is skipped; without a helper nothing is imported."""
    (tmp_path / "later_module.py").write_text(
        "import os, time\nPID = os.getpid()\nAT = time.monotonic()\ntime.sleep(0.3)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "later_module", raising=False)
    parallel.prefetch("an_earlier_name_replaced")
    parallel.prefetch("later_module", "no_such_module_anywhere")
    assert parallel._later == ["later_module", "no_such_module_anywhere"]
    parallel.halves(list(range(4)), squares, least=10)  # too few: no helper
    assert "later_module" not in sys.modules
    started = time.monotonic()
    got = parallel.halves(list(range(8)), slow(0.05), least=0)
    import later_module  # type: ignore[import-not-found]

    assert os.getpid() == later_module.PID
    assert later_module.AT - started < 0.1  # at once, before this process's items
    # The helper worked the while: it did most of the items.
    assert sum(pid != os.getpid() for _, pid in got) >= 5
    assert parallel._later == []


def test_meanwhile_runs_here_once_the_helper_has_started_or_first_without_one() -> None:
    events: list[tuple[str, int]] = []

    def meanwhile() -> None:
        events.append(("meanwhile", os.getpid()))
        time.sleep(0.3)

    def work(share: Sequence[int]) -> list[int]:
        events.append(("work", os.getpid()))  # the child's entries stay in the child
        return squares(share)

    got = parallel.halves(list(range(8)), work, least=0, meanwhile=meanwhile)
    assert got == [i * i for i in range(8)]
    assert events[0] == ("meanwhile", os.getpid())
    # The child did the items while this process was busy with its own work.
    assert [e for e in events if e[0] == "work"] == []
    events.clear()
    assert parallel.halves([1, 2], work, least=10, meanwhile=meanwhile) == [1, 4]
    assert events == [("meanwhile", os.getpid()), ("work", os.getpid())]


def test_without_a_file_in_memory_the_work_stays_in_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The helper leaves its results in a ``memfd_create`` file: a system without it
    (or one that refuses to make one) does every item here."""
    parent = os.getpid()
    items = list(range(40))

    def refused(name: str) -> int:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "memfd_create", refused)
    assert parallel.halves(items, slow(0.001), least=0) == [(i, parent) for i in items]
    monkeypatch.delattr(os, "memfd_create")
    assert not parallel.usable()
    assert parallel.halves(items, slow(0.001), least=0) == [(i, parent) for i in items]
