"""The violations of the last whole check, reused while nothing they depend on changed.

``check --all-files`` on an unchanged knowledge base gives what it gave last time. The
on-disk index (:mod:`codex_hooks.cache`) spares reading and parsing the notes; this
spares the rest, running the rules, which costs more than reading. A whole check
depends on, and its stored result is keyed by:

* every markdown file git lists (tracked, or untracked and not ignored): its path and
  ``lstat`` (size, modification and change times, inode), as the index compares them.
  A file whose change time is too recent to prove a later change gives no key, and then
  nothing is stored or reused (see :data:`codex_hooks.cache.RACY_NS`);
* the configuration files' bytes, the package's version and the size and modification
  time of every one of its modules (a rule edited in a development tree changes its
  results), the Python version and the PyYAML installed;
* git: the commit ``HEAD`` names and what is staged (the mode and blob id of every
  file in git's index), since a reference to a note renamed since ``HEAD`` resolves
  through git: a commit, a checkout or ``git add`` makes the result stale, while git
  refreshing its own stat cache does not;
* the folders under the agents folder (legal ``processed_by`` values).

The key is computed from stats taken *before* the notes are read, so a note that changes
while the rules run is seen as changed by the next run. The result lives beside the
index, ``<git dir>/codex-hooks/results-v<FORMAT>.<id>``, as :mod:`marshal` data written
atomically; a missing, damaged or stale file is ignored and replaced. Only the command
line's ``check --all-files`` and ``baseline`` use it, and ``graph`` keys its stored
output with the same key (``--no-cache`` turns them off): it imports nothing it does
not need, so that a reused result costs little more than starting Python.

What is stored is every finding of the check, with its subject, except those suppressed
inline (a note's comments are part of its bytes, which the key covers): the baseline is
applied when the result is printed, so that writing a new baseline, or ``--no-baseline``,
reuses the same result.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
import time
import zlib

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .gitutil import StrPath
    from .model import Violation

FORMAT = 5
#: A stored violation: path, line, column, code, severity, message, the path and title of
#: its fix (``None`` when it has none), its subject, and its fix's safety (``None`` when
#: it has none).
Row = tuple[str, int, int, str, str, str, "str | None", "str | None", str, "bool | None"]
#: The configuration files a knowledge base may have (see :mod:`codex_hooks.config`).
CONFIG_FILES = (".codex-hooks.yaml", "pyproject.toml")
#: ``Config().agents_dir``, named here so that an unconfigured run need not import it.
DEFAULT_AGENTS_DIR = "agents"


class Stored:
    """Where the result of a whole check lives and the key it must be stored under."""

    def __init__(self, file: str, key: bytes) -> None:
        self.file = file
        self.key = key
        #: How many findings were suppressed inline, as :meth:`read` found it.
        self.suppressed = 0

    def read(self) -> tuple[list[Row], int] | None:
        """The stored rows and the number of notes they cover, or ``None`` when there are
        none for this key (missing, damaged, or stored under another key)."""
        try:
            with open(self.file, "rb") as fh:
                key, digest, body = marshal.loads(fh.read())
            if key != self.key or _digest(body) != digest:
                return None
            rows, checked, suppressed = marshal.loads(body)
        except (OSError, EOFError, ValueError, TypeError):  # missing, truncated, garbled
            return None
        self.suppressed = suppressed
        return rows, checked

    def write(self, violations: list[Violation], checked: int, suppressed: int = 0) -> None:
        """Store ``violations`` of ``checked`` notes (and how many findings were suppressed
        inline) under the key, atomically; a failure leaves nothing behind."""
        rows = [as_row(v) for v in violations]
        body = marshal.dumps((rows, checked, suppressed))
        keep_file(self.file, [marshal.dumps((self.key, _digest(body), body))])


def keep_file(file: str, chunks: list[bytes]) -> None:
    """Write ``chunks`` to ``file`` atomically, its folder made first. What is kept beside
    the index (a stored result or output, the last listing) is only a shortcut: when it
    cannot be written, nothing is left behind and the next run works it out again."""
    from .files import replace_file

    with contextlib.suppress(OSError, ValueError):
        os.makedirs(os.path.dirname(file), exist_ok=True)
        replace_file(file, chunks)


def _digest(data: bytes | memoryview) -> bytes:
    """A checksum of a stored body: what was written is what is printed. The file is
    replaced atomically but not synced to disk (see :func:`~codex_hooks.files.replace_file`),
    so this catches damage, such as bytes a crash kept from reaching the disk, not an
    adversary: CRC-32, at five times blake2's speed (3 ms of reprinting the corpus's 3 MB
    graph)."""
    return zlib.crc32(data).to_bytes(4, "big")


def as_row(v: Violation) -> Row:
    """``v`` as it is stored (see :data:`Row`)."""
    fix = v.fix
    return (
        v.path,
        v.line,
        v.column,
        v.code,
        v.severity,
        v.message,
        None if fix is None else fix.path,
        None if fix is None else fix.title,
        v.subject,
        None if fix is None else fix.safe,
    )


def as_violations(rows: list[Row]) -> list[Violation]:
    """Stored rows as :class:`~codex_hooks.model.Violation` objects. Their fixes keep
    their path and title but cannot be applied (``fix`` always checks afresh)."""
    from .model import Fix, Violation

    return [
        Violation(
            p,
            line,
            col,
            code,
            sev,
            msg,
            # as_row stores a fix's path and title together: both or neither.
            None if fp is None or ft is None else Fix(fp, ft, _stale, safe=bool(fs)),
            subject,
        )
        for p, line, col, code, sev, msg, fp, ft, subject, fs in rows
    ]


def _stale(editor: object) -> object:
    raise RuntimeError("a reused check result cannot apply fixes: run fix() to check afresh")


def stored(root: StrPath) -> Stored | None:
    """The stored result of a whole check of the knowledge base at ``root`` and the key
    it must have now; ``None`` outside git, or when a note changed too recently to tell.
    Call it before the notes are loaded."""
    from . import cache
    from .gitutil import git_dir, staged_listing

    found = git_dir(root)
    if found is None:
        return None
    folder, prefix = found
    started = time.time_ns()
    # With -s, staged files come with their mode and blob id: the key then covers what is
    # staged (a rename resolves through it) without the index file's own stat, which git
    # changes whenever it refreshes its stat cache. Git lists while the rest is hashed,
    # and while the notes the last run listed are looked at.
    listed = staged_listing(root)
    from .hashes import blake2b
    from .version import __version__

    slot = blake2b(prefix.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
    known = os.path.join(folder, "codex-hooks", f"listing-v{FORMAT}.{slot}")
    digest = blake2b(digest_size=20)
    try:
        for part in (
            (FORMAT, __version__, _package_hash(), sys.version_info[:2], cache._yaml_stamp()),
            [_read(os.path.join(root, name)) for name in CONFIG_FILES],
            _folders(os.path.join(root, _agents_dir(root))),
            _head(folder),
        ):
            digest.update(marshal.dumps(part))
        before = _listed_before(known)
        keys = _stat_keys(root, before[1], started) if before is not None else None
    finally:  # git is waited for, and its pipe closed, whatever happens
        listing = listed()
    if listing is None:
        return None
    # git printing what it printed last time lists the same notes, in the same order; a
    # new listing (a file staged, added or removed) is read for its notes.
    if before is None or listing != before[0]:
        paths = _notes(listing)
        if before is None or paths != before[1]:  # notes added or removed: look at these
            keys = _stat_keys(root, paths, started)
        _remember(known, listing, paths)
    if keys is None:
        return None
    # The listing names the notes whose keys follow, in its order.
    digest.update(len(listing).to_bytes(8, "big"))
    digest.update(listing)
    digest.update(marshal.dumps(keys))
    return Stored(os.path.join(folder, "codex-hooks", f"results-v{FORMAT}.{slot}"), digest.digest())


#: A note's ``lstat`` key: size, modification and change times, inode; ``None`` for a
#: note listed but gone.
StatKey = tuple[int, int, int, int] | None


def _stat_keys(root: StrPath, paths: list[str], started: int) -> list[StatKey] | None:
    """Each note's ``lstat`` key, in the order given; ``None`` when one changed too
    recently to tell (see :func:`~codex_hooks.cache._racy`)."""
    from .cache import RACY_COARSE_NS, _racy

    keys: list[StatKey] = []
    add, lstat = keys.append, os.lstat
    base = os.path.join(root, "")
    # A stat older than the wider margin is never racy: nearly every note is spared the
    # check's function call.
    recent = started - RACY_COARSE_NS
    for rel in paths:
        try:
            st = lstat(base + rel)
        except OSError:
            add(None)
            continue
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        if (mtime >= recent or ctime >= recent) and _racy(st, started):
            return None
        add((st.st_size, mtime, ctime, st.st_ino))
    return keys


def _notes(listing: bytes) -> list[str]:
    """The markdown files of a ``git ls-files -z -s`` listing, sorted, each once (a file
    with conflicts is listed once per stage)."""
    found = set()
    for path in _LISTED.findall(listing):
        if path[-3:].lower() == b".md":
            found.add(path.decode("utf-8", "surrogateescape"))
    return sorted(found)


def _listed_before(file: str) -> tuple[bytes, list[str]] | None:
    """git's listing in the last run that wrote ``file``, and its notes (see
    :func:`_remember`)."""
    data = _read(file)
    if data is None:
        return None
    body = memoryview(data)[4:]
    try:
        if _digest(body) != data[:4]:  # damaged: bytes a crash kept from the disk
            return None
        found = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], bytes)
        and isinstance(found[1], list)
    ):
        return found
    return None


def _remember(file: str, listing: bytes, paths: list[str]) -> None:
    """Keep git's listing and its notes, for the next run to look at the notes while git
    lists them, and to spare reading the listing again when it is the same."""
    data = marshal.dumps((listing, paths))
    keep_file(file, [_digest(data), data])


#: The paths of ``git ls-files -z -s``: a staged file comes as "mode blob stage<TAB>path",
#: an untracked one as its bare path, which may hold a tab itself (one pass in C).
_LISTED = re.compile(rb"(?:[0-7]{6} [0-9a-f]{40,64} [0-3]\t)?([^\0]*)\0")


def _agents_dir(root: StrPath) -> str:
    if not any(os.path.isfile(os.path.join(root, name)) for name in CONFIG_FILES):
        return DEFAULT_AGENTS_DIR
    # The plain settings: a stored result exists only for a configuration whose rule codes
    # a run accepted (its bytes are part of the key), so they need no check against the
    # rules, whose import would cost most of what reusing the result saves.
    from .settings import load_config

    return load_config(root).agents_dir


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


_PACKAGE_HASH: list[bytes] = []


def _package_hash() -> bytes:
    """A hash of every module of the package (rules included), once per process: each
    file's path, size and modification time, as Python itself tells a stale ``.pyc``
    (reading every file cost three times as long, on every commit)."""
    if not _PACKAGE_HASH:
        from .hashes import blake2b

        digest = blake2b(digest_size=20)
        for rel, st in sorted(_modules(os.path.dirname(os.path.abspath(__file__)), "")):
            digest.update(b"%s %d %d" % (rel.encode(), st.st_size, st.st_mtime_ns))
        _PACKAGE_HASH.append(digest.digest())
    return _PACKAGE_HASH[0]


def _modules(folder: str, inside: str) -> list[tuple[str, os.stat_result]]:
    """Each ``.py`` file under ``folder`` (``__pycache__`` aside): its path below the
    package, as ``inside`` starts it, and its ``stat``."""
    found = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            try:
                if name.endswith(".py"):
                    found.append((inside + name, entry.stat()))
                elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    found += _modules(entry.path, f"{inside}{name}/")
            except OSError:  # gone since the folder was read
                continue
    return found


def _head(git_dir: str) -> tuple[bytes | None, ...]:
    """What ``HEAD`` is: its file and the ref it names (loose, else the packed refs), in
    the git directory and, for a linked worktree, the common one."""
    common = git_dir
    with contextlib.suppress(OSError, UnicodeDecodeError):
        linked = _read(os.path.join(git_dir, "commondir"))
        if linked is not None:
            common = os.path.join(git_dir, linked.decode().strip())
    head = _read(os.path.join(git_dir, "HEAD")) or b""
    if not head.startswith(b"ref:"):
        return (head,)
    ref = head[4:].strip().decode("utf-8", "surrogateescape")
    loose = _read(os.path.join(git_dir, ref)) or _read(os.path.join(common, ref))
    return (head, loose if loose is not None else _read(os.path.join(common, "packed-refs")))


def _folders(path: str) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(path) if e.is_dir())
    except OSError:
        return []
