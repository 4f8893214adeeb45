"""What the home page shows: the named things per class, the figures per piece of the article (by
status), the teaching-research alliances at a glance (leader, figures, places covered). Read
once per explorer and kept (the store is read-only)."""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections import Counter, defaultdict

from zkg.explorer.evidence import Evidence
from zkg.explorer.state import Explorer
from zkg.prefixes import PREFIXES, PROLOGUE
from zkg.values import IRI, compact

__all__ = ["HomeView", "home_view"]

_PROLOGUE = PROLOGUE
_FIGURES = _PROLOGUE + """SELECT ?fact ?file ?status WHERE {
  ?fact a zt:Observation ; zt:curatedIn ?file . OPTIONAL { ?fact zt:status ?status } }"""
_ALLIANCES = _PROLOGUE + """SELECT ?alliance ?key ?value ?words WHERE {
  ?alliance a zt:TeachingResearchAlliance .
  { ?value zt:leads ?alliance BIND("leader" AS ?key) }
  UNION { ?alliance zt:covers ?value BIND("covers" AS ?key) }
  UNION { ?fig zt:about ?alliance ; zt:indicator ?value ; zt:valueAsStated ?words BIND("figure" AS ?key) }
} ORDER BY ?alliance ?key ?value"""


@dataclasses.dataclass
class Alliance:
    iri: IRI
    leaders: list[IRI]
    covers: list[IRI]
    figures: list[tuple[IRI, str]]  # indicator, the words


@dataclasses.dataclass
class HomeView:
    classes: list[tuple[str, int]]            # class IRI, named things of that class
    pieces: list[tuple[str, dict[str, int]]]  # piece of the article, figures by status code
    statuses: list[str]
    alliances: list[Alliance]
    things: int


def _piece(file: str) -> str:
    """``facts/education/x.yaml`` → ``education``; a file elsewhere → its folder."""
    parts = str(file).split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "facts" else "/".join(parts[:-1]) or str(file)


def _read(state: Explorer, ev: Evidence) -> HomeView:
    names = state.names
    counts: Counter[str] = Counter()
    for thing in names.types:
        if thing.startswith(PREFIXES["ztd"]):
            cls = names.class_of(thing)
            if cls:
                prefix, _, local = cls.partition(":")
                counts[PREFIXES.get(prefix, "") + local] += 1
    pieces: dict[str, Counter[str]] = defaultdict(Counter)
    for fact, file, status in state.store.select(_FIGURES, max_rows=None).rows:
        pieces[_piece(file)][compact(status).split(":")[-1].lower() if status else ""] += 1
    statuses = sorted({s for c in pieces.values() for s in c})
    alliances: dict[str, Alliance] = {}
    for alliance, key, value, words in state.store.select(_ALLIANCES, max_rows=None).rows:
        a = alliances.setdefault(str(alliance), Alliance(IRI(alliance), [], [], []))
        if key == "leader":
            a.leaders.append(value)
        elif key == "covers":
            a.covers.append(value)
        else:
            a.figures.append((value, str(words)))
    return HomeView(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
                    sorted((p, dict(c)) for p, c in pieces.items()), statuses,
                    sorted(alliances.values(), key=lambda a: str(a.iri)), sum(counts.values()))


_CACHE: "weakref.WeakKeyDictionary[Explorer, HomeView]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def home_view(state: Explorer, ev: Evidence) -> HomeView:
    with _LOCK:
        if state not in _CACHE:
            _CACHE[state] = _read(state, ev)
        return _CACHE[state]
