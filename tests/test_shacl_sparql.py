"""SHACL compiled to SPARQL (kg_build.shacl) against pyshacl, the validator it replaces in the build:
both report the same violations on planted faults, one per constraint component the shapes use, and
none on the real graph; a constraint the compiler does not know is refused with the shape's name."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg_build import BuildError, FactError, build
from kg_build.shacl import SH, ShapeError, compile_shapes
from kg_build.validate import pyshacl_violations, shacl_violations

ZT = "https://w3id.org/zhaotong-kg/ontology#"
D = "https://w3id.org/zhaotong-kg/id/"
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


@pytest.fixture(scope="module")
def ontology(project_root) -> Graph:
    return Graph().parse(project_root / "ontology" / "zhaotong.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes(project_root) -> Graph:
    return Graph().parse(project_root / "ontology" / "shapes.ttl", format="turtle")


def keys(violations) -> set[tuple]:
    return {(str(v.focus), str(v.path), v.component) for v in violations}


def planted(data: Graph) -> tuple[Graph, dict[str, tuple]]:
    """A small copy of the real graph (every third subject's triples, so some references dangle)
    with one fault per constraint component that the shapes use; and the (focus, path, component)
    each planted fault must give."""
    subjects = sorted({s for s in data.subjects()}, key=str)
    keep = set(subjects[::3])
    for node in (D + "school/zhaotong-no1", D + "division/530600", D + "source/zhaotong-education-2025/p/009"):
        keep.add(URIRef(node))
    figures = sorted((s for s in data.subjects(URIRef(ZT + "observationKind"), URIRef(ZT + "Level"))
                      if not list(data.objects(s, URIRef(ZT + "baselineYear")))), key=str)
    fig_a, fig_b, fig_c = figures[:3]
    changes = sorted(data.subjects(URIRef(ZT + "observationKind"), URIRef(ZT + "Change")), key=str)
    change = changes[0]
    stated = sorted((f for f in data.subjects(URIRef(ZT + "status"), URIRef(ZT + "Stated"))
                     if f not in (fig_a, fig_b, fig_c, change)), key=str)[0]
    keep |= {fig_a, fig_b, fig_c, change, stated}
    g = Graph()
    for t in data:
        if t[0] in keep:
            g.add(t)
    school, city = URIRef(D + "school/zhaotong-no1"), URIRef(D + "division/530600")
    para = URIRef(D + "source/zhaotong-education-2025/p/009")
    indicator = next(data.objects(fig_a, URIRef(ZT + "indicator")))
    g.add((school, URIRef(ZT + "locatedIn"), indicator))                                  # sh:class
    g.set((fig_a, URIRef(ZT + "value"), Literal("二千")))                                 # sh:datatype
    g.add((fig_b, URIRef(ZT + "note"), city))                                             # sh:nodeKind
    g.remove((fig_b, URIRef(ZT + "unit"), None))                                          # sh:minCount
    g.add((para, URIRef(ZT + "paragraphNumber"), Literal(99)))                            # sh:maxCount
    g.set((city, URIRef(ZT + "wikidataId"), Literal("X12")))                              # sh:pattern
    g.add((school, RDFS.label, Literal("Lycée n° 1", lang="fr")))                         # sh:languageIn
    g.add((city, RDFS.label, Literal("Zhaotong", lang="en")))                             # sh:uniqueLang
    g.add((fig_c, PROV_DERIVED, para))                                                    # sh:or (values)
    g.remove((stated, URIRef(ZT + "quote"), None))                                        # sh:or, sh:hasValue
    g.add((fig_a, URIRef(ZT + "baselineYear"), Literal("2020", datatype=GYEAR)))      # sh:xone (both)
    g.remove((change, URIRef(ZT + "baselineYear"), None))                                 # sh:xone, sh:in (none)
    expected = {
        "class": (school, "locatedIn", "ClassConstraintComponent"),
        "datatype": (fig_a, "value", "DatatypeConstraintComponent"),
        "nodeKind": (fig_b, "note", "NodeKindConstraintComponent"),
        "minCount": (fig_b, "unit", "MinCountConstraintComponent"),
        "maxCount": (para, "paragraphNumber", "MaxCountConstraintComponent"),
        "pattern": (city, "wikidataId", "PatternConstraintComponent"),
        "languageIn": (school, str(RDFS.label), "LanguageInConstraintComponent"),
        "uniqueLang": (city, str(RDFS.label), "UniqueLangConstraintComponent"),
        "or-values": (fig_c, str(PROV_DERIVED), "OrConstraintComponent"),
        "or-hasValue": (stated, None, "OrConstraintComponent"),
        "xone-both": (fig_a, None, "XoneConstraintComponent"),
        "xone-in-none": (change, None, "XoneConstraintComponent"),
    }
    return g, {k: (str(f), None if p is None else (p if p.startswith("http") else ZT + p), c)
               for k, (f, p, c) in expected.items()}


def test_the_shapes_use_only_what_the_plants_cover(shapes):
    """Every constraint parameter the shapes use is planted below (a new one needs a plant)."""
    used = {str(p)[len(SH):] for p in shapes.predicates() if str(p).startswith(SH)}
    constraints = used - {"message", "path", "property", "targetClass", "targetSubjectsOf", "name", "description"}
    assert constraints == {"class", "datatype", "nodeKind", "minCount", "maxCount", "pattern", "languageIn",
                           "uniqueLang", "or", "xone", "hasValue", "in"}, constraints


@pytest.mark.slow
def test_sparql_and_pyshacl_report_the_same_planted_violations(built, shapes, ontology):
    g, expected = planted(built.graph)
    mine = shacl_violations(g, shapes, ontology)
    theirs = pyshacl_violations(g, shapes, ontology)
    found = {(f, None if p == "None" else p, c) for f, p, c in keys(mine)}
    for what, key in expected.items():
        assert key in found, (what, key)
    missing, extra = keys(theirs) - keys(mine), keys(mine) - keys(theirs)
    assert not missing and not extra, (sorted(missing), sorted(extra))
    assert len(keys(mine)) > len(expected), "the sample's dangling references add violations of their own"
    with_messages = [{(str(v.focus), str(v.path), v.component, v.message) for v in vs} for vs in (mine, theirs)]
    assert with_messages[0] == with_messages[1], with_messages[0] ^ with_messages[1]


@pytest.mark.slow
def test_both_find_the_real_graph_conforms(built, shapes, ontology):
    assert shacl_violations(built.graph, shapes, ontology) == []
    assert pyshacl_violations(built.graph, shapes, ontology) == []


def test_the_sparql_validator_finds_the_planted_faults(built, shapes, ontology):
    g, expected = planted(built.graph)
    found = {(f, None if p == "None" else p, c) for f, p, c in keys(shacl_violations(g, shapes, ontology))}
    assert set(expected.values()) <= found, sorted(set(expected.values()) - found)


@pytest.mark.parametrize("extra", ["sh:closed true", "sh:equals rdfs:label", "sh:lessThan zt:year",
                                   "sh:qualifiedMinCount 1"])
def test_an_unsupported_constraint_is_refused_naming_its_shape(extra):
    shapes = Graph().parse(data=f"""
        @prefix sh: <{SH}> . @prefix zt: <{ZT}> . @prefix rdfs: <{RDFS}> .
        zt:SomeShape a sh:NodeShape ; sh:targetClass zt:Place ;
            sh:property [ sh:path rdfs:label ; sh:minCount 1 ; {extra} ] .""", format="turtle")
    with pytest.raises(ShapeError) as err:
        compile_shapes(shapes, {})
    assert "SomeShape" in str(err.value) and extra.split()[0] in str(err.value)


def test_the_build_refuses_shapes_it_cannot_compile(scratch_project):
    path = scratch_project / "ontology" / "shapes.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\nzts:PlaceShape sh:closed true .\n", encoding="utf-8")
    with pytest.raises(FactError) as err:
        build(scratch_project)
    assert str(err.value).startswith("ontology/shapes.ttl: ") and "PlaceShape" in str(err.value), str(err.value)
    assert "sh:closed" in str(err.value)


def test_a_violation_in_the_build_is_located_at_its_record(scratch_project):
    """A stricter pattern than the data meets: each violation is one line at a curated record."""
    shapes = scratch_project / "ontology" / "shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    # a stricter copy of a real constraint: every division's Wikidata id must be Q1 (none is)
    assert 'sh:pattern "^Q[1-9][0-9]*$"' in text
    shapes.write_text(text.replace('sh:pattern "^Q[1-9][0-9]*$"', 'sh:pattern "^Q1$"'), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(scratch_project)
    lines = err.value.problems
    assert lines and all(line.startswith("facts/") and "zt:wikidataId" in line
                         and "; fix: write the value in the form the shape names" in line for line in lines), lines


def test_class_targets_and_sh_class_follow_subclasses(shapes, ontology):
    """A zt:NineYearSchool is a zt:Place's neighbour only through subclasses: the shapes of zt:School
    and zt:Organization apply to it, and locatedIn a zt:Area (a subclass of zt:Place) conforms."""
    g = Graph()
    s, a = URIRef(D + "school/x"), URIRef(D + "area/y")
    g.add((s, RDF.type, URIRef(ZT + "NineYearSchool")))
    g.add((a, RDF.type, URIRef(ZT + "Area")))
    g.add((s, URIRef(ZT + "locatedIn"), a))
    found = keys(shacl_violations(g, shapes, ontology))
    assert (str(s), str(RDFS.label), "MinCountConstraintComponent") in found  # OrganizationShape's labels
    assert not [k for k in found if k[1] == ZT + "locatedIn"]


# --- the OWL checks as SPARQL, against owlrl and HermiT ------------------------------------------

def _graph(*triples: tuple[str, str, str]) -> Graph:
    """A small data graph from (subject, predicate, object) written as ztd:/zt: local names; an
    object in quotes is a plain literal."""
    g = Graph()
    for s, p, o in triples:
        pred = RDF.type if p == "a" else URIRef(ZT + p)
        obj = Literal(o.strip('"')) if o.startswith('"') else URIRef((ZT if o[0].isupper() else D) + o)
        g.add((URIRef(D + s), pred, obj))
    return g


OWL_PLANTS = {  # name: (data, what owlrl's OWL 2 RL closure finds)
    "disjoint-types": (("x", "a", "Program"), ("x", "a", "Fund")),
    "disjoint-by-domain": (("x", "a", "Person"), ("x", "partOf", "y")),
    "disjoint-by-range": (("x", "partOf", "y"), ("y", "a", "Person")),
    "functional-two-statuses": (("f", "status", "Stated"), ("f", "status", "Derived")),
}
OWL_BEYOND_RL = {  # what OWL 2 RL does not derive (a union domain, a datatype range) and HermiT does
    "disjoint-by-union-domain": (("x", "a", "Event"), ("x", "runBy", "y")),
    "data-range": (("p", "a", "Paragraph"), ("p", "paragraphNumber", '"abc"')),
}
OWL_CONSISTENT = (("x", "a", "NineYearSchool"), ("x", "locatedIn", "y"), ("y", "a", "Area"),
                  ("z", "runBy", "x"), ("z", "a", "Fund"), ("f", "status", "Stated"))


def _owl(g: Graph, ontology: Graph) -> list:
    from kg_build.validate import data_store, owl_problems

    return owl_problems(data_store(g, ontology), ontology)


@pytest.mark.parametrize("name", sorted(OWL_PLANTS))
def test_the_owl_checks_find_what_owlrl_finds(name, ontology):
    from kg_build.validate import owl_rl_problems

    g = _graph(*OWL_PLANTS[name])
    assert owl_rl_problems(g, ontology), name
    found = _owl(g, ontology)
    assert found and all(str(v.focus).startswith(D) for v in found), found


def test_the_owl_checks_pass_what_owlrl_passes(ontology):
    from kg_build.validate import owl_rl_problems

    g = _graph(*OWL_CONSISTENT)
    assert owl_rl_problems(g, ontology) == [] and _owl(g, ontology) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OWL_BEYOND_RL))
def test_the_owl_checks_find_what_hermit_finds_beyond_rl(name, ontology):
    from kg_build.validate import hermit_problems

    g = _graph(*OWL_BEYOND_RL[name])
    assert hermit_problems(g, ontology), name
    assert _owl(g, ontology), name


@pytest.mark.slow
def test_the_owl_checks_and_owlrl_find_the_real_graph_consistent(built, ontology):
    from kg_build.validate import owl_rl_problems

    assert _owl(built.graph, ontology) == []
    assert owl_rl_problems(built.graph, ontology) == []


def test_an_owl_axiom_the_checks_do_not_cover_is_refused(ontology):
    g = Graph()
    for t in ontology:
        g.add(t)
    g.add((URIRef(ZT + "partOf"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#IrreflexiveProperty")))
    with pytest.raises(ValueError, match="owl:IrreflexiveProperty"):
        _owl(Graph(), g)


def test_the_build_reports_an_owl_problem_the_shapes_miss_at_its_record(scratch_project):
    """An indicator made zt:partOf a place: the shapes say nothing of an indicator's zt:partOf, but
    the property's domain makes it a zt:Place, which the ontology declares disjoint from zt:Indicator."""
    (scratch_project / "facts" / "test.yaml").write_text(
        "relations:\n  - id: rel-test-indicator-part-of\n    subject: indicator/teachers-added\n"
        "    property: partOf\n    object: division/530600\n    para: 16\n    quote: 累计补充教师3561人\n",
        encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(scratch_project)
    assert err.value.what == "OWL consistency", err.value.problems
    assert any(p.startswith("facts/test.yaml:2: record 'rel-test-indicator-part-of': ztd:indicator/teachers-added")
               and "disjoint" in p and "; fix: " in p for p in err.value.problems), err.value.problems


def test_fact_files_are_read_with_libyamls_c_loader():
    """Issue 12: the pure-Python loader took 268 ms for the facts, libyaml's 24 ms; no silent fallback."""
    import yaml

    from kg_build.facts import StrictLoader

    assert issubclass(StrictLoader, yaml.CSafeLoader) and issubclass(StrictLoader, yaml.cyaml.CParser)


def test_only_violations_are_reported_as_with_pyshacl(ontology):
    """Results of a shape of severity sh:Warning are not reported (the build stops on violations only);
    a property shape has its own severity (sh:Violation by default), whatever its node shape's."""
    shapes = Graph().parse(data=f"""
        @prefix sh: <{SH}> . @prefix zt: <{ZT}> . @prefix rdfs: <{RDFS}> .
        zt:WarnShape a sh:NodeShape ; sh:targetClass zt:Place ; sh:severity sh:Warning ; sh:nodeKind sh:Literal ;
            sh:property [ sh:path zt:code ; sh:minCount 1 ] ,
                        [ sh:path zt:geonamesId ; sh:minCount 1 ; sh:severity sh:Info ] .
        zt:ViolationShape a sh:NodeShape ; sh:targetClass zt:Place ;
            sh:property [ sh:path zt:wikidataId ; sh:minCount 1 ] .""", format="turtle")
    g = _graph(("x", "a", "Area"))
    mine, theirs = shacl_violations(g, shapes, ontology), pyshacl_violations(g, shapes, ontology)
    assert keys(mine) == keys(theirs) == {(D + "x", ZT + "wikidataId", "MinCountConstraintComponent"),
                                          (D + "x", ZT + "code", "MinCountConstraintComponent")}
