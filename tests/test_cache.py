"""The on-disk index gives exactly what reading every note gives, and a stale or damaged
index is never trusted: it is rebuilt without a word."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from codex_hooks import cache
from codex_hooks.kb import KnowledgeBase

RACY = cache._racy
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-kb"

#: Notes that every reader must survive, beside the sample knowledge base.
MESSY: dict[str, bytes] = {
    "domains/health/crlf claim.md": (
        b"---\r\ntype: claim\r\ndomain: health\r\ndescription: d\r\nconfidence: likley\r\n"
        b"source: s\r\ncreated: 2026-02-30\r\n---\r\n\r\nSee [[nowhere|shown]] and [[x#h]].\r\n"
    ),
    "domains/health/bom claim.md": "\ufeff---\ntype: claim\ntags: one\n---\nbody [[a b]]\n".encode(),
    "domains/health/duplicate.md": b"---\ntype: claim\ntype: source\n---\n",
    "domains/health/bad yaml.md": b"---\ntype: claim\nsource: *Source note\n---\n",
    "domains/health/unclosed.md": b"---\ntype: claim\n\nno end\n",
    "domains/health/latin1.md": b"---\ntype: claim\n---\ncaf\xe9\n",
    "domains/health/no frontmatter.md": b"# Just a heading\n\n[[Some link]] `[[not a link]]`\n",
    "inbox/archive/emoji \u2014 source \U0001f680.md": (
        b"---\ntype: source\nstatus: processed\nprocessed_by: nobody\n"
        b"claims_extracted: [a claim that does not exist]\n---\n"
    ),
}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
        env=env,
    ).stdout


@pytest.fixture
def kb_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample knowledge base plus :data:`MESSY`, committed. Notes just written count
    as settled, so the first run records every one (see ``test_racy_note_*``)."""
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE, root)
    for rel, data in MESSY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    if hasattr(os, "symlink"):
        os.symlink("claim-a.md", root / "domains" / "linked.md")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "kb")
    monkeypatch.setattr(cache, "_racy", lambda st, started: False)
    return root


def results(root: Path, use_cache: bool = True) -> list[tuple]:
    """Every violation, as plain tuples (fixability included)."""
    kb = KnowledgeBase.load(root, cache=use_cache)
    return [
        (v.path, v.line, v.column, v.code, v.severity, v.message, v.fixable) for v in kb.check()
    ]


def stored_files(root: Path) -> list[Path]:
    """Everything kept in the knowledge base's cache folder."""
    folder = root / ".git" / "codex-hooks"
    return sorted(folder.iterdir()) if folder.exists() else []


def index_files(root: Path) -> list[Path]:
    """The index's files (not the parsed settings kept beside them)."""
    return [p for p in stored_files(root) if p.name.startswith("index-")]


def main_index(root: Path) -> Path:
    found = [p for p in index_files(root) if not p.name.endswith(cache.DELTA)]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the notes read from disk (rather than served by the index)."""
    import codex_hooks.noteinfo as kb_module  # where the cache reads notes

    seen: list[str] = []
    real = kb_module.read_info_stat

    def counting(root, rel, config):
        seen.append(rel)
        return real(root, rel, config)

    monkeypatch.setattr(kb_module, "read_info_stat", counting)
    return seen


def test_warm_index_gives_what_a_cold_run_gives(kb_root: Path, reads: list[str]):
    expected = results(kb_root, use_cache=False)
    assert stored_files(kb_root) == []  # --no-cache writes nothing
    reads.clear()
    assert results(kb_root) == expected  # cold: builds the index
    assert reads and main_index(kb_root).stat().st_size > 0
    reads.clear()
    assert results(kb_root) == expected  # warm
    assert reads == []  # not one note was read
    cold = KnowledgeBase.load(kb_root, cache=False).notes
    warm = KnowledgeBase.load(kb_root).notes
    assert list(warm) == list(cold)
    assert all(warm[p] == cold[p] and cold[p] == warm[p] for p in cold)
    assert [w.links for w in warm.values()] == [c.links for c in cold.values()]


def test_a_load_told_to_write_later_writes_the_index_when_asked(kb_root: Path, reads: list[str]):
    expected = results(kb_root, use_cache=False)
    kb = KnowledgeBase.load(kb_root, write_later=True)
    assert index_files(kb_root) == []  # read, not yet written
    kb.write_index()
    written = main_index(kb_root).read_bytes()
    kb.write_index()  # once only
    assert main_index(kb_root).read_bytes() == written
    reads.clear()
    assert results(kb_root) == expected
    assert reads == []  # what was written serves the next load
    # A changed note goes to the delta, when it is written.
    with open(kb_root / "domains" / "claim-a.md", "a") as fh:
        fh.write("\nOne more line.\n")
    kb = KnowledgeBase.load(kb_root, write_later=True)
    assert [p for p in index_files(kb_root) if p.name.endswith(cache.DELTA)] == []
    kb.write_index()
    assert [p for p in index_files(kb_root) if p.name.endswith(cache.DELTA)]


def test_the_index_lives_in_the_git_folder(kb_root: Path):
    results(kb_root)
    assert main_index(kb_root).parent == kb_root / ".git" / "codex-hooks"
    assert main_index(kb_root).name.startswith(f"index-v{cache.FORMAT}.")
    assert git(kb_root, "status", "--porcelain", "--ignored") == ""


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:10], id="truncated-in-magic"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: os.urandom(len(data)), id="garbage"),
        pytest.param(lambda data: cache.MAGIC + os.urandom(4000), id="garbage-after-magic"),
        pytest.param(
            lambda data: (
                data[: len(data) // 2]
                + bytes([data[len(data) // 2] ^ 0x40])
                + data[len(data) // 2 + 1 :]
            ),
            id="one-bit-flipped",
        ),
        pytest.param(lambda data: data + b"\0", id="trailing-byte"),
        pytest.param(lambda data: data.replace(b"0.1.0", b"0.0.9", 1), id="other-version"),
    ],
)
def test_a_damaged_index_is_rebuilt(kb_root: Path, reads: list[str], damage):
    expected = results(kb_root, use_cache=False)
    results(kb_root)
    file = main_index(kb_root)
    file.write_bytes(damage(file.read_bytes()))
    reads.clear()
    assert results(kb_root) == expected
    assert reads  # the damaged index was not trusted
    reads.clear()
    assert results(kb_root) == expected  # and it was rebuilt (or removed, when the
    results(kb_root)  # damage was in a note's bytes: found only when they were decoded)
    reads.clear()
    assert results(kb_root) == expected
    assert reads == []


def test_a_damaged_delta_is_ignored(kb_root: Path):
    expected = results(kb_root, use_cache=False)
    results(kb_root)
    note = kb_root / "domains" / "health" / "bom claim.md"
    note.write_bytes(note.read_bytes() + b"\nmore [[links]]\n")
    changed = results(kb_root, use_cache=False)
    assert results(kb_root) == changed
    delta = [p for p in index_files(kb_root) if p.name.endswith(cache.DELTA)]
    assert len(delta) == 1  # one changed note: a delta, not a whole new index
    delta[0].write_bytes(delta[0].read_bytes()[:-7])
    assert results(kb_root) == changed
    note.write_bytes(MESSY["domains/health/bom claim.md"])
    assert results(kb_root) == expected


def test_a_changed_note_is_read_again(kb_root: Path, reads: list[str]):
    results(kb_root)
    note = kb_root / "inbox" / "archive" / "2026-01-20-conditional-tokens-explainer.md"
    text = note.read_text(encoding="utf-8")
    assert "status: procesed" in text
    # Same size, and the modification time put back: the change time still tells.
    stat = note.stat()
    note.write_text(text.replace("status: procesed", "status: processd"), encoding="utf-8")
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert note.stat().st_size == stat.st_size
    reads.clear()
    found = results(kb_root)
    assert reads == [note.relative_to(kb_root).as_posix()]
    assert found == results(kb_root, use_cache=False)
    assert any("'processd'" in v[5] for v in found)


def test_notes_read_again_keep_their_place_in_the_listed_order(kb_root: Path):
    """A load with a few notes read again (and a note gone, one added, a folder named
    like a note) lists the notes in the order a load that reads every note lists them."""
    results(kb_root)
    order = list(KnowledgeBase.load(kb_root, cache=False).notes)
    middle = kb_root / order[len(order) // 2]
    middle.write_bytes(middle.read_bytes() + b"\nEdited.\n")
    (kb_root / order[1]).unlink()
    (kb_root / "domains" / "health" / "a new one.md").write_text("---\ntype: claim\n---\n")
    (kb_root / "domains" / "health" / "folder.md").mkdir()
    warm = KnowledgeBase.load(kb_root)
    cold = KnowledgeBase.load(kb_root, cache=False)
    assert list(warm.notes) == list(cold.notes)
    assert order[1] not in warm.notes and middle.relative_to(kb_root).as_posix() in warm.notes
    assert "domains/health/a new one.md" in warm.notes
    assert "domains/health/folder.md" not in warm.notes


def test_added_and_deleted_notes(kb_root: Path):
    results(kb_root)
    (kb_root / "domains" / "health" / "new.md").write_text(
        "---\ntype: claim\ndomain: health\n---\n[[claim-a]]\n", encoding="utf-8"
    )
    (kb_root / "domains" / "health" / "duplicate.md").unlink()
    found = results(kb_root)
    assert found == results(kb_root, use_cache=False)
    paths = {v[0] for v in found}
    assert "domains/health/new.md" in paths
    assert "domains/health/duplicate.md" not in paths


def test_a_config_change_is_seen(kb_root: Path, reads: list[str]):
    before = results(kb_root)
    (kb_root / ".codex-hooks.yaml").write_text(
        "entity_dirs: [entities, domains/health]\n", encoding="utf-8"
    )
    reads.clear()
    after = results(kb_root)
    assert after == results(kb_root, use_cache=False)
    assert after != before
    assert reads  # another configuration: every note read again


def test_fix_then_check_never_sees_stale_notes(kb_root: Path):
    results(kb_root)
    kb = KnowledgeBase.load(kb_root)
    result = kb.fix()
    assert result.changes  # the sample has safe fixes
    assert results(kb_root) == results(kb_root, use_cache=False)
    assert results(kb_root, use_cache=False) == [
        (v.path, v.line, v.column, v.code, v.severity, v.message, v.fixable)
        for v in result.remaining
    ]


def test_fix_through_the_command_line(kb_root: Path):
    cli = [sys.executable, "-m", "codex_hooks"]
    run = lambda *a: subprocess.run([*cli, *a], cwd=kb_root, capture_output=True, text=True)  # noqa: E731
    run("check", "--all-files")
    assert run("fix", "--all-files").returncode == 1  # files changed
    warm, cold = run("check", "--all-files"), run("check", "--all-files", "--no-cache")
    assert (warm.returncode, warm.stdout, warm.stderr) == (
        cold.returncode,
        cold.stdout,
        cold.stderr,
    )
    # The typo's fix is a guess: left, and shown with its suggestion, stored or not.
    assert "(unsafe fix: set status to 'processed'; codex-hooks fix --unsafe-fixes)" in warm.stdout
    assert "more with 'codex-hooks fix --unsafe-fixes'" in warm.stderr or (
        "fixable with 'codex-hooks fix --unsafe-fixes'" in warm.stderr
    )
    assert run("fix", "--all-files", "--unsafe-fixes").returncode == 1
    warm, cold = run("check", "--all-files"), run("check", "--all-files", "--no-cache")
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert "procesed" not in warm.stdout


def test_racy_note_is_not_recorded(kb_root: Path, reads: list[str], monkeypatch):
    """A note changed within the clock's resolution of the run could change again with
    every stat field equal: it is read again until it has settled."""
    monkeypatch.setattr(cache, "_racy", RACY)  # the real check, with wide margins:
    monkeypatch.setattr(cache, "RACY_NS", 10**18)  # every note changed just now
    monkeypatch.setattr(cache, "RACY_COARSE_NS", 10**18)
    results(kb_root)
    reads.clear()
    results(kb_root)
    assert reads  # nothing was recorded: read again
    monkeypatch.setattr(cache, "RACY_NS", 0)  # every note settled
    monkeypatch.setattr(cache, "RACY_COARSE_NS", 0)
    results(kb_root)
    reads.clear()
    results(kb_root)
    assert reads == []


def test_racy_margins(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text("x")
    now = time.time_ns()
    assert RACY(note.stat(), now)  # written just now
    past = now - 10 * 10**9
    os.utime(note, ns=(past, past))
    assert RACY(note.stat(), now)  # the change time still says "just now"
    assert not RACY(note.stat(), now + 10 * 10**9)
    coarse = types.SimpleNamespace(st_mtime_ns=100 * 10**9, st_ctime_ns=100 * 10**9)
    assert RACY(coarse, 10**9 * 101)  # whole-second time stamps: two seconds of margin
    assert not RACY(coarse, 10**9 * 103)


def test_outside_git_there_is_no_index(tmp_path: Path):
    root = tmp_path / "plain"
    shutil.copytree(SAMPLE, root)
    expected = results(root, use_cache=False)
    assert results(root) == expected
    assert not any(p.name == "codex-hooks" for p in tmp_path.rglob("*"))


def test_each_worktree_has_its_own_index(kb_root: Path):
    other = kb_root.parent / "other"
    git(kb_root, "worktree", "add", "-q", str(other))
    (other / "domains" / "health" / "only here.md").write_text("---\ntype: claim\n---\n")
    assert results(other) == results(other, use_cache=False)
    assert results(kb_root) == results(kb_root, use_cache=False)
    assert (kb_root / ".git" / "worktrees" / "other" / "codex-hooks").is_dir()
    assert not (other / ".git").is_dir()
    assert "domains/health/only here.md" not in {v[0] for v in results(kb_root)}


def test_concurrent_runs_never_corrupt_the_index(kb_root: Path):
    expected = results(kb_root, use_cache=False)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(3):
                assert results(kb_root) == expected
                shutil.rmtree(kb_root / ".git" / "codex-hooks", ignore_errors=True)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results(kb_root) == expected
    assert not [p for p in index_files(kb_root) if p.name.endswith(".tmp")]


def test_concurrent_writers_leave_a_whole_index(kb_root: Path):
    """Processes writing at once: the last one wins, and the file is always whole."""
    results(kb_root)
    file = main_index(kb_root)
    head = cache.header(KnowledgeBase.load(kb_root, cache=False).config)
    code = (
        "import sys; from codex_hooks import cache; from pathlib import Path\n"
        "from codex_hooks.kb import KnowledgeBase\n"
        "cache._racy = lambda st, started: False\n"
        "for i in range(5):\n"
        "    Path(sys.argv[1]).unlink(missing_ok=True)\n"
        "    KnowledgeBase.load(sys.argv[2]).check()\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(file), str(kb_root)]) for _ in range(3)
    ]
    deadline = time.monotonic() + 60
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            continue
        copy = file.with_name("copy")
        copy.write_bytes(data)
        assert cache.read_index(copy, head) is not None
        time.sleep(0.01)
    assert [p.wait() for p in procs] == [0, 0, 0]
    assert results(kb_root) == results(kb_root, use_cache=False)


def test_a_symlinked_note_is_not_followed(kb_root: Path, reads: list[str]):
    if not (kb_root / "domains" / "linked.md").is_symlink():
        pytest.skip("no symlinks here")
    results(kb_root)
    reads.clear()
    kb = KnowledgeBase.load(kb_root)
    assert "domains/linked.md" not in kb.notes
    assert reads == []  # recorded as "not a note" too


def test_every_field_survives_the_round_trip(kb_root: Path):
    cache._setup()
    kb = KnowledgeBase.load(kb_root, cache=False)
    origin = (kb.root, kb.config, None)
    for info in kb.notes.values():
        again = cache.decode(cache.encode(info), info.path, info.kind, origin)
        assert again == info and info == again
        assert again.links == info.links
        assert cache.decode(cache.encode(again), info.path, info.kind, origin) == info


def test_bytes_that_do_not_decode_mean_the_note_is_read(kb_root: Path):
    cache._setup()
    kb = KnowledgeBase.load(kb_root, cache=False)
    path = "inbox/archive/2026-01-20-conditional-tokens-explainer.md"
    broken = cache.decode(b"\x00garbage", path, kb.notes[path].kind, (kb.root, kb.config, None))
    assert broken.data == kb.notes[path].data
    assert broken == kb.notes[path]


def test_a_note_whose_bytes_fail_their_checksum_is_read_and_the_index_removed(
    kb_root: Path, reads: list[str]
):
    results(kb_root)
    file = main_index(kb_root)
    path = "inbox/archive/2026-01-20-conditional-tokens-explainer.md"
    expected = KnowledgeBase.load(kb_root, cache=False).notes[path]
    data = file.read_bytes()
    index = cache.read_index(file, cache.header(KnowledgeBase.load(kb_root).config))
    assert index is not None
    entry = index.table[path]
    del index  # the file is mapped while the index is alive
    head = len(cache.MAGIC) + 4 + int.from_bytes(data[len(cache.MAGIC) :][:4], "little")
    at = head + entry[4] + entry[5] // 2  # inside the note's bytes
    file.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])
    reads.clear()
    loaded = KnowledgeBase.load(kb_root)
    assert loaded.notes[path] == expected  # decoded: damaged, so read from disk
    assert reads == [path]
    assert not file.exists()  # the next run rebuilds the index


def test_notes_from_the_index_copy_and_pickle_as_plain_notes(kb_root: Path):
    import copy
    import pickle

    results(kb_root)
    cold = KnowledgeBase.load(kb_root, cache=False).notes
    for path, info in KnowledgeBase.load(kb_root).notes.items():
        for again in (copy.copy(info), copy.deepcopy(info), pickle.loads(pickle.dumps(info))):
            assert type(again) is type(cold[path])
            assert again == cold[path]


def test_the_index_key_covers_every_module_that_reads_a_note(tmp_path: Path) -> None:
    """The index's header names the modules whose code decides what a note's record holds
    (``cache.CODE``): reading notes, by the quick parser and by libyaml's fallback, loads
    no other module of the package but those that decide nothing."""
    notes = tmp_path / "kb"
    notes.mkdir()
    (notes / "plain.md").write_text("---\ntype: claim\ndomain: x\n---\nSee [[other]].\n")
    (notes / "flow.md").write_text("---\ntype: source\ntags: {a: 1}\n---\nBody.\n")
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from codex_hooks.settings import Config\n"
        "from codex_hooks.noteinfo import read_info_stat\n"
        f"root = Path({str(notes)!r})\n"
        "infos = [read_info_stat(root, n, Config())[0] for n in ('plain.md', 'flow.md')]\n"
        "assert [i.kind for i in infos] == ['claim', 'source'], infos\n"
        "assert infos[1].get('tags') == {'a': '1'}  # scalars stay text\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('codex_hooks.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = {m.removeprefix("codex_hooks.") for m in done.stdout.split()}
    assert "frontmatter" in loaded and "quickparse" in loaded  # both ways were taken
    assert loaded - set(cache.CODE) <= {"memo", "typing_runtime"}
