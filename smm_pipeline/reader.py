"""Reading one sentence: from chunks and frames to readings (facts before report-level resolution).

The order is the reader's: frames give each figure a role (roles.py); attachment gives it a subject, a
breakdown, a product and a month (attach.py); then the comparison of a change is settled by date
arithmetic: a marker names it (MoM, YoY), a time point is compared with the figure's month (the month
before is MoM, the same month a year earlier is YoY, "the same period last year" is a year-to-date
YoY), a cumulative figure can only be compared with a year earlier, and a change listed beside another
in the paragraph shares its comparison ("the operating rate of large smelters was 90.90%, up 2.25
percentage points" after "... up 2.42 percentage points MoM") unless that would state the same measure
twice. A change also takes the comparison of the change it restates ("by 14,700 mt to 902,100 mt, a
1.65% gain") or refers back to ("The 7.0% jump", "That is 31,700 mt more"), and the previous month
when that is the sentence's one point of comparison and the sentence names no other metric ("fell by
89,800 mt because June has one day fewer than May"). A rate's change in points is MoM, and an outlook's
change speaks from the report month. A change with none of these is unread, "no MoM/YoY label": the
report's own flag, not a guess.

Every figure ends as a reading (with the frames that made it) or as unread with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from smm_pipeline import frames, roles
from smm_pipeline.attach import NO_SUBJECT, Scope, attach, clause_bounds, compared, named_month
from smm_pipeline.chunks import Chunk, Sentence
from smm_pipeline.lexicon import lexicon
from smm_pipeline.periods import basis_between, shift_month
from smm_pipeline.roles import Slot
from smm_pipeline.timex import When

UNLABELLED = "a change with no MoM/YoY label"
"""The reason of an unread change that names no comparison (the consistency rules look for it)."""


class Reading(NamedTuple):
    """A fact as one sentence states it."""

    product: str
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
    frame: str
    """How it was read: the frames and rules that settled it, joined by "+"."""
    direction: bool = False
    explicit: bool = False
    """For a direction: whether MoM/YoY was written (it outranks an unlabelled one)."""
    unlabelled: bool = False
    """For a direction: no MoM/YoY label and no point of comparison (the basis is the report's default)."""
    to_level: bool = False
    """For a direction: it leads to an actual level ("slid to 3,190 mt"), so it is said but makes no row."""


@dataclass(slots=True)
class Unread:
    """A figure of the sentence that is no fact, and why."""

    text: str
    start: int
    reason: str


@dataclass(slots=True)
class SentenceResult:
    """What a sentence yields."""

    readings: list[Reading] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    period: str = ""
    """The month the next sentence of the paragraph talks about."""
    sentence: Sentence | None = None
    slots: list[Slot] = field(default_factory=list)


def read_sentence(sentence: Sentence, scope: Scope) -> SentenceResult:
    """The readings of one sentence (see the module docstring)."""
    result = SentenceResult(period=scope.period, sentence=sentence)
    slots = roles.slots_of(sentence)
    result.slots = slots
    for chunk in sentence.chunks:
        if chunk.other is not None:
            result.unread.append(Unread(chunk.text, chunk.start, f"no quantity: {chunk.other.what}"))
    if not slots:
        result.period = named_month(sentence, scope) or scope.period
        return result
    roles.assign(sentence, slots, frames.find(sentence.codes))
    attach(sentence, slots, scope)
    for slot in slots:
        if not slot.reason and slot.role == "change":
            slot.point = slot.point or _opening_point(sentence, slot) or _base_point(sentence, slots, slot)
            _settle_comparison(slot, slots, scope, sentence.chunks)
    for slot in slots:
        if not slot.reason and slot.role == "change" and not slot.segment and _refers_back(sentence.chunks, slot):
            slot.segment = scope.last_segment.get((slot.metric, slot.basis), "")  # "The 6.9% monthly gain"
    for slot in slots:
        if slot.reason.startswith(NO_SUBJECT) and slot.role == "change" and slot.q.unit == "%" and not slot.basis \
                and slot.point is None and not slot.ytd:
            slot.reason += f"; and {UNLABELLED}"  # "circulation ... decreased by over 30%": say so as well
        reading = _reading(slot, scope)
        if reading is None:
            result.unread.append(Unread(slot.q.text, slot.q.start, slot.reason or "no reading"))
        else:
            result.readings.append(reading)
    _remember(slots, scope, result)
    return result


def _opening_point(sentence: Sentence, slot: Slot) -> When | None:
    """A comparison point that opens the figure's clause: "Compared with February last year, output was
    up 2.4%"."""
    chunks = sentence.chunks
    c0, _ = clause_bounds(chunks, slot.index)
    i = c0
    while i < slot.index and chunks[i].code in "AF":
        i += 1
    if i < slot.index and chunks[i].code == "M" and i + 1 < slot.index and chunks[i + 1].code == ",":
        return When("relative", offset=-1 if chunks[i].attr("basis") == "mom" else -12)  # "On a yearly basis, ..."
    if i >= slot.index or chunks[i].code not in "Wm":
        return None
    i += 1
    while i < slot.index and chunks[i].code == "F":
        i += 1
    if i < slot.index and chunks[i].code == "T" and chunks[i].when is not None and (any(
            chunks[j].code == "," for j in range(i + 1, slot.index)) or chunks[i + 1].code in "UP"):
        return chunks[i].when  # "Compared with October 2022(,) production was still 2.6% higher"
    return None


def _base_point(sentence: Sentence, slots: list[Slot], slot: Slot) -> When | None:
    """A change in a clause that names its starting level's month ("rose 2.1% to 1.92 Mt in April from
    1.88 Mt in March") is compared with that month."""
    c0, c1 = clause_bounds(sentence.chunks, slot.index)
    for other in slots:
        if other.role == "base" and c0 <= other.index < c1 and not other.reason:
            base = _base_period(other) or other.period
            if base:
                return When("month", base)
    return None


def _refers_back(chunks: list[Chunk], slot: Slot) -> bool:
    """A change named with a definite word refers to one the paragraph stated: "The 7.0% jump",
    "the rise was 3.8%", "That is 31,700 mt more"."""
    definite = lexicon().words("DEFINITE")
    for anchor in (slot.index, slot.sign_chunk):
        j = anchor - 1
        while j >= 0 and chunks[j].code == "F":
            if chunks[j].text.lower() in definite:
                return True
            j -= 1
    c0, _ = clause_bounds(chunks, slot.index)
    opening = chunks[c0].text.split()[0].lower()  # "That is 31,700 mt more", "This was 2.1% lower"
    return opening in definite and (chunks[c0].code == "R" or (c0 + 1 < len(chunks) and chunks[c0 + 1].code == "L"))


def _month_named(chunks: list[Chunk], i: int, slot: Slot) -> str:
    when = chunks[i].when
    if when is None or when.kind not in ("month", "relative"):
        return ""
    return when.month if when.kind == "month" else shift_month(slot.period, when.offset)


def _kind(unit: str) -> str:
    return {"%": "pct", "pp": "pp"}.get(unit, "abs")


def _settle_comparison(slot: Slot, slots: list[Slot], scope: Scope, chunks: list[Chunk]) -> None:
    """MoM, YoY or none, by the rules of the module docstring."""
    if slot.basis:
        if slot.basis == "other":
            slot.reason = "context: a quarter-on-quarter or week-on-week change, not a panel measure"
        return
    point = slot.point
    if point is not None:
        if point.kind == "relative":
            if point.cumulative:
                slot.basis = "yoy"
                return
            base = shift_month(slot.period, point.offset)
        else:
            base = point.base or point.month
        slot.basis = basis_between(base, slot.period)
        if not slot.basis:
            slot.reason = f"a change against {base}, which is neither the month before {slot.period} nor a year earlier"
        slot.frames.append("compared_by_date")
        return
    if slot.ytd:
        slot.basis = "yoy"
        slot.frames.append("cumulative_is_yoy")
        return
    restated = slots[slot.link[1]] if slot.link is not None and slot.link[0] == "restate" else None
    if restated is not None and restated.role != "change":
        # "by 14,700 mt to 902,100 mt, a 1.65% gain": the level a change led to restates that change
        restated = roles.change_behind(slots, chunks, slot.link[1])
    if restated is not None and restated.role == "change" and restated.basis:
        slot.basis = restated.basis  # "to climb by 14,700 mt to 902,100 mt, a 1.65% gain": the same change
        slot.frames.append("basis_of_restated_change")
        return
    inherited = _parallel_basis(slot, slots, scope)
    if inherited:
        slot.basis = inherited
        slot.frames.append("basis_of_parallel_change")
        return
    if slot.q.unit == "pp":
        slot.basis = "mom"
        slot.frames.append("rate_change_is_mom")
        return
    if _refers_back(chunks, slot) and scope.last_basis.get(slot.metric):
        slot.basis = scope.last_basis[slot.metric]  # "The 7.0% jump ...", "That is 31,700 mt more."
        slot.frames.append("change_referred_back")
        return
    named = {_month_named(chunks, i, slot) for i in range(len(chunks)) if compared(chunks, i)}
    main_clause = not any(chunks[i].code == "k" for i in range(slot.index))  # not in "as maintenance removed ..."
    # the sentence's one point of comparison is this figure's only when the sentence speaks of its metric
    # alone ("..., while imports were higher than in June" compares the imports)
    one_metric = {chunk.attr("metric") for chunk in chunks if chunk.code == "U"} <= {slot.metric}
    if main_clause and one_metric and len(named) == 1 and basis_between(min(named), slot.period) == "mom":
        slot.basis = "mom"  # "Output fell by 89,800 mt because June has one day fewer than May"
        slot.frames.append("sentence_compares_with_previous_month")
        return
    if slot.period > scope.report_month and not any(s.basis for s in slots if s is not slot and s.role == "change"):
        slot.basis = "mom"  # "SMM expects August output to decline by 0.68%": an outlook speaks from this month
        slot.frames.append("forecast_change_is_mom")
        return
    slot.reason = UNLABELLED


def _parallel_basis(slot: Slot, slots: list[Slot], scope: Scope) -> str:
    """The comparison of a labelled change of the same metric and kind before this one in the sentence
    (or, failing that, the paragraph), when this figure is about another breakdown or that measure is
    still free for its breakdown."""
    kind = _kind(slot.q.unit)
    earlier = [s for s in slots if s.index < slot.index and s.role == "change" and s.basis in ("mom", "yoy")
               and s.metric == slot.metric and _kind(s.q.unit) == kind and not s.reason]
    if earlier:
        basis = earlier[-1].basis
        if earlier[-1].segment == slot.segment and any(
                s.basis == basis and s.segment == slot.segment for s in slots if s is not slot):
            return ""
        return basis
    if not slot.segment:
        return ""
    # a breakdown's change in a paragraph that set its comparison: "Yunnan's output dropped by 1,670 mt"
    return scope.bases.get((slot.metric, kind), "") or scope.last_basis.get(slot.metric, "")


def _reading(slot: Slot, scope: Scope) -> Reading | None:
    q = slot.q
    if slot.reason:
        return None
    frame = "+".join(slot.frames)
    product = slot.product or scope.product
    value, high, unit, qualifier = q.value, q.value_high, q.unit, q.qualifier
    if slot.role in ("level", "base", "share_of_producers"):
        measure = "ytd_level" if slot.ytd and slot.role == "level" and slot.metric == "production" else "level"
        metric = "share" if slot.role == "share_of_producers" else slot.metric
        period = slot.period
        if slot.role == "base":
            period = _base_period(slot)
            if not period:
                slot.reason = "a starting level whose month is not named"
                return None
        return Reading(product, slot.segment, metric, period, measure, value, unit, qualifier, high, q.start, q.end,
                       q.text, frame)
    if slot.role in ("expected", "vs_expected"):
        segment = "basis:expected" if slot.role == "expected" else "basis:vs_expected"
        if slot.role == "vs_expected":
            value = abs(value) * (slot.sign or 1)
        return Reading(product, segment, "production", scope.report_month, "level", value, unit, qualifier, high,
                       q.start, q.end, q.text, frame)
    sign = slot.sign or (-1 if q.value < 0 else 1 if q.signed else 0)
    if sign == 0 and q.qualifier != "range":
        slot.reason = "a change whose direction no word gives"
        return None
    if unit == "pp" and slot.metric not in ("operating_rate", "share"):
        unit = "%"  # "production dropped by 1.49 percentage points": a misused unit, read as a % change
        frame += "+pp_read_as_percent"
    if unit == "count" and slot.metric != "producer_count":
        slot.reason = "a bare number: no unit and nothing counted"
        return None
    measure = f"{'ytd_' if slot.ytd and slot.basis == 'yoy' else ''}{slot.basis}_{_kind(unit)}"
    signed = abs(value) * sign if sign else value
    if high is not None:
        if value < 0 < high:  # "±2-3%": from -3 to 3, as written
            signed = value
        else:
            signed, high = sorted((abs(value) * sign, abs(high) * sign)) if sign else (value, high)
    return Reading(product, slot.segment, slot.metric, slot.period, measure, signed, unit, qualifier, high,
                   q.start, q.end, q.text, frame)


def _base_period(slot: Slot) -> str:
    """The month of a starting level: the comparison point it is tied to."""
    point = slot.point
    if point is None:
        return ""
    if point.kind == "relative":
        return shift_month(slot.period, point.offset) if not point.cumulative else ""
    return point.base or point.month


def _remember(slots: list[Slot], scope: Scope, result: SentenceResult) -> None:
    """What the next sentence of the paragraph inherits: its month, metric, and labelled comparisons."""
    for slot in slots:
        if slot.reason:
            continue
        if slot.metric:
            scope.metric = slot.metric
        if slot.role == "change" and slot.basis in ("mom", "yoy"):
            scope.bases.setdefault((slot.metric, _kind(slot.q.unit)), slot.basis)  # a paragraph's first comparison
            if not slot.ytd:
                scope.last_basis[slot.metric] = slot.basis
                scope.last_segment[(slot.metric, slot.basis)] = slot.segment
        if slot.role == "base":  # "rose to 87.43 in March from 84.26 in February": a change from February
            base = _base_period(slot) or slot.period
            reached = next((s.period for s in slots if s.role == "level" and s.metric == slot.metric), scope.period)
            implied = basis_between(base, reached)
            if implied:
                scope.last_basis[slot.metric] = implied
    dated = [s for s in slots if not s.reason and s.role in ("level", "change") and s.period and not s.ytd]
    if dated:
        result.period = dated[-1].period

