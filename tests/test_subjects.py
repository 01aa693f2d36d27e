"""Every rule names what its finding is about (its subject), which the baseline keys on:
the key, the list entry, the link target, or the other note of a pair."""

from __future__ import annotations

from pathlib import Path

from kbutil import claim, note, processed, run_git, source, write_kb

from codex_hooks import KnowledgeBase
from codex_hooks.model import REGISTRY

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
E = "domains/ai-alignment/e.md"
S = "inbox/archive/s.md"
SP = "inbox/archive/processed.md"
SN = "inbox/archive/null.md"
SE = "inbox/archive/enrich.md"
SU = "inbox/archive/unprocessed.md"
M = "maps/m.md"


def subjects(root: Path, paths: list[str] | None = None) -> list[tuple[str, str, str]]:
    config_kb = KnowledgeBase.load(root, cache=False)
    config_kb.config.severity["WL003"] = "warning"  # off unless enabled
    return sorted((v.path, v.code, v.subject) for v in config_kb.check(paths, baseline=False))


def test_subjects_of_the_field_and_lifecycle_rules(tmp_path):
    write_kb(
        tmp_path,
        {
            C: note(
                "type: claim\ndomain: health\nconfidence: sure\ncreated: 2026-02-30\ntags: one\n"
            ),
            SP: source("processed"),
            SN: source("null-result", "claims_extracted:\n  - c\n"),
            SE: source("enrichment"),
            SU: source("unprocessed", "processed_by: [rio, Nobody]\n").replace(
                "format: paper", "format: zine"
            ),
            "inbox/archive/legacy.md": source("procesing", "enrichments: []\n").replace(
                "domain: ai-alignment", "domain: healthy"
            ),
        },
    )
    found = subjects(tmp_path)
    assert found == [
        (C, "BL003", SN),  # the pair, on the claim in a whole check
        (C, "FM001", "description"),
        (C, "FM001", "source"),
        (C, "FM003", "confidence"),
        (C, "FM006", "created"),
        (C, "FM007", "tags"),
        (C, "FM009", "domain"),
        (SE, "LC004", "enrichments_applied"),
        (SE, "LC004", "processed_by"),
        (SE, "LC004", "processed_date"),
        ("inbox/archive/legacy.md", "FM002", "status"),
        ("inbox/archive/legacy.md", "FM004", "domain"),
        ("inbox/archive/legacy.md", "FM008", "enrichments"),
        (SN, "LC003", "claims_extracted"),
        (SN, "LC003", "processed_by"),
        (SN, "LC003", "status"),
        (SP, "LC001", "claims_extracted"),
        (SP, "LC001", "processed_by"),
        (SP, "LC001", "processed_date"),
        (SU, "FM005", "format"),
        (SU, "LC002", "status"),
        (SU, "LC005", "Nobody"),
    ]


def test_subjects_of_the_link_rules(tmp_path):
    write_kb(
        tmp_path,
        {
            C: claim(
                extra=f"sourced_from:\n  - {S}\n  - inbox/gone.md\n  - {D}\n"
                "depends_on:\n  - a title never written\n  - '[[another one|shown]]'\n",
                body="[[twin]] [[d#No Such Heading]] [[lost#part|text]]\n"
                "### Additional Evidence (extend)\n*Source: [[s2]] | Added: 2026-02-01*\n",
            ),
            D: claim(),
            E: claim(),
            S: processed(
                ["d", "not a claim we have"],
                "enrichments_applied:\n  - e\n  - an enrichment gone\n",
            ),
            "inbox/archive/s2.md": source("processed"),
            "domains/a/twin.md": "x\n",
            "domains/b/twin.md": "y\n",
        },
    )
    found = [f for f in subjects(tmp_path) if f[1] not in ("LC001",)]
    assert found == [
        ("domains/a/twin.md", "WL006", "twin"),  # once per note whose name another has
        (C, "BL004", S),
        (C, "BL005", "inbox/gone.md"),
        (C, "BL006", D),
        (C, "BL007", "inbox/archive/s2.md"),
        (C, "WL001", "lost"),
        (C, "WL002", "twin"),
        (C, "WL003", "d#No Such Heading"),
        (C, "WL004", "a title never written"),
        (C, "WL004", "another one"),
        (D, "BL003", S),
        ("domains/b/twin.md", "WL006", "twin"),
        (S, "BL001", "not a claim we have"),
        (S, "BL002", "an enrichment gone"),
        (S, "BL007", E),
    ]
    # Checked alone, a source reports the pair on its side: its subject is the claim.
    assert [f for f in subjects(tmp_path, [S]) if f[1] == "BL004"] == [(S, "BL004", C)]


def test_subjects_of_renamed_note_references(tmp_path):
    write_kb(tmp_path, {C: claim(body="See [[d]].\n"), D: claim()}, git=True)
    run_git(tmp_path, "mv", D, E)
    assert subjects(tmp_path, [C]) == [(C, "WL005", E)]
    # A commit that only renames reports it on the renamed note, naming the other note.
    assert subjects(tmp_path, [E]) == [(E, "WL005", C)]


def test_subjects_of_the_bad_input_rules(tmp_path):
    write_kb(
        tmp_path,
        {
            C: claim(),
            D: "",  # an empty note where claims live: about the whole note
            S: source("processed", "claims_extracted: 0\n"),
        },
    )
    found = [f for f in subjects(tmp_path) if f[1] in ("FM010", "FM011")]
    assert found == [(D, "FM010", ""), (S, "FM011", "claims_extracted")]


def test_subject_of_a_duplicate_source_is_the_other_note(tmp_path):
    url = "url: https://example.org/2025/article\n"
    write_kb(tmp_path, {SP: source("unprocessed", url), SU: source("unprocessed", url)})
    found = [f for f in subjects(tmp_path) if f[1] == "BL008"]
    assert found == [(SP, "BL008", SU)]
    assert [f for f in subjects(tmp_path, [SU]) if f[1] == "BL008"] == [(SU, "BL008", SP)]


def test_every_rule_is_covered_here():
    covered = {
        *("FM001", "FM002", "FM003", "FM004", "FM005", "FM006", "FM007", "FM008", "FM009"),
        *("FM010", "FM011"),
        *("LC001", "LC002", "LC003", "LC004", "LC005"),
        *("BL001", "BL002", "BL003", "BL004", "BL005", "BL006", "BL007", "BL008"),
        *("WL001", "WL002", "WL003", "WL004", "WL005", "WL006"),
    }
    assert set(REGISTRY) <= covered, set(REGISTRY) - covered
