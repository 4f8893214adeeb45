"""The graph files and their manifest: one unit, written last, checked by every reader.

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

import hashlib
import json
from pathlib import Path
from typing import Mapping

__all__ = ["MANIFEST", "GraphFileError", "make_manifest", "manifest_text", "read_manifest", "verified_file"]

MANIFEST = "manifest.json"
FORMAT = "zhaotong-kg graph manifest 1"


class GraphFileError(Exception):
    """A graph file is missing, empty, damaged or does not match its manifest (one line, with the fix)."""


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_manifest(files: Mapping[str, bytes], triples: int, records: Mapping[str, int] | None = None,
                  quads: int | None = None, graphs: int | None = None) -> dict:
    """The manifest of a set of graph files (name -> bytes) holding ``triples`` triples in the default
    graph and, for a dataset, ``quads`` quads in ``graphs`` named graphs."""
    sizes = {"quads": quads, "graphs": graphs}
    return {
        "format": FORMAT,
        "triples": triples,
        **{k: v for k, v in sizes.items() if v is not None},
        "files": {name: {"bytes": len(data), "sha256": _sha256_bytes(data)}
                  for name, data in sorted(files.items())},
        "records": dict(sorted((records or {}).items())),
    }


def manifest_text(manifest: Mapping) -> str:
    """Stable JSON text of a manifest (sorted keys, UTF-8, trailing newline)."""
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_manifest(graph_dir: Path) -> dict:
    """The manifest of ``graph_dir``; raises :class:`GraphFileError` when it is missing or unreadable."""
    path = Path(graph_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GraphFileError(f"{path} is missing, so the graph files cannot be checked: "
                             "run `zkg build` (it writes the manifest last)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GraphFileError(f"{path} is unreadable ({type(exc).__name__}): run `zkg build`") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
        raise GraphFileError(f"{path} is not a zhaotong-kg graph manifest: run `zkg build`")
    return data


def verified_file(graph_dir: Path, name: str) -> Path:
    """``graph_dir/name`` after checking it against the manifest (size and sha256).

    Raises :class:`GraphFileError` naming the file and the fix when the file is missing, empty,
    or differs from what the build wrote.
    """
    graph_dir = Path(graph_dir)
    manifest = read_manifest(graph_dir)
    path = graph_dir / name
    entry = manifest["files"].get(name)
    if entry is None:
        raise GraphFileError(f"{path} is not listed in {graph_dir / MANIFEST}: run `zkg build`")
    if not path.is_file():
        raise GraphFileError(f"{path} is missing: run `zkg build`")
    size = path.stat().st_size
    if size == 0 and manifest.get("triples"):
        raise GraphFileError(f"{path} is empty but its manifest says {manifest['triples']} triples: "
                             "run `zkg build`")
    if size != entry.get("bytes") or _sha256_file(path) != entry.get("sha256"):
        raise GraphFileError(f"{path} does not match {graph_dir / MANIFEST} (size {size}, expected "
                             f"{entry.get('bytes')}; damaged or from another build): run `zkg build`")
    if not manifest.get("triples"):
        raise GraphFileError(f"{path} holds no triples: an empty graph is not served; run `zkg build`")
    return path
