"""kg_build: curated facts about Zhaotong's education reform → a validated, provenance-tracked RDF graph.

The pipeline, one module per stage: ``source`` (article, paragraphs, defect audit) → ``facts``
(curated YAML/CSV, checked) → ``triples`` (facts → triples with provenance) → ``validate``
(closed vocabulary, SHACL, OWL) → ``serialize`` (deterministic Turtle and N-Triples). ``build``
runs them all and returns text; only the CLI (``zkg build``) writes files.
"""

from kg_build.build import BuildError, BuildResult, audit, build, load_project
from kg_build.errors import FactError

__all__ = ["build", "audit", "load_project", "BuildResult", "BuildError", "FactError"]
