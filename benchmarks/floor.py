"""The cost of merely looking at a knowledge base: the floor other commands are measured against.

    python benchmarks/floor.py KB_DIR [--json]

In one process: list every ``*.md`` note (``git ls-files`` in a git repository, else
``os.walk``), read each file's bytes, cut out the frontmatter between the first two ``---``
lines and parse it with libyaml through PyYAML's ``CBaseLoader`` (every scalar stays text;
parse errors are counted, not raised). Nothing is cached, validated or resolved. The time
covers listing, reading and parsing; interpreter start-up and imports are not included.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

Loader = yaml.CBaseLoader


def list_notes(kb: Path) -> list[str]:
    """Every markdown note under ``kb``, repo-relative."""
    if (kb / ".git").exists():
        out = subprocess.run(
            ["git", "-C", str(kb), "ls-files", "-z", "--", "*.md"],
            check=True,
            capture_output=True,
        ).stdout
        return [p for p in os.fsdecode(out).split("\0") if p]
    notes = []
    for root, dirs, files in os.walk(kb):
        dirs[:] = [d for d in dirs if d != ".git"]
        rel = os.path.relpath(root, kb)
        notes.extend(os.path.join(rel, f) if rel != "." else f for f in files if f.endswith(".md"))
    return notes


def frontmatter(data: bytes) -> str | None:
    """The text between the first two ``---`` lines, or None when there is no such block."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != "---":
        return None
    start = pos = first + 1
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() == "---":
            return text[start:pos]
        if end < 0:
            return None
        pos = end + 1


def floor(kb: Path) -> dict:
    """List, read and parse every note's frontmatter once; return counts and seconds."""
    kb = Path(kb)
    started = time.perf_counter()
    paths = list_notes(kb)
    with_fm = errors = 0
    for rel in paths:
        with open(os.path.join(kb, rel), "rb") as fh:
            data = fh.read()
        fm = frontmatter(data)
        if fm is None:
            continue
        with_fm += 1
        try:
            yaml.load(fm, Loader=Loader)
        except yaml.YAMLError:
            errors += 1
    seconds = time.perf_counter() - started
    return {"notes": len(paths), "frontmatter": with_fm, "errors": errors, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kb", type=Path, help="knowledge base directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = floor(args.kb)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"notes {result['notes']}  frontmatter {result['frontmatter']}  "
            f"errors {result['errors']}  seconds {result['seconds']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
