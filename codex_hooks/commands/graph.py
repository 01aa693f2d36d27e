"""``codex-hooks graph``: print the knowledge graph as JSON, GraphML or DOT.

Every note is a node; every resolved wiki link and frontmatter reference, and every
claim↔source link declared on either side, is a typed edge (see docs/graph.md and the
JSON Schema ``codex_hooks/graph.schema.json``). Exit codes: 0 written; 2 usage.

The output of a run is stored beside the on-disk index under the key a whole check's
stored result has (every note's stat, the configuration, the package, ``HEAD`` and what
is staged), with the options: an unchanged knowledge base prints it again without
loading a note. ``--no-cache`` neither reads nor writes it.
"""

from __future__ import annotations

import argparse
import marshal
import os
import sys
from collections.abc import Callable

from .common import cache_option, root_option

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..results import Stored

HELP = "print the knowledge graph (notes, links, provenance) as JSON, GraphML or DOT"

KINDS = ("source", "claim", "entity", "map", "agent", "other")
#: Edge types (see :data:`codex_hooks.graph.EDGE_TYPES`), named here so that building the
#: parser imports nothing.
EDGE_TYPES = (
    "wiki",
    "frontmatter",
    "depends_on",
    "challenged_by",
    "supersedes",
    "extraction",
    "enrichment",
)
#: The stored output's format (part of its key).
STORED_FORMAT = 2


def _choices(known: tuple[str, ...], what: str) -> Callable[[str], list[str]]:
    """An argparse type: a comma-separated list of ``known`` values."""

    def parse(text: str) -> list[str]:
        values = [v.strip() for v in text.split(",") if v.strip()]
        unknown = [v for v in values if v not in known]
        if unknown or not values:
            raise argparse.ArgumentTypeError(
                f"unknown {what} '{unknown[0] if unknown else text}' (known: {', '.join(known)})"
            )
        return values

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("json", "graphml", "dot"), default="json")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument(
        "--kind",
        action="append",
        type=_choices(KINDS, "kind"),
        metavar="KIND[,KIND]",
        help="only notes of these kinds, and the edges between them (repeatable; "
        f"{', '.join(KINDS)})",
    )
    parser.add_argument(
        "--edge",
        action="append",
        type=_choices(EDGE_TYPES, "edge type"),
        metavar="TYPE[,TYPE]",
        help=f"only edges of these types (repeatable; {', '.join(EDGE_TYPES)})",
    )
    root_option(parser)
    cache_option(parser, "the on-disk index or the stored output")


def _flat(groups: list[list[str]] | None) -> list[str] | None:
    return None if groups is None else sorted({v for g in groups for v in g})


def run(args: argparse.Namespace) -> int:
    """Print the graph (the stored output when nothing changed since it was stored)."""
    from .common import EXIT_OK, _root

    kinds, types = _flat(args.kind), _flat(args.edge)
    root = _root(args)
    store = None
    options = marshal.dumps((STORED_FORMAT, args.format, kinds, types))
    if not args.no_cache:
        from ..results import stored

        store = stored(root)
        if store is not None:
            found = _read(store, options)
            if found is not None:
                return _emit(found, args.output) or EXIT_OK
    from .common import _load

    whole_json = args.format == "json" and kinds is None and types is None
    if whole_json:
        from ..parallel import prefetch

        prefetch("codex_hooks.graph_json")  # imported while the notes are read
    kb = _load(args, root, write_later=whole_json)  # written while the JSON is written
    if whole_json:
        from ..graph_json import graph_json

        data = graph_json(kb)  # the same document, on two cores
    else:
        from ..graph_export import render

        graph = kb.graph()
        if kinds is not None or types is not None:
            graph = graph.filtered(kinds, types)
        data = render(graph, args.format).encode("utf-8")
    if store is not None:
        _write(store, options, data)
    return _emit(data, args.output) or EXIT_OK


def _emit(data: bytes | memoryview, output: str | None) -> int:
    """Write ``data`` to standard output, or atomically to the file ``output``."""
    if output is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text stream put in place of stdout (a caller capturing it)
            sys.stdout.write(bytes(data).decode("utf-8"))
            return 0
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
        return 0
    from pathlib import Path

    from ..write import atomic_write
    from .common import UsageError

    target = Path(output)
    try:
        if target.exists() and not target.is_file():
            # A device or a named pipe (/dev/null, /dev/stdout, a FIFO): written into, as
            # a shell's redirection writes, never replaced by a file.
            with open(target, "wb") as out:
                out.write(data)
        else:
            atomic_write(target, bytes(data))
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write it ({exc.strerror or exc})") from None
    return 0


def _file(store: Stored) -> str:
    """Where the stored output lives: beside the stored result of a whole check."""
    folder, name = os.path.split(store.file)
    return os.path.join(folder, name.replace("results-", "graph-", 1))


def _read(store: Stored, options: bytes) -> bytes | memoryview | None:
    """The stored output for this key and these options, or ``None``: the file mapped
    into memory, so that reprinting it copies it once, into the output."""
    from ..cache import map_file
    from ..results import _digest

    found = map_file(_file(store))
    if found is None:
        return None
    data = found[0]
    try:
        size = int.from_bytes(data[:4], "big")
        key, digest, length = marshal.loads(data[4 : 4 + size])
    except (EOFError, ValueError, TypeError):  # truncated or garbled
        return None
    body = data[4 + size :]
    if key != store.key + options or len(body) != length or _digest(body) != digest:
        return None
    return body


def _write(store: Stored, options: bytes, body: bytes) -> None:
    """Store ``body`` under the key and ``options``: a header (its length, then the key,
    the checksum and the length of ``body``) and ``body`` as it is printed."""
    from ..results import _digest, keep_file

    head = marshal.dumps((store.key + options, _digest(body), len(body)))
    keep_file(_file(store), [len(head).to_bytes(4, "big"), head, body])
