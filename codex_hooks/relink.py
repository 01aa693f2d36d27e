"""Rewriting the references to renamed notes (the ``index`` layer): the logic that
:mod:`codex_hooks.rename` (moving a note) and rule WL005 (references a rename git
recorded left behind) share.

A note is named by ``[[wiki links]]`` in bodies and frontmatter, by titles in
``claims_extracted``, ``enrichments_applied`` (or the legacy ``enrichments``),
``depends_on`` and ``challenged_by``, and by paths in ``sourced_from``. When a note moves,
each of these that named it (as the knowledge base resolved it *before* the move) is
rewritten to name it at its new place, in the reference's own form: a link keeps its
``|text``, ``#heading``, ``.md`` or not, and path or short form. A link that a new file
name would capture (it named another note of that name before) is lengthened into a path
so that it still names the note it named.

The renames git recorded, and the :class:`Relinker` for them, are
:mod:`codex_hooks.moves`'s: this module is imported only when there is one, or when a
note is moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import EditError
from .linkindex import TIE, LinkIndex, link_key
from .links import links_in_text, parse_inner, retarget, scan_links
from .titles import clean_path, normalize_title, stem

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .edit import FrontmatterEditor
    from .noteinfo import NoteInfo
    from .settings import Config

#: Fields whose entries are titles (or file names, or ``[[links]]``) of notes.
TITLE_FIELDS = (
    "claims_extracted",
    "enrichments_applied",
    "enrichments",
    "depends_on",
    "challenged_by",
)
#: Fields whose entries are repo-relative paths of notes.
PATH_FIELDS = ("sourced_from",)


@dataclass(frozen=True)
class Rewrite:
    """One reference to rewrite: where it is (``body`` or a frontmatter key), its text as
    written, what replaces it, and its 1-based line and column."""

    where: str
    old: str
    new: str
    line: int
    column: int = 1
    #: The path of the note the reference names once rewritten.
    dest: str = ""


def _title_index(paths: Iterable[str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        index[normalize_title(stem(path))].append(path)
    return index


def _entries(value: object) -> list[str]:
    """The string entries of a top-level frontmatter value (a string or a list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class Relinker:
    """What every reference named before a set of moves, and how to name it after.

    ``moves`` maps old paths to new ones; ``before`` and ``after`` are every note's path
    before and after the moves.
    """

    def __init__(
        self,
        moves: dict[str, str],
        before: Iterable[str],
        after: Iterable[str],
        config: Config | None = None,
    ) -> None:
        self.moves = dict(moves)
        self.back = {new: old for old, new in self.moves.items()}
        self.before = LinkIndex(before)
        self.after = LinkIndex(after)
        self.before_titles = _title_index(self.before.paths)
        # Only a link whose file name is an old or a new name can change meaning.
        self.names = {link_key(p).rsplit("/", 1)[-1] for pair in self.moves.items() for p in pair}
        self.titles = {normalize_title(stem(old)) for old in self.moves}
        self.config = config

    def _field(self, canonical: str) -> str:
        return self.config.field_name(canonical) if self.config is not None else canonical

    # -- one reference ----------------------------------------------------------------

    def link(self, raw: str, source: str) -> str | None:
        """The rewritten ``[[link]]`` written in the note now at ``source``, or ``None``
        when it still names what it named."""
        found = self.relink(raw, source)
        return found[0] if found else None

    def relink(self, raw: str, source: str) -> tuple[str, str] | None:
        """The rewritten ``[[link]]`` and the note it names, or ``None``."""
        target, _, _ = parse_inner(raw[2:-2])
        if not target:
            return None
        was_at = self.back.get(source, source)
        relative = target.startswith(("./", "../"))
        # A moved note's links can change meaning too: a bare link opens a note of its
        # own folder first, and that folder changed.
        moved = source in self.back
        if not relative and not moved and link_key(target).rsplit("/", 1)[-1] not in self.names:
            return None
        named = self.before.first(target, was_at)
        if named is None:
            return None
        dest = self.moves.get(named, named)
        found = self.after.resolve(target, source)
        # It still opens that note, unless by a pick among equally short paths, which
        # Obsidian's own order makes and nobody can predict.
        if found and found[0] == dest and self.after.why(found, target, source) != TIE:
            return None
        new = retarget(raw, self.after.target_for(dest, target, source))
        return (new, dest) if new != raw else None

    def text(self, value: str, source: str) -> tuple[str, str] | None:
        """``value`` (a frontmatter string) with its links rewritten and the (first) note
        they now name, or ``None``."""
        out = value
        dest = ""
        for raw in dict.fromkeys(links_in_text(value)):
            found = self.relink(raw, source)
            if found is not None:
                out = out.replace(raw, found[0])
                dest = dest or found[1]
        return (out, dest) if out != value else None

    def entry(self, key: str, value: str, source: str) -> str | None:
        """A rewritten frontmatter entry, or ``None`` when it needs none."""
        found = self.reentry(key, value, source)
        return found[0] if found else None

    def reentry(self, key: str, value: str, source: str) -> tuple[str, str] | None:
        """A rewritten frontmatter entry and the note it names, or ``None``."""
        if "[[" in value:
            return self.text(value, source)
        if key in {self._field(f) for f in PATH_FIELDS}:
            ref = value.strip()
            path = clean_path(ref)
            if path not in self.moves:
                return None
            lead = value[: len(value) - len(value.lstrip())]
            prefix = "./" if ref.startswith("./") else ""
            new = lead + prefix + self.moves[path] + value[len(value.rstrip()) :]
            return new, self.moves[path]
        if key not in {self._field(f) for f in TITLE_FIELDS}:
            return None
        title = normalize_title(value)
        if title not in self.titles:
            return None
        hits = self.before_titles.get(title, [])
        text = value.strip()
        if "/" in text and len(hits) > 1:
            want = text[:-3] if text.lower().endswith(".md") else text
            hits = [h for h in hits if h[:-3].lower().endswith(want.lower())] or hits
        if len(hits) != 1 or hits[0] not in self.moves:
            return None
        dest = self.moves[hits[0]]
        ext = ".md" if text.lower().endswith(".md") else ""
        new = (dest[:-3] if "/" in text else stem(dest)) + ext
        return (value.replace(text, new, 1), dest) if new != text else None

    # -- one note ---------------------------------------------------------------------

    def rewrites(self, info: NoteInfo) -> list[Rewrite]:
        """The references in an indexed note that need rewriting (reads nothing)."""
        out = []
        for link in info.links:
            found = self.relink(link.raw, info.path)
            if found is not None:
                out.append(Rewrite("body", link.raw, found[0], link.line, link.column, found[1]))
        for key, value in (info.data or {}).items():
            for entry in _entries(value):
                found = self.reentry(key, entry, info.path)
                if found is not None:
                    line = info.key_lines.get(key, 1)
                    out.append(Rewrite(key, entry, found[0], line, 1, found[1]))
        return out

    def apply(self, editor: FrontmatterEditor) -> None:
        """Rewrite every stale reference in the note ``editor`` holds (idempotent)."""
        note = editor.note
        source = note.path
        spans = []
        for link in scan_links(note.lines[note.body_start :], note.body_start + 1):
            new = self.link(link.raw, source)
            if new is not None:
                spans.append((link.line - 1, link.column - 1, link.raw, new))
        if spans:
            if not hasattr(editor, "replace_body"):
                raise EditError("this editor cannot rewrite the body")
            editor.replace_body(spans)
        for key in list(editor.data):
            for entry in _entries(editor.data.get(key)):
                new = self.entry(key, entry, source)
                if new is not None:
                    editor.replace_item(key, entry, new)
