"""The command line contract: exit codes, output formats, fix, staged notes, rules.

Most tests run ``main()`` in this process (fast); the messy-input test and a few others run
the real installed ``codex-hooks`` command.
"""

from __future__ import annotations

import json

import pytest
from kbutil import (
    claim,
    cli,
    note,
    processed,
    read,
    run_cli,
    run_git,
    snapshot,
    source,
    write_kb,
)

from codex_hooks.model import REGISTRY
from codex_hooks.rules import PROBLEMS

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"
#: Wiki-link rules are tested on their own; these knowledge bases leave them out.
NO_WL = {".codex-hooks.yaml": "ignore: [WL]\n"}
BL003_C = (
    f"{C}:1:1: BL003 {S} lists this claim in claims_extracted, but sourced_from does not name it\n"
)
FIXED_C = claim().replace('some paper"\n', f'some paper"\nsourced_from: {S}\n')


def kb(tmp_path, files, **kw):
    return write_kb(tmp_path, {**NO_WL, **files}, **kw)


# -- check: exit codes and text output -----------------------------------------------


def test_check_clean_exits_0(tmp_path):
    kb(tmp_path, {C: claim(), S: source()})
    assert cli(tmp_path, "check", "--all-files") == (
        0,
        "",
        "All checked notes are consistent.\n",
    )


def test_check_with_only_warnings_exits_0(tmp_path):
    kb(tmp_path, {S: source().replace("format: paper", "format: zine")})
    code, out, err = cli(tmp_path, "check", "--all-files")
    assert code == 0
    assert out == f"{S}:5:1: FM005 format 'zine' is not one of the allowed values\n"
    assert err.startswith("Found 0 error(s) and 1 warning(s).")


def test_check_with_errors_exits_1_sorted_by_path(tmp_path):
    kb(
        tmp_path,
        {
            S: source("done"),
            C: claim(),
            T: processed(["c"]),
            D: claim().replace("likely", "high"),
        },
    )
    code, out, err = cli(tmp_path, "check", "--all-files")
    assert code == 1
    assert out == (
        BL003_C.replace(S, T)
        + f"{D}:5:1: FM003 confidence 'high' is not one of the allowed values\n"
        f"{S}:6:1: FM002 status 'done' is not one of the allowed values\n"
    )
    assert err == (
        "Found 3 error(s) and 0 warning(s); 1 fixable with 'codex-hooks fix'. "
        "Explain a code with 'codex-hooks rules CODE'.\n"
    )


def test_check_paths(tmp_path):
    kb(tmp_path, {S: source("done"), D: claim().replace("likely", "high")})
    (tmp_path / "README.txt").write_text("not a note\n")
    code, out, _ = cli(tmp_path, "check", D, "README.txt")
    assert (code, out) == (
        1,
        f"{D}:5:1: FM003 confidence 'high' is not one of the allowed values\n",
    )


def test_regression_a_folder_stands_for_its_notes(tmp_path):
    """'check domains/' checked nothing and reported the knowledge base consistent."""
    kb(tmp_path, {S: source("done"), D: claim().replace("likely", "high")}, git=True)
    expected = f"{D}:5:1: FM003 confidence 'high' is not one of the allowed values\n"
    assert cli(tmp_path, "check", "domains/")[:2] == (1, expected)
    assert cli(tmp_path / "domains", "check", "ai-alignment")[:2] == (1, expected)
    assert cli(tmp_path, "check", ".")[0] == 1
    assert cli(tmp_path, "check", "domains/ai-alignment", D)[1] == expected


def test_regression_a_missing_path_is_a_usage_error(tmp_path):
    """A mistyped path was skipped, and the check passed having checked nothing."""
    kb(tmp_path, {D: claim()})
    code, out, err = cli(tmp_path, "check", "domains/ai-alignment/typo.md")
    assert (code, out) == (2, "")
    assert err == "codex-hooks: domains/ai-alignment/typo.md: no such file or folder\n"
    assert cli(tmp_path, "fix", "nowhere/")[0] == 2


def test_check_from_a_subfolder_prints_repo_relative_paths(tmp_path):
    kb(tmp_path, {D: claim().replace("likely", "high")}, git=True)
    code, out, _ = cli(tmp_path / "domains", "check", "ai-alignment/d.md", "--format", "json")
    assert code == 1
    assert [v["path"] for v in json.loads(out)["violations"]] == [D]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "--format", "xml"], id="unknown format"),
        pytest.param(["check", "--no-such-option"], id="unknown option"),
        pytest.param(["frobnicate"], id="unknown command"),
        pytest.param([], id="no command"),
        pytest.param(["check", "--root", "no/such/folder"], id="missing root"),
        pytest.param(["check", "/etc/hostname.md"], id="path outside the knowledge base"),
        pytest.param(["rules", "XX999"], id="unknown rule"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args):
    kb(tmp_path, {C: claim()})
    code, out, err = cli(tmp_path, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err


def test_root_option(tmp_path):
    kb(tmp_path / "kb", {D: claim().replace("likely", "high")})
    code, out, _ = cli(tmp_path, "check", "--all-files", "--root", "kb")
    assert (code, out) == (
        1,
        f"{D}:5:1: FM003 confidence 'high' is not one of the allowed values\n",
    )


# -- check: JSON and GitHub formats ---------------------------------------------------


def test_json_format(tmp_path):
    kb(
        tmp_path,
        {
            C: claim(),
            S: processed(["c"]).replace("format: paper", "format: zine"),
            D: claim(),
        },
    )
    code, out, err = cli(tmp_path, "check", "--all-files", "--format", "json")
    assert code == 1
    assert err == ""
    assert json.loads(out) == {
        "violations": [
            {
                "path": C,
                "line": 1,
                "column": 1,
                "code": "BL003",
                "severity": "error",
                "message": BL003_C.split(" BL003 ", 1)[1].rstrip("\n"),
                "fixable": True,
                "subject": S,
                "fix": {"title": f"add {S} to sourced_from", "safe": True},
            },
            {
                "path": S,
                "line": 5,
                "column": 1,
                "code": "FM005",
                "severity": "warning",
                "message": "format 'zine' is not one of the allowed values",
                "fixable": False,
                "subject": "format",
                "fix": None,
            },
        ],
        "summary": {
            "errors": 1,
            "warnings": 1,
            "fixable": 1,
            "fixable_safe": 1,
            "fixable_unsafe": 0,
            "notes_checked": 5,
            "baselined": 0,
            "suppressed": 0,
        },
    }


def test_json_format_when_clean(tmp_path):
    kb(tmp_path, {C: claim()})
    code, out, _ = cli(tmp_path, "check", C, "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "violations": [],
        "summary": {
            "errors": 0,
            "warnings": 0,
            "fixable": 0,
            "fixable_safe": 0,
            "fixable_unsafe": 0,
            "notes_checked": 1,
            "baselined": 0,
            "suppressed": 0,
        },
    }


def test_github_format(tmp_path):
    """Regression: a "%" in a file name was not escaped, so "%2C" in a name was decoded."""
    odd = "inbox/archive/a, b: 100%2C.md"
    kb(
        tmp_path,
        {S: source().replace("format: paper", "format: zine"), odd: source("done")},
    )
    code, out, err = cli(tmp_path, "check", "--all-files", "--format", "github")
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        "::error file=inbox/archive/a%2C b%3A 100%252C.md,line=6,col=1,title=FM002::"
        "status 'done' is not one of the allowed values",
        f"::warning file={S},line=5,col=1,title=FM005::"
        "format 'zine' is not one of the allowed values",
    ]


# -- fix ------------------------------------------------------------------------------


def test_fix_prints_changed_files_and_exits_1(tmp_path):
    kb(tmp_path, {C: claim(), S: processed(["c"])})
    code, out, err = cli(tmp_path, "fix", "--all-files")
    assert (code, out) == (1, f"Fixing {C}: add {S} to sourced_from\n")
    assert err == "All checked notes are consistent.\n"
    assert read(tmp_path, C) == FIXED_C
    after = snapshot(tmp_path)
    assert cli(tmp_path, "fix", "--all-files") == (0, "", "All checked notes are consistent.\n")
    assert snapshot(tmp_path) == after


def test_fix_exits_1_when_errors_remain(tmp_path):
    kb(tmp_path, {S: source("done")})
    before = snapshot(tmp_path)
    code, out, _ = cli(tmp_path, "fix", "--all-files")
    assert (code, out) == (1, f"{S}:6:1: FM002 status 'done' is not one of the allowed values\n")
    assert snapshot(tmp_path) == before


def test_fix_exits_0_with_only_warnings_left(tmp_path):
    kb(tmp_path, {S: source().replace("format: paper", "format: zine")})
    code, out, _ = cli(tmp_path, "fix", "--all-files")
    assert code == 0
    assert "FM005" in out


def test_fix_diff_prints_a_diff_and_writes_nothing(tmp_path):
    kb(tmp_path, {C: claim(), S: processed(["c"])}, git=True)
    before = snapshot(tmp_path)
    code, out, _ = cli(tmp_path, "fix", "--all-files", "--diff")
    assert code == 1
    assert out == (
        f"--- a/{C}\n"
        f"+++ b/{C}\n"
        "@@ -4,5 +4,6 @@\n"
        ' description: "A proposition"\n'
        " confidence: likely\n"
        ' source: "Someone, some paper"\n'
        f"+sourced_from: {S}\n"
        " created: 2026-01-05\n"
        " ---\n"
    )
    assert snapshot(tmp_path) == before
    (tmp_path / "fix.patch").write_text(out)
    run_git(tmp_path, "apply", "fix.patch")
    assert read(tmp_path, C) == FIXED_C


def test_fix_diff_with_nothing_to_fix(tmp_path):
    kb(tmp_path, {C: claim()})
    assert cli(tmp_path, "fix", "--all-files", "--diff")[:2] == (0, "")


def test_fix_a_path(tmp_path):
    kb(tmp_path, {C: claim(), S: processed(["c"]), T: source("unprocesed")})
    code, out, _ = cli(tmp_path, "fix", S)
    assert (code, out) == (1, f"Fixing {C}: add {S} to sourced_from\n")
    assert read(tmp_path, T) == source("unprocesed")


# -- staged notes (no PATH, no --all-files) ----------------------------------------------


def test_staged_notes_only(tmp_path):
    kb(tmp_path, {C: claim(), D: claim()}, git=True)
    (tmp_path / D).write_text(claim().replace("likely", "high"))  # changed, not staged
    assert cli(tmp_path, "check")[:2] == (0, "")
    (tmp_path / S).parent.mkdir(parents=True)
    (tmp_path / S).write_text(source("done"))
    run_git(tmp_path, "add", S)
    code, out, _ = cli(tmp_path, "check")
    assert (code, out) == (1, f"{S}:6:1: FM002 status 'done' is not one of the allowed values\n")
    code, out, _ = cli(tmp_path, "check", "--format", "json")
    assert json.loads(out)["summary"]["notes_checked"] == 1


def test_staged_deletion_checks_what_it_leaves_dangling(tmp_path):
    kb(
        tmp_path,
        {C: claim(extra=f"sourced_from: {S}\n"), S: processed(["c"]), D: claim()},
        git=True,
    )
    run_git(tmp_path, "rm", "-q", S)
    code, out, _ = cli(tmp_path, "check")
    assert (code, out) == (1, f"{C}:8:1: BL005 sourced_from entry '{S}' names no note\n")


def test_staged_rename_checks_what_it_leaves_dangling(tmp_path):
    files = {C: claim(extra=f"sourced_from: {S}\n"), S: processed(["c"]), D: claim()}
    write_kb(tmp_path, files, git=True)  # every rule: a renamed title is a link rule's case
    run_git(tmp_path, "mv", C, "domains/ai-alignment/c2.md")
    code, out, _ = cli(tmp_path, "check")
    assert code == 1
    assert f"\n{S}:9:1: " in f"\n{out}"
    assert "claims_extracted entry 'c'" in out


def test_staged_rename_of_a_source_is_repaired(tmp_path):
    new = "inbox/archive/2026-01-07-s.md"
    kb(tmp_path, {C: claim(extra=f"sourced_from: {S}\n"), S: processed(["c"])}, git=True)
    run_git(tmp_path, "mv", S, new)
    code, out, _ = cli(tmp_path, "fix")
    assert (code, out) == (1, f"Fixing {C}: rewrite sourced_from to {new}\n")
    assert read(tmp_path, C) == claim(extra=f"sourced_from: {new}\n")


def test_regression_staged_mode_outside_git_is_a_usage_error(tmp_path):
    """With no PATH and no --all-files outside a repository, GitPython's error escaped
    as a traceback."""
    kb(tmp_path, {C: claim()})
    for command in ("check", "fix"):
        code, out, err = cli(tmp_path, command)
        assert (code, out) == (2, "")
        assert err == (
            f"codex-hooks: {tmp_path.resolve()} is not in a git repository: staged notes "
            "cannot be found; pass PATHs or --all-files\n"
        )


def test_regression_staged_mode_in_a_folder_of_a_repository(tmp_path):
    """A knowledge base whose root (its .codex-hooks.yaml) is a folder inside a repository:
    staged paths are the repository's, so staged mode says so instead of crashing."""
    root = kb(tmp_path / "kb", {C: claim()})
    run_git(tmp_path, "init", "-q")
    code, out, err = cli(root, "check")
    assert (code, out) == (2, "")
    assert f"is inside {tmp_path.resolve()}, not its root" in err
    assert cli(root, "check", "--all-files")[0] == 0


def test_nothing_staged(tmp_path):
    kb(tmp_path, {S: source("done")}, git=True)
    assert cli(tmp_path, "check")[:2] == (0, "")


def test_hook_mode_adds_dangling_notes_to_the_paths(tmp_path):
    kb(
        tmp_path,
        {C: claim(extra=f"sourced_from: {S}\n"), S: processed(["c"]), D: claim()},
        git=True,
    )
    run_git(tmp_path, "rm", "-q", S)
    assert cli(tmp_path, "check", D)[:2] == (0, "")
    code, out, _ = cli(tmp_path, "check", "--hook", D)
    assert (code, out) == (1, f"{C}:8:1: BL005 sourced_from entry '{S}' names no note\n")


# -- rules ----------------------------------------------------------------------------


def test_rules_lists_every_rule():
    code, out, _ = cli_here("rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == sorted(REGISTRY) + list(PROBLEMS)
    assert "BL003  sometimes  error    missing-sourced-from" in out
    assert "BL004  safe       error    missing-claims-extracted" in out
    assert "FM005  sometimes  warning  invalid-format" in out
    assert "FM009  unsafe     error    domain-folder-mismatch" in out
    assert "LC001  -          error    processed-incomplete" in out


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_rules_explains_each_rule(code):
    rule = REGISTRY[code]
    status, out, _ = cli_here("rules", code.lower())
    assert status == 0
    assert out.startswith(f"{code} {rule.name} ({rule.severity}")
    for section in ("What it does", "Why", "Example"):
        assert f"\n{section}\n" in out
    assert ("\nFix safety\n" in out) == bool(rule.fix)
    if rule.fix:
        assert out.endswith(f"{rule.fix_safety}\n")
        label = {"safe": "Safe: ", "unsafe": "Unsafe: ", "sometimes": "Safe or unsafe, "}
        assert out.split("\nFix safety\n  ", 1)[1].startswith(label[rule.fix])
    assert cli_here("rules", rule.name)[1] == out


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_rules_explains_each_parse_problem(code):
    status, out, _ = cli_here("rules", code)
    assert status == 0
    assert out.startswith(f"{code} {PROBLEMS[code][0]} (error)")


def test_unknown_rule(tmp_path):
    code, out, err = cli(tmp_path, "rules", "BL999")
    assert (code, out) == (2, "")
    assert err == "codex-hooks: unknown rule 'BL999'; 'codex-hooks rules' lists them\n"


def cli_here(*args: str):
    import os

    return cli(os.getcwd(), *args)  # rules read no knowledge base


# -- every mess of real notes, through the real command ---------------------------------

BOM = "\ufeff"
MESSES = [
    (
        "domains/ai-alignment/invalid date.md",
        claim().replace("2026-01-05", "2026-02-30"),
        "7:1: FM006",
    ),
    # A full date is required here, so the unknown parts cannot simply be dropped.
    (
        "inbox/archive/month zero.md",
        source("processing", "processed_date: 2026-00-00\n"),
        "7:1: FM006",
    ),
    ("domains/ai-alignment/duplicate key.md", claim(extra="domain: health\n"), "8:1: FM904"),
    (
        "domains/ai-alignment/unclosed.md",
        "---\ntype: claim\ndomain: health\n\nbody\n",
        "1:1: FM902",
    ),
    (
        "domains/ai-alignment/undefined alias.md",
        claim().replace('"Someone, some paper"', "*Source: a thread"),
        "6:9: FM903",
    ),
    (
        "domains/ai-alignment/nulls.md",
        claim()
        .replace('"A proposition"', "~")
        .replace("likely", "null")
        .replace(' "Someone, some paper"', ""),
        "4:1: FM001",
    ),
    (
        "domains/ai-alignment/flow lists.md",
        claim(extra='tags: [a, \'b\', "c"]\nsecondary_domains:\n  - "health"\n').replace(
            "likely", "high"
        ),
        "5:1: FM003",
    ),
    (
        "domains/ai-alignment/crlf.md",
        claim().replace("likely", "high").replace("\n", "\r\n"),
        "5:1: FM003",
    ),
    (
        "domains/ai-alignment/bom.md",
        BOM + claim().replace('source: "Someone, some paper"\n', ""),
        "1:1: FM001",
    ),
    (
        "domains/ai-alignment/latin-1.md",
        claim(body="caf\xe9\n").encode("latin-1"),
        "9:4: FM901",
    ),
    (
        "domains/ai-alignment/tabs.md",
        claim(extra="tags:\n\t- a\n", body="\tindented body\n"),
        "9:1: FM903",
    ),
    ("domains/ai-alignment/not a mapping.md", "---\n- a\n- b\n---\n", "2:1: FM905"),
    (
        "domains/ai-alignment/Ünïcode “quoted” — it's 😀 a claim.md",
        claim(body="x" * 5000 + "\n").replace("likely", "high"),
        "5:1: FM003",
    ),
    (
        "inbox/archive/a bomb.md",
        "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: [*d, *d, *d, *d, *d, *d, *d, *d]\n---\n",
        "2:",
    ),
]


def test_messy_notes_are_reported_and_left_byte_for_byte(tmp_path):
    kb(tmp_path, {path: text for path, text, _ in MESSES})
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "check", "--all-files")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for path, _, where in MESSES:
        assert any(line.startswith(f"{path}:{where}") for line in lines), (path, lines)
    result = run_cli(tmp_path, "fix", "--all-files")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Fixing" not in result.stdout
    assert snapshot(tmp_path) == before
    for fmt in ("json", "github"):
        result = run_cli(tmp_path, "check", "--all-files", "--format", fmt)
        assert result.returncode == 1 and "Traceback" not in result.stderr
    paths = {v["path"] for v in json.loads(result_json(tmp_path))["violations"]}
    assert paths == {path for path, _, _ in MESSES}


def result_json(root):
    return cli(root, "check", "--all-files", "--format", "json")[1]


def test_a_mess_beside_a_fixable_note_does_not_stop_the_fix(tmp_path):
    kb(tmp_path, {C: claim(), S: processed(["c"]), D: "---\na: 1\na: 2\n---\n"})
    code, out, _ = cli(tmp_path, "fix", "--all-files")
    assert code == 1
    assert out.splitlines()[0] == f"Fixing {C}: add {S} to sourced_from"
    assert f"{D}:3:1: FM904 duplicate key 'a'" in out
    assert read(tmp_path, D) == "---\na: 1\na: 2\n---\n"


def test_note_with_frontmatter_unreadable_is_never_written_as_a_counterpart(tmp_path):
    """A claim listed by a source but whose frontmatter is broken is reported, not fixed."""
    broken = note("type: claim\ntags: [a\n")
    kb(tmp_path, {C: broken, S: processed(["c"])})
    code, out, _ = cli(tmp_path, "fix", "--all-files")
    assert code == 1
    assert "Fixing" not in out
    assert read(tmp_path, C) == broken
