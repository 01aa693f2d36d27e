"""What the WL rules share (no rule is declared here): the link index and each note's
resolved links, memoised per check; the did-you-mean candidates and the rewrites a fix
makes; the per-folder naming convention; a note's headings and block ids. The rules
themselves are in :mod:`.wikilinks`.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from ..fuzzy import suggest
from ..linkindex import LinkIndex, candidates, link_key
from ..links import WikiLink, retarget, scan_links
from ..memo import MemoKey
from ..moves import recorded_relinker
from ..titles import stem
from ..typing_runtime import cast
from .common import spelling
from .context import RuleContext

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor, NoteEditor
    from ..entries import Edit
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo

#: The per-check memo's keys of the WL rules (see :mod:`.context`).
LINK_INDEX: MemoKey[LinkIndex] = MemoKey("link-index")
#: Per note: each body link with the notes it names.
RESOLVED: MemoKey[list[tuple[WikiLink, list[str]]]] = MemoKey("resolved")
PER_FOLDER: MemoKey[PerFolder] = MemoKey("per-folder")
#: Per shared file name: the shortest paths among the notes that have it.
SHORTEST_PATHS: MemoKey[list[str]] = MemoKey("shortest")
#: Per note: its headings (folded) and block ids.
ANCHORS: MemoKey[tuple[set[str], set[str]]] = MemoKey("anchors")


def link_index(ctx: RuleContext) -> LinkIndex:
    """Every note by file name, built once per state of the knowledge base."""
    kb = ctx.index
    return ctx.memo.get(LINK_INDEX, lambda: LinkIndex(kb.notes))


def resolved(ctx: RuleContext, info: NoteInfo) -> list[tuple[WikiLink, list[str]]]:
    """Each body link of a note with the notes it names (computed once per check)."""
    return ctx.memo.get(
        RESOLVED, lambda: link_index(ctx).resolve_links(info.links, info.path), info.path
    )


def _titles(kb: NoteIndex, paths: list[str]) -> list[tuple[str, float]]:
    """Candidates as :func:`~codex_hooks.fuzzy.suggest` lists them: titles, or paths when
    two candidates share a title."""
    names = [stem(p) for p in paths]
    shown = names if len(set(names)) == len(names) else paths
    return [(n, 0.0) for n in shown]


def _renamed(kb: NoteIndex, raw: str, source: str) -> bool:
    """Whether WL005 reports this link: it names a note that git shows renamed."""
    relinker = recorded_relinker(kb)
    return relinker is not None and relinker.link(raw, source) is not None


def rewrite_link(old: str, new: str) -> Edit:
    """A fix that rewrites every body link written exactly ``old`` to ``new``."""

    def apply(ed: FrontmatterEditor) -> None:
        note = ed.note
        spans = [
            (link.line - 1, link.column - 1, old, new)
            for link in scan_links(note.lines[note.body_start :], note.body_start + 1)
            if link.raw == old
        ]
        if spans:
            # The fixer gives every fix a NoteEditor; Fix.apply is typed for the
            # frontmatter editor that most fixes need.
            cast("NoteEditor", ed).replace_body(spans)

    return apply


def spelled_as(written: str, dest: str, source: str | None = None) -> bool:
    """Whether the link target ``written`` names ``dest`` once case, spaces, hyphens and
    underscores are folded in every folder and the name: then rewriting it to ``dest``
    is the one reading of what was written (a safe fix), not a similarity guess."""
    want = [spelling(part) for part in link_key(written, source).split("/") if part]
    path = dest[:-3] if dest.lower().endswith(".md") else dest
    have = [spelling(part) for part in path.split("/")]
    return bool(want) and have[-len(want) :] == want


def _did_you_mean(
    ctx: RuleContext, target: str, raw: str, source: str
) -> tuple[str, str | None, bool]:
    """The did-you-mean text for a target that names no note, the rewritten link when
    exactly one close note exists, and whether that rewrite is safe (see
    :func:`spelled_as`)."""
    kb = ctx.index
    index = link_index(ctx)
    found, single = candidates(index, kb.titles, target, kb.config.fuzzy_threshold)
    new = None
    if single:
        new = retarget(raw, index.target_for(found[0], target, source))
        if new == raw:
            new = None
    safe = new is not None and spelled_as(target, found[0], source)
    return suggest(_link_forms(index, found, target, source)), new, safe


def _link_forms(
    index: LinkIndex, paths: list[str], target: str, source: str
) -> list[tuple[str, float]]:
    """Did-you-mean candidates for a link: their titles, or, when two share a title, the
    link target that opens each from ``source`` (the own folder's note first, as Obsidian
    would open it)."""
    names = [stem(p) for p in paths]
    if len(set(n.casefold() for n in names)) == len(names):
        return [(n, 0.0) for n in names]
    folder = source.rpartition("/")[0]
    ordered = sorted(paths, key=lambda p: p.rpartition("/")[0] != folder)
    return [(index.target_for(p, target, source), 0.0) for p in ordered]


class PerFolder:
    """The ``per_folder_names`` setting: notes that each folder (or each agent's folder)
    has one of by convention. An entry without ``/`` is a file name (``_map``), compared
    as links compare names; an entry with ``/`` is a pattern of paths without ``.md``
    (``agents/*/*``), ``*`` matching within one folder name."""

    def __init__(self, entries: list[str]) -> None:
        self.names = frozenset(link_key(e) for e in entries if "/" not in e.strip("/"))
        self.patterns = [
            tuple((e[:-3] if e.lower().endswith(".md") else e).strip("/").split("/"))
            for e in entries
            if "/" in e.strip("/")
        ]

    def name(self, key: str) -> bool:
        """Whether a folded file name (a link's, without ``.md``) is a per-folder name."""
        return key in self.names

    def note(self, path: str) -> bool:
        """Whether the note at ``path`` is a per-folder note."""
        if self.name(link_key(path).rsplit("/", 1)[-1]):
            return True
        if not self.patterns:
            return False
        parts = (path[:-3] if path.lower().endswith(".md") else path).split("/")
        return any(
            len(pattern) == len(parts) and all(map(fnmatchcase, parts, pattern))
            for pattern in self.patterns
        )


def per_folder(ctx: RuleContext) -> PerFolder:
    """The knowledge base's :class:`PerFolder` setting (built once per check)."""
    return ctx.memo.get(PER_FOLDER, lambda: PerFolder(ctx.config.per_folder_names))


def _listed(paths: list[str], limit: int = 3) -> str:
    return ", ".join(paths[:limit]) + (", …" if len(paths) > limit else "")


def _either(paths: list[str]) -> str:
    return paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " or " + paths[-1]


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BLOCK_ID = re.compile(r"\s\^([A-Za-z0-9-]+)\s*$")
_NOT_IN_HEADING_LINK = re.compile(r"[\[\]#^|:\\*]+")


def _heading_key(text: str) -> str:
    """A heading as a link compares it: case and spacing ignored, characters a link
    cannot hold dropped."""
    return " ".join(_NOT_IN_HEADING_LINK.sub(" ", text).split()).casefold()


def _anchors(ctx: RuleContext, path: str) -> tuple[set[str], set[str]]:
    """The headings (folded) and block ids of the note at ``path``."""
    return ctx.memo.get(ANCHORS, lambda: _read_anchors(ctx.index, path), path)


def _read_anchors(kb: NoteIndex, path: str) -> tuple[set[str], set[str]]:
    headings: set[str] = set()
    blocks: set[str] = set()
    try:
        note = kb.read_note(path)
    except Exception:  # unreadable: reported by the FM rules; nothing to compare
        return headings, blocks
    fence = None
    for line in note.lines[note.body_start :]:
        text = line.rstrip("\r\n")
        stripped = text.lstrip(" ")
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
            continue
        if fence:
            continue
        m = _HEADING.match(text)
        if m:
            headings.add(_heading_key(m.group(2)))
        b = _BLOCK_ID.search(text)
        if b:
            blocks.add(b.group(1).lower())
    return headings, blocks


def heading_check_enabled(kb: NoteIndex) -> bool:
    """WL003 runs only when configured: a severity for it, or ``select`` naming it."""
    return kb.config.severity.get("WL003") in ("error", "warning") or "WL003" in kb.config.select
