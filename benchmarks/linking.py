"""How well ``codex-hooks link`` recovers claim→source links that are known to be right.

    python benchmarks/linking.py KB_DIR [--thresholds 0.5,0.8,0.9,0.95,0.99] [--json]
        [--at COMMIT] [--domain DOMAIN ...] [--verbose]

The knowledge base (with its ``.git``) is copied to a temporary folder, optionally checked
out at an older ``COMMIT``. Every ``claims_extracted`` entry that resolves to a claim is
removed from its source: those (claim, source) pairs are the known-good answers (a claim
listed by two sources gives two pairs; ``enrichments_applied`` entries are left alone, an
enrichment is not an extraction). The removal is left uncommitted, so git history is
exactly what it was. The inference then runs once and decides at each threshold.

Per threshold it prints: precision (correct proposals / proposals on claims that have
known-good answers), recall (correct proposals / known-good pairs), the number of claims
abstained on, and the number of proposals on claims without a known-good answer (they
cannot be scored: the ground truth does not say they are wrong).
``--domain`` keeps only the known-good pairs (and the scored proposals) of claims in those
domains. Nothing is written outside the temporary copy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codex_hooks.edit import FrontmatterEditor
from codex_hooks.infer import Linker
from codex_hooks.kb import CLAIM, SOURCE, KnowledgeBase, as_list
from codex_hooks.write import atomic_write

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def strip_extractions(root: Path) -> set[tuple[str, str]]:
    """Remove every ``claims_extracted`` entry that names a claim; return the pairs."""
    kb = KnowledgeBase.load(root, cache=False)
    key = kb.config.field_name("claims_extracted")
    truth: set[tuple[str, str]] = set()
    for path, info in sorted(kb.notes.items()):
        if info.kind != SOURCE or not info.data:
            continue
        drop = []
        for entry in as_list(info.get(key)):
            claims = [c for c in kb.resolve(entry) if kb.notes[c].kind == CLAIM]
            if claims:
                drop.append(entry)
                truth.update((c, path) for c in claims)
        if drop:
            editor = FrontmatterEditor(kb.read_note(path))
            for entry in drop:
                editor.remove_item(key, entry)
            atomic_write(root / path, editor.note.to_bytes(), root)
    return truth


def baseline(kb: KnowledgeBase, truth: set[tuple[str, str]]) -> dict[str, float]:
    """The anchor to beat: each claim with a known answer gets the source whose title and
    author best match its ``source:`` text (rapidfuzz token-set ratio), nothing else."""
    from rapidfuzz import fuzz

    sources = {
        p: f"{i.get('title') or ''} {i.get('author') or ''}"
        for p, i in kb.notes.items()
        if i.kind == SOURCE and i.data
    }
    claims = {c for c, _ in truth}
    picks = set()
    for c in claims:
        cited = str(kb.notes[c].get("source") or "")
        best = max(sources, key=lambda p: (fuzz.token_set_ratio(cited, sources[p]), p))
        picks.add((c, best))
    return rates(picks, truth)


def rates(pairs: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """How many ``pairs`` were proposed and are correct; precision and recall."""
    correct = pairs & truth
    return {
        "proposals": len(pairs),
        "correct": len(correct),
        "precision": len(correct) / len(pairs) if pairs else 1.0,
        "recall": len(correct) / len(truth) if truth else 1.0,
    }


def score(result, truth: set[tuple[str, str]], claims: set[str] | None = None) -> dict[str, float]:
    """Precision and recall of ``result`` against ``truth``; with ``claims``, only the
    proposals and abstentions on those claims count."""
    labelled = {c for c, _ in truth}
    pairs = {(p.claim, p.source) for p in result.proposals}
    if claims is not None:
        pairs = {(c, s) for c, s in pairs if c in claims}
    scored = {p for p in pairs if p[0] in labelled}
    return {
        **rates(scored, truth),
        "abstained": sum(a.claim in labelled for a in result.abstained),
        "abstained_all": sum(claims is None or a.claim in claims for a in result.abstained),
        "unlabelled_proposals": len(pairs - scored),
    }


def evaluate(
    kb_dir: Path,
    thresholds=THRESHOLDS,
    at: str | None = None,
    domains: list[str] | None = None,
    verbose: bool = False,
) -> dict[str, object]:
    """Copy, strip, infer, and score; see the module's description."""
    with tempfile.TemporaryDirectory(prefix="linking-") as tmp:
        root = Path(tmp) / "kb"
        shutil.copytree(kb_dir, root, symlinks=True)
        if at:
            subprocess.run(["git", "checkout", "-q", "--force", at], cwd=root, check=True)
        truth = strip_extractions(root)
        started = time.perf_counter()
        kb = KnowledgeBase.load(root, cache=False)
        linker = Linker(kb)
        claims = None
        if domains:
            wanted = set(domains)
            claims = {p for p, c in linker.claims.items() if c.domain in wanted}
            truth = {(c, s) for c, s in truth if c in claims}
        rows = []
        for t in thresholds:
            result = linker.run(t)
            rows.append({"threshold": t, **score(result, truth, claims)})
            if verbose and t == thresholds[len(thresholds) // 2]:
                _explain(result, truth)
        seconds = time.perf_counter() - started
        anchor = baseline(kb, truth)
    return {
        "baseline": anchor,
        "pairs": len(truth),
        "claims": len({c for c, _ in truth}),
        "seconds": seconds,
        "rows": rows,
    }


def _explain(result, truth) -> None:
    labelled = {c for c, _ in truth}
    pairs = {(p.claim, p.source): p for p in result.proposals}
    for (c, s), p in sorted(pairs.items()):
        if c in labelled and (c, s) not in truth:
            print(f"WRONG {p.confidence:.3f} {c}\n   -> {s}", file=sys.stderr)
            for r in p.evidence[:6]:
                print(f"      {r.weight:+.1f} {r.text}", file=sys.stderr)
    for c, s in sorted(truth - set(pairs)):
        why = next((a for a in result.abstained if a.claim == c), None)
        tag = "ABSTAINED" if why else "MISSED"
        print(f"{tag} {c}\n   want {s}", file=sys.stderr)
        if why:
            for cand in why.candidates[:3]:
                print(f"      {cand.confidence:.3f} {cand.source}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    parser.add_argument("--at", metavar="COMMIT", help="evaluate the knowledge base at COMMIT")
    parser.add_argument("--domain", action="append", help="only pairs of claims in DOMAIN")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list misses and wrong links")
    args = parser.parse_args(argv)
    thresholds = tuple(float(t) for t in args.thresholds.split(","))
    out = evaluate(args.kb, thresholds, args.at, args.domain, args.verbose)
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
        return 0
    print(f"{out['pairs']} known-good pairs on {out['claims']} claims ({out['seconds']:.1f} s)")
    print("| threshold | precision | recall | correct/proposals | abstained | unscored proposals |")
    print("| --- | --- | --- | --- | --- | --- |")
    b = out["baseline"]
    print(
        f"| title+author baseline | {b['precision']:.3f} | {b['recall']:.3f} "
        f"| {b['correct']}/{b['proposals']} | - | - |"
    )
    for r in out["rows"]:
        print(
            f"| {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['correct']}/{r['proposals']} | {r['abstained']} ({r['abstained_all']}) "
            f"| {r['unlabelled_proposals']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
