"""What the BL rules share about claim↔source links (no rule is declared here): which
source lists which claim (:func:`extracted_by`, :func:`entry_targets`), which claim cites
which source (:func:`cites`), the identifiers that tell two papers apart
(:func:`contradicting_id`), and the edits that repair a list (:func:`repoint`,
:func:`add_enrichment`). The rules themselves are in :mod:`.backlinks`.
"""

from __future__ import annotations

from collections import defaultdict

from ..entries import (
    add_entry,
)
from ..fuzzy import clear_match, ratio_for
from ..index import title_candidates
from ..memo import MemoKey
from ..noteinfo import folded_claims
from ..titles import clean_path, normalize_title, stem
from ..typing_runtime import overload
from ..values import CLAIM, SOURCE, as_list
from .context import RuleContext

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..entries import Edit
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo


LEGACY_ENRICHMENTS = "enrichments"
#: Source statuses that must not list extracted claims (see LC002 and LC003).
NO_EXTRACTIONS = ("unprocessed", "null-result")


#: The per-check memo's keys of the BL rules (see :mod:`.context`).
EXTRACTED_BY: MemoKey[ExtractedBy] = MemoKey("extracted-by")
NOTE_ORDER: MemoKey[dict[str, int]] = MemoKey("note-order")
#: Per source and list field: each entry → the notes it names.
ENTRY_TARGETS: MemoKey[dict[str, list[str]]] = MemoKey("entry-targets")
SOURCES_BY_ID: MemoKey[dict[str, set[str]]] = MemoKey("sources-by-id")


def unsafe_path(ref: str) -> bool:
    """Whether a path reference is absolute or climbs out with ``..``."""
    return (
        ref.startswith(("/", "\\", "~"))
        or (len(ref) > 1 and ref[1] == ":")
        or ".." in ref.split("/")
    )


def list_keys(kb: NoteIndex, canonical: str) -> list[str]:
    """The keys a source may hold a link list under: the configured name, and for
    enrichments_applied also its legacy spelling ``enrichments`` (still understood)."""
    key = kb.config.field_name(canonical)
    if canonical == "enrichments_applied" and key != LEGACY_ENRICHMENTS:
        return [key, LEGACY_ENRICHMENTS]
    return [key]


def extracted_by(ctx: RuleContext) -> ExtractedBy:
    """Claim path → the sources whose claims_extracted has an entry naming that claim
    alone (resolved as :func:`entry_targets` resolves it, so both sides of a link agree)."""
    return ctx.memo.get(EXTRACTED_BY, lambda: ExtractedBy(ctx))


class ExtractedBy:
    """The mapping :func:`extracted_by` returns, worked out one claim at a time: checking
    one staged claim in a large knowledge base must not resolve every entry of every
    source. An entry can name a claim only (a) when its folded form is the claim's folded
    title, (b) through a rename git recorded, or (c) by a clear fuzzy match when it names
    nothing else; (a) is looked up by title, (b) is resolved up front for the few entries
    that match no title, and (c) is tried only against the claim looked up and only when
    the entry scores above the threshold against that claim's title (the same fuzz.ratio
    that title_candidates uses). The answer is the one entry_targets gives."""

    def __init__(self, ctx: RuleContext) -> None:
        kb = self.kb = ctx.index
        self.ctx = ctx
        #: Folded entry → ``(source, entry)`` for entries whose folded form is a title.
        self.by_title: dict[str, list[tuple[str, str]]] = defaultdict(list)
        #: Claim → sources, for entries that name a claim through a recorded rename.
        self.renamed: dict[str, list[str]] = defaultdict(list)
        #: ``(source, folded entry, entry)`` for every entry that names no note.
        self.pending: list[tuple[str, str, str]] = []
        self.done: dict[str, list[str]] = {}
        #: Claim → the sources of :attr:`done` that name it only by a fuzzy match.
        self.fuzzy: dict[str, set[str]] = {}
        #: Claim → sources by fuzzy match, once worked out for every pending entry.
        self.matched: dict[str, set[str]] | None = None
        titles, config = kb.titles, kb.config
        for path, info in kb.notes.items():
            if info.kind != SOURCE:
                continue
            for entry, folded in folded_claims(info, config):
                if folded in titles:
                    self.by_title[folded].append((path, entry))
                    continue
                targets = named_by(kb, entry)
                if targets is None:
                    self.pending.append((path, folded, entry))
                elif len(targets) == 1:
                    self.renamed[targets[0]].append(path)

    @overload
    def get(self, claim: str) -> list[str] | None: ...
    @overload
    def get(self, claim: str, default: list[str]) -> list[str]: ...
    def get(self, claim: str, default: list[str] | None = None) -> list[str] | None:
        """The sources that list ``claim`` (``default`` when none does)."""
        found = self.done.get(claim)
        if found is None:
            found = self.done[claim] = self._lookup(claim)
        return found or default

    def _lookup(self, claim: str) -> list[str]:
        kb = self.kb
        found = set(self.renamed.get(claim, ()))
        title = normalize_title(stem(claim))
        for path, entry in self.by_title.get(title, ()):
            if path not in found and named_by(kb, entry) == [claim]:
                found.add(path)
        info = kb.notes.get(claim)
        if self.pending and info is not None and info.kind == CLAIM:
            guessed = self._fuzzy(claim, title) - found
            self.fuzzy[claim] = guessed
            found |= guessed
        if len(found) < 2:  # most claims: no order to work out over every note
            return list(found)
        order = _note_order(self.ctx)
        return sorted(found, key=order.__getitem__)

    def _fuzzy(self, claim: str, title: str) -> set[str]:
        """Sources whose unresolved entry names ``claim`` by a clear fuzzy match. For a few
        claims, each pending entry is first scored against this one title; when most
        claims are looked up (a check of every note), each entry's one fuzzy search is
        cheaper, and is done once for all of them."""
        kb = self.kb
        if self.matched is None and len(self.done) + len(self.ctx.checking) > EAGER_LOOKUPS:
            self.matched = defaultdict(set)
            for path, _, entry in self.pending:
                best = clear_match(title_candidates(kb, entry, CLAIM))
                if best is not None:
                    self.matched[best].add(path)
        if self.matched is not None:
            return self.matched.get(claim, set())
        score = ratio_for(len(self.pending))
        found = set()
        cutoff = kb.config.fuzzy_threshold
        for path, folded, entry in self.pending:
            if score(folded, title, score_cutoff=cutoff) < cutoff:
                continue  # too far from this claim to be its clear match
            if clear_match(title_candidates(kb, entry, CLAIM)) == claim:
                found.add(path)
        return found

    def guessed(self, claim: str) -> set[str]:
        """The sources that name ``claim`` only by a fuzzy match of a drifted title: a
        back-link written for them is a guess (an unsafe fix)."""
        self.get(claim)
        return self.fuzzy.get(claim, set())

    def __getitem__(self, claim: str) -> list[str]:
        found = self.get(claim)
        if not found:
            raise KeyError(claim)
        return found

    def __contains__(self, claim: object) -> bool:
        return isinstance(claim, str) and bool(self.get(claim))


#: Claims looked up (or being checked) beyond which the fuzzy matches of all unresolved
#: entries are worked out at once rather than claim by claim.
EAGER_LOOKUPS = 256


def _note_order(ctx: RuleContext) -> dict[str, int]:
    return ctx.memo.get(NOTE_ORDER, lambda: {p: i for i, p in enumerate(ctx.index.notes)})


def _entries(kb: NoteIndex, source: NoteInfo, canonical: str) -> list[str]:
    return [e for k in list_keys(kb, canonical) for e in as_list(source.get(k))]


def named_by(kb: NoteIndex, entry: str) -> list[str] | None:
    """The notes a list entry names exactly (claims first: a claim and a source with one
    title resolve to the claim); ``None`` when it names none."""
    hits = kb.resolve(entry)
    if not hits:
        return None
    claims = [h for h in hits if kb.notes[h].kind == CLAIM]
    return claims or hits


def entry_targets(ctx: RuleContext, source: NoteInfo, canonical: str) -> dict[str, list[str]]:
    """Each entry of a source's list field → the notes it names (exactly, or by a clear
    fuzzy match when nothing matches exactly)."""
    kb = ctx.index
    return ctx.memo.get(
        ENTRY_TARGETS, lambda: _entry_targets(kb, source, canonical), source.path, canonical
    )


def _entry_targets(kb: NoteIndex, source: NoteInfo, canonical: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in _entries(kb, source, canonical):
        targets = named_by(kb, entry)
        if targets is None:
            best = clear_match(title_candidates(kb, entry, CLAIM))
            targets = [best] if best else []
        out[entry] = targets
    return out


def cites(kb: NoteIndex, claim: NoteInfo, source_path: str) -> bool:
    """Whether the claim's ``sourced_from`` names the source at ``source_path``: exactly,
    or through a stale path that BL005 repoints to it (a rename git recorded, or the
    file name)."""
    for ref in as_list(claim.get(kb.config.field_name("sourced_from"))):
        path = clean_path(ref)
        if path == source_path:
            return True
        stale = path not in kb.notes and not unsafe_path(path)
        if stale and (kb.renames.get(path) == source_path or source_path in kb.resolve(path)):
            return True
    return False


def repoint(key: str, old: str, new: str) -> Edit:
    """Replace the stale entry ``old`` by ``new`` where it stands; when ``new`` is listed
    already, drop ``old`` instead of listing the same source twice."""

    def apply(ed: FrontmatterEditor) -> None:
        current = as_list(ed.data.get(key))
        if old in current and any(clean_path(c) == new for c in current):
            ed.remove_item(key, old)
        else:
            ed.replace_item(key, old, new)

    return apply


def add_enrichment(key: str, title: str) -> Edit:
    """Append ``title`` to a source's enrichments list: the legacy ``enrichments`` when
    that is the only spelling the note has, so that one field is not split in two."""
    entry = add_entry(key, title)
    legacy = add_entry(LEGACY_ENRICHMENTS, title)

    def apply(ed: FrontmatterEditor) -> None:
        if key not in ed.data and LEGACY_ENRICHMENTS in ed.data:
            legacy(ed)
        else:
            entry(ed)

    return apply


_WORK_FIELDS = ("url", "source", "doi", "arxiv", "title")


def _strong_ids(text: str) -> set[str]:
    from ..infer.identifiers import identifiers

    return {i for i in identifiers(text, bare=False) if i.startswith(("arxiv:", "doi:"))}


def _sources_by_id(ctx: RuleContext) -> dict[str, set[str]]:
    """arXiv id or DOI → the source notes whose own fields carry it."""
    return ctx.memo.get(SOURCES_BY_ID, lambda: _index_sources_by_id(ctx.index))


def _index_sources_by_id(kb: NoteIndex) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for path, note in kb.notes.items():
        if note.kind != SOURCE:
            continue
        text = " ".join(v for k in _WORK_FIELDS if isinstance(v := note.get(k), str))
        for ident in _strong_ids(text):
            index.setdefault(ident, set()).add(path)
    return index


def contradicting_id(ctx: RuleContext, claim: NoteInfo, source_path: str) -> str | None:
    """An arXiv id or DOI that the claim's ``source:`` cites and that another source note
    carries while ``source_path`` does not: the listing then names the wrong paper (two
    papers on one topic with similar titles). ``None`` when nothing contradicts it."""
    cited = claim.get("source")
    if not isinstance(cited, str) or not cited.strip():
        return None
    ids = _strong_ids(cited)
    if not ids:
        return None
    index = _sources_by_id(ctx)
    if any(source_path in index.get(i, ()) for i in ids):
        return None
    for ident in sorted(ids):
        if index.get(ident, set()) - {source_path}:
            from ..infer.identifiers import describe

            return describe(ident)
    return None


def _listed(ctx: RuleContext, source: NoteInfo, claim_path: str, canonical: str) -> bool:
    return any(claim_path in t for t in entry_targets(ctx, source, canonical).values())
