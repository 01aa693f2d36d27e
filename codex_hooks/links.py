"""Wiki-link scanning: ``[[target]]``, ``[[target|text]]``, ``[[target#heading]]``.

Links inside fenced code blocks and inline code spans are not links. The scanner is a
single pass over each line with a non-backtracking pattern, so adversarial input costs
linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK = re.compile(r"\[\[([^\[\]\n]{1,1000})\]\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")


@dataclass(frozen=True)
class WikiLink:
    """One link: its target text (before ``|``/``#``), where it is (1-based), the raw text."""

    target: str
    line: int
    column: int
    raw: str
    heading: str = ""
    alias: str = ""


def parse_inner(inner: str) -> tuple[str, str, str]:
    """Split the text between ``[[`` and ``]]`` into (target, heading, alias)."""
    target, _, alias = inner.partition("|")
    heading = ""
    for sep in ("#", "^"):
        if sep in target:
            target, rest = target.split(sep, 1)
            heading = sep + rest if sep == "^" else rest
            break
    return target.strip(), heading, alias


def scan_links(lines: list[str], first_line: int = 1) -> list[WikiLink]:
    """Every wiki link in ``lines`` (numbered from ``first_line``), code excluded."""
    links: list[WikiLink] = []
    fence: str | None = None
    for offset, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        if "[[" not in line:
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line
        for m in _LINK.finditer(masked):
            target, heading, alias = parse_inner(m.group(1))
            links.append(
                WikiLink(
                    target,
                    first_line + offset,
                    m.start() + 1,
                    line[m.start() : m.end()],
                    heading,
                    alias,
                )
            )
    return links
