"""Execute the notebooks in place, so their committed outputs are the outputs of this run.

Each notebook runs top to bottom on a fresh ``python3`` kernel with ``notebooks/`` as the working
directory (as a reader opening it would). What changes from run to run and says nothing about the
graph is left out: no cell timings (``record_timing=False``), no kernel/interpreter version in the
notebook metadata, execution counts 1, 2, 3… in cell order. No output is edited, but consecutive
pieces of one stream are joined (a kernel may flush one print in two pieces; Jupyter shows one).

    python3 scripts/run_notebooks.py                 # all notebooks
    python3 scripts/run_notebooks.py 03-indicators.ipynb
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

__all__ = ["NOTEBOOK_DIR", "clean", "coalesce_streams", "execute", "main", "notebooks"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
KEEP_METADATA = ("kernelspec",)


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks, in reading order."""
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def execute(nb: nbformat.NotebookNode, cwd: Path = NOTEBOOK_DIR, timeout: int = 180) -> nbformat.NotebookNode:
    """Run ``nb`` top to bottom on a fresh python3 kernel in ``cwd``; raise on the first error."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def coalesce_streams(outputs: list) -> list:
    """``outputs`` with consecutive pieces of one stream (stdout, stderr) joined into one output."""
    out: list = []
    for o in outputs:
        if out and o.get("output_type") == "stream" and out[-1].get("output_type") == "stream" \
                and out[-1].get("name") == o.get("name"):
            out[-1] = nbformat.NotebookNode({**out[-1], "text": out[-1]["text"] + o["text"]})
        else:
            out.append(o)
    return out


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes from machine to machine or run to run; join split streams."""
    nb.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items() if k in KEEP_METADATA})
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    return nb


def main(argv: list[str]) -> int:
    paths = [NOTEBOOK_DIR / a for a in argv] if argv else notebooks()
    failed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            execute(nb)
        except CellExecutionError as exc:
            failed += 1
            print(f"FAILED {path.name}: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
            continue
        nbformat.write(clean(nb), path)
        print(f"{path.name:40s} {time.perf_counter() - start:5.1f} s  {path.stat().st_size // 1024:6d} KiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
