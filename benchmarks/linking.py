"""How well ``codex-hooks link`` recovers claim→source links that are known to be right.

    python benchmarks/linking.py KB_DIR [--thresholds 0.5,0.75,0.9,0.95] [--json]
        [--at COMMIT] [--domain DOMAIN ...] [--verbose]
    python benchmarks/linking.py KB_DIR --split DATE [--fit] [--json] [--verbose]

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

``--split DATE`` is the strict, time-split evaluation. The *training* view is the
repository at the last commit (first parents) before ``DATE``, stripped as above: with
``--fit`` the calibration of the confidence (:data:`~codex_hooks.infer.constants.CALIBRATION`)
is fitted there and printed, to be copied into constants.py; without it, the frozen table
is used and the training figures are printed for reference. The *test* set is the
known-good pairs of the newest commit whose claim was first added by a commit made at or
after ``DATE``; the inference runs on the newest commit with every constant frozen and is
scored on those claims only, primary sources and co-sources separately, with a
reliability table (each stated confidence: proposals, observed precision). It also lists
the proposals for claims that have no known-good source at all, for a person to check.
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
from codex_hooks.infer.constants import MAX_CONFIDENCE
from codex_hooks.kb import CLAIM, SOURCE, KnowledgeBase, as_list
from codex_hooks.write import atomic_write

THRESHOLDS = (0.5, 0.75, 0.9, 0.95)


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


#: The cut-off of the time-split evaluation of the shared corpus (docs/linking.md): about
#: two thirds of its known-good pairs (61 of 95) are older.
SPLIT = "2026-03-07T00:00:00Z"
#: Bands of raw probability the calibration is fitted on (least value of each).
BANDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def fit_calibration(observed: list[tuple[float, bool]]) -> tuple[tuple[float, float], ...]:
    """Bands of raw probability → observed precision, add-half smoothed, made monotone
    (pool adjacent violators), never above MAX_CONFIDENCE; empty bands are left out."""
    cells = []
    for i, low in enumerate(BANDS):
        high = BANDS[i + 1] if i + 1 < len(BANDS) else 1.01
        hits = [ok for p, ok in observed if low <= p < high]
        if hits:
            cells.append([low, sum(hits) + 0.5, len(hits) + 1.0])
    merged: list[list[float]] = []
    for cell in cells:  # pool adjacent violators on (correct, total)
        merged.append(list(cell))
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] > merged[-1][1] / merged[-1][2]:
            last = merged.pop()
            merged[-1][1] += last[1]
            merged[-1][2] += last[2]
    return tuple((low, round(min(c / t, MAX_CONFIDENCE), 3)) for low, c, t in merged)


def fit_later(linker, truth) -> tuple[int, float]:
    """How many known-good pairs had their source archived by a commit later than the one
    that added the claim, and how many would have if the source were any source note (the
    share of sources archived after each claim, summed): Q_LATER is their ratio."""
    import bisect

    history = linker.scorer.history
    archived = linker.scorer.archived
    later, expected = 0, 0.0
    for claim, source in truth:
        made, at = history.added_at(claim), history.added_at(source)
        if made is None or at is None or not archived:
            continue
        later += at > made
        expected += (len(archived) - bisect.bisect_right(archived, made)) / len(archived)
    return later, expected


def _checkout_before(root: Path, date: str) -> str:
    out = subprocess.run(
        ["git", "rev-list", "-1", "--first-parent", f"--before={date}", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(["git", "checkout", "-q", "--force", out], cwd=root, check=True)
    return out


def _scored(result, truth, claims):
    """Primary and co-source figures of ``result`` on the labelled ``claims``."""
    labelled = {c for c, _ in truth if c in claims}
    out = {}
    for role in ("primary", "co-source"):
        pairs = {
            (p.claim, p.source) for p in result.proposals if p.role == role and p.claim in labelled
        }
        correct = pairs & truth
        out[role] = {
            "proposals": len(pairs),
            "correct": len(correct),
            "precision": len(correct) / len(pairs) if pairs else 1.0,
        }
    primary_ok = {
        c
        for c, s in truth
        if c in labelled
        and any(p.claim == c and p.source == s and p.role == "primary" for p in result.proposals)
    }
    out["primary"]["recall_claims"] = len(primary_ok) / len(labelled) if labelled else 1.0
    every = {(p.claim, p.source) for p in result.proposals if p.claim in labelled}
    out["pairs"] = {
        "recall_primary": len(
            {(p.claim, p.source) for p in result.proposals if p.role == "primary"} & truth
        )
        / len(truth)
        if truth
        else 1.0,
        "recall_all": len(every & truth) / len(truth) if truth else 1.0,
        "precision_all": len(every & truth) / len(every) if every else 1.0,
    }
    out["abstained"] = sum(a.claim in labelled for a in result.abstained)
    return out


def _reliability(result, truth, claims):
    """Per role and stated confidence: proposals on labelled claims, and how many are
    known-good."""
    labelled = {c for c, _ in truth if c in claims}
    rows: dict[tuple[str, float], list[int]] = {}
    for p in result.proposals:
        if p.claim in labelled:
            row = rows.setdefault((p.role, round(p.confidence, 3)), [0, 0])
            row[0] += 1
            row[1] += (p.claim, p.source) in truth
    return [
        {"role": r, "confidence": c, "proposals": n, "correct": k, "observed": k / n}
        for (r, c), (n, k) in sorted(rows.items())
    ]


def _misses(result, truth, claims):
    """Proposals on labelled ``claims`` that are not known-good, for a person to read."""
    labelled = {c for c, _ in truth if c in claims}
    return [
        {"claim": p.claim, "source": p.source, "role": p.role, "confidence": p.confidence}
        for p in result.proposals
        if p.claim in labelled and (p.claim, p.source) not in truth
    ]


def evaluate_split(kb_dir: Path, date: str, threshold: float, fit: bool, verbose: bool):
    """The time-split evaluation; see the module's description."""
    import datetime

    cut = datetime.datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()
    with tempfile.TemporaryDirectory(prefix="linking-") as tmp:
        train_root = Path(tmp) / "train"
        shutil.copytree(kb_dir, train_root, symlinks=True)
        at = _checkout_before(train_root, date)
        train_truth = strip_extractions(train_root)
        linker = Linker(KnowledgeBase.load(train_root, cache=False))
        frozen = linker.calibration
        linker.calibration = {}
        raw = linker.run(min(BANDS))
        labelled = {c for c, _ in train_truth}
        table = dict(frozen)
        q_later = fit_later(linker, train_truth)
        if fit:
            for role in ("primary", "co-source"):
                observed = [
                    (p.confidence, (p.claim, p.source) in train_truth)
                    for p in raw.proposals
                    if p.claim in labelled and p.role == role
                ]
                table[role] = fit_calibration(observed)
        linker.calibration = table
        train_claims = set(linker.claims)
        train = _scored(linker.run(threshold), train_truth, train_claims)
        low = linker.run(min(BANDS))
        train_rel = _reliability(low, train_truth, train_claims)
        train_wrong = _misses(low, train_truth, train_claims)

        test_root = Path(tmp) / "test"
        shutil.copytree(kb_dir, test_root, symlinks=True)
        truth = strip_extractions(test_root)
        linker = Linker(KnowledgeBase.load(test_root, cache=False))
        linker.calibration = table
        history = linker.scorer.history
        new = {c for c in linker.claims if (t := history.added_at(c)) is not None and t >= cut}
        test_truth = {(c, s) for c, s in truth if c in new}
        result = linker.run(threshold)
        test = _scored(result, test_truth, new)
        low = linker.run(min(BANDS))
        test_rel = _reliability(low, test_truth, new)
        test_wrong = _misses(low, test_truth, new)
        if verbose:
            _explain(result, test_truth)
        known = {c for c, _ in truth}
        unlabelled = [
            {
                "claim": p.claim,
                "source": p.source,
                "confidence": p.confidence,
                "role": p.role,
                "new": p.claim in new,
            }
            for p in result.proposals
            if p.claim not in known
            and not p.evidence[0].text.endswith("in sourced_from")
            and not p.evidence[0].text.endswith("in claims_extracted")
        ]
    return {
        "cutoff": date,
        "train_commit": at,
        "train_pairs": len(train_truth),
        "test_pairs": len(test_truth),
        "test_claims": len({c for c, _ in test_truth}),
        "calibration": table,
        "q_later": q_later,
        "threshold": threshold,
        "train": train,
        "train_reliability": train_rel,
        "train_not_known_good": train_wrong,
        "test": test,
        "test_reliability": test_rel,
        "test_not_known_good": test_wrong,
        "unlabelled": unlabelled,
    }


def _print_split(out) -> None:
    print(
        f"cut-off {out['cutoff']}: training view {out['train_commit'][:7]}, "
        f"{out['train_pairs']} training pairs; {out['test_pairs']} test pairs on "
        f"{out['test_claims']} claims added after it"
    )
    print(f"calibration: {out['calibration']!r}")
    later, expected = out["q_later"]
    print(
        f"Q_LATER on the training view: {later} pairs archived after their claim, "
        f"{expected:.1f} expected of any source: {later / expected:.2f}"
    )
    for side in ("train", "test"):
        r = out[side]
        pr, co, pa = r["primary"], r["co-source"], r["pairs"]
        print(
            f"{side} at {out['threshold']}: primary P {pr['precision']:.3f} "
            f"({pr['correct']}/{pr['proposals']}), claims with the right primary "
            f"{pr['recall_claims']:.3f}, pairs by primaries {pa['recall_primary']:.3f}; "
            f"co-source P {co['precision']:.3f} ({co['correct']}/{co['proposals']}); "
            f"all P/R {pa['precision_all']:.3f}/{pa['recall_all']:.3f}; "
            f"abstained {r['abstained']}"
        )
        print("| role | stated confidence | proposals | observed precision |")
        print("| --- | --- | --- | --- |")
        for row in out[f"{side}_reliability"]:
            print(
                f"| {row['role']} | {row['confidence']:.3f} | {row['proposals']} "
                f"| {row['observed']:.3f} ({row['correct']}/{row['proposals']}) |"
            )
        for w in out[f"{side}_not_known_good"]:
            print(f"  not known-good: {w['confidence']:.3f} {w['role']} {w['claim']}")
            print(f"      <- {w['source']}")
    print(f"proposals for claims with no known-good source: {len(out['unlabelled'])}")
    for u in out["unlabelled"]:
        print(f"  {u['confidence']:.2f} {u['role']} {u['claim']}\n      <- {u['source']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    parser.add_argument("--at", metavar="COMMIT", help="evaluate the knowledge base at COMMIT")
    parser.add_argument("--domain", action="append", help="only pairs of claims in DOMAIN")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list misses and wrong links")
    parser.add_argument("--split", metavar="DATE", help="time-split evaluation at DATE (ISO)")
    parser.add_argument("--fit", action="store_true", help="with --split: fit the calibration")
    parser.add_argument("--threshold", type=float, default=0.95, help="with --split")
    args = parser.parse_args(argv)
    if args.split:
        split = evaluate_split(args.kb, args.split, args.threshold, args.fit, args.verbose)
        if args.json:
            json.dump(split, sys.stdout, indent=2)
            print()
        else:
            _print_split(split)
        return 0
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
