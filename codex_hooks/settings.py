"""Configuration as plain data (a helper: imports nothing but ``errors``): defaults that
fit the corpus as it is, overridable per knowledge base.

Read from ``[tool.codex-hooks]`` in the knowledge base's ``pyproject.toml`` or from
``.codex-hooks.yaml`` at its root (the YAML file wins when both exist). Unknown keys and
wrong types are a :class:`ConfigError` (the CLI exits 2), never silently ignored.

Whether the rule codes a configuration names exist is asked of the rules, which sit
above the index that reads this: :mod:`codex_hooks.config` checks that, on top of this.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

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
        # repr, not json: json is imported for this alone (a ms of every start-up).
        blob = repr(sorted(dataclasses.asdict(self).items())).encode()
        from .hashes import blake2b

        return blake2b(blob, digest_size=8).hexdigest()


#: What a setting holds (the type of its default says which).
Setting = list[str] | dict[str, str] | float | str


def _check_type(name: str, value: object, default: Setting, origin: str) -> Setting:
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


def config_from_mapping(raw: object, origin: str = "configuration") -> Config:
    """Build a :class:`Config` from a mapping (keys may use ``-`` or ``_``)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a table of settings")
    defaults = Config()
    known = {f.name for f in dataclasses.fields(Config)}
    # Each value has its field's type (_check_type sees to it), which differs per field:
    # a dict of one value type cannot say so to dataclasses.replace below.
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
    threshold = values.get("fuzzy_threshold", defaults.fuzzy_threshold)
    if not 0 <= threshold <= 100:
        raise ConfigError(f"{origin}: 'fuzzy_threshold' must be between 0 and 100")
    return dataclasses.replace(defaults, **values)


def load_config(root: str | os.PathLike[str], cache: bool = True) -> Config:
    """The configuration of the knowledge base at ``root`` (defaults when none is set),
    its rule codes unchecked (:func:`codex_hooks.config.load_config` checks them).
    ``cache`` allows the parsed settings kept on disk (see :func:`located_config`).

    >>> load_config(root).severity                     # from root/.codex-hooks.yaml
    {'WL001': 'warning'}
    """
    return located_config(root, cache)[0]


def located_config(root: str | os.PathLike[str], cache: bool = True) -> tuple[Config, str]:
    """The configuration of the knowledge base at ``root`` and where it was read (the
    origin its error messages name; ``"defaults"`` when none is set). ``cache``: the
    settings file's parsed value may be read from, and kept in, ``.git/codex-hooks/``."""
    root = Path(root)
    yaml_file = root / CONFIG_FILE
    if yaml_file.is_file():
        raw = _parsed(root, yaml_file, _parse_yaml, cache)
        return config_from_mapping(raw or {}, str(yaml_file)), str(yaml_file)
    toml_file = root / "pyproject.toml"
    if toml_file.is_file():
        data = _parsed(root, toml_file, _parse_toml, cache)
        section = data.get("tool", {}).get("codex-hooks") if isinstance(data, dict) else None
        if section is not None:
            origin = f"{toml_file} [tool.codex-hooks]"
            return config_from_mapping(section, origin), origin
    return Config(), "defaults"


def _parse_yaml(text: str, file: Path) -> object:
    import yaml

    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None


def _parse_toml(text: str, file: Path) -> object:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None


#: The parsed settings file is kept beside the index (see :func:`_parsed`).
PARSED_FORMAT = 1


def _parsed(
    root: Path, file: Path, parse: Callable[[str, Path], object], cache: bool = True
) -> object:
    """``parse(text of file)``, kept between runs under the file's bytes: every run reads
    the settings, and parsing them cost importing PyYAML (about 10 ms) or tomllib. Kept in
    the ``codex-hooks`` folder of the repository's git directory (:func:`_git_folder`); a
    memo that cannot be read or written is simply not used, and a value marshal cannot
    hold is never kept."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror or exc}") from None
    memo = None
    git = _git_folder(root) if cache else None
    if git is not None:
        from .hashes import blake2b

        # Named by the file's place (knowledge bases in folders of one repository keep
        # one memo each) and its bytes (any change is a new memo).
        where = blake2b(os.fsencode(file.resolve()), digest_size=6).hexdigest()
        key = blake2b(PARSED_FORMAT.to_bytes(2, "big") + data, digest_size=16).hexdigest()
        memo = git / "codex-hooks" / f"settings-{file.name}-{where}-{key}"
        try:
            return marshal.loads(memo.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    value = parse(text, file)
    if memo is not None:
        _keep(memo, value)
    return value


def _git_folder(root: Path) -> Path | None:
    """The git directory of the repository holding ``root``, found without running git:
    the nearest ``.git`` folder, or the folder a ``.git`` file names (a worktree); ``None``
    outside git, or when ``GIT_DIR`` says otherwise (then nothing is kept)."""
    if "GIT_DIR" in os.environ:
        return None
    try:
        here = root.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                line = dot.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            return folder / line[len("gitdir:") :].strip()
    return None


def _keep(memo: Path, value: Any) -> None:
    """Write ``value`` to ``memo`` atomically (see :func:`~codex_hooks.files.replace_file`),
    and drop the memos of earlier versions of the same file."""
    try:
        blob = marshal.dumps(value)
    except ValueError:  # a date or another value marshal cannot hold
        return
    from .files import replace_file

    prefix = memo.name.rsplit("-", 1)[0] + "-"
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        for old in memo.parent.glob(prefix + "*"):
            old.unlink()
        replace_file(memo, [blob])
    except OSError:
        pass
