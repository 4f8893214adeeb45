"""The named questions: ``queries/*.rq`` files with a header, read into :class:`Question` objects.

A header is the block of ``#`` comment lines at the top of the file::

    # name: alliance-members
    # question-zh: 每个教研联盟有哪些学校？
    # question-en: Which schools belong to each alliance?
    # param: alliance (IRI, optional) — restrict to one alliance
    # column: alliance — the alliance IRI

A parameter line is ``NAME (TYPE[, optional][, default VALUE]) — description``; TYPE is one of
``IRI``, ``string``, ``zh`` (a Chinese-tagged literal), ``integer``, ``decimal``, ``boolean``.
A parameter with neither ``optional`` nor a default is required. An IRI parameter may say which
class it wants (``a zt:TeachingResearchAlliance``): a name given for it is then looked up among
things of that class only (``--param alliance=昭通一中``, see :mod:`zkg.lookup`).

>>> q = parse_question("x", "# name: x\\n# question-zh: 问\\n# question-en: Q\\n"
...                    "# param: n (integer, default 3) — how many\\n# column: a — A\\nSELECT ?a WHERE {}")
>>> q.params[0].name, q.params[0].default, q.bind({})
('n', 3, {'n': 3})
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

from zkg.errors import StoreError
from zkg.prefixes import PREFIXES
from zkg.values import compact, IRI, LangString

#: ``resolve(text, cls, what)`` → the IRI a name stands for (see :class:`zkg.lookup.Resolver`).
Resolve = Callable[[str, "str | None", str], IRI]

__all__ = ["Catalogue", "CatalogueError", "Param", "Question", "parse_question", "parse_value"]

TYPES = ("IRI", "string", "zh", "integer", "decimal", "boolean")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*\((?P<spec>[^)]*)\)\s*(?:[—–-]+\s*(?P<doc>.*))?$")
_COLUMN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*(?:[—–-]+\s*(?P<doc>.*))?$")


class CatalogueError(StoreError):
    """A question file is malformed, a name is unknown, or a parameter value is wrong."""


def parse_value(kind: str, text: str) -> Any:
    """Turn a command-line parameter value into a bound value of the declared type.

    IRIs may be written in full, in ``<…>``, or with a fixed prefix (``ztd:school/x``); a name
    (``昭通一中``) needs the graph, so :meth:`Question.bind` takes a ``resolve`` function for it.

    >>> parse_value("IRI", "ztd:school/fengchi-nine-year")
    IRI('https://w3id.org/zhaotong-kg/id/school/fengchi-nine-year')
    >>> parse_value("zh", "昭通市")
    '昭通市'@zh
    """
    if kind == "IRI":
        value = text.strip()
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = PREFIXES[prefix] + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            raise CatalogueError(f"{text!r} is not an IRI: write https://…, ztd:… or a name of the graph")
        return IRI(value)
    try:
        if kind == "integer":
            return int(text)
        if kind == "decimal":
            return Decimal(text)
    except (ValueError, InvalidOperation):
        raise CatalogueError(f"{text!r} is not a{'n' if kind == 'integer' else ''} {kind}") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false", "1", "0"):
            raise CatalogueError(f"{text!r} is not a boolean: use true or false")
        return text.lower() in ("true", "1")
    if kind == "zh":
        return LangString(text, "zh")
    return text


@dataclasses.dataclass(frozen=True)
class Param:
    """One parameter of a question."""

    name: str
    type: str
    required: bool
    default: Any
    doc: str
    cls: str | None = None  # for IRI parameters: the class wanted (full IRI), if the header says

    def describe(self) -> str:
        extra = "required" if self.required else ("optional" if self.default is None else f"default {self.default}")
        kind = f"{self.type} or name, a {compact(self.cls)}" if self.cls else (
            f"{self.type} or name" if self.type == "IRI" else self.type)
        return f"{self.name} ({kind}, {extra})"


# The Python values each declared type accepts as they are (strings are parsed by parse_value).
_ACCEPTS = {"IRI": (IRI,), "string": (str,), "zh": (LangString,), "integer": (int,),
            "decimal": (int, Decimal), "boolean": (bool,)}


def _typed(question: str, p: Param, value: Any, resolve: Resolve | None = None) -> Any:
    """``value`` checked against the declared type of ``p`` (a string is parsed first; a name for
    an IRI parameter is looked up with ``resolve``)."""
    if isinstance(value, str) and type(value) is str and p.type not in ("string",):
        if p.type == "IRI" and resolve is not None:
            try:
                return resolve(value, p.cls, p.name)
            except StoreError as exc:
                raise type(exc)(f"parameter {p.name!r}: {exc}") from None
        try:
            return parse_value(p.type, value)
        except CatalogueError as exc:
            raise CatalogueError(f"{question}: parameter {p.name!r}: {exc}") from None
    ok = isinstance(value, _ACCEPTS[p.type]) and not (isinstance(value, bool) and p.type != "boolean")
    if not ok:
        raise CatalogueError(f"{question}: parameter {p.name!r} must be {p.type}, got {value!r} "
                             f"({type(value).__name__}): give a{'n' if p.type[0] in 'aeiouIA' else ''} {p.type}")
    return value


@dataclasses.dataclass(frozen=True)
class Question:
    """A named question: its header and its SPARQL text."""

    name: str
    question_zh: str
    question_en: str
    params: tuple[Param, ...]
    columns: tuple[tuple[str, str], ...]
    text: str

    def bind(self, given: Mapping[str, Any], resolve: Resolve | None = None) -> dict[str, Any]:
        """Check ``given`` against the declared parameters; parse strings; add defaults.

        ``resolve(text, cls, what)`` turns a name given for an IRI parameter into its IRI (a
        :class:`zkg.lookup.Resolver`); without it only IRIs are accepted."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            have = ", ".join(known) or "none"
            raise CatalogueError(f"{self.name} has no parameter {unknown[0]!r} (its parameters: {have})")
        bound: dict[str, Any] = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if value is None:
                if p.required:
                    raise CatalogueError(f"{self.name} needs --param {p.name}=… ({p.type}: {p.doc})")
                continue
            bound[p.name] = _typed(self.name, p, value, resolve)
        return bound


def parse_question(name: str, text: str) -> Question:
    """Read the header of one ``.rq`` file (``name`` is the file stem)."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    columns: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, sep, value = line.lstrip("#").strip().partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "param":
            m = _PARAM.match(value)
            if not m:
                raise CatalogueError(f"queries/{name}.rq: bad param line {value!r}: write "
                                     "'# param: NAME (TYPE[, optional][, default V]) — what it does'")
            spec = [s.strip() for s in m["spec"].split(",")]
            if spec[0] not in TYPES:
                raise CatalogueError(f"queries/{name}.rq: param type {spec[0]!r} unknown: use one of {', '.join(TYPES)}")
            default = next((s[len("default"):].strip() for s in spec[1:] if s.startswith("default")), None)
            if default is not None:
                default = parse_value(spec[0], default)
            wanted = next((s[2:].strip() for s in spec[1:] if s.startswith("a ")), None)
            if wanted is not None:
                if spec[0] != "IRI":
                    raise CatalogueError(f"queries/{name}.rq: param {m['name']}: only an IRI parameter can want a class")
                wanted = parse_value("IRI", wanted)
            params.append(Param(m["name"], spec[0], "optional" not in spec and default is None,
                                default, (m["doc"] or "").strip(), wanted))
        elif key == "column":
            m = _COLUMN.match(value)
            if not m:
                raise CatalogueError(f"queries/{name}.rq: bad column line {value!r}: write '# column: NAME — meaning'")
            columns.append((m["name"], (m["doc"] or "").strip()))
        elif key in ("name", "question-zh", "question-en"):
            fields[key] = value
    missing = [k for k in ("name", "question-zh", "question-en") if k not in fields]
    if missing:
        raise CatalogueError(f"queries/{name}.rq: header lacks '# {missing[0]}:' — add it at the top")
    if fields["name"] != name:
        raise CatalogueError(f"queries/{name}.rq: header says name {fields['name']!r}: make it match the file name")
    return Question(name, fields["question-zh"], fields["question-en"], tuple(params), tuple(columns), text)


class Catalogue:
    """All named questions, by name."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions = {q.name: q for q in sorted(questions, key=lambda q: q.name)}

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> "Catalogue":
        """Build from ``{name: file text}`` (the CLI reads the files)."""
        return cls(parse_question(name, text) for name, text in texts.items())

    def __iter__(self):
        return iter(self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, name: str) -> Question:
        """The question called ``name``; an unknown name is an error naming the closest ones."""
        if name in self.questions:
            return self.questions[name]
        close = difflib.get_close_matches(name, list(self.questions), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "see zkg query --list"
        raise CatalogueError(f"no question named {name!r}: {hint}")
