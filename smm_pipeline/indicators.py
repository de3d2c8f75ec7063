"""Derived indicators: what the panel implies but the reports do not state.

- implied levels: a report that gives an absolute and a relative change ("up 39,400 mt MoM, a 3.47%
  increase") implies the level of both months (39,400 / 3.47% = 1,135,447 mt in June, 1,174,847 mt in
  July); a level with a change implies the base month;
- forecast error: what the report of month t forecast for t+1 against what the report of t+1 says;
- a chain-linked production index per product from MoM %, so products of different size and unit can be
  compared over time (a gap in the MoM series starts a new chain at 100);
- a diffusion index per product group: the share of products whose production grew MoM (flat counts
  half), the breadth of a month's growth rather than its size.

Output is long: one row per indicator x product (or group) x segment x month, with the method used.
"""

from __future__ import annotations

import math

import pandas as pd

from smm_pipeline import catalogue
from smm_pipeline.periods import months_between, shift_month

INDICATOR_COLUMNS = ["indicator", "product", "product_group", "segment", "month", "value", "unit", "method"]
FLAT_BAND_PCT = 0.1
"""A MoM change within +/-0.1% counts as flat in the diffusion index (SMM rounds to 0.01-0.1%)."""


def _rows(frame: pd.DataFrame, indicator: str, values: pd.Series, unit: pd.Series | str, method: str
          ) -> pd.DataFrame:
    keep = values.notna() & values.map(lambda x: math.isfinite(x) if isinstance(x, float) else True)
    out = frame.loc[keep, ["product", "segment", "month"]].copy()
    out["indicator"] = indicator
    out["value"] = values[keep].astype("float64")
    out["unit"] = unit[keep] if isinstance(unit, pd.Series) else unit
    out["method"] = method
    return out


def implied_levels(panel: pd.DataFrame) -> pd.DataFrame:
    """Levels implied by stated changes, for the actual month and for the forecast month."""
    pieces = []
    for prefix, label in (("", ""), ("forecast_", "forecast_")):
        abs_, pct, level = panel[f"{prefix}mom_abs"], panel[f"{prefix}mom_pct"], panel[f"{prefix}level"]
        usable = abs_.notna() & pct.notna() & (pct != 0)
        previous = (abs_ / (pct / 100)).where(usable)
        pieces.append(_rows(panel, f"{label}implied_level", previous + abs_, panel["unit"],
                            "mom_abs / (mom_pct / 100) + mom_abs"))
        pieces.append(_rows(panel, f"{label}implied_previous_level", previous, panel["unit"],
                            "mom_abs / (mom_pct / 100)"))
        from_level = (level - abs_).where(level.notna() & abs_.notna() & previous.isna())
        from_level = from_level.fillna((level / (1 + pct / 100)).where(level.notna() & pct.notna() & abs_.isna()))
        pieces.append(_rows(panel, f"{label}implied_previous_level", from_level, panel["unit"],
                            "level - mom_abs, or level / (1 + mom_pct / 100)"))
        yoy_abs, yoy_pct = panel[f"{prefix}yoy_abs"], panel[f"{prefix}yoy_pct"]
        year_ago = (yoy_abs / (yoy_pct / 100)).where(yoy_abs.notna() & yoy_pct.notna() & (yoy_pct != 0))
        pieces.append(_rows(panel, f"{label}implied_level_from_yoy", year_ago + yoy_abs, panel["unit"],
                            "yoy_abs / (yoy_pct / 100) + yoy_abs"))
        pieces.append(_rows(panel, f"{label}implied_year_ago_level", year_ago, panel["unit"],
                            "yoy_abs / (yoy_pct / 100)"))
    return pd.concat(pieces, ignore_index=True)


def best_level(panel: pd.DataFrame, prefix: str = "") -> pd.Series:
    """The stated level (midpoint of a stated range), else the level implied by the MoM change."""
    level, high = panel[f"{prefix}level"], panel[f"{prefix}level_high"]
    stated = ((level + high) / 2).where(high.notna(), level)
    abs_, pct = panel[f"{prefix}mom_abs"], panel[f"{prefix}mom_pct"]
    implied = (abs_ / (pct / 100) + abs_).where(abs_.notna() & pct.notna() & (pct != 0))
    return stated.fillna(implied)


def forecast_errors(panel: pd.DataFrame) -> pd.DataFrame:
    """Forecast (made in month t for t+1) against the actual the report of t+1 states."""
    actual, forecast = best_level(panel), best_level(panel, "forecast_")
    error_pct = ((actual - forecast) / forecast * 100).where(actual.notna() & forecast.notna() & (forecast != 0))
    miss_pp = (panel["mom_pct"] - panel["forecast_mom_pct"])
    direction_hit = pd.Series(float("nan"), index=panel.index)
    known = panel["forecast_mom_dir"].notna()
    actual_dir = panel["mom_pct"].map(_direction).fillna(panel["mom_dir"])
    direction_hit[known & actual_dir.notna()] = (
        panel.loc[known & actual_dir.notna(), "forecast_mom_dir"] == actual_dir[known & actual_dir.notna()]
    ).astype("float64")
    return pd.concat([
        _rows(panel, "forecast_error_pct", error_pct, "%", "(actual level - forecast level) / forecast level"),
        _rows(panel, "forecast_error_abs", actual - forecast, panel["unit"], "actual level - forecast level"),
        _rows(panel, "forecast_mom_pct_miss", miss_pp, "pp", "actual mom_pct - forecast mom_pct"),
        _rows(panel, "forecast_direction_hit", direction_hit, "flag", "forecast mom_dir == actual direction"),
    ], ignore_index=True)


def _direction(pct: float) -> float:
    if pd.isna(pct):
        return float("nan")
    if abs(pct) < FLAT_BAND_PCT:
        return 0.0
    return 1.0 if pct > 0 else -1.0


def production_index(panel: pd.DataFrame) -> pd.DataFrame:
    """Chain-linked index (first month of each unbroken MoM chain = 100) per product and segment."""
    rows = []
    for (product, segment), series in panel.sort_values("month").groupby(["product", "segment"], sort=True):
        index_value, previous_month, chain = None, None, 0
        for month, pct in zip(series["month"], series["mom_pct"], strict=True):
            if pd.isna(pct):
                index_value = None
                continue
            if index_value is None or previous_month is None or months_between(previous_month, month) != 1:
                chain += 1
                rows.append((product, segment, shift_month(month, -1), 100.0, chain))
                index_value = 100.0
            index_value *= 1 + pct / 100
            rows.append((product, segment, month, index_value, chain))
            previous_month = month
    frame = pd.DataFrame(rows, columns=["product", "segment", "month", "value", "chain"])
    frame = frame.drop_duplicates(["product", "segment", "month"], keep="last")
    frame["indicator"] = "production_index"
    frame["unit"] = "index"
    frame["method"] = "chain-linked from mom_pct; chain " + frame["chain"].astype(str) + " starts at 100"
    return frame.drop(columns="chain")


def diffusion_index(panel: pd.DataFrame) -> pd.DataFrame:
    """Per product group and month: % of products growing MoM, flat counting half (50 = balanced)."""
    headline = panel[(panel["segment"] == "") | panel["segment"].str.startswith("content:metal")]
    headline = headline.assign(direction=headline["mom_pct"].map(_direction).fillna(headline["mom_dir"]))
    headline = headline[headline["direction"].notna()].drop_duplicates(["product", "month"])
    headline = headline.assign(group=headline["product"].map(_group), up=headline["direction"] > 0,
                               flat=headline["direction"] == 0)
    counted = {"up": ("up", "sum"), "flat": ("flat", "sum"), "total": ("direction", "size")}
    counts = pd.concat([headline.groupby(["group", "month"]).agg(**counted).reset_index(),
                        headline.groupby("month").agg(**counted).reset_index().assign(group="all")],
                       ignore_index=True)
    rows = [{"indicator": "diffusion_index", "product": "", "product_group": group_name, "segment": "",
             "month": month, "value": 100 * (up + 0.5 * flat) / total, "unit": "%",
             "method": f"{up} up, {flat} flat, {total - up - flat} down of {total} products"}
            for group_name, month, up, flat, total in zip(counts["group"], counts["month"], counts["up"],
                                                          counts["flat"], counts["total"], strict=True)]
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _group(product: str) -> str:
    try:
        return catalogue.get(product).group
    except KeyError:
        return "unknown"


def build_indicators(panel: pd.DataFrame) -> pd.DataFrame:
    """Every derived indicator of the panel, long format."""
    if panel.empty:
        return empty_indicators()
    per_product = pd.concat([implied_levels(panel), forecast_errors(panel), production_index(panel)],
                            ignore_index=True)
    per_product["product_group"] = per_product["product"].map(_group)
    frame = pd.concat([per_product, diffusion_index(panel)], ignore_index=True)
    frame = frame.drop_duplicates(["indicator", "product", "product_group", "segment", "month"], keep="first")
    return _typed(frame.reindex(columns=INDICATOR_COLUMNS)).sort_values(
        ["indicator", "product_group", "product", "segment", "month"], ignore_index=True)


def empty_indicators() -> pd.DataFrame:
    """No indicators, with the right columns and types."""
    return _typed(pd.DataFrame(columns=INDICATOR_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: ("float64" if c == "value" else "string") for c in INDICATOR_COLUMNS})
