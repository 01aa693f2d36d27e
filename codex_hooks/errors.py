"""Typed errors for notes that cannot be read or edited safely.

Every error carries the note's path and a 1-based line and column, plus a hint that tells
the user a way out. None of them is ever raised for a note that is merely inconsistent:
those are violations, reported by the rules.
"""

from __future__ import annotations


class CodexError(Exception):
    """Base class of every error codex_hooks raises on purpose.

    >>> try:
    ...     parse_frontmatter(Note.from_text("---\\n- a list\\n---\\n", "n.md"))
    ... except CodexError as exc:
    ...     print(type(exc).__name__, exc.code, exc.line)
    NotAMappingError FM905 2
    """


class ConfigError(CodexError):
    """A configuration that cannot be used; the message names the file and the key.

    >>> other = root / "other-kb"
    >>> other.mkdir()
    >>> _ = (other / ".codex-hooks.yaml").write_text("severity: {BL001: loud}\\n")
    >>> load_config(other)
    Traceback (most recent call last):
    ...
    codex_hooks.errors.ConfigError: ...other-kb/.codex-hooks.yaml: ...BL001...
    """


class NoteError(CodexError):
    """A note that cannot be parsed (or edited) safely; it is reported and never written.

    ``code`` is a stable identifier (``FM9xx``) so that the checker can report the error as a
    violation with the same code every time.

    >>> _, error = load_frontmatter(Note.from_text("---\\na: [\\n---\\n", "n.md"))
    >>> isinstance(error, NoteError), error.code, error.path, error.line, error.column
    (True, 'FM903', 'n.md', 3, 1)
    >>> error.hint
    'correct the YAML syntax at the position shown'
    """

    code = "FM900"
    hint = "fix the note by hand"

    def __init__(
        self,
        message: str,
        path: str = "",
        line: int = 1,
        column: int = 1,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}: " if self.path else ""
        return f"{where}{self.message} ({self.hint})"

    def with_path(self, path: str) -> NoteError:
        """Return the same error attributed to ``path``."""
        self.path = path
        return self


class NotUTF8Error(NoteError):
    """The file is not valid UTF-8.

    >>> Note.from_bytes(b"\\xff\\xfe", "n.md")
    Traceback (most recent call last):
    ...
    codex_hooks.errors.NotUTF8Error: n.md:1:1: byte 0xff at offset 0 is not UTF-8 (re-save the file as UTF-8)
    """

    code = "FM901"
    hint = "re-save the file as UTF-8"


class UnclosedFrontmatterError(NoteError):
    """The note opens a frontmatter block with ``---`` and never closes it.

    >>> Note.from_text("---\\ntype: claim\\n", "n.md")
    Traceback (most recent call last):
    ...
    codex_hooks.errors.UnclosedFrontmatterError: n.md:1:1: frontmatter opened with '---' on line 1 is never closed (...)
    """

    code = "FM902"
    hint = "add a closing '---' line after the last frontmatter key"


class YAMLSyntaxError(NoteError):
    """The frontmatter is not valid YAML.

    >>> parse_frontmatter(Note.from_text("---\\na: [\\n---\\n", "n.md"))
    Traceback (most recent call last):
    ...
    codex_hooks.errors.YAMLSyntaxError: n.md:3:1: YAML error: did not find expected node content (...)
    """

    code = "FM903"
    hint = "correct the YAML syntax at the position shown"


class DuplicateKeyError(NoteError):
    """A mapping in the frontmatter defines the same key twice.

    >>> load_frontmatter(Note.from_text("---\\na: 1\\na: 2\\n---\\n", "n.md"))[1].message
    "duplicate key 'a' (first defined on line 2)"
    """

    code = "FM904"
    hint = "keep one of the two lines and delete the other"


class NotAMappingError(NoteError):
    """The frontmatter is valid YAML but not a mapping of keys to values.

    >>> load_frontmatter(Note.from_text("---\\n- a\\n---\\n", "n.md"))[1].code
    'FM905'
    """

    code = "FM905"
    hint = "write the frontmatter as 'key: value' lines"


class LimitExceededError(NoteError):
    """The note is too large, too deeply nested or expands too many aliases.

    >>> deep = "---\\na: " + "[" * 100 + "]" * 100 + "\\n---\\n"
    >>> load_frontmatter(Note.from_text(deep, "n.md"))[1].message
    'frontmatter nests deeper than 64 levels'
    """

    code = "FM906"
    hint = "simplify the frontmatter: no deep nesting, no alias chains"


class UnsafeTagError(NoteError):
    """The frontmatter carries a YAML tag other than the standard ones (see
    :data:`codex_hooks.frontmatter.STANDARD_TAGS`): a loader that honours it runs code or
    builds objects, and a safe loader refuses the note.

    >>> error = load_frontmatter(Note.from_text("---\\na: !!python/object x\\n---\\n"))[1]
    >>> type(error).__name__, error.code, error.column
    ('UnsafeTagError', 'FM907', 4)
    """

    code = "FM907"
    hint = "remove the tag; quote the value if it is meant as text"


class UnsafePathError(CodexError):
    """A path that would read or write outside the repository, or through a symlink.

    >>> resolve_inside(root, "/etc/passwd")
    Traceback (most recent call last):
    ...
    codex_hooks.errors.UnsafePathError: '/etc/passwd' is not a path relative to the repository
    """


class EditError(CodexError):
    """An edit that cannot be applied without touching bytes it does not own.

    >>> edit(Note.from_text("---\\ntags: {a: 1}\\n---\\n")).add_item("tags", "x")
    Traceback (most recent call last):
    ...
    codex_hooks.errors.EditError: cannot add an item to 'tags': it is a mapping
    """
