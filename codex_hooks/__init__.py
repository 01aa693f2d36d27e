"""codex_hooks: keep a git-kept markdown knowledge base of claims and sources consistent.

The note layer is lossless: :class:`Note` holds a file's exact bytes,
:func:`parse_frontmatter` reads its frontmatter without constructing any type, and
:class:`FrontmatterEditor` changes only the lines of the keys it touches.
"""

from __future__ import annotations

from .edit import FrontmatterEditor, edit
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
from .note import Note
from .roundtrip import load_roundtrip
from .write import atomic_write, resolve_inside

__version__ = "0.1.0"

__all__ = [
    "CodexError",
    "DuplicateKeyError",
    "EditError",
    "Frontmatter",
    "FrontmatterEditor",
    "KeySpan",
    "LimitExceededError",
    "NotAMappingError",
    "NotUTF8Error",
    "Note",
    "NoteError",
    "UnclosedFrontmatterError",
    "UnsafePathError",
    "YAMLSyntaxError",
    "__version__",
    "atomic_write",
    "edit",
    "load_frontmatter",
    "load_roundtrip",
    "parse_frontmatter",
    "resolve_inside",
]
