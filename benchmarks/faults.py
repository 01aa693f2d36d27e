"""Fault injection over a real knowledge base: is every fault detected, is every fix the
exact inverse of its fault, is a guess left to ``--unsafe-fixes``, and does anything else
change?

    python benchmarks/faults.py CORPUS_DIR --seed S --faults N [--batch B] [--scope staged|all]
                                [--json FILE] [--keep DIR]

CORPUS_DIR is a git repository of notes, or a folder holding a git bundle of one (such as
``shared/corpus``). It is cloned into a temporary folder (never written), brought to a clean
fixed point with ``fix --unsafe-fixes`` (repeated until it changes nothing) and committed.
Then faults with known answers are injected, a few at a time on notes whose link
neighbourhoods do not overlap, staged with ``git add -A`` as a user would, and the hook's
work is replayed: check the staged notes (``--scope staged``, what the pre-commit hook
does, through ``staged.commit_scope``: the notes that staged renames and deletions leave
dangling answer only for the references to the notes that are gone; ``all`` checks and
fixes every note), then fix them with the safe fixes only, as the
hook does; then, as a person would after reading the suggestions, ``fix --unsafe-fixes``.
After each batch the repository is reset to the fixed point.

For every fault:

* **detected**: a new finding (not present at the fixed point) with the expected code on
  the expected note;
* **repaired exactly by the hook** (fixable faults): after the hook's safe fixes every
  involved note holds exactly the bytes it should (the pre-fault bytes; for a rename or a
  move, the pre-fault bytes with the old title or path replaced by the new one). A fault
  whose repair is a guess (a typo that is not only a matter of case, spaces, hyphens or
  underscores) must instead be left as the fault left it;
* **repaired with --unsafe-fixes**: not repaired by the hook, and exact after
  ``fix --unsafe-fixes``;
* **left as is** (faults that are only reportable): the faulty note is byte-identical to
  its faulty state after the fix;
* **collateral**: any other file whose bytes differ from the fixed point (must be 0).

The same code runs, with fewer faults, in ``tests/test_reliability_faults.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from codex_hooks.engine import check
from codex_hooks.frontmatter import parse_frontmatter
from codex_hooks.kb import CLAIM, SOURCE, KnowledgeBase, as_list
from codex_hooks.note import Note
from codex_hooks.rules.common import spelling
from codex_hooks.titles import clean_path, normalize_title, stem

KINDS = (
    "drop-sourced-from",
    "drop-claims-extracted",
    "typo-status",
    "typo-confidence",
    "typo-domain",
    "missing-processed-by",
    "rename-claim",
    "move-source",
    "broken-yaml",
    "duplicate-key",
    "dead-wiki-link",
    "crlf-needs-fix",
    "bom-needs-fix",
)
#: Faults that are reported but have no safe fix: the note must stay as the fault left it.
REPORT_ONLY = {"missing-processed-by", "broken-yaml", "duplicate-key", "dead-wiki-link"}


@dataclass
class Fault:
    """One injected fault and its known answers."""

    kind: str
    note: str  # the note the fault is in (its new path for a rename or a move)
    codes: tuple[str, ...]  # any of these codes counts as detecting it ...
    report_paths: tuple[str, ...]  # ... when reported on one of these notes
    writes: dict[str, bytes | None]  # what the fault does: path → new bytes (None: delete)
    expected: dict[str, bytes | None]  # the bytes each involved note must hold after fix
    fixable: bool
    detail: str = ""
    #: Its repair is a guess (a typo scored by similarity): an unsafe fix, which the hook
    #: must not apply.
    guess: bool = False
    detected: bool = False
    #: After the hook's safe fixes: repaired exactly, or left as the fault left it.
    exact: bool = False
    unfixed: bool = False
    #: After ``fix --unsafe-fixes`` too: repaired exactly, or still as the fault left it
    #: (say, a typo as close to two allowed values: reported, not written).
    unsafe_exact: bool = False
    unsafe_unfixed: bool = False
    wrong: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of a run."""

    seed: int
    scope: str
    notes: int
    faults: list[Fault] = field(default_factory=list)
    collateral: list[str] = field(default_factory=list)
    batches: int = 0
    crashes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    fixed_point_rounds: int = 0

    def rows(self) -> list[dict[str, object]]:
        """One summary row per fault kind, plus a total row."""
        rows = []
        groups: dict[str, list[Fault]] = defaultdict(list)
        for f in self.faults:
            groups[f.kind].append(f)
        for kind in [k for k in KINDS if k in groups]:
            rows.append(_row(kind, groups[kind]))
        rows.append(_row("total", self.faults))
        return rows

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "scope": self.scope,
            "notes": self.notes,
            "batches": self.batches,
            "seconds": round(self.seconds, 1),
            "fixed_point_rounds": self.fixed_point_rounds,
            "rows": self.rows(),
            "collateral": self.collateral,
            "crashes": self.crashes,
            "misses": [
                {"kind": f.kind, "note": f.note, "detail": f.detail, "wrong": f.wrong}
                for f in self.faults
                if not f.detected or f.wrong or not (f.exact or f.unsafe_exact)
            ],
        }


def _row(kind: str, faults: list[Fault]) -> dict[str, object]:
    fixable = [f for f in faults if f.fixable]
    report_only = [f for f in faults if not f.fixable]
    return {
        "kind": kind,
        "injected": len(faults),
        "detected": sum(f.detected for f in faults),
        "fixable": len(fixable),
        "guesses": sum(f.guess for f in fixable),
        "repaired_exactly": sum(f.exact for f in fixable),
        "repaired_unsafe": sum(not f.exact and f.unsafe_exact for f in fixable),
        "left_unfixed": sum(f.unsafe_unfixed for f in fixable),
        "wrong_fix": sum(bool(f.wrong) for f in fixable),
        "report_only": len(report_only),
        "left_as_is": sum(f.exact for f in report_only),
    }


# -- the repository ---------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    return result.stdout.decode("utf-8", "surrogateescape")


def clone(corpus: Path, dest: Path) -> Path:
    """Clone ``corpus`` (a repository, or a folder holding a ``.bundle``) into ``dest``."""
    source = corpus
    bundles = sorted(corpus.glob("*.bundle")) if corpus.is_dir() else []
    if corpus.suffix == ".bundle":
        bundles = [corpus]
    if bundles and not (corpus / ".git").exists():
        source = bundles[-1]
    subprocess.run(["git", "clone", "-q", str(source), str(dest)], check=True)
    for key, value in (
        ("user.name", "Fault injection"),
        ("user.email", "faults@example.com"),
        ("commit.gpgsign", "false"),
        ("core.autocrlf", "false"),
        ("diff.renameLimit", "10000"),
    ):
        git(dest, "config", key, value)
    return dest


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` outside ``.git``: repo-relative path → bytes."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            out[rel] = (
                b"-> " + os.readlink(full).encode() if full.is_symlink() else full.read_bytes()
            )
    return out


def fixed_point(root: Path, rounds: int = 6) -> int:
    """Run ``fix --unsafe-fixes`` on every note until it changes nothing; commit that state
    (so that no fix a fault's repair could set off is pending before it)."""
    done = 0
    while True:
        done += 1
        if not KnowledgeBase.load(root, cache=False).fix(unsafe_fixes=True).changes:
            break
        if done == rounds:
            raise RuntimeError(f"fix did not reach a fixed point in {rounds} rounds")
    git(root, "add", "-A")
    if git(root, "status", "--porcelain"):
        git(root, "commit", "-q", "-m", "fixed point of codex-hooks fix")
    return done


def reset(root: Path) -> None:
    git(root, "reset", "-q", "--hard", "HEAD")
    git(root, "clean", "-qfdx")


# -- reading notes as lines ---------------------------------------------------------------


def _note(data: bytes, path: str) -> Note | None:
    try:
        note = Note.from_bytes(data, path)
        parse_frontmatter(note)
    except Exception:
        return None
    return note if note.has_frontmatter else None


def _lf_plain(data: bytes) -> bool:
    return b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")


def _join(note: Note, lines: list[str]) -> bytes:
    return (("\ufeff" if note.bom else "") + "".join(lines)).encode("utf-8")


def _scalar_span(note: Note, key: str):
    span = parse_frontmatter(note).spans.get(key)
    if span is None or span.style != "scalar" or span.end - span.start != 1:
        return None
    if span.value_start[0] != span.start or span.value_end[0] != span.start:
        return None
    return span


def typo(value: str, rng: random.Random, allowed: list[str]) -> str | None:
    """A one-keystroke typo of ``value`` that is not itself an allowed value."""
    for _ in range(20):
        i = rng.randrange(1, len(value)) if len(value) > 1 else 0
        op = rng.choice(("drop", "swap", "double"))
        if op == "drop":
            new = value[:i] + value[i + 1 :]
        elif op == "swap" and i + 1 < len(value):
            new = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        else:
            new = value[:i] + value[i] + value[i:]
        if new and new != value and new not in allowed:
            return new
    return None


def renamed_refs(data: bytes, old: str, new: str) -> bytes:
    """``data`` with every reference to ``old`` (in the frontmatter, or inside a
    ``[[wiki link]]``) naming ``new``, spelled as written on disk whatever case the reference
    used. Prose that mentions the old name is not a reference and stays."""
    text = data.decode("utf-8", "surrogateescape")
    # A title matches whatever case and separators (space, hyphen, underscore) it is
    # written with, as references resolve; a path matches as written.
    if "/" in old:
        pattern = re.compile(re.escape(old))
    else:
        words = [re.escape(w) for w in re.split(r"[\s_\-]+", old) if w]
        pattern = re.compile(r"[\s_\-]+".join(words), re.IGNORECASE)
    lines = text.split("\n")
    fence = [i for i, line in enumerate(lines) if line.lstrip("\ufeff").rstrip("\r") == "---"]
    fm_end = fence[1] if len(fence) > 1 and fence[0] == 0 else -1
    for i, line in enumerate(lines):
        if 0 < i < fm_end:
            lines[i] = pattern.sub(lambda _: new, line)
        elif i > fm_end:
            lines[i] = _LINK.sub(lambda m: pattern.sub(lambda _: new, m.group(0)), line)
    return "\n".join(lines).encode("utf-8", "surrogateescape")


_LINK = re.compile(r"\[\[[^\[\]\n]*\]\]")


# -- the faults -----------------------------------------------------------------------------


class Injector:
    """Builds faults from the fixed point's notes; each knows its neighbourhood."""

    def __init__(self, root: Path, base: dict[str, bytes], rng: random.Random) -> None:
        self.root = root
        self.base = base
        self.rng = rng
        self.kb = KnowledgeBase.load(root, cache=False)
        self.kb.checking = set()
        self.notes = {p: i for p, i in self.kb.notes.items() if i.problem is None}
        self.linked_from: dict[str, set[str]] = defaultdict(set)
        for path, info in self.notes.items():
            for link in info.links:
                for target in self.kb.resolve(link.target):
                    self.linked_from[target].add(path)

    # The notes a fault in ``path`` could make a fix touch: its link counterparts, and
    # everything that names it when it is renamed or moved.
    def neighbourhood(self, path: str, names: bool = False) -> set[str]:
        info = self.kb.notes[path]
        out = {path}
        out |= {clean_path(r) for r in as_list(info.get("sourced_from"))}
        for key in ("claims_extracted", "enrichments_applied", "enrichments"):
            for entry in as_list(info.get(key)):
                out |= set(self.kb.resolve(entry))
        out |= {s for s, _ in self.kb.listed_by.get(path, [])}
        out |= set(self.kb.cited_by.get(path, []))
        if names:
            from codex_hooks.staged import referrers

            out |= set(referrers(self.kb, path)) | self.linked_from.get(path, set())
        return out

    def candidates(self, kind: str) -> list[str]:
        kb = self.kb
        pick: Callable[[str], bool]
        if kind == "drop-sourced-from":

            def pick(p: str) -> bool:
                info = kb.notes[p]
                refs = as_list(info.get("sourced_from"))
                return info.kind == CLAIM and bool(refs) and all(r in kb.notes for r in refs)

        elif kind == "drop-claims-extracted":

            def pick(p: str) -> bool:
                info = kb.notes[p]
                entries = as_list(info.get("claims_extracted"))
                if info.kind != SOURCE or not entries:
                    return False
                # Only an entry spelled exactly as the claim's file name can come back
                # byte for byte: the fix writes the title, it cannot guess another spelling.
                hits = kb.resolve(entries[-1])
                return (
                    len(hits) == 1
                    and entries[-1] == stem(hits[0])
                    and p in [clean_path(r) for r in as_list(kb.notes[hits[0]].get("sourced_from"))]
                )

        elif kind.startswith("typo-"):
            key = kind[5:]
            kinds = {"status": (SOURCE,), "confidence": (CLAIM,), "domain": (CLAIM, SOURCE)}[key]
            allowed = getattr(kb.config, key)

            def pick(p: str) -> bool:
                info = kb.notes[p]
                return info.kind in kinds and info.get(key) in allowed

        elif kind == "missing-processed-by":

            def pick(p: str) -> bool:
                info = kb.notes[p]
                return (
                    info.kind == SOURCE
                    and info.get("status") == "processed"
                    and info.get("processed_by") in kb.agents
                )

        elif kind == "rename-claim":

            def pick(p: str) -> bool:
                info = kb.notes[p]
                words = stem(p).split(" ")
                return (
                    info.kind == CLAIM
                    and len(words) >= 5
                    and len(kb.titles.get(normalize_title(stem(p)), [])) == 1
                    and bool(self.linked_from.get(p) or kb.listed_by.get(p))
                )

        elif kind == "move-source":

            def pick(p: str) -> bool:
                return kb.notes[p].kind == SOURCE and bool(kb.cited_by.get(p))

        elif kind in ("crlf-needs-fix", "bom-needs-fix"):

            def pick(p: str) -> bool:
                info = kb.notes[p]
                return _lf_plain(self.base[p]) and (
                    (info.kind == CLAIM and info.get("confidence") in kb.config.confidence)
                    or (info.kind == SOURCE and info.get("status") in kb.config.status)
                )

        else:  # broken-yaml, duplicate-key, dead-wiki-link: any note with frontmatter

            def pick(p: str) -> bool:
                return kb.notes[p].data is not None and kb.notes[p].kind in (CLAIM, SOURCE)

        return sorted(p for p in self.notes if p in self.base and pick(p))

    def make(self, kind: str, path: str) -> Fault | None:
        data = self.base[path]
        note = _note(data, path)
        if note is None:
            return None
        maker = getattr(self, "_" + kind.replace("-", "_"))
        return maker(path, note)

    # -- fixable faults ----------------------------------------------------------------

    def _drop_sourced_from(self, path: str, note: Note) -> Fault | None:
        span = parse_frontmatter(note).spans["sourced_from"]
        lines = list(note.lines)
        if span.style == "scalar":
            del lines[span.start : span.end]
            detail = "dropped the sourced_from key"
        elif span.style == "block" and len(span.items) > 1:
            (sl, _), (el, ec) = span.items[-1]
            del lines[sl : (el if ec == 0 else el + 1)]
            detail = "dropped the last sourced_from item"
        else:
            return None
        return self._fixable("drop-sourced-from", path, _join(note, lines), ("BL003",), detail)

    def _drop_claims_extracted(self, path: str, note: Note) -> Fault | None:
        span = parse_frontmatter(note).spans["claims_extracted"]
        if span.style != "block" or len(span.items) < 1:
            return None
        (sl, _), (el, _) = span.items[-1]
        if sl != el:
            return None
        lines = list(note.lines)
        del lines[sl : sl + 1]
        fault = self._fixable(
            "drop-claims-extracted", path, _join(note, lines), ("BL004",), "dropped the last entry"
        )
        # The broken pair is reported once: on the claim when it is checked too.
        claim = self.kb.resolve(as_list(self.kb.notes[path].get("claims_extracted"))[-1])
        fault.report_paths = (path, *claim)
        return fault

    def _typo(self, kind: str, key: str, path: str, note: Note) -> Fault | None:
        span = _scalar_span(note, key)
        if span is None:
            return None
        value = parse_frontmatter(note).data[key]
        assert isinstance(value, str)
        new = typo(value, self.rng, getattr(self.kb.config, key))
        if new is None:
            return None
        line = note.lines[span.start]
        (_, vs), (_, ve) = span.value_start, span.value_end
        token = line[vs:ve]
        if value not in token:
            return None
        lines = list(note.lines)
        lines[span.start] = line[:vs] + token.replace(value, new, 1) + line[ve:]
        codes = {"status": ("FM002",), "confidence": ("FM003",), "domain": ("FM004", "FM009")}
        fault = self._fixable(kind, path, _join(note, lines), codes[key], f"{value!r} → {new!r}")
        fault.guess = spelling(new) != spelling(value)
        return fault

    def _typo_status(self, path: str, note: Note) -> Fault | None:
        return self._typo("typo-status", "status", path, note)

    def _typo_confidence(self, path: str, note: Note) -> Fault | None:
        return self._typo("typo-confidence", "confidence", path, note)

    def _typo_domain(self, path: str, note: Note) -> Fault | None:
        return self._typo("typo-domain", "domain", path, note)

    def _fixable(
        self, kind: str, path: str, faulty: bytes, codes: tuple[str, ...], detail: str
    ) -> Fault:
        return Fault(
            kind,
            path,
            codes,
            (path,),
            {path: faulty},
            {path: self.base[path]},
            True,
            detail,
        )

    def _line_endings(self, kind: str, path: str, note: Note) -> Fault | None:
        info = self.kb.notes[path]
        sub = "typo-confidence" if info.kind == CLAIM else "typo-status"
        inner = self.make(sub, path)
        if inner is None:
            return None
        faulty, before = inner.writes[path], self.base[path]
        assert faulty is not None
        if kind == "crlf-needs-fix":
            faulty, before = faulty.replace(b"\n", b"\r\n"), before.replace(b"\n", b"\r\n")
        else:
            faulty, before = b"\xef\xbb\xbf" + faulty, b"\xef\xbb\xbf" + before
        fault = Fault(
            kind,
            path,
            inner.codes,
            (path,),
            {path: faulty},
            {path: before},
            True,
            f"{sub} {inner.detail}",
            guess=inner.guess,
        )
        return fault

    def _crlf_needs_fix(self, path: str, note: Note) -> Fault | None:
        return self._line_endings("crlf-needs-fix", path, note)

    def _bom_needs_fix(self, path: str, note: Note) -> Fault | None:
        return self._line_endings("bom-needs-fix", path, note)

    # -- renames and moves: the fix must rewrite what named the note ----------------------

    def _renamed(
        self, kind: str, path: str, new: str, old_text: str, new_text: str, codes: tuple
    ) -> Fault | None:
        if new in self.base or (self.root / new).exists():
            return None
        names = self.neighbourhood(path, names=True) - {path}
        # The note itself may link to itself: that link follows it too.
        moved = renamed_refs(self.base[path], old_text, new_text)
        expected: dict[str, bytes | None] = {path: None, new: moved}
        for other in names:
            if other in self.base:
                expected[other] = renamed_refs(self.base[other], old_text, new_text)
        rewritten = sum(expected[o] != self.base[o] for o in names if o in self.base)
        return Fault(
            kind,
            new,
            codes,
            tuple(sorted({new, *names})),
            {path: None, new: self.base[path]},
            expected,
            True,
            f"{path} → {new} ({rewritten} note(s) name it)",
        )

    def _rename_claim(self, path: str, note: Note) -> Fault | None:
        title = stem(path)
        new_title = title.rsplit(" ", 1)[0]
        if normalize_title(new_title) in self.kb.titles:
            return None
        new = path[: -len(title) - 3] + new_title + ".md"
        codes = ("WL005", "BL001", "WL001", "WL004", "BL004")
        return self._renamed("rename-claim", path, new, title, new_title, codes)

    def _move_source(self, path: str, note: Note) -> Fault | None:
        folder, name = path.rsplit("/", 1) if "/" in path else ("", path)
        new = f"{folder}/moved/{name}" if folder else f"moved/{name}"
        return self._renamed("move-source", path, new, path, new, ("WL005", "BL005"))

    # -- report-only faults: the note must stay exactly as the fault left it ---------------

    def _report_only(self, kind: str, path: str, faulty: bytes, codes: tuple, detail: str):
        return Fault(kind, path, codes, (path,), {path: faulty}, {path: faulty}, False, detail)

    def _missing_processed_by(self, path: str, note: Note) -> Fault | None:
        span = parse_frontmatter(note).spans.get("processed_by")
        if span is None:
            return None
        lines = list(note.lines)
        del lines[span.start : span.end]
        return self._report_only(
            "missing-processed-by", path, _join(note, lines), ("LC001",), "dropped processed_by"
        )

    def _broken_yaml(self, path: str, note: Note) -> Fault | None:
        lines = list(note.lines)
        lines.insert(1, 'broken: "this quote is never closed' + note.newline)
        return self._report_only(
            "broken-yaml", path, _join(note, lines), ("FM903",), "unclosed quote on line 2"
        )

    def _duplicate_key(self, path: str, note: Note) -> Fault | None:
        spans = [s for s in parse_frontmatter(note).spans.values() if s.end - s.start == 1]
        if not spans:
            return None
        span = self.rng.choice(spans)
        lines = list(note.lines)
        lines.insert(span.end, lines[span.start])
        return self._report_only(
            "duplicate-key", path, _join(note, lines), ("FM904",), f"'{span.key}' twice"
        )

    def _dead_wiki_link(self, path: str, note: Note) -> Fault | None:
        target = f"zq{self.rng.randrange(16**6):06x} no note has this name"
        text = note.text if note.text.endswith("\n") or not note.text else note.text + "\n"
        text += f"{note.newline}See also [[{target}]].{note.newline}"
        faulty = (("\ufeff" if note.bom else "") + text).encode("utf-8")
        return self._report_only("dead-wiki-link", path, faulty, ("WL001",), f"[[{target}]]")


# -- running ---------------------------------------------------------------------------------


def plan(injector: Injector, count: int, batch: int) -> list[list[Fault]]:
    """``count`` faults in batches of at most ``batch`` whose neighbourhoods are disjoint."""
    rng = injector.rng
    pools = {kind: injector.candidates(kind) for kind in KINDS}
    kinds = [k for k in KINDS if pools[k]]
    batches: list[list[Fault]] = []
    made = 0
    used_everywhere: Counter[str] = Counter()
    while made < count:
        current: list[Fault] = []
        taken: set[str] = set()
        order = kinds[:]
        rng.shuffle(order)
        for kind in order:
            if len(current) >= batch or made + len(current) >= count:
                break
            for _ in range(30):
                path = rng.choice(pools[kind])
                names = kind in ("rename-claim", "move-source")
                area = injector.neighbourhood(path, names=names)
                if area & taken:
                    continue
                fault = injector.make(kind, path)
                if fault is None:
                    continue
                area |= set(fault.expected) | set(fault.writes)
                if area & taken:
                    continue
                taken |= area
                current.append(fault)
                used_everywhere[path] += 1
                break
        if not current:
            break
        made += len(current)
        batches.append(current)
    return batches


def _findings(violations: list) -> set[tuple[str, str, str]]:
    return {(v.path, v.code, v.message) for v in violations}


def run(
    corpus: Path,
    seed: int = 0,
    faults: int = 300,
    batch: int = 10,
    scope: str = "staged",
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Inject ``faults`` faults into a copy of ``corpus`` and measure the hook's answers."""
    started = time.perf_counter()
    own = workdir is None
    tmp = Path(tempfile.mkdtemp(prefix="codex-faults-")) if own else workdir
    assert tmp is not None
    root = clone(corpus, tmp / "kb")
    rounds = fixed_point(root)
    base = snapshot(root)
    rng = random.Random(seed)
    injector = Injector(root, base, rng)
    baseline = _findings(injector.kb.check())
    report = Report(seed, scope, len(injector.kb.notes), fixed_point_rounds=rounds)
    batches = plan(injector, faults, batch)
    for n, group in enumerate(batches, 1):
        for fault in group:
            for rel, data in fault.writes.items():
                target = root / rel
                if data is None:
                    target.unlink()
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        git(root, "add", "-A")
        keep = None
        try:
            kb = KnowledgeBase.load(root, cache=False)
            if scope == "staged":
                # As the hook does: the staged notes answer for every finding, the notes
                # that staged deletions and renames leave dangling only for those.
                from codex_hooks.staged import commit_scope

                commit = commit_scope(kb)
                targets: list[str] | None = commit.paths
                keep = commit.keep
            else:
                targets = None
            found = _findings(check(kb, targets, keep=keep)) - baseline
            kb.fix(targets, keep=keep)  # the hook: safe fixes only
        except Exception as exc:  # a crash is a finding, not the end of the run
            report.crashes.append(f"batch {n}: {type(exc).__name__}: {exc}")
            found = set()
        hooked = snapshot(root)
        try:
            KnowledgeBase.load(root, cache=False).fix(targets, unsafe_fixes=True, keep=keep)
        except Exception as exc:
            report.crashes.append(f"batch {n}, --unsafe-fixes: {type(exc).__name__}: {exc}")
        after = snapshot(root)
        involved: set[str] = set()
        for fault in group:
            fault.detected = any(
                path in fault.report_paths and code in fault.codes for path, code, _ in found
            )
            if fault.kind == "dead-wiki-link":
                fault.detected = any(
                    path == fault.note and code == "WL001" and fault.detail in msg
                    for path, code, msg in found
                )
            fault.exact, fault.unfixed = _outcome(fault, hooked, base)
            fault.unsafe_exact, fault.unsafe_unfixed = _outcome(fault, after, base)
            # The hook must not apply a guess; either pass may leave a fault unfixed, but
            # what it writes must be exact.
            hook_ok = fault.unfixed if fault.guess else (fault.exact or fault.unfixed)
            for rel, data in fault.expected.items():
                if (not hook_ok and hooked.get(rel) != data) or not (
                    fault.unsafe_exact or fault.unsafe_unfixed
                ):
                    fault.wrong.append(rel)
            if not hook_ok and not fault.wrong:
                fault.wrong.append(f"{fault.note} (a guess, applied by the hook)")
            involved |= set(fault.expected)
        for rel in sorted(set(base) | set(hooked) | set(after)):
            if rel in involved:
                continue
            if base.get(rel) != hooked.get(rel) or base.get(rel) != after.get(rel):
                report.collateral.append(f"batch {n}: {rel}")
        report.faults.extend(group)
        report.batches = n
        reset(root)
        if progress:
            progress(f"batch {n}/{len(batches)}: {len(report.faults)} faults")
    if own:
        subprocess.run(["rm", "-rf", str(tmp)], check=False)
    report.seconds = time.perf_counter() - started
    return report


def _outcome(fault: Fault, now: dict[str, bytes], base: dict[str, bytes]) -> tuple[bool, bool]:
    """Whether every note the fault involves is exactly repaired in ``now``, and whether
    every one is still as the fault left it."""
    exact = all(now.get(rel) == data for rel, data in fault.expected.items())
    unfixed = all(
        now.get(rel) == (fault.writes[rel] if rel in fault.writes else base.get(rel))
        for rel in fault.expected
    )
    return exact, unfixed and not exact


def table(report: Report) -> str:
    """The summary as a markdown table."""
    head = (
        "| fault | injected | detected | repaired exactly by the hook (safe fixes) "
        "| repaired with --unsafe-fixes | reported, left unfixed | wrong fix "
        "| report-only: left byte-identical |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    body = ""
    for r in report.rows():
        fixable = r["fixable"]
        fx = f"{r['repaired_exactly']}/{fixable}" if fixable else "–"
        unsafe = r["repaired_unsafe"] if fixable else "–"
        unfixed = r["left_unfixed"] if fixable else "–"
        wrong = r["wrong_fix"] if fixable else "–"
        ro = f"{r['left_as_is']}/{r['report_only']}" if r["report_only"] else "–"
        body += (
            f"| {r['kind']} | {r['injected']} | {r['detected']} | {fx} | {unsafe} "
            f"| {unfixed} | {wrong} | {ro} |\n"
        )
    return head + body + f"\nCollateral changes: {len(report.collateral)}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a git repository, or a folder with a bundle")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faults", type=int, default=300)
    parser.add_argument("--batch", type=int, default=10, help="faults per batch")
    parser.add_argument("--scope", choices=("staged", "all"), default="staged")
    parser.add_argument("--json", type=Path, help="write the full report here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    report = run(
        args.corpus,
        args.seed,
        args.faults,
        args.batch,
        args.scope,
        args.keep,
        progress=lambda m: print(m, file=sys.stderr),
    )
    print(table(report))
    print(
        f"{len(report.faults)} faults in {report.batches} batches over {report.notes} notes, "
        f"seed {report.seed}, scope {report.scope}, {report.seconds:.0f} s "
        f"(fixed point after {report.fixed_point_rounds} fix run(s))"
    )
    for line in report.collateral:
        print(f"collateral: {line}")
    for line in report.crashes:
        print(f"crash: {line}")
    if args.json:
        args.json.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    ok = not report.collateral and not report.crashes
    ok = ok and all(f.detected and not f.wrong for f in report.faults)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
