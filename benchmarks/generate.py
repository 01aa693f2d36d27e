"""Generate a synthetic knowledge base shaped like the real corpus, for benchmarks.

    python benchmarks/generate.py OUT_DIR --notes N [--seed S] [--no-git] [--manifest FILE]

The result is a git repository with one commit holding ``N`` markdown notes:

* ~35% sources in ``inbox/archive/YYYY-MM-DD-slug.md`` (``type: source``; most are
  ``processed`` and list the claims they produced in ``claims_extracted``);
* ~45% claims in ``domains/<domain>/<long prose title>.md`` (``type: claim``); most carry
  ``sourced_from:`` naming the source that lists them, ~1% name two sources;
* ~10% entities in ``entities/<domain>/<slug>.md``;
* ~8% agent files in ``agents/<name>/`` (about six per agent, most without frontmatter);
* ~2% topic maps in ``maps/`` (no frontmatter, dense in links).

Bodies carry ``[[wiki links]]`` at the real corpus's density (about 6.2 per note overall:
~10 per claim, ~15 per map, under one per source), in every form the corpus uses
(``[[t]]``, ``[[t|alias]]``, ``[[t#heading]]``, ``[[folder/t]]``, ``[[t.md]]``, other
case), in bodies and in frontmatter lists (``depends_on``, ``founders``). About 2% of
links name no note. Sources that enriched a claim list it in
``enrichments_applied`` and the claim carries the matching ``### Additional Evidence``
block.

Deliberate messes, each on its own note (no note has two), in numbers that depend only
on ``N`` (see :func:`mess_counts`; ``few = max(2, N // 1000)``); which notes get them
depends on the seed. Tiny knowledge bases may get fewer; the result's ``messes`` holds the
real numbers and ``mess_paths`` the notes.

* ``bad_date`` (``max(1, round(N * 0.5%))``): ``date:`` or ``created:`` is ``2026-00-00``;
* ``crlf`` (few): the whole file has CRLF line endings;
* ``bom`` (few): the file starts with a UTF-8 byte order mark;
* ``duplicate_key`` (few): a frontmatter key appears twice with different values;
* ``unclosed_frontmatter`` (few): an opening ``---`` and no closing one anywhere;
* ``status_typo`` (few): a processed source says ``proccessed`` or similar;
* ``missing_sourced_from`` (few): a claim listed in ``claims_extracted`` lacks
  ``sourced_from``;
* ``dangling_claims_extracted`` (few): a source also lists a drifted title no note has;
* ``duplicate_name`` (few): a claim with no source has the same file name as a claim in
  another domain folder.

Unclosed frontmatter and duplicate names are only given to notes outside every
claim↔source pair, so every readable ``sourced_from`` points at a source whose
``claims_extracted`` lists the claim. The same seed gives the same bytes and, with git,
the same commit id.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

SHARES = {"source": 0.35, "claim": 0.45, "entity": 0.10, "agent": 0.08, "map": 0.02}
BAD_DATE_SHARE = 0.005
BROKEN_LINK_SHARE = 0.02
MULTI_SOURCE_SHARE = 0.01
BAD_DATE = "2026-00-00"
MESS_KINDS = (
    "bad_date",
    "crlf",
    "bom",
    "duplicate_key",
    "unclosed_frontmatter",
    "status_typo",
    "missing_sourced_from",
    "dangling_claims_extracted",
    "duplicate_name",
)
GIT_DATE = "2026-03-10T12:00:00+00:00"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "KB Generator",
    "GIT_AUTHOR_EMAIL": "generator@example.invalid",
    "GIT_COMMITTER_NAME": "KB Generator",
    "GIT_COMMITTER_EMAIL": "generator@example.invalid",
    "GIT_AUTHOR_DATE": GIT_DATE,
    "GIT_COMMITTER_DATE": GIT_DATE,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
}
# Passed on every git command line, never written to the repository's config.
GIT_OPTS = [
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.safecrlf=false",
    "-c",
    "gc.auto=0",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.quotepath=false",
]
_SLUG_DROP = re.compile(r"[^a-z0-9\s-]")


def _wordlist(text: str) -> list[str]:
    return text.split()


# (domain, weight): the corpus's claim counts per domain, roughly.
DOMAINS = [
    ("internet-finance", 64),
    ("ai-alignment", 59),
    ("health", 48),
    ("living-agents", 34),
    ("teleological-economics", 29),
    ("cultural-dynamics", 27),
    ("space-development", 25),
    ("grand-strategy", 24),
    ("entertainment", 23),
    ("critical-systems", 22),
    ("collective-intelligence", 22),
    ("mechanisms", 21),
    ("teleohumanity", 20),
    ("living-capital", 18),
]
AGENTS = ["rio", "clay", "leo", "vida", "theseus", "logos", "astra"]
AGENT_FILES = ["identity", "beliefs", "reasoning", "skills", "published", "knowledge-state"]
CONFIDENCE = [("likely", 55), ("experimental", 24), ("proven", 14), ("speculative", 7)]
STATUS = [
    ("processed", 70),
    ("unprocessed", 12),
    ("null-result", 9),
    ("enrichment", 4),
    ("processing", 3),
    ("partial", 2),
]
STATUS_TYPOS = ["proccessed", "procesed", "processsed", "processd"]
FORMATS = [("data", 30), ("paper", 25), ("report", 20), ("tweet", 15), ("essay", 6), ("book", 4)]
MODELS = ["anthropic/claude-sonnet-4.5", "minimax/minimax-m2.5", "openai/gpt-5-mini"]
ENTITY_TYPES = [("company", 60), ("person", 30), ("market", 10)]
EVIDENCE = ["extend", "confirm", "challenge"]

ADJECTIVES = _wordlist("""
adaptive aggregate algorithmic aligned asymmetric autonomous bounded brittle capital-intensive
centralized clinical coherent collective competitive composable concentrated conditional
contested continuous cooperative coordinated costly critical cultural decentralized
deliberate distributed diverse durable dynamic early economic emergent empirical endogenous
entrenched evolutionary exponential extractive fragile generative global gradual hierarchical
human independent individual industrial informal institutional integrated invisible
irreversible large-scale latent legal legible linear local long-term marginal measurable
modular monolithic narrow networked nonlinear novel onchain open opaque optimal organic
orbital partial permissionless persistent pluralistic political predictive preventive
private probabilistic programmable public rational recursive regional regulatory reliable
resilient reusable risk-adjusted robust scarce scalable selective self-organizing shared
short-term simple social specialized speculative stable strategic structural subtle
symmetric synthetic systemic technical temporal transparent trustless uncertain unified
unstable value-based vertical viable volatile weak
""")
NOUNS = _wordlist("""
accountability agents alignment allocation architecture attention attractor auctions
autonomy bandwidth behavior beliefs benchmarks bottlenecks boundaries budgets capability
capital care cascades clinics coalitions cognition collaboration commitments communities
competition compute consensus constraints contracts coordination costs creators credibility
culture curation data decisions defenders demand deployment design diffusion disagreement
disruption diversity distribution ecosystems efficiency elections electricity emergence
engagement equilibria evaluation evidence evolution exploration failure fandom feedback fees
financing firms forecasting founders franchises funding futarchy governance growth
hierarchies identity incentives incumbents information infrastructure innovation
institutions insurers intelligence interfaces investors knowledge labor launches
leadership learning legitimacy leverage liquidity loops manipulation margins markets
measurement mechanisms memory metrics models moats modularity narratives networks norms
oracles organizations outcomes oversight ownership participation patients payments
platforms policy populations power precision preferences prevention prices primitives
protocols providers reasoning regulation reimbursement reliability reputation research
resilience resources returns rewards risk robustness rockets routing safety scale
scarcity selection signals simulation specialization speculation stakeholders standards
storytelling strategy subscriptions supply surveillance systems talent teams technology
tokens tradeoffs transparency treasuries trust uncertainty upside users validation value
verification volatility voting welfare workflows
""")
VERBS = _wordlist("""
accelerates aggregates amplifies anchors bypasses captures compounds compresses constrains
converts creates decouples degrades determines displaces dominates enables entrenches
erodes exceeds exposes extends favors filters fragments governs improves increases
inverts limits lowers masks multiplies neutralizes outperforms precedes predicts prevents
produces protects raises redistributes reduces reinforces replaces requires reshapes
resolves restructures reveals rewards scales selects shifts shapes stabilizes substitutes
sustains transforms undermines unlocks validates weakens
""")
GERUNDS = _wordlist("""
aligning allocating bundling compounding concentrating coordinating curating delegating
distributing embedding exposing filtering funding governing hedging integrating
measuring modularizing narrowing optimizing pooling pricing publishing rationing
rebundling routing screening sequencing staking subsidizing tokenizing verifying
""")
PREPS = ["across", "among", "between", "beyond", "within", "under", "through", "against", "for"]
CONNECTORS = [
    "because",
    "which means",
    "so",
    "even when",
    "while",
    "until",
    "rather than because",
    "whereas",
]
# A few words that make real titles hard: unicode, apostrophes, an em dash.
ODD_WORDS = ["Gödel's", "naïve", "Schrödinger's", "café", "déjà-vu", "Olson's", "—", "niño"]
SYLLABLES = _wordlist("""
ka lo mi ra te su vi no da re ta lu ven sor mar kel dri ox ia phe zan qui bel tor nus fa
gro lin pe cha mor sto val wen yor ae ul ith ber cal dor fen gal hal jor kes lar mon nev
""")
LINK_REASONS = [
    "the mechanism this generalizes",
    "same dynamic in a different domain",
    "evidence that complicates this claim",
    "the structural precondition",
    "a counter-case worth tracking",
    "the empirical anchor",
    "why the incentive holds",
    "extends the argument one level up",
]
HEADINGS = ["Evidence", "Mechanism", "Challenges", "Implications", "Key Facts", "Overview"]


@dataclass(slots=True)
class Note:
    """One note to write: its place, its identity and what links to and from it."""

    index: int
    kind: str
    path: str
    stem: str
    domain: str
    title: str = ""  # display title (sources, entities); claims use the stem
    agent: str = ""
    fmt: str = ""
    status: str = ""
    date: str = ""
    author: str = ""
    url: str = ""
    subtype: str = ""
    claims: list[int] = field(default_factory=list)  # source -> claim indexes
    enriches: list[int] = field(default_factory=list)  # source -> claim indexes
    sources: list[int] = field(default_factory=list)  # claim -> source indexes
    enriched_by: list[int] = field(default_factory=list)  # claim -> source indexes
    mess: str = ""
    dangling: str = ""


class _Random(random.Random):
    """Mersenne Twister with a cheaper ``choice`` and ``randint`` (one float each).

    ``random.Random`` draws integers by rejection sampling on ``getrandbits``, exact but
    about twice as slow; a benchmark input needs neither exactness nor bias-freedom at
    the 1e-16 level, only the same output for the same seed.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _counts(n: int) -> dict[str, int]:
    counts = {kind: int(n * share) for kind, share in SHARES.items()}
    order = ["claim", "source", "entity", "agent", "map"]
    i = 0
    while sum(counts.values()) < n:
        counts[order[i % len(order)]] += 1
        i += 1
    return counts


def mess_counts(n: int) -> dict[str, int]:
    """The number of notes of each mess kind requested for ``n`` notes (before capping)."""
    few = max(2, n // 1000)
    counts = dict.fromkeys(MESS_KINDS, few)
    counts["bad_date"] = max(1, round(n * BAD_DATE_SHARE))
    return counts


class _Words:
    """Deterministic prose: titles, sentences and names from fixed word lists."""

    def __init__(self, rng: random.Random, n_names: int) -> None:
        self.rng = rng
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < n_names:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen and len(word) > 3:
                seen.add(word)
                names.append(word.capitalize())
        self.names = names

    def np(self) -> str:
        r = self.rng.random()
        noun = self.rng.choice(NOUNS)
        if r < 0.45:
            return f"{self.rng.choice(ADJECTIVES)} {noun}"
        if r < 0.7:
            return f"{noun} {self.rng.choice(NOUNS)}"
        if r < 0.85:
            return f"the {self.rng.choice(ADJECTIVES)} {noun}"
        return noun

    def proper(self) -> str:
        return self.rng.choice(self.names)

    def clause(self) -> str:
        rng = self.rng
        subject = self.np() if rng.random() < 0.7 else self.proper()
        tail = f"{self.np()} {rng.choice(PREPS)} {self.np()}" if rng.random() < 0.6 else self.np()
        return f"{subject} {rng.choice(VERBS)} {tail}"

    def claim_title(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            text = f"{self.clause()} {rng.choice(CONNECTORS)} {self.clause()}"
        elif r < 0.6:
            text = (
                f"{self.np()} is a {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} problem "
                f"not a {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} problem "
                f"{rng.choice(CONNECTORS)} {self.clause()}"
            )
        elif r < 0.8:
            text = (
                f"{self.proper()} {rng.choice(VERBS)} {rng.randint(2, 95)} percent of "
                f"{self.np()} by {rng.choice(GERUNDS)} {self.np()} {rng.choice(PREPS)} {self.np()}"
            )
        else:
            text = (
                f"{rng.choice(GERUNDS)} {self.np()} {rng.choice(VERBS)} {self.np()} "
                f"{rng.choice(CONNECTORS)} {self.clause()}"
            )
        if rng.random() < 0.004:
            words = text.split()
            words.insert(rng.randrange(1, len(words)), rng.choice(ODD_WORDS))
            text = " ".join(words)
        if rng.random() < 0.3:
            text = text[0].upper() + text[1:]
        while len(text.encode()) > 200:
            text = text.rsplit(" ", 1)[0]
        return text

    def source_title(self) -> str:
        rng = self.rng
        np = self.np()
        r = rng.random()
        if r < 0.4:
            text = f"{np.title()}: {rng.choice(GERUNDS).capitalize()} {self.np()} {rng.choice(PREPS)} {self.np()}"
        elif r < 0.7:
            text = f"{self.proper()}: {self.clause()}"
        else:
            text = f"How {self.np()} {rng.choice(VERBS)} {self.np()}"
        return text

    def sentence(self, words: int = 0) -> str:
        rng = self.rng
        parts = [self.clause()]
        while sum(len(p.split()) for p in parts) < (words or rng.randint(10, 22)):
            parts.append(rng.choice(CONNECTORS))
            parts.append(self.clause())
        text = " ".join(parts)
        if rng.random() < 0.15:
            text += f" ({rng.randint(2, 98)}% of {rng.choice(NOUNS)}, n={rng.randint(12, 9000)})"
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 7)))

    def slug(self, text: str, words: int = 8) -> str:
        kept = [w.strip("-") for w in _SLUG_DROP.sub("", text.lower().replace(":", " ")).split()]
        return "-".join([w for w in kept if w][:words]) or "note"

    def person(self) -> str:
        return f"{self.proper()} {self.proper()}"


def _date(rng: random.Random, year_lo: int = 2024, year_hi: int = 2026) -> tuple[int, int, int]:
    year = rng.randint(year_lo, year_hi)
    month = rng.randint(1, 3) if year == 2026 else rng.randint(1, 12)
    return year, month, rng.randint(1, 28)


def _iso(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Builder:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = _Random(seed)
        self.words = _Words(self.rng, max(200, n // 15))
        self.notes: list[Note] = []
        self.taken_stems: set[str] = set()  # casefolded stems of every note
        self.taken_paths: set[str] = set()
        self.links = 0
        self.broken = 0
        self.pool = [self.words.paragraph() for _ in range(min(3000, 200 + n // 5))]
        self.short = [self.words.sentence(12) for _ in range(min(8000, 300 + n // 10))]
        self.claims: list[int] = []
        self.claims_by_domain: dict[str, list[int]] = {d: [] for d, _ in DOMAINS}
        self.sources: list[int] = []
        self.entities: list[int] = []
        self.maps: list[int] = []
        self.agent_notes: list[int] = []
        self.agents: list[str] = []
        self.current = -1  # the note being rendered
        self.people: list[int] = []

    # ----------------------------------------------------------------- layout
    def _add(self, kind: str, path: str, stem: str, domain: str, **kw: str) -> Note:
        note = Note(len(self.notes), kind, path, stem, domain, **kw)
        self.notes.append(note)
        self.taken_paths.add(path)
        self.taken_stems.add(stem.casefold())
        return note

    def _unique_stem(self, make) -> str:
        while True:
            stem = make()
            if stem.casefold() not in self.taken_stems:
                return stem

    def layout(self) -> None:
        rng, words = self.rng, self.words
        counts = _counts(self.n)
        n_agents = max(1, round(counts["agent"] / 6))
        agents = AGENTS[:n_agents]
        while len(agents) < n_agents:
            name = words.proper().lower()
            if name not in agents:
                agents.append(name)
        self.agents = agents if counts["agent"] else AGENTS[:1]
        domain_agent = {d: self.agents[i % len(self.agents)] for i, (d, _) in enumerate(DOMAINS)}

        for _ in range(counts["claim"]):
            domain = _weighted(rng, DOMAINS)
            stem = self._unique_stem(words.claim_title)
            if rng.random() < 0.1:  # slugged file names, as some real claims have
                stem = self._unique_stem(
                    lambda s=stem: (
                        words.slug(s, rng.randint(5, 10)) + "-" + words.slug(words.np(), 2)
                    )
                )
            note = self._add("claim", f"domains/{domain}/{stem}.md", stem, domain)
            note.date = _iso(_date(rng, 2026, 2026))
            note.agent = domain_agent[domain] if rng.random() < 0.8 else rng.choice(self.agents)
            self.claims.append(note.index)
            self.claims_by_domain[domain].append(note.index)

        for _ in range(counts["source"]):
            domain = _weighted(rng, DOMAINS)
            fmt = _weighted(rng, FORMATS)
            title = words.source_title()
            d = _date(rng, 2019 if fmt in ("paper", "book") else 2024, 2026)
            day = "00" if rng.random() < 0.1 else f"{d[2]:02d}"
            base = f"inbox/archive/{d[0]:04d}-{d[1]:02d}-{day}-{words.slug(title)}"
            path, k = base + ".md", 2
            while (
                path in self.taken_paths
                or path.rsplit("/", 1)[1][:-3].casefold() in self.taken_stems
            ):
                path, k = f"{base}-{k}.md", k + 1
            author = words.person() if fmt != "tweet" else "@" + words.proper().lower()
            if fmt == "paper":
                url = f"https://arxiv.org/abs/{d[0] % 100:02d}{d[1]:02d}.{rng.randint(1000, 99999):05d}"
            elif fmt == "tweet":
                url = f"https://x.com/{author[1:]}/status/{rng.randint(10**18, 10**19 - 1)}"
            else:
                url = f"https://www.{words.proper().lower()}.com/{words.slug(title, 6)}"
            note = self._add(
                "source",
                path,
                path.rsplit("/", 1)[1][:-3],
                domain,
                title=title,
                fmt=fmt,
                date=_iso(d),
                author=author,
                url=url,
                status=_weighted(rng, STATUS),
            )
            if note.status not in ("unprocessed", "processing", "partial"):
                note.agent = (
                    domain_agent[domain] if rng.random() < 0.85 else rng.choice(self.agents)
                )
            self.sources.append(note.index)

        for _ in range(counts["entity"]):
            domain = _weighted(rng, DOMAINS)
            subtype = _weighted(rng, ENTITY_TYPES)
            name = words.person() if subtype == "person" else words.proper()
            if subtype == "market":
                name = f"{words.np().title()} market"
            stem = words.slug(name)
            base, k = stem, 2
            while stem.casefold() in self.taken_stems:
                stem, k = f"{base}-{k}", k + 1
            note = self._add("entity", f"entities/{domain}/{stem}.md", stem, domain, title=name)
            note.subtype, note.agent = subtype, domain_agent[domain]
            note.date = _iso(_date(rng, 2026, 2026))
            self.entities.append(note.index)
            if subtype == "person":
                self.people.append(note.index)

        for i in range(counts["agent"]):
            agent = self.agents[i % len(self.agents)]
            slot = i // len(self.agents)
            if slot < len(AGENT_FILES):
                path, stem, sub = f"agents/{agent}/{AGENT_FILES[slot]}.md", AGENT_FILES[slot], ""
            elif slot % 2 == 0:
                stem, sub = self._unique_stem(words.claim_title).lower(), "position"
                path = f"agents/{agent}/positions/{stem}.md"
            else:
                stem, sub = words.slug(words.clause(), 6), "musing"
                path = f"agents/{agent}/musings/{stem}.md"
                while path in self.taken_paths:
                    stem += "-2"
                    path = f"agents/{agent}/musings/{stem}.md"
            note = self._add("agent", path, stem, "", agent=agent, subtype=sub)
            note.date = _iso(_date(rng, 2026, 2026))
            self.agent_notes.append(note.index)

        for _ in range(counts["map"]):
            domain = _weighted(rng, DOMAINS)
            stem = self._unique_stem(lambda: f"{words.np()} and {rng.choice(NOUNS)}")
            self.maps.append(self._add("map", f"maps/{stem}.md", stem, domain).index)

    # ------------------------------------------------------------ relations
    def relate(self) -> None:
        rng, notes = self.rng, self.notes
        processed = [s for s in self.sources if notes[s].status == "processed"]
        budget = int(len(self.claims) * 0.9)
        # A processed source must list something: when claims run short, the surplus
        # sources were never processed.
        for s in processed[budget:]:
            notes[s].status, notes[s].agent = "unprocessed", ""
        processed = processed[:budget]
        per_source = [rng.choices([1, 2, 3, 4], weights=[62, 25, 9, 4])[0] for _ in processed]
        excess = sum(per_source) - budget
        while excess > 0:
            j = rng.randrange(len(per_source))
            if per_source[j] > 1:
                per_source[j] -= 1
                excess -= 1
        order = self.claims[:]
        rng.shuffle(order)
        cursor = 0
        for src, k in zip(processed, per_source, strict=True):
            for c in order[cursor : cursor + k]:
                notes[src].claims.append(c)
                notes[c].sources.append(src)
            cursor += k
        linked = [c for c in self.claims if notes[c].sources]
        # ~1% of claims came from two sources; their second source lists them too.
        open_sources = [s for s in processed if 0 < len(notes[s].claims) < 4]
        for c in rng.sample(linked, min(len(linked), round(len(linked) * MULTI_SOURCE_SHARE))):
            if not open_sources:
                break
            src = rng.choice(open_sources)
            if src in notes[c].sources:
                continue
            notes[src].claims.append(c)
            notes[c].sources.append(src)
            if len(notes[src].claims) >= 4:
                open_sources.remove(src)
        # Enrichments: some processed sources, every enrichment source, and some
        # null-results (which enrich without extracting) add evidence to existing claims.
        for s in self.sources:
            note = notes[s]
            p = {"processed": 0.3, "enrichment": 1.0, "null-result": 0.3}.get(note.status, 0)
            if self.claims and rng.random() < p:
                picks = rng.sample(self.claims, min(len(self.claims), rng.randint(1, 3)))
                for c in picks:
                    if c not in note.claims:
                        note.enriches.append(c)
                        notes[c].enriched_by.append(s)

    def assign_messes(self) -> dict[str, list[int]]:
        rng, notes = self.rng, self.notes
        wanted = mess_counts(self.n)
        used: set[int] = set()

        def pick(kind: str, pool: list[int]) -> list[int]:
            pool = [i for i in pool if i not in used]
            chosen = sorted(rng.sample(pool, min(wanted[kind], len(pool))))
            for i in chosen:
                used.add(i)
                notes[i].mess = kind
            return chosen

        def in_pair(i: int) -> bool:
            note = notes[i]
            return bool(note.claims or note.sources or note.enriches or note.enriched_by)

        has_fm = [n.index for n in notes if n.kind in ("source", "claim", "entity") or n.subtype]
        single = [c for c in self.claims if len(notes[c].sources) == 1]
        free = [c for c in self.claims if not in_pair(c)]
        chosen = {
            # Duplicate names first: only free claims, so no pair becomes ambiguous
            # on its sourced_from side.
            "duplicate_name": pick("duplicate_name", free),
            "missing_sourced_from": pick("missing_sourced_from", single),
            "unclosed_frontmatter": pick(
                "unclosed_frontmatter", [i for i in has_fm if not in_pair(i)]
            ),
            "status_typo": pick(
                "status_typo", [s for s in self.sources if notes[s].status == "processed"]
            ),
            "dangling_claims_extracted": pick(
                "dangling_claims_extracted",
                [s for s in self.sources if 0 < len(notes[s].claims) < 4],
            ),
            "bad_date": pick("bad_date", self.sources + self.claims),
            "duplicate_key": pick("duplicate_key", self.sources + self.claims),
            "crlf": pick("crlf", list(range(len(notes)))),
            "bom": pick("bom", list(range(len(notes)))),
        }
        renamed = set(chosen["duplicate_name"])
        for i in list(chosen["duplicate_name"]):
            # Rename this free claim to another claim's title, in another domain folder.
            note = notes[i]

            def fits(c: int, note: Note = note) -> bool:
                return (
                    c not in renamed
                    and notes[c].domain != note.domain
                    and f"domains/{note.domain}/{notes[c].stem}.md" not in self.taken_paths
                )

            found = [c for c in (rng.choice(self.claims) for _ in range(64)) if fits(c)][:1]
            found = found or [c for c in self.claims if fits(c)]
            if not found:  # too few claims for a twin in another folder
                note.mess = ""
                used.discard(i)
                chosen["duplicate_name"].remove(i)
                continue
            twin = notes[rng.choice(found)]
            self.taken_stems.discard(note.stem.casefold())
            self.taken_paths.discard(note.path)
            note.stem = twin.stem
            note.path = f"domains/{note.domain}/{twin.stem}.md"
            self.taken_paths.add(note.path)
        for i in chosen["dangling_claims_extracted"]:
            base = notes[notes[i].claims[0]].stem
            drifted = base.rsplit(" ", 1)[0] if " " in base else base.rsplit("-", 1)[0]
            while drifted.casefold() in self.taken_stems or not drifted:
                drifted = f"{drifted} {rng.choice(NOUNS)}".strip()
            notes[i].dangling = drifted
        return {kind: [notes[i].path for i in idx] for kind, idx in chosen.items()}

    # --------------------------------------------------------------- links
    def target(self, pools: list[list[int]], weights: list[float]) -> str:
        """One wiki link (the text between the brackets) to a random note."""
        rng, notes = self.rng, self.notes
        self.links += 1
        if rng.random() < BROKEN_LINK_SHARE:
            self.broken += 1
            while True:
                r = rng.random()
                if r < 0.5 and self.claims:
                    stem = notes[rng.choice(self.claims)].stem
                    text = stem.rsplit(" ", 1)[0] + " " + rng.choice(NOUNS)
                else:
                    text = self.words.claim_title()
                if text.casefold() not in self.taken_stems:
                    return text
        pool = rng.choices(pools, weights=weights)[0] or self.claims or [0]
        note = notes[rng.choice(pool)]
        while note.index == self.current and len(self.notes) > 1:  # no note links itself
            note = notes[rng.choice(self.claims if len(self.claims) > 1 else range(len(notes)))]
        stem = note.stem
        r = rng.random()
        if r < 0.84:
            return stem
        if r < 0.89:
            return f"{stem}|{' '.join(stem.split()[:4])}"
        if r < 0.92:
            return f"{stem}#{rng.choice(HEADINGS)}"
        if r < 0.95:
            return note.path[:-3]
        if r < 0.98:
            return f"{stem}.md"
        return stem.swapcase() if rng.random() < 0.3 else stem[0].swapcase() + stem[1:]

    def claim_target(self, domain: str) -> str:
        same = self.claims_by_domain.get(domain) or self.claims
        return self.target(
            [same, self.claims, self.entities, self.sources, self.maps], [55, 30, 8, 4, 3]
        )

    # --------------------------------------------------------------- render
    def render(self, note: Note) -> str:
        self.current = note.index
        return getattr(self, f"_render_{note.kind}")(note)

    def two(self) -> str:
        """A description-length text: two random sentences."""
        return f"{self.rng.choice(self.short)} {self.rng.choice(self.short)}"

    def _paras(self, k: int) -> list[str]:
        return [self.rng.choice(self.pool) for _ in range(k)]

    def _body(self, title: str, paras: list[str], inline: list[str], related: list[str]) -> str:
        rng = self.rng
        out = [f"# {title}\n"]
        for j, para in enumerate(paras):
            if j < len(inline):
                para += f" This {rng.choice(VERBS[:20])} [[{inline[j]}]]."
            out.append(para + "\n")
        for link in inline[len(paras) :]:
            out.append(f"See also [[{link}]].\n")
        if related:
            out.append("---\n")
            out.append(
                "Relevant Notes:\n"
                + "".join(f"- [[{t}]] — {rng.choice(LINK_REASONS)}\n" for t in related)
            )
        return "\n".join(out)

    def _render_claim(self, note: Note) -> str:
        rng, notes = self.rng, self.notes
        fm = [
            "type: claim",
            f"domain: {note.domain}",
            f"description: {_q(self.two())}",
            f"confidence: {_weighted(rng, CONFIDENCE)}",
            f"source: {_q(self._source_text(note))}",
            f"created: {BAD_DATE if note.mess == 'bad_date' else note.date}",
        ]
        if rng.random() < 0.15:
            fm.append(f"secondary_domains: [{', '.join(rng.sample([d for d, _ in DOMAINS], 2))}]")
        n_links = rng.randint(3, 15)
        if rng.random() < 0.12:
            n_dep = rng.randint(1, 3)
            n_links -= n_dep
            fm.append("depends_on:")
            fm.extend(f'  - "[[{self.claim_target(note.domain)}]]"' for _ in range(n_dep))
        if note.sources and note.mess != "missing_sourced_from":
            paths = [notes[s].path for s in note.sources]
            if len(paths) == 1:
                fm.append(f"sourced_from: {paths[0]}")
            else:
                fm.append("sourced_from:")
                fm.extend(f"  - {p}" for p in paths)
        if note.mess == "duplicate_key":
            fm.append(f"confidence: {_weighted(rng, CONFIDENCE)}")
        links = [self.claim_target(note.domain) for _ in range(max(0, n_links))]
        split = rng.randint(0, len(links))
        body = self._body(note.stem, self._paras(rng.randint(3, 6)), links[:split], links[split:])
        for s in note.enriched_by:
            src = notes[s]
            self.links += 1
            body += (
                f"\n### Additional Evidence ({rng.choice(EVIDENCE)})\n"
                f"*Source: [[{src.stem}]] | Added: {_iso(_date(rng, 2026, 2026))}"
                f" | Extractor: {rng.choice(MODELS)}*\n\n{rng.choice(self.pool)}\n"
            )
        if self.maps and rng.random() < 0.7:
            self.links += 1
            body += f"\nTopics:\n- [[{notes[rng.choice(self.maps)].path[:-3]}]]\n"
        return self._note(note, fm, body)

    def _source_text(self, note: Note) -> str:
        rng, notes = self.rng, self.notes
        if not note.sources:
            return f"{note.agent.capitalize()} synthesis of {self.words.np()} {rng.choice(PREPS)} {self.words.np()}"
        src = notes[note.sources[0]]
        r = rng.random()
        if src.fmt == "paper" and "arxiv" in src.url and r < 0.6:
            arxiv = src.url.rsplit("/", 1)[1]
            return f"{note.agent.capitalize()} via arXiv {arxiv} ({src.title})"
        if src.fmt == "tweet":
            return f"{src.author} thread on X, {src.date[:7]}"
        if r < 0.5:
            return f"{src.author}, {src.title} ({src.date[:4]})"
        return f"{note.agent.capitalize()} extraction from {src.author}: {src.title}"

    def _render_source(self, note: Note) -> str:
        rng, notes = self.rng, self.notes
        status = rng.choice(STATUS_TYPOS) if note.mess == "status_typo" else note.status
        if status == "processed" and rng.random() < 0.05:
            status = '"processed"'
        fm = [
            "type: source",
            f"title: {_q(note.title)}",
            f"author: {_q(note.author)}",
            f"url: {note.url}",
            f"date: {BAD_DATE if note.mess == 'bad_date' else note.date}",
            f"domain: {note.domain}",
            f"format: {note.fmt}",
            f"status: {status}",
        ]
        if rng.random() < 0.3:
            fm.append(f"priority: {rng.choice(['high', 'medium', 'low'])}")
        if note.agent:
            fm.append(f"processed_by: {note.agent}")
            fm.append(f"processed_date: {_iso(_date(rng, 2026, 2026))}")
        titles = [notes[c].stem for c in note.claims]
        if note.dangling:
            titles.append(note.dangling)
        if titles:
            if rng.random() < 0.05:
                fm.append(f"claims_extracted: [{', '.join(_q(t + '.md') for t in titles)}]")
            else:
                fm.append("claims_extracted:")
                fm.extend(f"  - {_q(t)}" for t in titles)
        if note.enriches:
            r = rng.random()
            ens = [notes[c].stem for c in note.enriches]
            if r < 0.5:
                fm.append(f"enrichments_applied: [{', '.join(_q(t + '.md') for t in ens)}]")
            elif r < 0.8:
                fm.append("enrichments_applied:")
                fm.extend(f"  - {_q(t)}" for t in ens)
            else:
                self.links += len(ens)
                fm.append("enrichments_applied:")
                fm.extend(f'  - "[[{t}]]"' for t in ens)
        if note.agent:
            fm.append(f"extraction_model: {_q(rng.choice(MODELS))}")
        if note.status == "null-result":
            fm.append(f"notes: {_q(self.two())}")
        tags = [rng.choice(NOUNS) for _ in range(rng.randint(2, 4))]
        tags += [f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}" for _ in range(rng.randint(1, 3))]
        fm.append(f"tags: [{', '.join(tags)}]")
        if note.mess == "duplicate_key":
            fm.append(f"tags: [{rng.choice(NOUNS)}]")

        out = []
        if note.fmt == "data":
            out.append(
                f"## Proposal Details\n- Project: {self.words.proper()}\n- Proposal: {note.title}\n"
                f"- Status: {rng.choice(['Passed', 'Failed'])}\n- Created: {note.date}\n"
                f"- URL: {note.url}\n\n## Summary\n\n### 🎯 Key Points\n{rng.choice(self.pool)}\n\n"
                f"### 📊 Impact Analysis\n#### 👥 Stakeholder Impact\n{rng.choice(self.pool)}\n"
            )
        out.append("## Content\n")
        out.extend(p + "\n" for p in self._paras(rng.randint(3, 6)))
        if rng.random() < 0.2:
            k = rng.randint(1, 6)
            out.append(
                "## Agent Notes\n\n**KB connections:**\n"
                + "".join(
                    f"- [[{self.claim_target(note.domain)}]] — {rng.choice(LINK_REASONS)}\n"
                    for _ in range(k)
                )
            )
        out.append(
            "## Key Facts\n"
            + "".join(f"- {rng.choice(self.short)}\n" for _ in range(rng.randint(2, 5)))
        )
        return self._note(note, fm, "\n".join(out))

    def _render_entity(self, note: Note) -> str:
        rng, notes = self.rng, self.notes
        fm = [
            "type: entity",
            f"entity_type: {note.subtype}",
            f"name: {_q(note.title)}",
            f"domain: {note.domain}",
            f'handles: ["@{note.stem.replace("-", "")[:15]}"]',
            f"website: https://{note.stem}.example.com",
            f"status: {rng.choice(['active', 'active', 'emerging', 'inactive', 'acquired'])}",
            f"tracked_by: {note.agent}",
            f"created: {note.date}",
        ]
        if note.subtype == "company" and self.people and rng.random() < 0.6:
            self.links += 1
            fm.append(f'founders: ["[[{notes[rng.choice(self.people)].stem}]]"]')
        fm.append(f"tags: [{', '.join(rng.sample(NOUNS, 3))}]")
        links = [self.claim_target(note.domain) for _ in range(rng.randint(1, 6))]
        body = (
            f"# {note.title}\n\n## Overview\n{rng.choice(self.pool)}\n\n## Timeline\n"
            + "".join(f"- **{_iso(_date(rng))}** — {rng.choice(self.short)}\n" for _ in range(3))
            + "\n## Relationship to KB\n"
            + "".join(f"- [[{t}]] — {rng.choice(LINK_REASONS)}\n" for t in links)
        )
        return self._note(note, fm, body)

    def _render_agent(self, note: Note) -> str:
        rng = self.rng
        fm: list[str] | None = None
        if note.subtype == "position":
            fm = [
                f"description: {_q(self.two())}",
                "type: position",
                f"agent: {note.agent}",
                f"domain: {_weighted(rng, DOMAINS)}",
                "status: active",
                f"confidence: {rng.choice(['moderate', 'cautious', 'high'])}",
                "depends_on:",
            ]
            fm.extend(f'  - "[[{self.claim_target("")}]]"' for _ in range(2))
        elif note.subtype == "musing":
            fm = [
                "type: musing",
                f"agent: {note.agent}",
                f"title: {_q(rng.choice(self.short))}",
                "status: developing",
                f"created: {note.date}",
            ]
        elif rng.random() < 0.3:
            fm = [f"type: agent-{note.stem}", f"agent: {note.agent}", f"updated: {note.date}"]
        links = [self.claim_target("") for _ in range(rng.randint(4, 15))]
        title = f"{note.agent.capitalize()}'s {note.stem.replace('-', ' ')}"
        body = self._body(title, self._paras(rng.randint(6, 11)), links[:3], links[3:])
        return self._note(note, fm, body)

    def _render_map(self, note: Note) -> str:
        rng, notes = self.rng, self.notes
        out = [f"# {note.stem[0].upper() + note.stem[1:]}\n\n{rng.choice(self.short)}\n"]
        for _ in range(rng.randint(2, 4)):
            links = [self.claim_target(note.domain) for _ in range(rng.randint(3, 6))]
            out.append(f"\n## {self.words.np().title()}\n" + "".join(f"- [[{t}]]\n" for t in links))
        if len(self.maps) > 1:
            self.links += 1
            other = notes[rng.choice(self.maps)].stem
            out.append(f"\n## Related Maps\n- [[{other}]]\n")
        return self._note(note, None, "".join(out))

    def _note(self, note: Note, fm: list[str] | None, body: str) -> str:
        if fm is None:
            return body
        if note.mess == "unclosed_frontmatter":
            # No closing line, and no later horizontal rule that would pass for one.
            return "---\n" + "\n".join(fm) + "\n\n" + body.replace("\n---\n", "\n\n")
        return "---\n" + "\n".join(fm) + "\n---\n\n" + body


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _git(out: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *GIT_OPTS, "-C", str(out), *args], check=True, env=env)


def generate(out: Path, notes: int, seed: int = 0, git: bool = True) -> dict:
    """Write a synthetic knowledge base of ``notes`` notes into ``out`` (created, or empty).

    Returns counts: notes per kind, links and broken links written, pairs, agents, the
    number of notes per mess kind (``messes``) and their paths (``mess_paths``).
    """
    if notes < 1:
        raise ValueError("notes must be at least 1")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    started = time.perf_counter()
    b = _Builder(notes, seed)
    b.layout()
    b.relate()
    mess_paths = b.assign_messes()

    out.mkdir(parents=True, exist_ok=True)
    for d in sorted({n.path.rsplit("/", 1)[0] for n in b.notes}):
        (out / d).mkdir(parents=True, exist_ok=True)
    total_bytes = 0
    # Rendering is deterministic and single-threaded; creating the files is left to a few
    # threads, because on a busy disk each create waits far longer than it computes.
    with ThreadPoolExecutor(max_workers=4) as pool:
        pending: deque = deque()
        for note in b.notes:
            text = b.render(note)
            if note.mess == "crlf":
                text = text.replace("\n", "\r\n")
            data = text.encode("utf-8")
            if note.mess == "bom":
                data = b"\xef\xbb\xbf" + data
            total_bytes += len(data)
            pending.append(pool.submit(_write, os.path.join(out, note.path), data))
            if len(pending) > 512:
                pending.popleft().result()
        for job in pending:
            job.result()
    written = time.perf_counter()

    commit = ""
    if git:
        _git(out, "init", "-q", "-b", "main")
        _git(out, "add", "-A")
        _git(out, "commit", "-q", "--no-verify", "-m", f"Synthetic knowledge base: {notes} notes")
        commit = subprocess.run(
            ["git", "-C", str(out), "rev-parse", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_ENV},
        ).stdout.strip()

    pairs = sum(len(b.notes[s].claims) for s in b.sources)
    return {
        "notes": len(b.notes),
        "sources": len(b.sources),
        "claims": len(b.claims),
        "entities": len(b.entities),
        "agent_notes": len(b.agent_notes),
        "maps": len(b.maps),
        "agents": len(b.agents),
        "bytes": total_bytes,
        "links": b.links,
        "broken_links": b.broken,
        "claims_extracted_pairs": pairs,
        "claims_with_source": sum(1 for c in b.claims if b.notes[c].sources),
        "multi_source_claims": sum(1 for c in b.claims if len(b.notes[c].sources) > 1),
        "enrichments": sum(len(b.notes[s].enriches) for s in b.sources),
        "messes": {kind: len(paths) for kind, paths in mess_paths.items()},
        "mess_paths": mess_paths,
        "seed": seed,
        "commit": commit,
        "seconds_write": round(written - started, 3),
        "seconds_total": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to create (must be absent or empty)")
    parser.add_argument("--notes", type=int, required=True, help="number of notes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-git", action="store_true", help="write the files only")
    parser.add_argument("--manifest", type=Path, help="write the full result, with mess paths")
    args = parser.parse_args(argv)
    try:
        result = generate(args.out, args.notes, args.seed, git=not args.no_git)
    except (FileExistsError, ValueError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    if args.manifest:
        args.manifest.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = {k: v for k, v in result.items() if k != "mess_paths"}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
