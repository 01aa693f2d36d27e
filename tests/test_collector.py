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
    from codex_hooks.engine import fix

    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    kb = KnowledgeBase.load(root, cache=False)
    fix(kb, dry_run=True, unsafe_fixes=True)
    gc.collect()
    gc.disable()
    assert fix(kb, dry_run=True, unsafe_fixes=True).changes
    assert gc.collect() == 0
