"""LC0xx: the source status lifecycle and who processed a source. Cases are data."""

from __future__ import annotations

import pytest
from kbutil import assert_violations, check_kb, claim, note, rule_tables, source, write_kb

from codex_hooks.model import REGISTRY

S = "inbox/archive/s.md"
C = "domains/ai-alignment/c.md"
#: A claim that names the source, so that listing it there is consistent.
CITING = claim(extra=f"sourced_from: {S}\n")
#: A claim enriched by the source.
ENRICHED = claim(body="\n### Additional Evidence (confirm)\n*Source: [[s]] | Added: 2026-01-07*\n")

BY = "processed_by: rio\n"
DATE = "processed_date: 2026-01-06\n"
CLAIMS = "claims_extracted:\n  - c\n"
ENRICH = "enrichments_applied:\n  - c\n"

CHECK = [
    # -- LC001 processed-incomplete
    pytest.param({S: source("processed", BY + DATE + CLAIMS), C: CITING}, [], id="LC001 clean"),
    pytest.param(
        {S: source("processed", BY + DATE + ENRICH), C: ENRICHED},
        [],
        id="LC001 enrichments alone are enough",
    ),
    pytest.param(
        {S: source("processed", DATE + CLAIMS), C: CITING},
        [(S, 6, 1, "LC001", "error", "status is 'processed' but processed_by is missing")],
        id="LC001 no processed_by",
    ),
    pytest.param(
        {S: source("processed", BY + "processed_date: ~\n" + CLAIMS), C: CITING},
        [(S, 6, 1, "LC001", "error", "status is 'processed' but processed_date is missing")],
        id="LC001 null processed_date",
    ),
    pytest.param(
        {S: source("processed", BY + DATE + "claims_extracted: []\n")},
        [(S, 6, 1, "LC001", "error", "neither claims_extracted nor enrichments_applied")],
        id="LC001 nothing extracted",
    ),
    pytest.param(
        {S: source("processed")},
        [
            (S, 6, 1, "LC001", "error", "processed_by is missing"),
            (S, 6, 1, "LC001", "error", "processed_date is missing"),
            (S, 6, 1, "LC001", "error", "use status 'null-result' with a reason"),
        ],
        id="LC001 everything missing",
    ),
    # -- LC002 unprocessed-with-results
    pytest.param({S: source("unprocessed")}, [], id="LC002 clean"),
    pytest.param(
        {S: source("unprocessed", "processed_by:\nprocessed_date: ''\nclaims_extracted: []\n")},
        [],
        id="LC002 empty processing fields are fine",
    ),
    pytest.param(
        {S: source("unprocessed", BY + DATE)},
        [
            (
                S,
                6,
                1,
                "LC002",
                "error",
                "status is 'unprocessed' but the source has processed_by, processed_date: "
                "advance the status or remove them",
            )
        ],
        id="LC002 processing fields",
    ),
    pytest.param(
        {S: source("unprocessed", CLAIMS), C: CITING},
        [(S, 6, 1, "LC002", "error", "the source has claims_extracted")],
        id="LC002 extracted claims",
    ),
    # -- LC003 null-result-inconsistent
    pytest.param(
        {S: source("null-result", BY + "notes: only a press release\n")}, [], id="LC003 clean"
    ),
    pytest.param(
        {S: source("null-result", BY + "extraction_notes: duplicate of another source\n")},
        [],
        id="LC003 extraction_notes is a reason",
    ),
    pytest.param(
        {S: source("null-result", "null_result_reason: paywalled\n")},
        [(S, 6, 1, "LC003", "error", "status is 'null-result' but processed_by is missing")],
        id="LC003 no processed_by",
    ),
    pytest.param(
        {S: source("null-result", BY + "notes: ''\n")},
        [(S, 6, 1, "LC003", "error", "no reason is given")],
        id="LC003 blank reason",
    ),
    pytest.param(
        {S: source("null-result", BY + "notes: x\n" + CLAIMS), C: CITING},
        [(S, 9, 1, "LC003", "error", "claims_extracted lists 1 claim(s)")],
        id="LC003 extracted claims, at their line",
    ),
    # -- LC004 enrichment-incomplete
    pytest.param({S: source("enrichment", BY + DATE + ENRICH), C: ENRICHED}, [], id="LC004 clean"),
    pytest.param(
        {S: source("enrichment", BY + DATE + "enrichments:\n  - c\n"), C: ENRICHED},
        [(S, 9, 1, "FM008", "warning", "legacy field 'enrichments'")],
        id="LC004 the legacy field counts",
    ),
    pytest.param(
        {S: source("enrichment")},
        [
            (S, 6, 1, "LC004", "error", "status is 'enrichment' but processed_by is missing"),
            (S, 6, 1, "LC004", "error", "status is 'enrichment' but processed_date is missing"),
            (S, 6, 1, "LC004", "error", "enrichments_applied lists no claim"),
        ],
        id="LC004 everything missing",
    ),
    # -- processing and partial need nothing
    pytest.param(
        {S: source("processing"), "inbox/archive/t.md": source("partial", BY)},
        [],
        id="processing and partial",
    ),
    # -- LC005 unknown-agent
    pytest.param(
        {S: source("processing", "processed_by: theseus\n")}, [], id="LC005 an agent folder"
    ),
    pytest.param(
        {S: source("processing", "processed_by: Theseus\n")},
        [(S, 7, 1, "LC005", "error", "processed_by 'Theseus' is not an agent folder")],
        id="LC005 wrong case",
    ),
    pytest.param(
        {S: source("processing", "processed_by: nobody\n")},
        [(S, 7, 1, "LC005", "error", "processed_by 'nobody' is not an agent folder")],
        id="LC005 nobody close",
    ),
    pytest.param(
        {S: source("processed", "processed_by: [rio, nobody]\n" + DATE + CLAIMS), C: CITING},
        [(S, 7, 1, "LC005", "error", "processed_by 'nobody' is not an agent folder")],
        id="regression: LC005 checks each agent of a list, LC001 counts the list",
    ),
    pytest.param(
        {S: source("processing", "processed_by: m3taversal\n"), "agents/m3taversal/x.md": "x\n"},
        [],
        id="LC005 every folder under agents/ is an agent",
    ),
    pytest.param(
        {
            S: source("processing", "processed_by: m3taversal\n"),
            ".codex-hooks.yaml": "agents: [m3taversal]\n",
        },
        [],
        id="LC005 configured agents",
    ),
    pytest.param(
        {
            S: source("processing", "processed_by: rio\n"),
            "agents/rio/identity.md": "x\n",
            "agents/README.md": "x\n",
        },
        [],
        id="LC005 files directly under agents/ are no agents",
    ),
]

#: A fix case whose fixes are guesses (similarity-scored, or taken from the folder).
UNSAFE = pytest.mark.unsafe_fixes

FIX = [
    pytest.param(
        {S: source("processing", "processed_by:\n  - rio\n  - Theseus  # second\n")},
        {S: source("processing", "processed_by:\n  - rio\n  - theseus  # second\n")},
        id="LC005 an entry of a list fixed in place",
    ),
    pytest.param(
        {S: source("processing", "processed_by: Theseus\n")},
        {S: source("processing", "processed_by: theseus\n")},
        id="LC005 wrong case fixed",
    ),
    pytest.param(
        {S: source("processing", "processed_by: 'rioo'\n")},
        {S: source("processing", "processed_by: 'rio'\n")},
        id="LC005 typo fixed in its quotes",
        marks=UNSAFE,
    ),
]

NOOP = [
    pytest.param({S: source("processed")}, id="LC001 has no fix"),
    pytest.param({S: source("unprocessed", BY + DATE)}, id="LC002 has no fix"),
    pytest.param({S: source("null-result", CLAIMS), C: CITING}, id="LC003 has no fix"),
    pytest.param({S: source("enrichment")}, id="LC004 has no fix"),
    pytest.param({S: source("processing", "processed_by: nobody\n")}, id="LC005 nobody close"),
    pytest.param(
        {S: source("processing", "processed_by: ri\n"), "agents/ria/x.md": "x\n"},
        id="LC005 two agents equally close",
    ),
]


test_check, test_fix, test_noop = rule_tables(CHECK, FIX, NOOP)


def test_agents_are_not_checked_without_an_agents_folder(tmp_path):
    write_kb(tmp_path, {S: source("processing", "processed_by: anyone\n")}, agents=False)
    assert check_kb(tmp_path) == []


def test_renamed_status_field(tmp_path):
    write_kb(
        tmp_path,
        {
            ".codex-hooks.yaml": "fields:\n  status: state\n  processed_by: reader\n",
            S: note("type: source\nstate: processed\nreader: rio\n"),
        },
    )
    assert_violations(
        check_kb(tmp_path),
        [
            (S, 3, 1, "LC001", "error", "processed_date is missing"),
            (S, 3, 1, "LC001", "error", "neither claims_extracted"),
        ],
    )


RENAMED = (
    "fields:\n  status: state\n  processed_by: reader\n  processed_date: read_on\n"
    "  claims_extracted: yields\n  enrichments_applied: enriches\n"
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            "state: processed\n",
            [
                "state is 'processed' but reader is missing",
                "state is 'processed' but read_on is missing",
                "state is 'processed' but neither yields nor enriches lists a claim",
            ],
            id="LC001",
        ),
        pytest.param(
            "state: unprocessed\nreader: rio\nyields: [c]\n",
            ["state is 'unprocessed' but the source has reader, yields: advance"],
            id="LC002",
        ),
        pytest.param(
            "state: null-result\nreader: rio\nnotes: x\nyields: [c]\n",
            ["state is 'null-result' but yields lists 1 claim(s)"],
            id="LC003",
        ),
        pytest.param(
            "state: enrichment\nreader: rio\nread_on: 2026-01-01\n",
            ["state is 'enrichment' but enriches lists no claim"],
            id="LC004",
        ),
    ],
)
def test_regression_messages_use_the_knowledge_bases_field_names(tmp_path, fields, expected):
    """Messages named the default fields even where the knowledge base renamed them."""
    write_kb(
        tmp_path,
        {
            ".codex-hooks.yaml": RENAMED + "ignore: [BL]\n",
            S: note("type: source\n" + fields),
        },
    )
    found = [v[5] for v in check_kb(tmp_path)]
    assert len(found) == len(expected)
    for message, part in zip(found, expected, strict=True):
        assert message.startswith(part)


def _ids(cases) -> set[str]:
    return {str(p.id).split()[0] for p in cases}


def test_every_lifecycle_rule_has_cases():
    codes = {c for c in REGISTRY if c.startswith("LC")}
    fixable = {c for c in codes if REGISTRY[c].fix_safety}
    reported = {row[3] for p in CHECK for row in p.values[1]}
    assert codes <= _ids(CHECK) and codes <= reported
    assert fixable <= _ids(FIX)
    assert codes <= _ids(NOOP)
