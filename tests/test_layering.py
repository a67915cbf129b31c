"""The floors of the code (docs/layout.md): checked by import-linter in `make lint`, and
here, so that a wrong import is shown to fail and the counts stay where they are."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "api", "review", "violations", "inspections", "complaints", "whistleblower"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_floors_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "2 kept, 0 broken" in result.stdout


def test_an_import_from_a_higher_floor_breaks_the_contract(tmp_path):
    for name in [*APPS, "registry"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # The foundation reaching up into the dashboard, inside a function.
    text = tmp_path / "registry" / "text.py"
    text.write_text(
        text.read_text()
        + "\n\ndef upward():\n    from review import dashboard\n\n    return dashboard\n"
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "registry is not allowed to import review" in result.stdout
    assert "registry.text -> review.dashboard" in result.stdout


def test_imports_between_apps_stay_at_module_level_and_without_cycles():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "app_imports.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "inside functions: 0 (0.0 %)" in result.stdout
    assert "import cycles between files: 0" in result.stdout
