"""The fact grammar: how the quantities of one sentence become metric facts.

A sentence is read as word classes from vocabulary.py around the quantities that numbers.py found.
For each quantity the resolver answers five questions, each from the words nearest to it, in the order
a reader would (one function each, in this order, below `read_sentence`):

- change or level? (`_classify`) A change word governing it ("up", "decreased by", "a 3.47% increase"),
  a level cue ("was", "to", "reached"), or a link to the quantity before it: a restatement ("39,400 mt
  MoM, representing a 3.47% increase") or a coordination ("... 1.86% MoM and 36% YoY").
- compared with what? (`_assign_markers`) The marker after it ("MoM", "from a year earlier", "from
  June"), one before it ("a YoY increase of"), or the marker of the change it restates ("up 27,900 mt or
  3.05% month on month"); a change no marker reaches gets the one the sentence implies, or none.
- of what? (`_resolve_metric`) The nearest metric noun (production, operating rate, share ...), unless
  a non-metric subject (demand, orders) or a single company is nearer, which makes the number context.
- which breakdown? (`_resolve_segment`) The nearest segment cue that is about the figure's subject:
  cues just after the number first ("29,100 mt in metal content"), lists "respectively", a sub-heading
  ("Other regions:") only until the product itself is named.
- when? (`_resolve_period`, `_resolve_ytd`) A month attached to the number, else the nearest month
  named before it, else the sentence's tense (forecast cues make it next month), else the period the
  paragraph is talking about; a year-to-date range makes it a cumulative figure.

Direction-only statements ("a slight MoM increase", "remain stable") are read by `_directions`.
The scans of a sentence are made once, lazily, by `_Sentence`: most sentences state no number and need
only a few of them.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, NamedTuple, TypeVar

from smm_pipeline import vocabulary as v
from smm_pipeline.clauses import clause_bounds, parenthesised
from smm_pipeline.numbers import COUNTED_NOUNS, Quantity, lex
from smm_pipeline.periods import (
    MONTHS,
    MonthMention,
    YtdRange,
    latest_before,
    month_number,
    months_in,
    nearest,
    parts_of_year,
    shift_month,
    ytd_ranges,
)

T = TypeVar("T")


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
    """The other catalogue products' names, compiled for lowered text."""


class Reading(NamedTuple):
    """A fact as read from one sentence, before report-level resolution (dedupe, direction rules).

    A named tuple rather than a frozen dataclass: a report makes hundreds of these, and a frozen
    dataclass pays a setattr call per field to build one."""

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
    """What one sentence yielded: facts, quantities left unread (with why) and the period the next
    sentence inherits. Its direction-only statements are read on request (`directions`): a report
    needs them only where no number states the measure, and they are the costliest part to read."""

    readings: list[Reading] = field(default_factory=list)
    unread: list[tuple[Quantity, str]] = field(default_factory=list)
    period: str = ""
    _sentence: _Sentence | None = None

    @property
    def direction_periods(self) -> set[str]:
        """Every period a direction-only statement of this sentence could be about."""
        if self._sentence is None:
            return set()
        return {m.key for m in self._sentence.all_months} | {self.period}

    @property
    def directions(self) -> list[Reading]:
        """The sentence's direction-only statements (see `_directions`)."""
        return [] if self._sentence is None else _directions(self._sentence, self.period)


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
    dated: bool = False
    """Its period comes from a month written right after it ("68.9% in May")."""


# --- word classes scanned over whole sentences (compiled for lowered text, see vocabulary.lowered) -----
_CHANGE_RE = v.compile_lowered(
    r"\b(?:(?P<inc>" + v.longest_first(v.INCREASE) + r")\b|(?P<dec>" + v.longest_first(v.DECREASE) + r")\b)")
_BASE_PATTERN = (v.BASE_MONTH + r"(?P<month>" + MONTHS + r")\b\.?(?:\s+\d{1,2}\b)?(?:,?\s*(?P<year>(?:19|20)\d\d))?"
                 r"(?!\s*(?:-|–|to|through)\s*(?:" + MONTHS + r"))")
"""A month a change is compared with ("up 5.02% from April"), not a range's first month ("from January to July")."""
_MARKER_RE = v.compile_lowered(
    r"\b(?:(?P<mom>" + v.longest_first(v.MOM) + r")\b|(?P<yoy>" + v.longest_first(v.YOY) + r")\b|(?P<qoq>"
    + v.longest_first(v.QOQ) + r")\b|(?P<base>" + _BASE_PATTERN + r"))")
_BASE_RE = v.compile_lowered(r"\b(?:" + _BASE_PATTERN + ")")
_METRICS = v.WordClass(v.METRIC_NOUNS)
_BLOCKER_RE = v.compile_words(v.BLOCKER_NOUNS)
_FORECAST_RE = v.compile_words(v.FORECAST_CUES)
_YTD_RE = v.compile_words(v.YTD_CUES)
_CONTEXT_WORDS = v.compile_words(v.CONTEXT_WORDS)
_CONTRIBUTION = v.compile_lowered(r"\b(?:" + v.longest_first(v.CONTRIBUTION_WORDS) + r")\s*(?:of\s+)?$")
_REGION_PATTERN = (
    r"(?<!such as )(?<![\w-])(?P<region>(?:" + v.longest_first(v.REGIONS) + r")"
    r"(?:\s+and\s+(?:" + v.longest_first(v.REGIONS) + r"))?)(?:'s|\s+regions?|\s+provinces?)?\b")
_REGION_RE = re.compile(_REGION_PATTERN, re.IGNORECASE)
_REGION_LOW = v.compile_lowered(_REGION_PATTERN)
_PLANT_LOW = v.compile_lowered(
    r"(?:\b(?:a|an|the|its|this|one)\s+(?:[\w-]+\s+){0,4}?|\b[a-z][\w-]*(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?)"
    r"(?:" + "|".join(v.PLANT_NOUNS) + r")\b|\b(?:" + "|".join(v.COMPANY_WORDS) + r")\b|\bPhase\s+[IVX]+\b")
_PLANT_NOUN = v.compile_lowered("|".join(v.PLANT_NOUNS + v.COMPANY_WORDS) + "|phase")
"""A word every _PLANT_LOW match contains: where none occurs (most sentences), _PLANT_LOW is not run."""
_SUCH_AS = re.compile(r"\bsuch as\s+(?:[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?(?:,\s*and\s+|\s+and\s+|,\s*)?)+")
_PHRASE_SEPARATOR = re.compile(r"[,;]")
_SIDE_UNITS = {"day": "a number of days", "km": "a distance", "duration": "a duration",
               "usd": "a money amount", "yuan": "a money amount"}

# --- change or level ------------------------------------------------------------------------------------
_CHANGE_THEN_FILLER = re.compile(r"(?:\s+|,|" + "|".join(v.CHANGE_FILLER) + r")*", re.IGNORECASE)
_CHANGED_NOUN_BY = re.compile(v.CHANGED_NOUN_BY, re.IGNORECASE)
_CHANGE_NOUN = r"(?P<w>" + v.longest_first(list(v.CHANGE_NOUNS)) + r")\b"
_POST_CHANGE = re.compile(r"\s*(?:(?:MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\s+)?" + _CHANGE_NOUN,
                          re.IGNORECASE)
_COORDINATION = re.compile(
    r"\s*(?:MoM|YoY|QoQ|month[- ]on[- ]month|year[- ]on[- ]year|on the month)?\s*(?:,\s*)?(?:and|as well as|"
    r"while|with)?\s*(?:approximately|around|about|nearly|roughly|over|more than)?\s*", re.IGNORECASE)
_RESTATEMENT = re.compile(
    r"\s*(?:MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)?\s*(?:\(|,?\s*or\b|,?\s*i\.e\.,?|,?\s*"
    r"representing(?:\s+an?)?|,?\s*marking(?:\s+an?)?|,?\s*equivalent to(?:\s+an?)?|,?\s*which (?:is|was)|"
    r",?\s*that is|,\s*an?\s+(?=\w+\s+of\s*$)|,\s*(?:up|down)(?:\s+by)?\b)\s*(?:\w+\s+of\s*|(?:up|down)\s+(?:by\s+)?)?",
    re.IGNORECASE)
"""Between a change and the next figure when the next restates it in another unit ("or", "(",
"representing a", ", a rise of", "12,600 mt MoM, up 1.12%")."""
_OR_BETWEEN = re.compile(r"\s*(?:mt\s*)?(?:\(|,?\s*or|,?\s*i\.e\.,?)\s*")
_LEVEL_CUE = re.compile(
    r"\b(?:" + "|".join(v.LEVEL_CUES) + r")\b(?:\s+(?:" + "|".join(v.LEVEL_MODIFIERS) + r"))*\s*$", re.IGNORECASE)
_BY = re.compile(r"\s*by\s*")
_EXPECTATION_WORD = re.compile(r"expect|forecast|estimate|projected|anticipated", re.IGNORECASE)
_THAN_EXPECTED = re.compile(r"\s*(?:" + v.THAN_EXPECTED + r")\b", re.IGNORECASE)
_VERSUS_EXPECTED = re.compile(r"\s*(?:mt\s+)?(?:compared\s+(?:with|to)|than|over|versus|vs\.?|relative\s+to|against)\s+"
                              r"(?:" + v.THAN_EXPECTED + r")\b", re.IGNORECASE)
"""After a change: it is the gap to the expectation ("increased 23,800 mt compared with the expected")."""
_EXPECTED_BEFORE = re.compile(r"(?:" + v.EXPECTED_LEVEL_BEFORE + r")(?:approximately\s+|about\s+|around\s+)?$",
                              re.IGNORECASE)
_EXPECTED_AFTER = re.compile(r"\s*" + v.EXPECTED_LEVEL_AFTER, re.IGNORECASE)
_BEAT_BEFORE = re.compile(r"\b(?:(?P<beat>" + "|".join(v.BEAT) + r")|(?P<miss>" + "|".join(v.MISS) + r"))\s+$",
                          re.IGNORECASE)

# --- compared with what ---------------------------------------------------------------------------------
_MARKER_GAP = re.compile(
    r"\s*(?:mt|%)?\s*\)?\s*(?:(?:in|on a) (?:physical|metal) (?:content|basis)\s*,?\s*)?"
    r"(?:" + _CHANGE_NOUN + r"\s+(?:in\s+(?:[\w-]+\s+){0,3}?)?)?", re.IGNORECASE)
"""What may stand between a change and its marker ("3.47% increase MoM", "1,200 mt (3%) MoM")."""

# --- of what ----------------------------------------------------------------------------------------------
_METRIC_AFTER = v.compile_lowered(
    r"\s*(?:(?:MoM|YoY)\s+)?(?:increase|rise|growth|gain|jump|decline|decrease|drop|fall|dip|reduction)\s+in\s+"
    r"(?:the\s+)?(?P<metric>" + _METRICS.regex.pattern + r")")
"""A metric named after a change: "a 1.81% drop in operating rates"."""
_SHARE_AFTER = re.compile(r"(?:\s*(?:and|,)?\s*[\d.]+%)*\s+(?:market\s+)?(?:shares?|proportions?)\b", re.IGNORECASE)
_CHANGE_TO = re.compile(r"\s+to\b")
_COUNTED_AFTER = re.compile(r"\s*" + COUNTED_NOUNS + r"\b", re.IGNORECASE)
_COUNT_RISES_TO = re.compile(r"(?:number of|count of)\s+(?:[\w-]+\s+){0,5}(?:increases?|rose|reached|was|is)\s+to\s*$",
                             re.IGNORECASE)
_SHARE_OF_PRODUCERS = re.compile(r"\s*of\s+(?:the\s+)?" + COUNTED_NOUNS + r"\b", re.IGNORECASE)
"""After a percentage: it is a share of the producers ("60% of smelters", "half of the producers")."""
_ONE_PLANT = re.compile(r"\b(?:a|an|the|its)\s+[\w\s-]*(?:smelter|refinery|plant|mine|project)\b", re.IGNORECASE)
_PRODUCERS_WORD = re.compile(r"\b(?:smelters|producers|enterprises|plants)\b", re.IGNORECASE)
_POSSESSIVE_NAME = re.compile(r"[A-Z][\w-]*(?:'s|’s)\s")
_AGGREGATE = re.compile(v.alternation(v.AGGREGATE_WORDS), re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![.\w'’-])[A-Z][a-z][\w-]*")
_KNOWN_CAPS = re.compile(r"(?<![\w'’-])(?:" + "|".join(v.KNOWN_CAPITALISED) + r"|(?i:(?:" + MONTHS
                         + r")(?:(?:-to-|-)(?:" + MONTHS + r"))?))(?![\w-])")

# --- which breakdown ----------------------------------------------------------------------------------------
_POSSESSIVE_BEFORE = re.compile(r"\b(?:their|its)\s+(?:[a-z-]+\s+){0,2}$")
_AFTER_CUE_GAP = re.compile(r"\s*(?:(?:MoM|YoY)\s*)?(?:mt\s*)?(?:in|on|of|for)?\s*(?:the\s+)?(?:a\s+)?")
_CONTENT_IN_BRACKETS = re.compile(r"\s*(?:of\s+(?:[\w-]+\s+){0,3}?)?\(\s*(?:in\s+)?")
_BREAKDOWN_AXES = ("region:", "size:", "feed:", "source:", "form:", "grade:", "series:", "stage:")
_CLAUSE_LINK = re.compile(r"[;,]\s*(?:and|but|while|whereas|so|as|with)?\b|\b(?:and|but|while|whereas|so|as|mean|"
                          r"means|meant|therefore|thus)\b", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|from|across|to|into)\s+(?:the\s+)?$", re.IGNORECASE)
_OPENING_PHRASE = re.compile(
    r"\s*(?:(?:and|but|while|whereas|meanwhile)\s+)?(?:(?:in|for|among|as for|regarding|within|at)\b[^,;]*)?$",
    re.IGNORECASE)
_ENDS_PHRASE = re.compile(r"[^,;:]*[,:]")
_RESPECTIVELY = re.compile(r"\brespectively\b")
_LIST_GAP = re.compile(r"\s*(?:%|mt)?\s*(?:,\s*)?(?:and\s+)?")
_MAINTENANCE_CAPACITY = re.compile(r"involving (?:a )?capacity of\s*$", re.IGNORECASE)
_STATUS_RES = [(re.compile(pattern, re.IGNORECASE), status) for pattern, status in v.PRODUCER_STATUS]
_SURVEYED_AFTER = re.compile(r"\s*(?:(?:[\w-]+\s+){0,3}(?:survey respondents|surveyed)|sampled|assessed)\b",
                             re.IGNORECASE)
_SURVEY = re.compile(r"\b(?:surveyed|survey)\b", re.IGNORECASE)
_NONE_OF = re.compile(r"\s+of\s+the\s+\d+\s+" + COUNTED_NOUNS + r"(?:\s+by\s+\w+)?", re.IGNORECASE)
_NUMBER_OF = re.compile(r"\bthe number of (?P<what>(?:[\w-]+\s+){0,5}?[\w-]+?)\s+(?:increas|decreas|rose|fell|"
                        r"was|were|is|are|reached|will|grew|dropped)", re.IGNORECASE)
_HAVING = re.compile(r"\s+(?P<who>smelters?|producers?|plants?|refiner(?:y|ies)|enterprises?|mills?)\s+"
                     r"(?:had|have|has|with)\s+(?:an?\s+)?(?P<what>(?:[\w-]+\s+){0,2}?(?:plans?|schedules?))\b",
                     re.IGNORECASE)
_COUNT_TAIL_END = re.compile(r"(?<!\d),|,(?!\d)|;|\bwhile\b|\bbut\b")
_REGION_NAMES = {r.lower() for r in v.REGIONS}

# --- when ----------------------------------------------------------------------------------------------------
_ATTACHED_MONTH = re.compile(
    r"\s*(?:mt\s+)?(?:(?:MoM|YoY)\s+)?(?:(?:recorded|seen)\s+)?(?:in|for|during|at|by|as of)\s+(?:the\s+)?"
    r"(?:(?:end|middle|start|beginning)\s+of\s+|mid-|early\s+|late\s+)?(?P<month>" + MONTHS
    + r")\b\.?(?:\s+(?P<year>(?:19|20)\d\d))?", re.IGNORECASE)
"""A month right after a figure dates it: "812,300 mt in March", "795,900 mt at May-end"."""
_IN_RANGE = re.compile(r"\s*(?:in|for|during|over)?\s*(?:the\s+)?")
_IN_PART_OF_YEAR = re.compile(r"\s*(?:mt\s+)?(?:in|for|during)\s+(?:the\s+)?")
_TIME_NOUNS = (r"(?:production(?: schedules?)?|output|supply|operating rates?|operating capacity|capacity|"
               r"imports?|inventor(?:y|ies)|prices?|proportion|share|volume)")
_ADJACENT_AFTER = re.compile(r"(?:'s|’s)?\s+(?:[\w-]+\s+){0,2}?" + _TIME_NOUNS + r"\b", re.IGNORECASE)
_ADJACENT_BEFORE = re.compile(r"\b" + _TIME_NOUNS + r"(?:\s+[\w()-]+){0,7}?\s+(?:in|for|during|of)\s+$",
                              re.IGNORECASE)
_PREPOSITION_END = re.compile(r"\b(?:in|for|during|of)\s+$", re.IGNORECASE)
"""Cheap test that _ADJACENT_BEFORE can match at all."""
_AS_OF = re.compile(r"\b(?:as of|end of)\s+$", re.IGNORECASE)
_SINCE = re.compile(r"\b(?:since|starting (?:from|in))\s+$", re.IGNORECASE)
_MONTH_RANGE_AFTER = re.compile(r"\s*-(?:to-)?\s*(?:" + MONTHS + r")\b", re.IGNORECASE)
_MONTH_RANGE_BEFORE = re.compile(r"(?:" + MONTHS + r")\s*-(?:to-)?\s*$", re.IGNORECASE)
_STATED_PAST = re.compile(r"\s*(?:According to|In (?:" + MONTHS + r")\b)[^,]*,\s*(?:\w+\s+){0,8}?(?:was|were|"
                          r"increased|decreased|rose|fell)\b")
_PARAGRAPH_FORECAST = re.compile(r"\s*(?:" + "|".join(v.OUTLOOK_OPENERS) + ")", re.IGNORECASE)

# --- direction-only statements -----------------------------------------------------------------------------
_DIRECTION_WORDS = v.PatternSet([pattern + r"\b" for pattern, _ in v.DIRECTION_WORDS])
_NEGATED = v.compile_words(v.NEGATIONS)
_PRODUCTION_SUBJECT = v.compile_words(v.PRODUCTION_SUBJECTS)
_DAILY = re.compile(r"\bdaily\b[\w\s-]*$")
_SUBJECT_AFTER = re.compile(r"\s*(?:(?:mom|yoy)\s+)?(?:in|of)\s")
_NUMBER_BEFORE = re.compile(r"\d\s*(?:%|mt|percentage points?|pp)?\s*$")
"""A number just before a direction word governs it ("2.3% lower"): the numeric grammar reads it."""
_GOVERNS_NUMBER = re.compile(r"\s*(?:[a-z]+ly\s+)?(?:by\s+|of\s+)?(?:approximately|around|about|nearly|over|roughly|"
                             r"an estimated)?\s*[-−$\d]", re.IGNORECASE)
_CHUNK_SPLIT = re.compile(r";|,\s*(?:while|but|whereas|although|and|with)\b|\bwhile the\b")
_ABOUT_SOMETHING_ELSE = re.compile(
    r"\s*(?:(?:in|of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:operating rates?|prices?|demand|capacity|proportion|"
    r"share|inventor(?:y|ies)|orders|consumption|sales|imports?|exports?)\b|(?:short\s+of\s+)?(?:" + v.THAN_EXPECTED
    + r")\b)", re.IGNORECASE)
_NOT_PRODUCTION_BETWEEN = re.compile(
    r"\b(?:demand|prices?|orders|consumption|sales|costs?|profits?|enthusiasm|sentiment|operating rates?|"
    r"capacity|proportion|share|inventor(?:y|ies)|the number of)\b", re.IGNORECASE)
_MARKER_AFTER = re.compile(
    r"\s*(?:rates?\s+)?(?:[a-z]+ly\s+)?(?:both\s+)?(?P<m>MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\b",
    re.IGNORECASE)
_MARKER_BEFORE = re.compile(r"\b(?P<m>MoM|YoY|month[- ]on[- ]month|year[- ]on[- ]year)\s+(?:[a-z]+\s+)?$",
                            re.IGNORECASE)
_DOWN_WORD = re.compile(r"decrease|decline|drop|fall|negative")
_SEGMENT_ONLY = v.compile_lowered(
    r"(?<![\w-])(?:" + "|".join([re.sub(r"\(\?P<\w+>", "(?:", cue.pattern) for cue in v.SEGMENT_CUES
                                 if not cue.segment.startswith(("content:", "sample:"))]) + r")(?![\w-])|"
    r"\b(?:[\w-]+-derived|[\w-]+ sector|[\w-]+-grade|series)\b|" + _REGION_PATTERN)
"""Words that put a direction into a breakdown; a breakdown's direction is not a headline fact."""


@cache
def _segment_cues_of(group: str) -> tuple[v.PatternSet, tuple[v.SegmentCue, ...]]:
    """The segment cues that apply to a product group, scanned together."""
    cues = tuple(cue for cue in v.SEGMENT_CUES if not cue.groups or group in cue.groups)
    return v.PatternSet([cue.pattern + r"(?![\w-])" for cue in cues], lead=r"(?<![\w-])"), cues


class _memo(Generic[T]):
    """cached_property without its per-access lock (Python 3.11 takes one on every first access, and a
    sentence reads a dozen of these): the sentence object is never shared between threads."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        value = obj.__dict__[self.name] = self.func(obj)
        return value


Cue = tuple[int, int, str, str | None]
"""A segment cue found in a sentence: start, end, segment, and the metric it implies (if any)."""


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
        return list(_CHANGE_RE.finditer(self.low))

    @_memo
    def markers(self) -> list[re.Match[str]]:
        return list(_MARKER_RE.finditer(self.low))

    @_memo
    def metrics(self) -> list[re.Match[str]]:
        return list(_METRICS.regex.finditer(self.low))

    @_memo
    def blockers(self) -> list[re.Match[str]]:
        return list(_BLOCKER_RE.finditer(self.low))

    @_memo
    def brackets(self) -> list[tuple[int, int]]:
        return parenthesised(self.text)

    @_memo
    def clauses(self) -> list[tuple[int, int]]:
        return clause_bounds(self.text)

    @_memo
    def commas(self) -> list[int]:
        """Positions of the commas and semicolons that separate phrases (not "1,096,800")."""
        text = self.text
        return [m.start() for m in _PHRASE_SEPARATOR.finditer(text) if not (
            0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() and text[m.start() + 1].isdigit())]

    @_memo
    def ytd_cues(self) -> list[re.Match[str]]:
        return list(_YTD_RE.finditer(self.low))

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
        skip = [m.span() for m in _BASE_RE.finditer(self.low)]
        skip += [(r.start, r.end) for r in self.ytd_ranges if r.implies_ytd] + self.brackets
        return [m for m in self.all_months
                if not any(a <= m.start < b for a, b in skip)
                and not _MONTH_RANGE_AFTER.match(text, m.end)
                and not _MONTH_RANGE_BEFORE.search(text, max(0, m.start - 16), m.start)
                and not _SINCE.search(text, max(0, m.start - 20), m.start)]

    @_memo
    def parts_of_year(self) -> list[tuple[int, int]]:
        return parts_of_year(self.text)

    @_memo
    def forecast_cues(self) -> list[int]:
        return [m.start() for m in _FORECAST_RE.finditer(self.low)]

    @_memo
    def forecast(self) -> bool:
        """Whether the sentence speaks of the future (and is not a past statement that mentions one)."""
        return bool(self.forecast_cues) and not _STATED_PAST.match(self.text)

    @_memo
    def segment_cues(self) -> list[Cue]:
        """The breakdown cues of the sentence; where cues overlap, the one that starts first (and is
        longest) stands ("using concentrates" inside "not using concentrates" is not a cue)."""
        cues: list[Cue] = []
        patterns, group_cues = _segment_cues_of(self.scope.group)
        for cue, found in zip(group_cues, patterns.matches(self.low), strict=True):
            for m in found:
                segment = cue.segment.format(**m.groupdict()) if "{" in cue.segment else cue.segment
                cues.append((m.start(), m.end(), segment, cue.metric))
        cues.extend((m.start(), m.end(), _region_segment(m.group(0)), None) for m in _REGION_LOW.finditer(self.low)
                    if not self.scope.names.fullmatch(m.group("region")))
        cues.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        kept: list[Cue] = []
        for cue in cues:
            if not kept or cue[0] >= kept[-1][1]:
                kept.append(cue)
        return kept

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

    @_memo
    def direction_words(self) -> list[tuple[int, re.Match[str]]]:
        """(direction, match) of each DIRECTION_WORDS entry in table order, where production is spoken of."""
        if not _PRODUCTION_SUBJECT.search(self.low):
            return []
        found = _DIRECTION_WORDS.matches(self.low)
        return [(value, m) for (_, value), matches in zip(v.DIRECTION_WORDS, found, strict=True) for m in matches]

    @_memo
    def blanked(self) -> str:
        """The lowered sentence with the product's own names blanked out (other names and breakdown
        words are then looked for in it)."""
        return self.scope.names.sub(lambda m: " " * len(m.group(0)), self.low)

    def plant_before(self, position: int) -> bool:
        """Whether a single plant or company is named before `position`."""
        return any(end <= position for end in self._plant_ends)

    def relevant_months(self, positions: tuple[int, ...] = ()) -> list[MonthMention]:
        """Months that set the period: in the sentence's opening phrase ("In July,", "Looking ahead to
        August,"), next to a metric noun ("production in August", "July production"), or in the same
        comma-chunk as one of the figures at `positions`. A month in a side remark ("as orders were
        fulfilled in July") does not move the period."""
        return [m for m, anchored in self._anchored_months
                if anchored or any(self.chunk_of(p) == self.chunk_of(m.start) for p in positions)]

    @_memo
    def _anchored_months(self) -> list[tuple[MonthMention, bool]]:
        """Each month, and whether it sets the period wherever the figures are (see relevant_months)."""
        if not self.months:
            return []
        first_comma = self.commas[0] if self.commas else -1
        opening = first_comma if 0 <= first_comma <= 60 else 0
        return [(m, bool(m.end <= opening or _ADJACENT_AFTER.match(self.text, m.end)
                         or (_PREPOSITION_END.search(self.text, max(0, m.start - 10), m.start)
                             and _ADJACENT_BEFORE.search(self.text, max(0, m.start - 120), m.start))
                         or _AS_OF.search(self.text, max(0, m.start - 12), m.start))) for m in self.months]

    def forecast_at(self, position: int) -> bool:
        """Whether the figure at `position` is in the future tense: a forecast cue before it, or in its
        comma-chunk ("which will be unfavorable ..." after it does not make it a forecast)."""
        if not self.forecast:
            return False
        chunk_start, chunk_end = self.chunk_of(position)
        return any(c < position or chunk_start <= c < chunk_end for c in self.forecast_cues)

    def chunk_of(self, position: int) -> tuple[int, int]:
        """The comma-chunk containing `position`: from just after the comma before it (or the sentence
        start) to the comma after it (or the end)."""
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
    """Facts stated by one sentence. `period` is the month the paragraph is talking about so far;
    `inherited_segment` the breakdown a sub-heading set."""
    s = _Sentence(text, scope, period, inherited_segment)
    result = SentenceResult(period=_sentence_period(s))
    slots = s.slots = [_Slot(q=q, qualifier=q.qualifier) for q in s.quantities]
    for index in range(len(slots)):
        _classify(s, slots, index)
    for index, slot in enumerate(slots):
        if not slot.reason:
            _resolve_metric(s, slots, index)
    _assign_markers(s, slots)
    for index, slot in enumerate(slots):
        if not slot.reason:
            _resolve_segment(s, slots, index)
            _resolve_period(s, slots, index)
            _resolve_ytd(s, slots, index)
    _inherit_across_restatements(slots)
    _share_content_basis(s, slots)
    _carry_context(s, slots)
    for slot in slots:
        reading = _to_reading(s, slot)
        if reading is None:
            result.unread.append((slot.q, slot.reason or "no reading"))
        else:
            result.readings.append(reading)
    result.unread.extend((q, f"context: {_SIDE_UNITS[q.unit]}, not a panel measure") for q in s.side_quantities)
    if slots and not any(slot.reason for slot in slots):
        result.period = slots[-1].period or result.period
    result._sentence = s
    return result


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
    region = _REGION_RE.match(stripped.split(":")[0])
    if region and not scope.names.fullmatch(region.group("region")):
        return _region_segment(region.group(0))
    return ""


def _sentence_period(s: _Sentence) -> str:
    """The period the next sentence inherits: a month this one names, else next month when this one
    states a forecast figure, else the period it inherited."""
    months = s.relevant_months()
    if months:
        return months[-1].key
    if s.quantities and s.forecast:
        return s.scope.forecast_month
    return s.carry


def _window(s: _Sentence, slots: list[_Slot], index: int) -> tuple[int, int, int, int]:
    """(pre start, quantity start, quantity end, post end) within the quantity's clause."""
    q = slots[index].q
    clause_start, clause_end = s.clause_of(q.start)
    pre_start = max(clause_start, slots[index - 1].q.end if index else clause_start)
    post_end = min(clause_end, slots[index + 1].q.start if index + 1 < len(slots) else clause_end)
    return pre_start, q.start, q.end, post_end


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < position < b for a, b in spans)


def _nearest_before(matches: list[re.Match[str]], start: int, limit: int) -> re.Match[str] | None:
    """The last match that lies within [limit, start)."""
    found = [m for m in matches if limit <= m.start() and m.end() <= start]
    return found[-1] if found else None


# --- change or level -------------------------------------------------------------------------------------

def _classify(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """Change or level, the sign of a change, and whether it is (or compares with) an expectation."""
    slot = slots[index]
    pre_start, q_start, q_end, post_end = _window(s, slots, index)
    pre, post = s.text[pre_start:q_start], s.text[q_end:post_end]
    if _CONTEXT_WORDS.search(s.low, s.clause_of(q_start)[0], q_start) and slot.q.unit not in {"%", "pp", "mt"}:
        slot.reason = "context: exchange or tender price"
        return
    if _CONTRIBUTION.search(s.low, max(pre_start, q_start - 45), q_start):
        slot.reason = "context: one part's contribution to a change, not a level or the total's change"
        return
    change_words = [m for m in s.changes if pre_start <= m.start() and m.end() <= q_start]
    last_change = change_words[-1] if change_words else None
    post_change = _POST_CHANGE.match(post)
    previous = slots[index - 1] if index else None
    linked = previous is not None and previous.change and not previous.reason \
        and s.clause_of(previous.q.start) == s.clause_of(q_start)
    if last_change is not None and (_CHANGE_THEN_FILLER.fullmatch(s.text, last_change.end(), q_start)
                                    or _CHANGED_NOUN_BY.fullmatch(s.text, last_change.end(), q_start)):
        slot.change, slot.sign = True, (1 if last_change.group("inc") else -1)
        if _EXPECTATION_WORD.search(last_change.group(0)):  # "beat expectations by 5,200 mt"
            slot.expectation = "vs"
    elif post_change:
        slot.change, slot.sign = True, v.CHANGE_NOUNS[post_change.group("w").lower()]
        if post_change.group("w").lower() in v.COMPARATIVES and _THAN_EXPECTED.match(post, post_change.end()):
            slot.expectation = "vs"  # "7,300 mt above the expected 1.0261 million mt"
    elif previous is not None and linked and (
            _RESTATEMENT.fullmatch(pre) or (_COORDINATION.fullmatch(pre) and previous.q.unit == slot.q.unit)):
        coordinated = bool(_COORDINATION.fullmatch(pre))
        slot.change, slot.sign, slot.restates = True, previous.sign, not coordinated
        if coordinated and slot.qualifier == "exact" and previous.qualifier == "approx":
            slot.qualifier = "approx"  # "around 5% MoM and 3% YoY"
    elif (sign := _restated_after(s, slots, index)) is not None:
        slot.change, slot.sign = True, sign
    elif _LEVEL_CUE.search(pre[-80:]) or not pre.strip():
        slot.change = False
    if slot.q.unit == "pp":  # a change of a rate, even after "to" ("down to 2 pp lower")
        slot.change = True
        if slot.sign == 1 and last_change is not None and last_change.group("dec"):
            slot.sign = -1
    if slot.change and slot.expectation is None and _VERSUS_EXPECTED.match(post):
        slot.expectation = "vs"
    if not slot.change and (_EXPECTED_BEFORE.search(pre[-100:]) or _EXPECTED_AFTER.match(post)):
        slot.expectation = "level"
    elif previous is not None and previous.expectation == "level" and _BY.fullmatch(pre):
        _beat_by(s, previous, slot)
    if slot.change and linked and _RESTATEMENT.fullmatch(pre) and (previous.q.unit == "%") != (slot.q.unit == "%"):
        slot.restates = True  # "up 27,900 mt or 3.05%": the 3.05% takes the 27,900 mt's marker


def _beat_by(s: _Sentence, expected: _Slot, slot: _Slot) -> None:
    """"exceeded the expected 27,100 mt by 400 mt": the second figure is the gap to the expectation."""
    before = s.text[:expected.q.start]
    words = _EXPECTED_BEFORE.search(before)
    verb = _BEAT_BEFORE.search(before, 0, words.start() if words else len(before))
    if verb is not None:
        slot.expectation, slot.sign = "vs", (1 if verb.group("beat") else -1)


def _restated_after(s: _Sentence, slots: list[_Slot], index: int) -> int | None:
    """The sign of a change that the next figure restates and that a word after it names:
    "138,500 mt or 14.46% higher from a year earlier", "(1.2% or 3,000 mt lower)"."""
    if index + 1 >= len(slots):
        return None
    after = slots[index + 1].q
    if not _OR_BETWEEN.fullmatch(s.text, slots[index].q.end, after.start):
        return None
    word = _POST_CHANGE.match(s.text, after.end, s.clause_of(after.start)[1])
    return None if word is None else v.CHANGE_NOUNS[word.group("w").lower()]


# --- compared with what ----------------------------------------------------------------------------------

def _assign_markers(s: _Sentence, slots: list[_Slot]) -> None:
    """Comparison markers: the one after a change first, then one before it, then the one of the change
    it restates. A marker serves one change."""
    claimed: set[int] = set()
    for index, slot in enumerate(slots):
        if not slot.change or slot.reason:
            continue
        _, _, q_end, post_end = _window(s, slots, index)
        post_change = _POST_CHANGE.match(s.text, q_end, post_end)
        stop = post_end
        if post_change:  # "a 3.47% increase MoM": the marker may follow the change noun
            stop = max(stop, post_change.end())
            stop = next((min(post_end, m.start()) for m in s.changes if post_change.end() < m.start() < post_end),
                        stop)
        else:  # a new change word after the quantity starts the next phrase
            stop = next((m.start() for m in s.changes if q_end < m.start() < post_end), stop)
        for m in s.markers:
            if q_end <= m.start() <= stop and m.start() not in claimed and _MARKER_GAP.fullmatch(s.text, q_end,
                                                                                                  m.start()):
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
                and other.metric == slot.metric and other.change and _kind_of(other.q.unit) == kind
                for other in s.slots)
    return None if taken else only


def _kind_of(unit: str) -> str:
    """How a change in this unit is measured: in %, in percentage points, or in the level's unit."""
    return {"%": "pct", "pp": "pp"}.get(unit, "abs")


# --- of what ------------------------------------------------------------------------------------------------

def _resolve_metric(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """The metric of a figure, or the reason it is context (another subject, one company, no fitting unit)."""
    slot = slots[index]
    q = slot.q
    clause_start, _ = s.clause_of(q.start)
    metric = _nearest_before(s.metrics, q.start, clause_start) or _nearest_before(s.metrics, q.start, 0)
    chosen = _METRICS.meaning(metric.group(0)) if metric else "production"
    blocker = _nearest_before(s.blockers, q.start, clause_start)
    following = _METRIC_AFTER.match(s.low, q.end)
    if following:  # "a 1.81% drop in operating rates"
        chosen, metric = _METRICS.meaning(following.group("metric")), following
    segment_metric = next((cue[3] for cue in s.segment_cues if cue[3] and cue[1] <= q.start
                           and s.text[cue[1]:q.start].count(",") <= 1 and not _inside(cue[0], s.brackets)
                           and (metric is None or cue[0] >= metric.start() - 40)), None)
    if blocker is not None and _blocks(s, blocker, metric):
        slot.reason = f"context: the subject is {s.text[blocker.start():blocker.end()]!r}, not a panel metric"
        return
    if q.unit == "count":
        slot.metric = _count_metric(s, slot)
        return
    if q.unit == "%" and _SHARE_OF_PRODUCERS.match(s.text, q.end):
        slot.metric = "share"
        return
    if segment_metric and (metric is None or q.unit in {"%", "pp", "usd/mt", "usd/dmt", "yuan/mt", "mt"}) \
            and not (segment_metric == "share" and q.unit not in {"%", "pp"}):
        chosen = segment_metric
    if _plant_context(s, q.start):
        slot.reason = "context: a single plant or company"
        return
    if q.unit == "%" and not slot.change and chosen == "production":
        if _SHARE_AFTER.match(s.text, q.end, s.clause_of(q.start)[1]):
            chosen = "share"
        else:
            _percent_is_a_change(s, slots, index)
    fitting = _fit_metric_to_unit(chosen, q.unit, slot.change)
    if fitting is None:
        slot.reason = f"no metric fits a {q.unit or 'bare'} figure here"
        return
    slot.metric = fitting


def _blocks(s: _Sentence, blocker: re.Match[str], metric: re.Match[str] | None) -> bool:
    """Whether a non-panel subject ("demand", "trading volume", "daily output") is what the figure is
    about: it contains the metric noun, or comes after it without the product being named again."""
    if metric is not None and blocker.start() <= metric.start() and blocker.end() >= metric.end():
        return True
    renamed = bool(s.names) and max(s.names) >= blocker.end()
    return (metric is None or blocker.start() > metric.start()) and not renamed


def _percent_is_a_change(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """A production figure in % is a change even after a level cue ("the MoM increase ... was 10%",
    "a MoM decline expanding to around 7%", "reaching approximately 24.5% compared to the previous month")."""
    slot = slots[index]
    clause_start, _ = s.clause_of(slot.q.start)
    words = [m for m in s.changes if clause_start <= m.start() and m.end() <= slot.q.start
             and not _CHANGE_TO.match(s.text, m.end())]
    if words:
        slot.change, slot.sign = True, (1 if words[-1].group("inc") else -1)
    elif index and slots[index - 1].change:
        slot.change, slot.sign = True, slots[index - 1].sign


def _fit_metric_to_unit(metric: str, unit: str, change: bool) -> str | None:
    """A metric whose unit can be this figure's (an operating rate is never in mt)."""
    rate_like = {"operating_rate", "share"}
    if unit in {"%", "pp"}:  # a % is a rate's level or any change; a pp is a change of a rate (or a misuse)
        return metric if metric in rate_like or change or unit == "pp" else None
    if unit in {"usd/mt", "usd/dmt", "yuan/mt", "yuan/mtu"}:
        return metric if metric in {"price", "treatment_charge"} else "price"
    if unit == "mt/year":
        return "operating_capacity" if metric == "operating_capacity" else "capacity"
    if unit in {"mt", "GW", "sqm"}:
        return "production" if metric in rate_like or metric == "producer_count" else metric
    return None


def _count_metric(s: _Sentence, slot: _Slot) -> str | None:
    """A count is of producers when producers follow it or a "number of" rises to it."""
    if not _COUNTED_AFTER.match(s.text, slot.q.end) and not slot.change and \
            not _COUNT_RISES_TO.search(s.text, 0, slot.q.start):
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
            and not _PRODUCERS_WORD.search(chunk):
        return bool(_POSSESSIVE_NAME.search(s.text, 0, position))
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


def _share_content_basis(s: _Sentence, slots: list[_Slot]) -> None:
    """Figures of one clause about one content basis share it: "117,900 mt (Ni content) of NPI in March,
    up 3.51% MoM and 23.9% YoY" are all metal content; "output rose 19% YoY to 353,700 mt in nickel
    content" too. A clause with both bases ("27,700 mt in nickel content or 662,000 mt in physical
    content") is left as its cues say."""
    by_clause: dict[tuple[int, int], list[_Slot]] = {}
    for slot in slots:
        if not slot.reason and slot.metric == "production":
            by_clause.setdefault(s.clause_of(slot.q.start), []).append(slot)
    for members in by_clause.values():
        bases = {slot.segment for slot in members if slot.segment.startswith("content:")}
        if len(bases) == 1:
            (basis,) = bases
            for slot in members:
                if slot.segment == "":
                    slot.segment = basis


def _carry_context(s: _Sentence, slots: list[_Slot]) -> None:
    """A change that follows a company's figure in the same clause is that company's change too: "The
    average premiums for Jinchuan nickel were 2,100 yuan/mt, down 500 yuan/mt MoM from June"."""
    for previous, slot in itertools.pairwise(slots):
        if previous.reason.startswith("context: a single plant") and slot.change and not slot.reason \
                and s.clause_of(previous.q.start) == s.clause_of(slot.q.start) \
                and not any(previous.q.end <= m.start() < slot.q.start for m in s.metrics) \
                and not any(previous.q.end <= n < slot.q.start for n in s.names):
            slot.reason = previous.reason


# --- which breakdown ---------------------------------------------------------------------------------------

def _resolve_segment(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """The breakdown a figure belongs to; "" is the product's national total."""
    slot = slots[index]
    q = slot.q
    if slot.expectation:
        slot.segment = "basis:vs_expected" if slot.expectation == "vs" else "basis:expected"
    elif slot.metric == "producer_count" or (q.unit == "%" and _SHARE_OF_PRODUCERS.match(s.text, q.end)):
        slot.segment = _count_segment(s, slots, index)
        if q.unit == "%":
            slot.metric = "share"
    else:
        slot.segment = _cue_segment(s, slots, index)


def _cue_segment(s: _Sentence, slots: list[_Slot], index: int) -> str:
    """The segment cue a figure belongs to: one right after it, its place in a "respectively" list, an
    item cue of its metric, the nearest attached cue before it, or the sub-heading's breakdown."""
    q = slots[index].q
    clause_start, _ = s.clause_of(q.start)
    _, _, _, post_end = _window(s, slots, index)
    cues = [c for c in s.segment_cues if not _inside(c[0], s.such_as)]
    after = [c for c in cues if q.end <= c[0] < post_end and _right_after(s, q, c, slots[index].metric)]
    if after and not after[0][2].startswith("sample:"):
        grade = [c for c in cues if c[2].startswith("grade:") and clause_start <= c[0] and c[1] <= q.start
                 and not _detached(s, c, q.start)]
        grades_named = {c[2] for c in cues if c[2].startswith("grade:")}
        if after[0][2].startswith("content:") and grade and len(grades_named) > 1:
            return grade[-1][2]  # "high-grade NPI was 225,000 mt in physical content; low-grade NPI was ..."
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
    if _MAINTENANCE_CAPACITY.search(s.text, clause_start, q.start):
        return "item:capacity_under_maintenance"
    referred = _referred_breakdown(s, cues, q.start)
    if referred:
        return referred
    previous = slots[index - 1] if index else None
    if previous is not None and slots[index].change and not previous.change and previous.segment \
            and previous.metric == slots[index].metric and s.clause_of(previous.q.start)[0] == clause_start \
            and not any(previous.q.end <= m.start() < q.start for m in s.metrics):
        return previous.segment  # "43.7 kt of NPI (in Ni metal), down 5.2% m-o-m": the level's change
    if s.inherited and not any(n < q.start for n in s.headings):
        return s.inherited
    return ""


def _referred_breakdown(s: _Sentence, cues: list[Cue], position: int) -> str:
    """The breakdown a possessive points back to: "production at smelters not using copper concentrates
    declined, as reflected in their lower operating rate (68.9% ...)" is about those smelters."""
    noun = _nearest_before(s.metrics, position, 0)
    if noun is None or not _POSSESSIVE_BEFORE.search(s.low, max(0, noun.start() - 30), noun.start()):
        return ""
    earlier = [c for c in cues if c[1] <= noun.start() and c[2].startswith(_BREAKDOWN_AXES)]
    return earlier[-1][2] if earlier else ""


def _right_after(s: _Sentence, q: Quantity, cue: Cue, metric: str | None) -> bool:
    """Whether a cue after the figure names its breakdown: "29,100 mt in metal content", or a content
    basis in brackets after the product ("43.7 kt of NPI (in Ni metal)")."""
    if _AFTER_CUE_GAP.fullmatch(s.text, q.end, cue[0]):
        return not _inside(cue[0], s.brackets) or any(a < q.start < cue[0] < b for a, b in s.brackets)
    return cue[2].startswith("content:") and metric == "production" \
        and bool(_CONTENT_IN_BRACKETS.fullmatch(s.text, q.end, cue[0]))


def _detached(s: _Sentence, cue: Cue, position: int) -> bool:
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
        and bool(_ENDS_PHRASE.match(s.text, cue_end, chunk_end + 1))


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


def _respectively(s: _Sentence, slots: list[_Slot], index: int, cues: list[Cue]) -> str:
    """"the 8-series and 9-series held 29.06% and 17.37%, respectively": the n-th figure of a list
    belongs to the n-th cue of the list before it."""
    q = slots[index].q
    clause_start, clause_end = s.clause_of(q.start)
    if not _RESPECTIVELY.search(s.text, q.end, clause_end):
        return ""
    group = [index]
    while group[0] > 0 and _LIST_GAP.fullmatch(s.text, slots[group[0] - 1].q.end, slots[group[0]].q.start):
        group.insert(0, group[0] - 1)
    while group[-1] + 1 < len(slots) and _LIST_GAP.fullmatch(s.text, slots[group[-1]].q.end,
                                                              slots[group[-1] + 1].q.start):
        group.append(group[-1] + 1)
    first = slots[group[0]].q
    listed = [c for c in cues if clause_start <= c[0] and c[1] <= first.start]
    if len(group) < 2 or len(listed) < len(group):
        return ""
    listed = listed[-len(group):]
    if len({c[2].split(":")[0] for c in listed}) != 1:
        return ""
    return listed[group.index(index)][2]


def _count_segment(s: _Sentence, slots: list[_Slot], index: int) -> str:
    """Producer counts are broken down by what the producers did ("17 producers halted production") or
    had ("only one smelter had a maintenance plan"); the survey's size is sample:surveyed."""
    q = slots[index].q
    rest_start = q.end
    none_of = _NONE_OF.match(s.text, q.end) if q.word else None
    if none_of:  # "none of the 24 surveyed producers saw a significant increase"
        rest_start = none_of.end()
    elif _SURVEYED_AFTER.match(s.text, q.end):
        return "sample:surveyed"
    if slots[index].change and index and slots[index - 1].metric == "producer_count":
        return slots[index - 1].segment
    number_of = _NUMBER_OF.search(s.text, s.clause_of(q.start)[0], q.start)
    if number_of is not None:
        return "item:" + _snake(number_of.group("what"))
    having = _HAVING.match(s.text, q.end)
    if having:
        return f"item:{_plural(having.group('who'))}_with_{_snake(_plural(having.group('what')))}"
    tail = _COUNT_TAIL_END.split(s.text[rest_start:], maxsplit=1)[0]
    head = s.text[s.chunk_of(q.start)[0]:q.start]
    for text in (tail, head):
        for regex, status in _STATUS_RES:
            if regex.search(text):
                return status
    if q.unit == "count" and _SURVEY.search(s.text, 0, q.start):
        return "sample:surveyed"
    return ""


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _plural(noun: str) -> str:
    noun = noun.lower()
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


def _region_segment(name: str) -> str:
    """region:<snake_case> of a region phrase ("Sichuan and Yunnan" -> region:sichuan_yunnan)."""
    name = re.sub(r"(?:'s|’s)$", "", name.strip())
    stripped = re.sub(r"\s+(?:regions?|provinces?)$", "", name, flags=re.IGNORECASE)
    if stripped.lower() in _REGION_NAMES or " and " in stripped.lower():
        name = stripped
    parts = [p for p in re.split(r"\s+and\s+", name, flags=re.IGNORECASE) if p]
    return "region:" + "_".join(_snake(p) for p in parts)


# --- when ----------------------------------------------------------------------------------------------------

def _resolve_period(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """The month a figure is for (see the module docstring), or the reason it is no monthly figure."""
    slot = slots[index]
    q = slot.q
    if _dated_by_part_of_year(s, q):
        slot.reason = "context: a quarter or half-year figure, not a monthly one"
        return
    attached = _ATTACHED_MONTH.match(s.text, q.end)
    if attached and attached.group("month")[0].isupper():  # "812,300 mt in March"
        year = int(attached.group("year")) if attached.group("year") else None
        slot.period = nearest(month_number(attached.group("month")), s.scope.report_month, year)
        slot.dated = True
        return
    months = s.relevant_months(tuple(other.q.start for other in slots[:index + 1]))
    before = [m for m in months if m.end <= q.start]
    if before:
        slot.period = before[-1].key
        return
    previous = slots[index - 1] if index else None
    if previous is not None and previous.dated and slot.change and not previous.change \
            and s.clause_of(previous.q.start) == s.clause_of(q.start):
        slot.period = previous.period  # "(68.9% in May, down 3 percentage points)": the level's month
        return
    after = [m.key for m in months if m.start >= q.end]
    if after:
        forecast = s.forecast_at(q.start) and s.scope.forecast_month in after
        slot.period = s.scope.forecast_month if forecast else after[0]
        return
    slot.period = s.scope.forecast_month if s.forecast_at(q.start) else s.carry
    if slot.base and slot.marker is None and slot.base != shift_month(slot.period, -12):
        slot.period = shift_month(slot.base, 1)  # "up 5.02% from April" is about May


def _dated_by_part_of_year(s: _Sentence, q: Quantity) -> bool:
    """Whether a quarter or half-year ("Q3 output is expected to reach", "3.3 million mt in Q3") is what the
    figure at `q` is for: in its comma-chunk before it with no month between, or right after it."""
    chunk_start, _ = s.chunk_of(q.start)
    for start, end in s.parts_of_year:
        if (chunk_start <= start and end <= q.start and not any(end <= m.start < q.start for m in s.months)) \
                or (start >= q.end and _IN_PART_OF_YEAR.fullmatch(s.text, q.end, start)):
            return True
    return False


def _resolve_ytd(s: _Sentence, slots: list[_Slot], index: int) -> None:
    """Whether a figure is year-to-date ("cumulative ... from January to July", "Jan-Aug output"), and
    then its period is the range's last month."""
    slot = slots[index]
    q = slot.q
    cue_before = any(m.end() <= q.start for m in s.ytd_cues)
    ranges = [r for r in s.ytd_ranges if r.implies_ytd or cue_before]
    range_before = [r for r in ranges if r.end <= q.start]
    chunk_end = s.chunk_of(q.end)[1]
    range_after = [r for r in ranges if q.end <= r.start <= chunk_end]
    if cue_before or range_before:
        if range_before and any(range_before[-1].end < m.start and m.end <= q.start for m in s.months):
            return  # "In Jan-Jul ..., July output was": a later month dates the figure
        slot.ytd = True
        chosen = range_before or range_after or ranges
        if chosen:
            slot.period = chosen[-1].last if range_before else chosen[0].last
    elif range_after and ((slot.change and slot.marker in {"yoy", None})
                          or _IN_RANGE.fullmatch(s.text, q.end, range_after[0].start)):
        slot.ytd = True  # "rose 4.1% YoY in January-May", "totalled 6.49 million mt from January to July"
        slot.period = range_after[0].last


def _inherit_across_restatements(slots: list[_Slot]) -> None:
    """A restating quantity shares its change's time scope and breakdown ("..., marking an 11.82% rise")."""
    for previous, slot in itertools.pairwise(slots):
        if slot.restates and not slot.reason:
            slot.ytd = slot.ytd or previous.ytd
            slot.period = previous.period
            slot.segment = slot.segment or previous.segment
            slot.metric = previous.metric or slot.metric


# --- the reading --------------------------------------------------------------------------------------------

def _to_reading(s: _Sentence, slot: _Slot) -> Reading | None:
    """The slot as a fact, or None (with `slot.reason` set) when it is not one."""
    q = slot.q
    if slot.reason or slot.metric is None:
        return None
    value, unit, qualifier, high = q.value, q.unit, slot.qualifier, q.value_high
    if slot.expectation or not slot.change:
        period, measure = slot.period, "ytd_level" if slot.ytd and slot.metric == "production" else "level"
        if slot.expectation:  # what the last report expected for this month, or the gap to it
            period, measure = s.scope.report_month, "level"
            value = abs(value) * slot.sign if slot.expectation == "vs" else value
        return Reading(slot.segment, slot.metric, period, measure, value, unit, qualifier, high, q.start, q.end,
                       q.text)
    marker, period = slot.marker, slot.period
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
        marker = _implied_marker(s, slot, _kind_of(unit))
        if marker is None:
            slot.reason = "a change with no MoM/YoY label"
            return None
    if marker == "qoq":
        slot.reason = "context: a quarter-on-quarter or week-on-week change, not a panel measure"
        return None
    if unit == "pp" and slot.metric not in {"operating_rate", "share"}:
        unit = "%"  # "production dropped by 1.49 percentage points": a misused unit, read as a % change
    kind = _kind_of(unit)
    measure = f"{'ytd_' if slot.ytd and marker == 'yoy' else ''}{marker}_{kind}"
    signed = abs(value) * slot.sign
    if high is not None:
        signed, high = sorted((abs(value) * slot.sign, abs(high) * slot.sign))
    return Reading(slot.segment, slot.metric, period, measure, signed, unit, qualifier, high,
                   q.start, q.end, q.text, priority=1 if qualifier in {"exact", "approx"} else 0)


# --- direction-only statements -----------------------------------------------------------------------------

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
    bases = [m.span() for m in _BASE_RE.finditer(s.low)] if s.all_months else []
    months = [m for m in s.all_months if not _inside(m.start + 1, bases)
              and not _MONTH_RANGE_AFTER.match(s.text, m.end)
              and not _MONTH_RANGE_BEFORE.search(s.text, max(0, m.start - 16), m.start)]
    best: dict[str, Reading] = {}
    start = 0
    for boundary in [*_CHUNK_SPLIT.finditer(s.text), None]:
        end = boundary.start() if boundary else len(s.text)
        chunk_start, start = start, (boundary.end() if boundary else len(s.text))
        in_chunk = [(value, m) for value, m in words if chunk_start <= m.start() and m.end() <= end]
        if not in_chunk or _NEGATED.search(s.low, chunk_start, end):
            continue
        for reading in _chunk_directions(s, chunk_start, in_chunk, period, months):
            current = best.get(reading.measure)
            if current is None or reading.priority > current.priority:
                best[reading.measure] = reading
    return list(best.values())


def _chunk_directions(s: _Sentence, start: int, words: list[tuple[int, re.Match[str]]],
                      period: str, months: list[MonthMention]) -> Iterator[Reading]:
    """The readings of one comma-chunk's direction words (in DIRECTION_WORDS order: earlier entries
    claim their words first)."""
    text, scope = s.text, s.scope
    taken: list[tuple[int, int]] = []
    for value, m in words:
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        taken.append((m.start(), m.end()))
        if _GOVERNS_NUMBER.match(text, m.end()) or _ABOUT_SOMETHING_ELSE.match(text, m.end()) or \
                _NUMBER_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        subject = _direction_subject(s.low, start, m)
        if subject is None or _DAILY.search(s.low, max(0, subject.start() - 30), subject.start()):
            continue  # no production subject, or daily output (not the month's)
        between = text[max(min(subject.end(), m.start()), start if subject.end() < start else 0):m.start()]
        if _NOT_PRODUCTION_BETWEEN.search(between) or (subject.end() >= start and len(between) > 120):
            continue
        head_start = max(start, min(subject.start(), m.start()) - 60)
        local = s.blanked[head_start:m.start()]
        named = scope.names.search(text, head_start, m.start())
        if not named and scope.others.search(local[-50:]):
            continue  # another product's production
        if _about_breakdown(s, max(head_start, m.start() - 60), subject, m) or (
                (s.plant_before(m.start()) or _foreign_name(text[head_start:m.start()]))
                and not (_AGGREGATE.search(local) or named)):
            continue
        yield from _direction_readings(s, period, months, m, value, text[head_start:m.end()])


def _about_breakdown(s: _Sentence, start: int, subject: re.Match[str], m: re.Match[str]) -> bool:
    """Whether the direction word `m` may be about a breakdown ("output in Xinjiang rose", "Xinjiang's
    output rose", "Yunnan and Sichuan continued to drive production increases"): any breakdown cue near
    it, unless the cue is plainly in another phrase and clause ("restarts in Yunnan mean output is
    expected to climb")."""
    for cue in _SEGMENT_ONLY.finditer(s.blanked, start, m.start()):
        if cue.end() > subject.start() or _opens_clause(s, cue.start(), cue.end()):
            return True
        if not (_in_other_phrase(s, cue.start()) and _CLAUSE_LINK.search(_gap(s, cue.end(), subject.start()))):
            return True
    return False


def _direction_subject(low: str, start: int, m: re.Match[str]) -> re.Match[str] | None:
    """The production noun a direction word is about, in the lowered sentence: inside it, before it in
    its chunk, just after it ("a rise in output"), or (for "it", "its") before it in the sentence."""
    inside = _PRODUCTION_SUBJECT.search(low, m.start(), m.end())
    if inside:
        return inside
    found = list(_PRODUCTION_SUBJECT.finditer(low, start, m.start()))
    if found:
        return found[-1]
    after = _PRODUCTION_SUBJECT.search(low, m.end(), min(len(low), m.end() + 30))
    if after and _SUBJECT_AFTER.match(low[m.end():after.start()] + " "):
        return after
    earlier = list(_PRODUCTION_SUBJECT.finditer(low, 0, start))
    return earlier[-1] if earlier else None


def _direction_readings(s: _Sentence, period: str, months: list[MonthMention], m: re.Match[str], value: int,
                        local: str) -> Iterator[Reading]:
    """The mom_dir / yoy_dir readings of one direction word, ranked by how explicit they are."""
    text = s.text
    marker = _MARKER_AFTER.match(text, m.end(), m.end() + 30) or \
        _MARKER_BEFORE.search(text, max(0, m.start() - 30), m.start())
    kind = "yoy" if marker and marker.group("m").lower().startswith(("yoy", "year")) else "mom"
    if value == v.BOTH:
        value = -1 if _DOWN_WORD.match(m.group(0)) else 1
        measures = ["mom_dir", "yoy_dir"] if "both" in m.group(0) else ["mom_dir"]
        explicit = True
    else:
        measures = [f"{kind}_dir"]
        explicit = marker is not None
    named = bool(s.scope.names.search(local) or _AGGREGATE.search(local))
    earlier = [mm for mm in months if mm.end <= m.start()]
    later = [mm for mm in months if mm.start >= m.end()]
    when = earlier[-1].key if earlier else (later[0].key if later else period)
    for measure in measures:
        yield Reading("", "production", when, measure, float(value), "dir", "exact", None, m.start(), m.end(),
                      text[m.start():m.end()], priority=2 * explicit + named)
