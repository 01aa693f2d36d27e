"""The package's layers hold: no module imports one above it, and no package's modules
import each other in a cycle (the contract is ``[tool.importlinter]`` in pyproject.toml;
docs/architecture.md draws it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module", autouse=True)
def _have_lint_imports() -> None:
    if not LINT_IMPORTS.exists():
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")


def test_every_contract_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a helper reaching up into the index, which imports it: a climb and a cycle
        ("values.py", "from .index import NoteIndex\n", "0 kept, 2 broken"),
        # the rules importing the engine that runs them: a climb and a cycle
        ("rules/common.py", "from ..engine import check\n", "0 kept, 2 broken"),
        # two modules of infer/ importing each other: a cycle inside one layer
        ("infer/content.py", "from .copies import copies\n", "1 kept, 1 broken"),
    ],
)
def test_a_climbing_import_breaks_the_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    """The contract is not vacuous: the same package with one more import fails it."""
    shutil.copytree(REPO / "codex_hooks", tmp_path / "codex_hooks")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "codex_hooks" / module
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    if module == "infer/content.py":
        copies = tmp_path / "codex_hooks" / "infer" / "copies.py"
        copies.write_text(
            copies.read_text(encoding="utf-8") + "from .content import Content\n",
            encoding="utf-8",
        )
    result = lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Contracts: {broken}." in result.stdout


def test_git_is_run_from_one_module_only() -> None:
    """Every git call goes through gitutil: no other module starts a process."""
    package = REPO / "codex_hooks"
    starting = sorted(
        file.relative_to(package).as_posix()
        for file in package.rglob("*.py")
        if "subprocess.run(" in (text := file.read_text(encoding="utf-8"))
        or "subprocess.Popen(" in text
        or "import git\n" in text
    )
    assert starting == ["gitutil.py"]


def test_roundtrip_without_ruamel_says_how_to_get_it() -> None:
    """ruamel.yaml is an optional extra: without it, load_roundtrip names the extra."""
    code = (
        "import sys\n"
        "sys.modules['ruamel'] = None\n"
        "sys.modules['ruamel.yaml'] = None\n"
        "from codex_hooks import Note, load_roundtrip\n"
        "try:\n"
        "    load_roundtrip(Note.from_text('---\\na: 1\\n---\\n'))\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "load_roundtrip needs ruamel.yaml: pip install 'codex-hooks[roundtrip]'\n"
