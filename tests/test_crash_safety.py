"""Crash safety and concurrency of ``fix``: a fix stopped between two writes (an exception,
or the process killed outright) leaves every note either as it was or as fixed, and a
rerun completes it; two ``fix`` processes at once never leave a truncated note, and a
reader never sees a half-written one."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from reliability_kb import AGENT, AGENT_PATH, git, init_repo, snapshot

from codex_hooks.fixing import fix
from codex_hooks.kb import KnowledgeBase

N_CLAIMS = 12


def broken_kb() -> dict[str, str | bytes]:
    """A source listing claims that lack sourced_from, and values in the wrong case (safe
    fixes, which fix applies by default): fixing it writes every claim and the source."""
    titles = [f"claim number {i} about markets" for i in range(N_CLAIMS)]
    entries = "".join(f'  - "{t}"\n' for t in titles)
    files: dict[str, str | bytes] = {
        AGENT_PATH: AGENT,
        "inbox/archive/2026-01-12-launch.md": (
            "---\ntype: source\ntitle: Launch\nstatus: Processed\nprocessed_by: rio\n"
            f"processed_date: 2026-01-13\nclaims_extracted:\n{entries}---\n\n# Launch\n"
        ),
    }
    for i, title in enumerate(titles):
        text = (
            f"---\ntype: claim\ndomain: internet-finance\ndescription: 'Claim {i}'\n"
            f"confidence: {'Likely' if i % 2 else 'likely'}\nsource: Launch post\n"
            f"created: 2026-01-13\n---\n\n# {title}\n\n" + "Body line.\n" * 200
        )
        if i % 3 == 0:  # some notes are CRLF, some have a BOM
            text = text.replace("\n", "\r\n")
        data = text.encode()
        if i % 3 == 1:
            data = b"\xef\xbb\xbf" + data
        files[f"domains/internet-finance/{title}.md"] = data
    return files


def notes(root: Path) -> dict[str, bytes]:
    return {p: b for p, b in snapshot(root).items() if p.endswith(".md")}


@pytest.fixture
def kb_states(tmp_path: Path):
    """(root, before, after): a repository holding the broken notes, their bytes, and the
    bytes a complete fix gives (computed on a copy)."""
    files = broken_kb()
    reference = init_repo(tmp_path / "reference", files)
    fix(KnowledgeBase.load(reference, cache=False))
    after = notes(reference)
    root = init_repo(tmp_path / "kb", files)
    before = notes(root)
    changed = [p for p in before if before[p] != after[p]]
    assert len(changed) >= N_CLAIMS, "the fixture must need many writes"
    assert not fix(KnowledgeBase.load(reference, cache=False)).changes
    return root, before, after


def assert_each_old_or_new(root: Path, before: dict, after: dict) -> tuple[int, int]:
    now = notes(root)
    assert set(now) == set(before)
    old = new = 0
    for path, data in now.items():
        assert data in (before[path], after[path]), f"{path} is neither old nor new"
        old += data == before[path] != after[path]
        new += data == after[path] != before[path]
    return old, new


class Crash(Exception):
    pass


@pytest.mark.parametrize("stop_at", [1, 2, 7])
def test_exception_between_writes_leaves_old_or_new_and_rerun_completes(
    kb_states, stop_at: int
) -> None:
    root, before, after = kb_states
    writes: list[str] = []

    def before_write(path: str) -> None:
        if len(writes) == stop_at:
            raise Crash(path)
        writes.append(path)

    with pytest.raises(Crash):
        fix(KnowledgeBase.load(root, cache=False), before_write=before_write)
    old, new = assert_each_old_or_new(root, before, after)
    assert new == stop_at and old > 0
    assert not [p for p in snapshot(root) if p.endswith(".tmp")]
    fix(KnowledgeBase.load(root, cache=False))
    assert notes(root) == after


KILLER = """
import os, signal, sys
from codex_hooks.fixing import fix
from codex_hooks.kb import KnowledgeBase
import codex_hooks.write as write

root, mode, stop_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
count = 0

def before_write(path):
    global count
    count += 1
    if mode == "between" and count == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)

real_replace = os.replace

def replace(src, dst, *a, **k):
    # Killed with the new bytes written to a temporary file, before the rename.
    if mode == "inside" and count == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *a, **k)

write.os.replace = replace
fix(KnowledgeBase.load(root, cache=False), before_write=before_write)
"""


@pytest.mark.parametrize(("mode", "stop_at"), [("between", 4), ("inside", 1), ("inside", 6)])
def test_killed_process_leaves_old_or_new_and_rerun_completes(
    kb_states, mode: str, stop_at: int
) -> None:
    root, before, after = kb_states
    run = subprocess.run(
        [sys.executable, "-c", KILLER, str(root), mode, str(stop_at)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    old, new = assert_each_old_or_new(root, before, after)
    assert old > 0 and new == stop_at - 1
    # A kill inside a write can leave its temporary file: hidden, never a note.
    for path in snapshot(root):
        if not path.endswith(".md"):
            assert path.rsplit("/", 1)[-1].startswith(".") and path.endswith(".tmp")
    run = subprocess.run(
        [sys.executable, "-m", "codex_hooks", "fix", "--all-files"],
        cwd=root,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert notes(root) == after, run.stderr.decode()


def test_two_fix_processes_at_once_never_truncate_a_note(kb_states) -> None:
    root, before, after = kb_states
    torn: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        # Reads every note over and over while the fixers run: each read must be a
        # whole old or whole new note, never a prefix or a mix.
        while not stop.is_set():
            for path in before:
                try:
                    data = (root / path).read_bytes()
                except FileNotFoundError:
                    torn.append(f"{path} missing")
                    continue
                if data not in (before[path], after[path]):
                    torn.append(path)

    for attempt in range(2):
        git(root, "checkout", "-q", "--", ".")
        assert notes(root) == before
        watcher = threading.Thread(target=reader)
        watcher.start()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "codex_hooks", "fix", "--all-files", "--no-cache"],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120) for p in procs]
        stop.set()
        watcher.join()
        stop.clear()
        for proc, (_, err) in zip(procs, outputs, strict=True):
            assert proc.returncode in (0, 1), err.decode()
            assert b"Traceback" not in err
        assert torn == [], f"attempt {attempt}: {torn[:3]}"
        assert_each_old_or_new(root, before, after)
        fix(KnowledgeBase.load(root, cache=False))
        assert notes(root) == after
        assert not [p for p in snapshot(root) if p.endswith(".tmp")]


def test_fix_never_overwrites_a_note_saved_meanwhile(kb_states) -> None:
    root, before, _ = kb_states
    claim = "domains/internet-finance/claim number 1 about markets.md"
    edited = before[claim] + b"A line the user typed while the fixer ran.\n"
    order: list[str] = []

    def before_write(path: str) -> None:
        # The user saves the claim after the fixer read it, before the source is written.
        order.append(path)
        if path == "inbox/archive/2026-01-12-launch.md":
            (root / claim).write_bytes(edited)

    result = fix(KnowledgeBase.load(root, cache=False), before_write=before_write)
    assert (root / claim).read_bytes() == edited
    if claim not in order:  # its turn came after the save: refused, and said so
        assert any(claim in f and "changed on disk" in f for f in result.failed)
