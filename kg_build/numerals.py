"""The article's numerals: read "46亿元", "6.96万", "99%以上", "10.86个百分点", "万余" as numbers.

A figure's ``value`` is in base units and its ``as_stated`` is the article's words; this module
reads the words and says whether they agree with the value, the unit and the bound, and whether the
words stand in the quote. What it reads:

- digits with an optional decimal point and thousands separators (``1,234.5``), full-width digits
  (``３５６１``) and the full-width point and comma;
- the multipliers 百 (10^2), 千 (10^3), 万 (10^4) and 亿 (10^8) right after the digits, several in a
  row multiply (``1.2万亿``); a multiplier with no digits before it counts once (``万余`` = 10000);
  余 or 多 may stand between the number and 万/亿 (``200多亿`` = more than 2 × 10^10);
- ``%`` (or ``％``) for a percentage and ``个百分点`` (or ``百分点``) for percentage points;
- the bound words of :data:`BOUND_WORDS` (余, 多, 以上, 超, 近, ...): the value is the number as
  written and the bound says how it relates to the true amount.

>>> n = parse("46亿元")
>>> n.value, n.scale, n.percent, n.bound
(Decimal('4600000000'), '亿', None, 'exactly')
>>> int(parse("6.96万").value), int(parse("万余").value), parse("万余").bound
(69600, 10000, 'more-than')
>>> int(parse("200多亿元").value), parse("200多亿元").bound
(20000000000, 'more-than')
>>> parse("99%以上").percent, parse("99%以上").bound, parse("10.86个百分点").percent
('percent', 'at-least', 'pp')
>>> figure_problem(46000, "CNY", "46亿元", "exactly", "累计投入资金46亿元")
('value 46000 disagrees with as_stated 46亿元, which reads 4600000000', 'write value: 4600000000 (base units: 亿 = 10^8, 万 = 10^4)')
>>> figure_problem(3561, "persons", "3561人", "exactly", "累计补充教师3561人") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["BOUND_WORDS", "MULTIPLIERS", "Numeral", "NumeralError", "parse", "figure_problem", "in_quote"]

# Multipliers written right after the digits.
MULTIPLIERS: dict[str, int] = {"百": 10 ** 2, "千": 10 ** 3, "万": 10 ** 4, "亿": 10 ** 8}
# Words around a number that bound it, and the Bound code (ontology zt:Bound) each one means.
# 余/多/超/以外 (over, beyond): more than the number; 以上 (and above): at least; 近/约/左右: about.
BOUND_WORDS: dict[str, str] = {"以上": "at-least", "以外": "more-than", "左右": "about",
                               "余": "more-than", "多": "more-than", "超": "more-than",
                               "近": "about", "约": "about"}
PERCENT_SIGNS = ("%", "％")
POINTS = ("个百分点", "百分点")

_DIGITS = "0-9０-９"
_NUMBER = re.compile(
    rf"(?<![{_DIGITS}.．])"                                  # not the tail of a longer number
    rf"(?P<digits>[{_DIGITS}]+(?:[,，][{_DIGITS}]{{3}})*(?:[.．][{_DIGITS}]+)?)"
    rf"(?P<mult>[百千万亿]*)(?![{_DIGITS}])")
_BARE_MULTIPLIER = re.compile(r"^(?P<mult>[千万亿]+)")        # 万余, 千余 with no digits before
_BOUND_THEN_MULTIPLIER = re.compile(r"(?P<word>[余多])(?P<mult>[万亿]+)")  # 200多亿, 3余万


class NumeralError(ValueError):
    """The words hold no number, or more than one."""


@dataclass(frozen=True)
class Numeral:
    """A number as the article writes it, read."""

    text: str            # the words it was read from
    value: Decimal       # in base units (multipliers applied)
    written: Decimal     # the number as written, before its multiplier (6.96 of 6.96万; 1 of a bare 万)
    scale: str           # "exactly" (no multiplier) or the multiplier characters, e.g. "亿"
    percent: str | None  # "percent" for %, "pp" for 个百分点, else None
    bound: str           # a Bound code: exactly, more-than, at-least, about
    start: int           # where the digits (or bare multiplier) start in ``text``
    end: int             # where the number and its multiplier end


def _ascii(digits: str) -> str:
    return unicodedata.normalize("NFKC", digits).replace(",", "")


def parse(text: str) -> Numeral:
    """Read the one number in ``text`` (an ``as_stated``); raises :class:`NumeralError`."""
    matches = list(_NUMBER.finditer(text))
    if len(matches) > 1:
        raise NumeralError(f"holds {len(matches)} numbers ({', '.join(m.group(0) for m in matches)})")
    if matches:
        m = matches[0]
        digits, mult = m.group("digits"), m.group("mult")
        start, end = m.start(), m.end()
        # 百分点 (percentage point): its 百 is a word, not a multiplier.
        if mult.endswith("百") and text.startswith("分点", end):
            mult, end = mult[:-1], end - 1
    else:
        bare = _BARE_MULTIPLIER.match(text)
        if not bare:
            raise NumeralError("holds no number")
        digits, mult, start, end = "1", bare.group("mult"), 0, bare.end()
    try:
        written = value = Decimal(_ascii(digits))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise NumeralError(f"cannot read {digits!r}") from None
    rest = text[:start] + " " + text[end:]
    tail = _BOUND_THEN_MULTIPLIER.match(text, end)  # 200多亿: the bound word between number and multiplier
    if tail:
        mult += tail.group("mult")
        rest = text[:start] + " " + tail.group("word") + " " + text[tail.end():]
        end = tail.end()
    for ch in mult:
        value *= MULTIPLIERS[ch]
    percent = "pp" if any(p in text[end:] for p in POINTS) else \
        "percent" if any(p in text[end:] for p in PERCENT_SIGNS) else None
    bounds = {code for word, code in BOUND_WORDS.items() if word in rest}
    if len(bounds) > 1:
        raise NumeralError(f"has bound words that disagree ({', '.join(sorted(bounds))})")
    return Numeral(text, value, written, mult or "exactly", percent, bounds.pop() if bounds else "exactly",
                   start, end)


def in_quote(as_stated: str, quote: str) -> bool:
    """Whether ``as_stated`` stands in ``quote`` as a whole number (not the tail of a longer one).

    A list that shares its unit counts: ``10.86个百分点`` stands in ``提升10.86、11.67个百分点``.

    >>> in_quote("3561人", "累计补充教师3561人"), in_quote("561人", "累计补充教师3561人")
    (True, False)
    >>> in_quote("10.86个百分点", "分别提升10.86、11.67个百分点")
    True
    """
    starts_with_digit = bool(_NUMBER.match(as_stated))
    for m in re.finditer(re.escape(as_stated), quote):
        before = quote[m.start() - 1] if m.start() else ""
        after = quote[m.end()] if m.end() < len(quote) else ""
        if starts_with_digit and before and re.match(rf"[{_DIGITS}.．,，]", before):
            continue
        if after and re.match(rf"[{_DIGITS}]", after) and re.search(rf"[{_DIGITS}]$", as_stated):
            continue
        return True
    try:
        n = parse(as_stated)
    except NumeralError:
        return False
    number, unit = as_stated[:n.end], as_stated[n.end:]
    if not unit or n.start != 0:
        return False
    shared = re.compile(rf"(?<![{_DIGITS}.．]){re.escape(number)}"
                        rf"(?:[、和及与][{_DIGITS}][{_DIGITS}.．,，]*[百千万亿]*)+{re.escape(unit)}")
    return bool(shared.search(quote))


def figure_problem(value: int | Decimal, unit: str, as_stated: str, bound: str | None,
                   quote: str | None) -> tuple[str, str] | None:
    """Why a stated figure's words and fields disagree, as (problem, fix); None when they agree.

    ``value`` must be the number of ``as_stated`` in base units, ``unit`` must be ``percent`` for a
    % and ``pp`` for 个百分点, ``bound`` must be what the bound words say (``exactly`` when there are
    none), and ``as_stated`` must stand in ``quote``.
    """
    try:
        n = parse(as_stated)
    except NumeralError as exc:
        return (f"as_stated {as_stated!r} {exc}",
                "write in as_stated the article's words for this one number, e.g. 46亿元")
    if (Decimal(str(value)) if isinstance(value, float) else Decimal(value)) != n.value:
        shown = format(n.value.normalize(), "f")
        return (f"value {value} disagrees with as_stated {as_stated}, which reads {shown}",
                f"write value: {shown} (base units: 亿 = 10^8, 万 = 10^4)")
    if n.percent == "percent" and unit != "percent":
        return f"as_stated {as_stated} is a percentage but unit is {unit!r}", "write unit: percent"
    if n.percent == "pp" and unit != "pp":
        return f"as_stated {as_stated} is in percentage points but unit is {unit!r}", "write unit: pp"
    if unit in ("percent", "pp") and n.percent != unit:
        sign = "%" if unit == "percent" else "个百分点"
        return (f"unit is {unit!r} but as_stated {as_stated} has no {sign}",
                f"quote the {sign} in as_stated, or correct the unit")
    said = bound or "exactly"
    if said != n.bound:
        words = "none" if n.bound == "exactly" else \
            "/".join(w for w, c in BOUND_WORDS.items() if c == n.bound and w in as_stated)
        return (f"bound is {said} but as_stated {as_stated} says {n.bound} (bound words: {words})",
                f"write bound: {n.bound}")
    if quote is not None and not in_quote(as_stated, quote):
        return (f"as_stated {as_stated} is not in the quote",
                "copy as_stated from the quote (the same number, with its unit), or quote the words that hold it")
    return None
