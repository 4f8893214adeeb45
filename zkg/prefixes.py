"""The project's one table of prefixes (DESIGN.md, "Namespaces"): a plain dict, importing nothing.

The build prints them at the top of every Turtle file (in this order), the query layer shortens
IRIs with them and predeclares them in ad-hoc queries. It lives here, not in ``kg_build.vocab``,
so that reading it costs nothing: ``kg_build`` imports rdflib and the whole builder on import.

>>> PREFIXES["ztd"]
'https://w3id.org/zhaotong-kg/id/'
"""

__all__ = ["PREFIXES", "PROLOGUE"]

PREFIXES: dict[str, str] = {
    "zt": "https://w3id.org/zhaotong-kg/ontology#",
    "ztd": "https://w3id.org/zhaotong-kg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qb": "http://purl.org/linked-data/cube#",
}

#: Every prefix declared, one ``PREFIX`` line each: the start of the query layer's own queries.
PROLOGUE = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"
