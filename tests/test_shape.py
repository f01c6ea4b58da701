"""The shape of the package: imports flow one way, modules keep to one job and a readable
size, functions to a screen. Read from the sources (ast), so a cycle fails here before it
can hide behind an import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

from accordi.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "accordi"
MODULE_LINES = 400
FUNCTION_LINES = 50


def modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = (path, ast.parse(path.read_text("utf-8")))
    return found


def imports(name: str, path: Path, tree: ast.Module, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, wherever in it the import stands."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] +
                                ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from . import x` imports the module x when there is one, else x of the package
            for a in node.names:
                candidate = f"{base}.{a.name}"
                found = candidate if candidate in known else base
                if found in known and found != name:
                    out.add(found)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = _pop_group(stack, on, v)
            if len(group) > 1 or v in graph[v]:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _pop_group(stack: list[str], on: set[str], root: str) -> list[str]:
    """The modules on the stack down to `root`, which reach each other: off the stack."""
    group = []
    while True:
        w = stack.pop()
        on.discard(w)
        group.append(w)
        if w == root:
            return group


def test_no_module_imports_itself_back():
    found = modules()
    graph = {name: imports(name, path, tree, set(found))
             for name, (path, tree) in found.items()}
    assert graph["accordi.build"] and graph["accordi.pages"]  # the walk does see imports
    assert cycles(graph) == []


def test_the_walk_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_modules_keep_to_a_readable_size():
    long_modules = []
    for name, (path, _) in modules().items():
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MODULE_LINES:
            long_modules.append(f"{name} ({lines})")
    assert long_modules == []


def test_functions_fit_on_a_screen():
    long_functions = []
    for path, tree in modules().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES:
                    rel = path.relative_to(PROJECT_ROOT)
                    long_functions.append(f"{rel}:{node.name}:{lines}")
    assert long_functions == []
