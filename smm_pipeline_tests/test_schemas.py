"""Pandera models: lazy validation collects every failure, measure-dependent ranges and units hold."""

import pandas as pd
import pytest

from smm_pipeline import schemas
from smm_pipeline.consistency import findings_frame
from smm_pipeline.panel import build_panel
from smm_pipeline_tests.factories import fact, facts


def failed_checks(model: type, frame: pd.DataFrame) -> set[str]:
    _, failures = schemas.validate(model, frame)
    return set(failures["check"].astype(str)) if not failures.empty else set()


def test_consistent_facts_pass() -> None:
    rate = {"metric": "operating_rate"}
    frame = facts(fact(value=1_117_400, text="1,117,400 mt"),
                  fact(measure="mom_pct", value=-1.96, unit="%", text="1.96%"),
                  fact(value=86.45, unit="%", text="86.45%", **rate),
                  fact(measure="mom_pp", value=-1.73, unit="pp", text="1.73 percentage points", **rate))
    assert failed_checks(schemas.MetricFacts, frame) == set()


@pytest.mark.parametrize(("row", "check"), [
    (fact(measure="mom_pct", value=3.0, unit="mt", text="3 mt"), "unit_fits_measure"),
    (fact(metric="operating_rate", value=116.0, unit="%", text="116%"), "rates_within_0_100"),
    (fact(measure="mom_dir", value=2.0, unit="dir", text="2"), "directions_are_signs"),
    (fact(value=360_000, qualifier="range", text="360,000 mt"), "ranges_have_a_high_end"),
    ({**fact(value=5.0, text="5 mt"), "evidence": "Production was steady."}, "evidence_has_the_number"),
    (fact(product="gallium", value=5.0, text="5 mt"), "isin"),
])
def test_each_kind_of_bad_fact_is_named_by_its_check(row: dict, check: str) -> None:
    assert any(check in name for name in failed_checks(schemas.MetricFacts, facts(row)))


def test_every_failure_is_collected_at_once() -> None:
    frame = facts(fact(measure="mom_pct", value=3.0, unit="mt", text="3 mt"),
                  fact(metric="operating_rate", value=116.0, unit="%", text="116%"))
    assert {"unit_fits_measure", "rates_within_0_100"} <= failed_checks(schemas.MetricFacts, frame)


def test_one_fact_per_key_and_vintage() -> None:
    twice = facts(fact(value=1.0, text="1 mt"), fact(value=2.0, text="2 mt"))
    assert "multiple_fields_uniqueness" in failed_checks(schemas.MetricFacts, twice)


def test_panel_and_findings_models_accept_what_the_core_builds() -> None:
    panel = build_panel(facts(fact(value=1_000_000, text="1,000,000 mt"),
                              fact(period="2025-08", measure="mom_pct", value=-0.51, unit="%", text="0.51%")))
    assert failed_checks(schemas.MonthlyPanel, panel) == set()
    assert failed_checks(schemas.DataQualityFindings, findings_frame([])) == set()
