"""``codex-hooks baseline``: record today's findings so that checks show only new ones.

Every note is checked, ignoring the baseline there is, and the file is written afresh:
a finding that is gone leaves it. Findings suppressed inline are not recorded (they are
hidden already). Exit codes: 0 written; 2 usage or configuration error (a baseline that
cannot be read is simply replaced).
"""

from __future__ import annotations

import argparse

from .common import cache_option, root_option

HELP = "record today's findings in the baseline file; check, fix and the hooks then hide them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all-files",
        action="store_true",
        help="check every note of the knowledge base (the default and only choice: a "
        "baseline always covers every note)",
    )
    root_option(parser)
    cache_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..baseline import Baseline, location, write
    from ..results import as_violations, stored
    from .common import EXIT_OK, _load, _root
    from .output import shown

    root = _root(args)
    # The stored result of a whole check holds every finding, whatever the baseline
    # hides; its key is taken before the notes are read.
    store = None if args.no_cache else stored(root)
    found = store.read() if store is not None else None
    if found is not None:
        from ..config import load_config

        config = load_config(root, not args.no_cache)
        violations = as_violations(found[0])
    else:
        from ..engine import run_check

        kb = _load(args, root)
        config = kb.config
        result = run_check(kb, None, baseline=False)
        violations = result.violations
        if store is not None:
            store.write(violations, len(kb.notes), result.suppressed)
    recorded = Baseline.of(violations)
    write(location(root, config), recorded)
    print(shown(f"Wrote {recorded.total} findings ({recorded.notes} notes) to {config.baseline}"))
    return EXIT_OK
