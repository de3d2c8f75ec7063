"""Every number in the brief links to the sentence that stated it: the citation index behind those links.

metric_facts keeps, for each stated number, the sentence (`evidence`), the number as written
(`value_text`), its line and its character span in the report. Facts of one sentence share the
sentence's offset in the report, so `char_start - offset` is each number's position in the sentence:
that places a highlight on the very occurrence the extraction read, even when the same figure appears
twice in a sentence. The brief cites facts while it renders; the evidence section then lists only the
sentences something cited, each number marked with an anchor the links jump to.

Report text is untrusted: every piece of it is escaped here, once, at the point it becomes HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

FactKey = tuple[str, str, str, str, str, str]
"""(sha256, product, segment, metric, period, measure): one stated figure of one report vintage."""


@dataclass(frozen=True, slots=True)
class Stated:
    """One metric_facts row, as the brief needs it."""

    key: FactKey
    report_month: str
    value: float
    value_high: float | None
    qualifier: str
    unit: str
    value_text: str
    line: int
    char_start: int
    evidence: str
    file_name: str

    @property
    def sha256(self) -> str:
        """The report vintage the fact comes from."""
        return self.key[0]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One evidence sentence of one report vintage, with the spans of the numbers stated in it."""

    anchor: str
    sha256: str
    report_month: str
    file_name: str
    line: int
    offset: int
    text: str
    marks: tuple[tuple[int, int, str], ...]
    """(start, end, anchor) of each number in `text`, in order and not overlapping."""


def align(text: str, spans: Sequence[tuple[int, str]]) -> dict[int, int]:
    """Position in `text` of each (char_start, value_text) span.

    The sentence's offset in the report is the one that puts every number where it was read; when no
    single offset fits (a sentence normalised by the extraction), each number falls back to its first
    occurrence after the previous one.
    """
    ordered = sorted(set(spans))
    first_start, first_text = ordered[0]
    at = text.find(first_text)
    while at >= 0:
        offset = first_start - at
        if all(text.startswith(value, start - offset) and start - offset >= 0 for start, value in ordered):
            return {start: start - offset for start, _ in ordered}
        at = text.find(first_text, at + 1)
    found, cursor = {}, 0
    for start, value in ordered:
        at = text.find(value, cursor)
        at = text.find(value) if at < 0 else at
        found[start] = max(at, 0)
        cursor = found[start] + len(value)
    return found


def _anchor(sha256: str, position: int, prefix: str) -> str:
    return f"{prefix}-{sha256[:10]}-{position}"


class Citations:
    """Facts by key, the sentence each sits in, and which sentences the page has cited so far."""

    def __init__(self, facts: pd.DataFrame) -> None:
        self.facts: dict[FactKey, Stated] = {}
        self._by_subject: dict[tuple[str, str, str, str, str], list[FactKey]] = defaultdict(list)
        grouped: dict[tuple[str, int, str], list[Stated]] = defaultdict(list)
        columns = ("statement", "sha256", "product", "segment", "metric", "period", "measure", "report_month",
                   "value", "value_high", "qualifier", "unit", "value_text", "line", "char_start", "evidence",
                   "file_name")
        for (statement, sha256, product, segment, metric, period, measure, report_month, value, value_high,
             qualifier, unit, value_text, line, char_start, evidence, file_name) in zip(
                *(facts[column].tolist() for column in columns), strict=True):  # not itertuples: 15x faster
            if statement != 1:
                continue  # the panel and the page show a figure's first statement
            key = (str(sha256), str(product), str(segment), str(metric), str(period), str(measure))
            high = None if pd.isna(value_high) else float(value_high)
            fact = Stated(key=key, report_month=str(report_month), value=float(value), value_high=high,
                          qualifier=str(qualifier), unit=str(unit), value_text=str(value_text), line=int(line),
                          char_start=int(char_start), evidence=str(evidence), file_name=str(file_name))
            self.facts[key] = fact
            self._by_subject[key[1:]].append(key)
            grouped[(fact.sha256, fact.line, fact.evidence)].append(fact)
        self.sentence_of: dict[FactKey, Sentence] = {}
        self.target: dict[FactKey, str] = {}
        for members in grouped.values():
            self._add_sentence(members)
        self.cited: dict[str, Sentence] = {}

    def _add_sentence(self, members: list[Stated]) -> None:
        first = members[0]
        positions = align(first.evidence, [(f.char_start, f.value_text) for f in members])
        offset = first.char_start - positions[first.char_start]
        marks: list[tuple[int, int, str]] = []
        for fact in sorted(members, key=lambda f: (positions[f.char_start], -len(f.value_text))):
            start = positions[fact.char_start]
            if marks and start < marks[-1][1]:
                self.target[fact.key] = marks[-1][2]  # the same or an enclosing number: share its mark
                continue
            marks.append((start, start + len(fact.value_text), _anchor(fact.sha256, offset + start, "n")))
            self.target[fact.key] = marks[-1][2]
        sentence = Sentence(anchor=_anchor(first.sha256, offset, "s"), sha256=first.sha256,
                            report_month=first.report_month, file_name=first.file_name, line=first.line,
                            offset=offset, text=first.evidence, marks=tuple(marks))
        for fact in members:
            self.sentence_of[fact.key] = sentence

    def get(self, key: FactKey | None) -> Stated | None:
        """The fact with this key, if the brief loaded it."""
        return self.facts.get(key) if key is not None else None

    def find(self, subject: tuple[str, str, str, str, str], value: float, prefer: Sequence[str]) -> FactKey | None:
        """A fact about `subject` (product, segment, metric, period, measure) with this value, from the
        first vintage in `prefer` that has one, else from any loaded vintage."""
        keys = [k for k in self._by_subject.get(subject, []) if abs(self.facts[k].value - value) <= 1e-9 * max(
            1.0, abs(value))]
        ranked = sorted(keys, key=lambda k: prefer.index(k[0]) if k[0] in prefer else len(prefer))
        return ranked[0] if ranked else None

    def cite(self, key: FactKey) -> str:
        """The anchor of the fact's number in the evidence section (and remember to list its sentence)."""
        sentence = self.sentence_of[key]
        self.cited[sentence.anchor] = sentence
        return self.target[key]

    def link(self, key: FactKey | None, shown: str, css: str = "n") -> str:
        """`shown` as a link to the number's sentence; plain text when the fact is not loaded."""
        fact = self.get(key)
        if fact is None or key is None:
            return escape(shown)
        title = f"{fact.value_text}: {fact.file_name}, line {fact.line}"
        return (f'<a class="{css}" href="#{self.cite(key)}" title="{escape(title)}" '
                f'data-text="{escape(fact.value_text)}">{escape(shown)}</a>')

    def quote(self, sentence: Sentence, highlighted: Iterable[FactKey]) -> str:
        """A sentence with the given facts' numbers highlighted as links to the evidence section."""
        wanted = {self.target[k]: k for k in highlighted if k in self.target}
        pieces, cursor = [], 0
        for start, end, anchor in sentence.marks:
            if anchor not in wanted:
                continue
            pieces.append(escape(sentence.text[cursor:start]))
            pieces.append(self.link(wanted[anchor], sentence.text[start:end], css="n hit"))
            cursor = end
        pieces.append(escape(sentence.text[cursor:]))
        return "".join(pieces)

    def evidence_section(self, originals: str) -> str:
        """Every cited sentence, grouped by report file, each number marked with its anchor.

        `originals` is the relative URL of the archive's originals folder, so a reader with the data
        folder can open the report file itself.
        """
        by_file: dict[str, list[Sentence]] = defaultdict(list)
        for sentence in self.cited.values():
            by_file[sentence.sha256].append(sentence)
        blocks = []
        for sentences in sorted(by_file.values(), key=lambda s: (s[0].report_month, s[0].sha256), reverse=True):
            first = sentences[0]
            blocks.append(
                f'<h3>{escape(first.file_name)} <span class="muted">report {escape(first.report_month)} · '
                f'sha256 {escape(first.sha256[:12])}… · <a href="{escape(originals)}/{escape(first.sha256)}.txt">'
                f"original file</a></span></h3>")
            for sentence in sorted(sentences, key=lambda s: (s.line, s.offset)):
                blocks.append(f'<p class="ev" id="{sentence.anchor}"><span class="ln">line {sentence.line}</span> '
                              f"{_marked(sentence)}</p>")
        return "\n".join(blocks)


def _marked(sentence: Sentence) -> str:
    """The sentence as escaped text with every number in a <mark> carrying its anchor."""
    pieces, cursor = [], 0
    for start, end, anchor in sentence.marks:
        pieces.append(escape(sentence.text[cursor:start]))
        pieces.append(f'<mark id="{anchor}">{escape(sentence.text[start:end])}</mark>')
        cursor = end
    pieces.append(escape(sentence.text[cursor:]))
    return "".join(pieces)

