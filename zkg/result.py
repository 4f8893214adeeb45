"""The answer to a query (:class:`Result`) and its wire form, SPARQL 1.1 Query Results JSON.

A :class:`Result` holds column names and rows of plain values (:mod:`zkg.values`); two answers
compare equal when they are the same whatever engine gave them. :func:`result_to_json` and
:func:`result_from_json` write and read the JSON form losslessly: the endpoint client reads
servers' answers with it, ``--format json`` writes it, and the tests' expected answers are kept in it.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any, Mapping

from zkg.errors import EndpointError
from zkg.values import IRI, BNode, cell_key, lexical, literal_value, ox_term

__all__ = ["RESULT_FORMATS", "Result", "result_from_json", "result_to_json", "result_to_text"]


@dataclasses.dataclass(frozen=True)
class Result:
    """The answer to a query: column names and rows of plain values.

    ``ordered`` is true when the query has an ORDER BY, so row order is part of the answer.
    """

    columns: tuple[str, ...]
    rows: list[tuple]
    ordered: bool = False
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def canonical(self) -> tuple[tuple[str, ...], list[tuple]]:
        """A form that compares equal exactly when two answers are the same.

        Rows are sorted unless the query ordered them; language tags and datatypes count.
        """
        keys = [tuple(cell_key(v) for v in row) for row in self.rows]
        return self.columns, (keys if self.ordered else sorted(keys))

    def same_as(self, other: "Result") -> bool:
        """True when both answers are the same (see :meth:`canonical`)."""
        return self.canonical() == other.canonical()

    def differences(self, expected: "Result") -> str:
        r"""What this answer lacks and adds against ``expected``, one row a line (for test messages).

        >>> Result(("n",), [(1,), (2,)]).differences(Result(("n",), [(2,), (3,)]))
        'missing (expected, not got):\n  (3,)\nadded (got, not expected):\n  (1,)'
        """
        if self.columns != expected.columns:
            return f"columns differ: got {self.columns}, expected {expected.columns}"
        got = {tuple(cell_key(v) for v in row): row for row in self.rows}
        want = {tuple(cell_key(v) for v in row): row for row in expected.rows}
        missing = [want[k] for k in want if k not in got]
        added = [got[k] for k in got if k not in want]
        if not missing and not added:
            return "the same rows in another order" if not self.same_as(expected) else "no difference"
        lines = ["missing (expected, not got):", *(f"  {r!r}" for r in missing),
                 "added (got, not expected):", *(f"  {r!r}" for r in added)]
        return "\n".join(lines)

    def frame(self):
        """The rows as a pandas DataFrame: a column of integers is ``Int64`` (nullable, so a
        missing value stays missing and the rest stay integers), any other column of numbers is
        ``float64``, a column of booleans ``boolean``; other values as mapped above (``object``)."""
        import pandas as pd

        data = {}
        for i, name in enumerate(self.columns):
            values = [row[i] for row in self.rows]
            present = [v for v in values if v is not None]
            if present and all(isinstance(v, bool) for v in present):
                data[name] = pd.array(values, dtype="boolean")
            elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                data[name] = pd.array(values, dtype="Int64")
            elif present and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present):
                data[name] = pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
            else:
                data[name] = pd.array(values, dtype=object)
        return pd.DataFrame(data, columns=list(self.columns))


def _term_json(value: Any) -> dict:
    if isinstance(value, IRI):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    text, datatype, lang = lexical(value)
    term = {"type": "literal", "value": text}
    if lang:
        term["xml:lang"] = lang
    elif datatype:
        term["datatype"] = datatype
    return term


def _json_value(term: dict) -> Any:
    kind = term.get("type")
    if kind == "uri":
        return IRI(term["value"])
    if kind == "bnode":
        return BNode(term["value"])
    if kind in ("literal", "typed-literal"):
        return literal_value(term["value"], term.get("datatype"), term.get("xml:lang"))
    raise EndpointError(f"unexpected term in SPARQL JSON results: {term!r:.80}")


def result_to_json(result: Result) -> str:
    """Serialise as SPARQL 1.1 Query Results JSON (lossless; stable bytes, one row a line)."""
    lines = [json.dumps(
        {k: _term_json(v) for k, v in zip(result.columns, row) if v is not None},
        ensure_ascii=False, sort_keys=True) for row in result.rows]
    head = json.dumps({"vars": list(result.columns)}, ensure_ascii=False)
    body = ",\n  ".join(lines)
    bindings = f"[\n  {body}\n ]" if lines else "[]"
    return f'{{"head": {head},\n "results": {{"bindings": {bindings}}}}}\n'


def result_from_json(data: Mapping[str, Any] | str, ordered: bool = False) -> Result:
    """Read SPARQL 1.1 Query Results JSON (a SELECT or an ASK answer)."""
    if isinstance(data, str):
        parsed: Mapping[str, Any] = json.loads(data)
    else:
        parsed = data
    if "boolean" in parsed:
        return Result(("ask",), [(bool(parsed["boolean"]),)], ordered)
    columns = tuple(parsed["head"]["vars"])
    rows = [tuple(_json_value(b[c]) if c in b else None for c in columns)
            for b in parsed["results"]["bindings"]]
    return Result(columns, rows, ordered)


#: The SPARQL 1.1 results formats :func:`result_to_text` writes, and pyoxigraph's name for each.
RESULT_FORMATS = {"xml": "XML", "csv": "CSV", "tsv": "TSV", "json": "JSON"}


def result_to_text(result: Result, fmt: str) -> str:
    """Serialise as SPARQL 1.1 Query Results XML, CSV, TSV (or JSON, as :func:`result_to_json`
    does), written by pyoxigraph's own serialisers: the rows go into a ``VALUES`` block of a query
    on an empty in-memory store, whose solutions pyoxigraph serialises, in the same order.

    >>> print(result_to_text(Result(("n",), [(1,), (None,)]), "tsv"), end="")
    ?n
    1
    <BLANKLINE>
    """
    import pyoxigraph as ox

    if fmt == "json":
        return result_to_json(result)
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"unknown results format {fmt!r}: use one of {', '.join(RESULT_FORMATS)}")
    names = " ".join(f"?{c}" for c in result.columns)
    rows = " ".join("(" + " ".join("UNDEF" if v is None else str(ox_term(v)) for v in row) + ")"
                    for row in result.rows)
    solutions = ox.Store().query(f"SELECT {names or '*'} WHERE {{ VALUES ({names}) {{ {rows} }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    data = solutions.serialize(format=getattr(ox.QueryResultsFormat, RESULT_FORMATS[fmt]))
    return data.decode("utf-8") if data is not None else ""
