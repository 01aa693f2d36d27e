"""Every git call of the package (a helper: imports nothing of the package but ``errors``
and ``processes``).

One place says how git is invoked (:func:`run`: ``git`` on the ``PATH``, in the folder
given, output captured, a failure a :class:`GitError`); the functions below ask git what
the package needs: the files it lists, the staged changes, renames, staged blobs, the
history with the notes each commit touched, moving and staging files.

Plain ``git`` subprocesses, not GitPython: every question here is one git command whose
output is parsed once, which GitPython would run as the same subprocess, after an import
that costs about 70 ms (``python -X importtime -c 'import git'``: 79 ms cumulative; the
hook pays start-up on every commit). GitPython's object model (the index, commits) served
only to read ``HEAD`` and the index's paths, which ``git rev-parse`` and ``git ls-files``
answer directly; the package therefore no longer depends on it. History walks are one
``git log`` for the whole history (see :func:`log`), never one call per note or commit.
"""

from __future__ import annotations

import os

from .errors import CodexError
from .processes import wait_for

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable
    from pathlib import Path
    from typing import IO, TypeAlias

    #: A folder, as a string or a path object: git is given its text. No function here
    #: needs ``pathlib`` (an unchanged knowledge base is reprinted without importing it).
    StrPath: TypeAlias = "str | os.PathLike[str]"

    #: A git process started in the background: its exit code by ``wait()``.
    Started: TypeAlias = "Spawned | subprocess.Popen[bytes]"


class GitError(CodexError):
    """A git command failed, or git could not be started."""


def run(root: StrPath, *args: str, stdin: bytes | None = None) -> bytes:
    """The standard output of ``git ARGS`` run in ``root``; :class:`GitError` (with git's
    own message) when git is missing or exits non-zero."""
    # subprocess is imported here: a check served from stored results asks git nothing
    # when the repository's files answer.
    import subprocess

    try:
        result = subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False
        )
    except OSError as exc:
        raise GitError(f"git {args[0] if args else ''}: cannot run git: {exc}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args[:1])} failed: {message or result.returncode}")
    return result.stdout


def output(root: StrPath, *args: str) -> bytes | None:
    """As :func:`run`, ``None`` when git fails (outside a repository, no ``HEAD``...)."""
    return output_later(root, *args)()


def output_later(root: StrPath, *args: str) -> Callable[[], bytes | None]:
    """Start ``git ARGS`` now and return what gives its output (as :func:`output`) when
    called: the caller works while git runs. Git writes into a pipe, which it fills and
    then waits on until it is read: nothing blocks for good."""
    if hasattr(os, "posix_spawnp"):
        reader, writer = os.pipe()
        spawned = _spawn(root, args, writer)
        os.close(writer)
        if spawned is not None:

            def finish() -> bytes | None:
                with os.fdopen(reader, "rb") as out:
                    data = out.read()
                return data if spawned.wait() == 0 else None

            return finish
        os.close(reader)
    try:
        done: bytes | None = run(root, *args)
    except GitError:
        done = None
    return lambda: done


def _text(root: StrPath, *args: str) -> str | None:
    return _decoded(output(root, *args))


def _decoded(out: bytes | None) -> str | None:
    """git's output as text (paths that are not UTF-8 kept as surrogate escapes)."""
    return None if out is None else out.decode("utf-8", "surrogateescape")


def start(root: StrPath, *args: str, stdout: IO[bytes]) -> Started | None:
    """Start ``git ARGS`` in ``root`` in the background, its output into ``stdout`` (a
    file: a pipe that nobody reads would stop git after 64 KiB); ``None`` when git
    cannot be started. The caller waits for it (``.wait()``: its exit code)."""
    spawned = _spawn(root, args, stdout.fileno())
    if spawned is not None:
        return spawned
    import subprocess

    try:
        return subprocess.Popen(["git", *args], cwd=root, stdout=stdout, stderr=subprocess.DEVNULL)
    except OSError:
        return None


# -- starting git without the subprocess module -------------------------------------------
#
# The calls whose errors need no message (output(), start()) spawn git directly: the
# subprocess module and what it imports (threading, selectors, signal...) cost about 9 ms
# of a fresh interpreter, a fifth of reprinting a stored check. Where the system has no
# posix_spawn (Windows), or it fails, subprocess does it.


class Spawned:
    """A git process started by :func:`_spawn`."""

    __slots__ = ("pid",)

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def wait(self) -> int:
        """Wait for git to end; its exit code (``-1`` when a signal ended it)."""
        return wait_for(self.pid)


def _spawn(root: StrPath, args: tuple[str, ...], stdout: int) -> Spawned | None:
    """``git -C root ARGS`` with ``stdout`` as its output, no input and its errors
    dropped; ``None`` when it cannot be started this way."""
    spawn = getattr(os, "posix_spawnp", None)
    if spawn is None:
        return None
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return None
    # The C module under ``signal``, whose import builds enums (0.4 ms of every run).
    import _signal  # type: ignore[import-not-found]  # no stubs: it is private

    # As subprocess does: git must not inherit Python's ignored SIGPIPE.
    default = [
        getattr(_signal, name)
        for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ")
        if hasattr(_signal, name)
    ]
    actions = [
        (os.POSIX_SPAWN_DUP2, quiet, 0),
        (os.POSIX_SPAWN_DUP2, stdout, 1),
        (os.POSIX_SPAWN_DUP2, quiet, 2),
    ]
    try:
        pid = spawn(
            "git",
            ["git", "-C", str(root), *args],
            os.environ,
            file_actions=actions,
            setsigdef=default,
        )
    except OSError:
        return None
    finally:
        os.close(quiet)
    return Spawned(pid)


# -- the repository ---------------------------------------------------------------------


def toplevel(path: StrPath) -> Path | None:
    """The root of the git work tree containing ``path`` (``None`` outside git)."""
    out = _text(path, "rev-parse", "--show-toplevel")
    if not out:
        return None
    from pathlib import Path

    return Path(out.strip())


def git_dir(root: StrPath) -> tuple[str, str] | None:
    """The git directory of the repository holding ``root`` and ``root``'s path in its
    work tree (``""`` at the top); ``None`` outside git."""
    dot = os.path.join(root, ".git")
    if "GIT_DIR" not in os.environ and os.path.isdir(dot):
        return dot, ""
    out = _text(root, "rev-parse", "--absolute-git-dir", "--show-prefix")
    lines = (out or "").splitlines()
    if len(lines) < 2 or not lines[0]:
        return None
    return lines[0], lines[1]


def list_files(root: StrPath, stdout: IO[bytes]) -> Started | None:
    """Start listing the files git knows under ``root`` (tracked, and untracked but not
    ignored), NUL-separated, into ``stdout``; see :func:`start`."""
    return start(
        root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", stdout=stdout
    )


def staged_listing(root: StrPath) -> Callable[[], bytes | None]:
    """``git ls-files -s`` of the files git knows (staged ones with mode and blob id,
    untracked ones by path), NUL-separated, ``None`` when git fails: started now, given
    when the returned function is called (see :func:`output_later`)."""
    return output_later(root, "ls-files", "-z", "-s", "--cached", "--others", "--exclude-standard")


def tracked(root: StrPath, path: str) -> bool:
    """Whether git tracks the file at ``path`` (repo-relative)."""
    if not os.path.exists(os.path.join(root, ".git")):
        return False
    return output(root, "ls-files", "--error-unmatch", "--", path) is not None


def move(root: StrPath, old: str, new: str) -> None:
    """``git mv old new``; :class:`GitError` when git refuses."""
    run(root, "mv", "--", old, new)


def add(root: StrPath, paths: list[str]) -> None:
    """Stage ``paths`` (``git add``); :class:`GitError` when git refuses."""
    if paths:
        run(root, "add", "--", *paths)


# -- what is staged and what moved ------------------------------------------------------


class Staged:
    """The staged changes of a repository, as repo-relative POSIX paths.

    A plain class, not a dataclass: this module is on the path that reprints a stored
    check, where importing ``dataclasses`` (and ``inspect``) would cost a tenth of it.
    """

    __slots__ = ("changed", "deleted", "renamed")

    def __init__(
        self,
        changed: list[str] | None = None,
        deleted: list[str] | None = None,
        renamed: dict[str, str] | None = None,
    ) -> None:
        self.changed: list[str] = changed if changed is not None else []
        self.deleted: list[str] = deleted if deleted is not None else []
        self.renamed: dict[str, str] = renamed if renamed is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Staged):
            return NotImplemented
        return (self.changed, self.deleted, self.renamed) == (
            other.changed,
            other.deleted,
            other.renamed,
        )

    def __repr__(self) -> str:
        return (
            f"Staged(changed={self.changed!r}, deleted={self.deleted!r}, renamed={self.renamed!r})"
        )


def _name_status(out: str) -> tuple[list[str], list[str], dict[str, str]]:
    changed: list[str] = []
    deleted: list[str] = []
    renamed: dict[str, str] = {}
    fields = out.split("\0")
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if not status:
            i += 1
            continue
        if status[0] in "RC":
            old, new = fields[i + 1], fields[i + 2]
            if status[0] == "R":
                renamed[old] = new
            changed.append(new)
            i += 3
            continue
        path = fields[i + 1]
        (deleted if status[0] == "D" else changed).append(path)
        i += 2
    return changed, deleted, renamed


#: git's two diffs against ``HEAD``: of the index (what is staged) and of the work tree.
CACHED_DIFF = ("diff", "--cached", "--name-status", "-z", "-M", "HEAD")
WORK_TREE_DIFF = ("diff", "--name-status", "-z", "-M", "HEAD")

#: The diffs :func:`diff_soon` started: folder → (the process that started them, and
#: each diff's output to come, ``None`` once taken).
_soon: dict[str, tuple[int, dict[tuple[str, ...], Callable[[], bytes | None]]]] = {}


def diff_soon(root: StrPath) -> None:
    """Start both diffs against ``HEAD`` in ``root`` now, for :func:`staged` and
    :func:`renames` to take when they are asked: git runs on another core while this
    process imports its modules and reads the notes, instead of after. Each diff is
    taken once, and only by the process that started it (a forked helper asks git
    itself); one never taken ends with this process."""
    _soon[os.path.realpath(root)] = (
        os.getpid(),
        {args: output_later(root, *args) for args in _DIFFS},
    )


_DIFFS = (CACHED_DIFF, WORK_TREE_DIFF)


def _diff_later(root: StrPath, args: tuple[str, ...]) -> Callable[[], bytes | None]:
    """The output of the diff ``args`` when called: the one :func:`diff_soon` started, if
    this process started it and it is still untaken, else one started now."""
    soon = _soon.get(os.path.realpath(root))
    if soon is not None and soon[0] == os.getpid():
        found = soon[1].pop(args, None)
        if found is not None:
            return found
    return output_later(root, *args)


def _diff_text(root: StrPath, args: tuple[str, ...]) -> str | None:
    return _decoded(_diff_later(root, args)())


def staged(root: StrPath) -> Staged:
    """The files staged for the next commit: changed, deleted and renamed since ``HEAD``
    (before the first commit, everything in the index is new)."""
    # One call where HEAD exists, as it almost always does.
    out = _diff_text(root, CACHED_DIFF)
    if out is None:  # no commit yet (or not a repository: then nothing is staged)
        out = _text(root, "diff", "--cached", "--name-status", "-z", "-M", "--root") or ""
        if not out:
            files = (_text(root, "ls-files", "-z", "--cached") or "").split("\0")
            return Staged(changed=sorted(p for p in files if p))
    changed, deleted, renamed = _name_status(out)
    return Staged(changed, deleted, renamed)


def renames(root: StrPath, staged_renames: dict[str, str] | None = None) -> dict[str, str]:
    """Old → new paths of files renamed between ``HEAD`` and the work tree or index
    (``staged_renames``: the index's, when the caller has just asked :func:`staged`)."""
    if staged_renames is not None:
        out = _diff_text(root, WORK_TREE_DIFF)
        found = dict(staged_renames)
    else:  # the two diffs at once: each is most of a git start-up
        cached = _diff_later(root, CACHED_DIFF)
        out = _diff_text(root, WORK_TREE_DIFF)
        found = _name_status(_decoded(cached()) or "")[2]
    if out is None:
        return {}
    found.update(_name_status(out)[2])
    return found


def scratch_file() -> IO[bytes]:
    """An anonymous file for git's output: in memory where the system offers one (which
    spares importing ``tempfile``, and ``shutil`` with it, on every commit), else a
    temporary file. The caller closes it."""
    if hasattr(os, "memfd_create"):
        try:
            return os.fdopen(os.memfd_create("codex-hooks-git"), "w+b")
        except OSError:
            pass
    import tempfile

    return tempfile.TemporaryFile()


def unstaged(root: StrPath) -> set[str]:
    """Paths whose work-tree file differs from the index (edited or deleted, not staged)."""
    out = _text(root, "diff", "--name-only", "-z", "--no-renames")
    return {p for p in (out or "").split("\0") if p}


def index_contents(root: StrPath, paths: set[str]) -> dict[str, bytes]:
    """The staged bytes of the regular files at ``paths`` (symlinks and submodules are
    skipped: they are never read through). One ``git cat-file --batch`` for all of them."""
    if not paths:
        return {}
    listing = _text(root, "ls-files", "-s", "-z")
    wanted: dict[str, str] = {}
    for entry in (listing or "").split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        # Regular files at stage 0 only (a merge conflict's stages are not a commit).
        regular = len(parts) == 3 and parts[0] in ("100644", "100755") and parts[2] == "0"
        if regular and path in paths:
            wanted[path] = parts[1]
    if not wanted:
        return {}
    try:
        data = run(
            root,
            "cat-file",
            "--batch",
            stdin="".join(f"{sha}\n" for sha in wanted.values()).encode(),
        )
    except GitError:
        return {}
    blobs: dict[str, bytes] = {}
    pos = 0
    for path, sha in wanted.items():
        end = data.find(b"\n", pos)
        header = data[pos:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob" or header[0].decode() != sha:
            return blobs
        size = int(header[2])
        blobs[path] = data[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


# -- history ----------------------------------------------------------------------------


def log(root: StrPath) -> str | None:
    """The whole history of the repository at ``root`` in one ``git log``: for each
    commit, newest first in topological order, a record separator, its hash, its commit
    time (Unix seconds) and its message (separated by ``\x1f``), then the files it
    touched with their status, renames followed (``-M``), NUL-separated.
    ``None`` outside git or when git fails."""
    if not os.path.exists(os.path.join(root, ".git")):
        return None
    return _text(
        root, "log", "-z", "--topo-order", "--name-status", "-M", "--format=%x1e%H%x1f%ct%x1f%B"
    )
