"""BL0xx: claim↔source links — both directions, entries that resolve, enrichments.

The lookups the rules share are in :mod:`.provenance`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..entries import (
    add_entry,
    add_sourced_from,
)
from ..fuzzy import clear_match, suggest
from ..index import title_candidates
from ..model import WARNING, Fix, Rule, Violation, rule
from ..titles import clean_path
from ..values import CLAIM, SOURCE, as_list
from .common import replacing, text
from .context import RuleContext
from .provenance import (
    NO_EXTRACTIONS,
    _listed,
    add_enrichment,
    cites,
    contradicting_id,
    entry_targets,
    extracted_by,
    list_keys,
    named_by,
    repoint,
    unsafe_path,
)

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..model import CheckFn
    from ..noteinfo import NoteInfo


def _unresolved(kind_label: str, canonical: str, severity_doc: str) -> CheckFn:
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
                    replacing(key, entry, title),
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
            if not any(info.path in kb.resolve(t) for t in claim.evidence):
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
