"""The convention for English labels (DESIGN.md, "English labels"), as one function.

A label is either a **name** in Title Case or a **description** in lower case (the Wikidata rule).
Which classes take which form, the type word a division's label ends with and the classes whose
labels are proper nouns are the ontology's (``zt:labelForm``, ``zt:labelTypeWord``,
``zt:labelProperNoun``), read into :class:`LabelRules`:

>>> rules = LabelRules(forms={"SeniorHighSchool": "name", "CountyLevelCity": "name", "Indicator": "description"},
...                    type_words={"CountyLevelCity": "City"}, proper_nouns=frozenset({"CountyLevelCity"}))
>>> label_problem("Zhaotong No.1 Middle School", "SeniorHighSchool", "reference", rules)
>>> label_problem("investment in education", "Indicator", "translation", rules)
>>> label_problem("Investment in education", "Indicator", "translation", rules)
"a description starts with a lower-case letter unless its first word is a proper noun: 'Investment'"
>>> label_problem("Shuifu", "CountyLevelCity", "reference", rules)
"an administrative division's label ends with its type word 'City'"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg_build.vocab import Vocabulary

__all__ = ["LabelRules", "SMALL_WORDS", "label_form", "label_problem", "name_words"]


@dataclass(frozen=True)
class LabelRules:
    """What the ontology says about English labels, by class local name (subclasses included)."""

    forms: Mapping[str, str] = field(default_factory=dict)         # "name" | "description" (zt:labelForm)
    type_words: Mapping[str, str] = field(default_factory=dict)    # a division's type word (zt:labelTypeWord)
    proper_nouns: frozenset[str] = frozenset()                     # zt:labelProperNoun true

    @classmethod
    def of(cls, vocab: Vocabulary) -> LabelRules:
        zt = vocab.zt
        return cls(forms=vocab.class_annotation(zt.labelForm), type_words=vocab.class_annotation(zt.labelTypeWord),
                   proper_nouns=frozenset(c for c, v in vocab.class_annotation(zt.labelProperNoun).items()
                                          if v == "true"))


# Words in lower case inside a name (not as its first word, nor as the first word of a quotation).
SMALL_WORDS = frozenset("a an the of and or for in on at to with by from among as via".split())

_GLOSS = re.compile(r"\([^()]*\)")        # a parenthesised gloss is not part of the name
_OPENERS = "\"'“‘《(["


def label_form(cls: str, en_basis: str, rules: LabelRules) -> str | None:
    """``"name"``, ``"description"``, or ``None`` when the class allows either (the label shows which)."""
    form = rules.forms.get(cls)
    if form == "description" or en_basis == "constructed":
        return "description"
    return form


def _title_case_problem(label: str) -> str | None:
    words = _GLOSS.sub(" ", label).split()
    for i, word in enumerate(words):
        quoted = word[0] in _OPENERS
        core = word.lstrip(_OPENERS)
        if not core or not core[0].isalpha():
            continue  # a number (2024, 50) or punctuation
        bare = re.sub(r"\W+$", "", core)
        if bare.lower() in SMALL_WORDS and i > 0 and not quoted and not words[i - 1].endswith((":", "—")):
            if not bare.islower():
                return f"a small word inside a name is in lower case: {bare!r}"
        elif not core[0].isupper():
            return f"every word of a name but the small ones starts with a capital: {bare!r}"
    return None


def _description_problem(label: str, names: Iterable[str]) -> str | None:
    first = label.split()[0].lstrip(_OPENERS) if label.split() else ""
    bare = re.sub(r"\W+$", "", first)
    if not bare or not bare[0].isalpha() or bare[0].islower():
        return None
    if bare.isupper() and len(bare) > 1:  # an acronym: CPC, CNY
        return None
    if bare in names:
        return None
    return f"a description starts with a lower-case letter unless its first word is a proper noun: {bare!r}"


def _words(label: str) -> list[str]:
    """The words of a label outside glosses, without the punctuation around them."""
    bare = (re.sub(r"\W+$", "", w.lstrip(_OPENERS)) for w in _GLOSS.sub(" ", label).split())
    return [w for w in bare if w]


def name_words(labels: Iterable[tuple[str, str, str]], rules: LabelRules) -> frozenset[str]:
    """The words of the proper nouns (divisions', people's labels): (label, class, en_basis) triples."""
    words: set[str] = set()
    for label, cls, _basis in labels:
        if cls in rules.proper_nouns:
            words.update(re.sub(r"\W+$", "", w.lstrip(_OPENERS)) for w in label.split() if w.lstrip(_OPENERS)[:1].isupper())
    return frozenset(words)


def label_problem(label: str, cls: str, en_basis: str, rules: LabelRules,
                  names: Iterable[str] = ()) -> str | None:
    """What is wrong with an entity's English label under the convention, or ``None``.

    ``names`` are the words that may begin a description (proper nouns: :func:`name_words`).
    """
    if label != label.strip() or "  " in label or not label:
        return "a label has no leading, trailing or double spaces"
    type_word = rules.type_words.get(cls)
    if type_word and not label.endswith(" " + type_word):
        return f"an administrative division's label ends with its type word {type_word!r}"
    form = label_form(cls, en_basis, rules)
    if form == "name":
        return _title_case_problem(label)
    if form == "description":
        names = set(names)
        problem = _description_problem(label, names)
        if problem is None and _title_case_problem(label) is None:
            common = [w for w in _words(label) if w[0].isupper() and w not in names and not w.isupper()]
            if common:
                return f"a description is not in Title Case: {common[0]!r} is not a proper noun"
        return problem
    # either: a name in Title Case, or a description
    if _title_case_problem(label) is None or _description_problem(label, set(names)) is None:
        return None
    return ("neither a name in Title Case nor a description in lower case: "
            + (_description_problem(label, set(names)) or ""))
