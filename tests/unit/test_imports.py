"""The house rules, read from the modules' own imports: no import circles
among ``workbook`` modules, no import from a lower stage to a higher one,
no import inside a function (the usual way to hide a circle), and nothing
inside the package imports the root ``workbook`` module."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

from workbook.core.paths import PACKAGE_DIR

# Lower number = lower stage.  A module may import its own stage or lower ones.
STAGES = {"core": 0, "data": 1, "config": 1, "stats": 2, "forecast": 2, "assessment": 3, "present": 4, "run": 5,
          "cli": 6}


def _module_name(path: Path, package_dir: Path) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.Module) -> list[tuple[ast.AST, str, bool]]:
    """(node, imported module, inside a function) for every workbook import."""
    out = []
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(x) for f in funcs for x in ast.walk(f) if x is not f}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "workbook":
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.split(".")[0] == "workbook"]
        out += [(node, name, id(node) in nested) for name in names]
    return out


def build_graph(package_dir: Path = PACKAGE_DIR) -> tuple[dict[str, set[str]], list[str]]:
    """The import graph of the package (module -> modules it imports) and the rule breaks other than circles."""
    graph: dict[str, set[str]] = {}
    problems = []
    for path in sorted(package_dir.rglob("*.py")):
        mod = _module_name(path, package_dir)
        graph.setdefault(mod, set())
        for node, target, in_function in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(package_dir.parent)}:{node.lineno}"
            if in_function:
                problems.append(f"{where}: imports {target} inside a function")
            if target == "workbook" and mod != "workbook":
                problems.append(f"{where}: imports the root workbook package")
                continue
            if target != "workbook":
                graph[mod].add(target)
                src_stage, dst_stage = _stage(mod), _stage(target)
                if src_stage is not None and dst_stage is not None and dst_stage > src_stage:
                    problems.append(f"{where}: {mod} (stage {src_stage}) imports {target} (stage {dst_stage})")
    return graph, problems


def _stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.get(parts[1]) if len(parts) > 1 else None


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, or None."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return exc.args[1]
    return None


def test_no_import_circles():
    graph, _ = build_graph()
    assert len(graph) > 60  # the whole package was read
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle)


def test_imports_run_one_way_and_at_the_top():
    _, problems = build_graph()
    assert not problems, "\n".join(problems)


def test_every_module_belongs_to_a_stage():
    graph, _ = build_graph()
    loose = [m for m in graph if m != "workbook" and _stage(m) is None]
    assert not loose


@pytest.mark.parametrize(("source", "message"), [
    ("from workbook.run.assess import run_assessment\n", "stats.bad (stage 2) imports workbook.run.assess (stage 5)"),
    ("def f():\n    from workbook.core.paths import DATA_DIR\n", "imports workbook.core.paths inside a function"),
    ("import workbook\n", "imports the root workbook package"),
])
def test_the_check_catches_each_kind_of_break(tmp_path, source, message):
    pkg = tmp_path / "workbook"
    (pkg / "stats").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "stats" / "__init__.py").write_text("")
    (pkg / "stats" / "bad.py").write_text(source)
    _, problems = build_graph(pkg)
    assert any(message in p for p in problems), problems


def test_the_check_catches_a_circle(tmp_path):
    pkg = tmp_path / "workbook"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "a.py").write_text("from workbook.core.b import x\n")
    (pkg / "core" / "b.py").write_text("from workbook.core.a import y\n")
    graph, _ = build_graph(pkg)
    assert sorted(set(find_circle(graph))) == ["workbook.core.a", "workbook.core.b"]
