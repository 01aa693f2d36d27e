"""What each claim and each source note offers as evidence, read once per run.

A :class:`SourceProfile` holds the names a source goes by (its title, first heading and
file name), its authors and venue, its identifiers (from its URL fields, and separately
from its body), dates, agent, domain and status. A :class:`ClaimProfile` holds the words
and identifiers of the claim's ``source:`` text, the identifiers in its body, the source
notes it links to, and the sources whose enrichment it records (never its origin).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from ..titles import clean_path, stem
from ..values import CLAIM, SOURCE, as_list
from .constants import ABBREVIATION_WORDS
from .identifiers import URL_FIELDS, identifiers, kind_of, text_of, work_ids
from .text import STOPWORDS, tokens, without_mentions, words

if TYPE_CHECKING:
    from ..frontmatter import Value
    from ..kb import KnowledgeBase, NoteInfo

_DATE_PREFIX = re.compile(r"^\d{4}(?:-\d{2}){0,2}-?")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&/]|\band\b|\(|\)|\bet al\b\.?)\s*", re.IGNORECASE)
#: Words that make an author-field part a description (role, organisation) instead of a name.
_ROLE = re.compile(
    r"\b(?:co-?founder|founder|ceo|cto|editor|staff|team|department|research|lab|labs|"
    r"institute|university|center|centre|community|company|group|generated)\b",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
AUTHOR_FIELDS = ("author", "authors", "creator")
DATE_FIELDS = ("date", "date_published", "published")
AGENT_FIELDS = ("processed_by", "archived_by")
ENRICHMENT_FIELDS = ("enrichments_applied", "enrichments")


def day(value: object) -> str | None:
    """``YYYY-MM-DD`` when the value is a real calendar day, else ``None``."""
    m = _DATE.match(text_of(value).strip())
    if not m or m.group(2) == "00" or m.group(3) == "00":
        return None
    return m.group(0)


@dataclass
class SourceProfile:
    """What one source note offers as evidence: its names, authors, identifiers, dates,
    agent, domain, status and text, and the claims it lists."""

    path: str
    title: str
    #: The names the source goes by (title, first heading, file name): text and words.
    names: list[tuple[str, list[str]]] = field(default_factory=list)
    #: Author and venue names: text and words.
    authors: list[tuple[str, list[str]]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    body_ids: set[str] = field(default_factory=set)
    #: The identifiers of the work itself in its URL fields (see :func:`~.text.work_keys`):
    #: two notes sharing one are duplicates (rule BL008).
    work: set[str] = field(default_factory=set)
    date: str | None = None
    processed_date: str | None = None
    agent: str = ""
    domain: str = ""
    status: str = ""
    #: The note's title and body, for closeness of content.
    body: str = ""
    #: Claims this source lists as extracted, and as enriched.
    extracted: set[str] = field(default_factory=set)
    enriched: set[str] = field(default_factory=set)

    @property
    def title_stem(self) -> str:
        """The note's file name without ``.md``: what a wiki link to it says."""
        return stem(self.path)


@dataclass
class ClaimProfile:
    """What one claim offers as evidence of where it came from: its ``source:`` text and
    that text's words and identifiers, its body's identifiers, and the sources it links to
    or records an enrichment by."""

    path: str
    #: The claim's ``source:`` text (the citation), as written.
    text: str
    #: ... without the works it only mentions ("challenged by X", "see also Y"): the part
    #: that names the claim's sources, from which words and identifiers are taken.
    cited: str = ""
    words: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    body_ids: set[str] = field(default_factory=set)
    #: Source notes the claim's body links to outside Additional Evidence blocks.
    linked: set[str] = field(default_factory=set)
    #: Source notes cited by the claim's Additional Evidence blocks (enrichments).
    enriched_by: set[str] = field(default_factory=set)
    #: Source notes already linked in either direction (``sourced_from`` or listed).
    declared: set[str] = field(default_factory=set)
    #: ... of which those the claim names in ``sourced_from``, and those listing it.
    cites: set[str] = field(default_factory=set)
    listed_by: set[str] = field(default_factory=set)
    created: str | None = None
    domain: str = ""
    #: The claim's title, description and body, for closeness of content.
    body: str = ""


def _body(kb: KnowledgeBase, path: str) -> list[str]:
    try:
        note = kb.read_note(path)
    except Exception:  # an unreadable note simply offers no body evidence
        return []
    return note.lines[note.body_start :]


def source_profile(kb: KnowledgeBase, info: NoteInfo) -> SourceProfile:
    """Everything a source note offers for matching."""
    title = text_of(info.get("title")).strip()
    body = _body(kb, info.path)
    heading = next((m.group(1) for line in body if (m := _HEADING.match(line.strip()))), "")
    slug = _DATE_PREFIX.sub("", stem(info.path)).replace("-", " ").replace("_", " ")
    profile = SourceProfile(info.path, title or heading or slug)
    author_text = " ; ".join(text_of(info.get(k)) for k in AUTHOR_FIELDS)
    url_text = " ".join(text_of(info.get(k)) for k in URL_FIELDS)
    for part in _AUTHOR_SPLIT.split(author_text):
        part = part.strip(" @")
        if _ROLE.search(part):
            continue  # "MetaDAO co-founder", "Anthropic Research": who they are, not a name
        for variant in dict.fromkeys((part, _CAMEL.sub(" ", part))):
            if ws := words(variant):
                profile.authors.append((part, ws))
    author_words = {w for _, ws in profile.authors for w in ws}
    author_words |= {a + b for _, ws in profile.authors for a, b in pairwise(ws)}
    for name in (title, heading, slug):
        ws = list(dict.fromkeys(w for w in words(name) if w not in author_words))
        if ws and all(ws != seen for _, seen in profile.names):
            profile.names.append((name.strip(), ws))
    profile.ids = identifiers(url_text) | {
        i for i in identifiers(author_text + " " + title) if kind_of(i) != "host"
    }
    profile.body_ids = identifiers("".join(body), bare=False) - profile.ids
    profile.work = work_ids(info)
    profile.body = title + "\n" + "".join(body)
    profile.date = next((d for k in DATE_FIELDS if (d := day(info.get(k)))), None)
    profile.processed_date = day(info.get(kb.config.field_name("processed_date")))
    agent = next((text_of(info.get(k)) for k in AGENT_FIELDS if text_of(info.get(k))), "")
    profile.agent = agent.strip().casefold()
    profile.domain = text_of(info.get("domain")).strip().casefold()
    profile.status = text_of(info.get(kb.config.field_name("status"))).strip().casefold()
    return profile


def claim_profile(kb: KnowledgeBase, info: NoteInfo) -> ClaimProfile:
    """Everything a claim offers for matching."""
    text = text_of(info.get("source"))
    cited = without_mentions(text)
    profile = ClaimProfile(info.path, text, cited, set(words(cited)), identifiers(cited))
    body = _body(kb, info.path)
    profile.body_ids = identifiers("".join(body), bare=False) - profile.ids
    description = text_of(info.get("description"))
    profile.body = f"{info.title}\n{description}\n" + "".join(body)
    for cited in info.evidence:
        profile.enriched_by.update(p for p in kb.resolve(cited) if kb.notes[p].kind == SOURCE)
    for link in info.links:
        hits = [p for p in kb.resolve(link.target) if kb.notes[p].kind == SOURCE]
        if len(hits) == 1 and hits[0] not in profile.enriched_by:
            profile.linked.add(hits[0])
    for ref in as_list(info.get(kb.config.field_name("sourced_from"))):
        path = clean_path(ref)
        if path in kb.notes and kb.notes[path].kind == SOURCE:
            profile.declared.add(path)
            profile.cites.add(path)
    profile.created = day(info.get("created"))
    profile.domain = text_of(info.get("domain")).strip().casefold()
    return profile


def _enrichment_entries(value: Value) -> list[str]:
    """Entries of an enrichments list: titles, or mappings with a ``target`` title."""
    if isinstance(value, list):
        return [
            t
            for v in value
            if isinstance(t := (v.get("target") if isinstance(v, dict) else v), str) and t.strip()
        ]
    return as_list(value)


#: Claims' titles as :func:`~.text.tokens`, grouped by their first word.
Titles = dict[str, list[tuple[str, list[str]]]]


def _titles(paths: Iterable[str]) -> Titles:
    out: Titles = defaultdict(list)
    for path in paths:
        if ws := tokens(stem(path)):
            out[ws[0]].append((path, ws))
    return out


def _abbreviated(entry: str, titles: Titles) -> str | None:
    """The one claim whose title the entry abbreviates by its opening words: free text
    such as "formal verification claim enriched with ..." names the claim titled
    "formal verification of ...". The claim must be the only one whose title shares the
    longest run of opening words with the entry, and that run must hold at least
    :data:`ABBREVIATION_WORDS` words that are not common ones; otherwise ``None``."""
    head = tokens(entry)
    best: list[str] = []
    length = 0
    for path, title in titles.get(head[0], []) if head else []:
        n = 0
        for a, b in zip(head, title, strict=False):
            if a != b:
                break
            n += 1
        if n > length:
            best, length = [path], n
        elif n == length:
            best.append(path)
    if len(best) != 1 or sum(w not in STOPWORDS for w in head[:length]) < ABBREVIATION_WORDS:
        return None
    return best[0]


def _resolve_claim(kb: KnowledgeBase, entry: str, titles: Titles) -> list[str]:
    """The notes an entry names exactly, or else the one claim its title clearly drifted
    from (the same fuzzy match as rule BL002), or else the one claim whose title it
    abbreviates by its opening words (:func:`_abbreviated`)."""
    from ..fuzzy import clear_match
    from ..index import title_candidates

    hits = kb.resolve(entry)
    if hits:
        return hits
    best = clear_match(title_candidates(kb, entry, CLAIM)) or _abbreviated(entry, titles)
    return [best] if best else []


def profiles(kb: KnowledgeBase) -> tuple[dict[str, ClaimProfile], dict[str, SourceProfile]]:
    """Profiles of every claim and every source note of the knowledge base."""
    sources = {p: source_profile(kb, i) for p, i in kb.notes.items() if i.kind == SOURCE and i.data}
    claims = {p: claim_profile(kb, i) for p, i in kb.notes.items() if i.kind == CLAIM and i.data}
    ce = kb.config.field_name("claims_extracted")
    titles = _titles(claims)
    for spath, profile in sources.items():
        info = kb.notes[spath]
        for entry in as_list(info.get(ce)):
            hits = [p for p in kb.resolve(entry) if p in claims]
            profile.extracted.update(hits)
            if len(hits) == 1:  # an entry naming two notes of one title declares neither
                claims[hits[0]].declared.add(spath)
                claims[hits[0]].listed_by.add(spath)
        for key in ENRICHMENT_FIELDS:
            for entry in _enrichment_entries(info.get(key)):
                profile.enriched.update(p for p in _resolve_claim(kb, entry, titles) if p in claims)
        for cpath in profile.enriched - profile.extracted:
            claims[cpath].enriched_by.add(spath)
    return claims, sources
