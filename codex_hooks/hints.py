"""How a finding with an unsafe fix reads in a report: its message, the fix it would make,
and the command that applies it.

A module of its own, below :mod:`codex_hooks.model`, so that reprinting a stored check
(which has the messages and fix titles as text) need not import the records.

>>> unsafe_hint("status 'procesed' is not allowed", "set status to 'processed'")
"status 'procesed' is not allowed (unsafe fix: set status to 'processed'; codex-hooks fix --unsafe-fixes)"
"""

from __future__ import annotations

#: What the message of a finding with an unsafe fix ends with, as reports show it.
UNSAFE_HINT = "codex-hooks fix --unsafe-fixes"


def unsafe_hint(message: str, title: str) -> str:
    """``message`` followed by the unsafe fix ``title`` and the command that applies it."""
    return f"{message} (unsafe fix: {title}; {UNSAFE_HINT})"
