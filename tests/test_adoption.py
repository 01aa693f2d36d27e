"""Turning the hook on in a real knowledge base: a baseline, then ordinary commits.

A temporary copy of the real corpus, real ``git`` and real ``pre-commit``: after
``codex-hooks baseline``, ``pre-commit run --all-files`` passes, and each kind of everyday
commit either passes at once or stops once with exactly the change it needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kbutil import BUNDLE, GIT_ENV, NO_CORPUS

pytestmark = pytest.mark.skipif(BUNDLE is None, reason=NO_CORPUS)

BASELINE = ".codex-hooks-baseline.json"
HOOK_CONFIG = """repos:
  - repo: local
    hooks:
      - id: codex-fix
        name: codex-hooks fix
        entry: codex-hooks fix --hook
        language: system
        types: [markdown]
        require_serial: true
"""


class Repo:
    """A knowledge base under git with the hook installed, driven as a person would."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=self.root, capture_output=True, text=True, env=self.env
        )

    def git(self, *args: str) -> str:
        result = self.run("git", "-c", "core.quotepath=off", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(Path(sys.executable).parent / "codex-hooks"), *args)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "pre_commit", *args)

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        return self.run("git", "commit", "-q", "-m", message)

    def changed(self) -> list[str]:
        """Work-tree files that differ from the index (what the hook wrote)."""
        return sorted(self.git("diff", "--name-only", "-z").split("\0")[:-1])

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def adopted(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A copy of the corpus with a committed baseline and the hook installed."""
    base = tmp_path_factory.mktemp("adoption")
    root = base / "kb"
    shutil.copytree(corpus, root, symlinks=True)
    repo = Repo(root, base / "pre-commit-home")
    (root / ".pre-commit-config.yaml").write_text(HOOK_CONFIG, encoding="utf-8")
    made = repo.cli("baseline")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (root / ".codex-hooks-baseline.json").is_file()
    repo.git("add", ".pre-commit-config.yaml", ".codex-hooks-baseline.json")
    repo.git("commit", "-q", "-m", "Adopt codex-hooks with a baseline")
    everything = repo.pre_commit("run", "--all-files")
    assert everything.returncode == 0, everything.stdout[-3000:] + everything.stderr[-3000:]
    assert repo.changed() == []
    installed = repo.pre_commit("install")
    assert installed.returncode == 0, installed.stderr
    return repo


def _claim_with_unique_title(repo: Repo) -> tuple[str, str]:
    """A claim's path and title such that no other note has that file name."""
    from codex_hooks.kb import CLAIM, KnowledgeBase
    from codex_hooks.titles import normalize_title

    kb = KnowledgeBase.load(repo.root, cache=False)
    for path in sorted(kb.notes):
        info = kb.notes[path]
        if info.kind == CLAIM and len(kb.titles[normalize_title(info.title)]) == 1:
            return path, info.title
    raise AssertionError("the corpus has claims")


def test_a_new_source_listing_an_existing_claim_converges_in_one_retry(adopted: Repo) -> None:
    repo = adopted
    claim_path, title = _claim_with_unique_title(repo)
    claim_before = repo.read(claim_path)
    source = "inbox/archive/2026-12-01-adoption-test-source.md"
    text = (
        "---\n"
        "type: source\n"
        'title: "A source added after adoption"\n'
        'author: "Someone"\n'
        "url: https://example.org/adoption\n"
        "date: 2026-12-01\n"
        "domain: ai-alignment\n"
        "format: article\n"
        "status: processed\n"
        "processed_by: theseus\n"
        "processed_date: 2026-12-01\n"
        "claims_extracted:\n"
        f'  - "{title}"\n'
        "---\n\n# A source added after adoption\n"
    )
    (repo.root / source).write_text(text, encoding="utf-8")
    repo.git("add", source)
    before = repo.head()
    first = repo.commit("Add a source")
    assert first.returncode != 0, "the hook wrote the claim's entry, so the commit stops"
    assert repo.head() == before
    # The claim gained exactly its counterpart entry; nothing else changed anywhere.
    assert repo.changed() == [claim_path]
    diff = repo.git("diff", "-U0", "--", claim_path)
    added = [ln for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    removed = [ln for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    assert removed == [], diff
    assert added in (
        [f"+sourced_from: {source}"],
        ["+sourced_from:", f"+  - {source}"],
    ), diff
    assert repo.read(source) == text
    assert repo.read(claim_path) != claim_before
    repo.git("add", "-A")
    second = repo.commit("Add a source")
    assert second.returncode == 0, second.stdout + second.stderr
    assert repo.changed() == []


def _note_with_baselined_findings(repo: Repo) -> str:
    entries = json.loads(repo.read(".codex-hooks-baseline.json"))["findings"]
    paths = sorted({e["path"] for e in entries if e["code"].startswith(("BL", "LC", "FM"))})
    assert paths, "the corpus has old findings"
    return paths[0]


def test_a_body_only_edit_of_a_note_with_old_findings_passes_at_once(adopted: Repo) -> None:
    repo = adopted
    path = _note_with_baselined_findings(repo)
    with (repo.root / path).open("a", encoding="utf-8", newline="") as handle:
        handle.write("\nOne more sentence in the body.\n")
    repo.git("add", path)
    before = repo.head()
    done = repo.commit("Edit a body")
    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.head() != before
    assert repo.changed() == []


def _referenced_claim(repo: Repo) -> tuple[str, list[str]]:
    """A claim (unique file name) that other notes link to, and those notes."""
    from codex_hooks.kb import CLAIM, KnowledgeBase
    from codex_hooks.staged import referrers
    from codex_hooks.titles import normalize_title

    kb = KnowledgeBase.load(repo.root, cache=False)
    for path in sorted(kb.notes):
        info = kb.notes[path]
        if info.kind != CLAIM or len(kb.titles[normalize_title(info.title)]) != 1:
            continue
        found = [p for p in referrers(kb, path) if p != path]
        if 1 <= len(found) <= 5:
            return path, found
    raise AssertionError("the corpus has linked claims")


def test_git_mv_of_a_claim_rewrites_only_its_references(adopted: Repo) -> None:
    repo = adopted
    old, referring = _referenced_claim(repo)
    folder, name = old.rsplit("/", 1)
    new = f"{folder}/renamed {name}"
    old_title, new_title = name[:-3], f"renamed {name[:-3]}"
    repo.git("mv", old, new)
    before = repo.head()
    first = repo.commit("Rename a claim")
    assert first.returncode != 0, "the hook rewrote references, so the commit stops"
    assert repo.head() == before
    recorded = json.loads(repo.git("show", f"HEAD:{BASELINE}"))["findings"]
    changed = repo.changed()
    notes = [p for p in changed if p != BASELINE]
    assert notes and set(notes) <= set(referring), (notes, referring)
    if BASELINE in changed:
        # The baseline follows the rename: the same findings, the moved note's at its new path.
        moved = json.loads(repo.read(BASELINE))["findings"]
        assert len(moved) == len(recorded)
        assert {e["path"] for e in moved} == {
            new if e["path"] == old else e["path"] for e in recorded
        }
    for path in notes:
        diff = repo.git("diff", "-U0", "--", path)
        removed = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and ln[:3] != "---"]
        added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and ln[:3] != "+++"]
        assert len(removed) == len(added), diff
        for gone, came in zip(removed, added, strict=True):
            # Only the name changed, on each rewritten line.
            assert new_title in came, diff
            assert came.replace(new_title, old_title) == gone or old_title.lower().replace(
                " ", "-"
            ) in gone.lower().replace(" ", "-"), diff
    repo.git("add", "-A")
    second = repo.commit("Rename a claim")
    assert second.returncode == 0, second.stdout + second.stderr
    assert repo.changed() == []


def test_a_status_typo_shows_the_suggestion_and_is_fixed_only_when_asked(
    adopted: Repo,
) -> None:
    repo = adopted
    from codex_hooks.kb import SOURCE, KnowledgeBase

    kb = KnowledgeBase.load(repo.root, cache=False)
    path = next(
        p
        for p in sorted(kb.notes)
        if kb.notes[p].kind == SOURCE and kb.notes[p].get("status") == "processed"
    )
    text = repo.read(path)
    typo = text.replace("status: processed", "status: processd", 1)
    assert typo != text
    (repo.root / path).write_text(typo, encoding="utf-8")
    repo.git("add", path)
    before = repo.head()
    blocked = repo.commit("Edit a source")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert repo.head() == before
    assert "FM002" in out and "did you mean 'processed'" in out, out
    assert repo.read(path) == typo, "a guess is never applied by the hook"
    fixed = repo.cli("fix", "--unsafe-fixes", path)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # a file changed
    assert repo.read(path) == text
    repo.git("add", path)
    assert repo.git("status", "--porcelain") == ""  # the typo is gone: nothing to commit
