"""Fault injection over the real corpus (a modest number of faults; the script
``benchmarks/faults.py`` runs hundreds): every fault is detected on the right note with the
right code, every safe fix is the exact inverse of its fault, report-only faults leave the
note byte-identical, and no other file changes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from kbutil import CORPUS

ROOT = Path(__file__).resolve().parents[1]

if not (CORPUS / "README.md").exists():
    pytest.skip(f"the real corpus is not at {CORPUS}", allow_module_level=True)


def _faults_module():
    spec = importlib.util.spec_from_file_location("faults", ROOT / "benchmarks" / "faults.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["faults"] = module
    spec.loader.exec_module(module)
    return module


faults = _faults_module()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    return faults.run(CORPUS, seed=7, faults=2 * len(faults.KINDS), batch=13, workdir=work)


def test_every_kind_was_injected(report) -> None:
    kinds = {f.kind for f in report.faults}
    assert kinds == set(faults.KINDS)
    assert len(report.faults) >= 2 * len(faults.KINDS) - 2


def test_no_crash_and_no_collateral(report) -> None:
    assert report.crashes == []
    assert report.collateral == []


@pytest.mark.parametrize("kind", faults.KINDS)
def test_detected_on_the_right_note(report, kind: str) -> None:
    missed = [(f.note, f.detail) for f in report.faults if f.kind == kind and not f.detected]
    assert missed == []


@pytest.mark.parametrize("kind", faults.KINDS)
def test_fix_is_the_exact_inverse_or_leaves_the_note_alone(report, kind: str) -> None:
    # The hook applies safe fixes only: a typo's repair is a guess (an unsafe fix), so
    # the hook leaves it, and 'fix --unsafe-fixes' repairs it exactly. A typo as close to
    # two allowed values is reported with both and never written: the only way a fixable
    # fault may stay. Anything else must come back exactly from the hook.
    allowed_unfixed = kind.startswith("typo-") or kind.endswith("-needs-fix")
    mine = [f for f in report.faults if f.kind == kind]
    assert [(f.note, f.detail, f.wrong) for f in mine if f.wrong] == []
    for f in mine:
        if not f.fixable:
            assert f.exact and f.unsafe_exact, (f.note, f.detail)  # left byte-identical
        elif f.guess:
            assert f.unfixed, (f.note, f.detail)  # not by the hook ...
            assert f.unsafe_exact or f.unsafe_unfixed, (f.note, f.detail)  # ... by a person
        else:
            assert f.exact or (allowed_unfixed and f.unfixed), (f.note, f.detail)


def test_typo_repairs_are_guesses_left_to_unsafe_fixes(report) -> None:
    typos = [f for f in report.faults if f.kind.startswith("typo-") and f.guess]
    assert typos, "no typo was injected"
    assert not any(f.exact for f in typos)  # the hook applied none of them
    assert any(f.unsafe_exact for f in typos)  # fix --unsafe-fixes repaired them


def test_typo_makes_a_real_typo() -> None:
    import random

    rng = random.Random(3)
    allowed = ["processed", "unprocessed", "processing"]
    for _ in range(50):
        new = faults.typo("processed", rng, allowed)
        assert new is not None and new not in allowed
        assert abs(len(new) - len("processed")) <= 1
