"""The read-only guard: every query passes here before any engine or server sees it.

:func:`prepare` refuses, in one line, what must not run:

* updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH, USING) — the query
  layer only reads;
* ``SERVICE`` in any position, nesting or letter case — a query must not make the engine fetch
  from another server (``allow_service=True`` is the explicit opt-in of ``zkg query
  --allow-service``; no server the project runs ever sets it);
* text that is not one SPARQL 1.1 query (line and column of the first error).

How: the text is unescaped (``\\uXXXX`` and ``\\UXXXXXXXX``, as SPARQL 1.1 §19.2 says a parser may
do before reading) and cut into tokens — strings, IRIs, comments, variables, prefixed names and
bare words — by a small scanner, so a keyword is only ever a bare word, never a word inside a
string, an IRI, a comment, a variable or a prefixed name. The syntax is then checked by Oxigraph's
parser on an empty in-memory store (the query is parsed, not evaluated). Both steps are pure
functions of the text: safe from any number of threads, and the answer is cached per text.

>>> prepare("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s").form
'SELECT'
>>> prepare("select * { service <http://127.0.0.1:9/x> { ?s ?p ?o } }")
Traceback (most recent call last):
...
zkg.errors.ServiceRefused: refused: the query has a SERVICE clause (line 1, column 12), which would make the engine fetch from another server; remove it (zkg query --allow-service runs it on your own machine)
>>> prepare("DROP ALL")
Traceback (most recent call last):
...
zkg.errors.UpdateRefused: refused: this is a SPARQL update (DROP); zkg query only reads — use a SELECT, ASK, CONSTRUCT or DESCRIBE query
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Iterator

from zkg.errors import QuerySyntaxError, ServiceRefused, UpdateRefused

__all__ = ["Prepared", "Token", "prepare", "tokens", "unescape", "variables"]

#: Words that only occur in SPARQL updates.
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                          "WITH", "USING"})
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>[^\W\d][\w.-]*:(?:[\w:%\\.-]*[\w:%-])?|:(?:[\w:%\\.-]*[\w:%-])?)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<word>[^\W\d]\w*)
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A query that passed the guard: its text, form (SELECT, ASK, CONSTRUCT, DESCRIBE), whether
    the outermost query has an ORDER BY, and the variables it mentions."""

    text: str
    form: str
    ordered: bool
    variables: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int
    start: int


def unescape(text: str) -> str:
    r"""The text with SPARQL's codepoint escapes replaced (§19.2).

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()
    return _ESCAPE.sub(char, text)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a query (comments and spaces dropped), with line and column (1-based).

    >>> [t.text for t in tokens('SELECT ?s WHERE { ?s a "x # y" } # note')]
    ['SELECT', '?s', 'WHERE', '{', '?s', 'a', '"x # y"', '}']
    """
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        if kind not in ("space", "comment"):
            yield Token(kind, m.group(), line, m.start() - line_start + 1, m.start())
        newlines = m.group().count("\n")
        if newlines:
            line += newlines
            line_start = m.start() + m.group().rindex("\n") + 1


def variables(text: str) -> frozenset[str]:
    """The names of the variables a query mentions (``?x`` and ``$x`` are the same variable).

    >>> sorted(variables("SELECT ?a WHERE { ?a ?b $c }"))
    ['a', 'b', 'c']
    """
    return frozenset(t.text[1:] for t in tokens(unescape(text)) if t.kind == "var")


def _check_words(toks: list[Token], allow_service: bool) -> tuple[str, bool]:
    """Refuse updates and SERVICE; return the query form and whether the outer query is ordered."""
    words = [(i, t) for i, t in enumerate(toks) if t.kind == "word"]
    updates = sorted({t.text.upper() for _, t in words if t.text.upper() in UPDATE_WORDS})
    if updates:
        raise UpdateRefused(
            f"refused: this is a SPARQL update ({', '.join(updates)}); zkg query only reads — "
            "use a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if not allow_service:
        for _, t in words:
            if t.text.upper() == "SERVICE":
                raise ServiceRefused(
                    f"refused: the query has a SERVICE clause (line {t.line}, column {t.column}), which "
                    "would make the engine fetch from another server; remove it "
                    "(zkg query --allow-service runs it on your own machine)")
    form = next((t.text.upper() for _, t in words if t.text.upper() in FORMS), None)
    if form is None:
        raise QuerySyntaxError("not a SPARQL query: it has no SELECT, ASK, CONSTRUCT or DESCRIBE; "
                               "write one (e.g. SELECT * WHERE { ?s ?p ?o } LIMIT 10)")
    depth, ordered = 0, False
    for i, t in enumerate(toks):
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth -= 1
        elif depth == 0 and t.kind == "word" and t.text.upper() == "ORDER":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            ordered = ordered or (nxt is not None and nxt.text.upper() == "BY")
    return form, ordered


_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


@functools.lru_cache(maxsize=1)
def _parser():
    """An empty in-memory Oxigraph store: its ``query`` parses the text (evaluation is lazy and
    there is nothing to read)."""
    import pyoxigraph as ox

    return ox.Store()


def _check_syntax(text: str) -> None:
    try:
        answer = _parser().query(text)
    except SyntaxError as exc:
        m = _SYNTAX.match(str(exc))
        if m:
            line, column, what = m.groups()
            what = " ".join(what.split())[:160]
            raise QuerySyntaxError(f"SPARQL syntax error at line {line}, column {column}: {what}; "
                                   "fix the query text") from None
        raise QuerySyntaxError(f"SPARQL syntax error: {' '.join(str(exc).split())[:200]}; "
                               "fix the query text") from None
    del answer


@functools.lru_cache(maxsize=1024)
def prepare(text: str, allow_service: bool = False) -> Prepared:
    """Check one query text; return it with its form, ordering and variables, or raise a
    :class:`zkg.errors.StoreError` subclass with a one-line message."""
    if not isinstance(text, str):
        raise QuerySyntaxError(f"a query must be text, got {type(text).__name__}: give a SPARQL query")
    if not text.strip():
        raise QuerySyntaxError("the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QuerySyntaxError(f"the query holds an invalid character at offset {exc.start} "
                               "(a lone surrogate): remove it") from None
    if "\x00" in text:
        raise QuerySyntaxError("the query holds a NUL character: remove it")
    toks = list(tokens(unescape(text)))
    form, ordered = _check_words(toks, allow_service)
    _check_syntax(text)
    return Prepared(text, form, ordered, frozenset(t.text[1:] for t in toks if t.kind == "var"))
