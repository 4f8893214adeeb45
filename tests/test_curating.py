"""Curating is a loop that closes: a SHACL violation is reported like every other build error (file,
line, fix, one line each), and the fact schema is published as JSON Schema generated from the one
schema the loader uses."""

from __future__ import annotations

import json

import pytest

from kg_build import BuildError, build

BAD_RELATION = """\
relations:
  - id: rel-test-located-in-an-indicator
    subject: school/zhaotong-no1
    property: locatedIn
    object: indicator/teachers-added
    para: 16
    quote: 累计补充教师3561人
"""


def test_a_shacl_violation_is_one_line_at_the_record_that_made_it(scratch_project):
    (scratch_project / "facts" / "test.yaml").write_text(BAD_RELATION, encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(scratch_project)
    problems = err.value.problems
    assert problems, "the relation points zt:locatedIn at an indicator"
    assert all("\n" not in p and "fix:" in p for p in problems), problems
    mine = [p for p in problems if p.startswith("facts/test.yaml:2: ")]
    assert mine, problems
    assert "ztd:school/zhaotong-no1 zt:locatedIn" in mine[0] and "ztd:indicator/teachers-added" in mine[0]


def test_the_cli_prints_each_violation_as_file_line_fix(scratch_project, tmp_path, zkg):
    (scratch_project / "facts" / "test.yaml").write_text(BAD_RELATION, encoding="utf-8")
    result = zkg("build", "--root", str(scratch_project), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = [l.strip() for l in result.stderr.splitlines() if l.strip()]
    assert any(l.startswith("facts/test.yaml:2: record 'rel-test-located-in-an-indicator'") and "; fix: " in l
               for l in lines), result.stderr
    assert lines[-1].startswith("Error: SHACL validation failed"), lines[-1]
