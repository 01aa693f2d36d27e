"""A tiny helper for tests: write a ``{path: text}`` dict as a knowledge base.

Rule tests keep their cases as data: the notes of a small knowledge base as a dict, and the
expected violations or the expected text of every changed note. This module turns such a
dict into files (optionally a git repository) and reads them back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The real corpus beside this checkout (``../shared/corpus``), and its git bundle: tests
#: that need it skip when it is absent (see the ``corpus`` fixture in conftest.py).
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
BUNDLE = next(iter(sorted(CORPUS.glob("*.bundle"))), None) if CORPUS.is_dir() else None
NO_CORPUS = f"the shared corpus is not at {CORPUS} (a git bundle is needed)"


def package_paths() -> list[str]:
    """Where a ``python -S`` child finds this checkout's package and its dependencies
    alone: without ``site``, whose ``.pth`` files (an editable install's among them)
    import modules of their own."""
    import sysconfig

    import codex_hooks

    return [str(Path(codex_hooks.__file__).resolve().parents[1]), sysconfig.get_paths()["purelib"]]


def clone_corpus(dest: Path) -> Path:
    """A fresh clone of the corpus's ``main`` at ``dest`` (the bundle must exist)."""
    assert BUNDLE is not None, NO_CORPUS
    subprocess.run(["git", "clone", "-q", "-b", "main", str(BUNDLE), str(dest)], check=True)
    return dest


#: Files most tests need: the agents that ``processed_by`` may name.
AGENTS = {
    "agents/rio/identity.md": "# Rio\n",
    "agents/theseus/identity.md": "# Theseus\n",
}


def write_kb(
    root: Path,
    files: dict[str, str | bytes],
    git: bool = False,
    commit: bool = True,
    agents: bool = True,
) -> Path:
    """Write ``files`` under ``root`` (text is written byte for byte: no newline
    translation). With ``git``, make ``root`` a repository and, with ``commit``, commit
    everything. ``agents`` adds :data:`AGENTS` unless ``files`` has them."""
    all_files: dict[str, str | bytes] = {**(AGENTS if agents else {}), **files}
    for rel, content in all_files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if git:
        run_git(root, "init", "-q", "-b", "main")
        if commit:
            run_git(root, "add", "-A")
            run_git(root, "commit", "-q", "-m", "initial")
    return root


def read(root: Path, rel: str) -> str:
    """A note's text exactly as stored (no newline translation)."""
    return (root / rel).read_bytes().decode("utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (``.git`` excluded), as bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".git/"):
            out[rel] = path.read_bytes()
    return out


#: Git without the user's configuration, committing under a fixed identity.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def run_git(root: Path, *args: str) -> str:
    """Run git in ``root``; return its output (a failure raises)."""
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args],
        cwd=root,
        capture_output=True,
        check=True,
        env=env,
    )
    return result.stdout.decode("utf-8", "surrogateescape")


#: Commands that look for the knowledge base's root, and what marks a root.
_ROOTED = ("check", "fix", "baseline", "graph", "link", "rename")
_MARKERS = (".git", ".codex-hooks.yaml", "pyproject.toml")


def rooted(root: Path, args: tuple[str, ...]) -> list[str]:
    """``args`` for a command run in ``root``: a folder that nothing marks as a knowledge
    base (no ``.git``, no configuration) is named with ``--root``, as a user outside git
    must name it (without it the command refuses: see tests/test_bad_input.py)."""
    if not args or args[0] not in _ROOTED or "--root" in args:
        return list(args)
    if any((folder / m).exists() for folder in (root, *root.parents) for m in _MARKERS):
        return list(args)
    return [args[0], "--root", str(root), *args[1:]]


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``codex-hooks`` command in ``root``."""
    env = {**os.environ, **GIT_ENV}
    exe = Path(sys.executable).parent / "codex-hooks"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "codex_hooks"]
    return subprocess.run(
        [*cmd, *rooted(root, args)], cwd=root, capture_output=True, text=True, env=env, check=False
    )


def note(fields: str, body: str = "") -> str:
    """A note from frontmatter lines and a body: ``note("type: claim\\n")``."""
    return f"---\n{fields}---\n{body}"


def claim(domain: str = "ai-alignment", extra: str = "", body: str = "") -> str:
    """A complete, consistent claim's text; ``extra`` adds frontmatter lines at the end."""
    return note(
        "type: claim\n"
        f"domain: {domain}\n"
        'description: "A proposition"\n'
        "confidence: likely\n"
        'source: "Someone, some paper"\n'
        "created: 2026-01-05\n" + extra,
        body,
    )


def source(status: str = "unprocessed", extra: str = "", body: str = "") -> str:
    """A source's text with ``status``; ``extra`` adds frontmatter lines at the end."""
    return note(
        "type: source\n"
        'title: "A paper"\n'
        "domain: ai-alignment\n"
        "format: paper\n"
        f"status: {status}\n" + extra,
        body,
    )


def processed(claims: list[str], extra: str = "") -> str:
    """A processed source that lists ``claims`` in claims_extracted."""
    items = "".join(f"  - {c}\n" for c in claims)
    return source(
        "processed",
        "processed_by: rio\nprocessed_date: 2026-01-06\nclaims_extracted:\n" + items + extra,
    )


# -- running the library on such a knowledge base ---------------------------------------


def load_kb(root: Path):
    """The knowledge base at ``root`` under its own configuration, without the wiki-link
    rules (WL0xx are tested on their own)."""
    from codex_hooks import KnowledgeBase, load_config

    config = load_config(root)
    config.ignore = [*config.ignore, "WL"]
    return KnowledgeBase.load(root, config=config, cache=False)


def check_kb(root: Path, paths: list[str] | None = None) -> list[tuple]:
    """``(path, line, column, code, severity, message)`` of every violation found."""
    found = load_kb(root).check(paths)
    return [(v.path, v.line, v.column, v.code, v.severity, v.message) for v in found]


def assert_violations(found: list[tuple], expected: list[tuple]) -> None:
    """``expected`` rows are ``(path, line, column, code, severity, message part)``."""
    shown = "\n".join(map(repr, found))
    assert [f[:5] for f in found] == [e[:5] for e in expected], shown
    for f, e in zip(found, expected, strict=True):
        assert e[5] in f[5], f"{e[5]!r} not in {f[5]!r}"


def fix_kb(
    root: Path,
    expected: dict[str, str],
    paths: list[str] | None = None,
    unsafe_fixes: bool = False,
) -> None:
    """Fix the knowledge base at ``root`` (the unsafe fixes too with ``unsafe_fixes``); the
    notes in ``expected`` must now hold exactly that text, every other file its old bytes,
    and a second fix must change nothing."""
    before = snapshot(root)
    result = load_kb(root).fix(paths, unsafe_fixes=unsafe_fixes)
    assert sorted(result.changed_paths) == sorted(expected), result.failed
    assert not result.failed
    after = snapshot(root)
    for rel, data in before.items():
        if rel in expected:
            assert after[rel].decode("utf-8") == expected[rel], rel
        else:
            assert after[rel] == data, f"{rel} was changed"
    again = load_kb(root).fix(paths, unsafe_fixes=unsafe_fixes)
    assert again.changed_paths == []


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    """Run ``codex-hooks`` in this process (fast), in ``root``: ``(exit code, stdout,
    stderr)``. :func:`run_cli` runs the real installed command."""
    import contextlib
    import io

    from codex_hooks.cli import main

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(rooted(root, args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def rule_tables(
    check: list[Any], fix: list[Any], noop: list[Any]
) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The three table-driven tests of a rule family, from its tables of cases:

    - ``check``: ``(files, expected rows)``: the violations found, as
      :func:`assert_violations` compares them;
    - ``fix``: ``(files, {path: text after})``: exactly those notes change, to exactly
      that text, and a second fix changes nothing (a case marked ``unsafe_fixes`` is a
      guess, repaired only with ``unsafe_fixes=True``);
    - ``noop``: ``files`` that a fix must leave byte for byte.

    A test module binds them: ``test_check, test_fix, test_noop = rule_tables(CHECK, FIX,
    NOOP)``.
    """
    import pytest

    @pytest.mark.parametrize(("files", "expected"), check)
    def test_check(tmp_path: Path, files: dict[str, str], expected: list[tuple[Any, ...]]) -> None:
        write_kb(tmp_path, files)
        assert_violations(check_kb(tmp_path), expected)

    @pytest.mark.parametrize(("files", "expected"), fix)
    def test_fix(
        tmp_path: Path, files: dict[str, str], expected: dict[str, str], request: Any
    ) -> None:
        write_kb(tmp_path, files)
        unsafe = request.node.get_closest_marker("unsafe_fixes") is not None
        fix_kb(tmp_path, expected, unsafe_fixes=unsafe)

    @pytest.mark.parametrize("files", noop)
    def test_noop(tmp_path: Path, files: dict[str, str]) -> None:
        write_kb(tmp_path, files)
        fix_kb(tmp_path, {})

    return test_check, test_fix, test_noop
