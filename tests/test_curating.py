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
    lines = [x.strip() for x in result.stderr.splitlines() if x.strip()]
    assert any(x.startswith("facts/test.yaml:2: record 'rel-test-located-in-an-indicator'") and "; fix: " in x
               for x in lines), result.stderr
    assert lines[-1].startswith("Error: SHACL validation failed"), lines[-1]


# --- the fact schema as JSON Schema -----------------------------------------------------------------

def test_the_committed_json_schemas_equal_a_fresh_generation(project_root):
    from zkg.cli.build import schema_files

    for rel, text in schema_files(project_root).items():
        assert (project_root / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run `zkg build --schema`"


def _files_with_schemas(project_root):
    from kg_build.schema import CATALOGUE_SCHEMA, FACT_SCHEMA

    yield from ((f, project_root / FACT_SCHEMA) for f in sorted((project_root / "facts").rglob("*.yaml")))
    yield project_root / "sources" / "catalogue.yaml", project_root / CATALOGUE_SCHEMA


def test_every_fact_file_names_its_schema_and_conforms_to_it(project_root):
    import jsonschema
    import os

    import yaml

    from kg_build.facts import StrictLoader

    checked = 0
    for path, schema_path in _files_with_schemas(project_root):
        text = path.read_text(encoding="utf-8")
        hint = f"# yaml-language-server: $schema={os.path.relpath(schema_path, path.parent)}"
        assert text.splitlines()[0] == hint, f"{path}: first line should be {hint}"
        data = json.loads(json.dumps(yaml.load(text, Loader=StrictLoader), default=float))
        jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("record,words", [
    ({"id": "x", "colour": "red"}, "Additional properties"),
    ({"id": "fig", "about": "a", "indicator": "b", "value": 1, "unit": "furlongs", "kind": "level"}, "furlongs"),
    ({"id": "Bad Id", "class": "School", "zh": "甲校", "en": "A", "en_basis": "translation"}, "does not match"),
])
def test_the_schema_refuses_what_the_loader_refuses(project_root, record, words):
    import jsonschema
    schema = json.loads((project_root / "facts" / "schema.json").read_text(encoding="utf-8"))
    section = "figures" if "unit" in record else "entities"
    with pytest.raises(jsonschema.ValidationError) as err:
        jsonschema.validate({section: [record]}, schema)
    assert words in str(err.value)
