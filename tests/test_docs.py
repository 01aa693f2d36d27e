"""The documentation tells the truth: the rule reference is generated from the rules, and
the settings and examples in configuration.md and library.md work as written."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from codex_hooks import Config
from codex_hooks.config import config_from_mapping
from codex_hooks.model import REGISTRY
from codex_hooks.rules import PROBLEMS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_rules_doc", ROOT / "scripts/gen_rules_doc.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_up_to_date():
    expected = _generator().render()
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: run python scripts/gen_rules_doc.py"
    )


def test_rules_doc_has_every_code():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for code in [*REGISTRY, *PROBLEMS]:
        assert f"\n### {code}\n" in text


def test_generator_check_mode(tmp_path, monkeypatch):
    gen = _generator()
    monkeypatch.setattr(gen, "DOC", tmp_path / "rules.md")
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


def _blocks(name: str, lang: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_configuration_doc_names_every_setting():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(Config):
        assert f"| `{f.name}` |" in text, f.name
    for canonical in Config().fields:
        assert f"`{canonical}`" in text


def test_configuration_examples_mean_the_same():
    [yaml_text] = _blocks("configuration.md", "yaml")[:1]
    [toml_text] = _blocks("configuration.md", "toml")
    from_yaml = config_from_mapping(yaml.safe_load(yaml_text))
    from_toml = config_from_mapping(tomllib.loads(toml_text)["tool"]["codex-hooks"])
    assert from_yaml == from_toml
    assert from_yaml.field_name("sourced_from") == "derived_from"
    assert from_yaml.severity == {"BL007": "error", "FM005": "off"}


SAMPLE_KB = ROOT / "examples" / "sample-kb"


@pytest.mark.parametrize("block", _blocks("library.md", "python"))
def test_library_examples_run(tmp_path, block, capsys):
    """Each block of library.md runs as written, against a copy of the sample knowledge
    base, and prints something (a block whose loop finds nothing shows nothing)."""
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    exec(compile(block, "library.md", "exec"), {"root": root})
    assert capsys.readouterr().out.strip()


def test_library_doc_has_the_tasks():
    text = (DOCS / "library.md").read_text(encoding="utf-8")
    for task in (
        "List the provenance index",
        "Find one-way links",
        "Export the graph",
        "Run the checks and read the violations",
        "Edit a note's frontmatter safely",
    ):
        assert f"\n## {task}\n" in text, task


def test_package_quick_start_runs(tmp_path, capsys):
    """The quick start that opens help(codex_hooks) runs as written."""
    import codex_hooks

    doc = codex_hooks.__doc__
    start = doc.index("Quick start")
    body = doc[start:].split("::\n\n", 1)[1].split("\n\n", 1)[0]
    block = "\n".join(line[4:] for line in body.splitlines())
    assert len(block.splitlines()) == 10
    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    exec(compile(block, "codex_hooks/__init__.py", "exec"), {"root": root})
    assert " <- inbox/archive/" in capsys.readouterr().out


def test_public_names_have_an_example_that_runs(tmp_path):
    """Every public name's docstring shows an example, and every example (of the name and
    of its methods) runs as shown, with ``kb`` a copy of examples/sample-kb loaded and
    ``root`` its folder."""
    import doctest

    import codex_hooks

    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    names = [n for n in codex_hooks.__all__ if n != "__version__"]
    shared = {n: getattr(codex_hooks, n) for n in names}
    kb = codex_hooks.KnowledgeBase.load(root, cache=False)
    finder, parser = doctest.DocTestFinder(), doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    missing, report = [], []
    for name in names:
        obj = shared[name]
        examples = parser.get_examples(obj.__doc__ or "")
        if not [e for e in examples if not e.options.get(doctest.SKIP)]:
            missing.append(name)
        for test in finder.find(obj, name, module=False):
            test.globs = {"root": root, "kb": kb, "codex_hooks": codex_hooks, **shared}
            runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert missing == []


@pytest.mark.parametrize("module", ["codex_hooks.graph", "codex_hooks.graph_export"])
def test_graph_module_examples_run(tmp_path, module):
    """The examples in the graph modules' own docstrings run as shown (``kb``: a copy of
    examples/sample-kb)."""
    import doctest
    import importlib

    import codex_hooks

    root = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, root)
    kb = codex_hooks.KnowledgeBase.load(root, cache=False)
    mod = importlib.import_module(module)
    result = doctest.testmod(
        mod,
        extraglobs={"kb": kb, "root": root},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        report=False,
    )
    assert result.attempted > 0
    assert result.failed == 0
