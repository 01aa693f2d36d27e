"""benchmarks/graph.py times its scenarios in turn, round after round, each after what
it must be run after. No timing is asserted: only what is run, and in which order."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("bench_graph", ROOT / "benchmarks" / "graph.py")
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench
spec.loader.exec_module(bench)


def test_scenarios_are_timed_in_turn_each_after_its_preparation(tmp_path: Path) -> None:
    log = tmp_path / "log"

    def say(word: str) -> list[str]:
        return [sys.executable, "-c", f"open('log', 'a').write('{word} '); print('{word}')"]

    def before(word: str):
        return lambda: log.open("a").write(f"({word}) ")

    rows = bench.interleaved(
        [
            ("floor", say("floor"), None, None),
            ("cold", say("cold"), before("no index"), "the cold one"),
            ("warm", say("warm"), None, None),
        ],
        tmp_path,
        3,
    )
    assert log.read_text() == "floor (no index) cold warm " * 3
    assert [r["scenario"] for r in rows] == ["floor", "cold", "warm"]
    assert [r["runs"] for r in rows] == [3, 3, 3]
    assert [r["out"] for r in rows] == [b"floor\n", b"cold\n", b"warm\n"]
    assert rows[1]["command"] == "the cold one"
    assert rows[0]["command"].startswith(Path(sys.executable).name + " -c ")
    assert all(r["median"] > 0 for r in rows)


def test_a_scenario_that_fails_stops_the_benchmark(tmp_path: Path) -> None:
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    with pytest.raises(SystemExit, match=r"broken: .* exited 3"):
        bench.interleaved([("broken", failing, None, None)], tmp_path, 2)
