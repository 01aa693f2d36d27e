"""The knowledge-base index (the ``index`` layer): every note's kind, title, link fields
and body links, and the lookups over all of them (titles, resolution, provenance).

Loading reads each markdown file once and parses its frontmatter with the fast read-only
parser; nothing here constructs round-trip YAML. Notes are found with git's file list
(tracked plus untracked-but-not-ignored), so ignored files stay out; outside git, a
directory walk is used.
"""

from __future__ import annotations

import fnmatch
import os
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import cached_property
from pathlib import Path, PurePosixPath

from .collector import paused
from .fuzzy import extract
from .noteinfo import (
    FOLDED_CLAIMS,
    FOLDED_TITLE,
    IndexKey,
    IndexMemo,
    NoteInfo,
    Problem,
    build_info,
    classify,
    folded_claims,
    folded_title,
    read_info,
    read_info_stat,
)
from .settings import Config, load_config
from .titles import clean_path, normalize_title
from .typing_runtime import TypeVar
from .values import (
    AGENT,
    CLAIM,
    ENTITY,
    MAP,
    NO_ENTRIES,
    OTHER,
    SOURCE,
    as_list,
    means_no_entries,
)

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    from .gitutil import Started
    from .graph import Graph, Link, NoteRecord, Provenance
    from .note import Note

#: The index's names: its own, and those of the modules below it that its importers read
#: here.
__all__ = [
    "AGENT",
    "CLAIM",
    "ENTITY",
    "FOLDED_CLAIMS",
    "FOLDED_TITLE",
    "MAP",
    "NO_ENTRIES",
    "OTHER",
    "SOURCE",
    "IndexKey",
    "IndexMemo",
    "NoteIndex",
    "NoteInfo",
    "NoteTable",
    "Problem",
    "as_list",
    "build_info",
    "classify",
    "folded_claims",
    "folded_title",
    "list_markdown",
    "means_no_entries",
    "read_info",
    "read_info_stat",
    "start_listing",
    "title_candidates",
]

#: What :func:`start_listing` started: git, and the file its output goes to.
Listing = tuple["Started", "IO[bytes]"]


def start_listing(root: Path) -> Listing | None:
    """Start ``git ls-files`` for :func:`list_markdown` (``None`` outside git), so that the
    caller can do other work while git walks the tree. Its output goes to a temporary
    file: a pipe that nobody reads would stop git after 64 KiB."""
    if not (root / ".git").exists():
        return None
    from .gitutil import list_files, scratch_file

    out = scratch_file()
    proc = list_files(root, out)
    if proc is None:
        out.close()
        return None
    return proc, out


def list_markdown(root: Path, config: Config, listing: Listing | None = None) -> list[str]:
    """Repo-relative POSIX paths of every markdown note under ``root`` (``listing``: what
    :func:`start_listing` started, else it is started here)."""
    paths: list[str] | None = None
    if listing is None:
        listing = start_listing(root)
    if listing is not None:
        proc, out = listing
        with out:
            if proc.wait() == 0:
                out.seek(0)
                raw = out.read()
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


class NoteTable(dict[str, NoteInfo]):
    """``kb.notes``: path → :class:`NoteInfo` (what the rules read), and, called,
    ``kb.notes()``: every note as a :class:`~codex_hooks.graph.NoteRecord`.

    >>> len(kb.notes()) == len(kb.notes)
    True
    >>> kb.notes()[0].path
    'README.md'
    """

    __slots__ = ("kb",)
    kb: NoteIndex

    def __call__(self) -> tuple[NoteRecord, ...]:
        from .graphindex import GraphIndex

        return GraphIndex.of(self.kb).records()


_Index = TypeVar("_Index", bound="NoteIndex")


RESOLVED: IndexKey[list[str]] = IndexKey("resolve")
TITLE_CANDIDATES: IndexKey[list[tuple[str, float]]] = IndexKey("title-candidates")
#: Per kind: its notes' paths, folded titles, their positions by length, and the lengths.
TITLES_OF: IndexKey[tuple[list[str], list[str], list[int], list[int]]] = IndexKey("titles-of")


class NoteIndex:
    """A knowledge base loaded from disk: its notes, their titles, links and provenance.
    The rules read it; :class:`codex_hooks.kb.KnowledgeBase` adds checking and fixing.

    >>> kb = NoteIndex.load(root)                      # root: the knowledge base's folder
    >>> len(kb.claims()), len(kb.sources())
    (6, 8)
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
        #: The index's own memoised lookups, cleared whenever a note changes.
        self.memo = IndexMemo()
        #: What :meth:`write_index` has yet to do.
        self._unwritten: list[Callable[[], None]] = []
        #: The renames git has staged, when a caller has asked git already (see
        #: :func:`codex_hooks.staged.commit_scope`): :attr:`renames` need not ask again.
        self.staged_renames: dict[str, str] | None = None

    @classmethod
    def load(
        cls: type[_Index],
        root: str | os.PathLike[str] = ".",
        config: Config | None = None,
        cache: bool = True,
        write_later: bool = False,
    ) -> _Index:
        """Index every markdown note under ``root`` (``config`` defaults to the
        knowledge base's own configuration). ``cache`` allows the on-disk index (and the
        parsed settings kept beside it); ``write_later`` leaves bringing it up to date to
        :meth:`write_index`, for a caller that has a better moment for it."""
        base = Path(root).resolve()
        config = config or load_config(base, cache)
        listing = start_listing(base)
        opened = None
        if cache:  # read the index while git lists the notes
            from .cache import load_cached, open_index

            opened = open_index(base, config)
        if opened is None or opened.main is None:
            # Every note will be read: what reading one needs is imported while git lists,
            # once, before a second process starts (else both would import it).
            from . import note, quickparse  # noqa: F401
        paths = list_markdown(base, config, listing)
        # Indexing builds millions of small containers and frees none (no cycles among
        # them): the cyclic collector would only rescan them, a third of a large load.
        pending: list[Callable[[], None]] = []
        with paused():
            notes = None
            if opened is not None:
                notes = load_cached(base, config, paths, opened, pending)
            if notes is None:
                from .cache import read_notes

                found = read_notes(base, config, paths)
                notes = {rel: r[1] for rel, r in zip(paths, found, strict=True) if r[1] is not None}
        index = cls(base, config, notes)
        index._unwritten = pending
        if not write_later:
            index.write_index()
        return index

    def write_index(self) -> None:
        """Bring the on-disk index up to date, when :meth:`load` was told to leave it for
        later (``write_later``); else do nothing. The command line does it while a second
        process checks notes (see :func:`codex_hooks.parallel.halves`)."""
        while self._unwritten:
            self._unwritten.pop()()

    # -- indexes ----------------------------------------------------------------------

    @cached_property
    def titles(self) -> dict[str, list[str]]:
        """Normalised title → paths of the notes with that title."""
        index: dict[str, list[str]] = {}
        for path, info in self.notes.items():  # once per note, for a one-note check too
            title = folded_title(info)
            found = index.get(title)
            if found is None:
                index[title] = [path]
            else:
                found.append(path)
        return index

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
        :class:`~codex_hooks.linkindex.LinkIndex`. A reference to a note that git shows
        renamed since ``HEAD`` names the note at its new path (rule WL005 rewrites it).
        """
        # Several rules resolve the same entries: once per state.
        return self.memo.get(RESOLVED, lambda: self._resolve(ref), ref)

    def _resolve(self, ref: str) -> list[str]:
        hits = self.resolve_title(ref)
        if not hits and ref.strip():
            from .moves import renamed_to

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

        return renames(self.root, self.staged_renames)

    # -- the graph: notes, links and provenance as plain records (see graph.py) ---------

    def claims(self) -> tuple[NoteRecord, ...]:
        """Every claim, as :class:`~codex_hooks.graph.NoteRecord`, in path order.

        >>> kb.claims()[0].title
        'market oversight makes agent behaviour observable'
        """
        from .graphindex import GraphIndex

        return GraphIndex.of(self).records(CLAIM)

    def sources(self) -> tuple[NoteRecord, ...]:
        """Every source, as :class:`~codex_hooks.graph.NoteRecord`, in path order.

        >>> [s.status for s in kb.sources()][:3]
        ['processed', 'processed', 'procesed']
        """
        from .graphindex import GraphIndex

        return GraphIndex.of(self).records(SOURCE)

    def note(self, path: str) -> NoteRecord:
        """The note at ``path`` (repo-relative); ``KeyError`` when there is none.

        >>> claim = kb.note("domains/internet-finance/futarchy separates what a community wants from how it gets there.md")
        >>> claim.kind, claim.confidence, claim.dates["created"]
        ('claim', 'likely', '2026-01-10')
        """
        from .graphindex import GraphIndex

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
        from .graphindex import GraphIndex

        index = GraphIndex.of(self)
        return index.sources_of(index.path_of(claim))

    def claims_of(self, source: str | NoteRecord) -> tuple[Provenance, ...]:
        """The provenance links of a source (a path or record), as :meth:`sources_of`.

        >>> [p.claim for p in kb.claims_of("inbox/archive/2026-01-20-conditional-tokens-explainer.md")]
        ['domains/internet-finance/conditional tokens let one market settle on several outcomes.md']
        """
        from .graphindex import GraphIndex

        index = GraphIndex.of(self)
        return index.claims_of(index.path_of(source))

    def links_from(self, note: str | NoteRecord) -> tuple[Link, ...]:
        """Every wiki link in the note's body and every ``[[link]]`` (or ``depends_on``
        title) in its frontmatter, each with where it is and the note it resolves to
        (``None``: it names none).

        >>> [(link.line, link.resolves_to) for link in kb.links_from("maps/alignment and markets.md")]
        [(8, 'domains/internet-finance/futarchy ... gets there.md'), (9, ...), (10, ...), (11, None)]
        """
        from .graphindex import GraphIndex

        index = GraphIndex.of(self)
        return index.links_from(index.path_of(note))

    def backlinks(self, note: str | NoteRecord) -> tuple[Link, ...]:
        """The links of other notes (and its own) that resolve to the note.

        >>> [link.note for link in kb.backlinks("domains/internet-finance/futarchy separates what a community wants from how it gets there.md")]
        ['maps/alignment and markets.md']
        """
        from .graphindex import GraphIndex

        index = GraphIndex.of(self)
        return index.backlinks(index.path_of(note))

    def graph(self) -> Graph:
        """Every note as a node, every resolved link and provenance link as a typed edge;
        see :class:`~codex_hooks.graph.Graph` (``to_dict()``, ``to_networkx()``).

        >>> graph = kb.graph()
        >>> len(graph.nodes) == len(kb.notes), graph.counts()["edges_by_type"]["extraction"]
        (True, 4)
        """
        from .graphindex import GraphIndex

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


def title_candidates(kb: NoteIndex, entry: str, kind: str) -> list[tuple[str, float]]:
    """Notes of ``kind`` whose titles are close to ``entry``: ``(path, score)``, best first
    (the fuzzy lookup of rules BL001 and BL002 and of ``link``'s source profiles)."""
    # BL001/BL002 and entry_targets ask alike.
    return kb.memo.get(TITLE_CANDIDATES, lambda: _title_candidates(kb, entry, kind), entry, kind)


def _title_candidates(kb: NoteIndex, entry: str, kind: str) -> list[tuple[str, float]]:
    paths, titles, by_length, lengths = kb.memo.get(TITLES_OF, lambda: _titles_of(kb, kind), kind)
    name = normalize_title(entry)
    cutoff = kb.config.fuzzy_threshold
    # fuzz.ratio cannot reach the cutoff when the shorter title is under this share of
    # the longer: only titles of a length that can are scored (a character of margin).
    share = cutoff / (200.0 - cutoff) if cutoff < 100 else 1.0
    lo, hi = len(name) * share - 1, (len(name) / share + 1 if share > 0 else float("inf"))
    ids = sorted(by_length[bisect_left(lengths, lo) : bisect_right(lengths, hi)])
    found = extract(name, [titles[i] for i in ids], cutoff, limit=5)
    return [(paths[ids[i]], score) for _, score, i in found]


def _titles_of(kb: NoteIndex, kind: str) -> tuple[list[str], list[str], list[int], list[int]]:
    paths = [p for p, info in kb.notes.items() if info.kind == kind]
    titles = [folded_title(kb.notes[p]) for p in paths]
    by_length = sorted(range(len(titles)), key=lambda i: len(titles[i]))
    return paths, titles, by_length, [len(titles[i]) for i in by_length]
