"""Asset checks: every table against its Pandera model, and a check per consistency rule (one step).

A schema failure is a blocking ERROR check: it stops the run before anything downstream (the panel,
the dbt marts) reads the bad rows. A consistency finding is about the source, not the pipeline, so
those checks do not block: they fail with WARN or ERROR severity (the worst finding of the rule) and
carry the offending rows, so the UI shows where the report contradicts itself.
"""


from collections.abc import Iterator

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from dagster_duckdb import DuckDBResource

from smm_pipeline import consistency, schemas, warehouse
from smm_pipeline.defs import assets
from smm_pipeline.defs.metadata import markdown_table
from smm_pipeline.defs.partitions import run_months

SCHEMA_OF = {
    assets.raw_reports: schemas.RawReports,
    assets.report_sections: schemas.ReportSections,
    assets.metric_facts: schemas.MetricFacts,
    assets.monthly_panel: schemas.MonthlyPanel,
    assets.derived_indicators: schemas.DerivedIndicators,
    assets.data_quality_findings: schemas.DataQualityFindings,
}


def _partitions(context: dg.AssetCheckExecutionContext) -> list[str] | None:
    """The report months the run wrote. The checks are not partitioned themselves (partitioned asset checks
    are a preview API of Dagster 1.13): each runs in the run that materialised its asset's months (one, or
    a backfill's range) and reads those months, named by the run's tags."""
    return run_months(context.run.tags, context.instance)


def schema_check(asset: dg.AssetsDefinition, model: type[pa.DataFrameModel]) -> dg.AssetChecksDefinition:
    """A blocking check that validates the asset's table (its partition, if partitioned) lazily."""
    table = asset.key.path[-1]

    @dg.asset_check(asset=asset, name="matches_schema", blocking=True,
                    description=f"Validates {table} against schemas.{model.__name__}: {model.__doc__}")
    def check(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource) -> dg.AssetCheckResult:
        # An unpartitioned table is checked whole, even inside a run for one report month.
        partitions = _partitions(context) if asset.partitions_def is not None else None
        with duckdb.get_connection() as con:
            frame = warehouse.read_table(con, table, partitions)
        if frame is None:
            return dg.AssetCheckResult(passed=False, metadata={"reason": f"table {table} is missing"})
        _, failures = schemas.validate(model, frame)
        metadata: dict[str, object] = {"rows_checked": dg.MetadataValue.int(len(frame)),
                                       "failures": dg.MetadataValue.int(len(failures))}
        if not failures.empty:
            shown = failures.astype("string")
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(
                shown, ["column", "check", "failure_case", "index"], limit=30))
            rows = failures["index"].dropna().astype(int).unique()
            offending = frame.loc[[i for i in rows if i in frame.index]]
            metadata["offending_rows"] = dg.MetadataValue.md(markdown_table(offending, limit=20))
        return dg.AssetCheckResult(passed=failures.empty, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)

    return check


def _rule_result(declared: consistency.Rule, findings: pd.DataFrame | None) -> dg.AssetCheckResult:
    """One rule's verdict on the month's findings: failed (WARN or ERROR, the worst finding) when it has
    warning or error findings, with those rows (or its info rows) shown."""
    key = {"asset_key": assets.data_quality_findings.key, "check_name": declared.name}
    if findings is None:
        return dg.AssetCheckResult(**key, passed=False,
                                   metadata={"reason": "data_quality_findings is missing"})
    mine = findings[findings["rule"] == declared.name]
    serious = mine[mine["severity"].isin(["warning", "error"])]
    severity = dg.AssetCheckSeverity.ERROR if (serious["severity"] == "error").any() else dg.AssetCheckSeverity.WARN
    metadata: dict[str, object] = {
        "errors": dg.MetadataValue.int(int((mine["severity"] == "error").sum())),
        "warnings": dg.MetadataValue.int(int((mine["severity"] == "warning").sum())),
        "infos": dg.MetadataValue.int(int((mine["severity"] == "info").sum())),
    }
    shown = serious if len(serious) else mine
    if len(shown):
        metadata["findings"] = dg.MetadataValue.md(markdown_table(
            shown, ["product", "severity", "lines", "message"], limit=30))
    return dg.AssetCheckResult(**key, passed=serious.empty, severity=severity, metadata=metadata)


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(declared.name, asset=assets.data_quality_findings, blocking=False,
                             description=f"{declared.explanation} (compares {declared.compares}; "
                                         f"worst: {declared.severity})")
           for declared in consistency.RULEBOOK],
    name="consistency_rules")
def consistency_checks(context: dg.AssetCheckExecutionContext,
                       duckdb: DuckDBResource) -> Iterator[dg.AssetCheckResult]:
    """A non-blocking check per consistency rule, failing where the month has warning/error findings of it.

    One step for all the rules: the findings are read once, and a run pays one step's overhead instead
    of one per rule (about 60 ms each in a daemon-launched run)."""
    with duckdb.get_connection() as con:
        findings = warehouse.read_table(con, "data_quality_findings", _partitions(context))
    for declared in consistency.RULEBOOK:
        yield _rule_result(declared, findings)


schema_checks = [schema_check(asset, model) for asset, model in SCHEMA_OF.items()]
