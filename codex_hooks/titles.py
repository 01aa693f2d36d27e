"""Title normalisation: how a reference in a list field or a link names a note."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s_\-]+")


def strip_link(ref: str) -> str:
    """``[[target|text]]`` or ``[[target#heading]]`` → ``target``; plain text unchanged."""
    ref = ref.strip()
    if ref.startswith("[[") and ref.endswith("]]"):
        ref = ref[2:-2]
        for sep in ("|", "#", "^"):
            ref = ref.split(sep, 1)[0]
    return ref.strip()


def normalize_title(ref: str) -> str:
    """The lookup key of a title: no ``[[ ]]``, no ``.md``, case-folded, and spaces,
    hyphens and underscores folded into one space."""
    ref = strip_link(ref)
    if ref.lower().endswith(".md"):
        ref = ref[:-3]
    ref = ref.rsplit("/", 1)[-1]
    # As _SEPARATORS.sub(" ", ref).strip(), at twice the speed: str.split() splits on the
    # same whitespace as \s (str.isspace), and every title lookup goes through here.
    return " ".join(ref.replace("_", " ").replace("-", " ").split()).casefold()


def stem(path: str) -> str:
    """The title of the note at ``path``: its file name without ``.md``."""
    name = path.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def clean_path(ref: str) -> str:
    """A ``sourced_from`` entry as a repo-relative path (``./`` and ``[[ ]]`` dropped)."""
    ref = ref.strip()
    if ref.startswith("[[") and ref.endswith("]]"):
        ref = ref[2:-2].split("|", 1)[0]
    while ref.startswith("./"):
        ref = ref[2:]
    return ref
