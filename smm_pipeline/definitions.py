"""The code location: `defs` is what `dagster dev`, `dagster definitions validate` and the CLI load."""

import dagster as dg

from smm_pipeline.defs.assets import core_assets
from smm_pipeline.defs.brief import monthly_brief
from smm_pipeline.defs.checks import consistency_checks, schema_checks
from smm_pipeline.defs.dbt import dbt_resource, smm_dbt_models
from smm_pipeline.defs.freshness import ReportCalendar, freshness_job, report_arrived_on_time
from smm_pipeline.defs.jobs import brief_job, extract_job, rebuild_job, report_job
from smm_pipeline.defs.resources import default_resources
from smm_pipeline.defs.schedules import month_end_rebuild, report_freshness
from smm_pipeline.defs.sensors import drop_folder_sensor
from smm_pipeline.defs.serving import serving_copy


def build_defs(resources: dict[str, object] | None = None) -> dg.Definitions:
    """The definitions with these resources (default: paths from the environment)."""
    return dg.Definitions(
        assets=[*core_assets, smm_dbt_models, serving_copy, monthly_brief],
        asset_checks=[*schema_checks, consistency_checks, report_arrived_on_time],
        jobs=[report_job, extract_job, rebuild_job, brief_job, freshness_job],
        sensors=[drop_folder_sensor],
        schedules=[month_end_rebuild, report_freshness],
        resources={**default_resources(), "dbt": dbt_resource(), "calendar": ReportCalendar.from_env(),
                   **(resources or {})},
        # One DuckDB file: steps of a run go one after another in one process (a schema check reading
        # the file beside another step writing it would hit DuckDB's lock); dagster.yaml's pool
        # granularity "run" keeps two runs that touch the warehouse from overlapping.
        executor=dg.in_process_executor,
    )


defs = build_defs()
