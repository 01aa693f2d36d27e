"""Every hand-set number of the provenance inference, each with the reason for its value.

No value here is fitted by a procedure to labelled pairs, but none is neutral either: each
was set by hand, and chosen or kept, while the evaluation of ``benchmarks/linking.py`` on
the one corpus available (its newest commit, its older commits and its domains, which are
all parts of the same notes and history) was being read. docs/linking.md lists them in
one table with where each was seen. The other modules import them from here; the hand-set
word lists (stop words, month names, mention cues, top-level domains, role words) stay
next to the code that reads them and are listed in the same table.

This module imports nothing of the package: every module of ``infer`` may import it.
"""

from __future__ import annotations

import math

# -- deciding (codex_hooks.infer, .select) -------------------------------------------------

#: The default minimum confidence of a proposal: a wrong link costs more than a missing one.
DEFAULT_THRESHOLD = 0.95
#: Prior probability that a claim came from some source note of the knowledge base: even.
PRIOR_FIRST = 0.5
#: Prior probability that a further work the citation names is a source too: even, since
#: naming alone does not tell a source from a mention.
FURTHER = 0.5
#: ... when a source already lists the claim in claims_extracted: a listing is a person's
#: word, so a further source needs overwhelming evidence.
PRIOR_DECLARED = 0.001
#: A candidate with less confidence than this is not worth showing to a person.
SHOW = 0.05
#: A claim is abstained on (reported, not linked) when its candidates together hold at
#: least this share of the probability of being the primary: more likely than not that
#: one of them is.
ABSTAIN_SHARE = 0.5
#: A primary this improbable is not worth weighing further sources against: it changes a
#: confidence by less than its own size.
NEGLIGIBLE_PRIMARY = 1e-6

#: Calibration of the confidence of a primary source: (least raw probability of a band,
#: the share of the proposals in that band that were right, add-half smoothed), fitted on
#: the older history of the shared corpus by ``benchmarks/linking.py --split DATE --fit``
#: (see docs/linking.md, *Calibration*). The stated confidence never reaches 1.
CALIBRATION: tuple[tuple[float, float], ...] = ((0.8, 0.75), (0.95, 0.917), (0.99, 0.989))
#: ... of a co-source, fitted in the same run on the co-sources alone (7 proposals, all
#: between 0.8 and 0.99, 6 known-good: one band).
CO_SOURCE_CALIBRATION: tuple[tuple[float, float], ...] = ((0.8, 0.75),)
#: The highest confidence ever stated: a link written by a person is not certain either.
MAX_CONFIDENCE = 0.99

# -- weighing (.score, .vocab) ----------------------------------------------------------

#: How often the true source shows each signal: a person's estimate, one per signal.
Q_TITLE = 0.6  # a word of the source's title (or file name) appears in the claim's citation
Q_AUTHOR = 0.6  # the citation names one of the source's authors or its venue
Q_YEAR = 0.6  # the citation has the year the source was published
Q_ID = 0.9  # an identifier in the citation is the source's own (its URL, arXiv id, DOI)
Q_BODY_ID = 0.3  # an identifier appears only in one note's body
Q_GIT = 0.8  # the commit that added the claim, when it touched sources, touched this one
Q_MESSAGE = (
    0.9  # the message of the commit that added the claim, when it names sources, names this one
)
Q_LATER = 0.8  # a true source is archived after its claim this many times as often as any source
Q_LINK = 0.5  # the claim's body links to the source note
Q_CONTENT = 0.9  # the claim's text is close to its source's (rank r: odds CONTENT_DECAY^(r+1))
Q_DOMAIN = 0.8  # the source belongs to the claim's domain
Q_DATE = 0.5  # the claim was created on the day the source was processed
Q_OPEN = 0.95  # the source's status is not `unprocessed` or `null-result`
#: How fast closeness of content stops counting with rank: each place down halves the
#: odds, so only the few closest sources get much weight.
CONTENT_DECAY = 0.5
#: Rates measured in the knowledge base are smoothed towards a default rate as if this
#: many more notes had been seen, so that a small knowledge base still gives sane rates.
PSEUDO_NOTES = 20
PRIOR_WORD_RATE = 0.02  # a word appears in 2% of citations
PRIOR_ID_RATE = 0.001  # an identifier belongs to 0.1% of source notes
#: Half a note added to every count (and one to the total) keeps a share off 0 and 1: the
#: usual add-half smoothing, so that a log of it is always finite.
RATE_PSEUDO_COUNT = 0.5
#: A name word missing from the citation counts against as if it were at most this
#: common: a very common word missing says little, and the log must stay finite.
MAX_MISSING_WORD_RATE = 0.5
#: An identifier of the citation contradicts the source's (another arXiv id or DOI).
CONFLICT = math.log(0.001)
#: ... and the cited paper is another note of the knowledge base: decisive.
CITED_ELSEWHERE = math.log(1e-9)
#: The citation's URL and the source's URL are different pages of one site.
URL_CONFLICT = math.log(0.05)
#: The claim was created days before the source was published.
EARLY = math.log(0.05)
#: ... by more than this many days: dates are often a day off (time zones, "published"
#: against "archived").
EARLY_MARGIN_DAYS = 2

# -- matching words (.vocab, .text) -----------------------------------------------------

#: Words shorter than this match only exactly: short words are too near each other.
FUZZY_MIN_LENGTH = 5
#: ``rapidfuzz`` ratio from which two long words are one (``Noahopinion``/``noahpinion``).
FUZZY_SCORE = 88.0
#: ``rapidfuzz`` token-sort ratio from which a quoted title is a source's name.
QUOTE_SCORE = 90.0
#: A quoted title of fewer words than this is not looked up: one word names no work.
QUOTE_MIN_WORDS = 2
#: A site whose source notes have this many different authors is a platform, not a venue:
#: a venue (a blog, a newsletter, a personal site) is one author's.
PLATFORM_AUTHORS = 2
#: Words at least this long lose a plural ``s`` (``cycles`` → ``cycle``); shorter ones
#: (``bus``, ``gas``) are more often not plurals.
PLURAL_MIN_LENGTH = 5
#: A bare ``1234.56789`` is an arXiv id only when ``arxiv`` is written within this many
#: characters before it or after it.
ARXIV_CONTEXT_BEFORE = 40
ARXIV_CONTEXT_AFTER = 5

#: A commit message names a source by its file name or title only when that has at least
#: this many words: "Infinite TV" is a phrase, not a name (a dated file name always has).
MESSAGE_MIN_WORDS = 3

# -- copies (.copies) -------------------------------------------------------------------

#: Two notes published more than this many days apart are not copies of one item.
COPY_DAYS = 2
#: Two names share at least this many distinctive words to be one item's ...
MIN_SHARED = 2
#: ... and at least this share of the shorter name's distinctive words.
CONTAINED = 2 / 3
#: A word in more than this share of source names is not distinctive ...
GENERIC = 0.05
#: ... but one in at most this many notes always is, however small the knowledge base.
GENERIC_MIN_NOTES = 3

# -- text and enrichments (.content, .profile) ------------------------------------------

#: A claim is compared on its most weighty words only: enough to rank, and fast.
CLAIM_TERMS = 60
#: An enrichment entry written as free text names a claim by its opening words when at
#: least this many of them (not counting common words) begin that claim's title: one word
#: ("AI ...") begins too many titles to name one.
ABBREVIATION_WORDS = 2
