"""The explorer's questions: the catalogue of named questions at ``/questions`` and each one at
``/questions/NAME``, answered on the explorer's store.

A question's page shows its header (question in Chinese and English, parameters, columns), its
parameters as a GET form that takes names (``?alliance=昭通一中`` is resolved among alliances by
the explorer's resolver, as ``zkg query --param`` does; a name that fits nothing or several
things is the one-line error, HTTP 400), the answer as a table (an IRI as its label, linked to its
page, with its short IRI beside it), the downloads and a permalink. The answer comes from
:meth:`zkg.store.Store.select` with the question's binding, so the guard, the store's time limit
and a cap of :data:`zkg.store.MAX_ROWS` rows apply.

Every answer has the same downloads beside its page: ``PAGE.csv`` (Excel-safe CSV, for
spreadsheets and ``pandas.read_csv``), ``PAGE.json`` (JSON records), ``PAGE.srj``, ``PAGE.srx``,
``PAGE.sparql.csv`` and ``PAGE.tsv`` (the SPARQL 1.1 results formats). On the live site the
parameters travel in the query string (``/questions/NAME.csv?alliance=…``).

A static site cannot read a query string, so an answer for one value of a parameter also has a
path of its own, ``/questions/NAME/PARAM/KEY`` (``KEY`` the last segment of the value's IRI:
``/questions/alliance-counties/alliance/zhaotong-no1``). Such pages exist for a question that takes
exactly one parameter, an IRI of a declared class with at most :data:`PER_VALUE_LIMIT` things in
the graph (:func:`value_pages`); ``zkg site`` writes them all, with their downloads.

>>> split_download("alliance-counties.sparql.csv")
('alliance-counties', '.sparql.csv')
>>> split_download("zhaotong-no1")
('zhaotong-no1', '')
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from decimal import Decimal
from typing import Any, Callable

from flask import Blueprint, Response, abort, render_template, request

from zkg.catalogue import CatalogueError, Param, Question
from zkg.errors import QueryTimeout, StoreError
from zkg.explorer.web import entity_path, explorer
from zkg.lookup import Names, missing_iris
from zkg.result import Result, result_to_text
from zkg.store import MAX_ROWS
from zkg.table import cell_text, excel_csv, format_result, header_text
from zkg.values import IRI, compact

__all__ = ["DOWNLOADS", "PER_VALUE_LIMIT", "Download", "ValuePage", "blueprint", "split_download", "value_key",
           "value_pages"]

blueprint = Blueprint("questions", __name__)

#: A question gets a page per value of its one parameter when the parameter's class has at most
#: this many things in the graph (three alliances, thirteen divisions, six verdicts: yes; 56 programs: no).
PER_VALUE_LIMIT = 20


@dataclasses.dataclass(frozen=True)
class Download:
    """One download of an answer: the file ending, what it is, its media type and how it is written."""

    suffix: str
    title: str
    media_type: str
    write: Callable[[Result], str]


#: The downloads of every answer, in the order the page lists them (longest ending first is
#: :func:`split_download`'s business, not this order's).
DOWNLOADS = (
    Download(".csv", "CSV (Excel, pandas)", "text/csv; charset=utf-8", excel_csv),
    Download(".json", "JSON records", "application/json", lambda r: format_result(r, "records")),
    Download(".srj", "SPARQL results JSON", "application/sparql-results+json", lambda r: result_to_text(r, "json")),
    Download(".srx", "SPARQL results XML", "application/sparql-results+xml", lambda r: result_to_text(r, "xml")),
    Download(".sparql.csv", "SPARQL results CSV", "text/csv; charset=utf-8", lambda r: result_to_text(r, "csv")),
    Download(".tsv", "SPARQL results TSV", "text/tab-separated-values; charset=utf-8",
             lambda r: result_to_text(r, "tsv")),
)
_BY_SUFFIX = {d.suffix: d for d in DOWNLOADS}


def split_download(segment: str) -> tuple[str, str]:
    """``(stem, suffix)`` of the last path segment: the suffix of a download, or ``""`` for a page."""
    for suffix in sorted(_BY_SUFFIX, key=len, reverse=True):
        if segment.endswith(suffix) and len(segment) > len(suffix):
            return segment[: -len(suffix)], suffix
    return segment, ""


def value_key(iri: str) -> str:
    """The path segment of one value: the last segment of its IRI (``zhaotong-no1``, ``Uncertain``).

    >>> value_key("https://w3id.org/zhaotong-kg/ontology#Uncertain"), value_key("https://w3id.org/zhaotong-kg/id/division/530602")
    ('Uncertain', '530602')
    """
    return iri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1]


@dataclasses.dataclass(frozen=True)
class ValuePage:
    """An answer for one value of a question's parameter, at ``/questions/NAME/PARAM/KEY``."""

    param: str
    key: str
    iri: IRI
    label: str


def value_pages(question: Question) -> list[ValuePage]:
    """The per-value pages of ``question`` (see the module doc): none unless it takes exactly one
    parameter, an IRI of a declared class with at most :data:`PER_VALUE_LIMIT` things whose keys
    differ; sorted by key."""
    if len(question.params) != 1 or question.params[0].type != "IRI" or not question.params[0].cls:
        return []
    param = question.params[0]
    names = explorer().names
    things = sorted(t for t in names.types if names.is_a(t, str(param.cls)))
    keys = [value_key(t) for t in things]
    if not things or len(things) > PER_VALUE_LIMIT or len(set(keys)) != len(keys):
        return []
    return sorted((ValuePage(param.name, k, IRI(t), names.label(t)) for k, t in zip(keys, things)),
                  key=lambda v: v.key)


@blueprint.route("/questions")
def catalogue():
    questions = list(explorer().catalogue)
    return render_template("explorer/questions.html", questions=questions, describe=_describe)


@blueprint.route("/questions/<path:rest>")
def question(rest: str):
    parts = rest.split("/")
    if len(parts) not in (1, 3):
        abort(404)
    stem, suffix = split_download(parts[-1])
    name = stem if len(parts) == 1 else parts[0]
    try:
        q = explorer().catalogue.get(name)
    except CatalogueError:
        abort(404)
    base = f"/questions/{q.name}"
    if len(parts) == 3:
        page = next((v for v in value_pages(q) if v.param == parts[1] and v.key == stem), None)
        if page is None:
            abort(404)
        given: dict[str, str] = {page.param: page.iri}
        base += f"/{page.param}/{page.key}"
    else:
        given = {p.name: request.args[p.name].strip() for p in q.params if request.args.get(p.name, "").strip()}
        unknown = sorted(set(request.args) - {p.name for p in q.params})
        if unknown:
            return _page(q, base, given, error=f"{q.name} has no parameter {unknown[0]!r}: its parameters are "
                                                 f"{', '.join(p.name for p in q.params) or 'none'}", status=400)
    resolver = explorer().resolver()
    try:
        bound = q.bind(given, resolver)
        result = explorer().store.select(q.text, bound, max_rows=MAX_ROWS)
    except (CatalogueError, StoreError) as exc:
        status = 504 if isinstance(exc, QueryTimeout) else 400
        if suffix:
            return Response(_one_line(exc) + "\n", status=status, mimetype="text/plain")
        return _page(q, base, given, error=_one_line(exc), status=status)
    if suffix:
        download = _BY_SUFFIX[suffix]
        filename = base.rsplit("/", 1)[-1] + suffix
        return Response(download.write(result), mimetype=download.media_type.split(";")[0],
                        content_type=download.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    notes = [f"{text} = {explorer().names.label(iri)} ({compact(iri)})" for text, iri in resolver.resolved]
    notes += [f"{name_} = {compact(iri)} is nowhere in the graph: the answer is empty"
              for name_, iri in missing_iris(explorer().store, {k: v for k, v in bound.items() if isinstance(v, IRI)})]
    return _page(q, base, given, bound=bound, result=result, notes=notes)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _describe(p: Param) -> str:
    """A parameter as the page lists it: its type, whether it is needed, its default."""
    kind = (f"a name or IRI of a {compact(p.cls)}" if p.cls else "a name or IRI") if p.type == "IRI" else p.type
    need = "required" if p.required else ("optional" if p.default is None else f"default {_shown(p.default)}")
    return f"{kind}, {need}"


def _shown(value: Any) -> str:
    return compact(value) if isinstance(value, IRI) else cell_text(value)


def _cell(value: Any, names: Names) -> dict[str, Any]:
    """What the table shows for one value: text, and for an IRI its label, page and short form."""
    if isinstance(value, IRI):
        label = names.label(value) if value in names.labels else ""
        return {"iri": compact(value), "label": label, "href": entity_path(value)}
    numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    return {"text": cell_text(value), "numeric": numeric}


def _page(q: Question, base: str, given: dict[str, Any], bound: dict[str, Any] | None = None,
          result: Result | None = None, notes: list[str] | None = None, error: str = "", status: int = 200):
    values = value_pages(q)
    shown = {k: (compact(v) if isinstance(v, IRI) else str(v)) for k, v in given.items()}
    query = urllib.parse.urlencode(shown) if base == f"/questions/{q.name}" else ""  # a value page is its own link
    permalink = base + ("?" + query if query else "")
    downloads = [(d.title, base + d.suffix + ("?" + query if query else ""), d.suffix) for d in DOWNLOADS]
    names = explorer().names
    rows = [[_cell(v, names) for v in row] for row in result.rows] if result is not None else []
    columns = [(c, header_text(c), dict(q.columns).get(c, "")) for c in result.columns] if result is not None else []
    return render_template(
        "explorer/question.html", q=q, describe=_describe, given=shown, error=error, notes=notes or [],
        result=result, rows=rows, columns=columns, downloads=downloads if result is not None else [],
        permalink=permalink, values=values, base=base, max_rows=MAX_ROWS,
        bound={k: _shown(v) for k, v in (bound or {}).items()}), status
