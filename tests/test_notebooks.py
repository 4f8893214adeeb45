"""Every notebook runs top to bottom on a fresh kernel, and its committed outputs are clean.

The notebooks are generated from notebooks/src/*.py (jupytext) by scripts/make_notebooks.py and executed in place by
scripts/run_notebooks.py; these tests run them again (with the same function) and check:
no cell fails, no output names a folder of this machine, every cell that produces output has
output in the committed file, the charts are there, and the server notebook stopped its server.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["01-tour.ipynb", "02-alliances-and-network.ipynb", "03-indicators.ipynb",
            "04-provenance-and-source.ipynb", "05-sparql-server.ipynb", "06-other-reports.ipynb"]
MACHINE_PATHS = ("/work/", "/root/", "/tmp/", "/home/", "/Users/", "C:\\", str(ROOT), os.path.expanduser("~") + "/")


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_notebooks = _runner()


def _outputs_text(cell) -> str:
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


def _paths_in(nb) -> list[tuple[int, str]]:
    hits = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        text = _outputs_text(cell)
        hits += [(i, p) for p in MACHINE_PATHS if p in text]
    return hits


@pytest.fixture(scope="module", params=EXPECTED)
def notebook(request):
    """(name, committed notebook, the same notebook executed now on a fresh kernel)."""
    path = NOTEBOOKS / request.param
    committed = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(committed)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    run_notebooks.execute(fresh, cwd=NOTEBOOKS)  # raises CellExecutionError on any failing cell
    return request.param, committed, fresh


def test_the_notebooks_are_the_listed_ones():
    assert [p.name for p in run_notebooks.notebooks()] == EXPECTED
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    missing = [name for name in EXPECTED if name not in readme]
    assert not missing, f"notebooks/README.md does not list {missing}"


def test_runs_without_error(notebook):
    name, _, fresh = notebook
    errors = [(i, o.get("ename")) for i, c in enumerate(fresh.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: cells with errors {errors}"
    assert any(c.outputs for c in fresh.cells if c.cell_type == "code"), f"{name} produced no output at all"


def test_no_machine_path_in_outputs(notebook):
    name, committed, fresh = notebook
    assert not _paths_in(fresh), f"{name} (fresh run) outputs hold machine paths: {_paths_in(fresh)}"
    assert not _paths_in(committed), f"{name} (committed) outputs hold machine paths: {_paths_in(committed)}"


def test_committed_outputs_present(notebook):
    """Each code cell that produces output now has output in the committed file, of the same kinds."""
    name, committed, fresh = notebook
    assert len(committed.cells) == len(fresh.cells)
    missing, differ = [], []
    for i, (old, new) in enumerate(zip(committed.cells, fresh.cells)):
        if new.cell_type != "code" or not new.outputs:
            continue
        if not old.outputs:
            missing.append(i)
            continue
        kinds = lambda outs: sorted((o.output_type, tuple(sorted(o.get("data", {}))))  # noqa: E731
                                    for o in run_notebooks.coalesce_streams(outs))
        if kinds(old.outputs) != kinds(new.outputs):
            differ.append(i)
    assert not missing, f"{name}: cells {missing} have no committed output: run scripts/run_notebooks.py"
    assert not differ, f"{name}: cells {differ} have stale committed output: run scripts/run_notebooks.py"


def test_committed_outputs_have_no_run_metadata(notebook):
    name, committed, _ = notebook
    assert set(committed.metadata) <= {"kernelspec", "language_info"}
    assert not [i for i, c in enumerate(committed.cells) if "execution" in c.metadata], \
        f"{name}: cell timings committed: run scripts/run_notebooks.py"


def test_charts_are_committed():
    for name in ("02-alliances-and-network.ipynb", "03-indicators.ipynb", "06-other-reports.ipynb"):
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {})]
        assert images, f"{name} has no committed chart"


def test_network_notebook_is_light_and_links_the_page():
    """Notebook 02 shows a static picture and links `zkg viz`, instead of inlining the page."""
    path = NOTEBOOKS / "02-alliances-and-network.ipynb"
    assert path.stat().st_size < 300_000, f"{path.name} is {path.stat().st_size // 1024} KiB"
    nb = nbformat.read(path, as_version=4)
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False)
    assert "iframe" not in outputs and "vis.Network" not in outputs
    assert "zkg viz -o" in "".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _sources():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_are_their_sources():
    """Every notebook's cells (kind and text) equal its jupytext source in notebooks/src/."""
    make = _sources()
    names = [p.with_suffix(".ipynb").name for p in make.sources()]
    assert names == EXPECTED
    for src in make.sources():
        built = make.build(src)
        committed = nbformat.read(NOTEBOOKS / src.with_suffix(".ipynb").name, as_version=4)
        assert [(c.cell_type, c.source) for c in committed.cells] == [(c.cell_type, c.source) for c in built.cells], \
            f"{src.name} and its notebook differ: run scripts/make_notebooks.py && scripts/run_notebooks.py"


def test_sources_are_code_that_compiles():
    """The percent-format sources are Python a linter reads (magics are comments there)."""
    for src in _sources().sources():
        compile(src.read_text(encoding="utf-8"), str(src), "exec")


@pytest.mark.parametrize("notebook", ["05-sparql-server.ipynb"], indirect=True)
def test_server_notebook_compares_and_stops(notebook):
    name, _, fresh = notebook
    text = "".join(_outputs_text(c) for c in fresh.cells if c.cell_type == "code")
    assert "server stopped: True" in text
    import re

    m = re.search(r"(\d+) of (\d+) answers are the same", text)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) > 0, m and m.group(0)
