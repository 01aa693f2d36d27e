"""The baseline: ``codex-hooks baseline`` records today's findings, and check, fix and the
hooks hide them (by path, code and subject, so line shifts do not revive them) until
``--no-baseline``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kbutil import claim, cli, processed, read, run_git, snapshot, source, write_kb

from codex_hooks import KnowledgeBase, run_check
from codex_hooks.baseline import Baseline, load

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"
FILE = ".codex-hooks-baseline.json"

#: A small knowledge base with one finding of each kind of subject: a pair (BL003), a
#: list entry (BL005), a key (FM002) and a link target seen twice (WL001).
NOTES = {
    C: claim(body="See [[nowhere]] and [[nowhere|again]].\n"),
    S: processed(["c"]),
    T: source("procesed"),
    D: claim(extra="sourced_from: inbox/gone.md\n"),
}
EXPECTED_FILE = (
    "{\n"
    '  "version": 1,\n'
    '  "findings": [\n'
    f'    {{"path": "{C}", "code": "BL003", "subject": "{S}", "count": 1}},\n'
    f'    {{"path": "{C}", "code": "WL001", "subject": "nowhere", "count": 2}},\n'
    f'    {{"path": "{D}", "code": "BL005", "subject": "inbox/gone.md", "count": 1}},\n'
    f'    {{"path": "{T}", "code": "FM002", "subject": "status", "count": 1}}\n'
    "  ]\n"
    "}\n"
)
HIDDEN_5 = "No findings to show; 5 finding(s) hidden by the baseline (--no-baseline shows them).\n"


def kb_with_baseline(tmp_path: Path, git: bool = False) -> Path:
    write_kb(tmp_path, NOTES, git=git)
    assert cli(tmp_path, "baseline") == (0, f"Wrote 5 findings (3 notes) to {FILE}\n", "")
    return tmp_path


def test_baseline_file_content(tmp_path):
    root = kb_with_baseline(tmp_path)
    assert read(root, FILE) == EXPECTED_FILE
    assert json.loads(EXPECTED_FILE)["findings"][1]["count"] == 2


def test_empty_knowledge_base_writes_an_empty_baseline(tmp_path):
    write_kb(tmp_path, {C: claim()})
    assert cli(tmp_path, "baseline", "--all-files") == (
        0,
        f"Wrote 0 findings (0 notes) to {FILE}\n",
        "",
    )
    assert read(tmp_path, FILE) == '{\n  "version": 1,\n  "findings": []\n}\n'


def test_check_hides_baselined_findings_and_exits_0(tmp_path):
    root = kb_with_baseline(tmp_path)
    assert cli(root, "check", "--all-files") == (0, "", HIDDEN_5)


def test_no_baseline_shows_everything(tmp_path):
    root = kb_with_baseline(tmp_path)
    code, out, err = cli(root, "check", "--all-files", "--no-baseline")
    assert code == 1
    assert [line.split(" ")[1] for line in out.splitlines()] == [
        "BL003",
        "WL001",
        "WL001",
        "BL005",
        "FM002",
    ]
    assert "hidden" not in err


def test_json_summary_counts_baselined(tmp_path):
    root = kb_with_baseline(tmp_path)
    (root / T).write_text(source("procesed").replace("format: paper", "format: zine"))
    code, out, _ = cli(root, "check", "--all-files", "--format", "json")
    data = json.loads(out)
    assert code == 0  # FM005 is a warning
    assert [(v["code"], v["subject"]) for v in data["violations"]] == [("FM005", "format")]
    assert data["summary"] == {
        "errors": 0,
        "warnings": 1,
        "fixable": 0,
        "fixable_safe": 0,
        "fixable_unsafe": 0,
        "notes_checked": 6,
        "baselined": 5,
        "suppressed": 0,
    }


def test_line_shifts_and_unrelated_edits_do_not_revive_findings(tmp_path):
    root = kb_with_baseline(tmp_path)
    # Lines inserted above every finding, other keys edited, the body rewritten around
    # the links.
    (root / C).write_text(
        claim(body="# A heading\n\nNew text.\n\nSee [[nowhere]]; later [[nowhere|again]].\n")
        .replace("likely", "experimental")
        .replace("type: claim\n", "type: claim\ntags:\n  - one\n  - two\n")
    )
    (root / T).write_text(source("procesed").replace("type: source\n", "type: source\nurl: x\n"))
    (root / D).write_text(
        claim(extra="secondary_domains:\n  - health\nsourced_from: inbox/gone.md\n")
    )
    assert cli(root, "check", "--all-files") == (0, "", HIDDEN_5)


def test_a_finding_beyond_the_count_is_shown(tmp_path):
    root = kb_with_baseline(tmp_path)
    (root / C).write_text(claim(body="[[nowhere]] [[nowhere|again]]\n[[nowhere]] once more\n"))
    code, out, err = cli(root, "check", "--all-files")
    assert code == 0  # WL001 is a warning
    assert out == f"{C}:10:1: WL001 wiki link [[nowhere]] names no note\n"
    assert "5 finding(s) hidden by the baseline" in err


def test_a_new_finding_with_another_subject_is_shown(tmp_path):
    root = kb_with_baseline(tmp_path)
    (root / D).write_text(claim(extra="sourced_from:\n  - inbox/gone.md\n  - inbox/lost.md\n"))
    code, out, err = cli(root, "check", "--all-files")
    assert code == 1
    assert out == f"{D}:8:1: BL005 sourced_from entry 'inbox/lost.md' names no note\n"
    assert err.startswith("Found 1 error(s) and 0 warning(s); 5 finding(s) hidden by the baseline")


def test_a_fixed_finding_leaves_the_baseline_on_the_next_run(tmp_path):
    root = kb_with_baseline(tmp_path)
    (root / T).write_text(source("processing"))
    assert cli(root, "baseline") == (0, f"Wrote 4 findings (2 notes) to {FILE}\n", "")
    assert "FM002" not in read(root, FILE)
    assert read(root, FILE) == EXPECTED_FILE.replace(
        f'"count": 1}},\n    {{"path": "{T}", "code": "FM002", "subject": "status", "count": 1}}',
        '"count": 1}',
    )


def test_baseline_ignores_the_baseline_there_is(tmp_path):
    root = kb_with_baseline(tmp_path)
    assert cli(root, "baseline") == (0, f"Wrote 5 findings (3 notes) to {FILE}\n", "")
    assert read(root, FILE) == EXPECTED_FILE


def test_fix_does_not_fix_baselined_findings(tmp_path):
    root = kb_with_baseline(tmp_path)
    before = snapshot(root)
    assert cli(root, "fix", "--all-files") == (0, "", HIDDEN_5)
    assert snapshot(root) == before
    assert cli(root, "fix", "--all-files", "--unsafe-fixes") == (0, "", HIDDEN_5)
    assert snapshot(root) == before
    code, out, _ = cli(root, "fix", "--all-files", "--no-baseline", "--unsafe-fixes")
    assert code == 1
    assert out.splitlines()[:2] == [
        f"Fixing {C}: add {S} to sourced_from",
        f"Fixing {T}: set status to 'processed'",
    ]
    assert read(root, T) == source("processed")


def test_library_check_and_fix_take_the_baseline(tmp_path):
    root = kb_with_baseline(tmp_path)
    kb = KnowledgeBase.load(root, cache=False)
    assert kb.check() == []
    assert len(kb.check(baseline=False)) == 5
    result = run_check(kb)
    assert (result.violations, result.baselined, result.suppressed) == ([], 5, 0)
    fixed = kb.fix(dry_run=True)
    assert (fixed.changes, fixed.remaining, fixed.baselined) == ([], [], 5)
    assert len(kb.fix(dry_run=True, baseline=False).changes) == 1  # the typo is a guess
    assert len(kb.fix(dry_run=True, baseline=False, unsafe_fixes=True).changes) == 2


def test_a_pair_matches_from_either_side(tmp_path):
    """A whole check reports BL003 on the claim; a check of the source alone (a commit
    that touches only the source) reports it on the source: the entry hides both."""
    root = kb_with_baseline(tmp_path)
    assert cli(root, "check", S) == (
        0,
        "",
        "No findings to show; 1 finding(s) hidden by the baseline (--no-baseline shows them).\n",
    )
    code, out, _ = cli(root, "check", S, "--no-baseline")
    assert (code, out) == (
        1,
        f"{S}:9:1: BL003 claim 'c' does not name this source in sourced_from\n",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"version": 1,\n  "findings": [\n}', f"{FILE}:3:1: the baseline is not valid JSON"),
        ("[]", f"{FILE}: not a codex-hooks baseline: expected a JSON object"),
        ('{"version": 1}', "'findings' is missing or not a list"),
        (
            '{"version": 1, "findings": [{"path": "a.md", "code": "X", "count": 1}]}',
            "finding 1 lacks a path, code or subject string",
        ),
        (
            '{"version": 1, "findings": [{"path": "a", "code": "X", "subject": "", "count": 0}]}',
            "finding 1 has a count that is not a positive whole number",
        ),
        ('{"version": 9, "findings": []}', "written by a newer codex-hooks"),
        (b"\xff\xfe", "the baseline is not UTF-8"),
    ],
)
def test_a_corrupt_baseline_exits_2_with_the_file_and_a_way_out(tmp_path, text, message):
    root = write_kb(tmp_path, NOTES)
    data = text if isinstance(text, bytes) else text.encode()
    (root / FILE).write_bytes(data)
    before = snapshot(root)
    for command in ("check", "fix"):
        code, out, err = cli(root, command, "--all-files")
        assert (code, out) == (2, ""), err
        assert message in err
        assert "rewrite it with 'codex-hooks baseline', or delete it" in err
        assert "Traceback" not in err
    assert snapshot(root) == before
    # The way out works, and --no-baseline does not need the file.
    assert cli(root, "check", "--all-files", "--no-baseline")[0] == 1
    assert cli(root, "baseline")[0] == 0
    assert read(root, FILE) == EXPECTED_FILE


def test_the_baseline_file_is_a_setting(tmp_path):
    write_kb(tmp_path, {**NOTES, ".codex-hooks.yaml": "baseline: ci/known.json\n"})
    (tmp_path / "ci").mkdir()
    assert cli(tmp_path, "baseline") == (0, "Wrote 5 findings (3 notes) to ci/known.json\n", "")
    assert read(tmp_path, "ci/known.json") == EXPECTED_FILE
    assert not (tmp_path / FILE).exists()
    assert cli(tmp_path, "check", "--all-files") == (0, "", HIDDEN_5)


def test_a_baseline_setting_outside_the_root_exits_2(tmp_path):
    root = write_kb(tmp_path / "kb", {**NOTES, ".codex-hooks.yaml": "baseline: ../b.json\n"})
    code, _, err = cli(root, "baseline")
    assert code == 2
    assert "setting 'baseline'" in err and "leads outside the repository" in err
    assert not (tmp_path / "b.json").exists()


def test_baseline_counts_and_matching_as_a_library():
    recorded = Baseline({("a.md", "WL001", "x"): 2, ("c.md", "BL003", "s.md"): 1})
    keys = [
        ("a.md", "WL001", "x"),
        ("a.md", "WL001", "x"),
        ("a.md", "WL001", "x"),  # beyond the count
        ("a.md", "WL001", "y"),  # another subject
        ("s.md", "BL003", "c.md"),  # the pair, from its other side
        ("s.md", "BL003", "c.md"),  # ... once only
    ]
    assert recorded.hidden(keys) == [True, True, False, False, True, False]
    assert (recorded.total, recorded.notes) == (3, 2)


def test_load_of_a_missing_file_is_no_baseline(tmp_path):
    assert load(tmp_path / FILE) is None


# -- the stored result of a whole check ----------------------------------------------


@pytest.fixture
def settled(monkeypatch):
    """Notes just written count as settled, so that stored results are used."""
    from codex_hooks import cache

    monkeypatch.setattr(cache, "_racy", lambda st, started: False)


def test_a_stored_whole_check_applies_the_baseline_of_now(tmp_path, settled):
    write_kb(tmp_path, NOTES, git=True)
    first = cli(tmp_path, "check", "--all-files")
    assert first[0] == 1
    assert cli(tmp_path, "check", "--all-files") == first  # reused
    assert cli(tmp_path, "baseline")[0] == 0  # from the stored result
    assert read(tmp_path, FILE) == EXPECTED_FILE
    assert cli(tmp_path, "check", "--all-files") == (0, "", HIDDEN_5)
    assert cli(tmp_path, "check", "--all-files", "--no-baseline") == first
    (tmp_path / FILE).write_text(EXPECTED_FILE.replace('"count": 2', '"count": 1'))
    code, out, err = cli(tmp_path, "check", "--all-files")
    assert (code, out) == (0, f"{C}:9:21: WL001 wiki link [[nowhere]] names no note\n")
    assert "4 finding(s) hidden by the baseline" in err
    code, out, _ = cli(tmp_path, "check", "--all-files", "--format", "json")
    assert json.loads(out)["summary"]["baselined"] == 4
    (tmp_path / FILE).write_text("{")
    code, _, err = cli(tmp_path, "check", "--all-files")
    assert code == 2 and "not valid JSON" in err


# -- the hooks -------------------------------------------------------------------------


def test_hooks_pass_a_body_edit_of_a_note_with_baselined_findings(tmp_path):
    root = kb_with_baseline(tmp_path, git=True)
    run_git(root, "add", FILE)
    run_git(root, "commit", "-q", "-m", "baseline")
    for path in (S, T, C, D):
        with open(root / path, "a", encoding="utf-8") as f:
            f.write("\nA new paragraph.\n")
    run_git(root, "add", "-A")
    before = snapshot(root)
    code, out, err = cli(root, "check", "--hook")
    assert (code, out) == (0, ""), err
    assert "finding(s) hidden by the baseline" in err
    assert cli(root, "fix", "--hook")[:2] == (0, "")
    assert snapshot(root) == before
    # A new error in a staged note still stops the commit.
    (root / T).write_text(source("procesed") + "\n[[nowhere]]\n")
    (root / D).write_text(claim(extra="sourced_from: inbox/gone.md\nconfidence: high\n"))
    run_git(root, "add", "-A")
    code, out, _ = cli(root, "check", "--hook")
    assert code == 1
    assert out.splitlines() == [
        f"{D}:9:1: FM904 duplicate key 'confidence' (first defined on line 5); keep one of "
        "the two lines and delete the other",
        f"{T}:9:1: WL001 wiki link [[nowhere]] names no note",
    ]
