"""Months as the reports write them, resolved to YYYY-MM keys near the report month."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.periods import (
    latest_before,
    month_key,
    months_between,
    months_in,
    nearest,
    parts_of_year,
    shift_month,
    ytd_ranges,
)

keys = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1990, 2090), st.integers(1, 12))


@pytest.mark.parametrize(("key", "months", "expected"), [
    ("2025-07", 1, "2025-08"), ("2025-12", 1, "2026-01"), ("2025-01", -1, "2024-12"), ("2025-07", -12, "2024-07"),
    ("2025-03", 0, "2025-03"),
])
def test_shift_month(key: str, months: int, expected: str) -> None:
    assert shift_month(key, months) == expected


@given(keys, st.integers(-400, 400))
def test_shift_and_months_between_are_inverse(key: str, months: int) -> None:
    assert months_between(key, shift_month(key, months)) == months


def test_month_key_accepts_names_and_abbreviations() -> None:
    assert month_key("July", 2025) == month_key("Jul", 2025) == month_key("jul.", 2025) == "2025-07"
    assert month_key("Sept", 2024) == "2024-09"


@pytest.mark.parametrize(("month", "around", "expected"), [
    (6, "2025-07", "2025-06"), (8, "2025-07", "2025-08"), (12, "2025-01", "2024-12"), (1, "2025-12", "2026-01"),
])
def test_nearest_picks_the_closest_year(month: int, around: str, expected: str) -> None:
    assert nearest(month, around) == expected


def test_latest_before_is_strictly_earlier() -> None:
    assert latest_before(2, "2025-02") == "2024-02"  # "last February" in the February report
    assert latest_before(12, "2025-02") == "2024-12"
    assert latest_before(1, "2025-02") == "2025-01"


def test_months_in_needs_a_capital_and_skips_may_the_verb() -> None:
    text = "In May, output may decline; March output rose, and smelters march on. Jul and Sept. also."
    assert [m.key for m in months_in(text, "2025-07")] == ["2025-05", "2025-03", "2025-07", "2025-09"]


def test_months_in_reads_a_stated_year() -> None:
    assert [m.key for m in months_in("in July 2024 and in December", "2025-01")] == ["2024-07", "2024-12"]


@pytest.mark.parametrize(("text", "last"), [
    ("from January to July", "2025-07"), ("January-May", "2025-05"), ("Jan-Aug", "2025-08"),
    ("Jan.-Aug. 2024", "2024-08"), ("in the first nine months of 2021", "2021-09"), ("the first two months", "2025-02"),
    ("the first three quarters", "2025-09"), ("H1", "2025-06"), ("the first half of 2024", "2024-06"),
    ("Q1", "2025-03"), ("Q1-Q3", "2025-09"),
])
def test_year_to_date_ranges_end_in_their_last_month(text: str, last: str) -> None:
    (found,) = ytd_ranges(f"output in {text} was high", "2025-07")
    assert found.last == last and found.implies_ytd


def test_a_range_that_does_not_start_in_january_is_not_year_to_date() -> None:
    assert ytd_ranges("from March to May", "2025-07") == []


def test_through_a_month_only_bounds_a_range() -> None:
    (found,) = ytd_ranges("production through July", "2025-07")
    assert found.last == "2025-07" and not found.implies_ytd


@pytest.mark.parametrize(("text", "parts"), [
    ("Q3 output", 1), ("in the fourth quarter", 1), ("second-half output", 1), ("H2", 1), ("Q1 and H1", 0),
    ("Q1-Q3", 0),
])
def test_parts_of_year_are_quarters_and_halves_that_are_not_year_to_date(text: str, parts: int) -> None:
    assert len(parts_of_year(text)) == parts


@given(st.integers(1, 12), keys)
def test_nearest_is_within_six_months_and_prefers_the_past_on_a_tie(month: int, around: str) -> None:
    distance = months_between(around, nearest(month, around))
    assert -6 <= distance < 6 and int(nearest(month, around)[5:]) == month
