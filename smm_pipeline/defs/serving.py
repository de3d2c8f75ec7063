"""The serving copy as an asset: after the dbt marts, publish the snapshot SQL consumers read.

It is in the warehouse pool, so no other run writes DuckDB while the snapshot is taken, and it
depends on every dbt model, so it runs last in `report_job` and `rebuild_job`. The work is
`serving.publish` (plain Python); this adds metadata for the UI.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from smm_pipeline import serving
from smm_pipeline.defs.dbt import smm_dbt_models
from smm_pipeline.defs.metadata import counts_markdown
from smm_pipeline.defs.partitions import WAREHOUSE_POOL
from smm_pipeline.defs.resources import PipelineSettings


@dg.asset(deps=list(smm_dbt_models.keys), pool=WAREHOUSE_POOL, group_name="serving", kinds={"duckdb", "parquet"})
def serving_copy(settings: PipelineSettings, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """A read-only copy of the warehouse (serving/smm.duckdb, replaced atomically) and Parquet of the
    marts (serving/marts/), for SQL consumers: they never open, lock or block the live warehouse."""
    published = serving.publish(settings.paths.warehouse, settings.paths.serving, connection=duckdb.get_connection)
    return dg.MaterializeResult(metadata={
        "database": dg.MetadataValue.path(published.database),
        "parquet": dg.MetadataValue.path(published.marts),
        "published_at": dg.MetadataValue.text(published.published_at),
        "report_months": dg.MetadataValue.text(", ".join(published.report_months)),
        "size_mb": dg.MetadataValue.float(round(published.size_bytes / 1e6, 2)),
        "rows_per_table": counts_markdown(published.tables, "table"),
    })
