"""The rule registry. Families are imported explicitly, so the full list is known here."""

from __future__ import annotations

from ..model import REGISTRY, Rule
from ..settings import Config
from . import backlinks, duplicates, fields, lifecycle, wikilinks  # noqa: F401  (registers the rules)

#: Codes of parse problems, reported for notes that cannot be read (see errors.py).
PROBLEMS: dict[str, tuple[str, str]] = {
    "FM900": ("unreadable-note", "The note could not be read or edited safely."),
    "FM901": ("not-utf8", "The file is not valid UTF-8."),
    "FM902": ("unclosed-frontmatter", "The frontmatter opened with '---' is never closed."),
    "FM903": ("yaml-syntax-error", "The frontmatter is not valid YAML."),
    "FM904": ("duplicate-key", "A frontmatter key is defined twice."),
    "FM905": ("frontmatter-not-mapping", "The frontmatter is not a mapping of keys to values."),
    "FM906": ("limit-exceeded", "The note is too large, too deep or expands too many aliases."),
    "FM907": (
        "unsafe-yaml-tag",
        "The frontmatter uses a YAML tag other than the standard ones (such as !!python/...).",
    ),
}

#: Rules that run only when configured by their full code (a severity for it, or
#: ``select`` naming it): a prefix such as ``WL`` does not turn them on.
OFF_UNLESS_NAMED = frozenset({"WL003"})


def all_rules() -> list[Rule]:
    """Every declared rule, ordered by code."""
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def active_rules(config: Config) -> list[Rule]:
    """The rules that ``config`` selects."""
    return [
        r for r in all_rules() if config.enabled(r.code) and config.severity.get(r.code) != "off"
    ]
