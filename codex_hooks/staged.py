"""Which notes a commit touches: staged notes plus the notes that staged deletions and
renames leave dangling."""

from __future__ import annotations

from dataclasses import dataclass, field

from .index import as_list
from .titles import clean_path, normalize_title, stem, strip_link

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .model import Violation

#: The rule that reports (and mends) a reference to a note git shows renamed.
RENAMED_REFERENCE = "WL005"


@dataclass(frozen=True)
class CommitScope:
    """What a commit may be held to: the notes it stages, and the notes that its
    deletions and renames leave naming a note that is gone.

    A staged note answers for every finding; its fixes may write the counterpart entries
    its own links require. A dangling note was not touched by the committer: only the
    findings about the gone notes are theirs (a reference to rewrite or to remove), never
    the note's older, unrelated problems.
    """

    staged: tuple[str, ...] = ()
    dangling: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()
    _titles: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def of(cls, staged: list[str], dangling: list[str], gone: list[str]) -> CommitScope:
        titles = frozenset(normalize_title(stem(p)) for p in gone)
        mine = tuple(dict.fromkeys(staged))
        others = tuple(p for p in dict.fromkeys(dangling) if p not in set(mine))
        return cls(mine, others, tuple(gone), titles)

    @property
    def paths(self) -> list[str]:
        """Every note to check."""
        return [*self.staged, *self.dangling]

    def keep(self, violation: Violation) -> bool:
        """Whether the commit answers for ``violation``."""
        if violation.path not in self.dangling:
            return True
        if violation.code == RENAMED_REFERENCE:
            return True
        subject = getattr(violation, "subject", "") or ""
        if not subject:
            return False
        if clean_path(subject) in self.gone:
            return True
        return normalize_title(strip_link(subject)) in self._titles


def referrers(kb: NoteIndex, gone: str) -> list[str]:
    """Notes whose link fields name the note that was at ``gone``."""
    title = normalize_title(stem(gone))
    out = []
    fields = [kb.config.field_name(f) for f in ("claims_extracted", "enrichments_applied")]
    fields += ["depends_on", "challenged_by", "enrichments"]
    sourced = kb.config.field_name("sourced_from")
    for path, info in kb.notes.items():
        # A note without frontmatter (an agent's file, a map) still links in its body.
        if (
            any(clean_path(r) == gone for r in as_list(info.get(sourced)))
            or any(normalize_title(e) == title for f in fields for e in as_list(info.get(f)))
            or any(normalize_title(link.target) == title for link in info.links)
        ):
            out.append(path)
    return out


def commit_scope(kb: NoteIndex, paths: list[str] | None = None, index: bool = False) -> CommitScope:
    """The scope of the next commit: the staged notes (``paths`` when the caller knows
    them, as pre-commit passes them; else git's staged list) and the notes that staged
    deletions and renames leave dangling. With ``index``, notes that also have unstaged
    changes are read as staged (see :func:`use_staged_content`)."""
    from .gitutil import Staged, staged

    changes = Staged()
    if (kb.root / ".git").exists():
        changes = staged(kb.root)
        kb.staged_renames = changes.renamed
    mine = paths if paths is not None else [p for p in changes.changed if _is_note(p)]
    if index:
        use_staged_content(kb, mine)
    gone = [p for p in [*changes.deleted, *changes.renamed] if _is_note(p)]
    dangling = _referrers_of(kb, gone)
    return CommitScope.of(
        [p for p in mine if p in kb.notes], [p for p in dangling if p in kb.notes], gone
    )


def _is_note(path: str) -> bool:
    return path.lower().endswith(".md")


def staged_targets(kb: NoteIndex, index: bool = False) -> list[str]:
    """Repo-relative paths to check for the next commit: staged notes, plus the notes that
    staged deletions and renames leave dangling (see :func:`commit_scope`)."""
    return commit_scope(kb, index=index).paths


def _referrers_of(kb: NoteIndex, gone: list[str]) -> list[str]:
    out: list[str] = []
    for path in gone:
        if path.lower().endswith(".md"):
            out.extend(referrers(kb, path))
    return out


def use_staged_content(kb: NoteIndex, paths: list[str]) -> list[str]:
    """Index the staged version of the notes at ``paths`` whose work-tree file differs
    from the index, so that a check covers what the commit will hold, not unstaged work.
    Returns the paths whose staged content was used."""
    from .errors import NoteError
    from .gitutil import index_contents, unstaged
    from .index import NoteInfo, Problem, build_info, classify
    from .note import Note

    if not paths or not (kb.root / ".git").exists():
        return []
    differ = unstaged(kb.root) & {p for p in paths if p.lower().endswith(".md")}
    blobs = index_contents(kb.root, differ)
    for path, data in blobs.items():
        try:
            note = Note.from_bytes(data, path)
            # Whatever reads the note's text during the check (inline suppressions) reads
            # what the index holds too.
            kb.staged[path] = note
            info = build_info(note, kb.config)
        except NoteError as exc:
            problem = Problem(exc.code, exc.message, exc.line, exc.column, exc.hint)
            info = NoteInfo(path, classify(path, None, kb.config), problem=problem)
        kb.notes[path] = info
    if blobs:
        kb.invalidate()
    return sorted(blobs)
