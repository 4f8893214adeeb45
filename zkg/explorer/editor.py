"""The SPARQL editor at ``/sparql`` (a browser's GET with no query): a query form whose starting
query declares the project's prefixes, every named question as an example, and the answer as a
table under the editor, each thing of the graph shown by its label and linked to its page.

The form works with JavaScript off (a plain ``<textarea>``, sent with ``format=html``); with it on,
``editor.js`` turns the textarea into a CodeMirror 5 editor with SPARQL highlighting, when
``scripts/setup.sh`` has installed CodeMirror into ``zkg/static/vendor/`` (from the npm registry;
not committed). The front (:mod:`zkg.serve.front`) runs the query through the guard and the backend
like any protocol query and gives the answer to :func:`render`; the downloads are the protocol's own
answers (``/sparql?query=…&format=csv``).

>>> starting_query().splitlines()[0]
'PREFIX zt: <https://w3id.org/zhaotong-kg/ontology#>'
>>> t = Table.from_answer("SELECT", b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "2"}}]}}')
>>> t.columns, t.total, [c.text for c in t.rows[0]]
(('n',), 1, ['2'])
"""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from pathlib import Path
from typing import Any

from zkg.catalogue import CatalogueError
from zkg.explorer.web import entity_path, explorer
from zkg.prefixes import PROLOGUE
from zkg.result import result_from_json
from zkg.values import IRI, BNode, LangString, compact, lexical

__all__ = ["DOWNLOADS", "SHOWN_ROWS", "VENDOR", "Cell", "Table", "render", "starting_query", "vendor_files"]

#: Rows of an answer shown in the page (the downloads hold all of them).
SHOWN_ROWS = 1000
#: The download formats of the protocol (``format=``) offered for each kind of answer.
DOWNLOADS = {"table": ("json", "xml", "csv", "tsv"), "graph": ("turtle", "ntriples")}
#: CodeMirror 5's files under ``zkg/static/`` (installed by ``scripts/setup.sh``; absent: plain textarea).
VENDOR = ("vendor/node_modules/codemirror/lib/codemirror.css", "vendor/node_modules/codemirror/lib/codemirror.js",
          "vendor/node_modules/codemirror/mode/sparql/sparql.js")
_STATIC = Path(__file__).resolve().parents[1] / "static"


def starting_query() -> str:
    """The editor's first query: every project prefix declared, then a small question."""
    lines = PROLOGUE.splitlines()
    lines += ["", "# The alliances, their leader schools and the counties they cover",
              "SELECT ?alliance ?leader ?county WHERE {",
              "  ?alliance a zt:TeachingResearchAlliance .",
              "  OPTIONAL { ?leader zt:leads ?alliance }",
              "  OPTIONAL { ?alliance zt:covers ?county }",
              "}", "ORDER BY ?alliance ?leader ?county", "LIMIT 100"]
    return "\n".join(lines) + "\n"


def vendor_files() -> tuple[str, ...]:
    """The CodeMirror files (paths under ``/static/``), or none when any of them is missing."""
    return VENDOR if all((_STATIC / name).is_file() for name in VENDOR) else ()


@dataclasses.dataclass(frozen=True)
class Cell:
    """One value as the page shows it: ``text``, a link ``href`` (a page of the explorer) or none,
    the ``iri`` (shortened) of a thing, and the language tag or datatype ``note`` of a literal."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


def _cell(value: Any) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, IRI):
        path = entity_path(value)
        if path is None:
            return Cell(str(value), iri=None)
        return Cell(explorer().names.label(str(value)), href=path, iri=compact(str(value)))
    if isinstance(value, BNode):
        return Cell("_:" + str(value))
    if isinstance(value, LangString):
        return Cell(str(value), note="@" + value.lang)
    text, datatype, _ = lexical(value)
    return Cell(text, note=compact(datatype) if datatype and not datatype.endswith(("#string", "#integer", "#decimal")) else None)


@dataclasses.dataclass(frozen=True)
class Table:
    """An answer as the page shows it: ``columns``, the first :data:`SHOWN_ROWS` ``rows`` of
    :class:`Cell`, the ``total`` number of rows, and ``boolean`` for an ASK query; ``kind`` is
    ``table`` (SELECT, ASK) or ``graph`` (CONSTRUCT, DESCRIBE: one row per triple)."""

    columns: tuple[str, ...]
    rows: list[list[Cell]]
    total: int
    kind: str = "table"
    boolean: bool | None = None

    @classmethod
    def from_answer(cls, form: str, body: bytes) -> "Table":
        """The table of a backend's answer: SPARQL JSON results for SELECT and ASK, N-Triples for
        CONSTRUCT and DESCRIBE."""
        if form in ("CONSTRUCT", "DESCRIBE"):
            import pyoxigraph as ox

            from zkg.values import ox_value

            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            rows = [[_cell(ox_value(t.subject)), _cell(ox_value(t.predicate)), _cell(ox_value(t.object))]
                    for t in triples[:SHOWN_ROWS]]
            return cls(("subject", "predicate", "object"), rows, len(triples), kind="graph")
        data = json.loads(body.decode("utf-8"))
        if "boolean" in data:
            return cls((), [], 0, boolean=bool(data["boolean"]))
        result = result_from_json(data)
        return cls(result.columns, [[_cell(v) for v in row] for row in result.rows[:SHOWN_ROWS]], len(result.rows))


def _examples() -> list[dict[str, str]]:
    return [{"name": q.name, "zh": q.question_zh, "en": q.question_en} for q in explorer().catalogue]


def render(query: str | None = None, example: str | None = None, table: Table | None = None,
           error: str | None = None) -> str:
    """The editor page: ``query`` (else the named question ``example``, else :func:`starting_query`)
    in the editor, and under it the answer ``table`` or the one-line ``error``."""
    from flask import render_template

    loaded = None
    if query is None and example:
        try:
            loaded = explorer().catalogue.get(example)
        except CatalogueError as exc:
            error = str(exc)
    text = query if query is not None else (loaded.text if loaded is not None else starting_query())
    downloads = []
    if table is not None and query is not None:
        downloads = [(fmt, "/sparql?" + urllib.parse.urlencode({"query": query, "format": fmt}))
                     for fmt in DOWNLOADS[table.kind]]
    return render_template("explorer/sparql.html", query=text, example=loaded, examples=_examples(), table=table,
                           error=error, downloads=downloads, shown=SHOWN_ROWS, vendor=vendor_files(),
                           formats=("html", *DOWNLOADS["table"], *DOWNLOADS["graph"]))
