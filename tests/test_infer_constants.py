"""The hand-set numbers of the provenance inference stay in one place, documented, and the
modules of ``codex_hooks/infer`` import each other in one direction."""

from __future__ import annotations

import ast
from pathlib import Path

from codex_hooks.infer import constants

ROOT = Path(__file__).resolve().parents[1]
INFER = ROOT / "codex_hooks" / "infer"
LINKING = ROOT / "docs" / "linking.md"


def _public_constants() -> list[str]:
    return [name for name in vars(constants) if name.isupper() and not name.startswith("_")]


def _is_number(node: ast.expr) -> bool:
    """A literal number, a sum/product/quotient of them, or ``math.log`` of one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_number(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "log" and all(_is_number(a) for a in node.args)
    return False


def test_every_constant_is_in_the_documented_table() -> None:
    rows = [line for line in LINKING.read_text("utf-8").splitlines() if line.startswith("| `")]
    names = _public_constants()
    assert len(names) > 30  # the module was found and read
    missing = [n for n in names if not any(f"`{n}`" in row for row in rows)]
    assert missing == []


def test_no_other_module_of_infer_holds_a_hand_set_number() -> None:
    found = []
    for path in sorted(INFER.glob("*.py")):
        if path.name == "constants.py":
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if value is not None and _is_number(value):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_the_check_above_sees_a_number_when_there_is_one() -> None:
    for source in ("X = 0.5", "X = 2 / 3", "X = math.log(0.05)", "X = -1"):
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.Assign) and _is_number(node.value), source
    node = ast.parse("X = ('a', 'b')").body[0]
    assert isinstance(node, ast.Assign) and not _is_number(node.value)


def _imports_within_infer(path: Path) -> set[str]:
    """The modules of ``infer`` that ``path`` imports, anywhere in it (also in a function or
    under TYPE_CHECKING: a lazy import still makes a loop)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:  # ``from . import X``: the submodule X, else a name of the package's own
                out.update(
                    a.name if (INFER / f"{a.name}.py").exists() else "__init__" for a in node.names
                )
    return out


def test_infer_has_no_import_cycle() -> None:
    graph = {p.stem: _imports_within_infer(p) for p in INFER.glob("*.py")}
    assert "evidence" in graph["vocab"] and "constants" in graph["score"]
    cycles = []
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            module = stack.pop()
            if module == start:
                cycles.append(start)
                break
            if module not in seen:
                seen.add(module)
                stack.extend(graph.get(module, ()))
    assert cycles == []
