"""Words out of free text: what a claim's ``source:`` and a source note share.

Words are case-folded, stripped of accents and apostrophes (``Can't`` → ``cant``) and of a
plural ``s``; common English words are dropped. Identifiers (arXiv ids, DOIs, URLs,
handles) are :mod:`.identifiers`'.
"""

from __future__ import annotations

import re
import unicodedata

from .constants import PLURAL_MIN_LENGTH

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
