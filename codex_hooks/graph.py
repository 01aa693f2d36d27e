"""The knowledge graph: notes, their links and their provenance, as plain frozen records.

Everything here is read from the index a :class:`~codex_hooks.kb.KnowledgeBase` already
holds, resolved by the checker's own rules, so that a tool reading the graph sees what
``codex-hooks check`` sees:

* a body wiki link, or a ``[[link]]`` anywhere in the frontmatter, names the note Obsidian
  opens for it (:meth:`~codex_hooks.linkindex.LinkIndex.resolve`, first candidate);
* a plain ``depends_on`` entry, and a ``claims_extracted`` or ``enrichments_applied``
  entry, names the note whose title it is once case, spaces, hyphens, underscores and
  ``.md`` are folded (a claim before any other note of that title, as the BL rules read
  it); a ``sourced_from`` entry is a path (a stale path: the note of its file name);
* a claim's ``### Additional Evidence`` block citing ``*Source: [[S]]*`` is the claim's
  side of an enrichment.

Nothing is guessed: a reference that names no note, or names one only by a fuzzy match
(what ``codex-hooks fix`` would propose), stays unresolved. Renames git recorded are not
followed either: the graph shows the notes as they are (rule WL005 reports stale names).

Quick start (``root``: the knowledge base's folder)::

    kb = KnowledgeBase.load(root)
    for claim in kb.claims():
        for p in kb.sources_of(claim):
            print(claim.title, p.source, p.declared_by)   # "claim", "source" or "both"
    graph = kb.graph()
    print(len(graph.nodes), len(graph.edges))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .linkindex import _order
from .noteinfo import IndexKey
from .titles import clean_path
from .values import CLAIM, SOURCE, as_list

if TYPE_CHECKING:  # networkx is an optional extra, imported by to_networkx() alone
    import networkx as nx

    from .frontmatter import Value
    from .index import NoteIndex
    from .linkindex import LinkIndex
    from .noteinfo import NoteInfo

#: Edge types. A body wiki link is :data:`WIKI`; a frontmatter reference is typed by its
#: field when the field is one of :data:`TYPED_FIELDS`, else :data:`FRONTMATTER`.
WIKI = "wiki"
FRONTMATTER = "frontmatter"
EXTRACTION = "extraction"  #: a source's claims_extracted ↔ a claim's sourced_from
ENRICHMENT = "enrichment"  #: enrichments_applied ↔ an Additional Evidence block
#: Frontmatter fields whose references get an edge type of their own name.
TYPED_FIELDS = ("depends_on", "challenged_by", "supersedes")
EDGE_TYPES = (WIKI, FRONTMATTER, *TYPED_FIELDS, EXTRACTION, ENRICHMENT)

#: Which side of a provenance link declares it.
BY_CLAIM, BY_SOURCE, BY_BOTH = "claim", "source", "both"

#: Frontmatter fields the provenance links are read from (canonical names; a knowledge
#: base may rename them, see ``fields`` in configuration.md). WL004 leaves these to the
#: BL rules, and so are they left out of the frontmatter references here.
PROVENANCE_FIELDS = ("claims_extracted", "enrichments_applied", "enrichments", "sourced_from")
#: Frontmatter fields whose plain entries (not only ``[[links]]``) are titles (as WL004).
TITLE_LIST_FIELDS = ("depends_on",)
#: Frontmatter fields shown as a note's dates.
DATE_FIELDS = ("created", "date", "processed_date", "last_evaluated")

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """One note as other tools need it.

    ``frontmatter`` is the mapping as read (every scalar is text; ``None`` for a note
    without frontmatter or one that cannot be read, whose error is ``problem``).

    >>> note = kb.note("inbox/archive/2026-01-20-conditional-tokens-explainer.md")
    >>> note.kind, note.title, note.status, note.frontmatter["format"]
    ('source', '2026-01-20-conditional-tokens-explainer', 'procesed', 'article')
    """

    path: str
    kind: str
    title: str
    domain: str | None = None
    status: str | None = None
    confidence: str | None = None
    dates: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False)
    frontmatter: Mapping[str, Value] | None = field(default=None, compare=False, repr=False)
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of a node (see ``graph.schema.json``)."""
        out: dict[str, Any] = {"id": self.path, "kind": self.kind, "title": self.title}
        for key in ("domain", "status", "confidence"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.dates:
            out["dates"] = dict(self.dates)
        if self.problem is not None:
            out["problem"] = self.problem
        return out


@dataclass(frozen=True, slots=True)
class Link:
    """A wiki link or frontmatter reference written in ``note``.

    ``field`` is ``""`` for a link in the body, else the frontmatter key that holds it;
    ``line`` is then the key's line and ``column`` 0 (the index keeps no finer position for
    frontmatter). ``resolves_to`` is the note it opens, ``None`` when it names none.

    >>> link = kb.links_from("maps/alignment and markets.md")[-1]
    >>> link.raw, link.line, link.column, link.resolves_to
    ('[[Decision-Markets price policies]]', 11, 3, None)
    """

    note: str
    target: str
    raw: str
    line: int
    column: int
    field: str
    resolves_to: str | None
    type: str = WIKI
    #: For an unresolved provenance entry that names several notes: those notes.
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """A claim↔source link: ``kind`` is :data:`EXTRACTION` (claims_extracted ↔
    sourced_from) or :data:`ENRICHMENT` (enrichments_applied ↔ an Additional Evidence
    block); ``declared_by`` says which side writes it: ``"claim"``, ``"source"`` or
    ``"both"``.

    >>> [(p.source, p.declared_by, p.one_way) for p in kb.claims_of(
    ...     "inbox/archive/2026-01-12-metadao-decision-markets-launch.md")]
    [('inbox/archive/2026-01-12-metadao-decision-markets-launch.md', 'source', True)]
    """

    claim: str
    source: str
    kind: str
    declared_by: str

    @property
    def one_way(self) -> bool:
        """Whether only one side declares the link (``codex-hooks fix`` writes the other
        side of an extraction; BL rules report both kinds)."""
        return self.declared_by != BY_BOTH


@dataclass(frozen=True, slots=True)
class Edge:
    """A typed edge from ``source`` to ``target`` (both note paths).

    Wiki and frontmatter edges run from the linking note, one per link, with where it is
    written. Provenance edges (:data:`EXTRACTION`, :data:`ENRICHMENT`) run from the claim
    to its source whichever side declares them, one per pair; ``sides`` says which side
    does (``"claim"``, ``"source"`` or ``"both"``). ``declared_by``: the declaring notes.

    >>> sorted({e.type for e in kb.graph().edges})
    ['enrichment', 'extraction', 'wiki']
    >>> [(e.sides, e.declared_by) for e in kb.graph().edges if e.one_way]
    [('source', ('inbox/archive/2026-01-12-metadao-decision-markets-launch.md',))]
    """

    type: str
    source: str
    target: str
    declared_by: tuple[str, ...]
    sides: str = ""
    field: str = ""
    line: int = 0
    column: int = 0
    raw: str = ""

    @property
    def one_way(self) -> bool | None:
        """For a provenance edge, whether one side alone declares it (else ``None``)."""
        return (self.sides != BY_BOTH) if self.sides else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of an edge (see ``graph.schema.json``)."""
        out: dict[str, Any] = {
            "type": self.type,
            "source": self.source,
            "target": self.target,
        }
        if self.sides:
            out["declared_by"] = list(self.declared_by)
            out["sides"] = self.sides
            out["one_way"] = self.sides != BY_BOTH
        else:
            # A link is declared by the note it is written in, its source: not repeated.
            out["field"] = self.field
            out["line"] = self.line
            out["column"] = self.column
            out["raw"] = self.raw
        return out


@dataclass(frozen=True, slots=True)
class Graph:
    """Every note as a node and every resolved link as a typed edge; the references that
    name no note are in ``unresolved``.

    >>> graph = kb.graph()
    >>> len(graph.nodes), len(graph.edges), len(graph.unresolved)
    (19, 11, 3)
    >>> [(u.type, u.field) for u in graph.unresolved if u.type != "wiki"]   # BL001's entry
    [('extraction', 'claims_extracted')]
    >>> graph.to_dict()["format"]
    1
    """

    nodes: tuple[NoteRecord, ...]
    edges: tuple[Edge, ...]
    unresolved: tuple[Link, ...] = ()

    def filtered(
        self, kinds: Iterable[str] | None = None, types: Iterable[str] | None = None
    ) -> Graph:
        """The graph of the notes of ``kinds`` (``None``: all) and the edges of ``types``
        between them; an unresolved reference stays when its note does.

        >>> provenance = kb.graph().filtered(kinds=["claim", "source"])
        >>> sorted({n.kind for n in provenance.nodes}), len(provenance.edges)
        (['claim', 'source'], 8)
        """
        keep_kinds = None if kinds is None else set(kinds)
        keep_types = None if types is None else set(types)
        nodes = tuple(n for n in self.nodes if keep_kinds is None or n.kind in keep_kinds)
        kept = {n.path for n in nodes}
        edges = tuple(
            e
            for e in self.edges
            if e.source in kept
            and e.target in kept
            and (keep_types is None or e.type in keep_types)
        )
        unresolved = tuple(
            u
            for u in self.unresolved
            if u.note in kept and (keep_types is None or u.type in keep_types)
        )
        return Graph(nodes, edges, unresolved)

    def counts(self) -> dict[str, Any]:
        """How many nodes, edges (by type, and one-way provenance edges) and unresolved
        references the graph has.

        >>> counts = kb.graph().counts()
        >>> counts["nodes"], counts["one_way"], counts["edges_by_type"]["wiki"]
        (19, 1, 6)
        """
        by_type: dict[str, int] = dict.fromkeys(EDGE_TYPES, 0)
        one_way = 0
        for e in self.edges:
            by_type[e.type] = by_type.get(e.type, 0) + 1
            one_way += bool(e.one_way)
        return {
            "nodes": len(self.nodes),
            "edges": len(self.edges),
            "edges_by_type": by_type,
            "one_way": one_way,
            "unresolved": len(self.unresolved),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``codex-hooks graph --format json`` prints, described by the
        schema :func:`schema` returns."""
        return {
            **self.to_dict_head(),
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "unresolved": [_unresolved(u) for u in self.unresolved],
            "counts": self.counts(),
        }

    def to_dict_head(self) -> dict[str, Any]:
        """What the JSON document says before its nodes: its ``format``."""
        return {"format": FORMAT}

    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """The graph as a ``networkx.MultiDiGraph`` (install ``codex-hooks[graph]``): node
        keys are paths, attributes those of the JSON form; one edge per :class:`Edge`, a
        provenance edge keyed by its type (``extraction``, ``enrichment``), a link edge by
        networkx's own count.

        >>> g = kb.graph().to_networkx()                    # doctest: +SKIP
        >>> g.nodes["maps/alignment and markets.md"]["kind"]  # doctest: +SKIP
        'map'
        """
        try:
            import networkx as nx
        except ModuleNotFoundError as exc:  # an optional extra: say how to get it
            raise ModuleNotFoundError(
                "to_networkx() needs networkx: pip install 'codex-hooks[graph]'",
                name="networkx",
            ) from exc
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for n in self.nodes:
            attrs = n.to_dict()
            del attrs["id"]
            g.add_node(n.path, **attrs)
        for e in self.edges:
            attrs = e.to_dict()
            del attrs["source"], attrs["target"]
            # A pair has one provenance edge per kind, but may have many links.
            g.add_edge(e.source, e.target, key=e.type if e.sides else None, **attrs)
        return g


def _unresolved(u: Link) -> dict[str, Any]:
    out = {
        "type": u.type,
        "source": u.note,
        "target": u.target,
        "field": u.field,
        "line": u.line,
        "column": u.column,
        "raw": u.raw,
    }
    if u.candidates:
        out["candidates"] = list(u.candidates)
    return out


#: The version of the JSON document's shape (``format`` in it).
FORMAT = 1


def schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`Graph.to_dict`, as shipped in the package
    (``codex_hooks/graph.schema.json``).

    >>> schema()["title"]
    'codex-hooks knowledge graph'
    """
    import json
    from importlib.resources import files

    # A JSON Schema document is a JSON object: its values are whatever JSON holds.
    document: dict[str, Any] = json.loads(
        files(__package__).joinpath("graph.schema.json").read_text("utf-8")
    )
    return document


# -- building it ------------------------------------------------------------------------


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
    """``(key, entry, is_link)`` for every frontmatter string that holds a ``[[link]]``
    or, in a title list field, is a plain title: the entries rule WL004 resolves (its
    walk, repeated here so that the graph need not import the rules)."""
    from .links import links_in_text

    skip = {kb.config.field_name(f) for f in PROVENANCE_FIELDS} | set(PROVENANCE_FIELDS)

    def walk(key: str, value: object, top: bool) -> Iterator[tuple[str, str, bool]]:
        if isinstance(value, str):
            if "[[" in value:
                for raw in dict.fromkeys(links_in_text(value)):
                    yield key, raw, True
            elif key in TITLE_LIST_FIELDS and top and value.strip():
                yield key, value, False
        elif isinstance(value, list):
            # An unquoted `[[name]]` reads as a list in a list: it is still a link.
            inner = value[0] if len(value) == 1 else None
            if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], str):
                yield key, f"[[{inner[0]}]]", True
                return
            for item in value:
                if item is not None:
                    yield from walk(key, item, top and isinstance(item, str))
        elif isinstance(value, dict):
            for sub in value.values():
                yield from walk(key, sub, False)

    for key, value in (info.data or {}).items():
        if key not in skip:
            yield from walk(key, value, True)


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
        kb, index = self.kb, self.link_index
        info = kb.notes[path]
        for link, dests in index.resolve_links(info.links, path):
            yield Link(
                path,
                link.target,
                link.raw,
                link.line,
                link.column,
                "",
                dests[0] if dests else None,
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
            yield Link(path, target, entry.strip(), line, 0, key, dest, kind)

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
        for p in self.provenance:
            declared = {BY_CLAIM: (p.claim,), BY_SOURCE: (p.source,)}.get(
                p.declared_by, (p.claim, p.source)
            )
            edges.append(Edge(p.kind, p.claim, p.source, declared, sides=p.declared_by))
        unresolved.extend(self.unresolved_provenance)
        return Graph(nodes, tuple(edges), tuple(unresolved))


def _source_targets(kb: NoteIndex, path: str) -> list[str]:
    """The notes a ``sourced_from`` path names: the note at that path, else (a stale path,
    which BL005 repoints) the notes of its file name, sources first."""
    if path in kb.notes:
        return [path]
    if not path or path.startswith(("/", "\\", "~")) or ".." in path.split("/"):
        return []
    hits = kb.resolve_title(path)
    return [h for h in hits if kb.notes[h].kind == SOURCE] or hits
