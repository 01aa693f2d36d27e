"""FM0xx: frontmatter fields — required fields, enum values, dates, list shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..fuzzy import candidates, clear_match, suggest
from ..memo import MemoKey
from ..model import ERROR, WARNING, Fix, Rule, Violation, rule
from ..titles import normalize_title
from ..values import CLAIM, OTHER, SOURCE, as_list, means_no_entries
from .common import real_date, spelled_alike, text
from .context import RuleContext

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..entries import Edit
    from ..index import NoteIndex
    from ..model import CheckFn

#: Per kind of note: the folders that directly hold notes of that kind (see
#: :mod:`.context`).
FOLDERS_HOLDING: MemoKey[set[str]] = MemoKey("folders-holding")

REQUIRED = {
    CLAIM: ("type", "domain", "description", "confidence", "source", "created"),
    SOURCE: ("status",),
}
LIST_FIELDS = (
    "claims_extracted",
    "enrichments_applied",
    "tags",
    "secondary_domains",
    "depends_on",
    "challenged_by",
)
FULL_DATES = ("created", "processed_date", "last_evaluated")
PARTIAL_DATES = ("date", "date_published")


@rule(
    "FM001",
    "missing-required-field",
    "A claim or source lacks a field its kind requires.",
    "Claims need type, domain, description, confidence, source and created; sources need a "
    "status. Without them the note cannot be filed, filtered or checked.",
    "type: claim\ndomain: health\n# no description, confidence, source, created",
    kinds=(CLAIM, SOURCE),
)
def missing_required(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    for key in REQUIRED.get(info.kind, ()):
        name = kb.config.field_name(key)
        value = info.get(name)
        if text(value) is None and not (isinstance(value, (list, dict)) and value):
            # A list or mapping where text belongs is present, and FM006/FM007 say what is
            # wrong with it; only absent, null and blank values are missing.
            where = "is empty" if info.has(name) else "is missing"
            yield r.violation(info, f"required field '{name}' {where} for a {info.kind}", name)


def _enum_rule(field_name: str, kinds: tuple[str, ...]) -> CheckFn:
    def check(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
        kb, info = ctx.index, ctx.note
        name = kb.config.field_name(field_name)
        raw = info.get(name)
        if isinstance(raw, (list, dict)) and raw:
            shape = "list" if isinstance(raw, list) else "mapping"
            yield r.violation(info, f"{name} is a {shape}; it takes one allowed value", name)
            return
        value = text(raw)
        allowed: list[str] = getattr(kb.config, field_name)
        if value is None or value in allowed:
            return
        found = candidates(value, allowed)
        best = clear_match(found)
        fix = None
        if best is not None:
            fix = Fix(
                info.path,
                f"set {name} to '{best}'",
                lambda ed: ed.set(name, best),
                safe=spelled_alike(value, best),
            )
        yield r.violation(
            info, f"{name} '{value}' is not one of the allowed values{suggest(found)}", name, fix
        )

    return check


_ENUM_DOC = (
    "The field takes one value of a fixed list (configurable). A value that differs from "
    "an allowed one only in case, spaces, hyphens or underscores is fixed; a typo is fixed "
    "only on request (an unsafe fix) when exactly one allowed value is close; otherwise "
    "the close values are suggested."
)
_ENUM_SAFETY = (
    "Safe when the value differs from one allowed value only in case, spaces, hyphens or "
    "underscores (Processed, null_result). Unsafe when the allowed value is only the "
    "clearly closest by similarity score (procesed → processed): a typo's meaning is a "
    "guess, so it is suggested, and applied only by 'codex-hooks fix --unsafe-fixes'. "
    "Ties are only reported."
)
rule(
    "FM002",
    "invalid-status",
    "A source's status is not one of the lifecycle values.",
    _ENUM_DOC,
    "status: procesed   # → processed",
    kinds=(SOURCE,),
    fix_safety=_ENUM_SAFETY,
    fix="sometimes",
)(_enum_rule("status", (SOURCE,)))
rule(
    "FM003",
    "invalid-confidence",
    "A claim's confidence is not proven, likely, experimental or speculative.",
    _ENUM_DOC,
    "confidence: likley   # → likely",
    kinds=(CLAIM,),
    fix_safety=_ENUM_SAFETY,
    fix="sometimes",
)(_enum_rule("confidence", (CLAIM,)))
rule(
    "FM004",
    "invalid-domain",
    "A claim's or source's domain is not one of the knowledge base's domains.",
    _ENUM_DOC,
    "domain: ai-alignement   # → ai-alignment",
    kinds=(CLAIM, SOURCE),
    fix_safety=_ENUM_SAFETY,
    fix="sometimes",
)(_enum_rule("domain", (CLAIM, SOURCE)))
rule(
    "FM005",
    "invalid-format",
    "A source's format is not one of the known formats.",
    _ENUM_DOC,
    "format: pape   # → paper",
    severity=WARNING,
    kinds=(SOURCE,),
    fix_safety=_ENUM_SAFETY,
    fix="sometimes",
)(_enum_rule("format", (SOURCE,)))


@rule(
    "FM006",
    "invalid-date",
    "A date field does not hold a real calendar date.",
    "created, processed_date and last_evaluated must be YYYY-MM-DD dates that exist; "
    "a publication date (date, date_published) may also be YYYY or YYYY-MM. Values like "
    "2026-00-00 or 2026-02-30 break every tool that loads dates. A publication date whose "
    "day or month is written 00 (unknown) is fixed by dropping the unknown part.",
    "processed_date: 2026-02-30\ndate: 2015-03-00   # → 2015-03",
    fix_safety="Safe: only publication dates with 00 for an unknown day or month are "
    "rewritten (2015-03-00 → 2015-03, 2015-00-00 → 2015); the known parts are kept as "
    "written. Other invalid dates have no fix.",
    fix="safe",
)
def invalid_date(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    for canonical in (*FULL_DATES, *PARTIAL_DATES):
        key = kb.config.field_name(canonical)
        value = info.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # no date given (FM001 says when one is required)
        if isinstance(value, str):
            partial = canonical in PARTIAL_DATES
            if not real_date(value, partial=partial):
                fix = None
                shorter = _unknown_parts_dropped(value) if partial else None
                if shorter is not None:
                    fix = Fix(
                        info.path,
                        f"write {key} as '{shorter}'",
                        _setting(key, shorter),
                        safe=True,
                    )
                yield r.violation(
                    info, f"{key} '{value}' is not a real calendar date (YYYY-MM-DD)", key, fix
                )
        else:
            shape = "list" if isinstance(value, list) else "mapping"
            yield r.violation(
                info, f"{key} is a {shape}, not a real calendar date (YYYY-MM-DD)", key
            )


_UNKNOWN_DAY = re.compile(r"(\d{4})-(\d{2})-00\Z")
_UNKNOWN_MONTH = re.compile(r"(\d{4})-00-00\Z")


def _unknown_parts_dropped(value: str) -> str | None:
    """``2015-03-00`` → ``2015-03`` and ``2015-00-00`` → ``2015``: the zeros say "unknown",
    and a publication date may be a month or a year. ``None`` for anything else."""
    text = value.strip()
    if m := _UNKNOWN_MONTH.match(text):
        return m[1]
    m = _UNKNOWN_DAY.match(text)
    if m and 1 <= int(m[2]) <= 12:
        candidate = f"{m[1]}-{m[2]}"
        return candidate if real_date(candidate, partial=True) else None
    return None


@rule(
    "FM007",
    "field-not-a-list",
    "A list field holds a lone value instead of a list.",
    "claims_extracted, enrichments_applied, tags, secondary_domains, depends_on and "
    "challenged_by are lists. A lone string is read as one entry by some tools and as "
    "characters by others; the fix wraps it in a one-item list.",
    "tags: futarchy   # → tags:\\n  - futarchy",
    fix_safety="Always safe: the value is kept as the list's only item.",
    fix="safe",
)
def not_a_list(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    for canonical in LIST_FIELDS:
        key = kb.config.field_name(canonical)
        value = info.get(key)
        if isinstance(value, str) and value.strip() and not means_no_entries(value):
            # A word meaning "no entries" is FM011's: wrapped, it would become an entry.
            fix = Fix(info.path, f"make {key} a list", _making_list(key), safe=True)
            yield r.violation(info, f"{key} should be a list, not a lone value", key, fix)
        elif isinstance(value, dict):
            yield r.violation(info, f"{key} should be a list, not a mapping", key)


#: File names of notes that describe a folder rather than being one of its notes.
_FOLDER_NOTES = ("readme.md", "index.md")


@rule(
    "FM010",
    "missing-frontmatter",
    "An empty note, or one without frontmatter, where a claim or a source belongs.",
    "A note in a claim folder (claim_dirs) or a source folder (source_dirs) is read as a "
    "claim or a source only through its frontmatter. Without one it is silently no claim "
    "and no source: no rule checks it and no link to it is kept in step. An empty file "
    "there is always reported. A note with text but no frontmatter is reported when its "
    "own folder holds claims (or sources), so that an overview written beside the claim "
    "folders (core/epistemology.md) is not. Never reported: maps (_map.md, map_dirs), "
    "entities, agents' files, notes whose name starts with '_', README.md and index.md, "
    "and notes outside the claim and source folders. A note that is meant to have no "
    "frontmatter can be moved elsewhere or listed under 'exclude' in the configuration.",
    "# domains/health/new claim.md is an empty file",
    kinds=(OTHER,),
)
def missing_frontmatter(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if info.has_frontmatter or info.data is not None:
        return
    kind = _expected_kind(ctx, info.path)
    name = info.path.rsplit("/", 1)[-1]
    if kind is None or name.startswith("_") or name.lower() in _FOLDER_NOTES:
        return
    fields = _field_list(tuple(kb.config.field_name(k) for k in REQUIRED[kind]))
    needs = f"a {kind} needs a frontmatter block with {fields}"
    folder = info.path.rsplit("/", 1)[0] + "/" if "/" in info.path else ""
    if _is_empty(kb, info.path):
        yield r.violation(info, f"empty note where a {kind} belongs: {needs}")
    elif folder in _folders_holding(ctx, kind):
        yield r.violation(info, f"no frontmatter, but {folder} holds {kind}s: {needs}")


def _expected_kind(ctx: RuleContext, path: str) -> str | None:
    """CLAIM or SOURCE when ``path`` lies under a configured claim or source folder (the
    longer folder wins when one holds the other), else ``None``."""
    kb = ctx.index
    best: tuple[int, str] | None = None
    for kind, dirs in ((SOURCE, kb.config.source_dirs), (CLAIM, kb.config.claim_dirs)):
        for d in dirs:
            prefix = d.strip("/") + "/"
            if path.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), kind)
    return best[1] if best else None


def _folders_holding(ctx: RuleContext, kind: str) -> set[str]:
    """The folders (``a/b/``) that directly hold at least one note of ``kind``."""
    kb = ctx.index
    return ctx.memo.get(
        FOLDERS_HOLDING,
        lambda: {
            p.rsplit("/", 1)[0] + "/" for p, n in kb.notes.items() if n.kind == kind and "/" in p
        },
        kind,
    )


def _is_empty(kb: NoteIndex, path: str) -> bool:
    """Whether the note holds nothing but white space (read only for the rare note that
    has no frontmatter in a claim or source folder)."""
    from ..errors import CodexError

    try:
        return not kb.read_note(path).text.strip()
    except (OSError, CodexError):
        return False


def _field_list(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


#: Fields that hold a list of entries (sourced_from may also be one lone path), and the
#: legacy spelling of enrichments_applied.
ENTRY_FIELDS = (*LIST_FIELDS, "enrichments", "sourced_from")


@rule(
    "FM011",
    "no-entries-word-in-list-field",
    "A list field holds a word such as 0 or none instead of a list.",
    "claims_extracted: 0 or enrichments_applied: none probably means that there are no "
    "entries, but every YAML reader sees the number 0 or the text 'none', and a tool that "
    "lists the entries lists one called '0' or 'none'. The checks read such a word (0, "
    "none, null, nil, n/a, in any case) as no entries, never as a title; it is reported so "
    "that a person writes what is meant: an empty list [] if there are none, or the "
    "entries. YAML's own null (null, ~ or nothing after the colon) and an empty string "
    "also mean no entries and are not reported.",
    "claims_extracted: 0   # → claims_extracted: []",
    fix="unsafe",
    fix_safety="Always unsafe: rewriting the word to an empty list [] guesses what it means (it "
    "may stand for entries never written down), so only 'codex-hooks fix --unsafe-fixes' "
    "writes it; the rest of the line, a comment included, is kept.",
)
def no_entries_word(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    for canonical in ENTRY_FIELDS:
        key = kb.config.field_name(canonical)
        value = info.get(key)
        if means_no_entries(value):
            fix = Fix(
                info.path,
                f"write {key}: []",
                _emptying(key),
                safe=False,
            )
            yield r.violation(
                info,
                f"{key} is '{str(value).strip()}', which probably means no entries: write an "
                "empty list `[]` if there are none",
                key,
                fix,
            )


@rule(
    "FM008",
    "legacy-enrichments-field",
    "A source uses the legacy field 'enrichments' instead of 'enrichments_applied'.",
    "The older spelling is still understood, but two spellings of one field split the "
    "data. The fix renames it, or merges its entries into an existing enrichments_applied.",
    "enrichments:\\n  - some claim   # → enrichments_applied:",
    severity=WARNING,
    kinds=(SOURCE,),
    fix_safety="Always safe: every entry is kept; duplicates are not added twice.",
    fix="safe",
)
def legacy_enrichments(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    new = kb.config.field_name("enrichments_applied")
    if not info.has("enrichments"):
        return
    entries = as_list(info.get("enrichments"))

    def merge(ed: FrontmatterEditor) -> None:
        if new not in ed.data:
            ed.rename_key("enrichments", new)
            return
        have = {normalize_title(h) for h in as_list(ed.data.get(new))}
        for entry in entries:
            if normalize_title(entry) not in have:
                ed.add_item(new, entry)
                have.add(normalize_title(entry))
        ed.delete_key("enrichments")

    fix = Fix(info.path, f"merge enrichments into {new}", merge, safe=True)
    yield r.violation(info, f"legacy field 'enrichments': use '{new}'", "enrichments", fix)


@rule(
    "FM009",
    "domain-folder-mismatch",
    "A claim filed under domains/<d>/ does not say domain: <d>.",
    "The folder and the field must agree, or the claim shows up in the wrong domain "
    "depending on which one a tool reads. The fix (unsafe) sets the field to the folder's "
    "domain.",
    "# domains/health/x.md\ndomain: ai-alignment   # → health",
    kinds=(CLAIM,),
    fix_safety="Always unsafe: either side may be the wrong one (the claim may have been "
    "filed in the wrong folder), so the field is set to the folder's domain only by "
    "'codex-hooks fix --unsafe-fixes', and only when the folder names a known domain.",
    fix="unsafe",
)
def domain_folder(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    parts = info.path.split("/")
    if len(parts) < 3 or parts[0] != "domains":
        return
    folder = parts[1]
    value = text(info.get("domain"))
    if value is None or value == folder:
        return
    fix = None
    if folder in kb.config.domain:
        fix = Fix(
            info.path, f"set domain to '{folder}'", lambda ed: ed.set("domain", folder), safe=False
        )
    yield r.violation(
        info, f"claim is filed under domains/{folder}/ but says domain '{value}'", "domain", fix
    )


__all__ = ["ERROR"]


# The fixes' edits, made by functions so that each holds its own key and value (a lambda
# in a loop would see the loop's last ones).


def _setting(key: str, value: str) -> Edit:
    """An edit that writes ``value`` under ``key`` as a typed (unquoted) scalar."""

    def apply(ed: FrontmatterEditor) -> None:
        ed.set(key, value, typed=True)

    return apply


def _making_list(key: str) -> Edit:
    """An edit that turns the lone value under ``key`` into a one-item list."""

    def apply(ed: FrontmatterEditor) -> None:
        ed.make_list(key)

    return apply


def _emptying(key: str) -> Edit:
    """An edit that writes ``key``'s value as ``[]``."""

    def apply(ed: FrontmatterEditor) -> None:
        ed.empty_list(key)

    return apply
