"""benchmarks/rules.py times every rule of a real whole check, leaves the registry of the
tested process alone, and tabulates growth per note. No timing is asserted: only what is
measured and how the table reads given numbers."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("bench_rules", ROOT / "benchmarks" / "rules.py")
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

import codex_hooks.rules  # noqa: E402, F401  (registers every rule)
from codex_hooks.model import REGISTRY  # noqa: E402


def test_every_rule_that_found_something_was_timed_on_a_real_knowledge_base(
    tmp_path: Path,
) -> None:
    from generate import generate  # benchmarks/generate.py

    kb = tmp_path / "kb"
    generate(kb, 300, seed=0)
    found = bench.measure_rules(kb)
    assert found["notes"] == 300
    assert found["violations"] > 0
    # The check the probe timed is the command line's: the same number of findings.
    done = subprocess.run(
        [sys.executable, "-m", "codex_hooks", "check", "--all-files", "--format", "json"],
        cwd=kb,
        capture_output=True,
        text=True,
    )
    shown = json.loads(done.stdout)["violations"]
    assert len(shown) == found["violations"]
    timed = found["rules"]
    # Notes that cannot be read are reported by the engine, not by a rule.
    by_rules = {v["code"] for v in shown} & set(REGISTRY)
    assert by_rules
    for code in by_rules:
        assert timed.get(code, 0) > 0, code
    assert 0 < sum(timed.values()) <= found["check"]


def test_growth_is_the_cost_per_note_at_the_largest_size_over_the_smallest() -> None:
    small = {"notes": 1000, "check": 0.2, "rules": {"A": 0.010, "B": 0.020, "C": 0.0001}}
    large = {"notes": 10_000, "check": 3.0, "rules": {"A": 0.100, "B": 0.400, "C": 0.0002}}
    text = bench.table(["1k", "10k"], [small, large], top=10)
    lines = text.splitlines()
    assert lines[0] == "| rule | 1k s | 1k µs/note | 10k s | 10k µs/note | growth |"
    # Slowest at the largest size first; C (under a millisecond everywhere) left out.
    assert lines[2] == "| B | 0.020 | 20.0 | 0.400 | 40.0 | 2.00 |"
    assert lines[3] == "| A | 0.010 | 10.0 | 0.100 | 10.0 | 1.00 |"
    assert lines[4] == "| whole check | 0.200 | 200.0 | 3.000 | 300.0 | 1.50 |"
    assert len(lines) == 5
