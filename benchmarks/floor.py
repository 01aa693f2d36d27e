"""The cost of merely looking at a knowledge base: the floor other commands are measured against.

    python benchmarks/floor.py KB_DIR [--json]

In one process: list every ``*.md`` note (``git ls-files`` in a git repository, else
``os.walk``), read each file's bytes, cut out the frontmatter between the first two ``---``
lines and parse it with libyaml through PyYAML's ``CBaseLoader`` (every scalar stays text;
parse errors are counted, not raised), and find the wiki links of the body (everything
after the frontmatter, the whole text when there is none) with one plain regular
expression for ``[[...]]``: each link's text is taken out and counted, nothing is resolved.
This is the floor issue #15 defines: "one process that reads every note, parses its
frontmatter with libyaml and finds its wiki links". Nothing is cached, validated or
resolved. The time covers listing, reading, parsing and scanning; interpreter start-up and
imports are not included (``benchmarks/run.py`` times the whole process, start-up
included).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

Loader = yaml.CBaseLoader

#: A wiki link: ``[[`` then anything but brackets and line ends, then ``]]``. Aliases,
#: headings and embeds (``![[...]]``) are all matched; code spans are not skipped.
WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")


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


def split(data: bytes) -> tuple[str | None, str]:
    """The text between the first two ``---`` lines (None when there is no such block) and
    the body after it (the whole text when there is no frontmatter)."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != "---":
        return None, text
    start = pos = first + 1
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() == "---":
            return text[start:pos], "" if end < 0 else text[end + 1 :]
        if end < 0:
            return None, text
        pos = end + 1


def frontmatter(data: bytes) -> str | None:
    """The text between the first two ``---`` lines, or None when there is no such block."""
    return split(data)[0]


def floor(kb: Path) -> dict:
    """List and read every note, parse its frontmatter and find its body's wiki links,
    once; return counts and seconds."""
    kb = Path(kb)
    started = time.perf_counter()
    paths = list_notes(kb)
    with_fm = errors = links = 0
    findall = WIKI_LINK.findall
    for rel in paths:
        with open(os.path.join(kb, rel), "rb") as fh:
            data = fh.read()
        fm, body = split(data)
        links += len(findall(body))
        if fm is None:
            continue
        with_fm += 1
        try:
            yaml.load(fm, Loader=Loader)
        except yaml.YAMLError:
            errors += 1
    seconds = time.perf_counter() - started
    return {
        "notes": len(paths),
        "frontmatter": with_fm,
        "errors": errors,
        "links": links,
        "seconds": seconds,
    }


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
            f"errors {result['errors']}  links {result['links']}  "
            f"seconds {result['seconds']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
