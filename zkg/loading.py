"""Finding the built graph and loading it, with the ontology, into an embedded engine.

The build writes an RDF *dataset* (``graph/zhaotong.nq``, the same in ``graph/zhaotong.trig``):
the default graph holds every data triple once, and named graphs hold what supports each one
(one per curated record, one per article, one for the provenance of the record graphs). A
triples-only graph (``zhaotong.nt`` / ``zhaotong.ttl``, as older builds and hand-written test
fixtures have it) still loads: all of it in the default graph. Every file is checked against
the build's manifest before it is read (:func:`zkg.manifest.verified_file`).

The stores keep the dataset as it is: plain triple patterns see the default graph, ``GRAPH ?g``
the named graphs; no engine is put in union-default-graph mode (Oxigraph's union repeats a
triple once per graph that holds it). The ontology (``ontology/zhaotong.ttl``) is loaded twice:
into the default graph, so questions read the labels of units and roles and say
``rdfs:subClassOf*``, and into its own named graph :data:`ONTOLOGY_GRAPH`, so that ``GRAPH ?g``
answers for its triples too. :func:`load_oxigraph` and :func:`load_rdflib` are the one place
that knows this; ``zkg push`` and ``zkg serve`` put the same dataset on a server.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from zkg.errors import StoreError
from zkg.manifest import MANIFEST, GraphFileError, Listed, listed_file, read_manifest, verified_file

__all__ = ["GRAPH_FILES", "ONTOLOGY_GRAPH", "DatasetCounts", "add_ontology", "counts", "find_graph_file", "find_ontology_file",
           "listed_graph_file", "load_oxigraph", "load_rdflib", "ox_format"]

#: The graph files a build may write, in the order they are preferred: the dataset (N-Quads, then
#: TriG), then the triples-only forms of older builds (N-Triples, then Turtle).
GRAPH_FILES = ("zhaotong.nq", "zhaotong.trig", "zhaotong.nt", "zhaotong.ttl")
#: File suffix → (pyoxigraph ``RdfFormat`` name, rdflib parser name).
_FORMATS = {".nq": ("N_QUADS", "nquads"), ".trig": ("TRIG", "trig"),
            ".nt": ("N_TRIPLES", "nt"), ".ttl": ("TURTLE", "turtle")}

#: The named graph that holds the ontology (the stores hold it in the default graph as well).
ONTOLOGY_GRAPH = "https://w3id.org/zhaotong-kg/ontology"


def listed_graph_file(graph_dir: str | Path) -> Listed:
    """The graph file of ``graph_dir`` (the first of :data:`GRAPH_FILES` its manifest lists) after the
    checks that do not read it (:func:`zkg.manifest.listed_file`): raises :class:`GraphFileError`."""
    graph_dir = Path(graph_dir)
    missing = f"no graph in {graph_dir}/ ({' or '.join(GRAPH_FILES)}): run `zkg build` first"
    if not any((graph_dir / name).exists() for name in (*GRAPH_FILES, MANIFEST)):
        raise GraphFileError(missing)
    manifest = read_manifest(graph_dir)
    for name in GRAPH_FILES:
        if name in manifest["files"]:
            return listed_file(graph_dir, name, manifest)
    raise GraphFileError(missing)


def find_graph_file(graph_dir: str | Path) -> Path:
    """The graph file of ``graph_dir`` (as :func:`listed_graph_file`), checked against the manifest
    (size and sha256): a missing, empty, cut or foreign file is refused (:class:`StoreError`)."""
    try:
        path = listed_graph_file(graph_dir).path
        return verified_file(path.parent, path.name)
    except GraphFileError as exc:
        raise StoreError(str(exc)) from None


def find_ontology_file(graph_dir: str | Path) -> Path | None:
    """``ontology/zhaotong.ttl`` beside ``graph_dir`` (a checkout: ``graph/`` and ``ontology/`` are
    siblings), or None when there is none."""
    path = Path(graph_dir).resolve().parent / "ontology" / "zhaotong.ttl"
    return path if path.is_file() else None


def ox_format(path: str | Path):
    """The pyoxigraph ``RdfFormat`` of a graph file, from its suffix (``.nq .trig .nt .ttl``).

    >>> ox_format("graph/zhaotong.nq")
    <RdfFormat N-Quads>
    """
    import pyoxigraph as ox

    suffix = Path(path).suffix
    if suffix not in _FORMATS:
        raise StoreError(f"cannot read {path}: a graph file ends in {', '.join(_FORMATS)}")
    return getattr(ox.RdfFormat, _FORMATS[suffix][0])


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160]


def load_oxigraph(path: Path | None = None, data: str | None = None, ontology: Path | None = None):
    """A new in-memory pyoxigraph ``Store`` holding the graph file ``path`` (or ``data``, N-Quads
    text: N-Triples is N-Quads in the default graph) as it is, and ``ontology`` (a Turtle file)
    in the default graph and in :data:`ONTOLOGY_GRAPH`."""
    import pyoxigraph as ox

    store = ox.Store()
    try:
        if data is not None:
            store.bulk_load(data.encode("utf-8"), ox.RdfFormat.N_QUADS)
        elif path is not None:
            store.bulk_load(path=str(path), format=ox_format(path))
        else:
            raise TypeError("load_oxigraph() needs path (a graph file) or data (N-Quads text)")
    except (SyntaxError, OSError, ValueError) as exc:
        raise StoreError(f"cannot load {path or 'data'}: {_detail(exc)}: rebuild the graph") from None
    if ontology is not None:
        add_ontology(store, ontology)
    return store


def add_ontology(store, ontology: Path) -> None:
    """Load the Turtle file ``ontology`` into the default graph and :data:`ONTOLOGY_GRAPH` of the
    pyoxigraph ``store``: parsed once, so both copies share their blank nodes (an axiom's list is the
    same node in both, and every triple of the default graph is found in a named graph)."""
    import pyoxigraph as ox

    try:
        triples = list(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
        store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for graph in
                      (ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_GRAPH)) for t in triples])
    except (SyntaxError, OSError, ValueError) as exc:
        raise StoreError(f"cannot load the ontology {ontology}: {_detail(exc)}: fix the Turtle") from None


def load_rdflib(path: Path | None = None, data: str | None = None, ontology: Path | None = None):
    """The same as :func:`load_oxigraph` in an rdflib ``Dataset`` (``default_union=False``: plain
    patterns see the default graph only, ``GRAPH ?g`` the named graphs, never the default one)."""
    from rdflib import Dataset, Graph, URIRef

    dataset = Dataset(default_union=False)
    try:
        if data is not None:
            dataset.parse(data=data, format="nquads")
        elif path is not None:
            dataset.parse(str(path), format=_FORMATS[Path(path).suffix][1])
        else:
            raise TypeError("load_rdflib() needs path (a graph file) or data (N-Quads text)")
    except Exception as exc:
        raise StoreError(f"cannot load {path or 'data'}: {_detail(exc)}: rebuild the graph") from None
    if ontology is not None:
        try:
            axioms = Graph().parse(str(ontology), format="turtle")  # parsed once: shared blank nodes
            for graph in (dataset.default_graph, dataset.graph(URIRef(ONTOLOGY_GRAPH))):
                graph += axioms
        except Exception as exc:
            raise StoreError(f"cannot load the ontology {ontology}: {_detail(exc)}: fix the Turtle") from None
    return dataset


@dataclasses.dataclass(frozen=True)
class DatasetCounts:
    """The size of a dataset as the manifest gives it: triples in the default graph, quads in the
    named graphs, number of named graphs."""

    triples: int
    quads: int
    graphs: int


def counts(store) -> DatasetCounts:
    """The :class:`DatasetCounts` of a pyoxigraph store.

    >>> counts(load_oxigraph(data='<a:s> <a:p> <a:o> .\\n<a:s> <a:p> <a:o> <a:g> .'))
    DatasetCounts(triples=1, quads=1, graphs=1)
    """
    import pyoxigraph as ox

    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return DatasetCounts(triples, len(store) - triples, sum(1 for _ in store.named_graphs()))
