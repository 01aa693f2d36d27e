"""Waiting for a child process (a helper: imports nothing of the package)."""

from __future__ import annotations

import os


def wait_for(pid: int) -> int:
    """Wait for the child process ``pid`` to end; its exit code (``-1`` when a signal
    ended it, or when it was already waited for)."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else -1
