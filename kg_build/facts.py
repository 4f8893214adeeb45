"""Curated facts: read the YAML files under ``facts/``, check them against the schema, keep line numbers.

A fact file is a mapping whose keys are sections (``entities``, ``relations``, ...), each a list of
records. Every error names the file, the line and the fix (:class:`kg_build.errors.FactError`).

>>> recs = parse_yaml("facts/x.yaml", '''
... entities:
...   - id: school/a
...     class: School
...     zh: 甲校
...     en: School A
...     en_basis: translation
...     para: 1
...     quote: 甲校
... ''')
>>> recs[0].section, recs[0]["zh"], recs[0].line
('entities', '甲校', 3)
>>> parse_yaml("facts/x.yaml", "entities:\\n  - id: a\\n    colour: red\\n")
Traceback (most recent call last):
...
kg_build.errors.FactError: facts/x.yaml:3: unknown field 'colour' in a record of 'entities'; fix: use only: alt_zh, article, class, derived, description_en, description_zh, en, en_basis, id, note, para, quote, source, zh, zh_basis
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import yaml

from kg_build.errors import FactError
from kg_build.numerals import figure_problem

__all__ = ["Record", "SECTIONS", "CATALOGUE_SECTIONS", "EMPTY_KEY", "as_ints", "parse_yaml", "load_facts", "read_fact_files",
           "read_csv", "check_references", "check_number", "StrictLoader"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")
# Text types checked by a pattern: (pattern, what to write).
PATTERNS = {
    "date": (r"[12][0-9]{3}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?",
             "a date YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2025-08-01"),
    "url": (r"https?://[^\s<>\"{}|\\^`]+", "an http(s) address, e.g. https://example.org/page"),
    "sha256": (r"[0-9a-f]{64}", "64 lower-case hex digits, e.g. the output of sha256sum"),
}

FieldType = str | tuple[str, ...]
# field name -> (type, required). Types: str, int, year, number, ints (int or list of ints), strs, id,
# derivation, or a tuple of the allowed values.
PROVENANCE = {"article": ("id", False), "para": ("ints", False), "quote": ("str", False),
              "source": ("id", False), "derived": ("derivation", False), "note": ("str", False)}
SECTIONS: dict[str, dict[str, tuple[FieldType, bool]]] = {
    "entities": {"id": ("id", True), "class": ("str", True), "zh": ("str", True), "en": ("str", True),
                 "en_basis": (("translation", "reference", "article", "constructed"), True),
                 "zh_basis": (("article", "constructed"), False), "alt_zh": ("strs", False), "description_en": ("str", False),
                 "description_zh": ("str", False), **PROVENANCE},
    "relations": {"id": ("id", True), "subject": ("id", True), "property": ("str", True),
                  "object": ("id", True), **PROVENANCE},
    "posts": {"id": ("id", True), "person": ("id", True), "role": ("str", True),
              "organization": ("id", True), **PROVENANCE},
    "memberships": {"id": ("id", True), "member": ("id", True), "organization": ("id", True),
                    "role": ("str", True), **PROVENANCE},
    "figures": {"id": ("id", True), "about": ("id", True), "indicator": ("id", True),
                "value": ("number", True), "unit": ("str", True), "as_stated": ("str", False),
                "year": ("year", False), "period": ("str", False), "kind": (("level", "change"), True),
                "baseline_year": ("year", False),
                "bound": (("exactly", "at-least", "more-than", "about"), False), **PROVENANCE},
    "mentions": {"id": ("id", True), "entity": ("id", True), "zh": ("str", True), **PROVENANCE},
    "defects": {"id": ("id", True), "article": ("id", False), "kind": ("str", True), "paragraphs": ("ints", True),
                "of": ("ints", False), "evidence": ("str", True), "note": ("str", False)},
    "sources": {"id": ("id", True), "title": ("str", True), "citation": ("str", True),
                "files": ("strs", False), "publisher": ("str", False), "date": ("date", False),
                "url": ("url", False), "reliability": ("str", False), "note": ("str", False)},
}
# The sources catalogue (sources/catalogue.yaml): one record per article of sources/, with what is
# known of its publication. ``date`` is YYYY, YYYY-MM or YYYY-MM-DD; ``sha256`` (of the file's bytes),
# when given, is checked, so the text cannot change unnoticed.
CATALOGUE_SECTIONS: dict[str, dict[str, tuple[Any, bool]]] = {
    "articles": {"id": ("id", True), "file": ("str", True), "title": ("str", True), "kicker": ("str", False),
                 "byline": ("str", False), "publisher": ("str", False), "date": ("date", False),
                 "page": ("str", False), "url": ("url", False), "sha256": ("sha256", False),
                 "note": ("str", False)},
}
# Sections whose records must say where they come from (article words, a source, or a derivation).
NEEDS_PROVENANCE = {"entities", "relations", "posts", "memberships", "figures", "mentions"}
# Sections whose records must cite an article's words (a mention is a naming in a paragraph).
NEEDS_QUOTE = {"mentions"}
# The top-level key that says a fact file is meant to hold no records, and why: ``empty: "reason"``.
EMPTY_KEY = "empty"
# Years a figure may refer to, and the bounds of a number the graph can carry exactly everywhere
# (xsd:decimal in Oxigraph is 128-bit fixed point; pandas and JSON readers use doubles).
YEARS = (1900, 2100)
MAX_SIGNIFICANT_DIGITS = 15
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 6
# Nesting deeper than this is no fact file (a record is a mapping in a list in a mapping).
MAX_DEPTH = 8
# Characters no fact may hold: C0 and C1 controls (but tab, newline, carriage return), lone
# surrogates, and the non-characters U+FFFE and U+FFFF.
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class StrictLoader(yaml.CSafeLoader):
    """PyYAML's safe loader on libyaml's C parser (ten times the pure-Python one's speed; PyPI's
    PyYAML wheels include libyaml) with YAML 1.2 core schema scalars.

    Only ``true``/``false``, ``null``/``~``, decimal integers and decimal floats are resolved; a
    float is read as :class:`~decimal.Decimal` from its text (never rounded); ``.nan``/``.inf`` are
    read as Decimal NaN/Infinity so that the schema can refuse them by name. What YAML 1.1 adds is
    text here: ``1:20`` (sexagesimal), ``0x10``, ``0o17``, ``yes``/``no``/``on``/``off``, dates.
    """


StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])):
    StrictLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


def _construct_float(loader: yaml.CSafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = node.value.lower().lstrip("+")
    special = {".inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    return Decimal(special.get(text, text))


StrictLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(node.value))
StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
StrictLoader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: node.value.lower() == "true")


def as_ints(value: int | list[int] | None) -> list[int]:
    """A paragraph field (``12`` or ``[14, 15]``, possibly absent) as a list."""
    return [] if value is None else [value] if isinstance(value, int) else list(value)


@dataclass(slots=True)
class Record:
    """One curated record, with where it was written."""

    section: str
    data: dict[str, Any]
    path: str
    line: int
    lines: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def id(self) -> str:
        return self.data["id"]

    def error(self, key: str | None, problem: str, fix: str = "") -> FactError:
        """A :class:`FactError` pointing at this record's field ``key`` (or the record)."""
        return FactError(self.path, self.lines.get(key, self.line) if key else self.line, problem, fix)

    @property
    def paragraphs(self) -> list[int]:
        return as_ints(self.data.get("para"))


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _check_text(path: str, line: int, text: str) -> None:
    bad = BAD_CHARACTER.search(text)
    if bad:
        raise FactError(path, line, f"control character or lone surrogate U+{ord(bad.group()):04X} in a value",
                        "remove it (write only printable text)")


def _plain(node: yaml.Node, path: str, loader: yaml.CSafeLoader) -> Any:
    """A composed YAML node as plain Python values (strings NFC), refusing duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FactError(path, key_node.start_mark.line + 1, "a key must be a plain word",
                                "write the key as text, e.g. from:")
            key = _plain(key_node, path, loader)
            if key in out:
                raise FactError(path, key_node.start_mark.line + 1, f"duplicate key {key!r}",
                                "keep one of them")
            out[key] = _plain(value_node, path, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n, path, loader) for n in node.value]
    value = _nfc(loader.construct_object(node, deep=True))
    if isinstance(value, str):
        _check_text(path, node.start_mark.line + 1, value)
        if len(value) <= 64:  # codes, classes and ids recur in many records: one string each
            value = sys.intern(value)
    return value


def check_number(value: Any) -> str | None:
    """Why ``value`` cannot be a figure's value (not finite, too large, too precise); None when fine.

    >>> check_number(Decimal("96.55")), check_number(4600000000)
    (None, None)
    >>> check_number(Decimal("NaN"))
    'is not a finite number'
    >>> check_number(12345678901234567891)
    'has 20 significant digits (at most 15 are carried exactly)'
    """
    number = Decimal(value)
    if not number.is_finite():
        return "is not a finite number"
    if number == 0:
        return None
    sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)  # a finite number's exponent (not 'n', 'N' or 'F')
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return f"has {len(digits)} significant digits (at most {MAX_SIGNIFICANT_DIGITS} are carried exactly)"
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        return f"is too large (at most {MAX_INTEGER_DIGITS} digits before the decimal point)"
    if exponent < -MAX_DECIMAL_PLACES:
        return f"has more than {MAX_DECIMAL_PLACES} decimal places"
    return None


def _check_value(rec_path: str, line: int, section: str, key: str, kind: Any, value: Any) -> Any:
    def bad(what: str, fix: str) -> FactError:
        return FactError(rec_path, line, f"field {key!r} {what}, got {value!r}", fix)

    if isinstance(kind, tuple):
        if value not in kind:
            raise bad("must be one of " + ", ".join(kind), f"write one of: {', '.join(kind)}")
        return value
    if kind == "str":
        if not isinstance(value, str) or value.strip() == "":
            raise bad("must be text", "write a non-empty string (quote it if it looks like a number)")
        return value
    if kind == "id":
        if not isinstance(value, str) or not ID_RE.match(value):
            raise bad("must be an id like school/fengchi-nine-year",
                      "use lower-case ASCII words joined by '-' and '/'")
        return value
    if kind in ("int", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("must be a whole number", "write it in digits, e.g. 2025")
        if kind == "year" and not YEARS[0] <= value <= YEARS[1]:
            raise bad(f"must be a year from {YEARS[0]} to {YEARS[1]}", "write the four-digit year, e.g. 2025")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise bad("must be a number", "write the number in digits, in base units (46亿元 → 4600000000)")
        why = check_number(value)
        if why:
            raise bad(why, f"write a finite number in digits, at most {MAX_SIGNIFICANT_DIGITS} significant")
        return value
    if kind == "ints":
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in items):
            raise bad("must be a paragraph number or a list of them", "write e.g. 12 or [14, 15]")
        return value
    if kind == "strs":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad("must be a list of strings", "write e.g. [凤池学校]")
        return value
    if kind in PATTERNS:
        pattern, example = PATTERNS[kind]
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise bad(f"must be {example}", f"write e.g. {example.split('e.g. ')[-1]}")
        return value
    if kind == "derivation":
        if not isinstance(value, dict) or set(value) != {"from", "method"} \
                or not isinstance(value["from"], list) or not value["from"] \
                or not all(isinstance(v, str) for v in value["from"]) or not isinstance(value["method"], str) \
                or not value["method"].strip():
            raise bad("must be {from: [fact ids], method: text}",
                      "write e.g. derived: {from: [fig-a, fig-b], method: 'a minus b'}")
        return value
    raise AssertionError(kind)  # pragma: no cover - the schema above is closed


def _yaml_error(path: str, exc: yaml.YAMLError, text: str) -> FactError:
    """One line for a YAML syntax error; a mark at the end of the stream names the file's last line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    fix = "write the character itself (a printable one), not an escape" if "escape" in problem else \
        "fix the indentation or quoting there"
    line = min(mark.line + 1, text.count("\n") + 1) if mark else None
    return FactError(path, line, f"malformed YAML: {problem}", fix)


def _check_events(path: str, text: str) -> None:
    """Refuse, before anything is built from them, what no fact file needs: anchors and aliases (an
    alias bomb expands exponentially), explicit tags, and nesting deeper than :data:`MAX_DEPTH`."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=StrictLoader):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise FactError(path, line, "YAML anchors and aliases (&name, *name) are not allowed",
                                "write the value out in full")
            tag = getattr(event, "tag", None)
            if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
                raise FactError(path, line, f"explicit YAML tag {tag!r} is not allowed",
                                "remove the tag (quote the value if it must be text)")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise FactError(path, line, f"nested more than {MAX_DEPTH} levels deep",
                                    "write records as a list of mappings under a section")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc, text) from None


def parse_yaml(path: str, text: str, sections: Mapping[str, Mapping[str, tuple[Any, bool]]] | None = None
               ) -> list[Record]:
    """Parse and check one fact file's text; ``path`` is only used in messages.

    ``sections`` is the schema (default :data:`SECTIONS`; the sources catalogue has its own). A file
    with no records is refused unless it says why with ``empty: "reason"``.
    """
    sections = SECTIONS if sections is None else sections
    bad = BAD_CHARACTER.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise FactError(path, line, f"control character or lone surrogate U+{ord(bad.group()):04X} "
                        f"at column {column}", "remove it (write only printable text)")
    _check_events(path, text)
    loader = StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc, text) from None
    finally:
        loader.dispose()
    if root is None:
        raise FactError(path, 1, "the file holds no records",
                        f"add records, or say why it is empty with a line {EMPTY_KEY}: \"reason\"")
    if not isinstance(root, yaml.MappingNode):
        raise FactError(path, root.start_mark.line + 1, "a fact file must be a mapping of sections",
                        f"start with one of: {', '.join(sections)}")
    records: list[Record] = []
    seen_sections: set[str] = set()
    empty_line = None
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise FactError(path, line, "a section name must be a plain word", f"use one of: {', '.join(sections)}")
        section = key_node.value
        if section == EMPTY_KEY:
            if empty_line or not isinstance(value_node, yaml.ScalarNode) or value_node.tag != \
                    "tag:yaml.org,2002:str" or not value_node.value.strip():
                raise FactError(path, line, f"{EMPTY_KEY!r} must be said once, with the reason as text",
                                f"write e.g. {EMPTY_KEY}: \"no figures in this piece yet\"")
            _check_text(path, line, value_node.value)
            empty_line = line
            continue
        if section not in sections:
            raise FactError(path, line, f"unknown section {section!r}", f"use one of: {', '.join(sections)}")
        if section in seen_sections:
            raise FactError(path, line, f"section {section!r} appears twice", "merge the two lists")
        seen_sections.add(section)
        if not isinstance(value_node, yaml.SequenceNode):
            raise FactError(path, line, f"section {section!r} must be a list of records",
                            "start each record with '- id: ...'")
        for item in value_node.value:
            records.append(_record(path, section, item, loader, sections[section]))
    if empty_line and records:
        raise FactError(path, empty_line, f"the file says it is {EMPTY_KEY} but holds {len(records)} record(s)",
                        f"remove the {EMPTY_KEY!r} line")
    if not empty_line and not records:
        raise FactError(path, 1, "the file holds no records",
                        f"add records, or say why it is empty with a line {EMPTY_KEY}: \"reason\"")
    return records


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _record(path: str, section: str, node: yaml.Node, loader: yaml.CSafeLoader,
            schema: Mapping[str, tuple[Any, bool]]) -> Record:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise FactError(path, line, f"a {section} record must be a mapping", "write '- id: ...' and its fields")
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise FactError(path, key_line, f"a field name in a record of {section!r} must be a plain word",
                            "use only: " + ", ".join(sorted(schema)))
        key = sys.intern(key_node.value)  # one string per field name, not one per record
        if key not in schema:
            raise FactError(path, key_line, f"unknown field {key!r} in a record of {section!r}",
                            "use only: " + ", ".join(sorted(schema)))
        if key in data:
            raise FactError(path, key_line, f"field {key!r} appears twice", "keep one of them")
        kind = schema[key][0]
        if (kind == "str" or kind in PATTERNS) and isinstance(value_node, yaml.ScalarNode) \
                and value_node.tag in _NUMBER_TAGS:
            value = _nfc(value_node.value)  # text that looks like a number: keep it as written
        else:
            try:
                value = _plain(value_node, path, loader)
            except (yaml.YAMLError, ValueError, ArithmeticError) as exc:
                raise FactError(path, key_line, f"malformed value: {getattr(exc, 'problem', None) or exc}",
                                "quote the value") from None
        data[key] = _check_value(path, key_line, section, key, kind, value)
        lines[key] = key_line
    missing = [k for k, (_, required) in schema.items() if required and k not in data]
    if missing:
        raise FactError(path, line, f"{section} record lacks {', '.join(missing)}",
                        f"add {', '.join(missing)} to the record")
    rec = Record(section, data, path, line, lines)
    if section in NEEDS_PROVENANCE:
        _check_provenance(rec)
    if section == "figures":
        _check_figure(rec)
    return rec


def _check_figure(rec: Record) -> None:
    """A stated figure's value, unit and bound agree with its words, and its words are in its quote."""
    if rec["kind"] == "change" and "baseline_year" not in rec.data:
        raise rec.error("kind", f"figure {rec.id!r} is a change with no baseline_year",
                        "a change is against a dated earlier state: give baseline_year (较2022年 → 2022); a total "
                        "over a period or a ratio to a former size is kind: level (DESIGN.md, 'Level or change')")
    if rec["kind"] == "level" and "baseline_year" in rec.data:
        raise rec.error("baseline_year", f"figure {rec.id!r} is a level with a baseline_year",
                        "a figure compared with a dated earlier state is kind: change; otherwise remove baseline_year")
    stated = "quote" in rec.data and "derived" not in rec.data
    if stated and "as_stated" not in rec.data:
        raise rec.error(None, f"figure {rec.id!r} quotes the article but has no as_stated",
                        "add as_stated: the article's words for the number, e.g. 46亿元")
    if "as_stated" not in rec.data:
        return  # derived (computed) or reference figures: nothing stated to compare with
    problem = figure_problem(rec["value"], rec["unit"], rec["as_stated"], rec.get("bound"),
                             rec["quote"] if stated else None)
    if problem:
        what, fix = problem
        key = "as_stated" if "quote" in what or "as_stated" in what.split()[0] else \
            "bound" if what.startswith("bound") else "unit" if "unit" in what else "value"
        raise rec.error(key, f"figure {rec.id!r}: {what}", fix)


def _check_provenance(rec: Record) -> None:
    has_quote = "quote" in rec.data or "para" in rec.data
    kinds = [k for k, present in (("para/quote", has_quote and "derived" not in rec.data),
                                  ("source", "source" in rec.data), ("derived", "derived" in rec.data))
             if present]
    if len(kinds) != 1:
        raise rec.error(None, f"record {rec.id!r} must have exactly one of para+quote, source, derived "
                        f"(has {', '.join(kinds) or 'none'})",
                        "cite the article (para: N, quote: exact words), a source, or a derivation")
    if ("quote" in rec.data) != ("para" in rec.data):
        raise rec.error("quote" if "quote" in rec.data else "para",
                        f"record {rec.id!r} has quote and para only together",
                        "give both the paragraph number and the exact words")
    if "article" in rec.data and "para" not in rec.data:
        raise rec.error("article", f"record {rec.id!r} names an article but cites no paragraph of it",
                        "add para: N and quote: the exact words, or remove article:")
    if rec.section in NEEDS_QUOTE and ("quote" not in rec.data or "derived" in rec.data or "source" in rec.data):
        raise rec.error(None, f"a {rec.section} record ({rec.id!r}) must cite the words that name the entity",
                        "give article (when the project has several), para and quote")


# The types a CSV column may have: a pattern its non-empty cells must match, and what to write.
CSV_TYPES: dict[str, tuple[str, str]] = {
    "text": (r".+", "text"),
    "count": (r"[0-9]+", "a whole number, 0 or more, in ASCII digits"),
    "amount": (r"[0-9]+(?:\.[0-9]+)?", "a number, 0 or more, in ASCII digits with an optional decimal point"),
    "division-code": (r"[0-9]{6}", "a 6-digit division code (GB/T 2260)"),
    "wikidata-id": (r"Q[1-9][0-9]*", "a Wikidata id such as Q197519"),
}
# An enumerated CSV column: one of the known words, optionally followed by a note in parentheses.
_ENUM_CELL = re.compile(r"^(?P<word>[^()]+?)(?: \((?P<note>[^()]+)\))?$")


def _csv_cells(path: str, line_no: int, line: str) -> list[str]:
    """The cells of one CSV line (RFC 4180 quoting, on one line): strict, no guessing."""
    cells: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            parts, j = [], i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    raise FactError(path, line_no, f"the quote opened at column {i + 1} is not closed on its line",
                                    'close it (a cell cannot run across lines), or remove the stray "')
                parts.append(line[j:k])
                if line.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            if i < n and line[i] != ",":
                raise FactError(path, line_no, f"text after the closing quote at column {i + 1}",
                                'put a comma after the closing quote, or write "" for a quote inside the cell')
            cells.append("".join(parts))
        else:
            k = line.find(",", i)
            end = n if k < 0 else k
            cell = line[i:end]
            if '"' in cell:
                raise FactError(path, line_no, f'a quote character (") inside an unquoted cell at column '
                                f'{i + cell.index(chr(34)) + 1}',
                                'quote the whole cell and double the quote inside it (""), or remove it')
            cells.append(cell)
            i = end
        if i >= n:
            return cells
        i += 1  # the comma
        if i == n:
            cells.append("")
            return cells


def read_csv(path: str, text: str,
             columns: Mapping[str, tuple[str | Mapping[str, Any], bool]]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers, checked strictly against ``columns``.

    ``columns`` maps each column to (type, required): a type of :data:`CSV_TYPES` or a mapping whose
    keys are the known values (a value may add a note in parentheses: ``school (senior high)``). The
    header must name exactly these columns; every row must have one cell per column; a required cell
    must not be empty. A UTF-8 byte order mark at the start is accepted. Cells are NFC-normalised
    and stripped of surrounding spaces.

    >>> read_csv("p.csv", "name,n\\nA,1\\n", {"name": ("text", True), "n": ("count", False)})
    [(2, {'name': 'A', 'n': '1'})]
    >>> read_csv("p.csv", "name,n\\nA,-1\\n", {"name": ("text", True), "n": ("count", False)})
    Traceback (most recent call last):
    ...
    kg_build.errors.FactError: p.csv:2: column n must be a whole number, 0 or more, in ASCII digits, got '-1'; fix: correct the cell
    """
    text = text.removeprefix("\ufeff")
    bad = BAD_CHARACTER.search(text.replace("\r\n", "\n"))
    if bad:
        bad_line = text.count("\n", 0, text.find(bad.group())) + 1
        raise FactError(path, bad_line, f"control character or lone surrogate U+{ord(bad.group()):04X}",
                        "remove it (write only printable text)")
    lines = text.split("\n")
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    for line_no, raw in enumerate(lines, 1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        cells = [_nfc(c.strip()) for c in _csv_cells(path, line_no, line)]
        if header is None:
            header = cells
            unknown = [c for c in header if c not in columns]
            missing = [c for c in columns if c not in header]
            if unknown:
                raise FactError(path, line_no, f"unknown column {unknown[0]!r} in the header",
                                f"use exactly the columns: {', '.join(columns)}")
            if len(set(header)) != len(header):
                raise FactError(path, line_no, "a column appears twice in the header", "keep one of them")
            if missing:
                raise FactError(path, line_no, f"CSV header lacks {', '.join(missing)}",
                                "add the column(s) to the first line")
            continue
        if len(cells) != len(header):
            more = "more" if len(cells) > len(header) else "fewer"
            raise FactError(path, line_no, f"row has {len(cells)} cells, {more} cells than the header "
                            f"({len(header)})", "write one cell per column; quote cells that contain commas")
        row = dict(zip(header, cells))
        for column, (kind, required) in columns.items():
            cell = row[column]
            if not cell:
                if required:
                    raise FactError(path, line_no, f"column {column} is empty", "fill it in")
                continue
            if isinstance(kind, Mapping):
                m = _ENUM_CELL.match(cell)
                if not m or m.group("word") not in kind:
                    raise FactError(path, line_no, f"column {column} must be one of: {', '.join(kind)} "
                                    f"(optionally with a note in parentheses), got {cell!r}",
                                    f"write one of: {', '.join(kind)}")
                continue
            pattern, what = CSV_TYPES[kind]
            if not re.fullmatch(pattern, cell):
                raise FactError(path, line_no, f"column {column} must be {what}, got {cell!r}", "correct the cell")
            if kind in ("count", "amount"):
                why = check_number(Decimal(cell))
                if why:
                    raise FactError(path, line_no, f"column {column} {why}, got {cell!r}", "correct the cell")
        rows.append((line_no, row))
    if header is None:
        raise FactError(path, 1, "the CSV file is empty (no header)", f"write the header: {','.join(columns)}")
    if not rows:
        raise FactError(path, 2, "the CSV file has a header but no rows", "add the rows, or remove the file")
    return rows


def read_fact_files(root: Path) -> dict[str, list[Record]]:
    """Every ``*.yaml`` file under ``root`` (sorted by path) with its records; paths are relative to
    ``root``'s parent (``facts/x.yaml``). A file that says ``empty: "reason"`` maps to no records."""
    if not root.is_dir():
        raise FactError(root.name, None, "the facts folder is missing", "run in a zhaotong-kg checkout (or pass --root)")
    files: dict[str, list[Record]] = {}
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root.parent).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise FactError(rel, None, f"not UTF-8 ({exc.reason})", "save the file as UTF-8") from None
        except OSError as exc:
            raise FactError(rel, None, f"cannot be read ({exc.strerror or exc})", "make it a readable file") from None
        files[rel] = parse_yaml(rel, text)
    return files


def load_facts(root: Path) -> list[Record]:
    """Every record of every ``*.yaml`` file under ``root``, in a stable (sorted path) order."""
    return [rec for records in read_fact_files(root).values() for rec in records]


def check_references(records: list[Record], known: Iterable[str] = ()) -> Iterator[FactError]:
    """Errors for duplicate ids and references to undeclared entities or facts."""
    first: dict[str, Record] = {}
    for rec in records:
        if rec.id in first:
            other = first[rec.id]
            yield rec.error("id", f"duplicate id {rec.id!r} (first at {other.path}:{other.line})",
                            "give one of them another id")
        else:
            first[rec.id] = rec
    entities = {r.id for r in records if r.section == "entities"} | set(known)
    facts = set(first)
    refs = {"relations": ("subject", "object"), "posts": ("person", "organization"),
            "memberships": ("member", "organization"), "figures": ("about", "indicator"), "mentions": ("entity",)}
    for rec in records:
        for key in refs.get(rec.section, ()):
            if rec[key] not in entities:
                yield rec.error(key, f"{key} {rec[key]!r} is not a declared entity",
                                "declare it under 'entities' or correct the id")
        derived = rec.get("derived")
        for fid in (derived or {}).get("from", []):
            if fid not in facts:
                yield rec.error("derived", f"derived from {fid!r}, which is not a fact id",
                                "name the ids of the facts it is computed from")
        if "source" in rec.data and rec["source"] not in facts:
            yield rec.error("source", f"source {rec['source']!r} is not declared under 'sources'",
                            "declare it in facts/reference/sources.yaml")
