"""Quantities: every number a sentence states, normalised, with its unit, qualifier and rounding.

A quantity is read over tokens as [QUALIFIER] [sign] [CURRENCY] number [SCALE] [UNIT] [range], every
word from the lexicon (quantities.toml): "1.0135 million mt", "58.19GW", "-$70/dmt to -$50/dmt",
"360,000-370,000 mt", "over 99%", "98.6 (10,000 mt)", "1.13m mt", "2.4 per cent", "±2-3%", "five
smelters", "a fifth". Everything downstream (frames, consistency checks) needs the same from each: a
signed value in a FACTS.md unit, how precisely it was written (its rounding step), and its span.

A number that is a year, a date, a list marker, a label ("No. 17") or a series name ("300-series") is no
quantity: `NotQuantity` says which, so a sentence of such numbers is reported as that, not as unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import NamedTuple

from smm_pipeline.lexicon import lexicon
from smm_pipeline.tagger import Tag, match
from smm_pipeline.tokens import Token, tokenize

SIDE_UNITS = {"day": "a number of days", "km": "a distance", "duration": "a duration", "kwh": "an energy amount",
              "usd": "a money amount", "yuan": "a money amount", "eur": "a money amount"}
"""Units no panel figure has: numbers in them are context, with this reason."""

_SIGNS = {"-": -1, "−": -1, "–": -1, "+": 1, "±": 0}
_RANGE_MARKS = frozenset({"-", "–", "~", "—"})
_LIST_END = frozenset({")", "."})


_WORD_NUMBER_TAGS = frozenset({"FRACTION", "NUMBER_WORD"})


class Quantity(NamedTuple):
    """One stated number in FACTS.md units.

    `resolution` is one step of the last written digit in those units ("29,100 mt" -> 100, "2.53%" ->
    0.01): it lets the consistency rules tell rounding from contradiction."""

    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    text: str
    resolution: float
    value_high: float | None = None
    word: bool = False
    signed: bool = False
    """Written with an explicit sign ("+3.2%", "-1.5%")."""
    bound: bool = False
    """Its qualifier is a position word ("below 5,000 mt", "above 1 million mt")."""
    from_below: bool = False
    """An approximation from below ("nearly 27,000 mt"): just under the figure."""
    first: int = 0
    last: int = 0
    """Token index range [first, last) in its sentence."""

    def negated(self) -> Quantity:
        """The same quantity with the sign flipped (decreases are negative in FACTS.md)."""
        high = None if self.value_high is None else -self.value_high
        return self._replace(value=-self.value, value_high=high)


@dataclass(frozen=True, slots=True)
class NotQuantity:
    """A number that is not a quantity, and what it is."""

    first: int
    last: int
    what: str


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def _resolution(num_text: str, scale: Decimal) -> float:
    """One step in the last written digit: '29,100' -> 100, '1.0135' million -> 100."""
    digits = num_text.replace(",", "")
    if "." in digits:
        step = Decimal(1).scaleb(-len(digits.split(".")[1]))
    else:
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped) if stripped else 0
        step = Decimal(10) ** zeros if zeros else Decimal(1)
    return float(step * scale)


class _Sentence:
    def __init__(self, tokens: list[Token], tags: list[Tag | None], taken: list[bool]) -> None:
        self.tokens, self.tags, self.taken = tokens, tags, taken
        self.n = len(tokens)

    def tag(self, i: int, *names: str) -> Tag | None:
        if 0 <= i < self.n and not self.taken[i]:
            tag = self.tags[i]
            if tag is not None and tag.start == i and tag.has(*names):
                return tag
        return None

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < self.n else ""


@dataclass(slots=True)
class _Number:
    """A number with its scale and unit, before qualifiers and ranges."""

    first: int
    last: int
    text: str
    value: Decimal
    scale: Decimal
    unit: str
    sign: int | None


def read(tokens: list[Token], tags: list[Tag | None], taken: list[bool]) -> tuple[list[Quantity], list[NotQuantity]]:
    """The quantities of a sentence and its numbers that are no quantity. `taken` marks tokens already
    read as something else (time expressions, series names); they are not read again."""
    s = _Sentence(tokens, tags, taken)
    quantities: list[Quantity] = []
    others: list[NotQuantity] = []
    i = 0
    while i < s.n:
        if taken[i]:
            i += 1
            continue
        token = tokens[i]
        if token.kind == "num":
            found = _quantity(s, i)
            if isinstance(found, NotQuantity):
                others.append(found)
                i = found.last
            else:
                quantities.append(found)
                i = found.last
            continue
        tag = tags[i]
        word = _word_quantity(s, i) if tag is not None and tag.start == i and not tag.names.isdisjoint(
            _WORD_NUMBER_TAGS) else None
        if word is not None:
            quantities.append(word)
            i = word.last
            continue
        i += 1
    return quantities, others


def _number(s: _Sentence, i: int) -> _Number:
    """The number at i with what follows it: scale, unit (or a per-unit after a currency)."""
    token = s.tokens[i]
    start = i
    sign, currency = None, ""
    j = i - 1
    before = s.tags[j] if j >= 0 else None
    if before is not None and before.end == i and s.tag(before.start, "CURRENCY") is not None:
        currency = before.sense("CURRENCY").get("value")  # "$", "US$", "USD "
        start = before.start
        j = start - 1
    if j >= 0 and s.tokens[j].text in _SIGNS and not s.taken[j] and not (
            s.tokens[j + 1].space) and (j == 0 or s.tokens[j].space or s.tokens[j - 1].text in "(["):
        sign = _SIGNS[s.tokens[j].text]
        start = j
    end = i + 1
    scale = Decimal(1)
    unit = currency
    scale_tag = s.tag(end, "SCALE")
    if scale_tag is not None:
        needs_unit = bool(scale_tag.sense("SCALE").get("needs_unit"))
        joins = s.norm(scale_tag.end) in lexicon().words("RANGE_JOIN") or s.norm(scale_tag.end) in _RANGE_MARKS
        continues = joins and scale_tag.end + 1 < s.n \
            and s.tokens[scale_tag.end + 1].kind == "num"  # "between 5.20m and 5.25m mt"
        if not needs_unit or s.tag(scale_tag.end, "UNIT") is not None or currency or continues:
            scale = Decimal(str(scale_tag.sense("SCALE").get("value")))
            end = scale_tag.end
    unit_tag = s.tag(end, "UNIT")
    if currency:
        per = s.tag(end, "PER_UNIT")
        if per is not None:
            denominator = per.sense("PER_UNIT").get("value")
            unit = f"{currency}/{denominator}" if denominator in ("mt", "dmt", "mtu") else currency
            end = per.end
    elif unit_tag is not None and not s.tokens[end].joined:
        sense = unit_tag.sense("UNIT")
        unit = sense.get("unit")
        scale *= Decimal(str(sense.get("scale")))
        end = unit_tag.end
    elif s.norm(end) == "(" and end + 1 < s.n and s.tokens[end + 1].norm in _bracket_scales() \
            and s.tag(end + 2, "UNIT") and s.norm(s.tags[end + 2].end) == ")":
        sense = s.tags[end + 2].sense("UNIT")
        unit = sense.get("unit")
        scale *= Decimal(str(_bracket_scales()[s.tokens[end + 1].norm])) * Decimal(str(sense.get("scale")))
        end = s.tags[end + 2].end + 1  # "98.6 (10,000 mt)"
    return _Number(start, end, token.text, _decimal(token.text), scale, unit, sign)


@cache
def _bracket_scales() -> dict[str, float]:
    """"10,000" -> 10000: numbers in brackets that give a figure's scale (quantities.toml)."""
    from smm_pipeline.lexicon import lexicon

    return {sense.phrase: sense.get("value") for sense in lexicon().senses("BRACKET_SCALE")}


def _quantity(s: _Sentence, i: int) -> Quantity | NotQuantity:
    number = _number(s, i)
    not_one = _not_a_quantity(s, i, number)
    if not_one:
        return NotQuantity(number.first, max(number.last, i + 1), not_one)
    qualifier, position, first = _qualifier_before(s, number.first)
    value = number.value * number.scale
    resolution = _resolution(number.text, number.scale)
    unit = number.unit
    high, last = _range_high(s, number, first)
    if high is not None:
        high_number = high
        between = first - 1
        if between >= 0 and s.tag(between, "RANGE") is not None:
            first = between  # "between 4% and 6%"
        if not unit or (unit == "yuan" and high_number.unit.startswith("yuan")):
            unit = high_number.unit
        if number.scale == 1 and high_number.scale != 1:  # "1.2-1.3 million mt": the scale is written once
            value = number.value * high_number.scale
            resolution = _resolution(number.text, high_number.scale)
        high_value = high_number.value * high_number.scale * (high_number.sign if high_number.sign else 1)
        low_value = value * (number.sign if number.sign else 1)
        if number.sign == 0:  # "±2-3%": from -3 to 3
            low_value, high_value = -high_value, high_value
        return Quantity(float(low_value), unit, "range", s.tokens[first].start, s.tokens[last - 1].end,
                        _text(s, number.first, last), resolution, float(high_value), signed=number.sign is not None,
                        first=first, last=last)
    if number.sign == 0:  # "±2%"
        return Quantity(float(-value), unit or "count", "range", s.tokens[first].start,
                        s.tokens[number.last - 1].end, _text(s, number.first, number.last), resolution,
                        float(value), signed=True, first=first, last=number.last)
    if number.sign == -1:
        value = -value
    return Quantity(float(value), unit or "count", qualifier, s.tokens[first].start, s.tokens[number.last - 1].end,
                    _text(s, number.first, number.last), resolution, signed=number.sign is not None,
                    bound=position == "position", from_below=position == "from_below", first=first,
                    last=number.last)


def _text(s: _Sentence, first: int, last: int) -> str:
    tokens = s.tokens[first:last]
    return "".join((" " if t.space and k else "") + t.text for k, t in enumerate(tokens))


def _qualifier_before(s: _Sentence, first: int) -> tuple[str, str, int]:
    """(qualifier class, its kind: "position" for a position word, "from_below" for "nearly", else "",
    first token of the quantity) from the words before it."""
    j = first - 1
    qualifier, position, start = "exact", "", first
    leads = lexicon().words("QUALIFIER_LEAD")
    while j >= 0:
        tag = s.tags[j]
        if tag is not None and not s.taken[j] and tag.has("QUALIFIER"):
            before = tag.start - 1
            if before >= 0 and (s.tokens[before].kind == "num" or (s.tags[before] is not None
                                                                    and s.tags[before].has("UNIT"))):
                break  # "600 mt short of the 29,500 mt expected": it compares the figures, it is no bound
            sense = tag.sense("QUALIFIER")
            if qualifier == "exact":
                qualifier = sense.get("qualifier")
                position = "position" if sense.get("position") else "from_below" if sense.get("from_below") else ""
            start = tag.start
            j = tag.start - 1
            continue
        if s.tokens[j].norm in leads and qualifier == "exact" and j == start - 1:
            j -= 1
            continue
        break
    return qualifier, position, start


def _range_high(s: _Sentence, low: _Number, first: int) -> tuple[_Number | None, int]:
    """The high end of "a-b unit", "a to b unit", "between a and b"; and the last token read."""
    j = low.last
    if j >= s.n:
        return None, low.last
    mark = s.tokens[j]
    openers = [s.tag(k, "RANGE") for k in range(max(0, first - 4), first)]
    between = any(tag is not None and tag.sense("RANGE").get("between") and tag.end >= first - 2 for tag in openers)
    ranged = any(tag is not None for tag in openers)
    joined_by_word = mark.norm in lexicon().words("RANGE_JOIN") and s.tag(j, "TO") is not None
    if mark.text in _RANGE_MARKS and j + 1 < s.n and (s.tokens[j + 1].kind == "num" or s.tag(j + 1, "CURRENCY")):
        k = j + 1
    elif mark.norm in lexicon().words("RANGE_JOIN") and j + 1 < s.n and (
            s.tokens[j + 1].kind == "num" or s.tag(j + 1, "CURRENCY") or s.tokens[j + 1].text in _SIGNS):
        k = j + 1
        if s.tokens[k].text in _SIGNS:
            k += 1
        if not joined_by_word and not between:
            return None, low.last  # "5% and 7%" are two figures unless "between" opened them
        if joined_by_word and not ranged:
            high = _number(s, k if s.tokens[k].kind == "num" else k + 1)
            if not (s.tag(high.last, "RANGE") is not None or (not low.unit and high.unit)):
                return None, low.last  # "from 5% to 7%" is a change, "5% to 7% range" a range
    else:
        return None, low.last
    if s.tokens[k].kind != "num" and s.tag(k, "CURRENCY") is not None:
        k = s.tags[k].end
    if k >= s.n or s.tokens[k].kind != "num":
        return None, low.last
    high = _number(s, k)
    if low.unit and high.unit and low.unit != high.unit and not (low.unit == "yuan" and high.unit.startswith("yuan")):
        return None, low.last
    if not low.unit and not high.unit:
        return None, low.last
    last = high.last
    if s.tag(last, "RANGE") is not None:
        last = s.tags[last].end
    return high, last


def _not_a_quantity(s: _Sentence, i: int, number: _Number) -> str:
    """Why the number at i is no quantity ("" when it is one)."""
    token = s.tokens[i]
    previous = s.tokens[i - 1] if i else None
    if previous is not None and not token.space and previous.kind == "word":
        return "a name or label"  # "pb60" is one word; "Q 2" is not written so
    label = s.tags[i - 1] if i else None
    if (label is not None and label.end == i and label.has("LABEL")) or (previous is not None and previous.norm == "#"):
        return "a label or number in a name"
    if number.unit or number.scale != 1:
        return ""
    if s.tag(number.last, "LABEL_AFTER") is not None:
        return "a label or number in a name"
    nxt = s.tokens[number.last] if number.last < s.n else None
    if nxt is not None and nxt.kind == "word" and not nxt.space:
        return "a name or label"  # "3C", "5G"
    if len(token.text) == 4 and token.text[:2] in ("19", "20") and "." not in token.text:
        return "a year"
    if nxt is not None and nxt.text in _LIST_END and (i == 0 or (previous is not None and previous.text in ":;(")):
        return "a list marker"
    if nxt is not None and nxt.text == ")" and not any(t.text == "(" for t in s.tokens[max(0, i - 3):i]):
        return "a list marker"
    return ""


def _word_quantity(s: _Sentence, i: int) -> Quantity | None:
    """A number written as a word: a count of producers ("five smelters"), a fraction ("a fifth"), "none of"."""
    fraction = s.tag(i, "FRACTION")
    if fraction is not None:
        qualifier, position, first = _qualifier_before(s, i)
        value = float(fraction.sense("FRACTION").get("value"))
        return Quantity(value, "%", qualifier, s.tokens[first].start, s.tokens[fraction.end - 1].end,
                        _text(s, i, fraction.end), 1.0, word=True, bound=position == "position",
                        from_below=position == "from_below", first=first, last=fraction.end)
    number = s.tag(i, "NUMBER_WORD")
    if number is None:
        return None
    j = number.end
    while j < s.n and j - number.end < 4 and s.tag(j, "PRODUCER") is None and s.tokens[j].kind == "word" \
            and not s.tag(j, "CHANGE", "VERB", "LEVEL", "AND", "TO"):
        j += 1
    none_of = number.sense("NUMBER_WORD").get("value") == 0 and s.tag(number.end, "OF") is not None
    comparative = s.tag(number.end, "COMPARATIVE")
    compared = comparative is not None and (  # "three more than in September", "two fewer than"
        s.tag(comparative.end, "COMPARE_WITH", "AT_TIME") is not None
        or s.norm(comparative.end - 1) in lexicon().words("COMPARE_WITH"))
    counted = s.tag(j, "PRODUCER") is not None or none_of or s.tag(number.end, "STATUS") is not None \
        or (s.tag(number.end, "LEVEL") is not None and s.tag(s.tags[number.end].end, "STATUS") is not None) \
        or compared
    # "none of the 24", "five halted production", "three more than in September"
    after_to = i > 0 and s.tags[i - 1] is not None and s.tags[i - 1].has("TO") and (
        number.end >= s.n or s.tokens[number.end].kind == "mark")
    if not (counted or after_to) or s.tokens[number.end - 1].joined:
        return None
    qualifier, position, first = _qualifier_before(s, i)
    value = float(number.sense("NUMBER_WORD").get("value"))
    return Quantity(value, "count", qualifier, s.tokens[first].start, s.tokens[number.end - 1].end,
                    _text(s, i, number.end), 1.0, word=True, from_below=position == "from_below", first=first,
                    last=number.end)


def lex(text: str) -> list[Quantity]:
    """The quantities of a piece of text (the consistency rules read a fact's value_text with this)."""
    tokens = tokenize(text)
    quantities, _ = read(tokens, match(tokens), [False] * len(tokens))
    return quantities
