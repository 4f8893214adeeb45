"""Property-based tests: broken fact files and CSVs, generated, are refused in one line naming file and
line (FactError in process; exit 1 from `zkg build` with the graph folder untouched), and never end in
another exception. Derandomised with bounded examples, so the suite stays fast and reproducible."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg_build import FactError, load_project
from kg_build.facts import parse_yaml, read_csv
from kg_build.triples import PLACE_COLUMNS
from kg_build.vocab import MINTED

ROOT = Path(__file__).resolve().parents[1]
PLACES = (ROOT / "facts" / "reference" / "places.csv").read_text(encoding="utf-8")
FIGURES = (ROOT / "facts" / "housing" / "housing.yaml").read_text(encoding="utf-8")

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Characters that have broken loaders: controls, surrogates, YAML and CSV punctuation, CJK, full-width.
NASTY = st.sampled_from(list("\x00\x07\x1b\x7f\x85\ud800\udfff\ufeff\ufffe\u2028\"'#&*!%@`|>-:,[]{}?\\\t\n\r "
                             "０１９．，万亿余%昭通0123456789.eE+x\uf9ba"))
TEXT = st.text(alphabet=st.one_of(NASTY, st.characters()), max_size=60)


def one_line(err: FactError, path: str) -> str:
    message = str(err)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(path), message
    assert "; fix: " in message, message
    return message


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` truncated, with characters inserted, lines duplicated or deleted, or a value replaced."""
    lines = text.split("\n")
    how = draw(st.sampled_from(["truncate", "insert", "duplicate", "delete", "value"]))
    if how == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(alphabet=NASTY, min_size=1, max_size=4)) + text[at:]
    i = draw(st.integers(0, len(lines) - 1))
    if how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "delete":
        del lines[i]
    else:
        key, sep, _ = lines[i].partition(": ")
        value = draw(st.one_of(
            TEXT, st.integers(-10 ** 25, 10 ** 25).map(str), st.floats().map(repr),
            st.sampled_from([".nan", ".inf", "1:20", "0x10", "0o17", "yes", "~", "[]", "{}", "&a x", "*a",
                             "!!python/object:os.system", '"\\uD800"', '"\\x07"', "99999999999"])))
        lines[i] = key + ": " + value if sep else lines[i] + value
    return "\n".join(lines)


@FAST
@given(TEXT)
def test_any_text_is_records_or_one_line(text):
    try:
        parse_yaml("facts/h.yaml", text)
    except FactError as err:
        one_line(err, "facts/h.yaml")


@FAST
@given(mutated(FIGURES))
def test_a_mutated_fact_file_is_records_or_one_line(text):
    try:
        records = parse_yaml("facts/housing/housing.yaml", text)
    except FactError as err:
        message = one_line(err, "facts/housing/housing.yaml")
        assert err.line is None or 1 <= err.line <= text.count("\n") + 1, message
        return
    for rec in records:  # what loads is checked: figures agree with their words
        if rec.section == "figures" and "as_stated" in rec.data and "derived" not in rec.data:
            assert rec["as_stated"] in rec["quote"] or "、" in rec["quote"], rec.data


@FAST
@given(mutated(PLACES))
def test_a_mutated_reference_csv_is_rows_or_one_line(text):
    try:
        rows = read_csv("facts/reference/places.csv", text, PLACE_COLUMNS)
    except FactError as err:
        one_line(err, "facts/reference/places.csv:")
        return
    for _, row in rows:  # every row that loads has every column, typed
        assert set(row) == set(PLACE_COLUMNS)
        assert not row["area_km2"] or not row["area_km2"].startswith("-")


@FAST
@given(st.integers(1, 17), st.integers(0, 7), TEXT)
def test_a_bad_cell_names_its_line(row, column, cell):
    lines = PLACES.split("\n")
    cells = lines[row].split(",")
    cells[column] = cell
    lines[row] = ",".join(cells)
    try:
        rows = read_csv("p.csv", "\n".join(lines), PLACE_COLUMNS)
    except FactError as err:
        one_line(err, "p.csv:")
        if "\n" not in cell and "\r" not in cell:
            assert err.line in (1, row + 1), (str(err), row)
        return
    assert len(rows) == 17  # a cell that passes keeps every row


# Records that load_project must refuse, each built from parts: (text, the words the error names).
def _figure(fid, about="division/530600", value="3561", as_stated="3561人", quote="累计补充教师3561人", para="16"):
    return (f"  - id: {fid}\n    about: {about}\n    indicator: indicator/teachers-added\n    value: {value}\n"
            f"    unit: persons\n    as_stated: {as_stated}\n    kind: level\n    bound: exactly\n"
            f"    para: {para}\n    quote: {quote}\n")


BROKEN = st.one_of(
    st.builds(lambda n: (_figure(f"f{n}", value=str(n)), "disagrees with as_stated"),
              st.integers(0, 10 ** 9).filter(lambda n: n != 3561)),
    st.builds(lambda q: (_figure("f", quote=q), "quote"),
              st.text(alphabet=st.sampled_from("累计补充教师人3561０万亿余昭通\uf9ba"), min_size=1, max_size=12)
              .filter(lambda q: "3561人" not in q)),
    st.builds(lambda s: (_figure("f", about=f"{s}/x"), "lies in the IRI space"), st.sampled_from(MINTED)),
    st.builds(lambda s: (_figure("fig-p16-teachers-added-3y"), "duplicate id"), st.just(0)),
    st.builds(lambda i: (_figure("f", about=f"school/nowhere-{i}"), "is not a declared entity"), st.integers(0, 99)),
    st.builds(lambda p: (_figure("f", para=str(p)), "cites paragraph" if p > 57 else "not"),
              st.integers(58, 10 ** 12)),
    st.builds(lambda a, b: (_figure("f", para=f"[{a}, {b}]"), "joins paragraphs"),
              st.integers(1, 57), st.integers(1, 57)),
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    for name in ("sources", "facts", "ontology"):
        shutil.copytree(ROOT / name, root / name)
    return root


@SLOW
@given(BROKEN)
def test_a_broken_record_is_refused_by_the_whole_load(scratch, case):
    text, words = case
    if "lies in the IRI space" in words:  # an entity in a minted space
        space = text.split("about: ")[1].split("/")[0]
        text = (f"entities:\n  - {{id: {space}/x, class: School, zh: 昭阳区第七小学, en: x, en_basis: translation, "
                f"para: 12, quote: 昭阳区第七小学}}\n")
    else:
        text = "figures:\n" + text
    (scratch / "facts" / "test.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FactError) as err:
        load_project(scratch)
    message = one_line(err.value, "facts/test.yaml:")
    if words != "not":
        assert words in message or "joins" in words and "paragraph" in message, message


@settings(SLOW, max_examples=6)
@given(mutated(FIGURES))
def test_the_cli_refuses_in_one_line_and_leaves_the_graph_alone(scratch, tmp_path_factory, text):
    from zkg.cli import cli

    out = tmp_path_factory.mktemp("out")
    for name in ("zhaotong.trig", "zhaotong.nq", "manifest.json"):
        shutil.copy(ROOT / "graph" / name, out / name)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (scratch / "facts" / "test.yaml").unlink(missing_ok=True)
    target = scratch / "facts" / "housing" / "housing.yaml"
    target.write_text(text, encoding="utf-8")
    try:
        result = CliRunner().invoke(cli, ["build", "--root", str(scratch), "--out", str(out), "--no-shacl"])
    finally:
        target.write_text(FIGURES, encoding="utf-8")
    if result.exit_code == 0:  # the mutation left a valid file (e.g. a comment changed)
        return
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: facts/housing/housing.yaml"), result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_fuzz_script_is_valid_python_that_stops_by_itself():
    source = (ROOT / "scripts" / "fuzz_facts.py").read_text(encoding="utf-8")
    ast.parse(source)
    assert "-max_total_time=" in source and "-runs=" in source
    assert os.access(ROOT / "scripts" / "fuzz_facts.py", os.X_OK)
