"""Months as the reports write them, and the `YYYY-MM` keys the panel uses.

A report names months without years ("in June", "Jan-Aug", "H1", "the first nine months of 2021");
which year is meant follows from the report's own month: the nearest such month to it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from smm_pipeline.vocabulary import compile_lowered, lowered

_NAMES = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
MONTHS = "|".join(sorted(_NAMES, key=len, reverse=True))
"""Regex alternation of month names and abbreviations, longest first."""

_ORDINALS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8,
             "9": 9, "10": 10, "11": 11, "12": 12}

# All matched on lowered text (vocabulary.lowered): these run over every sentence of a report.
_MONTH_RE = re.compile(
    r"(?P<month>J(?i:anuary|une|uly|an|un|ul)|F(?i:ebruary|eb)|M(?i:arch|ar|ay)|A(?i:ugust|pril|pr|ug)|"
    r"S(?i:eptember|ept|ep)|O(?i:ctober|ct)|N(?i:ovember|ov)|D(?i:ecember|ec))\b\.?(?:\s*(?P<year>(?:19|20)\d\d))?")
"""A month name with its capital ("may", "march" the verbs are not months). Each alternative starts with
its capital letter, so the regex engine skips straight to the few capitals of a sentence."""
_RANGE_RE = compile_lowered(
    r"\b(?:from\s+)?(?P<first>" + MONTHS + r")\.?\s*(?:-|–|to|through|-to-|–to–)\s*(?P<last>" + MONTHS
    + r")\b\.?(?:,?\s*(?P<year>(?:19|20)\d\d))?")
_FIRST_N_RE = compile_lowered(
    r"\b(?:in\s+)?the\s+first\s+(?P<n>" + "|".join(_ORDINALS) + r")\s+(?P<unit>months|quarters)"
    r"(?:\s+of\s+(?P<year>(?:19|20)\d\d))?")
_HALF_RE = compile_lowered(
    r"\b(?:H(?P<h>[12])|(?P<which>first|second)\s+half)(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?")
_QUARTER_RE = compile_lowered(
    r"\b(?:Q1\s*(?:-|–|to|through)\s*)?Q(?P<q>[1-4])(?:\s*(?P<year>(?:19|20)\d\d))?\b")
_THROUGH_RE = compile_lowered(r"\b(?:through|up\s+to|as\s+of\s+the\s+end\s+of)\s+(?P<last>" + MONTHS + r")\b")
_PART_OF_YEAR_RE = compile_lowered(
    r"\b(?<!-)(?:Q[2-4]|H2|(?:the\s+)?(?:second|third|fourth|last)[-\s]+quarter|(?:the\s+)?second[-\s]+half)\b(?!\s*-)")
_SHORT_NAMES = frozenset({"mar", "sep", "dec", "jan", "feb", "apr", "jun", "jul", "aug", "oct", "nov"})
_MAY_VERB = re.compile(r"\s+(?:[a-z]+ly\s+)?(?:be|have|still|also|not|further|remain|continue|see|decline|"
                       r"increase|rise|fall|drop|show|reach|grow|maintain|face|pull|rebound|edge|"
                       r"slip|record|hit|come|stay|keep|exceed)\b")


def month_number(name: str) -> int:
    """1-12 for a month name or abbreviation."""
    return _NAMES[name.lower().rstrip(".")]


def month_key(name: str, year: int) -> str:
    """'2025-07' for ('July', 2025)."""
    return f"{year:04d}-{month_number(name):02d}"


def shift_month(key: str, months: int) -> str:
    """The month `months` after `key` (negative goes back)."""
    year, month = int(key[:4]), int(key[5:7])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months `last` is after `first`."""
    return (int(last[:4]) * 12 + int(last[5:7])) - (int(first[:4]) * 12 + int(first[5:7]))


def nearest(month: int, around: str, year: int | None = None) -> str:
    """The key of calendar month `month` nearest to `around` (or in `year` when it is stated)."""
    if year is None:
        year, difference = int(around[:4]), month - int(around[5:7])
        if difference >= 6:  # "June" in a January report is last June (a tie goes to the past)
            year -= 1
        elif difference < -6:  # "January" in a December report is next January
            year += 1
    return f"{year:04d}-{month:02d}"


def latest_before(month: int, before: str) -> str:
    """The key of the latest calendar month `month` strictly before `before` ("last February")."""
    year = int(before[:4])
    key = f"{year:04d}-{month:02d}"
    return key if key < before else f"{year - 1:04d}-{month:02d}"


class MonthMention(NamedTuple):
    """A month named in the text: the month it means and where it is."""

    key: str
    start: int
    end: int


class YtdRange(NamedTuple):
    """A year-to-date range ("from January to July", "Jan-Aug", "H1", "first nine months")."""

    last: str
    start: int
    end: int
    implies_ytd: bool = True
    """False for "through July", which only bounds a range that another word makes year-to-date."""


def _is_may_verb(text: str, start: int) -> bool:
    """'may' as a verb ("production may decline") rather than the month."""
    return bool(_MAY_VERB.match(text, start + 3, start + 20)) or text[start:start + 3] == "may"


def months_in(text: str, around: str) -> list[MonthMention]:
    """Every month named in `text`, resolved to a key near the report month `around`.

    Only capitalised names count ("may" the verb, "march" the verb are not months), and an
    abbreviation must end its word ("Mar" but not "Marked")."""
    found = []
    for m in _MONTH_RE.finditer(text):
        name = m.group("month").lower()
        if (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")) or (
                name == "may" and _is_may_verb(text, m.start())):
            continue
        if name in _SHORT_NAMES and m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] == "_"):
            continue
        year = int(m.group("year")) if m.group("year") else None
        found.append(MonthMention(nearest(month_number(name), around, year), m.start(), m.end()))
    return found


def parts_of_year(text: str) -> list[tuple[int, int]]:
    """Spans naming a quarter or half-year that is not year-to-date ("Q3", "the second half"): a figure
    for one of these is not a monthly panel figure."""
    low = lowered(text)
    if not any(word in low for word in ("q2", "q3", "q4", "h2", "quarter", "half")):
        return []
    return [m.span() for m in _PART_OF_YEAR_RE.finditer(low)]


def _year(m: re.Match[str]) -> int | None:
    return int(m.group("year")) if m.group("year") else None


def ytd_ranges(text: str, around: str) -> list[YtdRange]:
    """Year-to-date ranges in `text`, each with the last month it covers: "January-July", "Jan-Aug",
    "the first nine months", "the first three quarters", "H1", "Q1", "Q1-Q3" (a range must start in
    January to be year-to-date)."""
    low = lowered(text)
    found: list[YtdRange] = []
    # Each pattern needs a word the sentence rarely has; testing for it first skips most scans.
    if "jan" in low:
        for m in _RANGE_RE.finditer(low):
            if month_number(m.group("first")) == 1:
                found.append(YtdRange(nearest(month_number(m.group("last")), around, _year(m)), m.start(), m.end()))
    if "first" in low:
        for m in _FIRST_N_RE.finditer(low):
            months = _ORDINALS[m.group("n")] * (3 if m.group("unit") == "quarters" else 1)
            if months <= 12:
                found.append(YtdRange(nearest(months, around, _year(m)), m.start(), m.end()))
    if "h1" in low or "first" in low:
        found.extend(YtdRange(nearest(6, around, _year(m)), m.start(), m.end()) for m in _HALF_RE.finditer(low)
                     if m.group("h") == "1" or m.group("which") == "first")
    if "q1" in low:
        found.extend(YtdRange(nearest(3 * int(m.group("q")), around, _year(m)), m.start(), m.end())
                     for m in _QUARTER_RE.finditer(low) if m.group("q") == "1" or m.group(0).startswith("q1"))
    if "through" in low or "up to" in low or "end of" in low:
        found.extend(YtdRange(nearest(month_number(m.group("last")), around), m.start(), m.end(), implies_ytd=False)
                     for m in _THROUGH_RE.finditer(low))
    return sorted(found, key=lambda r: r.start)
