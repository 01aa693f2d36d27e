"""Words and identifiers out of free text: what a claim's ``source:`` and a source note share.

Words are case-folded, stripped of accents and apostrophes (``Can't`` → ``cant``) and of a
plural ``s``; common English words are dropped. Identifiers are normalised so that two
spellings of one thing compare equal: ``arXiv:2601.06180v2`` and
``https://arxiv.org/abs/2601.06180`` are both ``arxiv:2601.06180``; a URL becomes its host
and path without scheme, ``www.``, query or trailing slash; ``@Handle`` becomes
``@handle``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .constants import ARXIV_CONTEXT_AFTER, ARXIV_CONTEXT_BEFORE, PLURAL_MIN_LENGTH

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "via",
        "vs",
        "versus",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "after",
        "before",
        "than",
        "then",
        "so",
        "not",
        "no",
        "do",
        "does",
        "did",
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "our",
        "your",
        "their",
        "his",
        "her",
        "my",
        "we",
        "you",
        "they",
        "he",
        "she",
        "i",
        "us",
        "them",
        "new",
        "based",
        "also",
        "more",
        "most",
        "very",
        "just",
        "only",
        "all",
        "any",
        "each",
        "every",
        "some",
        "such",
        "up",
        "out",
        "per",
        "et",
        "al",
        "s",
        "t",
    ]
)

#: Words of a date ("Feb 2026", "2025-03-01"): numbers and English month names. In a
#: title they say when, not which work.
MONTHS = frozenset(
    [
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ]
)


def is_date_word(word: str) -> bool:
    """Whether a (folded) word is a number or a month name."""
    return word.isdigit() or word in MONTHS


_WORD = re.compile(r"[0-9a-z]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['’](?=[a-z])")
_ARXIV = re.compile(r"\b(?:arxiv[:\s/]*(?:abs/|pdf/)?)?(\d{4}\.\d{4,5})(?:v\d+)?\b", re.IGNORECASE)
_ARXIV_CONTEXT = re.compile(r"arxiv", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>\[\]]+)", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://[^\s\"'<>\[\]]+", re.IGNORECASE)
_BARE_HOST = re.compile(
    r"(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12})(/[^\s\"'<>()\[\],;]*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_]{2,30})\b")
_QUOTED = re.compile(r"(?<!\w)[\"“‘']([^\n]{3,200}?)[\"”’'](?!\w)|(?<!\*)\*([^*\n]{3,200})\*(?!\*)")
#: Phrases that introduce a work the citation *mentions* instead of drawing the claim from:
#: opposition ("challenged by", "in response to") and cross-reference ("cf.", "see also",
#: "compare"). A small, language-level list; it never names a work, author or site. Left
#: out on purpose: ``contra``, ``vs``/``versus`` (often words of a title or of a study's
#: description: "Contra X", "GPT-4 vs physicians"), and ``drawing on``, ``building on``,
#: ``based on`` (the claim may well draw on that work).
MENTION_CUES = (
    "challenged by",
    "contested by",
    "disputed by",
    "countered by",
    "rebutted by",
    "criticized by",
    "criticised by",
    "critiqued by",
    "in response to",
    "responding to",
    "in reply to",
    "replying to",
    "critiquing",
    "rebutting",
    "cf.",
    "see also",
    "compare",
)
_CUE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in MENTION_CUES)
    + r")(?!\w)",
    re.IGNORECASE,
)
_OPEN, _CLOSE = "([{", ")]}"
#: Top-level domains accepted in a bare host name (``docs.example.io``) written without
#: ``http://``: the common generic ones and every two-letter country code. Anything else
#: (``Challenge.lean``, ``notes.md``) is not taken for a web address.
_BARE_TLDS = frozenset(
    [
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "io",
        "ai",
        "co",
        "app",
        "dev",
        "xyz",
        "lol",
        "fi",
        "blog",
        "news",
        "info",
        "me",
        "so",
        "gg",
        "tv",
        "fm",
        "ly",
        "to",
        "site",
        "page",
        "pub",
        "wiki",
        "art",
        "space",
        "finance",
        "capital",
        "money",
        "world",
        "online",
        "tech",
    ]
)
_NOT_COUNTRY = frozenset({"md", "py", "js", "ts", "rs", "sh", "pl", "rb", "cs", "go"})


def fold(text: str) -> str:
    """Case-folded text without accents, apostrophes inside words removed."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _APOSTROPHE.sub("", text.casefold())


def stem_word(word: str) -> str:
    """A light plural strip: ``cycles`` → ``cycle``; short words and ``-ss`` stay."""
    if (
        len(word) >= PLURAL_MIN_LENGTH
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
    ):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Every word of ``text``, folded, in order: common words kept, nothing stemmed (a
    title's exact wording)."""
    return _WORD.findall(fold(text))


def words(text: str) -> list[str]:
    """The content words of ``text``, folded and stemmed, in order."""
    return [stem_word(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


def quoted(text: str) -> list[str]:
    """Strings quoted in ``text`` (``'Title'``, ``"Title"``, curly quotes, ``*Title*``)."""
    return [a or b for a, b in _QUOTED.findall(text)]


def mention_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (a claim's citation) names works it only mentions: from a cue of
    :data:`MENTION_CUES` to the end of its part of the citation: the next ``;``, the
    bracket that closes one opened before the cue, or the end. Cues inside a quoted title
    (``'Compare and Contrast'``) do not count."""
    masked = list(text)
    for m in _QUOTED.finditer(text):
        masked[m.start() : m.end()] = " " * (m.end() - m.start())
    plain = "".join(masked)
    spans: list[tuple[int, int]] = []
    for m in _CUE.finditer(plain):
        if spans and m.start() < spans[-1][1]:
            continue  # already inside the previous mention
        depth, end = 0, len(text)
        for i in range(m.end(), len(text)):
            ch = plain[i]
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                if depth == 0:
                    end = i  # closes a bracket opened before the cue
                    break
                depth -= 1
            elif ch in ";\n" and depth == 0:
                end = i
                break
        spans.append((m.start(), end))
    return spans


def without_mentions(text: str) -> str:
    """``text`` with the works it only mentions blanked out (see :func:`mention_spans`):
    what is left is what the citation gives as the claim's sources."""
    for start, end in reversed(mention_spans(text)):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _trim(ref: str) -> str:
    """Drop trailing punctuation, and a closing bracket that has no opening one."""
    ref = ref.rstrip(".,;:")
    while ref.endswith(")") and ref.count(")") > ref.count("("):
        ref = ref[:-1].rstrip(".,;:")
    return ref


def normalise_url(url: str) -> str:
    """``https://www.Example.com/a/b/?q=1`` → ``example.com/a/b`` (empty when not a URL)."""
    url = _trim(url.strip())
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = (parts.hostname or "").casefold()
    if host.startswith("www."):
        host = host[4:]
    if "." not in host:
        return ""
    path = parts.path.rstrip("/")
    # A short path (``/watch``) names nothing without its query (``?v=...``).
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("utm_"))
    if query and path.count("/") <= 1:
        path += "?" + query
    return host + path.casefold()


def _host_of(url: str) -> str:
    return url.split("/", 1)[0]


def identifiers(text: str, bare: bool = True) -> set[str]:
    """Every identifier in ``text``: ``arxiv:…``, ``doi:…``, ``url:host/path``,
    ``host:host`` and ``@handle``. A URL yields its full form and its host; a URL of
    x.com/twitter.com also yields the handle it belongs to. ``bare``: also host names
    written without ``http://`` (``docs.example.io``), as citations do."""
    out: set[str] = set()
    if not text:
        return out
    urls: list[str] = []
    for m in _URL.finditer(text):
        urls.append(m.group(0))
    stripped = _URL.sub(" ", text) if bare else ""
    for m in _BARE_HOST.finditer(stripped):
        host, path = m.group(1), m.group(2) or ""
        tld = host.rsplit(".", 1)[-1]
        country = len(tld) == 2 and tld.casefold() not in _NOT_COUNTRY
        if not (tld.islower() or tld.isupper()) or not (tld.casefold() in _BARE_TLDS or country):
            continue
        urls.append(host + path)
    for raw in urls:
        norm = normalise_url(raw)
        if not norm:
            continue
        host = _host_of(norm)
        out.add("host:" + host)
        if norm != host:
            out.add("url:" + norm)
        if host in ("x.com", "twitter.com", "mobile.twitter.com") and norm != host:
            out.add("@" + norm.split("/")[1])
        if host.endswith("arxiv.org"):
            for a in _ARXIV.findall(norm):
                out.add("arxiv:" + a)
    for m in _ARXIV.finditer(text):
        # A bare 1234.56789 is an arXiv id only when arXiv is named nearby.
        window = text[max(0, m.start() - ARXIV_CONTEXT_BEFORE) : m.end() + ARXIV_CONTEXT_AFTER]
        if _ARXIV_CONTEXT.search(window) or m.group(0).lower().startswith("arxiv"):
            out.add("arxiv:" + m.group(1))
    for m in _DOI.finditer(text):
        out.add("doi:" + _trim(m.group(1)).casefold())
    for m in _HANDLE.finditer(text):
        out.add("@" + m.group(1).casefold())
    return out


_ACCOUNT = re.compile(r"^[a-z0-9_]+$")


def work_keys(ids: set[str]) -> set[str]:
    """The identifiers among ``ids`` that name one work: an arXiv id, a DOI, or the URL
    of a page. A URL with no path names a site, and one whose path is a single segment
    of letters, digits and underscores (``x.com/handle``) names an account: neither is
    one work."""
    out = set()
    for ident in ids:
        kind = kind_of(ident)
        if kind in ("arxiv", "doi"):
            out.add(ident)
        elif kind == "url":
            path = ident.split(":", 1)[1].partition("/")[2]
            if path and ("/" in path or not _ACCOUNT.match(path)):
                out.add(ident)
    return out


def kind_of(ident: str) -> str:
    """The kind of an identifier: ``arxiv``, ``doi``, ``url``, ``host`` or ``handle``."""
    return "handle" if ident.startswith("@") else ident.split(":", 1)[0]


def describe(ident: str) -> str:
    """An identifier as a curator reads it: ``arXiv 2601.06180``, ``@handle``, a URL."""
    kind, _, value = ident.partition(":")
    if ident.startswith("@"):
        return ident
    return {"arxiv": "arXiv " + value, "doi": "DOI " + value}.get(kind, value)
