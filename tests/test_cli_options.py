"""Noise control on the command line: --select, --extend-select, --ignore, --statistics,
--exit-zero, --output-format (SARIF) and the summary of broken links by target.

Each test runs the real command line (``main()`` in this process) on a small knowledge base
and asserts its exit code and exact output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from kbutil import claim, cli, processed, read, run_cli, snapshot, source, write_kb
from test_results import fresh, kb_root, run  # noqa: F401  (kb_root is a fixture)

import codex_hooks
from codex_hooks.model import REGISTRY, Violation
from codex_hooks.report import _missing_target, missing_links_summary
from codex_hooks.rules import all_rules

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"

C_TEXT = claim(body="See [[a missing note]], [[A-Missing note]] and [[gone]].\n")
D_TEXT = claim(body="[[a missing note]] [[c#No such heading]]\n", extra="depends_on:\n  - gone\n")
D_TEXT = D_TEXT.replace("likely", "high")
S_TEXT = processed(["c"]).replace("processed_by: rio", "processed_by: Rio")
T_TEXT = source("done").replace("format: paper", "format: zine")

BL003 = (
    f"{C}:1:1: BL003 {S} lists this claim in claims_extracted, but sourced_from does not name it"
)
WL001_C = [
    f"{C}:9:5: WL001 wiki link [[a missing note]] names no note",
    f"{C}:9:25: WL001 wiki link [[A-Missing note]] names no note",
    f"{C}:9:48: WL001 wiki link [[gone]] names no note",
]
FM003 = f"{D}:5:1: FM003 confidence 'high' is not one of the allowed values"
WL004 = f"{D}:8:1: WL004 depends_on entry 'gone' names no note"
WL001_D = f"{D}:11:1: WL001 wiki link [[a missing note]] names no note"
WL003 = f"{D}:11:20: WL003 wiki link [[c#No such heading]] names a heading 'No such heading'"
LC005 = f"{S}:7:1: LC005 processed_by 'Rio' is not an agent folder (did you mean 'rio'?)"
FM005 = f"{T}:5:1: FM005 format 'zine' is not one of the allowed values"
FM002 = f"{T}:6:1: FM002 status 'done' is not one of the allowed values"
ALL = [BL003, *WL001_C, FM003, WL004, WL001_D, LC005, FM005, FM002]
ERRORS = {BL003, FM003, LC005, FM002}

GROUPED = "2 missing notes are linked 5 times; most linked: [[a missing note]] (3), [[gone]] (2)"
EXPLAIN = "Explain a code with 'codex-hooks rules CODE'."
FIXED_C = C_TEXT.replace('some paper"\n', f'some paper"\nsourced_from: {S}\n')
FIXED_S = S_TEXT.replace("processed_by: Rio", "processed_by: rio")


def lines(*found: str) -> str:
    return "".join(f"{line}\n" for line in found)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """Errors and warnings of several families, two of them fixable (BL003 on C, LC005
    on S), and five broken links to two missing notes."""
    return write_kb(tmp_path, {C: C_TEXT, D: D_TEXT, S: S_TEXT, T: T_TEXT})


def summary(errors: int, warnings: int, fixable: int = 0) -> str:
    text = f"Found {errors} error(s) and {warnings} warning(s)"
    if fixable:
        text += f"; {fixable} fixable with 'codex-hooks fix'"
    return f"{text}. {EXPLAIN}\n"


def test_without_options_every_configured_rule_runs(kb: Path) -> None:
    assert cli(kb, "check", "--all-files") == (1, lines(*ALL), GROUPED + "\n" + summary(4, 6, 2))


# -- --select, --extend-select, --ignore ------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(["--select", "FM002"], [FM002], id="select a code"),
        pytest.param(["--select", "FM"], [FM003, FM005, FM002], id="select a prefix"),
        pytest.param(["--select", "FM00"], [FM003, FM005, FM002], id="select a longer prefix"),
        pytest.param(
            ["--select", "fm002,lc005", "--select", "BL003"],
            [BL003, LC005, FM002],
            id="comma-separated, repeated, any case",
        ),
        pytest.param(["--ignore", "WL,BL,LC"], [FM003, FM005, FM002], id="ignore prefixes"),
        pytest.param(
            ["--ignore", "FM002"],
            [BL003, *WL001_C, FM003, WL004, WL001_D, LC005, FM005],
            id="ignore a code",
        ),
        pytest.param(
            ["--select", "FM", "--ignore", "FM003"], [FM005, FM002], id="ignore wins over select"
        ),
        pytest.param(
            ["--select", "FM002", "--extend-select", "LC"],
            [LC005, FM002],
            id="extend-select adds to select",
        ),
        pytest.param(["--select", "WL004"], [WL004], id="a warning alone"),
    ],
)
def test_selection(kb: Path, options: list[str], expected: list[str]) -> None:
    code, out, _ = cli(kb, "check", "--all-files", *options)
    assert out == lines(*expected)
    assert code == (1 if set(expected) & ERRORS else 0)


def test_selection_replaces_and_extends_the_configuration(kb: Path) -> None:
    """As ruff: --select replaces the configured rules (its ignore and 'off' alike);
    --extend-select adds to them, a rule the configuration ignores too."""
    (kb / ".codex-hooks.yaml").write_text(
        "select: [FM]\nignore: [FM003]\nseverity:\n  FM002: off\n", encoding="utf-8"
    )
    assert cli(kb, "check", "--all-files")[:2] == (0, lines(FM005))
    assert cli(kb, "check", "--all-files", "--extend-select", "LC,FM003")[:2] == (
        1,
        lines(FM003, LC005, FM005),
    )
    assert cli(kb, "check", "--all-files", "--select", "FM002,FM003")[:2] == (
        1,
        lines(FM003, FM002),
    )
    assert cli(kb, "check", "--all-files", "--ignore", "FM005")[:2] == (0, "")


def test_a_rule_off_unless_named_is_selected_by_its_code_only(kb: Path) -> None:
    """WL003 runs only when configured by its full code: --select WL leaves it off,
    --select WL003 and --extend-select WL003 turn it on."""
    assert "WL003" not in cli(kb, "check", "--all-files", "--select", "WL")[1]
    out = cli(kb, "check", "--all-files", "--select", "WL003")[1]
    assert out.startswith(WL003) and out.count("\n") == 1
    assert WL003 in cli(kb, "check", D, "--extend-select", "WL003")[1]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--select", "XX9"], "--select XX9: no rule code starts with it"),
        (["--ignore", "FM,BL9"], "--ignore BL9: no rule code starts with it"),
        (["--extend-select", "WL0001"], "--extend-select WL0001: no rule code starts with it"),
        (["--select", ","], "--select needs at least one rule code or prefix"),
        (
            ["--statistics", "--output-format", "sarif"],
            "--statistics prints text or json, not sarif",
        ),
        (["--statistics", "--format", "github", "--exit-zero"], "--statistics prints text or json"),
    ],
)
@pytest.mark.parametrize("command", ["check", "fix"])
def test_bad_options_exit_2_and_change_nothing(
    kb: Path, command: str, options: list[str], message: str
) -> None:
    before = snapshot(kb)
    code, out, err = cli(kb, command, "--all-files", *options)
    assert (code, out) == (2, "")
    assert err.startswith(f"codex-hooks: {message}")
    if "rule code" in message and "needs" not in message:
        assert err.endswith(" ('codex-hooks rules' lists them)\n")
    assert snapshot(kb) == before


def test_fix_applies_only_the_selected_rules_fixes(kb: Path) -> None:
    code, out, err = cli(kb, "fix", "--all-files", "--select", "BL003")
    assert (code, out) == (1, f"Fixing {C}: add {S} to sourced_from\n")
    assert err == "All checked notes are consistent.\n"
    assert read(kb, C) == FIXED_C
    assert read(kb, S) == S_TEXT  # LC005 has a fix too, but did not run

    code, out, _ = cli(kb, "fix", "--all-files", "--select", "LC")
    assert (code, out) == (1, f"Fixing {S}: set processed_by to 'rio'\n")
    assert read(kb, S) == FIXED_S
    assert read(kb, C) == FIXED_C


def test_fix_ignore_keeps_a_rules_fixes_out(kb: Path) -> None:
    before = snapshot(kb)
    code, out, _ = cli(kb, "fix", "--all-files", "--ignore", "BL003,WL")
    assert code == 1
    assert out.startswith(f"Fixing {S}: set processed_by to 'rio'\n")
    assert BL003 not in out
    after = snapshot(kb)
    assert after[S] == FIXED_S.encode()
    assert {k for k in after if after[k] != before[k]} == {S}


# -- --statistics -----------------------------------------------------------------------

TABLE = (
    "count  code   name                     severity  fixable  unsafe\n"
    "    4  WL001  broken-wiki-link         warning         0       0\n"
    "    1  BL003  missing-sourced-from     error           1       0\n"
    "    1  FM002  invalid-status           error           0       0\n"
    "    1  FM003  invalid-confidence       error           0       0\n"
    "    1  FM005  invalid-format           warning         0       0\n"
    "    1  LC005  unknown-agent            error           1       0\n"
    "    1  WL004  broken-frontmatter-link  warning         0       0\n"
)


def test_statistics_table(kb: Path) -> None:
    assert cli(kb, "check", "--all-files", "--statistics") == (
        1,
        TABLE,
        GROUPED + "\n" + summary(4, 6, 2),
    )


def test_statistics_json(kb: Path) -> None:
    code, out, err = cli(kb, "check", "--all-files", "--statistics", "--output-format", "json")
    assert (code, err) == (1, "")
    keys = ("count", "code", "name", "severity", "fixable", "unsafe")
    assert json.loads(out) == [
        dict(zip(keys, row, strict=True))
        for row in [
            (4, "WL001", "broken-wiki-link", "warning", 0, 0),
            (1, "BL003", "missing-sourced-from", "error", 1, 0),
            (1, "FM002", "invalid-status", "error", 0, 0),
            (1, "FM003", "invalid-confidence", "error", 0, 0),
            (1, "FM005", "invalid-format", "warning", 0, 0),
            (1, "LC005", "unknown-agent", "error", 1, 0),
            (1, "WL004", "broken-frontmatter-link", "warning", 0, 0),
        ]
    ]


def test_statistics_count_safe_and_unsafe_fixes_apart(tmp_path: Path) -> None:
    # 'Likely' differs only in case (a safe fix); 'likley' is a typo (a guess).
    write_kb(
        tmp_path,
        {
            C: claim().replace("confidence: likely", "confidence: Likely"),
            "domains/ai-alignment/d.md": claim().replace(
                "confidence: likely", "confidence: likley"
            ),
        },
    )
    assert cli(tmp_path, "check", "--all-files", "--statistics")[1] == (
        "count  code   name                severity  fixable  unsafe\n"
        "    2  FM003  invalid-confidence  error           1       1\n"
    )


def test_statistics_follow_the_selection_and_a_configured_severity(kb: Path) -> None:
    (kb / ".codex-hooks.yaml").write_text("severity:\n  FM005: error\n", encoding="utf-8")
    code, out, _ = cli(kb, "check", "--all-files", "--statistics", "--select", "FM")
    assert (code, out) == (
        1,
        "count  code   name                severity  fixable  unsafe\n"
        "    1  FM002  invalid-status      error           0       0\n"
        "    1  FM003  invalid-confidence  error           0       0\n"
        "    1  FM005  invalid-format      error           0       0\n",
    )


def test_statistics_when_clean(tmp_path: Path) -> None:
    write_kb(tmp_path, {C: claim()})
    assert cli(tmp_path, "check", "--all-files", "--statistics") == (
        0,
        "",
        "All checked notes are consistent.\n",
    )
    assert cli(tmp_path, "check", "--all-files", "--statistics", "--format", "json")[:2] == (
        0,
        "[]\n",
    )


def test_fix_statistics_count_what_remains(kb: Path) -> None:
    code, out, err = cli(kb, "fix", "--all-files", "--statistics", "--select", "BL,LC,FM")
    assert code == 1
    assert out == (
        "count  code   name                severity  fixable  unsafe\n"
        "    1  FM002  invalid-status      error           0       0\n"
        "    1  FM003  invalid-confidence  error           0       0\n"
        "    1  FM005  invalid-format      warning         0       0\n"
    )
    # The notes changed are still listed, on stderr beside the summary.
    assert err == (
        f"Fixing {C}: add {S} to sourced_from\n"
        f"Fixing {S}: set processed_by to 'rio'\n" + summary(2, 1)
    )


# -- --exit-zero ------------------------------------------------------------------------


def test_exit_zero(kb: Path) -> None:
    plain = cli(kb, "check", "--all-files")
    assert plain[0] == 1
    assert cli(kb, "check", "--all-files", "--exit-zero") == (0, *plain[1:])
    code, out, _ = cli(kb, "fix", "--all-files", "--exit-zero")
    assert code == 0
    assert out.startswith(f"Fixing {C}: add {S} to sourced_from\n")
    assert read(kb, C) == FIXED_C
    assert cli(kb, "check", "--all-files", "--exit-zero", "--select", "NOPE")[0] == 2


def test_exit_zero_through_the_installed_command(kb: Path) -> None:
    result = run_cli(kb, "check", "--all-files", "--exit-zero", "--select", "FM002")
    assert (result.returncode, result.stdout) == (0, lines(FM002))
    result = run_cli(kb, "check", "--all-files", "--select", "FM002")
    assert (result.returncode, result.stdout) == (1, lines(FM002))
    result = run_cli(kb, "check", "--all-files", "--select", "FM999")
    assert (result.returncode, result.stdout) == (2, "")
    assert "Traceback" not in result.stderr


# -- the summary of broken links --------------------------------------------------------


def test_broken_links_are_grouped_by_target_on_stderr(kb: Path) -> None:
    code, out, err = cli(kb, "check", "--all-files", "--select", "WL")
    assert (code, out) == (0, lines(*WL001_C, WL004, WL001_D))
    assert err == GROUPED + "\n" + summary(0, 5)
    # Only the text report has it: JSON keeps stderr empty.
    assert cli(kb, "check", "--all-files", "--format", "json")[2] == ""


def test_one_broken_link_lists_no_most_linked(tmp_path: Path) -> None:
    write_kb(tmp_path, {C: claim(body="[[gone]]\n")})
    code, _, err = cli(tmp_path, "check", "--all-files")
    assert code == 0
    assert err.splitlines()[0] == "1 missing note is linked 1 time"


def test_fix_groups_the_broken_links_that_remain(kb: Path) -> None:
    err = cli(kb, "fix", "--all-files")[2]
    assert err == GROUPED + "\n" + summary(2, 6)


def violation(code: str, message: str) -> Violation:
    return Violation("n.md", 1, 1, code, "warning", message)


def test_missing_links_summary_counts_folded_targets_with_thousands() -> None:
    found = [violation("WL001", f"wiki link [[note {i % 307}]] names no note") for i in range(1008)]
    found += [violation("WL001", "wiki link [[Note-0]] names no note")] * 40
    found += [violation("WL004", "depends_on entry 'note 1' names no note (did you mean 'x'?)")]
    found += [violation("WL004", "founders: [[note 2]] names no note")] * 5
    found += [violation("WL002", "wiki link [[note 3]] names 2 notes")] * 50  # not missing
    assert missing_links_summary(found) == (
        "307 missing notes are linked 1,054 times; "
        "most linked: [[note 0]] (44), [[note 2]] (9), [[note 1]] (5)"
    )
    assert missing_links_summary(found[-50:]) == ""


def test_missing_target_prefers_the_findings_subject() -> None:
    read_from_message = violation("WL001", "wiki link [[a|b]] names no note")
    assert _missing_target(read_from_message) == "a|b"
    assert _missing_target(violation("WL004", "depends_on entry 'it's' names no note")) == "it's"
    with_subject = SimpleNamespace(code="WL001", message="opens nothing", subject="the target")
    assert _missing_target(with_subject) == "the target"  # type: ignore[arg-type]


# -- --output-format sarif -------------------------------------------------------------


def test_sarif(tmp_path: Path) -> None:
    """SARIF 2.1.0 as code scanning reads it. No copy of the official JSON schema ships
    with any installed package (nor with sarif-om or sarif-tools), so the fields the
    schema and code scanning require are asserted one by one."""
    odd = "inbox/archive/a b: ü%.md"
    write_kb(tmp_path, {C: C_TEXT, D: D_TEXT, S: S_TEXT, T: T_TEXT, odd: source("done")})
    code, out, err = cli(tmp_path, "check", "--all-files", "--output-format", "sarif")
    assert (code, err) == (1, "")
    log = json.loads(out)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    [run_] = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "codex-hooks"
    assert driver["version"] == codex_hooks.__version__
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["BL003", "FM002", "FM003", "FM005", "LC005", "WL001", "WL004"]
    for rule in driver["rules"]:
        declared = REGISTRY[rule["id"]]
        assert rule["name"] == declared.name
        assert rule["shortDescription"] == {"text": declared.summary}
        assert rule["fullDescription"] == {"text": declared.explanation}
        assert rule["help"]["text"].startswith(declared.summary)
        assert rule["help"]["text"].endswith(f"'codex-hooks rules {declared.code}'.")
        assert rule["defaultConfiguration"] == {"level": declared.severity}

    findings = json.loads(cli(tmp_path, "check", "--all-files", "--format", "json")[1])
    expected = findings["violations"]
    assert len(run_["results"]) == len(expected) == 11
    for result, v in zip(run_["results"], expected, strict=True):
        assert set(result) == {"ruleId", "ruleIndex", "level", "message", "locations"}
        assert result["ruleId"] == v["code"] == ids[result["ruleIndex"]]
        assert result["level"] == v["severity"]
        assert result["message"] == {"text": v["message"]}
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["region"] == {"startLine": v["line"], "startColumn": v["column"]}
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        if v["path"] == odd:
            assert artifact["uri"] == "inbox/archive/a%20b%3A%20%C3%BC%25.md"
        else:
            assert artifact["uri"] == v["path"]  # plain paths need no escapes
    assert run_["results"][1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": C, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 9, "startColumn": 5},
    }


def test_sarif_when_clean_and_for_unreadable_notes(tmp_path: Path) -> None:
    write_kb(tmp_path, {C: claim()})
    log = json.loads(cli(tmp_path, "check", "--all-files", "--output-format", "sarif")[1])
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []
    (tmp_path / D).write_text("---\na: 1\na: 2\n---\n", encoding="utf-8")
    code, out, _ = cli(tmp_path, "check", "--all-files", "--output-format", "sarif")
    [rule] = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert code == 1
    assert (rule["id"], rule["name"], rule["defaultConfiguration"]) == (
        "FM904",
        "duplicate-key",
        {"level": "error"},
    )


def test_fix_output_format_keeps_stdout_for_the_report(kb: Path) -> None:
    code, out, err = cli(kb, "fix", "--all-files", "--select", "BL,FM", "--output-format", "json")
    assert code == 1
    assert err == f"Fixing {C}: add {S} to sourced_from\n"
    assert [v["code"] for v in json.loads(out)["violations"]] == ["FM003", "FM005", "FM002"]


# -- the stored result of a whole check -------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ["--statistics"],
        ["--statistics", "--output-format", "json"],
        ["--output-format", "sarif"],
        ["--exit-zero"],
        ["--exit-zero", "--statistics"],
    ],
    ids=" ".join,
)
def test_a_reused_result_serves_every_report(
    kb_root: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    options: list[str],
) -> None:
    run(capsys, "check", "--all-files", expect_reuse=False)
    reused = run(capsys, "check", "--all-files", *options, expect_reuse=True)
    assert reused == fresh(capsys, *options)
    assert reused[0] == (0 if "--exit-zero" in options else 1)


def test_a_chosen_selection_neither_reuses_nor_replaces_the_stored_result(
    kb_root: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    whole = run(capsys, "check", "--all-files", expect_reuse=False)
    narrowed = run(capsys, "check", "--all-files", "--select", "FM00", expect_reuse=False)
    assert narrowed == fresh(capsys, "--select", "FM00")
    codes = {re.search(r":\d+:\d+: (\S+) ", line)[1] for line in narrowed[1].splitlines()}
    assert codes and all(c.startswith("FM00") for c in codes), codes
    assert narrowed[1] != whole[1]
    assert run(capsys, "check", "--all-files", expect_reuse=True) == whole


def test_a_rule_left_out_is_not_run(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    calls: list[str] = []
    [rule] = [r for r in all_rules() if r.code == "BL003"]

    def spy(ctx: object, r: object) -> object:
        calls.append(ctx.note.path)  # type: ignore[attr-defined]
        return rule.check(ctx, r)  # type: ignore[arg-type]

    monkeypatch.setitem(REGISTRY, "BL003", dataclasses.replace(rule, check=spy))
    assert cli(kb, "check", "--all-files", "--select", "FM")[0] == 1
    assert cli(kb, "check", "--all-files", "--ignore", "BL")[0] == 1
    assert calls == []
    assert cli(kb, "check", "--all-files", "--select", "BL003")[1] == lines(BL003)
    assert C in calls


def test_options_as_a_hooks_args_before_the_paths(kb: Path) -> None:
    """pre-commit puts a hook's args before the file names it passes."""
    code, out, _ = cli(kb, "check", "--hook", "--ignore=WL,BL", "--exit-zero", C, D)
    assert (code, out) == (0, lines(FM003))
