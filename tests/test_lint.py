"""The code passes the project's linter (ruff: pyflakes and pycodestyle) and type checker (mypy), both
configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.is_file() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_ruff_finds_nothing():
    done = subprocess.run([_tool("ruff"), "check", "kg_build", "zkg", "tests", "scripts", "benchmarks", "notebooks/src"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]


def test_mypy_finds_nothing(tmp_path):
    """kg_build and zkg type-check ([tool.mypy] in pyproject.toml says which modules are still let off)."""
    done = subprocess.run([_tool("mypy"), "--cache-dir", str(tmp_path / "mypy-cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-1000:]
    assert "Success: no issues found" in done.stdout, done.stdout
