"""BL008: two source notes that record one work. Cases are data: ``{path: text}`` → the
violations found, over the whole knowledge base or only the notes a commit touches."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbutil import assert_violations, check_kb, cli, run_git, snapshot, source, write_kb

from codex_hooks.model import REGISTRY, WARNING

A = "inbox/archive/2025-12-16-article.md"
B = "inbox/archive/2025-12-16-article-2.md"  # first by path: "-" sorts before "."
C = "inbox/archive/other.md"


def with_url(url: str, key: str = "url") -> str:
    return source(extra=f"{key}: {url}\n")


MESSAGE = "records the same work as "

#: (files, notes checked or None for all, expected rows).
CASES = [
    pytest.param(
        {A: with_url("https://example.org/2025/article"), C: with_url("https://example.org/b")},
        None,
        [],
        id="clean: two pages of one site",
    ),
    pytest.param(
        {A: with_url("https://x.com/someone"), B: with_url("https://x.com/someone")},
        None,
        [],
        id="clean: one account is not one work",
    ),
    pytest.param(
        {A: with_url("https://example.org"), B: with_url("https://www.example.org/")},
        None,
        [],
        id="clean: one site is not one work",
    ),
    pytest.param(
        {
            A: with_url("https://example.org/2025/article"),
            B: with_url("https://www.example.org/2025/article/?utm_source=feed"),
        },
        None,
        [(B, 7, 1, "BL008", WARNING, MESSAGE + A + " (example.org/2025/article)")],
        id="violation: one URL after normalisation, reported once",
    ),
    pytest.param(
        {
            A: with_url("https://arxiv.org/abs/2601.06180v2"),
            B: with_url("arXiv:2601.06180", key="arxiv"),
        },
        None,
        [(B, 7, 1, "BL008", WARNING, MESSAGE + A + " (arXiv 2601.06180)")],
        id="violation: one arXiv id in two fields",
    ),
    pytest.param(
        {A: with_url("https://doi.org/10.1000/xyz123"), B: with_url("10.1000/XYZ123", "doi")},
        None,
        [(B, 7, 1, "BL008", WARNING, MESSAGE + A + " (DOI 10.1000/xyz123)")],
        id="violation: one DOI",
    ),
    pytest.param(
        {
            A: with_url("https://example.org/2025/article"),
            B: with_url("https://example.org/2025/article"),
        },
        [A],
        [(A, 7, 1, "BL008", WARNING, MESSAGE + B)],
        id="violation: only the note checked reports it",
    ),
    pytest.param(
        {
            A: with_url("https://example.org/2025/article"),
            B: with_url("https://example.org/2025/article"),
            C: with_url("https://example.org/c"),
        },
        [C],
        [],
        id="not touched: neither duplicate is checked",
    ),
]


@pytest.mark.parametrize(("files", "paths", "expected"), CASES)
def test_duplicate_sources(
    tmp_path: Path, files: dict[str, str], paths: list[str] | None, expected: list[tuple]
) -> None:
    write_kb(tmp_path, files)
    found = [f for f in check_kb(tmp_path, paths) if f[3] == "BL008"]
    assert_violations(found, expected)


def test_the_rule_is_declared_as_a_warning_with_no_fix() -> None:
    r = REGISTRY["BL008"]
    assert (r.name, r.severity, r.fix) == ("duplicate-source", WARNING, "")


def test_the_hook_reports_a_staged_duplicate_and_fix_leaves_it(tmp_path: Path) -> None:
    root = write_kb(tmp_path, {A: with_url("https://example.org/2025/article")}, git=True)
    (root / B).write_text(with_url("https://example.org/2025/article"), encoding="utf-8")
    run_git(root, "add", B)
    code, out, _ = cli(root, "check", "--select", "BL008")
    assert code == 0, out  # a warning does not fail the commit
    assert f"{B}:7:1: BL008 {MESSAGE}{A} (example.org/2025/article)" in out
    before = snapshot(root)
    cli(root, "fix", "--all-files", "--select", "BL008")
    assert snapshot(root) == before


#: One work written many ways, and works that are near it but other.
VARIANTS = [
    ("url", "https://example.org/2025/Article"),
    ("url", "http://www.example.org/2025/article/?utm_source=feed"),
    ("source", "Blog post (example.org/2025/article), via a newsletter"),
    ("url", "https://example.org/2025/article-two"),
    ("url", "https://arxiv.org/pdf/2601.06180v2"),
    ("arxiv", "arXiv:2601.06180"),
    ("source", "the preprint 2601.06180 on arXiv"),
    ("url", "https://doi.org/10.1000/XYZ123."),
    ("doi", "10.1000/xyz123"),
    ("url", "https://www.youtube.com/watch?v=abc&utm_medium=x"),
    ("link", "https://youtube.com/watch?v=abc"),
    ("url", "https://youtube.com/watch?v=abd"),
    ("url", "https://x.com/someone"),
]


def test_one_source_checked_alone_finds_what_a_whole_check_finds(tmp_path: Path) -> None:
    """A check of a few notes sifts the other sources by text before working out their
    identifiers (see rules/duplicates.py): it must find every duplicate a whole check
    finds, for every way of writing the work."""
    files = {
        f"inbox/archive/note-{i:02}.md": with_url(value, key)
        for i, (key, value) in enumerate(VARIANTS)
    }
    write_kb(tmp_path, files)
    whole = [f for f in check_kb(tmp_path) if f[3] == "BL008"]
    shown = " ".join(f[5] for f in whole)  # the variants share works of every kind
    for work in ("(example.org/2025/article)", "(arXiv 2601.06180)", "(DOI 10.1000/xyz123)"):
        assert work in shown
    assert "(youtube.com/watch?v=abc)" in shown
    for path in files:
        alone = [f for f in check_kb(tmp_path, [path]) if f[3] == "BL008"]
        # Checked alone, a note reports every duplicate it has (no other note is checked
        # to report the pair instead): each of the whole check's pairs it is part of.
        pairs = {frozenset((f[0], f[5].split(MESSAGE)[1].split(" ")[0])) for f in whole}
        mine = {p for p in pairs if path in p}
        assert {frozenset((f[0], f[5].split(MESSAGE)[1].split(" ")[0])) for f in alone} == mine
