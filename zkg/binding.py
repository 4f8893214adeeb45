"""Bound parameters: the same rule on every engine.

A parameter names a variable of the query (:func:`check_names`) and is bound as a ``VALUES``
block put at the start of the outermost ``WHERE`` group (:func:`inject_values`), each value
written as an N-Triples term by pyoxigraph (:func:`zkg.values.term_text`: quotes escaped, invalid
IRIs rejected). Values are never pasted into the query text any other way.

The query text itself has passed the read-only guard; what is added is checked token by token
with the guard's own scanner: each value must be exactly one term (an IRI, or a string with an
optional language tag or ``^^`` datatype IRI), so the block holds no word but ``VALUES`` and
cannot end early. That is the whole difference between the text the guard passed and the text
that runs, so the rewritten text is not scanned and parsed again (that cost more than a small
question: 0.5–1 ms). Where the block goes is found once per query text (cached).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable, Mapping

from zkg.errors import ParameterError
from zkg.guard import Prepared, prepare, tokens, unescape
from zkg.values import term_text

__all__ = ["check_names", "inject_values"]


def _group_starts(text: str) -> Iterable[tuple[int, str]]:
    """Yield (offset, previous keyword) of each ``{`` at nesting depth 0 (the guard's tokens, so
    strings, comments, IRIs and variables never count)."""
    depth, last_word = 0, ""
    for t in tokens(text):
        if t.text == "{":
            if depth == 0:
                yield t.start, last_word
            depth += 1
        elif t.text == "}":
            depth -= 1
        elif depth == 0:
            last_word = t.text.upper() if t.kind == "word" else ""


@functools.lru_cache(maxsize=1024)
def _values_at(text: str, form: str) -> int:
    """The offset just inside the outermost ``WHERE`` group of a query that passed the guard."""
    starts = list(_group_starts(text))
    if form == "CONSTRUCT":
        if starts and starts[0][1] == "WHERE":
            raise ParameterError("parameters need the long CONSTRUCT { … } WHERE { … } form")
        starts = starts[1:]
    if not starts:
        raise ParameterError(f"cannot bind parameters: this {form} query has no WHERE group")
    return starts[0][0] + 1


def _one_term(text: str) -> str:
    """``text`` (pyoxigraph's N-Triples form of one value) when the guard's scanner reads it as one
    whole term; anything else is refused (it never is: this is the guard's proof, not a filter)."""
    scanned = unescape(text)  # as the guard reads a query (SPARQL's \\u escapes first)
    shape = [(t.kind, t.text) for t in tokens(scanned)]
    kinds = [k for k, _ in shape]
    ok = kinds in (["iri"], ["string"], ["string", "lang"]) or (
        kinds == ["string", "other", "other", "iri"] and shape[1][1] == shape[2][1] == "^")
    if not ok or sum(len(t) for _, t in shape) != len(scanned):
        raise ParameterError(f"cannot bind {text[:60]!r}: it is not one RDF term")
    return text


def _check_name(name: str) -> None:
    """A parameter's name is a SPARQL variable name (so it can be written as ``?name``)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise ParameterError(f"bad parameter name {name!r}: use letters, digits and _")


def inject_values(text: str, params: Mapping[str, Any], allow_service: bool = False) -> str:
    """Bind parameters for an endpoint: a ``VALUES`` block at the start of the outermost
    ``WHERE`` group.

    >>> inject_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": "x"})
    'SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }'
    """
    if not params:
        return text
    prepared = prepare(text, allow_service)
    for name in params:
        _check_name(name)
    at = _values_at(prepared.text, prepared.form)
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(_one_term(term_text(v)) for v in params.values())
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"


def check_names(params: Mapping[str, Any], prepared: Prepared) -> None:
    """The same rule on every engine: a parameter names a variable of the query."""
    for name in params:
        _check_name(name)
        if name not in prepared.variables:
            have = ", ".join(f"?{v}" for v in sorted(prepared.variables)) or "none"
            raise ParameterError(f"parameter {name!r} is not a variable of the query (its variables: {have}): "
                                 "drop it or use one of them")
