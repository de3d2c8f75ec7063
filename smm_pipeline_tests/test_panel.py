"""The monthly panel: actual beside forecast, restatements, the latest vintage wins."""

import pandas as pd
import pytest

from smm_pipeline.panel import PANEL_COLUMNS, build_panel, latest_vintages
from smm_pipeline_tests.factories import SHA_A, SHA_B, fact, facts


def _row(panel: pd.DataFrame, month: str, product: str = "copper_cathode", segment: str = "") -> pd.Series:
    found = panel[(panel["product"] == product) & (panel["month"] == month) & (panel["segment"] == segment)]
    assert len(found) == 1, found
    return found.iloc[0]


def test_actual_and_forecast_for_the_same_month_sit_side_by_side() -> None:
    frame = facts(
        fact(period="2025-07", measure="mom_pct", value=3.47, unit="%"),
        fact(period="2025-08", measure="mom_pct", value=-0.51, unit="%"),
        fact(report_month="2025-08", period="2025-08", measure="mom_pct", value=-1.2, unit="%", sha256=SHA_B),
        fact(report_month="2025-08", period="2025-08", measure="level", value=1_160_000, sha256=SHA_B),
    )
    panel = build_panel(frame)
    august = _row(panel, "2025-08")
    assert august["mom_pct"] == -1.2
    assert august["forecast_mom_pct"] == -0.51
    assert august["level"] == 1_160_000
    assert august["actual_report_month"] == "2025-08"
    assert august["forecast_report_month"] == "2025-07"
    assert august["actual_sha256"] == SHA_B and august["forecast_sha256"] == SHA_A
    assert list(panel.columns) == PANEL_COLUMNS


def test_latest_vintage_wins_and_older_vintage_is_ignored() -> None:
    frame = facts(
        fact(measure="level", value=1_000_000, sha256=SHA_A, received_at="2025-07-31T10:00:00+00:00"),
        fact(measure="level", value=1_010_000, sha256=SHA_B, received_at="2025-08-02T09:00:00+00:00"),
    )
    assert latest_vintages(frame)["sha256"].unique().tolist() == [SHA_B]
    assert _row(build_panel(frame), "2025-07")["level"] == 1_010_000


def test_a_later_report_restating_a_month_is_kept_as_its_restatement() -> None:
    frame = facts(
        fact(product="refined_tin", report_month="2025-01", period="2025-01", value=14_800),
        fact(product="refined_tin", report_month="2025-02", period="2025-01", value=15_300, sha256=SHA_B),
    )
    january = _row(build_panel(frame), "2025-01", product="refined_tin")
    assert january["level"] == 14_800
    assert january["restated_level"] == 15_300
    assert january["restated_report_month"] == "2025-02"


def test_ranges_keep_both_ends_and_non_production_metrics_stay_out() -> None:
    frame = facts(
        fact(product="silicon_metal", period="2025-08", value=360_000, value_high=370_000, qualifier="range"),
        fact(metric="operating_rate", measure="level", value=88.19, unit="%"),
        fact(segment="basis:vs_expected", measure="level", value=-300),
    )
    panel = build_panel(frame)
    august = _row(panel, "2025-08", product="silicon_metal")
    assert (august["forecast_level"], august["forecast_level_high"]) == (360_000, 370_000)
    assert set(panel["product"]) == {"silicon_metal"}


@pytest.mark.parametrize("rows", [[], [fact(metric="share", unit="%", value=50.0)]])
def test_no_production_facts_give_an_empty_panel_with_its_columns(rows: list[dict]) -> None:
    panel = build_panel(facts(*rows))
    assert panel.empty
    assert list(panel.columns) == PANEL_COLUMNS
