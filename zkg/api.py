"""The notebook API: open the graph, ask named questions, get rows or a DataFrame.

>>> g = open_graph(data='<https://e/a> <https://e/p> "x" .', queries={})
>>> g.sparql("SELECT ?o WHERE { ?s ?p ?o }").rows
[('x',)]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from zkg.catalogue import Catalogue, Question
from zkg.store import Result, Store, open_store

__all__ = ["Graph", "open_graph", "read_queries"]


def read_queries(folder: str | Path = "queries") -> dict[str, str]:
    """``{name: text}`` of every ``*.rq`` file in ``folder``."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.rq"))}


class Graph:
    """A store plus the catalogue of named questions."""

    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue

    def question(self, name: str) -> Question:
        """The named question (closest names suggested when unknown)."""
        return self.catalogue.get(name)

    def result(self, name: str, **params: Any) -> Result:
        """Run a named question with parameters; the full :class:`~zkg.store.Result`."""
        q = self.catalogue.get(name)
        return self.store.select(q.text, q.bind(params))

    def ask(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named question; rows as dictionaries."""
        return self.result(name, **params).records()

    def frame(self, name: str, **params: Any):
        """Run a named question; a pandas DataFrame."""
        return self.result(name, **params).frame()

    def sparql(self, text: str, params: Mapping[str, Any] | None = None) -> Result:
        """Run an ad-hoc read-only query."""
        return self.store.select(text, params)


def open_graph(graph_dir: str | Path = "graph", engine: str = "oxigraph", endpoint: str | None = None,
               queries: str | Path | Mapping[str, str] = "queries", timeout: float = 30.0,
               data: str | None = None) -> Graph:
    """Open the graph (embedded store from ``graph_dir``, or ``endpoint``) with the named questions."""
    texts = queries if isinstance(queries, Mapping) else read_queries(queries)
    store = open_store(graph_dir, engine=engine, endpoint=endpoint, timeout=timeout, data=data)
    return Graph(store, Catalogue.from_texts(texts))
