"""The benchmark's floor does what issue #15 defines: one process reads every note, parses
its frontmatter with libyaml and finds its wiki links (counted, not resolved)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from kbutil import write_kb

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_floor", ROOT / "benchmarks" / "floor.py")
assert spec is not None and spec.loader is not None
floor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(floor)

NOTES = {
    # Two body links (an alias and a heading); the frontmatter's link is not the body's.
    "domains/a/claim.md": "---\ntype: claim\ndepends_on: ['[[other]]']\n---\n"
    "See [[one|the first]] and [[two#part]].\n",
    # No frontmatter: the whole text is the body.
    "maps/map.md": "# Map\n\n- [[a]]\n- [[b]] and [[c.md]]\n",
    # Broken frontmatter is counted as an error; its body's links still count.
    "domains/a/bad.md": "---\ntype: [claim\n---\n[[x]]\n",
    # Not links: a single bracket pair, a link split over two lines, an empty one.
    "domains/a/none.md": "---\ntype: claim\n---\n[a] [[split\nline]] [[]]\n",
    # CRLF and a byte order mark.
    "inbox/s.md": "\ufeff---\r\ntype: source\r\n---\r\n[[crlf]]\r\n",
}


def test_floor_counts_body_links_and_parse_errors(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", NOTES, git=True, agents=False)
    result = floor.floor(kb)
    assert result["notes"] == 5
    assert result["frontmatter"] == 4
    assert result["errors"] == 1
    assert result["links"] == 2 + 3 + 1 + 1
    assert result["seconds"] > 0


def test_split_separates_frontmatter_and_body() -> None:
    assert floor.split(b"---\na: 1\n---\nbody [[x]]\n") == ("a: 1\n", "body [[x]]\n")
    assert floor.split(b"no frontmatter\n") == (None, "no frontmatter\n")
    assert floor.split(b"---\nunclosed: 1\n") == (None, "---\nunclosed: 1\n")
    assert floor.split(b"---\na: 1\n---") == ("a: 1\n", "")
    assert floor.frontmatter(b"---\na: 1\n---\n") == "a: 1\n"


def test_floor_command_prints_json(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", NOTES, git=False, agents=False)
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(kb), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(out)
    assert (result["notes"], result["errors"], result["links"]) == (5, 1, 7)
