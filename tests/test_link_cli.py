"""``codex-hooks link`` through the real command line, on temporary git repositories."""

from __future__ import annotations

import io
import re

from kbutil import read, run_cli, snapshot, write_kb
from test_infer import CLAIM_A, CLAIM_B, MIXDPO, PLURAL, TWO_PAPERS, shapiro

from codex_hooks.commands.link import Progress

SOURCE_AFTER = """---
type: source
title: "MixDPO: Mixture Preference Optimization for Heterogeneous Annotators"
author: "Li, Chen, Wang and Zhang"
url: https://arxiv.org/abs/2601.06180
date: 2026-01-12
domain: ai-alignment
format: paper
status: processed
processed_by: theseus
processed_date: 2026-03-01
claims_extracted:
  - "a single reward model averages away minority preferences"
  - "mixture preference optimization recovers minority preferences"
---

# MixDPO

A mixture of preference models trained with direct preference optimization.
"""

CLAIM_A_AFTER = """---
type: claim
domain: ai-alignment
description: "a single reward model averages away minority preferences"
confidence: likely
source: "Theseus via arXiv 2601.06180 (preference strength and pluralistic values in alignment; Wang, Li, Zhang)"
sourced_from: inbox/archive/2026-01-00-mixdpo-preference-strength-pluralistic.md
created: 2026-03-01
---

# a single reward model averages away minority preferences

Preference strength differs between annotators.
"""


def test_report_then_write_both_directions_then_nothing_left(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    before = snapshot(root)

    report = run_cli(root, "link", "--no-cache")
    assert report.returncode == 1, report.stderr
    assert snapshot(root) == before
    assert report.stdout.startswith(f"{CLAIM_A}\n  came from {MIXDPO} (confidence 0.99)\n")
    assert (
        "the claim's citation and the source's URL fields share arXiv 2601.06180" in report.stdout
    )
    assert PLURAL not in report.stdout
    assert (
        "2 proposal(s), 0 co-source(s), 0 abstention(s), 0 conflict(s). "
        "Run with --write to write them."
    ) in report.stderr

    written = run_cli(root, "link", "--write", "--no-cache")
    assert written.returncode == 1, written.stderr
    assert f"Linking {MIXDPO}: add 'a single reward model" in written.stdout
    assert read(root, MIXDPO) == SOURCE_AFTER
    assert read(root, CLAIM_A) == CLAIM_A_AFTER
    assert read(root, CLAIM_B) == TWO_PAPERS[CLAIM_B].replace(
        "created: 2026-03-01\n", f"sourced_from: {MIXDPO}\ncreated: 2026-03-01\n"
    )
    assert read(root, PLURAL) == TWO_PAPERS[PLURAL]

    check = run_cli(root, "check", "--all-files", "--no-cache")
    assert not re.search(r" BL00[34] ", check.stdout), check.stdout

    after = snapshot(root)
    again = run_cli(root, "link", "--write", "--no-cache")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    assert snapshot(root) == after


def test_abstentions_are_reported_and_never_written(tmp_path) -> None:
    files = {
        "inbox/archive/shapiro-a.md": shapiro("Streaming Economics Part One", "streaming-one"),
        "inbox/archive/shapiro-b.md": shapiro("Streaming Economics Part Two", "streaming-two"),
        "domains/entertainment/streaming is uneconomic.md": TWO_PAPERS[CLAIM_A]
        .replace("ai-alignment", "entertainment")
        .replace(
            "Theseus via arXiv 2601.06180 (preference strength and pluralistic values in "
            "alignment; Wang, Li, Zhang)",
            "Doug Shapiro, Streaming Economics, The Mediator",
        ),
    }
    root = write_kb(tmp_path / "kb", files, git=True)
    before = snapshot(root)
    run = run_cli(root, "link", "--write", "--no-cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert snapshot(root) == before
    assert (
        "domains/entertainment/streaming is uneconomic.md\n  not linked: no candidate is clearly ahead"
        in run.stdout
    )
    assert "    ? inbox/archive/shapiro-a.md (confidence 0.4" in run.stdout
    assert "    ? inbox/archive/shapiro-b.md (confidence 0.4" in run.stdout
    assert (
        "0 proposal(s), 0 co-source(s), 1 abstention(s), 0 conflict(s); 0 link(s) written."
        in run.stderr
    )


def test_paths_limit_the_claims(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    run = run_cli(root, "link", "--no-cache", "--format", "json", CLAIM_B)
    assert run.returncode == 1
    assert '"claim": "' + CLAIM_A not in run.stdout
    assert '"claim": "' + CLAIM_B in run.stdout
    by_source = run_cli(root, "link", "--no-cache", "--format", "json", MIXDPO)
    assert by_source.stdout.count('"claim": ') == 2


def test_usage_errors_exit_2(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    for value in ("0", "1.5", "-1"):
        run = run_cli(root, "link", "--min-confidence", value)
        assert run.returncode == 2, value
        assert "--min-confidence" in run.stderr
    missing = run_cli(root, "link", "domains/nowhere.md")
    assert missing.returncode == 2
    assert "no such note" in missing.stderr


def test_a_higher_threshold_proposes_less(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    assert run_cli(root, "link", "--min-confidence", "1", "--no-cache").returncode in (0, 1)
    low = run_cli(root, "link", "--min-confidence", "0.5", "--no-cache", "--format", "json")
    high = run_cli(root, "link", "--min-confidence", "1", "--no-cache", "--format", "json")
    assert high.stdout.count('"claim": ') <= low.stdout.count('"claim": ')


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_when_slow() -> None:
    quiet = io.StringIO()
    bar = Progress("linking", quiet)
    bar.DELAY = 0
    bar(5, 10)
    bar.close()
    assert quiet.getvalue() == ""

    tty = _Terminal()
    bar = Progress("linking", tty)
    bar(1, 10)  # not slow yet: nothing drawn
    assert tty.getvalue() == ""
    bar.DELAY = 0
    bar(5, 10)
    assert tty.getvalue() == "\rlinking [###############...............] 5/10"
    bar.close()
    assert tty.getvalue().endswith("\r\033[K")


def test_progress_is_off_when_stderr_is_not_a_terminal(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", TWO_PAPERS, git=True)
    run = run_cli(root, "link", "--no-cache")
    assert "\r" not in run.stderr


NOTES = "inbox/archive/2026-03-01-workshop-notes.md"
WORKSHOP = """---
type: source
title: "Workshop notes on reward models"
author: "Theseus"
date: 2026-03-01
domain: ai-alignment
status: processed
processed_by: theseus
processed_date: 2026-03-01
claims_extracted: [a single reward model averages away minority preferences]
---

Notes.
"""


def test_declared_links_get_their_missing_direction(tmp_path) -> None:
    files = {**TWO_PAPERS, NOTES: WORKSHOP}
    # Claim A names MixDPO, which does not list it; the workshop notes list claim A, which
    # does not name them.
    files[CLAIM_A] = files[CLAIM_A].replace(
        "created: 2026-03-01\n", f"created: 2026-03-01\nsourced_from: {MIXDPO}\n"
    )
    root = write_kb(tmp_path / "kb", files, git=True)
    run = run_cli(root, "link", "--write", "--no-cache", CLAIM_A)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith(
        f"{CLAIM_A}\n  linked to {MIXDPO} (confidence 0.99)\n"
        f"      the claim names {MIXDPO} in sourced_from\n"
        f"{CLAIM_A}\n  linked to {NOTES} (confidence 0.99)\n"
        f"      {NOTES} lists this claim in claims_extracted\n"
    )
    assert read(root, CLAIM_A) == files[CLAIM_A].replace(
        f"sourced_from: {MIXDPO}\n", f"sourced_from:\n  - {MIXDPO}\n  - {NOTES}\n"
    )
    assert read(root, MIXDPO) == files[MIXDPO].replace(
        "processed_date: 2026-03-01\n",
        'processed_date: 2026-03-01\nclaims_extracted:\n  - "a single reward model averages '
        'away minority preferences"\n',
    )
    assert read(root, NOTES) == WORKSHOP
    check = run_cli(root, "check", "--all-files", "--no-cache")
    assert not re.search(r" BL00[34] ", check.stdout), check.stdout
    assert run_cli(root, "link", "--write", "--no-cache", CLAIM_A).returncode == 0


def test_the_summary_line_counts_each_kind_of_outcome() -> None:
    from codex_hooks.commands.link import summary
    from codex_hooks.infer import Abstention, Inference, Proposal

    result = Inference(
        proposals=[
            Proposal("s1.md", 0.989, (), "a.md"),
            Proposal("s2.md", 0.989, (), "b.md"),
            Proposal("s3.md", 0.75, (), "b.md", "co-source"),
        ],
        abstained=[
            Abstention("c.md", (), "close"),
            Abstention("d.md", (), "duplicate"),
            Abstention("e.md", (), "status"),
            Abstention("f.md", (), "listed"),
            Abstention("g.md", (), "contradicted"),
            Abstention("h.md", (), "commit"),
        ],
    )
    line = "2 proposal(s), 1 co-source(s), 3 abstention(s), 3 conflict(s)"
    assert summary(result) == line + ". Run with --write to write them."
    assert summary(result, write=True) == (
        line + "; 2 link(s) written (co-sources are written with --co-sources)."
    )
    assert summary(result, write=True, co_sources=True) == line + "; 3 link(s) written."
    assert summary(Inference()) == "0 proposal(s), 0 co-source(s), 0 abstention(s), 0 conflict(s)."
