"""Read-only frontmatter parsing: fast, typeless, with the line span of every key.

Parsing uses libyaml's composer (through PyYAML's ``CBaseLoader`` when available) and a
small converter of our own, so no date, number or tag is ever constructed: every scalar is
text, ``2026-00-00`` included. Only plain ``null``/``~``/empty become ``None``, because the
rules need to tell "no value" from a value. The converter also detects duplicate keys,
bounds nesting and alias expansion, and turns every failure into a typed
:class:`~codex_hooks.errors.NoteError` with the note's line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .errors import (
    DuplicateKeyError,
    LimitExceededError,
    NotAMappingError,
    NoteError,
    YAMLSyntaxError,
)
from .note import Note

try:  # libyaml is ~15x faster; the pure loader gives the same nodes
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.BaseLoader

Value = str | None | list["Value"] | dict[str, "Value"]

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
MAX_FRONTMATTER_CHARS = 256 * 1024
MAX_DEPTH = 64
MAX_NODES = 20_000


Pos = tuple[int, int]


@dataclass(frozen=True)
class KeySpan:
    """Where one top-level key lives, in 0-based line indexes into ``note.lines``.

    ``start`` is the key's line; ``end`` is one past the value's last line (trailing blank
    lines and unindented comments belong to no key and stay where they are). ``style`` is
    ``"block"``, ``"flow"`` or ``"scalar"``. ``key_end``, ``value_start`` and ``value_end``
    are ``(line, column)`` positions; ``items`` holds each list item's start and end
    position, ``item_indent`` the text before a block item's dash and ``quote`` the quote
    character of the scalar value or of the last list item (``""`` when plain).
    """

    key: str
    start: int
    end: int
    column: int
    style: str
    key_end: Pos = (0, 0)
    value_start: Pos = (0, 0)
    value_end: Pos = (0, 0)
    items: tuple[tuple[Pos, Pos], ...] = ()
    item_indent: str = ""
    quote: str = ""


@dataclass(frozen=True)
class Frontmatter:
    """The parsed frontmatter of a note: plain data plus the span of every key."""

    data: dict[str, Value] = field(default_factory=dict)
    spans: dict[str, KeySpan] = field(default_factory=dict)
    present: bool = False

    def get(self, key: str, default: Value = None) -> Value:
        """The value of ``key`` (``default`` when absent)."""
        return self.data.get(key, default)

    def line_of(self, key: str) -> int:
        """1-based line of ``key`` in the file (1 when the key is absent)."""
        span = self.spans.get(key)
        return span.start + 1 if span else 1


def _convert(node: yaml.Node, path: str, offset: int) -> Value:
    """Turn a composed node into plain data, iteratively bounded in depth and size."""
    count = 0

    def conv(n: yaml.Node, depth: int) -> Value:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise LimitExceededError(
                f"frontmatter expands to more than {MAX_NODES} values (alias bomb?)",
                path,
                n.start_mark.line + offset + 1,
                n.start_mark.column + 1,
            )
        if depth > MAX_DEPTH:
            raise LimitExceededError(
                f"frontmatter nests deeper than {MAX_DEPTH} levels",
                path,
                n.start_mark.line + offset + 1,
                n.start_mark.column + 1,
            )
        if isinstance(n, yaml.ScalarNode):
            if n.style is None and n.value in NULLS and n.tag != "tag:yaml.org,2002:str":
                return None
            return n.value
        if isinstance(n, yaml.SequenceNode):
            return [conv(item, depth + 1) for item in n.value]
        out: dict[str, Value] = {}
        seen: dict[str, int] = {}
        for knode, vnode in n.value:
            key = _key_text(knode, path, offset)
            if key in seen:
                raise DuplicateKeyError(
                    f"duplicate key '{key}' (first defined on line {seen[key]})",
                    path,
                    knode.start_mark.line + offset + 1,
                    knode.start_mark.column + 1,
                )
            seen[key] = knode.start_mark.line + offset + 1
            out[key] = conv(vnode, depth + 1)
        return out

    return conv(node, 0)


def _key_text(knode: yaml.Node, path: str, offset: int) -> str:
    if isinstance(knode, yaml.ScalarNode):
        return knode.value
    raise YAMLSyntaxError(
        "a mapping key must be a plain value, not a list or mapping",
        path,
        knode.start_mark.line + offset + 1,
        knode.start_mark.column + 1,
    )


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_frontmatter(note: Note) -> Frontmatter:
    """Parse ``note``'s frontmatter read-only; raise a :class:`NoteError` subclass if bad."""
    if not note.has_frontmatter:
        return Frontmatter()
    text = note.frontmatter_text
    offset = note.fm_start + 1  # type: ignore[operator]
    if len(text) > MAX_FRONTMATTER_CHARS:
        raise LimitExceededError(
            f"frontmatter is {len(text)} characters, over the {MAX_FRONTMATTER_CHARS} limit",
            note.path,
            offset + 1,
        )
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset + 1 if mark else offset + 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YAMLSyntaxError(f"YAML error: {problem}", note.path, line, column) from None
    except yaml.YAMLError as exc:  # e.g. "exceeded maximum nesting depth" from libyaml
        raise YAMLSyntaxError(f"YAML error: {exc}", note.path, offset + 1, 1) from None
    except RecursionError:
        raise LimitExceededError(
            "frontmatter nests too deeply to parse", note.path, offset + 1
        ) from None
    if node is None:
        return Frontmatter(present=True)
    if not isinstance(node, yaml.MappingNode):
        raise NotAMappingError(
            "frontmatter is not a mapping of keys to values",
            note.path,
            node.start_mark.line + offset + 1,
            node.start_mark.column + 1,
        )
    data = _convert(node, note.path, offset)
    assert isinstance(data, dict)
    return Frontmatter(data, _spans(note, node, offset), present=True)


def _spans(note: Note, node: yaml.MappingNode, offset: int) -> dict[str, KeySpan]:
    lines = note.lines
    pairs = node.value
    starts = [k.start_mark.line + offset for k, _ in pairs]

    def pos(mark: yaml.Mark) -> Pos:
        return (mark.line + offset, mark.column)

    spans: dict[str, KeySpan] = {}
    for i, (knode, vnode) in enumerate(pairs):
        start = starts[i]
        end = starts[i + 1] if i + 1 < len(pairs) else note.fm_end
        while end > start + 1 and _is_filler(lines[end - 1]):
            end -= 1
        items: tuple[tuple[Pos, Pos], ...] = ()
        indent = ""
        quote = _quote_of(vnode)
        if isinstance(vnode, yaml.SequenceNode):
            style = "flow" if vnode.flow_style else "block"
            items = tuple((pos(it.start_mark), pos(it.end_mark)) for it in vnode.value)
            if vnode.value:
                quote = _quote_of(vnode.value[-1])
                if style == "block":
                    first = lines[items[0][0][0]]
                    indent = first[: len(first) - len(first.lstrip(" "))]
        elif isinstance(vnode, yaml.MappingNode):
            style = "flow" if vnode.flow_style else "block"
        else:
            style = "scalar"
        spans[knode.value] = KeySpan(
            knode.value,
            start,
            end,
            knode.start_mark.column + 1,
            style,
            pos(knode.end_mark),
            pos(vnode.start_mark),
            pos(vnode.end_mark),
            items,
            indent,
            quote,
        )
    return spans


def _quote_of(node: yaml.Node) -> str:
    style = getattr(node, "style", None)
    return style if style in ("'", '"') else ""


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or (line.startswith("#"))


def load_frontmatter(note: Note) -> tuple[Frontmatter | None, NoteError | None]:
    """Parse without raising: ``(frontmatter, None)`` or ``(None, error)``."""
    try:
        return parse_frontmatter(note), None
    except NoteError as exc:
        return None, exc
