"""The ``codex-hooks`` command line: a thin layer over the library.

Exit codes: 0 clean (warnings allowed), 1 errors found or files changed, 2 usage or
configuration errors. Heavy modules (GitPython, rapidfuzz, ruamel.yaml) are imported only
by the commands that need them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .model import Violation

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="codex-hooks",
        description="Check and fix a markdown knowledge base of claims and sources.",
    )
    parser.add_argument("--version", action="version", version=f"codex-hooks {__version__}")
    # A given prog spares argparse a help formatter (and its import of shutil) at start-up.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="codex-hooks")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "paths", nargs="*", metavar="PATH", help="notes to check (default: staged notes)"
        )
        p.add_argument(
            "--all-files", action="store_true", help="check every note of the knowledge base"
        )
        p.add_argument(
            "--no-cache",
            action="store_true",
            help="do not read or write the on-disk index or the stored result of a whole check",
        )
        p.add_argument(
            "--hook",
            action="store_true",
            help="as a pre-commit hook: also check notes that staged deletions and renames "
            "leave dangling",
        )
        p.add_argument(
            "--root", metavar="DIR", help="the knowledge base's root (default: found from here)"
        )

    check = sub.add_parser("check", help="report violations; never writes")
    common(check)
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    fix = sub.add_parser("fix", help="apply the safe fixes, then report what remains")
    common(fix)
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="apply the unsafe fixes too (guesses, such as a did-you-mean value)",
    )
    fix.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("code", nargs="?", help="a rule code such as BL003")
    for name, module in _extensions().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(handler=module.run)
    return parser


#: Sub-commands that live in their own modules under ``codex_hooks/commands``. Each
#: module defines ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int`` and keeps
#: its heavy imports inside ``run``.
EXTENSIONS = ("link", "rename")


def _extensions() -> dict[str, object]:
    import importlib

    found = {}
    for name in EXTENSIONS:
        try:
            found[name] = importlib.import_module(f"codex_hooks.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"codex_hooks.commands.{name}":
                raise
    return found


#: ``config.CONFIG_FILE``, named here because a check served from stored results never
#: needs the configuration module.
ROOT_MARKER = ".codex-hooks.yaml"


def find_root(start: Path) -> Path:
    """The knowledge base's root: the nearest folder holding a ``.codex-hooks.yaml`` or a
    ``.git``, searching upwards from ``start``; ``start`` itself when there is neither."""
    for candidate in (start, *start.parents):
        if (candidate / ROOT_MARKER).is_file() or (candidate / ".git").exists():
            return candidate
    return start


def repo_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """Command-line paths as repo-relative POSIX paths (markdown only)."""
    out = []
    for raw in paths:
        full = Path(os.path.abspath(raw))
        try:
            rel = full.relative_to(root)
        except ValueError:
            try:
                rel = full.resolve().relative_to(root.resolve())
            except ValueError:
                raise UsageError(f"{raw}: not inside the knowledge base at {root}") from None
        if rel.as_posix().lower().endswith(".md"):
            out.append(rel.as_posix())
    return out


def _expand(kb: KnowledgeBase, raw_paths: Sequence[str]) -> list[str]:
    """Command-line paths as the notes to check: a folder stands for every note under it;
    a path that does not exist is a usage error, not a silent "nothing to check"."""
    out: list[str] = []
    for raw in raw_paths:
        full = Path(os.path.abspath(raw))
        if full.is_dir():
            [rel] = repo_paths(kb.root, [str(full / "x.md")])
            prefix = rel[: -len("x.md")]
            out.extend(p for p in kb.notes if p.startswith(prefix))
        elif full.exists() or full.is_symlink():
            out.extend(repo_paths(kb.root, [raw]))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(out))


def _targets(kb: KnowledgeBase, args: argparse.Namespace) -> list[str] | None:
    if args.all_files:
        return None
    if args.paths:
        paths = _expand(kb, args.paths)
        if args.hook:
            from .staged import dangling_targets

            paths = list(dict.fromkeys([*paths, *dangling_targets(kb)]))
        return paths
    from .gitutil import toplevel
    from .staged import staged_targets

    top = toplevel(kb.root)
    if top is None or top.resolve() != kb.root.resolve():
        where = "is not in a git repository" if top is None else f"is inside {top}, not its root"
        raise UsageError(
            f"{kb.root} {where}: staged notes cannot be found; pass PATHs or --all-files"
        )
    # A check reads what the commit will hold; a fix edits the work tree, keeping the
    # user's unstaged changes in it (and never stages anything).
    return staged_targets(kb, index=args.command == "check")


def _root(args: argparse.Namespace) -> Path:
    if args.root:
        root = Path(args.root).resolve()
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: no such folder")
        return root
    return find_root(Path.cwd())


def _load(args: argparse.Namespace, root: Path | None = None) -> KnowledgeBase:
    from .kb import KnowledgeBase

    kb = KnowledgeBase.load(root or _root(args), cache=not getattr(args, "no_cache", False))
    # The notes live until the command ends: keep the cyclic collector from rescanning
    # them each time the rules allocate (a process-wide setting, so here, not in load).
    import gc

    gc.freeze()
    return kb


#: Characters that could fake or hide output lines on a terminal: C0/C1 controls (newline,
#: carriage return, escape sequences), line and paragraph separators, bidi overrides.
_UNSAFE = frozenset(
    [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)


def shown(text: str) -> str:
    """``text`` safe to print on one line: control characters become escapes (``\\n``,
    ``\\x1b``, ``\\u202e``), so a file name or value cannot fake or hide a report line."""
    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if c in _UNSAFE else c for c in text)


def _summary(errors: int, warnings: int, safe: int, unsafe: int = 0) -> str:
    if not errors + warnings:
        return "All checked notes are consistent."
    text = f"Found {errors} error(s) and {warnings} warning(s)"
    if safe:
        text += f"; {safe} fixable with 'codex-hooks fix'"
    if unsafe:
        more = "more" if safe else "fixable"
        text += f"{',' if safe else ';'} {unsafe} {more} with 'codex-hooks fix --unsafe-fixes'"
    return text + ". Explain a code with 'codex-hooks rules CODE'."


def print_violations(
    violations: Sequence[Violation], fmt: str, checked: int, out: TextIO | None = None
) -> None:
    """Write violations in ``fmt`` (text, json or github) to ``out`` (default stdout)."""
    out = out or sys.stdout
    if fmt == "json":
        import json

        summary = {
            "errors": sum(v.severity == "error" for v in violations),
            "warnings": sum(v.severity == "warning" for v in violations),
            "fixable": sum(v.fixable for v in violations),
            "fixable_safe": sum(v.safe_fix for v in violations),
            "fixable_unsafe": sum(v.unsafe_fix for v in violations),
            "notes_checked": checked,
        }
        json.dump(
            {"violations": [v.to_dict() for v in violations], "summary": summary}, out, indent=2
        )
        out.write("\n")
        return
    if fmt == "github":
        for v in violations:
            level = "error" if v.severity == "error" else "warning"
            message = (
                shown(v.shown_message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            )
            # A property value escapes '%' first, or a name holding '%2C' would be decoded.
            path = shown(v.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
            out.write(
                f"::{level} file={path},line={v.line},col={v.column},title={v.code}::{message}\n"
            )
    else:
        rows = [
            (v.path, v.line, v.column, v.code, v.severity, v.message)
            + ((None, None, None) if v.fix is None else (v.fix.path, v.fix.title, v.fix.safe))
            for v in violations
        ]
        print_rows(rows, out)


def print_rows(rows: Sequence[Sequence], out: TextIO | None = None) -> None:
    """Write ``(path, line, column, code, severity, message, fix path, fix title, fix
    safe)`` rows (as :mod:`codex_hooks.results` stores them) as text to ``out`` (default
    stdout), and the summary to stderr. A message with an unsafe fix says what it would
    do and how to apply it."""
    from .model import unsafe_hint

    out = out or sys.stdout
    out.write(
        "".join(
            f"{shown(r[0])}:{r[1]}:{r[2]}: {r[3]} "
            f"{shown(unsafe_hint(r[5], r[7]) if r[6] is not None and not r[8] else r[5])}\n"
            for r in rows
        )
    )
    errors = sum(r[4] == "error" for r in rows)
    safe = sum(r[6] is not None and bool(r[8]) for r in rows)
    unsafe = sum(r[6] is not None and not r[8] for r in rows)
    sys.stderr.write(_summary(errors, len(rows) - errors, safe, unsafe) + "\n")


def cmd_check(args: argparse.Namespace) -> int:
    root = _root(args)
    store = None
    if args.all_files and not args.no_cache:
        # Nothing changed since the last whole check: print what it found.
        from .results import as_violations, stored

        store = stored(root)
        found = store.read() if store is not None else None
        if found is not None:
            rows, checked = found
            if args.format == "text":
                print_rows(rows)
            else:
                print_violations(as_violations(rows), args.format, checked)
            return EXIT_FAIL if any(r[4] == "error" for r in rows) else EXIT_OK
    kb = _load(args, root)
    targets = _targets(kb, args)
    violations = kb.check(targets)
    checked = len(kb.notes) if targets is None else len(targets)
    if store is not None:
        store.write(violations, checked)
    print_violations(violations, args.format, checked)
    return EXIT_FAIL if any(v.severity == "error" for v in violations) else EXIT_OK


def cmd_fix(args: argparse.Namespace) -> int:
    kb = _load(args)
    targets = _targets(kb, args)
    result = kb.fix(targets, dry_run=args.diff, unsafe_fixes=args.unsafe_fixes)
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
        for change in result.changes:
            print(shown(f"Fixing {change.path}: {'; '.join(change.fixes)}"))
    for problem in dict.fromkeys(result.failed):
        print(f"codex-hooks: {shown(problem)}", file=sys.stderr)
    checked = len(kb.notes) if targets is None else len(targets)
    # With --diff, stdout carries only the patch, so that it can be piped to `git apply`.
    print_violations(result.remaining, "text", checked, sys.stderr if args.diff else None)
    errors = any(v.severity == "error" for v in result.remaining)
    return EXIT_FAIL if result.changes or errors else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .rules import PROBLEMS, all_rules

    rules = all_rules()
    if args.code:
        code = args.code.upper()
        match = [r for r in rules if r.code == code or r.name == args.code]
        if not match:
            if code in PROBLEMS:
                name, summary = PROBLEMS[code]
                print(
                    f"{code} {name} (error)\n\n{summary}\nThe note is reported and never written."
                )
                return EXIT_OK
            raise UsageError(f"unknown rule '{args.code}'; 'codex-hooks rules' lists them")
        r = match[0]
        print(f"{r.code} {r.name} ({r.severity}{', fixable' if r.fix else ''})\n")
        print(f"What it does\n  {r.summary}\n")
        print("Why\n  " + r.explanation.replace("\n", "\n  ") + "\n")
        print("Example\n  " + r.example.replace("\n", "\n  ") + "\n")
        if r.fix:
            print(f"Fix safety\n  {FIX_LABELS[r.fix]}. {r.fix_safety}")
        return EXIT_OK
    for r in rules:
        print(f"{r.code}  {r.fix or '-':<9}  {r.severity:<7}  {r.name:<32} {r.summary}")
    for code, (name, summary) in PROBLEMS.items():
        print(f"{code}  {'-':<9}  {'error':<7}  {name:<32} {summary}")
    return EXIT_OK


#: How ``rules CODE`` introduces a rule's fix safety.
FIX_LABELS = {
    "safe": "Safe: 'codex-hooks fix' applies it",
    "unsafe": "Unsafe: only 'codex-hooks fix --unsafe-fixes' applies it",
    "sometimes": "Safe or unsafe, case by case: 'codex-hooks fix' applies the safe ones, "
    "'--unsafe-fixes' the others too",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from .errors import CodexError, ConfigError

    handlers = {"check": cmd_check, "fix": cmd_fix, "rules": cmd_rules}
    handler = handlers.get(args.command) or getattr(args, "handler", None)
    try:
        return handler(args)
    except (UsageError, ConfigError) as exc:
        print(f"codex-hooks: {shown(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except CodexError as exc:
        print(f"codex-hooks: {shown(str(exc))}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
