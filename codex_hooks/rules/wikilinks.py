"""WL0xx: wiki links in note bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import WARNING, Rule, Violation, rule

if TYPE_CHECKING:
    from ..kb import KnowledgeBase, NoteInfo


@rule(
    "WL001",
    "broken-wiki-link",
    "A [[wiki link]] names no note.",
    "Links resolve as in Obsidian: by file name, case-insensitively, against every markdown "
    "note. A link to nothing is a dead end for readers.",
    "[[a claim that was never written]]",
    severity=WARNING,
)
def broken_link(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    for link in info.links:
        if link.target and not kb.resolve(link.target):
            yield r.violation(
                info,
                f"wiki link [[{link.target}]] names no note",
                line=link.line,
                column=link.column,
            )
