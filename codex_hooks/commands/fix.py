"""``codex-hooks fix``: apply the safe fixes (with ``--unsafe-fixes`` the unsafe ones too),
then report what remains.

Exit codes: 0 nothing changed and no errors, 1 files changed or errors remain, 2 usage
or configuration error.
"""

from __future__ import annotations

import argparse
import sys

from .common import _exit, _load, _targets, _usage, reporting, scope
from .output import report, shown

HELP = "apply the safe fixes, then report what remains"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    scope(parser)
    reporting(parser)
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="apply the unsafe fixes too (guesses, such as a did-you-mean value)",
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")


def run(args: argparse.Namespace) -> int:
    _usage(args)
    kb = _load(args)
    if not args.no_baseline:
        kb.baseline  # noqa: B018  (a baseline that cannot be read stops the command now)
    targets, keep = _targets(kb, args)
    result = kb.fix(
        targets,
        dry_run=args.diff,
        unsafe_fixes=args.unsafe_fixes,
        baseline=not args.no_baseline,
        keep=keep,
    )
    if args.diff:
        import difflib

        for change in result.changes:
            before = change.before.decode("utf-8").splitlines(keepends=True)
            after = change.after.decode("utf-8").splitlines(keepends=True)
            sys.stdout.writelines(
                difflib.unified_diff(
                    before, after, f"a/{shown(change.path)}", f"b/{shown(change.path)}"
                )
            )
    else:
        # Stdout carries only the report when it is meant for a program.
        listing = sys.stdout if args.format == "text" and not args.statistics else sys.stderr
        for change in result.changes:
            print(shown(f"Fixing {change.path}: {'; '.join(change.fixes)}"), file=listing)
    for problem in dict.fromkeys(result.failed):
        print(f"codex-hooks: {shown(problem)}", file=sys.stderr)
    checked = len(kb.notes) if targets is None else len(targets)
    # With --diff, stdout carries only the patch, so that it can be piped to `git apply`.
    report(
        result.remaining,
        args,
        checked,
        sys.stderr if args.diff else None,
        result.baselined,
        result.suppressed,
    )
    errors = any(v.severity == "error" for v in result.remaining)
    return _exit(args, bool(result.changes) or errors)
