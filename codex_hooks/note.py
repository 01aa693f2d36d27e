"""Lossless notes: exact bytes in, exact bytes out.

A :class:`Note` keeps the original bytes of a markdown file and knows where its frontmatter
starts and ends. Decoding keeps a UTF-8 BOM, CRLF or LF endings, a missing final newline,
tabs and any unicode, so ``note.to_bytes()`` of an unchanged note is the file as read.
Lines are split on ``\\n`` only: ``str.splitlines`` would also split on form feeds and
unicode separators and lose them.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from .errors import LimitExceededError, NotUTF8Error, UnclosedFrontmatterError, UnsafePathError

BOM = "\ufeff"
_BOM_BYTES = BOM.encode("utf-8")
#: Files larger than this are refused before decoding: a note is prose, not a data dump.
MAX_NOTE_BYTES = 8 * 1024 * 1024
_FENCE = "---"


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their ``\\n`` (and ``\\r``) endings."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _is_fence(line: str, closing: bool = False) -> bool:
    stripped = line.rstrip("\r\n").rstrip(" \t")
    return stripped == _FENCE or (closing and stripped == "...")


@dataclass(frozen=True)
class Note:
    """One markdown file, held losslessly.

    ``path`` is the repository-relative POSIX path when the note belongs to a knowledge
    base, else the path it was read from. ``fm_start`` and ``fm_end`` are 0-based line
    indexes of the opening and closing ``---`` (``None`` when there is no frontmatter).

    >>> note = Note.from_bytes(b"---\\r\\ntype: claim\\r\\n---\\r\\nBody\\r\\n", "c.md")
    >>> note.fm_start, note.fm_end, note.newline, note.body
    (0, 2, '\\r\\n', 'Body\\r\\n')
    >>> note.to_bytes() == b"---\\r\\ntype: claim\\r\\n---\\r\\nBody\\r\\n"   # byte for byte
    True
    """

    path: str
    text: str
    bom: bool = False
    lines: list[str] = field(default_factory=list, repr=False, compare=False)
    fm_start: int | None = None
    fm_end: int | None = None

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<note>") -> Note:
        """Decode ``data``; raise :class:`NotUTF8Error` or :class:`UnclosedFrontmatterError`."""
        if len(data) > MAX_NOTE_BYTES:
            raise _too_large(len(data), path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            # Columns count characters, as the other errors' columns do: everything
            # before the bad byte on its line decodes (a leading BOM is not a column).
            line_start = data.rfind(b"\n", 0, exc.start) + 1
            if line_start == 0 and data.startswith(_BOM_BYTES):
                line_start = len(_BOM_BYTES)
            column = len(data[line_start : exc.start].decode("utf-8")) + 1
            raise NotUTF8Error(
                f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                path,
                line,
                column,
            ) from None
        return cls.from_text(text, path)

    @classmethod
    def from_text(cls, text: str, path: str = "<note>") -> Note:
        """Build a note from decoded text (a leading BOM is kept aside and restored)."""
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        lines = split_lines(text)
        fm_start = fm_end = None
        if lines and _is_fence(lines[0]):
            fm_start = 0
            for i in range(1, len(lines)):
                if _is_fence(lines[i], closing=True):
                    fm_end = i
                    break
            else:
                raise UnclosedFrontmatterError(
                    "frontmatter opened with '---' on line 1 is never closed", path, 1, 1
                )
        return cls(path, text, bom, lines, fm_start, fm_end)

    @classmethod
    def read(cls, file: str | os.PathLike[str], path: str | None = None) -> Note:
        """Read a note from disk; ``path`` overrides the path recorded in the note.

        Only a regular file is read (a FIFO or device named ``*.md`` would block or never
        end: :class:`UnsafePathError`), and never more than the size limit allows.
        """
        where = str(file) if path is None else path
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnsafePathError(f"'{where}' is not a regular file")
            if info.st_size > MAX_NOTE_BYTES:
                raise _too_large(info.st_size, where)
            chunks = []
            size = 0
            while size <= MAX_NOTE_BYTES and (chunk := os.read(fd, MAX_NOTE_BYTES + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
        return cls.from_bytes(b"".join(chunks), where)

    def to_bytes(self) -> bytes:
        """The note as bytes: identical to what was read when nothing was edited."""
        return ((BOM if self.bom else "") + self.text).encode("utf-8")

    @property
    def has_frontmatter(self) -> bool:
        """Whether the note starts with a closed ``---`` block."""
        return self.fm_start is not None and self.fm_end is not None

    @property
    def newline(self) -> str:
        """The note's line ending: ``\\r\\n`` when its first line ends so, else ``\\n``."""
        return "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"

    @property
    def fences(self) -> tuple[int, int]:
        """0-based lines of the opening and closing ``---``.

        Raises :class:`ValueError` when the note has no frontmatter: callers ask only after
        :attr:`has_frontmatter` said there is one.
        """
        if self.fm_start is None or self.fm_end is None:
            raise ValueError(f"{self.path} has no frontmatter")
        return self.fm_start, self.fm_end

    @property
    def frontmatter_text(self) -> str:
        """The YAML between the fences (empty when there is none)."""
        if not self.has_frontmatter:
            return ""
        start, end = self.fences
        return "".join(self.lines[start + 1 : end])

    @property
    def body(self) -> str:
        """Everything after the closing fence (the whole text when there is no frontmatter)."""
        if not self.has_frontmatter:
            return self.text
        return "".join(self.lines[self.fences[1] + 1 :])

    @property
    def body_start(self) -> int:
        """0-based index of the body's first line."""
        return self.fences[1] + 1 if self.has_frontmatter else 0

    @property
    def title(self) -> str:
        """The note's title: its file name without ``.md``."""
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    def with_text(self, text: str) -> Note:
        """A copy of this note with new text (same path and BOM)."""
        return Note.from_text((BOM if self.bom else "") + text, self.path)


def _too_large(size: int, path: str) -> LimitExceededError:
    return LimitExceededError(
        f"note is {size} bytes, over the {MAX_NOTE_BYTES}-byte limit",
        path,
        hint="split the note or exclude it from checking",
    )
