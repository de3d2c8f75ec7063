"""The fact grammar: how the quantities of one sentence become metric facts.

A sentence is read as a stream of word classes from vocabulary.py around the quantities that
numbers.py found. For each quantity the resolver answers five questions, each from the words nearest
to it, in the order a reader would:

- change or level? A change word governing it ("up", "decreased by", "a 3.47% increase"), a level cue
  ("was", "to", "reached"), or a coordination with the quantity before it ("... 1.86% MoM and 36% YoY").
- compared with what? The marker after it ("MoM", "from a year earlier", "from June"), one before it
  ("a YoY increase of"), or the marker of the change it restates ("39,400 mt MoM, representing a 3.47%
  increase"; "up 27,900 mt or 3.05% month on month").
- of what? The nearest metric noun (production, operating rate, share ...), unless a non-metric subject
  (demand, orders, prices of a single company) is nearer, which makes the number context, not a fact.
- which breakdown? The nearest segment cue, cues just after the number first ("29,100 mt in metal
  content"), cues inside brackets not carried on, a sub-heading ("Other regions:") only until the
  product itself is named.
- when? A month attached to the number, else the nearest month named before it, else the sentence's
  tense (forecast cues make it next month), else the period the paragraph is talking about.

Direction-only statements ("a slight MoM increase", "remain stable") are read by `directions`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from smm_pipeline import vocabulary as v
from smm_pipeline.clauses import clause_bounds, parenthesised
from smm_pipeline.numbers import COUNTED_NOUNS, Quantity, lex
from smm_pipeline.periods import (MONTHS, MonthMention, YtdRange, latest_before, month_number, months_in, nearest,
                                  parts_of_year, shift_month, ytd_ranges)

T = TypeVar("T")

# --- compiled word classes ------------------------------------------------------------------------
# Scanned over every sentence, so compiled for lowered text (see vocabulary.lowered).
_CHANGE_RE = v.compile_lowered(
    r"\b(?:(?P<inc>" + v.longest_first(v.INCREASE) + r")\b|(?P<dec>" + v.longest_first(v.DECREASE) + r")\b)")
_MARKER_RE = v.compile_lowered(
    r"\b(?:(?P<mom>" + v.longest_first(v.MOM) + r")\b|(?P<yoy>" + v.longest_first(v.YOY) + r")\b|(?P<qoq>"
    + v.longest_first(v.QOQ) + r")\b|(?P<base>" + v.BASE_MONTH + r"(?P<month>" + MONTHS
    + r")\b\.?(?:\s+\d{1,2}\b)?(?:,?\s*(?P<year>(?:19|20)\d\d))?(?!\s*(?:-|–|to|through)\s*(?:" + MONTHS + r"))))")
_METRICS = v.WordClass(v.METRIC_NOUNS)
_SUCH_AS = re.compile(r"\bsuch as\s+(?:[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?(?:,\s*and\s+|\s+and\s+|,\s*)?)+")
_METRIC_AFTER = v.compile_lowered(
    r"\s*(?:(?:MoM|YoY)\s+)?(?:increase|rise|growth|gain|jump|decline|decrease|drop|fall|dip|reduction)\s+in\s+"
    r"(?:the\s+)?(?P<metric>" + _METRICS.regex.pattern + r")")
_BLOCKER_RE = v.compile_words(v.BLOCKER_NOUNS)
_FORECAST_RE = v.compile_words(v.FORECAST_CUES)
_YTD_RE = v.compile_words(v.YTD_CUES)
_REGION_PATTERN = (
    r"(?<!such as )(?<![\w-])(?P<region>(?:" + "|".join(sorted(v.REGIONS, key=len, reverse=True)) + r")"
    r"(?:\s+and\s+(?:" + "|".join(sorted(v.REGIONS, key=len, reverse=True)) + r"))?)(?:'s|\s+regions?|"
    r"\s+provinces?)?\b")
_REGION_RE = re.compile(_REGION_PATTERN, re.IGNORECASE)
_REGION_LOW = v.compile_lowered(_REGION_PATTERN)


@cache
def _segment_cues_of(group: str) -> tuple[v.PatternSet, tuple[v.SegmentCue, ...]]:
    """The segment cues that apply to a product group, scanned together."""
    cues = tuple(cue for cue in v.SEGMENT_CUES if not cue.groups or group in cue.groups)
    return v.PatternSet([cue.pattern + r"(?![\w-])" for cue in cues], lead=r"(?<![\w-])"), cues

_CHANGE_THEN_FILLER = re.compile(r"(?:\s+|,|" + "|".join(v.CHANGE_FILLER) + r")*", re.IGNORECASE)
_CHANGE_NOUN = r"(?P<w>" + v.longest_first(list(v.CHANGE_NOUNS)) + r")\b"
_POST_CHANGE = re.compile(r"\s*(?:(?:MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\s+)?" + _CHANGE_NOUN,
                          re.IGNORECASE)
_MARKER_GAP = re.compile(
    r"\s*(?:mt|%)?\s*\)?\s*(?:(?:in|on a) (?:physical|metal) (?:content|basis)\s*,?\s*)?"
    r"(?:" + _CHANGE_NOUN + r"\s+(?:in\s+(?:[\w-]+\s+){0,3}?)?)?", re.IGNORECASE)
"""What may stand between a change and its marker ("3.47% increase MoM", "1,200 mt (3%) MoM")."""
_COORDINATION = re.compile(
    r"^\s*(?:MoM|YoY|QoQ|month[- ]on[- ]month|year[- ]on[- ]year|on the month)?\s*(?:,\s*)?(?:and|as well as|"
    r"while|with)?\s*(?:approximately|around|about|nearly|roughly|over|more than)?\s*$", re.IGNORECASE)
_RESTATEMENT = re.compile(
    r"^\s*(?:MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)?\s*(?:\(|,?\s*or\b|,?\s*i\.e\.,?|,?\s*"
    r"representing(?:\s+an?)?|,?\s*marking(?:\s+an?)?|,?\s*equivalent to(?:\s+an?)?|,?\s*which (?:is|was)|"
    r",?\s*that is|,\s*an?\s+(?=\w+\s+of\s*$))\s*(?:\w+\s+of\s*)?$", re.IGNORECASE)
_LEVEL_CUE = re.compile(
    r"\b(?:" + "|".join(v.LEVEL_CUES) + r")\b(?:\s+(?:" + "|".join(v.LEVEL_MODIFIERS) + r"))*\s*$", re.IGNORECASE)
_EXPECTATION_WORD = re.compile(r"expect|forecast|estimate|projected|anticipated", re.IGNORECASE)
_THAN_EXPECTED = re.compile(r"\s*(?:" + v.THAN_EXPECTED + r")\b", re.IGNORECASE)
_EXPECTED_BEFORE = re.compile(r"(?:" + v.EXPECTED_LEVEL_BEFORE + r")(?:approximately\s+|about\s+|around\s+)?$",
                              re.IGNORECASE)
_EXPECTED_AFTER = re.compile(r"\s*" + v.EXPECTED_LEVEL_AFTER, re.IGNORECASE)
_BEAT_BEFORE = re.compile(r"\b(?:(?P<beat>" + "|".join(v.BEAT) + r")|(?P<miss>" + "|".join(v.MISS) + r"))\s+$",
                          re.IGNORECASE)
_PLANT_LOW = v.compile_lowered(
    r"(?:\b(?:a|an|the|its|this|one)\s+(?:[\w-]+\s+){0,4}?|\b[a-z][\w-]*(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?)"
    r"(?:" + "|".join(v.PLANT_NOUNS) + r")\b|\b(?:" + "|".join(v.COMPANY_WORDS) + r")\b|\bPhase\s+[IVX]+\b")
_ONE_PLANT = re.compile(r"\b(?:a|an|the|its)\s+[\w\s-]*(?:smelter|refinery|plant|mine|project)\b", re.IGNORECASE)
_PLANT_NOUN = v.compile_lowered("|".join(v.PLANT_NOUNS + v.COMPANY_WORDS) + "|phase")
"""A word every _PLANT_LOW match contains: where none occurs (most sentences), _PLANT_LOW is not run."""
_CONTEXT_WORDS = v.compile_words(v.CONTEXT_WORDS)
_NUMBER_OF = re.compile(r"\bthe number of (?P<what>(?:[\w-]+\s+){0,5}?[\w-]+?)\s+(?:increas|decreas|rose|fell|"
                        r"was|were|is|are|reached|will|grew|dropped)", re.IGNORECASE)
_TIME_NOUNS = (r"(?:production(?: schedules?)?|output|supply|operating rates?|operating capacity|capacity|"
               r"imports?|inventor(?:y|ies)|prices?|proportion|share|volume)")
_ADJACENT_AFTER = re.compile(r"^(?:'s|’s)?\s+(?:[\w-]+\s+){0,2}?" + _TIME_NOUNS + r"\b", re.IGNORECASE)
_AS_OF = re.compile(r"\b(?:as of|end of)\s+$", re.IGNORECASE)
_ADJACENT_BEFORE = re.compile(r"\b" + _TIME_NOUNS + r"(?:\s+[\w()-]+){0,7}?\s+(?:in|for|during|of)\s+$",
                              re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![.\w'’-])[A-Z][a-z][\w-]*")
_KNOWN_CAPS = re.compile(r"(?<![\w'’-])(?:" + "|".join(v.KNOWN_CAPITALISED) + r"|(?i:(?:" + MONTHS + r")(?:-(?:"
                         + MONTHS + r"))?))(?![\w-])")

_STATUS_RES = [(re.compile(p, re.IGNORECASE), status) for p, status in v.PRODUCER_STATUS]
_SURVEYED_AFTER = re.compile(r"^\s*(?:surveyed|survey respondents|sampled|assessed)\b", re.IGNORECASE)
_COUNTED_AFTER = re.compile(r"^\s*" + COUNTED_NOUNS + r"\b", re.IGNORECASE)
_SHARE_OF_PRODUCERS = re.compile(r"\s*of\s+(?:the\s+)?" + COUNTED_NOUNS + r"\b", re.IGNORECASE)
"""After a percentage: it is a share of the producers ("60% of smelters", "half of the producers")."""
_PARAGRAPH_FORECAST = re.compile(r"\s*(?:" + "|".join(v.OUTLOOK_OPENERS) + ")", re.IGNORECASE)

_DIRECTION_WORDS = v.PatternSet([pattern + r"\b" for pattern, _ in v.DIRECTION_WORDS])
_NEGATED = v.compile_words(v.NEGATIONS)
_PRODUCTION_SUBJECT = v.compile_words(v.PRODUCTION_SUBJECTS)
_AGGREGATE = re.compile(v.alternation(v.AGGREGATE_WORDS), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the grammar knows before reading a section: the report and the product."""

    report_month: str
    forecast_month: str
    product: str
    group: str
    names: re.Pattern[str]
    heading: re.Pattern[str]
    others: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Reading:
    """A fact as read from one sentence, before report-level resolution (dedupe, direction rules)."""

    segment: str
    metric: str
    period: str
    measure: str
    value: float
    unit: str
    qualifier: str
    value_high: float | None
    start: int
    end: int
    value_text: str
    priority: int = 0


@dataclass(slots=True)
class SentenceResult:
    """What one sentence yielded: facts, quantities left unread (with why), and the period it ends in."""

    readings: list[Reading] = field(default_factory=list)
    unread: list[tuple[Quantity, str]] = field(default_factory=list)
    period: str = ""
    directions: list[Reading] = field(default_factory=list)


@dataclass(slots=True)
class _Slot:
    """The resolver's working state for one quantity."""

    q: Quantity
    change: bool = False
    sign: int = 1
    marker: str | None = None
    base: str | None = None
    metric: str | None = None
    segment: str = ""
    period: str = ""
    ytd: bool = False
    qualifier: str = "exact"
    expectation: str | None = None
    reason: str = ""
    restates: bool = False
    coordinated: bool = False


def _spans(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return list(regex.finditer(text))


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < position < b for a, b in spans)


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_REGION_NAMES = {r.lower() for r in v.REGIONS}


def _region_segment(name: str) -> str:
    name = re.sub(r"(?:'s|’s)$", "", name.strip())
    stripped = re.sub(r"\s+(?:regions?|provinces?)$", "", name, flags=re.IGNORECASE)
    if stripped.lower() in _REGION_NAMES or " and " in stripped.lower():
        name = stripped
    parts = [p for p in re.split(r"\s+and\s+", name, flags=re.IGNORECASE) if p]
    return "region:" + "_".join(_snake(p) for p in parts)


_PHRASE_COMMA = re.compile(r"[,;]")
_SIDE_UNITS = {"day": "a number of days", "km": "a distance", "duration": "a duration",
               "usd": "a money amount", "yuan": "a money amount"}
_SINCE = re.compile(r"\b(?:since|starting (?:from|in))\s+$", re.IGNORECASE)
_MONTH_RANGE_AFTER = re.compile(r"\s*-\s*(?:" + MONTHS + r")\b", re.IGNORECASE)
_MONTH_RANGE_BEFORE = re.compile(r"(?:" + MONTHS + r")\s*-\s*$", re.IGNORECASE)
_STATED_PAST = re.compile(r"\s*(?:According to|In (?:" + MONTHS + r")\b)[^,]*,\s*(?:\w+\s+){0,8}?(?:was|were|"
                          r"increased|decreased|rose|fell)\b")


class _memo(Generic[T]):  # noqa: N801 - used as a decorator, like cached_property
    """cached_property without its per-access lock (Python 3.11 takes one on every first access, and a
    sentence reads a dozen of these): the sentence object is never shared between threads."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class _Sentence:
    """One sentence's word classes, each found on first use and then queried by position.

    Most sentences of a report state no number; for them only the months, the forecast cues and the
    direction words are ever looked at, so the other scans are never run.
    """

    def __init__(self, text: str, scope: Scope, period: str, inherited_segment: str) -> None:
        self.text, self.scope, self.carry, self.inherited = text, scope, period, inherited_segment
        self.low = v.lowered(text)
        self.slots: list[_Slot] = []

    @_memo
    def _lexed(self) -> list[Quantity]:
        return lex(self.text)

    @_memo
    def quantities(self) -> list[Quantity]:
        """The figures that can be panel facts; the rest are `side_quantities`."""
        return [q for q in self._lexed if q.unit not in _SIDE_UNITS]

    @_memo
    def side_quantities(self) -> list[Quantity]:
        """Days, distances, durations and money amounts: never a panel measure, so kept out of the
        grammar (they would break up the phrases around them) and reported as context."""
        return [q for q in self._lexed if q.unit in _SIDE_UNITS]

    @_memo
    def changes(self) -> list[re.Match[str]]:
        return _spans(_CHANGE_RE, self.low)

    @_memo
    def markers(self) -> list[re.Match[str]]:
        return _spans(_MARKER_RE, self.low)

    @_memo
    def metrics(self) -> list[re.Match[str]]:
        return list(_METRICS.regex.finditer(self.low))

    @_memo
    def blockers(self) -> list[re.Match[str]]:
        return _spans(_BLOCKER_RE, self.low)

    @_memo
    def brackets(self) -> list[tuple[int, int]]:
        return parenthesised(self.text)

    @_memo
    def clauses(self) -> list[tuple[int, int]]:
        return clause_bounds(self.text)

    @_memo
    def ytd_cues(self) -> list[re.Match[str]]:
        return _spans(_YTD_RE, self.low)

    @_memo
    def ytd_ranges(self) -> list[YtdRange]:
        return ytd_ranges(self.text, self.scope.report_month)

    @_memo
    def all_months(self) -> list[MonthMention]:
        return months_in(self.text, self.scope.report_month)

    @_memo
    def months(self) -> list[MonthMention]:
        """Months that can date a figure: not a comparison base, not inside a range, a bracket or a
        "since" phrase."""
        text = self.text
        if not self.all_months:
            return []
        skip = [(m.start(), m.end()) for m in self.markers if m.group("base")]
        skip += [(r.start, r.end) for r in self.ytd_ranges if r.implies_ytd] + self.brackets
        return [m for m in self.all_months
                if not any(a <= m.start < b for a, b in skip)
                and not _MONTH_RANGE_AFTER.match(text, m.end)
                and not _MONTH_RANGE_BEFORE.search(text, max(0, m.start - 16), m.start)
                and not _SINCE.search(text, max(0, m.start - 20), m.start)]

    @_memo
    def forecast_cues(self) -> list[int]:
        return [m.start() for m in _FORECAST_RE.finditer(self.low)]

    @_memo
    def forecast(self) -> bool:
        """Whether the sentence speaks of the future (and is not a past statement that mentions one)."""
        return bool(self.forecast_cues) and not _STATED_PAST.match(self.text)

    @_memo
    def segment_cues(self) -> list[tuple[int, int, str, str | None]]:
        return self._segment_cues()

    @_memo
    def names(self) -> list[int]:
        return [m.start() for m in self.scope.names.finditer(self.text)]

    @_memo
    def headings(self) -> list[int]:
        return [m.start() for m in self.scope.heading.finditer(self.text)]

    @_memo
    def such_as(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _SUCH_AS.finditer(self.text)]

    @_memo
    def _plant_ends(self) -> list[int]:
        if not _PLANT_NOUN.search(self.low):
            return []
        return [m.end() for m in _PLANT_LOW.finditer(self.low)]

    def plant_before(self, position: int) -> bool:
        """Whether a single plant or company is named before `position`."""
        return any(end <= position for end in self._plant_ends)

    @_memo
    def direction_words(self) -> list[tuple[int, re.Match[str]]]:
        """(direction, match) of each DIRECTION_WORDS entry in table order, where production is spoken of."""
        if not _PRODUCTION_SUBJECT.search(self.low):
            return []
        return [(value, m) for (_, value), found in zip(v.DIRECTION_WORDS, _DIRECTION_WORDS.matches(self.low), strict=True)
                for m in found]

    def _segment_cues(self) -> list[tuple[int, int, str, str | None]]:
        cues: list[tuple[int, int, str, str | None]] = []
        patterns, group_cues = _segment_cues_of(self.scope.group)
        for cue, found in zip(group_cues, patterns.matches(self.low), strict=True):
            for m in found:
                segment = cue.segment.format(**m.groupdict()) if "{" in cue.segment else cue.segment
                cues.append((m.start(), m.end(), segment, cue.metric))
        for m in _REGION_LOW.finditer(self.low):
            if self.scope.names.fullmatch(m.group("region")):
                continue
            cues.append((m.start(), m.end(), _region_segment(m.group(0)), None))
        cues.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        kept: list[tuple[int, int, str, str | None]] = []
        for cue in cues:  # a cue inside a longer cue ("using concentrates" in "not using ...") yields
            if kept and cue[0] < kept[-1][1]:
                continue
            kept.append(cue)
        return kept

    def relevant_months(self, positions: tuple[int, ...] = ()) -> list[MonthMention]:
        """Months that set the period: in the sentence's opening phrase ("In July,", "Looking ahead to
        August,"), next to a metric noun ("production in August", "July production"), or in the same
        comma-chunk as one of the figures at `positions`. A month in a side remark ("as orders were
        fulfilled in July") does not move the period."""
        first_comma = self.commas[0] if self.commas else -1
        opening = first_comma if 0 <= first_comma <= 60 else 0
        chosen = []
        for m in self.months:
            if m.end <= opening or _ADJACENT_AFTER.match(self.text[m.end:]) or \
                    _ADJACENT_BEFORE.search(self.text, max(0, m.start - 120), m.start) or \
                    _AS_OF.search(self.text, max(0, m.start - 12), m.start) or \
                    any(self.chunk_of(p) == self.chunk_of(m.start) for p in positions):
                chosen.append(m)
        return chosen

    def forecast_at(self, position: int) -> bool:
        """Whether the figure at `position` is in the future tense: a forecast cue before it, or in its
        comma-chunk ("which will be unfavorable ..." after it does not make it a forecast)."""
        if not self.forecast:
            return False
        chunk_start, chunk_end = self.chunk_of(position)
        return any(c < position or chunk_start <= c < chunk_end for c in self.forecast_cues)

    @_memo
    def commas(self) -> list[int]:
        """Positions of the commas and semicolons that separate phrases (not "1,096,800")."""
        text = self.text
        return [m.start() for m in _PHRASE_COMMA.finditer(text)
                if not (0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() and text[m.start() + 1].isdigit())]

    def chunk_of(self, position: int) -> tuple[int, int]:
        """The comma-chunk containing `position`: from just after the comma before it (or the sentence start)
        to the comma after it (or the end)."""
        index = bisect.bisect_right(self.commas, position - 1)
        start = self.commas[index - 1] + 1 if index else 0
        end = self.commas[index] if index < len(self.commas) else len(self.text)
        return start, end

    def clause_of(self, position: int) -> tuple[int, int]:
        """The clause containing `position`."""
        for start, end in self.clauses:
            if start <= position <= end:
                return start, end
        return 0, len(self.text)


def read_sentence(text: str, scope: Scope, period: str, inherited_segment: str = "") -> SentenceResult:
    """Facts stated by one sentence. `period` is the month the paragraph is talking about so far."""
    s = _Sentence(text, scope, period, inherited_segment)
    result = SentenceResult(period=_sentence_period(s))
    slots = [_Slot(q=q, qualifier=q.qualifier) for q in s.quantities]
    s.slots = slots
    for index, slot in enumerate(slots):
        _classify(s, slots, index)
    for index, slot in enumerate(slots):
        if not slot.reason:
            _resolve_metric(s, slots, index)
    _assign_markers(s, slots)
    for index, slot in enumerate(slots):
        if slot.reason:
            continue
        _resolve_segment(s, slots, index)
        _resolve_period(s, slots, index)
        _resolve_ytd(s, slots, index)
    _inherit_across_groups(slots)
    _carry_context(s, slots)
    for slot in slots:
        reading = _to_reading(s, slot)
        if reading is None:
            result.unread.append((slot.q, slot.reason or "no reading"))
        else:
            result.readings.append(reading)
    result.unread.extend((q, f"context: {_SIDE_UNITS[q.unit]}, not a panel measure") for q in s.side_quantities)
    if slots and not any(sl.reason for sl in slots):
        result.period = slots[-1].period or result.period
    result.directions = _directions(s, result.period)
    return result


def _carry_context(s: _Sentence, slots: list[_Slot]) -> None:
    """A change that follows a company's figure in the same clause is that company's change too: "The
    average premiums for Jinchuan nickel were 2,100 yuan/mt, down 500 yuan/mt MoM from June"."""
    for previous, slot in itertools.pairwise(slots):
        if previous.reason.startswith("context: a single plant") and slot.change and not slot.reason \
                and s.clause_of(previous.q.start) == s.clause_of(slot.q.start) \
                and not any(previous.q.end <= m.start() < slot.q.start for m in s.metrics) \
                and not any(previous.q.end <= n < slot.q.start for n in s.names):
            slot.reason = previous.reason


def _sentence_period(s: _Sentence) -> str:
    """The period the next sentence inherits: a month this one names, else next month when this one
    states a forecast figure, else the period it inherited."""
    months = s.relevant_months()
    if months:
        return months[-1].key
    if s.forecast and s.quantities:
        return s.scope.forecast_month
    return s.carry


def _window(s: _Sentence, slots: list[_Slot], index: int) -> tuple[int, int, int, int]:
    """(pre start, quantity start, quantity end, post end) within the quantity's clause."""
    q = slots[index].q
    clause_start, clause_end = s.clause_of(q.start)
    pre_start = max(clause_start, slots[index - 1].q.end if index else clause_start)
    post_end = min(clause_end, slots[index + 1].q.start if index + 1 < len(slots) else clause_end)
    return pre_start, q.start, q.end, post_end


def _classify(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """Change or level, and the sign of a change."""
    slot = slots[index]
    pre_start, q_start, q_end, post_end = _window(s, slots, index)
    pre, post = s.text[pre_start:q_start], s.text[q_end:post_end]
    if _CONTEXT_WORDS.search(s.low, s.clause_of(q_start)[0], q_start) and slot.q.unit not in {"%", "pp", "mt"}:
        slot.reason = "context: exchange or tender price"
        return
    change_words = [m for m in s.changes if pre_start <= m.start() and m.end() <= q_start]
    last_change = change_words[-1] if change_words else None
    post_change = _POST_CHANGE.match(post)
    previous = slots[index - 1] if index else None
    same_clause = previous is not None and s.clause_of(previous.q.start) == s.clause_of(q_start)
    if slot.q.unit == "pp":
        slot.change = True
    if last_change is not None and _CHANGE_THEN_FILLER.fullmatch(s.text[last_change.end():q_start]):
        slot.change, slot.sign = True, (1 if last_change.group("inc") else -1)
        if _EXPECTATION_WORD.search(last_change.group(0)):
            slot.expectation = "vs"
    elif post_change:
        slot.change, slot.sign = True, _post_change_sign(post_change)
        if post_change.group("w").lower() in v.COMPARATIVES and \
                _THAN_EXPECTED.match(post, post_change.end()):
            slot.expectation = "vs"
    elif same_clause and previous is not None and previous.change and not previous.reason and (
            _RESTATEMENT.match(pre) or (_COORDINATION.match(pre) and previous.q.unit == slot.q.unit)):
        slot.change, slot.sign = True, previous.sign
        slot.restates = bool(_RESTATEMENT.match(pre)) and not _COORDINATION.match(pre)
        slot.coordinated = not slot.restates
        if slot.coordinated and slot.qualifier == "exact" and previous.qualifier == "approx":
            slot.qualifier = "approx"
    elif (sign := _restated_after(s, slots, index)) is not None:
        slot.change, slot.sign = True, sign
    elif _LEVEL_CUE.search(pre[-80:]) or not pre.strip():
        slot.change = False
    if slot.q.unit == "pp" and not slot.change:
        slot.change = True
    if slot.change and slot.sign == 1 and slot.q.unit == "pp" and last_change is not None and last_change.group("dec"):
        slot.sign = -1
    if not slot.change and (_EXPECTED_BEFORE.search(pre[-100:]) or _EXPECTED_AFTER.match(post)):
        slot.expectation = "level"
    elif previous is not None and previous.expectation == "level" and re.fullmatch(r"\s*by\s*", pre):
        _beat_by(s, previous, slot)
    if slot.change and same_clause and previous is not None and previous.change and _RESTATEMENT.match(pre) \
            and (previous.q.unit == "%") != (slot.q.unit == "%"):
        slot.restates = True


def _beat_by(s: _Sentence, expected: _Slot, slot: _Slot) -> None:
    """"exceeded the expected 27,100 mt by 400 mt": the second figure is the gap to the expectation."""
    before = s.text[:expected.q.start]
    words = _EXPECTED_BEFORE.search(before)
    verb = _BEAT_BEFORE.search(before, 0, words.start() if words else len(before))
    if verb is not None:
        slot.expectation, slot.sign = "vs", (1 if verb.group("beat") else -1)


_OR_BETWEEN = re.compile(r"\s*(?:mt\s*)?(?:\(|,?\s*or|,?\s*i\.e\.,?)\s*")


def _restated_after(s: _Sentence, slots: list[_Slot], index: int) -> int | None:
    """The sign of a change that the next figure restates and that a word after it names:
    "138,500 mt or 14.46% higher from a year earlier", "(1.2% or 3,000 mt lower)"."""
    if index + 1 >= len(slots):
        return None
    after = slots[index + 1].q
    if not _OR_BETWEEN.fullmatch(s.text, slots[index].q.end, after.start):
        return None
    word = _POST_CHANGE.match(s.text[after.end:s.clause_of(after.start)[1]])
    return None if word is None else _post_change_sign(word)


def _post_change_sign(word: re.Match[str]) -> int:
    return v.CHANGE_NOUNS[word.group("w").lower()]


def _assign_markers(s: _Sentence, slots: list[_Slot]) -> None:
    """Comparison markers: the one after a change first, then one before it, then its group's."""
    claimed: set[int] = set()
    for index, slot in enumerate(slots):
        if not slot.change or slot.reason:
            continue
        _, _, q_end, post_end = _window(s, slots, index)
        stop = post_end
        for m in s.changes:  # a new change word after the quantity starts the next phrase
            if q_end < m.start() < post_end and not _POST_CHANGE.match(s.text[q_end:post_end]):
                stop = min(stop, m.start())
                break
        post_change = _POST_CHANGE.match(s.text[q_end:post_end])
        if post_change:
            stop = max(stop, q_end + post_change.end())
            for m in s.changes:
                if q_end + post_change.end() < m.start() < post_end:
                    stop = min(post_end, m.start())
                    break
        for m in s.markers:
            if q_end <= m.start() <= stop and m.start() not in claimed and _MARKER_GAP.fullmatch(s.text, q_end, m.start()):
                _set_marker(s, slot, m)
                claimed.add(m.start())
                break
    for index, slot in enumerate(slots):
        if not slot.change or slot.reason or slot.marker or slot.base:
            continue
        pre_start, q_start, _, _ = _window(s, slots, index)
        before = [m for m in s.markers if pre_start <= m.start() < q_start and m.start() not in claimed]
        if before:
            _set_marker(s, slot, before[-1])
            claimed.add(before[-1].start())
    for index, slot in enumerate(slots):
        if not slot.change or slot.reason or slot.marker or slot.base:
            continue
        for neighbour in (index - 1, index + 1):
            if not 0 <= neighbour < len(slots):
                continue
            other = slots[neighbour]
            linked = slot.restates if neighbour < index else other.restates
            if linked and other.change and (other.marker or other.base):
                slot.marker, slot.base = other.marker, other.base
                break


def _set_marker(s: _Sentence, slot: _Slot, m: re.Match[str]) -> None:
    if m.group("mom"):
        slot.marker = "mom"
    elif m.group("yoy"):
        slot.marker = "yoy"
    elif m.group("qoq"):
        slot.marker = "qoq"
    else:
        year = int(m.group("year")) if m.group("year") else None
        month = month_number(m.group("month"))
        slot.base = latest_before(month, s.scope.report_month) if m.group("last") and year is None else \
            nearest(month, s.scope.report_month, year)


def _nearest_before(matches: list[re.Match[str]], start: int, limit: int) -> re.Match[str] | None:
    found = [m for m in matches if limit <= m.start() and m.end() <= start]
    return found[-1] if found else None


def _resolve_metric(s: _Sentence, slots: list[_Slot], index: int) -> None:
    slot = slots[index]
    q = slot.q
    clause_start, _ = s.clause_of(q.start)
    found = _nearest_before(s.metrics, q.start, clause_start) or _nearest_before(s.metrics, q.start, 0)
    metric: re.Match[str] | None = found
    chosen = _METRICS.meaning(found.group(0)) if found else "production"
    blocker = _nearest_before(s.blockers, q.start, clause_start)
    following = _METRIC_AFTER.match(s.low, q.end)
    if following:  # "a 1.81% drop in operating rates"
        chosen, metric = _METRICS.meaning(following.group("metric")), following
    segment_metric = next((cue[3] for cue in s.segment_cues if cue[3] and cue[1] <= q.start
                           and s.text[cue[1]:q.start].count(",") <= 1 and not _inside(cue[0], s.brackets)
                           and (metric is None or cue[0] >= metric.start() - 40)), None)
    if blocker is not None and (metric is None or blocker.start() > metric.start() or blocker.end() >= metric.end()) \
            and not (s.names and max(s.names) > blocker.start()):  # "trading volume" is not "volume"
        slot.reason = f"context: the subject is {s.text[blocker.start():blocker.end()]!r}, not a panel metric"
        return
    if q.unit == "count":
        slot.metric = _count_metric(s, slot)
        return
    if q.unit == "%" and _SHARE_OF_PRODUCERS.match(s.text, q.end):
        slot.metric = "share"
        return
    if segment_metric and (metric is None or q.unit in {"%", "pp", "usd/mt", "usd/dmt", "yuan/mt", "mt"}):
        if not (segment_metric == "share" and q.unit not in {"%", "pp"}):
            chosen = segment_metric
    if _plant_context(s, q.start):
        slot.reason = "context: a single plant or company"
        return
    if q.unit == "%" and not slot.change and chosen == "production":
        share_after = re.match(r"^(?:\s*(?:and|,)?\s*[\d.]+%)*\s+(?:market\s+)?(?:shares?|proportions?)\b",
                               s.text[q.end:s.clause_of(q.start)[1]], re.IGNORECASE)
        if share_after:
            chosen = "share"
        else:
            _percent_is_a_change(s, slots, index)
    chosen = _fit_metric_to_unit(chosen, q.unit, slot.change, s.text[:q.start])
    if chosen is None:
        slot.reason = f"no metric fits a {q.unit or 'bare'} figure here"
        return
    slot.metric = chosen


def _percent_is_a_change(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """A production figure in % is a change even after a level cue ("the MoM increase ... was 10%",
    "a MoM decline expanding to around 7%", "reaching approximately 24.5% compared to the previous month")."""
    slot = slots[index]
    clause_start, _ = s.clause_of(slot.q.start)
    words = [m for m in s.changes if clause_start <= m.start() and m.end() <= slot.q.start
             and not re.match(r"\s+to\b", s.text[m.end():m.end() + 4])]
    if words:
        slot.change, slot.sign = True, (1 if words[-1].group("inc") else -1)
    elif index and slots[index - 1].change:
        slot.change, slot.sign = True, slots[index - 1].sign


def _fit_metric_to_unit(metric: str, unit: str, change: bool, before: str) -> str | None:
    """A metric whose unit can be this figure's (an operating rate is never in mt)."""
    rate_like = {"operating_rate", "share"}
    if unit in {"%", "pp"}:
        if metric in rate_like or (change and unit == "%") or unit == "pp":
            return metric
        if metric == "production" and not change:
            return None
        return metric if change else None
    if unit in {"usd/mt", "usd/dmt", "yuan/mt", "yuan/mtu"}:
        return metric if metric in {"price", "treatment_charge"} else "price"
    if unit == "mt/year":
        return "operating_capacity" if metric == "operating_capacity" else "capacity"
    if unit in {"mt", "GW", "sqm"}:
        if metric in rate_like or metric == "producer_count":
            return "production"
        return metric
    return None


def _count_metric(s: _Sentence, slot: _Slot) -> str | None:
    if not _COUNTED_AFTER.match(s.text[slot.q.end:]) and not slot.change and not re.search(
            r"(?:number of|count of)\s+(?:[\w-]+\s+){0,5}(?:increases?|rose|reached|was|is)\s+to\s*$",
            s.text[:slot.q.start], re.IGNORECASE):
        slot.reason = "a count of something other than producers"
        return None
    return "producer_count"


def _plant_context(s: _Sentence, position: int) -> bool:
    """Whether the figure at `position` is about one named plant or company rather than the market."""
    chunk = s.text[s.chunk_of(position)[0]:position]
    plant = _PLANT_LOW.search(v.lowered(chunk)) if _PLANT_NOUN.search(chunk.lower()) else None
    if plant or _foreign_name(chunk):
        return not _AGGREGATE.search(chunk) or bool(plant and _ONE_PLANT.search(chunk))
    if s.plant_before(position) and not (_AGGREGATE.search(chunk) or s.scope.names.search(chunk)) \
            and not re.search(r"\b(?:smelters|producers|enterprises|plants)\b", chunk):
        return bool(re.search(r"[A-Z][\w-]*(?:'s|’s)\s", s.text[:position]))
    return False


def _foreign_name(chunk: str) -> bool:
    """Whether a chunk names something capitalised that is not a place, a product or a known term:
    in these reports that is a company, a plant or a brand ("Jinchuan nickel", "Rio Tinto's ...")."""
    tokens = chunk.split()
    words = [m.span() for m in _CAPITALISED.finditer(chunk) if m.group(0) != tokens[0]]
    if not words:
        return False
    known = [m.span() for m in _REGION_LOW.finditer(v.lowered(chunk))] + [m.span() for m in _KNOWN_CAPS.finditer(chunk)]
    return any(not any(a <= start and end <= b for a, b in known) for start, end in words)


_AFTER_CUE_GAP = re.compile(r"\s*(?:(?:MoM|YoY)\s*)?(?:mt\s*)?(?:in|on|of|for)?\s*(?:the\s+)?(?:a\s+)?")


def _resolve_segment(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """The breakdown a figure belongs to; "" is the product's national total."""
    slot = slots[index]
    q = slot.q
    if slot.expectation:
        slot.segment = "basis:vs_expected" if slot.expectation == "vs" else "basis:expected"
        return
    if slot.metric == "producer_count" or (q.unit == "%" and _SHARE_OF_PRODUCERS.match(s.text, q.end)):
        slot.segment = _count_segment(s, slots, index)
        if q.unit == "%":
            slot.metric = "share"
        return
    slot.segment = _cue_segment(s, slots, index)


def _cue_segment(s: _Sentence, slots: list[_Slot], index: int) -> str:
    q = slots[index].q
    clause_start, _ = s.clause_of(q.start)
    _, _, _, post_end = _window(s, slots, index)
    cues = [c for c in s.segment_cues if not _inside(c[0], s.such_as)]
    after = [c for c in cues if q.end <= c[0] < post_end
             and (not _inside(c[0], s.brackets) or any(a < q.start < c[0] < b for a, b in s.brackets))
             and _AFTER_CUE_GAP.fullmatch(s.text[q.end:c[0]])]
    if after and not after[0][2].startswith("sample:"):
        return after[0][2]
    respectively = _respectively(s, slots, index, cues)
    if respectively:
        return respectively
    closed_brackets = [b for b in s.brackets if b[1] <= q.start or not (b[0] < q.start < b[1])]
    before = [c for c in cues if clause_start <= c[0] and c[1] <= q.start and not _inside(c[0], closed_brackets)
              and not _detached(s, c, q.start)]
    before += [c for c in cues if c[0] < clause_start and c[2].startswith("sample:")]
    items = [c for c in before if c[2].startswith("item:") and c[3] == slots[index].metric]
    if items:
        return items[-1][2]
    if before:
        cue = max(before, key=lambda c: c[1])
        if not (cue[2] == "sample:surveyed" and slots[index].metric == "production"):
            return cue[2]
    if re.search(r"involving (?:a )?capacity of\s*$", s.text[clause_start:q.start], re.IGNORECASE):
        return "item:capacity_under_maintenance"
    if s.inherited and not any(n < q.start for n in s.headings):
        return s.inherited
    return ""


_BREAKDOWN_AXES = ("region:", "size:", "feed:", "source:", "form:", "grade:", "series:", "stage:")
_CLAUSE_LINK = re.compile(r"[;,]\s*(?:and|but|while|whereas|so|as|with)?\b|\b(?:and|but|while|whereas|so|as|mean|"
                          r"means|meant|therefore|thus)\b", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|from|across|to|into)\s+(?:the\s+)?$", re.IGNORECASE)
_OPENING_PHRASE = re.compile(
    r"\s*(?:(?:and|but|while|whereas|meanwhile)\s+)?(?:(?:in|for|among|as for|regarding|within|at)\b[^,;]*)?$",
    re.IGNORECASE)


def _detached(s: _Sentence, cue: tuple[int, int, str, str | None], position: int) -> bool:
    """Whether a breakdown cue before the figure at `position` belongs to another phrase: the figure's
    subject noun comes between them, and the cue sits inside another noun's phrase ("new lines in Guangxi
    lifted capacity to ...") or another clause ("smelters in Hunan finish maintenance, and output is
    expected to rise by ..."). A cue that opens the clause ("In the causticisation sector, ..., output
    rose") or leads up to the noun ("Xinjiang's July production", "the 5-series precursor accounting
    for") is the figure's."""
    if not cue[2].startswith(_BREAKDOWN_AXES):
        return False
    noun = _nearest_before(s.metrics, position, cue[1])
    if noun is None or _opens_clause(s, cue[0], cue[1]):
        return False
    return _in_other_phrase(s, cue[0]) or bool(_CLAUSE_LINK.search(_gap(s, cue[1], noun.start())))


def _opens_clause(s: _Sentence, cue_start: int, cue_end: int) -> bool:
    """Whether the cue is in the phrase that opens its clause: "In Xinjiang, ...", "while in southern
    regions such as Sichuan, ...", "Lithium carbonate derived from spodumene: ..."."""
    clause_start, _ = s.clause_of(cue_start)
    chunk_start, chunk_end = s.chunk_of(cue_start)
    return chunk_start <= clause_start + 1 and bool(_OPENING_PHRASE.match(s.text, clause_start, cue_start)) \
        and bool(re.match(r"[^,;:]*[,:]", s.text[cue_end:chunk_end + 1]))


def _in_other_phrase(s: _Sentence, cue_start: int) -> bool:
    """Whether the cue is the object of a preposition ("lines in Guangxi", "restarts in Yunnan")."""
    return bool(_PREPOSITION_BEFORE.search(s.text, max(0, cue_start - 12), cue_start))


def _gap(s: _Sentence, start: int, end: int) -> str:
    """The text between a cue and a noun, without product names and "such as" examples."""
    gap = s.scope.names.sub(lambda m: " " * len(m.group(0)), s.text[start:end])
    for a, b in s.such_as:  # "southern regions such as Sichuan, Guizhou, and Guangxi, the production"
        if start <= a < end:
            gap = gap[:a - start] + " " * (min(b, end) - a) + gap[min(b, end) - start:]
    return gap


def _respectively(s: _Sentence, slots: list[_Slot], index: int, cues: list[tuple[int, int, str, str | None]]) -> str:
    """"the 8-series and 9-series held 29.06% and 17.37%, respectively": the n-th figure of a list
    belongs to the n-th cue of the list before it."""
    q = slots[index].q
    clause_start, clause_end = s.clause_of(q.start)
    if not re.search(r"\brespectively\b", s.text[q.end:clause_end]):
        return ""
    group = [index]
    while group[0] > 0 and re.fullmatch(r"\s*(?:%|mt)?\s*(?:,\s*)?(?:and\s+)?", s.text[slots[group[0] - 1].q.end:
                                                                                   slots[group[0]].q.start]):
        group.insert(0, group[0] - 1)
    while group[-1] + 1 < len(slots) and re.fullmatch(r"\s*(?:%|mt)?\s*(?:,\s*)?(?:and\s+)?", s.text[
            slots[group[-1]].q.end:slots[group[-1] + 1].q.start]):
        group.append(group[-1] + 1)
    first = slots[group[0]].q
    listed = [c for c in cues if clause_start <= c[0] and c[1] <= first.start]
    if len(group) < 2 or len(listed) < len(group):
        return ""
    listed = listed[-len(group):]
    if len({c[2].split(":")[0] for c in listed}) != 1:
        return ""
    return listed[group.index(index)][2]


_HAVING = re.compile(r"\s+(?P<who>smelters?|producers?|plants?|refiner(?:y|ies)|enterprises?|mills?)\s+"
                     r"(?:had|have|has|with)\s+(?:an?\s+)?(?P<what>(?:[\w-]+\s+){0,2}?(?:plans?|schedules?))\b",
                     re.IGNORECASE)


def _plural(noun: str) -> str:
    noun = noun.lower()
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


_NONE_OF = re.compile(r"\s+of\s+the\s+\d+\s+" + COUNTED_NOUNS + r"(?:\s+by\s+\w+)?", re.IGNORECASE)


def _count_segment(s: _Sentence, slots: list[_Slot], index: int) -> str:
    """Producer counts are broken down by what the producers did ("17 producers halted production")."""
    q = slots[index].q
    rest = s.text[q.end:]
    none_of = _NONE_OF.match(rest) if q.word else None
    if none_of:  # "none of the 24 surveyed producers saw a significant increase"
        rest = rest[none_of.end():]
    elif _SURVEYED_AFTER.match(rest) or re.match(r"^\s*(?:[\w-]+\s+){0,3}(?:survey respondents|surveyed)",
                                                 rest, re.IGNORECASE):
        return "sample:surveyed"
    if slots[index].change and index and slots[index - 1].metric == "producer_count":
        return slots[index - 1].segment
    number_of = _NUMBER_OF.search(s.text, s.clause_of(q.start)[0], q.start)
    if number_of is not None:
        return "item:" + _snake(number_of.group("what"))
    having = _HAVING.match(s.text, q.end)
    if having:  # "only one smelter had a maintenance plan" counts the smelters with maintenance plans
        return f"item:{_plural(having.group('who'))}_with_{_snake(_plural(having.group('what')))}"
    tail = re.split(r"(?<!\d),|,(?!\d)|;|\bwhile\b|\bbut\b", rest, maxsplit=1)[0]
    head = s.text[s.chunk_of(q.start)[0]:q.start]
    for text in (tail, head):
        for regex, status in _STATUS_RES:
            if regex.search(text):
                return status
    if re.search(r"\b(?:surveyed|survey)\b", s.text[:q.start], re.IGNORECASE) and q.unit == "count":
        return "sample:surveyed"
    return ""


def _resolve_period(s: _Sentence, slots: list[_Slot], index: int) -> None:
    slot = slots[index]
    q = slot.q
    if _dated_by_part_of_year(s, q):
        slot.reason = "context: a quarter or half-year figure, not a monthly one"
        return
    attached = re.match(r"^\s*(?:mt\s+)?(?:(?:MoM|YoY)\s+)?(?:in|for|during)\s+(?P<month>" + MONTHS
                        + r")\b\.?(?:\s+(?P<year>(?:19|20)\d\d))?", s.text[q.end:], re.IGNORECASE)
    if attached and attached.group("month")[0].isupper():
        year = int(attached.group("year")) if attached.group("year") else None
        slot.period = nearest(month_number(attached.group("month")), s.scope.report_month, year)
        return
    months = s.relevant_months(tuple(sl.q.start for sl in slots[:index + 1]))
    before: list[MonthMention] = [m for m in months if m.end <= q.start]
    if before:
        slot.period = before[-1].key
        return
    after = [m for m in months if m.start >= q.end]
    if after:
        keys = [m.key for m in after]
        slot.period = s.scope.forecast_month if (s.forecast_at(q.start) and s.scope.forecast_month in keys) \
            else keys[0]
        return
    slot.period = s.scope.forecast_month if s.forecast_at(q.start) else s.carry
    if slot.base and slot.marker is None and slot.base != shift_month(slot.period, -12):
        slot.period = shift_month(slot.base, 1)  # "up 5.02% from April" is about May


def _dated_by_part_of_year(s: _Sentence, q: Quantity) -> bool:
    """Whether a quarter or half-year ("Q3 output is expected to reach", "3.3 million mt in Q3") is what the
    figure at `q` is for: in its comma-chunk before it with no month between, or right after it."""
    chunk_start, _ = s.chunk_of(q.start)
    for start, end in parts_of_year(s.text):
        if (chunk_start <= start and end <= q.start and not any(end <= m.start < q.start for m in s.months)) \
                or re.fullmatch(r"\s*(?:mt\s+)?(?:in|for|during)\s+(?:the\s+)?", s.text[q.end:start]):
            return True
    return False


def _resolve_ytd(s: _Sentence, slots: list[_Slot], index: int) -> None:
    slot = slots[index]
    q = slot.q
    cue_before = any(m.end() <= q.start for m in s.ytd_cues)
    ranges = [r for r in s.ytd_ranges if r.implies_ytd or cue_before]
    range_before = [r for r in ranges if r.end <= q.start]
    chunk_end = s.chunk_of(q.end)[1]
    range_after = [r for r in ranges if q.end <= r.start <= chunk_end]
    if cue_before or range_before or (range_after and cue_before):
        later_month = [m for m in s.months if (range_before and m.start > range_before[-1].end) and m.end <= q.start]
        if later_month:
            return
        slot.ytd = True
        chosen = (range_before or range_after or ranges)
        if chosen:
            slot.period = chosen[-1].last if range_before else chosen[0].last
    elif range_after and slot.change and slot.marker in {"yoy", None}:
        slot.ytd = True
        slot.period = range_after[0].last


def _inherit_across_groups(slots: list[_Slot]) -> None:
    """A restating quantity shares its change's time scope and breakdown ("..., marking an 11.82% rise")."""
    for index, slot in enumerate(slots):
        if slot.restates and index and not slot.reason:
            previous = slots[index - 1]
            slot.ytd = slot.ytd or previous.ytd
            slot.period = previous.period
            slot.segment = slot.segment or previous.segment
            slot.metric = previous.metric if previous.metric else slot.metric


def _to_reading(s: _Sentence, slot: _Slot) -> Reading | None:
    q = slot.q
    if slot.reason or slot.metric is None:
        return None
    value, unit, qualifier, high = q.value, q.unit, slot.qualifier, q.value_high
    if slot.expectation == "vs":
        measure = "level"
        value = abs(value) * slot.sign
        return Reading(slot.segment, slot.metric, s.scope.report_month, measure, value, unit, qualifier, high,
                       q.start, q.end, q.text)
    if slot.expectation == "level":
        return Reading(slot.segment, slot.metric, s.scope.report_month, "level", value, unit, qualifier, high,
                       q.start, q.end, q.text)
    if not slot.change:
        measure = "ytd_level" if slot.ytd and slot.metric == "production" else "level"
        return Reading(slot.segment, slot.metric, slot.period, measure, value, unit, qualifier, high,
                       q.start, q.end, q.text)
    marker = slot.marker
    period = slot.period
    if marker is None and slot.base:
        if slot.base == shift_month(period, -12):
            marker = "yoy"
        else:
            marker = "mom"
            if slot.base != shift_month(period, -1) and not s.months:
                period = shift_month(slot.base, 1)
    if marker is None and slot.ytd:
        marker = "yoy"
    if marker is None:
        marker = _implied_marker(s, slot, kind_of(unit))
        if marker is None:
            slot.reason = "a change with no MoM/YoY label"
            return None
    if marker == "qoq":
        slot.reason = "a quarter-on-quarter change (not a panel measure)"
        return None
    if unit == "pp":
        if slot.metric in {"operating_rate", "share"}:
            kind = "pp"
        else:
            kind, unit = "pct", "%"
    elif unit == "%":
        kind = "pct"
    else:
        kind = "abs"
    measure = f"{'ytd_' if slot.ytd else ''}{marker}_{kind}"
    if slot.ytd and marker == "mom":
        measure = f"mom_{kind}"
    signed = abs(value) * slot.sign
    if high is not None:
        low, high = sorted((abs(value) * slot.sign, abs(high) * slot.sign))
        signed = low
    return Reading(slot.segment, slot.metric, period, measure, signed, unit, qualifier, high,
                   q.start, q.end, q.text, priority=1 if qualifier in {"exact", "approx"} else 0)


def kind_of(unit: str) -> str:
    """How a change in this unit is measured: in %, in percentage points, or in the level's unit."""
    return {"%": "pct", "pp": "pp"}.get(unit, "abs")


def _implied_marker(s: _Sentence, slot: _Slot, kind: str) -> str | None:
    """The comparison an unlabelled change must mean, if the sentence leaves only one: the kind of
    marker the sentence's other changes of the same metric use, when that measure is still free for this
    breakdown ("fall by 6.29% MoM in physical content, while metal content will drop by 7.13%"); MoM
    when they use none ("output fell 3.24% MoM and rose 3.97% YoY, with the operating rate down 2.08
    percentage points"). "up 3.2% YoY but down 30.6%" stays unlabelled: YoY is taken, nothing says MoM."""
    kinds = {other.marker for other in s.slots if other is not slot and other.change
             and other.metric == slot.metric and other.marker in {"mom", "yoy"}}
    if not kinds:
        return "mom"
    if len(kinds) > 1:
        return None
    (only,) = kinds
    taken = any(other is not slot and other.marker == only and other.segment == slot.segment
                and other.metric == slot.metric and other.change and kind_of(other.q.unit) == kind
                for other in s.slots)
    return None if taken else only


def paragraph_opening_period(paragraph: str, scope: Scope) -> str:
    """The period a paragraph talks about before it names one: next month for an outlook paragraph."""
    if _PARAGRAPH_FORECAST.match(paragraph):
        return scope.forecast_month
    return scope.report_month


def subheading_segment(line: str, scope: Scope) -> str | None:
    """The breakdown a sub-heading line ("Yunnan region: ...:", "Other regions: ...:") introduces."""
    stripped = line.strip()
    if not stripped.endswith(":") or len(stripped) > 90:
        return None
    head = stripped.split(":")[0]
    region = _REGION_RE.match(head)
    if region and not scope.names.fullmatch(region.group("region")):
        return _region_segment(region.group(0))
    return ""


_NUMBER_BEFORE = re.compile(r"\d\s*(?:%|mt|percentage points?|pp)?\s*$")
"""A number just before a direction word governs it ("2.3% lower"): the numeric grammar reads it."""
_GOVERNS_NUMBER = re.compile(r"^\s*(?:[a-z]+ly\s+)?(?:by\s+|of\s+)?(?:approximately|around|about|nearly|over|roughly|"
                             r"an estimated)?\s*[-−$\d]", re.IGNORECASE)
_CHUNK_SPLIT = re.compile(r";|,\s*(?:while|but|whereas|although|and|with)\b|\bwhile the\b")
_ABOUT_SOMETHING_ELSE = re.compile(
    r"^\s*(?:(?:in|of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:operating rates?|prices?|demand|capacity|proportion|"
    r"share|inventor(?:y|ies)|orders|consumption|sales|imports?|exports?)\b|(?:short\s+of\s+)?(?:" + v.THAN_EXPECTED
    + r")\b)", re.IGNORECASE)
_NOT_PRODUCTION_BETWEEN = re.compile(
    r"\b(?:demand|prices?|orders|consumption|sales|costs?|profits?|enthusiasm|sentiment|operating rates?|"
    r"capacity|proportion|share|inventor(?:y|ies)|the number of)\b", re.IGNORECASE)
_MARKER_AFTER = re.compile(r"^\s*(?:rates?\s+)?(?:[a-z]+ly\s+)?(?:both\s+)?(?P<m>MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\b",
                           re.IGNORECASE)
_MARKER_BEFORE = re.compile(r"\b(?P<m>MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
_SEGMENT_ONLY = v.compile_lowered(
    r"(?<![\w-])(?:" + "|".join([re.sub(r"\(\?P<\w+>", "(?:", cue.pattern) for cue in v.SEGMENT_CUES
                                 if not cue.segment.startswith(("content:", "sample:"))]) + r")(?![\w-])|"
    r"\b(?:[\w-]+-derived|[\w-]+ sector|[\w-]+-grade|series)\b|" + _REGION_PATTERN)
"""Words that put a direction into a breakdown; a breakdown's direction is not a headline fact."""


def _directions(s: _Sentence, period: str) -> list[Reading]:
    """Direction-only statements of a sentence about the product's total production.

    At most one reading per measure: the direction word closest to its production subject, preferring
    one with an explicit MoM/YoY marker and one whose subject names the product or the total. A direction
    that governs a number ("increase by 5%") is left to the numeric grammar; one about a breakdown, another
    product, a single plant or a non-production noun ("a rebound in the operating rate") is not a fact.
    """
    words = s.direction_words
    if not words:
        return []
    bases = [(m.start(), m.end()) for m in s.markers if m.group("base")] if s.all_months else []
    months = [m for m in s.all_months if not _inside(m.start + 1, bases)
              and not _MONTH_RANGE_AFTER.match(s.text, m.end)
              and not _MONTH_RANGE_BEFORE.search(s.text, max(0, m.start - 16), m.start)]
    blanked = s.scope.names.sub(lambda m: " " * len(m.group(0)), s.low)  # lowered, names blanked
    best: dict[str, Reading] = {}
    start = 0
    for boundary in [*_CHUNK_SPLIT.finditer(s.text), None]:
        end = boundary.start() if boundary else len(s.text)
        chunk_start, start = start, (boundary.end() if boundary else len(s.text))
        in_chunk = [(value, m) for value, m in words if chunk_start <= m.start() and m.end() <= end]
        if not in_chunk or _NEGATED.search(s.low, chunk_start, end):
            continue
        for reading in _chunk_directions(s, blanked, chunk_start, in_chunk, period, months):
            current = best.get(reading.measure)
            if current is None or reading.priority > current.priority:
                best[reading.measure] = reading
    return list(best.values())


def _chunk_directions(s: _Sentence, blanked: str, start: int, words: list[tuple[int, re.Match[str]]],
                      period: str, months: list[MonthMention]) -> Iterator[Reading]:
    """The readings of one comma-chunk's direction words (in DIRECTION_WORDS order: earlier entries
    claim their words first)."""
    text, scope = s.text, s.scope
    taken: list[tuple[int, int]] = []
    for value, m in words:
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        taken.append((m.start(), m.end()))
        after = text[m.end():m.end() + 60]
        if _GOVERNS_NUMBER.match(after) or _ABOUT_SOMETHING_ELSE.match(after) or \
                _NUMBER_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        subject = _direction_subject(s.low, start, m)
        if subject is None:
            continue
        between = text[max(min(subject.end(), m.start()), start if subject.end() < start else 0):m.start()]
        if _NOT_PRODUCTION_BETWEEN.search(between) or (subject.end() >= start and len(between) > 120):
            continue
        head_start = max(start, min(subject.start(), m.start()) - 60)
        local = blanked[head_start:m.start()]
        if scope.others.search(local[-50:]) and not scope.names.search(text[head_start:m.start()]):
            continue
        named = scope.names.search(text, head_start, m.start())
        if _about_breakdown(s, blanked, max(head_start, m.start() - 60), subject, m) or (
                (s.plant_before(m.start()) or _foreign_name(text[head_start:m.start()]))
                and not (_AGGREGATE.search(local) or named)):
            continue
        yield from _direction_readings(text, scope, period, months, m, value, subject, text[head_start:m.end()])


def _about_breakdown(s: _Sentence, blanked: str, start: int, subject: re.Match[str], m: re.Match[str]) -> bool:
    """Whether the direction word `m` may be about a breakdown ("output in Xinjiang rose", "Xinjiang's
    output rose", "Yunnan and Sichuan continued to drive production increases"): any breakdown cue near
    it, unless the cue is plainly in another phrase and clause ("restarts in Yunnan mean output is
    expected to climb")."""
    for cue in _SEGMENT_ONLY.finditer(blanked, start, m.start()):
        if cue.end() > subject.start() or _opens_clause(s, cue.start(), cue.end()):
            return True
        if not (_in_other_phrase(s, cue.start()) and _CLAUSE_LINK.search(_gap(s, cue.end(), subject.start()))):
            return True
    return False


def _direction_subject(low: str, start: int, m: re.Match[str]) -> re.Match[str] | None:
    """The production noun a direction word is about: inside it, before it in its chunk, just after it,
    or (for "it", "its") before it in the sentence. `low` is the lowered sentence."""
    text = low
    inside = _PRODUCTION_SUBJECT.search(text, m.start(), m.end())
    if inside:
        return inside
    found = list(_PRODUCTION_SUBJECT.finditer(text, start, m.start()))
    if found:
        return found[-1]
    after = _PRODUCTION_SUBJECT.search(text, m.end(), min(len(text), m.end() + 30))
    if after and re.match(r"^\s*(?:(?:mom|yoy)\s+)?(?:in|of)\s", text[m.end():after.start()] + " "):
        return after
    earlier = list(_PRODUCTION_SUBJECT.finditer(text, 0, start))
    return earlier[-1] if earlier else None


def _direction_readings(text: str, scope: Scope, period: str, months: list[MonthMention], m: re.Match[str],
                        value: int, subject: re.Match[str], local: str) -> Iterator[Reading]:
    after = _MARKER_AFTER.match(text[m.end():m.end() + 30])
    before = _MARKER_BEFORE.search(text[max(0, m.start() - 30):m.start()])
    marker = (after or before)
    kind = "yoy" if marker and marker.group("m").lower().startswith(("yoy", "year")) else "mom"
    if value == v.BOTH:
        value = -1 if re.match(r"(?:decrease|decline|drop|fall|negative)", m.group(0)) else 1
        measures = ["mom_dir", "yoy_dir"] if "both" in m.group(0) else ["mom_dir"]
        explicit = True
    else:
        measures = [f"{kind}_dir"]
        explicit = marker is not None
    named = bool(scope.names.search(local) or _AGGREGATE.search(local))
    earlier = [mm for mm in months if mm.end <= m.start()]
    later = [mm for mm in months if mm.start >= m.end()]
    when = earlier[-1].key if earlier else (later[0].key if later else period)
    for measure in measures:
        yield Reading("", "production", when, measure, float(value), "dir", "exact", None, m.start(), m.end(),
                      text[m.start():m.end()], priority=2 * explicit + named)
