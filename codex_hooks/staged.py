"""Which notes a commit touches: staged notes plus the notes that staged deletions and
renames leave dangling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kb import as_list
from .titles import clean_path, normalize_title, stem

if TYPE_CHECKING:
    from .kb import KnowledgeBase


def referrers(kb: KnowledgeBase, gone: str) -> list[str]:
    """Notes whose link fields name the note that was at ``gone``."""
    title = normalize_title(stem(gone))
    out = []
    fields = [kb.config.field_name(f) for f in ("claims_extracted", "enrichments_applied")]
    fields += ["depends_on", "challenged_by", "enrichments"]
    sourced = kb.config.field_name("sourced_from")
    for path, info in kb.notes.items():
        if not info.data:
            continue
        if (
            any(clean_path(r) == gone for r in as_list(info.get(sourced)))
            or any(normalize_title(e) == title for f in fields for e in as_list(info.get(f)))
            or any(normalize_title(link.target) == title for link in info.links)
        ):
            out.append(path)
    return out


def staged_targets(kb: KnowledgeBase, index: bool = False) -> list[str]:
    """Repo-relative paths to check for the next commit: staged notes, plus the notes that
    staged deletions and renames leave dangling. With ``index``, notes that also have
    unstaged changes are read as staged (see :func:`use_staged_content`)."""
    from .gitutil import staged

    changes = staged(kb.root)
    targets = [p for p in changes.changed if p.lower().endswith(".md")]
    if index:
        use_staged_content(kb, targets)
    targets += _referrers_of(kb, [*changes.deleted, *changes.renamed])
    return list(dict.fromkeys(t for t in targets if t in kb.notes))


def dangling_targets(kb: KnowledgeBase) -> list[str]:
    """Only the notes that staged deletions and renames leave dangling."""
    from .gitutil import staged

    if not (kb.root / ".git").exists():
        return []
    changes = staged(kb.root)
    found = _referrers_of(kb, [*changes.deleted, *changes.renamed])
    return list(dict.fromkeys(t for t in found if t in kb.notes))


def _referrers_of(kb: KnowledgeBase, gone: list[str]) -> list[str]:
    out: list[str] = []
    for path in gone:
        if path.lower().endswith(".md"):
            out.extend(referrers(kb, path))
    return out


def use_staged_content(kb: KnowledgeBase, paths: list[str]) -> list[str]:
    """Index the staged version of the notes at ``paths`` whose work-tree file differs
    from the index, so that a check covers what the commit will hold, not unstaged work.
    Returns the paths whose staged content was used."""
    from .errors import NoteError
    from .gitutil import index_contents, unstaged
    from .kb import NoteInfo, Problem, build_info, classify
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
