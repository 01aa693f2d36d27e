"""Replaying the corpus owners' link stripping on the real corpus.

Their bot resolved a ``[[link]]`` against claims only (by title: sources, maps, agents'
files and path forms never matched) and deleted every link it could not resolve. Here
every link it would have deleted is looked at again: the checker must report exactly the
ones that name no note at all, and the fixer must leave every one that names a note
exactly as written, and remove none.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from kbutil import BUNDLE, NO_CORPUS

from codex_hooks.kb import CLAIM, KnowledgeBase
from codex_hooks.links import scan_links
from codex_hooks.note import Note
from codex_hooks.titles import normalize_title

pytestmark = pytest.mark.skipif(BUNDLE is None, reason=NO_CORPUS)


def names_a_note(target: str, paths: list[str]) -> bool:
    """Obsidian's rule, written out naively: the file name without ``.md`` equals the
    target case-insensitively, or a target with folders ends the note's path."""
    t = target.strip().lower()
    t = t[:-3] if t.endswith(".md") else t
    for path in paths:
        p = path.lower()[:-3]
        if ("/" in t and (p == t.lstrip("/") or p.endswith("/" + t))) or (
            "/" not in t and p.rsplit("/", 1)[-1] == t
        ):
            return True
    return False


def test_replay_of_the_link_stripping(corpus: Path) -> None:
    kb = KnowledgeBase.load(corpus, cache=False)
    paths = list(kb.notes)
    by_name: dict[str, list[str]] = {}
    for p in paths:
        by_name.setdefault(p.rsplit("/", 1)[-1][:-3].lower(), []).append(p)

    def bot_keeps(target: str) -> bool:
        return "/" not in target and any(
            kb.notes[h].kind == CLAIM for h in kb.titles.get(normalize_title(target), [])
        )

    stripped = []  # (path, line, column, raw, names a note)
    for path, info in kb.notes.items():
        for link in info.links:
            if link.target and not bot_keeps(link.target):
                name = link.target.strip().lower().removesuffix(".md").rsplit("/", 1)[-1]
                found = names_a_note(link.target, by_name.get(name, []))
                stripped.append((path, link.line, link.column, link.raw, found))
    resolvable = [s for s in stripped if s[4]]
    dead = [s for s in stripped if not s[4]]
    print(
        f"\nthe bot would strip {len(stripped)} links: {len(resolvable)} name a note, "
        f"{len(dead)} name none"
    )
    assert len(stripped) > 1000 and len(resolvable) > 500 and len(dead) > 500

    # The checker reports exactly the stripped links that name no note ...
    reported = {(v.path, v.line, v.column) for v in kb.check() if v.code == "WL001"}
    at = {(p, ln, col) for p, ln, col, _, _ in stripped}
    assert reported & at == {(p, ln, col) for p, ln, col, _, _ in dead}
    # ... and beyond them only links the bot kept because a claim matched once hyphens
    # and spaces were folded (Obsidian does not fold: they are broken there).
    for path, line, column in reported - at:
        [link] = [k for k in kb.notes[path].links if (k.line, k.column) == (line, column)]
        assert bot_keeps(link.target)
        assert not names_a_note(link.target, paths)

    # The fixer keeps every link that names a note exactly as written, and removes none.
    before = {p: (corpus / p).read_bytes() for p in paths}
    result = KnowledgeBase.load(corpus, cache=False).fix()
    assert not result.failed
    kept = Counter((p, raw) for p, _, _, raw, _ in resolvable)
    for path in paths:
        old = Note.from_bytes(before[path], path)
        new = Note.from_bytes((corpus / path).read_bytes(), path)
        old_links = scan_links(old.lines[old.body_start :])
        new_links = scan_links(new.lines[new.body_start :])
        assert len(new_links) == len(old_links), f"{path}: a link was removed"
        raws = Counter(k.raw for k in new_links)
        for (p, raw), n in kept.items():
            if p == path:
                assert raws[raw] >= n, f"{path}: {raw} was changed"
        # Whatever the fixer rewrote names a note now.
        for old_link, new_link in zip(old_links, new_links, strict=True):
            if old_link.raw != new_link.raw:
                assert not names_a_note(old_link.target, paths)
                assert names_a_note(new_link.target, paths), new_link.raw
