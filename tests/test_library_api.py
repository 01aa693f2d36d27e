"""The library API, used as a program would use it: ``import codex_hooks``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from kbutil import claim, processed, read, snapshot, source, write_kb

import codex_hooks

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"

CLAIM_FIXED = claim(extra="").replace(
    'source: "Someone, some paper"\n',
    'source: "Someone, some paper"\nsourced_from: inbox/archive/s.md\n',
)


def kb_with_a_missing_link(tmp_path):
    """A source listing claim ``c`` whose ``sourced_from`` is missing (BL003, fixable)."""
    return write_kb(tmp_path, {C: claim(), S: processed(["c"])})


PUBLIC = ["KnowledgeBase", "Violation", "Fix", "Config", "load_config", "check", "fix"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_are_exported_and_documented(name):
    assert name in codex_hooks.__all__
    obj = getattr(codex_hooks, name)
    assert obj.__doc__ and obj.__doc__.strip()


def test_import_stays_light():
    code = (
        "import sys, codex_hooks\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('rapidfuzz', 'git', 'ruamel')]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_and_check(tmp_path):
    kb = codex_hooks.KnowledgeBase.load(kb_with_a_missing_link(tmp_path))
    assert kb.root == tmp_path.resolve()
    assert isinstance(kb.config, codex_hooks.Config)
    [v] = kb.check()
    assert isinstance(v, codex_hooks.Violation)
    assert (v.path, v.line, v.column, v.code, v.severity) == (C, 1, 1, "BL003", "error")
    assert "inbox/archive/s.md lists this claim in claims_extracted" in v.message
    assert v.fixable
    assert isinstance(v.fix, codex_hooks.Fix)
    assert v.fix.path == C
    assert v.fix.title == "add inbox/archive/s.md to sourced_from"
    assert v.to_dict() == {
        "path": C,
        "line": 1,
        "column": 1,
        "code": "BL003",
        "severity": "error",
        "message": v.message,
        "fixable": True,
        "subject": "inbox/archive/s.md",
        "fix": {"title": "add inbox/archive/s.md to sourced_from", "safe": True},
    }
    assert v.fix.safe and v.safe_fix and not v.unsafe_fix


def test_check_paths_limits_the_notes_reported(tmp_path):
    write_kb(tmp_path, {C: claim(), S: processed(["c"]), D: claim("health")})
    kb = codex_hooks.KnowledgeBase.load(tmp_path)
    assert [(v.path, v.code) for v in kb.check([D])] == [(D, "FM009")]
    # The pair C-S is reported once, on the side being checked.
    assert [(v.path, v.code) for v in kb.check([S])] == [(S, "BL003")]
    assert [(v.path, v.code) for v in kb.check([C])] == [(C, "BL003")]
    assert kb.check(["no/such/note.md"]) == []
    assert [v.code for v in kb.check()] == ["BL003", "FM009"]


def test_check_and_fix_accept_a_folder(tmp_path):
    root = kb_with_a_missing_link(tmp_path)
    assert [v.code for v in codex_hooks.check(root)] == ["BL003"]
    assert [v.code for v in codex_hooks.check(str(root), paths=[S])] == ["BL003"]
    result = codex_hooks.fix(root)
    assert result.changed_paths == [C]
    assert read(root, C) == CLAIM_FIXED


def test_fix_returns_the_edits(tmp_path):
    root = kb_with_a_missing_link(tmp_path)
    result = codex_hooks.KnowledgeBase.load(root).fix()
    assert isinstance(result, codex_hooks.FixResult)
    [change] = result.changes
    assert isinstance(change, codex_hooks.FileChange)
    assert change.path == C
    assert change.before == claim().encode()
    assert change.after == CLAIM_FIXED.encode()
    assert change.fixes == ["add inbox/archive/s.md to sourced_from"]
    assert result.remaining == []
    assert result.failed == []
    assert read(root, C) == CLAIM_FIXED


def test_fix_dry_run_writes_nothing(tmp_path):
    root = kb_with_a_missing_link(tmp_path)
    before = snapshot(root)
    kb = codex_hooks.KnowledgeBase.load(root)
    result = kb.fix(dry_run=True)
    assert result.changed_paths == [C]
    assert result.changes[0].after == CLAIM_FIXED.encode()
    assert result.remaining == []  # what would remain
    assert snapshot(root) == before


def test_regression_dry_run_leaves_the_knowledge_base_as_on_disk(tmp_path):
    """A dry run kept its edits in memory: a later check saw them and a later real fix
    found nothing to write."""
    root = kb_with_a_missing_link(tmp_path)
    kb = codex_hooks.KnowledgeBase.load(root)
    kb.fix(dry_run=True)
    assert [v.code for v in kb.check()] == ["BL003"]
    assert kb.fix().changed_paths == [C]
    assert read(root, C) == CLAIM_FIXED


def test_fix_twice_changes_nothing_the_second_time(tmp_path):
    write_kb(tmp_path, {C: claim(), S: processed(["c"]), T: processed(["c"])})
    first = codex_hooks.fix(tmp_path)
    assert first.changed_paths == [C]
    assert "  - inbox/archive/s.md\n  - inbox/archive/t.md\n" in read(tmp_path, C)
    after = snapshot(tmp_path)
    second = codex_hooks.fix(tmp_path)
    assert second.changes == [] and second.remaining == []
    assert snapshot(tmp_path) == after


def test_fix_paths_may_edit_the_counterpart(tmp_path):
    root = kb_with_a_missing_link(tmp_path)
    result = codex_hooks.fix(root, paths=[S])
    assert result.changed_paths == [C]


def test_regression_a_failing_fix_is_reported_not_raised(tmp_path):
    """A fix that raised EditError left no edited note behind, and collecting the changes
    crashed with KeyError."""
    write_kb(tmp_path, {C: claim(extra="sourced_from:\n  a: b\n"), S: processed(["c"])})
    before = snapshot(tmp_path)
    result = codex_hooks.fix(tmp_path)
    assert result.changes == []
    [failure] = result.failed
    assert failure.startswith(f"{C}: add inbox/archive/s.md to sourced_from: ")
    assert [v.code for v in result.remaining] == ["BL003"]
    assert snapshot(tmp_path) == before


def test_a_note_changed_while_fixing_is_not_overwritten(tmp_path):
    write_kb(tmp_path, {C: claim(), S: processed(["c"]), D: claim("health")})

    def meddle(path):
        if path == C:  # written first: meanwhile someone edits the next note
            (tmp_path / D).write_text("edited meanwhile\n")

    kb = codex_hooks.KnowledgeBase.load(tmp_path)
    # D's fix (its domain taken from its folder, FM009) is unsafe: asked for here.
    result = codex_hooks.fix(kb, before_write=meddle, unsafe_fixes=True)
    assert read(tmp_path, D) == "edited meanwhile\n"
    assert result.changed_paths == [C]
    assert result.failed == [f"{D}: changed on disk while fixing; not written"]


def test_load_with_a_config(tmp_path):
    root = kb_with_a_missing_link(tmp_path)
    config = codex_hooks.Config(ignore=["BL"])
    assert codex_hooks.KnowledgeBase.load(root, config=config).check() == []
    assert codex_hooks.load_config(root) == codex_hooks.Config()


def test_problem_notes_are_violations_not_exceptions(tmp_path):
    write_kb(tmp_path, {C: b"---\ntype: claim\n\xff\n---\n", S: source()})
    [v] = codex_hooks.check(tmp_path)
    assert (v.path, v.line, v.column, v.code) == (C, 3, 1, "FM901")
    assert codex_hooks.fix(tmp_path).changes == []
