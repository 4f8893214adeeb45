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
kg_build.errors.FactError: facts/x.yaml:3: unknown field 'colour' in a record of 'entities'; fix: use only: alt_zh, class, derived, description_en, description_zh, en, en_basis, id, note, para, quote, source, zh
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from kg_build.errors import FactError

__all__ = ["Record", "SECTIONS", "as_ints", "parse_yaml", "load_facts", "read_csv", "check_references"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")

# field name -> (type, required). Types: str, int, number, ints (int or list of ints), strs, map, id.
PROVENANCE = {"para": ("ints", False), "quote": ("str", False), "source": ("id", False),
              "derived": ("derivation", False), "note": ("str", False)}
SECTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "entities": {"id": ("id", True), "class": ("str", True), "zh": ("str", True), "en": ("str", True),
                 "en_basis": (("translation", "reference", "article", "constructed"), True),
                 "alt_zh": ("strs", False), "description_en": ("str", False),
                 "description_zh": ("str", False), **PROVENANCE},
    "relations": {"id": ("id", True), "subject": ("id", True), "property": ("str", True),
                  "object": ("id", True), **PROVENANCE},
    "posts": {"id": ("id", True), "person": ("id", True), "role": ("str", True),
              "organization": ("id", True), **PROVENANCE},
    "memberships": {"id": ("id", True), "member": ("id", True), "organization": ("id", True),
                    "role": ("str", True), **PROVENANCE},
    "figures": {"id": ("id", True), "about": ("id", True), "indicator": ("id", True),
                "value": ("number", True), "unit": ("str", True), "as_stated": ("str", False),
                "year": ("int", False), "period": ("str", False), "kind": (("level", "change"), True),
                "baseline_year": ("int", False),
                "bound": (("exactly", "at-least", "more-than", "about"), False), **PROVENANCE},
    "defects": {"id": ("id", True), "kind": ("str", True), "paragraphs": ("ints", True),
                "of": ("ints", False), "evidence": ("str", True), "note": ("str", False)},
    "sources": {"id": ("id", True), "title": ("str", True), "citation": ("str", True),
                "files": ("strs", False), "note": ("str", False)},
}
# Sections whose records must say where they come from (article words, a source, or a derivation).
NEEDS_PROVENANCE = {"entities", "relations", "posts", "memberships", "figures"}


def as_ints(value: int | list[int] | None) -> list[int]:
    """A paragraph field (``12`` or ``[14, 15]``, possibly absent) as a list."""
    return [] if value is None else [value] if isinstance(value, int) else list(value)


@dataclass
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


def _plain(node: yaml.Node, path: str, loader: yaml.SafeLoader) -> Any:
    """A composed YAML node as plain Python values (strings NFC), refusing duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, path, loader)
            if key in out:
                raise FactError(path, key_node.start_mark.line + 1, f"duplicate key {key!r}",
                                "keep one of them")
            out[key] = _plain(value_node, path, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n, path, loader) for n in node.value]
    return _nfc(loader.construct_object(node, deep=True))


def _check_value(rec_path: str, line: int, section: str, key: str, kind: Any, value: Any) -> Any:
    def bad(what: str, fix: str) -> FactError:
        return FactError(rec_path, line, f"field {key!r} {what}, got {value!r}", fix)

    if isinstance(kind, tuple):
        if value not in kind:
            raise bad("must be one of " + ", ".join(kind), f"write one of: {', '.join(kind)}")
        return value
    if kind == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
            raise bad("must be text", "write a non-empty string (quote it if it looks like a number)")
        return str(value) if not isinstance(value, str) else value
    if kind == "id":
        if not isinstance(value, str) or not ID_RE.match(value):
            raise bad("must be an id like school/fengchi-nine-year",
                      "use lower-case ASCII words joined by '-' and '/'")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("must be a whole number", "write it in digits, e.g. 2025")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("must be a number", "write the number in digits, in base units (46亿元 → 4600000000)")
        return value
    if kind == "ints":
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in items):
            raise bad("must be a paragraph number or a list of them", "write e.g. 12 or [14, 15]")
        return value
    if kind == "strs":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise bad("must be a list of strings", "write e.g. [凤池学校]")
        return value
    if kind == "derivation":
        if not isinstance(value, dict) or set(value) != {"from", "method"} \
                or not isinstance(value["from"], list) or not value["from"] \
                or not all(isinstance(v, str) for v in value["from"]) or not isinstance(value["method"], str):
            raise bad("must be {from: [fact ids], method: text}",
                      "write e.g. derived: {from: [fig-a, fig-b], method: 'a minus b'}")
        return value
    raise AssertionError(kind)  # pragma: no cover - the schema above is closed


def parse_yaml(path: str, text: str) -> list[Record]:
    """Parse and check one fact file's text; ``path`` is only used in messages."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FactError(path, mark.line + 1 if mark else None, f"malformed YAML: {problem}",
                        "fix the indentation or quoting there") from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise FactError(path, root.start_mark.line + 1, "a fact file must be a mapping of sections",
                        f"start with one of: {', '.join(SECTIONS)}")
    records: list[Record] = []
    seen_sections: set[str] = set()
    for key_node, value_node in root.value:
        section = key_node.value
        line = key_node.start_mark.line + 1
        if section not in SECTIONS:
            raise FactError(path, line, f"unknown section {section!r}", f"use one of: {', '.join(SECTIONS)}")
        if section in seen_sections:
            raise FactError(path, line, f"section {section!r} appears twice", "merge the two lists")
        seen_sections.add(section)
        if not isinstance(value_node, yaml.SequenceNode):
            raise FactError(path, line, f"section {section!r} must be a list of records",
                            "start each record with '- id: ...'")
        for item in value_node.value:
            records.append(_record(path, section, item, loader))
    return records


def _record(path: str, section: str, node: yaml.Node, loader: yaml.SafeLoader) -> Record:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise FactError(path, line, f"a {section} record must be a mapping", "write '- id: ...' and its fields")
    schema = SECTIONS[section]
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        key_line = key_node.start_mark.line + 1
        if key not in schema:
            raise FactError(path, key_line, f"unknown field {key!r} in a record of {section!r}",
                            "use only: " + ", ".join(sorted(schema)))
        if key in data:
            raise FactError(path, key_line, f"field {key!r} appears twice", "keep one of them")
        try:
            value = _plain(value_node, path, loader)
        except yaml.YAMLError as exc:
            raise FactError(path, key_line, f"malformed value: {getattr(exc, 'problem', exc)}",
                            "quote the value") from None
        data[key] = _check_value(path, key_line, section, key, schema[key][0], value)
        lines[key] = key_line
    missing = [k for k, (_, required) in schema.items() if required and k not in data]
    if missing:
        raise FactError(path, line, f"{section} record lacks {', '.join(missing)}",
                        f"add {', '.join(missing)} to the record")
    rec = Record(section, data, path, line, lines)
    if section in NEEDS_PROVENANCE:
        _check_provenance(rec)
    return rec


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


def read_csv(path: str, text: str, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers; checks the header has ``required`` columns."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise FactError(path, 1, f"CSV header lacks {', '.join(missing)}", "add the column(s) to the first line")
    rows = []
    for row in reader:
        if None in row:
            raise FactError(path, reader.line_num, "row has more cells than the header",
                            "quote cells that contain commas")
        rows.append((reader.line_num, {k: _nfc((v or "").strip()) for k, v in row.items()}))
    return rows


def load_facts(root: Path) -> list[Record]:
    """Every record of every ``*.yaml`` file under ``root``, in a stable (sorted path) order."""
    records: list[Record] = []
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root.parent).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise FactError(rel, None, f"not UTF-8 ({exc.reason})", "save the file as UTF-8") from None
        records.extend(parse_yaml(rel, text))
    return records


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
            "memberships": ("member", "organization"), "figures": ("about", "indicator")}
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
