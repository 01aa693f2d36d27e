"""Configuration: ``[tool.codex-hooks]`` in pyproject.toml or ``.codex-hooks.yaml``, and
the inline opt-out ``codex-hooks: off``."""

from __future__ import annotations

import pytest
from kbutil import (
    assert_violations,
    check_kb,
    claim,
    cli,
    fix_kb,
    note,
    processed,
    read,
    run_cli,
    snapshot,
    source,
    write_kb,
)

from codex_hooks import Config, load_config
from codex_hooks.config import ConfigError, config_from_mapping

C = "domains/ai-alignment/c.md"
S = "inbox/archive/s.md"


def test_defaults_without_configuration(tmp_path):
    assert load_config(tmp_path) == Config()
    assert Config().field_name("sourced_from") == "sourced_from"
    assert Config().enabled("BL003")


def test_pyproject_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "kb"\n\n[tool.codex-hooks]\nagents = ["m3taversal"]\n'
        'ignore = ["WL"]\nfuzzy-threshold = 80\n'
    )
    config = load_config(tmp_path)
    assert config.agents == ["m3taversal"]
    assert config.ignore == ["WL"]
    assert config.fuzzy_threshold == 80.0


def test_pyproject_without_section_gives_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kb"\n')
    assert load_config(tmp_path) == Config()


def test_yaml_file_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.codex-hooks]\nagents = ["a"]\n')
    (tmp_path / ".codex-hooks.yaml").write_text("agents: [b]\n")
    assert load_config(tmp_path).agents == ["b"]


def test_empty_yaml_file_gives_defaults(tmp_path):
    (tmp_path / ".codex-hooks.yaml").write_text("# nothing set yet\n")
    assert load_config(tmp_path) == Config()


def test_settings_merge_and_coerce():
    config = config_from_mapping(
        {"source-dirs": "sources", "fields": {"sourced_from": "derived_from"}}
    )
    assert config.source_dirs == ["sources"]
    assert config.field_name("sourced_from") == "derived_from"
    assert config.field_name("claims_extracted") == "claims_extracted"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param({"colour": "red"}, "unknown setting 'colour'", id="unknown setting"),
        pytest.param({"agents": [1]}, "'agents' must be a list of strings", id="list type"),
        pytest.param({"agents_dir": ["a"]}, "'agents_dir' must be a string", id="string type"),
        pytest.param({"fields": ["x"]}, "'fields' must be a table", id="table type"),
        pytest.param({"fuzzy_threshold": "high"}, "must be a number", id="number type"),
        pytest.param({"fuzzy_threshold": True}, "must be a number", id="bool is no number"),
        pytest.param({"severity": {"BL007": "fatal"}}, "error, warning or off", id="severity"),
        pytest.param(["agents"], "expected a table of settings", id="not a table"),
        pytest.param(
            {"fields": {"sourced_frm": "x"}},
            "unknown field 'sourced_frm'",
            id="regression: unknown field name is refused",
        ),
        pytest.param(
            {"ignore": ["BL0003"]},
            "'ignore' names 'BL0003', which is no rule code or prefix",
            id="regression: ignore of no rule is refused",
        ),
        pytest.param(
            {"select": ["bl"]},
            "'select' names 'bl'",
            id="regression: select of no rule is refused",
        ),
        pytest.param(
            {"severity": {"BL": "warning"}},
            "'severity' names 'BL', which is no rule code",
            id="regression: severity takes whole codes",
        ),
        pytest.param(
            {"fuzzy_threshold": 150},
            "between 0 and 100",
            id="regression: fuzzy threshold is a percentage",
        ),
    ],
)
def test_bad_settings(raw, message):
    with pytest.raises(ConfigError, match=r"^configuration: ") as info:
        config_from_mapping(raw)
    assert message in str(info.value)


BAD_FILES = [
    pytest.param(".codex-hooks.yaml", "agents: [a\n", "cannot read", id="YAML syntax"),
    pytest.param(".codex-hooks.yaml", "colour: red\n", "unknown setting 'colour'", id="key"),
    pytest.param(".codex-hooks.yaml", "- a\n", "expected a table", id="YAML list"),
    pytest.param(".codex-hooks.yaml", b"agents: [\xff]\n", "cannot read", id="not UTF-8"),
    pytest.param("pyproject.toml", "[tool.codex-hooks\n", "cannot read", id="TOML syntax"),
    pytest.param(
        "pyproject.toml",
        "[tool.codex-hooks]\nselect = 3\n",
        "[tool.codex-hooks]: 'select' must be a list of strings",
        id="TOML type",
    ),
    pytest.param(
        "pyproject.toml",
        "[tool.codex-hooks]\nunknown-thing = 1\n",
        "unknown setting 'unknown-thing'",
        id="TOML unknown setting",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_configuration_exits_2(tmp_path, name, content, message):
    write_kb(tmp_path, {C: claim(), name: content})
    before = snapshot(tmp_path)
    for command in (["check", "--all-files"], ["fix", "--all-files"], ["check", C]):
        code, out, err = cli(tmp_path, *command)
        assert code == 2, err
        assert out == ""
        assert err.startswith("codex-hooks: ")
        assert name in err and message in err
    assert snapshot(tmp_path) == before


def test_bad_configuration_through_the_real_command(tmp_path):
    write_kb(tmp_path, {C: claim(), ".codex-hooks.yaml": "colour: red\n"})
    result = run_cli(tmp_path, "check", "--all-files")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown setting 'colour'" in result.stderr
    assert "Traceback" not in result.stderr


def test_select_and_ignore_prefixes(tmp_path):
    files = {C: claim("health").replace("likely", "high"), S: source("done")}
    write_kb(tmp_path, files)
    everything = [(C, "FM009"), (C, "FM003"), (S, "FM002")]
    assert [(v[0], v[3]) for v in check_kb(tmp_path)] == everything
    (tmp_path / ".codex-hooks.yaml").write_text("select: [FM00]\nignore: [FM009, FM002]\n")
    assert [(v[0], v[3]) for v in check_kb(tmp_path)] == [(C, "FM003")]


def test_select_and_ignore_parse_problems(tmp_path):
    write_kb(tmp_path, {C: "---\na: 1\na: 2\n---\n", ".codex-hooks.yaml": "ignore: [FM904]\n"})
    assert check_kb(tmp_path) == []


def test_severity_overrides(tmp_path):
    write_kb(
        tmp_path,
        {
            C: claim().replace("likely", "high"),
            S: source().replace("format: paper", "format: zine"),
            ".codex-hooks.yaml": "severity:\n  FM003: warning\n  FM005: 'off'\n",
        },
    )
    assert_violations(check_kb(tmp_path), [(C, 5, 1, "FM003", "warning", "confidence 'high'")])
    code, out, _ = cli(tmp_path, "check", "--all-files")
    assert code == 0, out
    assert out == f"{C}:5:1: FM003 confidence 'high' is not one of the allowed values\n"


def test_regression_a_bare_off_in_yaml_turns_a_rule_off(tmp_path):
    """YAML reads ``FM005: off`` as false, which was refused as not a string."""
    (tmp_path / ".codex-hooks.yaml").write_text("severity:\n  FM005: off\n  BL007: error\n")
    assert load_config(tmp_path).severity == {"FM005": "off", "BL007": "error"}


def test_enum_values_and_agents(tmp_path):
    write_kb(
        tmp_path,
        {
            ".codex-hooks.yaml": (
                "confidence: [low, high]\n"
                "domain: [ai-alignment, cooking]\n"
                "format: [zine]\n"
                "status: [unprocessed, processing, processed, reviewed]\n"
                "agents: [m3taversal]\n"
            ),
            C: claim().replace("likely", "high"),
            "domains/cooking/c.md": claim("cooking").replace("likely", "likely"),
            S: source("reviewed", "processed_by: m3taversal\n").replace("paper", "zine"),
        },
    )
    assert_violations(
        check_kb(tmp_path),
        [
            ("domains/cooking/c.md", 5, 1, "FM003", "error", "confidence 'likely' is not one"),
        ],
    )


def test_exclude_globs(tmp_path):
    write_kb(
        tmp_path,
        {
            "templates/claim.md": note("type: claim\n"),
            "domains/ai-alignment/_draft.md": note("type: claim\n"),
            ".codex-hooks.yaml": "exclude: ['templates/*', '*/_draft.md']\n",
        },
    )
    assert check_kb(tmp_path) == []


# -- a knowledge base laid out otherwise ------------------------------------------------

OTHER_LAYOUT = {
    ".codex-hooks.yaml": (
        "source_dirs: [sources]\n"
        "claim_dirs: [claims]\n"
        "agents_dir: people\n"
        "fields:\n"
        "  sourced_from: derived_from\n"
        "  claims_extracted: yields\n"
    ),
    "people/ana/about.md": "# Ana\n",
    "sources/s.md": note(
        "status: processed\nprocessed_by: ana\nprocessed_date: 2026-01-01\nyields:\n  - c\n"
    ),
    "sources/t.md": note(
        "status: processed\nprocessed_by: Ana\nprocessed_date: 2026-01-01\nyields: [d]\n"
    ),
    "sources/u.md": note("status: processing\n"),
    "claims/c.md": note(
        "type: claim\ndomain: health\ndescription: x\nconfidence: likely\nsource: y\n"
        "created: 2026-01-01\n"
    ),
    "claims/d.md": note(
        "type: claim\ndomain: health\ndescription: x\nconfidence: likely\nsource: y\n"
        "created: 2026-01-01\nderived_from: sources/u.md\n"
    ),
}


def test_other_layout_end_to_end(tmp_path):
    write_kb(tmp_path, OTHER_LAYOUT, agents=False)
    code, out, _ = cli(tmp_path, "check", "--all-files")
    assert code == 1
    assert out == (
        "claims/c.md:1:1: BL003 sources/s.md lists this claim in yields, but derived_from "
        "does not name it\n"
        "claims/d.md:8:1: BL003 sources/t.md lists this claim in yields, but derived_from "
        "does not name it\n"
        "claims/d.md:8:1: BL004 sources/u.md does not list this claim in yields\n"
        "sources/t.md:3:1: LC005 processed_by 'Ana' is not an agent folder (did you mean "
        "'ana'?)\n"
    )
    code, out, _ = cli(tmp_path, "fix", "--all-files")
    assert code == 1  # files changed
    assert out.splitlines() == [
        "Fixing claims/c.md: add sources/s.md to derived_from",
        "Fixing claims/d.md: add sources/t.md to derived_from",
        "Fixing sources/u.md: add 'd' to yields",
        "Fixing sources/t.md: set processed_by to 'ana'",
    ]
    assert read(tmp_path, "claims/c.md") == OTHER_LAYOUT["claims/c.md"].replace(
        "source: y\n", "source: y\nderived_from: sources/s.md\n"
    )
    assert read(tmp_path, "claims/d.md") == OTHER_LAYOUT["claims/d.md"].replace(
        "derived_from: sources/u.md\n",
        "derived_from:\n  - sources/u.md\n  - sources/t.md\n",
    )
    assert read(tmp_path, "sources/u.md") == note("status: processing\nyields:\n  - d\n")
    assert read(tmp_path, "sources/t.md") == OTHER_LAYOUT["sources/t.md"].replace("Ana", "ana")
    assert cli(tmp_path, "check", "--all-files")[:2] == (0, "")


# -- the inline opt-out -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["off", "'off'", "skip", "ignore", "OFF", "false", "no"])
def test_opted_out_note_is_not_checked(tmp_path, flag):
    write_kb(tmp_path, {C: note(f"type: claim\ncodex-hooks: {flag}\n")})
    assert check_kb(tmp_path) == []


@pytest.mark.parametrize("flag", ["on", "true", "~", "[off]"])
def test_other_values_do_not_opt_out(tmp_path, flag):
    write_kb(tmp_path, {C: note(f"type: claim\ncodex-hooks: {flag}\n")})
    assert {v[3] for v in check_kb(tmp_path)} == {"FM001"}


def test_opted_out_note_is_never_fixed(tmp_path):
    write_kb(tmp_path, {S: note("type: source\nstatus: procesed\ncodex-hooks: off\n")})
    fix_kb(tmp_path, {})


def test_regression_opted_out_note_is_not_written_as_a_counterpart(tmp_path):
    """A claim naming an opted-out source made the fixer write the source's
    claims_extracted: the opt-out only silenced the source's own report."""
    files = {
        C: claim(extra="sourced_from: inbox/archive/s.md\n"),
        S: source("processing", "codex-hooks: off\n"),
    }
    write_kb(tmp_path, files)
    assert_violations(
        check_kb(tmp_path),
        [(C, 8, 1, "BL004", "error", "inbox/archive/s.md does not list this claim")],
    )
    before = snapshot(tmp_path)
    code, out, _ = cli(tmp_path, "fix", "--all-files", "--root", str(tmp_path))
    assert code == 1
    assert "Fixing" not in out
    assert snapshot(tmp_path) == before


def test_opted_out_source_still_counts_as_a_link(tmp_path):
    write_kb(tmp_path, {C: claim(), S: processed(["c"], "codex-hooks: off\n")})
    fix_kb(
        tmp_path, {C: claim().replace('some paper"\n', 'some paper"\nsourced_from: ' + S + "\n")}
    )


def _settings_in_git(tmp_path):
    """A knowledge base in git whose settings file names a rule and a bare ``off``."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".codex-hooks.yaml").write_text(
        "severity:\n  WL001: warning\n  BL003: off\nfuzzy-threshold: 90\n"
    )
    return tmp_path


def _load_fresh(root):
    """load_config(root) in a new interpreter: the Config's repr and whether PyYAML was
    imported."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from codex_hooks.settings import load_config\n"
        f"print(repr(load_config({str(root)!r})))\n"
        "print('yaml' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return out[0], out[1] == "True"


def test_parsed_settings_are_kept_under_their_bytes(tmp_path):
    """Every run reads the settings: after the first, they come from a memo beside the
    index, without importing PyYAML, until the file's bytes change."""
    root = _settings_in_git(tmp_path)
    first, imported = _load_fresh(root)
    assert imported
    again, imported = _load_fresh(root)
    assert (again, imported) == (first, False)
    assert "'WL001': 'warning'" in again and "'BL003': 'off'" in again
    assert "fuzzy_threshold=90" in again
    memos = list((root / ".git" / "codex-hooks").glob("settings-.codex-hooks.yaml-*"))
    assert len(memos) == 1
    # Same size, and the same modification time: only the bytes tell the change.
    stat = (root / ".codex-hooks.yaml").stat()
    (root / ".codex-hooks.yaml").write_text(
        "severity:\n  WL001: error  \n  BL003: off\nfuzzy-threshold: 90\n"
    )
    import os

    os.utime(root / ".codex-hooks.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed, imported = _load_fresh(root)
    assert imported and "'WL001': 'error'" in changed
    assert len(list((root / ".git" / "codex-hooks").glob("settings-.codex-hooks.yaml-*"))) == 1


def test_a_damaged_settings_memo_is_not_used(tmp_path):
    root = _settings_in_git(tmp_path)
    expected, _ = _load_fresh(root)
    (memo,) = (root / ".git" / "codex-hooks").glob("settings-.codex-hooks.yaml-*")
    memo.write_bytes(b"\x00garbage")
    assert _load_fresh(root) == (expected, True)
    assert load_config(root).severity == {"WL001": "warning", "BL003": "off"}


def test_bad_settings_are_refused_before_and_after_a_memo(tmp_path):
    root = _settings_in_git(tmp_path)
    (root / ".codex-hooks.yaml").write_text("severity: [\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match="cannot read"):
            load_config(root)
    (root / ".codex-hooks.yaml").write_text("fuzzy-threshold: 900\n")
    for _ in range(2):  # parsed (and kept) fine, refused by the settings' own checks
        with pytest.raises(ConfigError, match="between 0 and 100"):
            load_config(root)


def test_settings_outside_git_are_parsed_every_time(tmp_path):
    (tmp_path / ".codex-hooks.yaml").write_text("fuzzy-threshold: 70\n")
    assert load_config(tmp_path).fuzzy_threshold == 70
    assert not (tmp_path / ".git").exists()


def test_settings_of_a_knowledge_base_in_a_folder_of_a_repository_are_kept_too(tmp_path):
    """The memo goes to the git directory above the knowledge base, one per settings file:
    two knowledge bases of one repository keep theirs side by side."""
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    first, second = tmp_path / "kb", tmp_path / "notes" / "other"
    for root, threshold in ((first, 70), (second, 80)):
        root.mkdir(parents=True)
        (root / ".codex-hooks.yaml").write_text(f"fuzzy-threshold: {threshold}\n")
    for _ in range(2):
        assert _load_fresh(first)[0].count("fuzzy_threshold=70") == 1
        assert _load_fresh(second)[0].count("fuzzy_threshold=80") == 1
    assert _load_fresh(first)[1] is False and _load_fresh(second)[1] is False
    assert len(list((tmp_path / ".git" / "codex-hooks").glob("settings-*"))) == 2
