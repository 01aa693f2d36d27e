"""codex_hooks: check, fix and read a git-kept markdown knowledge base of claims and sources.

Quick start (``root``: the knowledge base's folder)::

    from codex_hooks import KnowledgeBase
    kb = KnowledgeBase.load(root)                     # every note, indexed once
    for claim in kb.claims():                         # NoteRecord: path, title, domain...
        for p in kb.sources_of(claim):                # provenance, and who declares it
            print(claim.title, "<-", p.source, p.declared_by)
    graph = kb.graph()                                # nodes and typed edges
    one_way = [e for e in graph.edges if e.one_way]   # provenance declared on one side
    data = graph.to_dict()                            # what `codex-hooks graph` prints
    for v in kb.check():                              # what the pre-commit hook reports
        print(f"{v.path}:{v.line}: {v.code} {v.message}")

The public names, in the order to read them (help() below lists classes alphabetically,
whatever this order, so this overview is where to start):

Reading a knowledge base
    KnowledgeBase      load(root); notes(), claims(), sources(), note(path),
                       sources_of(claim), claims_of(source), links_from(note),
                       backlinks(note), graph(); check(), fix()
    NoteRecord         one note: kind, title, path, domain, status, confidence, dates,
                       frontmatter
    Provenance         a claim-source link and the side that declares it
    Link               a wiki link or frontmatter reference and the note it opens
    Graph, Edge        the whole graph; to_dict(), to_networkx(), filtered()

Checking and fixing
    check, fix, run_check       shortcuts taking a KnowledgeBase or a folder
    Violation, Fix              a finding, and the safe fix that goes with it
    CheckResult, FixResult, FileChange
    Config, load_config         the settings (docs/configuration.md)

One note, losslessly
    Note                        a file's exact bytes
    parse_frontmatter, load_frontmatter, Frontmatter, KeySpan
    FrontmatterEditor, edit     change only the lines of the keys touched
    load_roundtrip, atomic_write, resolve_inside

Errors (last): CodexError and its subclasses, each with a file, line and hint.

Importing the package imports none of these: each loads on first use.
"""

from __future__ import annotations

import sys
import types

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .config import load_config
    from .edit import FrontmatterEditor, edit
    from .engine import CheckResult, check, run_check
    from .errors import (
        CodexError,
        ConfigError,
        DuplicateKeyError,
        EditError,
        LimitExceededError,
        NotAMappingError,
        NoteError,
        NotUTF8Error,
        UnclosedFrontmatterError,
        UnsafePathError,
        UnsafeTagError,
        YAMLSyntaxError,
    )
    from .fixing import FileChange, FixResult, fix
    from .frontmatter import Frontmatter, KeySpan, load_frontmatter, parse_frontmatter
    from .graph import Edge, Graph, Link, NoteRecord, Provenance
    from .kb import KnowledgeBase
    from .model import Fix, Violation
    from .note import Note
    from .roundtrip import load_roundtrip
    from .settings import Config
    from .write import atomic_write, resolve_inside

#: Where each public name lives. Importing the package imports none of them: the command
#: line starts without the YAML, rule and editing machinery, and ``codex_hooks.X`` loads
#: X's module on first use (PEP 562).
_PUBLIC = {
    "config": ("Config", "ConfigError", "load_config"),
    "edit": ("FrontmatterEditor", "edit"),
    "engine": ("CheckResult", "check", "run_check"),
    "fixing": ("FileChange", "FixResult", "fix"),
    "errors": (
        "CodexError",
        "DuplicateKeyError",
        "EditError",
        "LimitExceededError",
        "NotAMappingError",
        "NoteError",
        "NotUTF8Error",
        "UnclosedFrontmatterError",
        "UnsafePathError",
        "UnsafeTagError",
        "YAMLSyntaxError",
    ),
    "frontmatter": ("Frontmatter", "KeySpan", "load_frontmatter", "parse_frontmatter"),
    "graph": ("Edge", "Graph", "Link", "NoteRecord", "Provenance"),
    "kb": ("KnowledgeBase",),
    "model": ("Fix", "Violation"),
    "note": ("Note",),
    "roundtrip": ("load_roundtrip",),
    "write": ("atomic_write", "resolve_inside"),
    "version": ("__version__",),
}
_WHERE = {name: module for module, names in _PUBLIC.items() for name in names}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


class _Package(types.ModuleType):
    """The package's module type: ``codex_hooks.edit`` is the function :func:`edit.edit`,
    as an eager ``from .edit import edit`` made it, even after the submodule of the same
    name was imported (the import system then sets the attribute to the module)."""

    @property
    def edit(self) -> object:
        from .edit import edit

        return edit

    @edit.setter
    def edit(self, value: object) -> None:
        pass


sys.modules[__name__].__class__ = _Package


#: API first (reading, then checking and fixing, then single notes), exceptions last.
__all__ = [  # noqa: RUF022 (ordered to read, not alphabetically)
    "KnowledgeBase",
    "NoteRecord",
    "Provenance",
    "Link",
    "Graph",
    "Edge",
    "check",
    "fix",
    "run_check",
    "Violation",
    "Fix",
    "CheckResult",
    "FixResult",
    "FileChange",
    "Config",
    "load_config",
    "Note",
    "parse_frontmatter",
    "load_frontmatter",
    "Frontmatter",
    "KeySpan",
    "FrontmatterEditor",
    "edit",
    "load_roundtrip",
    "atomic_write",
    "resolve_inside",
    "__version__",
    "CodexError",
    "ConfigError",
    "NoteError",
    "EditError",
    "DuplicateKeyError",
    "LimitExceededError",
    "NotAMappingError",
    "NotUTF8Error",
    "UnclosedFrontmatterError",
    "UnsafePathError",
    "UnsafeTagError",
    "YAMLSyntaxError",
]
