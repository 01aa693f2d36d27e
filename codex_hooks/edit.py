"""Minimal-diff frontmatter edits.

Every edit splices new lines for the keys it touches into the note's original lines and
leaves every other byte alone: quotes, comments, blank lines, ``null``/``~``, indentation,
long lines, key order, line endings and the body. After each edit the result is parsed
again and compared with what the edit meant to do; any difference raises
:class:`~codex_hooks.errors.EditError` so that a surprising result is never written.

It is one module, over the usual size, on purpose: every edit of the editor ends in the
same splice-and-compare (``_splice``) and reads the same key spans and list styles; apart,
an edit could write without that check.

    >>> from codex_hooks import Note, FrontmatterEditor
    >>> note = Note.from_text("---\\ntitle: 'A'\\ntags: [a]\\n---\\nbody\\n", "n.md")
    >>> print(FrontmatterEditor(note).add_item("tags", "b").set("status", "done").note.text)
    ---
    title: 'A'
    tags: [a, b]
    status: done
    ---
    body
    <BLANKLINE>
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Final

from .errors import EditError, NoteError
from .frontmatter import Frontmatter, KeySpan, Value, parse_frontmatter
from .note import Note
from .render import render_key, render_scalar

DEFAULT_INDENT = "  "


class FrontmatterEditor:
    """Apply edits to one note's frontmatter; read the result from :attr:`note`.

    Methods return the editor so that edits chain. :attr:`touched` names the keys changed
    so far. A note without frontmatter gets one when a key is added. Notes whose
    frontmatter cannot be parsed raise the parse error: they are never edited.

    >>> note = Note.from_text("---\\ntype: claim\\ntags: [a]  # kept\\n---\\nBody\\n", "n.md")
    >>> editor = FrontmatterEditor(note).add_item("tags", "b").set("type", "source")
    >>> editor.note.text                               # the comment, the body: unchanged
    '---\\ntype: source\\ntags: [a, b]  # kept\\n---\\nBody\\n'
    >>> editor.touched
    ['tags', 'type']
    """

    def __init__(self, note: Note) -> None:
        self.original = note
        self.note = note
        self.touched: list[str] = []
        self._fm = parse_frontmatter(note)

    # -- public operations ------------------------------------------------------------

    @property
    def data(self) -> dict[str, Value]:
        """The frontmatter data as it stands after the edits so far."""
        return self._fm.data

    @property
    def changed(self) -> bool:
        """Whether the note's text differs from the original."""
        return self.note.text != self.original.text

    def set(
        self, key: str, value: str | None, quote: str | None = None, typed: bool = False
    ) -> FrontmatterEditor:
        """Set ``key`` to a scalar (added if absent). ``quote`` forces ``""``/``'``/``"``;
        ``typed`` lets a date or number-like value stay plain (``processed_date: 2026-01-01``)."""
        span = self._fm.spans.get(key)
        if span is None:
            return self.add_key(key, value, quote=quote, typed=typed)
        if self._fm.data.get(key) == value:
            return self
        q = self._quote_for(span, quote, value)
        text = render_scalar(value, q, typed=typed)
        if span.style == "scalar" and span.value_start[0] == span.value_end[0] == span.start:
            line = self.note.lines[span.start]
            if span.value_start == span.value_end:  # empty value: `key:`
                head = line[: span.value_start[1]].rstrip(" ")
                new = f"{head} {text}{line[span.value_end[1] :]}"
            else:
                new = line[: span.value_start[1]] + text + line[span.value_end[1] :]
            return self._splice(key, span.start, span.start + 1, [new], value)
        return self._splice(
            key,
            span.start,
            span.end,
            [self._head(span) + " " + text + self._key_comment(span) + self._nl],
            value,
        )

    def add_item(self, key: str, item: str, quote: str | None = None) -> FrontmatterEditor:
        """Append ``item`` to the list under ``key``, in the list's own style.

        A missing key, ``null`` or an empty value becomes a block list; a lone string
        becomes a block list holding it and ``item``; a flow list stays a flow list.
        """
        span = self._fm.spans.get(key)
        current = self._fm.data.get(key)
        if span is None:
            return self.add_key(key, [item], quote=quote)
        if isinstance(current, list):
            expected: Value = [*current, item]
            q = self._quote_for(span, quote, item)
            if span.style == "block":
                # The last item's end mark can lie past blank lines and comments that
                # follow it (a block scalar or nested list); the span ends at its text.
                last_line = min(_last_line(span.items[-1][1]), span.end - 1)
                line = f"{span.item_indent}- {render_scalar(item, q)}{self._nl}"
                return self._splice(key, last_line + 1, last_line + 1, [line], expected)
            return self._rewrite_flow(
                span, key, [*self._item_texts(span), render_scalar(item, q, flow=True)], expected
            )
        if isinstance(current, dict):
            raise EditError(f"cannot add an item to '{key}': it is a mapping")
        _refuse_no_entries_word(key, current)
        items = [] if current is None or current == "" else [current]
        q = self._quote_for(span, quote, item)
        rendered = [render_scalar(v, q if v == item else span.quote) for v in items]
        rendered.append(render_scalar(item, q))
        return self._splice(key, span.start, span.end, self._block(span, rendered), [*items, item])

    def remove_item(self, key: str, item: str) -> FrontmatterEditor:
        """Remove every occurrence of ``item`` from the list under ``key``.

        A list left empty is written ``key: []``; a lone string equal to ``item`` too.
        """
        span = self._fm.spans.get(key)
        current = self._fm.data.get(key)
        if span is None:
            return self
        if not isinstance(current, list):
            if current == item:
                return self._splice(key, span.start, span.end, [self._empty_list(span)], [])
            return self
        keep = [i for i, v in enumerate(current) if v != item]
        if len(keep) == len(current):
            return self
        expected = [current[i] for i in keep]
        if not keep:
            return self._splice(key, span.start, span.end, [self._empty_list(span)], [])
        if span.style == "flow":
            texts = self._item_texts(span)
            return self._rewrite_flow(span, key, [texts[i] for i in keep], expected)
        lines = self.note.lines
        new_lines: list[str] = []
        # Block items run from their dash to the next item's dash: comments between stay
        # with the item before them. An item's value may start below its dash (``-`` alone
        # on a line), so the dash is looked for upwards from the value.
        column = len(span.item_indent)
        starts = [_dash_line(lines, s[0], column) for s, _ in span.items]
        ends = [*starts[1:], max(_last_line(span.items[-1][1]) + 1, starts[-1] + 1)]
        new_lines.extend(lines[span.start : starts[0]])
        for i in keep:
            new_lines.extend(lines[starts[i] : ends[i]])
        return self._splice(key, span.start, ends[-1], new_lines, expected)

    def replace_item(
        self, key: str, old: str, new: str, quote: str | None = None
    ) -> FrontmatterEditor:
        """Replace list item ``old`` by ``new`` where it stands (a lone string too).

        Only the item's own text changes: its dash, indentation and neighbours stay.
        """
        span = self._fm.spans.get(key)
        current = self._fm.data.get(key)
        if span is None or old == new:
            return self
        if not isinstance(current, list):
            return self.set(key, new, quote=quote) if current == old else self
        if old not in current:
            return self
        index = current.index(old)
        expected = [new if i == index else v for i, v in enumerate(current)]
        (sl, sc), (el, ec) = span.items[index]
        lines = self.note.lines
        # The item keeps its own quoting, whatever its siblings use.
        own = lines[sl][sc : sc + 1]
        q = quote if quote is not None else own if own in ("'", '"') else ""
        if span.style == "flow":
            texts = self._item_texts(span)
            texts[index] = render_scalar(new, q, flow=True)
            return self._rewrite_flow(span, key, texts, expected)
        if sl == el:
            line = lines[sl][:sc] + render_scalar(new, q) + lines[sl][ec:]
            return self._splice(key, sl, sl + 1, [line], expected)
        line = lines[sl][:sc] + render_scalar(new, q) + self._nl
        return self._splice(key, sl, _last_line((el, ec)) + 1, [line], expected)

    def make_list(self, key: str) -> FrontmatterEditor:
        """Turn a lone string under ``key`` into a one-item block list, keeping its text."""
        span = self._fm.spans.get(key)
        current = self._fm.data.get(key)
        if span is None or not isinstance(current, str) or not current:
            return self
        _refuse_no_entries_word(key, current)
        (sl, sc), (el, ec) = span.value_start, span.value_end
        lines = self.note.lines
        token = lines[sl][sc:ec] if sl == el else render_scalar(current, span.quote)
        return self._splice(key, span.start, span.end, self._block(span, [token]), [current])

    def empty_list(self, key: str) -> FrontmatterEditor:
        """Write ``key``'s value as the empty flow list ``[]``, keeping the key, its
        spacing and any comment on its line (a value already empty is left alone)."""
        span = self._fm.spans.get(key)
        if span is None or self._fm.data.get(key) == []:
            return self
        line = [self._head(span) + " []" + self._key_comment(span) + self._nl]
        return self._splice(key, span.start, span.end, line, [])

    def rename_key(self, old: str, new: str) -> FrontmatterEditor:
        """Rename key ``old`` to ``new`` in place, keeping its value's lines untouched."""
        span = self._fm.spans.get(old)
        if span is None or old == new:
            return self
        if new in self._fm.spans:
            raise EditError(f"cannot rename '{old}' to '{new}': '{new}' exists already")
        line = self.note.lines[span.start]
        text = line[: span.column - 1] + render_key(new) + line[span.key_end[1] :]
        expected = {(new if k == old else k): v for k, v in self._fm.data.items()}
        return self._splice(
            new, span.start, span.start + 1, [text], expected[new], rename=(old, new)
        )

    def delete_key(self, key: str) -> FrontmatterEditor:
        """Delete ``key`` and its value's lines."""
        span = self._fm.spans.get(key)
        if span is None:
            return self
        return self._splice(key, span.start, span.end, [], _DELETED)

    def add_key(
        self,
        key: str,
        value: Value,
        after: str | Sequence[str] | None = None,
        quote: str | None = None,
        typed: bool = False,
    ) -> FrontmatterEditor:
        """Add a new key with a scalar or list value.

        It goes after the first key of ``after`` that exists, else after the last key.
        """
        if key in self._fm.spans:
            raise EditError(f"cannot add '{key}': it exists already")
        if isinstance(value, dict):
            raise EditError("adding a mapping value is not supported")
        if self.note.has_frontmatter:
            return self._add_key(key, value, after, quote, typed)
        before = self.note, self._fm
        self._start_frontmatter()
        try:
            return self._add_key(key, value, after, quote, typed)
        except EditError:
            self.note, self._fm = before
            raise

    def _add_key(
        self,
        key: str,
        value: str | list[Value] | None,
        after: str | Sequence[str] | None,
        quote: str | None,
        typed: bool,
    ) -> FrontmatterEditor:
        anchors = [after] if isinstance(after, str) else list(after or [])
        where = next((self._fm.spans[a].end for a in anchors if a in self._fm.spans), None)
        if where is None:
            ends = [s.end for s in self._fm.spans.values()]
            where = max(ends) if ends else self.note.fences[1]
        # Top-level keys share one column, usually the first.
        head = self._root_indent() + render_key(key) + ":"
        if isinstance(value, list):
            q = quote if quote is not None else self._preferred_quote()
            if value:
                new = [head + self._nl] + [
                    f"{self._default_indent()}- {render_scalar(v, q)}{self._nl}"
                    for v in _scalars(key, value)
                ]
            else:
                new = [head + " []" + self._nl]
        else:
            # Scalars such as statuses, dates and paths read best plain; render_scalar
            # still quotes whatever plain YAML would misread.
            q = quote if quote is not None else ""
            new = [f"{head} {render_scalar(value, q, typed=typed)}{self._nl}"]
        return self._splice(key, where, where, new, value, added=True)

    # -- helpers ----------------------------------------------------------------------

    @property
    def _nl(self) -> str:
        return self.note.newline

    def _head(self, span: KeySpan) -> str:
        line = self.note.lines[span.start]
        return line[: span.key_end[1]] + ":"

    def _block(self, span: KeySpan, rendered: Iterable[str]) -> list[str]:
        indent = span.item_indent or self._default_indent()
        head = self._head(span) + self._key_comment(span) + self._nl
        return [head] + [f"{indent}- {r}{self._nl}" for r in rendered]

    def _empty_list(self, span: KeySpan) -> str:
        return self._head(span) + " []" + self._key_comment(span) + self._nl

    def _key_comment(self, span: KeySpan) -> str:
        """The comment that ends the key's line (``"  # why"``), kept when the value is
        rewritten; ``""`` when there is none or the value goes on past that line."""
        line = self.note.lines[span.start].rstrip("\r\n")
        (vl, _), (el, ec) = span.value_start, span.value_end
        if vl == el == span.start:  # the value is on the key's line
            rest = line[ec:]
        elif vl > span.start:  # the value starts below the key
            colon = line.find(":", span.key_end[1])
            rest = line[colon + 1 :] if colon >= 0 else ""
        else:
            return ""
        return rest if rest.lstrip(" \t").startswith("#") and rest[:1] in " \t" else ""

    def _default_indent(self) -> str:
        indents = Counter(
            s.item_indent for s in self._fm.spans.values() if s.style == "block" and s.items
        )
        return indents.most_common(1)[0][0] if indents else self._root_indent() + DEFAULT_INDENT

    def _root_indent(self) -> str:
        """The indentation of the top-level keys (``""`` unless the whole block is indented)."""
        span = next(iter(self._fm.spans.values()), None)
        return " " * (span.column - 1) if span else ""

    def _preferred_quote(self) -> str:
        """The quote the note uses most for its string values (``""`` when it uses none)."""
        quotes = Counter(s.quote for s in self._fm.spans.values() if s.quote)
        return quotes.most_common(1)[0][0] if quotes else ""

    def _quote_for(self, span: KeySpan, quote: str | None, value: str | None) -> str:
        if quote is not None:
            return quote
        # A value already written sets the style: its siblings, or the lone value itself.
        if span.quote or span.items or self._fm.data.get(span.key) not in (None, ""):
            return span.quote
        return self._preferred_quote()

    def _item_texts(self, span: KeySpan) -> list[str]:
        """The source text of each item of a flow list, exactly as written."""
        out = []
        for (sl, sc), (el, ec) in span.items:
            if sl == el:
                out.append(self.note.lines[sl][sc:ec])
            else:
                parts = [
                    self.note.lines[sl][sc:],
                    *self.note.lines[sl + 1 : el],
                    self.note.lines[el][:ec],
                ]
                out.append(" ".join(p.strip() for p in parts))
        return out

    def _rewrite_flow(
        self, span: KeySpan, key: str, texts: list[str], expected: Value
    ) -> FrontmatterEditor:
        lines = self.note.lines
        (vl, vc), (el, ec) = span.value_start, span.value_end
        original = lines[vl][vc:ec] if vl == el else ""
        pad = " " if original.startswith("[ ") and original.endswith(" ]") else ""
        flow = "[" + pad + ", ".join(texts) + pad + "]" if texts else "[]"
        if vl == el:
            new = lines[vl][:vc] + flow + lines[vl][ec:]
            return self._splice(key, vl, vl + 1, [new], expected)
        tail = lines[el][ec:]
        new = self._head(span) + " " + flow + (tail if tail.strip() else self._nl)
        return self._splice(key, span.start, el + 1, [new], expected)

    def _start_frontmatter(self) -> None:
        nl = "\n" if not self.note.lines else self.note.newline
        self.note = self.note.with_text(f"---{nl}---{nl}" + self.note.text)
        self._fm = parse_frontmatter(self.note)

    def _splice(
        self,
        key: str,
        start: int,
        end: int,
        new_lines: list[str],
        expected_value: Value | _Deleted,
        added: bool = False,
        rename: tuple[str, str] | None = None,
    ) -> FrontmatterEditor:
        lines = self.note.lines
        text = "".join(lines[:start] + new_lines + lines[end:])
        expected = copy.deepcopy(self._fm.data)
        if rename:
            expected = {(rename[1] if k == rename[0] else k): v for k, v in expected.items()}
        if expected_value is _DELETED:
            expected.pop(key, None)
        else:
            expected[key] = expected_value
        try:  # a new line that reads as a fence would end the frontmatter early
            candidate = self.note.with_text(text)
            fm = parse_frontmatter(candidate)
        except NoteError as exc:
            raise EditError(f"editing '{key}' would break the frontmatter: {exc.message}") from None
        if fm.data != expected:
            raise EditError(f"editing '{key}' would change more than '{key}'; nothing written")
        self.note, self._fm = candidate, fm
        if key not in self.touched:
            self.touched.append(key)
        return self


class _Deleted(Enum):
    """What a deleted key's value is expected to be: absent, which no :data:`Value` says."""

    KEY = "deleted"


_DELETED: Final = _Deleted.KEY


def _scalars(key: str, items: list[Value]) -> list[str | None]:
    """The items of a new list, each a scalar: a list of lists or mappings is not added."""
    out: list[str | None] = []
    for item in items:
        if isinstance(item, (list, dict)):
            raise EditError(f"cannot add '{key}': a list of lists or mappings is not supported")
        out.append(item)
    return out


def _refuse_no_entries_word(key: str, value: Value) -> None:
    """A word such as ``0`` or ``none`` under a list key stands for "no entries": keeping
    it as an item would turn it into an entry named '0' or 'none'. Only a person can say
    what it meant (rule FM011), so no edit builds a list around it."""
    from .values import means_no_entries

    if means_no_entries(value):
        raise EditError(
            f"'{key}' holds '{value}', which probably means no entries; write an empty list "
            "`[]` if there are none, then fix again"
        )


def _last_line(end: tuple[int, int]) -> int:
    """The last line an item occupies, from its end position."""
    line, column = end
    return line if column > 0 else line - 1


def _dash_line(lines: list[str], line: int, column: int) -> int:
    """The line of the ``-`` that introduces the block item whose value starts on ``line``
    (the same line unless the dash stands alone above the value)."""
    while line > 0 and not (
        lines[line][column : column + 1] == "-" and not lines[line][:column].strip(" ")
    ):
        line -= 1
    return line


def edit(note: Note) -> FrontmatterEditor:
    """Start editing ``note``'s frontmatter (shorthand for :class:`FrontmatterEditor`).

    >>> edit(Note.from_text("---\\nstatus: procesed\\n---\\n")).set("status", "processed").note.text
    '---\\nstatus: processed\\n---\\n'
    """
    return FrontmatterEditor(note)


def frontmatter_of(note: Note) -> Frontmatter:
    """The read-only frontmatter of ``note`` (shorthand for ``parse_frontmatter``)."""
    return parse_frontmatter(note)


class NoteEditor(FrontmatterEditor):
    """A :class:`FrontmatterEditor` that can also rewrite exact spans of the body.

    The fixer gives fixes one of these. A body edit names the text it replaces, where it stands,
    and what replaces it; the edit is refused unless that text is there, no line is added
    or removed, and the frontmatter reads back exactly as before.
    """

    def replace_body(self, spans: list[tuple[int, int, str, str]]) -> NoteEditor:
        """Replace ``(line, column, old, new)`` spans of the body (0-based line index in
        :attr:`note`, 0-based character column), applied from the end backwards."""
        note = self.note
        lines = list(note.lines)
        start = note.body_start
        last = None
        for line, column, old, new in sorted(spans, reverse=True):
            if "\n" in old + new or "\r" in old + new:
                raise EditError("a body edit may not add or remove lines")
            if not start <= line < len(lines) or lines[line][column : column + len(old)] != old:
                raise EditError(f"line {line + 1} no longer holds {old!r}; nothing written")
            if last is not None and (line, column + len(old)) > last:
                raise EditError(f"body edits overlap on line {line + 1}; nothing written")
            last = (line, column)
            lines[line] = lines[line][:column] + new + lines[line][column + len(old) :]
        text = "".join(lines)
        if text == note.text:
            return self
        try:
            candidate = note.with_text(text)
            fm = parse_frontmatter(candidate)
        except NoteError as exc:
            raise EditError(f"a body edit would break the note: {exc.message}") from None
        if (candidate.fm_start, candidate.fm_end) != (note.fm_start, note.fm_end) or (
            fm.data != self._fm.data
        ):
            raise EditError("a body edit would change the frontmatter; nothing written")
        self.note, self._fm = candidate, fm
        if "body" not in self.touched:
            self.touched.append("body")
        return self
