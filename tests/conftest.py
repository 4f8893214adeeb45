"""Shared fixtures: the project folder, a scratch copy of it, and one build of the real graph."""

from __future__ import annotations

import os
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
    folder holding zhaotong.trig, zhaotong.nq and manifest.json (like graph/)."""

    root: Path
    result: object  # kg_build.BuildResult
    graph: Path


TWO_ARTICLES = ROOT / "tests" / "fixtures" / "two-articles"


def build_fixture_project(source: Path, into: Path) -> BuiltProject:
    """Copy the fixture project ``source`` into ``into``, put the real project's ontology/ beside it
    (never copied into the fixture), build it with kg_build and write its graph files to graph/."""
    from kg_build import build
    from kg_build.manifest import MANIFEST, manifest_text

    shutil.copytree(source, into, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(ROOT / "ontology", into / "ontology")
    result = build(into)
    graph = into / "graph"
    graph.mkdir()
    for name, data in {**result.files(), MANIFEST: manifest_text(result.manifest()).encode("utf-8")}.items():
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
            text: bool = True, stdout: Any = subprocess.PIPE, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
    """Run the real command line in a child process (so tracebacks, exit codes and stderr are real).

    ``cwd`` defaults to the checkout; ``stdin`` is piped in; ``text=False`` gives bytes (a BOM, say);
    ``stdout`` may be an open file, for output too big to hold; ``env`` adds environment variables."""
    return subprocess.run([sys.executable, "-m", "zkg", *args], stdout=stdout, stderr=subprocess.PIPE, text=text,
                          input=stdin, cwd=cwd or ROOT, timeout=timeout,
                          env={**os.environ, **env} if env else None)


@pytest.fixture(scope="session")
def zkg():
    """The one way tests run the command line, :func:`run_zkg`: ``zkg("build", "--out", d)`` →
    CompletedProcess."""
    return run_zkg


# --------------------------------------------------------------------------- a small RDF dataset

#: The named graphs of :func:`write_dataset` and the triples each holds (N-Triples text). The
#: default graph holds their distinct union, as the build's dataset does: ``zt:leads`` is
#: asserted by two records, so it is in two named graphs but once in the default graph.
DATASET_GRAPHS = {
    "https://w3id.org/zhaotong-kg/id/fact/lead-a": [
        "<https://w3id.org/zhaotong-kg/id/school/a> <https://w3id.org/zhaotong-kg/ontology#leads> "
        "<https://w3id.org/zhaotong-kg/id/alliance/x> ."],
    "https://w3id.org/zhaotong-kg/id/fact/label-a": [
        "<https://w3id.org/zhaotong-kg/id/school/a> <https://w3id.org/zhaotong-kg/ontology#leads> "
        "<https://w3id.org/zhaotong-kg/id/alliance/x> .",
        '<https://w3id.org/zhaotong-kg/id/school/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲中学"@zh .'],
    "https://w3id.org/zhaotong-kg/id/source/art": [
        '<https://w3id.org/zhaotong-kg/id/alliance/x> <http://www.w3.org/2000/01/rdf-schema#label> "甲联盟"@zh .'],
    "https://w3id.org/zhaotong-kg/id/provenance": [
        '<https://w3id.org/zhaotong-kg/id/fact/lead-a> <https://w3id.org/zhaotong-kg/ontology#quote> "甲为盟主"@zh .'],
}


def write_dataset(folder: Path, graphs: dict[str, list[str]] | None = None, ontology: bool = True) -> Path:
    """A built graph folder ``folder/graph`` holding a small dataset as the build writes one:
    ``zhaotong.nq`` (sorted), ``zhaotong.trig`` and the manifest (``triples`` of the default graph,
    ``quads`` and ``graphs`` of the named ones), with the real ontology beside it in
    ``folder/ontology`` unless ``ontology`` is false. Returns the graph folder."""
    import pyoxigraph as ox

    from kg_build.manifest import make_manifest, manifest_text

    graphs = DATASET_GRAPHS if graphs is None else graphs
    default = sorted({t for triples in graphs.values() for t in triples})
    lines = default + [f"{t[:-1]} <{g}> ." for g, triples in graphs.items() for t in triples]
    nq = "".join(sorted(line + "\n" for line in lines)).encode("utf-8")
    store = ox.Store()
    store.bulk_load(nq, ox.RdfFormat.N_QUADS)
    trig = store.dump(format=ox.RdfFormat.TRIG)
    out = folder / "graph"
    out.mkdir(parents=True)
    (out / "zhaotong.nq").write_bytes(nq)
    (out / "zhaotong.trig").write_bytes(trig)
    manifest = make_manifest({"zhaotong.nq": nq, "zhaotong.trig": trig}, triples=len(default))
    # the counts the dataset build adds to the manifest (kg_build.manifest writes them once it lands)
    manifest.update(quads=sum(len(t) for t in graphs.values()), graphs=len(graphs))
    (out / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    if ontology:
        (folder / "ontology").mkdir()
        shutil.copy(ROOT / "ontology" / "zhaotong.ttl", folder / "ontology" / "zhaotong.ttl")
    return out


def ontology_triples() -> int:
    """The number of triples in ontology/zhaotong.ttl."""
    import pyoxigraph as ox

    return len(list(ox.parse(path=str(ROOT / "ontology" / "zhaotong.ttl"), format=ox.RdfFormat.TURTLE)))


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> Path:
    """The graph folder of :func:`write_dataset` (with the ontology beside it); do not change it."""
    return write_dataset(tmp_path_factory.mktemp("dataset"))


@pytest.fixture(scope="session")
def make_dataset():
    """The function :func:`write_dataset`, for a test that writes its own dataset."""
    return write_dataset


@pytest.fixture()
def dataset_graphs() -> dict[str, list[str]]:
    """A copy of :data:`DATASET_GRAPHS` that a test may change."""
    return {g: list(t) for g, t in DATASET_GRAPHS.items()}


@pytest.fixture(scope="session")
def ontology_size() -> int:
    """The number of triples in ontology/zhaotong.ttl."""
    return ontology_triples()
