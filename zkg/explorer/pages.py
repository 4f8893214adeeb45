"""The explorer's home, search, entity pages and article view (issue 13).

Routes: ``/`` (search as you type, what the graph holds, the alliances, where to go next),
``/search?q=`` (ranked names; works with JavaScript off), ``/api/search?q=`` (the same as JSON, for
``static/explorer-search.js``), ``/id/<path>`` (one page per ``ztd:`` IRI; Turtle, N-Triples or
JSON-LD by ``Accept`` or by the suffix ``.ttl``, ``.nt``, ``.jsonld``), ``/article`` (the article,
every quote marked; ``/article/<id>`` for each article of a project of several).

The work is done by :mod:`zkg.explore` and the modules beside this one; here requests become
calls and answers become templates.
"""

from __future__ import annotations

import functools
import threading
import weakref

from flask import Blueprint, Response, jsonify, render_template, request

from zkg import explore
from zkg.explorer import article as article_mod
from zkg.explorer import entity as entity_mod
from zkg.explorer.evidence import Evidence, evidence
from zkg.explorer.state import Explorer
from zkg.explorer.home import home_view
from zkg.explorer.web import entity_path, explorer, relative
from zkg.prefixes import PREFIXES
from zkg.values import IRI

__all__ = ["blueprint"]

blueprint = Blueprint("pages", __name__)

#: How many names the as-you-type search and the search page list.
SUGGESTIONS, RESULTS = 10, 100


def _evidence() -> Evidence:
    state = explorer()
    return evidence(state, state.store)


@blueprint.app_template_global()
def file_link(target: str) -> str:
    """``target`` (a file's site path, e.g. ``/id/x.ttl``) as a link from this page: like
    ``link``, but the same on a live and a static site (a file is not a page: no ``.html``; a
    page's file is in the same folder as its live path)."""
    return relative(request.path, target, site=False)


@blueprint.app_template_test("iri")
def is_iri(value: object) -> bool:
    """``{% if x is iri %}``: an IRI (not a literal) of an answer."""
    return isinstance(value, IRI)


@functools.lru_cache(maxsize=1 << 16)
def _href(page: str, iri: str, site: bool) -> str | None:
    path = entity_path(iri)
    return None if path is None else relative(page, path, site)


@blueprint.app_template_global()
def href(iri: object) -> str | None:
    """The link from this page to the page of ``iri`` (None for an IRI of elsewhere): ``link`` of
    ``entity_path``, kept, as pages link to the same things many times."""
    return _href(request.path, str(iri), explorer().site) if iri is not None else None


@blueprint.route("/")
def home():
    return render_template("explorer/home.html", view=home_view(explorer(), _evidence()))


def _results(text: str, limit: int) -> list[dict]:
    names = explorer().names
    rows = explore.search(names, text, limit=limit).records() if text.strip() else []
    return [{**r, "path": entity_path(r["iri"])} for r in rows]


@blueprint.route("/search")
def search():
    text = request.args.get("q", "")[:200]
    results = _results(text, RESULTS)
    near = explorer().names.closest(text) if text.strip() and not results else []
    return render_template("explorer/search.html", text=text, results=results, near=near)


@blueprint.route("/api/search")
def api_search():
    """The first names that match ``q``, as JSON: ``[{"iri", "path", "zh", "en", "class", "match"}]``."""
    found = [{"iri": r["iri"], "path": r["path"], "zh": r["nameZh"], "en": r["nameEn"],
              "class": r["classZh"] or r["class"], "match": r["match"]}
             for r in _results(request.args.get("q", "")[:200], SUGGESTIONS)]
    return jsonify(found)


def _rdf(iri: str, media: str) -> Response:
    fmt, _suffix = entity_mod.FORMATS[media]
    text = entity_mod.describe(explorer().store, iri, fmt)
    response = Response(text, mimetype=media)
    response.headers["Vary"] = "Accept"
    return response


def _missing(shown: str) -> Response:
    """The 404 page: ``shown`` is not in the graph; search for it."""
    response = Response(render_template("explorer/search.html", text="", results=[], near=[], missing=shown), 404)
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/id/<path:rest>")
def entity(rest: str):
    state = explorer()
    iri = PREFIXES["ztd"] + rest
    if not entity_mod.known(state.store, iri):
        for media, (_fmt, suffix) in entity_mod.FORMATS.items():
            if rest.endswith(suffix) and entity_mod.known(state.store, iri[:-len(suffix)]):
                return _rdf(iri[:-len(suffix)], media)
        return _missing("ztd:" + rest)
    offered = ["text/html", *entity_mod.FORMATS]
    media = request.accept_mimetypes.best_match(offered, default="text/html")
    if media != "text/html":
        return _rdf(iri, media)
    ev = _evidence()
    view = entity_mod.entity_view(state.store, state.names, ev, iri)
    response = Response(render_template("explorer/entity.html", iri=IRI(iri), view=view, rest=rest,
                                        formats=entity_mod.FORMATS, single=len(ev.articles()) <= 1))
    response.headers["Vary"] = "Accept"
    return response


#: The article view, rendered once per explorer and page path (the graph does not change under it).
_ARTICLES: "weakref.WeakKeyDictionary[Explorer, dict[str, str]]" = weakref.WeakKeyDictionary()
_ARTICLES_LOCK = threading.Lock()


def _article(article: str) -> str:
    state = explorer()
    with _ARTICLES_LOCK:
        done = _ARTICLES.setdefault(state, {}).get(request.path)
    if done is None:
        ev = _evidence()
        view = article_mod.article_view(state.store, state.names, ev, article)
        done = render_template("explorer/article.html", view=view, articles=ev.articles())
        with _ARTICLES_LOCK:
            _ARTICLES[state][request.path] = done
    return done


@blueprint.route("/article")
def article():
    """The article (or, in a project of several, the list of them)."""
    articles = _evidence().articles()
    if len(articles) == 1:
        return _article(articles[0])
    return render_template("explorer/article.html", view=None, articles=articles)


@blueprint.route("/article/<name>")
def article_by_id(name: str):
    iri = PREFIXES["ztd"] + "source/" + name
    if iri not in _evidence().articles():
        return _missing("ztd:source/" + name)
    return _article(iri)
