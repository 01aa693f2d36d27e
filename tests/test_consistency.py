"""The same violations, however the knowledge base is loaded (issue #15).

``check --all-files --format json`` run by the real command line must print the same
findings, byte for byte, and exit with the same code:

* cold: no index;
* warm: the index and the stored result of the last whole check (reused: its file is not
  written again);
* index only: the index, with the stored result removed (every rule runs over notes
  served from the index);
* ``--no-cache``: nothing read or written;
* incremental: after one note's body and frontmatter are edited, then after a note is
  added and another deleted, then after all of it is staged: the run over the index
  (which re-reads only what changed) against a fresh ``--no-cache`` run on the same files.

And a check of one note reports what the whole check reports for it, as documented
(docs/library.md): "a link between two notes is reported once: on the claim when the
claim is checked, on the source when only the source is". So a claim checked alone
reports exactly its lines of the whole check; a source checked alone reports its lines
plus the pair findings that the whole check reports on the claims it lists.

On the real corpus (a copy) and on a synthetic knowledge base from
``benchmarks/generate.py`` (300 notes, seeded).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from kbutil import claim as claim_text
from kbutil import run_cli, run_git

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC_NOTES = 300
SEED = 11
MADE_UP = "a note the consistency test made up"


def _generate(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "bench_generate_consistency", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    module.generate(out, SYNTHETIC_NOTES, seed=SEED, git=True)
    return out


@pytest.fixture(params=["corpus", "synthetic"])
def kb(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "corpus":
        root: Path = request.getfixturevalue("corpus_copy")
    else:
        root = _generate(tmp_path / "synthetic")
    settle(root)
    return root


def settle(root: Path) -> None:
    """Wait until the notes just written are older than the index's racy window, as they
    are when a person commits: otherwise their stat cannot prove a later change, and the
    stored result is neither written nor reused."""
    probe = root / ".git" / "consistency-probe"
    probe.write_bytes(b"")
    st = probe.stat()
    probe.unlink()
    coarse = st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0
    time.sleep(2.1 if coarse else 0.15)


def check(root: Path, *args: str) -> tuple[int, str]:
    """``codex-hooks check ARGS --format json``: exit code and stdout."""
    result = run_cli(root, "check", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stdout + result.stderr
    json.loads(result.stdout)  # it is JSON
    return result.returncode, result.stdout


def violations(out: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(out)["violations"]
    return found


def store(root: Path) -> Path:
    return root / ".git" / "codex-hooks"


def stored_results(root: Path) -> list[Path]:
    return sorted(store(root).glob("results-v*"))


def stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size


def incremental_equals_fresh(root: Path) -> tuple[int, str]:
    """The run over the index equals a ``--no-cache`` run on the same files."""
    incremental = check(root, "--all-files")
    fresh = check(root, "--all-files", "--no-cache")
    assert incremental == fresh
    return incremental


def a_pair(found: list[dict[str, Any]], root: Path) -> tuple[str, str]:
    """A claim and a source that the whole check reports as a pair, on the claim (with the
    source as the finding's subject), the claim carrying a ``confidence:`` line."""
    for v in found:
        path, subject = v["path"], v["subject"]
        if (
            path.startswith("domains/")
            and subject.startswith("inbox/")
            and (root / subject).is_file()
            and re.search(r"^confidence:", (root / path).read_text("utf-8"), re.M)
        ):
            return path, subject
    raise AssertionError("no claim-source pair finding to check notes alone with")


def one_note_matches_the_whole(root: Path, whole: str, claim: str, source: str) -> None:
    """What a check of one note reports, against the whole check (see the docstring)."""
    every = violations(whole)
    _, out = check(root, claim)
    assert violations(out) == [v for v in every if v["path"] == claim]
    _, out = check(root, source)
    alone = violations(out)
    mine = [v for v in every if v["path"] == source]
    assert [v for v in alone if v in mine] == mine
    extra = [v for v in alone if v not in mine]
    # The pair findings the whole check reports on the claims, moved to the source.
    assert any(v["subject"] == claim for v in extra)
    on_claims = {(v["path"], v["code"], v["subject"]) for v in every}
    for v in extra:
        assert v["subject"] != source and v["subject"].startswith("domains/"), v
        assert (v["subject"], v["code"], v["path"]) in on_claims, v


def edit(root: Path, rel: str) -> None:
    """Change a claim's frontmatter (an invalid confidence) and its body (two links: one
    to a note that does not exist)."""
    path = root / rel
    text = path.read_bytes().decode("utf-8")
    text, n = re.subn(r"^confidence:.*$", "confidence: sure-ish", text, count=1, flags=re.M)
    assert n == 1
    stem = Path(rel).stem
    text += f"\nSee [[{MADE_UP}]] and [[{stem}]].\n"
    path.write_bytes(text.encode("utf-8"))


def test_same_violations_cold_warm_index_only_no_cache_and_incremental(kb: Path) -> None:
    root = kb
    # Cold: no index yet.
    assert not store(root).exists()
    cold = check(root, "--all-files")
    assert violations(cold[1]), "the knowledge base has findings to compare"
    assert list(store(root).glob("index-v*"))
    [results] = stored_results(root)

    # Warm: the stored result is reused (not written again).
    before = stat_key(results)
    assert check(root, "--all-files") == cold
    assert stat_key(results) == before

    # Index only: the rules run again over notes served from the index.
    results.unlink()
    assert list(store(root).glob("index-v*"))
    assert check(root, "--all-files") == cold
    assert stored_results(root)

    assert check(root, "--all-files", "--no-cache") == cold

    claim, source = a_pair(violations(cold[1]), root)
    one_note_matches_the_whole(root, cold[1], claim, source)

    # Incremental: one note's body and frontmatter edited.
    edit(root, claim)
    settle(root)
    edited = incremental_equals_fresh(root)
    assert edited != cold
    mine = {(v["code"], v["subject"]) for v in violations(edited[1]) if v["path"] == claim}
    assert ("WL001", MADE_UP) in mine
    assert "FM003" in {code for code, _ in mine}
    _, out = check(root, claim)
    assert violations(out) == [v for v in violations(edited[1]) if v["path"] == claim]

    # A note added (linking to the edited claim and to a missing note), another deleted
    # (the source of the pair).
    folder = Path(claim).parent
    added = folder / "a claim the consistency test added.md"
    body = f"\nBuilt on [[{Path(claim).stem}]]; see [[{MADE_UP} too]].\n"
    (root / added).write_text(claim_text(domain=folder.name, body=body), encoding="utf-8")
    os.remove(root / source)
    settle(root)
    changed = incremental_equals_fresh(root)
    assert changed != edited
    paths = {v["path"] for v in violations(changed[1])}
    assert added.as_posix() in paths and source not in paths

    # The same, staged: git's index is part of what a whole check depends on.
    run_git(root, "add", "-A")
    staged = incremental_equals_fresh(root)
    # The stored result written by that run is reused by the next.
    [results] = stored_results(root)
    before = stat_key(results)
    assert check(root, "--all-files") == staged
    assert stat_key(results) == before


def test_a_commit_of_one_note_reports_what_a_check_of_it_does(corpus_copy: Path) -> None:
    """``check --hook PATH`` on one staged, edited claim (what the pre-commit hook runs)
    reports the claim's findings as ``check PATH`` does: nothing was deleted or renamed,
    so no other note is in the commit's scope."""
    root = corpus_copy
    settle(root)
    _, whole = check(root, "--all-files")
    claim, _ = a_pair(violations(whole), root)
    edit(root, claim)
    run_git(root, "add", "--", claim)
    settle(root)
    _, hook = check(root, "--hook", claim)
    _, plain = check(root, claim)
    assert violations(hook) == violations(plain)
    assert ("WL001", MADE_UP) in {(v["code"], v["subject"]) for v in violations(hook)}
    _, fresh = check(root, "--all-files", "--no-cache")
    assert violations(plain) == [v for v in violations(fresh) if v["path"] == claim]
