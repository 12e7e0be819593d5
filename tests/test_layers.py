"""The layer contract in pyproject.toml ([tool.importlinter]), checked by import-linter:
rules ← core ← documents ← {web, demo, api} ← urls, with no cycles. The tree keeps it,
and a violation planted in a copy of the package breaks it, so the check really bites."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports with our contracts over the goldenthread package found in `root`
    (lint-imports puts its working directory first on sys.path)."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", CONFIG],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_the_layer_contract() -> None:
    run = lint_imports(REPO)
    assert run.returncode == 0, f"The layer contract is broken:\n{run.stdout}{run.stderr}"


def copy_of_the_package(tmp_path: Path) -> Path:
    """The goldenthread package's Python files, copied into tmp_path."""

    def not_python(folder: str, names: list[str]) -> list[str]:
        return [
            name
            for name in names
            if name == "__pycache__" or (Path(folder, name).is_file() and not name.endswith(".py"))
        ]

    shutil.copytree(REPO / "goldenthread", tmp_path / "goldenthread", ignore=not_python)
    return tmp_path


def plant(root: Path, module: str, line: str) -> None:
    """Append `line` to `module` in the copy, creating the module and its packages."""
    path = root / Path(*module.split(".")).with_suffix(".py")
    for folder in reversed(path.relative_to(root).parents[:-1]):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "__init__.py").touch()
    with path.open("a") as file:
        file.write(f"\n{line}  # planted by tests/test_layers.py\n")


@pytest.mark.parametrize(
    ("plants", "reported"),
    [
        (
            {"goldenthread.core.access": "import goldenthread.web"},
            [
                "goldenthread.core is not allowed to import goldenthread.web",
                "goldenthread.core.access -> goldenthread.web (l.",
            ],
        ),
        (
            {"goldenthread.documents.pdf": "from goldenthread.web import views"},
            [
                "goldenthread.documents is not allowed to import goldenthread.web",
                "goldenthread.documents.pdf -> goldenthread.web.views (l.",
            ],
        ),
        (
            {"goldenthread.rules.rag": "from goldenthread.core import models"},
            [
                "goldenthread.rules is not allowed to import goldenthread.core",
                "goldenthread.rules.rag -> goldenthread.core.models (l.",
            ],
        ),
        # The demo app is an optional layer: once it exists it is held to its place.
        (
            {"goldenthread.demo.planted": "import goldenthread.web.views"},
            [
                "goldenthread.demo is not allowed to import goldenthread.web",
                "goldenthread.demo.planted -> goldenthread.web.views (l.",
            ],
        ),
        (
            {
                "goldenthread.demo.planted": "",
                "goldenthread.web.planted": "import goldenthread.demo.planted",
            },
            [
                "goldenthread.web is not allowed to import goldenthread.demo",
                "goldenthread.web.planted -> goldenthread.demo.planted (l.",
            ],
        ),
        # Every module directly in goldenthread needs a layer.
        (
            {"goldenthread.reports": "import goldenthread.core"},
            ["The following modules are not listed as layers:", "- goldenthread.reports"],
        ),
        (
            {"goldenthread.rules.spc": "import django.db"},
            [
                "goldenthread.rules is not allowed to import django",
                "goldenthread.rules.spc -> django (l.",
            ],
        ),
    ],
    ids=["core-web", "documents-web", "rules-core", "demo-web", "web-demo", "unlisted", "django"],
)
def test_a_planted_violation_breaks_the_contract(
    tmp_path: Path, plants: dict[str, str], reported: list[str]
) -> None:
    root = copy_of_the_package(tmp_path)
    for module, line in plants.items():
        plant(root, module, line)
    run = lint_imports(root)
    print(run.stdout)  # shown with -rA: what a developer who broke the contract would read
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    for text in reported:
        assert text in run.stdout
