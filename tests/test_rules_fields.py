"""FM0xx: frontmatter fields. Cases are data: ``{path: text}`` → expected violations,
expected texts after ``fix``, or notes that ``fix`` must leave byte for byte."""

from __future__ import annotations

import pytest
from kbutil import assert_violations, check_kb, claim, fix_kb, note, rule_tables, source, write_kb

from codex_hooks.model import REGISTRY

C = "domains/ai-alignment/c.md"
CORE = "core/mechanisms/c.md"
S = "inbox/archive/s.md"


def claim_with(old: str, new: str, path_domain: str = "ai-alignment") -> str:
    """A complete claim with one piece of its text replaced."""
    text = claim(path_domain)
    assert old in text
    return text.replace(old, new, 1)


CLAIM_LINES = (
    "type: claim\n"
    "domain: ai-alignment\n"
    'description: "A proposition"\n'
    "confidence: likely\n"
    'source: "Someone, some paper"\n'
    "created: 2026-01-05\n"
)

CHECK = [
    # -- FM001 missing-required-field
    pytest.param({C: claim(), S: source()}, [], id="FM001 clean claim and source"),
    pytest.param(
        {C: note(CLAIM_LINES.replace('description: "A proposition"\n', ""))},
        [(C, 1, 1, "FM001", "error", "required field 'description' is missing for a claim")],
        id="FM001 missing description",
    ),
    pytest.param(
        {C: claim_with('description: "A proposition"', "description: ~")},
        [(C, 4, 1, "FM001", "error", "required field 'description' is empty")],
        id="FM001 tilde is empty",
    ),
    pytest.param(
        {C: claim_with('source: "Someone, some paper"', "source:")},
        [(C, 6, 1, "FM001", "error", "required field 'source' is empty")],
        id="FM001 empty value",
    ),
    pytest.param(
        {C: claim_with("confidence: likely", 'confidence: ""')},
        [(C, 5, 1, "FM001", "error", "required field 'confidence' is empty")],
        id="FM001 empty string",
    ),
    pytest.param(
        {C: note(CLAIM_LINES.replace("type: claim\n", ""))},
        [(C, 1, 1, "FM001", "error", "required field 'type' is missing for a claim")],
        id="FM001 untyped note in a claim folder is a claim",
    ),
    pytest.param(
        {"core/x/an analysis.md": note("type: analysis\n")},
        [
            ("core/x/an analysis.md", 1, 1, "FM001", "error", f"'{key}' is missing")
            for key in ("domain", "description", "confidence", "source", "created")
        ],
        id="FM001 claim-like types need the claim fields",
    ),
    pytest.param(
        {S: note("type: source\ntitle: x\n")},
        [(S, 1, 1, "FM001", "error", "required field 'status' is missing for a source")],
        id="FM001 source without status",
    ),
    pytest.param(
        {
            "entities/internet-finance/metadao.md": note("type: entity\n"),
            "maps/ai.md": note("type: map\n"),
            "inbox/archive/notes.md": "no frontmatter at all\n",
            "README.md": "# read me\n",
        },
        [],
        id="FM001 entities, maps and notes without frontmatter need nothing",
    ),
    # -- FM002 invalid-status
    pytest.param(
        {S: source("unprocesed")},
        [(S, 6, 1, "FM002", "error", "status 'unprocesed' is not one of the allowed values")],
        id="FM002 typo",
    ),
    pytest.param(
        {S: source("done")},
        [(S, 6, 1, "FM002", "error", "status 'done' is not one of the allowed values")],
        id="FM002 no close value",
    ),
    pytest.param(
        {S: source("partial")},
        [],
        id="FM002 legacy partial is allowed",
    ),
    pytest.param(
        {S: source("[processed]")},
        [(S, 6, 1, "FM002", "error", "status is a list; it takes one allowed value")],
        id="regression: FM002 a list slipped through every rule",
    ),
    # -- FM003 invalid-confidence
    pytest.param(
        {C: claim_with("confidence: likely", "confidence: likley")},
        [(C, 5, 1, "FM003", "error", "confidence 'likley' is not one of the allowed values")],
        id="FM003 typo",
    ),
    pytest.param(
        {C: claim_with("confidence: likely", "confidence: high")},
        [(C, 5, 1, "FM003", "error", "confidence 'high' is not one of the allowed values")],
        id="FM003 no close value",
    ),
    # -- FM004 invalid-domain
    pytest.param(
        {CORE: claim("ai-alignement")},
        [(CORE, 3, 1, "FM004", "error", "(did you mean 'ai-alignment'?)")],
        id="FM004 typo",
    ),
    pytest.param(
        {CORE: claim("{a: b}")},
        [(CORE, 3, 1, "FM004", "error", "domain is a mapping; it takes one allowed value")],
        id="regression: FM004 a mapping is reported",
    ),
    pytest.param(
        {S: source().replace("domain: ai-alignment", "domain: livingip")},
        [(S, 4, 1, "FM004", "error", "domain 'livingip' is not one of the allowed values")],
        id="FM004 source domain, no close value",
    ),
    # -- FM005 invalid-format
    pytest.param(
        {S: source().replace("format: paper", "format: pape")},
        [(S, 5, 1, "FM005", "warning", "format 'pape' is not one of the allowed values")],
        id="FM005 typo is a warning",
    ),
    # -- FM006 invalid-date
    pytest.param(
        {
            C: claim(extra="last_evaluated: 2026-03-01T10:00:00Z\n"),
            S: source(extra="date: 2026-03\ndate_published: 2026\n"),
        },
        [],
        id="FM006 full, timed and partial dates",
    ),
    pytest.param(
        {C: claim_with("created: 2026-01-05", "created: 2026-02-30")},
        [(C, 7, 1, "FM006", "error", "created '2026-02-30' is not a real calendar date")],
        id="FM006 February 30",
    ),
    pytest.param(
        {S: source("processing", "date: 2026-00-00\nprocessed_date: '2026-13-01'\n")},
        [
            (S, 7, 1, "FM006", "error", "date '2026-00-00' is not a real calendar date"),
            (S, 8, 1, "FM006", "error", "processed_date '2026-13-01' is not a real calendar"),
        ],
        id="FM006 month zero and month 13",
    ),
    pytest.param(
        {C: claim(extra="last_evaluated: 2026-03\n")},
        [(C, 8, 1, "FM006", "error", "last_evaluated '2026-03' is not a real calendar date")],
        id="FM006 a partial date is only for publication dates",
    ),
    pytest.param(
        {S: source("processing", "processed_date: ''\ndate: ' '\n")},
        [],
        id="regression: FM006 a blank date is no date, not a wrong one",
    ),
    pytest.param(
        {C: claim_with("created: 2026-01-05", "created: ''")},
        [(C, 7, 1, "FM001", "error", "required field 'created' is empty")],
        id="FM006 a blank required date is FM001's",
    ),
    pytest.param(
        {C: claim_with("created: 2026-01-05", "created: [2026-01-05]")},
        [(C, 7, 1, "FM006", "error", "created is a list, not a real calendar date")],
        id="regression: FM006 a list is named a list, and FM001 does not call it empty",
    ),
    # -- FM007 field-not-a-list
    pytest.param(
        {C: claim(extra="tags: [a, b]\ndepends_on:\n  - x\nsecondary_domains: []\n")},
        [],
        id="FM007 flow, block and empty lists",
    ),
    pytest.param(
        {C: claim(extra="depends_on: another claim\n")},
        [(C, 8, 1, "FM007", "error", "depends_on should be a list, not a lone value")],
        id="FM007 lone value",
    ),
    pytest.param(
        {C: claim(extra="tags:\n  a: b\n")},
        [(C, 8, 1, "FM007", "error", "tags should be a list, not a mapping")],
        id="FM007 mapping",
    ),
    # -- FM008 legacy-enrichments-field
    pytest.param(
        {S: source("processing", "enrichments: []\n")},
        [(S, 7, 1, "FM008", "warning", "legacy field 'enrichments': use 'enrichments_applied'")],
        id="FM008 legacy spelling",
    ),
    # -- FM009 domain-folder-mismatch
    pytest.param(
        {"domains/health/c.md": claim("ai-alignment")},
        [
            (
                "domains/health/c.md",
                3,
                1,
                "FM009",
                "error",
                "claim is filed under domains/health/ but says domain 'ai-alignment'",
            )
        ],
        id="FM009 folder and field disagree",
    ),
    pytest.param(
        {"domains/c.md": claim("health"), CORE: claim("health")},
        [],
        id="FM009 only notes inside a domain folder",
    ),
    pytest.param(
        {"domains/unknown/c.md": claim("health")},
        [("domains/unknown/c.md", 3, 1, "FM009", "error", "domains/unknown/")],
        id="FM009 unknown folder domain",
    ),
    # -- FM010 missing-frontmatter
    pytest.param(
        {C: claim(), "domains/ai-alignment/new.md": "", "domains/ai-alignment/_map.md": "# AI\n"},
        [("domains/ai-alignment/new.md", 1, 1, "FM010", "error", "empty note where a claim")],
        id="FM010 empty note in a claim folder",
    ),
    pytest.param(
        {S: source(), "inbox/archive/t.md": "text\n", "core/overview.md": "# Core\n"},
        [("inbox/archive/t.md", 1, 1, "FM010", "error", "no frontmatter, but inbox/archive/")],
        id="FM010 no frontmatter beside sources",
    ),
    # -- FM011 no-entries-word-in-list-field
    pytest.param(
        {S: source("processing", "claims_extracted: 0\nenrichments_applied: None\n")},
        [
            (S, 7, 1, "FM011", "error", "claims_extracted is '0', which probably means no entries"),
            (S, 8, 1, "FM011", "error", "enrichments_applied is 'None', which probably means"),
        ],
        id="FM011 words in a source",
    ),
    pytest.param(
        {C: claim(extra="sourced_from: n/a\ntags: none\n")},
        [
            (C, 8, 1, "FM011", "error", "sourced_from is 'n/a'"),
            (C, 9, 1, "FM011", "error", "tags is 'none'"),
        ],
        id="FM011 words in a claim",
    ),
]

#: Notes that cannot be read: FM90x, reported at the problem and never written.
PROBLEM_NOTES = [
    pytest.param(
        claim(body="caf\xe9\n").encode("latin-1"),
        (9, 4, "FM901", "byte 0xe9 at offset 142 is not UTF-8; re-save the file as UTF-8"),
        id="FM901 not UTF-8",
    ),
    pytest.param(
        "---\ntype: claim\ndomain: health\n\nbody\n",
        (1, 1, "FM902", "frontmatter opened with '---' on line 1 is never closed"),
        id="FM902 unclosed frontmatter",
    ),
    pytest.param(
        claim().replace('"Someone, some paper"', "*Source: a thread"),
        (6, 9, "FM903", "found undefined alias '*Source:'; quote the value"),
        id="FM903 undefined alias",
    ),
    pytest.param(
        claim(extra="tags:\n\t- a\n"),
        (9, 1, "FM903", "YAML error: found character that cannot start any token"),
        id="FM903 tab indentation",
    ),
    pytest.param(
        claim(extra="domain: health\n"),
        (8, 1, "FM904", "duplicate key 'domain' (first defined on line 3)"),
        id="FM904 duplicate key",
    ),
    pytest.param(
        "---\n- a\n- b\n---\n",
        (2, 1, "FM905", "frontmatter is not a mapping of keys to values"),
        id="FM905 a list",
    ),
    pytest.param(
        "---\na: " + "[" * 70 + "]" * 70 + "\n---\n",
        (2, 68, "FM906", "frontmatter nests deeper than 64 levels"),
        id="FM906 nesting",
    ),
    pytest.param(
        "---\n" + "".join(f"k{i}: {'x' * 100}\n" for i in range(3000)) + "---\n",
        (2, 1, "FM906", "over the 262144 limit"),
        id="FM906 size",
    ),
    pytest.param(
        claim().replace("confidence: likely", "confidence: !!python/name:os.system"),
        (5, 13, "FM907", "YAML tag '!!python/name:os.system' is not one of the standard tags"),
        id="FM907 python tag",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEM_NOTES)
def test_unreadable_note_is_reported_and_never_written(tmp_path, text, expected):
    line, column, code, message = expected
    write_kb(tmp_path, {C: text, S: source()})
    assert_violations(check_kb(tmp_path), [(C, line, column, code, "error", message)])
    fix_kb(tmp_path, {})


def test_unreadable_note_is_never_written_as_a_counterpart(tmp_path):
    broken = claim(extra="domain: health\n")
    write_kb(tmp_path, {C: broken, S: source("processing", "claims_extracted:\n  - c\n")})
    assert [v[3] for v in check_kb(tmp_path)] == ["FM904"]
    fix_kb(tmp_path, {})


#: A fix case whose fixes are guesses (similarity-scored, or taken from the folder).
UNSAFE = pytest.mark.unsafe_fixes

FIX = [
    pytest.param(
        {S: source("unprocesed")},
        {S: source("unprocessed")},
        id="FM002 typo fixed",
        marks=UNSAFE,
    ),
    pytest.param(
        {S: source('"Unprocessed"  # set by hand')},
        {S: source('"unprocessed"  # set by hand')},
        id="FM002 case fixed, quotes and comment kept",
    ),
    pytest.param(
        {C: claim_with("confidence: likely", "confidence: speculatve")},
        {C: claim_with("confidence: likely", "confidence: speculative")},
        id="FM003 typo fixed",
        marks=UNSAFE,
    ),
    pytest.param(
        {CORE: claim("ai-alignement")},
        {CORE: claim("ai-alignment")},
        id="FM004 typo fixed",
        marks=UNSAFE,
    ),
    pytest.param(
        {C: claim("ai-alignement")},
        {C: claim("ai-alignment")},
        id="FM004 and FM009 agree on the folder's domain",
        marks=UNSAFE,
    ),
    pytest.param(
        {"domains/health/c.md": claim("ai-alignement")},
        {"domains/health/c.md": claim("health")},
        id="FM004 and FM009 disagree: the folder wins, and a second fix changes nothing",
        marks=UNSAFE,
    ),
    pytest.param(
        {S: source().replace("format: paper", "format: artcle")},
        {S: source().replace("format: paper", "format: article")},
        id="FM005 typo fixed",
        marks=UNSAFE,
    ),
    pytest.param(
        {S: source("processing", "date: 2015-03-00\ndate_published: '2015-00-00'\n")},
        {S: source("processing", "date: 2015-03\ndate_published: '2015'\n")},
        id="FM006 an unknown day or month is dropped from a publication date, quotes kept",
    ),
    pytest.param(
        {C: claim(extra="depends_on: another claim\nchallenged_by: 'x'\n")},
        {C: claim(extra="depends_on:\n  - another claim\nchallenged_by:\n  - 'x'\n")},
        id="FM007 lone values become one-item lists",
    ),
    pytest.param(
        {C: claim(extra="secondary_domains:\n    - health\ntags: x\n")},
        {C: claim(extra="secondary_domains:\n    - health\ntags:\n    - x\n")},
        id="FM007 new list indented like the note's lists",
    ),
    pytest.param(
        {C: claim(extra="tags: a  # why\n")},
        {C: claim(extra="tags:  # why\n  - a\n")},
        id="FM007 the line's comment stays",
    ),
    pytest.param(
        {S: source("Unprocessed", "claims_extracted: 0\n")},
        {S: source("unprocessed", "claims_extracted: 0\n")},
        id="FM011 the word is kept while the note is fixed ([] would be a guess)",
    ),
    pytest.param(
        {S: source("processing", "enrichments:\n  - c  # first\n")},
        {S: source("processing", "enrichments_applied:\n  - c  # first\n")},
        id="FM008 renamed in place",
    ),
    pytest.param(
        {S: source("processing", "enrichments_applied: [c]\nenrichments:\n  - d\n  - c\n")},
        {S: source("processing", "enrichments_applied: [c, d]\n")},
        id="FM008 merged into the existing field",
    ),
    pytest.param(
        {S: source("processing", "enrichments_applied:\n  - c\nenrichments:\n  - '[[C]]'\n")},
        {S: source("processing", "enrichments_applied:\n  - c\n")},
        id="regression: FM008 merge skips entries naming the same note",
    ),
    pytest.param(
        {"domains/health/c.md": claim("ai-alignment")},
        {"domains/health/c.md": claim("health")},
        id="FM009 field follows the folder",
        marks=UNSAFE,
    ),
]

NOOP = [
    pytest.param({C: claim(), S: source()}, id="clean notes"),
    pytest.param(
        {C: note(CLAIM_LINES.replace("created: 2026-01-05\n", ""), "body\n")},
        id="FM001 has no fix",
    ),
    pytest.param({S: source("done")}, id="FM002 nothing close"),
    pytest.param({S: source("[processed]")}, id="FM002 a list is not unwrapped"),
    pytest.param({S: source("pro")}, id="FM002 two close values"),
    pytest.param(
        {C: claim_with("confidence: likely", "confidence: high")}, id="FM003 nothing close"
    ),
    pytest.param({CORE: claim("livingip")}, id="FM004 nothing close"),
    pytest.param({S: source().replace("format: paper", "format: zine")}, id="FM005"),
    pytest.param(
        {C: claim_with("created: 2026-01-05", "created: 2026-02-30")}, id="FM006 has no fix"
    ),
    pytest.param({C: claim(extra="tags:\n  a: b\n")}, id="FM007 mapping is not wrapped"),
    pytest.param({"domains/unknown/c.md": claim("health")}, id="FM009 unknown folder domain"),
    pytest.param({"domains/health/new.md": ""}, id="FM010 has no fix"),
    pytest.param(
        {S: source("processing", "claims_extracted: 0\ntags: none\n")},
        id="FM011 a word is never wrapped nor replaced",
    ),
    pytest.param(
        {C: "\ufeff" + claim(extra="tags: [a, b]\n").replace("\n", "\r\n")},
        id="BOM and CRLF with nothing to fix",
    ),
]


test_check, test_fix, test_noop = rule_tables(CHECK, FIX, NOOP)


def test_fix_keeps_crlf_and_bom(tmp_path):
    text = "\ufeff" + claim(extra="tags: futarchy\n")
    write_kb(tmp_path, {C: text.replace("\n", "\r\n")})
    expected = "\ufeff" + claim(extra="tags:\n  - futarchy\n")
    fix_kb(tmp_path, {C: expected.replace("\n", "\r\n")})


def test_renamed_fields_are_read_from_the_configuration(tmp_path):
    write_kb(
        tmp_path,
        {
            ".codex-hooks.yaml": "fields:\n  processed_date: read_on\n  status: state\n",
            S: note("type: source\nstate: processing\nread_on: 2026-02-30\n"),
        },
    )
    assert_violations(
        check_kb(tmp_path),
        [(S, 4, 1, "FM006", "error", "read_on '2026-02-30' is not a real calendar date")],
    )


def _ids(cases) -> set[str]:
    return {str(p.id).split()[0] for p in cases}


def test_every_parse_problem_has_cases():
    from codex_hooks.rules import PROBLEMS

    # FM900 is the fallback for an edit or read failure no other code names.
    assert set(PROBLEMS) - {"FM900"} == _ids(PROBLEM_NOTES)


def test_every_field_rule_has_cases():
    codes = {c for c in REGISTRY if c.startswith("FM")}
    fixable = {c for c in codes if REGISTRY[c].fix_safety}
    reported = {row[3] for p in CHECK for row in p.values[1]}
    assert codes <= _ids(CHECK) and codes <= reported
    assert fixable <= _ids(FIX)
    assert codes - {"FM001"} <= _ids(NOOP) | {"FM008"}  # FM008's fix always applies


def test_a_real_date_is_what_datetime_accepts() -> None:
    """real_date decides without importing datetime; it must decide as date() does."""
    from datetime import date

    from codex_hooks.rules.common import real_date

    for year in (0, 1, 4, 100, 1900, 2000, 2023, 2024, 2100, 2400, 9999):
        for month in range(14):
            for day in range(33):
                try:
                    date(year, month, day)
                    exists = True
                except ValueError:
                    exists = False
                assert real_date(f"{year:04}-{month:02}-{day:02}") is exists, (year, month, day)
