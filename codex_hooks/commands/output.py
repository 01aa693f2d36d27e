"""How the commands print findings: as text (one line each, then a summary), or as
JSON, GitHub annotations or SARIF; and how a path or message is shown on a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import TextIO

    from ..missing_links import Finding
    from ..model import Violation
    from ..results import Row

#: Characters that could fake or hide output lines on a terminal: C0/C1 controls (newline,
#: carriage return, escape sequences), line and paragraph separators, bidi overrides.
_UNSAFE = frozenset(
    [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)


def shown(text: str) -> str:
    """``text`` safe to print on one line: control characters become escapes (``\\n``,
    ``\\x1b``, ``\\u202e``), so a file name or value cannot fake or hide a report line."""
    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if c in _UNSAFE else c for c in text)


def _summary(
    errors: int,
    warnings: int,
    safe: int,
    unsafe: int = 0,
    baselined: int = 0,
    suppressed: int = 0,
) -> str:
    hidden = []
    if baselined:
        hidden.append(f"{baselined} finding(s) hidden by the baseline (--no-baseline shows them)")
    if suppressed:
        hidden.append(f"{suppressed} suppressed inline")
    if not errors + warnings:
        if hidden:
            return f"No findings to show; {', '.join(hidden)}."
        return "All checked notes are consistent."
    text = f"Found {errors} error(s) and {warnings} warning(s)"
    if safe:
        text += f"; {safe} fixable with 'codex-hooks fix'"
    if unsafe:
        more = "more" if safe else "fixable"
        text += f"{',' if safe else ';'} {unsafe} {more} with 'codex-hooks fix --unsafe-fixes'"
    if hidden:
        text += f"; {', '.join(hidden)}"
    return text + ". Explain a code with 'codex-hooks rules CODE'."


def print_violations(
    violations: Sequence[Violation],
    fmt: str,
    checked: int,
    out: TextIO | None = None,
    baselined: int = 0,
    suppressed: int = 0,
) -> None:
    """Write violations in ``fmt`` (text, json, github or sarif) to ``out`` (default
    stdout); ``baselined`` and ``suppressed`` count the findings that were hidden."""
    out = out or sys.stdout
    if fmt == "sarif":
        import json

        from ..report import sarif_log

        json.dump(sarif_log(violations), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "json":
        import json

        summary = {
            "errors": sum(v.severity == "error" for v in violations),
            "warnings": sum(v.severity == "warning" for v in violations),
            "fixable": sum(v.fixable for v in violations),
            "fixable_safe": sum(v.safe_fix for v in violations),
            "fixable_unsafe": sum(v.unsafe_fix for v in violations),
            "notes_checked": checked,
            "baselined": baselined,
            "suppressed": suppressed,
        }
        json.dump(
            {"violations": [v.to_dict() for v in violations], "summary": summary}, out, indent=2
        )
        out.write("\n")
        return
    if fmt == "github":
        for v in violations:
            level = "error" if v.severity == "error" else "warning"
            message = (
                shown(v.shown_message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            )
            # A property value escapes '%' first, or a name holding '%2C' would be decoded.
            path = shown(v.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
            out.write(
                f"::{level} file={path},line={v.line},col={v.column},title={v.code}::{message}\n"
            )
    else:
        print_rows([_row(v) for v in violations], out, violations, baselined, suppressed)


def _row(v: Violation) -> Row:
    """A violation as :mod:`codex_hooks.results` stores it (see ``results.Row``)."""
    from ..results import as_row

    return as_row(v)


def print_rows(
    rows: Sequence[Row],
    out: TextIO | None = None,
    violations: Sequence[Violation] | None = None,
    baselined: int = 0,
    suppressed: int = 0,
) -> None:
    """Write rows as :mod:`codex_hooks.results` stores them (path, line, column, code,
    severity, message, fix path, fix title, subject, fix safe) as text to ``out``
    (default stdout), and the summary to stderr. A message with an unsafe fix says what it
    would do and how to apply it. ``violations`` are the rows as violations, when there
    are such objects at hand (else made for the broken links)."""
    from ..hints import unsafe_hint

    out = out or sys.stdout
    out.write(
        "".join(
            f"{shown(r[0])}:{r[1]}:{r[2]}: {r[3]} "
            # A stored row has a fix title exactly when it has a fix path.
            f"{shown(unsafe_hint(r[5], r[7]) if r[7] is not None and not r[9] else r[5])}\n"
            for r in rows
        )
    )
    _print_summary(rows, violations, baselined, suppressed)


def _print_summary(
    rows: Sequence[Row],
    violations: Sequence[Violation] | None = None,
    baselined: int = 0,
    suppressed: int = 0,
) -> None:
    """The summary on stderr: broken links grouped by the note they name, then counts."""
    from ..missing_links import MISSING_LINK_CODES, Brief, missing_links_summary

    if any(r[3] in MISSING_LINK_CODES for r in rows):
        found: Sequence[Finding] = violations or [
            Brief(r[3], r[5], r[8]) for r in rows if r[3] in MISSING_LINK_CODES
        ]
        sys.stderr.write(shown(missing_links_summary(found)) + "\n")
    errors = sum(r[4] == "error" for r in rows)
    safe = sum(r[6] is not None and bool(r[9]) for r in rows)
    unsafe = sum(r[6] is not None and not r[9] for r in rows)
    summary = _summary(errors, len(rows) - errors, safe, unsafe, baselined, suppressed)
    sys.stderr.write(summary + "\n")


def report(
    violations: Sequence[Violation],
    args: argparse.Namespace,
    checked: int,
    out: TextIO | None = None,
    baselined: int = 0,
    suppressed: int = 0,
) -> None:
    """Print ``violations`` as ``args`` ask: the findings in ``--output-format``, or with
    ``--statistics`` their count per rule (a table, or a JSON list); ``baselined`` and
    ``suppressed`` count the findings that were hidden."""
    if not args.statistics:
        print_violations(violations, args.format, checked, out, baselined, suppressed)
        return
    from ..report import statistics, statistics_table

    out = out or sys.stdout
    rows = statistics(violations)
    if args.format == "json":
        import json

        json.dump([r.to_dict() for r in rows], out, indent=2)
        out.write("\n")
        return
    out.write(statistics_table(rows))
    _print_summary([_row(v) for v in violations], violations, baselined, suppressed)
