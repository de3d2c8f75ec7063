"""The dbt project as Dagster assets, so the UI shows one lineage from raw report to the marts.

dbt sources carry `meta.dagster.asset_key`, which joins them to the Python assets that write those
tables; dbt tests become asset checks. The manifest is read at import, so it is parsed here when it
is missing (a fresh clone): `dbt parse` does not open the DuckDB file, so it never blocks a writer.
"""


import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from smm_pipeline.defs.partitions import WAREHOUSE_POOL
from smm_pipeline.defs.resources import PipelineSettings
from smm_pipeline.settings import DBT_PROJECT_DIR, paths

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt")) if Path(sys.executable).with_name("dbt").exists() \
    else "dbt"


def _stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [p for pattern in ("models/**/*", "macros/**/*", "tests/**/*", "*.yml")
               for p in Path(project.project_dir).glob(pattern) if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """The manifest path, running `dbt parse` first when it is missing or older than the project files."""
    if _stale(project):
        env = {**os.environ, "SMM_WAREHOUSE": os.environ.get("SMM_WAREHOUSE") or str(paths().warehouse)}
        result = subprocess.run(
            [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(project.project_dir), "--profiles-dir",
             str(project.profiles_dir)], env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed in {project.project_dir}:\n{result.stdout}\n{result.stderr}")
    return project.manifest_path


class SmmDbtTranslator(DagsterDbtTranslator):
    """dbt models sit in the 'marts' group (staging included: they are views over the same file)."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_group_name(dbt_resource_props)
        return "marts"


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, pool=WAREHOUSE_POOL,
            dagster_dbt_translator=SmmDbtTranslator())
def smm_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                   settings: PipelineSettings) -> Iterator[Any]:
    """dbt build (models and tests) against the warehouse the Python assets wrote."""
    os.environ["SMM_WAREHOUSE"] = settings.warehouse
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for this project, using the venv's dbt."""
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE)
