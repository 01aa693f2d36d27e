"""``check --all-files`` reuses the last whole check only while nothing it depends on
changed: every note, the configuration, the code, git's HEAD and index, the agents."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from kbutil import package_paths
from test_cache import MESSY, SAMPLE, git

from codex_hooks import cache, cli, results
from codex_hooks.kb import KnowledgeBase


@pytest.fixture
def kb_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample knowledge base plus messy notes, committed; notes just written count as
    settled (see ``test_a_note_written_just_now_is_never_reused``)."""
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE, root)
    for rel, data in MESSY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "kb")
    monkeypatch.setattr(cache, "_racy", lambda st, started: False)
    monkeypatch.chdir(root)
    return root


def run(
    capsys: pytest.CaptureFixture[str], *args: str, expect_reuse: bool | None = None
) -> tuple[int, str, str]:
    """The real command line in this process: exit code, stdout, stderr. With
    ``expect_reuse``, assert whether the notes were loaded (a reused result loads none)."""
    loads = []
    original = KnowledgeBase.load.__func__  # type: ignore[attr-defined]

    def spy(cls: type, *a: object, **k: object) -> KnowledgeBase:
        loads.append(1)
        return original(cls, *a, **k)

    KnowledgeBase.load = classmethod(spy)  # type: ignore[method-assign]
    try:
        code = cli.main(list(args))
    finally:
        KnowledgeBase.load = classmethod(original)  # type: ignore[method-assign]
    out, err = capsys.readouterr()
    if expect_reuse is not None:
        assert (not loads) == expect_reuse, "reused" if not loads else "loaded the notes"
    return code, out, err


def fresh(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, "check", "--all-files", "--no-cache", *args)


def test_an_unchanged_knowledge_base_reuses_the_last_check(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(capsys, "check", "--all-files", expect_reuse=False)
    assert first[0] == 1 and "FM" in first[1]  # the sample has errors: a real result
    second = run(capsys, "check", "--all-files", expect_reuse=True)
    assert second == first == fresh(capsys)
    stored = list((kb_root / ".git" / "codex-hooks").glob("results-v*"))
    assert len(stored) == 1


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_every_format_of_a_reused_result_matches_a_fresh_one(
    kb_root: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    run(capsys, "check", "--all-files", expect_reuse=False)
    reused = run(capsys, "check", "--all-files", "--format", fmt, expect_reuse=True)
    assert reused == fresh(capsys, "--format", fmt)
    if fmt == "json":
        data = json.loads(reused[1])
        assert data["summary"]["fixable"] > 0
        assert data["summary"]["notes_checked"] == len(KnowledgeBase.load(kb_root).notes)


def edit_keeping_size_and_mtime(path: Path) -> None:
    st = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"processed", b"PROCESSED", 1))
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


CHANGES = {
    "a note edited (same size, mtime put back)": lambda root: edit_keeping_size_and_mtime(
        next(p for p in (root / "inbox").rglob("*.md") if b"processed" in p.read_bytes())
    ),
    "a note added": lambda root: (root / "domains" / "health" / "new.md").write_text(
        "---\ntype: claim\n---\n[[nowhere at all]]\n"
    ),
    "a note deleted": lambda root: (root / "domains" / "health" / "duplicate.md").unlink(),
    "the configuration changed": lambda root: (root / ".codex-hooks.yaml").write_text(
        (root / ".codex-hooks.yaml").read_text() + "\nignore: [WL]\n"
    ),
    "an agent's folder added": lambda root: (root / "agents" / "nobody").mkdir(),
    "a change staged": lambda root: (
        (root / "notes.txt").write_text("x"),
        git(root, "add", "notes.txt"),
    ),
    "a commit": lambda root: git(root, "commit", "-q", "--allow-empty", "-m", "empty"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_it_depends_on_makes_the_stored_result_stale(
    kb_root: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    run(capsys, "check", "--all-files", expect_reuse=False)
    CHANGES[change](kb_root)
    after = run(capsys, "check", "--all-files", expect_reuse=False)
    assert after == fresh(capsys)
    assert run(capsys, "check", "--all-files", expect_reuse=True) == after


def test_changed_code_makes_the_stored_result_stale(
    kb_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "check", "--all-files", expect_reuse=False)
    monkeypatch.setattr(results, "_PACKAGE_HASH", [b"another version of the rules"])
    run(capsys, "check", "--all-files", expect_reuse=False)


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"\xe9\x00\x01", "truncate"],
    ids=["empty", "garbage", "bytes", "truncated"],
)
def test_a_damaged_result_is_recomputed(
    kb_root: Path, capsys: pytest.CaptureFixture[str], damage: bytes | str
) -> None:
    first = run(capsys, "check", "--all-files")
    [file] = (kb_root / ".git" / "codex-hooks").glob("results-v*")
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2] if damage == "truncate" else damage)
    assert run(capsys, "check", "--all-files", expect_reuse=False) == first
    assert run(capsys, "check", "--all-files", expect_reuse=True) == first


def test_a_note_written_just_now_is_never_reused(
    kb_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_racy", lambda st, started: True)
    run(capsys, "check", "--all-files", expect_reuse=False)
    run(capsys, "check", "--all-files", expect_reuse=False)
    assert not list((kb_root / ".git" / "codex-hooks").glob("results-v*"))


def test_no_cache_and_other_targets_never_store_or_reuse(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh(capsys)
    run(capsys, "check", "domains", expect_reuse=False)
    assert not list((kb_root / ".git" / "codex-hooks").glob("results-v*"))


def test_a_reused_fix_cannot_be_applied(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "check", "--all-files")
    stored = results.stored(kb_root)
    assert stored is not None
    rows, _ = stored.read()  # type: ignore[misc]
    fixable = [v for v in results.as_violations(rows) if v.fix is not None]
    assert fixable
    with pytest.raises(RuntimeError, match="cannot apply fixes"):
        fixable[0].fix.apply(None)  # type: ignore[union-attr]


def test_the_constants_named_to_keep_start_up_light_match_their_sources() -> None:
    from codex_hooks.config import CONFIG_FILE, Config

    assert cli.ROOT_MARKER == CONFIG_FILE == results.CONFIG_FILES[0]
    assert Config().agents_dir == results.DEFAULT_AGENTS_DIR


def test_outside_git_nothing_is_stored(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "kb")
    assert results.stored(tmp_path / "kb") is None


def test_git_refreshing_its_own_index_does_not_make_the_result_stale(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (kb_root / "notes.txt").write_text("x")
    git(kb_root, "add", "notes.txt")
    first = run(capsys, "check", "--all-files", expect_reuse=False)
    index = kb_root / ".git" / "index"
    before = index.stat().st_mtime_ns
    os.utime(kb_root / "notes.txt", ns=(1_000_000_000, 1_000_000_000))
    git(kb_root, "update-index", "--refresh")
    assert index.stat().st_mtime_ns != before  # git rewrote its index
    assert run(capsys, "check", "--all-files", expect_reuse=True) == first


def without_site(code: str, cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """``python -S -c code`` in ``cwd``, importing from ``paths`` alone: without ``site``,
    whose ``.pth`` files (an editable install's among them) import modules of their own
    and would find the checkout's package instead of the one at ``paths``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )


def run_listing_imports(
    kb_root: Path, argv: list[str], heavy: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    """``codex-hooks ARGV`` in a fresh interpreter in ``kb_root`` (without ``site``), its
    standard error ending in ``IMPORTED [...]``: which of ``heavy`` it imported."""
    time.sleep(0.2)  # notes written just now are never keyed (see the test above)
    paths = package_paths()
    probe = (
        "import sys\n"
        "from codex_hooks.cli import main\n"
        f"code = main({argv!r})\n"
        f"heavy = {heavy!r}\n"
        "print('IMPORTED', sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    return without_site(probe, kb_root, *paths)


def test_a_reused_check_imports_only_what_it_prints(kb_root: Path) -> None:
    """Reprinting a stored result is most of what an unchanged commit costs: it must not
    import the rules, the index, the records of a fresh check or ``typing``, and without
    a configuration file not even ``dataclasses`` or PyYAML."""
    heavy = (
        "typing",
        "shutil",
        "subprocess",
        "dataclasses",
        "yaml",
        "rapidfuzz",
        "codex_hooks.model",
        "codex_hooks.report",
        "codex_hooks.index",
        "codex_hooks.rules",
        "codex_hooks.config",
    )

    def check() -> subprocess.CompletedProcess[str]:
        return run_listing_imports(kb_root, ["check", "--all-files"], heavy)

    first, again = check(), check()
    assert "'codex_hooks.rules'" in first.stderr  # the first check ran the rules, and stored
    # The sample's .codex-hooks.yaml is read for where the agents and the baseline are:
    # its settings, as parsed by the first run (so without PyYAML).
    assert "IMPORTED ['dataclasses']" in again.stderr, again.stderr
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    (kb_root / ".codex-hooks.yaml").unlink()
    git(kb_root, "commit", "-qam", "no configuration")
    first, again = check(), check()
    assert "IMPORTED []" in again.stderr, again.stderr
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)


def test_a_reprinted_graph_imports_only_what_it_prints(kb_root: Path) -> None:
    """An unchanged knowledge base's graph is its stored output, reprinted: without a
    configuration file, neither the index, the rules, PyYAML nor even ``pathlib``,
    ``typing`` or ``dataclasses`` is imported for it."""
    (kb_root / ".codex-hooks.yaml").unlink()
    git(kb_root, "commit", "-qam", "no configuration")
    heavy = (
        "pathlib",
        "typing",
        "dataclasses",
        "subprocess",
        "yaml",
        "rapidfuzz",
        "codex_hooks.index",
        "codex_hooks.rules",
        "codex_hooks.graph_export",
    )
    first, again = (run_listing_imports(kb_root, ["graph"], heavy) for _ in range(2))
    assert "'codex_hooks.graph_export'" in first.stderr  # built, then stored
    assert "IMPORTED []" in again.stderr, again.stderr
    assert (again.returncode, again.stdout) == (0, first.stdout)
    assert json.loads(again.stdout)["nodes"]


def test_editing_a_module_of_the_package_changes_the_key(tmp_path: Path) -> None:
    """The package's part of the key comes from its files' stats: an edited rule (in a
    development tree) makes every stored result stale."""
    package = tmp_path / "codex_hooks"
    shutil.copytree(Path(results.__file__).parent, package)
    probe = "from codex_hooks import results; print(results._package_hash().hex())"

    def key() -> str:
        done = without_site(probe, tmp_path, str(tmp_path))
        assert done.returncode == 0, done.stderr
        return done.stdout

    before = key()
    assert key() == before
    # A link to a folder is not followed: a loop neither hangs nor changes the key.
    (package / "rules" / "loop").symlink_to(package, target_is_directory=True)
    assert key() == before
    rule = package / "rules" / "fields.py"
    rule.write_text(rule.read_text() + "\n# edited\n")
    assert key() != before


def test_a_one_note_check_imports_neither_pyyaml_nor_rapidfuzz(kb_root: Path) -> None:
    """A commit of a few notes checks them against the stored index: their plain
    frontmatter is read without PyYAML and their few did-you-mean candidates are scored
    without rapidfuzz, with the same findings as a check that uses both."""

    (kb_root / ".codex-hooks.yaml").unlink()  # its settings are read with PyYAML
    git(kb_root, "commit", "-qam", "no configuration")
    paths = package_paths()
    notes = [  # a broken wiki link, a misspelt claims_extracted entry, a one-way claim
        "maps/alignment and markets.md",
        "inbox/archive/2026-02-10-pluralistic-values-survey.md",
        "domains/ai-alignment/pluralistic alignment needs more than one reward model.md",
    ]
    probe = (
        "import sys\n"
        "from codex_hooks.cli import main\n"
        f"code = main(['check', *{notes!r}])\n"
        "print('IMPORTED', sorted(m for m in ('yaml', 'rapidfuzz') if m in sys.modules),"
        " file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    time.sleep(0.2)  # so that every note is keyed in the index this stores
    assert without_site(probe, kb_root, *paths).returncode == 1
    for rel in notes:
        with (kb_root / rel).open("a", encoding="utf-8") as f:
            f.write("\nOne more line.\n")
    time.sleep(0.2)  # notes written just now are never keyed (see the test above)
    done = without_site(probe, kb_root, *paths)
    assert "IMPORTED []" in done.stderr, done.stderr
    everything = subprocess.run(
        [sys.executable, "-m", "codex_hooks", "check", "--no-cache", *notes],
        cwd=kb_root,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (everything.returncode, everything.stdout)
    assert "WL001 wiki link [[Decision-Markets price policies]]" in done.stdout
    assert "(did you mean 'pluralistic alignment needs more than one reward model'?)" in done.stdout
    assert "BL003 inbox/archive/2026-02-10-pluralistic-values-survey.md lists" in done.stdout


def test_an_untracked_note_with_a_tab_in_its_name_is_part_of_the_key(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """git writes a staged file as "mode blob stage<TAB>path" and an untracked one as its
    bare path, which may hold a tab: its change must make the stored result stale."""
    note = kb_root / "loose\tnote.md"
    note.write_text("# Loose\n\nSee [[nowhere at all]].\n")
    first = run(capsys, "check", "--all-files", "--format", "json", expect_reuse=False)
    assert '"path": "loose\\tnote.md"' in first[1]
    run(capsys, "check", "--all-files", "--format", "json", expect_reuse=True)
    note.write_text("# Loose\n\nSee [[nowhere at all]] and [[nowhere else]].\n")
    again = run(capsys, "check", "--all-files", "--format", "json", expect_reuse=False)
    assert "nowhere else" in again[1]


def test_the_notes_listed_last_time_only_save_time_never_change_the_key(kb_root: Path) -> None:
    """The key looks at the notes the last run listed while git lists them now: the key
    is the same with that list missing, garbled, damaged, short of a note or holding one
    too many, and the list is brought up to date."""
    first = results.stored(kb_root)
    assert first is not None
    listing = next((kb_root / ".git" / "codex-hooks").glob("listing-v*"))
    kept = listing.read_bytes()
    raw, listed = marshal.loads(kept[4:])
    assert "domains/health/duplicate.md" in listed and listed == sorted(listed)
    assert b"\tdomains/health/duplicate.md\0" in raw

    def written(raw: bytes, paths: list[str]) -> bytes:
        data = marshal.dumps((raw, paths))
        return zlib.crc32(data).to_bytes(4, "big") + data

    damaged = bytearray(kept)
    damaged[-10] ^= 0x20
    earlier = raw.replace(b"\tdomains/health/duplicate.md\0", b"\0")  # before it was added
    for stale in (
        None,
        b"garbled",
        marshal.dumps(listed),  # what an earlier format kept
        bytes(damaged),
        written(earlier, listed[1:]),
        written(earlier, sorted([*listed, "domains/health/gone.md"])),
    ):
        if stale is None:
            listing.unlink()
        else:
            listing.write_bytes(stale)
        again = results.stored(kb_root)
        assert again is not None and again.key == first.key
        assert listing.read_bytes() == kept
    (kb_root / "domains" / "health" / "duplicate.md").write_text("---\ntype: claim\n---\n")
    changed = results.stored(kb_root)
    assert changed is not None and changed.key != first.key
