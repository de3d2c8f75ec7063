"""Time expressions: every way a sentence names a month, a span or a point relative to a month,
normalised before anything else reads the sentence (SUTime's idea, over our own tokens).

- a month: "July", "July 2025", "mid-July", "July 25", "June's", "the end of July", "July-end";
- a point relative to a month: "the previous month", "a year earlier", "the same period last year";
- a year-to-date span, named by its last month: "January-July", "Jan-Jul", "the first seven months",
  "seven-month", "first-half", "H1", "Q1", "the year so far", "for 2023 as a whole";
- a part of a year that is neither ("Q3", "the second half") or a bare year ("in 2024");
- a pair "from July to August": a comparison point and the month compared.

A month without a year is the one nearest the report month (periods.nearest). Relative points keep
their offset: they are read against the figure's own period when it is compared with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from smm_pipeline.lexicon import lexicon
from smm_pipeline.periods import nearest, shift_month
from smm_pipeline.tagger import Tag
from smm_pipeline.tokens import Token


@dataclass(frozen=True, slots=True)
class When:
    """What a time expression means."""

    kind: str
    """month | relative | span | part | year | pair"""
    month: str = ""
    """YYYY-MM: the month itself, the last month of a span, the second month of a pair."""
    offset: int = 0
    """For a relative point: months from the month it is read against."""
    date_offset: int | None = None
    """For a relative point that dates a figure: months from the report month, where that differs from
    `offset` ("last month" in a report is the month it covers)."""
    cumulative: bool = False
    """A relative point that compares spans ("the same period last year")."""
    base: str = ""
    """For a pair: the first month ("from July to August": July)."""
    dated: bool = False
    """A day of a month was named ("July 25")."""
    open_end: bool = False
    """A year-to-date span whose end is the figure's period ("year to date", "cumulative")."""


@dataclass(frozen=True, slots=True)
class TimeChunk:
    """A time expression over tokens [start, end)."""

    start: int
    end: int
    when: When


def _is_year(token: Token) -> bool:
    return token.kind == "num" and len(token.text) == 4 and token.text.isdigit() and token.text[:2] in ("19", "20")


def _is_day(r: _Reader, i: int) -> bool:
    """A day of the month, not a figure: one or two digits with no unit or scale after them."""
    if i >= r.n or r.tokens[i].kind != "num" or not r.tokens[i].text.isdigit() or len(r.tokens[i].text) > 2:
        return False
    return r.tags[i + 1] is None if i + 1 < r.n else True


def _sense_value(tag: Tag | None, name: str) -> int | None:
    if tag is None:
        return None
    sense = tag.sense(name)
    return None if sense is None else int(sense.get("value"))


class _Reader:
    """A cursor over one sentence's tokens and tags."""

    def __init__(self, tokens: list[Token], tags: list[Tag | None], report_month: str) -> None:
        self.tokens, self.tags, self.report = tokens, tags, report_month
        self.n = len(tokens)

    def tag(self, i: int, *names: str) -> Tag | None:
        if 0 <= i < self.n and self.tags[i] is not None and self.tags[i].start == i and self.tags[i].has(*names):
            return self.tags[i]
        return None

    def month_at(self, i: int) -> int | None:
        return _sense_value(self.tag(i, "MONTH"), "MONTH")

    def year_at(self, i: int) -> int | None:
        if 0 <= i < self.n and _is_year(self.tokens[i]):
            return int(self.tokens[i].text)
        return None

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < self.n else ""

    def after_year(self, i: int) -> tuple[int | None, int]:
        """A year at i, or after "of"/"in"/"for"/"," at i: (year, index after it)."""
        year = self.year_at(i)
        if year is not None:
            return year, i + 1
        if (self.norm(i) == "," or self.tag(i, "OF", "AT_TIME")) and self.year_at(i + 1) is not None:
            return self.year_at(i + 1), i + 2
        return None, i

    def word(self, i: int, tag: str) -> bool:
        """Whether token i is one of the lexicon's words of `tag`."""
        return self.norm(i) in lexicon().words(tag)

    def resolve(self, month: int, year: int | None) -> str:
        return nearest(month, self.report, year)

    def span_end(self, month: int, year: int | None) -> str:
        """A year-to-date span's last month: in the stated year, else the latest such month not after the
        month after the report (a January report's "for 2025 as a whole" is last December)."""
        if year is not None:
            return f"{year:04d}-{month:02d}"
        key = f"{self.report[:4]}-{month:02d}"
        return key if key <= shift_month(self.report, 1) else shift_month(key, -12)


_OPENING_TAGS = frozenset({"MONTH", "MONTH_PART", "PRIOR", "TIME_POINT", "YTD", "SPAN", "PART_OF_YEAR", "RANGE",
                           "NUMBER_WORD"})
"""Tags a time expression can start with (the readers below); others start with a number or a word of
_opening_words."""


@cache
def _opening_words() -> frozenset[str]:
    words = lexicon().words
    return words("SPAN_FIRST") | words("SAME") | words("PAIR_OPEN")


def read(tokens: list[Token], tags: list[Tag | None], report_month: str) -> list[TimeChunk]:
    """The time expressions of a sentence, left to right, not overlapping."""
    r = _Reader(tokens, tags, report_month)
    found: list[TimeChunk] = []
    openers, determiners = _opening_words(), lexicon().words("DETERMINER")
    i = 0
    while i < r.n:
        tag = tags[i]
        norm = tokens[i].norm
        opens = norm in openers or (norm in determiners and i + 1 < r.n and tokens[i + 1].norm in openers)
        if tokens[i].kind != "num" and not opens and (
                tag is None or tag.start != i or tag.names.isdisjoint(_OPENING_TAGS)):
            i += 1  # nothing of time can start here (a determiner only before an opening word: "the first")
            continue
        chunk = (_month_range(r, i) or _first_n_months(r, i) or _n_month(r, i) or _month(r, i)
                 or _same_month_of_year(r, i) or _tagged(r, i) or _bare_year(r, i))
        if chunk is None:
            i += 1
            continue
        found.append(chunk)
        i = chunk.end
    return found


def _month(r: _Reader, i: int) -> TimeChunk | None:
    """[part of] MONTH ['s] [day] [,] [year] [-end]."""
    start = i
    prior = r.tag(i, "PRIOR")
    if prior is not None and r.month_at(prior.end) is not None:
        i = prior.end  # "last February": the latest February before the report's month
    part = r.tag(i, "MONTH_PART")
    if part is not None and r.month_at(part.end) is not None:
        i = part.end
    month = r.month_at(i)
    if month is None:
        return None
    end = r.tags[i].end
    dated = False
    if end < r.n and r.tokens[end].kind == "num" and not _is_year(r.tokens[end]) and len(r.tokens[end].text) <= 2:
        end, dated = end + 1, True
        while (r.norm(end) == "," or r.tag(end, "AND")) and _is_day(r, end + 1):
            end += 2  # "July 23 and 25"
    year, after = r.after_year(end)
    if year is None and r.norm(end) == "," and r.year_at(end + 1) is not None:
        year, after = r.year_at(end + 1), end + 2
    if year is not None:
        end = after
    elif r.tag(end, "TIME_POINT") is not None and r.tags[end].sense("TIME_POINT").get("offset") == -12:
        year = int(r.report[:4]) - 1  # "February last year"
        end = r.tags[end].end
    if end < r.n and r.tokens[end].joined and r.tag(end, "MONTH_PART"):
        end = r.tags[end].end  # "July-end"
    key = r.resolve(month, year)
    if prior is not None and year is None:
        key = f"{r.report[:4]}-{month:02d}"
        key = key if key < r.report else shift_month(key, -12)
    return TimeChunk(start, end, When("month", key, dated=dated))


def _month_range(r: _Reader, i: int) -> TimeChunk | None:
    """MONTH (-|to|through) MONTH [year], optionally after "from" or "between": year-to-date when it starts
    in January, else a pair (the comparison point and the month)."""
    start = i
    between = r.tag(i, "RANGE") is not None and bool(r.tags[i].sense("RANGE").get("between"))
    if (r.word(i, "PAIR_OPEN") or between) and r.month_at(i + 1) is not None:
        i += 1
    first = r.month_at(i)
    if first is None:
        return None
    j = r.tags[i].end
    if j < r.n and r.tokens[j].kind == "num" and not _is_year(r.tokens[j]) and len(r.tokens[j].text) <= 2:
        return None  # "June 27": a date, read by _month
    first_year = r.year_at(j)
    if first_year is not None:
        j += 1
    if j < r.n and r.tokens[j].joined and r.month_at(j) is not None:
        k = j
    elif r.word(j, "MONTH_RANGE_JOIN") and r.month_at(j + 1) is not None:
        if r.word(j, "COORDINATOR") and not between:
            return None  # "June and July" are two months
        k = j + 1
    else:
        return None
    last = r.month_at(k)
    end = r.tags[k].end
    year, after = r.after_year(end)
    year = year or first_year
    if year is not None:
        end = after
    if first == 1:
        return TimeChunk(start, end, When("span", r.span_end(last, year)))
    if r.word(start, "PAIR_OPEN") or r.word(i - 1, "PAIR_OPEN"):
        return TimeChunk(start, end, When("pair", r.resolve(last, year), base=r.resolve(first, first_year or year)))
    return TimeChunk(start, end, When("part", r.resolve(last, year)))


def _count_at(r: _Reader, i: int) -> int | None:
    token = r.tokens[i] if i < r.n else None
    if token is not None and token.kind == "num" and token.text.isdigit() and int(token.text) <= 12:
        return int(token.text)
    return _sense_value(r.tag(i, "NUMBER_WORD"), "NUMBER_WORD")


def _first_n_months(r: _Reader, i: int) -> TimeChunk | None:
    """[the] first N months|quarters [of YEAR]."""
    start = i
    if r.word(i, "DETERMINER"):
        i += 1
    if not r.word(i, "SPAN_FIRST"):
        return None
    count = _count_at(r, i + 1)
    length = lexicon().values("SPAN_UNIT").get(r.norm(i + 2))
    if count is None or length is None:
        return None
    months = count * int(length)
    if months > 12:
        return None
    year, end = r.after_year(i + 3)
    return TimeChunk(start, end, When("span", r.span_end(months, year)))


def _n_month(r: _Reader, i: int) -> TimeChunk | None:
    """"ten-month", "10-month", "eleven-month" (a span named by its length)."""
    count = _count_at(r, i)
    if count is None:
        return None
    j = r.tags[i].end if r.tags[i] is not None else i + 1
    if j < r.n and r.tokens[j].joined and lexicon().values("SPAN_UNIT").get(r.norm(j)) == 1:
        return TimeChunk(i, j + 1, When("span", r.span_end(count, None)))
    return None


def _tagged(r: _Reader, i: int) -> TimeChunk | None:
    """Lexicon phrases: relative points, year-to-date words, named spans, parts of a year."""
    tag = r.tags[i]
    if tag is None or tag.start != i:
        return None
    sense = tag.sense("TIME_POINT", "YTD", "SPAN", "PART_OF_YEAR")
    if sense is None:
        return None
    end = tag.end
    if sense.tag == "TIME_POINT":
        date_offset = sense.get("date_offset")
        return TimeChunk(i, end, When("relative", offset=int(sense.get("offset")),
                                      cumulative=bool(sense.get("span", False)),
                                      date_offset=None if date_offset is None else int(date_offset)))
    year, after = r.after_year(end)
    if sense.tag == "YTD":
        through = r.tag(end, "TO", "AT_TIME") is not None and r.month_at(end + 1) is not None
        if through:
            month = r.month_at(end + 1)
            return TimeChunk(i, r.tags[end + 1].end, When("span", r.resolve(month, None)))
        return TimeChunk(i, end, When("span", open_end=True))
    if sense.tag == "SPAN":
        before_year = r.year_at(i - 1)
        return TimeChunk(i, after if year else end,
                         When("span", r.span_end(int(sense.get("end")), year or before_year)))
    return TimeChunk(i, after if year else end, When("part"))


def _same_month_of_year(r: _Reader, i: int) -> TimeChunk | None:
    """"the same month of 2021", "the same period in 2024": the figure's month (or span) in that year,
    read as an offset from the report's year."""
    start = i
    if r.word(i, "DETERMINER"):
        i += 1
    cumulative = lexicon().values("SAME_SPAN").get(r.norm(i + 1))
    if not r.word(i, "SAME") or cumulative is None or not r.tag(i + 2, "OF", "AT_TIME"):
        return None
    year = r.year_at(i + 3)
    if year is None:
        return None
    offset = (year - int(r.report[:4])) * 12
    return TimeChunk(start, i + 4, When("relative", offset=offset, cumulative=bool(cumulative)))


def _bare_year(r: _Reader, i: int) -> TimeChunk | None:
    """A year on its own ("in 2024"); "for 2023 as a whole" is that year's December year-to-date."""
    year = r.year_at(i)
    if year is None:
        return None
    if r.tag(i + 1, "UNIT", "CURRENCY", "SCALE") is not None:
        return None  # "2025 mt": a figure
    whole = r.tag(i + 1, "SPAN")
    if whole is not None and int(whole.sense("SPAN").get("end")) == 12:
        return TimeChunk(i, whole.end, When("span", f"{year:04d}-12"))
    if r.word(i + 1, "YEAR_TOTAL"):  # "the 2019 total"
        return TimeChunk(i, i + 2, When("year", f"{year:04d}-12"))
    return TimeChunk(i, i + 1, When("year", f"{year:04d}-12"))
