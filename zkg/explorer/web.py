"""How the explorer's pages hang together: :func:`register` adds them to a Flask app, and the
template helpers every page uses (:func:`link`, :func:`entity_path`) are defined once here.

A page's path is where it lives on the live site (``/id/school/zhaotong-no1``); on a static site
(``zkg site``) the same page is the file at that path plus ``.html`` (``/`` is ``index.html``;
files under ``/static/`` and downloads, whose last path segment has a dot, keep their names:
``/questions/schools.csv``).
Every link is written relative to the page it is on, so both sites work from any folder.

>>> entity_path("https://w3id.org/zhaotong-kg/id/school/zhaotong-no1")
'/id/school/zhaotong-no1'
>>> entity_path("https://w3id.org/zhaotong-kg/ontology#School")
'/ontology#School'
>>> entity_path("https://www.wikidata.org/wiki/Q1") is None
True
>>> relative("/id/school/zhaotong-no1", "/article#p16", site=False)
'../../article#p16'
>>> relative("/id/school/zhaotong-no1", "/article#p16", site=True)
'../../article.html#p16'
>>> relative("/", "/", site=True), relative("/questions", "/", site=False)
('index.html', './')
>>> relative("/id/person/x", "/static/explorer.css", site=True)
'../../static/explorer.css'
>>> relative("/questions/schools", "/questions/schools.csv", site=True)
'schools.csv'
>>> relative("/article/one", "/article", site=False), relative("/id/source/a/p/016", "/id/source/a", site=False)
('../article', '../../a')
"""

from __future__ import annotations

import importlib
import posixpath
import urllib.parse
from typing import Any

from zkg.explorer.state import Explorer
from zkg.prefixes import PREFIXES
from zkg.table import printable
from zkg.values import compact

__all__ = ["PAGE_MODULES", "WARM_PAGES", "shown", "warm", "entity_path", "explorer", "link", "register", "relative", "site_file"]

#: The modules of ``zkg.explorer`` that serve pages, each with a Flask ``blueprint``.
PAGE_MODULES = ("pages", "questions", "ontology", "networkpage")

_DATA = PREFIXES["ztd"]
_ONTOLOGY = PREFIXES["zt"]


def entity_path(iri: Any) -> str | None:
    """The explorer's path for an IRI of the project (``/id/…`` for things, ``/ontology#Term`` for
    terms), or None for an IRI of elsewhere (shown, not linked: no request leaves the machine)."""
    text = str(iri)
    if text.startswith(_DATA) and len(text) > len(_DATA):
        return "/id/" + urllib.parse.quote(text[len(_DATA):], safe="/-._~")
    if text.startswith(_ONTOLOGY):
        return "/ontology#" + urllib.parse.quote(text[len(_ONTOLOGY):], safe="-._~")
    if text == _ONTOLOGY.rstrip("#"):
        return "/ontology"
    return None


def site_file(path: str) -> str:
    """The file of a page on a static site (files under ``/static/`` and downloads are themselves)."""
    if path.startswith("/static/") or "." in path.rsplit("/", 1)[-1]:
        return path
    return "/index.html" if path == "/" else path + ".html"


def relative(page: str, target: str, site: bool) -> str:
    """``target`` (a site path, with an optional ``?query`` or ``#fragment``) as a link from the page
    at ``page``; on a static site both are files (``.html``)."""
    parts = urllib.parse.urlsplit(target)
    path = parts.path or page
    if site:
        page, path = site_file(page), site_file(path)
    start = posixpath.dirname(page) or "/"
    if path.endswith("/"):
        rel = posixpath.relpath(path, start)
        rel = "./" if rel == "." else rel + "/"
    else:  # up to the target's folder, then its name: a page may share its path with a folder
        folder, name = posixpath.split(path)
        up = posixpath.relpath(folder, start)
        rel = name if up == "." else f"{up}/{name}"
    tail = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    return rel + tail


def explorer() -> Explorer:
    """The :class:`Explorer` of the app serving the current request."""
    from flask import current_app

    return current_app.config["ZKG_EXPLORER"]


def link(target: str) -> str:
    """``target`` (a site path) as a link from the page being rendered."""
    from flask import request

    return relative(request.path, target, explorer().site)


#: Characters a page writes as they are although the project's output rule escapes them: layout
#: (tab, line breaks, the line and paragraph separators), which HTML shows as white space.
_LAYOUT = "\t\n\r\u2028\u2029"


def shown(value: Any) -> Any:
    r"""What a template writes for ``value``: text with its control characters and bidirectional
    overrides as escapes (:func:`zkg.table.printable`, the rule of every output), markup as it is.
    Jinja then escapes the HTML in it.

    >>> shown("甲\x1b[31m\u202e乙\u2028")
    '甲\\x1b[31m\\u202e乙\u2028'
    """
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value, keep=_LAYOUT)
    return value


def register(app, state: Explorer) -> None:
    """Add the explorer's pages (:data:`PAGE_MODULES`) and template helpers to ``app``; every value a
    template writes passes :func:`shown`."""
    app.config["ZKG_EXPLORER"] = state
    app.jinja_env.finalize = shown
    app.jinja_env.globals.update(link=link, entity_path=entity_path, explorer=explorer, compact=compact,
                                 label=lambda iri, lang="zh": explorer().names.label(str(iri), lang))
    for name in PAGE_MODULES:
        module = importlib.import_module(f"zkg.explorer.{name}")
        app.register_blueprint(module.blueprint)


#: Pages whose first rendering reads the whole graph (names, provenance, the ontology, the network)
#: and keeps it: rendered once before a server announces itself, so no reader waits for them.
WARM_PAGES = ("/", "/article", "/ontology", "/network", "/questions")


def warm(app) -> list[str]:
    """Render :data:`WARM_PAGES` once through ``app`` (filling the explorer's caches); a line for each
    page that did not answer 200 (the server still starts: that page will say what is wrong)."""
    client = app.test_client()
    problems = []
    for path in WARM_PAGES:
        status = client.get(path, headers={"Host": "127.0.0.1"}).status_code
        if status != 200:
            problems.append(f"zkg serve: {path} answered HTTP {status} while warming up")
    return problems
