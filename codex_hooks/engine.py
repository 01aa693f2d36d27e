"""Running the rules over a knowledge base (:mod:`codex_hooks.fixing` applies their fixes)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .collector import paused
from .memo import Memo
from .model import ERROR, Violation
from .rules import active_rules
from .rules.context import RuleContext
from .typing_runtime import cast

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex, NoteInfo
    from .model import Rule
    from .results import Row


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
