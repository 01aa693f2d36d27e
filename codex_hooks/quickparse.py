"""A read-only parser for the plain frontmatter most notes have, without importing YAML.

Most frontmatter is a flat mapping of plain keys to one-line scalars, one-line flow lists
and block lists of one-line scalars. :func:`quick_parse` reads exactly that subset, gives
the same values as :func:`codex_hooks.frontmatter.parse_frontmatter` (every scalar is
text; plain ``null``, ``~`` and empty are ``None``) and declines, by returning ``None``,
everything else: block scalars, nested mappings, multi-line scalars, escapes, anchors,
tags, tabs, duplicate keys, characters YAML would reject, anything unusual. A declined
note goes to libyaml, which also gives the precise error of a broken one.

So reading a knowledge base does not pay for importing PyYAML (about a third of a
one-note check) nor for building its nodes (most of the parsing time), and its answers
cannot differ: the subset is chosen so that no line it accepts has a second reading
(``tests/test_quickparse.py`` compares both parsers on the corpus and on generated text).

>>> quick_parse('type: claim\\ntags: [a, "b c"]\\nsources:\\n  - "[[x]]"\\n')
({'type': 'claim', 'tags': ['a', 'b c'], 'sources': ['[[x]]']}, {'type': 0, 'tags': 1, 'sources': 2})
>>> quick_parse("a: |\\n  text\\n") is None   # a block scalar: left to libyaml
True
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .frontmatter import Value

#: Plain values that read as "no value" (as :data:`codex_hooks.frontmatter.NULLS`).
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

#: Frontmatter longer than this is left to libyaml, which bounds how many values it holds
#: (:data:`codex_hooks.frontmatter.MAX_NODES`): at two characters a value, this is fewer.
MAX_CHARS = 32 * 1024
#: A top-level key in plain letters, then ``:`` and the end of the line or a space.
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*):(?:[ ]+(.*))?\Z")
#: A block list item: indentation, ``-``, one space or more, the item.
_ITEM = re.compile(r"([ ]*)-[ ]+(.*)\Z")
#: What a plain scalar may not start with: YAML's indicators (``-``, ``?`` and ``:`` too,
#: though YAML reads them as text before a letter: the subset need not).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
#: What ends a plain scalar or makes it something else: ``: `` (a mapping), `` #`` (a
#: comment, cut off by :func:`_uncomment`), a trailing ``:``.
_PLAIN_BAD = re.compile(r": |:\Z")
#: What a plain list item inside ``[...]`` may not hold.
_FLOW_BAD = re.compile(r"[\[\]{}:#\"']")


def quick_parse(text: str) -> tuple[dict[str, Value], dict[str, int]] | None:
    """The values and the 0-based line of every top-level key of ``text`` (frontmatter,
    without its fences), or ``None`` when ``text`` is outside the plain subset."""
    if len(text) > MAX_CHARS:
        return None
    rows = text.split("\n")
    if not all(map(str.isprintable, rows)):
        return None  # tabs, control, format or separator characters: libyaml decides
    data: dict[str, Value] = {}
    lines: dict[str, int] = {}
    n = len(rows)
    i = _skip(rows, 0)
    while i < n:
        row = rows[i].rstrip(" ")
        m = _KEY.match(row)
        if m is None:
            return None
        key, rest = m.group(1), m.group(2)
        if key in data or key in NULLS:
            return None
        lines[key] = i
        i += 1
        rest = _uncomment(rest or "")
        if rest is None:
            return None
        if not rest:  # no value, or a block list on the lines that follow
            i, value = _block_list(rows, i)
        elif rest in ("|", "|-"):
            i, value = _literal(rows, i, rest == "|")
        else:
            value = _flow(rest) if rest.startswith("[") else _scalar(rest)
        if value is _NO:
            return None
        data[key] = value
        i = _skip(rows, i)
    return data, lines


def _block_list(rows: list[str], i: int) -> tuple[int, Value]:
    """The block list starting at ``rows[i]`` (``None`` when there is none: the key has no
    value), and the index of the row after it. Its items are one-line scalars or flat
    mappings of them (``- target: x`` and, below it, ``  type: y``)."""
    items: list[Value] = []
    indent: str | None = None
    while (i := _skip(rows, i)) < len(rows):
        row = rows[i].rstrip(" ")
        item = _ITEM.match(row)
        if item is None:
            if row.startswith(" "):
                return i, _NO  # a nested mapping or a continued scalar
            break
        if indent is None:
            indent = item.group(1)
        elif item.group(1) != indent:
            return i, _NO
        if _KEY.match(item.group(2)):
            i, value = _mapping(rows, i, len(row) - len(item.group(2)))
        else:
            body = _uncomment(item.group(2))
            value = _scalar(body) if body else _NO
            i += 1
        if value is _NO:
            return i, _NO
        items.append(value)
    return i, items if indent is not None else None


def _mapping(rows: list[str], i: int, column: int) -> tuple[int, Value]:
    """The flat mapping of a list item whose first key starts ``rows[i]`` at ``column``
    (after ``- ``), its other keys on the rows below at that column; and the index of the
    row after it. Each value is a one-line scalar or ``[...]`` list: an empty one (null,
    or a nested block) is left to libyaml, as is a repeated key."""
    found: dict[str, Value] = {}
    margin = " " * column
    while True:
        m = _KEY.match(rows[i].rstrip(" ")[column:])
        if m is None:
            return i, _NO
        key, rest = m.group(1), _uncomment(m.group(2) or "")
        if key in found or key in NULLS or not rest:
            return i, _NO
        value = _flow(rest) if rest.startswith("[") else _scalar(rest)
        if value is _NO:
            return i, _NO
        found[key] = value
        i = _skip(rows, i + 1)
        if i == len(rows):
            return i, found
        row = rows[i]
        if (
            not row.startswith(margin)
            or row[column] == " "
            or not _KEY.match(row.rstrip(" ")[column:])
        ):
            return i, found  # the next item, the next key, or what the list makes of it


def _skip(rows: list[str], i: int) -> int:
    """The index of the first row from ``i`` on that is neither blank nor a comment
    (``len(rows)`` when there is none)."""
    while i < len(rows):
        row = rows[i].rstrip(" ")
        if row and not row.lstrip(" ").startswith("#"):
            return i
        i += 1
    return i


class _Declined:
    """The marker of a value outside the subset (``None`` is a value)."""


_NO: Value = _Declined()  # type: ignore[assignment]


def _uncomment(rest: str) -> str | None:
    """``rest`` without a trailing `` # comment``, stripped; ``None`` when that is not
    clear (a quote before the ``#`` that does not close before it)."""
    if rest.startswith("#"):
        return ""
    cut = rest.find(" #")
    if cut < 0:
        return rest.strip(" ")
    if rest[0] in "\"'":
        # The quoted scalar ends at its closing quote ('' is an escaped quote); what
        # follows must be spaces and a comment.
        end = rest.find(rest[0], 1)
        while rest[0] == "'" and rest.startswith("''", end):
            end = rest.find("'", end + 2)
        if end < 0:
            return None
        after = rest[end + 1 :]
        tail = after.lstrip(" ")
        if tail and not (tail.startswith("#") and tail != after):
            return None
        return rest[: end + 1]
    head = rest[:cut]
    if rest[0] == "[" and ('"' in head or "'" in head):
        return None  # a quoted list item may hold the " #"
    return head.strip(" ")  # quotes inside a plain scalar are text


def _literal(rows: list[str], i: int, clip: bool) -> tuple[int, Value]:
    """The ``|`` (``clip``) or ``|-`` block scalar whose lines start at ``rows[i]``, and
    the index of the row after it. Only the plain case: its lines indented alike (more is
    kept as text), blank lines truly empty, and at least one line of text."""
    content: list[str] = []
    indent = 0
    n = len(rows)
    while i < n:
        row = rows[i]
        if not row:
            content.append("")
            i += 1
            continue
        if not row.startswith(" "):
            break
        if not indent:
            indent = len(row) - len(row.lstrip(" "))
        if not row.startswith(" " * indent) or not row.strip(" "):
            return i, _NO  # less indented, or spaces only: libyaml decides
        content.append(row[indent:])
        i += 1
    while content and not content[-1]:
        content.pop()
    if not content:
        return i, _NO
    return i, "\n".join(content) + ("\n" if clip else "")


def _scalar(text: str) -> Value:
    """One scalar on one line: quoted or plain; :data:`_NO` when outside the subset."""
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
            return _NO
        return inner
    if first == "'":
        if len(text) < 2 or text[-1] != "'":
            return _NO
        inner = text[1:-1]
        if "'" in inner.replace("''", ""):
            return _NO
        return inner.replace("''", "'")
    if first in _INDICATORS or _PLAIN_BAD.search(text):
        return _NO
    return None if text in NULLS else text


def _flow(text: str) -> Value:
    """A one-line ``[a, "b", 'c']`` list; :data:`_NO` when outside the subset."""
    if not text.endswith("]"):
        return _NO
    inner = text[1:-1].strip(" ")
    if not inner:
        return []
    items: list[Value] = []
    for raw in _split_flow(inner):
        part = raw.strip(" ")
        if not part:
            return _NO
        if part[0] in "\"'":
            value = _scalar(part)
        elif part[0] in _INDICATORS or _FLOW_BAD.search(part):
            return _NO
        else:
            value = None if part in NULLS else part
        if value is _NO:
            return _NO
        items.append(value)
    return items


def _split_flow(inner: str) -> list[str]:
    """``inner`` split at the commas outside quotes (a quote is always closed before the
    next comma in the subset; anything else is rejected by :func:`_scalar`)."""
    parts: list[str] = []
    start, quote = 0, ""
    for k, ch in enumerate(inner):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            parts.append(inner[start:k])
            start = k + 1
    parts.append(inner[start:])
    return parts
