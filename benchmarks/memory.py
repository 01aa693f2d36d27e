"""Peak memory of a command and every process it starts, summed: what the machine holds.

    python benchmarks/memory.py [--every 0.2] -- COMMAND [ARG ...]

``benchmarks/run.py`` reports the peak resident memory of the largest single process
(``os.wait4``), which says nothing of a second process working beside the first. This
samples the command's process tree every ``--every`` seconds (Linux ``/proc``) and
reports the largest sum of proportional set sizes (PSS: a page shared by two processes
counts half in each, so shared pages are not counted twice), with the largest sum of
resident sizes (RSS) beside it, and how many samples saw more than one Python process.
A sample is a snapshot: a peak shorter than the interval can be missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it."""
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += descendants(int(child))
    return found


def field(path: str, name: str) -> int:
    """A ``name:  N kB`` line of a ``/proc`` file, in KiB (0 when it is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def is_python(pid: int) -> bool:
    try:
        return b"python" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    if not Path("/proc/self/smaps_rollup").exists():
        print("needs Linux /proc (smaps_rollup)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    pss = rss = both = samples = 0
    while proc.poll() is None:
        pids = [p for p in descendants(proc.pid) if p == proc.pid or is_python(p)]
        pss = max(pss, sum(field(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
        rss = max(rss, sum(field(f"/proc/{p}/status", "VmRSS:") for p in pids))
        both += len(pids) > 1
        samples += 1
        time.sleep(args.every)
    seconds = time.perf_counter() - started
    print(
        f"peak PSS of the process tree {pss / 1024:.0f} MiB, peak RSS summed "
        f"{rss / 1024:.0f} MiB; {both} of {samples} samples saw two or more processes; "
        f"{seconds:.1f} s; exit {proc.returncode}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
