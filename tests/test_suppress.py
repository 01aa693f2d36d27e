"""Inline suppression: ``# codex-hooks: ignore[CODE]`` on a frontmatter line and
``<!-- codex-hooks: ignore[CODE] -->`` on a body line hide one finding, which is counted,
never fixed, and whose comment no fix removes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kbutil import claim, cli, note, processed, read, run_git, snapshot, source, write_kb

from codex_hooks import KnowledgeBase, run_check, suppress

C = "domains/ai-alignment/c.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"
NO_WL = {".codex-hooks.yaml": "ignore: [WL]\n"}


def found(root, *args):
    code, out, err = cli(root, "check", "--all-files", *args)
    return code, [line.split(" ")[0] + " " + line.split(" ")[1] for line in out.splitlines()], err


# -- frontmatter ----------------------------------------------------------------------


def test_a_yaml_comment_with_the_code_hides_that_finding_only(tmp_path):
    status = "status: procesed  # codex-hooks: ignore[FM002]"
    write_kb(
        tmp_path,
        {
            S: source("procesed").replace("status: procesed", status),
            T: source("procesed").replace("format: paper", "format: zine"),
        },
    )
    code, lines, err = found(tmp_path)
    assert (code, lines) == (1, [f"{T}:5:1: FM005", f"{T}:6:1: FM002"])
    assert err.startswith(
        "Found 1 error(s) and 1 warning(s); 1 fixable with 'codex-hooks fix --unsafe-fixes'"
    )
    assert "; 1 suppressed inline. Explain" in err


@pytest.mark.parametrize(
    "comment",
    [
        "# codex-hooks: ignore",
        "#codex-hooks:ignore",
        "# codex-hooks: ignore[FM005, FM002]",
        "# codex-hooks: ignore[fm002]",
        "# reviewed by hand # codex-hooks: ignore[FM002] (2026-01)",
    ],
)
def test_forms_of_the_yaml_comment(tmp_path, comment):
    write_kb(tmp_path, {S: source("procesed").replace("procesed", f"procesed  {comment}")})
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 1 suppressed inline.\n",
    )


@pytest.mark.parametrize(
    "comment",
    [
        "# codex-hooks: ignore[FM005]",  # another code
        "# codex-hooks: ignored",  # not the word
        "# codex-hooks: ignore[]",  # no code named
        "# see codex-hooks: ignore[FM002]",  # not where the comment starts
        "# codex-hooks: off",  # the note-wide key, not a suppression
    ],
)
def test_comments_that_do_not_suppress(tmp_path, comment):
    write_kb(tmp_path, {S: source("procesed").replace("procesed", f"procesed  {comment}")})
    code, lines, err = found(tmp_path)
    assert (code, lines) == (1, [f"{S}:6:1: FM002"])
    assert "suppressed" not in err


def test_a_comment_on_another_line_does_not_suppress(tmp_path):
    text = source("procesed").replace("format: paper", "format: paper  # codex-hooks: ignore")
    write_kb(tmp_path, {S: text})
    assert found(tmp_path)[:2] == (1, [f"{S}:6:1: FM002"])


def test_a_list_entry_line_hides_that_entrys_finding(tmp_path):
    text = processed(["c", "a claim never written  # codex-hooks: ignore[BL001]", "another gone"])
    write_kb(tmp_path, {**NO_WL, S: text, C: claim(extra=f"sourced_from: {S}\n")})
    code, out, err = cli(tmp_path, "check", "--all-files")
    assert code == 1
    assert out.splitlines() == [
        f"{S}:9:1: BL001 claims_extracted entry 'another gone' names no note"
    ]
    assert "1 suppressed inline" in err


def test_the_key_line_hides_every_entrys_finding_of_that_code(tmp_path):
    text = processed(["c", "gone one", "gone two"]).replace(
        "claims_extracted:", "claims_extracted:  # codex-hooks: ignore[BL001]"
    )
    write_kb(tmp_path, {**NO_WL, S: text, C: claim(extra=f"sourced_from: {S}\n")})
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 2 suppressed inline.\n",
    )


def test_a_finding_without_a_line_is_hidden_by_a_comment_line_in_the_frontmatter(tmp_path):
    text = note("type: claim\ndomain: ai-alignment\n# codex-hooks: ignore[FM001]\n")
    write_kb(tmp_path, {C: text})
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 4 suppressed inline.\n",
    )
    # The comment must stand on its own line: at the end of a key's line it is that key's.
    text = note("type: claim  # codex-hooks: ignore[FM001]\ndomain: ai-alignment\n")
    (tmp_path / C).write_text(text)
    assert found(tmp_path)[1] == [f"{C}:1:1: FM001"] * 4


# -- body -------------------------------------------------------------------------------


def test_an_html_comment_hides_a_body_finding(tmp_path):
    body = (
        "See [[nowhere]]. <!-- codex-hooks: ignore[WL001] -->\n"
        "And [[elsewhere]] <!-- codex-hooks: ignore -->\n"
        "But [[gone]] <!-- codex-hooks: ignore[WL002] -->\n"
        "# codex-hooks: ignore[WL001] [[gone too]]\n"
    )
    write_kb(tmp_path, {C: claim(body=body)})
    code, lines, err = found(tmp_path)
    assert (code, lines) == (0, [f"{C}:11:5: WL001", f"{C}:12:30: WL001"])
    assert "2 suppressed inline" in err


def test_a_note_without_frontmatter(tmp_path):
    write_kb(tmp_path, {"notes/x.md": "[[nowhere]] <!-- codex-hooks: ignore[WL001] -->\n"})
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 1 suppressed inline.\n",
    )


# -- counts, fixes, baselines -------------------------------------------------------------


def test_json_summary_counts_suppressed(tmp_path):
    write_kb(tmp_path, {S: source("procesed  # codex-hooks: ignore[FM002]")})
    code, out, _ = cli(tmp_path, "check", "--all-files", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["suppressed"] == 1
    assert json.loads(out)["violations"] == []


def test_a_suppressed_finding_is_not_fixed(tmp_path):
    write_kb(tmp_path, {S: source("procesed  # codex-hooks: ignore[FM002]")})
    before = snapshot(tmp_path)
    assert cli(tmp_path, "fix", "--all-files", "--no-baseline") == (
        0,
        "",
        "No findings to show; 1 suppressed inline.\n",
    )
    assert snapshot(tmp_path) == before


def test_a_fix_on_the_line_keeps_the_comment(tmp_path):
    """A value rewritten by a fix keeps the comment that ends its line."""
    write_kb(tmp_path, {S: source("Processed  # codex-hooks: ignore[FM005]")})
    assert cli(tmp_path, "fix", "--all-files")[0] == 1  # a safe fix: only the case differs
    assert read(tmp_path, S) == source("processed  # codex-hooks: ignore[FM005]")
    write_kb(tmp_path, {S: source("procesed  # codex-hooks: ignore[FM005]")})
    assert cli(tmp_path, "fix", "--all-files", "--unsafe-fixes")[0] == 1
    assert read(tmp_path, S) == source("processed  # codex-hooks: ignore[FM005]")


def test_a_fix_that_adds_an_entry_keeps_the_comment(tmp_path):
    text = processed(["a claim never written"]).replace(
        "claims_extracted:", "claims_extracted:  # codex-hooks: ignore[BL001]"
    )
    write_kb(tmp_path, {**NO_WL, S: text, C: claim(extra=f"sourced_from: {S}\n")})
    assert cli(tmp_path, "fix", "--all-files")[0] == 1
    assert read(tmp_path, S) == text.replace(
        "  - a claim never written\n", "  - a claim never written\n  - c\n"
    )
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 1 suppressed inline.\n",
    )


def test_a_fix_that_makes_a_list_keeps_the_comment(tmp_path):
    text = source(extra="tags: futarchy  # codex-hooks: ignore[WL004]\n")
    write_kb(tmp_path, {S: text})
    assert cli(tmp_path, "fix", "--all-files")[0] == 1
    assert read(tmp_path, S) == source(extra="tags:  # codex-hooks: ignore[WL004]\n  - futarchy\n")


def test_suppressed_findings_are_not_recorded_in_a_baseline(tmp_path):
    write_kb(
        tmp_path,
        {
            S: source("procesed  # codex-hooks: ignore[FM002]"),
            T: source("procesed"),
        },
    )
    assert cli(tmp_path, "baseline") == (
        0,
        "Wrote 1 findings (1 notes) to .codex-hooks-baseline.json\n",
        "",
    )
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "No findings to show; 1 finding(s) hidden by the baseline (--no-baseline shows "
        "them), 1 suppressed inline.\n",
    )
    # --no-baseline shows the baselined finding, not the one a person suppressed.
    assert found(tmp_path, "--no-baseline")[1] == [f"{T}:6:1: FM002"]


def test_only_notes_with_a_finding_and_the_marker_are_read(tmp_path, monkeypatch):
    write_kb(
        tmp_path,
        {
            S: source("procesed  # codex-hooks: ignore[FM002]"),
            T: source("procesed"),
            C: claim(extra="# codex-hooks: ignore\n"),
        },
    )
    kb = KnowledgeBase.load(tmp_path, cache=False)
    read_notes = []
    original = suppress._read

    def spy(file):
        read_notes.append(Path(file).relative_to(kb.root).as_posix())
        return original(file)

    monkeypatch.setattr(suppress, "_read", spy)
    result = run_check(kb)
    assert [(v.path, v.code) for v in result.violations] == [(T, "FM002")]
    assert result.suppressed == 1
    # T has a finding but no marker (its record says so); C has the marker, no finding.
    assert sorted(read_notes) == [S]


def test_the_hook_reads_the_staged_comment(tmp_path):
    """A check of a commit sees the comment the commit holds, not the work tree's."""
    write_kb(tmp_path, {S: source()}, git=True)
    (tmp_path / S).write_text(source("procesed  # codex-hooks: ignore[FM002]"))
    run_git(tmp_path, "add", S)
    (tmp_path / S).write_text(source("procesed"))  # unstaged: the comment removed
    code, out, err = cli(tmp_path, "check")
    assert (code, out) == (0, ""), err
    assert "1 suppressed inline" in err
    run_git(tmp_path, "add", S)
    assert cli(tmp_path, "check")[0] == 1


def test_the_index_records_which_notes_hold_the_marker(tmp_path, monkeypatch):
    """Served from the on-disk index, a note says whether it holds the marker as read:
    the warm check suppresses what the cold one did."""
    from codex_hooks import cache

    monkeypatch.setattr(cache, "_racy", lambda st, started: False)  # notes just written
    write_kb(
        tmp_path,
        {S: source("procesed  # codex-hooks: ignore[FM002]"), T: source("procesed")},
        git=True,
    )
    cold = run_check(KnowledgeBase.load(tmp_path))
    kb = KnowledgeBase.load(tmp_path)
    assert all("_blob" in vars(kb.notes[p]) for p in (S, T))  # from the index
    assert (kb.notes[S].marked, kb.notes[T].marked) == (True, False)
    warm = run_check(kb)
    assert warm.violations == cold.violations
    assert [(v.path, v.code) for v in warm.violations] == [(T, "FM002")]
    assert warm.suppressed == cold.suppressed == 1
