"""The fact schema: what it accepts and what it refuses, with the line."""

from __future__ import annotations

import pytest

from kg_build.errors import FactError
from kg_build.facts import check_references, parse_yaml

OK = """\
entities:
  - id: school/a
    class: School
    zh: 甲校
    en: School A
    en_basis: translation
    para: 1
    quote: 甲校
figures:
  - id: fig-a
    about: school/a
    indicator: school/a
    value: 4600000000
    unit: CNY
    kind: level
    derived: {from: [fig-b], method: "b times two"}
  - id: fig-b
    about: school/a
    indicator: school/a
    value: 96.55
    unit: CNY
    kind: level
    source: somewhere
"""


def test_a_good_file_loads_with_lines():
    recs = parse_yaml("f.yaml", OK)
    assert [(r.section, r.id, r.line) for r in recs] == [
        ("entities", "school/a", 2), ("figures", "fig-a", 10), ("figures", "fig-b", 17)]
    assert recs[1]["value"] == 4600000000


def test_references_are_checked_across_records():
    recs = parse_yaml("f.yaml", OK)
    problems = [str(e) for e in check_references(recs)]
    assert problems == ["f.yaml:23: source 'somewhere' is not declared under 'sources'; "
                        "fix: declare it in facts/reference/sources.yaml"]


@pytest.mark.parametrize("text,line,words", [
    ("entities: {}", 1, "must be a list"),
    ("colours: []", 1, "unknown section 'colours'"),
    ("entities:\n  - id: Bad Id\n", 2, "must be an id"),
    ("entities:\n  - id: a\n    id: b\n", 3, "field 'id' appears twice"),
    ("entities:\n  - id: a\n", 2, "lacks class, zh, en, en_basis"),
    ("figures:\n  - {id: f, about: a, indicator: a, value: 1, unit: x, kind: level, para: 3}\n", 2,
     "has quote and para only together"),
    ("figures:\n  - {id: f, about: a, indicator: a, value: true, unit: x, kind: level}\n", 2, "must be a number"),
    ("figures:\n  - {id: f, about: a, indicator: a, value: 1, unit: x, kind: level}\n", 2,
     "exactly one of para+quote, source, derived"),
    ("figures:\n  - {id: f, about: a, indicator: a, value: 1, unit: x, kind: sideways, source: s}\n", 2,
     "must be one of level, change"),
])
def test_bad_records_are_refused_with_their_line(text, line, words):
    with pytest.raises(FactError) as err:
        parse_yaml("f.yaml", text)
    assert err.value.line == line and words in str(err.value), str(err.value)
    assert "fix:" in str(err.value)


def test_text_is_nfc_normalised():
    decomposed = "e\u0301"  # é as e + combining accent
    recs = parse_yaml("f.yaml", f"sources:\n  - {{id: s, title: '{decomposed}', citation: c}}\n")
    assert recs[0]["title"] == "\u00e9"
