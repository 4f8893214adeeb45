"""The ontology is the one place a term is defined: every zt: term the project uses is declared
there, and every term declared there is used.

"Used" means: the built dataset holds it (any position); a named question, a notebook or a SHACL
shape names it (``zt:Name``); the code reads it (``zt.Name``, ``ZT + "Name"``, ``PREFIXES["zt"] +
"Name"``, or the class or code name as a string); or another ontology term points at it (a concept
scheme its concepts are ``skos:inScheme``, a class another one is ``rdfs:subClassOf``, a domain or
range). A term only listed in an ``owl:AllDifferent`` or ``owl:members`` axiom is not used.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import OWL, RDFS, URIRef
from rdflib.namespace import SKOS

from kg_build.vocab import ZT_IRI, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
ZT_NAME = re.compile(r"\bzt:([A-Za-z][A-Za-z0-9_]*)")
CODE_NAME = re.compile(r"""\bzt\.([A-Za-z][A-Za-z0-9_]*)|ZT \+ "([A-Za-z][A-Za-z0-9_]*)"|\["zt"\] \+ "([A-Za-z][A-Za-z0-9_]*)\"""")
STRUCTURAL = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, SKOS.inScheme, OWL.inverseOf)
# Terms with no use yet that the project keeps on purpose, each with its reason.
KEPT = {
    "FinancialCommissioner": "the role the article names (100余名金融特派员, P39) with no named holder; "
                             "kept as the audit of issue 8 asked",
}


def _texts(*patterns: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for pattern in patterns for p in sorted(ROOT.glob(pattern)))


def _declared(ontology: Path = ROOT / "ontology" / "zhaotong.ttl") -> dict[str, URIRef]:
    vocab = load_vocabulary(ontology)
    return {str(t)[len(ZT_IRI):]: t for t in vocab.declared if str(t).startswith(ZT_IRI)}


def _used(built, ontology: Path = ROOT / "ontology" / "zhaotong.ttl") -> set[str]:
    vocab = load_vocabulary(ontology)
    used = {str(t)[len(ZT_IRI):] for q in built.quads for t in q[:3] if str(t).startswith(ZT_IRI)}
    used |= {str(o)[len(ZT_IRI):] for p in STRUCTURAL for o in vocab.graph.objects(None, p)
             if str(o).startswith(ZT_IRI)}
    used |= set(ZT_NAME.findall(_texts("queries/*.rq", "notebooks/src/*.py", "ontology/shapes.ttl")))
    code = _texts("kg_build/*.py", "zkg/**/*.py", "zkg/templates/*.html")
    used |= {next(g for g in m if g) for m in CODE_NAME.findall(code)}
    used |= {name for name in _declared(ontology) if f'"{name}"' in code}
    return used


def test_every_term_used_is_declared_in_the_ontology(built):
    """A question, shape, notebook or the code that names a zt: term the ontology lacks (a typo, or
    a term removed from the ontology but not from its users) fails here, not on a user's screen."""
    named = set(ZT_NAME.findall(_texts("queries/*.rq", "notebooks/src/*.py", "ontology/shapes.ttl",
                                       "README.md", "DESIGN.md", "queries/README.md")))
    code = _texts("kg_build/*.py", "zkg/**/*.py")
    named |= {next(g for g in m if g) for m in CODE_NAME.findall(code)}
    missing = sorted(named - set(_declared()))
    assert not missing, f"used but not declared in ontology/zhaotong.ttl: {', '.join(missing)}"


def test_every_declared_term_is_used_somewhere(built):
    unused = sorted(set(_declared()) - _used(built) - set(KEPT))
    assert not unused, (f"declared in ontology/zhaotong.ttl but used nowhere (not in the graph, a question, "
                        f"a shape, a notebook or the code): {', '.join(unused)}; remove it or use it")


def test_the_kept_terms_are_still_unused(built):
    """An entry of KEPT that has found a use is stale: remove it from the list."""
    assert not set(KEPT) & _used(built)


def test_the_check_sees_an_unused_term(built, tmp_path):
    """The check is not vacuous: a term added to the ontology and used nowhere is reported, while
    terms used only through the ontology's structure (a concept scheme) are not."""
    planted = tmp_path / "zhaotong.ttl"
    planted.write_text((ROOT / "ontology" / "zhaotong.ttl").read_text(encoding="utf-8")
                       + "\nzt:plantedTerm a owl:DatatypeProperty .\n", encoding="utf-8")
    assert set(_declared(planted)) - _used(built, planted) - set(KEPT) == {"plantedTerm"}
    assert {"Bounds", "Units", "Roles"} <= _used(built, planted)
