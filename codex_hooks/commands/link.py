"""``codex-hooks link``: propose (and with ``--write``, write) missing claim↔source links.

Exit codes: 0 nothing to link; 1 links proposed (or written, with ``--write``); 2 usage.
Claims left for a person (abstained) are reported but do not change the exit code.
"""

from __future__ import annotations

import argparse
import sys
import time

from .common import cache_option, root_option

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import TextIO

    from ..infer.apply import Written
    from ..infer.linker import Inference

HELP = "infer missing claim↔source links from the evidence; --write writes them"

#: Reasons shown per proposal in text output.
SHOWN_REASONS = 6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="only these claims, and claims whose proposed source is one of these notes "
        "(default: every note)",
    )
    parser.add_argument("--write", action="store_true", help="write the proposed links")
    parser.add_argument(
        "--co-sources",
        action="store_true",
        help="with --write, also write co-sources (second works the citation names)",
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        metavar="X",
        default=None,
        help="propose only links at least this confident, 0 < X <= 1 (default: 0.95)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    root_option(parser)
    cache_option(parser, "the on-disk index")


class Progress:
    """A progress bar on stderr, drawn only on a terminal and once a run takes a while."""

    DELAY = 2.0
    WIDTH = 30

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.started = time.monotonic()
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < self.DELAY:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _reason_line(weight: float, text: str) -> str:
    if weight == 0:  # a fact, not a weighed signal ("S lists this claim", "a copy of …")
        return f"      {text}"
    return f"      {'+' if weight > 0 else '-'} {text} ({weight:+.1f})"


def print_text(
    result: Inference,
    written: Written | None = None,
    out: TextIO | None = None,
    co_sources: bool = True,
) -> None:
    out = out or sys.stdout
    for p in result.proposals:
        done = written is not None and (co_sources or p.role != "co-source")
        verb = "linked to" if done else "came from"
        role = " as a co-source" if p.role == "co-source" else ""
        out.write(f"{p.claim}\n  {verb} {p.source}{role} (confidence {p.confidence:.2f})\n")
        for r in [r for r in p.evidence if abs(r.weight) >= 0.05 or r.weight == 0][:SHOWN_REASONS]:
            out.write(_reason_line(r.weight, r.text) + "\n")
    why = {
        "close": "no candidate is clearly ahead; decide by hand",
        "listed": "already listed by another source; this one would need overwhelming evidence",
        "status": "the best candidate's status says it yielded no claims",
        "contradicted": "this source lists it, but the claim cites an identifier of another note",
        "duplicate": "its source is one work recorded by two notes, and nothing tells which one",
        "commit": "the commit that added it names one source, its citation another",
    }
    for a in result.abstained:
        out.write(f"{a.claim}\n  not linked: {why.get(a.reason, a.reason)}\n")
        for c in a.candidates:
            out.write(f"    ? {c.source} (confidence {c.confidence:.2f})\n")
            for r in c.evidence[:3]:
                out.write("  " + _reason_line(r.weight, r.text) + "\n")


#: Abstention reasons that are conflicts with what a note already says.
CONFLICTS = ("listed", "contradicted", "commit")


def summary(result: Inference, write: bool = False, co_sources: bool = False) -> str:
    """One line: proposals (primary), co-sources, abstentions, conflicts."""
    primary = sum(p.role != "co-source" for p in result.proposals)
    co = len(result.proposals) - primary
    conflicts = sum(a.reason in CONFLICTS for a in result.abstained)
    abstained = len(result.abstained) - conflicts
    line = (
        f"{primary} proposal(s), {co} co-source(s), {abstained} abstention(s), "
        f"{conflicts} conflict(s)"
    )
    if write:
        done = primary + co if co_sources else primary
        rest = "" if co_sources or not co else " (co-sources are written with --co-sources)"
        return f"{line}; {done} link(s) written{rest}."
    if result.proposals:
        return f"{line}. Run with --write to write them."
    return f"{line}."


def run(args: argparse.Namespace) -> int:
    from ..infer.apply import write
    from ..infer.constants import DEFAULT_THRESHOLD
    from ..infer.linker import Linker
    from .common import EXIT_FAIL, EXIT_OK, UsageError, _load, repo_paths

    threshold = DEFAULT_THRESHOLD if args.min_confidence is None else args.min_confidence
    if not 0 < threshold <= 1:
        raise UsageError(f"--min-confidence {threshold}: must be above 0 and at most 1")
    kb = _load(args)
    paths = repo_paths(kb.root, args.paths) if args.paths else None
    for p in paths or ():
        if p not in kb.notes:
            raise UsageError(f"{p}: no such note in the knowledge base at {kb.root}")
    only = None
    if paths is not None and all(kb.notes[p].kind != "source" for p in paths):
        only = paths  # only claims asked about: weigh the evidence for them alone
    progress = Progress("linking")
    try:
        linker = Linker(kb, progress=progress, claims=only)
    finally:
        progress.close()
    result = linker.run(threshold, paths)
    if args.co_sources and not args.write:
        raise UsageError("--co-sources: only with --write")
    written = None
    if args.write:
        # Co-sources are reported always, written only when asked for.
        chosen = [p for p in result.proposals if args.co_sources or p.role != "co-source"]
        if chosen:
            written = write(kb, chosen)
    if args.format == "json":
        import json

        data = result.to_dict()
        if written is not None:
            data["written"] = sorted(written.changed)
            data["failed"] = written.failed
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_text(result, written, co_sources=args.co_sources)
        if written is not None:
            for path, changes in written.changed.items():
                print(f"Linking {path}: {'; '.join(changes)}")
    if written is not None:
        for problem in written.failed:
            print(f"codex-hooks: {problem}", file=sys.stderr)
    if args.format == "text":
        print(summary(result, args.write, args.co_sources), file=sys.stderr)
    if args.write:
        return EXIT_FAIL if written is not None and (written.changed or written.failed) else EXIT_OK
    return EXIT_FAIL if result.proposals else EXIT_OK
