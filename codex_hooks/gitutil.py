"""What git knows: staged notes, deletions and renames. Imported only when needed."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Staged:
    """The staged changes of a repository, as repo-relative POSIX paths."""

    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.decode("utf-8", "surrogateescape")


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree containing ``path`` (``None`` outside git)."""
    out = _git(path, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


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


def staged(root: Path) -> Staged:
    """The notes staged for the next commit, using GitPython's view of the index."""
    import git

    repo = git.Repo(root)
    try:
        head = repo.head.commit.hexsha
    except ValueError:  # no commit yet: everything in the index is new
        head = None
    if head is None:
        out = _git(root, "diff", "--cached", "--name-status", "-z", "-M", "--root") or ""
        if not out:
            files = [str(p) for p, _ in repo.index.entries]
            return Staged(changed=sorted(files))
    else:
        out = repo.git.diff("--cached", "--name-status", "-z", "-M", head)
    changed, deleted, renamed = _name_status(out)
    return Staged(changed, deleted, renamed)


def renames(root: Path) -> dict[str, str]:
    """Old → new paths of files renamed between ``HEAD`` and the work tree or index."""
    out = _git(root, "diff", "--name-status", "-z", "-M", "HEAD")
    if out is None:
        return {}
    cached = _git(root, "diff", "--cached", "--name-status", "-z", "-M", "HEAD") or ""
    found = _name_status(cached)[2]
    found.update(_name_status(out)[2])
    return found


def unstaged(root: Path) -> set[str]:
    """Paths whose work-tree file differs from the index (edited or deleted, not staged)."""
    out = _git(root, "diff", "--name-only", "-z", "--no-renames")
    return {p for p in (out or "").split("\0") if p}


def index_contents(root: Path, paths: set[str]) -> dict[str, bytes]:
    """The staged bytes of the regular files at ``paths`` (symlinks and submodules are
    skipped: they are never read through). One ``git cat-file --batch`` for all of them."""
    if not paths:
        return {}
    listing = _git(root, "ls-files", "-s", "-z")
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
        result = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=root,
            input="".join(f"{sha}\n" for sha in wanted.values()).encode(),
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return {}
    blobs: dict[str, bytes] = {}
    data, pos = result.stdout, 0
    for path, sha in wanted.items():
        end = data.find(b"\n", pos)
        header = data[pos:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob" or header[0].decode() != sha:
            return blobs
        size = int(header[2])
        blobs[path] = data[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return blobs
