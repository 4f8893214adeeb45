"""The ontology: every term labelled in both languages and defined; consistent under real reasoners;
the graph conforms to the SHACL shapes, and a broken graph does not."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg_build.validate import hermit_problems, owl_rl_problems, shacl_problems

ZT = "https://w3id.org/zhaotong-kg/ontology#"


@pytest.fixture(scope="module")
def ontology(project_root) -> Graph:
    return Graph().parse(project_root / "ontology" / "zhaotong.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes(project_root) -> Graph:
    return Graph().parse(project_root / "ontology" / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def data(built) -> Graph:
    return built.graph


def test_ontology_header_has_a_version_iri(ontology):
    onto = URIRef("https://w3id.org/zhaotong-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None


def test_every_zt_term_has_chinese_and_english_labels_and_a_definition(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    terms = {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(ZT)}
    assert len(terms) > 100
    for term in terms:
        langs = {x.language for x in ontology.objects(term, RDFS.label) if isinstance(x, Literal)}
        assert {"zh", "en"} <= langs, term
        assert ontology.value(term, SKOS.definition) is not None, term


def test_every_zt_class_has_a_shape(ontology, shapes):
    sh_target = URIRef("http://www.w3.org/ns/shacl#targetClass")
    targeted = set(shapes.objects(None, sh_target))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(ZT)}
    assert classes - targeted == set()


def test_the_graph_conforms_to_the_shapes(data, shapes, ontology):
    assert shacl_problems(data, shapes, ontology) == []


def test_a_broken_graph_is_reported(data, shapes, ontology):
    broken = Graph()
    for t in data:
        broken.add(t)
    fact = next(broken.subjects(RDF.type, URIRef(ZT + "Observation")))
    broken.remove((fact, URIRef(ZT + "unit"), None))
    broken.add((fact, URIRef(ZT + "value"), Literal("二千")))
    school = URIRef("https://w3id.org/zhaotong-kg/id/school/zhaotong-no1")
    broken.remove((school, RDFS.label, None))
    problems = shacl_problems(broken, shapes, ontology)
    assert any(str(fact) in p and "unit" in p for p in problems), problems
    assert any(str(fact) in p and "value" in p for p in problems), problems
    assert any(str(school) in p for p in problems), problems


def test_owl_rl_closure_finds_no_inconsistency(data, ontology):
    assert owl_rl_problems(data, ontology) == []


def test_owl_rl_closure_finds_a_planted_inconsistency(data, ontology):
    from rdflib.collection import Collection

    groups = [Collection(ontology, ontology.value(g, OWL.members))
              for g in ontology.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert groups, "the ontology should declare disjoint classes"
    a, b = list(groups[0])[:2]
    x = URIRef("https://w3id.org/zhaotong-kg/id/test/both")
    small = Graph()
    small.add((x, RDF.type, a))
    small.add((x, RDF.type, b))
    assert owl_rl_problems(small, ontology)


def test_hermit_finds_the_ontology_and_graph_consistent(data, ontology):
    assert hermit_problems(data, ontology) == []


@pytest.mark.parametrize("a, b", [("Program", "FinancialProduct"), ("Program", "Fund"), ("Program", "Event"),
                                  ("FinancialProduct", "Fund"), ("Program", "Organization")])
def test_products_funds_events_are_no_programmes(ontology, a, b):
    """Issue 8: a loan product, a fund and an event are not programmes, and a programme is no
    organisation (no schema:Project): a thing of both classes is inconsistent."""
    x = URIRef("https://w3id.org/zhaotong-kg/id/test/both")
    small = Graph()
    small.add((x, RDF.type, URIRef(ZT + a)))
    small.add((x, RDF.type, URIRef(ZT + b)))
    assert owl_rl_problems(small, ontology)
    assert (URIRef(ZT + "Program"), RDFS.subClassOf, URIRef("https://schema.org/Project")) not in ontology


def _relation(subject_class: str, prop: str, object_class: str) -> Graph:
    d = "https://w3id.org/zhaotong-kg/id/test/"
    s, o = URIRef(d + "s"), URIRef(d + "o")
    g = Graph()
    for node, cls in ((s, subject_class), (o, object_class)):
        g.add((node, RDF.type, URIRef(ZT + cls)))
        g.add((node, RDFS.label, Literal("甲", lang="zh")))
        g.add((node, RDFS.label, Literal("A", lang="en")))
        g.add((node, URIRef(ZT + "labelBasis"), URIRef(ZT + "OwnTranslation")))
    g.add((s, URIRef(ZT + prop), o))
    return g


@pytest.mark.parametrize("subject_class, prop, object_class, ok", [
    ("FinancialProduct", "runBy", "PrefectureLevelCity", True),    # 昭通市 launched the apple loan
    ("Fund", "runBy", "GovernmentBody", True),                     # 市政府 set up the special fund
    ("Campaign", "runBy", "Department", True),
    ("Event", "runBy", "GovernmentBody", False),                   # an event is organizedBy, not runBy
    ("Performance", "runBy", "GovernmentBody", False),
    ("FinancialProduct", "appliesTo", "PrefectureLevelCity", True),
    ("Fund", "appliesTo", "PrefectureLevelCity", False),
    ("Event", "partOfProgram", "Event", True),                     # a festival night of a series
    ("Event", "partOfProgram", "Campaign", True),
    ("FinancialProduct", "partOfProgram", "Campaign", False),
    ("Action", "partOfProgram", "Fund", False),
    ("Model", "selectedIn", "Selection", True),
    ("Event", "selectedIn", "Selection", False),
    ("Performance", "performedAt", "Event", True),
    ("Performance", "performedAt", "Campaign", False),
])
def test_the_shapes_check_the_programme_relations_both_ways(shapes, ontology, subject_class, prop, object_class, ok):
    """The domains are unions of what the data needs, never "anything", and the shapes say so."""
    problems = shacl_problems(_relation(subject_class, prop, object_class), shapes, ontology)
    assert (problems == []) == ok, problems
