"""Shared fixtures: the project folder, a scratch copy of it, and one build of the real graph."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Test files that start servers, browsers, kernels, many threads or many `zkg` processes: the slow
# tier. `pytest -m "not slow"` runs the rest, in-process, for a quick loop while editing (under 30 s on two
# cores); CI runs all. A single slow test in a quick file says so itself with @pytest.mark.slow.
SLOW_FILES = {"test_serve.py", "test_server.py", "test_viz_browser.py", "test_notebooks.py", "test_load.py",
              "test_examples.py", "test_safety.py", "test_fuzz_facts.py", "test_guard.py", "test_alliances.py",
              "test_ask_by_name.py", "test_lint.py", "test_curating.py", "test_bad_input.py", "test_ontology.py",
              "test_network.py", "test_sources.py", "test_audit_fixes.py"}


def pytest_ignore_collect(collection_path, config):
    """Under exactly ``-m "not slow"``, do not even import the slow files (their imports — Playwright,
    Hypothesis, Jupyter — cost seconds of a quick run); any other selection collects them."""
    if config.getoption("markexpr", "") == "not slow" and collection_path.name in SLOW_FILES:
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(project_root):
    """The graph built from the committed inputs (in memory; nothing written)."""
    from kg_build import build

    return build(project_root)


@dataclass
class BuiltProject:
    """A fixture project built into a temporary folder: its root, the build's result and the
    folder holding zhaotong.ttl, zhaotong.nt and manifest.json (like graph/)."""

    root: Path
    result: object  # kg_build.BuildResult
    graph: Path


TWO_ARTICLES = ROOT / "tests" / "fixtures" / "two-articles"


def build_fixture_project(source: Path, into: Path) -> BuiltProject:
    """Copy the fixture project ``source`` into ``into``, put the real project's ontology/ beside it
    (never copied into the fixture), build it with kg_build and write its graph files to graph/."""
    from kg_build import build
    from kg_build.build import GRAPH_FILES
    from kg_build.manifest import MANIFEST, make_manifest, manifest_text

    shutil.copytree(source, into, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(ROOT / "ontology", into / "ontology")
    result = build(into)
    graph = into / "graph"
    graph.mkdir()
    files = dict(zip(GRAPH_FILES, (result.turtle.encode("utf-8"), result.ntriples.encode("utf-8"))))
    manifest = make_manifest(files, result.summary["triples"], records=result.summary["records_per_file"])
    for name, data in {**files, MANIFEST: manifest_text(manifest).encode("utf-8")}.items():
        (graph / name).write_bytes(data)
    return BuiltProject(into, result, graph)


@pytest.fixture(scope="session")
def two_articles(tmp_path_factory) -> BuiltProject:
    """tests/fixtures/two-articles built by kg_build (two short test articles, their facts, the real
    ontology). ``two_articles.graph`` is a graph folder with a manifest, usable wherever the
    hand-written query_graph / network_graph fixtures are."""
    return build_fixture_project(TWO_ARTICLES, tmp_path_factory.mktemp("two-articles") / "project")


@pytest.fixture()
def scratch_project(tmp_path) -> Path:
    """A copy of the project's inputs that a test may break."""
    for name in ("sources", "facts", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def run_zkg(*args: str, cwd: Path | None = None, stdin: str | None = None, timeout: float = 300,
            text: bool = True, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess:
    """Run the real command line in a child process (so tracebacks, exit codes and stderr are real).

    ``cwd`` defaults to the checkout; ``stdin`` is piped in; ``text=False`` gives bytes (a BOM, say);
    ``stdout`` may be an open file, for output too big to hold."""
    return subprocess.run([sys.executable, "-m", "zkg", *args], stdout=stdout, stderr=subprocess.PIPE, text=text,
                          input=stdin, cwd=cwd or ROOT, timeout=timeout)


@pytest.fixture(scope="session")
def zkg():
    """The one way tests run the command line, :func:`run_zkg`: ``zkg("build", "--out", d)`` →
    CompletedProcess."""
    return run_zkg
