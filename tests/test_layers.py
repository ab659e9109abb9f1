"""The apps form layers: each imports only apps below it (README, "Layers").

Read from the source with ``ast``, so a lazy import inside a function counts as much as one
at the top of a module: an upward import hidden in a function is still an upward import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import the apps listed before it, never one after it.
LAYERS: list[str] = [
    "core",
    "vendors",
    "contracts",
    "documents",
    "reports",
    "slas",
    "savings",
    "reminders",
    "scorecards",
    "overview",
]
TOP = "bpo_portal"  # settings, URLs, the Celery app: wires everything


def project_imports(path: Path) -> set[str]:
    """The project apps a module imports (first component of every absolute import)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in {*LAYERS, TOP})
    return found


def upward_imports(app: str) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for imported in sorted(project_imports(path) - allowed):
            problems.append(f"{path.relative_to(ROOT)} imports {imported}")
    return problems


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_a_higher_one(app):
    assert upward_imports(app) == []


def test_every_app_is_placed_in_a_layer():
    """A new app must be given its layer here (and in the README's picture)."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"apps without a layer: {sorted(apps - set(LAYERS))}"


def test_the_check_sees_an_upward_import(tmp_path):
    """The walk finds lazy imports inside functions as well as top-level ones."""
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from slas.selectors import x\n    import overview.views\n")
    assert project_imports(module) == {"slas", "overview"}
