"""The cyclic collector is paused while a run builds what it keeps, put back as it was
afterwards, and a check leaves nothing behind that only the collector could free."""

from __future__ import annotations

import doctest
import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import codex_hooks.collector
from codex_hooks import KnowledgeBase
from codex_hooks.collector import paused

SAMPLE_KB = Path(__file__).resolve().parents[1] / "examples" / "sample-kb"


@pytest.fixture()
def collecting() -> Iterator[None]:
    """The collector on, as in a library process, whatever the test leaves."""
    was_on = gc.isenabled()
    gc.enable()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_the_docstring_example_runs() -> None:
    result = doctest.testmod(codex_hooks.collector, report=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_paused_blocks_nest_and_put_the_collector_back(collecting: None) -> None:
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost block turns it back on
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collecting: None) -> None:
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_the_block_fails(collecting: None) -> None:
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_loading_checking_and_the_graph_leave_the_collector_on(
    tmp_path: Path, collecting: None
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    kb = KnowledgeBase.load(root, cache=False)
    assert gc.isenabled()
    assert kb.check()
    assert gc.isenabled()
    assert kb.graph().to_dict()["nodes"]
    assert gc.isenabled()


def test_a_check_leaves_no_cycle_behind(tmp_path: Path, collecting: None) -> None:
    """With the collector off (as the command line runs), what a whole check built is
    freed by reference counting alone: nothing is left for the collector to find."""
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    kb = KnowledgeBase.load(root, cache=False)
    kb.check()  # first use: imports, and the index's own lookups, which kb keeps
    gc.collect()
    gc.disable()
    found = kb.check()
    assert found
    assert gc.collect() == 0


def test_a_fix_leaves_no_cycle_behind(tmp_path: Path, collecting: None) -> None:
    """The same for fixing, which parses the frontmatter of every note it edits again."""
    from codex_hooks.fixing import fix

    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    kb = KnowledgeBase.load(root, cache=False)
    fix(kb, dry_run=True, unsafe_fixes=True)
    gc.collect()
    gc.disable()
    assert fix(kb, dry_run=True, unsafe_fixes=True).changes
    assert gc.collect() == 0


def test_a_command_runs_without_the_collector_and_gives_it_back(
    collecting: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``main()`` runs the command with the collector off, the load included, and
    leaves it as found: a program calling it keeps its own."""
    import codex_hooks.index
    from codex_hooks.cli import main

    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    seen: list[bool] = []
    listing = codex_hooks.index.list_markdown

    def listed(*args: object) -> list[str]:
        seen.append(gc.isenabled())  # before the notes, and the index's table, are read
        return listing(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(codex_hooks.index, "list_markdown", listed)
    assert main(["check", "--all-files", "--root", str(kb)]) == 1
    assert main(["graph", "--root", str(kb), "--output", str(tmp_path / "g.json")]) == 0
    assert seen == [False, False]
    assert gc.isenabled()
    gc.disable()
    main(["graph", "--root", str(kb), "--output", str(tmp_path / "g.json")])
    assert not gc.isenabled()


def test_the_script_leaves_the_collector_off_to_the_end(tmp_path: Path) -> None:
    """``codex-hooks`` (``cli.run``) turns the collector off before the command and never
    back on: the first allocation after would rescan all the command built."""
    import subprocess
    import sys

    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    probe = (
        "import gc, os, sys\n"
        "from codex_hooks import cli\n"
        "passes = []\n"
        "gc.callbacks.append(lambda phase, info: passes.append(phase))\n"
        "exit_now = os._exit\n"
        "def leave(code):\n"
        "    os.write(2, f'passes={len(passes)} enabled={gc.isenabled()}\\n'.encode())\n"
        "    exit_now(code)\n"
        "os._exit = leave\n"
        "sys.argv = ['codex-hooks', 'check', '--all-files', '--root', sys.argv[1]]\n"
        "passes.clear()\n"
        "cli.run()\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, str(kb)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines()[-1] == "passes=0 enabled=False"
