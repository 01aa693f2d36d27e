"""Which source notes a commit message names: "extract claims from 2025-12-16-a-b-c".

A message names a source when it holds, as whole words (case, accents and punctuation
folded), the source's file name without ``.md`` or its whole title, when that is
:data:`~.constants.MESSAGE_MIN_WORDS` words or more (a dated file name always is). Not
the file name without its date: a message that describes its claims in free text
("Anthropic labor market impacts") would then name a note by its topic, which is what the
citation is for.
When one name found in a message lies inside a longer one found at the same place
(``…-credibility`` inside ``…-credibility-2``), only the longer counts: the message names
that note, not the other. Each message is read once per run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..titles import stem
from .constants import MESSAGE_MIN_WORDS
from .text import tokens

if TYPE_CHECKING:
    from .profile import SourceProfile


def _names(s: SourceProfile) -> set[tuple[str, ...]]:
    """The word sequences a message may name the source by."""
    names = {tuple(tokens(stem(s.path))), tuple(tokens(s.title))}
    return {n for n in names if len(n) >= MESSAGE_MIN_WORDS}


class Messages:
    """The sources each commit message names, worked out once per commit."""

    def __init__(self, sources: dict[str, SourceProfile]) -> None:
        #: First word of a name → (name, source path).
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for path, s in sources.items():
            for name in _names(s):
                self.by_first.setdefault(name[0], []).append((name, path))
        self._memo: dict[str, frozenset[str]] = {}

    def named(self, message: str) -> frozenset[str]:
        """The source notes ``message`` names (see the module's description)."""
        if message in self._memo:
            return self._memo[message]
        ws = tokens(message)
        spans: list[tuple[int, int, str]] = []
        for i, w in enumerate(ws):
            for name, path in self.by_first.get(w, ()):
                if tuple(ws[i : i + len(name)]) == name:
                    spans.append((i, i + len(name), path))
        found = {
            path
            for a, b, path in spans
            if not any(c <= a and b <= d and (d - c) > (b - a) for c, d, _ in spans)
        }
        self._memo[message] = frozenset(found)
        return self._memo[message]
