"""The reference CSV (facts/reference/places.csv) and the ontology agree: the words of its column
``kind`` are classes' ``zt:referenceKind``, and each column of values is a data property's
``zt:referenceColumn`` or one of the figure columns (``kg_build.triples.REFERENCE_FIGURES``).
Nothing about them is listed in Python beside the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg_build.build import load_project
from kg_build.errors import FactError
from kg_build.facts import read_csv
from kg_build.triples import PLACE_COLUMNS, REFERENCE_FIGURES, place_columns, reference_value_columns
from kg_build.vocab import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
CSV = "facts/reference/places.csv"


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary(ROOT / "ontology" / "zhaotong.ttl")


@pytest.fixture(scope="module")
def header_and_rows():
    text = (ROOT / CSV).read_bytes().decode("utf-8-sig")
    return text.splitlines()[0].split(","), read_csv(CSV, text, PLACE_COLUMNS)


def test_every_kind_of_the_csv_is_a_class_of_the_ontology(vocab, header_and_rows):
    _, rows = header_and_rows
    words = {row["kind"].split(" (", 1)[0] for _, row in rows}
    assert words <= set(vocab.reference_kinds), f"kinds without zt:referenceKind: {words - set(vocab.reference_kinds)}"
    assert set(vocab.reference_kinds.values()) <= set(vocab.classes)
    assert vocab.reference_kinds["county"] == "County" and vocab.reference_kinds["university"] == "School"


def test_every_column_of_values_becomes_facts_and_every_named_column_exists(vocab, header_and_rows):
    header, _ = header_and_rows
    assert header == list(PLACE_COLUMNS)
    values = set(reference_value_columns(vocab))
    assert set(header) - values == {"name_zh", "name_en", "kind"}
    assert set(vocab.reference_columns) | set(REFERENCE_FIGURES) == values
    assert not set(vocab.reference_columns) & set(REFERENCE_FIGURES)
    assert vocab.reference_columns["admin_code"] == vocab.zt.divisionCode


def test_the_kind_column_takes_the_ontologys_words(vocab):
    text = "\n".join([",".join(PLACE_COLUMNS), "某镇,Mouzhen,township,,,,,"])
    with pytest.raises(FactError, match=r"^facts/reference/places.csv:2: column kind must be one of: .*county"):
        read_csv(CSV, text, place_columns(vocab))


@pytest.mark.parametrize("old, new, message", [
    ('zt:divisionCode zt:referenceColumn "admin_code" .\n', "",
     r"^ontology/zhaotong.ttl: column admin_code of facts/reference/places.csv would become no fact; "
     r'fix: give the data property it fills zt:referenceColumn "admin_code"'),
    ('zt:divisionCode zt:referenceColumn "admin_code" .', 'zt:divisionCode zt:referenceColumn "admin-code" .',
     r"^ontology/zhaotong.ttl:\d+: zt:referenceColumn 'admin-code' is not a column of facts/reference/places.csv"),
    ('zt:District zt:referenceKind "district" .', 'zt:District zt:referenceKind "district" , "county" .',
     r"^ontology/zhaotong.ttl:\d+: zt:referenceKind 'county' is given to two classes \(zt:County and zt:District\); "
     r"fix: give each word to one class"),
    ('zt:County zt:referenceKind "county" .\n', "",
     r"^facts/reference/places.csv:\d+: column kind must be one of: .*got 'county'"),
])
def test_an_ontology_that_disagrees_with_the_csv_stops_the_build(scratch_project, old, new, message):
    onto = scratch_project / "ontology" / "zhaotong.ttl"
    text = onto.read_text(encoding="utf-8")
    assert text.count(old) == 1
    onto.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(FactError, match=message) as info:
        load_project(scratch_project)
    assert "\n" not in str(info.value)
