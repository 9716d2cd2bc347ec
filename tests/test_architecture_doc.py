"""docs/architecture.md matches the tree: every package and top-level module is named,
every path it names exists, and its layer table agrees with tests/test_architecture.py.

Convention: a package is named ``pipeline/<name>/`` (subpackages ``pipeline/a/b/``), a
top-level module ``pipeline/<name>.py``. Under a heading naming packages
(``### `pipeline/steps/` ...``) a bare ``module.py`` in backticks is a module of one
of them; elsewhere ``a/b.py`` in backticks is ``pipeline/a/b.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
DOC = ROOT / "docs" / "architecture.md"

PATH_RE = re.compile(r"(?<![\w./-])((?:pipeline|tests)/[\w./-]*)")
TICKED_RE = re.compile(r"`([^`\s]+)`")
PACKAGE_IN_HEADING_RE = re.compile(r"`(pipeline/[\w/]+/)`")


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _packages() -> list[str]:
    """``pipeline/<a>/`` (and ``pipeline/<a>/<b>/``): every subpackage, at any depth."""
    return sorted(
        init.parent.relative_to(ROOT).as_posix() + "/"
        for init in PACKAGE.rglob("__init__.py")
        if init.parent != PACKAGE
    )


def _top_level_modules() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in PACKAGE.glob("*.py"))


def _named_paths(text: str) -> set[str]:
    return {match.rstrip(".") for match in PATH_RE.findall(text)}


def test_the_tree_is_scanned() -> None:
    # Guards the tests below against passing on an empty scan.
    assert "pipeline/steps/" in _packages()
    assert "pipeline/mt/models/" in _packages()
    assert "pipeline/api.py" in _top_level_modules()


def test_every_package_is_named() -> None:
    text = _doc()
    missing = [package for package in _packages() if package not in text]
    assert not missing, f"docs/architecture.md does not name these packages: {missing}"


def test_every_top_level_module_is_named() -> None:
    text = _doc()
    missing = [module for module in _top_level_modules() if module not in text]
    assert not missing, f"docs/architecture.md does not name these modules: {missing}"


def test_every_named_path_exists() -> None:
    named = _named_paths(_doc())
    assert len(named) > 20, named  # the regular expression still finds the doc's paths
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_modules_named_in_package_sections_exist() -> None:
    """A bare ``x.py`` under a package heading, and ``a/b.py`` anywhere, is a real module."""
    missing = []
    checked = 0
    packages: list[str] = []
    for line in _doc().splitlines():
        if line.startswith("#"):
            packages = PACKAGE_IN_HEADING_RE.findall(line)
            continue
        for token in TICKED_RE.findall(line):
            if not token.endswith((".py", ".j2")) or token.startswith(("pipeline/", "tests/")):
                continue
            if "/" in token:
                candidates = [f"pipeline/{token}"]
            elif packages:
                candidates = [package + token for package in packages]
            else:
                continue
            checked += 1
            if not any((ROOT / candidate).is_file() for candidate in candidates):
                missing.append(f"{token} (looked for {candidates})")
    assert checked > 50, checked  # the package sections were found and read
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"


def _layers() -> dict[str, int]:
    """``LAYERS`` of tests/test_architecture.py, read without importing it."""
    tree = ast.parse((ROOT / "tests" / "test_architecture.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "LAYERS" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("tests/test_architecture.py has no LAYERS")


def _documented_layers() -> dict[str, int]:
    """Unit -> layer from the doc's table rows ``| <layer> | `pipeline/...`, ... |``."""
    found = {}
    for line in _doc().splitlines():
        row = re.match(r"\|\s*(\d+)\s*\|(.*)\|\s*$", line)
        if not row:
            continue
        for path in PATH_RE.findall(row.group(2)):
            unit = path.removeprefix("pipeline/").rstrip("/").removesuffix(".py")
            found[unit] = int(row.group(1))
    return found


def test_layer_table_matches_the_architecture_test() -> None:
    layers = _layers()
    documented = _documented_layers()
    units = {package.split("/")[1] for package in _packages()} | {
        Path(module).stem for module in _top_level_modules()
    }
    assert len(units) > 10, units
    wrong = {
        unit: (layer, layers.get(unit))
        for unit, layer in documented.items()
        if layers.get(unit) != layer
    }
    assert not wrong, f"layer in docs/architecture.md vs LAYERS: {wrong}"
    missing = sorted(units - documented.keys())
    assert not missing, f"units missing from the layer table of docs/architecture.md: {missing}"
