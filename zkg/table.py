"""Format a :class:`~zkg.result.Result` as text: a table that lines up with Chinese, CSV, TSV,
SPARQL JSON, JSON records, JSON Lines or Markdown.

* ``table`` and ``md`` are for people: IRIs are shortened with the fixed prefixes (``ztd:…``),
  and wide (W/F) characters count as two columns, so Chinese lines up in a terminal. ``table``
  cuts long text at :data:`CELL_WIDTH` columns with ``…`` (``wide=True`` shows it whole),
  right-aligns numbers and spells headers as words (``allianceZh`` → ``alliance (zh)``).
* ``csv`` and ``tsv`` are for tools: full IRIs, plain text of literals, empty for unbound.
* ``json`` is the W3C *SPARQL 1.1 Query Results JSON* format: lossless (datatypes and
  language tags kept), readable by any SPARQL tool; the expected results in
  ``queries/expected/*.srj`` are written in it.
* ``records`` (a JSON array of row objects) and ``jsonl`` (one JSON object a line) are for
  ``pandas.read_json`` and ``jq``: numbers as JSON numbers, IRIs as full IRI strings,
  language-tagged text as plain strings, unbound as ``null``.

>>> from zkg.result import Result
>>> from zkg.values import LangString
>>> print(format_result(Result(("学校", "n"), [(LangString("凤池学校", "zh"), 3)]), "table"))
学校      n
--------  -
凤池学校  3
>>> format_result(Result(("学校", "n"), [(LangString("凤池学校", "zh"), 3)]), "records")
'[\\n{"学校": "凤池学校", "n": 3}\\n]\\n'
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable, Iterator

from zkg.result import Result, result_to_json
from zkg.values import compact, IRI

__all__ = ["CELL_WIDTH", "FORMATS", "FORMULA_START", "excel_csv", "spreadsheet_text", "GRAPH_FORMATS", "MACHINE_FORMATS", "cell_text", "delimited_lines", "format_graph",
           "format_result", "header_text", "json_value", "printable", "record_lines", "width"]

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC, BEL, CSI, …), line
# and paragraph separators, and the bidirectional overrides. Shown as escapes in every output.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same minus C0, which JSON escapes itself inside strings (and which is layout outside them).
_JSON_CONTROL = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep: str = "") -> str:
    r"""``text`` with control characters shown as escapes (those in ``keep`` left alone).

    >>> printable("a\x1b]0;title\x07b")
    'a\\x1b]0;title\\x07b'
    """
    def escape(m: re.Match) -> str:
        ch = m.group()
        if ch in keep:
            return ch
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return _CONTROL.sub(escape, text)

FORMATS = ("table", "csv", "tsv", "json", "records", "jsonl", "md")
#: The formats tools read (``--all`` writes one valid document, or one file per question).
MACHINE_FORMATS = ("csv", "tsv", "json", "records", "jsonl")
#: Where ``table`` cuts a cell (terminal columns, ``…`` included).
CELL_WIDTH = 60


def width(text: str) -> int:
    """Terminal columns taken by ``text``: East Asian Wide and Fullwidth count 2.

    >>> width("昭通abc")
    7
    """
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def cut(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` terminal columns, ending in ``…`` when cut.

    >>> cut("昭通市第一中学", 7)
    '昭通市…'
    """
    if width(text) <= size:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > size - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def cell_text(value: Any, short: bool = True) -> str:
    """One value as text (``short``: IRIs with prefixes)."""
    if value is None:
        return ""
    if isinstance(value, IRI):
        return compact(value) if short else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def header_text(name: str) -> str:
    """A column name as words, for people: ``allianceZh`` → ``alliance (zh)``, ``value2022`` →
    ``value 2022``, ``statedMembers`` → ``stated members``.

    >>> header_text("allianceZh"), header_text("value2022"), header_text("areaKm2")
    ('alliance (zh)', 'value 2022', 'area km2')
    """
    lang = ""
    m = re.fullmatch(r"(.+?)(Zh|En)", name)
    if m:
        name, lang = m.group(1), f" ({m.group(2).lower()})"
    words = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d{4})", " ", name)
    words = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words.split(" "))
    return words + lang


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _pad(text: str, size: int, right: bool = False) -> str:
    space = " " * (size - width(text))
    return space + text if right else text + space


def _table(result: Result, wide: bool = False) -> str:
    limit = None if wide else CELL_WIDTH
    cells = [[printable(cell_text(v).replace("\n", " ")) for v in row] for row in result.rows]
    if limit:
        cells = [[cut(c, limit) for c in r] for r in cells]
    head = [printable(header_text(c)) for c in result.columns]
    numeric = [bool(result.rows) and all(row[i] is None or _is_number(row[i]) for row in result.rows)
               and any(row[i] is not None for row in result.rows) for i in range(len(head))]
    sizes = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(head)]
    lines = ["  ".join(_pad(h, s, n) for h, s, n in zip(head, sizes, numeric)).rstrip(),
             "  ".join("-" * s for s in sizes)]
    lines += ["  ".join(_pad(c, s, n) for c, s, n in zip(r, sizes, numeric)).rstrip() for r in cells]
    return "\n".join(lines)


def _markdown(result: Result) -> str:
    def esc(text: str) -> str:
        return printable(text.replace("|", "\\|").replace("\n", " "))

    lines = ["| " + " | ".join(result.columns) + " |", "|" + "---|" * len(result.columns)]
    lines += ["| " + " | ".join(esc(cell_text(v)) for v in row) + " |" for row in result.rows]
    return "\n".join(lines)


def delimited_lines(columns: Iterable[str], rows: Iterable[tuple], delimiter: str) -> Iterator[str]:
    """CSV (``,``) or TSV (``\t``) lines, header first, one row at a time (for streaming)."""
    if delimiter == "\t":
        clean = lambda v: printable(cell_text(v, short=False).replace("\t", " ").replace("\n", " "))  # noqa: E731
        yield "\t".join(columns) + "\n"
        for row in rows:
            yield "\t".join(clean(v) for v in row) + "\n"
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([printable(cell_text(v, short=False), keep="\n\r\t") for v in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


#: What a spreadsheet takes for the start of a formula when a cell begins with it (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> str:
    """One value as a CSV cell that a spreadsheet shows as it is: text that starts like a formula
    gets a leading apostrophe (Excel and LibreOffice then show it as text); numbers stay numbers.

    >>> spreadsheet_text("=HYPERLINK(1)"), spreadsheet_text("-3"), spreadsheet_text(Decimal("-3")), spreadsheet_text("昭通")
    ("'=HYPERLINK(1)", "'-3", '-3', '昭通')
    """
    text = cell_text(value, short=False)
    return "'" + text if not _is_number(value) and text.startswith(FORMULA_START) else text


def excel_csv(result: Result) -> str:
    """CSV for spreadsheets and pandas: a UTF-8 byte order mark (Excel then reads the Chinese as
    UTF-8), full IRIs, and every cell through :func:`spreadsheet_text`."""
    rows = (tuple(spreadsheet_text(v) for v in row) for row in result.rows)
    return "\ufeff" + "".join(delimited_lines(result.columns, rows, ","))


def _delimited(result: Result, delimiter: str) -> str:
    return "".join(delimited_lines(result.columns, result.rows, delimiter))


def json_value(value: Any) -> Any:
    """One value as plain JSON: numbers as numbers (an integral decimal as an integer), IRIs and
    text as strings, unbound (and NaN, ±INF) as None.

    >>> json_value(Decimal("4600000000")), json_value(Decimal("23.96")), json_value(IRI("https://e/a"))
    (4600000000, 23.96, 'https://e/a')
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _dump(obj: Any) -> str:
    """Compact JSON, UTF-8 text kept, with the characters a terminal acts on escaped."""
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False))


def record_lines(result: Result, extra: dict[str, Any] | None = None) -> list[str]:
    """One JSON object per row (``extra`` fields first, e.g. ``{"question": name}``)."""
    return [_dump({**(extra or {}), **{c: json_value(v) for c, v in zip(result.columns, row)}})
            for row in result.rows]


def format_result(result: Result, fmt: str = "table", wide: bool = False) -> str:
    """``result`` in one of :data:`FORMATS` (``wide``: ``table`` cells are not cut)."""
    if fmt == "table":
        return _table(result, wide)
    if fmt == "md":
        return _markdown(result)
    if fmt == "csv":
        return _delimited(result, ",")
    if fmt == "tsv":
        return _delimited(result, "\t")
    if fmt == "json":  # json escapes C0 itself; C1 and the separators are escaped here
        return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", result_to_json(result))
    if fmt == "records":
        lines = record_lines(result)
        return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"
    if fmt == "jsonl":
        return "".join(line + "\n" for line in record_lines(result))
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


#: Formats for the answer of a CONSTRUCT or DESCRIBE query (RDF, not rows).
GRAPH_FORMATS = ("ttl", "nt", "jsonld")


def format_graph(result: Result, fmt: str = "ttl") -> str:
    """The triples of a CONSTRUCT or DESCRIBE answer (``subject predicate object`` rows) as RDF:
    Turtle with the project's prefixes (``ttl``), N-Triples (``nt``) or JSON-LD (``jsonld``).

    >>> from zkg.result import Result
    >>> from zkg.values import LangString
    >>> r = Result(("subject", "predicate", "object"), [(IRI("https://w3id.org/zhaotong-kg/id/person/a"),
    ...     IRI("http://www.w3.org/2000/01/rdf-schema#label"), LangString("甲", "zh"))])
    >>> print(format_graph(r, "nt"), end="")
    <https://w3id.org/zhaotong-kg/id/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh .
    """
    from rdflib import BNode, Graph, Literal, URIRef

    from zkg.prefixes import PREFIXES
    from zkg.values import BNode as ZBNode, lexical

    def term(value: Any):
        if isinstance(value, IRI):
            return URIRef(value)
        if isinstance(value, ZBNode):
            return BNode(value)
        text, datatype, lang = lexical(value)
        return Literal(text, lang=lang, datatype=URIRef(datatype) if datatype else None)

    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for row in result.rows:
        g.add(tuple(term(v) for v in row))
    if fmt == "nt":
        text = "".join(sorted(line + "\n" for line in g.serialize(format="nt").splitlines() if line.strip()))
    elif fmt == "jsonld":
        context = {p: ns for p, ns in PREFIXES.items()}
        text = g.serialize(format="json-ld", context=context, indent=2)
    elif fmt == "ttl":
        text = g.serialize(format="turtle")
    else:
        raise ValueError(f"unknown RDF format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
    text = printable(text, keep="\n\t")
    return text if text.endswith("\n") else text + "\n"
