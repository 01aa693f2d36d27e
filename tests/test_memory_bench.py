"""benchmarks/memory.py sums the memory of a command's process tree, a forked child's
included (what a check on two processes holds)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "memory.py"

#: A parent and a forked child that each write 60 MiB of their own, then wait.
TWO = (
    "import os, time\n"
    "mine = bytearray(60 * 2**20)\n"
    "pid = os.fork()\n"
    "theirs = bytearray(60 * 2**20)\n"
    "time.sleep(0.6)\n"
    "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n"
)


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_the_peak_counts_both_processes() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--every", "0.05", "--", sys.executable, "-c", TWO],
        capture_output=True,
        text=True,
        check=True,
    )
    m = re.search(r"peak PSS of the process tree (\d+) MiB", done.stdout)
    assert m is not None, done.stdout
    # 60 MiB shared after the fork, 60 MiB more in each process: about 180 MiB in all.
    assert 150 <= int(m.group(1)) <= 260, done.stdout
    assert re.search(r"[1-9]\d* of \d+ samples saw two or more processes", done.stdout)
    assert done.stdout.rstrip().endswith("exit 0")
