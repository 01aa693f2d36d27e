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


@pytest.fixture
def renamed(repo: Path) -> Path:
    """A repository whose last commit has three notes: one renamed with ``git mv``
    (staged), one renamed in the work tree only (the new name known to git, as
    ``git add -N`` leaves it), one edited and staged."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)

    (repo / "c.md").write_text("".join(f"line {i} of c\n" for i in range(20)))
    (repo / "d.md").write_text("".join(f"line {i} of d\n" for i in range(20)))
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "notes")
    git("mv", "c.md", "c moved.md")
    os.rename(repo / "d.md", repo / "d moved.md")
    git("add", "-N", "d moved.md")
    (repo / "b.md").write_text("b, edited\n")
    git("add", "b.md")
    return repo


def test_diffs_started_early_answer_as_diffs_asked_later(renamed: Path) -> None:
    staged, moves = gitutil.staged(renamed), gitutil.renames(renamed)
    assert staged.renamed == {"c.md": "c moved.md"} and "b.md" in staged.changed
    assert moves == {"c.md": "c moved.md", "d.md": "d moved.md"}
    gitutil.diff_soon(renamed)
    assert gitutil.staged(renamed) == staged
    assert gitutil.renames(renamed, staged.renamed) == moves
    assert gitutil._soon[os.path.realpath(renamed)][1] == {}  # both taken, once
    assert gitutil.renames(renamed) == moves  # later calls ask git again


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_process_asks_git_itself(renamed: Path) -> None:
    """The diffs are the parent's children: a forked helper cannot wait for them, and
    must not take them (it would read nothing, and the parent would find them gone)."""
    gitutil.diff_soon(renamed)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.write(writer, repr(sorted(gitutil.renames(renamed).items())).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as got:
        child = got.read()
    os.waitpid(pid, 0)
    expected = {"c.md": "c moved.md", "d.md": "d moved.md"}
    assert child == repr(sorted(expected.items()))
    assert len(gitutil._soon[os.path.realpath(renamed)][1]) == 2  # still the parent's to take
    assert gitutil.renames(renamed) == expected
