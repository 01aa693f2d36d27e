"""BL008: two source notes that record one work (one page, one arXiv id, one DOI).

Which notes share a work is worked out once per check, from every source note's URL
fields (:func:`~codex_hooks.infer.profile.work_ids`, the same identifiers ``codex-hooks
link`` treats as one work); each note checked is then looked up in it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..memo import MemoKey
from ..model import WARNING, Rule, Violation, rule
from ..values import SOURCE
from .context import RuleContext

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..index import NoteIndex


#: Per check: each source note → the identifiers of its work, and each identifier → the
#: source notes that carry it.
WORKS: MemoKey[tuple[dict[str, set[str]], dict[str, set[str]]]] = MemoKey("works")


def _works(kb: NoteIndex) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    from ..infer.identifiers import work_ids

    by_note: dict[str, set[str]] = {}
    by_id: dict[str, set[str]] = {}
    for path, info in kb.notes.items():
        if info.kind != SOURCE or not info.data:
            continue
        ids = work_ids(info)
        if ids:
            by_note[path] = ids
            for ident in ids:
                by_id.setdefault(ident, set()).add(path)
    return by_note, by_id


#: Notes checked up to which each is looked up alone (see :func:`_works_of`) rather than
#: in one map of every source's work (a commit checks a few notes, a whole check all).
FEW = 16


def _works_of(kb: NoteIndex, path: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """:func:`_works`, for the source note at ``path`` and the sources that share its
    work only. Working out every source's identifiers is most of a one-note check of a
    source; a source that shares an identifier holds its text in its URL fields (the
    digits of an arXiv id, a DOI, the path of a page, each as written but for case), so
    the others are first sifted by that text, and only those that hold it are worked out.
    """
    from ..infer.identifiers import URL_FIELDS, text_of, work_ids

    info = kb.notes.get(path)
    mine = work_ids(info) if info is not None and info.kind == SOURCE and info.data else set()
    if not mine:
        return {}, {}
    pieces = {_piece(ident) for ident in mine}
    by_note = {path: mine}
    by_id: dict[str, set[str]] = {ident: {path} for ident in mine}
    for other, found in kb.notes.items():
        if other == path or found.kind != SOURCE or not found.data:
            continue
        text = " ".join(text_of(found.get(k)) for k in URL_FIELDS).casefold()
        if not any(piece in text for piece in pieces):
            continue
        shared = work_ids(found) & mine
        if shared:
            by_note[other] = shared
            for ident in shared:
                by_id[ident].add(other)
    return by_note, by_id


def _piece(ident: str) -> str:
    """Text that every source note carrying ``ident`` holds in its URL fields, case
    folded: an arXiv id's digits, a DOI, or a page's path (without its query)."""
    value = ident.split(":", 1)[1]
    if ident.startswith("url:"):
        value = value.partition("/")[2].partition("?")[0]
    return value.casefold()


def _field_of(info_get: dict[str, str], ident: str) -> str | None:
    """The first URL field whose value carries ``ident``."""
    from ..infer.identifiers import identifiers, work_keys

    for key, value in info_get.items():
        if ident in work_keys(identifiers(value)):
            return key
    return None


@rule(
    "BL008",
    "duplicate-source",
    "Two source notes record the same work (one URL, arXiv id or DOI).",
    "Each work is archived once: two notes with the same page URL (after normalisation: "
    "scheme, 'www.', query and trailing slash do not count), arXiv id or DOI in their URL "
    "fields split its claims between them, and 'codex-hooks link' cannot tell which one a "
    "claim came from unless the evidence names one. Merge the two notes into one (and "
    "repoint the claims' sourced_from), or remove the one made by mistake. A URL that names "
    "a whole site or an account (x.com/handle) is not a work. Reported once per pair, on "
    "the note checked (the first by path when both are).",
    "# inbox/archive/2025-12-16-article.md:   url: https://example.org/2025/article\n"
    "# inbox/archive/2025-12-16-article-2.md: url: https://www.example.org/2025/article/",
    severity=WARNING,
    kinds=(SOURCE,),
)
def duplicate_source(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    from ..infer.identifiers import URL_FIELDS, describe, text_of

    info = ctx.note
    if len(ctx.checking) > FEW:
        by_note, by_id = ctx.memo.get(WORKS, lambda: _works(ctx.index))
    else:
        by_note, by_id = _works_of(ctx.index, info.path)
    mine = by_note.get(info.path, set())
    others: dict[str, list[str]] = {}
    for ident in sorted(mine):
        for other in sorted(by_id.get(ident, set()) - {info.path}):
            others.setdefault(other, []).append(ident)
    fields = {k: text_of(info.get(k)) for k in URL_FIELDS if text_of(info.get(k))}
    for other, shared in sorted(others.items()):
        if other in ctx.checking and other < info.path:
            continue  # reported on the other note
        what = ", ".join(describe(i) for i in shared)
        yield r.violation(
            info,
            f"records the same work as {other} ({what}): merge the two notes or remove one",
            _field_of(fields, shared[0]),
            subject=other,
        )
