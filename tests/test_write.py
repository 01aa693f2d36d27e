"""Atomic writes that keep the file's mode and never leave the repository."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from codex_hooks import UnsafePathError, atomic_write, resolve_inside
from codex_hooks import write as write_module

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and symlinks")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_exactly(tmp_path: Path) -> None:
    target = tmp_path / "n.md"
    target.write_bytes(b"old\n")
    data = "\ufeff---\r\ntitle: 😀\r\n---\r\nno newline".encode()
    atomic_write(target, data)
    assert target.read_bytes() == data
    assert leftovers(tmp_path) == []


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644, 0o755, 0o664])
def test_mode_is_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "n.md"
    target.write_bytes(b"x")
    target.chmod(mode)
    atomic_write(target, b"y")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"y"


@posix_only
def test_new_file_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.md", b"x")
        assert write_module._umask() == 0o027
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


@posix_only
def test_umask_is_read_without_being_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: setting the umask to learn it opens a window for other threads."""
    calls: list[int] = []
    real = os.umask
    monkeypatch.setattr(os, "umask", lambda m: calls.append(m) or real(m))
    if Path("/proc/self/status").exists():
        write_module._umask()
        assert calls == []


@posix_only
def test_symlink_is_not_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"keep")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        atomic_write(link, b"evil")
    assert real.read_bytes() == b"keep"
    assert link.is_symlink()
    assert leftovers(tmp_path) == []


@posix_only
def test_dangling_symlink_is_not_written(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(UnsafePathError):
        atomic_write(link, b"evil")
    assert not (tmp_path / "nowhere.md").exists()


@posix_only
def test_symlinked_folder_leading_out_is_refused(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (outside / "n.md").write_bytes(b"keep")
    (repo / "notes").symlink_to(outside)
    with pytest.raises(UnsafePathError, match="outside the repository"):
        atomic_write(repo / "notes" / "n.md", b"evil", root=repo)
    assert (outside / "n.md").read_bytes() == b"keep"


def test_inside_root_is_written(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    atomic_write(tmp_path / "a" / "n.md", b"x", root=tmp_path)
    assert (tmp_path / "a" / "n.md").read_bytes() == b"x"


def test_failed_write_leaves_the_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "n.md"
    target.write_bytes(b"keep")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"keep"
    assert leftovers(tmp_path) == []


def test_directory_target_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "d.md").mkdir()
    with pytest.raises(OSError):
        atomic_write(tmp_path / "d.md", b"x")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    """As ``/dev/null`` would be: the rename would put a regular file in its place."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(UnsafePathError, match="not a regular file"):
        atomic_write(pipe, b"x")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert leftovers(tmp_path) == []


# -- resolve_inside -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relpath",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "\\etc\\passwd",
        "",
        "notes/../../outside.md",
        "notes/\0.md",
        "notes/a\nb.md",
    ],
)
def test_resolve_inside_refuses(tmp_path: Path, relpath: str) -> None:
    with pytest.raises(UnsafePathError):
        resolve_inside(tmp_path, relpath)


@pytest.mark.parametrize(
    "relpath",
    ["inbox/archive/a.md", "domains/x/it's “quoted” — yes.md", "a/../b.md", "n.md"],
)
def test_resolve_inside_accepts(tmp_path: Path, relpath: str) -> None:
    assert resolve_inside(tmp_path, relpath) == tmp_path.resolve() / relpath


@posix_only
def test_resolve_inside_refuses_a_symlink_leading_out(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "escape").symlink_to("/etc")
    with pytest.raises(UnsafePathError, match="outside"):
        resolve_inside(repo, "escape/passwd")


@posix_only
def test_resolve_inside_refuses_a_symlink_loop(tmp_path: Path) -> None:
    """Regression: a symlink loop raised RuntimeError, not the typed error."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UnsafePathError):
        resolve_inside(tmp_path, "a/n.md")
