"""Consistency rules: where a report contradicts itself, misuses a unit, or restates a figure.

Each rule is a function over one report's facts (and, for the rules across time, the previous report's
facts and other vintages of the same month); the rounding-interval maths stays in plain Python. Every
comparison is rounding-aware: a stated number stands for its rounding interval (intervals.py), two
estimates of one quantity conflict only when their intervals cannot meet, and a difference that
rounding explains is at most `info`.

The rules are declared once, in RULEBOOK below (name, worst severity, what each compares, what must
hold); each runs as a named Pandera check on the facts, and the same declaration makes the Dagster asset
checks, the brief's explanations and the README's table.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa

from smm_pipeline.directions import AMBIGUOUS
from smm_pipeline.extraction import Extraction
from smm_pipeline.facts import FACT_COLUMNS, Fact, facts_frame
from smm_pipeline.intervals import Interval, apply, interval_of, written_quantity
from smm_pipeline.lexicon import lexicon
from smm_pipeline.numbers import lex
from smm_pipeline.periods import shift_month
from smm_pipeline.reader import UNLABELLED
from smm_pipeline.rows import records

SEVERITIES = ("info", "warning", "error")
RATE_METRICS = {"operating_rate", "share"}
RESTATEMENT_SPREAD = 0.25
"""Two statements of one key closer than this (relative to the larger) restate one figure with two values
(a contradiction); further apart they are two quantities that share a key (the reading's doubt, info)."""
LEVEL_METRICS = {"production", "capacity", "operating_capacity", "inventory", "imports"}
PARTITION_AXES = {"size", "feed", "series", "grade", "source", "stage"}
"""Axes whose parts divide the whole (an average of their % changes lies within their range)."""
NOT_BREAKDOWNS = ("content", "basis", "sample", "item", "status")
"""Segment axes that are no breakdown of the total: a content measure, a basis of comparison, a survey
sample, an item (a grade, a by-product), a producer's status."""


def complete_breakdown(parts: Sequence[Fact]) -> bool:
    """Whether the parts name the whole breakdown, so that they add up to it: one of them is "the rest"
    (other regions, other types)."""
    remainder = lexicon().words("REMAINDER")
    return any(part.segment.partition(":")[2] in remainder for part in parts)
FINDING_COLUMNS = ["report_month", "sha256", "product", "rule", "severity", "message", "facts", "line", "lines",
                   "evidence"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stated(Fact):
    """A fact as the rules see it: the fact, the interval its rounding allows, and its report vintage."""

    interval: Interval
    sha256: str

    @property
    def label(self) -> str:
        """A short description for messages: 'copper_cathode 2025-07 mom_abs 39,400 mt (line 11)'."""
        segment = f" [{self.segment}]" if self.segment else ""
        metric = "" if self.metric == "production" else f" {self.metric}"
        return f"{self.period}{segment}{metric} {self.measure} {self.value_text} (line {self.line})"

    @property
    def shown(self) -> str:
        """The figure as the rules read it, signed ('-8.1%' for "decreased by 8.10%")."""
        unit = "" if self.unit in {"%", "count", "dir"} else f" {self.unit}"
        percent = "%" if self.unit == "%" else ""
        return f"{self.value:+,g}{percent}{unit}" if self.measure != "level" else f"{self.value:,g}{percent}{unit}"

    @property
    def ref(self) -> str:
        """The fact's key and value, for the `facts` column."""
        return f"{self.product}|{self.segment}|{self.metric}|{self.period}|{self.measure}={self.value:g}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One data-quality finding."""

    report_month: str
    sha256: str
    product: str | None
    rule: str
    severity: str
    message: str
    facts: tuple[Stated, ...] = ()
    extra_lines: tuple[int, ...] = ()

    @property
    def lines(self) -> tuple[int, ...]:
        """Every line of this report the finding rests on."""
        own = {f.line for f in self.facts if f.report_month == self.report_month and f.sha256 == self.sha256}
        return tuple(sorted(own | set(self.extra_lines)))

    def row(self) -> dict[str, object]:
        """The finding as a data_quality_findings row."""
        lines = self.lines
        evidence = " | ".join(dict.fromkeys(f.evidence for f in self.facts if f.line in lines))
        return {"report_month": self.report_month, "sha256": self.sha256, "product": self.product,
                "rule": self.rule, "severity": self.severity, "message": self.message,
                "facts": "; ".join(f.ref for f in self.facts), "line": lines[0] if lines else 0,
                "lines": ";".join(str(n) for n in lines), "evidence": evidence}


@dataclass(frozen=True, slots=True)
class Estimate:
    """One way of knowing a month's level, with the facts it rests on."""

    interval: Interval
    how: str
    sources: tuple[Stated, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two sides a rule compared, and how: 'equal' (the sides must agree), 'range' (the left side is a
    total that must stay within the range of the right side's parts) or 'sum' (shares that must not pass
    100%). The mutation harness uses this to write a mutant that really contradicts: a fact on both
    sides of an equality cancels out and cannot."""

    kind: str
    left: tuple[Stated, ...]
    right: tuple[Stated, ...] = ()

    @property
    def facts(self) -> tuple[Stated, ...]:
        """Every fact compared, once."""
        return tuple(dict.fromkeys((*self.left, *self.right)))

    @property
    def one_sided(self) -> tuple[Stated, ...]:
        """Facts on one side only: changing one of them alone changes the comparison."""
        return tuple(f for f in self.facts if (f in self.left) != (f in self.right))


@dataclass(slots=True)
class CheckResult:
    """Findings, and every comparison made (the mutation harness mutates the facts in them)."""

    findings: list[Finding] = field(default_factory=list)
    compared: list[Comparison] = field(default_factory=list)
    judged: list[Stated] = field(default_factory=list)
    """The facts judged, as the rules read them (the words' findings compare them with the text)."""


def stated_facts(frame: pd.DataFrame) -> list[Stated]:
    """metric_facts rows as Stated facts with their rounding intervals."""
    out = []
    vintages = frame["sha256"].astype(str).tolist() if "sha256" in frame else [""] * len(frame)
    for fields, sha256 in zip(records(frame, FACT_COLUMNS), vintages, strict=True):
        fields["value_high"] = None if pd.isna(fields["value_high"]) else float(fields["value_high"])
        fields["value"] = float(fields["value"])
        interval = interval_of(fields["value"], fields["value_text"], fields["unit"], fields["qualifier"],
                               fields["value_high"])
        out.append(Stated(**fields, interval=interval, sha256=sha256))
    return out


class _Index:
    """Facts of one report by what they are about."""

    def __init__(self, facts: Iterable[Stated]) -> None:
        self.by_key: dict[tuple[str, str, str, str, str], Stated] = {}
        self.statements: dict[tuple[str, str, str, str, str], list[Stated]] = defaultdict(list)
        self._periods: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for fact in facts:
            key = (fact.product, fact.segment, fact.metric, fact.period, fact.measure)
            self.by_key.setdefault(key, fact)
            self.statements[key].append(fact)
            self._periods[(fact.product, fact.segment, fact.metric)].add(fact.period)

    def get(self, product: str, segment: str, metric: str, period: str, measure: str) -> Stated | None:
        return self.by_key.get((product, segment, metric, period, measure))

    def series(self) -> set[tuple[str, str, str]]:
        return set(self._periods)

    def periods(self, product: str, segment: str, metric: str) -> set[str]:
        return set(self._periods.get((product, segment, metric), ()))

    def facts(self) -> list[Stated]:
        return list(self.by_key.values())


def _severity_of_gap(a: Interval, b: Interval) -> str:
    """A conflict beyond the width of either estimate is an error; a narrower one a warning."""
    width = max((i.high - i.low) for i in (a, b) if math.isfinite(i.high - i.low)) if any(
        math.isfinite(i.high - i.low) for i in (a, b)) else 0.0
    return "error" if a.gap(b) > width else "warning"


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def _span(interval: Interval) -> str:
    return f"[{_fmt(interval.low)}, {_fmt(interval.high)}]"


# --- level estimates ---------------------------------------------------------------------------------

def _direct_estimates(index: _Index, product: str, segment: str, metric: str, period: str) -> list[Estimate]:
    """Estimates of a level from facts about that month alone."""
    found: list[Estimate] = []
    get = index.get
    level = get(product, segment, metric, period, "level")
    if level is not None:
        found.append(Estimate(level.interval, f"stated level {level.value_text}", (level,)))
    if metric in RATE_METRICS:
        return found
    for kind in ("mom", "yoy"):
        change, pct = get(product, segment, metric, period, f"{kind}_abs"), get(product, segment, metric, period,
                                                                                   f"{kind}_pct")
        if change is not None and pct is not None and not pct.interval.crosses_zero():
            implied = apply(lambda a, r: a * (1 + 100 / r), change.interval, pct.interval)
            if implied is not None:
                found.append(Estimate(implied, f"{change.value_text} as {pct.value_text} {kind.upper()}",
                                      (change, pct)))
    return found


def _linked_estimates(index: _Index, product: str, segment: str, metric: str, period: str,
                      previous: _Index | None = None) -> list[Estimate]:
    """Estimates of a month's level through the month before (from this report, else the previous
    report's actual) or the month after it."""
    get = index.get
    found: list[Estimate] = []
    before, after = shift_month(period, -1), shift_month(period, 1)
    additive = "pp" if metric in RATE_METRICS else "abs"
    bases = _direct_estimates(index, product, segment, metric, before) or (
        _direct_estimates(previous, product, segment, metric, before) if previous is not None else [])
    for base in bases:
        step = get(product, segment, metric, period, f"mom_{additive}")
        if step is not None:
            implied = apply(lambda b, a: b + a, base.interval, step.interval)
            if implied is not None:
                found.append(Estimate(implied, f"{before} ({base.how}) {step.value_text}", (*base.sources, step)))
        pct = get(product, segment, metric, period, "mom_pct")
        if pct is not None and metric not in RATE_METRICS:
            implied = apply(lambda b, r: b * (1 + r / 100), base.interval, pct.interval)
            if implied is not None:
                found.append(Estimate(implied, f"{before} ({base.how}) {pct.value_text}", (*base.sources, pct)))
    for later in _direct_estimates(index, product, segment, metric, after):
        step = get(product, segment, metric, after, f"mom_{additive}")
        if step is not None and step not in later.sources:
            implied = apply(lambda n, a: n - a, later.interval, step.interval)
            if implied is not None:
                found.append(Estimate(implied, f"{after} ({later.how}) less {step.value_text}",
                                      (*later.sources, step)))
        pct = get(product, segment, metric, after, "mom_pct")
        if pct is not None and pct not in later.sources and metric not in RATE_METRICS:
            implied = apply(lambda n, r: n / (1 + r / 100), later.interval, pct.interval)
            if implied is not None:
                found.append(Estimate(implied, f"{after} ({later.how}) before {pct.value_text}",
                                      (*later.sources, pct)))
    return found


def rule_level_estimates(index: _Index, context: _Context) -> Iterator[Finding]:
    """Every estimate of one month's level must meet every other."""
    for product, segment, metric in sorted(index.series()):
        if metric not in LEVEL_METRICS | RATE_METRICS:
            continue
        for period in sorted(index.periods(product, segment, metric)):
            estimates = (_direct_estimates(index, product, segment, metric, period)
                         + _linked_estimates(index, product, segment, metric, period, context.previous))
            yield from _compare_estimates(context, product, segment, metric, period, estimates)


def _compare_estimates(context: _Context, product: str, segment: str, metric: str, period: str,
                       estimates: list[Estimate]) -> Iterator[Finding]:
    conflicts: list[tuple[Estimate, Estimate]] = []
    rounding: list[tuple[Estimate, Estimate]] = []
    for i, first in enumerate(estimates):
        for second in estimates[i + 1:]:
            if set(first.sources) == set(second.sources):
                continue
            context.compare("equal", first.sources, second.sources)
            if not first.interval.meets(second.interval):
                conflicts.append((first, second))
            elif abs(first.interval.mid - second.interval.mid) > 1e-9 * max(1.0, abs(first.interval.mid)) and (
                    math.isfinite(first.interval.mid) and math.isfinite(second.interval.mid)):
                rounding.append((first, second))
    what = f"{product} {segment + ' ' if segment else ''}{metric} {period}"
    if conflicts:
        severity = max((_severity_of_gap(a.interval, b.interval) for a, b in conflicts), key=SEVERITIES.index)
        detail = "; ".join(f"{a.how} gives {_span(a.interval)} but {b.how} gives {_span(b.interval)}"
                           for a, b in conflicts[:3])
        sources = tuple(dict.fromkeys(s for pair in conflicts for e in pair for s in e.sources))
        yield context.finding(product, "level_estimates", severity,
                              f"{what}: the stated figures cannot all hold, even allowing for rounding: {detail}",
                              sources)
    elif rounding:
        a, b = rounding[0]
        sources = tuple(dict.fromkeys(s for pair in rounding for e in pair for s in e.sources))
        yield context.finding(product, "level_estimates", "info",
                              f"{what}: {a.how} gives {_span(a.interval)} and {b.how} gives {_span(b.interval)}: "
                              "they differ only by rounding", sources)


# --- other numeric rules -------------------------------------------------------------------------------

def rule_bounds(index: _Index, context: _Context) -> Iterator[Finding]:
    """A rate or share is 0-100%; a production, capacity or inventory level is not negative."""
    for fact in index.facts():
        if fact.measure != "level" or fact.segment.startswith("basis:"):
            continue
        if fact.metric in RATE_METRICS and not fact.interval.meets(Interval(0, 100)):
            yield context.finding(fact.product, "bounds", "error",
                                  f"{fact.product} {fact.period}: {fact.metric} of {fact.shown} is outside 0-100%",
                                  (fact,))
        elif fact.metric in LEVEL_METRICS and fact.interval.high < 0:
            yield context.finding(fact.product, "bounds", "error",
                                  f"{fact.product} {fact.period}: a {fact.metric} level of {fact.shown} is negative",
                                  (fact,))


def rule_ytd_chain(index: _Index, context: _Context) -> Iterator[Finding]:
    """The year-to-date YoY change grows by this month's YoY change; the YTD level by this month's level."""
    for product, segment, metric in sorted(index.series()):
        if metric != "production":
            continue
        for period in sorted(index.periods(product, segment, metric)):
            before = shift_month(period, -1)
            for ytd, month in (("ytd_yoy_abs", "yoy_abs"), ("ytd_level", "level")):
                now, earlier = index.get(product, segment, metric, period, ytd), context.lookup(
                    product, segment, metric, before, ytd)
                step = index.get(product, segment, metric, period, month)
                if now is None or earlier is None or step is None or period[5:] == "01":
                    continue
                yield from context.expect(
                    "ytd_chain", lambda a, b: a - b, (now, earlier), step,
                    f"{product} {period}: {ytd} {now.value_text} less {before}'s {earlier.value_text}")


def rule_sign_mismatch(index: _Index, context: _Context) -> Iterator[Finding]:
    """The tonnage and the percentage of one change must point the same way."""
    for (product, segment, metric, period, measure), change in index.by_key.items():
        if not measure.endswith("_abs"):
            continue
        pct = index.get(product, segment, metric, period, measure.replace("_abs", "_pct"))
        if pct is not None and change.value * pct.value < 0:
            context.compare("equal", (change,), (pct,))
            yield context.finding(product, "sign_mismatch", "error",
                                  f"{product} {period}: {change.shown} and {pct.shown} describe one "
                                  f"{measure[:3].upper()} change but point in opposite directions", (change, pct))


def rule_parts_vs_whole(index: _Index, context: _Context) -> Iterator[Finding]:
    """A total's change or rate lies within its parts' range; shares of a breakdown add up to <= 100%."""
    groups: dict[tuple[str, str, str, str, str], list[Stated]] = defaultdict(list)
    for (product, segment, metric, period, measure), fact in index.by_key.items():
        axis = segment.split(":")[0] if segment else ""
        if axis in PARTITION_AXES | {"raw"}:
            groups[(product, axis, metric, period, measure)].append(fact)
    for (product, axis, metric, period, measure), parts in sorted(groups.items()):
        if metric == "share" and measure == "level":
            yield from _shares(context, product, axis, period, parts)
            continue
        if axis == "raw" or len(parts) < 2 or not (measure.endswith(("_pct", "_pp")) or metric in RATE_METRICS):
            continue
        total = _total_for(index, product, axis, metric, period, measure)
        if total is None:
            continue
        low = min(p.interval.low for p in parts)
        high = max(p.interval.high for p in parts)
        context.compare("range", (total,), tuple(parts))
        if not total.interval.meets(Interval(low, high)):
            names = ", ".join(f"{p.segment} {p.shown}" for p in parts)
            yield context.finding(product, "parts_vs_whole", "error",
                                  f"{product} {period}: the total {measure} {total.shown} lies outside the "
                                  f"range of its parts ({names}); an average of the parts cannot leave their range",
                                  (total, *parts))


def rule_parts_add_up(index: _Index, context: _Context) -> Iterator[Finding]:
    """Parts of a complete breakdown (one of them is "the rest": other regions, other types) add up to
    the whole: levels and changes to the total's (stated, or from its level and % change), shares to 100%.
    A part stated "unchanged" counts as zero."""
    groups: dict[tuple[str, str, str, str, str], list[Stated]] = defaultdict(list)
    for (product, segment, metric, period, measure), fact in index.by_key.items():
        axis, _, name = segment.partition(":")
        if not name or axis in NOT_BREAKDOWNS:
            continue
        if measure in ("level", "mom_abs", "yoy_abs"):
            groups[(product, axis, metric, period, measure)].append(fact)
        elif measure.endswith("_dir") and fact.value == 0:
            groups[(product, axis, metric, period, measure.replace("_dir", "_abs"))].append(fact)
    for (product, axis, metric, period, measure), parts in sorted(groups.items()):
        if len(parts) < 2 or not complete_breakdown(parts):
            continue
        total, whole = _whole(index, product, metric, period, measure)
        if total is None:
            continue
        summed = apply(lambda *xs: sum(xs), *(Interval(0, 0) if p.unit == "dir" else p.interval for p in parts))
        context.compare("equal", tuple(parts), whole)
        if summed is not None and not summed.meets(total):
            names = " + ".join(f"{p.segment.partition(':')[2]} {'0' if p.unit == 'dir' else p.value_text}"
                               for p in parts)
            yield context.finding(product, "parts_vs_whole", _severity_of_gap(summed, total),
                                  f"{product} {period}: the parts of a complete {axis} breakdown of {metric} "
                                  f"{measure} add up to {_span(summed)} ({names}), but the whole is {_span(total)}",
                                  (*parts, *whole))


def _whole(index: _Index, product: str, metric: str, period: str,
           measure: str) -> tuple[Interval | None, tuple[Stated, ...]]:
    """The whole a complete breakdown must add up to: 100% for shares; else the total's figure, or for a
    change its level and % change (change = level x p / (100 + p))."""
    if metric == "share":
        return (Interval(100, 100), ()) if measure == "level" else (None, ())
    stated = index.get(product, "", metric, period, measure)
    if stated is not None:
        return stated.interval, (stated,)
    level, pct = index.get(product, "", metric, period, "level"), index.get(
        product, "", metric, period, measure.replace("_abs", "_pct"))
    if measure == "level" or level is None or pct is None:
        return None, ()
    return apply(lambda l_, p: l_ * p / (100 + p), level.interval, pct.interval), (level, pct)


def _total_for(index: _Index, product: str, axis: str, metric: str, period: str, measure: str) -> Stated | None:
    """The whole a breakdown divides: the national figure, or metal content where there is no national one."""
    total = index.get(product, "", metric, period, measure)
    if total is None and axis == "grade":
        total = index.get(product, "content:metal", metric, period, measure)
    return total


def _shares(context: _Context, product: str, axis: str, period: str, parts: list[Stated]) -> Iterator[Finding]:
    total = apply(lambda *xs: sum(xs), *(p.interval for p in parts)) if parts else None
    if total is None:
        return
    context.compare("sum", tuple(parts))
    names = " + ".join(p.value_text for p in parts)
    if total.low > 100:
        yield context.finding(product, "parts_vs_whole", "error",
                              f"{product} {period}: {axis} shares add up to more than 100% ({names})", tuple(parts))
    elif axis == "raw" and len(parts) >= 3 and not total.meets(Interval(95, 105)):
        yield context.finding(product, "parts_vs_whole", "warning",
                              f"{product} {period}: the raw-material mix adds up to {_span(total)}%, far from 100% "
                              f"({names})", tuple(parts))


def rule_content_grade(index: _Index, context: _Context) -> Iterator[Finding]:
    """Metal content = physical content x grade: (1 + metal%) = (1 + physical%) x (1 + grade%)."""
    for (product, segment, _, period, measure), grade in index.by_key.items():
        if not segment.endswith("grade") or measure != "mom_pct" or not segment.startswith("item:"):
            continue
        metal = index.get(product, "content:metal", "production", period, "mom_pct")
        physical = index.get(product, "content:physical", "production", period, "mom_pct")
        if metal is None or physical is None:
            continue
        yield from context.expect(
            "content_grade", lambda m, p: ((1 + m / 100) / (1 + p / 100) - 1) * 100, (metal, physical), grade,
            f"{product} {period}: metal content {metal.shown} and physical content {physical.shown} (as a grade "
            "change in %)")


def rule_unit_misuse(index: _Index, context: _Context) -> Iterator[Finding]:
    """Percentage points belong to rates; a rate's change in % is ambiguous (relative change or pp?)."""
    for fact in index.facts():
        if fact.metric not in RATE_METRICS and fact.measure.endswith("_pct") and _written_in_points(fact.value_text):
            yield context.finding(fact.product, "unit_misuse", "error",
                                  f"{fact.product} {fact.period}: a change of {fact.metric} is given in percentage "
                                  f"points ({fact.value_text}); read as {fact.measure} {fact.value:g}%", (fact,))
        elif fact.metric in RATE_METRICS and fact.measure.endswith("_pct"):
            yield context.finding(fact.product, "unit_misuse", "warning",
                                  f"{fact.product} {fact.period}: the {fact.metric} changes by {fact.shown}, a "
                                  "percentage rather than percentage points: a relative change or pp?", (fact,))


def _written_in_points(value_text: str) -> bool:
    """The figure as written is in percentage points, whatever unit the contract files it under."""
    quantity = written_quantity(value_text)
    return quantity is not None and quantity.unit == "pp"


def rule_double_statement(index: _Index, context: _Context) -> Iterator[Finding]:
    """One figure stated twice in one report must be stated the same, allowing for rounding."""
    for statements in index.statements.values():
        first = statements[0]
        for later in statements[1:]:
            context.compare("equal", (first,), (later,))
            if first.interval.meets(later.interval):
                continue
            near = abs(first.value - later.value) <= RESTATEMENT_SPREAD * max(abs(first.value), abs(later.value))
            what = (f"{first.product} {first.period}: {first.measure} is stated as {first.value_text} "
                    f"(line {first.line}) and as {later.value_text} (line {later.line})")
            if near:
                yield context.finding(first.product, "double_statement", "warning",
                                      f"{what}; the panel keeps the first", (first, later))
            else:  # 1,308 mt and 150 mt under one key are two quantities, not one stated twice
                yield context.finding(first.product, "double_statement", "info",
                                      f"{what}: too far apart to be one figure restated; one of them is "
                                      "probably another quantity", (first, later))


def rule_direction_vs_figure(index: _Index, context: _Context) -> Iterator[Finding]:
    """A direction in words ("production rose") must agree with the report's own figure for that change."""
    for (product, segment, metric, period, measure), statements in index.statements.items():
        if not measure.endswith("_dir"):
            continue
        basis = measure.removesuffix("_dir")
        figures = [f for suffix in CHANGE_FORMS
                   for f in index.statements.get((product, segment, metric, period, basis + suffix), [])]
        for said in statements:
            for figure in figures:
                if said.value == 0:
                    continue  # "held steady" beside a small change is a matter of wording, not arithmetic
                context.compare("equal", (said,), (figure,))
                if (figure.interval.high if said.value > 0 else -figure.interval.low) < 0:
                    yield context.finding(product, "direction_conflict", "warning",
                                          f"{product} {period}: the text says its {metric} "
                                          f"{_DIRECTION_WORDS[int(said.value)]} {basis.upper()} (line {said.line}), "
                                          f"but the report's figure is {figure.shown} (line {figure.line})",
                                          (said, figure))


_DIRECTION_WORDS = {1: "rose", -1: "fell"}
CHANGE_FORMS = ("_pct", "_abs", "_pp")
"""The measures that state a change as a figure, beside its direction (`_dir`)."""


def rule_expectation(index: _Index, context: _Context) -> Iterator[Finding]:
    """The actual level = the previous report's expected level + the beat (or - the miss):
    A = E + D, with `basis:expected` E and `basis:vs_expected` D of the same month."""
    for (product, segment, metric, period, measure), expected in index.by_key.items():
        if segment != "basis:expected" or measure != "level":
            continue
        beat = index.get(product, "basis:vs_expected", metric, period, "level")
        actual = index.get(product, "", metric, period, "level")
        if beat is not None and actual is not None:
            yield from context.expect("expectation", lambda e, d: e + d, (expected, beat), actual,
                                      f"{product} {period}: expected {expected.value_text} and {beat.shown} "
                                      "against it")


def rule_ytd_triplet(index: _Index, context: _Context) -> Iterator[Finding]:
    """A year-to-date total, its change and its % change agree: base = total - change, % = change / base
    (for any span: months, quarters, halves, a whole year)."""
    for (product, segment, metric, period, measure), total in index.by_key.items():
        if measure != "ytd_level":
            continue
        change = index.get(product, segment, metric, period, "ytd_yoy_abs")
        pct = index.get(product, segment, metric, period, "ytd_yoy_pct")
        if change is not None and pct is not None:
            yield from context.expect("ytd_triplet", lambda t, c: c / (t - c) * 100, (total, change), pct,
                                      f"{product} {period}: the year-to-date total {total.value_text} and its "
                                      f"change {change.shown}")


def rule_operating_rate(index: _Index, context: _Context) -> Iterator[Finding]:
    """Operating rate = operating capacity / capacity (both in mt/year, same month and breakdown)."""
    for (product, segment, metric, period, measure), rate in index.by_key.items():
        if metric != "operating_rate" or measure != "level":
            continue
        running = index.get(product, segment, "operating_capacity", period, "level")
        capacity = index.get(product, segment, "capacity", period, "level")
        if running is not None and capacity is not None and running.unit == capacity.unit == "mt/year":
            yield from context.expect("operating_rate", lambda r, c: r / c * 100, (running, capacity), rate,
                                      f"{product} {period}: operating capacity {running.value_text} of "
                                      f"{capacity.value_text}")


def rule_daily_average(index: _Index, context: _Context) -> Iterator[Finding]:
    """A daily average times the days of its month is the month's level."""
    for (product, segment, metric, period, measure), daily in index.by_key.items():
        if not segment.startswith("item:") or not any(word in segment for word in lexicon().words("DAILY_ITEM")) \
                or measure != "level":
            continue
        month = index.get(product, "", metric, period, "level")
        if month is not None:
            days = calendar.monthrange(int(period[:4]), int(period[5:]))[1]
            yield from context.expect("daily_average", lambda d, n=days: d * n, (daily,), month,
                                      f"{product} {period}: the daily average {daily.value_text} over {days} days")


def rule_sample_restatement(index: _Index, context: _Context) -> Iterator[Finding]:
    """A survey-sample change re-bases a series: not an error, but the old and new figures differ."""
    by_product: dict[str, list[Stated]] = defaultdict(list)
    for fact in index.facts():
        if fact.segment.startswith("sample:") and fact.segment != "sample:surveyed" and fact.measure == "level":
            by_product[fact.product].append(fact)
    for product, facts in sorted(by_product.items()):
        bases = sorted({f.segment for f in facts})
        if len(bases) < 2:
            continue
        shown = "; ".join(f"{f.segment.split(':')[1]} {f.period} {f.value_text}" for f in facts)
        yield context.finding(product, "restatement", "warning",
                              f"{product}: the survey sample was re-based and the series restated ({shown}); "
                              "growth rates across the change mix two bases", tuple(facts))


def rule_cross_report(index: _Index, context: _Context) -> Iterator[Finding]:
    """Against the previous report: restated months, and last month's forecast against this month's actual."""
    for fact in index.facts():
        if fact.measure != "level" or fact.period >= fact.report_month or fact.segment.startswith("sample:"):
            continue
        earlier = context.previous_fact(fact.product, fact.segment, fact.metric, fact.period, "level")
        if earlier is None or earlier.period != earlier.report_month:
            continue
        context.compare("equal", (fact,), (earlier,))
        if not fact.interval.meets(earlier.interval):
            yield context.finding(fact.product, "restatement", "warning",
                                  f"{fact.product} {fact.period}: this report states {fact.value_text}, the "
                                  f"{earlier.report_month} report stated {earlier.value_text} (line {earlier.line})",
                                  (fact, earlier))
    for fact in index.facts():
        if fact.period != fact.report_month or fact.measure not in {"level", "mom_pct"} or fact.metric != "production":
            continue
        forecast = context.previous_fact(fact.product, fact.segment, fact.metric, fact.period, fact.measure)
        if forecast is None or forecast.period == forecast.report_month:
            continue
        miss = fact.value - forecast.value
        yield context.finding(fact.product, "forecast_vs_actual", "info",
                              f"{fact.product} {fact.period}: forecast {forecast.value_text} "
                              f"({forecast.report_month} report, line {forecast.line}), actual {fact.value_text}; "
                              f"miss {miss:+,.4g}", (fact, forecast))


def rule_vintages(index: _Index, context: _Context) -> Iterator[Finding]:
    """A new vintage of a month that changes a figure of an older vintage."""
    for fact in index.facts():
        older = context.older_vintage_fact(fact)
        if older is not None and not fact.interval.meets(older.interval):
            yield context.finding(fact.product, "restatement", "warning",
                                  f"{fact.product} {fact.period} {fact.measure}: this vintage states "
                                  f"{fact.value_text}, an earlier vintage ({older.sha256[:8]}) stated "
                                  f"{older.value_text}",
                                  (fact, older))


# --- running the rules ----------------------------------------------------------------------------------

@dataclass
class _Context:
    """What the rules may look at beyond the report's own facts."""

    report_month: str
    sha256: str
    current: _Index
    previous: _Index
    older_vintages: list[_Index]
    result: CheckResult

    def finding(self, product: str | None, rule: str, severity: str, message: str,
                facts: tuple[Stated, ...] = (), extra_lines: tuple[int, ...] = ()) -> Finding:
        return Finding(self.report_month, self.sha256, product, rule, severity, message, facts, extra_lines)

    def expect(self, rule: str, formula: Callable[..., float], inputs: tuple[Stated, ...], stated: Stated,
               what: str) -> Iterator[Finding]:
        """`stated` must be reachable from `inputs` through `formula`, allowing for rounding."""
        implied = apply(formula, *(f.interval for f in inputs))
        self.compare("equal", inputs, (stated,))
        if implied is not None and not implied.meets(stated.interval):
            yield self.finding(stated.product, rule, _severity_of_gap(implied, stated.interval),
                               f"{what} give {_span(implied)}, but the report says {stated.shown} "
                               f"(line {stated.line})", (*inputs, stated))

    def compare(self, kind: str, left: tuple[Stated, ...], right: tuple[Stated, ...] = ()) -> None:
        """Record a comparison for the mutation harness."""
        self.result.compared.append(Comparison(kind, left, right))

    def lookup(self, product: str, segment: str, metric: str, period: str, measure: str) -> Stated | None:
        """A fact from this report, else from the previous report (for chains across months)."""
        return self.current.get(product, segment, metric, period, measure) or self.previous.get(
            product, segment, metric, period, measure)

    def previous_fact(self, product: str, segment: str, metric: str, period: str, measure: str) -> Stated | None:
        return self.previous.get(product, segment, metric, period, measure)

    def older_vintage_fact(self, fact: Stated) -> Stated | None:
        for vintage in self.older_vintages:
            found = vintage.get(fact.product, fact.segment, fact.metric, fact.period, fact.measure)
            if found is not None:
                return found
        return None


RuleFn = Callable[[_Index, _Context], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One consistency rule as users see it: the name of its findings (the `rule` column), the worst
    severity it raises, what it compares, and why. `finds` are the functions over the facts that raise
    it; a rule about the words (an unknown heading, an unlabelled change) has none and is raised while
    the report is read. This one declared set makes the Pandera checks, the asset checks, the brief's
    explanations and the README's table."""

    name: str
    severity: str
    compares: str
    explanation: str
    finds: tuple[RuleFn, ...] = ()


RULEBOOK: tuple[Rule, ...] = (
    Rule("bounds", "error", "each rate, share and level alone",
         "A rate or share is 0-100%; a production, capacity or inventory level is not negative.", (rule_bounds,)),
    Rule("level_estimates", "error", "a month's level, its changes, the month before and after",
         "Every way the report pins down one month's level (the level; a change in tonnes and in %; the "
         "previous month plus the change; next month's forecast less its change) must agree within rounding.",
         (rule_level_estimates,)),
    Rule("sign_mismatch", "error", "the tonnage and the % of one change",
         "The absolute and the relative form of one change must point the same way.", (rule_sign_mismatch,)),
    Rule("ytd_chain", "error", "this and last month's year-to-date figures",
         "ytd_yoy_abs(t) - ytd_yoy_abs(t-1) = yoy_abs(t); ytd_level(t) - ytd_level(t-1) = level(t).",
         (rule_ytd_chain,)),
    Rule("ytd_triplet", "error", "a year-to-date total, its change and its % change",
         "base = total - change; % = change / base, for any span (months, quarters, a half, a year).",
         (rule_ytd_triplet,)),
    Rule("expectation", "error", "the actual level, the expected level and the beat or miss",
         "actual = expected + beat (basis:expected and basis:vs_expected of the same month).", (rule_expectation,)),
    Rule("operating_rate", "error", "an operating rate and the two capacities",
         "operating rate = operating capacity / existing capacity.", (rule_operating_rate,)),
    Rule("daily_average", "error", "a daily average and the month's level",
         "daily average x days in the month (from the calendar) = the month's level.", (rule_daily_average,)),
    Rule("parts_vs_whole", "error", "a breakdown's parts and their total",
         "A total's % change or rate lies within its parts' range (an average cannot leave it); shares of a "
         "breakdown add up to at most 100%, and to 100% when the list names the rest; the levels and changes of "
         "a complete list add up to the total's.", (rule_parts_vs_whole, rule_parts_add_up)),
    Rule("content_grade", "error", "metal content, physical content and grade",
         "metal content = physical content x grade, so their MoM changes must compose.", (rule_content_grade,)),
    Rule("unit_misuse", "error", "a change's unit and what changed",
         "Percentage points belong to rates; a tonnage's change in pp is an error, a rate's change in % is "
         "ambiguous (a relative change or pp?).", (rule_unit_misuse,)),
    Rule("double_statement", "warning", "two statements of one figure",
         "One figure stated twice in a report must be stated the same, allowing for rounding (two values far "
         "apart are two quantities under one key: info).", (rule_double_statement,)),
    Rule("direction_conflict", "warning", "a direction in words and the figures",
         "A direction the words give (\"slipped\", \"retreated from February's level\", a direction fact) must "
         "agree with the report's figure for that change or the levels it runs between; a direction with no "
         "label beside MoM and YoY directions that differ is ambiguous.", (rule_direction_vs_figure,)),
    Rule("restatement", "warning", "a figure across reports, vintages and survey samples",
         "A report restating an earlier month differently from the report that first stated it; a survey "
         "sample re-based; a new vintage of a month that changes its figures.",
         (rule_sample_restatement, rule_cross_report, rule_vintages)),
    Rule("forecast_vs_actual", "info", "last month's forecast and this month's actual",
         "The previous report's forecast for this month against this month's actual.", (rule_cross_report,)),
    Rule("unlabelled_change", "warning", "a change and its words",
         "A change with no MoM or YoY basis is no panel figure."),
    Rule("unknown_heading", "warning", "a section heading and the product catalogue",
         "A heading that names no catalogue product: its numbers are listed, not read."),
    Rule("no_sections", "error", "the report and the product catalogue",
         "A report with no recognised product section is a failed report, not an empty one."),
    Rule("truncated", "warning", "the report's last line",
         "A report that ends mid-sentence was cut off: what followed is missing."),
    Rule("fewer_sections", "warning", "the products read this month and last",
         "Far fewer products read than in the previous month's report (under half): sections lost or unread."),
    Rule("converted_from_html", "info", "the file's format",
         "The file was HTML; its visible text was read (line numbers refer to that text)."),
)
RULES = {rule.name: rule for rule in RULEBOOK}


def rules_table() -> str:
    """The rules as a markdown table (the README's, made from RULEBOOK)."""
    rows = ["| rule | worst severity | compares | what must hold |", "| --- | --- | --- | --- |"]
    rows += [f"| `{r.name}` | {r.severity} | {r.compares} | {r.explanation} |" for r in RULEBOOK]
    return "\n".join(rows)


@dataclass(frozen=True, slots=True)
class ToJudge:
    """One report vintage's facts, with what the rules across time compare them with: the previous month's
    report and the month's older vintages."""

    facts: pd.DataFrame
    previous: pd.DataFrame | None = None
    older_vintages: tuple[pd.DataFrame, ...] = ()


VERDICT_COLUMN = "line"
"""What Pandera sees of a fact: its line, so that a rule's failure cases are the lines it cites. One column
check rather than a whole-frame check: Pandera reshapes a frame check's failing rows one by one (about
0.1 ms each, seconds in a backfill), a column check's failures at once."""


def check_facts(facts: pd.DataFrame, previous: pd.DataFrame | None = None,
                older_vintages: Iterable[pd.DataFrame] = ()) -> CheckResult:
    """Run every rule on one report vintage's facts; `previous` is the previous month's report."""
    return check_batch([ToJudge(facts, previous, tuple(older_vintages))])[0]


def check_batch(batch: Sequence[ToJudge]) -> list[CheckResult]:
    """Every rule on each vintage of a batch (a backfill's months), with one Pandera validation for all.

    Each rule is a named Pandera check on the facts: a row fails a rule's check when a warning or error of
    the rule cites it, and a vintage's findings of a rule are kept when the check failed on one of its
    rows (info findings, a rounding-only difference, always). Pandera validates the batch's rows at
    once, so a backfill pays its fixed cost (about 8 ms) once rather than per month, and each frame is
    read into Stated facts once, although a month's facts are also the next month's `previous`."""
    read: dict[int, list[Stated]] = {}

    def stated(frame: pd.DataFrame) -> list[Stated]:  # the frames live in `batch`, so their ids are stable
        if id(frame) not in read:
            read[id(frame)] = stated_facts(frame)
        return read[id(frame)]

    results = [CheckResult() for _ in batch]
    raised: list[dict[str, list[Finding]]] = []
    cited: dict[str, set[int]] = defaultdict(set)
    owner: list[int] = []  # the batch item of each row Pandera validates
    for item, (judged, result) in enumerate(zip(batch, results, strict=True)):
        current = stated(judged.facts) if not judged.facts.empty else []
        result.judged[:] = current
        raised.append({})
        if not current:
            continue
        previous = judged.previous
        context = _Context(report_month=current[0].report_month, sha256=current[0].sha256, current=_Index(current),
                           previous=_Index(stated(previous) if previous is not None and not previous.empty else []),
                           older_vintages=[_Index(stated(v)) for v in judged.older_vintages], result=result)
        row_of = {id(fact): len(owner) + n for n, fact in enumerate(current)}
        owner.extend([item] * len(current))
        raised[item] = _raise_findings(context)
        for rule, found in raised[item].items():
            cited[rule] |= {row_of[id(f)] for finding in found if finding.severity != "info"
                            for f in finding.facts if id(f) in row_of}
    lines = pd.concat([j.facts[VERDICT_COLUMN] for j in batch if not j.facts.empty], ignore_index=True) \
        if owner else pd.Series(dtype="int64")
    failed = _failed_checks(lines.to_frame(VERDICT_COLUMN), cited, owner)
    for item, result in enumerate(results):
        for rule in RULEBOOK:
            result.findings.extend(f for f in raised[item].get(rule.name, [])
                                   if f.severity == "info" or (item, rule.name) in failed)
    return results


def _raise_findings(context: _Context) -> dict[str, list[Finding]]:
    """Each rule's findings on one vintage; a rule function that serves several rules runs once."""
    computed: dict[RuleFn, list[Finding]] = {}
    raised: dict[str, list[Finding]] = {}
    for rule in (rule for rule in RULEBOOK if rule.finds):
        for find in rule.finds:
            if find not in computed:
                computed[find] = list(find(context.current, context))
        raised[rule.name] = [f for find in rule.finds for f in computed[find] if f.rule == rule.name]
    return raised


def _failed_checks(frame: pd.DataFrame, cited: dict[str, set[int]], owner: list[int]) -> set[tuple[int, str]]:
    """Validate the batch's fact lines against one Pandera check per rule: (batch item, rule) of each failure.

    A rule whose warnings and errors cite no row passes by construction, so only the rules that cite
    rows go through Pandera. Pandera reports a failed check by its error text, which the rule's name
    leads, and the failing rows by their index, which `owner` maps to their vintage."""
    checks = [pa.Check(lambda lines, rows=rows: pd.Series(~lines.index.isin(list(rows)), index=lines.index),
                       name=rule.name,
                       error=f"{rule.name}: {rule.explanation}")
              for rule in RULEBOOK if (rows := cited.get(rule.name))]
    if not checks:
        return set()
    try:
        pa.DataFrameSchema({VERDICT_COLUMN: pa.Column(checks=checks, nullable=True)},
                           name="consistency").validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        broken = cases[cases["index"].isna()]
        if len(broken):  # a check that raised has no failing row: a defect of the rules, never a verdict
            raise RuntimeError(f"consistency check {broken['check'].iloc[0]!r} could not run: "
                               f"{broken['failure_case'].iloc[0]}") from errors
        return {(owner[int(row)], str(check).split(":", 1)[0])
                for check, row in zip(cases["check"], cases["index"], strict=True)}
    return set()


def text_findings(extraction: Extraction, sha256: str, judged: Sequence[Stated] = ()) -> list[Finding]:
    """Findings about the report's words rather than its numbers: unknown headings, changes with no
    MoM/YoY basis (the reader's UNLABELLED reason), directions the figures contradict (`judged`: the facts
    the rules judge, extracted or given: CheckResult.judged), pages converted from HTML."""
    report = extraction.report
    found = [Finding(report.report_month, sha256, None, item.rule, item.severity, item.message,
                     extra_lines=(item.line,)) for item in extraction.findings]
    stated_on_line: dict[int, set[float]] = defaultdict(set)
    for fact in judged:
        stated_on_line[fact.line].add(round(abs(fact.value), 6))
    for item in extraction.unparsed:
        if UNLABELLED in item.reason and any(round(abs(q.value), 6) in stated_on_line[item.line]
                                             for q in lex(item.value_text)):
            continue  # the facts judged carry this figure with a comparison: whoever keyed them labelled it
        if UNLABELLED in item.reason:
            found.append(Finding(report.report_month, sha256, item.product or None, "unlabelled_change", "warning",
                                 f"{item.product}: {item.value_text} is a change with no MoM/YoY basis; it is not "
                                 f"in the panel (\"{_excerpt(item.sentence, item.value_text)}\")",
                                 extra_lines=(item.line,)))
        elif item.reason == AMBIGUOUS:
            found.append(Finding(report.report_month, sha256, item.product or None, "direction_conflict", "warning",
                                 f"{item.product}: the sentence gives MoM and YoY directions that differ and a "
                                 f"direction with neither basis (\"{item.value_text}\"): which change does it "
                                 f"mean? (\"{item.sentence[:160]}\")", extra_lines=(item.line,)))
    if judged:
        found.extend(_said_against_figures(extraction, _Index(judged), sha256))
    if report.converted_from_html:
        found.append(Finding(report.report_month, sha256, None, "converted_from_html", "info",
                             "the file was HTML; its visible text was extracted (line numbers refer to that text)"))
    return found


def report_findings(extraction: Extraction, sha256: str, previous: pd.DataFrame | None) -> list[Finding]:
    """Findings about the report as a whole, so that a damaged file is never a silent green: it ends
    mid-sentence, or far fewer products were read than from the previous month's report."""
    report, found = extraction.report, []
    body = [line for section in extraction.sections for line in section.lines if line.text.strip()]
    if body and not body[-1].text.strip().endswith(tuple(".!?)\"”’%:")):  # the body, not its back matter
        number, text = body[-1].number, body[-1].text.strip()
        found.append(Finding(report.report_month, sha256, None, "truncated", "warning",
                             f"the report ends mid-sentence (\"…{text[-60:]}\"): it was probably cut off",
                             extra_lines=(number,)))
    if previous is not None and not previous.empty:
        before = previous["product"].nunique()
        now = len({fact.product for fact in extraction.facts})
        if before >= FEWER_SECTIONS_FLOOR and now * 2 < before:
            found.append(Finding(report.report_month, sha256, None, "fewer_sections", "warning",
                                 f"figures of {now} products were read, against {before} from the previous "
                                 "month's report: sections lost or unread", extra_lines=(report.title_line,)))
    return found


FEWER_SECTIONS_FLOOR = 6
"""A previous report with fewer products than this is no yardstick (a one-product test report)."""


class _Against(NamedTuple):
    """What a direction in words is held against: a figure, the levels it runs between, or a breakdown."""

    fact: Stated
    room: float
    """How far the figure lets the direction hold (below 0: it cannot)."""
    what: str
    lines: tuple[int, ...]
    whole_breakdown: bool = False
    """Every part of a complete breakdown, which may sit in other sentences than the direction."""


def _said_against_figures(extraction: Extraction, index: _Index, sha256: str) -> Iterator[Finding]:
    """A direction the words give ("slipped on the month", "retreated from February's level") against the
    report's figures for that change: the stated change, or the two stated levels it runs between."""
    seen: set[tuple[str, str, int]] = set()
    section_product = {section.ordinal: section.product for section in extraction.sections}
    for said in extraction.said:
        if said.value == 0:
            continue  # "held steady" beside a small change is wording, not arithmetic
        elsewhere = section_product.get(said.section) != said.product  # stainless steel named in the NPI section
        basis = said.measure.removesuffix("_dir")
        key = (said.product, said.segment, said.metric, said.period)
        held = any(f.value == said.value for f in index.statements.get((*key, said.measure), []))
        figures = [] if held else [  # a direction held as a fact is rule_direction_vs_figure's to judge
            f for suffix in CHANGE_FORMS for f in index.statements.get((*key, basis + suffix), [])]
        before = shift_month(said.period, -1 if basis == "mom" else -12)
        now, then = index.get(*key, "level"), index.get(said.product, said.segment, said.metric, before, "level")
        against = [_Against(f, f.interval.high if said.value > 0 else -f.interval.low,
                            f"the report's figure is {f.shown}", (f.line,)) for f in figures]
        if now is not None and then is not None:
            gap = apply(lambda a, b: a - b, now.interval, then.interval)
            if gap is not None:
                against.append(_Against(now, gap.high if said.value > 0 else -gap.low,
                                        f"its levels go from {then.value_text} ({before}) to {now.value_text}",
                                        (now.line, then.line)))
        also = {other.value for other in extraction.said if other.evidence == said.evidence
                and other.measure == said.measure and other.product == said.product}
        if not said.segment:
            against += _parts_against(index, said, basis)
        for fact, room, what, lines, whole_breakdown in against:
            if not elsewhere and fact.line != said.line and not whole_breakdown:
                continue  # a direction and a figure of one sentence or paragraph speak of the same change
            if (1.0 if said.value < 0 else -1.0) in also:
                continue  # "rebounded slightly from June but has once again pulled back": the words agree too
            if room < 0 and (said.product, said.measure, fact.line) not in seen:
                seen.add((said.product, said.measure, fact.line))
                yield Finding(extraction.report.report_month, sha256, said.product, "direction_conflict", "warning",
                              f"{said.product} {said.period}: the text says its {said.metric} "
                              f"{_DIRECTION_WORDS[int(said.value)]} "
                              f"{basis.upper()} (\"{said.value_text}\", line {said.line}), but {what} "
                              f"(line {fact.line})", extra_lines=(said.line, *lines))


def _parts_against(index: _Index, said: Fact, basis: str) -> list[_Against]:
    """The total "fell" while every part of a complete breakdown rose (or the reverse): an average of the
    parts' % changes cannot have the other sign."""
    by_axis: dict[str, list[Stated]] = defaultdict(list)
    for (product, segment, metric, period, measure), fact in index.by_key.items():
        if (product, metric, period, measure) == (said.product, said.metric, said.period, basis + "_pct") and segment:
            by_axis[segment.partition(":")[0]].append(fact)
    found = []
    for axis, parts in by_axis.items():
        # every part moving one way needs no sum, only every part: three sizes (large, medium, small) are all
        every_part = complete_breakdown(parts) or (axis == "size" and len(parts) >= 3)
        if len(parts) < 2 or axis in NOT_BREAKDOWNS or not every_part:
            continue
        room = max(p.interval.high if said.value > 0 else -p.interval.low for p in parts)
        shown = ", ".join(f"{p.segment.partition(':')[2]} {p.shown}" for p in parts)
        found.append(_Against(parts[0], room, f"every part of its {axis} breakdown moved the other way ({shown})",
                              tuple(p.line for p in parts), whole_breakdown=True))
    return found


def _excerpt(sentence: str, value_text: str, width: int = 60) -> str:
    at = max(sentence.find(value_text), 0)
    return sentence[max(0, at - width):at + len(value_text) + width // 3].strip()


def check_report(extraction: Extraction, sha256: str, previous: pd.DataFrame | None = None,
                 older_vintages: Iterable[pd.DataFrame] = (), given: list[Fact] | None = None) -> CheckResult:
    """Every rule on one report: its facts (extracted, or `given`: a gold file or figures keyed by hand,
    so that the rules are judged apart from the extraction), its words, and the previous report."""
    facts = facts_frame(extraction.facts if given is None else given).assign(sha256=sha256)
    result = check_facts(facts, previous, older_vintages)
    finish_findings(result, extraction, sha256, previous)
    return result


def finish_findings(result: CheckResult, extraction: Extraction, sha256: str,
                    previous: pd.DataFrame | None) -> None:
    """Complete a vintage's checked facts into what `smm-pipeline check` and the pipeline's
    data_quality_findings both report: the findings of its words and of the report as a whole are added,
    and the findings of one rule about one product on the same lines become one."""
    result.findings.extend(text_findings(extraction, sha256, result.judged))
    result.findings.extend(report_findings(extraction, sha256, previous))
    result.findings[:] = _merged(result.findings)


def _merged(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, product and lines, carrying every message and fact of the findings it joins
    (two months' level estimates read off the same sentences, the MoM and YoY % of one rate): a reader
    sees one entry per place in the report, and nothing said is lost. The worst severity stands."""
    joined: dict[tuple[str, str | None, tuple[int, ...]], list[Finding]] = defaultdict(list)
    for finding in findings:
        joined[(finding.rule, finding.product, finding.lines)].append(finding)
    out = []
    for group in joined.values():
        first = group[0]
        if len(group) == 1:
            out.append(first)
            continue
        out.append(Finding(first.report_month, first.sha256, first.product, first.rule,
                           max((f.severity for f in group), key=SEVERITIES.index),
                           "; ".join(dict.fromkeys(f.message for f in group)),
                           tuple(dict.fromkeys(fact for f in group for fact in f.facts)),
                           tuple(dict.fromkeys(line for f in group for line in f.extra_lines))))
    return out


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as data_quality_findings rows (empty-safe, typed)."""
    frame = pd.DataFrame([f.row() for f in findings], columns=FINDING_COLUMNS)
    return frame.astype({"report_month": "string", "sha256": "string", "product": "string", "rule": "string",
                         "severity": "string", "message": "string", "facts": "string", "line": "int64",
                         "lines": "string", "evidence": "string"})
