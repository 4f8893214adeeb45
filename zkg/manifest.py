"""Reading the graph's manifest and checking a graph file against it: the readers' side of
:mod:`kg_build.manifest`, kept here so that a command that only reads (``zkg query``) does not
import the builder (``kg_build`` imports rdflib and the whole build on import), as
:mod:`zkg.prefixes` is.

``graph/manifest.json`` records, per graph file, its size and its sha256. :func:`verified_file`
reads the whole file to check both; :func:`listed_file` checks only what costs nothing (the file
is listed, present, of the recorded size, and the graph is not empty), for a reader that holds a
key proving the full check was done before (the persistent store, :mod:`zkg.persistent`).

>>> sha256_bytes(b"")[:12]
'e3b0c44298fc'
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["FORMAT", "MANIFEST", "GraphFileError", "Listed", "listed_file", "read_manifest", "sha256_bytes",
           "sha256_file", "verified_file"]

MANIFEST = "manifest.json"
FORMAT = "zhaotong-kg graph manifest 1"


class GraphFileError(Exception):
    """A graph file is missing, empty, damaged or does not match its manifest (one line, with the fix)."""


def sha256_bytes(data: bytes) -> str:
    """The sha256 of ``data`` in hex."""
    import hashlib  # here: loading OpenSSL costs a command that only reads more than its query

    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of the file at ``path`` in hex, read in chunks of 1 MiB."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


class Listed:
    """A graph file as its manifest lists it, with what the file system says of it now: ``path``,
    the manifest's ``sha256`` and ``size`` (the file has that size), and the file's ``mtime_ns``.
    (A plain class: a dataclass costs a command that only reads about a millisecond to define.)"""

    __slots__ = ("path", "sha256", "size", "mtime_ns")

    def __init__(self, path: Path, sha256: str, size: int, mtime_ns: int) -> None:
        self.path, self.sha256, self.size, self.mtime_ns = path, sha256, size, mtime_ns


def listed_file(graph_dir: Path, name: str, manifest: dict | None = None) -> Listed:
    """``graph_dir/name`` checked against the manifest without reading it: listed, present, not
    empty, of the recorded size, in a graph that holds triples. Raises :class:`GraphFileError`."""
    graph_dir = Path(graph_dir)
    manifest = read_manifest(graph_dir) if manifest is None else manifest
    path = graph_dir / name
    entry = manifest["files"].get(name)
    if not isinstance(entry, dict):
        raise GraphFileError(f"{path} is not listed in {graph_dir / MANIFEST}: run `zkg build`")
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        raise GraphFileError(f"{path} is missing: run `zkg build`")
    if stat.st_size == 0 and manifest.get("triples"):
        raise GraphFileError(f"{path} is empty but its manifest says {manifest['triples']} triples: "
                             "run `zkg build`")
    if stat.st_size != entry.get("bytes"):
        raise GraphFileError(_mismatch(path, graph_dir, stat.st_size, entry))
    if not manifest.get("triples"):
        raise GraphFileError(f"{path} holds no triples: an empty graph is not served; run `zkg build`")
    return Listed(path, str(entry.get("sha256")), stat.st_size, stat.st_mtime_ns)


def _mismatch(path: Path, graph_dir: Path, size: int, entry: dict) -> str:
    return (f"{path} does not match {graph_dir / MANIFEST} (size {size}, expected "
            f"{entry.get('bytes')}; damaged or from another build): run `zkg build`")


def verified_file(graph_dir: Path, name: str) -> Path:
    """``graph_dir/name`` after checking it against the manifest (size and sha256).

    Raises :class:`GraphFileError` naming the file and the fix when the file is missing, empty,
    or differs from what the build wrote.
    """
    graph_dir = Path(graph_dir)
    manifest = read_manifest(graph_dir)
    listed = listed_file(graph_dir, name, manifest)
    if sha256_file(listed.path) != listed.sha256:
        raise GraphFileError(_mismatch(listed.path, graph_dir, listed.size, manifest["files"][name]))
    return listed.path
