"""From a report to its metric facts: where a fact is born.

Walks the sections, paragraphs and sentences of a report, asks the grammar for each sentence's
readings, and resolves them at report level: one fact per key (a point value beats a bound; an
explicit marker beats an inherited one), and a direction-only fact only where the section gives no
number for that measure. Every number-bearing sentence that produced no fact is kept as `Unparsed`,
so a reviewer sees what the engine did not understand instead of a silently shorter table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from smm_pipeline import catalogue
from smm_pipeline.clauses import sentences
from smm_pipeline.facts import Fact, is_headline
from smm_pipeline.grammar import Reading, Scope, paragraph_opening_period, read_sentence, subheading_segment
from smm_pipeline.reports import Report
from smm_pipeline.sections import Section, SectionFinding, split_sections
from smm_pipeline.vocabulary import compile_lowered


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A sentence with numbers that yielded no fact, or a number in it the engine could not place."""

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


def extract(report: Report) -> Extraction:
    """The metric facts of a report, with what could not be read."""
    sections, findings = split_sections(report)
    facts: list[Fact] = []
    unparsed: list[Unparsed] = []
    for section in sections:
        if section.product is None:
            continue
        section_facts, section_unparsed = _extract_section(report, section)
        facts.extend(section_facts)
        unparsed.extend(section_unparsed)
    return Extraction(report=report, sections=sections, facts=facts, unparsed=unparsed, findings=findings)


def _extract_section(report: Report, section: Section) -> tuple[list[Fact], list[Unparsed]]:
    product = catalogue.get(section.product or "")
    scope = Scope(report_month=report.report_month, forecast_month=report.forecast_month,
                  product=product.product, group=product.group, names=product_names(product),
                  heading=re.compile(r"\b" + re.escape(product.heading).replace(r"\ ", r"\s+") + r"\b",
                                     re.IGNORECASE),
                  others=_other_names(product))
    numeric: list[tuple[Reading, int, int, str]] = []
    directional: list[tuple[Reading, int, int, str]] = []
    unparsed: list[Unparsed] = []
    inherited = ""
    for line in section.lines:
        heading_segment = subheading_segment(line.text, scope)
        if heading_segment is not None:
            inherited = heading_segment
            continue
        period = paragraph_opening_period(line.text, scope)
        for sentence in sentences(line.text):
            result = read_sentence(sentence.text, scope, period, inherited)
            offset = line.offset + sentence.start
            numeric.extend((r, line.number, offset, sentence.text) for r in result.readings)
            for quantity, reason in result.unread:
                if not reason.startswith("context"):
                    unparsed.append(Unparsed(product.product, line.number, quantity.text, reason, sentence.text))
            if not result.readings and not result.unread and re.search(r"\d", sentence.text) is None:
                pass
            directional.extend((r, line.number, offset, sentence.text) for r in result.directions)
            period = result.period
    facts = _resolve(report, section, numeric, directional)
    return facts, unparsed


def _resolve(report: Report, section: Section, numeric: list[tuple[Reading, int, int, str]],
             directional: list[tuple[Reading, int, int, str]]) -> list[Fact]:
    chosen: dict[tuple[str, str, str, str], tuple[Reading, int, int, str]] = {}
    for item in numeric:
        reading = item[0]
        key = (reading.segment, reading.metric, reading.period, reading.measure)
        if key not in chosen or reading.priority > chosen[key][0].priority:
            chosen[key] = item
    covered = {(seg, metric, period, measure.split("_")[0]) for seg, metric, period, measure in chosen
               if measure.startswith(("mom_", "yoy_"))}
    content_only = any(seg.startswith("content:") for seg, metric, _, _ in chosen if metric == "production") \
        and not any(seg == "" for seg, metric, _, _ in chosen if metric == "production")
    best_direction: dict[tuple[str, str, str, str], tuple[Reading, int, int, str]] = {}
    for item in directional:
        reading = item[0]
        key = (reading.segment, reading.metric, reading.period, reading.measure)
        if (reading.segment, reading.metric, reading.period, reading.measure.split("_")[0]) in covered \
                or content_only:
            continue
        if reading.period not in {report.report_month, report.forecast_month} and \
                reading.period <= report.report_month:
            continue
        current = best_direction.get(key)
        later_wins = reading.period > report.report_month  # an outlook's last word is its conclusion
        if current is None or reading.priority > current[0].priority or (
                later_wins and reading.priority == current[0].priority):
            best_direction[key] = item
    facts = []
    for reading, line, offset, sentence in [*chosen.values(), *best_direction.values()]:
        facts.append(Fact(
            report_month=report.report_month, product=section.product or "", segment=reading.segment,
            metric=reading.metric, period=reading.period, measure=reading.measure, value=reading.value,
            unit=reading.unit, qualifier=reading.qualifier, value_high=reading.value_high,
            tier=1 if is_headline(reading.metric, reading.segment) else 2, section=section.ordinal,
            line=line, char_start=offset + reading.start, char_end=offset + reading.end,
            value_text=reading.value_text, evidence=sentence))
    facts.sort(key=lambda f: (f.line, f.char_start))
    return facts
