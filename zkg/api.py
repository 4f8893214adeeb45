"""The notebook API: open the graph, ask named questions, get rows or a DataFrame.

Wherever a question wants a thing (an IRI parameter), a name does too: ``g.ask("alliance-counties",
alliance="昭通一中")`` (see :mod:`zkg.lookup`); ad-hoc SPARQL gets the project's prefixes.

>>> g = open_graph(data='<https://e/a> <https://e/p> "x" .', queries={})
>>> g.sparql("SELECT ?o WHERE { ?s ?p ?o }").rows
[('x',)]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from zkg.adhoc import prepare_adhoc
from zkg.catalogue import Catalogue, Question
from zkg.lookup import Resolver
from zkg.result import Result
from zkg.store import open_store, Store
from zkg.values import IRI

__all__ = ["Graph", "open_graph", "read_queries"]


def read_queries(folder: str | Path = "queries") -> dict[str, str]:
    """``{name: text}`` of every ``*.rq`` file in ``folder``."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.rq"))}


class Graph:
    """A store plus the catalogue of named questions."""

    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue
        self.resolver = Resolver(store)

    def question(self, name: str) -> Question:
        """The named question (closest names suggested when unknown)."""
        return self.catalogue.get(name)

    def resolve(self, name: str, cls: str | None = None) -> IRI:
        """The IRI of the thing called ``name`` (an IRI or CURIE is returned as it is)."""
        return self.resolver(name, cls)

    def result(self, name: str, **params: Any) -> Result:
        """Run a named question with parameters (IRIs, CURIEs or names); the full :class:`~zkg.result.Result`."""
        q = self.catalogue.get(name)
        return self.store.select(q.text, q.bind(params, self.resolver))

    def ask(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named question; rows as dictionaries."""
        return self.result(name, **params).records()

    def frame(self, name: str, **params: Any):
        """Run a named question; a pandas DataFrame (numbers as numbers: float64, or Int64 for integers)."""
        return self.result(name, **params).frame()

    def sparql(self, text: str, params: Mapping[str, Any] | None = None) -> Result:
        """Run an ad-hoc read-only query (the project's prefixes predeclared)."""
        return self.store.select(prepare_adhoc(text), params)


def open_graph(graph_dir: str | Path = "graph", engine: str = "oxigraph", endpoint: str | None = None,
               queries: str | Path | Mapping[str, str] = "queries", timeout: float = 30.0,
               data: str | None = None, ontology: str | Path | None | bool = True,
               lasting: bool = True) -> Graph:
    """Open the graph (embedded store from ``graph_dir``, with the ontology beside it, or
    ``endpoint``) with the named questions. ``ontology`` and ``lasting`` as in
    :func:`zkg.store.open_store`: a notebook asks many questions, so a small graph is loaded in
    memory (``lasting=False``: the on-disk store, as a command opens it)."""
    texts = queries if isinstance(queries, Mapping) else read_queries(queries)
    store = open_store(graph_dir, engine=engine, endpoint=endpoint, timeout=timeout, data=data,
                       ontology=ontology, lasting=lasting)
    return Graph(store, Catalogue.from_texts(texts))
