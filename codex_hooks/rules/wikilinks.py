"""WL0xx: wiki links, in bodies and in frontmatter, resolved as Obsidian resolves them.

No fix here ever removes a link: a fix rewrites a link's target, and only when one note is
the clear answer; the shown text (``|text``) and the ``#heading`` stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fuzzy import suggest
from ..links import (
    LinkIndex,
    WikiLink,
    candidates,
    link_key,
    links_in_text,
    parse_inner,
    retarget,
    scan_links,
)
from ..model import ERROR, WARNING, Fix, Rule, Violation, rule
from ..rename import recorded_relinker, stale_referrers
from ..titles import stem
from .common import spelling

if TYPE_CHECKING:
    from ..edit import FrontmatterEditor
    from ..kb import KnowledgeBase, NoteInfo

#: Frontmatter fields that the BL rules resolve (as titles or paths); WL004 leaves them.
BL_FIELDS = ("claims_extracted", "enrichments_applied", "enrichments", "sourced_from")
#: Frontmatter fields whose plain entries (not only ``[[links]]``) are note titles.
TITLE_LIST_FIELDS = ("depends_on",)


def link_index(kb: KnowledgeBase) -> LinkIndex:
    """Every note by file name, built once per state of the knowledge base."""
    index = kb.memo.get("link-index")
    if index is None:
        index = kb.memo["link-index"] = LinkIndex(kb.notes)
    return index  # type: ignore[return-value]


def resolved(kb: KnowledgeBase, info: NoteInfo) -> list[tuple[WikiLink, list[str]]]:
    """Each body link of a note with the notes it names (computed once per check)."""
    key = ("resolved", info.path)
    found = kb.memo.get(key)
    if found is None:
        found = kb.memo[key] = link_index(kb).resolve_links(info.links, info.path)
    return found  # type: ignore[return-value]


def _titles(kb: KnowledgeBase, paths: list[str]) -> list[tuple[str, float]]:
    """Candidates as :func:`~codex_hooks.fuzzy.suggest` lists them: titles, or paths when
    two candidates share a title."""
    names = [stem(p) for p in paths]
    shown = names if len(set(names)) == len(names) else paths
    return [(n, 0.0) for n in shown]


def _renamed(kb: KnowledgeBase, raw: str, source: str) -> bool:
    """Whether WL005 reports this link: it names a note that git shows renamed."""
    relinker = recorded_relinker(kb)
    return relinker is not None and relinker.link(raw, source) is not None


def rewrite_link(old: str, new: str):
    """A fix that rewrites every body link written exactly ``old`` to ``new``."""

    def apply(ed: FrontmatterEditor) -> None:
        note = ed.note
        spans = [
            (link.line - 1, link.column - 1, old, new)
            for link in scan_links(note.lines[note.body_start :], note.body_start + 1)
            if link.raw == old
        ]
        if spans:
            ed.replace_body(spans)  # type: ignore[attr-defined]

    return apply


def spelled_as(written: str, dest: str, source: str | None = None) -> bool:
    """Whether the link target ``written`` names ``dest`` once case, spaces, hyphens and
    underscores are folded in every folder and the name: then rewriting it to ``dest``
    is the one reading of what was written (a safe fix), not a similarity guess."""
    want = [spelling(part) for part in link_key(written, source).split("/") if part]
    path = dest[:-3] if dest.lower().endswith(".md") else dest
    have = [spelling(part) for part in path.split("/")]
    return bool(want) and have[-len(want) :] == want


def _did_you_mean(
    kb: KnowledgeBase, target: str, raw: str, source: str
) -> tuple[str, str | None, bool]:
    """The did-you-mean text for a target that names no note, the rewritten link when
    exactly one close note exists, and whether that rewrite is safe (see
    :func:`spelled_as`)."""
    index = link_index(kb)
    found, single = candidates(index, kb.titles, target, kb.config.fuzzy_threshold)
    new = None
    if single:
        new = retarget(raw, index.target_for(found[0], target, source))
        if new == raw:
            new = None
    safe = new is not None and spelled_as(target, found[0], source)
    return suggest(_titles(kb, found)), new, safe


@rule(
    "WL001",
    "broken-wiki-link",
    "A [[wiki link]] in a note's body names no note.",
    "Links resolve as in Obsidian: by file name without .md, case-insensitively, against "
    "every markdown note (claims, sources, entities, maps, agents' files); a link with "
    "folders must match the end of the note's path. Links in code are not links. A link to "
    "nothing is a dead end for readers. Close file names are suggested; the link is never "
    "removed.",
    "[[a claim that was never written]]\n[[futarchy-enables-conditional-ownership-coin]]   # → ...coins",
    severity=WARNING,
    fix_safety="Rewrites the link's target only when exactly one note is close; |text and "
    "#heading are kept. Safe when that note's name (and each folder the link gives) "
    "differs from what was written only in case, spaces, hyphens or underscores. Unsafe "
    "when it is the one fuzzy match scoring at least fuzzy_threshold: a look-alike name "
    "may be another note, so it is suggested, and applied only by 'codex-hooks fix "
    "--unsafe-fixes'.",
    fix="sometimes",
)
def broken_link(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    for link, found in resolved(kb, info):
        if found or _renamed(kb, link.raw, info.path):
            continue
            continue
        hint, new, safe = _did_you_mean(kb, link.target, link.raw, info.path)
        fix = None
        if new is not None:
            fix = Fix(
                info.path,
                f"rewrite {link.raw} to {new}",
                rewrite_link(link.raw, new),
                safe=safe,
            )
        yield r.violation(
            info,
            f"wiki link [[{link.target}]] names no note{hint}",
            fix=fix,
            line=link.line,
            column=link.column,
        )


@rule(
    "WL002",
    "ambiguous-wiki-link",
    "A short [[wiki link]] names two or more notes with the same file name.",
    "File names are not unique across folders. Obsidian opens the note with the shortest "
    "path, which may not be the one meant, and a note added later can change which one "
    "that is. Write the link with enough folders to name one note ([[folder/name]]).",
    "[[_map]]   # domains/health/_map.md and core/mechanisms/_map.md",
    severity=WARNING,
)
def ambiguous_link(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    for link, found in resolved(kb, info):
        if len(found) > 1:
            others = ", ".join(found[1:4]) + (", …" if len(found) > 4 else "")
            yield r.violation(
                info,
                f"wiki link [[{link.target}]] names {len(found)} notes; Obsidian opens "
                f"{found[0]} (also: {others}); add folders to say which",
                line=link.line,
                column=link.column,
            )


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BLOCK_ID = re.compile(r"\s\^([A-Za-z0-9-]+)\s*$")
_NOT_IN_HEADING_LINK = re.compile(r"[\[\]#^|:\\*]+")


def _heading_key(text: str) -> str:
    """A heading as a link compares it: case and spacing ignored, characters a link
    cannot hold dropped."""
    return " ".join(_NOT_IN_HEADING_LINK.sub(" ", text).split()).casefold()


def _anchors(kb: KnowledgeBase, path: str) -> tuple[set[str], set[str]]:
    """The headings (folded) and block ids of the note at ``path``."""
    key = ("anchors", path)
    found = kb.memo.get(key)
    if found is None:
        headings: set[str] = set()
        blocks: set[str] = set()
        try:
            note = kb.read_note(path)
        except Exception:  # unreadable: reported by the FM rules; nothing to compare
            kb.memo[key] = (headings, blocks)
            return headings, blocks
        fence = None
        for line in note.lines[note.body_start :]:
            text = line.rstrip("\r\n")
            stripped = text.lstrip(" ")
            if stripped.startswith(("```", "~~~")):
                mark = stripped[:3]
                fence = None if fence == mark else (fence or mark)
                continue
            if fence:
                continue
            m = _HEADING.match(text)
            if m:
                headings.add(_heading_key(m.group(2)))
            b = _BLOCK_ID.search(text)
            if b:
                blocks.add(b.group(1).lower())
        found = kb.memo[key] = (headings, blocks)
    return found  # type: ignore[return-value]


def heading_check_enabled(kb: KnowledgeBase) -> bool:
    """WL003 runs only when configured: a severity for it, or ``select`` naming it."""
    return kb.config.severity.get("WL003") in ("error", "warning") or "WL003" in kb.config.select


@rule(
    "WL003",
    "missing-link-heading",
    "A [[note#heading]] or [[note#^block]] link names a heading or block the note lacks "
    "(off unless enabled).",
    "The link opens the note but not the place it promises. Headings compare as Obsidian "
    "compares them, ignoring case and the characters a link cannot hold. Off by default "
    "(it reads every linked note); enable it with severity: {WL003: warning} or by "
    "selecting WL003.",
    "[[futarchy#Mechanism]]   # futarchy.md has no '# Mechanism' heading",
    severity=WARNING,
)
def missing_heading(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    if not heading_check_enabled(kb):
        return
    index = link_index(kb)
    for link in info.links:
        if not link.heading:
            continue
        dest = index.first(link.target, info.path)
        if dest is None:
            continue
        headings, blocks = _anchors(kb, dest)
        anchor = link.heading.strip()
        if anchor.startswith("^"):
            if anchor[1:].lower() in blocks:
                continue
            what = f"block {anchor}"
        else:
            # [[note#A#B]] names heading B under heading A: B must exist.
            last = anchor.split("#")[-1]
            if _heading_key(last) in headings:
                continue
            what = f"heading '{last}'"
        yield r.violation(
            info,
            f"wiki link {link.raw} names a {what} that {dest} does not have",
            line=link.line,
            column=link.column,
        )


def _frontmatter_links(kb: KnowledgeBase, info: NoteInfo) -> Iterator[tuple[str, str, bool]]:
    """``(key, entry, top_level)`` for every frontmatter string that holds a link or, in a
    title list field, is a plain title. ``top_level``: the entry can be rewritten."""
    skip = {kb.config.field_name(f) for f in BL_FIELDS} | set(BL_FIELDS)

    def walk(key: str, value: object, top: bool) -> Iterator[tuple[str, str, bool]]:
        if isinstance(value, str):
            if "[[" in value or (key in TITLE_LIST_FIELDS and top and value.strip()):
                yield key, value, top
        elif isinstance(value, list):
            # An unquoted `[[name]]` reads as a list in a list: it is still a link.
            inner = value[0] if len(value) == 1 else None
            if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], str):
                yield key, f"[[{inner[0]}]]", False
                return
            titles = key in TITLE_LIST_FIELDS and top
            for item in value:
                if isinstance(item, str):
                    if "[[" in item or (titles and item.strip()):
                        yield key, item, top
                elif item is not None:
                    yield from walk(key, item, False)
        elif isinstance(value, dict):
            for sub in value.values():
                yield from walk(key, sub, False)

    for key, value in (info.data or {}).items():
        if key in skip:
            continue
        yield from walk(key, value, True)


def _replace_entry(key: str, old: str, new: str):
    def apply(ed: FrontmatterEditor) -> None:
        ed.replace_item(key, old, new)

    return apply


@rule(
    "WL004",
    "broken-frontmatter-link",
    "A [[link]] in the frontmatter, or a depends_on title, names no note.",
    "Frontmatter lists name notes too: depends_on and challenged_by hold claim titles, "
    "plain or as [[links]], and entities use [[links]] in fields such as founders. They "
    "resolve like any link ([[links]] as Obsidian does; plain depends_on titles folded, "
    "like claims_extracted). claims_extracted, enrichments_applied and sourced_from are "
    "checked by the BL rules.",
    'depends_on:\n  - "[[a claim that was renamed]]"',
    severity=WARNING,
    fix_safety="Rewrites an entry only when exactly one note is close, and only a top-level "
    "string or list item; the entry's other text is kept. Safe when the names differ only "
    "in case, spaces, hyphens or underscores (as for WL001). Unsafe for a fuzzy match: a "
    "plain depends_on title that names no note is always one, since titles already match "
    "with case and separators folded.",
    fix="sometimes",
)
def broken_frontmatter_link(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    index = link_index(kb)
    for key, entry, top in _frontmatter_links(kb, info):
        raws = links_in_text(entry)
        if not raws:
            # A plain title in a title list.
            if kb.resolve(entry):
                continue
            found, safe = candidates(index, kb.titles, entry, kb.config.fuzzy_threshold)
            fix = None
            if safe and top:
                text = entry.strip()
                title = stem(found[0]) + (".md" if text.lower().endswith(".md") else "")
                fix = Fix(
                    info.path,
                    f"rewrite {key} entry to '{title}'",
                    _replace_entry(key, entry, entry.replace(text, title, 1)),
                    safe=spelling(stem(text)) == spelling(stem(found[0])),
                )
            yield r.violation(
                info,
                f"{key} entry '{entry.strip()}' names no note{suggest(_titles(kb, found))}",
                key,
                fix,
            )
            continue
        for raw in dict.fromkeys(raws):
            target, _, _ = parse_inner(raw[2:-2])
            if not target or index.resolve(target, info.path) or _renamed(kb, raw, info.path):
                continue
            hint, new, safe = _did_you_mean(kb, target, raw, info.path)
            fix = None
            if new is not None and top:
                fix = Fix(
                    info.path,
                    f"rewrite {raw} to {new} in {key}",
                    _replace_entry(key, entry, entry.replace(raw, new)),
                    safe=safe,
                )
            yield r.violation(info, f"{key}: [[{target}]] names no note{hint}", key, fix)


@rule(
    "WL005",
    "renamed-note-reference",
    "A note still names a note that git shows renamed, by its old name or path.",
    "Renaming a note (git mv) silently breaks every [[link]], claims_extracted, "
    "enrichments_applied, depends_on, challenged_by and sourced_from entry that named it. "
    "The fix "
    "rewrites each of them to the new name, in its own form (|text, #heading, .md or not, "
    "path or short name). Reported on the note that holds the reference and, when only "
    "the renamed note is checked (a commit that only renames), on the renamed note.",
    "git mv 'old title.md' 'new title.md'   # [[old title|see]] → [[new title|see]]",
    severity=ERROR,
    fix_safety="Always safe: a reference is rewritten only when, before the rename, it "
    "named the renamed note; afterwards it names that note at its new place.",
    fix="safe",
)
def renamed_reference(kb: KnowledgeBase, info: NoteInfo, r: Rule) -> Iterator[Violation]:
    relinker = recorded_relinker(kb)
    if relinker is None:
        return
    stale = stale_referrers(kb)
    for rw in stale.get(info.path, []):
        fix = Fix(info.path, "rewrite references to renamed notes", relinker.apply, safe=True)
        what = rw.old.strip() if rw.where == "body" else f"{rw.where} entry '{rw.old.strip()}'"
        yield r.violation(
            info,
            f"{what} names a note that was renamed; it should read {rw.new.strip()}",
            fix=fix,
            line=rw.line,
            column=rw.column,
        )
    old = relinker.back.get(info.path)
    if old is None:
        return
    for path in sorted(stale):
        mine = [rw for rw in stale[path] if rw.dest == info.path]
        if path in kb.checking or not mine:
            continue
        fix = Fix(path, "rewrite references to renamed notes", relinker.apply, safe=True)
        yield r.violation(
            info,
            f"{path} still names this note by its old name '{stem(old)}' "
            f"({len(mine)} reference(s))",
            fix=fix,
        )
