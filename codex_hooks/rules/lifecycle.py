"""LC0xx: the source status lifecycle and who processed a source."""

from __future__ import annotations

from collections.abc import Iterator

from ..fuzzy import candidates, clear_match, suggest
from ..model import Fix, Rule, Violation, rule
from ..values import SOURCE, as_list
from .common import replacing, spelled_alike, text
from .context import RuleContext

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo

REASONS = ("notes", "extraction_notes", "null_result_reason")


def _status(kb: NoteIndex, info: NoteInfo) -> str | None:
    return text(info.get(kb.config.field_name("status")))


def _missing(kb: NoteIndex, status: str, canonical: str) -> str:
    """``status is 'x' but <field> is missing``, in the knowledge base's own field names."""
    return f"{kb.config.field_name('status')} is '{status}' but {kb.config.field_name(canonical)} is missing"


def _fields(kb: NoteIndex, info: NoteInfo) -> tuple[str, str, list[str], list[str]]:
    f = kb.config.field_name
    enrich = as_list(info.get(f("enrichments_applied"))) + as_list(info.get("enrichments"))
    return (
        ", ".join(as_list(info.get(f("processed_by")))).strip(),
        text(info.get(f("processed_date"))) or "",
        as_list(info.get(f("claims_extracted"))),
        enrich,
    )


@rule(
    "LC001",
    "processed-incomplete",
    "A processed source lacks processed_by, processed_date or any extracted/enriched claim.",
    "status: processed promises that an agent read the source on a date and that it led "
    "to claims (claims_extracted) or evidence (enrichments_applied). Without them nobody "
    "can trace what the source contributed.",
    "status: processed\nprocessed_by: rio\n# no processed_date, no claims_extracted",
    kinds=(SOURCE,),
)
def processed_incomplete(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if _status(kb, info) != "processed":
        return
    by, when, claims, enrich = _fields(kb, info)
    f = kb.config.field_name
    status_key = f("status")
    # Each finding is about the field that is missing, though it points at the status.
    if not by:
        yield r.violation(
            info, _missing(kb, "processed", "processed_by"), status_key, subject=f("processed_by")
        )
    if not when:
        yield r.violation(
            info,
            _missing(kb, "processed", "processed_date"),
            status_key,
            subject=f("processed_date"),
        )
    if not claims and not enrich:
        yield r.violation(
            info,
            f"{f('status')} is 'processed' but neither {f('claims_extracted')} nor "
            f"{f('enrichments_applied')} lists a claim (use status 'null-result' with a reason "
            "if it produced none)",
            status_key,
            subject=f("claims_extracted"),
        )


@rule(
    "LC002",
    "unprocessed-with-results",
    "An unprocessed source already has processed_by, processed_date or extracted claims.",
    "status: unprocessed means nobody has read the source yet. Processing fields on it mean "
    "the status was not advanced (or the fields were copied from another note).",
    "status: unprocessed\nprocessed_by: theseus   # → status: processed?",
    kinds=(SOURCE,),
)
def unprocessed_with_results(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if _status(kb, info) != "unprocessed":
        return
    by, when, claims, _ = _fields(kb, info)
    f = kb.config.field_name
    present = [
        name
        for name, value in (
            (f("processed_by"), by),
            (f("processed_date"), when),
            (f("claims_extracted"), claims),
        )
        if value
    ]
    if present:
        yield r.violation(
            info,
            f"{f('status')} is 'unprocessed' but the source has {', '.join(present)}: "
            "advance the status or remove them",
            f("status"),
        )


@rule(
    "LC003",
    "null-result-inconsistent",
    "A null-result source lacks processed_by or a reason, or lists extracted claims.",
    "null-result records that a source was read and produced nothing: it needs who read it "
    "and why nothing came of it (notes, extraction_notes or null_result_reason), and it "
    "cannot have extracted claims.",
    "status: null-result\nprocessed_by: vida\n# no notes explaining why",
    kinds=(SOURCE,),
)
def null_result(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if _status(kb, info) != "null-result":
        return
    by, _, claims, _ = _fields(kb, info)
    status_key = kb.config.field_name("status")
    if not by:
        yield r.violation(
            info,
            _missing(kb, "null-result", "processed_by"),
            status_key,
            subject=kb.config.field_name("processed_by"),
        )
    if not any(text(info.get(k)) for k in REASONS):
        yield r.violation(
            info,
            f"{status_key} is 'null-result' but no reason is given (notes, extraction_notes "
            "or null_result_reason)",
            status_key,
        )
    if claims:
        yield r.violation(
            info,
            f"{status_key} is 'null-result' but {kb.config.field_name('claims_extracted')} "
            f"lists {len(claims)} claim(s)",
            kb.config.field_name("claims_extracted"),
        )


@rule(
    "LC004",
    "enrichment-incomplete",
    "An enrichment source lacks processed_by, processed_date or enrichments_applied entries.",
    "status: enrichment says the source only added evidence to existing claims: it needs "
    "who did it, when, and which claims it enriched.",
    "status: enrichment\nprocessed_by: rio\nprocessed_date: 2026-03-01\n# no enrichments_applied",
    kinds=(SOURCE,),
)
def enrichment_incomplete(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if _status(kb, info) != "enrichment":
        return
    by, when, _, enrich = _fields(kb, info)
    status_key = kb.config.field_name("status")
    f = kb.config.field_name
    if not by:
        yield r.violation(
            info, _missing(kb, "enrichment", "processed_by"), status_key, subject=f("processed_by")
        )
    if not when:
        yield r.violation(
            info,
            _missing(kb, "enrichment", "processed_date"),
            status_key,
            subject=f("processed_date"),
        )
    if not enrich:
        yield r.violation(
            info,
            f"{status_key} is 'enrichment' but {f('enrichments_applied')} lists no claim",
            status_key,
            subject=f("enrichments_applied"),
        )


@rule(
    "LC005",
    "unknown-agent",
    "processed_by does not name an agent (a folder under agents/).",
    "processed_by records which agent read the source; it must be one of the agents of the "
    "knowledge base so that work can be attributed. A wrong case is fixed; a typo is fixed "
    "on request (an unsafe fix) when exactly one agent is close.",
    "processed_by: Theseus   # → theseus",
    kinds=(SOURCE,),
    fix_safety="Safe when the value differs from one agent's name only in case, spaces, "
    "hyphens or underscores (Theseus → theseus). Unsafe when that agent is only the clearly "
    "closest by similarity score (thesues → theseus): the name is a guess, applied only by "
    "'codex-hooks fix --unsafe-fixes'.",
    fix="sometimes",
)
def unknown_agent(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    key = kb.config.field_name("processed_by")
    agents = kb.agents
    if not agents:
        return
    # One agent, or a list of them when several processed the source.
    for raw in as_list(info.get(key)):
        value = raw.strip()
        if value in agents:
            continue
        found = candidates(value, sorted(agents), threshold=75.0)
        best = clear_match(found)
        fix = None
        if best:
            fix = Fix(
                info.path,
                f"set {key} to '{best}'",
                replacing(key, raw, best),
                safe=spelled_alike(value, best),
            )
        yield r.violation(
            info, f"{key} '{value}' is not an agent folder{suggest(found)}", key, fix, subject=value
        )
