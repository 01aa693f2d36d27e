"""The ``codex-hooks`` command line (the top layer): the parser, and the dispatch to the
commands, one module each under ``codex_hooks/commands`` over the library.

Exit codes: 0 clean (warnings allowed), 1 errors found or files changed, 2 usage or
configuration errors. Heavy modules (rapidfuzz, ruamel.yaml) are imported only by the
commands that need them, and the commands only when the parser is built.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .commands.common import (  # noqa: F401  (re-exported: the names this module always had)
    EXIT_FAIL,
    EXIT_OK,
    EXIT_USAGE,
    FORMATS,
    ROOT_MARKER,
    UsageError,
    find_root,
    repo_paths,
)
from .commands.output import shown

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

#: The sub-commands, in the order ``--help`` lists them: each a module of
#: ``codex_hooks.commands`` with ``HELP``, ``add_arguments(parser)`` and ``run(args)``.
COMMANDS = ("check", "fix", "rules", "baseline", "graph", "link", "rename")


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, told the terminal's width as ``shutil`` would tell it:
    argparse builds one for every argument added, and would import ``shutil`` (a few ms
    of every start-up) to ask."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: ``COLUMNS``, else the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of the whole command line; for ``argv`` that names its sub-command
    first (as every hook and script does), only that sub-command's: the others' modules
    are neither imported nor their arguments built, a few ms of every start-up."""
    from importlib import import_module

    from .version import __version__

    chosen = [argv[0]] if argv and argv[0] in COMMANDS else COMMANDS
    parser = argparse.ArgumentParser(
        formatter_class=_Formatter,
        prog="codex-hooks",
        description="Check and fix a markdown knowledge base of claims and sources.",
    )
    parser.add_argument("--version", action="version", version=f"codex-hooks {__version__}")
    # A given prog spares argparse a help formatter (and its import of shutil) at start-up.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="codex-hooks")
    for name in chosen:
        module = import_module(f"codex_hooks.commands.{name}")
        p = sub.add_parser(
            name, help=module.HELP, description=module.HELP, formatter_class=_Formatter
        )
        module.add_arguments(p)
        p.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    import gc

    from .parallel import allow

    # Whole runs may use a second core (see codex_hooks/parallel.py); a program calling
    # main() gets its own setting back, and its own cyclic collector's. A command builds
    # objects it keeps until it ends (the notes, the index's table, the rules' lookups),
    # and the script ends at once (run): the collector would only rescan them, over 0.1 s
    # of a one-note check at 100,000 notes, most of it while the index's table is read.
    before, collecting = allow(), gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        allow(before)
        if collecting:
            gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from .errors import CodexError, ConfigError

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, ConfigError) as exc:
        print(f"codex-hooks: {shown(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except CodexError as exc:
        print(f"codex-hooks: {shown(str(exc))}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return EXIT_FAIL


def run() -> NoReturn:
    """The ``codex-hooks`` script: :func:`main`, then leave the process at once. A whole
    run holds every note's parsed fields; the interpreter would free them one by one on
    the way out (0.17 s of a 2 s check of 10,000 notes), for nothing."""
    _defer("inspect")
    _defer("urllib.parse", "quote_from_bytes")
    import gc

    # Off for good: main() turns it back on as found, and the first allocation after that
    # would rescan everything the command built (0.2 s at 100,000 notes), for nothing.
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left: what is unwritten has nowhere to go
        pass
    except OSError:  # output that could not be written (a full disk): as Python exits
        code = 120
    os._exit(code)


def _defer(name: str, *bound: str) -> None:
    """Import the module ``name`` when one of its attributes is first read, not now.
    ``dataclasses`` imports ``inspect`` (about 6 ms, a tenth of a one-note check) for one
    use: the signature it writes as the docstring of a class that has none, and each
    class of this package has its own. ``pathlib`` imports ``urllib.parse`` (about 2 ms,
    ``ipaddress`` with it) for ``Path.as_uri``, which no command calls. Only the script
    does this: a program that imports the library keeps its imports as they are.

    The stand-in is a plain module with a module ``__getattr__`` (PEP 562): ``import
    name`` binds it without reading an attribute, and the first attribute read imports
    the real module, which then replaces it. (``importlib.util.LazyLoader`` does not
    serve: an ``import`` of a module already imported reads its ``__spec__``, which loads
    it.) ``name`` is a module, not a package. ``bound``: functions that importers bind
    by name (``from name import f``); each is a stand-in that loads the module when
    called."""
    if name in sys.modules:
        return
    from importlib import import_module
    from types import ModuleType

    stand_in = ModuleType(name)

    def load() -> ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = import_module(name)
        vars(stand_in).update(vars(real))  # later reads find the attribute at once
        return real

    def __getattr__(attribute: str) -> object:
        if attribute == "__path__":  # asked by every ``from name import f``: no package
            raise AttributeError(attribute)
        return getattr(load(), attribute)

    def forward(attribute: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            function: Callable[..., object] = getattr(load(), attribute)
            return function(*args, **kwargs)

        return call

    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    for attribute in bound:
        setattr(stand_in, attribute, forward(attribute))
    parent, _, child = name.rpartition(".")
    if parent:  # ``import a.b`` then reads ``b`` on the package
        setattr(import_module(parent), child, stand_in)
    sys.modules[name] = stand_in


if __name__ == "__main__":
    run()
