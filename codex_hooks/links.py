"""Wiki links: scanning a note's text for them, and rewriting one link's target.

A link is ``[[target]]``, ``[[target|text]]``, ``[[target#heading]]``,
``[[target#^block]]`` (or ``[[target^block]]``) and ``[[folder/path/target]]``, each with
or without ``.md``. Links inside fenced code blocks and inline code spans are not links.
Which note a link opens is :mod:`codex_hooks.linkindex`'s question.

Every step is linear: one pass per line with non-backtracking patterns.
"""

from __future__ import annotations

import re
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator
from sys import intern

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple

    from .frontmatter import Value

_LINK = re.compile(r"\[\[([^\[\]\n]{1,1000})\]\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BACKTICKS = re.compile(r"`+")
_TARGET_END = re.compile(r"[#^|]")


if TYPE_CHECKING:

    class _WikiLink(NamedTuple):
        target: str
        line: int
        column: int
        raw: str
        heading: str = ""
        alias: str = ""

else:  # the same named tuple, made without importing typing (see typing_runtime)
    _WikiLink = namedtuple(
        "WikiLink", ("target", "line", "column", "raw", "heading", "alias"), defaults=("", "")
    )


class WikiLink(_WikiLink):
    """One link: its target text (before ``|``/``#``), where it is (1-based line and
    column, counted in characters), the raw ``[[...]]`` text, its heading or ``^block``
    and its shown text.

    A named tuple, not a dataclass: a knowledge base holds millions of links, and a tuple
    is made several times faster and holds a third of the memory.
    """

    __slots__ = ()


def _target_end(inner: str) -> int:
    """Where the target part of a link's inner text ends (before ``#``, ``^`` or ``|``)."""
    m = _TARGET_END.search(inner)
    if m is None:
        return len(inner)
    end = m.start()
    # In a table a pipe is escaped (``[[a\\|b]]``): the backslash is not part of the target.
    if inner[end] == "|" and end and inner[end - 1] == "\\":
        end -= 1
    return end


def parse_inner(inner: str) -> tuple[str, str, str]:
    """Split the text between ``[[`` and ``]]`` into (target, heading, alias).

    A block reference keeps its caret (``^id``); a heading is the text after ``#``.
    """
    target, _, alias = inner.partition("|")
    if target.endswith("\\"):
        target = target[:-1]
    heading = ""
    for sep in ("#", "^"):
        if sep in target:
            target, rest = target.split(sep, 1)
            heading = sep + rest if sep == "^" else rest
            break
    return target.strip(), heading, alias


def retarget(raw: str, new_target: str) -> str:
    """``raw`` (a whole ``[[...]]`` link) with its target replaced by ``new_target``;
    heading, block, shown text and spacing stay exactly as written."""
    inner = raw[2:-2]
    end = _target_end(inner)
    head = inner[:end]
    lead = head[: len(head) - len(head.lstrip())]
    trail = head[len(head.rstrip()) :]
    return "[[" + lead + new_target + trail + inner[end:] + "]]"


def _mask_code_spans(line: str) -> str:
    """``line`` with every inline code span blanked out (same length).

    CommonMark: a run of n backticks opens a span that the next run of exactly n backticks
    closes; an opener without a closer is literal text. Runs are indexed by length, so the
    whole line costs linear time even when it is full of unmatched backticks.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, (s, e) in enumerate(runs):
        by_length[e - s].append(i)
    cursor = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        s, e = runs[i]
        same = by_length[e - s]
        k = cursor[e - s]
        while k < len(same) and same[k] <= i:
            k += 1
        cursor[e - s] = k
        if k < len(same):
            j = same[k]
            spans.append((s, runs[j][1]))
            i = j + 1
        else:
            i += 1
    if not spans:
        return line
    out = []
    last = 0
    for s, e in spans:
        out.append(line[last:s])
        out.append(" " * (e - s))
        last = e
    out.append(line[last:])
    return "".join(out)


def _links_in_line(line: str) -> Iterable[re.Match[str]]:
    masked = _mask_code_spans(line) if "`" in line else line
    return _LINK.finditer(masked)


def scan_links(lines: list[str], first_line: int = 1, text: str | None = None) -> list[WikiLink]:
    """Every wiki link in ``lines`` (numbered from ``first_line``), code excluded.
    ``text``: the lines joined, when the caller has it already."""
    if text is None:
        text = "".join(lines)
    if "[[" not in text:
        return []
    if "`" not in text and "~~~" not in text:
        return _scan_plain(text, first_line)
    links: list[WikiLink] = []
    fence: str | None = None
    for offset, line in enumerate(lines):
        # Only a line that starts with a space, ` or ~ can be a fence.
        first = line[:1]
        match = _FENCE.match(line.rstrip("\r\n")) if first in ("`", "~", " ") else None
        if fence is not None:
            # A closing fence: the same character, at least as long, nothing after it.
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not match.group(2).strip()
            ):
                fence = None
            continue
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            continue
        if "[[" not in line:
            continue
        for m in _links_in_line(line):
            target, heading, alias = parse_inner(m.group(1))
            links.append(
                WikiLink(
                    intern(target),
                    first_line + offset,
                    m.start() + 1,
                    intern(line[m.start() : m.end()]),
                    heading,
                    alias,
                )
            )
    return links


def _scan_plain(text: str, first_line: int) -> list[WikiLink]:
    """:func:`scan_links` for text without a backtick or ``~~~`` (so without code): one
    pass over the whole text instead of one per line (a link never spans lines)."""
    links: list[WikiLink] = []
    line, line_start, last = first_line, 0, 0
    for m in _LINK.finditer(text):
        start = m.start()
        breaks = text.count("\n", last, start)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", last, start) + 1
        last = start
        target, heading, alias = parse_inner(m.group(1))
        # Interned: many notes link to the same note (memory, on a large knowledge base).
        raw = intern(m.group(0))
        links.append(WikiLink(intern(target), line, start - line_start + 1, raw, heading, alias))
    return links


def links_in_text(text: str) -> list[str]:
    """The raw ``[[...]]`` links in one string (a frontmatter value), code spans excluded."""
    if "[[" not in text:
        return []
    return [m.group(0) for m in _links_in_line(text)]


def rewrite_line_links(line: str, mapping: dict[str, str]) -> str:
    """``line`` with every link whose raw text is a key of ``mapping`` replaced by its
    value; links in code spans and other text are left alone."""
    out = []
    last = 0
    for m in _links_in_line(line):
        new = mapping.get(line[m.start() : m.end()])
        if new is None:
            continue
        out.append(line[last : m.start()])
        out.append(new)
        last = m.end()
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


# -- links and titles in the frontmatter --------------------------------------------------

#: The provenance fields: the BL rules resolve their entries (titles or paths), so the
#: frontmatter's link walk leaves them out.
PROVENANCE_FIELDS = ("claims_extracted", "enrichments_applied", "enrichments", "sourced_from")
#: Frontmatter fields whose plain entries (not only ``[[links]]``) are note titles.
TITLE_LIST_FIELDS = ("depends_on",)


def frontmatter_entries(
    data: dict[str, Value] | None, skip: Iterable[str] = ()
) -> Iterator[tuple[str, str, bool]]:
    """``(key, entry, top_level)`` for every frontmatter string that holds a ``[[link]]``
    or, in a title list field (:data:`TITLE_LIST_FIELDS`), is a plain title; keys in
    ``skip`` are left out. ``top_level``: the entry is the key's value or an item of its
    list, so that an edit can rewrite it. An unquoted ``[[name]]``, which YAML reads as a
    list in a list, is given as the link it is.

    >>> list(frontmatter_entries({"depends_on": ["a", "[[b]]"], "x": {"y": "[[c]]"}}))
    [('depends_on', 'a', True), ('depends_on', '[[b]]', True), ('x', '[[c]]', False)]
    """
    left_out = set(skip)
    for key, value in (data or {}).items():
        if key not in left_out:
            yield from _walk(key, value, True)


# A module function, not a closure: a nested function that calls itself holds a
# reference to itself, a cycle that only the cyclic collector frees (one per note read).
def _walk(key: str, value: object, top: bool) -> Iterator[tuple[str, str, bool]]:
    if isinstance(value, str):
        if "[[" in value or (key in TITLE_LIST_FIELDS and top and value.strip()):
            yield key, value, top
    elif isinstance(value, list):
        inner = value[0] if len(value) == 1 else None
        if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], str):
            yield key, f"[[{inner[0]}]]", False
            return
        titles = key in TITLE_LIST_FIELDS and top
        for item in value:
            if isinstance(item, str):
                if "[[" in item or (titles and item.strip()):
                    yield key, item, top
            elif item is not None:
                yield from _walk(key, item, False)
    elif isinstance(value, dict):
        for sub in value.values():
            yield from _walk(key, sub, False)
