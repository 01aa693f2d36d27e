"""What the commands share (the ``cli`` layer's bottom): exit codes, the usage error,
finding the knowledge base's root, loading it with the run's choice of rules, choosing
the notes a run covers; printing findings is :mod:`.output`.

Each command is a module of this package with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``, and keeps its heavy imports inside ``run``, so that building the
parser stays light (a pre-commit hook pays its start-up on every commit).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path

    from ..kb import KnowledgeBase
    from ..model import Violation

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


def root_option(p: argparse.ArgumentParser) -> None:
    """``--root DIR``, which every command that reads a knowledge base takes."""
    p.add_argument(
        "--root", metavar="DIR", help="the knowledge base's root (default: found from here)"
    )


def cache_option(
    p: argparse.ArgumentParser,
    what: str = "the on-disk index or the stored result of a whole check",
) -> None:
    """``--no-cache``: read and write none of ``what``."""
    p.add_argument("--no-cache", action="store_true", help=f"do not read or write {what}")


def scope(p: argparse.ArgumentParser) -> None:
    """The options of ``check`` and ``fix`` that choose the notes and the knowledge base."""
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="notes to check (default: staged notes)"
    )
    p.add_argument(
        "--all-files", action="store_true", help="check every note of the knowledge base"
    )
    cache_option(p)
    p.add_argument(
        "--hook",
        action="store_true",
        help="as a pre-commit hook: also check notes that staged deletions and renames "
        "leave dangling",
    )
    root_option(p)
    p.add_argument(
        "--no-baseline",
        action="store_true",
        help="show (and fix) the findings the baseline records too",
    )


#: What ``--output-format`` accepts (``--format`` is its older name).
FORMATS = ("text", "json", "github", "sarif")


def reporting(p: argparse.ArgumentParser) -> None:
    """The options of ``check`` and ``fix`` that choose the rules and shape the report."""

    def codes(flag: str, text: str) -> None:
        p.add_argument(
            flag,
            action="append",
            metavar="CODES",
            help=f"{text}: comma-separated rule codes or prefixes (WL001, WL, BL00)",
        )

    codes("--select", "run only these rules, in place of the configured ones")
    codes("--extend-select", "run these rules besides the configured ones")
    codes("--ignore", "do not run these rules (wins over --select)")
    p.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=FORMATS,
        default="text",
        help="how findings are printed (default: text)",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="print a count of findings per rule instead of the findings",
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when errors are found (usage errors still exit 2)",
    )


#: ``config.CONFIG_FILE``, named here because a check served from stored results never
#: needs the configuration module.
ROOT_MARKER = ".codex-hooks.yaml"


def find_root(start: str | os.PathLike[str]) -> str:
    """The knowledge base's root: the nearest folder holding a ``.codex-hooks.yaml``, a
    ``pyproject.toml`` with a ``[tool.codex-hooks]`` table or a ``.git``, searching upwards
    from ``start`` (an absolute path) and, as git does, not into a folder named in
    ``GIT_CEILING_DIRECTORIES``. With neither, there is no knowledge base to guess at: a
    :class:`UsageError` says so (reading every file below ``start`` would take minutes in
    a home or temporary folder and find nothing of use).

    Plain strings and ``os.path``: finding the root is all an unchanged knowledge base's
    reprinted result needs of paths, and ``pathlib`` would add 3 ms to its start-up."""
    start = os.fspath(start)
    ceilings = _ceilings()
    candidate = start
    while True:
        if candidate != start and candidate in ceilings:
            break
        if (
            os.path.isfile(os.path.join(candidate, ROOT_MARKER))
            or os.path.exists(os.path.join(candidate, ".git"))
            or _configured_in_pyproject(candidate)
        ):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            break
        candidate = parent
    raise UsageError(
        f"no knowledge base here: neither {start} nor a folder above it holds a .git, a "
        f"{ROOT_MARKER} or a pyproject.toml with [tool.codex-hooks]; run inside a git "
        "repository or pass --root DIR"
    )


def _configured_in_pyproject(folder: str) -> bool:
    """Whether ``folder`` holds a ``pyproject.toml`` with a ``[tool.codex-hooks]`` table
    (the other place a knowledge base's configuration lives). The text is searched, not
    parsed: a broken file still marks the root, and loading it then reports the error."""
    try:
        with open(os.path.join(folder, "pyproject.toml"), "rb") as fh:
            text = fh.read()
    except OSError:
        return False
    import re

    header = rb'^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*"?codex-hooks(?![\w-])'
    return re.search(header, text, re.MULTILINE) is not None


def _ceilings() -> set[str]:
    """The folders of ``GIT_CEILING_DIRECTORIES``, which the root search does not enter."""
    raw = os.environ.get("GIT_CEILING_DIRECTORIES", "")
    found = set()
    for entry in raw.split(os.pathsep):
        if entry and os.path.isabs(entry):
            found.add(os.path.normpath(entry))
            found.add(os.path.realpath(entry))
    return found


def repo_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """Command-line paths as repo-relative POSIX paths (markdown only)."""
    from pathlib import Path

    out = []
    for raw in paths:
        full = Path(os.path.abspath(raw))
        try:
            rel = full.relative_to(root)
        except ValueError:
            try:
                rel = full.resolve().relative_to(root.resolve())
            except ValueError:
                raise UsageError(f"{raw}: not inside the knowledge base at {root}") from None
        if rel.as_posix().lower().endswith(".md"):
            out.append(rel.as_posix())
    return out


def _expand(kb: KnowledgeBase, raw_paths: Sequence[str]) -> list[str]:
    """Command-line paths as the notes to check: a folder stands for every note under it;
    a path that does not exist is a usage error, not a silent "nothing to check"."""
    from pathlib import Path

    out: list[str] = []
    for raw in raw_paths:
        full = Path(os.path.abspath(raw))
        if full.is_dir():
            [rel] = repo_paths(kb.root, [str(full / "x.md")])
            prefix = rel[: -len("x.md")]
            out.extend(p for p in kb.notes if p.startswith(prefix))
        elif full.exists() or full.is_symlink():
            out.extend(repo_paths(kb.root, [raw]))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(out))


def _targets(
    kb: KnowledgeBase, args: argparse.Namespace
) -> tuple[list[str] | None, Callable[[Violation], bool] | None]:
    """The notes to check, and which of their findings the run answers for (``None``:
    all). A commit (staged notes, or ``--hook``) answers for its staged notes and, in
    the notes its deletions and renames leave dangling, only for the references to the
    gone notes."""
    if args.all_files:
        return None, None
    if args.paths:
        paths = _expand(kb, args.paths)
        if not args.hook:
            return paths, None
        from ..staged import commit_scope

        scope = commit_scope(kb, paths)
        return scope.paths, scope.keep
    from ..gitutil import toplevel
    from ..staged import commit_scope

    top = toplevel(kb.root)
    if top is None or top.resolve() != kb.root.resolve():
        where = "is not in a git repository" if top is None else f"is inside {top}, not its root"
        raise UsageError(
            f"{kb.root} {where}: staged notes cannot be found; pass PATHs or --all-files"
        )
    # A check reads what the commit will hold; a fix edits the work tree, keeping the
    # user's unstaged changes in it (and never stages anything).
    scope = commit_scope(kb, index=args.command == "check")
    return scope.paths, scope.keep


def _root(args: argparse.Namespace) -> str:
    """The knowledge base's root, absolute: ``--root``, else found from the current
    folder (see :func:`find_root`)."""
    if args.root:
        root = os.path.realpath(str(args.root))
        if not os.path.isdir(root):
            raise UsageError(f"--root {args.root}: no such folder")
        return root
    return find_root(os.getcwd())


def _selection(args: argparse.Namespace) -> dict[str, list[str]] | None:
    """The rules chosen with ``--select``, ``--extend-select`` and ``--ignore`` (each
    repeatable, comma-separated, case-insensitive), checked against the known codes;
    ``None`` when none of them is given."""
    chosen: dict[str, list[str]] = {}
    for name in ("select", "extend_select", "ignore"):
        given = getattr(args, name, None)
        if given is None:
            continue
        flag = "--" + name.replace("_", "-")
        selectors = [c.strip().upper() for value in given for c in value.split(",")]
        selectors = [c for c in selectors if c]
        if not selectors:
            raise UsageError(f"{flag} needs at least one rule code or prefix")
        from ..config import unknown_selector

        bad = unknown_selector(selectors)
        if bad is not None:
            raise UsageError(
                f"{flag} {bad}: no rule code starts with it ('codex-hooks rules' lists them)"
            )
        chosen[name] = selectors
    return chosen or None


#: The commands whose rules ask git what changed since ``HEAD`` (renamed notes, and with
#: ``--hook`` what is staged): :func:`_load` starts git on that before reading the notes.
DIFF_READERS = frozenset({"check", "fix", "baseline"})


def _load(
    args: argparse.Namespace, root: str | None = None, write_later: bool = False
) -> KnowledgeBase:
    """The knowledge base at ``root``, as ``args`` ask (``--no-cache``, rules chosen).
    ``write_later``: the command brings the on-disk index up to date itself, while a
    second process works (see :meth:`KnowledgeBase.write_index`), and at the latest once
    it is done."""
    root = root or _root(args)
    if args.command in DIFF_READERS and os.path.exists(os.path.join(root, ".git")):
        from ..gitutil import diff_soon

        diff_soon(root)
    from ..kb import KnowledgeBase

    chosen = _selection(args)
    kb = KnowledgeBase.load(
        root, cache=not getattr(args, "no_cache", False), write_later=write_later
    )
    if chosen is not None:
        from ..config import with_selection

        # After loading: the on-disk index does not depend on which rules run, and a
        # configuration of its own would make it rebuild the index for this run.
        kb.config = with_selection(kb.config, **chosen)
    return kb


def _usage(args: argparse.Namespace) -> bool:
    """Refuse what ``check`` and ``fix`` cannot do as asked, before any note is read;
    whether rules were chosen on the command line."""
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError(f"--statistics prints text or json, not {args.format}")
    return _selection(args) is not None


def _exit(args: argparse.Namespace, failed: bool) -> int:
    """1 when ``failed`` (errors found, files changed), unless ``--exit-zero``; else 0."""
    return EXIT_FAIL if failed and not args.exit_zero else EXIT_OK
