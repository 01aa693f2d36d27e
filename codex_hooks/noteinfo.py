"""What the rules know of one note (the ``index`` layer's bottom): :class:`NoteInfo`,
built from a note's text (:func:`build_info`) or read from disk (:func:`read_info`), and
the facts derived from it that the whole-knowledge-base lookups need; and the index's
memo (:class:`IndexMemo`), here so that the index's helper modules can declare keys.

The parser, the link scanner and the note reader are imported by the functions that
index notes: a run served wholly from the on-disk index never needs them.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .memo import Memo, MemoKey
from .titles import normalize_title, stem
from .typing_runtime import TypeVar, overload
from .values import AGENT, CLAIM, ENTITY, MAP, OTHER, SOURCE, as_list

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .frontmatter import Value
    from .links import WikiLink
    from .note import Note
    from .settings import Config


T = TypeVar("T")

#: What every comment that suppresses a finding holds (see :mod:`codex_hooks.suppress`).
MARKER = "codex-hooks:"

_EVIDENCE = re.compile(r"^#{2,4}\s*Additional Evidence\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """A note that could not be read: the error's code, message and position."""

    code: str
    message: str
    line: int
    column: int
    hint: str


@dataclass
class NoteInfo:
    """What the checks need to know about one note, as plain (cacheable) data."""

    path: str
    kind: str
    data: dict[str, Value] | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    links: list[WikiLink] = field(default_factory=list)
    #: Source titles cited by ``### Additional Evidence`` blocks in the body.
    evidence: list[str] = field(default_factory=list)
    problem: Problem | None = None
    has_frontmatter: bool = False
    #: Whether the note's text holds :data:`MARKER` anywhere: only then is it read
    #: again, for the comments that suppress findings (see :mod:`codex_hooks.suppress`).
    marked: bool = False

    @property
    def title(self) -> str:
        """The note's title: its file name without ``.md``."""
        return stem(self.path)

    def get(self, key: str) -> Value:
        """A frontmatter value (``None`` when absent or unreadable)."""
        return self.data.get(key) if self.data else None

    def has(self, key: str) -> bool:
        """Whether the frontmatter defines ``key``."""
        return key in self.data if self.data else False


# -- facts derived from one note --------------------------------------------------------
#
# Lookups over the whole knowledge base (notes by title, sources by the claims they list)
# need a fact or two from every note. Each is worked out once per note and kept on it; the
# on-disk index stores them beside the note, so that checking one note of a large
# knowledge base neither decodes every source's frontmatter nor folds every title.


def folded_title(info: NoteInfo) -> str:
    """The note's title as list entries name it (see :func:`normalize_title`)."""
    found = info.__dict__.get(FOLDED_TITLE)
    if found is None:
        found = info.__dict__[FOLDED_TITLE] = normalize_title(stem(info.path))
    return found


def folded_claims(info: NoteInfo, config: Config) -> tuple[tuple[str, str], ...]:
    """A source's ``claims_extracted`` entries, each with its folded form (``()`` for any
    other note)."""
    found = info.__dict__.get(FOLDED_CLAIMS)
    if found is None:
        entries = []
        if info.kind == SOURCE and info.data:
            entries = as_list(info.get(config.field_name("claims_extracted")))
        found = tuple((entry, normalize_title(entry)) for entry in entries)
        info.__dict__[FOLDED_CLAIMS] = found
    return found


#: Where :func:`folded_title` and :func:`folded_claims` keep their answer on a note.
FOLDED_TITLE, FOLDED_CLAIMS = "_folded_title", "_folded_claims"


def classify(path: str, data: dict[str, Value] | None, config: Config) -> str:
    """A note's kind from its folder and ``type`` (legacy types understood)."""
    kind = data.get("type") if data else None
    kind = kind.strip().lower() if isinstance(kind, str) else ""
    name = path.rsplit("/", 1)[-1]

    def under(dirs: list[str]) -> bool:
        return any(path.startswith(d.rstrip("/") + "/") for d in dirs)

    if kind == "entity" or under(config.entity_dirs):
        return ENTITY
    if name == "_map.md" or kind in ("topic-map", "moc", "map") or under(config.map_dirs):
        return MAP
    if under([config.agents_dir]):
        return AGENT
    if kind in config.claim_types:
        return CLAIM
    if kind in config.source_types or (under(config.source_dirs) and data is not None):
        return SOURCE
    if under(config.claim_dirs) and data is not None and not kind:
        return CLAIM
    return OTHER


def build_info(note: Note, config: Config) -> NoteInfo:
    """Index one note: parse its frontmatter, classify it, scan its body."""
    from .links import scan_links
    from .quickparse import quick_parse

    data: dict[str, Value] | None
    if not note.has_frontmatter:  # nothing to parse (nor PyYAML to import for it)
        data, lines = None, {}
    elif (quick := quick_parse(note.frontmatter_text)) is not None:
        first = note.fences[0] + 2  # the 1-based line of the frontmatter's first line
        data = _shared(quick[0])
        lines = {sys.intern(k): line + first for k, line in quick[1].items()}
    else:  # more than the plain subset: libyaml reads it
        from .errors import NoteError
        from .frontmatter import parse_frontmatter

        try:
            fm = parse_frontmatter(note, spans=False)
        except NoteError as exc:
            problem = Problem(exc.code, exc.message, exc.line, exc.column, exc.hint)
            info = NoteInfo(note.path, classify(note.path, None, config), problem=problem)
            info.has_frontmatter = note.has_frontmatter
            info.marked = MARKER in note.text
            return info
        data = _shared(fm.data) if fm.present else None
        lines = {sys.intern(k): line + 1 for k, line in fm.lines.items()}
    info = NoteInfo(
        note.path,
        classify(note.path, data, config),
        data,
        lines,
        has_frontmatter=note.has_frontmatter,
        marked=MARKER in note.text,
    )
    body_lines = note.lines[note.body_start :]
    body = note.text[sum(map(len, note.lines[: note.body_start])) :]
    info.links = scan_links(body_lines, note.body_start + 1, body)
    # Every line it takes holds "Source:": most bodies need no look.
    info.evidence = _evidence_sources(body_lines) if "Source:" in body else []
    return info


#: Strings up to this long are interned when a note is indexed: field names, types,
#: statuses, domains, dates and tags then exist once for the whole knowledge base, not
#: once per note (and the on-disk index keeps them shared, see cache.py).
SHARED_CHARS = 40


@overload
def _shared(value: dict[str, Value]) -> dict[str, Value]: ...
@overload
def _shared(value: Value) -> Value: ...
def _shared(value: Value) -> Value:
    if isinstance(value, str):
        return sys.intern(value) if len(value) <= SHARED_CHARS else value
    if isinstance(value, dict):
        return {sys.intern(k): _shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v) for v in value]
    return value


def _evidence_sources(lines: list[str]) -> list[str]:
    """Titles cited as ``*Source: [[x]]`` within ``### Additional Evidence`` sections."""
    out: list[str] = []
    from .links import scan_links

    inside = False
    for line in lines:
        if line.startswith("#"):
            inside = bool(_EVIDENCE.match(line))
            continue
        if inside and "Source:" in line and "[[" in line:
            for link in scan_links([line]):
                out.append(link.target)
    return out


def read_info(root: Path, rel: str, config: Config) -> NoteInfo | None:
    """Read and index one note (``None`` when it vanished or is not a regular file)."""
    return read_info_stat(root, rel, config)[0]


#: Open without following a symbolic link that replaced the note since it was looked at,
#: and without blocking on a named pipe.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_regular(full: str, st: os.stat_result) -> bytes | None:
    """The bytes of the regular file at ``full``, whose ``lstat`` was ``st``: never
    through a symbolic link that replaced it since, never blocking on a named pipe, all
    of it if it grew meanwhile; ``None`` when it cannot be read."""
    try:
        fd = os.open(full, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # it grew since the stat
            parts = [data]
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data


def read_info_stat(
    root: Path, rel: str, config: Config
) -> tuple[NoteInfo | None, os.stat_result | None]:
    """:func:`read_info`, with the ``lstat`` of the note taken before it was read (so that
    a change while reading shows as a changed stat next time). The stat is also given for
    a path that is not a regular file (a symlink is never opened), and is ``None`` when
    there is none."""
    full = os.path.join(root, rel)
    try:
        st = os.lstat(full)
    except OSError:
        return None, None
    if not stat.S_ISREG(st.st_mode):
        return None, st
    data = read_regular(full, st)
    if data is None:
        return None, None
    from .errors import NoteError
    from .note import Note

    try:
        note = Note.from_bytes(data, rel)
    except NoteError as exc:
        info = NoteInfo(
            rel,
            classify(rel, None, config),
            problem=Problem(exc.code, exc.message, exc.line, exc.column, exc.hint),
        )
        return info, st
    return build_info(note, config), st


# -- the index's memo ------------------------------------------------------------------

#: The index's own memoised lookups (resolution, title candidates, recorded renames, the
#: graph) are a :class:`~codex_hooks.memo.Memo`, made once per state of the notes and
#: cleared whenever a note changes; their keys are declared as ``IndexKey[T]``.
IndexKey = MemoKey
IndexMemo = Memo
