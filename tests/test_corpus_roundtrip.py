"""The real corpus: every note (and every version in its history) reads and writes back
byte-identical, and real edits change only the lines of the key they touch.

The corpus is a git bundle in ``shared/corpus`` beside the repository; it is cloned into a
temporary folder (the bundle is never written). Without it these tests are skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codex_hooks import (
    FrontmatterEditor,
    Note,
    NoteError,
    atomic_write,
    load_frontmatter,
    parse_frontmatter,
    resolve_inside,
)

GIT = ["git", "-c", "core.autocrlf=false", "-c", "core.quotepath=off"]
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
SOURCED_FROM_AFTER = ["source", "created", "confidence", "description", "domain"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def kb(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus clone (conftest.py) that the edits below may change."""
    dest = tmp_path_factory.mktemp("corpus") / "kb"
    shutil.copytree(corpus, dest, symlinks=True)
    return dest


def markdown_files(kb: Path) -> list[Path]:
    return sorted(p for p in kb.rglob("*.md") if ".git" not in p.relative_to(kb).parts)


def check_round_trip(data: bytes, path: str) -> bool:
    """``data`` reads and writes back identical; parse errors must be typed and placed."""
    try:
        note = Note.from_bytes(data, path)
    except NoteError as exc:
        assert exc.path == path and exc.line >= 1 and exc.column >= 1
        return False
    assert note.to_bytes() == data
    result, error = load_frontmatter(note)
    if error is not None:
        assert error.path == path and error.line >= 1 and error.column >= 1
        return False
    assert result is not None
    assert FrontmatterEditor(note).note.to_bytes() == data
    return True


def test_every_note_round_trips(kb: Path) -> None:
    files = markdown_files(kb)
    assert len(files) > 100
    parsed = [check_round_trip(f.read_bytes(), f.relative_to(kb).as_posix()) for f in files]
    assert sum(parsed) > len(files) * 0.9


def test_every_version_in_history_round_trips(kb: Path) -> None:
    """Every markdown blob ever committed, the messy early versions included."""
    paths: dict[str, str] = {}
    for line in git(kb, "rev-list", "--objects", "--all").splitlines():
        sha, _, path = line.partition(" ")
        if path.endswith(".md"):
            paths.setdefault(sha, path)
    out = subprocess.run(
        [*GIT, "-C", str(kb), "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha in paths).encode(),
        capture_output=True,
        check=True,
    ).stdout
    seen, i = 0, 0
    while i < len(out):
        header_end = out.index(b"\n", i)
        sha, _, size = out[i:header_end].decode().split()
        start = header_end + 1
        check_round_trip(out[start : start + int(size)], paths[sha])
        i = start + int(size) + 1
        seen += 1
    assert seen == len(paths) > 100


# -- real edits, checked with git diff -------------------------------------------------


def allowed_lines(note: Note, key: str, after: list[str] | None = None) -> tuple[int, int]:
    """0-based ``[start, end)`` lines an edit of ``key`` may change (empty where added)."""
    spans = parse_frontmatter(note).spans
    if key in spans:
        return spans[key].start, spans[key].end
    where = next((spans[a].end for a in after or [] if a in spans), None)
    if where is None:
        where = max((s.end for s in spans.values()), default=note.fm_end)
    return where, where


def hunks(diff: str) -> list[tuple[int, int]]:
    """``(first old line, number of old lines)`` of each ``git diff -U0`` hunk."""
    return [(int(a), int(b) if b else 1) for a, b, _, _ in HUNK.findall(diff)]


def plan_edits(kb: Path) -> list[tuple[str, str, tuple]]:
    """``(relative path, key, edit)`` for a deterministic sample of the corpus."""
    claims, sources = [], []
    for file in markdown_files(kb):
        rel = file.relative_to(kb).as_posix()
        note = Note.from_bytes(file.read_bytes(), rel)
        result, error = load_frontmatter(note)
        if error or result is None or not result.present:
            continue
        if result.get("type") == "claim" and not rel.startswith("inbox/"):
            claims.append((rel, result))
        elif rel.startswith("inbox/archive/"):
            sources.append((rel, result))
    plan: list[tuple[str, str, tuple]] = []
    for n, (rel, result) in enumerate(claims[::8]):
        source = sources[n % len(sources)][0]
        if "sourced_from" in result.data:
            plan.append((rel, "sourced_from", ("add_item", "sourced_from", source)))
        else:
            edit = ("add_key", "sourced_from", source, SOURCED_FROM_AFTER)
            plan.append((rel, "sourced_from", edit))
    for n, (rel, result) in enumerate(sources[::6]):
        if n % 2:
            status = "processing" if result.get("status") == "processed" else "processed"
            plan.append((rel, "status", ("set", "status", status)))
        else:
            title = Path(claims[n % len(claims)][0]).stem
            plan.append((rel, "claims_extracted", ("add_item", "claims_extracted", title)))
    return plan


def test_real_edits_change_only_the_touched_key(kb: Path) -> None:
    plan = plan_edits(kb)
    assert len(plan) > 50, len(plan)
    expected: dict[str, tuple[int, int]] = {}
    for rel, key, (name, _, *args) in plan:
        file = resolve_inside(kb, rel)
        note = Note.from_bytes(file.read_bytes(), rel)
        editor = FrontmatterEditor(note)
        if name == "add_key":
            editor.add_key(key, args[0], after=args[1])
            expected[rel] = allowed_lines(note, key, args[1])
        else:
            getattr(editor, name)(key, *args)
            expected[rel] = allowed_lines(note, key)
        assert editor.touched in ([key], [])
        if editor.changed:
            atomic_write(file, editor.note.to_bytes(), root=kb)
        else:
            del expected[rel]

    changed = set(git(kb, "diff", "--name-only", "-z").split("\0")) - {""}
    assert changed == set(expected)
    for rel, (start, end) in expected.items():
        diff = git(kb, "diff", "-U0", "--no-color", "--no-ext-diff", "--", rel)
        found = hunks(diff)
        assert found, rel
        for first, count in found:
            if count == 0:  # lines inserted after old line `first`
                assert start <= first <= end, (rel, first, (start, end), diff)
            else:
                assert start <= first - 1 and first - 1 + count <= end, (
                    rel,
                    (first, count),
                    (start, end),
                    diff,
                )
