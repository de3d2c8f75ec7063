"""Calendar arithmetic on YYYY-MM keys, and month names from the lexicon."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.periods import (
    basis_between,
    month_key,
    month_names,
    month_number,
    months_between,
    nearest,
    shift_month,
    span_label,
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


@given(st.integers(1, 12), keys)
def test_nearest_is_within_six_months(month: int, around: str) -> None:
    found = nearest(month, around)
    assert int(found[5:]) == month and -6 <= months_between(around, found) <= 6


def test_every_month_name_of_the_lexicon_has_its_number() -> None:
    numbers = {month_number(name) for name in month_names()}
    assert numbers == set(range(1, 13))
    with pytest.raises(KeyError):
        month_number("Julember")


@pytest.mark.parametrize(("base", "period", "basis"), [
    ("2025-06", "2025-07", "mom"), ("2024-12", "2025-01", "mom"), ("2024-07", "2025-07", "yoy"),
    ("2025-05", "2025-07", ""), ("2025-07", "2025-07", ""), ("2025-08", "2025-07", "")])
def test_the_basis_between_two_months(base: str, period: str, basis: str) -> None:
    assert basis_between(base, period) == basis


def test_a_span_label_names_one_month_or_the_first_and_last() -> None:
    assert (span_label([]), span_label(["2025-01"]), span_label(["2015-01", "2020-06", "2024-12"])) == (
        "", "2025-01", "2015-01..2024-12")
