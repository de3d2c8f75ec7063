"""The code location: `defs` is what `dagster dev`, `dagster definitions validate` and the CLI load."""

import dagster as dg

from smm_pipeline.defs.assets import core_assets
from smm_pipeline.defs.checks import consistency_checks, schema_checks
from smm_pipeline.defs.dbt import dbt_resource, smm_dbt_models
from smm_pipeline.defs.jobs import extract_job, rebuild_job, report_job
from smm_pipeline.defs.resources import default_resources
from smm_pipeline.defs.schedules import month_end_rebuild
from smm_pipeline.defs.sensors import drop_folder_sensor


def build_defs(resources: dict[str, object] | None = None) -> dg.Definitions:
    """The definitions with these resources (default: paths from the environment)."""
    return dg.Definitions(
        assets=[*core_assets, smm_dbt_models],
        asset_checks=[*schema_checks, *consistency_checks],
        jobs=[report_job, extract_job, rebuild_job],
        sensors=[drop_folder_sensor],
        schedules=[month_end_rebuild],
        resources={**default_resources(), "dbt": dbt_resource(), **(resources or {})},
    )


defs = build_defs()
