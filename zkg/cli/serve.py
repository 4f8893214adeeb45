"""``zkg serve``: the graph on a read-only SPARQL endpoint, with the project's guard in front.

This module reads arguments and prints; the work is done by ``zkg.serve``.
"""

from __future__ import annotations

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

__all__ = ["serve"]


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
            store = open_store(graph_file.parent, timeout=timeout)
        run(graph_file, host=host, port=port, timeout=timeout, explorer=Explorer(store, load_catalogue(queries_dir)),
            endpoint=endpoint, announce=lambda line: click.echo(line), note=lambda line: click.echo(line, err=True))
    except StoreError as exc:
        raise fail(exc) from None
