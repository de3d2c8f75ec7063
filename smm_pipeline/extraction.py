"""From a report to its metric facts: where a fact is born.

Walks the sections, paragraphs and sentences of a report, asks the grammar for each sentence's
readings, and resolves them at report level: one fact per key (a point value beats a bound; an
explicit marker beats an inherited one), and a direction-only fact only where the section gives no
number for that measure.

Nothing is dropped silently. Every number the engine did not turn into a fact is kept as `Unparsed`
with the reason: a number it could not place, a number it judged to be context (reason "context: ..."),
a restatement of a fact already taken ("duplicate: ..."), a sentence whose digits are no quantity at all
(dates, model names), and the numbers of a section whose heading is not in the catalogue. A reviewer
sees what the engine did not use instead of a silently shorter table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from smm_pipeline import catalogue
from smm_pipeline.clauses import sentences
from smm_pipeline.facts import Fact, is_headline
from smm_pipeline.grammar import (
    Reading,
    Scope,
    SentenceResult,
    paragraph_opening_period,
    read_sentence,
    subheading_segment,
)
from smm_pipeline.reports import Report
from smm_pipeline.sections import Section, SectionFinding, split_sections
from smm_pipeline.vocabulary import compile_lowered

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A number (or a sentence with digits) that yielded no fact, and why."""

    product: str
    line: int
    value_text: str
    reason: str
    sentence: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one report yields."""

    report: Report
    sections: list[Section]
    facts: list[Fact]
    unparsed: list[Unparsed]
    findings: list[SectionFinding]


@dataclass(frozen=True, slots=True)
class _Stated:
    """A reading and where it was stated: file line, the sentence's offset in the report, the sentence."""

    reading: Reading
    line: int
    offset: int
    sentence: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.reading.segment, self.reading.metric, self.reading.period, self.reading.measure


def _name_patterns(product: catalogue.Product) -> list[str]:
    """How the text names a product: heading, aliases and their plural/hyphen variants."""
    names = {product.heading, *product.aliases}
    return [re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?") + r"s?"
            for name in sorted(names, key=len, reverse=True)]


def _any_name(patterns: list[str]) -> str:
    # One leading word-start check for the whole alternation: the scan then skips mid-word positions.
    return r"\b(?<!-)(?:" + "|".join(patterns) + r")(?![\w-])"


@cache
def product_names(product: catalogue.Product) -> re.Pattern[str]:
    """A case-insensitive regex for the product's names."""
    return re.compile(_any_name(_name_patterns(product)), re.IGNORECASE)


@cache
def _other_names(product: catalogue.Product) -> re.Pattern[str]:
    """The names of every other catalogue product, to run on lowered text."""
    return compile_lowered(_any_name([pattern for other in catalogue.products() if other != product
                                      for pattern in _name_patterns(other)]))


@cache
def _scope(product: catalogue.Product, report_month: str, forecast_month: str) -> Scope:
    return Scope(report_month=report_month, forecast_month=forecast_month, product=product.product,
                 group=product.group, names=product_names(product),
                 heading=re.compile(r"\b" + re.escape(product.heading).replace(r"\ ", r"\s+") + r"\b",
                                    re.IGNORECASE),
                 others=_other_names(product))


def extract(report: Report) -> Extraction:
    """The metric facts of a report, with what could not be read."""
    sections, findings = split_sections(report)
    facts: list[Fact] = []
    unparsed: list[Unparsed] = []
    for section in sections:
        if section.product is None:
            unparsed.extend(_unknown_section(section))
            continue
        section_facts, section_unparsed = _extract_section(report, section)
        facts.extend(section_facts)
        unparsed.extend(section_unparsed)
    return Extraction(report=report, sections=sections, facts=facts, unparsed=unparsed, findings=findings)


def _unknown_section(section: Section) -> list[Unparsed]:
    """The number-bearing sentences of a section whose heading is not a catalogue product."""
    reason = f"section {section.heading!r} is not in the product catalogue"
    return [Unparsed("", line.number, _digit_words(sentence.text), reason, sentence.text)
            for line in section.lines for sentence in sentences(line.text) if _DIGIT.search(sentence.text)]


def _digit_words(sentence: str) -> str:
    return " ".join(word.strip(".,;:()") for word in sentence.split() if _DIGIT.search(word))


def _extract_section(report: Report, section: Section) -> tuple[list[Fact], list[Unparsed]]:
    product = catalogue.get(section.product or "")
    scope = _scope(product, report.report_month, report.forecast_month)
    numeric: list[_Stated] = []
    spoken: list[tuple[SentenceResult, int, int, str]] = []
    unparsed: list[Unparsed] = []
    inherited = ""
    for line in section.lines:
        heading_segment = subheading_segment(line.text, scope)
        if heading_segment is not None:  # "Yunnan region:" sets the breakdown of the lines after it
            inherited = heading_segment
            continue
        period = paragraph_opening_period(line.text, scope)
        for sentence in sentences(line.text):
            result = read_sentence(sentence.text, scope, period, inherited)
            offset = line.offset + sentence.start
            numeric.extend(_Stated(r, line.number, offset, sentence.text) for r in result.readings)
            spoken.append((result, line.number, offset, sentence.text))
            unparsed.extend(Unparsed(product.product, line.number, q.text, reason, sentence.text)
                            for q, reason in result.unread)
            if not result.readings and not result.unread and _DIGIT.search(sentence.text):
                unparsed.append(Unparsed(product.product, line.number, _digit_words(sentence.text),
                                         "no quantity: its digits are dates, years, labels or names",
                                         sentence.text))
            period = result.period
    chosen, duplicates = _one_per_key(numeric)
    unparsed.extend(
        Unparsed(product.product, d.line, d.reading.value_text,
                 f"duplicate: the {d.reading.measure} of {d.key[1]} {d.key[0] or '(total)'} for {d.key[2]} "
                 f"is taken from line {chosen[d.key].line}", d.sentence)
        for d in duplicates)
    stated = [*chosen.values(), *_directions(report, chosen, spoken)]
    facts = sorted((_fact(report, section, item) for item in stated), key=lambda f: (f.line, f.char_start))
    return facts, unparsed


def _one_per_key(numeric: list[_Stated]) -> tuple[dict[tuple[str, str, str, str], _Stated], list[_Stated]]:
    """The reading kept for each key (the first with the highest priority) and the ones it replaces."""
    chosen: dict[tuple[str, str, str, str], _Stated] = {}
    for item in numeric:
        current = chosen.get(item.key)
        if current is None or item.reading.priority > current.reading.priority:
            chosen[item.key] = item
    kept = {id(item) for item in chosen.values()}
    return chosen, [item for item in numeric if id(item) not in kept]


def _directions(report: Report, chosen: dict[tuple[str, str, str, str], _Stated],
                spoken: list[tuple[SentenceResult, int, int, str]]) -> list[_Stated]:
    """Direction-only facts: for the report month and later, where no number states that measure.

    A product reported only in metal and physical content has no total to give a direction to. Among
    several statements of one direction the strongest wins (explicit marker, named subject); in an
    outlook the last of equal strength wins, because an outlook's last word is its conclusion. A
    sentence whose every possible direction is already stated by a number is not read for directions.
    """
    covered = {(seg, metric, period, measure.split("_")[0]) for seg, metric, period, measure in chosen
               if measure.startswith(("mom_", "yoy_"))}
    production_segments = {seg for seg, metric, _, _ in chosen if metric == "production"}
    if "" not in production_segments and any(seg.startswith("content:") for seg in production_segments):
        return []
    directional = [_Stated(reading, line, offset, text) for result, line, offset, text in spoken
                   if _may_add_direction(result, text, report.report_month, covered)
                   for reading in result.directions]
    best: dict[tuple[str, str, str, str], _Stated] = {}
    for item in directional:
        seg, metric, period, measure = item.key
        if (seg, metric, period, measure.split("_")[0]) in covered or period < report.report_month:
            continue
        current = best.get(item.key)
        later_wins = period > report.report_month
        if current is None or item.reading.priority > current.reading.priority or (
                later_wins and item.reading.priority == current.reading.priority):
            best[item.key] = item
    return list(best.values())


def _may_add_direction(result: SentenceResult, text: str, report_month: str, covered: set) -> bool:
    """Whether a sentence could state a direction no number states: a month it may be about lacks a MoM
    figure, or lacks a YoY figure and the sentence says YoY at all (a YoY direction needs the word)."""
    says_yoy = "yoy" in text.lower() or "year" in text.lower()
    return any(period >= report_month and (("", "production", period, "mom") not in covered
                                           or (says_yoy and ("", "production", period, "yoy") not in covered))
               for period in result.direction_periods)


def _fact(report: Report, section: Section, item: _Stated) -> Fact:
    reading = item.reading
    return Fact(report_month=report.report_month, product=section.product or "", segment=reading.segment,
                metric=reading.metric, period=reading.period, measure=reading.measure, value=reading.value,
                unit=reading.unit, qualifier=reading.qualifier, value_high=reading.value_high,
                tier=1 if is_headline(reading.metric, reading.segment) else 2, section=section.ordinal,
                line=item.line, char_start=item.offset + reading.start, char_end=item.offset + reading.end,
                value_text=reading.value_text, evidence=item.sentence)
