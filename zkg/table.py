"""Format a :class:`~zkg.store.Result` as text: a table that lines up with Chinese, CSV, TSV,
JSON or Markdown.

* ``table`` and ``md`` are for people: IRIs are shortened with the fixed prefixes (``ztd:…``),
  and wide (W/F) characters count as two columns, so Chinese lines up in a terminal.
* ``csv`` and ``tsv`` are for tools: full IRIs, plain text of literals, empty for unbound.
* ``json`` is the W3C *SPARQL 1.1 Query Results JSON* format: lossless (datatypes and
  language tags kept), readable by any SPARQL tool; the expected results in
  ``queries/expected/*.srj`` are written in it.

>>> from zkg.store import Result, LangString
>>> print(format_result(Result(("学校", "n"), [(LangString("凤池学校", "zh"), 3)]), "table"))
学校      n
--------  -
凤池学校  3
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable, Iterator

from zkg.store import IRI, Result, compact, result_to_json

__all__ = ["FORMATS", "cell_text", "delimited_lines", "format_result", "printable", "width"]

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC, BEL, CSI, …), line
# and paragraph separators, and the bidirectional overrides. Shown as escapes in every output.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


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

FORMATS = ("table", "csv", "tsv", "json", "md")


def width(text: str) -> int:
    """Terminal columns taken by ``text``: East Asian Wide and Fullwidth count 2.

    >>> width("昭通abc")
    7
    """
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


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


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def _table(result: Result) -> str:
    cells = [[printable(cell_text(v).replace("\n", " ")) for v in row] for row in result.rows]
    head = [printable(c) for c in result.columns]
    sizes = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(head)]
    lines = ["  ".join(_pad(h, s) for h, s in zip(head, sizes)).rstrip(),
             "  ".join("-" * s for s in sizes)]
    lines += ["  ".join(_pad(c, s) for c, s in zip(r, sizes)).rstrip() for r in cells]
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


def _delimited(result: Result, delimiter: str) -> str:
    return "".join(delimited_lines(result.columns, result.rows, delimiter))


def format_result(result: Result, fmt: str = "table") -> str:
    """``result`` in one of :data:`FORMATS`."""
    if fmt == "table":
        return _table(result)
    if fmt == "md":
        return _markdown(result)
    if fmt == "csv":
        return _delimited(result, ",")
    if fmt == "tsv":
        return _delimited(result, "\t")
    if fmt == "json":  # json escapes C0 itself; C1 and the separators are escaped here
        return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", result_to_json(result))
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
