"""Read-only frontmatter parsing: fast, typeless, with the line span of every key.

Indexing a knowledge base reads most notes with :mod:`codex_hooks.quickparse` instead,
which gives the same values for the plain frontmatter most notes have and leaves the rest
here. Parsing uses libyaml's composer (through PyYAML's ``CBaseLoader`` when available) and a
small converter of our own, so no date, number or tag is ever constructed: every scalar is
text, ``2026-00-00`` included. Only plain ``null``/``~``/empty become ``None``, because the
rules need to tell "no value" from a value. A tag other than the standard ones
(:data:`STANDARD_TAGS`) is an error: other readers of the note would run it or refuse it. The converter also detects duplicate keys,
bounds nesting and alias expansion, and turns every failure into a typed
:class:`~codex_hooks.errors.NoteError` with the note's line and column.

It is one module, over the usual size, on purpose: the converter, the key spans, the
nesting bound and the error positions all walk libyaml's composed node tree through one
position map (``_Where``) that only they use; apart, each would rebuild it or export it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import yaml

from .errors import (
    DuplicateKeyError,
    LimitExceededError,
    NotAMappingError,
    NoteError,
    UnsafeTagError,
    YAMLSyntaxError,
)
from .note import Note

if TYPE_CHECKING:
    _Base = yaml.CBaseLoader
else:  # libyaml is ~15x faster; the pure loader (PyYAML built without it) gives the same
    # nodes through the same methods, so the C loader's type stands for both
    _Base = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG


class _Loader(_Base):
    """A base loader that resolves one implicit type: plain ``null``/``~``/empty.

    The base resolver gives every plain scalar the ``str`` tag, so ``a: null`` could not
    be told from ``a: !!str null``; this subclass (its own resolver table, so no other
    loader changes) tags only the plain nulls.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """What the resolver table below decides, without walking it: libyaml calls this
        for every node, so it is on the path of every note."""
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in NULLS else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


_Loader.add_implicit_resolver(NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])

Value = str | None | list["Value"] | dict[str, "Value"]

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
MAX_FRONTMATTER_CHARS = 256 * 1024
MAX_DEPTH = 64
MAX_NODES = 20_000
#: Below this bound on nesting (see :func:`_nesting_bound`) the recursive C composer is
#: used directly; above it the event stream is checked first, because libyaml 0.2.5's
#: composer recurses without limit and crashes the process on ``[[[[...`` 50,000 deep.
_SAFE_NESTING = 200
#: The tags a note's frontmatter may carry: the scalar and collection tags of YAML 1.2's
#: core schema, plus YAML 1.1's ``!!timestamp`` (dates are common and harmless). Under
#: these every YAML reader sees the text, list or mapping this parser sees. Any other tag
#: is refused (FM907): ``!!python/...`` makes an unsafe loader run code and a safe one
#: refuse the note; a local tag (``!foo``) means something only to one program; and
#: ``!!binary``, ``!!set``, ``!!omap``, ``!!pairs`` make a YAML 1.1 loader build bytes, sets
#: or ordered pairs where every other reader sees text, a mapping or a list.
STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)
_YAML_PREFIX = "tag:yaml.org,2002:"
_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")
_INDENTS = re.compile(r"^ +", re.MULTILINE)


Pos = tuple[int, int]


class _Mark(Protocol):
    """What a position needs of a YAML mark: PyYAML's and libyaml's marks both have it."""

    @property
    def index(self) -> int: ...


@dataclass(frozen=True)
class KeySpan:
    """Where one top-level key lives, in 0-based line indexes into ``note.lines``.

    ``start`` is the key's line; ``end`` is one past the value's last line (trailing blank
    lines and unindented comments belong to no key and stay where they are). ``style`` is
    ``"block"``, ``"flow"`` or ``"scalar"``. ``key_end``, ``value_start`` and ``value_end``
    are ``(line, column)`` positions; ``items`` holds each list item's start and end
    position, ``item_indent`` the text before a block item's dash and ``quote`` the quote
    character of the scalar value or of the last list item (``""`` when plain).

    >>> note = Note.from_text('---\\ntags: [a, b]\\ntitle: "T"\\n---\\n')
    >>> span = parse_frontmatter(note).spans["tags"]
    >>> span.start, span.end, span.style, len(span.items)
    (1, 2, 'flow', 2)
    >>> parse_frontmatter(note).spans["title"].quote
    '"'
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
    """The parsed frontmatter of a note: plain data plus the span of every key.

    >>> fm = parse_frontmatter(Note.from_text("---\\ncreated: 2026-01-05\\n---\\n"))
    >>> fm.present, fm.get("created"), fm.line_of("created")   # every scalar is text
    (True, '2026-01-05', 2)
    """

    data: dict[str, Value] = field(default_factory=dict)
    spans: dict[str, KeySpan] = field(default_factory=dict)
    present: bool = False
    #: The 0-based line of every top-level key (also when ``spans`` were not computed).
    lines: dict[str, int] = field(default_factory=dict)

    def get(self, key: str, default: Value = None) -> Value:
        """The value of ``key`` (``default`` when absent)."""
        return self.data.get(key, default)

    def line_of(self, key: str) -> int:
        """1-based line of ``key`` in the file (1 when the key is absent)."""
        line = self.lines.get(key)
        return line + 1 if line is not None else 1


class MarkedError(Protocol):
    """What :func:`yaml_error` reads of a parser's error: PyYAML's and ruamel's have it."""

    @property
    def context(self) -> str | None: ...

    @property
    def context_mark(self) -> _Mark | None: ...

    @property
    def problem(self) -> str | None: ...

    @property
    def problem_mark(self) -> _Mark | None: ...


class _Where:
    """Map a YAML mark to a 0-based ``(line, column)`` in ``note.lines``.

    libyaml counts a lone ``\\r``, NEL, LS and PS as line breaks; a note's lines are split
    on ``\\n`` only. The mark's character index is exact, so positions come from it.
    """

    def __init__(self, note: Note) -> None:
        fm_start, fm_end = note.fences
        self.first = fm_start + 1
        starts = [0]
        for line in note.lines[self.first : fm_end]:
            starts.append(starts[-1] + len(line))
        self.starts = starts

    def __call__(self, mark: _Mark) -> Pos:
        i = bisect_right(self.starts, mark.index) - 1
        return (self.first + i, mark.index - self.starts[i])

    def human(self, mark: _Mark | None) -> tuple[int, int]:
        """1-based line and column of ``mark`` (the first frontmatter line when unknown)."""
        if mark is None:
            return self.first + 1, 1
        line, column = self(mark)
        return line + 1, column + 1


def _convert(node: yaml.Node, path: str, where: _Where) -> Value:
    """Turn a composed node into plain data, bounded in depth and size."""
    return _Converter(path, where).convert(node, 0)


class _Converter:
    """One frontmatter's conversion, and the count of values it has made so far. (A class,
    not a closure: a nested function that calls itself references itself, a cycle that
    only the cyclic collector frees, and the command line runs without it.)"""

    __slots__ = ("count", "path", "where")

    def __init__(self, path: str, where: _Where) -> None:
        self.path, self.where, self.count = path, where, 0

    def convert(self, n: yaml.Node, depth: int) -> Value:
        path, where = self.path, self.where
        self.count += 1
        if self.count > MAX_NODES:
            raise LimitExceededError(
                f"frontmatter expands to more than {MAX_NODES} values (alias bomb?)",
                path,
                *where.human(n.start_mark),
            )
        if depth > MAX_DEPTH:
            raise LimitExceededError(
                f"frontmatter nests deeper than {MAX_DEPTH} levels",
                path,
                *where.human(n.start_mark),
            )
        if n.tag not in STANDARD_TAGS:
            raise _unsafe_tag(n, path, where)
        if isinstance(n, yaml.ScalarNode):
            text: str = n.value
            return None if n.tag == NULL_TAG else text
        if isinstance(n, yaml.SequenceNode):
            return [self.convert(item, depth + 1) for item in n.value]
        out: dict[str, Value] = {}
        seen: dict[str, yaml.Node] = {}
        for knode, vnode in n.value:
            key = _key_text(knode, path, where)
            if key in seen:  # positions are worked out only for the report
                first = where.human(seen[key].start_mark)[0]
                raise DuplicateKeyError(
                    f"duplicate key '{key}' (first defined on line {first})",
                    path,
                    *where.human(knode.start_mark),
                )
            seen[key] = knode
            out[key] = self.convert(vnode, depth + 1)
        return out


def _unsafe_tag(node: yaml.Node, path: str, where: _Where) -> UnsafeTagError:
    """The error for a node whose tag is not in :data:`STANDARD_TAGS`, naming the tag as
    it is usually written (``!!binary``, ``!foo``, ``!<...>``)."""
    tag = node.tag
    if tag.startswith(_YAML_PREFIX):
        written = "!!" + tag[len(_YAML_PREFIX) :]
    elif tag.startswith("!"):
        written = tag
    else:
        written = f"!<{tag}>"
    return UnsafeTagError(
        f"YAML tag '{written}' is not one of the standard tags: a loader that honours it "
        "runs code or builds objects, and a safe loader refuses the note",
        path,
        *where.human(node.start_mark),
    )


def _key_text(knode: yaml.Node, path: str, where: _Where) -> str:
    if knode.tag not in STANDARD_TAGS:
        raise _unsafe_tag(knode, path, where)
    if isinstance(knode, yaml.ScalarNode):
        key: str = knode.value
        return key
    raise YAMLSyntaxError(
        "a mapping key must be a plain value, not a list or mapping",
        path,
        *where.human(knode.start_mark),
    )


def _nesting_bound(text: str) -> int:
    """A cheap upper bound on how deeply ``text``'s collections can nest.

    Flow collections need a bracket each. A block collection starts at a line's
    indentation or after an indicator (``-``, ``?``, ``:``) on its line, and at most two
    block ancestors (a mapping and the sequence that is its value) share a column.
    """
    flow = text.count("[") + text.count("{")
    # First a coarser bound in a few passes over the text: enough for nearly every note.
    indent = max(map(len, _INDENTS.findall(text)), default=0)
    coarse = 2 * indent + text.count("-") + text.count("?") + text.count(":")
    if flow + coarse + 3 <= _SAFE_NESTING:
        return flow + coarse + 3
    block = 0
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        block = max(block, 2 * indent + line.count("-") + line.count("?") + line.count(":"))
    return flow + block + 3


def _check_nesting(text: str, path: str, where: _Where) -> None:
    """Walk the event stream (libyaml's parser is iterative) and stop at the first
    collection nested deeper than :data:`MAX_DEPTH`."""
    loader = _Loader(text)
    depth = 0  # of the next node: the number of collections open around it
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent) and depth > MAX_DEPTH:
                raise LimitExceededError(
                    f"frontmatter nests deeper than {MAX_DEPTH} levels",
                    path,
                    *where.human(event.start_mark),
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return
    except yaml.MarkedYAMLError as exc:
        # Newer libyaml builds stop at 1,000 levels in the scanner, which reads ahead of
        # the events: the brackets were opened before any of them was reported.
        if "nesting depth" not in str(exc.problem):
            raise
        mark = yaml.Mark("", _deep_bracket(text), 0, 0, None, 0)
        raise LimitExceededError(
            f"frontmatter nests deeper than {MAX_DEPTH} levels", path, *where.human(mark)
        ) from None
    finally:
        loader.dispose()


def _deep_bracket(text: str) -> int:
    """The index of the first flow bracket with more than MAX_DEPTH collections around it
    (a block mapping or list at the root counts as one); 0 if there is none."""
    depth = 0 if text.lstrip()[:1] in ("[", "{") else 1
    for index, char in enumerate(text):
        if char in "[{":
            if depth > MAX_DEPTH:
                return index
            depth += 1
        elif char in "]}":
            depth -= 1
    return 0


#: Contexts of a YAML error whose mark is where the broken construct starts: a quote, a
#: bracket, a key, a tag. The parser notices the problem later, often only at the end of
#: the frontmatter (an unclosed quote runs to the closing ``---``), so the problem's own
#: mark points at the wrong line. A block mapping's context mark is the frontmatter's
#: first key, which says nothing: there the problem's mark is the useful one.
_CONSTRUCT_CONTEXTS = ("while scanning a ", "while parsing a flow ", "while parsing a node")
#: A way out for the constructs that are most often left open.
_CONSTRUCT_HINTS = {
    "while scanning a quoted scalar": "close the quote that starts here, or remove it",
    "while parsing a flow sequence": "close the list that starts here with ']', or quote "
    "the value if the '[' is text",
    "while parsing a flow mapping": "close the mapping that starts here with '}', or quote "
    "the value if the '{' is text",
    "while scanning a simple key": "put ': ' after the key, or join the line to the one above",
}


def yaml_error(exc: MarkedError, where: _Where) -> tuple[str, int, int, str | None]:
    """A YAML error as ``(problem, line, column, hint)``, placed where the broken construct
    starts when the error names one (see :data:`_CONSTRUCT_CONTEXTS`), else where the
    parser noticed it. ``hint`` is ``None`` when there is no specific way out."""
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context or ""
    start = exc.context_mark if context.startswith(_CONSTRUCT_CONTEXTS) else None
    noticed = exc.problem_mark or exc.context_mark
    if start is None or noticed is None or start.index == noticed.index:
        line, column = where.human(noticed)
        return problem, line, column, None
    line, column = where.human(start)
    seen = where.human(noticed)[0]
    later = f", noticed on line {seen}" if seen != line else ""
    return (
        f"{problem} ({context} that starts here{later})",
        line,
        column,
        _CONSTRUCT_HINTS.get(context),
    )


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_frontmatter(note: Note, *, spans: bool = True) -> Frontmatter:
    """Parse ``note``'s frontmatter read-only; raise a :class:`NoteError` subclass if bad.

    ``spans=False`` leaves :attr:`Frontmatter.spans` empty (only :attr:`~Frontmatter.lines`
    is filled), which is all that indexing needs and a third of the cost.

    >>> parse_frontmatter(Note.from_text("---\\ntype: claim\\nx: [1, 2]\\n---\\n")).data
    {'type': 'claim', 'x': ['1', '2']}
    >>> parse_frontmatter(Note.from_text("---\\na: 1\\na: 2\\n---\\n", "n.md"))
    Traceback (most recent call last):
    ...
    codex_hooks.errors.DuplicateKeyError: n.md:3:1: duplicate key 'a' (first defined on line 2) ...
    """
    if not note.has_frontmatter:
        return Frontmatter()
    text = note.frontmatter_text
    where = _Where(note)
    if len(text) > MAX_FRONTMATTER_CHARS:
        raise LimitExceededError(
            f"frontmatter is {len(text)} characters, over the {MAX_FRONTMATTER_CHARS} limit",
            note.path,
            where.first + 1,
        )
    try:
        if _nesting_bound(text) > _SAFE_NESTING:
            _check_nesting(text, note.path, where)
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        problem, line, column, hint = yaml_error(exc, where)
        alias = _ALIAS.match(note.lines[line - 1], column - 1) if line <= len(note.lines) else None
        if problem == "found undefined alias" and alias:
            problem = f"found undefined alias '{alias.group()}'"
            hint = "quote the value: a leading '*' makes it an alias"
        raise YAMLSyntaxError(f"YAML error: {problem}", note.path, line, column, hint) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error carries a mark
        raise YAMLSyntaxError(f"YAML error: {exc}", note.path, where.first + 1, 1) from None
    except RecursionError:  # pragma: no cover - the nesting check comes first
        raise LimitExceededError(
            "frontmatter nests too deeply to parse", note.path, where.first + 1
        ) from None
    if node is None:
        return Frontmatter(present=True)
    if not isinstance(node, yaml.MappingNode):
        raise NotAMappingError(
            "frontmatter is not a mapping of keys to values",
            note.path,
            *where.human(node.start_mark),
        )
    data = _convert(node, note.path, where)
    assert isinstance(data, dict)
    lines = {k.value: where(k.start_mark)[0] for k, _ in node.value}
    return Frontmatter(data, _spans(note, node, where) if spans else {}, True, lines)


def _spans(note: Note, node: yaml.MappingNode, pos: _Where) -> dict[str, KeySpan]:
    lines = note.lines
    pairs = node.value
    starts = [pos(k.start_mark)[0] for k, _ in pairs]

    spans: dict[str, KeySpan] = {}
    for i, (knode, vnode) in enumerate(pairs):
        start = starts[i]
        value_start, value_end = pos(vnode.start_mark), pos(vnode.end_mark)
        # The span never ends before the value's last line, even when that line looks
        # like filler (``#`` in column 0 inside a multi-line quoted string).
        floor = max(start, _last_line(pos(_content_end(vnode)))) + 1
        if _is_block_scalar(_last_node(vnode), lines, pos):
            # A block scalar's end mark follows the blank lines after it; unless it keeps
            # them (``|+``) they are not part of its value.
            while floor > start + 1 and not lines[floor - 1].strip():
                floor -= 1
        end = starts[i + 1] if i + 1 < len(pairs) else note.fences[1]
        while end > floor and _is_filler(lines[end - 1]):
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
                # The text before the first dash (the sequence's own start).
                before = lines[value_start[0]][: value_start[1]]
                indent = before if not before.strip(" ") else " " * len(before)
        elif isinstance(vnode, yaml.MappingNode):
            style = "flow" if vnode.flow_style else "block"
        else:
            style = "scalar"
        spans[knode.value] = KeySpan(
            knode.value,
            start,
            end,
            pos(knode.start_mark)[1] + 1,
            style,
            pos(knode.end_mark),
            value_start,
            value_end,
            items,
            indent,
            quote,
        )
    return spans


def _last_node(node: yaml.Node) -> yaml.Node:
    """The node whose text ends ``node``'s: a block collection's end mark lies at the next
    token, after any trailing comments and blank lines, so its last child is used."""
    for _ in range(MAX_DEPTH + 1):  # aliases can make cycles; _convert has bounded depth
        if isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(node, yaml.MappingNode) else last
        else:
            break
    return node


def _content_end(node: yaml.Node) -> yaml.Mark:
    """Where ``node``'s own text ends (see :func:`_last_node`)."""
    return _last_node(node).end_mark


def _is_block_scalar(node: yaml.Node, lines: list[str], pos: _Where) -> bool:
    """Whether ``node`` is a ``|``/``>`` scalar that drops its trailing blank lines."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in ("|", ">"):
        return False
    line, column = pos(node.start_mark)
    header = lines[line][column:].split("#", 1)[0]
    return "+" not in header


def _last_line(end: Pos) -> int:
    """The last line a value occupies, from its end position (an end at column 0 is the
    start of the next line)."""
    line, column = end
    return line if column > 0 else line - 1


def _quote_of(node: yaml.Node) -> str:
    style = getattr(node, "style", None)
    return style if style in ("'", '"') else ""


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or (line.startswith("#"))


def load_frontmatter(note: Note) -> tuple[Frontmatter | None, NoteError | None]:
    """Parse without raising: ``(frontmatter, None)`` or ``(None, error)``.

    >>> fm, error = load_frontmatter(Note.from_text("---\\nkey: [\\n---\\n", "n.md"))
    >>> fm, error.code, error.line
    (None, 'FM903', 3)
    """
    try:
        return parse_frontmatter(note), None
    except NoteError as exc:
        return None, exc
