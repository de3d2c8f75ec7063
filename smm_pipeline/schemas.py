"""Pandera models of every warehouse table: the shape each stage promises the next.

Validation is lazy, so one run reports every failing row at once, and the asset checks turn a failure
into a blocking ERROR check, so bad rows never reach the dbt marts. Ranges depend on the measure (a
rate is 0-100 %, a change in pp is not), which element-wise Field checks cannot express; those are
dataframe-level checks here.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from smm_pipeline import catalogue
from smm_pipeline.facts import MEASURES, METRICS, QUALIFIERS, UNITS

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
SHA256 = r"^[0-9a-f]{64}$"
SEVERITIES = ("info", "warning", "error")
PRODUCTS = sorted(catalogue.product_ids())
RATE_METRICS = ("operating_rate", "share")
UNIT_OF_MEASURE = {
    "mom_pct": {"%"}, "yoy_pct": {"%"}, "ytd_yoy_pct": {"%"}, "mom_pp": {"pp"}, "yoy_pp": {"pp"},
    "mom_dir": {"dir"}, "yoy_dir": {"dir"},
}
"""Units a measure may carry; level and abs measures take the level's unit, checked per metric below."""
LEVEL_UNITS = {
    "production": {"mt", "GW", "sqm", "mt/year"}, "operating_rate": {"%"}, "share": {"%"},
    "capacity": {"mt", "mt/year"}, "operating_capacity": {"mt", "mt/year"}, "inventory": {"mt"},
    "price": {"yuan/mt", "usd/mt", "usd/dmt", "yuan/mtu"}, "treatment_charge": {"yuan/mt", "usd/mt", "usd/dmt"},
    "imports": {"mt"}, "producer_count": {"count"},
}


class RawReports(pa.DataFrameModel):
    """One row per report file vintage."""

    report_month: Series[str] = pa.Field(str_matches=MONTH)
    sha256: Series[str] = pa.Field(str_matches=SHA256, unique=True)
    file_name: Series[str] = pa.Field(str_length={"min_value": 1})
    size_bytes: Series[int] = pa.Field(gt=0)
    received_at: Series[pd.Timestamp]
    title_line: Series[int] = pa.Field(ge=1)
    converted_from_html: Series[bool]
    text: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class ReportSections(pa.DataFrameModel):
    """One row per section of a report vintage; product is null for a heading not in the catalogue."""

    report_month: Series[str] = pa.Field(str_matches=MONTH)
    sha256: Series[str] = pa.Field(str_matches=SHA256)
    ordinal: Series[int] = pa.Field(ge=1)
    product: Series[str] = pa.Field(isin=PRODUCTS, nullable=True)
    heading: Series[str]
    heading_line: Series[int] = pa.Field(ge=1)
    first_line: Series[int] = pa.Field(ge=1, nullable=True)
    last_line: Series[int] = pa.Field(ge=1, nullable=True)
    char_start: Series[int] = pa.Field(ge=0)
    char_end: Series[int] = pa.Field(ge=0)
    body: Series[str]

    class Config:
        strict = True
        coerce = True
        unique = ("sha256", "ordinal")

    @pa.dataframe_check
    def spans_are_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """A section ends after it starts."""
        return df["char_end"] >= df["char_start"]


class MetricFacts(pa.DataFrameModel):
    """One row per stated number: the FACTS.md contract columns, then provenance."""

    report_month: Series[str] = pa.Field(str_matches=MONTH)
    product: Series[str] = pa.Field(isin=PRODUCTS)
    segment: Series[str] = pa.Field(str_matches=r"^$|^[a-z_]+:[a-z0-9_]+$")
    metric: Series[str] = pa.Field(isin=METRICS)
    period: Series[str] = pa.Field(str_matches=MONTH)
    measure: Series[str] = pa.Field(isin=MEASURES)
    value: Series[float]
    unit: Series[str] = pa.Field(isin=UNITS)
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS)
    value_high: Series[float] = pa.Field(nullable=True)
    tier: Series[int] = pa.Field(isin=[1, 2])
    section: Series[int] = pa.Field(ge=1)
    line: Series[int] = pa.Field(ge=1)
    char_start: Series[int] = pa.Field(ge=0)
    char_end: Series[int] = pa.Field(ge=0)
    value_text: Series[str] = pa.Field(str_length={"min_value": 1})
    evidence: Series[str] = pa.Field(str_length={"min_value": 1})
    statement: Series[int] = pa.Field(ge=1)
    frame: Series[str] = pa.Field(str_length={"min_value": 1})
    sha256: Series[str] = pa.Field(str_matches=SHA256)
    file_name: Series[str]
    received_at: Series[pd.Timestamp]

    class Config:
        strict = True
        coerce = True
        unique = ("sha256", "product", "segment", "metric", "period", "measure", "statement")

    @pa.dataframe_check
    def rates_within_0_100(cls, df: pd.DataFrame) -> Series[bool]:
        """An operating rate or share level is a percentage of something: 0-100."""
        rate_level = df["metric"].isin(RATE_METRICS) & (df["measure"] == "level")
        return ~rate_level | df["value"].between(0, 100)

    @pa.dataframe_check
    def unit_fits_measure(cls, df: pd.DataFrame) -> Series[bool]:
        """% for relative changes, pp for rate changes, dir for directions, the level's unit otherwise."""
        allowed = [UNIT_OF_MEASURE.get(measure) or LEVEL_UNITS.get(metric, set())
                   for measure, metric in zip(df["measure"], df["metric"], strict=True)]
        return pd.Series([unit in units for unit, units in zip(df["unit"], allowed, strict=True)], index=df.index)

    @pa.dataframe_check
    def directions_are_signs(cls, df: pd.DataFrame) -> Series[bool]:
        """A direction-only fact is -1, 0 or 1."""
        return ~df["measure"].str.endswith("_dir") | df["value"].isin([-1.0, 0.0, 1.0])

    @pa.dataframe_check
    def ranges_have_a_high_end(cls, df: pd.DataFrame) -> Series[bool]:
        """value_high is set exactly for range qualifiers, and is not below value."""
        is_range = df["qualifier"] == "range"
        return (is_range & (df["value_high"] >= df["value"])) | (~is_range & df["value_high"].isna())

    @pa.dataframe_check
    def evidence_has_the_number(cls, df: pd.DataFrame) -> Series[bool]:
        """No fact without evidence: the sentence contains the number as written."""
        return pd.Series([text in evidence for text, evidence in zip(df["value_text"], df["evidence"], strict=True)],
                         index=df.index)


class MonthlyPanel(pa.DataFrameModel):
    """One row per product x segment x month of production."""

    product: Series[str] = pa.Field(isin=PRODUCTS)
    segment: Series[str]
    month: Series[str] = pa.Field(str_matches=MONTH)
    unit: Series[str]
    level: Series[float] = pa.Field(nullable=True, ge=0)
    mom_abs: Series[float] = pa.Field(nullable=True)
    mom_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    yoy_abs: Series[float] = pa.Field(nullable=True)
    yoy_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    ytd_level: Series[float] = pa.Field(nullable=True, ge=0)
    ytd_yoy_abs: Series[float] = pa.Field(nullable=True)
    ytd_yoy_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    mom_dir: Series[float] = pa.Field(nullable=True, isin=[-1.0, 0.0, 1.0])
    yoy_dir: Series[float] = pa.Field(nullable=True, isin=[-1.0, 0.0, 1.0])
    level_high: Series[float] = pa.Field(nullable=True, ge=0)
    actual_report_month: Series[str] = pa.Field(nullable=True, str_matches=MONTH)
    actual_sha256: Series[str] = pa.Field(nullable=True, str_matches=SHA256)
    actual_file: Series[str] = pa.Field(nullable=True)
    forecast_level: Series[float] = pa.Field(nullable=True, ge=0)
    forecast_mom_abs: Series[float] = pa.Field(nullable=True)
    forecast_mom_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    forecast_yoy_abs: Series[float] = pa.Field(nullable=True)
    forecast_yoy_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    forecast_ytd_yoy_abs: Series[float] = pa.Field(nullable=True)
    forecast_ytd_yoy_pct: Series[float] = pa.Field(nullable=True, gt=-100)
    forecast_mom_dir: Series[float] = pa.Field(nullable=True, isin=[-1.0, 0.0, 1.0])
    forecast_yoy_dir: Series[float] = pa.Field(nullable=True, isin=[-1.0, 0.0, 1.0])
    forecast_level_high: Series[float] = pa.Field(nullable=True, ge=0)
    forecast_report_month: Series[str] = pa.Field(nullable=True, str_matches=MONTH)
    forecast_sha256: Series[str] = pa.Field(nullable=True, str_matches=SHA256)
    forecast_file: Series[str] = pa.Field(nullable=True)
    restated_level: Series[float] = pa.Field(nullable=True, ge=0)
    restated_report_month: Series[str] = pa.Field(nullable=True, str_matches=MONTH)

    class Config:
        strict = True
        coerce = True
        unique = ("product", "segment", "month")


class DerivedIndicators(pa.DataFrameModel):
    """Long table of derived indicators."""

    indicator: Series[str] = pa.Field(isin=[
        "implied_level", "implied_previous_level", "implied_level_from_yoy", "implied_year_ago_level",
        "forecast_implied_level", "forecast_implied_previous_level", "forecast_implied_level_from_yoy",
        "forecast_implied_year_ago_level", "forecast_error_pct", "forecast_error_abs", "forecast_mom_pct_miss",
        "forecast_direction_hit", "production_index", "diffusion_index"])
    product: Series[str]
    product_group: Series[str]
    segment: Series[str]
    month: Series[str] = pa.Field(str_matches=MONTH)
    value: Series[float]
    unit: Series[str]
    method: Series[str]

    class Config:
        strict = True
        coerce = True
        unique = ("indicator", "product", "product_group", "segment", "month")

    @pa.dataframe_check
    def diffusion_is_a_percentage(cls, df: pd.DataFrame) -> Series[bool]:
        """A diffusion index is a share of products: 0-100."""
        return (df["indicator"] != "diffusion_index") | df["value"].between(0, 100)


class DataQualityFindings(pa.DataFrameModel):
    """One row per finding of the consistency rules."""

    report_month: Series[str] = pa.Field(str_matches=MONTH)
    sha256: Series[str] = pa.Field(str_matches=SHA256)
    product: Series[str] = pa.Field(nullable=True)
    rule: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    message: Series[str] = pa.Field(str_length={"min_value": 1})
    facts: Series[str]
    line: Series[int] = pa.Field(ge=0)
    lines: Series[str]
    evidence: Series[str]

    class Config:
        strict = True
        coerce = True


def validate(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(validated frame, failure cases): lazy validation that collects every failure, never raises."""
    try:
        return model.validate(frame, lazy=True), pd.DataFrame()
    except pa.errors.SchemaErrors as errors:
        return frame, errors.failure_cases
