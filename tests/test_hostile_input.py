"""Hostile input: paths that climb out, symlinks, YAML tags, alias bombs, huge notes,
adversarial wiki-link text and file names that try to fake report lines.

The promise under test: bad input is reported, never crashes, and nothing outside the
repository is read or written. File access is watched with an audit hook (``open`` and
``os.rename``/``os.replace`` events), so "never opened" is checked, not assumed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_kb import (
    CLAIM,
    CLAIM_PATH,
    OTHER_CLAIM,
    SOURCE,
    clean_kb,
    cli,
    init_repo,
    snapshot,
)

from codex_hooks.errors import LimitExceededError, NoteError
from codex_hooks.frontmatter import parse_frontmatter
from codex_hooks.kb import KnowledgeBase
from codex_hooks.links import scan_links
from codex_hooks.note import Note

# -- watching file access ------------------------------------------------------------------

_SEEN: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _SEEN is None:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _SEEN.append(("open", os.fsdecode(args[0])))
    elif event in ("os.rename", "os.replace", "os.remove", "os.symlink"):
        _SEEN.extend((event, os.fsdecode(a)) for a in args[:2] if isinstance(a, (str, bytes)))


sys.addaudithook(_audit)


@contextlib.contextmanager
def watched():
    """Record every file the code opens, renames or removes while the block runs."""
    global _SEEN
    _SEEN = seen = []
    try:
        yield seen
    finally:
        _SEEN = None


def touched_under(seen: list[tuple[str, str]], folder: Path) -> list[tuple[str, str]]:
    """The recorded accesses whose real path is ``folder`` or inside it."""
    folder = folder.resolve()
    out = []
    for event, raw in seen:
        real = Path(os.path.realpath(raw))
        if real == folder or folder in real.parents:
            out.append((event, raw))
    return out


def run_everything(root: Path) -> tuple[list, object]:
    """Load, check every note, fix every note: what a user's commands do."""
    kb = KnowledgeBase.load(root, cache=False)
    violations = kb.check()
    result = KnowledgeBase.load(root, cache=False).fix()
    return violations, result


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding notes that must never be read or written."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(SOURCE)
    (folder / "claim.md").write_text(CLAIM.replace("confidence: likely", "confidence: likley"))
    return folder


# -- paths that climb out -----------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "../../../etc/passwd",
        "../outside/secret.md",
        "/etc/passwd",
        "~/secret.md",
        "inbox/../../outside/secret.md",
        "C:/Windows/win.ini",
    ],
)
def test_sourced_from_outside_is_reported_never_opened(
    tmp_path: Path, outside: Path, ref: str
) -> None:
    files = clean_kb()
    files[CLAIM_PATH] = CLAIM.replace(
        "sourced_from: inbox/archive/2026-01-12-launch.md", f'sourced_from: "{ref}"'
    )
    root = init_repo(tmp_path / "kb", files)
    before_outside = snapshot(outside)
    with watched() as seen:
        violations, result = run_everything(root)
    bl005 = [v for v in violations if v.code == "BL005" and v.path == CLAIM_PATH]
    assert bl005, violations
    assert "outside the repository" in bl005[0].message
    assert bl005[0].fix is None
    assert touched_under(seen, outside) == []
    assert not [p for e, p in seen if "passwd" in p or "win.ini" in p]
    assert snapshot(outside) == before_outside
    # The bad entry is never rewritten or dropped to "repair" it (the fixer may add the
    # source that lists the claim beside it: that link is real).
    assert f'"{ref}"' in (root / CLAIM_PATH).read_text()
    assert not result.failed


def test_sourced_from_outside_is_reported_by_the_cli(tmp_path: Path) -> None:
    files = clean_kb()
    files[CLAIM_PATH] = CLAIM.replace(
        "sourced_from: inbox/archive/2026-01-12-launch.md", "sourced_from: /etc/passwd"
    )
    root = init_repo(tmp_path / "kb", files)
    run = cli(root, "check", "--all-files")
    assert run.returncode == 1
    assert "BL005 sourced_from entry '/etc/passwd' points outside the repository" in run.stdout
    assert "root:" not in run.stdout + run.stderr


def test_symlinked_note_to_outside_is_never_read_or_written(tmp_path: Path, outside: Path) -> None:
    files = clean_kb()
    root = init_repo(tmp_path / "kb", files)
    # A claim that is a link to a note outside, with a fixable typo in it; the source
    # lists it, so a fixer that followed the link would write sourced_from through it.
    link = root / "domains/internet-finance/linked claim.md"
    link.symlink_to(outside / "claim.md")
    # A folder that is a link to outside: notes "under" it are outside too.
    (root / "domains/elsewhere").symlink_to(outside, target_is_directory=True)
    (root / "inbox/archive/2026-01-12-launch.md").write_text(
        SOURCE.replace(
            '  - "decision markets price policies"\n',
            '  - "decision markets price policies"\n  - "linked claim"\n  - "claim"\n',
        )
    )
    before_outside = snapshot(outside)
    with watched() as seen:
        run_everything(root)
        for rel in ("domains/internet-finance/linked claim.md", "domains/elsewhere/claim.md"):
            kb = KnowledgeBase.load(root, cache=False)
            kb.check([rel])
            kb.fix([rel])
    assert touched_under(seen, root / "domains"), "the audit hook saw no read at all"
    assert touched_under(seen, outside) == []
    assert snapshot(outside) == before_outside
    assert link.is_symlink()


def test_symlink_is_never_written_through(tmp_path: Path, outside: Path) -> None:
    from codex_hooks.errors import UnsafePathError
    from codex_hooks.write import atomic_write, resolve_inside

    root = init_repo(tmp_path / "kb", clean_kb())
    (root / "domains/evil.md").symlink_to(outside / "claim.md")
    (root / "domains/elsewhere").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    with pytest.raises(UnsafePathError):
        atomic_write(root / "domains/evil.md", b"x", root)
    with pytest.raises(UnsafePathError):
        resolve_inside(root, "domains/elsewhere/claim.md")
    with pytest.raises(UnsafePathError):
        atomic_write(root / "domains/elsewhere/claim.md", b"x", root)
    assert snapshot(outside) == before


# -- YAML that tries to run code or explode ---------------------------------------------------

TAGS = """---
type: claim
domain: health
description: !!python/object/apply:os.system ["touch {sentinel}"]
confidence: !!python/name:os.system
source: !!binary aGVsbG8=
created: !!timestamp 2026-13-45
extra: !custom {{a: 1}}
---
body
"""


def test_yaml_tags_are_never_constructed(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    text = TAGS.format(sentinel=sentinel)
    note = Note.from_text(text, "domains/health/x.md")
    # The first tag that is not a standard one stops the parse (FM907), naming it.
    with pytest.raises(NoteError) as err:
        parse_frontmatter(note)
    assert err.value.code == "FM907"
    assert "'!!python/object/apply:os.system'" in err.value.message
    files = clean_kb()
    files["domains/health/tags.md"] = text
    root = init_repo(tmp_path / "kb", files)
    before = snapshot(root)["domains/health/tags.md"]
    run = cli(root, "fix", "--all-files")
    assert "Traceback" not in run.stderr
    assert "domains/health/tags.md:4:14: FM907 " in run.stdout + run.stderr
    assert snapshot(root)["domains/health/tags.md"] == before
    assert not sentinel.exists()
    # ruamel's round-trip loader (used for edits by other tools) keeps tags as data.
    from codex_hooks.roundtrip import load_roundtrip

    with contextlib.suppress(NoteError):
        load_roundtrip(note)
    assert not sentinel.exists()


def _alias_bomb(levels: int = 9) -> str:
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join(f"*a{i - 1}" for _ in range(9))
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("type: claim")
    lines += ["---", "body", ""]
    return "\n".join(lines)


def test_alias_bomb_ends_with_a_clear_error() -> None:
    note = Note.from_text(_alias_bomb(), "domains/health/bomb.md")
    with pytest.raises(LimitExceededError) as err:
        parse_frontmatter(note)
    assert err.value.code == "FM906"
    assert "alias" in err.value.message


def test_alias_bomb_and_deep_nesting_through_the_cli(tmp_path: Path) -> None:
    files = clean_kb()
    files["domains/health/bomb.md"] = _alias_bomb()
    files["domains/health/deep.md"] = "---\nx: " + "[" * 50_000 + "]" * 50_000 + "\n---\n"
    files["domains/health/deep-block.md"] = (
        "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(300)) + "---\n"
    )
    root = init_repo(tmp_path / "kb", files)
    run = cli(root, "check", "--all-files")
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("domains/health/bomb.md:") and "FM906" in line for line in lines)
    assert any(line.startswith("domains/health/deep.md:") and "FM906" in line for line in lines)
    assert any(
        line.startswith("domains/health/deep-block.md:") and "FM906" in line for line in lines
    )
    assert "Traceback" not in run.stderr


def test_fifty_megabyte_note_ends_with_a_clear_error(tmp_path: Path) -> None:
    files = clean_kb()
    files["domains/health/huge.md"] = b"---\ntype: claim\n---\n" + b"x" * (50 * 1024 * 1024)
    files["domains/health/huge-frontmatter.md"] = (
        "---\ntype: claim\ndescription: " + "y" * (300 * 1024) + "\n---\n"
    )
    root = init_repo(tmp_path / "kb", files)
    kb = KnowledgeBase.load(root, cache=False)
    found = {v.path: v for v in kb.check()}
    assert found["domains/health/huge.md"].code == "FM906"
    assert "over the" in found["domains/health/huge.md"].message
    assert found["domains/health/huge-frontmatter.md"].code == "FM906"
    before = snapshot(root)
    KnowledgeBase.load(root, cache=False).fix()
    assert snapshot(root) == before


# -- adversarial wiki-link text -------------------------------------------------------------

ADVERSARIAL = {
    "brackets": "[[" * 100_000,
    "backticks": "`" * 100_000,
    "brackets then backticks": "[[" + "`" * 100_000,
    "bracket-backtick pairs": "[[`" * 100_000,
    "unclosed link": "[[" + "a" * 100_000,
    "half-closed links": "[[a]" * 100_000,
    "code spans of every length": "[[ " + " ".join("`" * i for i in range(1, 450)),
    "pipes and hashes": "[[" + "|#^" * 100_000 + "]]",
}


_SCAN = """
import sys, time
from codex_hooks.links import scan_links
from test_hostile_input import ADVERSARIAL
text = ADVERSARIAL[sys.argv[1]]
started = time.perf_counter()
scan_links([text, text + "\\n"])
print(time.perf_counter() - started)
"""


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_wiki_link_scanning_is_linear(name: str) -> None:
    # A backtracking pattern took ~0.5 s on 2,000 backticks and grows with the cube of the
    # length; 100,000 would take hours. The scan runs in a child process so that such a
    # regression fails here instead of hanging the suite; the bound is generous (the scan
    # takes milliseconds).
    try:
        run = subprocess.run(
            [sys.executable, "-c", _SCAN, name],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"scanning {name!r} took over 20 s: catastrophic backtracking")
    assert float(run.stdout) < 5.0


@pytest.mark.parametrize(
    ("line", "targets"),
    [
        ("a `[[code]]` and [[link]]", ["link"]),
        ("``[[x]] ` [[still code]]`` [[y]]", ["y"]),
        ("` unclosed [[z]]", ["z"]),
        ("`` a ` [[w]]", ["w"]),
        ("`a` [[v]] `b`", ["v"]),
        ("[[" + "`" * 50 + "]]", ["`" * 50]),
    ],
)
def test_code_spans_hide_links(line: str, targets: list[str]) -> None:
    assert [link.target for link in scan_links([line])] == targets


# -- file names and values that try to fake report lines ---------------------------------

EVIL_NAMES = [
    "domains/health/evil\nfake.md:1:1: FM000 all good.md",
    "domains/health/evil\rFAKE.md",
    "domains/health/evil\x1b[2Jclear.md",
    "domains/health/evil\u202eexe.md.md",
]


def test_control_characters_in_paths_and_values_are_escaped(tmp_path: Path) -> None:
    files = clean_kb()
    bad = OTHER_CLAIM.replace("confidence: experimental", "confidence: experimentl")
    for name in EVIL_NAMES:
        files[name] = bad
    files["domains/health/value.md"] = OTHER_CLAIM.replace(
        "confidence: experimental", 'confidence: "x\\nfake.md:9:9: FM000 spoofed"'
    )
    root = init_repo(tmp_path / "kb", files)
    run = cli(root, "check", "--all-files")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert not [line for line in lines if line.startswith("fake.md")]
    assert not [c for c in run.stdout if c in "\r\x1b\u202e"]
    assert "domains/health/evil\\nfake.md:1:1: FM000 all good.md:" in run.stdout
    assert "evil\\x1b[2Jclear.md" in run.stdout
    assert "evil\\u202eexe.md.md" in run.stdout
    assert "x\\nfake.md:9:9: FM000 spoofed" in run.stdout
    # Every report line belongs to a note: the number of lines is the number of findings.
    import json

    data = json.loads(cli(root, "check", "--all-files", "--format", "json").stdout)
    assert len(lines) == len(data["violations"])
    github = cli(root, "check", "--all-files", "--format", "github").stdout
    assert all(line.startswith("::") for line in github.splitlines())


def test_fixing_notes_with_control_characters_is_safe(tmp_path: Path) -> None:
    files = clean_kb()
    bad = OTHER_CLAIM.replace("confidence: experimental", "confidence: experimentl")
    for name in EVIL_NAMES:
        files[name] = bad
    root = init_repo(tmp_path / "kb", files)
    # The typo's repair is an unsafe fix: asked for, so that every note has a write due.
    run = cli(root, "fix", "--all-files", "--unsafe-fixes")
    assert "Traceback" not in run.stderr
    for stream in (run.stdout, run.stderr):
        assert not [c for c in stream if c in "\r\x1b\u202e"]
        assert not [line for line in stream.splitlines() if line.startswith("fake.md")]
    # Names with a newline or carriage return are refused for writing and reported.
    assert "has control characters" in run.stderr
    assert (root / EVIL_NAMES[0]).read_text() == bad
