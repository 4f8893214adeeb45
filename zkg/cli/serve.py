"""``zkg serve``: the graph on a read-only SPARQL endpoint, with the project's guard in front and the
explorer's pages; ``zkg site``: the same pages as a static site.

This module reads arguments, reads and writes files and prints; the work is done by ``zkg.serve``
and ``zkg.explorer``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from zkg.cli import cli
from zkg.cli.options import (default_dir, endpoint_option, fail, graph_dir_option, load_catalogue,
                             queries_dir_option)
from zkg.serve import DEFAULT_TIMEOUT, run
from zkg.serve.backend import backend_url_problem
from zkg.errors import StoreError
from zkg.explorer import Explorer
from zkg.store import open_store
from zkg.loading import find_graph_file

__all__ = ["serve", "site"]


def _shapes(graph_file: Path) -> str:
    """The SHACL shapes beside the ontology the store loads (``ontology/shapes.ttl``), or "" when absent."""
    from zkg.loading import find_ontology_file

    ontology = find_ontology_file(graph_file.parent)
    shapes = ontology.parent / "shapes.ttl" if ontology is not None else None
    return shapes.read_text(encoding="utf-8") if shapes is not None and shapes.is_file() else ""


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this machine by default).")
@graph_dir_option
@endpoint_option
@queries_dir_option
@click.option("--timeout", type=click.IntRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one query may run; the server stops it after that.")
def serve(port, host, graph_dir, endpoint, queries_dir, timeout):
    """Serve the explorer (URL/) and a read-only SPARQL 1.1 endpoint with its editor (URL/sparql).

    Every query passes the project's guard first: updates and SERVICE (federation) are refused
    in one line (HTTP 403), bad syntax too (400). Behind the guard, a private Oxigraph server
    answers, with a time limit per query; with --endpoint URL, a remote SPARQL server answers
    instead (nothing is loaded; the explorer only reads from it). The pages load nothing from
    outside. Ctrl-C stops it and removes its temporary store.

    \b
    Example:
        zkg serve --port 7878
        zkg query --all --endpoint http://127.0.0.1:7878/sparql
        zkg serve --port 7879 --endpoint http://127.0.0.1:7878/sparql
    """
    try:
        graph_file = None
        if endpoint is not None:
            if graph_dir is not None:
                raise click.UsageError("give --graph-dir or --endpoint, not both: with --endpoint the remote server holds the graph")
            problem = backend_url_problem(endpoint)
            if problem:
                raise click.ClickException(f"--endpoint {problem}")
            store = open_store(endpoint=endpoint, timeout=timeout)
        else:
            graph_file = find_graph_file(graph_dir or default_dir("graph"))
            store = open_store(graph_file.parent, timeout=timeout, lasting=True)
        explorer = Explorer(store, load_catalogue(queries_dir), shapes=_shapes(graph_file) if graph_file else "")
        run(graph_file, host=host, port=port, timeout=timeout, explorer=explorer, endpoint=endpoint,
            announce=lambda line: click.echo(line), note=lambda line: click.echo(line, err=True))
    except StoreError as exc:
        raise fail(exc) from None


@cli.command()
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the site into (new or empty; --force replaces its contents).")
@click.option("--force", is_flag=True, help="Replace the contents of a folder that is not empty.")
@graph_dir_option
@queries_dir_option
def site(out, force, graph_dir, queries_dir):
    """Write the explorer's pages as a static site (relative links; any static host serves it).

    Every page reachable from the home page is written (entity pages, the article, every named
    question with its answer for the default parameters, and for each value when its one
    parameter has few, with the downloads; the ontology; the network; the assets), rendered by the
    same app as zkg serve; there is no live SPARQL endpoint. A broken link, or a link that leaves
    the site, is an error (one line each) and nothing is written. The folder is written whole or
    not at all.

    \b
    Example:
        zkg site -o site
        python3 -m http.server -d site 8000
    """
    from zkg.explorer.site import site_pages

    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{out} is a file: give a folder for -o")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise click.UsageError(f"{out} is not empty: choose a new folder, or pass --force to replace its contents")
    try:
        graph_file = find_graph_file(graph_dir or default_dir("graph"))
        explorer = Explorer(open_store(graph_file.parent), load_catalogue(queries_dir), site=True,
                            shapes=_shapes(graph_file))
        made = site_pages(explorer)
    except StoreError as exc:
        raise fail(exc) from None
    for line in made.failures:
        click.echo(f"zkg site: {line}", err=True)
    if made.failures:
        raise click.ClickException(f"{len(made.failures)} broken or outside link(s), listed above: nothing written to {out}")
    _write_site(out, made.files)
    size = sum(len(data) for data in made.files.values())
    click.echo(f"wrote {len(made.files)} files ({size // 1024} KiB) to {out}/; open {out}/index.html", err=True)


def _write_site(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a temporary folder beside ``out``, then put it in place of ``out``."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise click.ClickException(f"cannot write into {parent}: {exc.strerror}: choose another -o folder") from None
    old = None
    try:
        for path, data in files.items():
            target = tmp / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        mask = os.umask(0)
        os.umask(mask)
        for folder in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
            folder.chmod(0o777 & ~mask)
        for file in (p for p in tmp.rglob("*") if p.is_file()):
            file.chmod(0o666 & ~mask)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=parent))
            out.rename(old / "site")
        tmp.rename(out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            (old / "site").rename(out)
        raise click.ClickException(f"cannot write the site into {out}: {exc.strerror}: choose another -o folder") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
