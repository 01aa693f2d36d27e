"""BL0xx: links between claims and sources, both ways. Cases are data: ``{path: text}``
→ expected violations, the exact texts after ``fix``, or notes left byte for byte."""

from __future__ import annotations

import builtins
import pathlib

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
    rule_tables,
    run_git,
    snapshot,
    source,
    write_kb,
)

from codex_hooks.model import REGISTRY

C = "domains/ai-alignment/c.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
T = "inbox/archive/t.md"

#: Frontmatter of a processed source, before its link lists.
DONE = "processed_by: rio\nprocessed_date: 2026-01-06\n"


def cites(*paths: str, body: str = "") -> str:
    """A claim whose sourced_from names ``paths`` (a string for one, a list for more)."""
    if len(paths) == 1:
        return claim(extra=f"sourced_from: {paths[0]}\n", body=body)
    items = "".join(f"  - {p}\n" for p in paths)
    return claim(extra=f"sourced_from:\n{items}", body=body)


def with_sourced_from(value: str) -> str:
    """The text BL003 gives a claim without sourced_from: the key goes after source."""
    return claim().replace('some paper"\n', f'some paper"\nsourced_from: {value}\n')


def evidence(title: str) -> str:
    return (
        "\nSome text.\n\n### Additional Evidence (extend)\n"
        f"*Source: [[{title}]] | Added: 2026-01-07 | Extractor: x*\n"
    )


def enriching(*entries: str, key: str = "enrichments_applied") -> str:
    items = "".join(f"  - {e}\n" for e in entries)
    return source("enrichment", DONE + f"{key}:\n{items}")


CHECK = [
    # -- BL001 claims-extracted-unresolved
    pytest.param({S: processed(["c"]), C: cites(S)}, [], id="BL001 clean"),
    pytest.param(
        {S: processed(["'[[c]]'", "c.md", "C", "'[[c|shown]]'"]), C: cites(S)},
        [],
        id="BL001 links, file names and case all resolve",
    ),
    pytest.param(
        {S: processed(["no such claim"])},
        [(S, 9, 1, "BL001", "error", "claims_extracted entry 'no such claim' names no note")],
        id="BL001 names nothing",
    ),
    pytest.param(
        {S: processed(["futarchy prices policies by welfare"]), C: cites(S)},
        [
            (C, 8, 1, "BL004", "error", "inbox/archive/s.md does not list this claim"),
            (S, 9, 1, "BL001", "error", "names no note"),
        ],
        id="BL001 and BL004 when the entry names nothing close",
    ),
    pytest.param(
        {
            S: processed(["a claim about futarchy marketz"]),
            "domains/ai-alignment/a claim about futarchy markets.md": cites(S),
        },
        [
            (
                S,
                9,
                1,
                "BL001",
                "error",
                "(did you mean 'a claim about futarchy markets'?)",
            )
        ],
        id="BL001 drifted title, one clear match",
    ),
    pytest.param(
        {
            S: processed(["a claim about futarchy market"]),
            "domains/ai-alignment/a claim about futarchy markets.md": claim(),
            "domains/ai-alignment/a claim about futarchy marker.md": claim(),
        },
        [
            (
                S,
                9,
                1,
                "BL001",
                "error",
                "(did you mean 'a claim about futarchy markets' or 'a claim about futarchy "
                "marker'?)",
            )
        ],
        id="BL001 two close titles",
    ),
    # -- BL002 enrichment-unresolved
    pytest.param({S: enriching("c.md"), C: claim(body=evidence("s"))}, [], id="BL002 clean"),
    pytest.param(
        {S: enriching("no such claim")},
        [(S, 9, 1, "BL002", "warning", "enrichments_applied entry 'no such claim' names no note")],
        id="BL002 names nothing",
    ),
    pytest.param(
        {S: enriching("no such claim", key="enrichments")},
        [
            (S, 9, 1, "BL002", "warning", "enrichments entry 'no such claim' names no note"),
            (S, 9, 1, "FM008", "warning", "legacy field 'enrichments'"),
        ],
        id="regression: BL002 checks the legacy enrichments field too",
    ),
    # -- BL003 missing-sourced-from
    pytest.param(
        {S: processed(["c"]), C: claim()},
        [
            (
                C,
                1,
                1,
                "BL003",
                "error",
                "inbox/archive/s.md lists this claim in claims_extracted, but sourced_from "
                "does not name it",
            )
        ],
        id="BL003 reported on the claim",
    ),
    pytest.param(
        {S: processed(["c"]), T: processed(["c"]), C: cites(S)},
        [(C, 8, 1, "BL003", "error", "inbox/archive/t.md lists this claim")],
        id="BL003 second source missing",
    ),
    pytest.param(
        {S: processed(["c"]), C: cites("./inbox/archive/s.md")},
        [],
        id="BL003 a ./ path names the source",
    ),
    pytest.param(
        {
            S: processed(["futarchy enables conditional ownership coin"]),
            "domains/ai-alignment/futarchy enables conditional ownership coins.md": claim(),
        },
        [
            (
                "domains/ai-alignment/futarchy enables conditional ownership coins.md",
                1,
                1,
                "BL003",
                "error",
                "inbox/archive/s.md lists this claim",
            ),
            (
                S,
                9,
                1,
                "BL001",
                "error",
                "did you mean 'futarchy enables conditional ownership coins'",
            ),
        ],
        id="regression: BL003 sees a drifted entry from the claim's side too",
    ),
    pytest.param(
        {S: processed(["c"]), C: claim(), "domains/health/c.md": claim("health")},
        [],
        id="BL003 an entry naming two notes links neither",
    ),
    # -- BL004 missing-claims-extracted
    pytest.param(
        {S: source("processing"), C: cites(S)},
        [(C, 8, 1, "BL004", "error", "inbox/archive/s.md does not list this claim in claims")],
        id="BL004 reported on the claim",
    ),
    pytest.param(
        {S: enriching("c"), C: cites(S, body=evidence("s"))},
        [(C, 8, 1, "BL004", "error", "lists 'c' only in enrichments_applied")],
        id="BL004 an enrichment is not an extraction",
    ),
    pytest.param(
        {S: source("unprocessed"), C: cites(S)},
        [(C, 8, 1, "BL004", "error", "and its status 'unprocessed' forbids one")],
        id="regression: BL004 on an unprocessed source",
    ),
    pytest.param(
        {S: source("null-result", "processed_by: rio\nnotes: x\n"), C: cites(S)},
        [(C, 8, 1, "BL004", "error", "and its status 'null-result' forbids one")],
        id="regression: BL004 on a null-result source",
    ),
    pytest.param(
        {S: source("processing"), C: cites(S, S)},
        [(C, 8, 1, "BL004", "error", "inbox/archive/s.md does not list this claim")],
        id="regression: BL004 reports a source named twice once",
    ),
    # -- BL005 sourced-from-unresolved
    pytest.param(
        {S: processed(["c"]), C: cites("inbox/s.md")},
        [
            (
                C,
                8,
                1,
                "BL005",
                "error",
                "sourced_from entry 'inbox/s.md' names no note (moved to inbox/archive/s.md?)",
            )
        ],
        id="BL005 one note has the file name",
    ),
    pytest.param(
        {C: cites("inbox/archive/gone.md")},
        [(C, 8, 1, "BL005", "error", "sourced_from entry 'inbox/archive/gone.md' names no note")],
        id="BL005 nothing of that name",
    ),
    pytest.param(
        {S: source("processing"), "inbox/other/s.md": source("processing"), C: cites("s.md")},
        [
            (
                C,
                8,
                1,
                "BL005",
                "error",
                "names no note; candidates: inbox/archive/s.md, inbox/other/s.md",
            )
        ],
        id="BL005 two notes of that name",
    ),
    pytest.param(
        {C: cites("../../etc/passwd", "/etc/passwd", "inbox/../../x.md")},
        [
            (C, 8, 1, "BL005", "error", "'../../etc/passwd' points outside the repository"),
            (C, 8, 1, "BL005", "error", "'/etc/passwd' points outside the repository"),
            (C, 8, 1, "BL005", "error", "'inbox/../../x.md' points outside the repository"),
        ],
        id="BL005 paths leading out",
    ),
    # -- BL006 sourced-from-not-a-source
    pytest.param(
        {C: cites(D), D: claim(), "maps/m.md": note("type: map\n"), T: cites("maps/m.md")},
        [
            (C, 8, 1, "BL006", "warning", f"sourced_from entry '{D}' is a claim, not a source"),
            (T, 8, 1, "BL006", "warning", "sourced_from entry 'maps/m.md' is a map"),
        ],
        id="BL006 a claim and a map",
    ),
    # -- BL007 enrichment-evidence-mismatch
    pytest.param(
        {S: enriching("c"), C: claim(body=evidence("s"))}, [], id="BL007 both sides agree"
    ),
    pytest.param(
        {S: processed(["c"]), C: cites(S, body=evidence("s"))},
        [],
        id="BL007 an extracting source may cite the claim too",
    ),
    pytest.param(
        {S: enriching("c"), C: claim()},
        [(S, 9, 1, "BL007", "warning", "'c' has no Additional Evidence block citing [[s]]")],
        id="BL007 no evidence block in the claim",
    ),
    pytest.param(
        {S: source("processing"), C: claim(body=evidence("s"))},
        [
            (
                C,
                13,
                10,
                "BL007",
                "warning",
                "Additional Evidence cites [[s]], but that source's enrichments_applied does "
                "not list this claim",
            )
        ],
        id="BL007 not listed by the source, reported at the link",
    ),
    pytest.param(
        {S: enriching("c", key="enrichments"), C: claim(body=evidence("s"))},
        [(S, 9, 1, "FM008", "warning", "legacy field")],
        id="regression: BL007 reads the legacy enrichments field",
    ),
    pytest.param(
        {C: claim(body=evidence("no such source"))},
        [],
        id="BL007 a citation of nothing is for the wiki-link rules",
    ),
    # -- BL008 duplicate-source (more cases, and the notes checked, in
    # test_rules_duplicates.py)
    pytest.param(
        {
            S: source(extra="url: https://example.org/2025/a\n"),
            T: source(extra="url: https://example.org/2025/b\n"),
        },
        [],
        id="BL008 two pages of one site",
    ),
    pytest.param(
        {
            S: source(extra="url: https://example.org/2025/a\n"),
            T: source(extra="url: http://www.example.org/2025/a/\n"),
        },
        [(S, 7, 1, "BL008", "warning", f"records the same work as {T} (example.org/2025/a)")],
        id="BL008 one page archived twice",
    ),
]


#: A fix case whose fixes are guesses (similarity-scored, or taken from the folder).
UNSAFE = pytest.mark.unsafe_fixes

FIX = [
    # BL001 / BL002
    pytest.param(
        {
            S: processed(["a claim about futarchy marketz"]),
            "domains/ai-alignment/a claim about futarchy markets.md": cites(S),
        },
        {S: processed(["a claim about futarchy markets"])},
        id="BL001 drifted title rewritten",
        marks=UNSAFE,
    ),
    pytest.param(
        {
            S: enriching('"a claim about futarchy marketz.md"'),
            "domains/ai-alignment/a claim about futarchy markets.md": claim(body=evidence("s")),
        },
        {S: enriching('"a claim about futarchy markets"')},
        id="BL002 drifted title rewritten in its quotes",
        marks=UNSAFE,
    ),
    # BL003
    pytest.param(
        {S: processed(["c"]), C: claim()},
        {C: with_sourced_from(S)},
        id="BL003 sourced_from added after source",
    ),
    pytest.param(
        {S: processed(["c"]), T: processed(["c"]), C: claim()},
        {C: with_sourced_from(f"\n  - {S}\n  - {T}").replace(": \n", ":\n")},
        id="BL003 a claim listed by two sources names both",
    ),
    pytest.param(
        {S: processed(["c"]), T: processed(["c"]), C: cites(S)},
        {C: cites(S, T)},
        id="BL003 a lone path becomes a list",
    ),
    pytest.param(
        {S: processed(["c"]), T: processed(["c"]), C: claim(extra=f"sourced_from: [{S}]\n")},
        {C: claim(extra=f"sourced_from: [{S}, {T}]\n")},
        id="BL003 a flow list stays a flow list",
    ),
    pytest.param(
        {S: processed(["c"]), C: claim(extra="sourced_from:\n")},
        {C: claim(extra=f'sourced_from: "{S}"\n')},
        id="BL003 an empty sourced_from is set, quoted like the note's values",
    ),
    pytest.param(
        {S: processed(["c"]), C: "\ufeff" + claim().replace("\n", "\r\n")},
        {C: "\ufeff" + with_sourced_from(S).replace("\n", "\r\n")},
        id="BL003 BOM and CRLF kept",
    ),
    pytest.param(
        {"inbox/archive/a: “b” — 😀.md": processed(["c"]), C: claim()},
        {C: with_sourced_from('"inbox/archive/a: “b” — 😀.md"')},
        id="BL003 a path YAML would misread is quoted",
    ),
    # BL004
    pytest.param(
        {
            S: source("processing", "claims_extracted: []\n"),
            "domains/ai-alignment/AI: it's *“c”* 😀.md": cites(S),
        },
        {S: source("processing", 'claims_extracted: ["AI: it\'s *“c”* 😀"]\n')},
        id="BL004 a title YAML would misread is quoted",
    ),
    pytest.param(
        {S: source("processing"), C: cites(S)},
        {S: source("processing", 'claims_extracted:\n  - "c"\n')},
        id="BL004 claims_extracted added, quoted like the note's values",
    ),
    pytest.param(
        {S: processed(["d"]), C: cites(S), D: cites(S)},
        {S: processed(["d", "c"])},
        id="BL004 title appended",
    ),
    pytest.param(
        {S: source("processing", "claims_extracted: ['d']\n"), C: cites(S), D: cites(S)},
        {S: source("processing", "claims_extracted: ['d', 'c']\n")},
        id="BL004 appended in the list's style",
    ),
    # BL005
    pytest.param(
        {S: processed(["c"]), C: cites("inbox/s.md")},
        {C: cites(S)},
        id="BL005 path rewritten to the one note of that name",
        marks=UNSAFE,
    ),
    pytest.param(
        {S: processed(["c"]), C: cites("'[[s]]'")},
        {C: cites(f"'{S}'")},
        id="BL005 a wiki link becomes the path",
    ),
    pytest.param(
        {S: processed(["c"]), C: cites(S, "inbox/s.md")},
        {C: claim(extra=f"sourced_from:\n  - {S}\n")},
        id="regression: BL005 drops a stale path whose note is listed already",
        marks=UNSAFE,
    ),
    # BL007
    pytest.param(
        {S: source("processing"), C: claim(body=evidence("s"))},
        {S: source("processing", 'enrichments_applied:\n  - "c"\n')},
        id="BL007 enrichments_applied added",
    ),
    pytest.param(
        {
            S: enriching("d", key="enrichments"),
            C: claim(body=evidence("s")),
            D: claim(body=evidence("s")),
        },
        {S: source("enrichment", DONE + "enrichments_applied:\n  - d\n  - c\n")},
        id="regression: BL007 adds to the legacy field, which FM008 then renames",
    ),
]


NOOP = [
    pytest.param({S: processed(["c"]), C: cites(S)}, id="BL001 BL003 BL004 linked both ways"),
    pytest.param({S: processed(["no such claim"])}, id="BL001 nothing close"),
    pytest.param(
        {
            S: processed(["a claim about futarchy market"]),
            "domains/ai-alignment/a claim about futarchy markets.md": claim(),
            "domains/ai-alignment/a claim about futarchy marker.md": claim(),
        },
        id="BL001 two close titles",
    ),
    pytest.param({S: enriching("no such claim")}, id="BL002 nothing close"),
    pytest.param(
        {S: processed(["c"]), C: claim(), "domains/health/c.md": claim("health")},
        id="BL003 an entry naming two claims",
    ),
    pytest.param({S: enriching("c"), C: cites(S, body=evidence("s"))}, id="BL004 enrichment"),
    pytest.param(
        {S: source("unprocessed"), C: cites(S)}, id="regression: BL004 unprocessed source"
    ),
    pytest.param(
        {S: source("null-result", "processed_by: rio\nnotes: x\n"), C: cites(S)},
        id="regression: BL004 null-result source",
    ),
    pytest.param({C: cites("inbox/archive/gone.md")}, id="BL005 nothing of that name"),
    pytest.param({C: cites("../../etc/passwd")}, id="BL005 a path leading out"),
    pytest.param(
        {S: source("processing"), "inbox/other/s.md": source("processing"), C: cites("s.md")},
        id="BL005 two notes of that name",
    ),
    pytest.param({C: cites(D), D: claim()}, id="BL006 has no fix"),
    pytest.param({S: enriching("c"), C: claim()}, id="BL007 the body is never written"),
    pytest.param(
        {
            S: source(extra="url: https://example.org/2025/a\n"),
            T: source(extra="url: https://example.org/2025/a\n"),
        },
        id="BL008 has no fix: a person merges the notes",
    ),
]


test_check, test_fix, test_noop = rule_tables(CHECK, FIX, NOOP)


# -- a pair is reported once, on the side being checked ---------------------------------


@pytest.mark.parametrize(
    ("files", "paths", "expected"),
    [
        pytest.param(
            {S: processed(["c"]), C: claim()},
            [S],
            [(S, 9, 1, "BL003", "error", "claim 'c' does not name this source in sourced_from")],
            id="BL003 only the source checked",
        ),
        pytest.param(
            {S: source("processing"), C: cites(S)},
            [S],
            [(S, 1, 1, "BL004", "error", "claim 'c' names this source in sourced_from, but")],
            id="BL004 only the source checked",
        ),
        pytest.param(
            {S: source("unprocessed"), C: cites(S)},
            [S],
            [(S, 1, 1, "BL004", "error", "does not list it, and its status 'unprocessed'")],
            id="BL004 only the source checked, unprocessed",
        ),
        pytest.param(
            {S: processed(["c"]), C: claim()},
            [C],
            [(C, 1, 1, "BL003", "error", "inbox/archive/s.md lists this claim")],
            id="BL003 only the claim checked",
        ),
    ],
)
def test_one_side_checked(tmp_path, files, paths, expected):
    write_kb(tmp_path, files)
    assert_violations(check_kb(tmp_path, paths), expected)


@pytest.mark.parametrize(
    ("files", "paths", "expected"),
    [
        pytest.param(
            {S: processed(["c"]), C: claim()},
            [S],
            {C: with_sourced_from(S)},
            id="BL003 the source checked, the claim written",
        ),
        pytest.param(
            {S: source("processing"), C: cites(S)},
            [C],
            {S: source("processing", 'claims_extracted:\n  - "c"\n')},
            id="BL004 the claim checked, the source written",
        ),
    ],
)
def test_fix_writes_the_other_side(tmp_path, files, paths, expected):
    write_kb(tmp_path, files)
    fix_kb(tmp_path, expected, paths)


# -- with git -------------------------------------------------------------------------


def test_fix_writes_the_unstaged_side_of_a_staged_note(tmp_path):
    """Only the new source is staged; the claim it lists is not, and is written anyway."""
    write_kb(tmp_path, {C: claim()}, git=True)
    (tmp_path / S).parent.mkdir(parents=True)
    (tmp_path / S).write_text(processed(["c"]))
    run_git(tmp_path, "add", S)
    code, out, _ = cli(tmp_path, "check")
    assert (code, out) == (
        1,
        f"{S}:9:1: BL003 claim 'c' does not name this source in sourced_from\n",
    )
    code, out, _ = cli(tmp_path, "fix")
    assert (code, out) == (1, f"Fixing {C}: add {S} to sourced_from\n")
    assert read(tmp_path, C) == with_sourced_from(S)
    assert run_git(tmp_path, "status", "--porcelain") == f" M {C}\nA  {S}\n"


def test_fix_writes_the_unstaged_source_of_a_staged_claim(tmp_path):
    write_kb(tmp_path, {S: source("processing")}, git=True)
    (tmp_path / C).parent.mkdir(parents=True)
    (tmp_path / C).write_text(cites(S))
    run_git(tmp_path, "add", C)
    code, out, _ = cli(tmp_path, "fix")
    assert (code, out) == (1, f"Fixing {S}: add 'c' to claims_extracted\n")
    assert read(tmp_path, S) == source("processing", 'claims_extracted:\n  - "c"\n')


def test_git_mv_of_a_source_repoints_sourced_from(tmp_path):
    old = "inbox/archive/2026-01-00-draft-name.md"
    new = "inbox/archive/2026-01-07-final-name.md"
    write_kb(tmp_path, {old: processed(["c"]), C: cites(old)}, git=True)
    run_git(tmp_path, "mv", old, new)
    assert_violations(
        check_kb(tmp_path),
        [(C, 8, 1, "BL005", "error", f"'{old}' names no note (moved to {new}?)")],
    )
    # Regression: BL003 also added the new path, so the claim named it twice.
    fix_kb(tmp_path, {C: cites(new)})


def test_git_mv_without_commit_of_both_sides(tmp_path):
    """A rename in a repository with no commit yet: nothing to compare with, the file
    name decides, and that is a guess: only an unsafe fix repoints the path."""
    write_kb(tmp_path, {S: processed(["c"]), C: cites("inbox/s.md")}, git=True, commit=False)
    fix_kb(tmp_path, {})
    fix_kb(tmp_path, {C: cites(S)}, unsafe_fixes=True)


def test_path_leading_out_is_never_opened(tmp_path, monkeypatch):
    root = tmp_path / "a" / "kb"
    secret = tmp_path / "etc" / "passwd"
    secret.parent.mkdir(parents=True)
    secret.write_text(source("processing"))
    write_kb(root, {C: cites("../../etc/passwd")})
    opened: list[str] = []
    real_open, real_read = builtins.open, pathlib.Path.read_bytes

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_read(self):
        opened.append(str(self))
        return real_read(self)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy_read)
    assert_violations(
        check_kb(root),
        [(C, 8, 1, "BL005", "error", "'../../etc/passwd' points outside the repository")],
    )
    fix_kb(root, {})
    assert opened and not [p for p in opened if "passwd" in p]
    assert secret.read_text() == source("processing")


def test_check_never_changes_a_file(tmp_path):
    write_kb(tmp_path, {S: processed(["c"]), C: claim(), T: source("processing"), D: cites(T)})
    before = snapshot(tmp_path)
    assert len(check_kb(tmp_path)) == 2
    assert cli(tmp_path, "check", "--all-files", "--root", str(tmp_path))[0] == 1
    assert snapshot(tmp_path) == before


def _ids(cases) -> set[str]:
    return {str(p.id).split()[0] for p in cases}


def test_every_link_rule_has_cases():
    codes = {c for c in REGISTRY if c.startswith("BL")}
    fixable = {c for c in codes if REGISTRY[c].fix_safety}
    reported = {row[3] for p in CHECK for row in p.values[1]}
    assert codes <= _ids(CHECK) and codes <= reported
    assert fixable - {"BL006"} <= _ids(FIX)
    assert codes <= {code for p in NOOP for code in str(p.id).split() if code[:2] == "BL"}


# -- BL003 never completes a listing that the claim's own citation contradicts


def _mixdpo_kb() -> dict[str, str]:
    """Two papers on one topic with similar titles; the pluralistic-values note wrongly
    lists the MixDPO claim, whose source names MixDPO's arXiv id."""
    mixdpo = "inbox/archive/2026-01-00-mixdpo-preference-strength.md"
    plural = "inbox/archive/2025-11-00-pluralistic-values.md"
    claim_text = claim().replace(
        'source: "Someone, some paper"', 'source: "Theseus via arXiv 2601.06180 (MixDPO)"'
    )
    return {
        mixdpo: source("unprocessed", "url: https://arxiv.org/abs/2601.06180\n"),
        plural: source(
            "processed",
            "url: https://arxiv.org/abs/2511.14476\n" + DONE + "claims_extracted:\n  - c\n",
        ),
        C: claim_text,
    }


@pytest.mark.parametrize("checked", [None, [C], ["inbox/archive/2025-11-00-pluralistic-values.md"]])
def test_bl003_reports_a_listing_the_claims_arxiv_id_contradicts(tmp_path, checked) -> None:
    root = write_kb(tmp_path, _mixdpo_kb())
    found = [f for f in check_kb(root, checked) if f[3] == "BL003"]
    assert len(found) == 1, found
    assert "cites arXiv 2601.06180" in found[0][5]
    assert "not linked automatically" in found[0][5]
    before = snapshot(root)
    result = load_kb_fix(root, checked)
    assert "domains/ai-alignment/c.md" not in result.changed_paths
    assert snapshot(root)[C] == before[C]


def test_bl003_still_fixes_when_the_listing_source_carries_the_cited_id(tmp_path) -> None:
    files = _mixdpo_kb()
    files["inbox/archive/2025-11-00-pluralistic-values.md"] = files[
        "inbox/archive/2025-11-00-pluralistic-values.md"
    ].replace("2511.14476", "2601.06180")
    root = write_kb(tmp_path, files)
    result = load_kb_fix(root, None)
    assert C in result.changed_paths
    assert "sourced_from: inbox/archive/2025-11-00-pluralistic-values.md\n" in read(root, C)


def load_kb_fix(root, paths):
    from kbutil import load_kb

    return load_kb(root).fix(paths)
