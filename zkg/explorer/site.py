"""``zkg site``: the explorer's pages as a static site (:func:`site_pages`), to put on any static host.

The pages are rendered by the same Flask app as ``zkg serve``'s (:func:`make_app`), through its
test client, with the explorer in site mode (links to ``.html`` files, no SPARQL endpoint): starting
at ``/``, every link, stylesheet, script and form target of every page is followed, so every
reachable page, download and asset is written, and nothing else. A page's file is its path plus
``.html`` (:func:`zkg.explorer.web.site_file`); downloads and ``/static/`` files keep their names.

What a static site cannot do: answer a question for a parameter typed in a form. The named
questions are written with their answers for their parameters' defaults, and a question whose one
parameter has few values (:data:`zkg.explorer.questions.PER_VALUE_LIMIT`) with a page for each
value (``questions/alliance-counties/alliance/zhaotong-no1.html``); every answer with its downloads.

A link that leaves the site, carries a query string, or leads to a page that does not answer
200 is a failure: :func:`site_pages` returns the files and a list of one-line failures, and the
command line writes nothing unless that list is empty.
"""

from __future__ import annotations

import html.parser
import posixpath
import urllib.parse
from collections import deque

from zkg.explorer.state import Explorer
from zkg.explorer.web import register, site_file

__all__ = ["Site", "links", "make_app", "route_of", "site_pages"]


def make_app(state: Explorer):
    """A Flask app with the explorer's pages (and no SPARQL endpoint): ``zkg site`` renders through it."""
    from flask import Flask

    app = Flask("zkg", static_folder="static", template_folder="templates")  # zkg/static, zkg/templates
    register(app, state)
    return app


class _Links(html.parser.HTMLParser):
    """The targets of a page: ``href`` of ``a``/``link``/``area``, ``src`` of ``script``/``img``/
    ``source``/``iframe``, ``action`` of ``form``."""

    WANTED = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src", "source": "src",
              "iframe": "src", "form": "action"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = self.WANTED.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.found.append(value)


def links(page_html: str) -> list[str]:
    """Every link target of a page, as written.

    >>> links('<a href="x.html#p1">x</a><script src="static/a.js"></script><form action="search.html"></form>')
    ['x.html#p1', 'static/a.js', 'search.html']
    """
    parser = _Links()
    parser.feed(page_html)
    return parser.found


def route_of(file_path: str) -> str | None:
    """The page path (as the live site has it) of a file of the static site, or None when the file
    cannot be one (a folder).

    >>> route_of("/index.html"), route_of("/id/school/x.html"), route_of("/questions/a.csv"), route_of("/static/e.css")
    ('/', '/id/school/x', '/questions/a.csv', '/static/e.css')
    """
    if file_path == "/index.html":
        return "/"
    if file_path.endswith(".html") and not file_path.startswith("/static/"):
        return file_path[: -len(".html")]
    if file_path.startswith("/static/") or "." in file_path.rsplit("/", 1)[-1]:
        return file_path
    return None


class Site:
    """What :func:`site_pages` made: ``files`` (site path → bytes, ``/index.html`` …) and
    ``failures`` (one line each: which link, on which page, what is wrong)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.failures: list[str] = []


def site_pages(state: Explorer) -> Site:
    """Render every page reachable from ``/`` (see the module doc). ``state`` must be in site mode."""
    if not state.site:
        raise ValueError("site_pages needs an Explorer(..., site=True): its links point at .html files")
    client = make_app(state).test_client()
    site = Site()
    todo: deque[tuple[str, str]] = deque([("/", "")])
    seen = {"/"}
    while todo:
        route, source = todo.popleft()
        answer = client.get(route)
        where = f" (linked from {source})" if source else ""
        if answer.status_code != 200:
            body = answer.get_data(as_text=True).strip().splitlines()
            reason = " ".join(body[0].split())[:120] if body and answer.mimetype == "text/plain" else ""
            site.failures.append(f"{route}{where}: HTTP {answer.status_code}{': ' + reason if reason else ''}")
            continue
        file_path = site_file(route)
        site.files[urllib.parse.unquote(file_path)] = answer.get_data()
        if answer.mimetype != "text/html":
            continue
        for target in links(answer.get_data(as_text=True)):
            parts = urllib.parse.urlsplit(target)
            if parts.scheme or parts.netloc:
                site.failures.append(f"{route}: links outside the site, to {target[:100]}: show it as text")
                continue
            if parts.query:
                site.failures.append(f"{route}: links to {target[:100]}, with a query string no static host can answer")
                continue
            if not parts.path:
                continue  # a fragment of the same page
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(file_path), parts.path))
            next_route = route_of(resolved)
            if next_route is None:
                site.failures.append(f"{route}: links to {target[:100]}, which is no page")
            elif next_route not in seen:
                seen.add(next_route)
                todo.append((next_route, route))
    return site
