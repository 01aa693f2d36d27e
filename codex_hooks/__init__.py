"""codex_hooks: keep a git-kept markdown knowledge base of claims and sources consistent.

The note layer is lossless: :class:`Note` holds a file's exact bytes,
:func:`parse_frontmatter` reads its frontmatter without constructing any type, and
:class:`FrontmatterEditor` changes only the lines of the keys it touches.
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .edit import FrontmatterEditor, edit
from .engine import FileChange, FixResult, check, fix
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
    YAMLSyntaxError,
)
from .frontmatter import Frontmatter, KeySpan, load_frontmatter, parse_frontmatter
from .kb import KnowledgeBase
from .model import Fix, Violation
from .note import Note
from .roundtrip import load_roundtrip
from .write import atomic_write, resolve_inside

__version__ = "0.1.0"

__all__ = [
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
]
