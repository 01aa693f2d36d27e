"""`fix --all-files` on the real corpus: only named keys change, and a second run is a no-op."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from kbutil import BUNDLE, NO_CORPUS

from codex_hooks import Note, parse_frontmatter
from codex_hooks.kb import KnowledgeBase
from codex_hooks.model import REGISTRY

LINK = re.compile(r"\[\[[^\[\]]*\]\]")
pytestmark = pytest.mark.skipif(BUNDLE is None, reason=NO_CORPUS)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe fixes", "unsafe fixes too"])
def test_fix_changes_only_the_keys_it_names_and_is_idempotent(
    corpus: Path, tmp_path: Path, unsafe: bool
) -> None:
    work = tmp_path / "kb"
    shutil.copytree(corpus, work, symlinks=True)
    before = {p: (work / p).read_bytes() for p in KnowledgeBase.load(work, cache=False).notes}
    kb = KnowledgeBase.load(work, cache=False)
    unreadable = [p for p, info in kb.notes.items() if info.problem]
    result = kb.fix(unsafe_fixes=unsafe)
    assert result.changes, "the corpus has fixable problems"
    assert not result.failed

    changed = {c.path for c in result.changes}
    for path, data in before.items():
        after = (work / path).read_bytes()
        if path not in changed:
            assert after == data, f"{path} changed without a fix"
            continue
        old, new = Note.from_bytes(data, path), Note.from_bytes(after, path)
        titles = " ".join(next(c.fixes for c in result.changes if c.path == path))
        if old.body != new.body:
            # Only a wiki-link rewrite may touch the body, and only inside the links:
            # the text around them is the same and no link is lost.
            assert "rewrite [[" in titles, f"{path}: the body changed without a link fix"
            assert LINK.sub("[[]]", old.body) == LINK.sub("[[]]", new.body), path
        old_fm, new_fm = parse_frontmatter(old).data, parse_frontmatter(new).data
        touched = {k for k in old_fm.keys() | new_fm.keys() if old_fm.get(k) != new_fm.get(k)}
        for key in touched:
            assert key in titles, f"{path}: key {key} changed, but no fix named it ({titles})"
    for path in unreadable:
        assert (work / path).read_bytes() == before[path]

    again = KnowledgeBase.load(work, cache=False).fix(unsafe_fixes=unsafe)
    assert again.changes == []
    # What is left to apply is what was not asked for: unsafe fixes, without the option.
    fixable_left = [v for v in again.remaining if v.fixable and (unsafe or v.fix.safe)]
    assert fixable_left == []


def test_each_fix_is_of_the_kind_its_rule_declares(corpus: Path) -> None:
    seen = set()
    for v in KnowledgeBase.load(corpus, cache=False).check():
        if v.fix is None:
            continue
        declared = REGISTRY[v.code].fix
        assert declared, v
        if declared != "sometimes":
            assert v.fix.safe == (declared == "safe"), v
        seen.add((v.code, v.fix.safe))
    # The corpus has guesses (drifted titles, look-alike links) as well as safe repairs.
    assert {safe for _, safe in seen} == {True, False}
