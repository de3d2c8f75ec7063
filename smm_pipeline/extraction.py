"""From a report to its metric facts: where a fact is born.

Walks the sections, paragraphs and sentences of a report and reads each sentence (reader.py); here are
the rules that need more than one sentence:
- a paragraph's frame: a dateline at its start ("SHANGHAI, Mar 5 (SMM) -") is the publication date, not
  the period, and is skipped; an outlook opener ("Looking ahead", "Production Forecast:") makes it
  about next month until it names a month; a line label ("Lithium carbonate derived from spodumene:")
  or a sub-heading line ("Yunnan region: ...:") gives its breakdown to the figures that name no other;
- one key stated twice: every statement is a row (FACTS.md: every number the report states), numbered
  by `statement` (2 for the second statement of a key, with its own value or the same one), a figure
  before a bound of the same key ("by over 20%, reaching approximately 24.5%": the panel shows 24.5);
- directions: a direction-only fact stands only where no figure of the report states that change,
  and of several the most explicit wins (a written MoM/YoY, a named subject; in an outlook the last).

Nothing is dropped silently: every number that is no fact is `Unparsed`, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from smm_pipeline import catalogue
from smm_pipeline.attach import Scope
from smm_pipeline.chunks import Sentence, sentence_bounds
from smm_pipeline.directions import AMBIGUOUS, ambiguous, directions
from smm_pipeline.facts import Fact, tier_of
from smm_pipeline.lexicon import lexicon
from smm_pipeline.reader import Reading, SentenceResult, read_sentence
from smm_pipeline.reports import Report, parse_report
from smm_pipeline.sections import Line, Section, SectionFinding, split_sections
from smm_pipeline.tokens import Token, tokenize


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
    said: list[Fact] = field(default_factory=list)
    """Every explicit direction the words give, of a named subject or with a written comparison ("output
    slipped", "retreated from February's level"; not a negated one, "is not expected to rise"), also
    where a figure states the change and so no `_dir` fact is made: the consistency rules hold them
    against the figures."""


@dataclass(frozen=True, slots=True)
class _Stated:
    """A reading with where it was stated."""

    reading: Reading
    line: int
    offset: int
    sentence: str

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        r = self.reading
        return r.product, r.segment, r.metric, r.period, r.measure


def extract_text(vintage: tuple[str, str, bool]) -> Extraction:
    """`extract` of a report given as (text, file name, whether the file was an HTML page): what a worker
    process is sent (parallel.py). The text is a raw_reports row's, already converted from HTML, so the
    row says what the file was: the extraction is then the one the file itself gives."""
    text, file_name, converted_from_html = vintage
    report = parse_report(text.encode("utf-8"), file_name)
    return extract(replace(report, converted_from_html=converted_from_html))


def extract(report: Report) -> Extraction:
    """The metric facts of a report, with what could not be read."""
    sections, findings = split_sections(report)
    facts: list[Fact] = []
    unparsed: list[Unparsed] = []
    said: list[Fact] = []
    for section in sections:
        if section.product is None:
            unparsed.extend(_unknown_section(section))
            continue
        facts.extend(_extract_section(report, section, unparsed, said))
    return Extraction(report=report, sections=sections, facts=facts, unparsed=unparsed, findings=findings, said=said)


def _unknown_section(section: Section) -> list[Unparsed]:
    """The number-bearing lines of a section whose heading is not a catalogue product."""
    reason = f"section {section.heading!r} is not in the product catalogue"
    return [Unparsed("", line.number, line.text[:60], reason, line.text) for line in section.lines
            if any(ch.isdigit() for ch in line.text)]


def read_section(report: Report, section: Section) -> Iterator[tuple[Line, Paragraph]]:
    """Every line of a product's section, read with what the lines before it set: a sub-heading's
    breakdown, and the metric last spoken of."""
    product = catalogue.get(section.product or "")
    inherited = ""
    metric = ""
    for line in section.lines:
        paragraph = read_paragraph(line, report, product, inherited, metric)
        metric = paragraph.metric or metric
        if paragraph.subheading is not None:
            inherited = paragraph.subheading
        yield line, paragraph


def _extract_section(report: Report, section: Section, unparsed: list[Unparsed], said: list[Fact]) -> list[Fact]:
    """The section's facts; its unread numbers go to `unparsed`, every direction it states to `said`."""
    product = catalogue.get(section.product or "")
    numeric: list[_Stated] = []
    spoken: list[_Stated] = []
    for line, paragraph in read_section(report, section):
        for sentence, result, dirs in paragraph.sentences:
            offset = line.offset
            numeric.extend(_Stated(r, line.number, offset, sentence.text) for r in result.readings)
            unclear = ambiguous(dirs)
            spoken.extend(_Stated(r, line.number, offset, sentence.text) for r in dirs if r not in unclear)
            unparsed.extend(Unparsed(product.product, line.number, r.value_text, AMBIGUOUS, sentence.text)
                            for r in unclear)
            unparsed.extend(Unparsed(product.product, line.number, u.text, u.reason, sentence.text)
                            for u in result.unread)
    kept = _statements(numeric)
    stated = [*kept, *_directions(report, kept, [item for item in spoken if not item.reading.to_level])]
    said.extend(_fact(report, section, item, 1) for item in spoken if item.reading.explicit)
    return sorted((_fact(report, section, item, statement) for item, statement in stated),
                  key=lambda f: (f.line, f.char_start, f.measure))


@dataclass(slots=True)
class Paragraph:
    """A line of a section, read."""

    sentences: list[tuple[Sentence, SentenceResult, list[Reading]]]
    subheading: str | None = None
    """For a sub-heading line ("Yunnan region: ...:"), the breakdown it sets for the lines after it."""
    metric: str = ""
    """The metric the paragraph last spoke of (the next paragraph's subject when it names none)."""


def read_paragraph(line: Line, report: Report, product: catalogue.Product, inherited: str,
                   metric: str = "") -> Paragraph:
    """The sentences of one line with their readings and directions (and the line's own frame: dateline,
    label, outlook opener)."""
    tokens = tokenize(line.text)
    start = _dateline_end(tokens)
    label_end, label_segment, label_outlook, label_metric = _label(tokens, start, line.text, report, product)
    if label_end is not None and label_end >= len(tokens) - 1 and line.text.rstrip().endswith(":"):
        return Paragraph([], subheading=label_segment)
    outlook = label_outlook or _opens_outlook(tokens, start)
    scope = Scope(report.report_month, report.forecast_month, product.product, product.group,
                  period=report.forecast_month if outlook else report.report_month,
                  label_segment=label_segment or inherited, metric=label_metric or metric)
    out: list[tuple[Sentence, SentenceResult, list[Reading]]] = []
    body_start = label_end + 1 if label_end is not None else start
    for first, last in sentence_bounds(tokens):
        first = max(first, body_start)
        if first >= last:
            continue
        sentence = Sentence(tokens[first:last], line.text, report.report_month, product.group)
        result = read_sentence(sentence, scope)
        dirs = directions(sentence, result.slots, scope)
        out.append((sentence, result, dirs))
        if result.period >= report.report_month:  # a past month a side figure names does not move the paragraph
            scope.period = result.period or scope.period
    return Paragraph(out, metric=scope.metric)


def _dateline_end(tokens: list[Token]) -> int:
    """The first token after a dateline at the paragraph's start ("SHANGHAI, Mar 5 (SMM) -", "SMM May 30
    News:"), or 0. Its month is the publication date, so it is no part of what the paragraph says."""
    sources = {s.lower() for s in lexicon().phrases("DATELINE_SOURCE")}
    months = {s.phrase.lower() for s in lexicon().senses("MONTH")}
    head = tokens[:14]
    month_at = next((i for i, t in enumerate(head) if t.norm.rstrip(".") in months and t.capitalised), None)
    if month_at is None or month_at + 1 >= len(head) or head[month_at + 1].kind != "num":
        return 0
    for i in range(month_at + 2, len(head)):
        text = head[i].text
        if text in ("-", "—", "–", ":") and any(t.norm in sources for t in head[:i]):
            return i + 1
        if head[i].kind == "word" and head[i].norm not in sources and text[:1].islower():
            return 0
    return 0


def _label(tokens: list[Token], start: int, text: str, report: Report,
           product: catalogue.Product) -> tuple[int | None, str, bool, str]:
    """A line's label before its first colon ("Capacity Changes:", "Yunnan region:", "Lithium carbonate
    derived from spodumene:", "Outlook for August:", "Alumina output:"): (index of the colon, its
    breakdown, whether it announces an outlook, the metric it names). None when the line has none."""
    colon = next((i for i in range(start, min(len(tokens), start + 12)) if tokens[i].text == ":"), None)
    if colon is None or colon == start:
        return None, "", False, ""
    sentence = Sentence(tokens[start:colon], text, report.report_month, product.group)
    if any(c.code in "QzCLGv" for c in sentence.chunks):
        return None, "", False, ""
    segments = [c.segment.segment for c in sentence.chunks if c.segment is not None]
    metrics = [str(c.attr("metric")) for c in sentence.chunks if c.code == "U"]
    metric = metrics[-1] if metrics else ("production" if any(c.code == "P" for c in sentence.chunks) else "")
    return colon, (segments[-1] if segments else ""), _opens_outlook(tokens, start), metric


def _opens_outlook(tokens: list[Token], start: int) -> bool:
    """Whether the paragraph (or label) opens with an outlook phrase ("Looking ahead", "Forecast for
    Next Month", "As we enter")."""
    norms = tuple(t.norm for t in tokens[start:start + 6])
    return any(norms[:len(words)] == words for words in _outlook_openers())


@cache
def _outlook_openers() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(t.norm for t in tokenize(phrase)) for phrase in lexicon().phrases("OUTLOOK"))


def _statements(numeric: list[_Stated]) -> list[tuple[_Stated, int]]:
    """Every reading with its statement number within its key: points first, then bounds ("topped 1
    million mt ..., at 1.0126 million mt": the exact figure is the first statement, the panel's)."""
    groups: dict[tuple[str, str, str, str, str], list[_Stated]] = {}
    for item in numeric:
        groups.setdefault(item.key, []).append(item)
    kept: list[tuple[_Stated, int]] = []
    for items in groups.values():
        points = [i for i in items if i.reading.qualifier not in ("over", "under")]
        bounds = [i for i in items if i.reading.qualifier in ("over", "under")]
        kept.extend((item, n) for n, item in enumerate(points + bounds, start=1))
    return kept


def _directions(report: Report, kept: list[tuple[_Stated, int]], spoken: list[_Stated]) -> list[tuple[_Stated, int]]:
    """Direction-only facts where no figure states the change; the strongest of several statements."""
    covered = {(item.reading.product, item.reading.segment, item.reading.period, item.reading.measure.split("_")[0])
               for item, _ in kept if item.reading.metric == "production"
               and item.reading.measure.split("_")[0] in ("mom", "yoy")}
    by_content = {(item.reading.product, item.reading.period) for item, _ in kept
                  if item.reading.metric == "production" and item.reading.segment.startswith("content:")}
    best: dict[tuple[str, str, str, str], _Stated] = {}
    for item in spoken:
        r = item.reading
        basis = r.measure.split("_")[0]
        if r.period < report.report_month or (r.product, "", r.period, basis) in covered \
                or (r.product, r.period) in by_content:
            continue
        key = (r.product, r.segment, r.period, r.measure)
        current = best.get(key)
        later_wins = r.period > report.report_month
        if current is None or r.explicit > current.reading.explicit or (
                later_wins and r.explicit == current.reading.explicit):
            best[key] = item
    return [(item, 1) for item in best.values()]


def _fact(report: Report, section: Section, item: _Stated, statement: int) -> Fact:
    r = item.reading
    frame = r.frame + ("+second_statement" if statement > 1 else "")
    return Fact(report_month=report.report_month, product=r.product, segment=r.segment, metric=r.metric,
                period=r.period, measure=r.measure, value=r.value, unit=r.unit, qualifier=r.qualifier,
                value_high=r.value_high, tier=tier_of(r.metric, r.segment),
                section=section.ordinal, line=item.line, char_start=item.offset + r.start,
                char_end=item.offset + r.end, value_text=r.value_text, evidence=item.sentence,
                statement=statement, frame=frame)
