"""Reports of a check besides one finding per line: a table per rule (``--statistics``),
SARIF 2.1.0 for code-scanning uploads, and the line that groups broken links by the note
they name.

Each works on :class:`~codex_hooks.model.Violation` objects alone (those of a stored
result too), so that a report never needs the knowledge base again. Importing this
module stays cheap: the text report of a reused whole check imports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .missing_links import (  # noqa: F401  (re-exported: the names this module always had)
    MISSING_LINK_CODES,
    _missing_target,
    missing_links_summary,
)

if TYPE_CHECKING:
    from .model import Violation

#: The published schema of SARIF 2.1.0, the value of a log's ``$schema``.
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: Where a result's path starts: the knowledge base's root, which the uploader knows.
SRCROOT = "%SRCROOT%"


class RuleDoc(NamedTuple):
    """What a report says about a rule: its name, severity and documentation."""

    code: str
    name: str
    severity: str
    summary: str
    explanation: str
    example: str
    fix_safety: str


def rule_doc(code: str) -> RuleDoc:
    """The documentation of ``code``: a rule's, a parse problem's (FM90x), or an empty
    one for a code this version does not know (a stored or future finding)."""
    from .model import ERROR, REGISTRY
    from .rules import PROBLEMS

    rule = REGISTRY.get(code)
    if rule is not None:
        return RuleDoc(
            code,
            rule.name,
            rule.severity,
            rule.summary,
            rule.explanation,
            rule.example,
            rule.fix_safety,
        )
    if code in PROBLEMS:
        name, summary = PROBLEMS[code]
        return RuleDoc(
            code, name, ERROR, summary, f"{summary} The note is reported and never written.", "", ""
        )
    return RuleDoc(code, "", ERROR, "", "", "", "")


# -- statistics -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCount:
    """One row of ``--statistics``: how many findings a rule made, how many of them
    ``codex-hooks fix`` repairs (``fixable``, safe fixes) and how many only
    ``codex-hooks fix --unsafe-fixes`` does (``unsafe``, guesses).

    A record rather than a tuple: a tuple's own ``count`` method would clash with the
    ``count`` field."""

    count: int
    code: str
    name: str
    severity: str
    fixable: int
    unsafe: int = 0

    def to_dict(self) -> dict[str, object]:
        """The JSON form of ``--statistics --output-format json``."""
        return {
            "count": self.count,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "fixable": self.fixable,
            "unsafe": self.unsafe,
        }


def statistics(violations: Sequence[Violation]) -> list[RuleCount]:
    """Findings counted per rule, the most frequent first (then by code)."""
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    unsafe: Counter[str] = Counter()
    severity: dict[str, str] = {}
    for v in violations:
        counts[v.code] += 1
        fixable[v.code] += v.safe_fix
        unsafe[v.code] += v.unsafe_fix
        # A configured severity applies to every finding of a rule; an error wins should
        # a rule's findings ever differ.
        if severity.get(v.code) != "error":
            severity[v.code] = v.severity
    rows = [
        RuleCount(n, code, rule_doc(code).name, severity[code], fixable[code], unsafe[code])
        for code, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.count, r.code))


def statistics_table(rows: Sequence[RuleCount]) -> str:
    """``rows`` as an aligned text table with a header line (nothing when empty)."""
    if not rows:
        return ""
    table = [("count", "code", "name", "severity", "fixable", "unsafe")]
    table += [
        (str(r.count), r.code, r.name, r.severity, str(r.fixable), str(r.unsafe)) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(6)]
    right = (True, False, False, False, True, True)  # numbers align right
    lines = []
    for row in table:
        cells = [
            cell.rjust(width) if r else cell.ljust(width)
            for cell, width, r in zip(row, widths, right, strict=True)
        ]
        lines.append("  ".join(cells).rstrip() + "\n")
    return "".join(lines)


# -- SARIF ----------------------------------------------------------------------------


def _uri(path: str) -> str:
    """A repo-relative POSIX path as a relative URI reference: spaces, ``%``, ``#``,
    ``:`` and non-ASCII characters percent-encoded, ``/`` kept."""
    from urllib.parse import quote

    return quote(path, safe="/")


def _sarif_rule(doc: RuleDoc) -> dict[str, object]:
    help_text = doc.summary
    if doc.example:
        help_text += "\n\nExample:\n" + doc.example
    if doc.fix_safety:
        help_text += "\n\nFix: " + doc.fix_safety
    help_text += f"\n\nExplain it with 'codex-hooks rules {doc.code}'."
    return {
        "id": doc.code,
        "name": doc.name or doc.code,
        "shortDescription": {"text": doc.summary or doc.code},
        "fullDescription": {"text": doc.explanation or doc.summary or doc.code},
        "help": {"text": help_text.strip()},
        "defaultConfiguration": {"level": "error" if doc.severity == "error" else "warning"},
    }


def sarif_log(violations: Sequence[Violation]) -> dict[str, object]:
    """``violations`` as a SARIF 2.1.0 log of one run, for a code-scanning upload. The
    driver lists the rules that have results, by code; each result's location is its
    note's repo-relative path under ``%SRCROOT%``."""
    from .version import __version__

    codes = sorted({v.code for v in violations})
    index = {code: i for i, code in enumerate(codes)}
    results = [
        {
            "ruleId": v.code,
            "ruleIndex": index[v.code],
            "level": "error" if v.severity == "error" else "warning",
            "message": {"text": v.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(v.path), "uriBaseId": SRCROOT},
                        "region": {
                            "startLine": max(v.line, 1),
                            "startColumn": max(v.column, 1),
                        },
                    }
                }
            ],
        }
        for v in violations
    ]
    driver = {
        "name": "codex-hooks",
        "version": __version__,
        "rules": [_sarif_rule(rule_doc(code)) for code in codes],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }
