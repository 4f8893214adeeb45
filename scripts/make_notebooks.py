"""Write the notebooks in notebooks/ from their sources in notebooks/src/ (then run scripts/run_notebooks.py).

The sources are jupytext percent-format Python files (``notebooks/src/01-tour.py`` …): real code that
an editor and a linter read, with markdown cells as ``# %% [markdown]`` comments. They are paired
with the ``.ipynb`` files (``notebooks/jupytext.toml``), so Jupyter with jupytext keeps both in step;
this script writes each ``.ipynb`` afresh (no outputs) with stable cell ids, and
``scripts/run_notebooks.py`` executes it::

    python3 scripts/make_notebooks.py && python3 scripts/run_notebooks.py
    python3 scripts/make_notebooks.py 02-alliances-and-network.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

__all__ = ["SOURCES", "build", "main", "sources"]

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "notebooks" / "src"


def sources(folder: Path = SOURCES) -> list[Path]:
    """The notebook sources, in reading order."""
    return sorted(folder.glob("[0-9][0-9]-*.py"))


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook (no outputs) of one source file, with the python3 kernel and ids cell-00, cell-01…"""
    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata = nbformat.NotebookNode({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        cell.metadata = nbformat.NotebookNode()
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def main(argv: list[str]) -> int:
    out = ROOT / "notebooks"
    paths = [SOURCES / Path(a).with_suffix(".py").name for a in argv] if argv else sources()
    for src in paths:
        nb = build(src)
        nbformat.validate(nb)
        name = src.with_suffix(".ipynb").name
        nbformat.write(nb, out / name)
        print(f"wrote notebooks/{name} ({len(nb.cells)} cells) from notebooks/src/{src.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
