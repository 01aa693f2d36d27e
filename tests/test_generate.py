"""The benchmark generator builds the knowledge base it promises, byte for byte per seed."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
N = 200
SEED = 7
LINK = re.compile(r"\[\[([^\]]+?)\]\]")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.M)
STATUSES = {"processed", "unprocessed", "processing", "partial", "null-result", "enrichment"}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
floor = _load("floor")


def _files(root: Path) -> dict[str, bytes]:
    found = {}
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            path = Path(dirpath, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _fm(data: bytes) -> tuple[str | None, dict]:
    text = floor.frontmatter(data)
    if text is None:
        return None, {}
    return text, yaml.load(text, Loader=yaml.CBaseLoader) or {}


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1][:-3]


def _entries(value) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [i[:-3] if i.endswith(".md") else i for i in items]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    out = tmp_path_factory.mktemp("kb") / "kb"
    result = generate.generate(out, N, seed=SEED, git=True)
    return out, result, _files(out)


def test_counts_by_folder_match_the_shares(kb):
    _, result, files = kb
    assert len(files) == N and all(p.endswith(".md") for p in files)
    folders = Counter()
    for path in files:
        if path.startswith("inbox/archive/"):
            folders["source"] += 1
        elif path.startswith("domains/"):
            folders["claim"] += 1
        else:
            folders[
                {"entities": "entity", "agents": "agent", "maps": "map"}[path.split("/")[0]]
            ] += 1
    for kind, share in generate.SHARES.items():
        assert abs(folders[kind] - share * N) <= 0.03 * N, (kind, folders[kind])
    assert folders["source"] == result["sources"] and folders["claim"] == result["claims"]
    unclosed = set(result["mess_paths"]["unclosed_frontmatter"])
    claims = [p for p in files if p.startswith("domains/") and p not in unclosed]
    assert all(_fm(files[p])[1].get("type") == "claim" for p in claims)
    agents = {p.split("/")[1] for p in files if p.startswith("agents/")}
    assert len(agents) == result["agents"] >= 2


def test_every_sourced_from_points_at_a_source_listing_the_claim(kb):
    _, result, files = kb
    sources = {p: _fm(files[p])[1] for p in files if p.startswith("inbox/archive/")}
    listed_by = {}  # claim stem -> sources listing it
    for path, fm in sources.items():
        for title in _entries(fm.get("claims_extracted")):
            listed_by.setdefault(title, set()).add(path)
    pointing = 0
    for path in (p for p in files if p.startswith("domains/")):
        fm = _fm(files[path])[1]
        if "sourced_from" not in fm:
            continue
        pointing += 1
        targets = (
            fm["sourced_from"] if isinstance(fm["sourced_from"], list) else [fm["sourced_from"]]
        )
        for target in targets:
            assert target in sources, (path, target)
            assert sources[target]["type"] == "source"
            assert _stem(path) in _entries(sources[target]["claims_extracted"]), (path, target)
    missing = result["mess_paths"]["missing_sourced_from"]
    assert pointing == result["claims_with_source"] - len(missing) > 0.6 * result["claims"]
    for path in missing:
        assert "sourced_from" not in _fm(files[path])[1]
        assert listed_by.get(_stem(path)), path
    multi = [p for p in files if p.startswith("domains/") and b"sourced_from:\n  - " in files[p]]
    assert len(multi) == result["multi_source_claims"] >= 1


def test_the_documented_messes_are_there_exactly(kb):
    _, result, files = kb
    wanted = generate.mess_counts(N)
    assert wanted == {kind: 2 for kind in generate.MESS_KINDS} | {"bad_date": 1}
    assert result["messes"] == wanted
    stems = {_stem(p).casefold() for p in files}
    found: dict[str, set[str]] = {kind: set() for kind in generate.MESS_KINDS}
    for path, data in files.items():
        if data.startswith(b"\xef\xbb\xbf"):
            found["bom"].add(path)
        if b"\r" in data:
            assert data.count(b"\r\n") == data.count(b"\n")
            found["crlf"].add(path)
        text, fm = _fm(data)
        if text is None:
            if data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
                found["unclosed_frontmatter"].add(path)
            continue
        if re.search(r"^(date|created): 2026-00-00\s*$", text, re.M):
            found["bad_date"].add(path)
        if any(n > 1 for n in Counter(TOP_KEY.findall(text)).values()):
            found["duplicate_key"].add(path)
        if fm.get("type") == "source" and fm["status"] not in STATUSES:
            found["status_typo"].add(path)
        if any(t.casefold() not in stems for t in _entries(fm.get("claims_extracted"))):
            found["dangling_claims_extracted"].add(path)
    claim_stems = Counter(_stem(p) for p in files if p.startswith("domains/"))
    twins = {p for p in files if p.startswith("domains/") and claim_stems[_stem(p)] > 1}
    found["duplicate_name"] = {p for p in twins if p in result["mess_paths"]["duplicate_name"]}
    assert len(twins) == 2 * wanted["duplicate_name"]
    listed = {t for p in files for t in _entries(_fm(files[p])[1].get("claims_extracted"))}
    found["missing_sourced_from"] = {
        p
        for p in files
        if p.startswith("domains/")
        and p not in found["duplicate_name"]  # a renamed twin's title is another's
        and _stem(p) in listed
        and "sourced_from" not in _fm(files[p])[1]
    }
    for kind in generate.MESS_KINDS:
        assert found[kind] == set(result["mess_paths"][kind]), kind
        assert len(found[kind]) == wanted[kind], kind
    every = [p for paths in result["mess_paths"].values() for p in paths]
    assert len(every) == len(set(every)) == sum(wanted.values())


def test_links_have_the_corpus_density_and_two_percent_broken(kb):
    _, result, files = kb
    stems = {_stem(p).casefold() for p in files}
    paths = {p[:-3].casefold() for p in files}
    links = broken = 0
    for data in files.values():
        for raw in LINK.findall(data.decode("utf-8")):
            target = re.split(r"[|#^]", raw, maxsplit=1)[0].strip()
            target = target[:-3] if target.endswith(".md") else target
            links += 1
            ok = target.casefold() in (paths if "/" in target else stems)
            broken += not ok
    assert links == result["links"] and broken == result["broken_links"]
    assert 5.5 <= links / N <= 7.0
    assert 0.008 <= broken / links <= 0.035
    forms = Counter("|" if "|" in r else "#" if "#" in r else "/" if "/" in r else "" for r in (
        raw for data in files.values() for raw in LINK.findall(data.decode("utf-8"))
    ))  # fmt: skip
    assert all(forms[f] > 0 for f in ("", "|", "#", "/"))


def test_git_holds_every_note_in_one_commit(kb):
    out, result, files = kb
    listed = subprocess.run(
        ["git", "-C", str(out), "ls-files", "-z", "--", "*.md"],
        check=True,
        capture_output=True,
    ).stdout
    assert set(os.fsdecode(listed).split("\0")) - {""} == set(files)
    status = subprocess.run(
        ["git", "-C", str(out), "status", "--porcelain"], check=True, capture_output=True
    )
    assert status.stdout == b""
    count = subprocess.run(
        ["git", "-C", str(out), "rev-list", "--count", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert count.stdout.strip() == "1" and len(result["commit"]) == 40
    # Blobs are stored as written: CRLF and BOM survive the round trip through git.
    crlf = result["mess_paths"]["crlf"][0]
    blob = subprocess.run(
        ["git", "-C", str(out), "show", f"HEAD:{crlf}"], check=True, capture_output=True
    ).stdout
    assert blob == files[crlf]


def test_same_seed_same_bytes_other_seed_other_bytes(kb, tmp_path):
    _, result, files = kb
    again = generate.generate(tmp_path / "again", N, seed=SEED, git=True)
    assert _files(tmp_path / "again") == files
    assert again["commit"] == result["commit"]
    assert generate.generate(tmp_path / "plain", N, seed=SEED, git=False)["commit"] == ""
    assert _files(tmp_path / "plain") == files
    generate.generate(tmp_path / "other", N, seed=SEED + 1, git=False)
    assert _files(tmp_path / "other") != files
    with pytest.raises(FileExistsError):
        generate.generate(tmp_path / "other", N, seed=SEED)


def test_floor_reads_every_note(kb):
    out, _, files = kb
    result = floor.floor(out)
    with_fm = sum(1 for data in files.values() if floor.frontmatter(data) is not None)
    assert result["notes"] == N and result["frontmatter"] == with_fm and result["errors"] == 0
    assert result["seconds"] > 0
