"""git is started without the subprocess module where the system can (posix_spawn), with
the same answers as through subprocess, which stays the fallback."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from codex_hooks import gitutil


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env)
    (root / "a note.md").write_text("---\ntype: claim\n---\n")
    (root / "b.md").write_text("b\n")
    subprocess.run(["git", "add", "a note.md"], cwd=root, check=True, env=env)
    return root


@pytest.fixture(params=["spawned", "subprocess"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "subprocess":
        monkeypatch.delattr(os, "posix_spawnp", raising=False)
    elif not hasattr(os, "posix_spawnp"):
        pytest.skip("no posix_spawn here")
    return str(request.param)


def test_output_is_git_s_output_or_none_when_git_fails(repo: Path, way: str) -> None:
    listing = gitutil.output(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    assert listing is not None and sorted(listing.split(b"\0")[:-1]) == [b"a note.md", b"b.md"]
    assert gitutil.output(repo, "rev-parse", "--verify", "-q", "HEAD") is None  # no commit
    assert gitutil.output(repo, "no-such-command") is None
    assert gitutil.output(repo.parent, "ls-files") is None  # not a repository


def test_a_started_git_writes_into_the_file_and_says_how_it_ended(repo: Path, way: str) -> None:
    with tempfile.TemporaryFile() as out:
        started = gitutil.start(repo, "ls-files", "-z", "--cached", stdout=out)
        assert started is not None and started.wait() == 0
        out.seek(0)
        assert out.read() == b"a note.md\0"
    with tempfile.TemporaryFile() as out:
        failed = gitutil.start(repo, "no-such-command", stdout=out)
        assert failed is not None and failed.wait() != 0


def test_the_staged_changes_are_the_same_either_way(repo: Path, way: str) -> None:
    staged = gitutil.staged(repo)  # before the first commit: everything in the index
    assert staged == gitutil.Staged(changed=["a note.md"])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_git_gets_the_signals_python_ignores_back(repo: Path) -> None:
    """Python ignores SIGPIPE and SIGXFSZ; subprocess gives a child their defaults back,
    and so must a git started without it (a git alias shows what its children inherit:
    the mask of ignored signals, bit n - 1 for signal n)."""
    import signal

    if not hasattr(os, "posix_spawnp"):
        pytest.skip("no posix_spawn here")
    subprocess.run(
        ["git", "config", "alias.probe", "!grep SigIgn /proc/self/status"], cwd=repo, check=True
    )
    found = gitutil.output(repo, "probe")
    assert found is not None and found.startswith(b"SigIgn:")
    ignored = int(found.split()[1], 16)
    for number in (signal.SIGPIPE, signal.SIGXFSZ):
        assert not ignored & (1 << (number - 1)), signal.Signals(number).name
