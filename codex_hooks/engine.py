"""Running the rules over a knowledge base, and applying their fixes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import EditError, NoteError, UnsafePathError
from .model import ERROR, Violation
from .rules import active_rules

if TYPE_CHECKING:
    from .kb import KnowledgeBase, NoteInfo

MAX_ROUNDS = 6


def _problem_violation(info: NoteInfo) -> Violation:
    p = info.problem
    assert p is not None
    return Violation(info.path, p.line, p.column, p.code, ERROR, f"{p.message}; {p.hint}")


def check(kb: KnowledgeBase, paths: list[str] | None = None) -> list[Violation]:
    """Every violation in the notes at ``paths`` (``None``: all), sorted by path and line."""
    targets = (
        list(kb.notes) if paths is None else [p for p in dict.fromkeys(paths) if p in kb.notes]
    )
    rules = active_rules(kb.config)
    overrides = kb.config.severity
    out: list[Violation] = []
    kb.checking = set(targets)
    for path in targets:
        info = kb.notes[path]
        if info.problem is not None:
            if kb.config.enabled(info.problem.code):
                out.append(_problem_violation(info))
            continue
        if _opted_out(info):
            continue
        for rule in rules:
            if rule.kinds and info.kind not in rule.kinds:
                continue
            out.extend(rule.check(kb, info, rule))
    result = []
    for v in out:
        sev = overrides.get(v.code)
        if sev == "off":
            continue
        if sev and sev != v.severity:
            v = Violation(v.path, v.line, v.column, v.code, sev, v.message, v.fix)
        result.append(v)
    return sorted(result, key=Violation.sort_key)


def _opted_out(info: NoteInfo) -> bool:
    """``codex-hooks: off`` (or ``skip``) in a note's frontmatter turns every rule off for it."""
    flag = info.get("codex-hooks")
    return isinstance(flag, str) and flag.strip().lower() in ("off", "skip", "ignore")


@dataclass
class FileChange:
    """One note changed by a fix: its bytes before and after, and which fixes did it."""

    path: str
    before: bytes
    after: bytes
    fixes: list[str] = field(default_factory=list)


@dataclass
class FixResult:
    """What :func:`fix` did: the notes it changed and the violations that remain."""

    changes: list[FileChange]
    remaining: list[Violation]
    failed: list[str] = field(default_factory=list)

    @property
    def changed_paths(self) -> list[str]:
        """Repo-relative paths of the notes that were (or would be) changed."""
        return [c.path for c in self.changes]


def fix(
    kb: KnowledgeBase,
    paths: list[str] | None = None,
    dry_run: bool = False,
    before_write: object = None,
) -> FixResult:
    """Apply every safe fix found for the notes at ``paths`` until nothing changes.

    Fixes may edit notes outside ``paths`` (the counterpart of a link). Every edit is made
    in memory first; with ``dry_run`` nothing is written. Notes are written one by one,
    each atomically, and only when the file on disk still holds the bytes that were read:
    a note changed meanwhile is left alone and reported in ``failed``.
    """
    originals: dict[str, bytes] = {}
    titles: dict[str, list[str]] = defaultdict(list)
    failed: list[str] = []
    for _ in range(MAX_ROUNDS):
        violations = check(kb, paths)
        groups: dict[str, list] = defaultdict(list)
        for v in violations:
            if v.fix is not None:
                groups[v.fix.path].append(v.fix)
        progressed = False
        for target, fixes in groups.items():
            progressed |= _apply(kb, target, fixes, originals, titles, failed)
        if not progressed:
            break
    changes = []
    for path, before in originals.items():
        after = kb.pending[path].to_bytes()
        if after != before:
            changes.append(FileChange(path, before, after, titles[path]))
    if not dry_run:
        from .write import atomic_write, resolve_inside

        for change in changes:
            target = resolve_inside(kb.root, change.path)
            try:
                if target.read_bytes() != change.before:
                    failed.append(f"{change.path}: changed on disk while fixing; not written")
                    continue
                if callable(before_write):
                    before_write(change.path)
                atomic_write(target, change.after, kb.root)
            except (OSError, UnsafePathError) as exc:
                failed.append(f"{change.path}: {exc}")
        kb.pending.clear()
    remaining = check(kb, paths)
    return FixResult(changes, remaining, failed)


def _apply(
    kb: KnowledgeBase,
    target: str,
    fixes: list,
    originals: dict[str, bytes],
    titles: dict[str, list[str]],
    failed: list[str],
) -> bool:
    from .edit import FrontmatterEditor

    try:
        note = kb.read_note(target)
        editor = FrontmatterEditor(note)
    except (OSError, NoteError, UnsafePathError) as exc:
        failed.append(f"{target}: not fixed: {exc}")
        return False
    originals.setdefault(target, note.to_bytes())
    for fx in fixes:
        before = editor.note.text
        try:
            fx.apply(editor)
        except EditError as exc:
            failed.append(f"{target}: {fx.title}: {exc}")
            continue
        if editor.note.text != before and fx.title not in titles[target]:
            titles[target].append(fx.title)
    if not editor.changed:
        return False
    kb.update(editor.note)
    return True
