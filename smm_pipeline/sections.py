"""Splitting a report into product sections.

A section starts at a heading line: a short line on its own, without sentence punctuation, that names
a catalogue product. A line that looks like a heading but names no catalogue product still starts a
section (so its text is not glued onto the previous product's numbers), with no product and a finding,
so a new product in next month's report is seen, not silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from smm_pipeline.catalogue import match_heading
from smm_pipeline.lexicon import lexicon
from smm_pipeline.reports import Report
from smm_pipeline.tokens import tokenize


@cache
def _end_phrases() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(t.norm for t in tokenize(phrase)) for phrase in lexicon().text["end"]["phrases"])


def _ends_body(text: str) -> bool:
    """Whether the line opens the report's back matter ("Survey methodology", "Disclaimer: ...")."""
    head = text.lstrip(" *#-_=:>\t").split(" ", 1)[0].lower()
    if not any(phrase[0].startswith(head[:3]) for phrase in _end_phrases() if head):
        return False  # most lines start with no word of those phrases: no need to tokenize them
    words = tuple(t.norm for t in tokenize(text[:80]) if t.kind != "mark")
    return any(words[:len(phrase)] == phrase for phrase in _end_phrases())


@dataclass(frozen=True, slots=True)
class Line:
    """One body line: its 1-based line number in the file and its char offset in the report text."""

    number: int
    offset: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """One product section of a report."""

    product: str | None
    heading: str
    ordinal: int
    heading_line: int
    char_start: int
    char_end: int
    lines: tuple[Line, ...]

    @property
    def body(self) -> str:
        """The section's text without its heading."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class SectionFinding:
    """Something about the report's layout that a person should look at, with the file and line."""

    line: int
    rule: str
    severity: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity}: {self.message}"


def looks_like_heading(text: str) -> bool:
    """A short standalone line without sentence punctuation: the shape of an SMM product heading."""
    stripped = text.strip()
    if not stripped or len(stripped) > 60 or len(stripped.split()) > 7:
        return False
    if stripped[-1] in ".:;,!?" or stripped.startswith(("(", "*", "-", "•")):
        return False
    if re.search(r"\d+(?:\.\d+)?\s*%|\d{1,3},\d{3}", stripped):
        return False
    return stripped[0].isupper() or stripped[0].isdigit()


def split_sections(report: Report) -> tuple[list[Section], list[SectionFinding]]:
    """The report's product sections in order, and findings about unknown headings."""
    sections: list[Section] = []
    findings: list[SectionFinding] = []
    offsets = _line_offsets(report.text)
    lines = report.lines
    current: dict | None = None
    subtitles: list[str] = []

    def close(end_index: int) -> None:
        if current is None:
            return
        body = tuple(Line(n + 1, offsets[n], lines[n]) for n in range(current["first"], end_index)
                     if lines[n].strip())
        char_end = offsets[end_index - 1] + len(lines[end_index - 1]) if end_index > 0 else 0
        sections.append(Section(product=current["product"], heading=current["heading"],
                                ordinal=len(sections) + 1, heading_line=current["line"],
                                char_start=offsets[current["line"] - 1], char_end=char_end, lines=body))

    for index in range(report.title_line, len(lines)):
        text = lines[index].strip()
        if _ends_body(text):
            close(index)
            current = None
            break
        if not looks_like_heading(text):
            continue
        product = match_heading(text)
        if product is None and current is None and not sections:
            subtitles.append(text)  # a subtitle between the title and the first product
            continue
        close(index)
        if product is None:
            findings.append(SectionFinding(
                line=index + 1, rule="unknown_heading", severity="warning",
                message=f"section heading {text!r} is not in the product catalogue: its numbers are "
                        "not extracted until the heading is added as a product or alias", source=report.source))
        current = {"product": product.product if product else None, "heading": text,
                   "line": index + 1, "first": index + 1}
    else:
        close(len(lines))
    if not any(s.product for s in sections):
        seen = f" (heading-like lines: {', '.join(map(repr, subtitles[:5]))})" if subtitles else ""
        findings.append(SectionFinding(line=report.title_line, rule="no_sections", severity="error",
                                       message=f"no product section heading from the catalogue was found{seen}",
                                       source=report.source))
    return sections, findings


def _line_offsets(text: str) -> list[int]:
    offsets, position = [], 0
    for line in text.split("\n"):
        offsets.append(position)
        position += len(line) + 1
    return offsets
