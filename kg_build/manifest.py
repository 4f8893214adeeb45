"""The graph files and their manifest: one unit, written last, checked by every reader.

This module writes manifests; reading and checking them is :mod:`zkg.manifest`'s (re-exported
here), so that the commands that only read do not import the builder.

``zkg build`` writes ``graph/zhaotong.trig``, ``graph/zhaotong.nq`` and then ``graph/manifest.json``,
which records, per file, its size and its sha256; the dataset's size (triples of the default graph,
quads and named graphs); and the record count of every fact file. A reader (query, serve, push, network, viz) calls
:func:`verified_file` before it loads a graph file: a file that is missing, empty, cut short or
from another build than its manifest is refused with one line that says to rebuild.

>>> m = make_manifest({"zhaotong.nq": b"<a:s> <a:p> <a:o> .\\n<a:s> <a:p> <a:o> <a:g> .\\n"}, triples=1,
...                   quads=1, graphs=1)
>>> m["files"]["zhaotong.nq"]["bytes"], m["triples"], m["quads"], m["graphs"]
(46, 1, 1, 1)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from zkg.manifest import FORMAT, MANIFEST, GraphFileError, read_manifest, sha256_bytes, sha256_file, verified_file

__all__ = ["MANIFEST", "GraphFileError", "make_manifest", "manifest_text", "read_manifest", "verified_file"]


def make_manifest(files: Mapping[str, bytes | Path], triples: int, records: Mapping[str, int] | None = None,
                  quads: int | None = None, graphs: int | None = None) -> dict:
    """The manifest of a set of graph files (name -> bytes, or the path of a file too big to hold,
    read in chunks) holding ``triples`` triples in the default graph and, for a dataset, ``quads``
    quads in ``graphs`` named graphs."""
    sizes = {"quads": quads, "graphs": graphs}
    return {
        "format": FORMAT,
        "triples": triples,
        **{k: v for k, v in sizes.items() if v is not None},
        "files": {name: _entry(data) for name, data in sorted(files.items())},
        "records": dict(sorted((records or {}).items())),
    }


def _entry(data: bytes | Path) -> dict:
    if isinstance(data, Path):
        return {"bytes": data.stat().st_size, "sha256": sha256_file(data)}
    return {"bytes": len(data), "sha256": sha256_bytes(data)}


def manifest_text(manifest: Mapping) -> str:
    """Stable JSON text of a manifest (sorted keys, UTF-8, trailing newline)."""
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
