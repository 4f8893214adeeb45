"""The explorer (``zkg serve``'s pages and ``zkg site``): the graph as a website where every
answer leads back to the article's words.

:func:`register` adds the pages to a Flask app: each module of this package that serves pages has a
``blueprint`` and is listed in :data:`PAGE_MODULES`. Pages read the graph through one
:class:`~zkg.store.Store` (:class:`Explorer` holds it, with the names and the question catalogue read
from it once), so the same pages work on the embedded store and in front of a remote SPARQL server.

Links between pages are relative (:func:`zkg.explorer.web.link`), so the same templates serve a
live site and a static one written by ``zkg site``.
"""

from zkg.explorer.state import Explorer
from zkg.explorer.web import PAGE_MODULES, register

__all__ = ["Explorer", "PAGE_MODULES", "register"]
