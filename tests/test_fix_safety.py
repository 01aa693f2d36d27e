"""Safe and unsafe fixes: every rule with a fix declares which kind it makes, and the real
command obeys it. ``codex-hooks fix`` applies the safe fixes and leaves every byte of a
guess alone, reporting the finding with its suggestion; ``fix --unsafe-fixes`` applies the
guess too. Each case runs one rule (``select`` in the knowledge base's own configuration),
so that what changes is that rule's doing."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbutil import claim, cli, note, processed, read, run_git, snapshot, source, write_kb

from codex_hooks.hints import UNSAFE_HINT
from codex_hooks.kb import KnowledgeBase
from codex_hooks.model import REGISTRY

C = "domains/ai-alignment/c.md"
CORE = "core/c.md"
S = "inbox/archive/s.md"
MAP = "maps/links.md"
#: A claim whose title a drifted reference misses by one letter.
COINS = "domains/ai-alignment/futarchy enables conditional ownership coins.md"
DRIFTED = "futarchy enables conditional ownership coin"
DONE = "processed_by: rio\nprocessed_date: 2026-01-06\n"


def evidence(title: str) -> str:
    return (
        "\nSome text.\n\n### Additional Evidence (extend)\n"
        f"*Source: [[{title}]] | Added: 2026-01-07 | Extractor: x*\n"
    )


def case(code, files, expected, title, *, mv=None, id):
    """One rule's fix: the notes, the exact text of each note it changes, the fix's title,
    and a ``git mv`` (old, new) made after the first commit, when the case needs one."""
    return pytest.param(code, files, expected, title, mv, id=f"{code} {id}")


#: Fixes that are the one reading of what was written: applied by ``fix``.
SAFE = [
    case(
        "FM002",
        {S: source("Unprocessed")},
        {S: source("unprocessed")},
        "set status to 'unprocessed'",
        id="case only",
    ),
    case(
        "FM003",
        {C: claim().replace("confidence: likely", "confidence: LIKELY")},
        {C: claim()},
        "set confidence to 'likely'",
        id="case only",
    ),
    case(
        "FM004",
        {CORE: claim("AI_Alignment")},
        {CORE: claim("ai-alignment")},
        "set domain to 'ai-alignment'",
        id="case and separators",
    ),
    case(
        "FM005",
        {S: source().replace("format: paper", "format: Paper")},
        {S: source()},
        "set format to 'paper'",
        id="case only",
    ),
    case(
        "FM006",
        {S: source(extra="date: 2015-03-00\n")},
        {S: source(extra="date: 2015-03\n")},
        "write date as '2015-03'",
        id="unknown day dropped",
    ),
    case(
        "FM007",
        {C: claim(extra="tags: futarchy\n")},
        {C: claim(extra="tags:\n  - futarchy\n")},
        "make tags a list",
        id="lone value wrapped",
    ),
    case(
        "FM008",
        {S: source("enrichment", DONE + "enrichments:\n  - c\n")},
        {S: source("enrichment", DONE + "enrichments_applied:\n  - c\n")},
        "merge enrichments into enrichments_applied",
        id="legacy key renamed",
    ),
    case(
        "LC005",
        {S: source("processing", "processed_by: Rio\n")},
        {S: source("processing", "processed_by: rio\n")},
        "set processed_by to 'rio'",
        id="case only",
    ),
    case(
        "WL001",
        {"domains/health/AI Note.md": "# AI\n", MAP: "See [[ai-note|this]].\n"},
        {MAP: "See [[AI Note|this]].\n"},
        "rewrite [[ai-note|this]] to [[AI Note|this]]",
        id="name differs in case and hyphen",
    ),
    case(
        "WL004",
        {"domains/health/AI Note.md": "# AI\n", MAP: note('related: "[[ai_note]]"\n')},
        {MAP: note('related: "[[AI Note]]"\n')},
        "rewrite [[ai_note]] to [[AI Note]] in related",
        id="name differs in case and underscore",
    ),
    case(
        "WL005",
        {C: claim(), MAP: "See [[c]].\n"},
        {MAP: "See [[d]].\n"},
        "rewrite references to renamed notes",
        mv=(C, "domains/ai-alignment/d.md"),
        id="git recorded the rename",
    ),
    case(
        "BL003",
        {S: processed(["c"]), C: claim()},
        {C: claim().replace('some paper"\n', f'some paper"\nsourced_from: {S}\n')},
        f"add {S} to sourced_from",
        id="the source lists the claim by its title",
    ),
    case(
        "BL004",
        {S: processed(["d"]), C: claim(extra=f"sourced_from: {S}\n")},
        {S: processed(["d", "c"])},
        "add 'c' to claims_extracted",
        id="the claim names the source by its path",
    ),
    case(
        "BL005",
        {S: processed(["c"]), C: claim(extra="sourced_from: '[[s]]'\n")},
        {C: claim(extra=f"sourced_from: '{S}'\n")},
        f"rewrite sourced_from to {S}",
        id="a wiki link becomes the path of the one source it names",
    ),
    case(
        "BL005",
        {S: processed(["c"]), C: claim(extra=f"sourced_from: {S}\n")},
        {C: claim(extra="sourced_from: inbox/archive/moved/s.md\n")},
        "rewrite sourced_from to inbox/archive/moved/s.md",
        mv=(S, "inbox/archive/moved/s.md"),
        id="git recorded the move",
    ),
    case(
        "BL007",
        {S: source("processing"), C: claim(body=evidence("s"))},
        {S: source("processing", 'enrichments_applied:\n  - "c"\n')},
        "add 'c' to enrichments_applied",
        id="the evidence block names the source",
    ),
]

#: Fixes that are guesses: suggested, applied only by ``fix --unsafe-fixes``.
UNSAFE = [
    case(
        "FM002",
        {S: source("unprocesed")},
        {S: source("unprocessed")},
        "set status to 'unprocessed'",
        id="typo",
    ),
    case(
        "FM003",
        {C: claim().replace("confidence: likely", "confidence: likley")},
        {C: claim()},
        "set confidence to 'likely'",
        id="typo",
    ),
    case(
        "FM004",
        {CORE: claim("ai-alignement")},
        {CORE: claim("ai-alignment")},
        "set domain to 'ai-alignment'",
        id="typo",
    ),
    case(
        "FM005",
        {S: source().replace("format: paper", "format: artcle")},
        {S: source().replace("format: paper", "format: article")},
        "set format to 'article'",
        id="typo",
    ),
    case(
        "FM009",
        {"domains/health/c.md": claim("ai-alignment")},
        {"domains/health/c.md": claim("health")},
        "set domain to 'health'",
        id="the domain taken from the folder",
    ),
    case(
        "LC005",
        {S: source("processing", "processed_by: thesues\n")},
        {S: source("processing", "processed_by: theseus\n")},
        "set processed_by to 'theseus'",
        id="typo",
    ),
    case(
        "WL001",
        {COINS: claim(), MAP: f"See [[{DRIFTED}]].\n"},
        {MAP: "See [[futarchy enables conditional ownership coins]].\n"},
        f"rewrite [[{DRIFTED}]] to [[futarchy enables conditional ownership coins]]",
        id="one fuzzy match",
    ),
    case(
        "WL004",
        {COINS: claim(), C: claim(extra=f"depends_on:\n  - {DRIFTED}\n")},
        {C: claim(extra="depends_on:\n  - futarchy enables conditional ownership coins\n")},
        "rewrite depends_on entry to 'futarchy enables conditional ownership coins'",
        id="a plain title, one fuzzy match",
    ),
    case(
        "BL001",
        {COINS: claim(), S: processed([DRIFTED])},
        {S: processed(["futarchy enables conditional ownership coins"])},
        "rewrite claims_extracted entry to 'futarchy enables conditional ownership coins'",
        id="drifted title",
    ),
    case(
        "BL002",
        {COINS: claim(), S: source("enrichment", DONE + f"enrichments_applied:\n  - {DRIFTED}\n")},
        {
            S: source(
                "enrichment",
                DONE + "enrichments_applied:\n  - futarchy enables conditional ownership coins\n",
            )
        },
        "rewrite enrichments_applied entry to 'futarchy enables conditional ownership coins'",
        id="drifted title",
    ),
    case(
        "BL003",
        {COINS: claim(), S: processed([DRIFTED])},
        {COINS: claim().replace('some paper"\n', f'some paper"\nsourced_from: {S}\n')},
        f"add {S} to sourced_from",
        id="the source lists a drifted title",
    ),
    case(
        "FM011",
        {S: source("processing", "claims_extracted: 0  # none yet\n")},
        {S: source("processing", "claims_extracted: []  # none yet\n")},
        "write claims_extracted: []",
        id="a word meaning no entries becomes an empty list",
    ),
    case(
        "BL005",
        {S: processed(["c"]), C: claim(extra="sourced_from: inbox/s.md\n")},
        {C: claim(extra=f"sourced_from: {S}\n")},
        f"rewrite sourced_from to {S}",
        id="a stale path repointed by file name",
    ),
]


def _kb(root: Path, code: str, files: dict[str, str], mv: tuple[str, str] | None) -> None:
    """The notes, with only rule ``code`` selected, in git when a rename is needed."""
    write_kb(root, {".codex-hooks.yaml": f"select: [{code}]\n", **files}, git=mv is not None)
    if mv is not None:
        (root / mv[1]).parent.mkdir(parents=True, exist_ok=True)
        run_git(root, "mv", *mv)


def _the_finding(root: Path, code: str):
    found = [v for v in KnowledgeBase.load(root, cache=False).check() if v.code == code]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("code", "files", "expected", "title", "mv"), SAFE)
def test_a_safe_fix_is_applied_by_default(tmp_path, code, files, expected, title, mv):
    _kb(tmp_path, code, files, mv)
    v = _the_finding(tmp_path, code)
    assert v.fix is not None and v.fix.safe and v.fix.title == title
    assert REGISTRY[code].fix in ("safe", "sometimes")
    before = snapshot(tmp_path)

    status, out, _ = cli(tmp_path, "fix", "--all-files")
    assert status == 1, out  # files changed
    after = snapshot(tmp_path)
    for rel, data in before.items():
        if rel in expected:
            assert read(tmp_path, rel) == expected[rel]
        elif rel != (mv and mv[0]):
            assert after[rel] == data, f"{rel} changed"
    assert cli(tmp_path, "check", "--all-files")[:2] == (0, "")


@pytest.mark.parametrize(("code", "files", "expected", "title", "mv"), UNSAFE)
def test_an_unsafe_fix_waits_for_unsafe_fixes(tmp_path, code, files, expected, title, mv):
    _kb(tmp_path, code, files, mv)
    v = _the_finding(tmp_path, code)
    assert v.fix is not None and not v.fix.safe and v.fix.title == title
    assert REGISTRY[code].fix in ("unsafe", "sometimes")
    before = snapshot(tmp_path)

    # fix (as the hooks run it): not a byte changes; the finding says what the fix would
    # do and how to apply it, on its one line.
    status, out, err = cli(tmp_path, "fix", "--all-files")
    assert snapshot(tmp_path) == before
    assert status == (1 if REGISTRY[code].severity == "error" else 0)
    [line] = out.splitlines()
    assert f" {code} " in line
    assert line.endswith(f"(unsafe fix: {title}; {UNSAFE_HINT})")
    assert "; 1 fixable with 'codex-hooks fix --unsafe-fixes'." in err
    status, out, _ = cli(tmp_path, "check", "--all-files")
    assert out.rstrip("\n") == line

    status, out, _ = cli(tmp_path, "fix", "--all-files", "--unsafe-fixes")
    assert status == 1, out  # files changed
    assert f"Fixing {next(iter(expected))}: {title}" in out
    after = snapshot(tmp_path)
    for rel, data in before.items():
        if rel in expected:
            assert read(tmp_path, rel) == expected[rel]
        else:
            assert after[rel] == data, f"{rel} changed"
    assert cli(tmp_path, "check", "--all-files")[:2] == (0, "")


def test_every_rule_with_a_fix_has_cases_of_each_kind_it_declares():
    codes = lambda cases: {p.values[0] for p in cases}  # noqa: E731
    with_fix = {c: r.fix for c, r in REGISTRY.items() if r.fix}
    assert codes(SAFE) == {c for c, kind in with_fix.items() if kind in ("safe", "sometimes")}
    assert codes(UNSAFE) == {c for c, kind in with_fix.items() if kind in ("unsafe", "sometimes")}
    for code, r in REGISTRY.items():
        assert bool(r.fix) == bool(r.fix_safety), code
        # The text says when: a rule that is sometimes safe names both.
        if r.fix == "sometimes":
            assert "Safe" in r.fix_safety and "Unsafe" in r.fix_safety, code
        elif r.fix:
            assert r.fix_safety.startswith(("Always safe", "Safe", "Always unsafe")), code


def test_library_fix_passes_the_option_through(tmp_path):
    write_kb(tmp_path, {S: source("unprocesed"), C: claim(extra="tags: futarchy\n")})
    kb = KnowledgeBase.load(tmp_path, cache=False)
    result = kb.fix()
    assert result.changed_paths == [C]  # the list shape, not the typo
    assert read(tmp_path, S) == source("unprocesed")
    [left] = [v for v in result.remaining if v.code == "FM002"]
    assert left.unsafe_fix and not left.safe_fix
    assert left.shown_message.endswith(f"(unsafe fix: set status to 'unprocessed'; {UNSAFE_HINT})")
    import codex_hooks

    result = codex_hooks.fix(tmp_path, unsafe_fixes=True)
    assert result.changed_paths == [S]
    assert read(tmp_path, S) == source("unprocessed")


# -- the command line and the configuration ------------------------------------------------

#: A typo (an unsafe FM002 fix) and a lone tag (a safe FM007 fix), each an error.
MIXED = {S: source("unprocesed"), C: claim(extra="tags: futarchy\n")}
TYPO_LINE = (
    f"{S}:6:1: FM002 status 'unprocesed' is not one of the allowed values (did you mean "
    f"'unprocessed'?) (unsafe fix: set status to 'unprocessed'; {UNSAFE_HINT})\n"
)


def test_check_counts_both_kinds_and_fix_applies_only_the_safe_one(tmp_path):
    write_kb(tmp_path, MIXED)
    status, out, err = cli(tmp_path, "check", "--all-files")
    assert status == 1
    assert out.endswith(TYPO_LINE)
    assert err == (
        "Found 2 error(s) and 0 warning(s); 1 fixable with 'codex-hooks fix', 1 more with "
        "'codex-hooks fix --unsafe-fixes'. Explain a code with 'codex-hooks rules CODE'.\n"
    )

    status, out, err = cli(tmp_path, "fix", "--all-files")
    assert status == 1  # a file changed, and the typo is an error that remains
    assert out == f"Fixing {C}: make tags a list\n" + TYPO_LINE
    assert read(tmp_path, C) == claim(extra="tags:\n  - futarchy\n")
    assert read(tmp_path, S) == source("unprocesed")
    assert err.startswith(
        "Found 1 error(s) and 0 warning(s); 1 fixable with 'codex-hooks fix --unsafe-fixes'."
    )

    status, out, err = cli(tmp_path, "fix", "--all-files", "--unsafe-fixes")
    assert (status, out) == (1, f"Fixing {S}: set status to 'unprocessed'\n")
    assert read(tmp_path, S) == source("unprocessed")
    assert err == "All checked notes are consistent.\n"
    assert cli(tmp_path, "fix", "--all-files", "--unsafe-fixes") == (
        0,
        "",
        "All checked notes are consistent.\n",
    )


def test_unsafe_fixes_with_diff_writes_nothing(tmp_path):
    write_kb(tmp_path, MIXED)
    before = snapshot(tmp_path)
    status, out, _ = cli(tmp_path, "fix", "--all-files", "--diff", "--unsafe-fixes")
    assert status == 1
    assert "-status: unprocesed\n+status: unprocessed\n" in out
    assert snapshot(tmp_path) == before
    status, out, _ = cli(tmp_path, "fix", "--all-files", "--diff")
    assert "unprocessed" not in out and "+  - futarchy\n" in out


def test_the_hook_applies_safe_fixes_only(tmp_path):
    write_kb(tmp_path, {".codex-hooks.yaml": "{}\n", **MIXED}, git=True)
    (tmp_path / S).write_text(source("unprocesed") + "\nedited\n")
    (tmp_path / C).write_text(claim(extra="tags: futarchy\n", body="\nedited\n"))
    run_git(tmp_path, "add", "-A")
    status, out, _ = cli(tmp_path, "fix", "--hook", S, C)
    assert status == 1
    assert read(tmp_path, C) == claim(extra="tags:\n  - futarchy\n", body="\nedited\n")
    assert read(tmp_path, S) == source("unprocesed") + "\nedited\n"
    assert f"(unsafe fix: set status to 'unprocessed'; {UNSAFE_HINT})" in out


@pytest.mark.parametrize(
    ("setting", "status", "changed"),
    [
        pytest.param("extend-safe-fixes: [FM002]", 1, {S, C}, id="a code promotes"),
        pytest.param("extend-safe-fixes: [FM]", 1, {S, C}, id="a prefix promotes"),
        pytest.param("extend-unsafe-fixes: [FM007]", 1, set(), id="a code demotes"),
        pytest.param(
            "extend-safe-fixes: [FM]\nextend-unsafe-fixes: [FM007]",
            1,
            {S},
            id="the longer selector wins",
        ),
        pytest.param(
            "extend-unsafe-fixes: [FM]\nextend-safe-fixes: [FM002]",
            1,
            {S},
            id="the longer selector wins, the other way",
        ),
    ],
)
def test_configuration_promotes_and_demotes(tmp_path, setting, status, changed):
    write_kb(tmp_path, {".codex-hooks.yaml": setting + "\n", **MIXED})
    fixed = {S: source("unprocessed"), C: claim(extra="tags:\n  - futarchy\n")}
    code, _, err = cli(tmp_path, "fix", "--all-files")
    assert code == status, err
    for rel in MIXED:
        assert read(tmp_path, rel) == (fixed[rel] if rel in changed else MIXED[rel]), rel
    # Whatever the default, --unsafe-fixes applies both.
    assert cli(tmp_path, "fix", "--all-files", "--unsafe-fixes")[0] in (0, 1)
    assert {rel: read(tmp_path, rel) for rel in MIXED} == fixed


def test_a_demoted_fix_shows_its_suggestion(tmp_path):
    write_kb(tmp_path, {".codex-hooks.yaml": "extend-unsafe-fixes: [FM007]\n", **MIXED})
    status, out, err = cli(tmp_path, "check", "--all-files")
    assert status == 1
    assert out.startswith(
        f"{C}:8:1: FM007 tags should be a list, not a lone value "
        f"(unsafe fix: make tags a list; {UNSAFE_HINT})\n"
    )
    assert "; 2 fixable with 'codex-hooks fix --unsafe-fixes'." in err


def test_pyproject_settings_work_too(tmp_path):
    write_kb(
        tmp_path, {"pyproject.toml": '[tool.codex-hooks]\nextend-safe-fixes = ["FM002"]\n', **MIXED}
    )
    assert cli(tmp_path, "fix", "--all-files")[0] == 1
    assert read(tmp_path, S) == source("unprocessed")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        pytest.param(
            "extend-safe-fixes: [FM0002]",
            "'extend-safe-fixes' names 'FM0002', which is no rule code or prefix",
            id="unknown code",
        ),
        pytest.param(
            "extend-unsafe-fixes: [XX]",
            "'extend-unsafe-fixes' names 'XX', which is no rule code or prefix",
            id="unknown prefix",
        ),
        pytest.param(
            "extend-safe-fixes: [LC001]",
            "'extend-safe-fixes' names 'LC001', but no rule it selects has a fix",
            id="a rule without a fix",
        ),
        pytest.param(
            "extend-safe-fixes: [FM90]",
            "'extend-safe-fixes' names 'FM90', but no rule it selects has a fix",
            id="parse problems have no fix",
        ),
        pytest.param(
            "extend-safe-fixes: [FM002]\nextend-unsafe-fixes: [FM002]",
            "'FM002' is in both 'extend-safe-fixes' and 'extend-unsafe-fixes'",
            id="in both lists",
        ),
        pytest.param(
            "extend-safe-fixes: 3",
            "'extend_safe_fixes' must be a list of strings",
            id="not a list",
        ),
    ],
)
def test_bad_fix_settings_exit_2(tmp_path, setting, message):
    write_kb(tmp_path, {".codex-hooks.yaml": setting + "\n", **MIXED})
    before = snapshot(tmp_path)
    for args in (("check", "--all-files"), ("fix", "--all-files", "--unsafe-fixes")):
        status, out, err = cli(tmp_path, *args)
        assert (status, out) == (2, "")
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_rules_show_each_rules_fix_safety():
    import os

    status, out, _ = cli(Path(os.getcwd()), "rules")
    assert status == 0
    kinds = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    for code, r in REGISTRY.items():
        assert kinds[code] == (r.fix or "-"), code
    status, out, _ = cli(Path(os.getcwd()), "rules", "FM009")
    assert out.endswith(
        "Fix safety\n  Unsafe: only 'codex-hooks fix --unsafe-fixes' applies it. "
        + REGISTRY["FM009"].fix_safety
        + "\n"
    )


def test_json_says_which_fix_is_safe(tmp_path):
    import json

    write_kb(tmp_path, MIXED)
    status, out, _ = cli(tmp_path, "check", "--all-files", "--format", "json")
    assert status == 1
    data = json.loads(out)
    fixes = {v["code"]: (v["fixable"], v["fix"]) for v in data["violations"]}
    assert fixes == {
        "FM002": (True, {"title": "set status to 'unprocessed'", "safe": False}),
        "FM007": (True, {"title": "make tags a list", "safe": True}),
    }
    assert data["summary"]["fixable"] == 2
    assert (data["summary"]["fixable_safe"], data["summary"]["fixable_unsafe"]) == (1, 1)
    # The message itself is the rule's; the fix object carries the rest.
    assert all("unsafe fix" not in v["message"] for v in data["violations"])


def test_github_annotations_show_the_suggestion(tmp_path):
    write_kb(tmp_path, MIXED)
    _, out, _ = cli(tmp_path, "check", "--all-files", "--format", "github")
    assert f"(unsafe fix: set status to 'unprocessed'; {UNSAFE_HINT})\n" in out
