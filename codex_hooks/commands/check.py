"""``codex-hooks check``: report the findings of the chosen notes; never writes.

Exit codes: 0 clean (warnings allowed), 1 errors found, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse

from .common import (
    _exit,
    _load,
    _root,
    _targets,
    _usage,
    reporting,
    scope,
)
from .output import print_rows, report

HELP = "report violations; never writes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    scope(parser)
    reporting(parser)


def run(args: argparse.Namespace) -> int:
    chosen = _usage(args)
    root = _root(args)
    store = None
    # A stored result holds the configured rules' findings: a run that chooses its own
    # rules neither reuses nor replaces it.
    if args.all_files and not args.no_cache and not chosen:
        # Nothing changed since the last whole check: print what it found. The stored
        # result holds every finding; the baseline, which may have changed, applies now.
        from ..results import as_violations, stored

        store = stored(root)
        found = store.read() if store is not None else None
        if store is not None and found is not None:
            rows, checked = found
            baselined = 0
            if not args.no_baseline:
                from ..baseline import load, location

                recorded = load(location(root))
                if recorded is not None and rows:
                    from ..gitutil import renames

                    recorded = recorded.following(renames(root))
                    flags = recorded.hidden((r[0], r[3], r[8]) for r in rows)
                    rows = [r for r, hide in zip(rows, flags, strict=True) if not hide]
                    baselined = sum(flags)
            if args.format == "text" and not args.statistics:
                print_rows(rows, None, None, baselined, store.suppressed)
            else:
                report(as_violations(rows), args, checked, None, baselined, store.suppressed)
            return _exit(args, any(r[4] == "error" for r in rows))
    if args.all_files:
        from ..parallel import prefetch

        # What a whole check imports once the notes are read; rapidfuzz as soon as one
        # link names no note (its did-you-mean scores more pairs than fuzzy.BUDGET).
        prefetch(
            "codex_hooks.engine",
            "codex_hooks.baseline",
            "codex_hooks.suppress",
            "codex_hooks.missing_links",
            "rapidfuzz",
        )
    # A whole check writes the on-disk index while the rules run on two cores.
    kb = _load(args, root, write_later=args.all_files)
    use_baseline = not args.no_baseline
    if use_baseline:
        kb.baseline  # noqa: B018  (a baseline that cannot be read stops the command now)
    targets, keep = _targets(kb, args)
    from ..engine import run_check

    # A result to store holds every finding: the baseline applies when it is printed.
    result = run_check(
        kb, targets, baseline=use_baseline and store is None, keep=keep, parallel=True
    )
    kb.write_index()  # written already by the rules' step (engine._check); else now
    checked = len(kb.notes) if targets is None else len(targets)
    violations, baselined = result.violations, result.baselined
    if store is not None:
        store.write(violations, checked, result.suppressed)
        if use_baseline and kb.baseline is not None and violations:
            violations, baselined = kb.baseline.following(kb.renames).filter(violations)
    report(violations, args, checked, None, baselined, result.suppressed)
    return _exit(args, any(v.severity == "error" for v in violations))
