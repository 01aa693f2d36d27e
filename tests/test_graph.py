"""The knowledge graph: the library API (notes, provenance, links) and ``codex-hooks graph``.

A small knowledge base with every kind of edge is built by hand, and each count below is
worked out from its text, not from the code under test."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from kbutil import cli, note, processed, source, write_kb

from codex_hooks import KnowledgeBase
from codex_hooks.graph import Edge, Link, Provenance, schema
from codex_hooks.graphindex import frontmatter_refs

CLAIM = (
    "type: claim\ndomain: ai\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2026-01-05\n"
)

FILES = {
    # alpha: cited by s1 on both sides; links beta twice, a missing note once; depends on
    # beta (a plain title) and on a title that names nothing; challenged by [[gamma]].
    "domains/ai/alpha.md": note(
        CLAIM + "sourced_from: inbox/archive/s1.md\n"
        "depends_on:\n  - beta\n  - nothing here\n"
        'challenged_by: "see [[gamma]]"\n',
        "\nSee [[beta]] and [[missing note]].\nAgain [[beta|the other]].\n",
    ),
    # beta: listed by s1 only (one-way, source side); enriched by s2 on both sides.
    "domains/ai/beta.md": note(
        CLAIM,
        "\nBack to [[alpha#Heading]].\n\n### Additional Evidence (extend)\n"
        "*Source: [[s2]] | Added: 2026-01-07 | Extractor: x*\n",
    ),
    # gamma: cites s2, which does not list it (one-way, claim side).
    "domains/ai/gamma.md": note(CLAIM + "sourced_from: inbox/archive/s2.md\n", "\nNo links.\n"),
    "inbox/archive/s1.md": processed(["alpha", "Beta"]),
    "inbox/archive/s2.md": source(
        "processed",
        "processed_by: rio\nprocessed_date: 2026-01-06\n"
        "claims_extracted:\n  - a claim never written\n"
        "enrichments_applied:\n  - beta\n",
    ),
    # An entity whose frontmatter links a claim; the link in code is no link.
    "entities/acme.md": note(
        'type: entity\nfounders: ["[[alpha]]"]\n', "\nCode: `[[alpha]]` is not a link.\n"
    ),
}
A, B, G = "domains/ai/alpha.md", "domains/ai/beta.md", "domains/ai/gamma.md"
S1, S2, ACME = "inbox/archive/s1.md", "inbox/archive/s2.md", "entities/acme.md"
RIO, THESEUS = "agents/rio/identity.md", "agents/theseus/identity.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_kb(tmp_path, FILES, git=True)


def edge_set(edges) -> Counter:
    return Counter((e.type, e.source, e.target) for e in edges)


def test_graph_has_every_note_and_every_edge(root: Path) -> None:
    graph = KnowledgeBase.load(root, cache=False).graph()
    assert sorted(n.path for n in graph.nodes) == sorted([A, B, G, S1, S2, ACME, RIO, THESEUS])
    assert edge_set(graph.edges) == Counter(
        {
            ("wiki", A, B): 2,
            ("wiki", B, A): 1,
            ("wiki", B, S2): 1,  # the evidence block's link is a body link too
            ("depends_on", A, B): 1,
            ("challenged_by", A, G): 1,
            ("frontmatter", ACME, A): 1,
            ("extraction", A, S1): 1,
            ("extraction", B, S1): 1,
            ("extraction", G, S2): 1,
            ("enrichment", B, S2): 1,
        }
    )
    sides = {(e.type, e.source): (e.sides, e.one_way, e.declared_by) for e in graph.edges}
    assert sides[("extraction", A)] == ("both", False, (A, S1))
    assert sides[("extraction", B)] == ("source", True, (S1,))
    assert sides[("extraction", G)] == ("claim", True, (G,))
    assert sides[("enrichment", B)] == ("both", False, (B, S2))
    assert [(u.type, u.note, u.target, u.field) for u in graph.unresolved] == [
        ("wiki", A, "missing note", ""),
        ("depends_on", A, "nothing here", "depends_on"),
        ("extraction", S2, "a claim never written", "claims_extracted"),
    ]
    counts = graph.counts()
    assert counts["nodes"] == 8
    assert counts["edges"] == 11
    assert counts["one_way"] == 2
    assert counts["unresolved"] == 3


def test_notes_and_records(root: Path) -> None:
    kb = KnowledgeBase.load(root, cache=False)
    assert [n.path for n in kb.claims()] == [A, B, G]
    assert [n.path for n in kb.sources()] == [S1, S2]
    assert len(kb.notes()) == len(kb.notes) == 8
    alpha = kb.note(A)
    assert (alpha.kind, alpha.title, alpha.domain, alpha.confidence) == (
        "claim",
        "alpha",
        "ai",
        "likely",
    )
    assert dict(alpha.dates) == {"created": "2026-01-05"}
    assert alpha.frontmatter["depends_on"] == ["beta", "nothing here"]
    assert kb.note(S1).status == "processed"
    assert dict(kb.note(S1).dates) == {"processed_date": "2026-01-06"}
    with pytest.raises(KeyError, match="no such note"):
        kb.note("domains/ai/nope.md")


def test_provenance_both_ways(root: Path) -> None:
    kb = KnowledgeBase.load(root, cache=False)
    assert kb.sources_of(A) == (Provenance(A, S1, "extraction", "both"),)
    assert kb.sources_of(B) == (
        Provenance(B, S2, "enrichment", "both"),
        Provenance(B, S1, "extraction", "source"),
    ) or set(kb.sources_of(B)) == {
        Provenance(B, S2, "enrichment", "both"),
        Provenance(B, S1, "extraction", "source"),
    }
    assert set(kb.claims_of(S1)) == {
        Provenance(A, S1, "extraction", "both"),
        Provenance(B, S1, "extraction", "source"),
    }
    assert [p.one_way for p in kb.sources_of(G)] == [True]
    assert kb.claims_of(kb.note(S2)) == kb.claims_of(S2)
    assert {p.claim for p in kb.claims_of(S2)} == {B, G}


def test_links_from_and_backlinks(root: Path) -> None:
    kb = KnowledgeBase.load(root, cache=False)
    assert kb.links_from(A) == (
        Link(A, "beta", "[[beta]]", 15, 5, "", B),
        Link(A, "missing note", "[[missing note]]", 15, 18, "", None),
        Link(A, "beta", "[[beta|the other]]", 16, 7, "", B),
        Link(A, "beta", "beta", 9, 0, "depends_on", B, "depends_on"),
        Link(A, "nothing here", "nothing here", 9, 0, "depends_on", None, "depends_on"),
        Link(A, "gamma", "[[gamma]]", 12, 0, "challenged_by", G, "challenged_by"),
    )
    assert kb.links_from(ACME) == (
        Link(ACME, "alpha", "[[alpha]]", 3, 0, "founders", A, "frontmatter"),
    )
    assert sorted((link.note, link.field) for link in kb.backlinks(A)) == [
        (B, ""),
        (ACME, "founders"),
    ]


def test_an_entry_naming_two_claims_is_left_unresolved(tmp_path: Path) -> None:
    # Two claims share a title: the source's entry names neither alone, so the BL rules
    # leave it, and so does the graph (it says which notes the entry could mean). The
    # other claim of the source, and a sourced_from path, resolve as usual.
    root = write_kb(
        tmp_path,
        {
            "core/twin.md": note(CLAIM),
            "domains/ai/twin.md": note(CLAIM),
            "domains/ai/solo.md": note(CLAIM + "sourced_from: inbox/archive/s.md\n"),
            "inbox/archive/s.md": processed(["twin", "solo"]),
        },
    )
    graph = KnowledgeBase.load(root, cache=False).graph()
    assert [(e.type, e.source, e.target, e.sides) for e in graph.edges] == [
        ("extraction", "domains/ai/solo.md", "inbox/archive/s.md", "both")
    ]
    [entry] = graph.unresolved
    assert (entry.type, entry.note, entry.target, entry.field, entry.line) == (
        "extraction",
        "inbox/archive/s.md",
        "twin",
        "claims_extracted",
        9,
    )
    assert entry.candidates == ("core/twin.md", "domains/ai/twin.md")
    data = graph.to_dict()
    jsonschema.validate(data, schema())
    assert data["unresolved"][0]["candidates"] == ["core/twin.md", "domains/ai/twin.md"]


def test_links_resolve_as_obsidian_opens_them(tmp_path: Path) -> None:
    # Two notes named "twin": a link from the folder of one opens that one (own folder),
    # from elsewhere the shorter path; the graph agrees with LinkIndex.
    root = write_kb(
        tmp_path,
        {
            "a/twin.md": "# twin\n",
            "b/longer/twin.md": "# twin\n",
            "b/longer/from.md": "[[twin]]\n",
            "c/from.md": "[[twin]]\n",
        },
    )
    kb = KnowledgeBase.load(root, cache=False)
    assert [link.resolves_to for link in kb.links_from("b/longer/from.md")] == ["b/longer/twin.md"]
    assert [link.resolves_to for link in kb.links_from("c/from.md")] == ["a/twin.md"]


def test_frontmatter_references_are_those_wl004_resolves(root: Path) -> None:
    from codex_hooks.links import links_in_text
    from codex_hooks.rules.wikilinks import _frontmatter_links

    kb = KnowledgeBase.load(root, cache=False)
    for path, info in kb.notes.items():
        ours = [(k, e) for k, e, _ in frontmatter_refs(kb, info)]
        theirs = []
        for key, entry, _ in _frontmatter_links(kb, info):
            raws = list(dict.fromkeys(links_in_text(entry)))
            if raws:
                theirs.extend((key, raw) for raw in raws)
            else:  # a plain title
                theirs.append((key, entry))
        assert ours == theirs, path


def test_cli_json_matches_the_shipped_schema(root: Path) -> None:
    code, out, err = cli(root, "graph", "--no-cache")
    assert (code, err) == (0, "")
    data = json.loads(out)
    jsonschema.validate(data, schema())
    assert data["counts"]["nodes"] == 8
    assert data["counts"]["edges"] == len(data["edges"]) == 11
    assert {(e["type"], e["source"], e["target"]) for e in data["edges"] if e.get("one_way")} == {
        ("extraction", B, S1),
        ("extraction", G, S2),
    }


def test_the_documented_example_matches_the_schema() -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "graph.md").read_text("utf-8")
    [example] = re.findall(r"```json\n(.*?)```", doc, re.S)
    jsonschema.validate(json.loads(example), schema())


def test_schema_rejects_what_it_does_not_describe(root: Path) -> None:
    data = KnowledgeBase.load(root, cache=False).graph().to_dict()
    data["edges"][0]["type"] = "hyperlink"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_schema_is_shipped_with_the_package() -> None:
    from importlib.resources import files

    text = files("codex_hooks").joinpath("graph.schema.json").read_text("utf-8")
    jsonschema.Draft202012Validator.check_schema(json.loads(text))
    doc = (Path(__file__).resolve().parents[1] / "docs" / "graph.md").read_text("utf-8")
    assert "graph.schema.json" in doc


def test_kind_and_edge_filters(root: Path) -> None:
    code, out, _ = cli(root, "graph", "--kind", "claim,source", "--edge", "extraction")
    assert code == 0
    data = json.loads(out)
    assert sorted(n["id"] for n in data["nodes"]) == [A, B, G, S1, S2]
    assert sorted((e["source"], e["target"]) for e in data["edges"]) == [(A, S1), (B, S1), (G, S2)]
    code, _, err = cli(root, "graph", "--kind", "person")
    assert code == 2
    assert "unknown kind 'person'" in err


def test_graphml_and_dot(root: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "g.graphml"
    assert cli(root, "graph", "--format", "graphml", "--output", str(out_file))[0] == 0
    tree = ET.parse(out_file)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(tree.findall(".//g:node", ns)) == 8
    assert len(tree.findall(".//g:edge", ns)) == 11
    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(out_file, force_multigraph=True)
    assert g.number_of_nodes() == 8
    assert g.number_of_edges() == 11
    code, dot, _ = cli(root, "graph", "--format", "dot")
    assert code == 0
    assert dot.startswith("digraph knowledge {\n")
    assert f'"{A}" -> "{S1}" [type="extraction"' in dot
    assert sum(" -> " in line for line in dot.splitlines()) == 11


def test_to_networkx(root: Path) -> None:
    pytest.importorskip("networkx")
    g = KnowledgeBase.load(root, cache=False).graph().to_networkx()
    assert g.number_of_nodes() == 8
    assert g.number_of_edges() == 11
    assert g.nodes[A]["kind"] == "claim"
    assert g.edges[B, S1, "extraction"]["one_way"] is True


def test_stored_output_is_reused_until_a_note_changes(root: Path, monkeypatch) -> None:
    from codex_hooks import cache

    # The notes were written just now: treated as settled, as test_cache does.
    monkeypatch.setattr(cache, "_racy", lambda st, started: False)
    first = cli(root, "graph")[1]
    stored = list((root / ".git" / "codex-hooks").glob("graph-*"))
    assert len(stored) == 1

    def no_load(*args, **kwargs):
        raise AssertionError("the stored output should have been printed")

    with monkeypatch.context() as m:
        m.setattr(KnowledgeBase, "load", no_load)
        assert cli(root, "graph") == (0, first, "")
        # Other options are another output: built afresh.
        with pytest.raises(AssertionError, match="stored output"):
            cli(root, "graph", "--format", "dot")
    (root / G).write_text(note(CLAIM, "\nNow [[alpha]].\n"), encoding="utf-8")
    changed = json.loads(cli(root, "graph")[1])
    assert ("wiki", G, A) in {(e["type"], e["source"], e["target"]) for e in changed["edges"]}
    assert json.loads(cli(root, "graph", "--no-cache")[1]) == changed


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "body byte", "header byte"])
def test_a_damaged_stored_output_is_built_again(root: Path, monkeypatch, damage: str) -> None:
    from codex_hooks import cache

    monkeypatch.setattr(cache, "_racy", lambda st, started: False)
    first = cli(root, "graph")[1]
    [file] = (root / ".git" / "codex-hooks").glob("graph-*")
    data = bytearray(file.read_bytes())
    if damage == "empty":
        data = bytearray()
    elif damage == "garbage":
        data = bytearray(b"\xe9\x00\x01garbage")
    elif damage == "truncated":
        data = data[: len(data) - 10]
    elif damage == "body byte":  # what the checksum is for: the length still matches
        data[-5] ^= 0x20
    else:
        data[6] ^= 0x01
    file.write_bytes(bytes(data))
    loads = []
    real_load = KnowledgeBase.load.__func__

    def counted(cls, *args, **kwargs):
        loads.append(1)
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(KnowledgeBase, "load", classmethod(counted))
    assert cli(root, "graph") == (0, first, "")
    assert loads == [1]  # built again, not printed from the damaged file
    assert cli(root, "graph") == (0, first, "")
    assert loads == [1]  # and stored again


def test_command_line_import_stays_light() -> None:
    code = "import codex_hooks.cli, sys; print(sorted(m for m in sys.modules if 'graph' in m))"
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_edge_of_a_link_keeps_its_place(root: Path) -> None:
    graph = KnowledgeBase.load(root, cache=False).graph()
    assert Edge("wiki", A, B, (A,), field="", line=16, column=7, raw="[[beta|the other]]") in (
        graph.edges
    )


# -- the real corpus ----------------------------------------------------------------------

# ``corpus``: one clone for the whole run (conftest.py), skipped when it is absent.


def test_corpus_graph_has_every_note_link_and_provenance(corpus: Path) -> None:
    from codex_hooks.kb import as_list
    from codex_hooks.linkindex import LinkIndex

    code, out, err = cli(corpus, "graph", "--no-cache")
    assert (code, err) == (0, "")
    data = json.loads(out)
    jsonschema.validate(data, schema())
    out = subprocess.run(
        ["git", "ls-files", "-z", "*.md"], cwd=corpus, capture_output=True, check=True
    ).stdout
    listed = [p for p in out.decode("utf-8").split("\0") if p]
    assert len(listed) > 900
    assert sorted(n["id"] for n in data["nodes"]) == sorted(listed)

    # Every body link that names a note is an edge to the note Obsidian opens.
    kb = KnowledgeBase.load(corpus, cache=False)
    index = LinkIndex(kb.notes)
    expected = Counter()
    for path, info in kb.notes.items():
        for link in info.links:
            found = index.resolve(link.target, path) if link.target else []
            if found:
                expected[(path, found[0], link.line, link.column)] += 1
    wiki = Counter(
        (e["source"], e["target"], e["line"], e["column"])
        for e in data["edges"]
        if e["type"] == "wiki"
    )
    assert wiki == expected
    assert len(wiki) > 4000

    # Every provenance pair declared on either side is one edge, marked as declared.
    claim_side = {
        (p, ref) for p, info in kb.notes.items() for ref in as_list(info.get("sourced_from"))
    }
    # What each claims_extracted entry names, read as the BL rules read it.
    named = {}
    for p, info in kb.notes.items():
        if info.kind == "source":
            for entry in as_list(info.get("claims_extracted")):
                hits = kb.resolve_title(entry)
                named[(p, entry.strip())] = [h for h in hits if kb.notes[h].kind == "claim"] or hits
    extraction = [e for e in data["edges"] if e["type"] == "extraction"]
    assert len({(e["source"], e["target"]) for e in extraction}) == len(extraction)
    by_claim = {(e["source"], e["target"]) for e in extraction if e["sides"] != "source"}
    by_source = {(e["target"], e["source"]) for e in extraction if e["sides"] != "claim"}
    assert len(by_claim) == len(claim_side)  # no claim of this corpus has sourced_from yet
    # An entry that names one note alone is an edge; one that names several is unresolved,
    # with those notes as candidates; one that names none is unresolved without.
    assert by_source == {(s, c[0]) for (s, _), c in named.items() if len(c) == 1}
    unresolved = {
        (u["source"], u["raw"]): u.get("candidates", [])
        for u in data["unresolved"]
        if u["type"] == "extraction"
    }
    assert unresolved == {k: c for k, c in named.items() if len(c) != 1}
    assert len(by_source) + len(unresolved) == len(named) == 105  # the conventions' count
    assert data["counts"]["one_way"] == sum(e.get("one_way", False) for e in data["edges"])


def test_json_writer_is_to_dict_serialised(tmp_path: Path) -> None:
    from codex_hooks.graph_export import to_json

    files = {
        **FILES,
        # Quotes, a backslash and non-ASCII in paths, titles and link text.
        'domains/ai/naïve "quoted" \\ claim.md': note(CLAIM, '\n[[alpha|say "hi"]] [[gone ✓]]\n'),
    }
    root = write_kb(tmp_path, files)
    graph = KnowledgeBase.load(root, cache=False).graph()
    text = to_json(graph)
    assert json.loads(text) == graph.to_dict()
    assert "naïve" in text  # UTF-8, not escaped
    # What the command line writes, straight from the index: the same document.
    from codex_hooks.graph_json import graph_json

    assert graph_json(KnowledgeBase.load(root, cache=False)) == text.encode("utf-8")


def test_a_note_that_cannot_be_read_is_a_node_with_its_problem(tmp_path: Path) -> None:
    root = write_kb(
        tmp_path, {"a.md": "---\ntype: claim\na: [\n---\nSee [[b]].\n", "b.md": "# b\n"}
    )
    code, out, err = cli(root, "graph", "--no-cache")
    assert (code, err) == (0, "")
    data = json.loads(out)
    jsonschema.validate(data, schema())
    [bad] = [n for n in data["nodes"] if n["id"] == "a.md"]
    assert (
        bad["problem"]
        == "FM903 at line 4, column 1: YAML error: did not find expected node content"
    )
    # Its body is not indexed, as the checks do not read it: no edge from it.
    assert [e for e in data["edges"] if e["source"] == "a.md"] == []


def test_output_that_cannot_be_written_is_a_usage_error(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "g.json"
    code, out, err = cli(root, "graph", "--output", str(target))
    assert (code, out) == (2, "")
    assert f"--output {target}: cannot write it" in err
    assert not target.parent.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_output_into_a_named_pipe_is_written_not_replaced(root: Path, tmp_path: Path) -> None:
    """``--output /dev/null`` or ``/dev/stdout`` writes into the device, as a shell's
    redirection does (a named pipe stands in for them here)."""
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    code, out, err = cli(root, "graph", "--output", str(pipe), "--no-cache")
    reader.join(10)
    assert (code, out, err) == (0, "", "")
    assert got and got[0] == cli(root, "graph", "--no-cache")[1].encode("utf-8")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_the_command_knows_every_edge_type_and_kind() -> None:
    # Named in the command too, so that building the parser imports nothing.
    from codex_hooks import kb as kb_module
    from codex_hooks.commands import graph as command
    from codex_hooks.graph import EDGE_TYPES

    assert command.EDGE_TYPES == EDGE_TYPES
    kinds = (kb_module.SOURCE, kb_module.CLAIM, kb_module.ENTITY, kb_module.MAP)
    assert (*kinds, kb_module.AGENT, kb_module.OTHER) == command.KINDS
