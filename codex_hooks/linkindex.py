"""Which note a wiki link opens: Obsidian's resolution, and did-you-mean candidates.

Resolution follows Obsidian: the target is a file name without extension, compared
case-insensitively with every markdown note; a target with ``/`` must match the end of the
note's path (or the whole path from the root). When several notes match, Obsidian opens,
in this order (observed on Obsidian 1.13.7 through ``app.metadataCache.getFirstLinkpathDest``):
the note whose vault path the target is exactly (``[[Note]]`` is ``Note.md`` at the root);
else the note in the linking note's own folder (an ancestor folder counts for nothing);
else the note with the shortest path. :meth:`LinkIndex.resolve` lists the notes in that
order and :meth:`LinkIndex.why` says which step chose the first. Nothing is folded:
``[[a-b]]`` does not name ``a b.md`` (that is a did-you-mean candidate, see
:func:`candidates`).

One dictionary lookup per link, and fuzzy matching only for links that name no note.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter

from .fuzzy import extract

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .links import WikiLink


# -- resolution ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """How Obsidian compares names: case-insensitively (NFC, so that a decomposed accent
    from a macOS file name equals the composed one typed in a link)."""
    return text.lower() if text.isascii() else unicodedata.normalize("NFC", text).lower()


def _key(path: str) -> str:
    """A note's lookup key: its folded path without ``.md``."""
    key = _fold(path)
    return key[:-3] if key.endswith(".md") else key


def link_key(target: str, source: str | None = None) -> str:
    """A link target as a folded path or name without ``.md`` (``./``, ``../`` resolved
    against the folder of ``source``; a leading ``/`` means the root)."""
    t = target.strip()
    if source is not None and (t.startswith("./") or t.startswith("../")):
        folder = posixpath.dirname(source)
        t = posixpath.normpath(posixpath.join(folder, t))
        if t.startswith("../") or t == "..":
            return ""
    t = t.lstrip("/")
    return _key(t)


def _length(path: str) -> int:
    """A path's length as Obsidian (JavaScript) measures a string: in UTF-16 units, so a
    character outside the Basic Multilingual Plane (an emoji) counts twice."""
    return len(path) if path.isascii() else len(path.encode("utf-16-le")) // 2


def _order(path: str) -> tuple[int, str]:
    # Obsidian's last step is the shortest path; among paths of one length its own order
    # is not known, so ours is alphabetical (and WL002 says the choice is not settled).
    return (_length(path), path)


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


#: Why :meth:`LinkIndex.resolve` put its first note first (see :meth:`LinkIndex.why`).
NONE = "none"  #: no note has the name
ONLY = "only"  #: one note has it
EXACT = "exact"  #: the target is that note's vault path
OWN_FOLDER = "own-folder"  #: the note is in the linking note's folder
SHORTEST = "shortest"  #: the note has the shortest path, and no other is as short
TIE = "tie"  #: two or more notes share the shortest path length: Obsidian's pick is unknown
#: The steps whose choice does not change when another note of the name is added elsewhere.
SETTLED = frozenset({ONLY, EXACT, OWN_FOLDER})


def shortest(paths: list[str]) -> list[str]:
    """The paths, of ``paths``, whose length is the shortest: what Obsidian's last step
    can open. One path, or several when its own order (unknown) picks among them."""
    if not paths:
        return []
    least = min(_length(p) for p in paths)
    return sorted((p for p in paths if _length(p) == least), key=_order)


def _own_first(found: tuple[str, ...], folders: dict[str, list[int]], folder: str) -> list[str]:
    """``found`` with the notes in ``folder`` (their positions: ``folders[folder]``) moved
    to the front, Obsidian's second step. Slices, not a loop: a name every folder has
    (``_map``) has thousands of notes on a large knowledge base."""
    own = folders.get(folder)
    if own is None:
        return list(found)
    if len(own) == 1:
        i = own[0]
        return [found[i], *found[:i], *found[i + 1 :]]
    first = [found[i] for i in own]
    return first + [p for p in found if p not in first]


class LinkIndex:
    """Every note's path, looked up by folded file name; built once, O(1) per link.

    >>> index = LinkIndex(["a/Note.md", "b/c/note.md", "x.md"])
    >>> index.resolve("NOTE")
    ['a/Note.md', 'b/c/note.md']
    >>> index.resolve("NOTE", "b/c/other.md")
    ['b/c/note.md', 'a/Note.md']
    >>> index.resolve("c/note.md")
    ['b/c/note.md']
    """

    def __init__(self, paths: Iterable[str]) -> None:
        listed = list(paths)
        self.paths: set[str] = set(listed)
        by_name: dict[str, list[str]] = {}
        # Once per note on every check, a one-note check included: only the file name is
        # folded (case folding and NFC act within it), and most names have one note, so
        # there is nothing to sort. The names keep the notes' order: the did-you-mean
        # pool is built in it, and breaks ties by it.
        for path in listed:
            name = _key(path.rpartition("/")[2])
            found = by_name.get(name)
            if found is None:
                by_name[name] = [path]
            else:
                found.append(path)
        for found in by_name.values():
            if len(found) > 1:
                found.sort(key=_order)
        self.by_name = by_name
        # Per target (never a relative one): its notes in the order that holds from every
        # folder (the exact path first, then shortest first), and, when the linking note's
        # folder can change which comes first, the notes by folder. A link then costs one
        # lookup, and one more for the linking note's folder only when a name is shared.
        self._resolved: dict[str, tuple[tuple[str, ...], dict[str, list[int]] | None]] = {}
        #: Fuzzy suggestions already computed, by folded name.
        self.fuzzy_memo: dict[str, list[tuple[str, float]]] = {}
        #: The names the fuzzy search scores (see :meth:`_fuzzy_pool`), built on first use.
        self._pool: tuple[list[str], list[str], dict[str, list[int]], list[int]] | None = None
        self._pool_lengths: dict[str, list[int]] = {}

    def _candidates(self, key: str) -> tuple[tuple[str, ...], dict[str, list[int]] | None]:
        """The notes a folded key names, exact path first, then by :func:`_order`; and
        their positions by folder when the linking note's folder decides which is first."""
        found = self.by_name.get(key.rsplit("/", 1)[-1], []) if key else []
        if not found:
            return (), None
        if "/" in key:
            # A path names the note at that path alone when there is one (step 1).
            exact = [p for p in found if _key(p) == key]
            found = exact or [p for p in found if _key(p).endswith("/" + key)]
        elif len(found) > 1:
            exact = [p for p in found if _key(p) == key]  # a note at the root
            if exact:
                found = exact + [p for p in found if p not in exact]
        if len(found) < 2 or _key(found[0]) == key:
            return tuple(found), None
        folders: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(found):
            folders[_folder(p)].append(i)
        return tuple(found), dict(folders)

    def resolve(self, target: str, source: str | None = None) -> list[str]:
        """The notes ``target`` names, in Obsidian's order: the one it opens first; ``[]``
        when none.

        ``source`` (the linking note's path) puts a note in its own folder first and
        resolves ``./`` and ``../`` forms and an empty target (``[[#heading]]`` is a link
        into the note itself).
        """
        if not target.strip():
            return [source] if source is not None else []
        relative = target.lstrip().startswith(("./", "../"))
        hit = None if relative else self._resolved.get(target)
        if hit is None:
            hit = self._candidates(link_key(target, source))
            if not relative:
                self._resolved[target] = hit
        found, folders = hit
        if folders is None or source is None:
            return list(found)
        return _own_first(found, folders, _folder(source))

    def resolve_links(
        self, links: Iterable[WikiLink], source: str
    ) -> list[tuple[WikiLink, list[str]]]:
        """:meth:`resolve` for each of the links of the note at ``source`` that has a
        target: ``(link, notes)``. The same answers, with the common case (a target
        resolved before, which is never a relative one) looked up directly."""
        known, resolve = self._resolved, self.resolve
        folder = _folder(source)
        out = []
        for link in links:
            target = link.target
            if target:
                hit = known.get(target)
                if hit is None:
                    out.append((link, resolve(target, source)))
                elif hit[1] is None:
                    out.append((link, list(hit[0])))
                else:
                    out.append((link, _own_first(hit[0], hit[1], folder)))
        return out

    def first(self, target: str, source: str | None = None) -> str | None:
        """The note Obsidian opens for ``target`` (``None`` when it names none)."""
        found = self.resolve(target, source)
        return found[0] if found else None

    @staticmethod
    def why(found: list[str], target: str, source: str | None = None) -> str:
        """Which of Obsidian's steps chose ``found[0]`` (``found``: what :meth:`resolve`
        gave for ``target`` written in ``source``): :data:`NONE`, :data:`ONLY`,
        :data:`EXACT`, :data:`OWN_FOLDER`, :data:`SHORTEST` or :data:`TIE`."""
        if len(found) < 2:
            return ONLY if found else NONE
        first, second = found[0], found[1]
        if _key(first) == link_key(target, source):
            return EXACT
        tied = _length(first) == _length(second)
        if source is not None and _folder(first) == _folder(source):
            # Two notes of one folder whose names differ only in case: no step settles it.
            return TIE if tied and _folder(second) == _folder(first) else OWN_FOLDER
        return TIE if tied else SHORTEST

    def opens(self, dest: str, target: str, source: str | None = None) -> bool:
        """Whether ``target`` written in ``source`` opens ``dest`` by a step that another
        note of the same name, added elsewhere later, cannot change (:data:`SETTLED`)."""
        found = self.resolve(target, source)
        return bool(found) and found[0] == dest and self.why(found, target, source) in SETTLED

    def target_for(self, dest: str, original: str, source: str | None = None) -> str:
        """The link target that names ``dest`` written in ``original``'s form.

        A short name stays short and a path stays a path with as many folders, each
        lengthened only as far as needed for Obsidian to open ``dest`` from ``source``
        whatever notes are added elsewhere (see :meth:`opens`: a note in ``source``'s own
        folder needs no folder); ``.md`` is kept or left off as ``original`` had it;
        ``./`` and ``../`` forms stay relative to ``source``.
        """
        stem_path = dest[:-3] if dest.lower().endswith(".md") else dest
        ext = ".md" if original.strip().lower().endswith(".md") else ""
        text = original.strip()
        if text.startswith("/"):
            return "/" + stem_path + ext
        if source is not None and (text.startswith("./") or text.startswith("../")):
            rel = posixpath.relpath(stem_path, posixpath.dirname(source) or ".")
            if not rel.startswith("../"):
                rel = "./" + rel
            return rel + ext
        parts = stem_path.split("/")
        body = text[:-3] if ext else text
        want = body.lstrip("/").count("/") + 1 if "/" in body else 1
        for n in range(min(want, len(parts)), len(parts) + 1):
            candidate = "/".join(parts[-n:])
            if self.opens(dest, candidate + ext, source):
                return candidate + ext
        return stem_path + ext

    def namesakes(self, path: str) -> list[str]:
        """Every note whose folded file name is ``path``'s (``path`` included), shortest
        path first: what a bare link to that name can open."""
        return self.by_name.get(_key(path).rsplit("/", 1)[-1], [])

    # -- did you mean -----------------------------------------------------------------

    def _fuzzy_pool(self) -> tuple[list[str], list[str], dict[str, list[int]], list[int]]:
        """Every note's folded name and path, which names hold each word (their ids ordered
        by the name's length, then id, so that the names of a length range are one slice)
        and each name's length."""
        if self._pool is None:
            from .titles import normalize_title

            names: list[str] = []
            paths: list[str] = []
            for name, found in self.by_name.items():
                folded = normalize_title(name)
                for path in found:
                    names.append(folded)
                    paths.append(path)
            size = [len(name) for name in names]
            # Visited by length (a stable sort: then by id), each word's list comes out in
            # that order: no list is sorted on its own.
            holders: dict[str, list[int]] = defaultdict(list)
            for i in sorted(range(len(names)), key=size.__getitem__):
                for word in set(names[i].split()):
                    holders[word].append(i)
            self._pool = (names, paths, dict(holders), size)
        return self._pool

    def _lengths(self, word: str) -> list[int]:
        """The name lengths along ``word``'s list of holders (worked out on first use: a
        check looks up a few words, not all)."""
        found = self._pool_lengths.get(word)
        if found is None:
            _, _, words, size = self._fuzzy_pool()
            found = self._pool_lengths[word] = [size[i] for i in words[word]]
        return found

    def fuzzy(self, target: str, threshold: float, limit: int = 5) -> list[tuple[str, float]]:
        """Notes whose file names are close to ``target``'s: ``(path, score)``, best first.

        Only a bounded pool is scored: the names that share two of the target's rarest
        words (words that most names hold do not count; one word when only one is left)
        and whose length could reach ``threshold`` at all (the shorter name must be at
        least ``threshold / (200 - threshold)`` of the longer), at most ``MAX_POOL``
        names. Each target is scored once.
        """
        from .titles import normalize_title

        name = normalize_title(target)
        key = f"{threshold}\0{limit}\0{name}"
        if key in self.fuzzy_memo:
            return self.fuzzy_memo[key]
        names, paths, words, _ = self._fuzzy_pool()
        share = threshold / (200.0 - threshold) if threshold < 100 else 1.0
        lo, hi = len(name) * share, (len(name) / share if share > 0 else float("inf"))
        known = sorted((len(words[w]), w) for w in set(name.split()) if w in words)
        # Words that many names share say little about which name is meant: the rarest
        # words are taken, common ones only when too few rare ones are left.
        for cap in (RARE_CAP, MAX_POOL):
            rare = [w for n, w in known if n <= cap][:RARE_WORDS]
            if len(rare) >= 2:
                break
        if not rare and known:
            rare = [known[0][1]]

        def within(word: str) -> list[int]:
            # The word's holders whose length is in [lo, hi]: one slice of a sorted list.
            ids, lengths = words[word], self._lengths(word)
            return ids[bisect_left(lengths, lo) : bisect_right(lengths, hi)]

        if len(rare) >= 2:
            # A name within a few edits keeps most of these words: it must share two.
            # Each word's holders are probed against those of the words before it (one
            # set grown as it goes, rather than a set per word and one per pair).
            first, *others = (within(w) for w in rare)
            seen, shared = set(first), set()
            for holders in others:
                shared.update(seen.intersection(holders))
                seen.update(holders)
            pool: Iterable[int] = shared
        else:
            pool = within(rare[0]) if rare else ()
        ids = sorted(pool)[:MAX_POOL]
        found = extract(
            name,
            [names[i] for i in ids] if len(ids) < 2 else list(itemgetter(*ids)(names)),
            threshold,
            limit,
        )
        result = [(paths[ids[i]], score) for _, score, i in found]
        self.fuzzy_memo[key] = result
        return result


#: How many of a broken target's rarest words pick the names it is compared with, and
#: how many names at most: enough for a drifted title, bounded for a huge knowledge base.
RARE_WORDS = 4
RARE_CAP = 1000
MAX_POOL = 5000


def candidates(
    index: LinkIndex, titles: dict[str, list[str]], target: str, threshold: float
) -> tuple[list[str], bool]:
    """Did-you-mean notes for a target that names none, best first, and whether the best
    is the one safe choice.

    A target that names exactly one note once case, spaces, hyphens and underscores are
    folded (``titles`` is that folded index) is a safe choice; otherwise the fuzzy matches
    at or above ``threshold`` are listed, and a single one is a safe choice too.
    """
    from .titles import normalize_title

    key = link_key(target)
    folded = titles.get(normalize_title(key), [])
    if "/" in key and len(folded) > 1:
        want = _fold_path(key)
        narrowed = [p for p in folded if ("/" + _fold_path(_key(p))).endswith("/" + want)]
        folded = narrowed or folded
    if folded:
        return sorted(folded, key=_order), len(folded) == 1
    found = [path for path, _ in index.fuzzy(key.rsplit("/", 1)[-1], threshold)]
    return found, len(found) == 1


_SEPARATORS = re.compile(r"[\s_\-]+")


def _fold_path(path: str) -> str:
    """A path with every segment folded as titles are (case, spaces, hyphens, underscores)."""
    return "/".join(_SEPARATORS.sub(" ", seg).strip().casefold() for seg in path.split("/"))
