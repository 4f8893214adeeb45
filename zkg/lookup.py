"""Finding things in the graph for people: is an IRI there, and what is closest to it.

>>> from zkg.store import open_store
>>> s = open_store(data='<https://w3id.org/zhaotong-kg/id/school/a> '
...                     '<http://www.w3.org/2000/01/rdf-schema#label> "甲校"@zh .')
>>> missing_iris(s, {"x": IRI("https://w3id.org/zhaotong-kg/id/school/b")})
[('x', IRI('https://w3id.org/zhaotong-kg/id/school/b'))]
>>> closest(s, "https://w3id.org/zhaotong-kg/id/school/b")
['ztd:school/a']
"""

from __future__ import annotations

import difflib
from typing import Any, Mapping

from zkg.store import IRI, Store, compact

__all__ = ["closest", "missing_iris"]

_USED = "ASK { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }"
_NAMED = ("SELECT DISTINCT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def missing_iris(store: Store, params: Mapping[str, Any]) -> list[tuple[str, IRI]]:
    """The (name, IRI) of each IRI parameter that occurs nowhere in the graph."""
    return [(name, value) for name, value in params.items()
            if isinstance(value, IRI) and not store.select(_USED, {"x": value}).rows[0][0]]


def closest(store: Store, iri: str, n: int = 3) -> list[str]:
    """The ``n`` labelled things whose short IRI or label is closest to ``iri`` (short IRIs)."""
    names: dict[str, str] = {}
    for thing, label in store.select(_NAMED).rows:
        names.setdefault(compact(thing), compact(thing))
        names.setdefault(str(label), compact(thing))
    picks = difflib.get_close_matches(compact(iri), list(names), n=n * 2, cutoff=0.4)
    out: list[str] = []
    for pick in picks:
        if names[pick] not in out:
            out.append(names[pick])
    return out[:n]
