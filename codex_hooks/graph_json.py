"""The graph's JSON document written straight from the index, each note's lines on
either of two cores.

``codex-hooks graph`` prints :func:`~codex_hooks.graph_export.to_json` of
:meth:`KnowledgeBase.graph <codex_hooks.index.NoteIndex.graph>`. Most of that work is per
note (its record, its links resolved, and their lines of JSON), so :func:`graph_json`
writes those lines on two cores where :mod:`codex_hooks.parallel` allows, and adds what
spans notes (the claim↔source links, the counts) in this process. The document is the
same, byte for byte, as ``to_json(kb.graph())`` encoded in UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .collector import paused
from .graph import counts_of
from .graph_export import (
    document_utf8,
    edge_row,
    node_row,
    quoter,
    reference_row,
    unresolved_row,
)
from .graphindex import GraphIndex, provenance_edge, record

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex

#: One note's part of the document, in UTF-8: its node's line, its edges' lines (joined
#: by ``",\n"``; empty when it has none) and their types, and its unresolved references'
#: lines (joined likewise) and how many there are.
Part = tuple[bytes, bytes, list[str], bytes, int]


def graph_json(kb: NoteIndex) -> bytes:
    """The JSON document of ``kb``'s whole graph, UTF-8 encoded
    (``to_json(kb.graph()).encode()``)."""
    from .parallel import SHARED_MIB, halves

    index = GraphIndex.of(kb)
    # Built here, before a second process starts, so that both share them.
    index.link_index  # noqa: B018
    kb.titles  # noqa: B018
    with paused():  # a few strings per link, none freed until the document is written
        q = quoter()
        spanning: list[Spanning] = []

        def meanwhile() -> None:  # while the child writes its notes' lines
            kb.write_index()  # when the load left it for later
            spanning.append(_spanning(index, q))

        # The child starts on the notes this process read (see read_notes): this process
        # decodes the others, read by the child of the load, once, and keeps them.
        parts = halves(
            list(kb.notes),
            lambda paths: _parts(index, paths, q),
            shared_mib=SHARED_MIB,
            child_first=True,
            meanwhile=meanwhile,
        )
        # The notes' lines, then the claim↔source links', as kb.graph() orders them.
        links, link_types, entries, unresolved_entries, one_way = spanning[0]
        types = [kind for part in parts for kind in part[2]] + link_types
        unresolved = sum(part[4] for part in parts) + unresolved_entries
        return document_utf8(
            [part[0] for part in parts],
            [part[1] for part in parts if part[1]] + links,
            [part[3] for part in parts if part[3]] + entries,
            counts_of(len(parts), types, one_way, unresolved),
        )


#: What spans notes, the claim↔source links, in UTF-8: their edges' lines and types,
#: their unresolved entries' lines (joined, as one item) and how many there are, and how
#: many of the edges are one-way.
Spanning = tuple[list[bytes], list[str], list[bytes], int, int]


def _spanning(index: GraphIndex, q: Callable[[str], str]) -> Spanning:
    """The document's lines for the claim↔source links (see :data:`Spanning`)."""
    provenance = [provenance_edge(p) for p in index.provenance]
    unresolved = [unresolved_row(u, q) for u in index.unresolved_provenance]
    return (
        [edge_row(e, q).encode("utf-8") for e in provenance],
        [e.type for e in provenance],
        [",\n".join(unresolved).encode("utf-8")] if unresolved else [],
        len(unresolved),
        sum(bool(e.one_way) for e in provenance),
    )


def _parts(index: GraphIndex, paths: Sequence[str], q: Callable[[str], str]) -> list[Part]:
    """Each note's part of the document, as :meth:`GraphIndex.graph` and
    :func:`~codex_hooks.graph_export.to_json` would write it (``q``: a
    :func:`~codex_hooks.graph_export.quoter`)."""
    notes = index.kb.notes
    out: list[Part] = []
    for path in paths:
        edges: list[str] = []
        types: list[str] = []
        unresolved: list[str] = []
        for target, raw, line, column, field, dest, kind in index.link_rows(path):
            if dest is None:
                unresolved.append(reference_row(kind, path, target, field, line, column, raw, q))
            else:
                edges.append(reference_row(kind, path, dest, field, line, column, raw, q))
                types.append(kind)
        out.append(
            (
                node_row(record(notes[path])).encode("utf-8"),
                ",\n".join(edges).encode("utf-8"),
                types,
                ",\n".join(unresolved).encode("utf-8"),
                len(unresolved),
            )
        )
    return out
