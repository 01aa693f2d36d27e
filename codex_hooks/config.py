"""The configuration checked against the rules (the ``engine`` layer): a rule code or
prefix in ``select``, ``ignore``, ``severity`` or the fix settings that matches no rule is
refused, and one run's choice of rules is laid over the configuration.

The configuration itself, as plain data, is :mod:`codex_hooks.settings`; its names are
importable from here too, as they always were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .errors import ConfigError
from .settings import (  # noqa: F401  (re-exported: the names this module always had)
    CONFIG_FILE,
    Config,
    located_config,
)
from .settings import config_from_mapping as _plain_config

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any


def config_from_mapping(raw: dict[str, Any], origin: str = "configuration") -> Config:
    """Build a :class:`Config` from a mapping (keys may use ``-`` or ``_``), its rule codes
    checked against the rules."""
    config = _plain_config(raw, origin)
    _check_codes(_coded(config), origin)
    return config


def load_config(root: str | Path, cache: bool = True) -> Config:
    """The configuration of the knowledge base at ``root`` (defaults when none is set),
    its rule codes checked against the rules. ``cache`` allows the parsed settings kept
    on disk (see :func:`codex_hooks.settings.located_config`).

    >>> load_config(root).severity                     # from root/.codex-hooks.yaml
    {'WL001': 'warning'}
    """
    config, origin = located_config(root, cache)
    _check_codes(_coded(config), origin)
    return config


def _coded(config: Config) -> dict[str, Any]:
    """The settings of ``config`` that name rule codes."""
    return {
        "select": config.select,
        "ignore": config.ignore,
        "severity": config.severity,
        "extend_safe_fixes": config.extend_safe_fixes,
        "extend_unsafe_fixes": config.extend_unsafe_fixes,
    }


def rule_codes() -> list[str]:
    """Every code a finding can have: the rules' and the parse problems' (FM90x)."""
    from .rules import PROBLEMS, all_rules

    return [r.code for r in all_rules()] + list(PROBLEMS)


def _check_codes(values: dict[str, Any], origin: str) -> None:
    """A rule code or prefix in select, ignore or severity that matches no rule is a
    typo that would silently do nothing: refuse it."""
    if not any(values.values()):
        return  # no code to check (the defaults): the rules need not be imported for it
    codes = rule_codes()
    for setting in ("select", "ignore"):
        for selector in values.get(setting, ()):
            if not selector or not any(c.startswith(selector) for c in codes):
                raise ConfigError(
                    f"{origin}: '{setting}' names '{selector}', which is no rule code or "
                    "prefix ('codex-hooks rules' lists them)"
                )
    for code in values.get("severity", {}):
        if code not in codes:
            raise ConfigError(
                f"{origin}: 'severity' names '{code}', which is no rule code "
                "('codex-hooks rules' lists them)"
            )
    from .rules import all_rules

    with_fix = [r.code for r in all_rules() if r.fix]
    for setting in ("extend_safe_fixes", "extend_unsafe_fixes"):
        name = setting.replace("_", "-")
        for selector in values.get(setting, ()):
            if not selector or not any(c.startswith(selector) for c in codes):
                raise ConfigError(
                    f"{origin}: '{name}' names '{selector}', which is no rule code or "
                    "prefix ('codex-hooks rules' lists them)"
                )
            if not any(c.startswith(selector) for c in with_fix):
                raise ConfigError(
                    f"{origin}: '{name}' names '{selector}', but no rule it selects has a "
                    "fix ('codex-hooks rules' marks the rules that do)"
                )
    both = sorted(
        set(values.get("extend_safe_fixes", ())) & set(values.get("extend_unsafe_fixes", ()))
    )
    if both:
        raise ConfigError(
            f"{origin}: '{both[0]}' is in both 'extend-safe-fixes' and 'extend-unsafe-fixes'; "
            "keep it in one"
        )


def unknown_selector(selectors: Sequence[str]) -> str | None:
    """The first of ``selectors`` (rule codes or prefixes) that matches no code, if any."""
    codes = rule_codes()
    for selector in selectors:
        if not selector or not any(c.startswith(selector) for c in codes):
            return selector
    return None


def _runs(config: Config, code: str) -> bool:
    """Whether ``config`` runs the rule ``code``: as :func:`codex_hooks.rules.active_rules`
    decides, and for a rule that is off unless named, only when a severity or ``select``
    names it."""
    from .rules import OFF_UNLESS_NAMED

    severity = config.severity.get(code)
    if severity == "off" or not config.enabled(code):
        return False
    return code not in OFF_UNLESS_NAMED or severity is not None or code in config.select


def with_selection(
    config: Config,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Config:
    """``config`` with one run's choice of rules on top, as ruff's command line has it.

    Each argument holds rule codes or prefixes (``WL``, ``BL00``, ``FM904``): ``select``
    (when given) replaces the rules ``config`` runs, its ``select``, ``ignore`` and ``off``
    severities alike; ``extend_select`` adds rules to them; ``ignore`` removes rules and
    wins over both. A rule that is off unless named (WL003) is added only by its full code,
    never by a prefix. A selector that matches no code is a :class:`ConfigError`.

    The returned configuration names every code it runs in ``select`` and every other in
    ``ignore``; the settings that decide how notes are read are those of ``config``.
    """
    from .rules import OFF_UNLESS_NAMED

    for setting, selectors in (
        ("select", select or ()),
        ("extend_select", extend_select),
        ("ignore", ignore),
    ):
        bad = unknown_selector(selectors)
        if bad is not None:
            raise ConfigError(
                f"{setting.replace('_', '-')}: '{bad}' is no rule code or prefix "
                "('codex-hooks rules' lists them)"
            )
    codes = rule_codes()

    def chosen(selectors: Sequence[str]) -> set[str]:
        return {
            c
            for c in codes
            if any(c == s or (c.startswith(s) and c not in OFF_UNLESS_NAMED) for s in selectors)
        }

    runs = chosen(select) if select is not None else {c for c in codes if _runs(config, c)}
    runs |= chosen(extend_select)
    runs -= {c for c in codes if any(c.startswith(s) for s in ignore)}
    return dataclasses.replace(
        config,
        select=sorted(runs),
        ignore=sorted(set(codes) - runs),
        # Every rule left out is in ``ignore`` now; an ``off`` kept here would silence a
        # rule this run selects by name.
        severity={k: v for k, v in config.severity.items() if v != "off"},
    )
