"""Rendering new YAML values in the style of the note they go into."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import yaml

#: The tag a YAML 1.1 loader gives a scalar, typed here because PyYAML's stubs leave
#: ``Resolver.resolve`` unannotated.
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_STR_TAG = "tag:yaml.org,2002:str"
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = set(",[]{}")
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
#: Read back as ``None`` by :func:`codex_hooks.frontmatter.parse_frontmatter` when plain.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# What may stand as-is inside a plain or single-quoted scalar on one line: YAML's
# printable characters minus tab, the line breaks (``\n``, ``\r``, NEL, LS, PS) and the
# byte-order mark. Anything else must be escaped inside double quotes.
_SAFE_CLASS = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_SAFE = re.compile(f"[{_SAFE_CLASS}]*\\Z")
_UNSAFE_CHAR = re.compile(f"[^{_SAFE_CLASS}]")
_NAMED_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\x7f": "\\x7f"}


def plain_ok(value: str, flow: bool = False, typed: bool = False) -> bool:
    """Whether ``value`` can be written unquoted and read back as the same text.

    Unless ``typed`` is set, the value must also be read back as a *string* by YAML 1.1
    loaders (``yes``, ``1.0`` and ``2026-01-01`` would not be); ``typed`` allows such
    values, for fields like dates whose plain form is the convention. A value that reads
    back as null (``null``, ``~``) is never written plain.
    """
    if not value or value != value.strip() or not _SAFE.match(value):
        return False
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and _FLOW_UNSAFE & set(value):
        return False
    if value in _NULLS:
        return False
    if typed:
        return True
    return _resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG


def render_scalar(
    value: str | None, quote: str = "", flow: bool = False, typed: bool = False
) -> str:
    """Render ``value`` as a YAML scalar: plain when ``quote`` is empty and that is safe,
    else in the quote style asked for (``'`` or ``"``), falling back to double quotes."""
    if value is None:
        return "null"
    if quote == "" and plain_ok(value, flow, typed):
        return value
    if quote == "'" and _SAFE.match(value):
        return "'" + value.replace("'", "''") + "'"
    return double_quoted(value)


def double_quoted(value: str) -> str:
    """``value`` as a one-line double-quoted YAML scalar that reads back exactly.

    JSON escapes the C0 controls, ``"`` and ``\\``; YAML also needs DEL, the C1 controls,
    the unicode line separators and the BOM escaped, or a loader rejects or folds them.
    """
    return _UNSAFE_CHAR.sub(_escape, json.dumps(value, ensure_ascii=False))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def render_key(key: str) -> str:
    """Render a mapping key: plain when it is a simple identifier, else double-quoted."""
    return key if _KEY.match(key) and plain_ok(key) else double_quoted(key)
