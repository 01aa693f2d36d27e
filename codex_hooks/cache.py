"""The on-disk index: each note's parsed :class:`~codex_hooks.noteinfo.NoteInfo`, reused for as
long as the note's file is unchanged, so that a run reads only the notes that changed.

Where it lives: ``<git dir>/codex-hooks/index-v1.<id>`` (``git rev-parse --git-dir``, so
each worktree has its own), never in the working tree; ``<id>`` names the knowledge base's
folder inside the repository. Outside git there is no index.

What says a note is unchanged: its ``os.lstat`` size, ``st_mtime_ns``, ``st_ctime_ns`` and
inode, all equal to those recorded when it was read. A stat costs one system call per
note, where hashing the file (or asking git for blob ids, which are only right for files
whose stat git has checked anyway, and never for untracked notes) costs a read. Any write
changes the change time (which, unlike the modification time, cannot be set back), and an
atomic replace, as the fixer does, changes the inode too. A note whose change time is
within :data:`RACY_NS` of the run's start is not recorded: a second write in the same
clock tick could leave every field equal (git's "racy clean" problem).

The file: :data:`MAGIC`, a header (format, package version, the sizes and modification
times of the modules that build a ``NoteInfo``, the Python and PyYAML versions, the
configuration's fingerprint, the ``NoteInfo`` field names), every note's fields as
:mod:`marshal` bytes one after another, a table ``{path: (size, mtime_ns, ctime_ns,
inode, offset, length, kind, facts...)}`` (the facts: see
:func:`~codex_hooks.noteinfo.folded_title`; the last is the Adler-32 checksum of the
note's bytes, checked when they are decoded), and a trailer with their lengths and the
table's Adler-32 checksum. The file is mapped into memory, not read. marshal is the
fastest serialiser of plain data in the standard library, and unlike pickle it cannot
run code when loaded. A note read from the index is decoded when a rule first reads one
of its fields (its links when a rule first reads them), straight from the file's bytes;
notes are written one by one, so neither direction holds a second copy of the whole
index in memory. A delta file beside the index holds the notes read since it was
written, so that a commit that changed one note writes one note.

A missing, truncated, garbled or mismatched file is not an error: it is ignored (a cold
start) and rewritten. Writes go to a temporary file in the same folder, moved into place
with :func:`os.replace`, so a reader sees the old file or the new one, never half of
one; when two processes write at once, the last one wins, and an entry is only ever used
when the note's stat still matches, whichever process wrote it.

Why one module of this size: the encoder, the lazy decoder, the file's layout and the
rules for trusting an entry are one format (:data:`FORMAT`), changed together and
versioned by that one number; split apart, a change to one half could ship without the
other and read old files wrongly.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
import sys
import time
import zlib
from collections.abc import Callable, Sequence

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeAlias

    from .frontmatter import Value
    from .links import WikiLink
    from .noteinfo import NoteInfo, Problem
    from .settings import Config

    #: Which PyYAML parses the notes: (file name, size, mtime) of its package's files.
    YamlStamp: TypeAlias = tuple[tuple[str, int, int], ...]
    #: What an index was built under (see :func:`header`).
    Header: TypeAlias = tuple[int, str, str, tuple[int, int], int, YamlStamp, str, tuple[str, ...]]
    #: The header of an index file, or of a delta file: the index's and the one it extends.
    Head: TypeAlias = Header | tuple[Header, bytes]
    #: An index file and its inode (see :attr:`Index.where`).
    Where: TypeAlias = tuple[Path, int]
    #: Where a note read from an index came from: the root, configuration and file.
    Origin: TypeAlias = tuple[Path, Config, Where | None]
    #: A source's ``claims_extracted`` entries with their folded forms.
    FoldedClaims: TypeAlias = tuple[tuple[str, str], ...]
    #: A note's facts as the table keeps them: its folded title and folded claims.
    Facts: TypeAlias = tuple[str | None, FoldedClaims | None]
    #: A table row: (size, mtime_ns, ctime_ns, inode, offset, length, kind, folded
    #: title, folded claims, check); see the layout below.
    Row: TypeAlias = tuple[
        int, int, int, int, int, int, str | None, str | None, FoldedClaims | None, int
    ]
    #: What :func:`write_index` writes for a path: (size, mtime_ns, ctime_ns, inode,
    #: note, kind, facts, check).
    Entry: TypeAlias = tuple[
        int,
        int,
        int,
        int,
        NoteInfo | bytes | memoryview | None,
        str | None,
        Facts | None,
        int | None,
    ]
    #: A link as the index stores it: its fields, trailing defaults left off.
    EncodedLink: TypeAlias = tuple[str | int | None, ...]
    #: A NoteInfo field as the index stores it (its links as bytes, its problem a tuple).
    Field: TypeAlias = (
        str | int | bytes | dict[str, Value] | dict[str, int] | list[str] | EncodedLink | None
    )

FORMAT = 3
MAGIC = b"codex-hooks index\n"
#: How recent a change time must be for a note not to be recorded (see the module doc).
RACY_NS = 100_000_000
#: The same for file systems whose time stamps are whole seconds (FAT keeps two).
RACY_COARSE_NS = 2_000_000_000
#: Temporary files of writers that died are removed once they are this old.
STALE_TMP_SECONDS = 3600
#: Modules whose code decides what a NoteInfo holds: a change to any of them makes every
#: recorded note stale (the package version alone does not change in a development tree).
#: A test reads notes and checks that every module it loaded is here, or changes nothing.
CODE = (
    "cache",
    "settings",
    "errors",
    "frontmatter",
    "quickparse",
    "noteinfo",
    "links",
    "note",
    "titles",
    "values",
)


def index_file(root: Path) -> Path | None:
    """Where the index of the knowledge base at ``root`` lives (``None`` outside git)."""
    from .gitutil import git_dir

    found = git_dir(root)
    if found is None:
        return None
    from pathlib import Path  # here: a reprinted result needs this module, not pathlib

    folder, prefix = found
    from .hashes import sha1_hex

    name = sha1_hex(prefix.encode("utf-8", "surrogateescape"))[:12]
    return Path(folder, "codex-hooks", f"index-v{FORMAT}.{name}")


def _code_hash() -> str:
    # Each file's size and modification time, as Python itself tells a stale .pyc (and
    # as the stored results' key does): reading the files cost 0.2-0.4 ms of every run.
    from .hashes import blake2b

    digest = blake2b(digest_size=20)
    folder = os.path.dirname(__file__)
    for name in CODE:
        digest.update(name.encode())
        try:
            st = os.stat(os.path.join(folder, f"{name}.py"))
        except OSError:  # no source (a frozen build): the version has to do
            continue
        digest.update(b" %d %d;" % (st.st_size, st.st_mtime_ns))
    return digest.hexdigest()


def _fields() -> tuple[str, ...]:
    import dataclasses

    from .noteinfo import NoteInfo

    return tuple(f.name for f in dataclasses.fields(NoteInfo))


def header(config: Config) -> Header:
    """What an index must have been built under to be used now."""
    from .version import __version__

    return (
        FORMAT,
        __version__,
        _code_hash(),
        sys.version_info[:2],
        marshal.version,
        _yaml_stamp(),
        config.fingerprint(),
        _fields(),
    )


#: :func:`_yaml_stamp`, once worked out: a whole check needs it twice (the stored
#: result's key and the index's header), and PyYAML does not change under a process.
_YAML_STAMP: list[YamlStamp] = []


def _yaml_stamp() -> YamlStamp:
    """Which PyYAML parses the notes: the size and mtime of the files of its package (its
    libyaml binding among them), found without importing it: a run served from the
    index never parses, and importing PyYAML would cost more than the rest of its
    start-up. Worked out once per process."""
    if not _YAML_STAMP:
        _YAML_STAMP.append(_find_yaml_stamp())
    return _YAML_STAMP[0]


def _find_yaml_stamp() -> YamlStamp:
    # What importlib.util.find_spec does for a top-level name, without importing
    # importlib.util (about 0.5 ms of every run): ask each finder in turn.
    spec = None
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find("yaml", None)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            break
    stamp: list[tuple[str, int, int]] = []
    for folder in getattr(spec, "submodule_search_locations", None) or ():
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith((".py", ".so", ".pyd")):
                        st = entry.stat()
                        stamp.append((entry.name, st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(stamp))


# -- NoteInfo <-> plain tuples ---------------------------------------------------------------
#
# A note is the tuple of its NoteInfo fields in declaration order, its links as nested
# marshal bytes. A note read from the index is decoded lazily: its path and kind (from the
# table) at once, its other fields when a rule first reads one, its links when a rule
# first reads them. Checking one note of a large knowledge base reads the frontmatter of
# the notes its rules look at (every source's claims_extracted, say), not every field of
# every note. A link whose ``raw`` text is just ``[[target]]`` is stored without it;
# trailing default fields are left off.


class _Deferred:
    """A field of a note read from the index (a non-data descriptor: once decoded, the
    instance's own value is found first and this is never called again)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, info: object, owner: type | None = None) -> object:
        if info is None:
            return self
        state = info.__dict__
        if "_blob" in state:
            _materialize(state)
        if self.name == "links" and "links" not in state:
            state["links"] = _decode_links(state.pop("_links"))
        return state[self.name]


def _materialize(state: dict[str, Any]) -> None:
    # ``state`` is a lazy note's ``__dict__``: its values are of every field's type.
    blob = state.pop("_blob")  # a view into the index file's bytes, released here
    root, config, where = state.pop("_origin")
    check = state.pop("_check", None)
    try:
        if check is not None and zlib.adler32(blob) != check:
            raise ValueError("damaged")
        values = marshal.loads(blob)
        for name, value in zip(_FIELDS, values, strict=True):
            state[name] = value
        state["_links"] = state.pop("links")
        if state["problem"] is not None:
            state["problem"] = _Problem(*state["problem"])
    except Exception:  # damaged bytes, or bytes that do not decode: read the note
        from .noteinfo import read_info

        _discard(where)
        fresh = read_info(root, state["path"], config)
        state.pop("_links", None)
        state.update(vars(fresh) if fresh is not None else vars(_NoteInfo(state["path"], "")))


def _equal(self: object, other: object) -> object:
    # A bool, or NotImplemented: typeshed gives that no type but Any, so ``object`` it is.
    if not isinstance(other, _NoteInfo):
        return NotImplemented
    return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)


def _reduce(self: object) -> tuple[type[NoteInfo], tuple[object, ...]]:
    """Copies and pickles of a note read from the index are plain, fully decoded
    NoteInfo objects (the lazy one holds a view into the index file's bytes)."""
    return (_NoteInfo, tuple(getattr(self, f) for f in _FIELDS))


def encode(info: NoteInfo) -> bytes:
    """One note's fields as marshal bytes."""
    state = info.__dict__ if hasattr(info, "__dict__") else {}
    if "_blob" in state:  # read from an index and never decoded
        if zlib.adler32(state["_blob"]) == state.get("_check"):
            return bytes(state["_blob"])
        _materialize(state)
    values: list[Field] = []
    for name in _FIELDS:
        if name == "links":
            blob = state.get("_links")  # never decoded: re-use its bytes
            if blob is None or "links" in state:
                links = info.links
                blob = marshal.dumps(tuple(_encode_link(link) for link in links))
            values.append(blob)
            continue
        value = getattr(info, name)
        if name == "problem" and value is not None:
            value = tuple(getattr(value, f) for f in _PROBLEM_FIELDS)
        values.append(value)
    # build_info interned the short strings: marshal writes them as interned, and loading
    # shares one object between notes again.
    return marshal.dumps(tuple(values))


def _encode_link(link: WikiLink) -> EncodedLink:
    values: list[str | int | None] = [getattr(link, f) for f in _LINK_FIELDS]
    if _RAW >= 0 and values[_RAW] == f"[[{values[_TARGET]}]]":
        values[_RAW] = None
    while len(values) > _LINK_REQUIRED and values[-1] == _LINK_DEFAULTS[len(values) - 1]:
        values.pop()
    return tuple(values)


def _decode_links(blob: bytes) -> list[WikiLink]:
    # Many notes link to the same note: one string for each target and raw text, not one
    # per link (most of what a large knowledge base's links cost in memory).
    intern, make = sys.intern, _WikiLink
    links: list[WikiLink] = []
    for link in marshal.loads(blob):
        if _PLAIN_LINKS and len(link) == 4 and link[3] is None:  # [[target]], the usual
            target = intern(link[0])
            links.append(make(target, link[1], link[2], intern(f"[[{target}]]")))
            continue
        link = [*link]
        target = link[_TARGET] = intern(link[_TARGET])
        if _RAW >= 0:
            link[_RAW] = intern(f"[[{target}]]" if link[_RAW] is None else link[_RAW])
        links.append(make(*link))
    return links


def decode(
    blob: bytes | memoryview,
    path: str,
    kind: str,
    origin: Origin,
    check: int | None = None,
) -> NoteInfo:
    """The inverse of :func:`encode`, deferred (see above) when NoteInfo allows it.
    ``origin`` is the knowledge base's root and configuration and the index file's
    :attr:`Index.where`: bytes that do not match their checksum ``check`` (when given) or
    do not decode mean the note is read from disk, and the index file is removed."""
    if _Lazy is not None:
        info: NoteInfo = object.__new__(_Lazy)
        info.__dict__ = {
            "path": path,
            "kind": kind,
            "_blob": blob,
            "_origin": origin,
            "_check": check,
        }
        return info
    if check is not None and zlib.adler32(blob) != check:
        from .noteinfo import read_info

        root, config, where = origin
        _discard(where)
        return read_info(root, path, config) or _NoteInfo(path, "")
    values = list(marshal.loads(blob))
    values[_LINKS] = _decode_links(values[_LINKS])
    if values[_PROBLEM] is not None:
        values[_PROBLEM] = _Problem(*values[_PROBLEM])
    return _NoteInfo(*values)


def _setup() -> None:
    """Field orders, read once from the classes themselves (the header records them, so an
    index written by code with other fields is never decoded)."""
    global _FIELDS, _LINK_FIELDS, _LINK_DEFAULTS, _LINK_REQUIRED, _PROBLEM_FIELDS
    global _LINKS, _PROBLEM, _RAW, _TARGET, _NoteInfo, _Problem, _WikiLink, _Lazy
    global _PLAIN_LINKS
    import dataclasses

    from .links import WikiLink
    from .noteinfo import NoteInfo, Problem

    _NoteInfo, _Problem, _WikiLink = NoteInfo, Problem, WikiLink
    _FIELDS = _fields()
    _LINK_FIELDS = WikiLink._fields
    _LINK_REQUIRED = len(_LINK_FIELDS) - len(WikiLink._field_defaults)
    _LINK_DEFAULTS = (None,) * _LINK_REQUIRED + tuple(WikiLink._field_defaults.values())
    _PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))
    _LINKS, _PROBLEM = _FIELDS.index("links"), _FIELDS.index("problem")
    ok = {"raw", "target"} <= set(_LINK_FIELDS)
    _RAW = _LINK_FIELDS.index("raw") if ok else -1
    _TARGET = _LINK_FIELDS.index("target") if ok else -1
    _PLAIN_LINKS = _LINK_FIELDS[:4] == ("target", "line", "column", "raw")
    # Deferred fields need instances with a __dict__ and no __post_init__ to skip.
    plain = "__slots__" not in vars(NoteInfo) and not hasattr(NoteInfo, "__post_init__")
    deferred = {f: _Deferred(f) for f in _FIELDS if f not in ("path", "kind")}
    namespace = {
        **deferred,
        "__eq__": _equal,
        "__hash__": None,
        "__reduce__": _reduce,
        "__slots__": (),
    }
    _Lazy = type("NoteInfo", (NoteInfo,), namespace) if plain else None


_FIELDS: tuple[str, ...] = ()
_LINK_FIELDS: tuple[str, ...] = ()
_LINK_DEFAULTS: tuple[object, ...] = ()
_LINK_REQUIRED = 0
_PROBLEM_FIELDS: tuple[str, ...] = ()
_LINKS = _PROBLEM = _RAW = _TARGET = -1
_PLAIN_LINKS = False
# The classes, set by _setup() (imported there: see its docstring).
_NoteInfo: type[NoteInfo]
_Problem: type[Problem]
_WikiLink: type[WikiLink]
_Lazy: type[NoteInfo] | None = None


# -- reading and writing the files ---------------------------------------------------------
#
# MAGIC | u32 n | header (n bytes of marshal) | notes | table | trailer
#
# ``notes`` is every note's encode() bytes one after the other; ``table`` is the marshal of
# {path: (size, mtime_ns, ctime_ns, inode, offset, length, kind, folded title, folded
# claims)} (the facts of kb.folded_title and kb.folded_claims; length -1: not a note,
# such as a symlink; last, the note's Adler-32); the trailer holds the lengths of notes
# and table and the table's Adler-32.
#
# Beside the index, a delta file in the same format holds the notes that changed since
# the index was written (its header names the index it extends), so that a commit which
# changed one note writes one note, not all of them. When the delta or the index's stale
# entries grow past :func:`_limit`, the index is rewritten whole and the delta removed.

_TRAILER = struct.Struct("<QQI")
DELTA = ".delta"


class Index:
    """An index file as read: its table, its notes' bytes and what identifies it."""

    def __init__(
        self, table: dict[str, Row], notes: memoryview, ident: bytes, where: Where
    ) -> None:
        self.table = table
        self.notes = notes
        self.ident = ident
        #: The file and its inode: a note found damaged when decoded removes it.
        self.where = where

    def blob(self, entry: Row) -> memoryview:
        return self.notes[entry[4] : entry[4] + entry[5]]


def read_index(file: Path, expected: Head) -> Index | None:
    """The index at ``file``, or ``None`` when it is missing, unreadable, damaged or was
    built under another header than ``expected``.

    The file is mapped, not read: a run that checks one note touches the table and the
    few notes its rules decode, not the whole file. Each note's bytes are checked against
    their checksum when they are decoded (or copied into a new index); the table is
    checked here."""
    mapped = map_file(file)
    if mapped is None:
        return None
    view, inode = mapped
    if view[: len(MAGIC)] != MAGIC or len(view) < len(MAGIC) + 4 + _TRAILER.size:
        return None
    try:
        start = len(MAGIC) + 4
        head_len = int.from_bytes(view[len(MAGIC) : start], "little")
        if marshal.loads(view[start : start + head_len]) != expected:
            return None
        body = start + head_len
        trailer = view[len(view) - _TRAILER.size :]
        notes_len, table_len, checksum = _TRAILER.unpack(trailer)
        if body + notes_len + table_len + _TRAILER.size != len(view):
            return None
        table_view = view[body + notes_len : body + notes_len + table_len]
        if zlib.adler32(table_view) != checksum:
            return None
        table = marshal.loads(table_view)
    except Exception:  # any damage: truncated, garbage, wrong types
        return None
    if not isinstance(table, dict):
        return None
    return Index(table, view[body : body + notes_len], bytes(trailer), (file, inode))


def map_file(file: str | os.PathLike[str]) -> tuple[memoryview, int] | None:
    """The bytes of ``file`` and its inode, mapped into memory where that is safe (on
    Windows a mapped file could not be replaced by another process: it is read)."""
    try:
        with open(file, "rb") as fh:
            st = os.fstat(fh.fileno())
            if os.name == "nt" or st.st_size == 0:
                return memoryview(fh.read()), st.st_ino
            import mmap

            return memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)), st.st_ino
    except (OSError, ValueError):
        return None


def _discard(where: Where | None) -> None:
    """Remove an index file found damaged (unless another process replaced it since), so
    that the next run rebuilds it; this run reads the damaged note from disk."""
    if where is None:
        return
    file, inode = where
    with contextlib.suppress(OSError):
        if os.stat(file).st_ino == inode:
            os.unlink(file)


def write_index(file: Path, head: Head, entries: dict[str, Entry]) -> bytes | None:
    """Replace the index at ``file`` atomically and return what identifies it (``None``
    when it could not be written: the old one, or none, is left).

    ``entries`` maps a path to ``(size, mtime_ns, ctime_ns, inode, note, kind, facts,
    check)`` where ``note`` is a NoteInfo to encode, the bytes of an already encoded one
    (``check``: their recorded checksum; bytes that no longer match it are left out), or
    ``None``, and ``facts`` what :func:`~codex_hooks.noteinfo.folded_title` and
    :func:`~codex_hooks.kb.folded_claims` give for it.
    """
    folder = file.parent
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder)
        tmp = folder / f"{file.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(tmp, flags, 0o666), "wb") as fh:
            head_bytes = marshal.dumps(head)
            fh.write(MAGIC + len(head_bytes).to_bytes(4, "little") + head_bytes)
            table: dict[str, Row] = {}
            offset = 0
            for path, (size, mtime, ctime, ino, note, kind, facts, check) in entries.items():
                if note is None:
                    table[path] = (size, mtime, ctime, ino, 0, -1, None, None, None, 0)
                    continue
                blob = note if isinstance(note, (bytes, memoryview)) else encode(note)
                actual = zlib.adler32(blob)
                if check is not None and actual != check:
                    continue  # damaged bytes of an earlier index: the note is read next time
                fh.write(blob)
                title, claims = facts if facts is not None else (None, None)
                table[path] = (
                    size,
                    mtime,
                    ctime,
                    ino,
                    offset,
                    len(blob),
                    kind,
                    title,
                    claims,
                    actual,
                )
                offset += len(blob)
            table_bytes = marshal.dumps(table)
            checksum = zlib.adler32(table_bytes)
            fh.write(table_bytes)
            trailer = _TRAILER.pack(offset, len(table_bytes), checksum)
            fh.write(trailer)
        os.replace(tmp, file)
        tmp = None
        return trailer
    except (OSError, ValueError):  # ValueError: a field that marshal cannot hold
        return None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _remove_stale(folder: Path) -> None:
    """Delete temporary files left by writers that were killed mid-write."""
    cutoff = time.time() - STALE_TMP_SECONDS
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(".tmp") and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
    except OSError:
        pass


def _limit(notes: int) -> int:
    """How many changed notes a delta holds, and how many stale entries the index keeps,
    before the index is rewritten whole."""
    return max(200, notes // 20)


# -- the incremental load ------------------------------------------------------------------


def _racy(st: os.stat_result, started: int) -> bool:
    """Whether a note changed too recently for its stat to prove a later change."""
    coarse = st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0
    margin = RACY_COARSE_NS if coarse else RACY_NS
    return max(st.st_mtime_ns, st.st_ctime_ns) >= started - margin


class Opened:
    """An index as found on disk before the notes are listed (see :func:`open_index`)."""

    def __init__(self, file: Path, head: Header, main: Index | None, delta: Index | None) -> None:
        self.file, self.head, self.main, self.delta = file, head, main, delta


def open_index(root: Path, config: Config) -> Opened | None:
    """Read the index of the knowledge base at ``root`` (``None`` outside git, where there
    is none). Its stat information is only compared with the notes' afterwards, so this
    can run while git lists the notes."""
    file = index_file(root)
    if file is None:
        return None
    if not _FIELDS:
        _setup()
    head = header(config)
    main = read_index(file, head)
    delta_file = file.with_name(file.name + DELTA)
    delta = read_index(delta_file, (head, main.ident)) if main is not None else None
    return Opened(file, head, main, delta)


def load_cached(
    root: Path,
    config: Config,
    paths: list[str],
    opened: Opened | None = None,
    pending: list[Callable[[], None]] | None = None,
) -> dict[str, NoteInfo] | None:
    """Every note at ``paths`` (repo-relative, under ``root``), from the index when its file
    is unchanged and read otherwise; the index is then brought up to date, or, with
    ``pending``, the function that does so is appended to it, for the caller to call when
    it suits. ``None`` when there can be no index (outside git): the caller reads every
    note itself. ``opened`` is the index as :func:`open_index` read it (else it is read
    here)."""
    from .noteinfo import FOLDED_CLAIMS, FOLDED_TITLE

    if opened is None:
        opened = open_index(root, config)
        if opened is None:
            return None
    started = time.time_ns()
    file, head, main, delta = opened.file, opened.head, opened.main, opened.delta
    delta_file = file.with_name(file.name + DELTA)
    main_table = main.table if main is not None else {}
    delta_table = delta.table if delta is not None else {}
    entries: dict[str, Entry] = {}  # what the index will hold: path -> (key..., note)
    # A note to read holds its place in the listed order (None) until it is read.
    notes: dict[str, NoteInfo | None] = {}
    fresh: set[str] = set()  # paths read now and recorded
    served: set[str] = set()  # paths served from the delta
    base = os.path.join(root, "")
    lstat, lazy, new_object = os.lstat, _Lazy, object.__new__
    # A table is empty when its file is missing: its view is then never sliced.
    main_view = main.notes if main is not None else memoryview(b"")
    delta_view = delta.notes if delta is not None else memoryview(b"")
    main_origin: Origin = (root, config, main.where if main is not None else None)
    delta_origin: Origin = (root, config, delta.where if delta is not None else None)
    main_get, delta_get = main_table.get, delta_table.get
    kind: str | None
    facts: Facts | None
    misses: list[str] = []  # paths to read: not in the index, or changed since
    # The loop below runs once per note on every commit: kept lean on purpose.
    for rel in paths:
        entry = delta_get(rel) if delta_table else None
        from_delta = entry is not None
        view, origin = (delta_view, delta_origin) if from_delta else (main_view, main_origin)
        if entry is None:
            entry = main_get(rel)
        if entry is not None:
            try:
                now = lstat(base + rel)
            except OSError:
                continue
            try:
                if (
                    entry[0] == now.st_size
                    and entry[1] == now.st_mtime_ns
                    and entry[2] == now.st_ctime_ns
                    and entry[3] == now.st_ino
                ):
                    kind = entry[6]
                    blob = None
                    if entry[5] >= 0:  # else: recorded as not a note (a symlink, a folder)
                        offset = entry[4]
                        blob = view[offset : offset + entry[5]]
                        if lazy is not None:  # decode(), inlined
                            hit: NoteInfo = new_object(lazy)
                            hit.__dict__ = {
                                "path": rel,
                                "kind": kind,
                                "_blob": blob,
                                "_origin": origin,
                                "_check": entry[9],
                                FOLDED_TITLE: entry[7],
                                FOLDED_CLAIMS: entry[8],
                            }
                        else:
                            if kind is None:
                                raise TypeError("a note recorded without its kind")
                            hit = decode(blob, rel, kind, origin, entry[9])
                            hit.__dict__[FOLDED_TITLE] = entry[7]
                            hit.__dict__[FOLDED_CLAIMS] = entry[8]
                        notes[rel] = hit
                    facts = (entry[7], entry[8])
                    key = (entry[0], entry[1], entry[2], entry[3])
                    entries[rel] = (*key, blob, kind, facts, entry[9])
                    if from_delta:
                        served.add(rel)
                    continue
            except (IndexError, TypeError):  # an entry of another shape: read the note
                notes.pop(rel, None)
        notes[rel] = None
        misses.append(rel)
    read = read_notes(root, config, misses, started) if misses else []
    for rel, found in zip(misses, read, strict=True):
        stat_key, info = found[0], found[1]
        if info is not None:
            notes[rel] = info
        else:
            del notes[rel]
        if stat_key is not None:
            entries[rel] = (*stat_key, info, found[2], found[3], None)
            fresh.add(rel)
    save = _saving(file, delta_file, head, main, entries, fresh, served)
    if save is not None:
        if pending is None:
            save()
        else:
            pending.append(save)
    from .typing_runtime import cast

    return cast("dict[str, NoteInfo]", notes)  # each None was read, or removed


#: What :func:`read_notes` gives for a path: its ``lstat`` key (size, mtime_ns, ctime_ns,
#: inode; ``None`` when there is no file, or it changed too recently to be recorded), its
#: note (``None`` when it is not a note), the note's kind and its facts.
Read = tuple["tuple[int, int, int, int] | None", "NoteInfo | None", "str | None", "Facts | None"]


def read_notes(
    root: Path, config: Config, paths: list[str], started: int | None = None
) -> list[Read]:
    """Read and parse the notes at ``paths``, in that order (``started``: when the run
    started, to tell which notes are too recent to record; see :func:`_racy`); on two
    cores when there are many (see :mod:`codex_hooks.parallel`: the second process sends
    its notes back as the bytes the index stores, decoded when a rule first reads them)."""
    from .noteinfo import FOLDED_CLAIMS, FOLDED_TITLE, folded_claims, folded_title, read_info_stat
    from .parallel import halves

    if not _FIELDS:
        _setup()

    def read(share: Sequence[str]) -> list[Read]:
        out: list[Read] = []
        for rel in share:
            info, st = read_info_stat(root, rel, config)
            key = None
            if st is not None and (started is None or not _racy(st, started)):
                key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if info is None:
                out.append((key, None, None, None))
            else:
                facts = (folded_title(info), folded_claims(info, config))
                out.append((key, info, info.kind, facts))
        return out

    def pack(found: Read) -> tuple[object, ...]:
        key, info, kind, facts = found
        return (key, None if info is None else encode(info), kind, facts)

    found = halves(paths, read, pack)
    origin: Origin = (root, config, None)
    for i, (rel, row) in enumerate(zip(paths, found, strict=True)):
        blob = row[1]
        if isinstance(blob, bytes):  # read by the second process
            key, _, kind, facts = row
            info = decode(blob, rel, kind or "", origin, zlib.adler32(blob))
            if facts is not None:
                info.__dict__[FOLDED_TITLE], info.__dict__[FOLDED_CLAIMS] = facts
            found[i] = (key, info, kind, facts)
    return found


def _saving(
    file: Path,
    delta_file: Path,
    head: Header,
    main: Index | None,
    entries: dict[str, Entry],
    fresh: set[str],
    served: set[str],
) -> Callable[[], None] | None:
    """What brings the files up to date: nothing (``None``) when no note was read, a delta
    when a few were, the whole index when there is none or it has gone too stale. Decided
    here, so that what is returned holds the entries it writes, not the index as read."""
    if main is not None:
        changed = fresh | served
        stale = len(main.table) - (len(entries) - len(changed))
        limit = _limit(len(entries))
        if len(changed) <= limit and stale <= limit:
            if not fresh:
                return None
            delta = {p: entries[p] for p in changed}
            delta_head = (head, main.ident)

            def write_delta() -> None:
                write_index(delta_file, delta_head, delta)

            return write_delta

    def write_whole() -> None:
        if write_index(file, head, entries) is not None:
            with contextlib.suppress(OSError):
                os.unlink(delta_file)

    return write_whole
