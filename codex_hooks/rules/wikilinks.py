"""WL0xx: wiki links, in bodies and in frontmatter, resolved as Obsidian resolves them
(the lookups the rules share are in :mod:`.resolution`).

No fix here ever removes a link: a fix rewrites a link's target, and only when one note is
the clear answer; the shown text (``|text``) and the ``#heading`` stay as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..fuzzy import suggest
from ..linkindex import EXACT, OWN_FOLDER, SHORTEST, TIE, candidates, shortest
from ..links import (
    PROVENANCE_FIELDS,
    frontmatter_entries,
    links_in_text,
    parse_inner,
)
from ..model import ERROR, WARNING, Fix, Rule, Violation, rule
from ..moves import recorded_relinker, stale_referrers
from ..titles import stem
from .common import replacing, spelling
from .context import RuleContext
from .resolution import (
    SHORTEST_PATHS,
    _anchors,
    _did_you_mean,
    _either,
    _heading_key,
    _listed,
    _renamed,
    _titles,
    heading_check_enabled,
    link_index,
    per_folder,
    resolved,
    rewrite_link,
)

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from ..index import NoteIndex
    from ..noteinfo import NoteInfo

#: Frontmatter fields that the BL rules resolve (as titles or paths); WL004 leaves them.
BL_FIELDS = PROVENANCE_FIELDS
#: Frontmatter fields whose plain entries (not only ``[[links]]``) are note titles.


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
def broken_link(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    for link, found in resolved(ctx, info):
        if found or _renamed(kb, link.raw, info.path):
            continue
        hint, new, safe = _did_you_mean(ctx, link.target, link.raw, info.path)
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
            subject=link.target,
        )


@rule(
    "WL002",
    "ambiguous-wiki-link",
    "A [[wiki link]] names several notes and Obsidian's own order does not settle which "
    "one it opens, or it opens another folder's per-folder note (such as its _map).",
    "File names are not unique across folders. Obsidian opens, in this order: the note whose "
    "vault path the link is ([[Note]] is Note.md at the root), else the note in the linking "
    "note's own folder, else the note with the shortest path. A link is reported only when "
    "two or more notes share that shortest path length (which one opens is then not "
    "known), or when the note it opens is a per-folder note (per_folder_names: by default "
    "every folder's _map and each agent's own files) of another folder: a bare [[_map]] in "
    "a folder without one opens another folder's map only because its path is the "
    "shortest, which is almost never what was meant. Other shared "
    "names are reported once per note, by WL006. Write the link with enough folders to "
    "name one note ([[folder/name]]).",
    "[[_map]]   # in agents/leo/x.md: opens domains/health/_map.md, not a map of agents/leo/\n"
    "[[Note]]   # a/Note.md and b/Note.md: equally short, which one opens is not settled",
    severity=WARNING,
)
def ambiguous_link(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    _kb, info = ctx.index, ctx.note
    index = link_index(ctx)
    convention = per_folder(ctx)
    for link, found in resolved(ctx, info):
        if len(found) < 2:
            continue
        how = index.why(found, link.target, info.path)
        if how in (EXACT, OWN_FOLDER):
            continue
        if how == SHORTEST and not convention.note(found[0]):
            continue  # settled by the shortest path; the shared name is WL006's
        head = f"wiki link [[{link.target}]] names {len(found)} notes"
        folder = info.path.rpartition("/")[0]
        if how == TIE and found[0].rpartition("/")[0] == folder:
            tied = [p for p in found if p.rpartition("/")[0] == folder]
            opens = (
                f"{_either(tied)} are in this folder, named alike but for case, so which "
                "one Obsidian opens is not settled"
            )
        elif how == TIE:
            tied = shortest(found)
            opens = (
                f"none is in this folder and {_either(tied)} are equally short paths, so "
                "which one Obsidian opens is not settled"
            )
        else:
            tied = found[:1]
            opens = (
                f"this folder has no {stem(link.target)} of its own, so "
                f"Obsidian opens {found[0]}, the shortest path"
            )
        others = [p for p in found if p not in tied]
        also = f" (also: {_listed(others)})" if others else ""
        forms = _either([f"[[{index.target_for(p, link.target, info.path)}]]" for p in tied])
        advice = f"write {forms} to say which" if len(tied) > 1 else f"write {forms} if it is meant"
        yield r.violation(
            info,
            f"{head}; {opens}{also}; {advice}",
            line=link.line,
            column=link.column,
            subject=link.target,
        )


@rule(
    "WL006",
    "duplicate-note-name",
    "Another note has the same file name, so a bare [[name]] can open either.",
    "Obsidian finds a note by its file name, compared case-insensitively. When two notes "
    "share one, a bare [[name]] opens the one at the vault's root, else the one in the "
    "linking note's own folder, else the one with the shortest path: from most folders it "
    "opens the same one of them, and a note with a shorter path added later changes which. "
    "Reported once on each note whose name another note has (not once per link: WL002 "
    "reports only the links whose note is not settled). Per-folder notes "
    "(per_folder_names: by default every folder's _map and each agent's own files) are "
    "meant to repeat and are not reported. Renaming one of the notes, or linking with "
    "folders ([[folder/name]]), removes the doubt.",
    "domains/a/Foo.md   # file name also used by core/x/Foo.md; a bare [[Foo]] in a folder "
    "without its own Foo opens core/x/Foo.md",
    severity=WARNING,
)
def duplicate_name(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    _kb, info = ctx.index, ctx.note
    same = link_index(ctx).namesakes(info.path)
    if len(same) < 2:
        return
    if per_folder(ctx).note(info.path):
        return
    name = stem(info.path)
    others = [p for p in same if p != info.path]
    # once per shared name, not once per note that has it
    tied = ctx.memo.get(SHORTEST_PATHS, lambda: shortest(same), same[0])
    if len(tied) > 1:
        opens = f"{_either(tied)} (equally short paths: which one is not settled)"
    else:
        opens = "this note" if tied[0] == info.path else tied[0]
    yield r.violation(
        info,
        f"file name also used by {_listed(others)}; a bare [[{name}]] in a folder without "
        f"its own {name} opens {opens}",
        subject=name,
    )


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
def missing_heading(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    if not heading_check_enabled(kb):
        return
    index = link_index(ctx)
    for link in info.links:
        if not link.heading:
            continue
        dest = index.first(link.target, info.path)
        if dest is None:
            continue
        headings, blocks = _anchors(ctx, dest)
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
            subject=f"{link.target}#{anchor}",
        )


def _frontmatter_links(kb: NoteIndex, info: NoteInfo) -> Iterator[tuple[str, str, bool]]:
    """``(key, entry, top_level)`` for every frontmatter string that holds a link or, in a
    title list field, is a plain title (see :func:`~codex_hooks.links.frontmatter_entries`);
    the provenance fields are the BL rules'."""
    skip = {kb.config.field_name(f) for f in BL_FIELDS} | set(BL_FIELDS)
    return frontmatter_entries(info.data, skip)


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
def broken_frontmatter_link(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
    index = link_index(ctx)
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
                    replacing(key, entry, entry.replace(text, title, 1)),
                    safe=spelling(stem(text)) == spelling(stem(found[0])),
                )
            yield r.violation(
                info,
                f"{key} entry '{entry.strip()}' names no note{suggest(_titles(kb, found))}",
                key,
                fix,
                subject=entry.strip(),
            )
            continue
        for raw in dict.fromkeys(raws):
            target, _, _ = parse_inner(raw[2:-2])
            if not target or index.resolve(target, info.path) or _renamed(kb, raw, info.path):
                continue
            hint, new, safe = _did_you_mean(ctx, target, raw, info.path)
            fix = None
            if new is not None and top:
                fix = Fix(
                    info.path,
                    f"rewrite {raw} to {new} in {key}",
                    replacing(key, entry, entry.replace(raw, new)),
                    safe=safe,
                )
            yield r.violation(
                info, f"{key}: [[{target}]] names no note{hint}", key, fix, subject=target
            )


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
def renamed_reference(ctx: RuleContext, r: Rule) -> Iterator[Violation]:
    kb, info = ctx.index, ctx.note
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
            # The renamed note: the renamed note's own report of this pair names this note.
            subject=rw.dest or rw.old.strip(),
        )
    old = relinker.back.get(info.path)
    if old is None:
        return
    for path in sorted(stale):
        mine = [rw for rw in stale[path] if rw.dest == info.path]
        if path in ctx.checking or not mine:
            continue
        fix = Fix(path, "rewrite references to renamed notes", relinker.apply, safe=True)
        yield r.violation(
            info,
            f"{path} still names this note by its old name '{stem(old)}' "
            f"({len(mine)} reference(s))",
            fix=fix,
            subject=path,
        )
