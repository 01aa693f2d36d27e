"""BL0xx: claim↔source links — both directions, entries that resolve, enrichments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..entries import (  # noqa: F401  (the rules' names for them)
    CLAIMS_AFTER,
    SOURCED_FROM_AFTER,
    add_entry,
    add_sourced_from,
)
from ..fuzzy import clear_match, suggest
from ..index import CLAIM, SOURCE, as_list, folded_claims, title_candidates
from ..model import WARNING, Fix, Rule, Violation, rule
from ..titles import clean_path, normalize_title, stem
from .common import text
from .context import MemoKey, RuleContext

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..index import NoteIndex, NoteInfo

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

    def get(self, claim: str, default: list[str] | None = None) -> list[str] | None:
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
        from rapidfuzz import fuzz

        found = set()
        cutoff = kb.config.fuzzy_threshold
        for path, folded, entry in self.pending:
            if fuzz.ratio(folded, title, score_cutoff=cutoff) < cutoff:
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


def repoint(key: str, old: str, new: str):
    """Replace the stale entry ``old`` by ``new`` where it stands; when ``new`` is listed
    already, drop ``old`` instead of listing the same source twice."""

    def apply(ed: FrontmatterEditor) -> None:
        current = as_list(ed.data.get(key))
        if old in current and any(clean_path(c) == new for c in current):
            ed.remove_item(key, old)
        else:
            ed.replace_item(key, old, new)

    return apply


def add_enrichment(key: str, title: str):
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


def _unresolved(kind_label: str, canonical: str, severity_doc: str):
    def check(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
        kb, info = ctx.index, ctx.note
        for key, entry in [(k, e) for k in list_keys(kb, canonical) for e in as_list(info.get(k))]:
            if kb.resolve(entry):
                continue
            found = title_candidates(kb, entry, CLAIM)
            best = clear_match(found)
            names = [(kb.notes[p].title, s) for p, s in found]
            fix = None
            if best is not None:
                title = kb.notes[best].title
                # The entry names no note even with case, spaces and hyphens folded: the
                # closest title is a guess.
                fix = Fix(
                    info.path,
                    f"rewrite {key} entry to '{title}'",
                    lambda ed, e=entry, t=title, k=key: ed.replace_item(k, e, t),
                    safe=False,
                )
            yield r.violation(
                info,
                f"{key} entry '{entry}' names no {kind_label}{suggest(names)}",
                key,
                fix,
                subject=entry,
            )

    return check


_UNRESOLVED_SAFETY = (
    "Always unsafe: an entry that differs from a title only in case, spaces or hyphens "
    "already names that claim, so a rewrite is needed only for a drifted title, and "
    "picking the clearly closest one (fuzzy score >= fuzzy_threshold) is a guess. It is "
    "suggested, and applied only by 'codex-hooks fix --unsafe-fixes'."
)
rule(
    "BL001",
    "claims-extracted-unresolved",
    "A claims_extracted entry names no existing note.",
    "Each entry must be the title of the claim the source produced (its file name without "
    ".md; case, spaces and hyphens may differ). When the title drifted and exactly one claim "
    "is clearly closest, the fix (unsafe) rewrites the entry to that claim's exact title; "
    "several close claims are listed for a person to choose.",
    'claims_extracted:\n  - "futarchy enables conditional ownership coin"   # → ...coins',
    kinds=(SOURCE,),
    fix_safety=_UNRESOLVED_SAFETY,
    fix="unsafe",
)(_unresolved("note", "claims_extracted", "error"))
rule(
    "BL002",
    "enrichment-unresolved",
    "An enrichments_applied entry names no existing note.",
    "Each entry names a claim that the source added evidence to. A drifted title with one "
    "clear match is rewritten to the exact title (an unsafe fix); otherwise candidates are "
    "listed.",
    "enrichments_applied:\n  - some claim that was renamed.md",
    severity=WARNING,
    kinds=(SOURCE,),
    fix_safety=_UNRESOLVED_SAFETY,
    fix="unsafe",
)(_unresolved("note", "enrichments_applied", "warning"))


@rule(
    "BL003",
    "missing-sourced-from",
    "A source lists a claim in claims_extracted, but the claim's sourced_from omits the source.",
    "The link must point both ways: a claim names the source notes it came from in "
    "sourced_from (a repo-relative path, a list when there are several). The fix adds the "
    "source's path to the claim, keeping any source it already names.",
    "# inbox/archive/s.md: claims_extracted: [c]\n# c.md lacks: sourced_from: inbox/archive/s.md",
    fix_safety="Safe when the claims_extracted entry names the claim (its title, with case, "
    "spaces, hyphens or underscores folded, or its name before a rename git recorded): the "
    "path is added, existing entries are kept, so a claim listed by two sources ends up "
    "naming both. Unsafe when the entry names no note and the claim is only its clearly "
    "closest fuzzy match (a drifted title): that link is a guess, written only by "
    "'codex-hooks fix --unsafe-fixes'. When the claim's source text cites an arXiv id or "
    "DOI that another source note records and the listing source does not, the listing is "
    "suspect and only reported.",
    fix="sometimes",
    kinds=(CLAIM, SOURCE),
)
def missing_sourced_from(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    key = kb.config.field_name("sourced_from")
    ce = kb.config.field_name("claims_extracted")
    if info.kind == SOURCE:
        for entry, targets in entry_targets(ctx, info, "claims_extracted").items():
            if len(targets) != 1:
                continue
            claim = kb.notes[targets[0]]
            if claim.path in ctx.checking or claim.kind != CLAIM or cites(kb, claim, info.path):
                continue
            wrong = contradicting_id(ctx, claim, info.path)
            if wrong is not None:
                yield r.violation(
                    info,
                    f"claim '{claim.title}' does not name this source in {key}, and its "
                    f"source cites {wrong}, which another source note records: check which "
                    "paper it came from; not linked automatically",
                    ce,
                    subject=claim.path,
                )
                continue
            fix = Fix(
                claim.path,
                f"add {info.path} to {key}",
                add_sourced_from(key, info.path),
                safe=named_by(kb, entry) is not None,  # else the entry is a drifted title
            )
            yield r.violation(
                info,
                f"claim '{claim.title}' does not name this source in {key}",
                ce,
                fix,
                subject=claim.path,
            )
    elif info.kind == CLAIM:
        guessed = extracted_by(ctx).guessed(info.path)
        for spath in extracted_by(ctx).get(info.path, []):
            if cites(kb, info, spath):
                continue
            wrong = contradicting_id(ctx, info, spath)
            if wrong is not None:
                yield r.violation(
                    info,
                    f"{spath} lists this claim in {ce}, but the claim's source cites {wrong}, "
                    "which another source note records: check which paper it came from; not "
                    "linked automatically",
                    key,
                    subject=spath,
                )
                continue
            fix = Fix(
                info.path,
                f"add {spath} to {key}",
                add_sourced_from(key, spath),
                safe=spath not in guessed,
            )
            yield r.violation(
                info,
                f"{spath} lists this claim in {ce}, but {key} does not name it",
                key,
                fix,
                subject=spath,
            )


#: Frontmatter fields of a source note that name the work it records.
_WORK_FIELDS = ("url", "source", "doi", "arxiv", "title")


def _strong_ids(text: str) -> set[str]:
    from ..infer.text import identifiers

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
            from ..infer.text import describe

            return describe(ident)
    return None


def _listed(ctx: RuleContext, source: NoteInfo, claim_path: str, canonical: str) -> bool:
    return any(claim_path in t for t in entry_targets(ctx, source, canonical).values())


@rule(
    "BL004",
    "missing-claims-extracted",
    "A claim's sourced_from names a source whose claims_extracted omits the claim.",
    "The link must point both ways: the source lists, in claims_extracted, the title of every "
    "claim that names it in sourced_from. The fix appends the claim's title to the source.",
    "# c.md: sourced_from: inbox/archive/s.md\n# s.md lacks c in claims_extracted",
    fix_safety="Always safe: sourced_from names the source by its exact path, and the "
    "claim's title is appended in the list's own style. A source that lists the claim "
    "under enrichments_applied, or whose status is unprocessed or null-result (which "
    "forbid extracted claims), is reported, not changed.",
    fix="safe",
    kinds=(CLAIM, SOURCE),
)
def missing_claims_extracted(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    ce = kb.config.field_name("claims_extracted")
    key = kb.config.field_name("sourced_from")
    pairs: list[tuple[NoteInfo, NoteInfo]] = []
    if info.kind == CLAIM:
        # The claim holds the link, so the pair is always reported on the claim ...
        for ref in as_list(info.get(key)):
            source = kb.notes.get(clean_path(ref))
            if source is not None and source.kind == SOURCE:
                pairs.append((info, source))
    elif info.kind == SOURCE:
        # ... and on the source only when the claim is not being checked itself.
        for cpath in kb.cited_by.get(info.path, []):
            claim = kb.notes.get(cpath)
            if claim is not None and claim.kind == CLAIM and cpath not in ctx.checking:
                pairs.append((claim, info))
    ea = kb.config.field_name("enrichments_applied")
    seen: set[tuple[str, str]] = set()
    for claim, source in pairs:
        if (claim.path, source.path) in seen:
            continue
        seen.add((claim.path, source.path))
        if _listed(ctx, source, claim.path, "claims_extracted"):
            continue
        where = info
        at = key if where is claim else ce
        # About the pair: named by the other note, whichever side reports it.
        other = source.path if where is claim else claim.path
        if _listed(ctx, source, claim.path, "enrichments_applied"):
            yield r.violation(
                where,
                f"{key} names {source.path}, which lists '{claim.title}' only in "
                f"{ea} (an enrichment is not an extraction): fix one side by hand",
                at,
                subject=other,
            )
            continue
        if where is claim:
            msg = f"{source.path} does not list this claim in {ce}"
        else:
            msg = f"claim '{claim.title}' names this source in {key}, but {ce} does not list it"
        status = text(source.get(kb.config.field_name("status")))
        if status in NO_EXTRACTIONS:
            # Listing the claim would contradict the status (LC002, LC003): a person must
            # decide which side is wrong.
            yield r.violation(
                where, f"{msg}, and its status '{status}' forbids one", at, subject=other
            )
            continue
        fix = Fix(
            source.path, f"add '{claim.title}' to {ce}", add_entry(ce, claim.title), safe=True
        )
        yield r.violation(where, msg, at, fix, subject=other)


@rule(
    "BL005",
    "sourced-from-unresolved",
    "A sourced_from entry is not the path of an existing note.",
    "sourced_from holds repo-relative paths of source notes. When the source was moved or "
    "renamed the fix rewrites the path: a safe fix when git records the rename, an unsafe "
    "one when only the file name matches one source note; otherwise the entry is reported. Absolute paths and paths that climb "
    "out of the repository are reported and never opened.",
    "sourced_from: inbox/2026-01-00-old-name.md   # → inbox/archive/2026-01-00-old-name.md",
    kinds=(CLAIM,),
    fix_safety="Safe when git recorded the rename of that exact path, or when the entry is a "
    "[[wiki link]] naming exactly one source note (it is written as that note's path). "
    "Unsafe when a stale path is repointed to the one source note with its file name: the "
    "note that was meant may be gone, so the new path is suggested, and written only by "
    "'codex-hooks fix --unsafe-fixes'.",
    fix="sometimes",
)
def sourced_from_unresolved(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    key = kb.config.field_name("sourced_from")
    for ref in as_list(info.get(key)):
        path = clean_path(ref)
        if path in kb.notes:
            continue
        if unsafe_path(path):
            yield r.violation(
                info,
                f"{key} entry '{ref}' points outside the repository; it is never opened",
                key,
                subject=ref,
            )
            continue
        new = kb.renames.get(path)
        recorded = new is not None and new in kb.notes
        if not recorded:
            hits = [h for h in kb.resolve(path) if kb.notes[h].kind == SOURCE]
            new = hits[0] if len(hits) == 1 else None
            if new is None and len(hits) > 1:
                yield r.violation(
                    info,
                    f"{key} entry '{ref}' names no note; candidates: " + ", ".join(hits[:3]),
                    key,
                    subject=ref,
                )
                continue
        fix = None
        if new is not None:
            # A [[link]] names its note by file name, as Obsidian reads it: writing the
            # path of the one source it names keeps its meaning. A stale path does not name
            # a note elsewhere with its file name: that is a guess.
            link = ref.strip().startswith("[[")
            fix = Fix(
                info.path,
                f"rewrite {key} to {new}",
                repoint(key, ref, new),
                safe=recorded or link,
            )
        hint = f" (moved to {new}?)" if new else ""
        yield r.violation(info, f"{key} entry '{ref}' names no note{hint}", key, fix, subject=ref)


@rule(
    "BL006",
    "sourced-from-not-a-source",
    "A sourced_from entry names a note that is not a source.",
    "sourced_from should name source notes (the papers, articles and threads that were read), "
    "not other claims or maps. Use depends_on or a wiki link for other relations.",
    "sourced_from: domains/health/another claim.md",
    severity=WARNING,
    kinds=(CLAIM,),
)
def sourced_from_not_source(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    key = kb.config.field_name("sourced_from")
    for ref in as_list(info.get(key)):
        target = kb.notes.get(clean_path(ref))
        if target is not None and target.kind != SOURCE:
            yield r.violation(
                info, f"{key} entry '{ref}' is a {target.kind}, not a source", key, subject=ref
            )


@rule(
    "BL007",
    "enrichment-evidence-mismatch",
    "enrichments_applied and the claim's Additional Evidence blocks disagree.",
    "A source that enriched a claim lists it in enrichments_applied, and the claim carries a "
    "'### Additional Evidence' block citing [[source]]. A missing frontmatter entry is added "
    "by the fix; a missing evidence block in the body is only reported.",
    "### Additional Evidence (extend)\n*Source: [[2026-01-00-s]] | Added: 2026-02-01*",
    severity=WARNING,
    fix_safety="Always safe: the evidence block's [[link]] names exactly one source, and "
    "only the frontmatter side (that source's enrichments_applied) is written; the body is "
    "never changed.",
    fix="safe",
    kinds=(CLAIM, SOURCE),
)
def enrichment_mismatch(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    ea = kb.config.field_name("enrichments_applied")
    if info.kind == SOURCE:
        for targets in entry_targets(ctx, info, "enrichments_applied").values():
            if len(targets) != 1:
                continue
            claim = kb.notes[targets[0]]
            if claim.kind != CLAIM:
                continue
            cited = any(info.path in kb.resolve(t) for t in claim.evidence)
            if not cited:
                yield r.violation(
                    info,
                    f"'{claim.title}' has no Additional Evidence block citing [[{info.title}]]",
                    ea,
                    subject=claim.path,
                )
    elif info.kind == CLAIM:
        for cited in dict.fromkeys(info.evidence):
            hits = [h for h in kb.resolve(cited) if kb.notes[h].kind == SOURCE]
            if len(hits) != 1:
                continue
            source = kb.notes[hits[0]]
            if _listed(ctx, source, info.path, "enrichments_applied") or _listed(
                ctx, source, info.path, "claims_extracted"
            ):
                continue
            fix = Fix(
                source.path,
                f"add '{info.title}' to {ea}",
                add_enrichment(ea, info.title),
                safe=True,
            )
            link = next((lk for lk in info.links if lk.target == cited), None)
            yield r.violation(
                info,
                f"Additional Evidence cites [[{cited}]], but that source's {ea} does not list this claim",
                fix=fix,
                line=link.line if link else 1,
                column=link.column if link else 1,
                subject=source.path,
            )
