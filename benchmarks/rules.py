"""Time every rule of a whole check, at two or more sizes, to see which rules grow faster
than the knowledge base.

    python benchmarks/rules.py [--sizes 10k,100k] [--work DIR] [--top 15]

A cold whole check at 100,000 notes is mostly the rules (``benchmarks/run.py``'s "index
only" row: every rule over notes served from the index). This says which ones. For each
size (``corpus``, ``N`` or ``Nk``, as in ``benchmarks/run.py``, whose knowledge bases it
shares under ``--work``) a separate process:

* loads the knowledge base from a warm on-disk index (built first, untimed) and turns
  the cyclic collector off, as the command line does;
* wraps every rule's ``check`` in a timer (the registry's copy: nothing is installed);
* runs one whole check in that process (``CODEX_HOOKS_JOBS=1``: no second core), and
  prints each rule's seconds.

A lookup that several rules share (the wiki-link index, the did-you-mean pools, the
sources by listed claim) is built on first use, inside whichever rule asks first: its
cost shows under that rule. The table gives each rule's seconds, its microseconds per
note, and its growth: (seconds at the largest size ÷ seconds at the smallest) ÷ (notes
at the largest ÷ notes at the smallest), so 1.0 is linear and 2.0 means twice the cost
per note. Rules under a millisecond at every size are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import WORK, parse_size, prepare  # noqa: E402  (run.py is a script beside this one)

#: What runs in the measured process: ``argv[1]`` is the knowledge base.
PROBE = r"""
import gc, json, sys, time
from dataclasses import replace
from codex_hooks.engine import run_check
from codex_hooks.kb import KnowledgeBase
from codex_hooks.model import REGISTRY
import codex_hooks.rules  # registers every rule

run_check(KnowledgeBase.load(sys.argv[1]))  # builds the on-disk index: not timed
kb = KnowledgeBase.load(sys.argv[1])
gc.disable()
spent = {}

def timed(code, check):
    def run(ctx, rule):
        started = time.perf_counter()
        found = list(check(ctx, rule))
        spent[code] = spent.get(code, 0.0) + time.perf_counter() - started
        return found
    return run

for code, rule in list(REGISTRY.items()):
    REGISTRY[code] = replace(rule, check=timed(code, rule.check))
started = time.perf_counter()
result = run_check(kb)
whole = time.perf_counter() - started
print(json.dumps({"notes": len(kb.notes), "check": whole, "rules": spent,
                  "violations": len(result.violations)}))
"""


def measure_rules(kb: Path) -> dict[str, object]:
    """One whole check of ``kb`` in a fresh process, each rule timed."""
    env = {**os.environ, "CODEX_HOOKS_JOBS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(kb)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(sizes: list[str], found: list[dict], top: int) -> str:
    """The markdown table of :mod:`benchmarks.rules` (see the module docstring)."""
    notes = [int(f["notes"]) for f in found]
    codes = {c for f in found for c in f["rules"]}
    first, last = found[0]["rules"], found[-1]["rules"]
    scale = notes[-1] / notes[0] if notes[0] else 0.0

    def seconds(f: dict, code: str) -> float:
        return float(f["rules"].get(code, 0.0))

    kept = [c for c in codes if any(seconds(f, c) >= 0.001 for f in found)]
    kept.sort(key=lambda c: -seconds(found[-1], c))
    head = " | ".join(f"{s} s | {s} µs/note" for s in sizes)
    lines = [
        f"| rule | {head} | growth |",
        "| --- |" + " ---: |" * (2 * len(sizes) + 1),
    ]

    def growth(a: float, b: float) -> str:
        return f"{(b / a) / scale:.2f}" if a > 0 and scale > 0 and len(found) > 1 else "—"

    for code in kept[:top]:
        cells = " | ".join(
            f"{seconds(f, code):.3f} | {seconds(f, code) / n * 1e6:.1f}"
            for f, n in zip(found, notes, strict=True)
        )
        lines.append(f"| {code} | {cells} | {growth(first.get(code, 0), last.get(code, 0))} |")
    cells = " | ".join(
        f"{float(f['check']):.3f} | {float(f['check']) / n * 1e6:.1f}"
        for f, n in zip(found, notes, strict=True)
    )
    lines.append(
        f"| whole check | {cells} | {growth(float(found[0]['check']), float(found[-1]['check']))} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK,
        help="where the knowledge bases are kept between runs (shared with run.py)",
    )
    parser.add_argument(
        "--top", type=int, default=15, help="rules listed (slowest at the largest size first)"
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        parse_size(size)  # a bad size fails before anything is generated
    args.work.mkdir(parents=True, exist_ok=True)
    found = []
    for size in sizes:
        kb = prepare(size, args.work, fresh=False)
        if kb is None:
            raise SystemExit(f"{size}: no knowledge base (the corpus needs ../shared/corpus)")
        print(f"  {size}: timing the rules ...", file=sys.stderr, flush=True)
        found.append(measure_rules(kb))
    print(f"Command: `python benchmarks/rules.py --sizes {','.join(sizes)}`\n")
    print(table(sizes, found, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
