"""Identifiers of works out of free text: arXiv ids, DOIs, page URLs, hosts and handles.

Identifiers are normalised so that two spellings of one thing compare equal:
``arXiv:2601.06180v2`` and ``https://arxiv.org/abs/2601.06180`` are both
``arxiv:2601.06180``; a URL becomes its host and path without scheme, ``www.``, query or
trailing slash; ``@Handle`` becomes ``@handle``. Its own module, apart from the words of
:mod:`.text`: the rules that compare source notes' works (BL004, BL008) need these and
nothing else of the linker.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .constants import ARXIV_CONTEXT_AFTER, ARXIV_CONTEXT_BEFORE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..noteinfo import NoteInfo

#: The frontmatter fields of a source note that hold its address or identifiers.
URL_FIELDS = ("url", "source", "link", "doi", "arxiv", "canonical_url")

_ARXIV = re.compile(r"\b(?:arxiv[:\s/]*(?:abs/|pdf/)?)?(\d{4}\.\d{4,5})(?:v\d+)?\b", re.IGNORECASE)
_ARXIV_CONTEXT = re.compile(r"arxiv", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>\[\]]+)", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://[^\s\"'<>\[\]]+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_]{2,30})\b")
_BARE_HOST = re.compile(
    r"(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12})(/[^\s\"'<>()\[\],;]*)?",
    re.IGNORECASE,
)
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


def text_of(value: object) -> str:
    """A frontmatter value as one string (list items joined with ``; ``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(text_of(v) for v in value if v is not None)
    return ""


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


def work_ids(info: NoteInfo) -> set[str]:
    """The identifiers of the work a source note records, from its URL fields: the same
    page after normalisation, arXiv id or DOI (see :func:`work_keys`)."""
    return work_keys(identifiers(" ".join(text_of(info.get(k)) for k in URL_FIELDS)))
