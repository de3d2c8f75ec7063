"""Asset checks: every table against its Pandera model, as blocking ERROR checks.

A schema failure stops the run before anything downstream (the panel, the dbt marts) reads the bad
rows. The failing rows are in the check's metadata as a table, so the UI shows what broke and where.
"""


import dagster as dg
import pandera.pandas as pa

from smm_pipeline import schemas, warehouse
from smm_pipeline.defs import assets
from smm_pipeline.defs.metadata import markdown_table
from smm_pipeline.defs.resources import PipelineSettings

SCHEMA_OF = {
    assets.raw_reports: schemas.RawReports,
    assets.report_sections: schemas.ReportSections,
    assets.metric_facts: schemas.MetricFacts,
    assets.monthly_panel: schemas.MonthlyPanel,
    assets.derived_indicators: schemas.DerivedIndicators,
}


def schema_check(asset: dg.AssetsDefinition, model: type[pa.DataFrameModel]) -> dg.AssetChecksDefinition:
    """A blocking check that validates the asset's table (its partition, if partitioned) lazily."""
    table = asset.key.path[-1]

    @dg.asset_check(asset=asset, name="matches_schema", blocking=True, partitions_def=asset.partitions_def,
                    description=f"Validates {table} against schemas.{model.__name__}: {model.__doc__}")
    def check(context: dg.AssetCheckExecutionContext, settings: PipelineSettings) -> dg.AssetCheckResult:
        partitions = [context.partition_key] if context.has_partition_key else None
        frame = warehouse.read_table(settings.warehouse, table, partitions)
        if frame is None:
            return dg.AssetCheckResult(passed=False, metadata={"reason": f"table {table} is missing"})
        _, failures = schemas.validate(model, frame)
        metadata: dict[str, object] = {"rows_checked": dg.MetadataValue.int(len(frame)),
                                       "failures": dg.MetadataValue.int(len(failures))}
        if not failures.empty:
            shown = failures.astype("string")
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(
                shown, ["column", "check", "failure_case", "index"], limit=30))
        return dg.AssetCheckResult(passed=failures.empty, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)

    return check


schema_checks = [schema_check(asset, model) for asset, model in SCHEMA_OF.items()]
