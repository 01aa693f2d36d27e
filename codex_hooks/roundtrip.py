"""Round-trip parsing with ruamel.yaml, for notes that are about to be edited.

The read-only parser (:mod:`codex_hooks.frontmatter`) is what checks use; this module
gives tools a ruamel ``CommentedMap`` (comments, key order and positions) of one note's
frontmatter. Dates stay text: an invalid calendar date must never raise ``ValueError``.
It is imported lazily: loading ruamel costs start-up time the hook does not need.
"""

from __future__ import annotations

from typing import Any

from .errors import DuplicateKeyError, NoteError, YAMLSyntaxError
from .note import Note


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextDates(RoundTripConstructor):
        """Timestamps are kept as the text that was written."""

    TextDates.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
    )
    yaml = YAML(typ="rt")
    yaml.Constructor = TextDates
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def load_roundtrip(note: Note) -> Any:
    """The note's frontmatter as a ruamel ``CommentedMap`` (``None`` when empty).

    Raises a :class:`NoteError` subclass with line and column when the YAML is bad.
    """
    from ruamel.yaml.constructor import DuplicateKeyError as RuamelDuplicate
    from ruamel.yaml.error import MarkedYAMLError

    offset = (note.fm_start or 0) + 1
    try:
        return _yaml().load(note.frontmatter_text)
    except RuamelDuplicate as exc:
        mark = exc.problem_mark
        raise DuplicateKeyError(
            "duplicate key", note.path, mark.line + offset + 1, mark.column + 1
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + offset + 1, mark.column + 1) if mark else (offset + 1, 1)
        raise YAMLSyntaxError(
            f"YAML error: {exc.problem or exc.context}", note.path, line, col
        ) from None
    except (ValueError, RecursionError) as exc:
        raise NoteError(f"cannot load frontmatter: {exc}", note.path, offset + 1) from None
