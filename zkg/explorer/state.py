"""What every page of the explorer reads: the store, and the names and questions read from it once."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

from zkg.catalogue import Catalogue
from zkg.lookup import Names, Resolver
from zkg.store import Store

__all__ = ["Explorer"]

T = TypeVar("T")


class Explorer:
    """The explorer's view of one graph: ``store`` (embedded or remote), the ``catalogue`` of named
    questions, and the graph's :class:`~zkg.lookup.Names`, read on first use and kept.

    ``site`` is true when the pages are written as a static site (``zkg site``): links then point
    at ``.html`` files and nothing that needs a live server (the SPARQL endpoint) is linked.
    ``shapes`` is the Turtle text of the SHACL shapes (``ontology/shapes.ttl``, read by the command
    line), shown on the ontology page; empty when not given.
    Thread-safe: waitress serves pages from many threads.
    """

    def __init__(self, store: Store, catalogue: Catalogue, site: bool = False, shapes: str = "") -> None:
        self.store = store
        self.catalogue = catalogue
        self.site = site
        self.shapes = shapes
        self._lock = threading.Lock()
        self._names: Names | None = None
        self._made: dict[str, Any] = {}
        self._making = threading.RLock()

    @property
    def names(self) -> Names:
        with self._lock:
            if self._names is None:
                self._names = Names.from_store(self.store)
            return self._names

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed once per explorer under ``key`` and kept (what a page reads from the
        whole graph: the ontology, the network)."""
        with self._making:
            if key not in self._made:
                self._made[key] = make()
            return self._made[key]

    def resolver(self) -> Resolver:
        """A resolver of names (for a question's parameters) that shares :attr:`names`."""
        return Resolver(self.store, self.names)
