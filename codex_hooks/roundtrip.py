"""Round-trip parsing with ruamel.yaml, for notes that are about to be edited.

The read-only parser (:mod:`codex_hooks.frontmatter`) is what checks use; this module
gives tools a ruamel ``CommentedMap`` (comments, key order and positions) of one note's
frontmatter. Dates stay text: an invalid calendar date must never raise ``ValueError``.
It is imported lazily: loading ruamel costs start-up time the hook does not need.

Before ruamel sees a frontmatter, the fast parser checks it: ruamel's pure-Python
composer takes seconds to hit ``RecursionError`` on deep nesting and has no alias limit,
and the fast parser reports those (and duplicate keys and syntax errors) with exact
positions and the same error types as every other read.
"""

from __future__ import annotations

from functools import lru_cache

from .errors import DuplicateKeyError, LimitExceededError, NoteError, YAMLSyntaxError
from .frontmatter import _Where, parse_frontmatter, yaml_error
from .note import Note

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:  # ruamel is imported when a note is loaded, not with this module
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.constructor import RoundTripConstructor


@lru_cache(maxsize=1)
def _constructor() -> type[RoundTripConstructor]:
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextDates(RoundTripConstructor):
        """Timestamps are kept as the text that was written."""

    # A subclass has its own constructor table: no other YAML() in the process changes.
    TextDates.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
    )
    return TextDates


def _yaml() -> YAML:
    try:
        from ruamel.yaml import YAML
    except ModuleNotFoundError:  # an optional extra: nothing else of the package needs it
        raise ModuleNotFoundError(
            "load_roundtrip needs ruamel.yaml: pip install 'codex-hooks[roundtrip]'",
            name="ruamel",
        ) from None

    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def load_roundtrip(note: Note) -> CommentedMap | None:
    """The note's frontmatter as a ruamel ``CommentedMap`` (``None`` when empty or absent).

    Raises a :class:`NoteError` subclass with line and column when the YAML is bad, not a
    mapping, or over the parser's limits.

    >>> data = load_roundtrip(Note.from_text("---\\n# why\\ntags: [a]  # kept\\n---\\n"))
    >>> data["tags"], type(data).__name__
    (['a'], 'CommentedMap')
    """
    if not note.has_frontmatter:
        return None
    parse_frontmatter(note)
    yaml = _yaml()  # first: without ruamel.yaml, say which extra brings it

    from ruamel.yaml.constructor import DuplicateKeyError as RuamelDuplicate
    from ruamel.yaml.error import MarkedYAMLError

    where = _Where(note)
    try:
        # The fast parser above refused anything but a mapping, so ruamel builds a
        # CommentedMap, or nothing when the frontmatter holds only comments.
        data: CommentedMap | None = yaml.load(note.frontmatter_text)
        return data
    except RuamelDuplicate as exc:  # pragma: no cover - the fast parser reports it first
        line, column = where.human(exc.problem_mark)
        raise DuplicateKeyError("duplicate key", note.path, line, column) from None
    except MarkedYAMLError as exc:
        problem, line, column, hint = yaml_error(exc, where)
        raise YAMLSyntaxError(f"YAML error: {problem}", note.path, line, column, hint) from None
    except RecursionError:  # pragma: no cover - nesting is bounded by the fast parser
        raise LimitExceededError(
            "frontmatter nests too deeply to parse", note.path, where.first + 1
        ) from None
    except Exception as exc:  # ruamel's constructors raise ValueError, IndexError, ...
        raise NoteError(f"cannot load frontmatter: {exc}", note.path, where.first + 1) from None
