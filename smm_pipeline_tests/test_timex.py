"""Time expressions, as a table: words in, what they mean out (read in a July 2025 report)."""

from __future__ import annotations

import pytest

from smm_pipeline.tagger import match
from smm_pipeline.timex import When, read
from smm_pipeline.tokens import tokenize

CASES = [
    # words, kind, month, extra attributes
    ("in July", "month", "2025-07", {}),
    ("in July 2024", "month", "2024-07", {}),
    ("in February", "month", "2025-02", {}),
    ("in December", "month", "2025-12", {}),
    ("by mid-August", "month", "2025-08", {}),
    ("June's output", "month", "2025-06", {}),
    ("from January to July", "span", "2025-07", {}),
    ("in January-July", "span", "2025-07", {}),
    ("Jan-Jul", "span", "2025-07", {}),
    ("in the first seven months", "span", "2025-07", {}),
    ("seven-month output", "span", "2025-07", {}),
    ("in H1", "span", "2025-06", {}),
    ("in the first half", "span", "2025-06", {}),
    ("in Q1", "span", "2025-03", {}),
    ("in Q3", "part", "", {}),
    ("in the second half", "part", "", {}),
    ("the previous month", "relative", "", {"offset": -1}),
    ("a year earlier", "relative", "", {"offset": -12}),
    ("the same period last year", "relative", "", {"offset": -12, "cumulative": True}),
    ("from June to July", "pair", "2025-07", {"base": "2025-06"}),
    ("last July", "month", "2024-07", {}),
    ("last February", "month", "2025-02", {}),
]


def _whens(text: str) -> list[When]:
    tokens = tokenize(text)
    return [chunk.when for chunk in read(tokens, match(tokens), "2025-07")]


@pytest.mark.parametrize(("text", "kind", "month", "extra"), CASES, ids=[c[0] for c in CASES])
def test_time_expressions(text: str, kind: str, month: str, extra: dict[str, object]) -> None:
    (when,) = _whens(text)
    assert when.kind == kind
    if month:
        assert when.month == month
    for name, value in extra.items():
        assert getattr(when, name) == value


@pytest.mark.parametrize("text", ["output may decline", "smelters march on", "Marked changes", "a 2,025 mt lot"])
def test_words_that_look_like_months_are_not(text: str) -> None:
    assert _whens(text) == []
