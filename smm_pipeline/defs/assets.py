"""The asset graph: raw report -> sections -> metric facts -> monthly panel -> derived indicators.

Each asset calls core functions (tables.py, panel.py, indicators.py) and adds readable metadata; the
DuckDB IO manager stores it. The per-report assets are partitioned by report month and take a backfill's
months in one run; the panel and indicators read every month.
"""


from collections import Counter

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from smm_pipeline import catalogue, indicators, panel, schemas, tables, warehouse
from smm_pipeline.defs.metadata import (
    counts_markdown,
    in_order,
    most_first,
    on_each_month,
    rows_by_month,
    table_metadata,
)
from smm_pipeline.defs.partitions import WAREHOUSE_POOL, report_month_asset
from smm_pipeline.defs.resources import PipelineSettings, ReportReader

PER_REPORT = "reports"
PANEL = "panel"


@report_month_asset(group_name=PER_REPORT, kinds={"python", "duckdb"})
def raw_reports(context: dg.AssetExecutionContext, settings: PipelineSettings,
                reader: ReportReader) -> dg.Output[pd.DataFrame]:
    """Every archived vintage of the month's report: file, sha256, size, received_at and text (of each
    month of the run: a backfill of many months is one run). A vintage the run's reader has read ahead is
    not parsed twice."""
    archive = settings.archive()
    frame = tables.raw_report_rows(archive, context.partition_keys, reader)
    missing = sorted(set(context.partition_keys) - set(frame["report_month"]))
    if missing:
        raise dg.Failure(f"no report for {', '.join(missing)} in the archive {settings.paths.archive}: drop one first")
    return dg.Output(frame, metadata=on_each_month(context, {
        month: _vintages(rows) for month, rows in rows_by_month(frame, context.partition_keys).items()}))


def _vintages(rows: pd.DataFrame) -> dict[str, object]:
    _, sha256, file_name = max(zip(rows["received_at"], rows["sha256"].astype(str), rows["file_name"].astype(str),
                                   strict=True))  # the latest vintage, as the panel takes it (panel.latest_vintages)
    return {
        **table_metadata(rows, ["file_name", "sha256", "size_bytes", "received_at"]),
        "vintages": dg.MetadataValue.int(len(rows)),
        "latest_file": dg.MetadataValue.text(file_name),
        "latest_sha256": dg.MetadataValue.text(sha256),
    }


@report_month_asset(group_name=PER_REPORT, kinds={"python", "duckdb"})
def report_sections(context: dg.AssetExecutionContext, reader: ReportReader,
                    raw_reports: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """One row per product section; a heading not in the catalogue keeps its row with no product."""
    frame = tables.section_rows(raw_reports, reader)
    unknown = frame[frame["product"].isna()]
    for _, row in unknown.iterrows():
        context.log.warning(f"{row['report_month']} line {row['heading_line']}: heading {row['heading']!r} "
                            "is not in the product catalogue")
    return dg.Output(frame, metadata=on_each_month(context, {
        month: {**table_metadata(rows, ["ordinal", "product", "heading", "heading_line"], limit=60),
                "unknown_headings": dg.MetadataValue.int(int(rows["product"].isna().sum()))}
        for month, rows in rows_by_month(frame, context.partition_keys).items()}))


@report_month_asset(group_name=PER_REPORT, kinds={"python", "duckdb"})
def metric_facts(context: dg.AssetExecutionContext, reader: ReportReader, raw_reports: pd.DataFrame,
                 report_sections: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """One row per stated number (FACTS.md columns first), with section, line, span and evidence."""
    frame = tables.fact_rows(raw_reports, reader)
    extracted_sections = frame.groupby("sha256")["section"].max()
    stored_sections = report_sections.groupby("sha256")["ordinal"].max()
    drift = extracted_sections.sub(stored_sections, fill_value=0).abs().gt(0)
    if drift.any():
        raise dg.Failure("facts cite sections that report_sections does not have; rematerialise report_sections")
    return dg.Output(frame, metadata=on_each_month(context, {
        month: {**table_metadata(rows, ["product", "segment", "metric", "period", "measure", "value", "unit", "line"]),
                "headline_facts": dg.MetadataValue.int(int((rows["tier"] == 1).sum())),
                "facts_per_product": counts_markdown(most_first(rows["product"].tolist()), "product", "facts")}
        for month, rows in rows_by_month(frame, context.partition_keys).items()}))


@report_month_asset(group_name=PER_REPORT, kinds={"python", "duckdb"})
def data_quality_findings(context: dg.AssetExecutionContext, duckdb: DuckDBResource, reader: ReportReader,
                          raw_reports: pd.DataFrame, metric_facts: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """Where the month's report contradicts itself, misuses a unit, leaves a change unlabelled or
    restates a figure (rules in consistency.py). Also reads the previous month's facts (from this run
    when it wrote them, else the warehouse) for the chains across months. The lineage cannot draw that
    read: report months are dynamic partitions, and Dagster's "previous partition" mapping is for
    time windows only (README, "What it builds")."""
    outside = tables.previous_months_outside(context.partition_keys)
    with duckdb.get_connection() as con:
        earlier = warehouse.read_table(con, "metric_facts", outside) if outside else None
    frame = tables.finding_rows(raw_reports, metric_facts, earlier, reader)
    unchained = set(tables.months_without_previous(context.partition_keys, earlier))
    return dg.Output(frame, metadata=on_each_month(context, {
        month: _findings(rows, month in unchained)
        for month, rows in rows_by_month(frame, context.partition_keys).items()}))


def _findings(rows: pd.DataFrame, unchained: bool) -> dict[str, object]:
    by_severity = Counter(rows["severity"].tolist())
    serious = rows[rows["severity"] != "info"]
    return {
        **table_metadata(rows, ["product", "rule", "severity", "lines", "message"],
                         shown=serious if len(serious) else rows),
        "errors": dg.MetadataValue.int(int(by_severity.get("error", 0))),
        "warnings": dg.MetadataValue.int(int(by_severity.get("warning", 0))),
        "infos": dg.MetadataValue.int(int(by_severity.get("info", 0))),
        "previous_report": dg.MetadataValue.text(
            "none: the rules across months had nothing to compare with" if unchained else "read"),
        "findings_per_rule": counts_markdown(in_order(rows["rule"].tolist()), "rule", "findings"),
    }


@dg.asset(pool=WAREHOUSE_POOL, group_name=PANEL, kinds={"python", "duckdb"})
def product_catalogue() -> dg.Output[pd.DataFrame]:
    """The product catalogue (ids, headings, group, unit) as a table for SQL consumers."""
    frame = pd.DataFrame([{"product": p.product, "heading": p.heading, "group": p.group, "unit": p.unit,
                           "aliases": "|".join(p.aliases)} for p in catalogue.products()])
    return dg.Output(frame.astype("string"), metadata=table_metadata(frame, ["product", "heading", "group"]))


@dg.asset(pool=WAREHOUSE_POOL, group_name=PANEL, kinds={"python", "duckdb"})
def monthly_panel(context: dg.AssetExecutionContext, metric_facts: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """One row per product x segment x month: actual, forecast made for the month, restatement.

    Facts that fail the MetricFacts schema are left out (and counted), so a bad month stored by an
    earlier run cannot reach the panel or the marts even though its blocking check failed there."""
    valid, failures = schemas.validate(schemas.MetricFacts, metric_facts)
    rejected = failures["index"].dropna().unique() if not failures.empty else []
    if len(rejected):
        context.log.warning(f"{len(rejected)} metric facts fail the schema and are left out of the panel")
        valid = metric_facts.drop(index=[i for i in rejected if i in metric_facts.index])
    frame = panel.build_panel(valid)
    months = sorted(frame["month"].dropna().unique())
    return dg.Output(frame, metadata={
        **table_metadata(frame, ["product", "segment", "month", "level", "mom_pct", "yoy_pct", "forecast_mom_pct"]),
        "months": dg.MetadataValue.text(", ".join(months)),
        "products": dg.MetadataValue.int(int(frame["product"].nunique())),
        "facts_left_out": dg.MetadataValue.int(len(rejected)),
    })


@dg.asset(pool=WAREHOUSE_POOL, group_name=PANEL, kinds={"python", "duckdb"})
def derived_indicators(monthly_panel: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    """Implied levels, forecast errors, chain-linked production index, diffusion index by group."""
    frame = indicators.build_indicators(monthly_panel)
    per_indicator = in_order(frame["indicator"].tolist())
    return dg.Output(frame, metadata={
        **table_metadata(frame, ["indicator", "product_group", "product", "month", "value", "unit"]),
        "rows_per_indicator": counts_markdown(per_indicator, "indicator"),
    })


core_assets = [raw_reports, report_sections, metric_facts, data_quality_findings, product_catalogue, monthly_panel,
               derived_indicators]
