"""Start-up stays light: the command line imports GitPython, rapidfuzz and ruamel.yaml only
when a command needs them (a pre-commit hook pays its start-up on every commit)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("git", "rapidfuzz", "ruamel")


def loaded_after(code: str) -> dict[str, list[str]]:
    """The heavy top-level packages and codex_hooks modules imported by ``code``, run in
    a fresh interpreter."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        "mods = list(sys.modules)\n"
        f"heavy = sorted({{m.split('.')[0] for m in mods}} & set({HEAVY!r}))\n"
        "ours = sorted(m for m in mods if m.startswith('codex_hooks'))\n"
        "print(json.dumps({'heavy': heavy, 'ours': ours}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_cli_import_pulls_in_no_heavy_package():
    found = loaded_after("import codex_hooks.cli")
    assert found["heavy"] == []


def test_package_import_is_lazy():
    found = loaded_after("import codex_hooks")
    assert found == {"heavy": [], "ours": ["codex_hooks"]}


def test_parsing_arguments_imports_no_heavy_package():
    """Building the parser (which lists the sub-commands) must not import what the
    sub-commands use."""
    found = loaded_after(
        "import contextlib, io\n"
        "from codex_hooks.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['rules'])\n"
    )
    assert found["heavy"] == []


@pytest.mark.parametrize(
    "name",
    ["KnowledgeBase", "check", "fix", "Note", "FrontmatterEditor", "edit", "load_roundtrip"],
)
def test_public_names_still_resolve(name):
    import codex_hooks

    assert getattr(codex_hooks, name) is not None
    assert name in codex_hooks.__all__


def test_edit_is_the_function_even_after_its_module_is_imported():
    import codex_hooks
    import codex_hooks.edit  # the import system sets the attribute to the module

    assert callable(codex_hooks.edit)
    assert codex_hooks.edit.__module__ == "codex_hooks.edit"


def test_the_script_defers_inspect_until_an_attribute_is_read():
    """``cli.run`` puts a stand-in for ``inspect`` in place: the package's dataclasses
    import it without loading it, and the first attribute read loads the real module,
    which then answers for the stand-in too (``dataclasses`` keeps the name it bound)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from codex_hooks import cli\n"
            "cli._defer('inspect')\n"
            "import codex_hooks.engine, codex_hooks.kb, dataclasses\n"
            "print('dis' in sys.modules, dataclasses.inspect is sys.modules['inspect'])\n"
            "@dataclasses.dataclass\n"
            "class Undocumented:\n"
            "    a: int\n"
            "import inspect\n"
            "print('dis' in sys.modules, inspect.ismodule(dataclasses.inspect))\n"
            "print(Undocumented.__doc__, sys.modules['inspect'] is not dataclasses.inspect)\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines() == ["False True", "True True", "Undocumented(a: int) True"]


def _without_site_env() -> dict[str, str]:
    """The environment of a ``python -S`` child that imports this checkout's package."""
    import os

    from kbutil import package_paths

    return {**os.environ, "PYTHONPATH": os.pathsep.join(package_paths())}


def test_the_script_defers_urllib_parse_past_pathlib():
    """``pathlib`` binds ``urllib.parse.quote_from_bytes`` when it is imported; the
    script's stand-in answers it, and loads the real module only when it is called. A
    later ``import urllib.parse`` finds the real module, through the package too."""
    out = subprocess.run(
        [
            sys.executable,
            "-S",  # an editable install's .pth file imports pathlib itself
            "-c",
            "import sys\n"
            "from codex_hooks import cli\n"
            "cli._defer('urllib.parse', 'quote_from_bytes')\n"
            "import pathlib\n"
            "print('ipaddress' in sys.modules)\n"
            "print(pathlib.PurePosixPath('/a b').as_uri())\n"
            "import urllib.parse\n"
            "print('ipaddress' in sys.modules, urllib.parse is sys.modules['urllib.parse'])\n"
            "from urllib.parse import urlsplit\n"
            "print(urlsplit('https://example.org/x').netloc, urllib.parse.quote('a b'))\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=_without_site_env(),
    ).stdout
    assert out.splitlines() == [
        "False",
        "file:///a%20b",
        "True True",
        "example.org a%20b",
    ]


def test_a_one_note_check_by_the_script_imports_no_typing(tmp_path):
    """A one-note check, as the script runs it, loads neither ``typing`` (the package's
    run-time names come from ``typing_runtime``), ``urllib.parse``, ``importlib.util``,
    ``signal`` nor ``inspect``, nor the modules that rewrite references to renamed notes
    and apply fixes: each costs start-up time on every commit."""
    from kbutil import claim, source, write_kb

    write_kb(
        tmp_path,
        {
            "domains/ai-alignment/a claim.md": claim(body="See [[missing note]]."),
            "inbox/archive/a source.md": source(),
        },
        git=True,
    )
    script = "import sys\nfrom codex_hooks.cli import run\nrun()\n"
    for _ in range(2):  # cold, then served from the index
        note = tmp_path / "domains/ai-alignment/a claim.md"
        note.write_text(note.read_text() + "\nMore.\n")
        done = subprocess.run(
            [sys.executable, "-S", "-X", "importtime", "-c", script, "check", str(note)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=_without_site_env(),
        )
        assert done.returncode == 0, done.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        assert "codex_hooks.engine" in imported
        unwanted = {"typing", "urllib.parse", "ipaddress", "importlib.util", "signal", "inspect"}
        # Nothing is renamed and nothing fixed: neither rewriting references nor fixing.
        unwanted |= {"codex_hooks.relink", "codex_hooks.fixing"}
        assert imported & unwanted == set()


def test_typing_runtime_stands_in_for_typing():
    """At run time ``cast`` and ``overload`` give back what they are given, and a class
    on ``Generic`` subscripts to itself; type checkers see typing's own names."""
    from codex_hooks.links import WikiLink
    from codex_hooks.memo import MemoKey
    from codex_hooks.typing_runtime import cast, overload

    assert cast("int", "x") == "x"

    def f() -> int:
        return 1

    assert overload(f) is f
    assert MemoKey[int] is MemoKey
    assert repr(MemoKey[int]("k")) == "MemoKey('k')"
    link = WikiLink("a", 1, 2, "[[a]]")
    assert (link.heading, link.alias, link._fields[-1]) == ("", "", "alias")
    assert repr(link) == "WikiLink(target='a', line=1, column=2, raw='[[a]]', heading='', alias='')"
    assert link == ("a", 1, 2, "[[a]]", "", "")
    assert not hasattr(link, "__dict__")  # a plain tuple's memory


def test_a_whole_check_by_the_script_never_loads_inspect(tmp_path):
    """A cold ``check --all-files`` and ``graph``, run as the script runs: ``-X importtime``
    lists every module really imported, and ``inspect`` is not among them."""
    from kbutil import claim, source, write_kb

    write_kb(
        tmp_path,
        {
            "domains/ai-alignment/a claim.md": claim(body="See [[missing note]]."),
            "inbox/archive/a source.md": source(),
        },
        git=True,
    )
    for command in (["check", "--all-files"], ["graph"]):
        run = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "codex_hooks", *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert run.returncode in (0, 1), run.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
        assert "codex_hooks.engine" in imported or command == ["graph"]
        assert "dataclasses" in imported
        assert "inspect" not in imported


def test_every_dataclass_of_the_package_has_a_docstring_of_its_own():
    """``dataclasses`` reads ``inspect`` only for a class without a docstring: one such
    class in the package would load it on every run of the script (see ``cli._defer``)."""
    import dataclasses
    import importlib
    import pkgutil

    import codex_hooks

    undocumented = []
    for module_info in pkgutil.walk_packages(codex_hooks.__path__, "codex_hooks."):
        if module_info.name == "codex_hooks.__main__":  # runs the command line
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and (value.__doc__ or "").startswith(value.__name__ + "(")
            ):
                undocumented.append(f"{module.__name__}.{value.__qualname__}")
    assert undocumented == []
