"""Sentence and clause splitting: never on decimals, thousands, abbreviations or "No. 17"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.clauses import clause_bounds, parenthesised, sentences


def test_sentences_split_on_full_stops_only() -> None:
    text = ("Output was 1.0135 million mt, up 3.47% MoM. Announcement No. 17 took effect on Jan. 1. "
            "Prices rose, e.g. for Pb50 ores. The 8-series share fell.")
    assert [s.text for s in sentences(text)] == [
        "Output was 1.0135 million mt, up 3.47% MoM.", "Announcement No. 17 took effect on Jan. 1.",
        "Prices rose, e.g. for Pb50 ores.", "The 8-series share fell."]


def test_sentence_offsets_index_the_paragraph() -> None:
    text = "  First one.   Second one! Third?"
    assert all(text[s.start:s.end] == s.text for s in sentences(text))


def test_a_list_marker_ends_a_sentence_but_mt_dot_does_not_glue() -> None:
    text = "Reasons: 1) demand. 2) supply. Output was 900 mt. It fell."
    assert [s.text for s in sentences(text)][-2:] == ["Output was 900 mt.", "It fell."]


def test_clauses_split_at_semicolons() -> None:
    text = "large smelters 91%; medium 85%; small 67%"
    assert [text[a:b].strip() for a, b in clause_bounds(text)] == ["large smelters 91%", "medium 85%", "small 67%"]


def test_parenthesised_spans_nest() -> None:
    text = "capacity (SMM adjusted (again) in April) stood at 45 million mt (approx.)"
    assert [text[a:b] for a, b in parenthesised(text)] == ["(SMM adjusted (again) in April)", "(approx.)"]


@given(st.lists(st.text(alphabet="abc ,.;()%0123456789XY", max_size=40), max_size=6))
def test_sentences_cover_every_word_in_order(parts: list[str]) -> None:
    text = " ".join(parts)
    found = sentences(text)
    assert "".join(s.text for s in found).replace(" ", "") == text.replace(" ", "")
    assert all(text[s.start:s.end] == s.text for s in found)
