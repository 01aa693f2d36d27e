"""Time ``codex-hooks graph`` against the floor and against obsidiantools, and compare
where each resolves every wiki link.

    python benchmarks/graph.py [KB] [--runs 9] [--venv DIR] [--work DIR]

KB defaults to the real corpus (cloned from ``../shared/corpus``). In one run, each
scenario a separate process, in turn, for ``--runs`` rounds (the median wall time, as a
ratio to the floor measured in the same rounds; see benchmarks/run.py):

* floor: ``benchmarks/floor.py`` (list, read and libyaml-parse every note);
* cold: ``codex-hooks graph --format json`` with no on-disk index and no stored output
  (both removed before each run);
* no cache: the same with ``--no-cache`` (nothing read or written);
* index only: the index in place, the stored output removed: the graph is built from
  notes served from the index (what the first run after a change costs);
* warm: nothing changed since the last run: the stored output is printed again;
* obsidiantools: ``obsidiantools.api.Vault(KB).connect()`` (its graph of the same notes),
  import included, in the venv ``--venv`` (created with ``pip install obsidiantools``
  when missing: obsidiantools is not a dependency of codex-hooks). It runs once: it
  takes tens of seconds.

Every cold, no-cache and index-only output must equal the warm one, byte for byte.

Then every body wiki link is resolved both ways: ours (``codex-hooks graph``, Obsidian's
order: exact path, own folder, shortest path) and obsidiantools' (a link names the node
whose name is the link's text; a note's node is its file name, or its whole path when two
notes share the name). The differences are counted by cause and a few are shown.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402  (run.py is a script beside this one, not a package)
    WORK,
    cli,
    index_dir,
    install,
    interpreter,
    machine,
    measure,
    prepare,
    warm_page_cache,
)

TARGETS = {"cold": 1.5, "warm": 0.3}

#: What runs in obsidiantools' venv: time the import and the graph, and dump what it
#: resolved (note name → path, and each note's wiki-link targets).
OBSIDIANTOOLS = r"""
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import obsidiantools.api as otools
imported = time.perf_counter()
vault = otools.Vault(Path(sys.argv[1])).connect()
done = time.perf_counter()
json.dump({
    "import": imported - started,
    "connect": done - imported,
    "nodes": vault.graph.number_of_nodes(),
    "edges": vault.graph.number_of_edges(),
    "files": {name: str(path) for name, path in vault.md_file_index.items()},
    "links": vault.wikilinks_index,
}, sys.stdout)
"""


def obsidiantools_python(venv: Path) -> Path:
    """The interpreter of ``venv``, with obsidiantools installed (created when missing)."""
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    probe = [str(python), "-c", "import obsidiantools"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"  installing obsidiantools into {venv} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "obsidiantools"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return python


def remove_index(kb: Path) -> None:
    shutil.rmtree(index_dir(kb), ignore_errors=True)


def remove_stored(kb: Path) -> None:
    for f in index_dir(kb).glob("graph-*"):
        f.unlink()


def timed(name, cmd, kb, runs, before=None, label=None) -> dict:
    """``cmd`` run ``runs`` times in a row (obsidiantools: the others go through
    :func:`interleaved`)."""
    return interleaved([(name, cmd, before, label)], kb, runs)[0]


def interleaved(scenarios, kb, runs) -> list[dict]:
    """Each of ``scenarios`` (name, command, what to do before each run, label) once per
    round, for ``runs`` rounds. A machine's speed drifts over a run (the floor's median
    moved by a tenth between runs of a day here): timed in turn, every scenario sees the
    same drift, where timed one after the other the last ones would see another machine
    than the floor did. Each scenario leaves what the next one expects: cold leaves the
    index and the stored output, index only leaves the stored output warm reprints."""
    found: dict[str, list] = {name: [] for name, *_ in scenarios}
    for _ in range(runs):
        for name, cmd, before, _label in scenarios:
            if before is not None:
                before()
            runs_so_far = found[name]
            runs_so_far.append(measure(cmd, kb))
            if runs_so_far[-1].code != 0:
                raise SystemExit(f"{name}: {' '.join(cmd)} exited {runs_so_far[-1].code}")
            if len(runs_so_far) > 1:
                # Only the last output is kept: this process's peak is counted in its
                # children's (see run.measure).
                runs_so_far[-2].out = b""
    return [
        {
            "scenario": name,
            "median": statistics.median(r.seconds for r in found[name]),
            "runs": len(found[name]),
            "rss": max(r.rss_mib for r in found[name]),
            "out": found[name][-1].out,
            "command": label or " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
        }
        for name, cmd, _before, label in scenarios
    ]


def compare(ours: dict, theirs: dict) -> tuple[Counter, dict[str, list[str]], int]:
    """Each body wiki link of each note, resolved by both: differences by cause, a few
    examples of each, and how many links both extracted and resolved alike."""
    from codex_hooks.links import parse_inner

    by_path = {path: name for name, path in theirs["files"].items()}
    files = theirs["files"]
    names = Counter(Path(p).stem.lower() for p in by_path)
    our_links: dict[str, list[tuple[str, str | None]]] = {}
    for e in ours["edges"]:
        if e["type"] == "wiki":
            target = parse_inner(e["raw"][2:-2])[0]
            our_links.setdefault(e["source"], []).append((target, e["target"]))
    for u in ours["unresolved"]:
        if u["type"] == "wiki":
            our_links.setdefault(u["source"], []).append((u["target"], None))
    causes: Counter = Counter()
    examples: dict[str, list[str]] = {}
    agree = 0
    for path, name in by_path.items():
        mine = Counter(our_links.get(path, []))
        other: Counter = Counter()
        for target in theirs["links"].get(name, []):
            found = files.get(target)
            other[(target, found)] += 1
        # Match the links by their target text; what is left is extracted by one side.
        mine_by_target: dict[str, list[str | None]] = {}
        for (t, dest), n in mine.items():
            mine_by_target.setdefault(t, []).extend([dest] * n)
        for (t, dest), n in other.items():
            ours_dests = mine_by_target.get(t, [])
            for _ in range(n):
                if not ours_dests:
                    cause = "a link only obsidiantools extracts"
                    _note(causes, examples, cause, f"{path}: [[{t}]]")
                    continue
                our_dest = ours_dests.pop(0)
                if our_dest == dest:
                    agree += 1
                    continue
                cause = _cause(t, our_dest, dest, names)
                _note(causes, examples, cause, f"{path}: [[{t}]] → ours {our_dest}, theirs {dest}")
        for t, left in mine_by_target.items():
            for dest in left:
                _note(
                    causes,
                    examples,
                    "a link only codex-hooks extracts",
                    f"{path}: [[{t}]] → {dest}",
                )
    return causes, examples, agree


def _note(causes: Counter, examples: dict, cause: str, text: str) -> None:
    causes[cause] += 1
    examples.setdefault(cause, [])
    if len(examples[cause]) < 3:
        examples[cause].append(text)


def _cause(target: str, ours: str | None, theirs: str | None, names: Counter) -> str:
    t = target.strip()
    if ours is not None and theirs is not None:
        return "both resolve, to different notes"
    if ours is None:
        return "obsidiantools resolves, codex-hooks does not"
    stem = t[:-3] if t.lower().endswith(".md") else t
    if "/" in stem:
        return "a path link ([[folder/note]]): obsidiantools looks it up as a name"
    if t.lower().endswith(".md"):
        return "a link written with .md: obsidiantools keeps it in the name"
    if names[stem.lower()] > 1:
        return "a name several notes share: obsidiantools names those notes by their path"
    if stem != Path(ours).stem:
        return "a link in other case than the file name: obsidiantools compares case"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kb", nargs="?", type=Path, help="knowledge base (default: the corpus)")
    parser.add_argument("--runs", type=int, default=9, help="rounds (default: 9)")
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK,
        help="where the corpus clone, the pinned code and the venv are kept",
    )
    parser.add_argument(
        "--venv", type=Path, help="obsidiantools' venv (default: WORK/obsidiantools-venv)"
    )
    parser.add_argument("--no-obsidiantools", action="store_true", help="skip obsidiantools")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    kb = args.kb.resolve() if args.kb else prepare("corpus", args.work, fresh=False)
    if kb is None:
        raise SystemExit("no knowledge base: pass KB (the corpus is not beside the repository)")
    started = time.perf_counter()
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d', time.gmtime())}")
    install(args.work)
    warm_page_cache(kb)
    graph = [*cli(), "graph", "--format", "json"]
    rows = interleaved(
        [
            ("floor", [interpreter(), str(HERE / "floor.py"), str(kb)], None, None),
            ("cold", graph, lambda: remove_index(kb), None),
            ("no cache", [*graph, "--no-cache"], None, None),
            ("index only", graph, lambda: remove_stored(kb), None),
            ("warm", graph, None, None),
        ],
        kb,
        args.runs,
    )
    floor = rows[0]["median"]
    theirs = None
    if not args.no_obsidiantools:
        python = obsidiantools_python(args.venv or args.work / "obsidiantools-venv")
        cmd = [str(python), "-c", OBSIDIANTOOLS, str(kb)]
        label = "obsidiantools.api.Vault(KB).connect()"
        run = timed("obsidiantools", cmd, kb, 1, label=label)
        rows.append(run)
        theirs = json.loads(run["out"])
    ours = json.loads(rows[-2 if theirs else -1]["out"])
    for r in rows[1:4]:
        if r["out"] != rows[4]["out"]:
            print(f"**{r['scenario']} output differs from warm output**")
    notes = ours["counts"]["nodes"]
    print(f"Knowledge base: {kb} ({notes} notes); runs: {args.runs}\n")
    print("| scenario | command | median s | runs | ratio to floor | goal | met | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: | --- | --- | ---: |")
    for r in rows:
        ratio = r["median"] / floor
        goal = TARGETS.get(r["scenario"])
        met = "" if goal is None else ("yes" if ratio <= goal else "**no**")
        print(
            f"| {r['scenario']} | `{r['command']}` | {r['median']:.3f} | {r['runs']} | "
            f"{ratio:.2f}× | {f'≤ {goal}×' if goal else ''} | {met} | {r['rss']:.0f} |"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    own /= 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes there, KiB here
    print(f"\n(A peak of {own:.0f} MiB or less is this script's own: see run.measure.)")
    c = ours["counts"]
    print(
        f"\ncodex-hooks: {c['nodes']} nodes, {c['edges']} edges "
        f"({', '.join(f'{k} {v}' for k, v in c['edges_by_type'].items() if v)}), "
        f"{c['one_way']} one-way provenance edges, {c['unresolved']} unresolved references"
    )
    if theirs is not None:
        print(
            f"obsidiantools: import {theirs['import']:.2f} s, connect {theirs['connect']:.2f} s; "
            f"{theirs['nodes']} nodes (notes and names linked to that no note has), "
            f"{theirs['edges']} edges"
        )
        causes, examples, agree = compare(ours, theirs)
        print(f"\nBody wiki links resolved alike: {agree}; differences: {sum(causes.values())}\n")
        print("| cause | links |")
        print("| --- | ---: |")
        for cause, n in causes.most_common():
            print(f"| {cause} | {n} |")
        for cause, shown in examples.items():
            print(f"\n{cause}:")
            for line in shown:
                print(f"- {line}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
