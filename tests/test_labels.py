"""Every entity's English label follows the one convention of DESIGN.md ("English labels"),
written once in kg_build.labels: names in Title Case, descriptions in lower case, divisions with their type word.
Which class takes which form is the ontology's (zt:labelForm, zt:labelTypeWord, zt:labelProperNoun)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg_build.build import load_project
from kg_build.labels import LabelRules, label_form, label_problem, name_words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="module")
def entities(project) -> list:
    return [rec for rec in project.records if rec.section == "entities"]


@pytest.fixture(scope="module")
def rules(project) -> LabelRules:
    return LabelRules.of(project.vocab)


def _names(entities, rules) -> frozenset[str]:
    return name_words(((rec["en"], rec["class"], rec["en_basis"]) for rec in entities), rules)


def test_the_rules_are_the_ontologys(rules):
    """The forms are inherited down rdfs:subClassOf (School's "name" reaches NineYearSchool), and
    classes the ontology leaves open (programmes, areas, events) take either form."""
    assert rules.forms["NineYearSchool"] == rules.forms["FinancialProduct"] == "name"
    assert rules.forms["Indicator"] == "description"
    assert not {"Program", "Campaign", "Area", "Event", "Fund"} & set(rules.forms)
    assert rules.type_words == {"Province": "Province", "PrefectureLevelCity": "City", "District": "District",
                                "County": "County", "CountyLevelCity": "City"}
    assert {"Person", "County", "AdministrativeDivision"} <= rules.proper_nouns
    assert "School" not in rules.proper_nouns


def test_every_english_label_follows_the_convention(entities, rules):
    names = _names(entities, rules)
    bad = [f"{rec.path}:{rec.line}: {rec.id} {rec['en']!r}: {problem}" for rec in entities
           if (problem := label_problem(rec["en"], rec["class"], rec["en_basis"], rules, names))]
    assert not bad, "English labels that break the convention of DESIGN.md:\n" + "\n".join(bad)


def test_the_project_has_both_forms(entities, rules):
    """The check is not vacuous: the project has labels of each form the rule fixes."""
    forms = {label_form(rec["class"], rec["en_basis"], rules) for rec in entities}
    assert forms == {"name", "description", None}


@pytest.mark.parametrize("label, cls, basis, words", [
    ("Shuifu", "CountyLevelCity", "reference", "type word 'City'"),            # a division without its type word
    ("Zhaotong", "PrefectureLevelCity", "reference", "type word 'City'"),
    ("Land area", "Indicator", "translation", "lower-case letter"),             # sentence case for a description
    ("Investment In Education", "Indicator", "translation", "lower-case letter"),
    ("Zhenxiong Middle School Alliance", "TeachingResearchAlliance", "constructed", "not in Title Case"),
    ("Zhaotong No.1 middle school", "SeniorHighSchool", "reference", "starts with a capital"),  # a name half in lower case
    ("Summer Care For Left-Behind Children", "Model", "translation", "neither"),  # a small word capitalised
    ("Rural revitalization", "Program", "translation", "neither"),              # neither form
    (" campus safety", "Program", "translation", "spaces"),
])
def test_a_violating_label_is_caught(entities, rules, label, cls, basis, words):
    problem = label_problem(label, cls, basis, rules, _names(entities, rules))
    assert problem is not None and words in problem, problem


@pytest.mark.parametrize("label, cls, basis", [
    ("Zhaotong central urban area", "Area", "translation"),                     # a description may begin with a place
    ("rural revitalization", "Program", "translation"),
    ("Rural Revitalization", "Program", "translation"),                         # or be a name: the label shows which
    ('Financial Commissioners "Into the Countryside" Pilot', "Program", "translation"),  # a quoted title's first word
    ("Xingnong Fumin Card (agriculture-boosting, people-enriching card)", "FinancialProduct", "translation"),  # a gloss
    ("education work committee of the CPC Zhaotong Municipal Committee", "PartyBody", "constructed"),  # acronym
    ("2024 Yunnan Ten Good Models", "Selection", "translation"),
])
def test_a_label_that_follows_the_convention_passes(entities, rules, label, cls, basis):
    assert label_problem(label, cls, basis, rules, _names(entities, rules)) is None
