"""Plain records shared by the rules, the engine and the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .hints import unsafe_hint

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from .edit import FrontmatterEditor
    from .noteinfo import NoteInfo
    from .rules.context import RuleContext

ERROR = "error"
WARNING = "warning"


#: What a rule declares about its fixes (:attr:`Rule.fix`).
FIX_KINDS = ("", "safe", "unsafe", "sometimes")


@dataclass(frozen=True)
class Fix:
    """A repair: ``apply`` edits the frontmatter of the note at ``path``.

    ``path`` may differ from the violation's note: that is how a back-link is written into
    the counterpart note. ``apply`` must be idempotent (adding what is already there
    changes nothing), because fixes run until nothing changes.

    ``safe`` says whether the fix is the only reading of what the author wrote (the
    counterpart entry of a two-way link, a list shape, a name that differs only in case,
    spaces, hyphens or underscores, a reference to a note git shows renamed) or a guess
    (a similarity-scored value, a domain taken from the folder). ``fix`` applies safe
    fixes only, unless asked for the unsafe ones too. It has no default: every rule says.

    >>> [(v.fix.path, v.fix.title) for v in kb.check() if v.code == "BL001"]
    [('inbox/archive/2026-02-10-pluralistic-values-survey.md', "rewrite claims_extracted entry to 'pluralistic alignment needs more than one reward model'")]
    """

    path: str
    title: str
    apply: Callable[[FrontmatterEditor], object] = field(compare=False, repr=False)
    safe: bool = field(kw_only=True)


@dataclass(frozen=True)
class Violation:
    """One finding: where, which rule, how bad, what is wrong, and a fix when one is safe.

    ``subject`` names what the finding is about (the key, the list entry, the link target,
    or the other note's path when it is about a pair of notes): with ``path`` and ``code``
    it identifies the finding across line shifts and unrelated edits (see
    :mod:`codex_hooks.baseline`). Empty when the finding is about the note as a whole.

    >>> v = [v for v in kb.check() if v.code == "WL001"][-1]
    >>> v.path, v.line, v.column, v.severity, v.subject, v.fixable
    ('maps/alignment and markets.md', 11, 3, 'warning', 'Decision-Markets price policies', False)
    >>> v.message
    'wiki link [[Decision-Markets price policies]] names no note'
    """

    path: str
    line: int
    column: int
    code: str
    severity: str
    message: str
    fix: Fix | None = field(default=None, compare=False)
    subject: str = ""

    @property
    def fixable(self) -> bool:
        """Whether a fix exists, safe or not."""
        return self.fix is not None

    @property
    def safe_fix(self) -> bool:
        """Whether a fix exists that ``codex-hooks fix`` applies by default."""
        return self.fix is not None and self.fix.safe

    @property
    def unsafe_fix(self) -> bool:
        """Whether a fix exists that only ``codex-hooks fix --unsafe-fixes`` applies."""
        return self.fix is not None and not self.fix.safe

    @property
    def shown_message(self) -> str:
        """The message as reports print it: with an unsafe fix, what that fix would do and
        how to apply it, on the same line."""
        if self.fix is None or self.fix.safe:
            return self.message
        return unsafe_hint(self.message, self.fix.title)

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by ``--format json``: ``fix`` is ``null`` or the fix's
        ``title`` and whether it is ``safe``."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
            "subject": self.subject,
            "fix": None if self.fix is None else {"title": self.fix.title, "safe": self.fix.safe},
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


#: A rule's check: what it may read for one note (see :mod:`codex_hooks.rules.context`),
#: and the rule itself (for :meth:`Rule.violation`).
CheckFn = Callable[["RuleContext", "Rule"], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A declared rule: stable code, kebab-case name, documentation and its check.

    ``check`` runs once per note being checked and yields violations; ``kinds`` limits it
    to notes of those kinds (empty: every note with readable frontmatter). ``fix`` says
    which fixes the rule makes: none (``""``), only ``safe`` ones, only ``unsafe`` ones, or
    ``sometimes`` one and sometimes the other; ``fix_safety`` says exactly when.
    """

    code: str
    name: str
    summary: str
    explanation: str
    example: str
    check: CheckFn = field(repr=False)
    severity: str = ERROR
    kinds: tuple[str, ...] = ()
    fix_safety: str = ""
    fix: str = ""

    def violation(
        self,
        info: NoteInfo,
        message: str,
        key: str | None = None,
        fix: Fix | None = None,
        line: int | None = None,
        column: int = 1,
        subject: str | None = None,
    ) -> Violation:
        """A violation of this rule in ``info``, at ``key``'s line unless ``line`` is given.

        ``subject`` is what the finding is about (see :class:`Violation`); by default the
        key, else nothing."""
        if line is None:
            line = info.key_lines.get(key, 1) if key else 1
        if subject is None:
            subject = key or ""
        return Violation(info.path, line, column, self.code, self.severity, message, fix, subject)


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    summary: str,
    explanation: str,
    example: str,
    severity: str = ERROR,
    kinds: tuple[str, ...] = (),
    fix_safety: str = "",
    fix: str = "",
) -> Callable[[CheckFn], CheckFn]:
    """Declare a rule: decorate its check function. Codes are never reused. A rule with a
    fix declares its kind (``fix``: safe, unsafe or sometimes) and says in ``fix_safety``
    when it is safe."""
    if fix not in FIX_KINDS or bool(fix) != bool(fix_safety):
        raise ValueError(
            f"rule {code}: fix must be one of safe, unsafe, sometimes, with fix_safety"
        )

    def register(fn: CheckFn) -> CheckFn:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} declared twice")
        REGISTRY[code] = Rule(
            code, name, summary, explanation, example, fn, severity, kinds, fix_safety, fix
        )
        return fn

    return register
