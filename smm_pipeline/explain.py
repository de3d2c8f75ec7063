"""How one line of a report was read, for `smm-pipeline extract REPORT --explain LINE`.

When a fact is wrong or missing, the question is always which stage went astray: the tokens, the
lexicon's tags, the chunks and their codes, the frames that matched, or the attachment of metric,
segment and period. This shows all of them for one line, read exactly as `extract` reads it (with what
the section's earlier lines set), so a fix can be made where the language lives: in the lexicon or a
frame, not in a special case.
"""

from __future__ import annotations

from collections.abc import Iterator

from smm_pipeline.chunks import Sentence
from smm_pipeline.extraction import Paragraph, read_section
from smm_pipeline.frames import find
from smm_pipeline.reports import Report
from smm_pipeline.sections import split_sections


def explain(report: Report, number: int) -> list[str]:
    """The reading of line `number` as text lines (empty when the line is in no product section)."""
    sections, _ = split_sections(report)
    for section in sections:
        if not section.product or not any(line.number == number for line in section.lines):
            continue
        for line, paragraph in read_section(report, section):
            if line.number == number:
                return list(_render(section.product, number, paragraph))
    return []


def _tagged(sentence: Sentence) -> Iterator[str]:
    """Tokens with the lexicon's tags: "[copper cathode]/PRODUCT production/METRIC by/BY 3.2 %/UNIT"."""
    i = 0
    while i < len(sentence.tokens):
        tag = sentence.tags[i]
        if tag is None or tag.start != i:
            yield sentence.tokens[i].text
            i += 1
            continue
        words = " ".join(t.text for t in sentence.tokens[i:tag.end])
        senses = "|".join(dict.fromkeys(sense.tag for sense in tag.senses))
        yield f"[{words}]/{senses}" if tag.end - i > 1 else f"{words}/{senses}"
        i = tag.end


def _render(product: str, number: int, paragraph: Paragraph) -> Iterator[str]:
    yield f"line {number} ({product})"
    if paragraph.subheading is not None:
        yield f"  a sub-heading: the lines after it are [{paragraph.subheading}]"
    for sentence, result, dirs in paragraph.sentences:
        yield f"sentence: {sentence.text}"
        yield "  tags:   " + " ".join(_tagged(sentence))
        yield "  chunks: " + " ".join(f"{c.code}[{c.text}]" for c in sentence.chunks)
        yield f"  codes:  {sentence.codes}"
        for match in find(sentence.codes):
            captured = ", ".join(f"{label}={sentence.chunks[i].text!r}" for label, i in match.captures.items())
            yield f"  frame {match.frame.name}: chunks {match.start}-{match.end} ({captured})"
        for slot in result.slots:
            settled = (f"role={slot.role or '-'} sign={slot.sign:+d} basis={slot.basis or '-'} "
                       f"metric={slot.metric or '-'} segment={slot.segment or '-'} period={slot.period or '-'}"
                       f"{' ytd' if slot.ytd else ''}")
            yield f"  figure {slot.q.text!r}: {settled}; by {'+'.join(slot.frames) or '-'}"
            if slot.reason:
                yield f"    not a fact: {slot.reason}"
        for reading in result.readings:
            yield (f"  FACT {reading.product} [{reading.segment}] {reading.metric} {reading.period} {reading.measure} "
                   f"{reading.value:g} {reading.unit} {reading.qualifier} ({reading.frame})")
        for reading in dirs:
            yield (f"  DIRECTION {reading.product} {reading.period} {reading.measure} {reading.value:+g} "
                   f"({reading.frame})")
        for unread in result.unread:
            yield f"  UNREAD {unread.text!r}: {unread.reason}"
