"""What git history says about notes, read in one ``git log --name-status`` pass.

For every commit: its message and time, the notes it touched, under the paths they have
*now* (renames are followed, so a source note renamed after the commit is still
recognised), and for every note the commit that added it. Reading is one git process for
the whole history, never one per note; outside git, or when git fails, the history is
empty and the signals that need it say nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class History:
    """Commits as sets of current note paths, and the commit that added each note."""

    #: commit hash → the current paths of the notes it added or modified.
    touched: dict[str, frozenset[str]] = field(default_factory=dict)
    #: current note path → hash of the commit that added it (first appearance).
    added: dict[str, str] = field(default_factory=dict)
    #: commit hash → its message (empty when the log did not carry it).
    message: dict[str, str] = field(default_factory=dict)
    #: commit hash → its commit time, Unix seconds (absent when unknown).
    time: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> History:
        """Read the history of the repository at ``root`` (empty outside git)."""
        from ..gitutil import log

        out = log(root)
        return cls() if out is None else cls.parse(out)

    @classmethod
    def parse(cls, log: str) -> History:
        """Build the history from ``git log -z --name-status -M
        --format=%x1e%H%x1f%ct%x1f%B`` output, newest commit first (the time and message
        may be left out: ``--format=%x1e%H``)."""
        history = cls()
        # A path as named just after the commit being read → the note's path now
        # (None: a note that no longer exists). Unlisted paths are unchanged since.
        now: dict[str, str | None] = {}
        for record in log.split("\x1e"):
            head, _, rest = record.partition("\0")
            commit, _, meta = head.strip().partition("\x1f")
            commit = commit.strip()
            if not commit:
                continue
            if meta:
                seconds, _, message = meta.partition("\x1f")
                history.message[commit] = message.strip()
                if seconds.strip().isdigit():
                    history.time[commit] = int(seconds)
            fields = rest.lstrip("\n").split("\0")
            touched: set[str] = set()
            i = 0
            while i + 1 < len(fields):
                status = fields[i].strip("\n")
                if not status:
                    i += 1
                    continue
                kind = status[0]
                if kind in "RC" and i + 2 < len(fields):
                    old, path = fields[i + 1], fields[i + 2]
                    i += 3
                else:
                    old, path = None, fields[i + 1]
                    i += 2
                final = now.get(path, path)
                if kind == "D":
                    now[path] = None  # before this commit the path held a deleted note
                    continue
                if final is None:
                    continue
                touched.add(final)
                if kind in "AC":
                    history.added[final] = commit
                if kind == "R" and old is not None:
                    now[old] = final  # older commits knew the note by its old name
                if kind != "M":
                    now[path] = None  # before this commit nothing (of today) was there
            history.touched[commit] = frozenset(touched)
        return history

    def added_with(self, path: str) -> frozenset[str]:
        """The notes touched by the commit that added ``path`` (empty when unknown)."""
        commit = self.added.get(path)
        return self.touched.get(commit, frozenset()) if commit else frozenset()

    def added_at(self, path: str) -> int | None:
        """When the commit that added ``path`` was made (Unix seconds; ``None`` when
        unknown)."""
        commit = self.added.get(path)
        return self.time.get(commit) if commit else None
