"""Sentences and clauses of a paragraph, with their character offsets.

The grammar reads one sentence at a time (time scope, subject) and one clause at a time (segment),
so splitting must not break on decimal points, abbreviations or "No. 17".
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:No|Nos|e\.g|i\.e|etc|vs|approx|Co|Ltd|Inc|Corp|Mr|Ms|Dr|St|U\.S|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|mt|Fig|est)\.)$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.!?][\"”’)]?(?P<space>\s+)(?=[\"“(]?[A-Z0-9*])")
"""A full stop (with a closing quote or bracket, which stays with its sentence) and the space after it.
Starting with the stop lets the regex engine skip to the few stops of a line."""


class Sentence(NamedTuple):
    """A sentence and its offset within the paragraph it came from."""

    text: str
    start: int

    @property
    def end(self) -> int:
        """Offset just past the sentence."""
        return self.start + len(self.text)


def sentences(paragraph: str) -> list[Sentence]:
    """The sentences of one paragraph (a report line), in order."""
    out: list[Sentence] = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        end = boundary.start("space")
        head = paragraph[start:end]
        if _ABBREVIATIONS.search(paragraph, max(start, end - 8), end) and not head.endswith(("etc.", "mt.")):
            continue
        if head.strip():
            out.append(_trimmed(paragraph, start, end))
        start = boundary.end()
    if paragraph[start:].strip():
        out.append(_trimmed(paragraph, start, len(paragraph)))
    return out


def clause_bounds(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: sentences split at semicolons."""
    bounds, start = [], 0
    for m in re.finditer(r";", sentence):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    return bounds


def parenthesised(sentence: str) -> list[tuple[int, int]]:
    """Spans inside (round) brackets; cues there describe an aside, not the sentence's figures."""
    spans: list[tuple[int, int]] = []
    if "(" not in sentence:
        return spans
    depth, open_at = 0, 0
    for i, ch in enumerate(sentence):
        if ch == "(":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((open_at, i + 1))
    return spans


def _trimmed(paragraph: str, start: int, end: int) -> Sentence:
    text = paragraph[start:end]
    lead = len(text) - len(text.lstrip())
    return Sentence(text.strip(), start + lead)
