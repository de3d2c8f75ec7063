"""The quantity lexer: every shape of number the reports write, and the numbers that are not quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.chunks import Sentence
from smm_pipeline.intervals import interval_of, resolution
from smm_pipeline.numbers import Quantity, lex
from smm_pipeline.tokens import tokenize


def one(text: str) -> Quantity:
    found = lex(text)
    assert len(found) == 1, f"{text!r} -> {found}"
    return found[0]


@pytest.mark.parametrize(("text", "value", "unit", "resolution"), [
    ("production was 1.0135 million mt", 1_013_500, "mt", 100),
    ("output of 39,400 mt", 39_400, "mt", 100),
    ("29,100 mt", 29_100, "mt", 100),
    ("1,117,400 mt", 1_117_400, "mt", 100),
    ("3.47%", 3.47, "%", 0.01),
    ("2.53%", 2.53, "%", 0.01),
    ("58.19GW", 58.19, "GW", 0.01),
    ("12.5 GW", 12.5, "GW", 0.1),
    ("up 0.38 percentage points", 0.38, "pp", 0.01),
    ("down 1 percentage point", 1, "pp", 1),
    ("45.65 million mt/year", 45_650_000, "mt/year", 10_000),
    ("2.3 million tonnes per year", 2_300_000, "mt/year", 100_000),
    ("7.1 mn mt", 7_100_000, "mt", 100_000),
    ("40kt", 40_000, "mt", 10_000),
    ("12.3 thousand mt", 12_300, "mt", 100),
    ("1,150 yuan/mt", 1_150, "yuan/mt", 10),
    ("4,330 yuan/mtu", 4_330, "yuan/mtu", 10),
    ("-$42.63/mt", -42.63, "usd/mt", 0.01),
    ("US$2.18/mt", 2.18, "usd/mt", 0.01),
    ("$95/dmt", 95, "usd/dmt", 1),
    ("24 producers", 24, "count", 1),
])
def test_shapes_normalise_to_the_contract_units(text: str, value: float, unit: str, resolution: float) -> None:
    q = one(text)
    assert (q.value, q.unit, q.resolution) == (pytest.approx(value), unit, pytest.approx(resolution))


@pytest.mark.parametrize(("text", "low", "high", "unit"), [
    ("360,000-370,000 mt", 360_000, 370_000, "mt"),
    ("1.02-1.03 million mt", 1_020_000, 1_030_000, "mt"),
    ("3,000-3,500 yuan/mt", 3_000, 3_500, "yuan/mt"),
    ("5%-7%", 5, 7, "%"),
    ("4,330-4,365 yuan/mtu", 4_330, 4_365, "yuan/mtu"),
])
def test_ranges_keep_both_ends_in_the_unit_of_the_second(text: str, low: float, high: float, unit: str) -> None:
    q = one(text)
    assert (q.value, q.value_high, q.unit, q.qualifier) == (pytest.approx(low), pytest.approx(high), unit, "range")


@pytest.mark.parametrize("text", ["from 5% to 7%", "-$70/dmt to -$50/dmt"])
def test_from_to_is_two_quantities_for_the_frames_to_read(text: str) -> None:
    assert len(lex(text)) == 2  # a change "from 5% to 7%" or a range: the clause frames decide


@pytest.mark.parametrize(("text", "qualifier"), [
    ("approximately 976,300 mt", "approx"), ("around 43.9 million mt", "approx"), ("about 5%", "approx"),
    ("nearly 27,000 mt", "approx"), ("roughly 29%", "approx"), ("over 99%", "over"), ("more than 20%", "over"),
    ("exceeded 1 million mt", "over"), ("above 3.7 million mt", "over"), ("below 50%", "under"),
    ("less than 10,000 mt", "under"), ("29,100 mt", "exact"),
])
def test_qualifiers_before_the_number(text: str, qualifier: str) -> None:
    assert one(text).qualifier == qualifier


@pytest.mark.parametrize(("text", "value"), [
    ("five smelters", 5), ("only one smelter had a maintenance plan", 1), ("three producers", 3),
    ("none of the 24 surveyed producers", 0),
])
def test_spelled_out_counts_of_producers(text: str, value: float) -> None:
    words = [q for q in lex(text) if q.word]
    assert [q.value for q in words] == [value] and words[0].unit == "count"


def test_spelled_out_numbers_that_count_nothing_are_not_quantities() -> None:
    assert lex("one of the reasons") == [] and lex("a two-week halt") == []


@pytest.mark.parametrize("text", [
    "in 2025", "in July 2025", "on June 27", "On July 23 and 25, prices rose", "imported ore pb60", "Co3O4 output",
    "the 200-series", "300 series products", "the 200-, 300- and 400-series", "H1", "Q3", "No.17", "No. 17",
    "1) The capacity", "2. The smelters", "2.", "the SHFE lead 2509 contract", "the 1st week", "South32",
])
def test_labels_dates_and_years_are_not_quantities(text: str) -> None:
    sentence = Sentence(tokenize(text), text, "2025-07", "")
    assert [c.text for c in sentence.chunks if c.quantity is not None] == []


def test_side_units_are_lexed_but_marked() -> None:
    assert [q.unit for q in lex("31 days, 125 kilometers, $9 million")] == ["day", "km", "usd"]


def test_spans_point_at_the_written_number() -> None:
    text = "output fell 3.24% MoM to 76,800 mt"
    assert [text[q.start:q.end] for q in lex(text)] == ["3.24%", "76,800 mt"]


def test_negated_flips_value_and_range() -> None:
    q = one("3,000-3,500 yuan/mt").negated()
    assert (q.value, q.value_high) == (-3000, -3500)


# --- properties -------------------------------------------------------------------------------------

def _written(value: int, decimals: int) -> str:
    """`value` / 10**decimals written with thousands separators and exactly `decimals` decimals."""
    whole, frac = divmod(value, 10 ** decimals)
    return f"{whole:,}" + (f".{frac:0{decimals}d}" if decimals else "")


@given(st.integers(min_value=0, max_value=10 ** 9), st.integers(min_value=0, max_value=4),
       st.sampled_from([("mt", 1), ("%", 1), ("GW", 1), ("yuan/mt", 1), ("million mt", 1_000_000),
                        ("mt/year", 1)]))
def test_written_values_lex_back_to_their_value(raw: int, decimals: int, unit: tuple[str, int]) -> None:
    text = f"output was {_written(raw, decimals)} {unit[0]} in July"
    q = one(text)
    assert q.value == pytest.approx(raw / 10 ** decimals * unit[1], rel=1e-12, abs=1e-9)


@given(st.integers(min_value=1, max_value=10 ** 8), st.integers(min_value=0, max_value=4),
       st.sampled_from(["mt", "%", "GW", "million mt"]))
def test_the_rounding_interval_contains_the_value_and_is_one_step_wide(raw: int, decimals: int, unit: str) -> None:
    q = one(f"{_written(raw, decimals)} {unit}")
    low, high = _interval(q)
    assert low <= q.value <= high
    assert high - low == pytest.approx(resolution(q.text, q.unit))


@given(st.integers(min_value=1, max_value=10 ** 6), st.integers(min_value=0, max_value=4))
def test_million_scales_by_a_million_and_keeps_the_written_precision(raw: int, decimals: int) -> None:
    plain, scaled = one(f"{_written(raw, decimals)} mt"), one(f"{_written(raw, decimals)} million mt")
    assert scaled.value == pytest.approx(plain.value * 1_000_000)
    assert scaled.resolution == pytest.approx(plain.resolution * 1_000_000)


def _interval(q: Quantity) -> tuple[float, float]:
    found = interval_of(q.value, q.text, q.unit, q.qualifier, q.value_high)
    return found.low, found.high


def _stated(text: str) -> tuple[float, float]:
    """The interval of a figure as a fact states it: its value text runs from its qualifier."""
    q = one(text)
    found = interval_of(q.value, text[q.start:q.end], q.unit, q.qualifier, q.value_high)
    return found.low, found.high


def test_qualified_intervals_mean_the_written_precision() -> None:
    assert _stated("over 99%") == (99, float("inf"))
    assert _stated("below 50%") == (float("-inf"), 50)
    assert _stated("about 40.00 million mt") == pytest.approx((39_995_000, 40_005_000))
    assert _stated("approximately 976,300 mt") == pytest.approx((976_250, 976_350))
    assert _stated("about 252,000 mt") == pytest.approx((251_500, 252_500))  # trailing zeros are imprecision
    assert _stated("nearly 27,000 mt") == pytest.approx((26_000, 27_000))  # just under


@pytest.mark.parametrize("text", ["nearly 27,000 mt", "nearly a third", "nearly five smelters"])
def test_nearly_is_from_below_whether_the_number_is_written_in_figures_or_words(text: str) -> None:
    (quantity,) = lex(text)
    assert quantity.qualifier == "approx" and quantity.from_below
