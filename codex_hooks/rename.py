"""Renaming notes without breaking what names them.

A note is named by ``[[wiki links]]`` in bodies and frontmatter, by titles in
``claims_extracted``, ``enrichments_applied`` (or the legacy ``enrichments``),
``depends_on`` and ``challenged_by``, and by paths in ``sourced_from``. When a note moves, each of these that
named it (as the knowledge base resolved it *before* the move) is rewritten to name it at
its new place, in the reference's own form: a link keeps its ``|text``, ``#heading``,
``.md`` or not, and path or short form. A link that a new file name would capture (it
named another note of that name before) is lengthened into a path so that it still names
the note it named.

Two entry points share that logic: :func:`rename_note` (and ``codex-hooks rename``) moves
a file and updates every note; the WL005 rule finds the references that a rename git
already recorded (``git mv``) left behind, and its fix rewrites them.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import CodexError, EditError
from .links import TIE, LinkIndex, link_key, links_in_text, parse_inner, retarget, scan_links
from .titles import clean_path, normalize_title, stem

if TYPE_CHECKING:
    from .config import Config
    from .edit import FrontmatterEditor
    from .kb import KnowledgeBase, NoteInfo

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


class RenameError(CodexError):
    """A rename that cannot be done: the note is missing, the new name is taken…"""


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
            editor.replace_body(spans)  # type: ignore[attr-defined]
        for key in list(editor.data):
            for entry in _entries(editor.data.get(key)):
                new = self.entry(key, entry, source)
                if new is not None:
                    editor.replace_item(key, entry, new)


# -- renames git recorded -------------------------------------------------------------


def recorded_moves(kb: KnowledgeBase) -> dict[str, str]:
    """Notes git shows renamed since ``HEAD`` whose old path is gone and new path is a
    note (``{}`` outside a git work tree)."""
    moves = kb.memo.get("recorded-moves")
    if moves is None:
        moves = {}
        if (kb.root / ".git").exists():
            moves = {
                old: new
                for old, new in kb.renames.items()
                if old.lower().endswith(".md") and new in kb.notes and old not in kb.notes
            }
        kb.memo["recorded-moves"] = moves
    return moves  # type: ignore[return-value]


def renamed_to(kb: KnowledgeBase, ref: str) -> list[str]:
    """The new path of the note that ``ref`` (a title or path) named before a rename git
    recorded; ``[]`` when it named none."""
    moves = recorded_moves(kb)
    if not moves:
        return []
    path = clean_path(ref)
    if path in moves:
        return [moves[path]]
    title = normalize_title(ref)
    return [new for old, new in moves.items() if normalize_title(stem(old)) == title]


def recorded_relinker(kb: KnowledgeBase) -> Relinker | None:
    """The :class:`Relinker` for the renames git recorded (``None`` when there are none)."""
    moves = recorded_moves(kb)
    if not moves:
        return None
    relinker = kb.memo.get("recorded-relinker")
    if relinker is None:
        after = list(kb.notes)
        moved_to = set(moves.values())
        before = [p for p in after if p not in moved_to] + list(moves)
        relinker = kb.memo["recorded-relinker"] = Relinker(moves, before, after, kb.config)
    return relinker  # type: ignore[return-value]


def stale_referrers(kb: KnowledgeBase) -> dict[str, list[Rewrite]]:
    """Every note that still names a renamed note by its old name → its rewrites."""
    relinker = recorded_relinker(kb)
    if relinker is None:
        return {}
    found = kb.memo.get("stale-referrers")
    if found is None:
        found = {}
        for path, info in kb.notes.items():
            rewrites = relinker.rewrites(info)
            if rewrites:
                found[path] = rewrites
        kb.memo["stale-referrers"] = found
    return found  # type: ignore[return-value]


# -- renaming a note ------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def _tracked(root: Path, path: str) -> bool:
    if not (root / ".git").exists():
        return False
    return _git(root, "ls-files", "--error-unmatch", "--", path).returncode == 0


def new_path(kb: KnowledgeBase, old: str, new: str) -> str:
    """The repo-relative path a note moves to: ``.md`` added when missing, and a bare
    file name kept in the note's own folder."""
    new = new.replace("\\", "/").strip()
    if not new.lower().endswith(".md"):
        new += ".md"
    if "/" not in new:
        folder = PurePosixPath(old).parent.as_posix()
        new = new if folder == "." else f"{folder}/{new}"
    return PurePosixPath(new).as_posix()


@dataclass
class RenamePlan:
    """What renaming a note rewrites: per note (by its path after the move) the
    references to rewrite, and the :class:`Relinker` that rewrites them."""

    old: str
    new: str
    rewrites: dict[str, list[Rewrite]]
    relinker: Relinker


def plan_rename(kb: KnowledgeBase, old: str, new: str, moved: bool = False) -> RenamePlan:
    """Plan renaming the note at ``old`` to ``new`` (``moved``: the file is at ``new``
    already, the index still has it at ``old``). Reads and writes nothing."""
    from dataclasses import replace

    from .write import resolve_inside

    if old not in kb.notes:
        raise RenameError(f"{old}: no such note in the knowledge base")
    new = new_path(kb, old, new)
    resolve_inside(kb.root, new)
    if new == old:
        raise RenameError(f"{old}: the new name is the old one")
    same_file = new.lower() == old.lower()
    if new in kb.notes or (not moved and not same_file and (kb.root / new).exists()):
        raise RenameError(f"{new}: a file of that name exists already")
    after = [new if p == old else p for p in kb.notes]
    relinker = Relinker({old: new}, list(kb.notes), after, kb.config)
    rewrites: dict[str, list[Rewrite]] = {}
    for path, info in kb.notes.items():
        found = relinker.rewrites(info if path != old else replace(info, path=new))
        if found:
            rewrites[new if path == old else path] = found
    return RenamePlan(old, new, rewrites, relinker)


def rename_note(
    kb: KnowledgeBase,
    old: str,
    new: str,
    move: bool = True,
    stage: bool = False,
    dry_run: bool = False,
) -> list[str]:
    """Rename the note at ``old`` to ``new`` and rewrite every reference to it.

    ``old`` and ``new`` are repo-relative paths (``new`` may be a bare file name: the note
    stays in its folder; ``.md`` is added when missing). With ``move`` the file is moved
    (``git mv`` when git tracks it); without it the file must be at ``new`` already. With
    ``stage`` the rewritten notes are staged too (``git add``), those that had no unstaged
    changes before. Returns the paths of the notes whose text changed (their paths after
    the move); ``dry_run`` computes them and writes nothing.

        >>> rename_note(kb, "domains/a/old.md", "new title")   # doctest: +SKIP
        ['domains/a/new title.md', 'maps/index.md']
    """
    from dataclasses import replace

    from .edit import NoteEditor
    from .kb import read_info
    from .write import atomic_write, resolve_inside

    if not move:
        new = new_path(kb, old, new)
        if old in kb.notes or new not in kb.notes:
            raise RenameError(f"{new}: without moving, the note must be there and not at {old}")
        kb.notes[old] = replace(kb.notes.pop(new), path=old)
        try:
            plan = plan_rename(kb, old, new, moved=True)
        finally:
            kb.notes[new] = replace(kb.notes.pop(old), path=new)
    else:
        plan = plan_rename(kb, old, new)
    new = plan.new
    edited = {}
    for path in plan.rewrites:
        on_disk = old if (move and path == new) else path
        editor = NoteEditor(replace(kb.read_note(on_disk), path=path))
        plan.relinker.apply(editor)
        if editor.changed:
            edited[path] = editor.note
    if dry_run:
        return sorted(edited)
    use_git = (kb.root / ".git").exists()
    dirty: set[str] = set()
    if stage and use_git:
        out = _git(kb.root, "diff", "--name-only", "-z").stdout
        dirty = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
    tracked = move and _tracked(kb.root, old)
    if move:
        target = resolve_inside(kb.root, new)
        target.parent.mkdir(parents=True, exist_ok=True)
        if tracked:
            result = _git(kb.root, "mv", "--", old, new)
            if result.returncode != 0:
                raise RenameError(f"git mv failed: {result.stderr.decode(errors='replace')}")
        else:
            os.rename(resolve_inside(kb.root, old), target)
    for path, note in edited.items():
        atomic_write(resolve_inside(kb.root, path), note.to_bytes(), kb.root)
    if stage and use_git:
        clean = [
            p
            for p in edited
            if (old if p == new else p) not in dirty and (p != new or tracked or not move)
        ]
        if clean:
            _git(kb.root, "add", "--", *clean)
    # The knowledge base now describes the notes as they are on disk.
    kb.notes.pop(old, None)
    kb.pending.pop(old, None)
    for path in {new, *edited}:
        kb.pending.pop(path, None)
        info = read_info(kb.root, path, kb.config)
        if info is not None:
            kb.notes[path] = info
    kb.__dict__.pop("renames", None)
    kb.invalidate()
    return sorted(edited)
