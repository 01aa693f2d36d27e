"""Writing a :class:`~codex_hooks.graph.Graph` out: JSON, GraphML and Graphviz DOT.

Each writer returns text; none needs anything outside the standard library. The JSON is
:meth:`Graph.to_dict` (its schema ships as ``codex_hooks/graph.schema.json``); GraphML and
DOT carry the same nodes and edges with their attributes (a list attribute, such as an
edge's ``declared_by``, is joined with spaces: paths hold no newline).

>>> from codex_hooks.graph import Graph, NoteRecord
>>> print(to_dot(Graph((NoteRecord("a.md", "claim", "a"),), ())))
digraph knowledge {
  "a.md" [kind="claim", title="a"];
}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from .graph import FORMAT

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .graph import Edge, Graph, Link, NoteRecord

FORMATS = ("json", "graphml", "dot")


def to_json(graph: Graph) -> str:
    """The graph as one JSON document (UTF-8 text, no ASCII escapes), ending in a newline:
    :meth:`Graph.to_dict` serialised, one node, edge or reference a line.

    Written by hand rather than through ``json.dumps(graph.to_dict())``: a path recurs in
    every edge of its note, and is encoded once here (a large knowledge base has tens of
    thousands of edges; this halves the time to write them)."""
    q = quoter()
    return document(
        [node_row(n) for n in graph.nodes],
        [edge_row(e, q) for e in graph.edges],
        [unresolved_row(u, q) for u in graph.unresolved],
        graph.counts(),
    )


def quoter() -> Callable[[str], str]:
    """A function that writes a string as JSON (non-ASCII kept), each text encoded once."""
    from json.encoder import encode_basestring  # the C encoder

    memo: dict[str, str] = {}

    def q(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = encode_basestring(text)
        return found

    return q


def node_row(n: NoteRecord) -> str:
    """A node's line of the JSON document."""
    return json.dumps(n.to_dict(), ensure_ascii=False)


def edge_row(e: Edge, q: Callable[[str], str]) -> str:
    """An edge's line of the JSON document (``q``: a :func:`quoter`)."""
    if e.sides:
        declared = ", ".join(q(d) for d in e.declared_by)
        one_way = "true" if e.sides != "both" else "false"
        return (
            f'{{"type": "{e.type}", "source": {q(e.source)}, "target": {q(e.target)}, '
            f'"declared_by": [{declared}], "sides": "{e.sides}", "one_way": {one_way}}}'
        )
    return reference_row(e.type, e.source, e.target, e.field, e.line, e.column, e.raw, q)


def unresolved_row(u: Link, q: Callable[[str], str]) -> str:
    """An unresolved reference's line of the JSON document."""
    return reference_row(
        u.type, u.note, u.target, u.field, u.line, u.column, u.raw, q, u.candidates
    )


def reference_row(
    kind: str,
    source: str,
    target: str,
    field: str,
    line: int,
    column: int,
    raw: str,
    q: Callable[[str], str],
    candidates: tuple[str, ...] = (),
) -> str:
    """The line of a link's edge, or of an unresolved reference (with the notes it may
    name, ``candidates``), from its fields: what :func:`edge_row` and
    :func:`unresolved_row` write, without a record built for it."""
    row = (
        f'{{"type": "{kind}", "source": {q(source)}, "target": {q(target)}, '
        f'"field": {q(field)}, "line": {line}, "column": {column}, "raw": {q(raw)}'
    )
    if candidates:
        row += f', "candidates": [{", ".join(q(c) for c in candidates)}]'
    return row + "}"


def document(
    nodes: Iterable[str], edges: Iterable[str], unresolved: Iterable[str], counts: object
) -> str:
    """The JSON document from its lines (see :func:`to_json`) and its ``counts``."""
    head, between, before, tail = _frame(counts)
    return "".join(
        (
            head,
            ",\n".join(nodes),
            between,
            ",\n".join(edges),
            before,
            ",\n".join(unresolved),
            tail,
        )
    )


def document_utf8(
    nodes: Iterable[bytes], edges: Iterable[bytes], unresolved: Iterable[bytes], counts: object
) -> bytes:
    """:func:`document`, UTF-8 encoded, from its lines encoded (or runs of lines, each
    joined by ``",\n"``): joining bytes costs a third of joining the text and encoding
    it, and the lines are encoded where they are written, on either core."""
    head, between, before, tail = (text.encode("utf-8") for text in _frame(counts))
    return b"".join(
        (
            head,
            b",\n".join(nodes),
            between,
            b",\n".join(edges),
            before,
            b",\n".join(unresolved),
            tail,
        )
    )


def _frame(counts: object) -> tuple[str, str, str, str]:
    """The JSON document's text around its three lists of lines: before the nodes,
    between nodes and edges, between edges and unresolved references, and after them."""
    return (
        '{"format": ' + json.dumps(FORMAT) + ', "nodes": [',
        '],\n"edges": [',
        '],\n"unresolved": [',
        '],\n"counts": ' + json.dumps(counts, ensure_ascii=False) + "}\n",
    )


#: An attribute value as GraphML and DOT hold it: lists and mappings are flattened to text.
Flat = str | int | bool


def _flat(value: object) -> Flat:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _attrs(graph: Graph) -> tuple[list[dict[str, Flat]], list[dict[str, Flat]]]:
    nodes = []
    for n in graph.nodes:
        d = n.to_dict()
        del d["id"]
        nodes.append({k: _flat(v) for k, v in d.items()})
    edges = []
    for e in graph.edges:
        d = e.to_dict()
        del d["source"], d["target"]
        edges.append({k: _flat(v) for k, v in d.items()})
    return nodes, edges


def _graphml_type(values: list[Flat]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return "string"


def to_graphml(graph: Graph) -> str:
    """The graph as GraphML (directed, parallel edges allowed), readable by Gephi, yEd,
    Cytoscape and ``networkx.read_graphml``."""
    # Here, not at the top: saxutils imports urllib.request (and with it http, email and
    # ssl), 25 ms that the JSON and DOT forms would pay for nothing.
    from xml.sax.saxutils import quoteattr

    nodes, edges = _attrs(graph)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    keys: dict[tuple[str, str], str] = {}
    for where, rows in (("node", nodes), ("edge", edges)):
        names = list(dict.fromkeys(k for row in rows for k in row))
        for name in names:
            kind = _graphml_type([row[name] for row in rows if name in row])
            ident = f"{where[0]}_{name}"
            keys[(where, name)] = ident
            out.append(
                f"  <key id={quoteattr(ident)} for={quoteattr(where)} "
                f"attr.name={quoteattr(name)} attr.type={quoteattr(kind)}/>"
            )
    out.append('  <graph id="knowledge" edgedefault="directed">')

    def data(where: str, row: dict[str, Flat]) -> list[str]:
        lines = []
        for name, value in row.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            lines.append(f"      <data key={quoteattr(keys[(where, name)])}>{_text(text)}</data>")
        return lines

    for n, row in zip(graph.nodes, nodes, strict=True):
        out.append(f"    <node id={quoteattr(n.path)}>")
        out.extend(data("node", row))
        out.append("    </node>")
    for i, (e, row) in enumerate(zip(graph.edges, edges, strict=True)):
        out.append(
            f"    <edge id={quoteattr(f'e{i}')} source={quoteattr(e.source)} "
            f"target={quoteattr(e.target)}>"
        )
        out.extend(data("edge", row))
        out.append("    </edge>")
    out.append("  </graph>")
    out.append("</graphml>")
    return "\n".join(out) + "\n"


def _text(value: str) -> str:
    from xml.sax.saxutils import escape

    # XML 1.0 cannot hold most control characters, even escaped: they are dropped.
    cleaned = "".join(c for c in value if c >= " " or c in "\t\n\r")
    return escape(cleaned)


def _dot_id(value: str) -> str:
    """A DOT quoted string: backslashes and quotes escaped, line breaks as ``\\n``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def _dot_value(value: Flat) -> str:
    return _dot_id(str(value).lower() if isinstance(value, bool) else str(value))


def to_dot(graph: Graph) -> str:
    """The graph in Graphviz DOT (``dot -Tsvg``): every attribute of the JSON form is a
    DOT attribute; edges are coloured by nothing, so that a caller styles them."""
    nodes, edges = _attrs(graph)
    out = ["digraph knowledge {"]
    for n, row in zip(graph.nodes, nodes, strict=True):
        attrs = ", ".join(f"{k}={_dot_value(v)}" for k, v in row.items())
        out.append(f"  {_dot_id(n.path)} [{attrs}];")
    for e, row in zip(graph.edges, edges, strict=True):
        attrs = ", ".join(f"{k}={_dot_value(v)}" for k, v in row.items())
        out.append(f"  {_dot_id(e.source)} -> {_dot_id(e.target)} [{attrs}];")
    out.append("}")
    return "\n".join(out) + "\n"


def render(graph: Graph, fmt: str) -> str:
    """The graph in ``fmt``, one of :data:`FORMATS`."""
    if fmt == "json":
        return to_json(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "dot":
        return to_dot(graph)
    raise ValueError(f"unknown graph format {fmt!r} (known: {', '.join(FORMATS)})")
