"""``codex-hooks rules``: list the rules, or explain one (``rules BL003``)."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, UsageError

HELP = "list the rules, or explain one"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code such as BL003")


def run(args: argparse.Namespace) -> int:
    from ..rules import PROBLEMS, all_rules

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
