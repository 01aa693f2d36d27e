"""The knowledge-base index: every note's kind, title, link fields and body links.

Loading reads each markdown file once and parses its frontmatter with the fast read-only
parser; nothing here constructs round-trip YAML. Notes are found with git's file list
(tracked plus untracked-but-not-ignored), so ignored files stay out; outside git, a
directory walk is used.
"""

from __future__ import annotations

import fnmatch
import gc
import os
import re
import stat
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .config import Config, load_config
from .titles import clean_path, normalize_title, stem

if TYPE_CHECKING:
    from collections.abc import Callable

    from .baseline import Baseline
    from .frontmatter import Value
    from .graph import Graph, Link, NoteRecord, Provenance
    from .links import WikiLink
    from .model import Violation
    from .note import Note

# The parser, the link scanner and the note reader are imported by the functions that
# index notes: a run served wholly from the on-disk index never needs them.

SOURCE, CLAIM, ENTITY, MAP, AGENT, OTHER = "source", "claim", "entity", "map", "agent", "other"
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

    @property
    def title(self) -> str:
        """The note's title: its file name without ``.md``."""
        return stem(self.path)

    def get(self, key: str) -> Value:
        """A frontmatter value (``None`` when absent or unreadable)."""
        return self.data.get(key) if self.data else None

    def has(self, key: str) -> bool:
        """Whether the frontmatter defines ``key``."""
        return bool(self.data) and key in self.data  # type: ignore[operator]


#: Lone words that stand for "no entries" where a list belongs (``claims_extracted: 0``,
#: ``enrichments_applied: none``), compared without case. They are never an entry and
#: never looked up as a title; FM011 reports them. YAML's own null (``null``, ``~``,
#: nothing) and an empty string also mean no entries, and are not reported.
NO_ENTRIES = frozenset({"0", "none", "null", "nil", "n/a"})


def means_no_entries(value: Value) -> bool:
    """Whether ``value`` is a lone word of :data:`NO_ENTRIES` (not YAML null, not a list)."""
    return isinstance(value, str) and value.strip().lower() in NO_ENTRIES


def as_list(value: Value) -> list[str]:
    """A list field's string entries; a lone string counts as one entry, unless it is a
    word that means "no entries" (see :data:`NO_ENTRIES`)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() and not means_no_entries(value) else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


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
    from .errors import NoteError
    from .frontmatter import parse_frontmatter
    from .links import scan_links

    try:
        fm = parse_frontmatter(note, spans=False)
    except NoteError as exc:
        problem = Problem(exc.code, exc.message, exc.line, exc.column, exc.hint)
        info = NoteInfo(note.path, classify(note.path, None, config), problem=problem)
        info.has_frontmatter = note.has_frontmatter
        return info
    data = _shared(fm.data) if fm.present else None
    info = NoteInfo(
        note.path,
        classify(note.path, data, config),
        data,
        {sys.intern(k): line + 1 for k, line in fm.lines.items()},
        has_frontmatter=fm.present,
    )
    body_lines = note.lines[note.body_start :]
    body = note.text[sum(map(len, note.lines[: note.body_start])) :]
    info.links = scan_links(body_lines, note.body_start + 1, body)
    info.evidence = _evidence_sources(body_lines)
    return info


#: Strings up to this long are interned when a note is indexed: field names, types,
#: statuses, domains, dates and tags then exist once for the whole knowledge base, not
#: once per note (and the on-disk index keeps them shared, see cache.py).
SHARED_CHARS = 40


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


def start_listing(root: Path) -> tuple[subprocess.Popen, object] | None:
    """Start ``git ls-files`` for :func:`list_markdown` (``None`` outside git), so that the
    caller can do other work while git walks the tree. Its output goes to a temporary
    file: a pipe that nobody reads would stop git after 64 KiB."""
    if not (root / ".git").exists():
        return None
    import tempfile

    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by list_markdown)
    try:
        proc = subprocess.Popen(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        out.close()
        return None
    return proc, out


def list_markdown(
    root: Path, config: Config, listing: tuple[subprocess.Popen, object] | None = None
) -> list[str]:
    """Repo-relative POSIX paths of every markdown note under ``root`` (``listing``: what
    :func:`start_listing` started, else it is started here)."""
    paths: list[str] | None = None
    if listing is None:
        listing = start_listing(root)
    if listing is not None:
        proc, out = listing
        with out:  # type: ignore[attr-defined]
            if proc.wait() == 0:
                out.seek(0)  # type: ignore[attr-defined]
                raw = out.read()  # type: ignore[attr-defined]
                # git lists tracked files sorted, then untracked ones: a nearly sorted list,
                # which sorted() orders in one pass (a set would scramble it).
                listed = raw.decode("utf-8", "surrogateescape").split("\0")
                paths = sorted(dict.fromkeys(p for p in listed if p[-3:].lower() == ".md"))
    if paths is None:
        paths = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = Path(dirpath).relative_to(root)
            paths.extend(PurePosixPath(*rel.parts, f).as_posix() for f in filenames)
        paths.sort()
    paths = [p for p in paths if p[-3:].lower() == ".md"]
    if not config.exclude:
        return paths
    # What fnmatch.fnmatch does for each pattern, as one compiled expression.
    norm = os.path.normcase
    excluded = re.compile("|".join(fnmatch.translate(norm(pat)) for pat in config.exclude))
    return [p for p in paths if not excluded.match(norm(p))]


class NoteTable(dict):
    """``kb.notes``: path → :class:`NoteInfo` (what the rules read), and, called,
    ``kb.notes()``: every note as a :class:`~codex_hooks.graph.NoteRecord`.

    >>> len(kb.notes()) == len(kb.notes)
    True
    >>> kb.notes()[0].path
    'README.md'
    """

    __slots__ = ("kb",)

    def __call__(self) -> tuple[NoteRecord, ...]:
        from .graph import GraphIndex

        return GraphIndex.of(self.kb).records()


class KnowledgeBase:
    """A knowledge base loaded from disk: its notes, their links and provenance, checks
    and fixes.

    >>> kb = KnowledgeBase.load(root)                  # root: the knowledge base's folder
    >>> len(kb.claims()), len(kb.sources())
    (6, 8)
    >>> sorted({v.code for v in kb.check()})[:3]
    ['BL001', 'BL003', 'FM002']
    >>> len(kb.fix(dry_run=True).changes)              # what the safe fixes would change
    3
    """

    def __init__(self, root: Path, config: Config, notes: dict[str, NoteInfo]) -> None:
        self.root = root
        self.config = config
        self.notes = NoteTable(notes)
        self.notes.kb = self
        #: Notes edited in memory by :meth:`fix` and not yet written.
        self.pending: dict[str, Note] = {}
        #: Notes whose staged content a check reads instead of the work tree's (see
        #: :func:`codex_hooks.staged.use_staged_content`).
        self.staged: dict[str, Note] = {}
        #: The notes the current check covers (rules report a pair once, on one side).
        self.checking: set[str] = set()
        #: Memoised per-note results of the rules, cleared whenever a note changes.
        self.memo: dict[object, object] = {}

    @classmethod
    def load(
        cls, root: str | os.PathLike[str] = ".", config: Config | None = None, cache: bool = True
    ) -> KnowledgeBase:
        """Index every markdown note under ``root`` (``config`` defaults to the
        knowledge base's own configuration). ``cache`` allows the on-disk index."""
        base = Path(root).resolve()
        config = config or load_config(base)
        listing = start_listing(base)
        opened = None
        if cache:  # read the index while git lists the notes
            from .cache import load_cached, open_index

            opened = open_index(base, config)
        paths = list_markdown(base, config, listing)
        # Indexing builds millions of small containers and frees none (no cycles among
        # them): the cyclic collector would only rescan them, a third of a large load.
        collecting = gc.isenabled()
        gc.disable()
        try:
            notes = None
            if opened is not None:
                notes = load_cached(base, config, paths, opened)
            if notes is None:
                notes = {}
                for rel in paths:
                    info = read_info(base, rel, config)
                    if info is not None:
                        notes[rel] = info
        finally:
            if collecting:
                gc.enable()
        return cls(base, config, notes)

    # -- indexes ----------------------------------------------------------------------

    @cached_property
    def titles(self) -> dict[str, list[str]]:
        """Normalised title → paths of the notes with that title."""
        index: dict[str, list[str]] = defaultdict(list)
        for path, info in self.notes.items():
            index[folded_title(info)].append(path)
        return dict(index)

    @cached_property
    def agents(self) -> set[str]:
        """Legal ``processed_by`` values: folders under the agents folder, plus configured."""
        prefix = self.config.agents_dir.rstrip("/") + "/"
        found = {p[len(prefix) :].split("/", 1)[0] for p in self.notes if p.startswith(prefix)}
        found = {a for a in found if a and not a.lower().endswith(".md")}
        agents_root = self.root / self.config.agents_dir
        if agents_root.is_dir():
            found |= {d.name for d in agents_root.iterdir() if d.is_dir()}
        return found | set(self.config.agents)

    @cached_property
    def listed_by(self) -> dict[str, list[tuple[str, str]]]:
        """Claim path → ``(source path, field)`` for every source entry naming it."""
        index: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for path, info in self.notes.items():
            if info.kind != SOURCE or not info.data:
                continue
            for key in ("claims_extracted", "enrichments_applied"):
                for entry in as_list(info.get(self.config.field_name(key))):
                    for target in self.resolve(entry):
                        index[target].append((path, key))
        return dict(index)

    @cached_property
    def cited_by(self) -> dict[str, list[str]]:
        """Source-ish path → notes whose ``sourced_from`` names it."""
        index: dict[str, list[str]] = defaultdict(list)
        key = self.config.field_name("sourced_from")
        for path, info in self.notes.items():
            for ref in as_list(info.get(key)):
                index[clean_path(ref)].append(path)
        return dict(index)

    def resolve(self, ref: str) -> list[str]:
        """Paths of the notes a title, file name, ``[[link]]`` or path reference names.

        Titles are compared folded (case, spaces, hyphens, underscores, ``.md``), as list
        entries are written loosely; body wiki links resolve strictly, see
        :class:`~codex_hooks.links.LinkIndex`. A reference to a note that git shows
        renamed since ``HEAD`` names the note at its new path (rule WL005 rewrites it).
        """
        key = ("resolve", ref)  # several rules resolve the same entries: once per state
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._resolve(ref)
        return found  # type: ignore[return-value]

    def _resolve(self, ref: str) -> list[str]:
        hits = self.resolve_title(ref)
        if not hits and ref.strip():
            from .rename import renamed_to

            return renamed_to(self, ref.strip())
        return hits

    def resolve_title(self, ref: str) -> list[str]:
        """:meth:`resolve` without following renames: the notes whose folded title is the
        reference's, narrowed by its folders when it has some and several notes match."""
        ref = ref.strip()
        if not ref:
            return []
        hits = self.titles.get(normalize_title(ref), [])
        if not hits:
            return []
        target = ref.strip("[]").split("|", 1)[0].split("#", 1)[0].strip()
        if "/" in target and len(hits) > 1:
            suffix = target if target.lower().endswith(".md") else target + ".md"
            narrowed = [h for h in hits if h.lower().endswith(suffix.lower())]
            return narrowed or hits
        return hits

    def invalidate(self) -> None:
        """Drop derived indexes after notes changed."""
        for name in ("titles", "listed_by", "cited_by"):
            self.__dict__.pop(name, None)
        self.memo.clear()

    @cached_property
    def renames(self) -> dict[str, str]:
        """Old path → new path for notes git sees renamed since ``HEAD`` (staged or not)."""
        from .gitutil import renames

        return renames(self.root)

    # -- the graph: notes, links and provenance as plain records (see graph.py) ---------

    def claims(self) -> tuple[NoteRecord, ...]:
        """Every claim, as :class:`~codex_hooks.graph.NoteRecord`, in path order.

        >>> kb.claims()[0].title
        'market oversight makes agent behaviour observable'
        """
        from .graph import GraphIndex

        return GraphIndex.of(self).records(CLAIM)

    def sources(self) -> tuple[NoteRecord, ...]:
        """Every source, as :class:`~codex_hooks.graph.NoteRecord`, in path order.

        >>> [s.status for s in kb.sources()][:3]
        ['processed', 'processed', 'procesed']
        """
        from .graph import GraphIndex

        return GraphIndex.of(self).records(SOURCE)

    def note(self, path: str) -> NoteRecord:
        """The note at ``path`` (repo-relative); ``KeyError`` when there is none.

        >>> claim = kb.note("domains/internet-finance/futarchy separates what a community wants from how it gets there.md")
        >>> claim.kind, claim.confidence, claim.dates["created"]
        ('claim', 'likely', '2026-01-10')
        """
        from .graph import GraphIndex

        index = GraphIndex.of(self)
        return index.record(index.path_of(path))

    def sources_of(self, claim: str | NoteRecord) -> tuple[Provenance, ...]:
        """The provenance links of a claim (a path or record): each names the source, the
        kind (``extraction`` or ``enrichment``) and which side declares it (``claim``,
        ``source`` or ``both``).

        >>> claim = "domains/internet-finance/futarchy separates what a community wants from how it gets there.md"
        >>> [(p.source, p.kind, p.declared_by) for p in kb.sources_of(claim)]
        [('inbox/archive/2026-01-10-hanson-futarchy-vote-values-bet-beliefs.md', 'extraction', 'both')]
        """
        from .graph import GraphIndex

        index = GraphIndex.of(self)
        return index.sources_of(index.path_of(claim))

    def claims_of(self, source: str | NoteRecord) -> tuple[Provenance, ...]:
        """The provenance links of a source (a path or record), as :meth:`sources_of`.

        >>> [p.claim for p in kb.claims_of("inbox/archive/2026-01-20-conditional-tokens-explainer.md")]
        ['domains/internet-finance/conditional tokens let one market settle on several outcomes.md']
        """
        from .graph import GraphIndex

        index = GraphIndex.of(self)
        return index.claims_of(index.path_of(source))

    def links_from(self, note: str | NoteRecord) -> tuple[Link, ...]:
        """Every wiki link in the note's body and every ``[[link]]`` (or ``depends_on``
        title) in its frontmatter, each with where it is and the note it resolves to
        (``None``: it names none).

        >>> [(link.line, link.resolves_to) for link in kb.links_from("maps/alignment and markets.md")]
        [(8, 'domains/internet-finance/futarchy ... gets there.md'), (9, ...), (10, ...), (11, None)]
        """
        from .graph import GraphIndex

        index = GraphIndex.of(self)
        return index.links_from(index.path_of(note))

    def backlinks(self, note: str | NoteRecord) -> tuple[Link, ...]:
        """The links of other notes (and its own) that resolve to the note.

        >>> [link.note for link in kb.backlinks("domains/internet-finance/futarchy separates what a community wants from how it gets there.md")]
        ['maps/alignment and markets.md']
        """
        from .graph import GraphIndex

        index = GraphIndex.of(self)
        return index.backlinks(index.path_of(note))

    def graph(self) -> Graph:
        """Every note as a node, every resolved link and provenance link as a typed edge;
        see :class:`~codex_hooks.graph.Graph` (``to_dict()``, ``to_networkx()``).

        >>> graph = kb.graph()
        >>> len(graph.nodes) == len(kb.notes), graph.counts()["edges_by_type"]["extraction"]
        (True, 4)
        """
        from .graph import GraphIndex

        return GraphIndex.of(self).graph()

    # -- reading and updating ---------------------------------------------------------

    def read_note(self, path: str) -> Note:
        """The current text of a note: the in-memory edit when there is one, else disk."""
        if path in self.pending:
            return self.pending[path]
        if path in self.staged:
            return self.staged[path]
        from .note import Note
        from .write import resolve_inside

        return Note.read(resolve_inside(self.root, path), path)

    def update(self, note: Note) -> None:
        """Record an edited note in memory and re-index it."""
        self.pending[note.path] = note
        self.notes[note.path] = build_info(note, self.config)
        self.invalidate()

    # -- the engine -------------------------------------------------------------------

    @cached_property
    def baseline(self) -> Baseline | None:
        """The knowledge base's baseline (``None`` when it has none); see
        :mod:`codex_hooks.baseline`. A file that cannot be used raises ConfigError."""
        from .baseline import load, location

        return load(location(self.root, self.config))

    def check(self, paths: list[str] | None = None, baseline: bool = True) -> list:
        """Violations of the notes at ``paths`` (repo-relative; ``None``: every note).
        With ``baseline``, the findings the baseline records are left out; the counts of
        what was hidden come with :func:`engine.run_check`."""
        from .engine import check

        return check(self, paths, baseline=baseline)

    def fix(
        self,
        paths: list[str] | None = None,
        dry_run: bool = False,
        unsafe_fixes: bool = False,
        baseline: bool = True,
        keep: Callable[[Violation], bool] | None = None,
    ):
        """Apply every safe fix for the notes at ``paths`` (with ``unsafe_fixes``, the
        unsafe ones too); see :func:`engine.fix`. Findings the baseline records are
        neither fixed nor reported unless ``baseline`` is false; ``keep`` narrows the
        findings the fixes come from."""
        from .engine import fix

        return fix(
            self, paths, dry_run=dry_run, unsafe_fixes=unsafe_fixes, baseline=baseline, keep=keep
        )


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
    try:
        fd = os.open(full, _OPEN_FLAGS)
    except OSError:
        return None, None
    try:
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # it grew since the stat
            parts = [data]
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
    except OSError:
        return None, None
    finally:
        os.close(fd)
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
