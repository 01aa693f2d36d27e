"""Time the real command line against the floor, on the real corpus and synthetic ones.

    python benchmarks/run.py [--sizes corpus,1k,10k,100k] [--runs 3] [--work DIR]

For each size it prepares a knowledge base (the real corpus is cloned from
``../shared/corpus``; synthetic ones come from ``benchmarks/generate.py`` with seed 0 and
are kept in ``--work`` for the next run), then runs every scenario as a separate process,
``--runs`` times, and reports the median wall time as a ratio to the floor measured in the
same run, with the peak resident memory of the process (from ``os.wait4``). A scenario
whose runs have taken ``--budget`` seconds stops after two, so that 100,000 notes fit in
ten minutes on two cores:

* floor: ``benchmarks/floor.py`` (list and read every note, libyaml-parse its frontmatter,
  find its wiki links: the floor of issue #15);
* cold: ``codex-hooks check --all-files`` with no index (removed before each run);
* no cache: the same with ``--no-cache`` (nothing read or written; one run when a run
  takes more than half the budget);
* warm: ``check --all-files`` again with the index in place, nothing changed (the stored
  result of the last whole check is reused);
* index only: the same with that stored result removed before each run, so that every
  rule runs over notes served from the index (what a whole check costs after a change);
* hook: one claim's body changed, then ``check PATH`` on it, index otherwise warm;
* hook, staged: the same through ``check --hook PATH``, as the pre-commit hook runs it
  (it also asks git which notes staged deletions and renames leave dangling);
* import: ``python -X importtime -c "import codex_hooks.cli"`` (cumulative).

The output of every warm run must equal the cold run's, byte for byte; a difference is
reported under the table. ``--markdown FILE`` also writes the table between the
``<!-- results -->`` markers of FILE (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
SEED = 0

TARGETS = {
    "cold": ("≤ 2× floor", lambda r: r.ratio <= 2.0),
    "warm": ("≤ 0.5× floor", lambda r: r.ratio <= 0.5),
    "hook": ("≤ 5% of cold", lambda r: r.of_cold <= 0.05),
}


@dataclass
class Run:
    seconds: float
    rss_mib: float
    code: int
    out: bytes


@dataclass
class Row:
    size: str
    notes: int
    scenario: str
    runs: list[Run] = field(default_factory=list)
    command: str = ""
    ratio: float = 0.0
    of_cold: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mib for r in self.runs)


def cli() -> list[str]:
    """The installed ``codex-hooks`` script beside this interpreter (else on PATH)."""
    beside = Path(sys.executable).with_name("codex-hooks")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("codex-hooks")
    return [found] if found else [sys.executable, "-m", "codex_hooks"]


#: Environment of the measured processes (see :func:`pin`).
ENV = dict(os.environ)


def pin(work: Path) -> None:
    """Run the measured commands on a copy of the package taken now, so that the code
    under test (whose hash keys the index) cannot change while the benchmark runs, and
    byte-compile it."""
    import codex_hooks

    src = Path(codex_hooks.__file__).resolve().parent
    dest = work / "code"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest / "codex_hooks", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled, as `pip install` leaves a package: otherwise, where bytecode is not
    # written (PYTHONDONTWRITEBYTECODE), every run would compile every module again.
    import compileall

    compileall.compile_dir(dest, quiet=1)
    ENV["PYTHONPATH"] = os.pathsep.join([str(dest), *filter(None, [ENV.get("PYTHONPATH")])])


def measure(cmd: list[str], cwd: Path) -> Run:
    """Run ``cmd`` to completion: wall seconds, peak RSS (MiB), exit code, stdout."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        data = out.read()
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, rss, proc.returncode, data)


def parse_size(text: str) -> int | None:
    """``corpus`` → None; ``1k`` → 1000; ``2500`` → 2500."""
    if text == "corpus":
        return None
    m = re.fullmatch(r"(\d+)([kK]?)", text)
    if not m:
        raise SystemExit(f"bad size {text!r}: use corpus, N or Nk")
    return int(m[1]) * (1000 if m[2] else 1)


def prepare(size: str, work: Path, fresh: bool) -> Path | None:
    """The knowledge base for ``size`` (created when missing or stale)."""
    n = parse_size(size)
    if n is None:
        kb = work / "corpus"
        if kb.exists() and fresh:
            shutil.rmtree(kb)
        if not kb.exists():
            unpack = CORPUS / "unpack"
            if not unpack.exists():
                return None
            subprocess.run([str(unpack), str(kb)], check=True, stdout=subprocess.DEVNULL)
        return kb
    sys.path.insert(0, str(HERE))
    from generate import generate

    kb = work / f"synthetic-{n}"
    stamp = kb / ".git" / "benchmark-stamp"
    want = f"{n} {SEED} {_hash(HERE / 'generate.py')}"
    if kb.exists() and (fresh or not stamp.exists() or stamp.read_text() != want):
        shutil.rmtree(kb)
    if not kb.exists():
        started = time.perf_counter()
        print(f"  generating {n} notes ...", file=sys.stderr, flush=True)
        generate(kb, n, seed=SEED)
        stamp.write_text(want)
        print(f"  generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return kb


def _hash(path: Path) -> str:
    import hashlib

    return hashlib.sha1(path.read_bytes()).hexdigest()[:12]


def warm_page_cache(kb: Path) -> None:
    """Read every file once, untimed: the first timed run must not be the one that pays
    for the disk (every scenario reads from the page cache, as a commit usually does)."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=kb, capture_output=True, check=True)
    for rel in os.fsdecode(out.stdout).split("\0"):
        if rel:
            with contextlib.suppress(OSError):
                (kb / rel).read_bytes()


def index_dir(kb: Path) -> Path:
    return kb / ".git" / "codex-hooks"


def a_claim(kb: Path) -> str:
    """A claim note to edit for the hook scenario (the first one under domains/)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "domains"], cwd=kb, capture_output=True, check=True
    ).stdout
    paths = sorted(p for p in os.fsdecode(out).split("\0") if p.endswith(".md"))
    if not paths:
        raise SystemExit(f"{kb}: no claim under domains/")
    return paths[0]


def bench_size(size: str, kb: Path, runs: int, budget: float, log) -> tuple[list[Row], list[str]]:
    ch = cli()
    notes = len(
        [
            p
            for p in subprocess.run(
                ["git", "ls-files", "-z"], cwd=kb, capture_output=True, check=True
            ).stdout.split(b"\0")
            if p.endswith(b".md")
        ]
    )
    problems: list[str] = []
    rows: dict[str, Row] = {}

    def scenario(
        name: str, cmd: list[str], before=None, least: int = 2, limit: float = budget
    ) -> Row:
        """``runs`` runs, or fewer (but ``least``) once they took ``limit`` seconds."""
        row = rows[name] = Row(size, notes, name, command=" ".join(cmd))
        for i in range(runs):
            if i >= least and sum(r.seconds for r in row.runs) > limit:
                break
            if before is not None:
                before(i)
            row.runs.append(measure(cmd, kb))
            log(f"  {size:>7} {name:<12} run {i + 1}: {row.runs[-1].seconds:7.3f} s")
        return row

    warm_page_cache(kb)
    floor = scenario("floor", [sys.executable, str(HERE / "floor.py"), "."])
    cold = scenario(
        "cold",
        [*ch, "check", "--all-files"],
        before=lambda i: shutil.rmtree(index_dir(kb), ignore_errors=True),
    )
    scenario("no cache", [*ch, "check", "--all-files", "--no-cache"], least=1, limit=budget / 2)
    # The last cold run left an index; the notes were written long enough ago to be in it.
    warm = scenario("warm", [*ch, "check", "--all-files"])

    def forget_results(i: int) -> None:
        for stored in index_dir(kb).glob("results-v*"):
            stored.unlink()

    index_only = scenario("index only", [*ch, "check", "--all-files"], before=forget_results)
    for run in [*warm.runs, *index_only.runs, *rows["no cache"].runs]:
        if run.out != cold.runs[0].out or run.code != cold.runs[0].code:
            problems.append(f"{size}: a run's output differs from the cold run's")
            break
    claim = kb / a_claim(kb)
    original = claim.read_bytes()

    def touch(i: int) -> None:
        claim.write_bytes(original + f"\nEdited by the benchmark, run {i}.\n".encode())
        time.sleep(0.2)  # as a person would: not in the same clock tick as the hook

    rel = claim.relative_to(kb).as_posix()
    try:
        scenario("hook", [*ch, "check", rel], before=touch)
        scenario("hook, staged", [*ch, "check", "--hook", rel], before=touch)
    finally:
        claim.write_bytes(original)
    for row in rows.values():
        row.ratio = row.median / floor.median
        row.of_cold = row.median / cold.median
    return list(rows.values()), problems


def import_time(runs: int) -> float:
    """Median cumulative import time of ``codex_hooks.cli``, in milliseconds."""
    found = []
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import codex_hooks.cli"],
            capture_output=True,
            text=True,
            check=True,
            env=ENV,
        ).stderr
        for line in err.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == "codex_hooks.cli":
                found.append(int(parts[1]) / 1000)
    return statistics.median(found)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at the start"
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}{load}"
    )


def _targeted(r: Row) -> bool:
    """Where the issue sets a target: cold on the corpus and at 100,000 notes, warm at
    every size, the hook at 100,000 notes."""
    large = r.notes >= 100_000
    return {"cold": r.size == "corpus" or large, "warm": True, "hook": large}[r.scenario]


def table(rows: list[Row], imports_ms: float) -> str:
    lines = [
        "| size | notes | scenario | median s | runs | ratio | target | met | peak RSS MiB |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for r in rows:
        ratio = f"{r.ratio:.2f}× floor"
        target, met = "", ""
        if r.scenario.startswith("hook"):
            ratio = f"{r.of_cold:.1%} of cold"
        if r.scenario in TARGETS and _targeted(r):
            target, ok = TARGETS[r.scenario][0], TARGETS[r.scenario][1](r)
            met = "yes" if ok else "**no**"
        lines.append(
            f"| {r.size} | {r.notes} | {r.scenario} | {r.median:.3f} | {len(r.runs)} | "
            f"{ratio} | {target} | {met} | {r.rss:.0f} |"
        )
    for size in dict.fromkeys(r.size for r in rows if r.notes >= 100_000):
        peak = max(r.rss for r in rows if r.size == size and "--all-files" in r.command)
        met = "yes" if peak <= 1024 else "**no**"
        lines.append(
            f"| {size} | | peak memory of check --all-files (every scenario) | | | | "
            f"≤ 1024 MiB | {met} | {peak:.0f} |"
        )
    met = "yes" if imports_ms <= 150 else "**no**"
    lines.append(
        f"| — | — | import codex_hooks.cli | {imports_ms / 1000:.3f} | | | ≤ 0.150 s | {met} | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="corpus,1k,10k,100k")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds after which a scenario stops at two runs (one for --no-cache)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "codex-hooks-bench",
        help="where the knowledge bases are kept between runs",
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the knowledge bases")
    parser.add_argument("--markdown", type=Path, help="also write the table into this file")
    parser.add_argument(
        "--no-pin", action="store_true", help="run the package in place, not a copy taken at start"
    )
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    header = machine()
    log(header)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.no_pin:
        pin(args.work)
    rows: list[Row] = []
    problems: list[str] = []
    for size in args.sizes.split(","):
        kb = prepare(size.strip(), args.work, args.fresh)
        if kb is None:
            problems.append(f"{size}: the corpus is not at {CORPUS}; skipped")
            continue
        found, trouble = bench_size(size.strip(), kb, args.runs, args.budget, log)
        rows += found
        problems += trouble
    imports_ms = import_time(max(args.runs, 5))
    text = table(rows, imports_ms)
    total = time.perf_counter() - started
    report = (
        f"Machine: {header}\n\n"
        f"Command: `python benchmarks/run.py --sizes {args.sizes} --runs {args.runs}` "
        f"({total / 60:.1f} min in all)\n\n{text}\n"
    )
    if problems:
        report += "\n" + "\n".join(f"- {p}" for p in problems) + "\n"
    print(report)
    if args.markdown:
        # The results go between the file's markers; a new file is made of them alone.
        begin, end = "<!-- results -->", "<!-- /results -->"
        try:
            doc = args.markdown.read_text(encoding="utf-8")
        except FileNotFoundError:
            doc = f"{begin}\n{end}\n"
        if begin in doc and end in doc:
            head, rest = doc.split(begin, 1)
            doc = head + begin + "\n" + report + end + rest.split(end, 1)[1]
            args.markdown.write_text(doc, encoding="utf-8")
        else:
            print(f"{args.markdown}: no {begin} … {end} markers; results not written")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
