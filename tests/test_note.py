"""The lossless note model: exact bytes in, exact bytes out."""

from __future__ import annotations

import os
import pickle

import pytest

from codex_hooks import (
    LimitExceededError,
    Note,
    NotUTF8Error,
    UnclosedFrontmatterError,
    UnsafePathError,
)
from codex_hooks import note as note_module
from codex_hooks.note import MAX_NOTE_BYTES, split_lines

BOM = "\ufeff".encode()

ROUND_TRIP = [
    pytest.param(b"", id="empty file"),
    pytest.param(b"just a body\n", id="no frontmatter"),
    pytest.param(b"---\ntype: claim\n---\nbody\n", id="plain"),
    pytest.param(b"---\r\ntype: claim\r\n---\r\nbody\r\n", id="CRLF"),
    pytest.param(BOM + b"---\ntype: claim\n---\nbody\n", id="BOM"),
    pytest.param(BOM + b"---\r\ntype: claim\r\n---\r\nbody", id="BOM, CRLF, no final newline"),
    pytest.param(b"---\ntype: claim\n---\nbody", id="no final newline"),
    pytest.param(b"---\ntype: claim\n---", id="no body, no final newline"),
    pytest.param(b"---\n---\n", id="empty frontmatter"),
    pytest.param(b"---\ntitle:\tx\n---\n\tindented body\n", id="tabs"),
    pytest.param(b"---\nt: a\x0cb\xe2\x80\xa8c\n---\n\xc2\x85\n", id="form feed, LS, NEL"),
    pytest.param("---\ntitle: 😀 é — “q”\n---\n".encode(), id="emoji and unicode"),
    pytest.param(b"---\na: b\r\nc: d\n---\nmixed\r\n", id="mixed endings"),
    pytest.param(b"---  \na: b\n...\nbody\n", id="fence with trailing spaces, dots close"),
    pytest.param(b"---\na: b\n---\n\n\n", id="trailing blank lines"),
    pytest.param(b"x\r", id="lone CR"),
]


@pytest.mark.parametrize("data", ROUND_TRIP)
def test_bytes_round_trip(data: bytes) -> None:
    note = Note.from_bytes(data, "n.md")
    assert note.to_bytes() == data
    assert "".join(note.lines) == note.text
    assert note.with_text(note.text).to_bytes() == data


def test_frontmatter_span_and_body() -> None:
    note = Note.from_bytes(b"---\na: 1\nb: 2\n---\nline 1\nline 2\n", "n.md")
    assert (note.fm_start, note.fm_end) == (0, 3)
    assert note.frontmatter_text == "a: 1\nb: 2\n"
    assert note.body == "line 1\nline 2\n"
    assert note.body_start == 4
    assert note.has_frontmatter


def test_no_frontmatter() -> None:
    note = Note.from_text("# Heading\n---\nnot frontmatter\n", "n.md")
    assert not note.has_frontmatter
    assert note.frontmatter_text == ""
    assert note.body == note.text
    assert note.body_start == 0


def test_bom_is_kept_aside() -> None:
    note = Note.from_bytes(BOM + b"---\na: 1\n---\n", "n.md")
    assert note.bom
    assert note.text.startswith("---")
    assert note.has_frontmatter
    assert note.with_text("x\n").to_bytes() == BOM + b"x\n"


@pytest.mark.parametrize(
    ("data", "newline"),
    [(b"---\r\na: 1\r\n---\r\n", "\r\n"), (b"---\na: 1\n---\n", "\n"), (b"", "\n")],
)
def test_newline(data: bytes, newline: str) -> None:
    assert Note.from_bytes(data).newline == newline


def test_split_lines_keeps_everything() -> None:
    text = "a\r\nb\x0cc\u2028d\n\ne"
    assert split_lines(text) == ["a\r\n", "b\x0cc\u2028d\n", "\n", "e"]
    assert split_lines("") == []
    assert split_lines("a\n") == ["a\n"]


def test_unclosed_frontmatter() -> None:
    with pytest.raises(UnclosedFrontmatterError) as info:
        Note.from_bytes(b"---\ntype: claim\nbody without a fence\n", "inbox/a.md")
    err = info.value
    assert (err.path, err.line, err.column) == ("inbox/a.md", 1, 1)
    assert err.code == "FM902"
    assert str(err).startswith("inbox/a.md:1:1: ")


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"---\na: \xff\n---\n", 2, 4),
        (b"\xe9t\xe9\n", 1, 1),
        (b"---\na: b\n---\nok\nbad \xc3\x28 here\n", 5, 5),
        ("---\na: é😀\n---\n".encode() + b"x\x80", 4, 2),
        pytest.param("---\nt: é😀".encode() + b"\xff\n---\n", 2, 6, id="regression: char column"),
        pytest.param(BOM + b"ab\xff", 1, 3, id="regression: BOM is no column"),
    ],
)
def test_not_utf8(data: bytes, line: int, column: int) -> None:
    with pytest.raises(NotUTF8Error) as info:
        Note.from_bytes(data, "n.md")
    assert (info.value.path, info.value.line, info.value.column) == ("n.md", line, column)


def test_too_large() -> None:
    with pytest.raises(LimitExceededError) as info:
        Note.from_bytes(b"x" * (MAX_NOTE_BYTES + 1), "big.md")
    assert (info.value.path, info.value.line, info.value.column) == ("big.md", 1, 1)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (
            "domains/ai/AI alignment is a coordination problem.md",
            "AI alignment is a coordination problem",
        ),
        (
            "futarchy-enables-conditional-ownership-coins.md",
            "futarchy-enables-conditional-ownership-coins",
        ),
        ("a/b/Upper.MD", "Upper"),
        ("a/b/it's “quoted” — yes.md", "it's “quoted” — yes"),
        ("notes/readme", "readme"),
    ],
)
def test_title(path: str, title: str) -> None:
    assert Note.from_text("", path).title == title


def test_read(tmp_path) -> None:
    file = tmp_path / "n.md"
    file.write_bytes(b"---\r\na: 1\r\n---\r\n")
    assert Note.read(file).path == str(file)
    note = Note.read(file, "kb/n.md")
    assert note.path == "kb/n.md"
    assert note.to_bytes() == file.read_bytes()


def test_errors_survive_pickling() -> None:
    """Errors cross process boundaries (parallel checks) with their position intact."""
    try:
        Note.from_bytes(b"---\na: \xff\n---\n", "n.md")
    except NotUTF8Error as exc:
        copy = pickle.loads(pickle.dumps(exc))
    assert (copy.path, copy.line, copy.column, copy.message) == (
        "n.md",
        2,
        4,
        "byte 0xff at offset 7 is not UTF-8",
    )
    assert str(copy) == "n.md:2:4: byte 0xff at offset 7 is not UTF-8 (re-save the file as UTF-8)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_read_refuses_a_fifo_without_blocking(tmp_path) -> None:
    """Regression: reading a FIFO named like a note blocked forever."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(UnsafePathError, match="not a regular file"):
        Note.read(fifo, "pipe.md")


def test_read_refuses_a_folder(tmp_path) -> None:
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(UnsafePathError):
        Note.read(tmp_path / "folder.md")


def test_read_stops_at_the_size_limit(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(note_module, "MAX_NOTE_BYTES", 10)
    (tmp_path / "ok.md").write_bytes(b"0123456789")
    assert Note.read(tmp_path / "ok.md").to_bytes() == b"0123456789"
    (tmp_path / "big.md").write_bytes(b"x" * 1000)
    with pytest.raises(LimitExceededError) as info:
        Note.read(tmp_path / "big.md", "big.md")
    assert info.value.message == "note is 1000 bytes, over the 10-byte limit"
    assert (info.value.path, info.value.line, info.value.column) == ("big.md", 1, 1)
