"""Bad input: one line naming file, line and fix; exit 1; no traceback; nothing written."""

from __future__ import annotations

import pytest

GOOD_ENTITY = """\
entities:
  - id: school/test-school
    class: PrimarySchool
    zh: 昭阳区第七小学
    en: Test School
    en_basis: translation
    para: 12
    quote: 昭阳区第七小学承担了
"""

CASES = {
    "malformed-yaml": ("entities:\n  - id: school/a\n    zh: [unclosed\n", "bad.yaml:4", "malformed YAML"),
    "unknown-field": (GOOD_ENTITY + "    colour: red\n", "bad.yaml:9", "unknown field 'colour'"),
    "unknown-property": (GOOD_ENTITY + """\
relations:
  - id: rel-test
    subject: school/test-school
    property: colourOf
    object: division/530602
    para: 12
    quote: 昭阳区第七小学
""", "bad.yaml:12", "property 'colourOf' is not declared"),
    "wrong-type": (GOOD_ENTITY + """\
figures:
  - id: fig-test
    about: school/test-school
    indicator: indicator/students-enrolled
    value: 二千
    unit: persons
    kind: level
    para: 12
    quote: 昭阳区第七小学
""", "bad.yaml:13", "field 'value' must be a number"),
    "duplicate-id": (GOOD_ENTITY.replace("school/test-school", "school/zhaotong-no1"), "bad.yaml:2",
                     "duplicate id 'school/zhaotong-no1'"),
    "dangling-reference": (GOOD_ENTITY + """\
relations:
  - id: rel-test
    subject: school/nowhere
    property: locatedIn
    object: division/530602
    para: 12
    quote: 昭阳区第七小学
""", "bad.yaml:11", "subject 'school/nowhere' is not a declared entity"),
    "quote-not-in-source": (GOOD_ENTITY.replace("昭阳区第七小学承担了", "昭阳区第八小学承担了"), "bad.yaml:8",
                            "quote not found in paragraph(s) [12]"),
    "missing-paragraph": (GOOD_ENTITY.replace("para: 12", "para: 999"), "bad.yaml:7",
                          "cites paragraph 999"),
    "unknown-class": (GOOD_ENTITY.replace("PrimarySchool", "Shcool"), "bad.yaml:3",
                      "class 'Shcool' is not declared"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_fact_file_is_one_clear_line_and_writes_nothing(case, scratch_project, tmp_path, zkg):
    text, where, problem = CASES[case]
    (scratch_project / "facts" / "bad.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "zhaotong.ttl").write_text("previous release\n", encoding="utf-8")
    result = zkg("build", "--root", str(scratch_project), "--out", str(out))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"facts/{where}" in lines[0] and problem in lines[0] and "fix:" in lines[0], lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["zhaotong.ttl"]
    assert (out / "zhaotong.ttl").read_text(encoding="utf-8") == "previous release\n"


def test_broken_reference_csv_names_its_line(scratch_project, zkg, tmp_path):
    csv = scratch_project / "facts" / "reference" / "places.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "多余,extra,county,1,2,3,4,5,6\n", encoding="utf-8")
    result = zkg("build", "--root", str(scratch_project), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "facts/reference/places.csv:" in result.stderr and "more cells than the header" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_curated_defect_that_does_not_hold_is_refused(scratch_project, zkg, tmp_path):
    (scratch_project / "facts" / "bad.yaml").write_text("""\
defects:
  - id: not-a-duplicate
    kind: exact-duplicate
    paragraphs: [16]
    of: [15]
    evidence: 结合城镇化建设
""", encoding="utf-8")
    result = zkg("build", "--root", str(scratch_project), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "facts/bad.yaml:3" in result.stderr and "does not hold" in result.stderr
