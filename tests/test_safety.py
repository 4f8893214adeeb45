"""Safe to serve, nothing lost: every case here once built with exit 0 (losing data) or ended in a
traceback or a hang. Now each is one line naming file, line and fix (FactError in process; exit 1
from `zkg build`), and the graph folder is left byte for byte as it was, with no temporary file."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg_build import FactError, load_project
from kg_build.facts import parse_yaml
from kg_build.vocab import MINTED

ZHAOYANG_ROW = "昭阳区,Zhaoyang District,district,530602,,,2163,911766"

# A good figure (P16) and entity (P12); the cases below change one thing in them.
FIGURE = """\
figures:
  - id: fig-test
    about: division/530600
    indicator: indicator/teachers-added
    value: 3561
    unit: persons
    as_stated: 3561人
    period: 3年来
    kind: level
    bound: exactly
    para: 16
    quote: 累计补充教师3561人
"""
ENTITY = """\
entities:
  - id: school/test-school
    class: PrimarySchool
    zh: 昭阳区第七小学
    en: Test School
    en_basis: translation
    para: 12
    quote: 昭阳区第七小学承担了
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="session")
def good_build(tmp_path_factory, project_root) -> Path:
    """A folder holding a good build of the committed project (the 'older build' every test starts from)."""
    out = tmp_path_factory.mktemp("good") / "graph"
    shutil.copytree(project_root / "graph", out)
    return out


@pytest.fixture()
def out(tmp_path, good_build) -> Path:
    folder = tmp_path / "out"
    shutil.copytree(good_build, folder)
    return folder


def refuse(project: Path, out: Path, zkg, *extra: str) -> str:
    """Run `zkg build` on ``project`` into ``out``; assert exit 1, one line, nothing changed; return the line."""
    before, names = snapshot(out), sorted(os.listdir(out))
    result = zkg("build", "--root", str(project), "--out", str(out), *extra)
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and "fix:" in lines[0] or "nothing" in lines[0], lines[0]
    assert snapshot(out) == before
    assert sorted(os.listdir(out)) == names, "a temporary file was left"
    return lines[0]


def refused(project: Path) -> str:
    with pytest.raises(FactError) as err:
        load_project(project)
    message = str(err.value)
    assert "\n" not in message and "fix:" in message, message
    return message


def add_facts(project: Path, text: str) -> None:
    (project / "facts" / "test.yaml").write_text(text, encoding="utf-8")


# --- 4. Nothing lost silently: the reference CSV -------------------------------------------------

def edit_csv(project: Path, change) -> Path:
    csv = project / "facts" / "reference" / "places.csv"
    csv.write_text(change(csv.read_text(encoding="utf-8")), encoding="utf-8")
    return csv


@pytest.mark.parametrize("change,line,words", [
    (lambda t: t.replace("\n昭阳区,", '\n"昭阳区,'), 4, "is not closed on its line"),
    (lambda t: t.replace(ZHAOYANG_ROW, "昭阳区,Zhaoyang District"), 4, "row has 2 cells, fewer cells than the header"),
    (lambda t: t.replace("district,530602", "distrct,530602"), 4, "column kind must be one of: county, county-level city"),
    (lambda t: t.replace(",2163,", ",-2163,"), 4, "column area_km2 must be a number, 0 or more"),
    (lambda t: t.replace(",911766", ",91万"), 4, "column population_2020 must be a whole number"),
    (lambda t: t.replace("Zhaoyang District", 'Zhao"yang District'), 4, 'a quote character (") inside an unquoted cell'),
    (lambda t: t.replace("Zhaoyang District", '"Zhaoyang" District'), 4, "text after the closing quote"),
    (lambda t: t.replace("kind,", "kind,colour,").replace("district,", "district,red,"), 1, "unknown column 'colour'"),
    (lambda t: t + "昭阳区,Again,district,530602,,,1,1\n", 19, "昭阳区 has a second row (first at line 4)"),
    (lambda t: t.replace("昭阳区,Zhao", "昭阳县,Zhao"), 4, "no entity has the zh label 昭阳县, so they would be lost"),
    (lambda t: t.replace("district,530602", "county,530602"), 4, "is a county but entity division/530602 is a District"),
    (lambda t: t.replace(",2163,", ",2163.123456789012345678,"), 4, "significant digits"),
    (lambda t: t.split("\n")[0] + "\n", 2, "has a header but no rows"),
    (lambda t: t.replace("Zhaoyang District", "Zhaoyang\x07District"), 4, "U+0007"),
])
def test_a_broken_reference_csv_is_refused_at_its_line(scratch_project, change, line, words):
    edit_csv(scratch_project, change)
    message = refused(scratch_project)
    assert message.startswith(f"facts/reference/places.csv:{line}: ") and words in message, message


def test_a_csv_with_a_byte_order_mark_is_read_like_one_without(scratch_project, project_root):
    csv = scratch_project / "facts" / "reference" / "places.csv"
    csv.write_bytes(b"\xef\xbb\xbf" + csv.read_bytes())
    assert load_project(scratch_project).reference_rows == load_project(project_root).reference_rows


def test_a_stray_quote_that_swallowed_14_rows_now_stops_the_build(scratch_project, out, zkg):
    edit_csv(scratch_project, lambda t: t.replace("\n昭阳区,", '\n"昭阳区,'))
    line = refuse(scratch_project, out, zkg)
    assert line.startswith("Error: facts/reference/places.csv:4: the quote opened at column 1 is not closed"), line


# --- 4. Nothing lost silently: empty fact files and the previous build's counts --------------------

def test_an_emptied_fact_file_is_refused(scratch_project):
    (scratch_project / "facts" / "festival" / "festival.yaml").write_text("", encoding="utf-8")
    assert refused(scratch_project).startswith("facts/festival/festival.yaml:1: the file holds no records")


@pytest.mark.parametrize("text", ["# nothing yet\n", "entities: []\nfigures: []\n"])
def test_a_file_of_empty_sections_or_comments_is_refused(text):
    with pytest.raises(FactError, match="holds no records"):
        parse_yaml("facts/x.yaml", text)


def test_empty_must_be_said_with_a_reason_and_only_when_true():
    assert parse_yaml("facts/x.yaml", 'empty: "the housing piece is not curated yet"\n') == []
    for text, words in [("empty:\n", "must be said once"), ("empty: 3\n", "must be said once"),
                        ("empty: why\n" + ENTITY, "says it is empty but holds 1 record")]:
        with pytest.raises(FactError, match=words):
            parse_yaml("facts/x.yaml", text)


def test_the_manifest_records_per_file_counts_and_a_file_that_had_records_cannot_vanish(scratch_project, tmp_path,
                                                                                         zkg):
    out = tmp_path / "graph"
    first = zkg("build", "--root", str(scratch_project), "--out", str(out), "--no-shacl")
    assert first.returncode == 0, first.stderr
    assert "facts/festival/festival.yaml 22" in first.stdout
    import json
    records = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["records"]
    assert records["facts/festival/festival.yaml"] == 22 and records["facts/reference/places.csv"] == 17
    festival = scratch_project / "facts" / "festival" / "festival.yaml"
    festival.unlink()
    line = refuse(scratch_project, out, zkg, "--no-shacl")
    assert "facts/festival/festival.yaml: is gone, but it had 22 record(s) in the previous build" in line, line
    # Retired on purpose: first said empty (the manifest then records 0), then it may go.
    festival.write_text('empty: "the festival piece is retired"\n', encoding="utf-8")
    assert zkg("build", "--root", str(scratch_project), "--out", str(out), "--no-shacl").returncode == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["records"][
        "facts/festival/festival.yaml"] == 0
    festival.unlink()
    assert zkg("build", "--root", str(scratch_project), "--out", str(out), "--no-shacl").returncode == 0


def test_a_missing_reference_csv_cannot_vanish_from_under_a_build_that_had_it(scratch_project, out, zkg):
    (scratch_project / "facts" / "reference" / "places.csv").unlink()
    line = refuse(scratch_project, out, zkg)
    assert "facts/reference/places.csv: is gone, but it had 17 record(s)" in line, line


# --- 5. Facts the build must refuse ---------------------------------------------------------------

@pytest.mark.parametrize("old,new,key,words", [
    ("value: 3561", "value: 3562", "value", "value 3562 disagrees with as_stated 3561人, which reads 3561"),
    ("as_stated: 3561人", "as_stated: 3562人", "value", "value 3561 disagrees with as_stated 3562人"),
    ("quote: 累计补充教师3561人", "quote: 累计补充教师", "as_stated", "as_stated 3561人 is not in the quote"),
    ("quote: 累计补充教师3561人", "quote: 人", "as_stated", "as_stated 3561人 is not in the quote"),
    ("value: 3561\n", "value: 3561\n", None, None),  # the good figure itself loads
    ("bound: exactly", "bound: more-than", "bound", "bound is more-than but as_stated 3561人 says exactly"),
    ("unit: persons", "unit: percent", "unit", "unit is 'percent' but as_stated 3561人 has no %"),
    ("    as_stated: 3561人\n", "", None, "quotes the article but has no as_stated"),
])
def test_a_figure_must_agree_with_its_words(old, new, key, words):
    text = FIGURE.replace(old, new)
    if words is None:
        assert parse_yaml("facts/f.yaml", text)[0]["value"] == 3561
        return
    with pytest.raises(FactError) as err:
        parse_yaml("facts/f.yaml", text)
    lines = {"value": 5, "as_stated": 7, "bound": 10, "unit": 6, None: 2}
    assert err.value.line == lines[key] and words in str(err.value), str(err.value)


def test_46000_for_46_yi_yuan_is_refused_with_the_right_value():
    text = """\
figures:
  - {id: f, about: a, indicator: a, value: 46000, unit: CNY, as_stated: 46亿元, kind: level, bound: exactly,
     para: 9, quote: 3年来，昭通市累计投入资金46亿元}
"""
    with pytest.raises(FactError, match="value 46000 disagrees with as_stated 46亿元, which reads 4600000000"):
        parse_yaml("facts/f.yaml", text)


def test_every_curated_figure_agrees_with_its_words(project_root):
    """The rule accepts the curated figures (the project loads) and checked every stated one."""
    stated = [r for r in load_project(project_root).records
              if r.section == "figures" and "quote" in r.data and "derived" not in r.data]
    assert len(stated) > 80 and all(r.get("as_stated") for r in stated)


def test_a_quote_may_not_stitch_paragraphs_that_no_split_joins(scratch_project):
    add_facts(scratch_project, FIGURE.replace("para: 16", "para: [3, 40]"))
    message = refused(scratch_project)
    assert message.startswith("facts/test.yaml:11: fact 'fig-test' joins paragraphs 3 and 40"), message
    # ... but the curated split P14|P15 and the misplaced fragment P45 -> P40 do join.
    add_facts(scratch_project, FIGURE.replace("para: 16", "para: [14, 15]").replace(
        "quote: 累计补充教师3561人", "quote: 敦煌路片区投资2.35亿元").replace("value: 3561", "value: 235000000")
        .replace("as_stated: 3561人", "as_stated: 2.35亿元").replace("unit: persons", "unit: CNY"))
    load_project(scratch_project)


@pytest.mark.parametrize("value,words", [
    (".nan", "'value' is not a finite number"),
    (".inf", "'value' is not a finite number"),
    ("-.Inf", "'value' is not a finite number"),
    ("1:20", "'value' must be a number, got '1:20'"),
    ("0x10", "'value' must be a number, got '0x10'"),
    ("0o17", "'value' must be a number, got '0o17'"),
    ("12345678901234567891", "has 20 significant digits"),
    ("1234567890123456.5", "has 17 significant digits"),
    ("1e300", "is too large"),
    ("0.0000001", "more than 6 decimal places"),
    ("yes", "must be a number, got 'yes'"),
])
def test_numbers_are_read_by_yaml_1_2_rules_and_must_be_exact(value, words):
    with pytest.raises(FactError) as err:
        parse_yaml("facts/f.yaml", FIGURE.replace("value: 3561", f"value: {value}"))
    assert err.value.line == 5 and words in str(err.value), str(err.value)


@pytest.mark.parametrize("field,value", [("year", "99999999999"), ("year", "1899"), ("baseline_year", "2101"),
                                         ("year", "2025.0"), ("year", "'2025'")])
def test_years_are_whole_numbers_from_1900_to_2100(field, value):
    with pytest.raises(FactError) as err:
        parse_yaml("facts/f.yaml", FIGURE.replace("    kind: level\n", f"    kind: level\n    {field}: {value}\n"))
    assert err.value.line == 10 and f"field {field!r} must be" in str(err.value), str(err.value)


def test_a_decimal_value_is_kept_exactly_as_written():
    text = FIGURE.replace("value: 3561", "value: 96.55").replace("3561人", "96.55%").replace(
        "unit: persons", "unit: percent").replace("累计补充教师", "覆盖率达")
    assert str(parse_yaml("facts/f.yaml", text)[0]["value"]) == "96.55"


@pytest.mark.parametrize("space", MINTED)
def test_entity_ids_in_a_minted_iri_space_are_refused(scratch_project, space):
    add_facts(scratch_project, ENTITY.replace("school/test-school", f"{space}/fig-p16-teachers-added-3y"))
    message = refused(scratch_project)
    assert message.startswith(f"facts/test.yaml:2: entity id '{space}/fig-p16-teachers-added-3y' lies in the "
                              f"IRI space {space}/"), message


def test_a_source_id_may_not_be_the_articles_own(scratch_project):
    add_facts(scratch_project, "sources:\n  - {id: zhaotong-education-2025, title: t, citation: c}\n")
    assert "source id 'zhaotong-education-2025' is an article's own IRI" in refused(scratch_project)


def test_a_zh_label_must_be_in_its_quote_unless_said_constructed(scratch_project):
    add_facts(scratch_project, ENTITY.replace("zh: 昭阳区第七小学", "zh: 昭阳区第八小学"))
    message = refused(scratch_project)
    assert message.startswith("facts/test.yaml:4: entity 'school/test-school': zh label 昭阳区第八小学 is not in "
                              "its quote (compared after NFC normalisation)"), message
    add_facts(scratch_project, ENTITY.replace("zh: 昭阳区第七小学", "zh: 昭阳区第八小学\n    zh_basis: constructed"))
    load_project(scratch_project)


def test_a_cjk_compatibility_ideograph_matches_the_character_it_folds_into(scratch_project):
    """U+F9BA is a compatibility form of 了 (U+4E86); NFC folds it, on both sides."""
    add_facts(scratch_project, ENTITY.replace("quote: 昭阳区第七小学承担了", "quote: 昭阳区第七小学承担\uf9ba")
              .replace("zh: 昭阳区第七小学", "zh: 第七小学承担\uf9ba"))
    rec = next(r for r in load_project(scratch_project).records if r.id == "school/test-school")
    assert rec["quote"] == "昭阳区第七小学承担了" and rec["zh"] == "第七小学承担了"


# --- 6. No tracebacks, no resource bombs ------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))


def test_an_alias_bomb_is_refused_at_once(scratch_project, out, zkg):
    assert len(ALIAS_BOMB.encode()) < 700
    add_facts(scratch_project, ALIAS_BOMB)
    start = time.monotonic()
    line = refuse(scratch_project, out, zkg)
    assert time.monotonic() - start < 30
    assert line == ("Error: facts/test.yaml:1: YAML anchors and aliases (&name, *name) are not allowed; "
                    "fix: write the value out in full"), line


@pytest.mark.parametrize("text,line,words", [
    (ENTITY.replace("Test School", "Test\x07School"), 5, "control character or lone surrogate U+0007 at column 13"),
    (ENTITY.replace("en: Test School", 'en: "Test \\uD800 School"'), 5, "invalid Unicode character escape code; "
     "fix: write the character itself"),
    (ENTITY.replace("en: Test School", 'en: "Test \\a School"'), 5, "U+0007 in a value"),
    (ENTITY.replace("en: Test School", "en: !!binary aGVsbG8="), 5, "explicit YAML tag"),
    ("entities:\n" + "  " + "[" * 50 + "]" * 50 + "\n", 2, "nested more than 8 levels deep"),
    ("entities:\n  - {[a]: b}\n", 2, "must be a plain word"),
    ("? [a]\n: b\n", 1, "must be a plain word"),
    ("entities:\n  - id: a\n---\nentities: []\n", 3, "malformed YAML"),
])
def test_bad_characters_tags_and_shapes_of_yaml_are_one_line(text, line, words):
    with pytest.raises(FactError) as err:
        parse_yaml("facts/x.yaml", text)
    assert err.value.line == line and words in str(err.value), str(err.value)


def test_a_lone_surrogate_through_the_cli_leaves_nothing_behind(scratch_project, out, zkg):
    add_facts(scratch_project, ENTITY.replace("en: Test School", 'en: "Test \\uD800 School"'))
    assert "facts/test.yaml:5:" in refuse(scratch_project, out, zkg)


def test_an_unwritable_out_folder_is_one_line(project_root, tmp_path, zkg):
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    for target, words in [(a_file / "sub", "a-file is not a folder"), (Path("/proc/zkg-test"), "cannot create the folder")]:
        result = zkg("build", "--out", str(target), "--no-shacl")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, result.stderr
    assert not (tmp_path / "a-file" / "sub").exists()


def test_a_target_that_is_a_folder_stops_the_build_before_anything_is_replaced(project_root, out, zkg):
    (out / "zhaotong.nq").unlink()
    (out / "zhaotong.nq").mkdir()
    line = refuse(project_root, out, zkg, "--no-shacl")
    assert "zhaotong.nq is not a regular file; nothing was replaced" in line, line


def test_a_full_disk_leaves_the_old_files_and_no_temporary_file(project_root, out, monkeypatch):
    from zkg.cli import build as cli_build
    from zkg.cli import cli

    before, names = snapshot(out), sorted(p.name for p in out.iterdir())
    real_fsync, calls = os.fsync, []

    def full(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second graph file does not fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(cli_build.os, "fsync", full)
    result = CliRunner().invoke(cli, ["build", "--root", str(project_root), "--out", str(out), "--no-shacl"])
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "nothing was replaced" in result.output, result.output
    assert snapshot(out) == before and sorted(p.name for p in out.iterdir()) == names


@pytest.mark.parametrize("name,damage,words", [
    ("ontology/zhaotong.ttl", None, "ontology/zhaotong.ttl: not found"),
    ("ontology/zhaotong.ttl", "zt:Broken a \n", "ontology/zhaotong.ttl:"),
    ("ontology/shapes.ttl", None, "ontology/shapes.ttl: not found"),
    ("ontology/shapes.ttl", "zts:Broken [ \n", "ontology/shapes.ttl:"),
])
def test_a_missing_or_broken_ontology_or_shapes_file_is_one_line(scratch_project, out, zkg, name, damage, words):
    path = scratch_project / name
    if damage is None:
        path.unlink()
    else:
        path.write_text(path.read_text(encoding="utf-8") + damage, encoding="utf-8")
    line = refuse(scratch_project, out, zkg)
    assert words in line, line
    if damage:
        assert "malformed Turtle" in line, line


def test_an_ontology_that_lacks_a_term_the_build_emits_is_one_line(scratch_project):
    onto = scratch_project / "ontology" / "zhaotong.ttl"
    onto.write_text(onto.read_text(encoding="utf-8").replace("zt:Paragraph a owl:Class", "zt:Paragraf a owl:Class"),
                    encoding="utf-8")
    from kg_build import build

    with pytest.raises(FactError, match="ontology/zhaotong.ttl: the ontology lacks a term the build emits"):
        build(scratch_project, shacl=False)


def test_a_root_without_an_ontology_folder_is_one_line(tmp_path, zkg, out):
    (tmp_path / "empty-project").mkdir()
    line = refuse(tmp_path / "empty-project", out, zkg)
    assert line.startswith("Error: ontology/zhaotong.ttl: not found"), line


def test_graph_files_respect_the_umask_and_stale_temporary_files_are_removed(project_root, tmp_path):
    from zkg.cli.build import write_atomically

    out = tmp_path / "g"
    out.mkdir()
    stale = [out / ".zhaotong.ttl.abc123_x.tmp", out / ".manifest.json.k9k9k9k9.tmp"]
    for p in stale:
        p.write_text("left by a killed build", encoding="utf-8")
    foreign = out / ".notes.tmp"
    foreign.write_text("not ours", encoding="utf-8")
    old = os.umask(0o027)
    try:
        write_atomically({"zhaotong.ttl": b"t", "zhaotong.nt": b"n", "manifest.json": b"{}"}, out)
    finally:
        os.umask(old)
    assert sorted(p.name for p in out.iterdir()) == [".notes.tmp", "manifest.json", "zhaotong.nt", "zhaotong.ttl"]
    assert {oct((out / n).stat().st_mode & 0o777) for n in ("zhaotong.ttl", "zhaotong.nt", "manifest.json")} == {"0o640"}
    old = os.umask(0o022)
    try:
        write_atomically({"zhaotong.ttl": b"t2"}, out)
    finally:
        os.umask(old)
    assert oct((out / "zhaotong.ttl").stat().st_mode & 0o777) == "0o644"
