"""Building the knowledge graph's records (:mod:`codex_hooks.graph`) from the index:
each note's record, its links resolved as the checker resolves them, and the provenance
index both ways, computed once per state of the index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from .collector import paused
from .graph import (
    _EMPTY,
    BY_BOTH,
    BY_CLAIM,
    BY_SOURCE,
    DATE_FIELDS,
    ENRICHMENT,
    EXTRACTION,
    FRONTMATTER,
    TYPED_FIELDS,
    WIKI,
    Edge,
    Graph,
    Link,
    NoteRecord,
    Provenance,
)
from .linkindex import _order
from .links import PROVENANCE_FIELDS
from .noteinfo import IndexKey
from .titles import clean_path
from .values import CLAIM, SOURCE, as_list

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .linkindex import LinkIndex
    from .noteinfo import NoteInfo


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def record(info: NoteInfo) -> NoteRecord:
    """The :class:`NoteRecord` of one indexed note."""
    data = info.data
    dates: Mapping[str, str] = _EMPTY
    if data:
        found = {k: v for k in DATE_FIELDS if (v := _text(data.get(k))) is not None}
        if found:
            dates = MappingProxyType(found)
    problem = None
    if info.problem is not None:
        bad = info.problem
        problem = f"{bad.code} at line {bad.line}, column {bad.column}: {bad.message}"
    return NoteRecord(
        info.path,
        info.kind,
        info.title,
        _text(info.get("domain")),
        _text(info.get("status")),
        _text(info.get("confidence")),
        dates,
        # Read-only: the mapping is the index's own, which the checks read.
        MappingProxyType(data) if data is not None else None,
        problem,
    )


def frontmatter_refs(kb: NoteIndex, info: NoteInfo) -> Iterator[tuple[str, str, bool]]:
    """``(key, entry, is_link)`` for every ``[[link]]`` in the frontmatter and every plain
    title of a title list field: the entries rule WL004 resolves, from the same walk
    (:func:`~codex_hooks.links.frontmatter_entries`)."""
    from .links import frontmatter_entries, links_in_text

    skip = {kb.config.field_name(f) for f in PROVENANCE_FIELDS} | set(PROVENANCE_FIELDS)
    for key, entry, _ in frontmatter_entries(info.data, skip):
        if "[[" in entry:
            for raw in dict.fromkeys(links_in_text(entry)):
                yield key, raw, True
        else:
            yield key, entry, False


def _title_target(kb: NoteIndex, entry: str) -> str | None:
    """The note a ``depends_on`` title names: a claim before any other note of that title,
    then Obsidian's order (shortest path). Rule WL004 asks only that it names one."""
    found = _title_targets(kb, entry)
    return min(found, key=_order) if found else None


def _title_targets(kb: NoteIndex, entry: str) -> list[str]:
    """The notes a list entry names by its folded title, the claims alone when some are
    claims (as the BL rules read ``claims_extracted`` and ``enrichments_applied``)."""
    hits = kb.resolve_title(entry)
    return [h for h in hits if kb.notes[h].kind == CLAIM] or hits


#: A link's fields after its note (see :meth:`GraphIndex.link_rows`): target, raw text,
#: line, column, frontmatter field, the note it resolves to, type.
LinkRow = tuple[str, str, int, int, str, str | None, str]

#: The index's keys for the graph's facts and for the body links' resolution.
GRAPH_INDEX: IndexKey[GraphIndex] = IndexKey("graph-index")
LINK_INDEX: IndexKey[LinkIndex] = IndexKey("link-index")


class GraphIndex:
    """The graph's facts for one state of a knowledge base, worked out on first use and
    kept in ``kb.memo`` (dropped when a note changes). :class:`KnowledgeBase`'s graph
    methods delegate here."""

    def __init__(self, kb: NoteIndex) -> None:
        self.kb = kb
        self._records: dict[str, NoteRecord] = {}
        self._links: dict[str, tuple[Link, ...]] = {}
        self._provenance: list[Provenance] | None = None
        self._unresolved_provenance: list[Link] = []
        self._backlinks: dict[str, list[Link]] | None = None

    @staticmethod
    def of(kb: NoteIndex) -> GraphIndex:
        """The index of ``kb``'s current state."""
        return kb.memo.get(GRAPH_INDEX, lambda: GraphIndex(kb))

    @property
    def link_index(self) -> LinkIndex:
        from .linkindex import LinkIndex

        return self.kb.memo.get(LINK_INDEX, lambda: LinkIndex(self.kb.notes))

    def path_of(self, note: str | NoteRecord) -> str:
        """A note's repo-relative path from a path or a record (``KeyError`` when no note
        has it)."""
        path = getattr(note, "path", note)
        if not isinstance(path, str) or path not in self.kb.notes:
            raise KeyError(f"{path}: no such note in the knowledge base at {self.kb.root}")
        return path

    def record(self, path: str) -> NoteRecord:
        found = self._records.get(path)
        if found is None:
            found = self._records[path] = record(self.kb.notes[path])
        return found

    def records(self, kind: str | None = None) -> tuple[NoteRecord, ...]:
        return tuple(
            self.record(p) for p, info in self.kb.notes.items() if kind is None or info.kind == kind
        )

    # -- links ----------------------------------------------------------------------

    def links_from(self, path: str) -> tuple[Link, ...]:
        found = self._links.get(path)
        if found is None:
            found = self._links[path] = tuple(self._scan(path))
        return found

    def _scan(self, path: str) -> Iterator[Link]:
        for row in self.link_rows(path):
            yield Link(path, *row)

    def link_rows(self, path: str) -> Iterator[LinkRow]:
        """The fields of each :class:`Link` of a note after its ``note``, in order: what
        :meth:`links_from` holds, without a record built for each."""
        kb, index = self.kb, self.link_index
        info = kb.notes[path]
        for link, dests in index.resolve_links(info.links, path):
            yield (
                link.target,
                link.raw,
                link.line,
                link.column,
                "",
                dests[0] if dests else None,
                WIKI,
            )
        if not info.data:
            return
        from .links import parse_inner

        for key, entry, is_link in frontmatter_refs(kb, info):
            kind = key if key in TYPED_FIELDS else FRONTMATTER
            line = info.key_lines.get(key, 0)
            if is_link:
                target = parse_inner(entry[2:-2])[0]
                if not target:
                    continue
                dest = index.first(target, path)
            else:
                target = entry.strip()
                dest = _title_target(kb, target)
            yield target, entry.strip(), line, 0, key, dest, kind

    def backlinks(self, path: str) -> tuple[Link, ...]:
        if self._backlinks is None:
            found: dict[str, list[Link]] = defaultdict(list)
            for source in self.kb.notes:
                for link in self.links_from(source):
                    if link.resolves_to is not None:
                        found[link.resolves_to].append(link)
            self._backlinks = found
        return tuple(self._backlinks.get(path, ()))

    # -- provenance -----------------------------------------------------------------

    @property
    def provenance(self) -> list[Provenance]:
        """Every claim↔source link, each pair once per kind."""
        if self._provenance is None:
            self._provenance = self._build_provenance()
        return self._provenance

    def _build_provenance(self) -> list[Provenance]:
        kb = self.kb
        notes, config = kb.notes, kb.config
        # (claim, source, kind) -> sides seen; a dict keeps the first-seen order.
        sides: dict[tuple[str, str, str], set[str]] = {}
        unresolved: list[Link] = []

        def declare(claim: str, source: str, kind: str, side: str) -> None:
            sides.setdefault((claim, source, kind), set()).add(side)

        def entry(info: NoteInfo, key: str, text: str, kind: str, found: list[str]) -> str | None:
            # An entry names a note when it names one alone, as the BL rules read it; one
            # that names none, or several (a title two notes share), is left unresolved.
            if len(found) == 1:
                return found[0]
            line = info.key_lines.get(key, 0)
            unresolved.append(
                Link(info.path, text.strip(), text.strip(), line, 0, key, None, kind, tuple(found))
            )
            return None

        sourced_from = config.field_name("sourced_from")
        extracted = config.field_name("claims_extracted")
        enriched = [config.field_name("enrichments_applied")]
        if "enrichments" not in enriched:
            enriched.append("enrichments")  # the legacy spelling, still understood
        for path, info in notes.items():
            if info.data:
                for ref in as_list(info.get(sourced_from)):
                    found = _source_targets(kb, clean_path(ref))
                    target = entry(info, sourced_from, ref, EXTRACTION, found)
                    if target is not None and target != path:
                        declare(path, target, EXTRACTION, BY_CLAIM)
            for cited in info.evidence:
                # The citation is a body link too (its own edge, or unresolved); it is a
                # provenance link when it names one source, as rule BL007 reads it.
                found = [h for h in kb.resolve_title(cited) if notes[h].kind == SOURCE]
                if len(found) == 1 and found[0] != path:
                    declare(path, found[0], ENRICHMENT, BY_CLAIM)
            if info.kind != SOURCE or not info.data:
                continue
            for text in as_list(info.get(extracted)):
                target = entry(info, extracted, text, EXTRACTION, _title_targets(kb, text))
                if target is not None and target != path:
                    declare(target, path, EXTRACTION, BY_SOURCE)
            for key in enriched:
                for text in as_list(info.get(key)):
                    target = entry(info, key, text, ENRICHMENT, _title_targets(kb, text))
                    if target is not None and target != path:
                        declare(target, path, ENRICHMENT, BY_SOURCE)
        self._unresolved_provenance = unresolved
        return [
            Provenance(claim, source, kind, BY_BOTH if len(s) == 2 else next(iter(s)))
            for (claim, source, kind), s in sides.items()
        ]

    @property
    def unresolved_provenance(self) -> list[Link]:
        """The provenance entries that name no note, or several (with ``candidates``)."""
        self.provenance  # noqa: B018  (worked out with the links)
        return self._unresolved_provenance

    def sources_of(self, path: str) -> tuple[Provenance, ...]:
        return tuple(p for p in self._by("claim").get(path, ()))

    def claims_of(self, path: str) -> tuple[Provenance, ...]:
        return tuple(p for p in self._by("source").get(path, ()))

    def _by(self, side: str) -> dict[str, list[Provenance]]:
        key = "_by_" + side
        found = self.__dict__.get(key)
        if found is None:
            found = defaultdict(list)
            for p in self.provenance:
                found[getattr(p, side)].append(p)
            self.__dict__[key] = found
        return found

    # -- the graph ------------------------------------------------------------------

    def graph(self) -> Graph:
        # A record per note and per link, none freed until the graph is: the cyclic
        # collector would only rescan them (two fifths of the build at 100,000 notes).
        with paused():
            return self._graph()

    def _graph(self) -> Graph:
        nodes = self.records()
        edges: list[Edge] = []
        unresolved: list[Link] = []
        for path in self.kb.notes:
            for link in self.links_from(path):
                if link.resolves_to is None:
                    unresolved.append(link)
                    continue
                edges.append(
                    Edge(
                        link.type,
                        path,
                        link.resolves_to,
                        (path,),
                        field=link.field,
                        line=link.line,
                        column=link.column,
                        raw=link.raw,
                    )
                )
        edges.extend(provenance_edge(p) for p in self.provenance)
        unresolved.extend(self.unresolved_provenance)
        return Graph(nodes, tuple(edges), tuple(unresolved))


def provenance_edge(p: Provenance) -> Edge:
    """The graph's edge of one claim↔source link, from the claim to the source."""
    declared = {BY_CLAIM: (p.claim,), BY_SOURCE: (p.source,)}.get(
        p.declared_by, (p.claim, p.source)
    )
    return Edge(p.kind, p.claim, p.source, declared, sides=p.declared_by)


def _source_targets(kb: NoteIndex, path: str) -> list[str]:
    """The notes a ``sourced_from`` path names: the note at that path, else (a stale path,
    which BL005 repoints) the notes of its file name, sources first."""
    if path in kb.notes:
        return [path]
    if not path or path.startswith(("/", "\\", "~")) or ".." in path.split("/"):
        return []
    hits = kb.resolve_title(path)
    return [h for h in hits if kb.notes[h].kind == SOURCE] or hits
