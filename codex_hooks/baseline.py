"""The baseline: today's findings, recorded so that checks show only new ones.

A knowledge base that adopts the checks late has hundreds of old findings; blocking every
commit that touches one of those notes would get the hook switched off. ``codex-hooks
baseline`` writes them to a file the user commits (``.codex-hooks-baseline.json`` at the
root, the ``baseline`` setting); ``check``, ``fix`` and the hooks then hide them.

A finding is recorded by its note's path, its rule code and its subject (the key, the list
entry, the link target, or the other note of a pair; see
:class:`~codex_hooks.model.Violation`), never by its line or message: inserting lines above
it or editing other parts of the note does not bring it back. Each entry has a count, as
PHPStan's baseline has: N findings with one key are hidden, an (N+1)th is shown. A finding
about a pair of notes is reported on whichever of the two is checked (a commit that touches
only one of them reports it there): it matches its entry from either side.

Subjects that are titles or link targets match loosely, as titles are compared everywhere
(case, spaces, hyphens, underscores, ``.md`` and the ``[[ ]]`` of a link aside), and a
baseline follows the renames git shows: a note moved with ``git mv`` keeps its recorded
findings, and so do the references to it once they are rewritten to its new name.

The file is JSON, sorted, one finding per line, so that its diffs read well in review.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import ConfigError, UnsafePathError

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .index import NoteIndex
    from .model import Violation
    from .settings import Config

#: The format written; a file with a higher version was written by a newer codex-hooks.
VERSION = 1
#: ``Config().baseline``, named here so that reusing a stored check need not import config.
DEFAULT_FILE = ".codex-hooks-baseline.json"
#: What a baseline entry is keyed by: the note's path, the rule code, the subject.
Key = tuple[str, str, str]
_REWRITE = "rewrite it with 'codex-hooks baseline', or delete it"


class Baseline:
    """Recorded findings: ``(path, code, subject)`` → how many of them are hidden.

    A plain class, not a dataclass: reprinting a stored check reads the baseline, and
    importing ``dataclasses`` there would cost more than the rest of it.
    """

    __slots__ = ("entries",)

    def __init__(self, entries: dict[Key, int] | None = None) -> None:
        self.entries: dict[Key, int] = entries if entries is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Baseline):
            return NotImplemented
        return self.entries == other.entries

    def __repr__(self) -> str:
        return f"Baseline({self.entries!r})"

    @classmethod
    def of(cls, violations: Iterable[Violation]) -> Baseline:
        """The baseline that hides exactly ``violations``."""
        entries: dict[Key, int] = {}
        for v in violations:
            key = (v.path, v.code, v.subject)
            entries[key] = entries.get(key, 0) + 1
        return cls(entries)

    @property
    def total(self) -> int:
        """How many findings the baseline hides in all."""
        return sum(self.entries.values())

    @property
    def notes(self) -> int:
        """How many notes have a recorded finding."""
        return len({path for path, _, _ in self.entries})

    def hidden(self, keys: Iterable[Key]) -> list[bool]:
        """For each ``(path, code, subject)``, in order, whether the baseline hides it.

        Each entry hides up to its count; the findings beyond it are shown. A finding whose
        subject is another note's path also matches the entry recorded on that note: a pair
        is reported on one of its notes or the other depending on which are checked."""
        left: dict[Key, int] = {}
        for (path, code, subject), count in self.entries.items():
            key = (path, code, _canon(subject))
            left[key] = left.get(key, 0) + count
        out = []
        for path, code, subject in keys:
            key = (path, code, _canon(subject))
            if left.get(key, 0) <= 0 and subject.lower().endswith(".md"):
                key = (subject, code, _canon(path))
            if left.get(key, 0) > 0:
                left[key] -= 1
                out.append(True)
            else:
                out.append(False)
        return out

    def following(self, moves: dict[str, str]) -> Baseline:
        """This baseline with the notes git shows renamed (old path → new path) at their
        new paths: entries on a moved note, and subjects naming it by path or title."""
        if not moves:
            return self
        from .titles import normalize_title, stem, strip_link

        titles = {normalize_title(stem(old)): stem(new) for old, new in moves.items()}
        entries: dict[Key, int] = {}
        for (path, code, subject), count in self.entries.items():
            if subject in moves:
                subject = moves[subject]
            elif not _is_path(subject):
                subject = titles.get(normalize_title(strip_link(subject)), subject)
            key = (moves.get(path, path), code, subject)
            entries[key] = entries.get(key, 0) + count
        return Baseline(entries)

    def filter(self, violations: Sequence[Violation]) -> tuple[list[Violation], int]:
        """The violations the baseline does not hide, and how many it hid."""
        flags = self.hidden((v.path, v.code, v.subject) for v in violations)
        shown = [v for v, hide in zip(violations, flags, strict=True) if not hide]
        return shown, len(violations) - len(shown)

    def dumps(self) -> str:
        """The file's text: sorted, one finding per line, ending in a newline."""
        import json

        rows = [
            json.dumps(
                {"path": path, "code": code, "subject": subject, "count": count},
                ensure_ascii=False,
            )
            for (path, code, subject), count in sorted(self.entries.items())
        ]
        body = ",\n".join(f"    {row}" for row in rows)
        findings = f"[\n{body}\n  ]" if rows else "[]"
        return f'{{\n  "version": {VERSION},\n  "findings": {findings}\n}}\n'


def _is_path(subject: str) -> bool:
    return "/" in subject and subject.lower().endswith(".md")


def _canon(subject: str) -> str:
    """A subject as entries compare: a note's path as it is; a title, list entry or link
    target folded as titles are (see :func:`~codex_hooks.titles.normalize_title`)."""
    if not subject or _is_path(subject):
        return subject
    from .titles import normalize_title, strip_link

    return normalize_title(strip_link(subject))


def location(root: str | os.PathLike[str], config: Config | None = None) -> Path:
    """Where the baseline of the knowledge base at ``root`` lives (the ``baseline``
    setting, relative to the root). Refuses a setting that leads out of the root."""
    name = config.baseline if config is not None else _configured_name(root)
    from .write import resolve_inside

    try:
        return resolve_inside(root, name)
    except UnsafePathError as exc:
        raise ConfigError(f"setting 'baseline': {exc}") from None


def _configured_name(root: str | os.PathLike[str]) -> str:
    """The ``baseline`` setting, without loading the configuration when there is none."""
    from .results import CONFIG_FILES

    if not any(os.path.isfile(os.path.join(root, name)) for name in CONFIG_FILES):
        return DEFAULT_FILE
    # The plain settings: where the baseline lives does not depend on the rule codes the
    # configuration names (a run that loads the notes checks those).
    from .settings import load_config

    return load_config(root).baseline


#: The baseline read for each loaded knowledge base, read once per knowledge base.
_RECORDED: weakref.WeakKeyDictionary[NoteIndex, Baseline | None] = weakref.WeakKeyDictionary()


def recorded(kb: NoteIndex) -> Baseline | None:
    """The baseline of the knowledge base ``kb`` (``None`` when it has none), read once
    and kept for as long as ``kb`` lives. A file that cannot be used raises ConfigError."""
    try:
        return _RECORDED[kb]
    except KeyError:
        found = _RECORDED[kb] = load(location(kb.root, kb.config))
        return found


def remember(kb: NoteIndex, baseline: Baseline | None) -> None:
    """Make ``baseline`` the one :func:`recorded` gives for ``kb`` (after rewriting it)."""
    _RECORDED[kb] = baseline


def load(file: Path) -> Baseline | None:
    """The baseline in ``file``; ``None`` when there is no such file. A file that cannot be
    used raises :class:`~codex_hooks.errors.ConfigError` naming it and a way out: hiding
    nothing, or the wrong findings, without a word would be worse."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the baseline: {exc.strerror or exc}") from None
    import json  # here: most runs find no baseline file

    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: the baseline is not UTF-8; {_REWRITE}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{file}:{exc.lineno}:{exc.colno}: the baseline is not valid JSON ({exc.msg}); "
            + _REWRITE
        ) from None
    return _parse(data, file)


def _parse(data: object, file: Path) -> Baseline:
    def bad(what: str) -> ConfigError:
        return ConfigError(f"{file}: not a codex-hooks baseline: {what}; {_REWRITE}")

    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise bad("'version' is missing or not a number")
    if version > VERSION:
        raise ConfigError(
            f"{file}: the baseline has version {version}, written by a newer codex-hooks "
            f"(this one reads version {VERSION}); upgrade codex-hooks, or {_REWRITE}"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise bad("'findings' is missing or not a list")
    entries: dict[Key, int] = {}
    for number, item in enumerate(findings, 1):
        if not isinstance(item, dict):
            raise bad(f"finding {number} is not an object")
        path, code, subject = (item.get(name) for name in ("path", "code", "subject"))
        count = item.get("count", 1)
        if not (isinstance(path, str) and isinstance(code, str) and isinstance(subject, str)):
            raise bad(f"finding {number} lacks a path, code or subject string")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise bad(f"finding {number} has a count that is not a positive whole number")
        key = (path, code, subject)
        entries[key] = entries.get(key, 0) + count
    return Baseline(entries)


def write(file: Path, baseline: Baseline) -> None:
    """Write ``baseline`` to ``file`` atomically (a crash leaves the old file or the new)."""
    from .write import atomic_write

    atomic_write(file, baseline.dumps().encode("utf-8"))
