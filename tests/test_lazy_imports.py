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
