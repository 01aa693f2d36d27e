"""KnowledgeBase is the API's facade: each operation gives what the command gives."""

from __future__ import annotations

import json

from kbutil import read, run_cli, snapshot, write_kb
from test_infer import CLAIM_A, MIXDPO, TWO_PAPERS
from test_link_cli import CLAIM_A_AFTER

from codex_hooks import KnowledgeBase


def test_link_proposes_what_the_command_proposes_and_writes_as_it_does(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    by_command = write_kb(tmp_path / "by-command", TWO_PAPERS, git=True)
    before = snapshot(root)
    shown = json.loads(run_cli(root, "link", "--format", "json", "--no-cache").stdout)

    result, written = KnowledgeBase.load(root, cache=False).link()
    assert written is None
    assert snapshot(root) == before
    assert result.to_dict() == shown

    result, written = KnowledgeBase.load(root, cache=False).link(write=True)
    assert written is not None and written.failed == []
    assert {CLAIM_A, MIXDPO} <= set(written.changed)
    assert read(root, CLAIM_A) == CLAIM_A_AFTER
    assert run_cli(by_command, "link", "--write", "--no-cache").returncode == 1
    assert snapshot(root) == snapshot(by_command)
