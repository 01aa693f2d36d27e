"""codex_hooks: keep a git-kept markdown knowledge base of claims and sources consistent.

The note layer is lossless: :class:`Note` holds a file's exact bytes,
:func:`parse_frontmatter` reads its frontmatter without constructing any type, and
:class:`FrontmatterEditor` changes only the lines of the keys it touches.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Config, ConfigError, load_config
    from .edit import FrontmatterEditor, edit
    from .engine import CheckResult, FileChange, FixResult, check, fix, run_check
    from .errors import (
        CodexError,
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
    from .frontmatter import Frontmatter, KeySpan, load_frontmatter, parse_frontmatter
    from .kb import KnowledgeBase
    from .model import Fix, Violation
    from .note import Note
    from .roundtrip import load_roundtrip
    from .write import atomic_write, resolve_inside

#: Where each public name lives. Importing the package imports none of them: the command
#: line starts without the YAML, rule and editing machinery, and ``codex_hooks.X`` loads
#: X's module on first use (PEP 562).
_PUBLIC = {
    "config": ("Config", "ConfigError", "load_config"),
    "edit": ("FrontmatterEditor", "edit"),
    "engine": ("CheckResult", "FileChange", "FixResult", "check", "fix", "run_check"),
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
    "kb": ("KnowledgeBase",),
    "model": ("Fix", "Violation"),
    "note": ("Note",),
    "roundtrip": ("load_roundtrip",),
    "write": ("atomic_write", "resolve_inside"),
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


__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "CodexError",
    "Config",
    "ConfigError",
    "DuplicateKeyError",
    "EditError",
    "FileChange",
    "Fix",
    "FixResult",
    "Frontmatter",
    "FrontmatterEditor",
    "KeySpan",
    "KnowledgeBase",
    "LimitExceededError",
    "NotAMappingError",
    "NotUTF8Error",
    "Note",
    "NoteError",
    "UnclosedFrontmatterError",
    "UnsafePathError",
    "UnsafeTagError",
    "Violation",
    "YAMLSyntaxError",
    "__version__",
    "atomic_write",
    "check",
    "edit",
    "fix",
    "load_config",
    "load_frontmatter",
    "load_roundtrip",
    "parse_frontmatter",
    "resolve_inside",
    "run_check",
]
