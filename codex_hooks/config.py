"""Configuration: defaults that fit the corpus as it is, overridable per knowledge base.

Read from ``[tool.codex-hooks]`` in the knowledge base's ``pyproject.toml`` or from
``.codex-hooks.yaml`` at its root (the YAML file wins when both exist). Unknown keys and
wrong types are a :class:`ConfigError` (the CLI exits 2), never silently ignored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_FILE = ".codex-hooks.yaml"


def _list(*items: str) -> list[str]:
    return list(items)


@dataclass
class Config:
    """Every setting of a knowledge base, with the defaults of the reference layout.

    >>> config = Config(claim_dirs=["claims"], severity={"WL001": "error"})
    >>> config.claim_dirs, config.source_dirs, config.field_name("sourced_from")
    (['claims'], ['inbox/archive'], 'sourced_from')
    """

    source_dirs: list[str] = field(default_factory=lambda: _list("inbox/archive"))
    claim_dirs: list[str] = field(default_factory=lambda: _list("domains", "core", "foundations"))
    entity_dirs: list[str] = field(default_factory=lambda: _list("entities"))
    map_dirs: list[str] = field(default_factory=lambda: _list("maps"))
    agents_dir: str = "agents"
    #: Extra agents accepted in ``processed_by`` besides the folders under ``agents_dir``.
    agents: list[str] = field(default_factory=list)
    #: Paths (glob patterns, repo-relative) that are never read.
    exclude: list[str] = field(default_factory=list)
    source_types: list[str] = field(
        default_factory=lambda: _list(
            "source", "evidence", "archive", "newsletter", "essay", "news article"
        )
    )
    claim_types: list[str] = field(
        default_factory=lambda: _list(
            "claim", "analysis", "framework", "insight", "tension", "pattern"
        )
    )
    status: list[str] = field(
        default_factory=lambda: _list(
            "unprocessed", "processing", "processed", "null-result", "enrichment", "partial"
        )
    )
    confidence: list[str] = field(
        default_factory=lambda: _list("proven", "likely", "experimental", "speculative")
    )
    domain: list[str] = field(
        default_factory=lambda: _list(
            "internet-finance",
            "entertainment",
            "health",
            "ai-alignment",
            "space-development",
            "grand-strategy",
            "mechanisms",
            "living-capital",
            "living-agents",
            "teleohumanity",
            "critical-systems",
            "collective-intelligence",
            "teleological-economics",
            "cultural-dynamics",
        )
    )
    format: list[str] = field(
        default_factory=lambda: _list(
            "paper",
            "article",
            "essay",
            "report",
            "book",
            "tweet",
            "thread",
            "data",
            "blog",
            "newsletter",
            "podcast",
            "video",
            "transcript",
            "website",
            "documentation",
            "news",
        )
    )
    #: Field names, so a knowledge base that spells them otherwise can map them.
    fields: dict[str, str] = field(
        default_factory=lambda: {
            "claims_extracted": "claims_extracted",
            "enrichments_applied": "enrichments_applied",
            "sourced_from": "sourced_from",
            "processed_by": "processed_by",
            "processed_date": "processed_date",
            "status": "status",
        }
    )
    #: Rule codes or prefixes to run (empty: all) and to skip.
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    #: Severity per rule code: ``error`` or ``warning``.
    severity: dict[str, str] = field(default_factory=dict)
    #: Rule codes or prefixes whose unsafe fixes count as safe, and whose safe fixes count
    #: as unsafe (as in ruff; the longer, more specific selector wins).
    extend_safe_fixes: list[str] = field(default_factory=list)
    extend_unsafe_fixes: list[str] = field(default_factory=list)
    #: Fuzzy match score (0-100) above which a drifted title counts as a candidate.
    fuzzy_threshold: float = 90.0
    #: The baseline file (see :mod:`codex_hooks.baseline`), relative to the root.
    baseline: str = ".codex-hooks-baseline.json"
    #: Notes that each folder has one of by convention: file names without ``.md`` (folder
    #: index notes, ``_map``) and, with ``/``, path patterns (each agent's own files, directly
    #: in its folder under ``agents_dir``). A bare link to one means the note of its own
    #: folder (WL002); their shared names are not duplicates (WL006).
    per_folder_names: list[str] = field(default_factory=lambda: _list("_map", "agents/*/*"))

    def field_name(self, canonical: str) -> str:
        """The knowledge base's own name for a canonical field."""
        return self.fields.get(canonical, canonical)

    def enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs under ``select``/``ignore`` (prefixes match)."""
        if any(code.startswith(p) for p in self.ignore):
            return False
        return not self.select or any(code.startswith(p) for p in self.select)

    def fix_is_safe(self, code: str, declared: bool) -> bool:
        """Whether a fix of rule ``code`` counts as safe: as the rule ``declared`` it,
        unless ``extend-safe-fixes`` or ``extend-unsafe-fixes`` names the rule; when both
        do, the longer selector (the more specific one) decides."""
        safe = max((len(p) for p in self.extend_safe_fixes if code.startswith(p)), default=-1)
        unsafe = max((len(p) for p in self.extend_unsafe_fixes if code.startswith(p)), default=-1)
        if safe == unsafe:  # neither names it (a tie otherwise is refused when loading)
            return declared
        return safe > unsafe

    def fingerprint(self) -> str:
        """A short hash of every setting: caches built under other settings are stale."""
        blob = json.dumps(dataclasses.asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _check_type(name: str, value: Any, default: Any, origin: str) -> Any:
    if isinstance(default, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{origin}: '{name}' must be a list of strings")
    elif isinstance(default, dict):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(f"{origin}: '{name}' must be a table of strings")
        value = {**default, **value}
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{origin}: '{name}' must be a number")
        value = float(value)
    elif not isinstance(value, str):
        raise ConfigError(f"{origin}: '{name}' must be a string")
    return value


def config_from_mapping(raw: dict[str, Any], origin: str = "configuration") -> Config:
    """Build a :class:`Config` from a mapping (keys may use ``-`` or ``_``)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a table of settings")
    defaults = Config()
    known = {f.name for f in dataclasses.fields(Config)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name == "severity" and isinstance(value, dict):
            # YAML 1.1 reads a bare ``off`` as false: take it as the word that was meant.
            value = {k: "off" if v is False else v for k, v in value.items()}
        if name not in known:
            raise ConfigError(
                f"{origin}: unknown setting '{key}' (known: {', '.join(sorted(known))})"
            )
        values[name] = _check_type(name, value, getattr(defaults, name), origin)
    for code, sev in values.get("severity", {}).items():
        if sev not in ("error", "warning", "off"):
            raise ConfigError(f"{origin}: severity of {code} must be error, warning or off")
    unknown_fields = sorted(set(values.get("fields", {})) - set(defaults.fields))
    if unknown_fields:
        raise ConfigError(
            f"{origin}: unknown field '{unknown_fields[0]}' in 'fields' "
            f"(known: {', '.join(sorted(defaults.fields))})"
        )
    _check_codes(values, origin)
    threshold = values.get("fuzzy_threshold", defaults.fuzzy_threshold)
    if not 0 <= threshold <= 100:
        raise ConfigError(f"{origin}: 'fuzzy_threshold' must be between 0 and 100")
    return dataclasses.replace(defaults, **values)


def rule_codes() -> list[str]:
    """Every code a finding can have: the rules' and the parse problems' (FM90x)."""
    from .rules import PROBLEMS, all_rules

    return [r.code for r in all_rules()] + list(PROBLEMS)


def _check_codes(values: dict[str, Any], origin: str) -> None:
    """A rule code or prefix in select, ignore or severity that matches no rule is a
    typo that would silently do nothing: refuse it."""
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


def load_config(root: str | Path) -> Config:
    """The configuration of the knowledge base at ``root`` (defaults when none is set).

    >>> load_config(root).severity                     # from root/.codex-hooks.yaml
    {'WL001': 'warning'}
    """
    root = Path(root)
    yaml_file = root / CONFIG_FILE
    if yaml_file.is_file():
        import yaml

        try:
            raw = yaml.safe_load(yaml_file.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"{yaml_file}: cannot read: {exc}") from None
        return config_from_mapping(raw, str(yaml_file))
    toml_file = root / "pyproject.toml"
    if toml_file.is_file():
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_file}: cannot read: {exc}") from None
        section = data.get("tool", {}).get("codex-hooks")
        if section is not None:
            return config_from_mapping(section, f"{toml_file} [tool.codex-hooks]")
    return Config()
