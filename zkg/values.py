"""The value model of the query layer: how an RDF term becomes a plain Python value, and back.

Every engine maps the terms of its answers the same way, so answers from different engines
compare equal:

========================  ==========================================================
RDF term                  Python value
========================  ==========================================================
IRI                       :class:`IRI` (a ``str``)
blank node                :class:`BNode` (a ``str``; labels differ between engines)
simple / xsd:string       ``str``
language-tagged literal   :class:`LangString` (a ``str`` with ``.lang``, lower case)
xsd:integer and subtypes  ``int``
xsd:decimal               ``decimal.Decimal``
xsd:double, xsd:float     ``float``
xsd:boolean               ``bool``
any other datatype        :class:`TypedLiteral` (a ``str`` of the lexical form, ``.datatype``)
unbound                   ``None``
========================  ==========================================================

Here too: the conversions from pyoxigraph's and rdflib's terms (:func:`ox_value`,
:func:`rdflib_value`), to pyoxigraph terms and N-Triples text (:func:`ox_term`, :func:`term_text`,
for bound parameters), and :func:`cell_key`, the engine-independent key answers are compared by.
pyoxigraph and rdflib are imported only when a conversion needs them.
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from zkg.errors import ParameterError
from zkg.prefixes import PREFIXES

__all__ = ["BNode", "IRI", "LangString", "TypedLiteral", "cell_key", "compact", "lexical", "literal_value",
           "ox_term", "ox_value", "rdflib_value", "term_text"]

XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
}
_RDF_LANGSTRING = PREFIXES["rdf"] + "langString"


class IRI(str):
    """An IRI, as a ``str`` holding the full IRI."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BNode(str):
    """A blank node label (labels are local to one engine's answer)."""

    __slots__ = ()


class LangString(str):
    """A language-tagged literal: ``str`` of the text, with ``.lang`` (lower case)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> "LangString":
        obj = super().__new__(cls, text)
        obj.lang = lang.lower()
        return obj

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}@{self.lang}"

    def __reduce__(self):
        return (LangString, (str(self), self.lang))


class TypedLiteral(str):
    """A literal of a datatype with no Python counterpart here (xsd:gYear, xsd:date, …)."""

    datatype: str

    def __new__(cls, lexical: str, datatype: str) -> "TypedLiteral":
        obj = super().__new__(cls, lexical)
        obj.datatype = datatype
        return obj

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}^^{compact(self.datatype)}"

    def __reduce__(self):
        return (TypedLiteral, (str(self), self.datatype))


def compact(iri: str) -> str:
    """Shorten an IRI with the fixed prefixes.

    >>> compact("https://w3id.org/zhaotong-kg/id/school/fengchi-nine-year")
    'ztd:school/fengchi-nine-year'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def literal_value(lexical: str, datatype: str | None = None, lang: str | None = None) -> Any:
    """Map a literal to its Python value (the table in the module docstring).

    >>> literal_value("23.96", XSD + "decimal")
    Decimal('23.96')
    >>> literal_value("昭通市", lang="zh")
    '昭通市'@zh
    """
    if lang:
        return LangString(lexical, lang)
    if datatype is None or datatype == XSD + "string":
        return lexical
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == XSD + "decimal":
            return Decimal(lexical)
        if datatype in (XSD + "double", XSD + "float"):
            return float(lexical)
        if datatype == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
            return lexical in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return TypedLiteral(lexical, datatype)


def lexical(value: Any) -> tuple[str, str | None, str | None]:
    """(lexical form, datatype, language) of a non-IRI value.

    >>> lexical(Decimal("2"))
    ('2.0', 'http://www.w3.org/2001/XMLSchema#decimal', None)
    """
    if isinstance(value, LangString):
        return str(value), None, value.lang
    if isinstance(value, TypedLiteral):
        return str(value), value.datatype, None
    if isinstance(value, bool):
        return ("true" if value else "false"), XSD + "boolean", None
    if isinstance(value, int):
        return str(value), XSD + "integer", None
    if isinstance(value, Decimal):
        text = format(value, "f")
        return (text if "." in text else text + ".0"), XSD + "decimal", None
    if isinstance(value, float):
        text = {float("inf"): "INF", float("-inf"): "-INF"}.get(value, repr(value))
        return ("NaN" if value != value else text), XSD + "double", None
    if isinstance(value, str):
        return value, None, None
    raise ParameterError(f"cannot use {value!r} as an RDF term: give a str, int, Decimal, float or bool")


def cell_key(value: Any) -> tuple:
    """A total, engine-independent sort/compare key for one value (keeps language tags)."""
    if value is None:
        return ("",)
    if isinstance(value, IRI):
        return ("iri", str(value))
    if isinstance(value, BNode):
        return ("bnode",)  # labels are not comparable between engines
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, Decimal)):
        return ("num", Decimal(value))
    if isinstance(value, float):
        return ("float", value)
    text, datatype, lang = lexical(value)
    return ("lit", text, datatype or "", lang or "")


# --------------------------------------------------------------------------- engine terms


def term_text(value: Any) -> str:
    """The N-Triples text of one parameter value, written by pyoxigraph (quotes escaped,
    invalid IRIs rejected).

    >>> term_text('} ; DROP ALL "')
    '"} ; DROP ALL \\\\""'
    """
    return str(ox_term(value))


def ox_term(value: Any):
    """The pyoxigraph term of a value (:class:`~zkg.errors.ParameterError` when it cannot be one)."""
    import pyoxigraph as ox

    try:
        if isinstance(value, IRI):
            return ox.NamedNode(str(value))
        text, datatype, lang = lexical(value)
        if lang:
            return ox.Literal(text, language=lang)
        return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
    except ValueError as exc:
        raise ParameterError(f"cannot bind {str(value)[:60]!r}: {exc}") from None


@functools.lru_cache(maxsize=1)
def _ox_converters() -> dict:
    """pyoxigraph term type -> the function that maps it to a plain value (one lookup per term)."""
    import pyoxigraph as ox

    def literal(term) -> Any:
        dt = term.datatype.value
        return literal_value(term.value, None if dt == _RDF_LANGSTRING else dt, term.language)

    return {ox.NamedNode: lambda t: IRI(t.value), ox.BlankNode: lambda t: BNode(t.value),
            ox.Literal: literal, type(None): lambda t: None}


def ox_value(term) -> Any:
    """The plain value of a pyoxigraph term."""
    convert = _ox_converters().get(type(term))
    return convert(term) if convert else str(term)  # str: RDF-star triple terms


def rdflib_value(term) -> Any:
    """The plain value of an rdflib term."""
    from rdflib import BNode as RBNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return IRI(str(term))
    if isinstance(term, RBNode):
        return BNode(str(term))
    if isinstance(term, Literal):
        return literal_value(str(term), str(term.datatype) if term.datatype else None, term.language)
    return str(term)
