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
* hook, staged: the same claim changed and ``git add``-ed, then ``check --hook PATH``, as
  the pre-commit hook runs on a commit of one note (it also asks git which notes staged
  deletions and renames leave dangling); the note is restored and unstaged afterwards;
* pre-commit, our hook / no-op hook: ``pre-commit run`` (staged files only, the default)
  on that one staged note, once with a ``repo: local`` hook that runs ``codex-check`` as
  ``.pre-commit-hooks.yaml`` declares it (``language: system``, this environment's
  ``codex-hooks``) and once with the same hook whose entry is ``true``; interleaved, after
  one untimed run of each (pre-commit's own set-up, in a ``PRE_COMMIT_HOME`` under
  ``--work``). The difference of the medians is what our hook adds to a commit;
* import: ``python -X importtime -c "import codex_hooks.cli"`` (cumulative).

The table shows each median as a ratio to the floor (the one-note checks also to warm and
to cold) and judges issue #15's targets: on the corpus, cold ≤ 2.0× the floor, each
one-note check ≤ 0.4× the floor and no slower than warm, ``pre-commit run`` with our hook
at most 0.15 s more than with the no-op hook; at 100,000 notes, cold ≤ 2.5× the floor, one
changed note ≤ 5% of cold, peak memory ≤ 1 GiB; ``import codex_hooks.cli`` ≤ 60 ms; and,
at every size, warm ≤ 0.5× the floor.

The output of every warm, index-only and ``--no-cache`` run must equal the cold run's,
byte for byte; a difference is reported under the table, as is a pre-commit run that did
not run its hook on the staged note. The knowledge base is left as found (the edited note
restored, nothing staged, the two configurations removed). ``--markdown FILE`` also
writes the table between the ``<!-- results -->`` markers of FILE (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shlex
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
#: Where the knowledge bases, the installed copy and its venv are kept between runs (the
#: default ``--work`` of every benchmark here, so that they share them).
WORK = Path(tempfile.gettempdir()) / "codex-hooks-bench"

#: The one-note scenarios: ``check PATH`` and ``check --hook PATH`` on one staged note.
HOOKS = ("hook", "hook, staged")
#: The end-to-end scenarios: ``pre-commit run`` with our hook, and with a no-op hook.
PRE_COMMIT = ("pre-commit, our hook", "pre-commit, no-op hook")
#: Issue #15's limits: ``pre-commit run`` with our hook at most this much slower than
#: with a no-op hook; importing the command line at most this long; peak memory.
PRE_COMMIT_EXTRA_S = 0.15
IMPORT_MS = 60.0
PEAK_MIB = 1024.0


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
    of_warm: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mib for r in self.runs)


#: The interpreter and ``codex-hooks`` script of the measured processes: this
#: environment's until :func:`install` makes a clean one (``--no-pin`` keeps them).
PYTHON = sys.executable
SCRIPT: str | None = None


def cli() -> list[str]:
    """The ``codex-hooks`` command under test: the installed script of :func:`install`,
    else the one beside this interpreter, else on PATH."""
    if SCRIPT is not None:
        return [SCRIPT]
    beside = Path(sys.executable).with_name("codex-hooks")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("codex-hooks")
    return [found] if found else [sys.executable, "-m", "codex_hooks"]


def interpreter() -> str:
    """The interpreter of the measured processes (the floor's too)."""
    return PYTHON


#: Environment of the measured processes.
ENV = dict(os.environ)

#: pip's console-script wrapper, as ``pip install`` writes it for ``codex-hooks``.
CONSOLE_SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from codex_hooks.cli import run
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(run())
"""


def install(work: Path) -> None:
    """Install a copy of the package, taken now, into a clean virtual environment under
    ``work``, as ``pip install`` (and so pre-commit) leaves it: the package byte-compiled
    in the environment's site-packages and pip's ``codex-hooks`` script. The floor and
    every measured command run with that environment's interpreter. The copy is of the
    checkout this script is in (``REPO``), whichever package the interpreter running it
    imports: a benchmark copied into another checkout (an older commit's, say) measures
    that checkout's code.

    Why: the code under test (whose hash keys the index) must not change while the
    benchmark runs, and a development environment is not what users run. An editable
    install (``pip install -e``) adds an import hook that every process of that
    environment loads at start-up, about 9 ms here: it would be counted in each figure.
    The dependencies are not installed again (no network is needed): a ``.pth`` line
    puts this environment's site-packages after the clean one's, which reads no ``.pth``
    file of that folder, so its import hooks stay out."""
    global PYTHON, SCRIPT
    import compileall
    import site
    import sysconfig
    import venv

    env = work / "env"
    venv.EnvBuilder(clear=True, symlinks=os.name != "nt", with_pip=False).create(env)
    bin_dir = env / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dest = Path(purelib)
    src = REPO / "codex_hooks"
    if not (src / "__init__.py").is_file():  # the script outside a checkout: what is imported
        import codex_hooks

        src = Path(codex_hooks.__file__).resolve().parent
    print(f"  measuring the package at {src}", file=sys.stderr, flush=True)
    shutil.copytree(src, dest / "codex_hooks", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled, as `pip install` leaves a package: otherwise, where bytecode is not
    # written (PYTHONDONTWRITEBYTECODE), every run would compile every module again.
    compileall.compile_dir(dest / "codex_hooks", quiet=1)
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    deps = [p for p in dict.fromkeys(sorted(ours)) if Path(p).is_dir() and Path(p) != dest]
    (dest / "codex-hooks-benchmark-deps.pth").write_text("\n".join(deps) + "\n")
    script = bin_dir / "codex-hooks"
    script.write_text(CONSOLE_SCRIPT.format(python=python))
    script.chmod(0o755)
    PYTHON, SCRIPT = str(python), str(script)
    ENV.pop("PYTHONPATH", None)  # the installed copy, not a folder on the path, is measured


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion: wall seconds, peak RSS (MiB), exit code, stdout. The
    peak is the largest of the process and its waited-for children (``os.wait4``). It is
    never below this process's own peak: the child is started with ``vfork`` and shares
    this process's memory until its ``exec``, and Linux counts that memory's peak as the
    child's (a 200 MiB parent makes ``true`` peak at 211 MiB). So the benchmarks keep
    little: a few MiB of the corpus's figures may be theirs, none of 100,000 notes'."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env or ENV)
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
    floor = scenario("floor", [interpreter(), str(HERE / "floor.py"), "."])
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
    rel = a_claim(kb)
    claim = kb / rel
    original = claim.read_bytes()
    if git(kb, "status", "--porcelain", "--", rel).strip():
        raise SystemExit(f"{kb}: {rel} has changes of its own; the benchmark edits it")

    def touch(i: int) -> None:
        claim.write_bytes(original + f"\nEdited by the benchmark, run {i}.\n".encode())
        time.sleep(0.2)  # as a person would: not in the same clock tick as the hook

    def stage(i: int) -> None:
        """Edit the claim and ``git add`` it: one staged note, as a commit has."""
        claim.write_bytes(original + f"\nStaged by the benchmark, run {i}.\n".encode())
        git(kb, "add", "--", rel)
        time.sleep(0.2)

    try:
        scenario("hook", [*ch, "check", rel], before=touch)
        scenario("hook, staged", [*ch, "check", "--hook", rel], before=stage)
        problems += pre_commit_scenarios(size, notes, kb, rel, stage, runs, budget, rows, log)
    finally:
        # Leave the repository as found: the note's bytes back, nothing staged.
        claim.write_bytes(original)
        git(kb, "reset", "-q", "--", rel)
    if git(kb, "status", "--porcelain", "--", rel).strip():
        problems.append(f"{size}: {rel} was not restored")
    for row in rows.values():
        row.ratio = row.median / floor.median
        row.of_cold = row.median / cold.median
        row.of_warm = row.median / warm.median
    return list(rows.values()), problems


def git(kb: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=kb, capture_output=True, check=True, text=True).stdout


def pre_commit() -> list[str]:
    """The ``pre-commit`` installed beside this interpreter (a test dependency)."""
    beside = Path(sys.executable).with_name("pre-commit")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "pre_commit"]


def hook_configs(kb: Path) -> tuple[Path, Path]:
    """Two pre-commit configurations in ``kb``: a ``repo: local`` hook that runs our
    ``codex-check`` hook as ``.pre-commit-hooks.yaml`` declares it (its entry, file filter
    and serial flag), but with ``language: system`` and the benchmark's own
    ``codex-hooks`` so that pre-commit builds no environment; and the same hook with a
    no-op entry (``true``)."""
    import yaml

    declared = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in declared if h["id"] == "codex-check")
    program, *args = shlex.split(hook["entry"])
    if program != "codex-hooks":
        raise SystemExit(f".pre-commit-hooks.yaml: codex-check runs {program!r}")
    ours = {k: v for k, v in hook.items() if k not in ("description", "language")}
    ours["entry"] = shlex.join([*cli(), *args])
    ours["language"] = "system"
    noop = {**ours, "id": "no-op", "name": "no-op", "entry": "true"}
    names = (".pre-commit-config.yaml", ".pre-commit-noop.yaml")
    for name in names:
        if (kb / name).exists():  # the benchmark removes what it writes: never the KB's own
            raise SystemExit(f"{kb / name} exists; the benchmark writes its own")
    paths = []
    for name, entry in zip(names, (ours, noop), strict=True):
        path = kb / name
        config = {"repos": [{"repo": "local", "hooks": [entry]}]}
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def pre_commit_scenarios(
    size: str,
    notes: int,
    kb: Path,
    rel: str,
    stage,
    runs: int,
    budget: float,
    rows: dict[str, Row],
    log,
) -> list[str]:
    """``pre-commit run`` (staged files only, the default) on one staged note, with our
    hook and with a no-op hook, interleaved; each run after the note is edited and staged
    again. Both configurations run once untimed first (pre-commit sets up its store)."""
    problems: list[str] = []
    ours_cfg, noop_cfg = hook_configs(kb)
    home = kb.parent / "pre-commit-home"
    env = {**ENV, "PRE_COMMIT_HOME": str(home)}
    base = [*pre_commit(), "run", "--color", "never", "--config"]
    commands = {
        PRE_COMMIT[0]: [*base, ours_cfg.name],
        PRE_COMMIT[1]: [*base, noop_cfg.name],
    }
    try:
        stage(-1)
        for cmd in commands.values():
            measure(cmd, kb, env)  # untimed: pre-commit's first run for this config
        for name, cmd in commands.items():
            rows[name] = Row(size, notes, name, command=shlex.join(cmd))
        for i in range(runs):
            if i >= 2 and sum(r.seconds for r in rows[PRE_COMMIT[0]].runs) > budget:
                break
            for name, cmd in commands.items():
                stage(i)
                rows[name].runs.append(measure(cmd, kb, env))
                log(f"  {size:>7} {name:<12} run {i + 1}: {rows[name].runs[-1].seconds:7.3f} s")
        # pre-commit prints "(no files to check)Skipped" when its filter matched nothing.
        for name in PRE_COMMIT:
            out = rows[name].runs[0].out if rows[name].runs else b""
            if b"Skipped" in out or not re.search(rb"\.(Passed|Failed)", out):
                problems.append(f"{size}: {name} did not run on the staged note: {out!r}")
    finally:
        ours_cfg.unlink()
        noop_cfg.unlink()
    return problems


def import_time(runs: int) -> float:
    """Median cumulative import time of ``codex_hooks.cli``, in milliseconds."""
    found = []
    for _ in range(runs):
        err = subprocess.run(
            [interpreter(), "-X", "importtime", "-c", "import codex_hooks.cli"],
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


def target(r: Row, warm: Row | None) -> tuple[str, bool] | None:
    """Issue #15's target for ``r``, and whether it is met; None where it sets none.

    On the corpus: cold ≤ 2.0× the floor, and each one-note check (``check PATH`` and
    ``check --hook`` on one staged note) ≤ 0.4× the floor and never slower than the warm
    whole check. At 100,000 notes: cold ≤ 2.5× the floor, one changed note ≤ 5% of cold.
    At every size, warm ≤ 0.5× the floor (the first pass's target, kept)."""
    corpus, large = r.size == "corpus", r.notes >= 100_000
    if r.scenario == "cold" and corpus:
        return "≤ 2.0× floor", r.ratio <= 2.0
    if r.scenario == "cold" and large:
        return "≤ 2.5× floor", r.ratio <= 2.5
    if r.scenario == "warm":
        return "≤ 0.5× floor", r.ratio <= 0.5
    if r.scenario in HOOKS and corpus:
        slower = warm is None or r.median > warm.median
        return "≤ 0.4× floor and ≤ warm", r.ratio <= 0.4 and not slower
    if r.scenario in HOOKS and large:
        return "≤ 5% of cold", r.of_cold <= 0.05
    return None


def table(rows: list[Row], imports_ms: float) -> str:
    lines = [
        "| size | notes | scenario | median s | runs | ratio | target | met | peak RSS MiB |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- | --- | ---: |",
    ]

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    for size in dict.fromkeys(r.size for r in rows):
        mine = {r.scenario: r for r in rows if r.size == size}
        for r in mine.values():
            ratio = f"{r.ratio:.2f}× floor"
            if r.scenario in HOOKS:
                ratio += f", {r.of_warm:.2f}× warm, {r.of_cold:.1%} of cold"
            judged = target(r, mine.get("warm"))
            text, ok = judged if judged is not None else ("", None)
            lines.append(
                f"| {r.size} | {r.notes} | {r.scenario} | {r.median:.3f} | {len(r.runs)} | "
                f"{ratio} | {text} | {'' if ok is None else met(ok)} | {r.rss:.0f} |"
            )
        ours, noop = (mine.get(name) for name in PRE_COMMIT)
        if ours is not None and noop is not None and ours.runs and noop.runs:
            extra = ours.median - noop.median
            # The end-to-end target is the real knowledge base's (at 100,000 notes the
            # issue allows the hook 5% of a cold run instead).
            text, ok = (f"≤ {PRE_COMMIT_EXTRA_S:.2f} s", extra <= PRE_COMMIT_EXTRA_S)
            lines.append(
                f"| {size} | {ours.notes} | pre-commit: our hook − no-op hook | {extra:.3f} | "
                f"{len(ours.runs)} | | {text if size == 'corpus' else ''} | "
                f"{met(ok) if size == 'corpus' else ''} | |"
            )
        if any(r.notes >= 100_000 for r in mine.values()):
            # codex-hooks' own processes: not the floor, not pre-commit (whose peak is
            # pre-commit's or its hook's, whichever is larger).
            peak = max(r.rss for r in mine.values() if r.scenario not in ("floor", *PRE_COMMIT))
            lines.append(
                f"| {size} | | peak memory of codex-hooks (every scenario) | | | | "
                f"≤ {PEAK_MIB:.0f} MiB | {met(peak <= PEAK_MIB)} | {peak:.0f} |"
            )
    lines.append(
        f"| — | — | import codex_hooks.cli | {imports_ms / 1000:.3f} | | | "
        f"≤ {IMPORT_MS / 1000:.3f} s | {met(imports_ms <= IMPORT_MS)} | |"
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
        default=WORK,
        help="where the knowledge bases are kept between runs",
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the knowledge bases")
    parser.add_argument("--markdown", type=Path, help="also write the table into this file")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="measure this environment's codex-hooks in place, not a clean install of a copy",
    )
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    header = machine()
    log(header)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.no_pin:
        install(args.work)
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
