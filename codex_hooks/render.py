"""Rendering new YAML values in the style of the note they go into."""

from __future__ import annotations

import json
import re

import yaml

_resolver = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = set(",[]{}")
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_PRINTABLE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff]*\Z")


def plain_ok(value: str, flow: bool = False, typed: bool = False) -> bool:
    """Whether ``value`` can be written unquoted and read back as the same text.

    Unless ``typed`` is set, the value must also be read back as a *string* by YAML 1.1
    loaders (``yes``, ``1.0`` and ``2026-01-01`` would not be); ``typed`` allows such
    values, for fields like dates whose plain form is the convention.
    """
    if not value or value != value.strip() or not _PRINTABLE.match(value):
        return False
    if "\n" in value or "\r" in value or "\t" in value:
        return False
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and _FLOW_UNSAFE & set(value):
        return False
    if typed:
        return True
    return _resolver.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG


def render_scalar(
    value: str | None, quote: str = "", flow: bool = False, typed: bool = False
) -> str:
    """Render ``value`` as a YAML scalar: plain when ``quote`` is empty and that is safe,
    else in the quote style asked for (``'`` or ``"``), falling back to double quotes."""
    if value is None:
        return "null"
    if quote == "" and plain_ok(value, flow, typed):
        return value
    if quote == "'" and _PRINTABLE.match(value) and not set(value) & {"\n", "\r", "\t"}:
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def render_key(key: str) -> str:
    """Render a mapping key: plain when it is a simple identifier, else double-quoted."""
    return key if _KEY.match(key) and plain_ok(key) else json.dumps(key, ensure_ascii=False)
