"""Bound parameters: the same rule on every engine.

A parameter names a variable of the query (:func:`check_names`) and is bound as a ``VALUES``
block put at the start of the outermost ``WHERE`` group (:func:`inject_values`), each value
written as an N-Triples term by pyoxigraph (:func:`zkg.values.term_text`: quotes escaped, invalid
IRIs rejected). The rewritten text passes the read-only guard again. Values are never pasted
into the query text any other way.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from zkg.errors import ParameterError
from zkg.guard import Prepared, prepare, tokens
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


def inject_values(text: str, params: Mapping[str, Any], allow_service: bool = False) -> str:
    """Bind parameters for an endpoint: a ``VALUES`` block at the start of the outermost
    ``WHERE`` group.

    >>> inject_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": "x"})
    'SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }'
    """
    if not params:
        return text
    prepared = prepare(text, allow_service)
    starts = list(_group_starts(text))
    if prepared.form == "CONSTRUCT":
        if starts and starts[0][1] == "WHERE":
            raise ParameterError("parameters need the long CONSTRUCT { … } WHERE { … } form")
        starts = starts[1:]
    if not starts:
        raise ParameterError(f"cannot bind parameters: this {prepared.form} query has no WHERE group")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(term_text(v) for v in params.values())
    at = starts[0][0] + 1
    bound = f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"
    prepare(bound, allow_service)  # the rewritten text must still be one read-only query
    return bound


def check_names(params: Mapping[str, Any], prepared: Prepared) -> None:
    """The same rule on every engine: a parameter names a variable of the query."""
    for name in params:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise ParameterError(f"bad parameter name {name!r}: use letters, digits and _")
        if name not in prepared.variables:
            have = ", ".join(f"?{v}" for v in sorted(prepared.variables)) or "none"
            raise ParameterError(f"parameter {name!r} is not a variable of the query (its variables: {have}): "
                                 "drop it or use one of them")
