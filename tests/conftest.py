"""Shared fixtures: the project folder, a scratch copy of it, and one build of the real graph."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(project_root):
    """The graph built from the committed inputs (in memory; nothing written)."""
    from kg_build import build

    return build(project_root)


@pytest.fixture()
def scratch_project(tmp_path) -> Path:
    """A copy of the project's inputs that a test may break."""
    for name in ("sources", "facts", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def run_zkg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a child process (so tracebacks and exit codes are real)."""
    return subprocess.run([sys.executable, "-m", "zkg", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


@pytest.fixture(scope="session")
def zkg():
    """The ``run_zkg`` function: ``zkg("build", "--out", d)`` → CompletedProcess."""
    return run_zkg
