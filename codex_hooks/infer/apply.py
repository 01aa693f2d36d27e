"""Writing proposals: both directions of each link, through the same editing layer as ``fix``.

The claim gets the source's path in ``sourced_from`` (kept as a list when it has several)
and the source gets the claim's title in ``claims_extracted`` (in the list's own style),
with :func:`~codex_hooks.entries.add_sourced_from` and
:func:`~codex_hooks.entries.add_entry`, the edits the rules' fixes use. Every edit is
checked by :class:`~codex_hooks.edit.FrontmatterEditor` (only the targeted key changes,
formatting is kept), and each note is written as ``fix`` writes it
(:func:`~codex_hooks.writeback.write_if_unchanged`): atomically and only if it still
holds the bytes that were read. Writing the same proposals twice changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..kb import KnowledgeBase
    from .linker import Proposal

#: One edit of one note: what it does, for the report, and the edit itself.
Edit = tuple[str, Callable[["FrontmatterEditor"], object]]


@dataclass
class Written:
    """What writing did: each changed note with what changed, and what failed."""

    changed: dict[str, list[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def edits(kb: KnowledgeBase, proposals: Iterable[Proposal]) -> dict[str, list[Edit]]:
    """Note path → (description, edit) for every note the proposals touch."""
    from ..entries import add_entry, add_sourced_from

    sf = kb.config.field_name("sourced_from")
    ce = kb.config.field_name("claims_extracted")
    out: dict[str, list[Edit]] = defaultdict(list)
    for p in proposals:
        title = kb.notes[p.claim].title
        out[p.claim].append((f"add {p.source} to {sf}", add_sourced_from(sf, p.source)))
        out[p.source].append((f"add '{title}' to {ce}", add_entry(ce, title)))
    return out


def write(kb: KnowledgeBase, proposals: Iterable[Proposal], dry_run: bool = False) -> Written:
    """Write every proposal's two directions (nothing is written with ``dry_run``)."""
    from ..edit import FrontmatterEditor
    from ..errors import CodexError
    from ..note import Note
    from ..write import resolve_inside
    from ..writeback import write_if_unchanged

    result = Written()
    for path, changes in sorted(edits(kb, proposals).items()):
        try:
            target = resolve_inside(kb.root, path)
            before = target.read_bytes()
            editor = FrontmatterEditor(Note.from_bytes(before, path))
            done = []
            for title, apply in changes:
                text = editor.note.text
                apply(editor)
                if editor.note.text != text:
                    done.append(title)
            if not editor.changed:
                continue
            if not dry_run:
                write_if_unchanged(kb.root, path, before, editor.note.to_bytes(), "linking")
            result.changed[path] = done
        except (OSError, CodexError) as exc:
            result.failed.append(f"{path}: {exc}")
    return result
