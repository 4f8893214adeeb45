r"""SHACL Core compiled to SPARQL: one SELECT per constraint, run on a pyoxigraph store.

The shapes graph is read generically (no shape-specific code): every shape with a target gives,
for each of its constraints, one query that returns the violations of that constraint as rows of
``?focus ?value``. Nested shapes (``sh:or``, ``sh:xone``, ``sh:and``, ``sh:not``, ``sh:node``)
become boolean SPARQL expressions "this node conforms to that shape". A constraint or path the
compiler does not know is a :class:`ShapeError` naming the shape, so a new kind of constraint never
passes silently.

Semantics follow pyshacl as the build used it (``ont_graph`` = the ontology, ``inference="none"``):
the store's default graph holds the data *and* the ontology, so ``sh:targetClass`` and ``sh:class``
follow ``rdfs:subClassOf`` through both, and the ontology's own individuals are validated too.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''
... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...     sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p" ] .''', format="turtle")
>>> [(c.component, c.path, c.message) for plan in compile_shapes(shapes, {}) for c in plan.checks]
[('MinCountConstraintComponent', 'http://example.org/p', 'needs ex:p')]
>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b"<http://example.org/a> a <http://example.org/C> .", ox.RdfFormat.TURTLE)
>>> [(str(r.focus), r.check.component) for r in validate(store, shapes)]
[('<http://example.org/a>', 'MinCountConstraintComponent')]
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import XSD
from rdflib.term import Node
from pyoxigraph import BlankNode

__all__ = ["SH", "TARGET", "LEXICAL", "sparql_string", "ShapeError", "Check", "Plan", "Result", "subclasses_in", "compile_shapes", "run_checks", "validate"]

SH = "http://www.w3.org/ns/shacl#"

# Predicates of a shape that are no constraint: labels, messages, targets, grouping, and the
# parameters read together with their constraint (sh:flags with sh:pattern).
_NOT_CONSTRAINTS = {SH + x for x in ("message", "name", "description", "order", "group", "defaultValue",
                                     "severity", "deactivated", "targetClass", "targetNode", "targetSubjectsOf",
                                     "targetObjectsOf", "path", "property", "flags")}

# The lexical space of the XSD datatypes the shapes may name (XML Schema 1.1 part 2): a literal of
# such a datatype whose text is outside it is ill-formed and fails sh:datatype, as in pyshacl.
LEXICAL: dict[Node, str] = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.date: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
}

_NODE_KINDS = {
    "IRI": "isIRI({v})", "Literal": "isLiteral({v})", "BlankNode": "isBlank({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}

_RANGES = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


class ShapeError(ValueError):
    """The shapes graph uses something the compiler does not support, or is malformed."""


TARGET = "%TARGET%"  # where a check's query takes the pattern that binds ?focus


@dataclass(frozen=True)
class Check:
    """One compiled constraint: its shape, component, path (a predicate IRI, or None for a node
    constraint or a complex path), message, and the SPARQL query returning ``?focus ?value``, with
    :data:`TARGET` where the pattern binding ``?focus`` goes."""

    shape: str
    component: str
    path: str | None
    message: str
    query: str

    def on(self, target: str) -> str:
        """The query with its focus nodes bound by ``target``."""
        return self.query.replace(TARGET, target)


@dataclass(frozen=True)
class Plan:
    """A targeted shape: the pattern of its focus nodes, the query that screens them (the focus
    nodes that do not conform to the shape) and the checks that say why, one per constraint."""

    shape: str
    target: str
    screen: str
    checks: tuple[Check, ...]


class Result(NamedTuple):
    """One violation: the check it breaks, the focus node and the value (pyoxigraph terms; the
    value is None for a count constraint)."""

    check: Check
    focus: object
    value: object


def _term(node: Node) -> str:
    """A node of the shapes graph as a SPARQL term."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise ShapeError(f"a blank node {node.n3()} where an IRI or literal was expected")


def sparql_string(text: str) -> str:
    """A SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class _Compiler:
    """Reads shapes from the shapes graph and writes SPARQL; ``fresh`` names nested variables."""

    def __init__(self, shapes: Graph, subclasses: Mapping[str, Iterable[str]]):
        self.g = shapes
        self.subclasses = subclasses
        self.counter = count(1)
        self.nesting: list[Node] = []  # shapes being compiled (refuses a recursive shape)

    def instance(self, x: str, cls: Node) -> str:
        """A pattern: ``x`` is an instance of ``cls`` (rdf:type one of its subclasses, or itself)."""
        if not isinstance(cls, URIRef):
            raise ShapeError(f"a class {cls.n3()} that is not an IRI")
        classes = sorted({str(cls), *self.subclasses.get(str(cls), ())})
        if len(classes) == 1:
            return f"{x} <{RDF.type}> <{classes[0]}> ."
        t = self.fresh()
        return f"{x} <{RDF.type}> {t} . VALUES {t} {{ {' '.join(f'<{c}>' for c in classes)} }}"

    def fresh(self) -> str:
        return f"?v{next(self.counter)}"

    def name(self, shape: Node) -> str:
        if isinstance(shape, URIRef):
            return str(shape)
        parent = next(iter(self.g.subjects(URIRef(SH + "property"), shape)), None)
        path = self.g.value(shape, URIRef(SH + "path"))
        where = f" of {self.name(parent)}" if parent is not None else ""
        return f"the shape on {path.n3(self.g.namespace_manager) if path is not None else 'a node'}{where}"

    def error(self, shape: Node, what: str) -> ShapeError:
        return ShapeError(f"shape {self.name(shape)}: {what}")

    def items(self, shape: Node, head: Node) -> list[Node]:
        if head != RDF.nil and self.g.value(head, RDF.first) is None:
            raise self.error(shape, f"{head.n3()} is not an RDF list")
        return list(Collection(self.g, head))

    # -- paths --------------------------------------------------------------------------------
    def path(self, shape: Node, node: Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if self.g.value(node, RDF.first) is not None:  # a sequence
            return "(" + "/".join(self.path(shape, n) for n in self.items(shape, node)) + ")"
        for pred, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"),
                          ("zeroOrOnePath", "{}?")):
            inner = self.g.value(node, URIRef(SH + pred))
            if inner is not None:
                return "(" + fmt.format(self.path(shape, inner)) + ")"
        alternatives = self.g.value(node, URIRef(SH + "alternativePath"))
        if alternatives is not None:
            return "(" + "|".join(self.path(shape, n) for n in self.items(shape, alternatives)) + ")"
        raise self.error(shape, f"unsupported sh:path {node.n3()}")

    # -- constraints --------------------------------------------------------------------------
    def constraints(self, shape: Node) -> list[tuple[str, Node]]:
        """The constraint parameters of a shape (local name, value), refusing unknown sh: terms."""
        out = []
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if not str(p).startswith(SH) or str(p) in _NOT_CONSTRAINTS:
                continue
            local = str(p)[len(SH):]
            if local not in _VALUE_TESTS and local not in _COUNT_TESTS:
                raise self.error(shape, f"sh:{local} is not supported by kg_build.shacl (SHACL Core to SPARQL)")
            out.append((local, o))
        return out

    def node_test(self, shape: Node, local: str, param: Node, x: str) -> str:
        """A SPARQL expression, true when the focus node ``x`` itself meets a constraint of a node shape."""
        if local == "hasValue":
            return f"sameTerm({x}, {_term(param)})"
        if local in _COUNT_TESTS:
            raise self.error(shape, f"sh:{local} needs a sh:path")
        return self.value_test(shape, local, param, x)

    def value_test(self, shape: Node, local: str, param: Node, v: str) -> str:
        """A SPARQL expression, true when the value node ``v`` meets the constraint."""
        return _VALUE_TESTS[local](self, shape, param, v)

    def count_test(self, shape: Node, local: str, param: Node, f: str, path: str) -> str:
        """A SPARQL expression, true when the focus ``f``'s values on ``path`` meet the constraint."""
        return _COUNT_TESTS[local](self, shape, param, f, path)

    def conforms(self, shape: Node, x: str) -> str:
        """A SPARQL expression, true when the node ``x`` conforms to ``shape`` (all of its constraints
        and property shapes). The value tests of one path are joined into one pattern, so a node's
        values on a path are read once."""
        if shape in self.nesting:
            raise self.error(shape, "a shape that refers to itself is not supported")
        if self.g.value(shape, URIRef(SH + "deactivated")) == Literal(True):
            return "true"
        self.nesting.append(shape)
        try:
            parts: list[str] = []
            by_path: dict[str, list[str]] = {}
            v_of: dict[str, str] = {}
            if self.g.value(shape, URIRef(SH + "path")) is not None:
                pshapes = [shape]
            else:
                parts += [self.node_test(shape, local, o, x) for local, o in self.constraints(shape)]
                pshapes = sorted(self.g.objects(shape, URIRef(SH + "property")), key=str)
            for pshape in pshapes:
                self.property_parts(pshape, x, parts, by_path, v_of)
            parts += [f"NOT EXISTS {{ {x} {path} {v_of[path]} FILTER(!({' && '.join(tests)})) }}"
                      for path, tests in by_path.items()]
            return "(" + " && ".join(parts) + ")" if parts else "true"
        finally:
            self.nesting.pop()

    def property_parts(self, pshape: Node, x: str, parts: list[str], by_path: dict[str, list[str]],
                       v_of: dict[str, str]) -> None:
        """Add what ``x`` must meet for the property shape: count tests to ``parts``, value tests
        (on the path's value variable ``v_of[path]``) to ``by_path``."""
        path_node = self.g.value(pshape, URIRef(SH + "path"))
        if path_node is None:
            raise self.error(pshape, "a sh:property shape needs a sh:path")
        if self.g.value(pshape, URIRef(SH + "deactivated")) == Literal(True):
            return
        path = self.path(pshape, path_node)
        for local, o in self.constraints(pshape):
            if local in _COUNT_TESTS:
                parts.append(self.count_test(pshape, local, o, x, path))
            else:
                v = v_of.setdefault(path, self.fresh())
                by_path.setdefault(path, []).append(self.value_test(pshape, local, o, v))
        for nested in sorted(self.g.objects(pshape, URIRef(SH + "property")), key=str):
            v = v_of.setdefault(path, self.fresh())
            by_path.setdefault(path, []).append(self.conforms(nested, v))

    # -- top level ----------------------------------------------------------------------------
    def target(self, shape: Node) -> str | None:
        """The graph pattern binding ``?focus`` to the shape's focus nodes (None: no target)."""
        branches = []
        for cls in self.g.objects(shape, URIRef(SH + "targetClass")):
            branches.append(self.instance("?focus", cls))
        if (shape, RDF.type, RDFS.Class) in self.g:  # an implicit class target
            branches.append(self.instance("?focus", shape))
        nodes = list(self.g.objects(shape, URIRef(SH + "targetNode")))
        if nodes:
            branches.append("VALUES ?focus { " + " ".join(_term(n) for n in nodes) + " }")
        for p in self.g.objects(shape, URIRef(SH + "targetSubjectsOf")):
            branches.append(f"?focus {_term(p)} [] .")
        for p in self.g.objects(shape, URIRef(SH + "targetObjectsOf")):
            branches.append(f"[] {_term(p)} ?focus .")
        if not branches:
            return None
        return " UNION ".join("{ " + b + " }" for b in sorted(branches))

    def message(self, shape: Node, component: str, path: str | None) -> str:
        messages = [m for m in self.g.objects(shape, URIRef(SH + "message")) if isinstance(m, Literal)]
        chosen = sorted(messages, key=lambda m: (m.language != "en", str(m)))
        if chosen:
            return " ".join(str(chosen[0]).split())
        return f"{component} not met" + (f" on {path}" if path else "")

    def plan(self, shape: Node) -> Plan | None:
        target = self.target(shape)
        if target is None or self.g.value(shape, URIRef(SH + "deactivated")) == Literal(True):
            return None
        checks = tuple(self.checks(shape, TARGET))
        screen = f"SELECT DISTINCT ?focus WHERE {{ {target} FILTER(!{self.conforms(shape, '?focus')}) }}"
        return Plan(self.name(shape), target, screen, checks)

    def reported(self, shape: Node) -> bool:
        """Whether the shape's results are violations (not deactivated, severity sh:Violation, the
        default); the build reports violations only, as it did with pyshacl."""
        severity = self.g.value(shape, URIRef(SH + "severity"))
        return self.g.value(shape, URIRef(SH + "deactivated")) != Literal(True) \
            and severity in (None, URIRef(SH + "Violation"))

    def checks(self, shape: Node, target: str) -> Iterator[Check]:
        """The checks of a targeted node shape (or property shape): one per constraint."""
        if self.g.value(shape, URIRef(SH + "deactivated")) == Literal(True):
            return
        self.nesting.append(shape)
        try:
            if self.g.value(shape, URIRef(SH + "path")) is not None:
                yield from self.property_checks(shape, target)
            elif self.reported(shape):  # each shape's results have its own severity
                for local, o in self.constraints(shape):
                    test = self.node_test(shape, local, o, "?focus")
                    yield self.check(shape, local, None, f"SELECT DISTINCT ?focus (?focus AS ?value) WHERE "
                                     f"{{ {target} FILTER(!{test}) }}")
            for pshape in sorted(self.g.objects(shape, URIRef(SH + "property")), key=str):
                yield from self.property_checks(pshape, target)
        finally:
            self.nesting.pop()

    def property_checks(self, pshape: Node, target: str) -> Iterator[Check]:
        path_node = self.g.value(pshape, URIRef(SH + "path"))
        if path_node is None:
            raise self.error(pshape, "a sh:property shape needs a sh:path")
        if not self.reported(pshape):
            return
        path = self.path(pshape, path_node)
        for local, o in self.constraints(pshape):
            if local in _COUNT_TESTS:
                test = self.count_test(pshape, local, o, "?focus", path)
                query = f"SELECT DISTINCT ?focus WHERE {{ {target} FILTER(!{test}) }}"
            else:
                test = self.value_test(pshape, local, o, "?value")
                query = f"SELECT DISTINCT ?focus ?value WHERE {{ {target} ?focus {path} ?value FILTER(!{test}) }}"
            yield self.check(pshape, local, path_node if isinstance(path_node, URIRef) else None, query)
        for nested in self.g.objects(pshape, URIRef(SH + "property")):
            raise self.error(nested, "a property shape inside a property shape is only supported nested in "
                             "sh:node/sh:or/sh:and/sh:xone/sh:not")

    def check(self, shape: Node, local: str, path: Node | None, query: str) -> Check:
        component = local[0].upper() + local[1:] + "ConstraintComponent"
        p = str(path) if path is not None else None
        return Check(self.name(shape), component, p, self.message(shape, component, p), query)


# -- the value tests: (compiler, shape, parameter, value variable) -> SPARQL boolean ------------

def _class(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return f"EXISTS {{ {c.instance(v, param)} }}"


def _datatype(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    if param == RDF.langString:
        return f"COALESCE(isLiteral({v}) && lang({v}) != \"\", false)"
    test = f"isLiteral({v}) && sameTerm(datatype({v}), {_term(param)})"
    if param == XSD.string:
        test += f" && lang({v}) = \"\""
    if param in LEXICAL:
        test += f" && REGEX(STR({v}), {sparql_string(LEXICAL[param])})"
    return f"COALESCE({test}, false)"


def _node_kind(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    kind = str(param)[len(SH):] if str(param).startswith(SH) else ""
    if kind not in _NODE_KINDS:
        raise c.error(shape, f"unknown sh:nodeKind {param.n3()}")
    return _NODE_KINDS[kind].format(v=v)


def _in(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    members = c.items(shape, param)
    return "(" + " || ".join(f"sameTerm({v}, {_term(m)})" for m in members) + ")" if members else "false"


def _pattern(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    flags = c.g.value(shape, URIRef(SH + "flags"))
    extra = f", {sparql_string(str(flags))}" if flags is not None else ""
    return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {sparql_string(str(param))}{extra}), false)"


def _language_in(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    tags = [str(t) for t in c.items(shape, param)]
    any_tag = " || ".join(f"langMatches(lang({v}), {sparql_string(t)})" for t in tags) or "false"
    return f"COALESCE(isLiteral({v}) && ({any_tag}), false)"


def _length(op: str) -> Callable[[_Compiler, Node, Node, str], str]:
    def test(c: _Compiler, shape: Node, param: Node, v: str) -> str:
        return f"COALESCE(!isBlank({v}) && STRLEN(STR({v})) {op} {int(str(param))}, false)"
    return test


def _range(op: str) -> Callable[[_Compiler, Node, Node, str], str]:
    def test(c: _Compiler, shape: Node, param: Node, v: str) -> str:
        return f"COALESCE(isLiteral({v}) && {v} {op} {_term(param)}, false)"
    return test


def _or(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return "(" + " || ".join(c.conforms(s, v) for s in c.items(shape, param)) + ")"


def _and(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return "(" + " && ".join(c.conforms(s, v) for s in c.items(shape, param)) + ")"


def _xone(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return "(" + " + ".join(f"IF({c.conforms(s, v)}, 1, 0)" for s in c.items(shape, param)) + " = 1)"


def _not(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return f"!{c.conforms(param, v)}"


def _node(c: _Compiler, shape: Node, param: Node, v: str) -> str:
    return c.conforms(param, v)


_VALUE_TESTS: dict[str, Callable[[_Compiler, Node, Node, str], str]] = {
    "class": _class, "datatype": _datatype, "nodeKind": _node_kind, "in": _in, "pattern": _pattern,
    "languageIn": _language_in, "minLength": _length(">="), "maxLength": _length("<="),
    "or": _or, "and": _and, "xone": _xone, "not": _not, "node": _node,
    **{name: _range(op) for name, op in _RANGES.items()},
}


# -- the count tests: (compiler, shape, parameter, focus variable, path) -> SPARQL boolean ------

def _distinct_values(c: _Compiler, f: str, path: str, n: int) -> str:
    """A pattern with ``n`` pairwise distinct values of ``f`` on ``path``."""
    vs = [c.fresh() for _ in range(n)]
    pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
    return " ".join(f"{f} {path} {v} ." for v in vs) + (f" FILTER({' && '.join(pairs)})" if pairs else "")


def _count_param(c: _Compiler, shape: Node, param: Node, local: str) -> int:
    if not isinstance(param, Literal) or not isinstance(param.toPython(), int) or int(param) < 0:
        raise c.error(shape, f"sh:{local} must be a non-negative integer")
    if int(param) > 8:
        raise c.error(shape, f"sh:{local} {int(param)} is above the 8 values the SPARQL compiler supports")
    return int(param.toPython())


def _min_count(c: _Compiler, shape: Node, param: Node, f: str, path: str) -> str:
    n = _count_param(c, shape, param, "minCount")
    return f"EXISTS {{ {_distinct_values(c, f, path, n)} }}" if n else "true"


def _max_count(c: _Compiler, shape: Node, param: Node, f: str, path: str) -> str:
    n = _count_param(c, shape, param, "maxCount")
    return f"NOT EXISTS {{ {_distinct_values(c, f, path, n + 1)} }}"


def _unique_lang(c: _Compiler, shape: Node, param: Node, f: str, path: str) -> str:
    if param != Literal(True):
        return "true"
    a, b = c.fresh(), c.fresh()
    return (f"NOT EXISTS {{ {f} {path} {a} . {f} {path} {b} FILTER(!sameTerm({a}, {b}) && isLiteral({a}) && "
            f"isLiteral({b}) && lang({a}) != \"\" && LCASE(lang({a})) = LCASE(lang({b}))) }}")


def _has_value(c: _Compiler, shape: Node, param: Node, f: str, path: str) -> str:
    return f"EXISTS {{ {f} {path} {_term(param)} }}"


_COUNT_TESTS: dict[str, Callable[[_Compiler, Node, Node, str, str], str]] = {
    "minCount": _min_count, "maxCount": _max_count, "uniqueLang": _unique_lang, "hasValue": _has_value,
}


def subclasses_in(store) -> dict[str, set[str]]:
    """Each class of the store's default graph with its subclasses (``rdfs:subClassOf+``)."""
    out: dict[str, set[str]] = {}
    for row in store.query(f"SELECT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}>+ ?sup }}"):
        out.setdefault(row["sup"].value, set()).add(row["sub"].value)
    return out


def compile_shapes(shapes: Graph, subclasses: Mapping[str, Iterable[str]]) -> list[Plan]:
    """Every targeted shape as a :class:`Plan`, given each class's subclasses (:func:`subclasses_in`:
    the instances of a class are those typed with it or a subclass). Raises :class:`ShapeError` for
    anything the compiler does not support, naming the shape."""
    c = _Compiler(shapes, subclasses)
    targeted = {s for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
                for s in shapes.subjects(URIRef(SH + p), None)}
    targeted |= {s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, URIRef(SH + "NodeShape")) in shapes}
    plans = [c.plan(shape) for shape in sorted(targeted, key=str)]
    return [p for p in plans if p is not None]


def validate(store, shapes: Graph) -> list[Result]:
    """Compile ``shapes`` against the store's class hierarchy and run every check on it."""
    return run_checks(compile_shapes(shapes, subclasses_in(store)), store)


def run_checks(plans: list[Plan], store) -> list[Result]:
    """Run the plans on a pyoxigraph store (its default graph: data and ontology). Each shape's
    screen finds the focus nodes that do not conform; only for those (if any) do its checks run,
    one per constraint, to say which constraints they break and with which values."""
    results = []
    for plan in plans:
        failing = [row["focus"] for row in store.query(plan.screen)]
        if not failing:
            continue
        if any(isinstance(f, BlankNode) for f in failing):  # VALUES cannot hold a blank node
            target = plan.target
        else:
            target = "VALUES ?focus { " + " ".join(str(f) for f in failing) + " }"
        for check in plan.checks:
            count_check = check.component in _COUNT_COMPONENTS
            for row in store.query(check.on(target)):
                results.append(Result(check, row["focus"], None if count_check else row["value"]))
    return results


_COUNT_COMPONENTS = {name[0].upper() + name[1:] + "ConstraintComponent" for name in _COUNT_TESTS}
