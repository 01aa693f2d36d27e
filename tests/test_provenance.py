"""Provenance you can take at face value: the commit that added a claim, two notes of one
work, co-sources, and confidence that never reads 1. Synthetic notes, real git commits."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from kbutil import read, run_cli, run_git, write_kb

from codex_hooks.infer import DEFAULT_THRESHOLD, Linker
from codex_hooks.infer.constants import EARLY, Q_LATER
from codex_hooks.kb import KnowledgeBase

FILLER = {
    f"inbox/archive/filler-{i}.md": (
        f'---\ntype: source\ntitle: "Field notes on plot{i}"\nauthor: "Anon Surveyor{i}"\n'
        f"date: 2024-01-02\ndomain: health\nstatus: processed\n---\n\n"
        f"The plot{i} survey counts every tree of plot{i} in the valley.\n"
    )
    for i in range(40)
}


def claim(title: str, cited: str, body: str, domain: str = "culture") -> str:
    return (
        f"---\ntype: claim\ndomain: {domain}\n"
        f'description: "{title}"\nconfidence: likely\n'
        f'source: "{cited}"\ncreated: 2026-03-01\n'
        f"---\n\n# {title}\n\n{body}\n"
    )


def article(title: str, url: str, body: str) -> str:
    return (
        "---\ntype: source\n"
        f'title: "{title}"\nauthor: "Mara Quell"\nurl: {url}\ndate: 2025-12-16\n'
        "domain: culture\nformat: article\nstatus: processed\n"
        f"---\n\n# {title}\n\n{body}\n"
    )


def commit(root: Path, message: str, files: dict[str, str], when: str = "") -> None:
    """Commit ``files`` with ``message`` (at ``when``, an ISO time, when given)."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    run_git(root, "add", "-A")
    saved = os.environ.get("GIT_COMMITTER_DATE")
    if when:
        os.environ["GIT_COMMITTER_DATE"] = when
    try:
        run_git(root, "commit", "-q", "-m", message)
    finally:
        if saved is None:
            os.environ.pop("GIT_COMMITTER_DATE", None)
        else:
            os.environ["GIT_COMMITTER_DATE"] = saved


# -- two notes of one article: the commit message names the right one ------------------

FIRST = "inbox/archive/2025-12-16-quell-guild-community-credibility.md"
SECOND = "inbox/archive/2025-12-16-quell-guild-community-credibility-2.md"
URL = "https://guildjournal.example.org/2025/12/community-credibility"
C = "inbox/archive/infinite-tv.md"
CLAIM_A = "domains/culture/guilds earn credibility by publishing their ledgers.md"
CLAIM_B = "domains/culture/guild credibility decays when elders stop teaching.md"
CITED = "Mara Quell, 'Community Credibility in the Lantern Guilds' (Dec 2025)"


def two_passes(tmp_path: Path, messages: tuple[str, str]) -> Path:
    body = "Guilds publish ledgers; elders teach apprentices; credibility follows both."
    root = write_kb(tmp_path / "kb", {}, git=True, commit=False)
    commit(root, "archive field notes", FILLER)
    commit(
        root,
        "archive the guild article twice",
        {
            FIRST: article("Community Credibility in the Lantern Guilds", URL, body),
            SECOND: article("Community Credibility in the Lantern Guilds", URL + "/", body),
        },
    )
    commit(
        root,
        messages[0],
        {CLAIM_A: claim("guilds earn credibility by publishing their ledgers", CITED, body)},
    )
    commit(
        root,
        messages[1],
        {CLAIM_B: claim("guild credibility decays when elders stop teaching", CITED, body)},
    )
    return root


def test_the_commit_message_names_which_of_two_notes_of_one_article(tmp_path: Path) -> None:
    root = two_passes(
        tmp_path,
        (
            "extract claims from 2025-12-16-quell-guild-community-credibility",
            "extract claims from 2025-12-16-quell-guild-community-credibility-2",
        ),
    )
    linker = Linker(KnowledgeBase.load(root, cache=False))
    assert linker.duplicates == {FIRST: {SECOND}, SECOND: {FIRST}}
    result = linker.run()
    assert {(p.claim, p.source, p.role) for p in result.proposals} == {
        (CLAIM_A, FIRST, "primary"),
        (CLAIM_B, SECOND, "primary"),
    }
    assert result.abstained == []
    a = next(p for p in result.proposals if p.claim == CLAIM_A)
    assert any("names this source" in r.text and r.weight > 0 for r in a.evidence)
    data = json.loads(run_cli(root, "link", "--format", "json", "--no-cache").stdout)
    assert [(p["claim"], p["source"], p["role"]) for p in data["proposals"]] == [
        (CLAIM_B, SECOND, "primary"),
        (CLAIM_A, FIRST, "primary"),
    ]
    run = run_cli(root, "link", "--write", "--no-cache")
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"sourced_from: {FIRST}\n" in read(root, CLAIM_A)
    assert f"sourced_from: {SECOND}\n" in read(root, CLAIM_B)
    assert 'claims_extracted:\n  - "guilds earn credibility by publishing their ledgers"\n' in read(
        root, FIRST
    )
    assert "guild credibility decays" not in read(root, FIRST)
    assert "guilds earn credibility" not in read(root, SECOND)


def test_two_notes_of_one_article_and_nothing_to_tell_them_apart_abstain(
    tmp_path: Path,
) -> None:
    root = two_passes(tmp_path, ("add a claim", "add another claim"))
    result = Linker(KnowledgeBase.load(root, cache=False)).run()
    assert result.proposals == []
    assert [(a.claim, a.reason) for a in result.abstained] == [
        (CLAIM_B, "duplicate"),
        (CLAIM_A, "duplicate"),
    ]
    assert {c.source for c in result.abstained[0].candidates} == {FIRST, SECOND}
    run = run_cli(root, "link", "--no-cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "not linked: its source is one work recorded by two notes" in run.stdout
    assert run.stderr == "0 proposal(s), 0 co-source(s), 2 abstention(s), 0 conflict(s).\n"


def test_a_commit_message_never_outweighs_a_citation_that_names_another_paper(
    tmp_path: Path,
) -> None:
    paper = (
        '---\ntype: source\ntitle: "{t}"\nauthor: "Ines Varga"\nurl: https://arxiv.org/abs/{a}\n'
        "date: 2025-11-01\ndomain: culture\nstatus: processed\n---\n\n# {t}\n\nLedgers.\n"
    )
    right = "inbox/archive/2025-11-01-varga-ledger-audits.md"
    wrong = "inbox/archive/2025-11-01-varga-ledger-rituals.md"
    root = write_kb(tmp_path / "kb", {**FILLER}, git=True, commit=False)
    commit(
        root,
        "archive two papers",
        {
            right: paper.format(t="Ledger Audits in Guilds", a="2511.00001"),
            wrong: paper.format(t="Ledger Rituals in Guilds", a="2511.00002"),
        },
    )
    commit(
        root,
        "extract claims from 2025-11-01-varga-ledger-rituals",
        {CLAIM_A: claim("guilds earn credibility", "Varga, arXiv:2511.00001", "Ledgers.")},
    )
    linker = Linker(KnowledgeBase.load(root, cache=False))
    m = linker.scorer.match(linker.claims[CLAIM_A], linker.sources[wrong])
    said = [e for e in m.evidence if "names this source" in e.text]
    assert [e.llr for e in said] == [0.0]
    assert said[0].text.endswith("(not counted: the claim's citation names another work)")
    assert {(p.claim, p.source) for p in linker.run().proposals} == {(CLAIM_A, right)}


# -- a claim added before its supposed source was archived ------------------------------


def test_a_claim_added_before_the_source_was_archived_is_not_linked_with_confidence(
    tmp_path: Path,
) -> None:
    """A claim about persistent disagreement, written before a paper on social choice was
    archived, by a commit that did not touch that paper: its citation's words fit the
    paper, its commit names another note. Neither is linked; a person decides."""
    arrow = "inbox/archive/1951-00-00-arrow-social-choice-individual-values.md"
    minutes = "inbox/archive/2026-02-01-assembly-minutes.md"
    cpath = "domains/culture/persistent disagreement is a feature of plural assemblies.md"
    root = write_kb(tmp_path / "kb", {}, git=True, commit=False)
    commit(root, "archive field notes", FILLER, when="2026-02-01T10:00:00+00:00")
    commit(
        root,
        "extract claims from 2026-02-01-assembly-minutes",
        {
            minutes: article(
                "Assembly Minutes", "https://minutes.example.org/feb", "The assembly disagreed."
            ),
            cpath: claim(
                "persistent disagreement is a feature of plural assemblies",
                "Notes on social choice and collective values",
                "No aggregation of individual values satisfies every fairness condition.",
            ),
        },
        when="2026-03-01T10:00:00+00:00",
    )
    commit(
        root,
        "archive a classic",
        {
            arrow: article(
                "Social Choice and Individual Values",
                "https://books.example.org/arrow-1951",
                "No aggregation of individual values satisfies every fairness condition.",
            )
        },
        when="2026-03-05T10:00:00+00:00",
    )
    linker = Linker(KnowledgeBase.load(root, cache=False))
    m = linker.scorer.match(linker.claims[cpath], linker.sources[arrow])
    against = {e.text: e.llr for e in m.evidence if e.llr < 0 and e.kind in ("git", "archive")}
    assert set(against) == {
        "the claim was added before this source was archived (2026-03-05)",
        f"commit {linker.scorer.history.added[cpath][:10]} added the claim but did not touch "
        "this source",
        f"the message of commit {linker.scorer.history.added[cpath][:10]}, which added the "
        "claim, names another source",
    }
    assert (
        abs(
            against["the claim was added before this source was archived (2026-03-05)"]
            - math.log(Q_LATER)
        )
        < 1e-9
    )
    # At the default threshold neither is linked, and both are shown to a person.
    result = linker.run()
    assert result.proposals == []
    [a] = result.abstained
    assert {c.source for c in a.candidates} == {minutes, arrow}
    assert all(c.confidence < DEFAULT_THRESHOLD for c in a.candidates)
    # At a low threshold the commit alone would link the minutes, against the citation:
    # it is reported as a conflict instead.
    result = linker.run(0.5)
    assert result.proposals == []
    [a] = result.abstained
    assert (a.claim, a.reason) == (cpath, "commit")
    assert [c.source for c in a.candidates] == [minutes, arrow]
    run = run_cli(root, "link", "--no-cache", "--min-confidence", "0.5")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "not linked: the commit that added it names one source, its citation another" in (
        run.stdout
    )
    assert run.stderr == "0 proposal(s), 0 co-source(s), 0 abstention(s), 1 conflict(s).\n"


# -- co-sources ---------------------------------------------------------------------------

SYNTH = "domains/culture/ledgers and teaching together sustain guild credibility.md"
LEDGERS = "inbox/archive/2025-10-01-quell-open-ledgers.md"
ELDERS = "inbox/archive/2025-10-02-quell-teaching-elders.md"


def synthesis(tmp_path: Path) -> Path:
    files = {
        **FILLER,
        LEDGERS: article(
            "Open Ledgers",
            "https://guildjournal.example.org/open-ledgers",
            "Guilds that publish their ledgers win the trust of their towns.",
        ),
        ELDERS: article(
            "Teaching Elders",
            "https://guildjournal.example.org/teaching-elders",
            "Elders who keep teaching apprentices keep the guild's craft alive.",
        ),
        SYNTH: claim(
            "ledgers and teaching together sustain guild credibility",
            "Synthesis of Mara Quell's 'Open Ledgers' and 'Teaching Elders'",
            "Guilds that publish their ledgers win trust; elders who keep teaching "
            "apprentices keep the craft alive.",
        ),
    }
    return write_kb(tmp_path / "kb", files, git=True)


def test_a_second_work_the_citation_names_is_a_co_source(tmp_path: Path) -> None:
    root = synthesis(tmp_path)
    run = run_cli(root, "link", "--format", "json", "--no-cache", "--min-confidence", "0.7")
    assert run.returncode == 1, run.stderr
    got = {(p["source"], p["role"]) for p in json.loads(run.stdout)["proposals"]}
    assert len(got) == 2
    assert {role for _, role in got} == {"primary", "co-source"}
    assert {s for s, _ in got} == {LEDGERS, ELDERS}


def test_co_sources_are_written_only_with_the_co_sources_option(tmp_path: Path) -> None:
    root = synthesis(tmp_path)
    data = json.loads(
        run_cli(root, "link", "--format", "json", "--no-cache", "--min-confidence", "0.7").stdout
    )
    primary = next(p["source"] for p in data["proposals"] if p["role"] == "primary")
    co = next(p["source"] for p in data["proposals"] if p["role"] == "co-source")

    run = run_cli(root, "link", "--write", "--no-cache", "--min-confidence", "0.7")
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"sourced_from: {primary}\n" in read(root, SYNTH)
    assert "claims_extracted" not in read(root, co)
    assert run.stderr == (
        "1 proposal(s), 1 co-source(s), 0 abstention(s), 0 conflict(s); 1 link(s) written "
        "(co-sources are written with --co-sources).\n"
    )
    bad = run_cli(root, "link", "--co-sources", "--no-cache")
    assert bad.returncode == 2

    # Once the primary is written the claim names its source; co-sources are written in
    # the same run as the primary, with --co-sources.
    root = synthesis(tmp_path / "again")
    run = run_cli(root, "link", "--write", "--co-sources", "--no-cache", "--min-confidence", "0.7")
    assert run.returncode == 1, run.stdout + run.stderr
    text = read(root, SYNTH)
    assert f"sourced_from:\n  - {primary}\n  - {co}\n" in text
    entry = 'claims_extracted:\n  - "ledgers and teaching together sustain guild credibility"\n'
    assert entry in read(root, co)
    assert entry in read(root, primary)


def test_a_claim_added_days_before_its_source_was_processed_counts_against(
    tmp_path: Path,
) -> None:
    late = "inbox/archive/2026-03-20-quell-late-ledger.md"
    cpath = "domains/culture/guild ledgers predate their audits.md"
    root = write_kb(tmp_path / "kb", {}, git=True, commit=False)
    commit(
        root,
        "add a claim and archive its source",
        {
            **FILLER,
            late: article("Late Ledger", "https://guildjournal.example.org/late", "Ledgers.")
            .replace("date: 2025-12-16", "date: 2025-11-01")
            .replace("status: processed", "status: processed\nprocessed_date: 2026-03-20"),
            cpath: claim(
                "guild ledgers predate their audits", "Quell, 'Late Ledger'", "Ledgers."
            ).replace("created: 2026-03-01\n", ""),
        },
        when="2026-03-01T10:00:00+00:00",
    )
    linker = Linker(KnowledgeBase.load(root, cache=False))
    m = linker.scorer.match(linker.claims[cpath], linker.sources[late])
    days = [(e.text, e.llr) for e in m.evidence if e.kind == "day"]
    assert days == [
        (
            "the claim was added on 2026-03-01, before the source was processed (2026-03-20)",
            EARLY,
        )
    ]


def test_history_reads_each_commits_time_and_message() -> None:
    from codex_hooks.infer.history import History

    log = (  # newest first, as git log -z --format=%x1e%H%x1f%ct%x1f%B writes it
        "\x1ec2\x1f1772359200\x1fextract claims from 2025-12-16-a\n\nbody line\n\0"
        "\nA\0claims/b.md\0M\0inbox/a.md\0"
        "\x1ec1\x1f1772272800\x1farchive a\n\0\nA\0inbox/a.md\0"
    )
    h = History.parse(log)
    assert h.message == {"c2": "extract claims from 2025-12-16-a\n\nbody line", "c1": "archive a"}
    assert h.time == {"c2": 1772359200, "c1": 1772272800}
    assert (h.added_at("claims/b.md"), h.added_at("inbox/a.md")) == (1772359200, 1772272800)
    assert h.added_with("claims/b.md") == {"claims/b.md", "inbox/a.md"}


def test_a_message_names_the_longest_file_name_it_holds() -> None:
    from codex_hooks.infer.commits import Messages
    from codex_hooks.infer.profile import SourceProfile

    sources = {
        FIRST: SourceProfile(FIRST, "Community Credibility in the Lantern Guilds"),
        SECOND: SourceProfile(SECOND, "Community Credibility in the Lantern Guilds"),
        C: SourceProfile(C, "Infinite TV"),
    }
    messages = Messages(sources)
    assert messages.named(
        "rio: extract claims from 2025-12-16-quell-guild-community-credibility-2 (#3)"
    ) == {SECOND}
    assert messages.named("extract claims from 2025-12-16-quell-guild-community-credibility") == {
        FIRST
    }
    # The whole title names both notes of one title; a title under three words names none.
    assert messages.named("notes on Community Credibility in the Lantern Guilds") == {
        FIRST,
        SECOND,
    }
    assert messages.named("about infinite TV") == set()
    assert messages.named("archive quell guild community credibility") == set()
