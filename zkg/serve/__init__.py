"""Serve the graph safely: our own small web server in front of a private, read-only Oxigraph.

Three parts, kept apart:

* :mod:`zkg.serve.engine` – the private Oxigraph child: loaded from the graph's dataset (default
  graph and named graphs as they are, the ontology in both) into a temporary store, served
  read-only on a private port, dying with its parent; also the bare server for tests and notebooks;
* :mod:`zkg.serve.front` – the guarded SPARQL 1.1 Protocol front (Flask), :func:`create_app`;
* :mod:`zkg.serve.server` – :func:`run`, both together for ``zkg serve``.

The names below are the package's API (the CLI, the tests and notebook 05 use them).
"""

from zkg.serve.engine import (DEFAULT_TIMEOUT, Engine, ServeError, free_port, load_store_dir, oxigraph_binary,
                              remove_stale_workdirs, start_server, wait_until_up)
from zkg.serve.front import create_app
from zkg.serve.server import run

__all__ = ["DEFAULT_TIMEOUT", "Engine", "ServeError", "create_app", "free_port", "load_store_dir",
           "oxigraph_binary", "remove_stale_workdirs", "run", "start_server", "wait_until_up"]
