"""``codex-hooks rename OLD NEW``: move a note (with git when git tracks it) and rewrite
every link, claims_extracted, enrichments_applied, depends_on, challenged_by and
sourced_from entry that named it."""

from __future__ import annotations

import argparse

from .common import root_option

HELP = "rename a note and rewrite every reference to it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the note's path")
    parser.add_argument(
        "new",
        metavar="NEW",
        help="its new path, or a bare file name to keep it in its folder (.md is added)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list the notes that would change; write nothing"
    )
    parser.add_argument(
        "--no-stage",
        action="store_true",
        help="leave the rewritten notes unstaged (by default those without other unstaged "
        "changes are staged with the move)",
    )
    root_option(parser)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    from pathlib import Path

    from ..rename import RenameError, new_path, rename_note
    from .common import EXIT_OK, UsageError, _load, repo_paths

    kb = _load(args)
    old = repo_paths(kb.root, [args.old])
    if not old or old[0] not in kb.notes:
        raise UsageError(f"{args.old}: not a note of the knowledge base at {kb.root}")
    new = args.new
    if "/" in new.replace(os.sep, "/"):
        # A path is taken from here, as git mv takes it.
        full = Path(os.path.abspath(new))
        try:
            new = full.relative_to(kb.root).as_posix()
        except ValueError:
            raise UsageError(f"{args.new}: not inside the knowledge base at {kb.root}") from None
    target = new_path(kb, old[0], new)
    try:
        changed = rename_note(
            kb, old[0], target, move=True, stage=not args.no_stage, dry_run=args.dry_run
        )
    except RenameError as exc:
        raise UsageError(str(exc)) from None
    verb = "Would rename" if args.dry_run else "Renamed"
    print(f"{verb} {old[0]} -> {target}")
    for path in changed:
        print(f"{'Would update' if args.dry_run else 'Updated'} {path}")
    if not changed:
        print("No note named it.", file=sys.stderr)
    return EXIT_OK
