"""The package's architecture as tests: layers, no import cycles, every module importable alone.

Layers, lowest first (see docs/architecture.md): a module may import its own
layer and the layers below it, never one above — lazy imports inside functions
included, ``if TYPE_CHECKING:`` imports excluded (they never run).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

# Top-level unit (module or subpackage of ``pipeline``) -> layer.
LAYERS = {
    "__init__": 0,
    "errors": 0,
    "fsutil": 0,
    "dbfile": 0,
    "scratch": 0,
    "terminal": 0,
    "text": 1,
    "gettext": 2,
    "mt": 3,
    "memory": 4,
    "terms": 4,
    "qa": 5,
    "publish": 5,
    "reports": 6,
    "project": 7,
    "steps": 8,
    "api": 9,
    "cli": 10,
    "__main__": 11,
    "testing": 11,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _runtime_imports(path: Path, module: str) -> set[str]:
    """Modules of ``pipeline`` that ``path`` imports when it runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        found |= {name for name in names if name in MODULES and name != module}
    return found


GRAPH = {module: _runtime_imports(path, module) for module, path in MODULES.items()}


def test_every_unit_has_a_layer() -> None:
    missing = sorted({_unit(m) for m in MODULES} - LAYERS.keys())
    assert not missing, f"add these to LAYERS (and docs/architecture.md): {missing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_its_layer_and_below(module: str) -> None:
    layer = LAYERS[_unit(module)]
    upward = [
        imported for imported in GRAPH[module] if LAYERS[_unit(imported)] > layer
    ]
    assert not upward, f"{module} (layer {layer}) imports a higher layer: {upward}"


def test_no_import_cycles() -> None:
    """No cycle between modules; a package's ``__init__`` importing its own modules is
    not an edge back from them (importing ``a.b`` initialises ``a`` first, by design)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(GRAPH[module]):
            if module.startswith(imported + "."):
                continue  # a module importing its own package's __init__
            if state.get(imported) == 1:
                cycle = stack[stack.index(imported) :] + [imported]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if imported not in state:
                visit(imported)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


def test_every_module_imports_alone() -> None:
    """``python -c 'import X'`` works for every module in a fresh interpreter."""

    def import_alone(module: str) -> tuple[str, str]:
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        return module, result.stderr.strip().splitlines()[-1] if result.returncode else ""

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [(m, e) for m, e in pool.map(import_alone, sorted(MODULES)) if e]
    assert not failures, failures


# Import name -> distribution, where they differ; optional extras; imports that only
# run as a fallback for older versions of a declared dependency.
DISTRIBUTIONS = {
    "argostranslate": "argos-translate-lt",
    "Stemmer": "pystemmer",
    "babel": "babel",
    "docx": "python-docx",
    "translate": "translate-toolkit",
    "yaml": "pyyaml",
}
OPTIONAL = {"ray": "ray"}  # pip install '.[ray]'
FALLBACKS = {"click": "typer < 0.21 depends on click; newer Typer bundles it as typer._click"}


def _declared(group: list[str]) -> set[str]:
    import re

    return {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower() for spec in group}


def test_every_third_party_import_is_declared() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _declared(project["dependencies"])
    optional = {
        name
        for extra in project.get("optional-dependencies", {}).values()
        for name in _declared(extra)
    }
    imported = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"pipeline"} - FALLBACKS.keys()
    missing = sorted(
        name
        for name in third_party
        if DISTRIBUTIONS.get(name, name).lower() not in declared
        and OPTIONAL.get(name, "") not in optional
    )
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
