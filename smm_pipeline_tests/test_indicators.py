"""Derived indicators: implied levels, forecast errors, production index, diffusion index."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smm_pipeline.indicators import build_indicators, diffusion_index, forecast_errors, implied_levels, production_index
from smm_pipeline.panel import build_panel
from smm_pipeline_tests.factories import SHA_B, fact, facts


def _value(frame: pd.DataFrame, indicator: str, month: str, product: str = "copper_cathode") -> float:
    found = frame[(frame["indicator"] == indicator) & (frame["month"] == month) & (frame["product"] == product)]
    assert len(found) == 1, found
    return float(found["value"].iloc[0])


def test_absolute_and_relative_change_imply_both_levels() -> None:
    """The seed's copper line: +39,400 mt MoM, a 3.47% increase -> June 1,135,447, July 1,174,847."""
    panel = build_panel(facts(fact(measure="mom_abs", value=39_400), fact(measure="mom_pct", value=3.47, unit="%")))
    implied = implied_levels(panel)
    assert _value(implied, "implied_previous_level", "2025-07") == pytest.approx(1_135_446.7, abs=0.1)
    assert _value(implied, "implied_level", "2025-07") == pytest.approx(1_174_846.7, abs=0.1)


def test_level_with_a_change_implies_the_base_month() -> None:
    panel = build_panel(facts(fact(value=1_096_800), fact(measure="mom_abs", value=-20_500)))
    assert _value(implied_levels(panel), "implied_previous_level", "2025-07") == 1_117_300


def test_forecast_error_compares_last_months_forecast_with_this_months_actual() -> None:
    panel = build_panel(facts(
        fact(period="2025-08", value=1_089_600),
        fact(period="2025-08", measure="mom_pct", value=-2.48, unit="%"),
        fact(report_month="2025-08", period="2025-08", value=1_096_800, sha256=SHA_B),
        fact(report_month="2025-08", period="2025-08", measure="mom_pct", value=-1.84, unit="%", sha256=SHA_B),
    ))
    errors = forecast_errors(panel)
    assert _value(errors, "forecast_error_pct", "2025-08") == pytest.approx((1_096_800 / 1_089_600 - 1) * 100)
    assert _value(errors, "forecast_error_abs", "2025-08") == 7_200
    assert _value(errors, "forecast_mom_pct_miss", "2025-08") == pytest.approx(0.64)


def test_production_index_chains_mom_changes_and_restarts_after_a_gap() -> None:
    rows = [fact(report_month=m, period=m, measure="mom_pct", value=v, unit="%", sha256=c * 64)
            for m, v, c in (("2025-01", 10.0, "1"), ("2025-02", -10.0, "2"), ("2025-04", 5.0, "4"))]
    index = production_index(build_panel(facts(*rows)))
    assert _value(index, "production_index", "2024-12") == 100
    assert _value(index, "production_index", "2025-01") == pytest.approx(110)
    assert _value(index, "production_index", "2025-02") == pytest.approx(99)
    assert _value(index, "production_index", "2025-03") == 100  # a gap: the April chain starts at March = 100
    assert _value(index, "production_index", "2025-04") == pytest.approx(105)


@given(st.lists(st.floats(min_value=-50, max_value=100, allow_nan=False), min_size=1, max_size=24))
def test_production_index_last_value_is_the_product_of_all_changes(changes: list[float]) -> None:
    months = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(1, len(changes) + 1)]
    rows = [fact(report_month=m, period=m, measure="mom_pct", value=v, unit="%", sha256=f"{i:064x}")
            for i, (m, v) in enumerate(zip(months, changes, strict=True))]
    index = production_index(build_panel(facts(*rows)))
    expected = 100 * math.prod(1 + v / 100 for v in changes)
    assert _value(index, "production_index", months[-1]) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_diffusion_index_counts_growers_and_half_the_flat_ones() -> None:
    rows = [fact(product=p, measure="mom_pct", value=v, unit="%") for p, v in
            (("copper_cathode", 3.0), ("refined_zinc", -1.0), ("refined_tin", 0.05), ("refined_nickel", 2.0))]
    rows.append(fact(product="primary_lead", measure="mom_dir", value=1.0, unit="dir"))
    diffusion = diffusion_index(build_panel(facts(*rows)))
    overall = diffusion[diffusion["product_group"] == "all"].iloc[0]
    assert overall["value"] == pytest.approx(100 * (3 + 0.5) / 5)
    copper_group = diffusion[diffusion["product_group"] == "copper"].iloc[0]
    assert copper_group["value"] == 100


@given(st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=1, max_size=30))
def test_diffusion_index_is_a_share_between_0_and_100(directions: list[float]) -> None:
    products = ["copper_cathode", "refined_zinc", "refined_tin", "refined_nickel", "primary_lead", "alumina"]
    rows = [fact(product=products[i % len(products)], report_month=f"2025-{i // len(products) + 1:02d}",
                 period=f"2025-{i // len(products) + 1:02d}", measure="mom_dir", value=d, unit="dir",
                 sha256=f"{i // len(products):064x}")
            for i, d in enumerate(directions)]
    diffusion = diffusion_index(build_panel(facts(*rows)))
    assert diffusion["value"].between(0, 100).all()


def test_build_indicators_on_an_empty_panel_is_empty_but_typed() -> None:
    frame = build_indicators(build_panel(facts()))
    assert frame.empty and "indicator" in frame.columns
