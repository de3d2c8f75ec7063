"""The monthly panel: one row per product x segment x month, actual and forecast side by side.

A month's actual figures come from that month's report; the forecast for it comes from the report a
month earlier; a later report that states the month again ("January output was revised up to ...")
is kept as its restatement. When a report arrives in more than one vintage (a corrected file), the
latest vintage by `received_at` wins, so the panel always shows what SMM says now. Where a report
states one figure twice with two values, the panel shows its first statement (the consistency rules
flag the second).
"""

from __future__ import annotations

import pandas as pd

from smm_pipeline.periods import shift_month

ACTUAL_MEASURES = ("level", "mom_abs", "mom_pct", "yoy_abs", "yoy_pct", "ytd_level", "ytd_yoy_abs",
                   "ytd_yoy_pct", "mom_dir", "yoy_dir")
FORECAST_MEASURES = ("level", "mom_abs", "mom_pct", "yoy_abs", "yoy_pct", "ytd_yoy_abs", "ytd_yoy_pct", "mom_dir",
                     "yoy_dir")
KEY = ["product", "segment", "month"]

PANEL_COLUMNS = (
    [*KEY, "unit", *ACTUAL_MEASURES, "level_high", "actual_report_month", "actual_sha256", "actual_file"]
    + [f"forecast_{m}" for m in FORECAST_MEASURES]
    + ["forecast_level_high", "forecast_report_month", "forecast_sha256", "forecast_file",
       "restated_level", "restated_report_month"]
)


def latest_vintages(facts: pd.DataFrame) -> pd.DataFrame:
    """Only the facts of each report month's latest vintage (largest received_at, then sha256)."""
    if facts.empty:
        return facts
    vintages = (facts[["report_month", "sha256", "received_at"]].drop_duplicates()
                .sort_values(["report_month", "received_at", "sha256"]))
    latest = vintages.groupby("report_month", as_index=False).tail(1)[["report_month", "sha256"]]
    return facts.merge(latest, on=["report_month", "sha256"], how="inner")


def _wide(facts: pd.DataFrame, measures: tuple[str, ...], prefix: str) -> pd.DataFrame:
    subset = facts[facts["measure"].isin(measures)]
    values = subset.pivot_table(index=KEY, columns="measure", values="value", aggfunc="first")
    values = values.reindex(columns=list(measures))
    values.columns = [f"{prefix}{m}" for m in values.columns]
    levels = subset[subset["measure"] == "level"].set_index(KEY)[["value_high"]]
    levels = levels[~levels.index.duplicated()]
    levels.columns = [f"{prefix}level_high"]
    source = subset.drop_duplicates(KEY).set_index(KEY)[["report_month", "sha256", "file_name"]]
    kind = "actual" if prefix == "" else "forecast"
    source.columns = [f"{kind}_report_month", f"{kind}_sha256", f"{kind}_file"]
    return values.join(levels, how="left").join(source, how="left")


def build_panel(facts: pd.DataFrame) -> pd.DataFrame:
    """The production panel from every report's metric facts (all vintages; the latest wins)."""
    production = latest_vintages(facts)
    production = production[(production["metric"] == "production") & (production["statement"] == 1)
                            & ~production["segment"].str.startswith("basis:")].rename(columns={"period": "month"})
    if production.empty:
        return empty_panel()
    next_month = production["report_month"].map(lambda m: shift_month(m, 1))
    actual = production[production["month"] == production["report_month"]]
    forecast = production[production["month"] == next_month]
    restated = production[(production["month"] < production["report_month"])
                          & (production["measure"] == "level")]
    panel = _wide(actual, ACTUAL_MEASURES, "").join(
        _wide(forecast, FORECAST_MEASURES, "forecast_"), how="outer")
    latest_restatement = (restated.sort_values("report_month").drop_duplicates(KEY, keep="last")
                          .set_index(KEY)[["value", "report_month"]])
    latest_restatement.columns = ["restated_level", "restated_report_month"]
    panel = panel.join(latest_restatement, how="outer")
    units = (production[production["measure"].isin(["level", "mom_abs", "yoy_abs", "ytd_level"])]
             .drop_duplicates(KEY).set_index(KEY)["unit"])
    panel = panel.join(units.rename("unit"), how="left").reset_index()
    panel["unit"] = panel["unit"].fillna("mt")
    return _typed(panel.reindex(columns=PANEL_COLUMNS)).sort_values(KEY, ignore_index=True)


def empty_panel() -> pd.DataFrame:
    """A panel with no rows and the right columns and types."""
    return _typed(pd.DataFrame(columns=PANEL_COLUMNS))


def _typed(panel: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in PANEL_COLUMNS if c in KEY or c == "unit" or c.endswith(("_report_month", "_sha256", "_file"))]
    numbers = [c for c in PANEL_COLUMNS if c not in text]
    return panel.astype({**{c: "string" for c in text}, **{c: "float64" for c in numbers}})
