"""Finding things by name: the one resolver behind every place that asks for an entity.

People know "昭通一中", "周世碧" or "Zhaotong No.1 Middle School", not
``ztd:school/zhaotong-no1``. :class:`Names` holds every name in the graph (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, in any language) with the classes of the thing named, read
with **one** SPARQL query (:data:`NAMES_QUERY`), so it works on every engine, a server included.
:meth:`Names.resolve` turns what a person typed into one IRI:

1. an IRI (``https://…``, ``<…>``), a CURIE with a project prefix (``ztd:school/x``, ``zt:Yuan``)
   or a bare data id (``school/zhaotong-no1``) is taken as it is;
2. else a name: compared NFC-normalised, case-folded and with runs of spaces made one — first an
   exact label, then an exact alternative label, then a name that contains the text (it must
   then be unique), and last a name that contains another name of the thing the text names
   exactly (so ``昭通一中``, asked for an alliance, finds 昭通市第一中学高中教研联盟);
3. when the question says which class it wants (``# param: alliance (IRI, a
   zt:TeachingResearchAlliance)``), only things of that class (or a subclass) count.

More than one thing at the best level is :class:`~zkg.errors.AmbiguousName` (the candidates
with their class, in one line); nothing is :class:`~zkg.errors.NameNotFound` (the closest names).
:meth:`Names.search` ranks every match for ``zkg search``.

>>> from zkg.store import open_store
>>> s = open_store(data='<https://w3id.org/zhaotong-kg/id/school/a> '
...                     '<http://www.w3.org/2000/01/rdf-schema#label> "甲校"@zh .\\n'
...                     '<https://w3id.org/zhaotong-kg/id/school/a> '
...                     '<http://www.w3.org/2004/02/skos/core#altLabel> "甲"@zh .')
>>> names = Names.from_store(s)
>>> names.resolve("甲")
IRI('https://w3id.org/zhaotong-kg/id/school/a')
>>> names.resolve("ztd:school/b")
IRI('https://w3id.org/zhaotong-kg/id/school/b')
>>> missing_iris(s, {"x": IRI("https://w3id.org/zhaotong-kg/id/school/b")})
[('x', IRI('https://w3id.org/zhaotong-kg/id/school/b'))]
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections import defaultdict
from typing import Any, Iterable, Mapping

from zkg.errors import AmbiguousName, NameNotFound
from zkg.prefixes import PREFIXES
from zkg.store import Store
from zkg.values import compact, IRI

__all__ = ["Match", "Names", "NAMES_QUERY", "Resolver", "is_iri_text", "missing_iris", "norm",
           "to_iri"]

ZTD = PREFIXES["ztd"]
_TYPE = PREFIXES["rdf"] + "type"

#: Every name and the classes of every named thing, in one query (the subclass axioms come with
#: it, so the resolver needs no second one). The embedded stores hold the ontology beside the data.
#: Each branch binds its own column (the one that is bound says what the row is), not a constant
#: ``BIND`` per branch: Virtuoso 7.2's compiler stops on that form (``SP031 … sparp_gp_deprecate()``,
#: docs/servers.md), and every predicate stays bound, so no engine scans every triple.
NAMES_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?thing ?label ?alt ?class ?super WHERE {
  { ?thing rdfs:label ?label }
  UNION { ?thing skos:prefLabel ?label }
  UNION { ?thing skos:altLabel ?alt }
  UNION { ?thing rdfs:label ?any ; a ?class }
  UNION { ?thing rdfs:subClassOf ?super FILTER(isIRI(?super)) }
  FILTER(isIRI(?thing))
}"""
#: What a row of :data:`NAMES_QUERY` is, by the column that is bound in it (as :class:`Names` takes it).
_RELS = ("label", "alt", "type", "sub")

#: How a name matched, best first (the ``match`` column of ``zkg search``).
TIERS = ("exact label", "exact alt label", "prefix", "substring", "via another name")

_USED = "ASK { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")
_DATA_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)+$")


def norm(text: str) -> str:
    """The form names are compared in: NFC, case-folded, spaces trimmed and collapsed.

    >>> norm("  Zhaotong  No.1 ") == norm("zhaotong no.1")
    True
    """
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def to_iri(text: str) -> IRI | None:
    """``text`` as an IRI when it is written as one (full, ``<…>``, or a project CURIE), else None.

    >>> to_iri("zt:Yuan"), to_iri("昭通一中")
    (IRI('https://w3id.org/zhaotong-kg/ontology#Yuan'), None)
    """
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        return IRI(value[1:-1])
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return IRI(PREFIXES[prefix] + local)
    if _SCHEME.match(value) and unicodedata.east_asian_width(value[0]) not in "WF":
        scheme = prefix.lower()
        if scheme in ("http", "https", "urn", "mailto", "file", "tag", "doi") or local.startswith("//"):
            return IRI(value)
    return None


def is_iri_text(text: str) -> bool:
    """Whether ``text`` is written as an IRI (see :func:`to_iri`)."""
    return to_iri(text) is not None


@dataclasses.dataclass(frozen=True)
class Match:
    """One thing a text matched: how well (``tier``, an index into :data:`TIERS`) and by which name."""

    iri: IRI
    tier: int
    name: str

    @property
    def how(self) -> str:
        return TIERS[self.tier]


class Names:
    """Every name in a graph, with the classes of the named things (see the module doc)."""

    def __init__(self, rows: Iterable[tuple[str, str, Any]]) -> None:
        """``rows`` are ``(thing, rel, value)`` with ``rel`` one of ``label``, ``alt``, ``type``
        (value a class) and ``sub`` (thing ⊑ value), as :data:`NAMES_QUERY` gives them."""
        self.labels: dict[str, list[Any]] = defaultdict(list)
        self.alts: dict[str, list[Any]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.supers: dict[str, set[str]] = defaultdict(set)
        for thing, rel, value in rows:
            thing = str(thing)
            if rel == "label":
                if value not in self.labels[thing]:
                    self.labels[thing].append(value)
            elif rel == "alt":
                if value not in self.alts[thing]:
                    self.alts[thing].append(value)
            elif rel == "type":
                self.types[thing].add(str(value))
            elif rel == "sub":
                self.supers[thing].add(str(value))
        self._index = [(norm(n), thing, False) for thing, ns in self.labels.items() for n in ns]
        self._index += [(norm(n), thing, True) for thing, ns in self.alts.items() for n in ns]
        self._index.sort(key=lambda e: (e[1], e[2], e[0]))
        self._closure: dict[str, frozenset[str]] = {}

    @classmethod
    def from_store(cls, store: Store) -> "Names":
        """Read the names with one query on ``store``."""
        return cls(_named_rows(store.select(NAMES_QUERY, max_rows=None).rows))

    # ------------------------------------------------------------------ what a thing is

    def ancestors(self, cls_iri: str) -> frozenset[str]:
        """``cls_iri`` and every class above it (``rdfs:subClassOf``, transitively)."""
        if cls_iri not in self._closure:
            seen, todo = set(), [cls_iri]
            while todo:
                c = todo.pop()
                if c not in seen:
                    seen.add(c)
                    todo.extend(self.supers.get(c, ()))
            self._closure[cls_iri] = frozenset(seen)
        return self._closure[cls_iri]

    def is_a(self, thing: str, cls_iri: str) -> bool:
        return any(cls_iri in self.ancestors(c) for c in self.types.get(str(thing), ()))

    def known_class(self, cls_iri: str) -> bool:
        """Whether anything in the graph is of ``cls_iri`` (else a class filter cannot apply,
        e.g. on a server loaded without the ontology)."""
        return any(self.is_a(t, cls_iri) for t in self.types)

    def label(self, thing: str, lang: str = "zh") -> str:
        """The label of ``thing`` in ``lang`` (else any label, else the short IRI)."""
        names = self.labels.get(str(thing)) or []
        for n in names:
            if getattr(n, "lang", "").split("-")[0] == lang:
                return str(n)
        return str(names[0]) if names else compact(str(thing))

    def class_of(self, thing: str) -> str:
        """The most specific asserted class, shortened (``zt:SeniorHighSchool``), or ``""``."""
        classes = sorted(self.types.get(str(thing), ()))
        if not classes:
            return ""
        # the class no other asserted class is below
        specific = [c for c in classes if not any(c != o and c in self.ancestors(o) for o in classes)]
        zt = [c for c in specific if c.startswith(PREFIXES["zt"])]
        return compact((zt or specific)[0])

    def describe(self, thing: str) -> str:
        """``名称 (class, ztd:…)``: how a candidate is shown in a one-line error."""
        cls = self.class_of(thing)
        return f"{self.label(thing)} ({cls + ', ' if cls else ''}{compact(str(thing))})"

    # ------------------------------------------------------------------ matching

    def _matches(self, text: str) -> list[Match]:
        key = norm(text)
        best: dict[str, Match] = {}
        if not key:
            return []
        for name, thing, alt in self._index:
            if name == key:
                tier = 1 if alt else 0
            elif name.startswith(key):
                tier = 2
            elif key in name:
                tier = 3
            else:
                continue
            if thing not in best or tier < best[thing].tier:
                best[thing] = Match(IRI(thing), tier, name)
        # another name of what the text names exactly (昭通一中 → 昭通市第一中学 → its alliance)
        exact = {thing for name, thing, _ in self._index if name == key}
        others = {name for name, thing, _ in self._index if thing in exact and name != key and len(name) > 1}
        if others:
            for name, thing, _ in self._index:
                if thing not in best and any(o in name for o in others):
                    best[thing] = Match(IRI(thing), 4, name)
        return list(best.values())

    def _rank(self, m: Match) -> tuple:
        ontology = not m.iri.startswith(ZTD)
        return (m.tier, ontology, self.class_of(m.iri), len(m.name), str(m.iri))

    def search(self, text: str, cls: str | None = None) -> list[Match]:
        """Every thing a name of which matches ``text``, best first: exact label, exact alt label,
        prefix, substring, via another name; then data before ontology terms, then by class."""
        matches = self._matches(text)
        if cls and self.known_class(cls):
            matches = [m for m in matches if self.is_a(m.iri, cls)]
        return sorted(matches, key=self._rank)

    def resolve(self, text: str, cls: str | None = None, what: str = "entity") -> IRI:
        """The one IRI ``text`` stands for (see the module doc); ``cls`` restricts the candidates
        to one class, ``what`` names the thing asked for in messages."""
        iri = to_iri(text)
        if iri is not None:
            return iri
        if _DATA_ID.match(text.strip()) and ZTD + text.strip() in self.types:
            return IRI(ZTD + text.strip())
        matches = self._matches(text)
        wanted = cls if cls and self.known_class(cls) else None
        fitting = [m for m in matches if wanted is None or self.is_a(m.iri, wanted)]
        for tiers in ((0,), (1,), (2, 3), (4,)):
            hits = sorted((m for m in fitting if m.tier in tiers), key=self._rank)
            if len(hits) == 1:
                return hits[0].iri
            if hits:
                shown = "; ".join(self.describe(m.iri) for m in hits[:8])
                more = f"; and {len(hits) - 8} more" if len(hits) > 8 else ""
                raise AmbiguousName(f"{text!r} names {len(hits)} {_plural(what)}: {shown}{more} — "
                                    "write more of the name, or the IRI")
        thing = compact(wanted) if wanted else what
        near = self.closest(text, wanted)
        if matches:  # names things, but none of the wanted class
            shown = "; ".join(self.describe(m.iri) for m in sorted(matches, key=self._rank)[:4])
            hint = f"; the {thing} names closest to it: {', '.join(near)}" if near else ""
            raise NameNotFound(f"{text!r} is not a {thing}: it names {shown}{hint}")
        hint = f"; closest: {', '.join(near)}" if near else ""
        raise NameNotFound(f"no {thing} called {text!r}{hint} — see: zkg search {_shell_word(text)}")

    def closest(self, text: str, cls: str | None = None, n: int = 3) -> list[str]:
        """The ``n`` names (with short IRI) closest to ``text``, among things of ``cls`` if given."""
        pool: dict[str, str] = {}
        for name, thing, _ in self._index:
            if cls is None or self.is_a(thing, cls):
                pool.setdefault(name, thing)
                pool.setdefault(norm(compact(thing)), thing)
        picks = difflib.get_close_matches(norm(text), list(pool), n=n * 3, cutoff=0.3)
        out: list[str] = []
        for pick in picks:
            shown = f"{self.label(pool[pick])} ({compact(pool[pick])})"
            if shown not in out:
                out.append(shown)
        return out[:n]


def _named_rows(rows: Iterable[tuple]) -> list[tuple[str, str, Any]]:
    """``(thing, rel, value)`` of each row of :data:`NAMES_QUERY`, in one order on every engine."""
    found = []
    for thing, *columns in rows:
        for rel, value in zip(_RELS, columns):
            if value is not None:
                found.append((str(thing), rel, value))
    # the order of the labels decides which one shows (Names.label): the same on every engine
    found.sort(key=lambda r: (r[0], r[1], str(r[2]), getattr(r[2], "lang", "") or ""))
    return found


def _shell_word(text: str) -> str:
    return text if re.fullmatch(r"[\w./:-]+", text) else "'" + text.replace("'", "") + "'"


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


class Resolver:
    """Names of one store, read the first time a name (not an IRI) has to be resolved: one query
    per command however many names it resolves."""

    def __init__(self, store: Store, names: "Names | None" = None) -> None:
        self.store = store
        self._names: Names | None = names
        self.resolved: list[tuple[str, IRI]] = []  # (text, IRI) of each name resolved, for notes

    @property
    def names(self) -> Names:
        if self._names is None:
            self._names = Names.from_store(self.store)
        return self._names

    def __call__(self, text: str, cls: str | None = None, what: str = "entity") -> IRI:
        iri = to_iri(text)
        if iri is not None:
            return iri
        iri = self.names.resolve(text, cls, what)
        self.resolved.append((text, iri))
        return iri


def missing_iris(store: Store, params: Mapping[str, Any]) -> list[tuple[str, IRI]]:
    """The (name, IRI) of each IRI parameter that occurs nowhere in the graph."""
    return [(name, value) for name, value in params.items()
            if isinstance(value, IRI) and not store.select(_USED, {"x": value}).rows[0][0]]

