"""The knowledge graph: notes, their links and their provenance, as plain frozen records
(built from the index by :mod:`codex_hooks.graphindex`).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .collector import paused

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:  # networkx is an optional extra, imported by to_networkx() alone
    from typing import Any

    import networkx as nx

    from .frontmatter import Value

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
        edges = self.edges
        one_way = sum(bool(e.one_way) for e in edges)
        return counts_of(len(self.nodes), [e.type for e in edges], one_way, len(self.unresolved))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``codex-hooks graph --format json`` prints, described by the
        schema :func:`schema` returns."""
        with paused():  # a dict per node and edge: see GraphIndex.graph
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


def counts_of(
    nodes: int, edge_types: Sequence[str], one_way: int, unresolved: int
) -> dict[str, Any]:
    """:meth:`Graph.counts` from the numbers of nodes, one-way provenance edges and
    unresolved references, and every edge's type."""
    by_type: dict[str, int] = dict.fromkeys(EDGE_TYPES, 0)
    for kind in edge_types:
        by_type[kind] = by_type.get(kind, 0) + 1
    return {
        "nodes": nodes,
        "edges": len(edge_types),
        "edges_by_type": by_type,
        "one_way": one_way,
        "unresolved": unresolved,
    }


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
