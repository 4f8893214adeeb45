"""Ad-hoc queries (``zkg query -e``, a ``.rq`` file, stdin, ``Graph.sparql``): the project's
prefixes predeclared, and syntax errors placed in the text the person wrote.

A query that uses ``ztd:`` or ``skos:`` without declaring them gets ``PREFIX`` declarations for
every project prefix (:data:`zkg.prefixes.PREFIXES`) it does not declare itself. They are put
*on the first line*, before the person's text, so line numbers are unchanged; a syntax error on
line 1 has its column moved back by the length of what was put there.

>>> with_prefixes("SELECT * WHERE { ?s a zt:School }")[1] > 0
True
>>> prepare_adhoc("SELECT * WHERE { ?s a zt:School }").form
'SELECT'
>>> prepare_adhoc("SELECT * WHERE { ?s ?p }")
Traceback (most recent call last):
...
zkg.errors.QuerySyntaxError: SPARQL syntax error at line 1, column 25 (at the end of the line): expected one of LATERAL, SERVICE, [_]; fix the query text
"""

from __future__ import annotations

import re

from zkg.errors import QuerySyntaxError
from zkg.guard import Prepared, prepare, tokens, unescape
from zkg.prefixes import PREFIXES

__all__ = ["declared_prefixes", "prepare_adhoc", "with_prefixes"]

_AT = re.compile(r"at line (\d+), column (\d+)")


def declared_prefixes(text: str) -> set[str]:
    """The prefix names the text declares itself (``PREFIX zt: <…>``)."""
    toks = list(tokens(unescape(text)))
    return {nxt.text[:-1] for t, nxt in zip(toks, toks[1:])
            if t.kind == "word" and t.text.upper() == "PREFIX" and nxt.kind == "pname" and nxt.text.endswith(":")}


def with_prefixes(text: str) -> tuple[str, int]:
    """``text`` with the project prefixes it does not declare put before it on its first line,
    and the number of characters put there."""
    mine = declared_prefixes(text)
    prelude = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items() if p not in mine)
    return prelude + text, len(prelude)


def prepare_adhoc(text: str, allow_service: bool = False) -> Prepared:
    """:func:`zkg.guard.prepare` on ``text`` with the project prefixes predeclared; an error
    names the line and column in ``text`` itself."""
    if not isinstance(text, str) or not text.strip():
        return prepare(text, allow_service)  # the guard's own message
    full, shift = with_prefixes(text)
    try:
        return prepare(full, allow_service)
    except QuerySyntaxError as exc:
        message = str(exc)

        def place(m: re.Match) -> str:
            line, column = int(m.group(1)), int(m.group(2))
            if line == 1:
                column = max(1, column - shift)
            near = _near(text, line, column)
            return f"at line {line}, column {column}{near}"
        raise QuerySyntaxError(_AT.sub(place, message, count=1)) from None


def _near(text: str, line: int, column: int) -> str:
    lines = text.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    snippet = lines[line - 1][max(0, column - 1):][:30].strip()
    return f" (near {snippet!r})" if snippet else " (at the end of the line)"
