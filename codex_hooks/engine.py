"""Running the rules over a knowledge base, and applying their fixes."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .collector import paused
from .errors import EditError, NoteError, UnsafePathError
from .memo import Memo
from .model import ERROR, Violation
from .rules import active_rules
from .rules.context import RuleContext
from .typing_runtime import cast

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex, NoteInfo
    from .model import Fix, Rule
    from .results import Row

MAX_ROUNDS = 6


def _problem_violation(info: NoteInfo) -> Violation:
    p = info.problem
    assert p is not None
    return Violation(info.path, p.line, p.column, p.code, ERROR, f"{p.message}; {p.hint}", None, "")


def _kb(kb: NoteIndex | str | os.PathLike[str]) -> NoteIndex:
    from .config import load_config
    from .index import NoteIndex

    if isinstance(kb, NoteIndex):
        return kb
    root = Path(kb).resolve()
    return NoteIndex.load(root, load_config(root))


@dataclass
class CheckResult:
    """What :func:`run_check` found: the violations shown, and how many others were hidden
    by the baseline (``baselined``) and by inline markers (``suppressed``).

    >>> result = run_check(kb)
    >>> len(result.violations), result.baselined, result.suppressed
    (13, 0, 0)
    """

    violations: list[Violation]
    baselined: int = 0
    suppressed: int = 0


def check(
    kb: NoteIndex | str | os.PathLike[str],
    paths: list[str] | None = None,
    baseline: bool = True,
    keep: Callable[[Violation], bool] | None = None,
) -> list[Violation]:
    """Every violation in the notes at ``paths`` (repo-relative POSIX paths; ``None``: all),
    sorted by path, line, column and code.

    ``kb`` is a loaded :class:`~codex_hooks.index.NoteIndex` or the folder of one, which
    is then loaded with its own configuration::

        >>> violations = codex_hooks.check(root)            # root: the knowledge base's folder
        >>> [(v.code, v.line) for v in violations if v.path.startswith("maps/")]
        [('WL001', 11)]

    Findings suppressed inline (``# codex-hooks: ignore[CODE]``) are left out, and with
    ``baseline`` those the knowledge base's baseline records; :func:`run_check` also
    says how many were left out. ``keep``, when given, says which findings the caller
    answers for (a commit, for the notes it leaves dangling: see
    :class:`~codex_hooks.staged.CommitScope`); the others are neither reported nor fixed.
    """
    return run_check(kb, paths, baseline, keep).violations


def run_check(
    kb: NoteIndex | str | os.PathLike[str],
    paths: list[str] | None = None,
    baseline: bool = True,
    keep: Callable[[Violation], bool] | None = None,
    parallel: bool = False,
) -> CheckResult:
    """:func:`check`, with the counts of the findings it hid. ``parallel`` lets a second
    process check half of the notes on a second core, for a run that only reports: the
    fixes of its findings cannot be applied (:func:`fix` checks afresh).

    >>> run_check(kb, ["maps/alignment and markets.md"]).violations[0].code
    'WL001'
    """
    from .baseline import recorded
    from .suppress import split

    kb = _kb(kb)
    memo = Memo()  # one per check: a fix round that changed notes starts afresh
    try:
        with paused():  # the rules allocate much and free little (see collector)
            found = _check(kb, paths, memo, parallel)
    finally:
        # Lookups in it hold the rules' context, which holds it: a cycle that only the
        # cyclic collector would free, and the command line turns that off.
        memo.clear()
    if keep is not None:
        found = [v for v in found if keep(v)]
    found, suppressed = split(kb, found)
    baselined = 0
    recorded_baseline = recorded(kb) if baseline else None
    if recorded_baseline is not None and found:
        found, baselined = recorded_baseline.following(kb.renames).filter(found)
    return CheckResult(found, baselined, suppressed)


def _check(
    kb: NoteIndex, paths: list[str] | None, memo: Memo, parallel: bool = False
) -> list[Violation]:
    """Every violation of the notes at ``paths``, sorted; nothing hidden. ``parallel``
    allows a second process (:mod:`codex_hooks.parallel`) for half of the notes: its
    findings come back without a fix that can be applied, so it is only for a check
    that reports."""
    targets = (
        list(kb.notes) if paths is None else [p for p in dict.fromkeys(paths) if p in kb.notes]
    )
    rules = active_rules(kb.config)
    overrides = kb.config.severity
    checking = frozenset(targets)
    by_kind: dict[str, list[Rule]] = {}  # the rules for each kind of note, in code order

    def check_note(path: str) -> list[Violation]:
        info = kb.notes[path]
        if info.problem is not None:
            if kb.config.enabled(info.problem.code):
                return [_problem_violation(info)]
            return []
        if _opted_out(info):
            return []
        applicable = by_kind.get(info.kind)
        if applicable is None:
            applicable = by_kind[info.kind] = [
                r for r in rules if not r.kinds or info.kind in r.kinds
            ]
        context = RuleContext(info, kb, checking, memo)
        out: list[Violation] = []
        for rule in applicable:
            out.extend(rule.check(context, rule))
        return [v for v in map(configured, out) if v is not None]

    def configured(v: Violation) -> Violation | None:
        sev = overrides.get(v.code)
        if sev == "off":
            return None
        if sev and sev != v.severity:
            v = replace(v, severity=sev)
        proposed = v.fix
        if proposed is not None:
            target = kb.notes.get(proposed.path)
            if target is not None and _opted_out(target):
                # An opted-out note is never written, not even to mend another note's link.
                v = replace(v, fix=None)
            else:
                safe = kb.config.fix_is_safe(v.code, proposed.safe)
                if safe != proposed.safe:  # extend-safe-fixes / extend-unsafe-fixes
                    v = replace(v, fix=replace(proposed, safe=safe))
        return v

    def check_notes(share: Sequence[str]) -> list[list[Violation]]:
        return [check_note(path) for path in share]

    result: list[Violation] = []
    if not parallel:
        for found in check_notes(targets):
            result.extend(found)
        return sorted(result, key=Violation.sort_key)
    from .parallel import SHARED_MIB, halves
    from .results import as_row, as_violations

    def pack(found: list[Violation]) -> list[Row]:
        return [as_row(v) for v in found]

    # The lookups every note of a kind needs (titles, link resolution, who lists whom)
    # are built on first use: built here, once, before the second process starts, both
    # processes share them instead of building them twice.
    first: dict[str, str] = {}
    for path in targets:
        first.setdefault(kb.notes[path].kind, path)
    primed = {path: check_note(path) for path in first.values()}
    rest = [path for path in targets if path not in primed]
    # The second process reads every note, and so copies what it reads: past SHARED_MIB
    # the two together would hold about twice that, and the rules run in one process.
    # The on-disk index, when the load left it for later, is written while the second
    # process checks notes.
    found_rest = halves(rest, check_notes, pack, shared_mib=SHARED_MIB, meanwhile=kb.write_index)
    by_path = dict(zip(rest, found_rest, strict=True))
    for path in targets:
        found = primed[path] if path in primed else by_path[path]
        if found and not isinstance(found[0], Violation):  # the second process's rows
            result.extend(as_violations(cast("list[Row]", found)))
        else:
            result.extend(found)
    return sorted(result, key=Violation.sort_key)


#: Values of the ``codex-hooks`` frontmatter key that turn the rules off for a note
#: (``false`` and ``no`` too: YAML 1.1 readers take ``off`` for a boolean).
OPT_OUT = ("off", "skip", "ignore", "false", "no")


def _opted_out(info: NoteInfo) -> bool:
    """``codex-hooks: off`` in a note's frontmatter: no rule reports on it, no fix writes it."""
    flag = info.get("codex-hooks")
    return isinstance(flag, str) and flag.strip().lower() in OPT_OUT


@dataclass
class FileChange:
    """One note changed by a fix: its bytes before and after, and which fixes did it.

    >>> change = fix(kb, ["inbox/archive/2026-01-20-conditional-tokens-explainer.md"],
    ...              dry_run=True, unsafe_fixes=True).changes[0]     # a typo: a guess
    >>> change.path, change.fixes
    ('inbox/archive/2026-01-20-conditional-tokens-explainer.md', ["set status to 'processed'"])
    >>> b"procesed" in change.before, b"procesed" in change.after
    (True, False)
    """

    path: str
    before: bytes
    after: bytes
    fixes: list[str] = field(default_factory=list)


@dataclass
class FixResult:
    """What :func:`fix` did: the notes it changed and the violations that remain.

    >>> result = fix(kb, dry_run=True)
    >>> len(result.changed_paths), len(result.remaining), result.failed
    (3, 10, [])
    """

    changes: list[FileChange]
    remaining: list[Violation]
    failed: list[str] = field(default_factory=list)
    #: Remaining findings hidden by the baseline, and by inline markers.
    baselined: int = 0
    suppressed: int = 0

    @property
    def changed_paths(self) -> list[str]:
        """Repo-relative paths of the notes that were (or would be) changed."""
        return [c.path for c in self.changes]


def fix(
    kb: NoteIndex | str | os.PathLike[str],
    paths: list[str] | None = None,
    dry_run: bool = False,
    before_write: object = None,
    baseline: bool = True,
    keep: Callable[[Violation], bool] | None = None,
    unsafe_fixes: bool = False,
) -> FixResult:
    """Apply every safe fix found for the notes at ``paths`` until nothing changes; with
    ``unsafe_fixes``, the unsafe ones (guesses such as a did-you-mean value) too.

    ``kb`` is a loaded knowledge base or its folder, as for :func:`check`. Fixes may edit
    notes outside ``paths`` (the counterpart of a link). Every edit is made in memory
    first; with ``dry_run`` nothing is written and the knowledge base is left as it is on
    disk. Notes are written one by one, each atomically, and only when the file on disk
    still holds the bytes that were read: a note changed meanwhile is left alone and
    reported in ``failed``. Running it again right away changes nothing.

    Findings suppressed inline, and with ``baseline`` those the baseline records, are
    neither fixed nor reported: a commit must not mend old problems of notes it touches.
    ``keep`` narrows the findings as for :func:`check`.

    >>> result = fix(kb, dry_run=True)                 # or fix(root): writes the fixes
    >>> "maps/alignment and markets.md" in result.changed_paths
    False
    >>> sorted({v.code for v in result.remaining})[:4]     # guesses wait for unsafe_fixes
    ['BL001', 'BL003', 'FM002', 'FM003']
    >>> len(fix(kb, dry_run=True, unsafe_fixes=True).remaining)
    5
    """
    kb = _kb(kb)
    originals: dict[str, bytes] = {}
    titles: dict[str, list[str]] = defaultdict(list)
    failed: list[str] = []
    for _ in range(MAX_ROUNDS):
        violations = check(kb, paths, baseline, keep)
        groups: dict[str, list[Fix]] = defaultdict(list)
        for v in violations:
            if v.fix is not None and (v.fix.safe or unsafe_fixes):
                groups[v.fix.path].append(v.fix)
        progressed = False
        for target, fixes in groups.items():
            progressed |= _apply(kb, target, fixes, originals, titles, failed)
        if not progressed:
            break
    changes = []
    for path, before in originals.items():
        edited = kb.pending.get(path)  # absent when every fix for the note failed
        if edited is not None and edited.to_bytes() != before:
            changes.append(FileChange(path, before, edited.to_bytes(), titles[path]))
    if dry_run:
        # What would remain after the fixes; then the knowledge base is what is on disk
        # again, so that a later check or fix does not see edits that were never written.
        found = run_check(kb, paths, baseline, keep)
        _forget(kb, list(kb.pending))
        return FixResult(changes, found.violations, failed, found.baselined, found.suppressed)
    from .writeback import ChangedOnDiskError, write_if_unchanged

    unwritten = []
    hook = before_write if callable(before_write) else None
    for change in changes:
        try:
            write_if_unchanged(kb.root, change.path, change.before, change.after, "fixing", hook)
        except (OSError, UnsafePathError, ChangedOnDiskError) as exc:
            failed.append(f"{change.path}: {exc}")
            unwritten.append(change.path)
    _forget(kb, unwritten)
    kb.pending.clear()
    found = run_check(kb, paths, baseline, keep)
    changes = [c for c in changes if c.path not in unwritten]
    if baseline:
        moved = _follow_renames(kb, failed)
        if moved is not None:
            changes.append(moved)
    return FixResult(changes, found.violations, failed, found.baselined, found.suppressed)


def _follow_renames(kb: NoteIndex, failed: list[str]) -> FileChange | None:
    """Rewrite the baseline's entries for the notes git shows renamed to their new paths,
    so that they stay hidden once the rename is committed; the change, if any."""
    from .baseline import recorded as recorded_baseline

    recorded = recorded_baseline(kb)
    if recorded is None or not kb.renames:
        return None
    moved = recorded.following(kb.renames)
    if moved.entries == recorded.entries:
        return None
    from .baseline import location, remember, write

    file = location(kb.root, kb.config)
    try:
        before = file.read_bytes()
        write(file, moved)
    except OSError as exc:
        failed.append(f"{file.name}: {exc}")
        return None
    remember(kb, moved)
    rel = file.relative_to(kb.root).as_posix()
    return FileChange(
        rel, before, moved.dumps().encode("utf-8"), ["move recorded findings of renamed notes"]
    )


def _forget(kb: NoteIndex, paths: list[str]) -> None:
    """Drop in-memory edits of ``paths``: index them again as they are on disk."""
    from .index import read_info

    for path in paths:
        kb.pending.pop(path, None)
        info = read_info(kb.root, path, kb.config)
        if info is None:
            kb.notes.pop(path, None)
        else:
            kb.notes[path] = info
    kb.invalidate()


def _apply(
    kb: NoteIndex,
    target: str,
    fixes: list[Fix],
    originals: dict[str, bytes],
    titles: dict[str, list[str]],
    failed: list[str],
) -> bool:
    # Only a fix edits: a check never imports the editing and rendering machinery.
    from .edit import NoteEditor

    try:
        note = kb.read_note(target)
        editor = NoteEditor(note)
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
