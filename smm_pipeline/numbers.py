"""Quantity lexer: every number a report states, normalised, with its unit, qualifier and rounding.

The reports write numbers in many shapes ("1.0135 million mt", "58.19GW", "-$70/dmt to -$50/dmt",
"360,000-370,000 mt", "over 99%", "five smelters"). Everything downstream (grammar, consistency
checks) needs the same thing from each of them: a signed value in a canonical unit, how precisely it
was written (the rounding interval), and where in the text it sits. This module is that single place.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

WORD_NUMBERS = {
    "none": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}
"""Spelled-out numbers are only read as quantities when they count producers (see COUNTED_NOUNS)."""

COUNTED_NOUNS = (
    r"(?:(?:[\w-]+\s){0,4}?)(?:smelters?|producers?|plants?|enterprises?|manufacturers?|refineries|"
    r"refinery|mines?|companies|company|factories|factory|kilns?|lines?|respondents?)"
)

QUALIFIER_WORDS: dict[str, str] = {
    "approximately": "approx", "approx.": "approx", "around": "approx", "about": "approx",
    "nearly": "approx", "roughly": "approx", "close to": "approx", "almost": "approx",
    "some": "approx", "an estimated": "approx", "estimated": "approx", "circa": "approx",
    "over": "over", "more than": "over", "exceeded": "over", "exceeding": "over", "exceeds": "over",
    "exceed": "over", "above": "over", "at least": "over", "upwards of": "over", "as high as over": "over",
    "surpassed": "over", "topped": "over", "in excess of": "over", "beyond": "over",
    "below": "under", "less than": "under", "under": "under", "fewer than": "under", "at most": "under",
    "short of": "under", "within": "under",
}
"""Words before a number that say it is not exact; FACTS.md names the four classes."""

_QUALIFIER_RE = re.compile(
    r"(?:\b(?:" + "|".join(sorted((re.escape(k) for k in QUALIFIER_WORDS), key=len, reverse=True))
    + r")\b)(?:\s+(?:the|a|an|only|just|still|even|slightly|over|by))*\s*$",
    re.IGNORECASE,
)

_SCALE = {"million": Decimal(1_000_000), "mn": Decimal(1_000_000), "mln": Decimal(1_000_000),
          "billion": Decimal(1_000_000_000),
          "thousand": Decimal(1000), "10,000": Decimal(10_000)}

# Unit spellings after the number, longest first; value: (canonical unit, scale factor).
_UNITS: list[tuple[str, str, Decimal]] = [
    (r"percentage\s+points?", "pp", Decimal(1)),
    (r"pct\s+pts?|ppts?|pp\b", "pp", Decimal(1)),
    (r"million\s+(?:mt|tonnes|tons|t)\s*(?:/\s*year|/\s*yr|per\s+year|per\s+annum|a\s+year|annually)",
     "mt/year", Decimal(1_000_000)),
    (r"(?:mt|tonnes|tons|t)\s*(?:/\s*year|/\s*yr|per\s+year|per\s+annum|a\s+year)", "mt/year", Decimal(1)),
    (r"mtpa|mtpy", "mt/year", Decimal(1)),
    (r"million\s+(?:mt|tonnes|tons|metric\s+tons)\b", "mt", Decimal(1_000_000)),
    (r"(?:mn|mln)\s+(?:mt|tonnes|tons|t)\b", "mt", Decimal(1_000_000)),
    (r"(?-i:Mt)\b", "mt", Decimal(1_000_000)),
    (r"(?:thousand\s+(?:mt|tonnes|tons)|kt)\b", "mt", Decimal(1000)),
    (r"(?:mt|tonnes|tons|metric\s+tons|t)\b", "mt", Decimal(1)),
    (r"yuan\s*/\s*mtu", "yuan/mtu", Decimal(1)),
    (r"yuan\s*/\s*(?:mt|t|tonne|ton)\b", "yuan/mt", Decimal(1)),
    (r"yuan\b", "yuan", Decimal(1)),
    (r"GW\b", "GW", Decimal(1)),
    (r"MW\b", "GW", Decimal("0.001")),
    (r"(?:million\s+)?(?:sqm|square\s+met(?:er|re)s?|m2|m²)", "sqm", Decimal(1)),
    (r"%", "%", Decimal(1)),
    (r"-?days?\b", "day", Decimal(1)),
    (r"(?:kilometers|kilometres|km)\b", "km", Decimal(1)),
    (r"-?(?:years?|months?|weeks?)\b", "duration", Decimal(1)),
]
_UNIT_RE = re.compile(r"\s*(?:" + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(_UNITS))
                      + ")", re.IGNORECASE)
"""All unit spellings in one alternation; the first that matches wins, as in the table's order."""

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_RE = re.compile(
    r"(?P<sign>[-−–](?=\$?\d))?(?P<dollar>\$|US\$|USD\s?)?(?P<num>" + _NUMBER + r")"
    r"(?:\s*(?P<scale>million|mn|mln|billion|thousand)\b)?"
)
_SLASH_UNIT = re.compile(r"\s*/\s*(?P<per>dmt|mt|t|tonne|wmt|mtu|lb|kg)\b", re.IGNORECASE)
_CHANGED_BEFORE = re.compile(r"\b(?:increas|decreas|ris|rose|fell|fall|drop|declin|grow|grew|climb|add|cut|shed|gain|"
                             r"lost|los|jump|slid|dip)\w*\s+$", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|~|to)\s*", re.IGNORECASE)
_WORD_RE = re.compile(
    r"\b(?P<word>" + "|".join(w for w in WORD_NUMBERS if w not in {"none", "no"}) + r")\s+(?="
    + COUNTED_NOUNS + r"\b)", re.IGNORECASE)
_HALF_RE = re.compile(r"\b(?P<word>half)\b(?=\s+(?:of\s+)?(?:the\s+)?" + COUNTED_NOUNS + ")",
                      re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_WORD_HINT = re.compile(r"\b(?:" + "|".join(WORD_NUMBERS) + r"|half)\b")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE_BEFORE = re.compile(r"\b(?:" + _MONTHS + r")\.?\s*(?:\d{1,2}(?:st|nd|rd|th)?\s*(?:,|and|to|-|–)\s*)*$",
                          re.IGNORECASE)
_LABEL_BEFORE = re.compile(r"\b(?:No|Nos|Phase|Line|Unit|Article)\.?\s*$", re.IGNORECASE)
_LABEL_AFTER = re.compile(r"\s*(?:-|–)?\s*series\b|-(?=\s*(?:,|and\b|or\b))|\s*contract\b", re.IGNORECASE)
_LIST_MARKER_AFTER = re.compile(r"\)|\.\s+[A-Z]|\s*(?:st|nd|rd|th)\b")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")


class Quantity(NamedTuple):
    """One stated number, normalised to FACTS.md units.

    `resolution` is the size of one unit in the last written digit, in normalised units: it is what
    lets the consistency rules tell rounding from contradiction ("29,100 mt" -> 100, "2.53%" -> 0.01).
    """

    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    text: str
    resolution: float
    value_high: float | None = None
    word: bool = False

    def interval(self) -> tuple[float, float]:
        """The values the written figure could stand for (FACTS.md qualifiers widen it)."""
        half = self.resolution / 2
        low, high = self.value - half, (self.value_high if self.value_high is not None else self.value) + half
        if self.qualifier == "over":
            return self.value, float("inf")
        if self.qualifier == "under":
            return float("-inf"), self.value
        if self.qualifier == "approx":
            spread = max(half * 2, abs(self.value) * 0.05)
            return self.value - spread, self.value + spread
        return low, high

    def negated(self) -> Quantity:
        """The same quantity with the sign flipped (decreases are negative in FACTS.md)."""
        high = None if self.value_high is None else -self.value_high
        return self._replace(value=-self.value, value_high=high)


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _resolution(num_text: str, scale: Decimal) -> float:
    """The value of one step in the last written digit: '29,100' -> 100, '1.0135' million -> 100."""
    digits = num_text.replace(",", "")
    if "." in digits:
        step = Decimal(1).scaleb(-len(digits.split(".")[1]))
    else:
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped) if stripped else 0
        step = Decimal(10) ** zeros if zeros else Decimal(1)
    return float(step * scale)


def _read_unit(text: str, pos: int, dollar: bool) -> tuple[str, Decimal, int]:
    """Unit after a number at `pos`: canonical unit, scale, and where the unit ends."""
    if dollar:
        per = _SLASH_UNIT.match(text, pos)
        if per:
            unit = "usd/dmt" if per.group("per").lower() == "dmt" else "usd/mt"
            return unit, Decimal(1), per.end()
        return "usd", Decimal(1), pos
    match = _UNIT_RE.match(text, pos)
    if match and match.lastgroup:
        _, unit, scale = _UNITS[int(match.lastgroup[1:])]
        return unit, scale, match.end()
    return "", Decimal(1), pos


def _qualifier_before(text: str, start: int) -> tuple[str, int]:
    """The qualifier class of the words just before a number, and where those words begin."""
    window_start = max(0, start - 40)
    match = _QUALIFIER_RE.search(text[window_start:start])
    if not match:
        return "exact", start
    word = re.match(r"[a-z. ]+?(?=\s+(?:the|a|an|only|just|still|even|slightly|over|by)\b|\s*$)",
                    match.group(0).lower().strip())
    key = " ".join((word.group(0) if word else match.group(0)).split())
    if key not in QUALIFIER_WORDS:
        key = next((k for k in sorted(QUALIFIER_WORDS, key=len, reverse=True)
                    if re.search(r"\b" + re.escape(k) + r"\b", match.group(0).lower())), "")
    return QUALIFIER_WORDS.get(key, "exact"), window_start + match.start()


def _is_not_a_quantity(text: str, m: re.Match[str], unit: str) -> bool:
    """Years, dates, list markers, model names and series labels are numbers but not quantities."""
    start, end = m.start(), m.end()
    before = text[max(0, start - 1):start]
    if before.isalpha() or before in {"#", "."} or _LABEL_BEFORE.search(text, max(0, start - 8), start):
        return True  # pb60, Co3O4, H1, Q3, "No.17", "No. 17"
    if _LABEL_AFTER.match(text, end):
        return True  # "200-series", "the 200-, 300- and 400-series", "2509 contract"
    if unit:
        return False
    return bool(text[end:end + 1].isalpha() or _YEAR_RE.match(m.group("num"))
                or _DATE_BEFORE.search(text, max(0, start - 24), start)  # "June 27", "On July 23 and 25"
                or _LIST_MARKER_AFTER.match(text, end)  # "1)", "2. The", ordinals
                or (not text[:start].strip(" (") and text[end:end + 1] in {".", ")"}))  # a line "2."


def lex(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with spans relative to `text`."""
    found: list[Quantity] = []
    pos = 0
    while digit := _DIGIT.search(text, pos):
        m = _NUM_RE.search(text, max(pos, digit.start() - 4))  # a sign or "US$" can precede the digit
        if not m:
            break
        quantity, pos = _read_quantity(text, m)
        if quantity is not None:
            found.append(quantity)
    if _WORD_HINT.search(text.lower()):
        found.extend(_word_quantities(text))
        found.sort(key=lambda q: q.start)
    return found


def _read_quantity(text: str, m: re.Match[str]) -> tuple[Quantity | None, int]:
    dollar = bool(m.group("dollar"))
    scale = _SCALE.get((m.group("scale") or "").lower(), Decimal(1))
    unit, unit_scale, unit_end = _read_unit(text, m.end(), dollar)
    if m.group("scale") and unit == "" and not dollar:
        unit = "count"
    if _is_not_a_quantity(text, m, unit):
        return None, m.end()
    value = _decimal(m.group("num")) * scale * unit_scale
    if m.group("sign"):
        value = -value
    resolution = _resolution(m.group("num"), scale * unit_scale)
    qualifier, _ = _qualifier_before(text, m.start())
    high, end = _range_high(text, m, unit_end, unit, dollar, scale * unit_scale)
    if high is not None:
        # "360,000-370,000 mt": the first number takes the unit of the second.
        value, qualifier = _decimal(m.group("num")) * high[1] * (-1 if m.group("sign") else 1), "range"
        unit = high[2]
        resolution = _resolution(m.group("num"), high[1])
    elif unit == "" and not m.group("scale"):
        unit = "count"
    span_text = text[m.start():end]
    q = Quantity(value=float(value), unit=unit, qualifier=qualifier, start=m.start(), end=end,
                 text=span_text, resolution=resolution,
                 value_high=float(high[0]) if high is not None else None)
    return q, end


def _range_high(text: str, m: re.Match[str], unit_end: int, unit: str, dollar: bool,
                first_scale: Decimal) -> tuple[tuple[Decimal, Decimal, str] | None, int]:
    """The high end of "a-b unit" or "a unit to b unit", if the number opens a range."""
    sep = _RANGE_SEP.match(text, unit_end if unit not in {"", "count"} else m.end())
    if not sep:
        return None, unit_end
    second = _NUM_RE.match(text, sep.end())
    if not second:
        return None, unit_end
    if sep.group(0).strip().lower() == "to" and (_CHANGED_BEFORE.search(text, max(0, m.start() - 20), m.start()) or (
            not unit and not re.match(r"\s*(?:yuan|mt|%|\$)", text[second.end():second.end() + 6]))):
        return None, unit_end  # "decrease 64,000 mt to 547,200 mt" is a change and a level
    scale2 = _SCALE.get((second.group("scale") or "").lower(), Decimal(1))
    unit2, unit_scale2, end2 = _read_unit(text, second.end(), bool(second.group("dollar")) or dollar)
    if not unit2 and unit in {"", "count"}:
        return None, unit_end
    if unit and unit2 and unit != unit2 and not (unit == "yuan" and unit2.startswith("yuan/")):
        return None, unit_end
    final_unit = unit2 or unit
    scale_for_first = (scale2 * unit_scale2) if not m.group("scale") and unit in {"", "yuan"} else (
        first_scale if unit else scale2 * unit_scale2)
    high = _decimal(second.group("num")) * scale2 * unit_scale2
    if second.group("sign"):
        high = -high
    return (high, scale_for_first, final_unit), end2


def _word_quantities(text: str) -> list[Quantity]:
    """Spelled-out counts ("five smelters", "none of the 24 producers", "more than half of ...")."""
    out: list[Quantity] = []
    for m in _WORD_RE.finditer(text):
        word = m.group("word").lower()
        qualifier, _ = _qualifier_before(text, m.start())
        out.append(Quantity(value=float(WORD_NUMBERS[word]), unit="count", qualifier=qualifier,
                            start=m.start(), end=m.end("word"), text=m.group("word"), resolution=1.0,
                            word=True))
    for m in re.finditer(r"\bnone\b(?=\s+of\b)", text, re.IGNORECASE):
        out.append(Quantity(value=0.0, unit="count", qualifier="exact", start=m.start(), end=m.end(),
                            text=m.group(0), resolution=1.0, word=True))
    for m in re.finditer(r"\b(?P<word>one|two|three|four|five|six|seven|eight|nine|ten)\b(?=[.,;]|$)",
                         text, re.IGNORECASE):
        if re.search(r"\b(?:to|reach(?:ed|es)?|increases? to|totall?ed)\s+$", text[max(0, m.start() - 20):m.start()]):
            out.append(Quantity(value=float(WORD_NUMBERS[m.group("word").lower()]), unit="count",
                                qualifier="exact", start=m.start(), end=m.end(), text=m.group(0),
                                resolution=1.0, word=True))
    for m in _HALF_RE.finditer(text):
        qualifier, _ = _qualifier_before(text, m.start())
        out.append(Quantity(value=50.0, unit="%", qualifier=qualifier, start=m.start(), end=m.end(),
                            text=m.group(0), resolution=1.0, word=True))
    return out
