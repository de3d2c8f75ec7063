"""Jobs: one report month end to end, and the month-end rebuild of everything built from all months."""

import dagster as dg

from smm_pipeline.defs import assets
from smm_pipeline.defs.brief import brief_pages_ahead, monthly_brief
from smm_pipeline.defs.dbt import smm_dbt_models
from smm_pipeline.defs.freshness import report_arrived_on_time
from smm_pipeline.defs.serving import serving_copy

PER_REPORT_ASSETS = [assets.raw_reports, assets.report_sections, assets.metric_facts, assets.data_quality_findings]
ALL_MONTHS_ASSETS = dg.AssetSelection.assets(assets.product_catalogue, assets.monthly_panel,
                                             assets.derived_indicators, smm_dbt_models, serving_copy)

report_job = dg.define_asset_job(
    "report_job",
    selection=dg.AssetSelection.assets(*PER_REPORT_ASSETS, monthly_brief) | ALL_MONTHS_ASSETS,
    description="A report month or a range of them (all their vintages) -> facts and findings, then the panel, "
                "indicators, dbt marts, serving copy and the months' brief pages.",
)

extract_job = dg.define_asset_job(
    "extract_job",
    # A batch load of a folder (`smm-pipeline run`) is no live feed: whether this month's report arrived on
    # time is the daily freshness job's question, and on old reports such as the samples it can only fail.
    selection=dg.AssetSelection.assets(*PER_REPORT_ASSETS) - dg.AssetSelection.checks(report_arrived_on_time),
    description="A report month or a range of them -> raw reports, sections, metric facts and findings (no "
                "panel rebuild).",
)

brief_job = dg.define_asset_job(
    "brief_job",
    selection=dg.AssetSelection.assets(monthly_brief),
    description="The brief pages of a report month or a range of them, from the panel, indicators and "
                "findings already built.",
)

rebuild_job = dg.define_asset_job(
    "rebuild_job",
    selection=ALL_MONTHS_ASSETS,
    description="Rebuild the panel, indicators and dbt marts from every report month in the warehouse.",
    hooks={brief_pages_ahead},
)
