"""Inline suppression: a comment on a finding's line that says a person looked at it.

In the frontmatter, a YAML comment on the finding's line::

    status: procesed   # codex-hooks: ignore[FM002]

and in the body, an HTML comment on the line of the link::

    See [[a note never written]]. <!-- codex-hooks: ignore[WL001] -->

Several codes are separated by commas; ``ignore`` without brackets hides every finding
on that line. A finding about one entry of a block list (``- entry``) may also be
suppressed on the entry's own line. A finding without a line of its own (reported on the
note's first line, such as a missing field) is suppressed by a comment line of its own
anywhere in the frontmatter (``# codex-hooks: ignore[FM001]``).

Comments are not in the index, so a note's text is read, and only for notes that have a
finding and whose text holds the marker at all (which the index records).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence

from .noteinfo import MARKER

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .model import Violation
    from .note import Note

_CODES = r"(?:\[([^\]\n]*)\])?"
_YAML = re.compile(r"#\s*codex-hooks:\s*ignore\b" + _CODES, re.IGNORECASE)
_HTML = re.compile(r"<!--\s*codex-hooks:\s*ignore\b" + _CODES + r"\s*-->", re.IGNORECASE)
#: What a marker without brackets stands for: every code.
ALL = frozenset({"*"})


def codes_on(line: str, frontmatter: bool) -> frozenset[str]:
    """The codes a line's marker suppresses (:data:`ALL` for every code; empty when it
    has none). The frontmatter takes YAML comments, the body HTML comments."""
    found: set[str] = set()
    for m in (_YAML if frontmatter else _HTML).finditer(line):
        if m.group(1) is None:
            return ALL
        found.update(c.strip().upper() for c in m.group(1).split(",") if c.strip())
    return frozenset(found)


def _covers(codes: frozenset[str], code: str) -> bool:
    return codes is ALL or "*" in codes or code in codes


def suppressed(note: Note, v: Violation) -> bool:
    """Whether a marker in ``note`` suppresses the finding ``v``."""
    lines = note.lines
    index = v.line - 1
    if not 0 <= index < len(lines):
        return False
    start, end = note.fm_start, note.fm_end
    if start is None or end is None:
        return _covers(codes_on(lines[index], False), v.code)
    if index >= end + 1:  # the body
        return _covers(codes_on(lines[index], False), v.code)
    if index == start:
        # No line of its own: a comment line of its own in the frontmatter says so.
        return any(
            lines[i].lstrip().startswith("#") and _covers(codes_on(lines[i], True), v.code)
            for i in range(start + 1, end)
        )
    if _covers(codes_on(lines[index], True), v.code):
        return True
    # A finding about one entry of a block list: the marker may stand on that entry's line.
    if not v.subject:
        return False
    names = {v.subject.strip().lower()}
    if v.subject.lower().endswith(".md"):  # another note: entries name it by its title
        names.add(v.subject.rsplit("/", 1)[-1][:-3].lower())
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    for i in range(index + 1, end):
        line = lines[i]
        stripped = line.strip()
        depth = len(line) - len(line.lstrip(" "))
        if stripped and not stripped.startswith(("-", "#")) and depth <= indent:
            break  # the next key
        lowered = line.lower()
        if any(name and name in lowered for name in names) and _covers(
            codes_on(line, True), v.code
        ):
            return True
    return False


def split(kb: NoteIndex, violations: Sequence[Violation]) -> tuple[list[Violation], int]:
    """The violations no inline marker suppresses, and how many were suppressed."""
    by_note: dict[str, list[Violation]] = {}
    for v in violations:
        by_note.setdefault(v.path, []).append(v)
    hidden: set[int] = set()
    for path, found in by_note.items():
        note = _marked(kb, path)
        if note is None:
            continue
        hidden.update(id(v) for v in found if suppressed(note, v))
    if not hidden:
        return list(violations), 0
    return [v for v in violations if id(v) not in hidden], len(hidden)


def _marked(kb: NoteIndex, path: str) -> Note | None:
    """The note at ``path`` as the check saw it, when its text holds the marker. A note
    on disk is decoded only then: most notes with a finding have no marker."""
    from .errors import CodexError
    from .note import Note

    seen = kb.pending.get(path) or kb.staged.get(path)
    if seen is not None:
        return seen if MARKER in seen.text else None
    info = kb.notes.get(path)
    if info is not None and not info.marked:  # as read by this run
        return None
    data = _read(os.path.join(kb.root, path))
    if data is None or MARKER.encode() not in data:
        return None
    try:
        return Note.from_bytes(data, path)
    except CodexError:
        return None  # unreadable: its own finding says so


def _read(file: str) -> bytes | None:
    """A regular file's bytes, up to the size a note may have; ``None`` otherwise."""
    from .note import MAX_NOTE_BYTES
    from .noteinfo import read_regular

    try:
        st = os.lstat(file)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_NOTE_BYTES:
        return None
    return read_regular(file, st)
