"""The dbt project as Dagster assets, so the UI shows one lineage from raw report to the marts.

dbt sources carry `meta.dagster.asset_key`, which joins them to the Python assets that write those
tables; dbt tests become asset checks. The manifest is read at import, so it is parsed here when it
is missing (a fresh clone): `dbt parse` does not open the DuckDB file, so it never blocks a writer.

Speed: dbt's own parse of the project is most of a cold `dbt build`. The build reads the partial-parse
state that `dbt parse` left in `target/`, which stays valid while the profile and vars are the same —
so the warehouse path reaches dbt as the same `--vars` argument at parse and at build, never through
this process's environment (which every other run in the process would share).
"""


import importlib.metadata
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from smm_pipeline.defs.partitions import WAREHOUSE_POOL
from smm_pipeline.defs.resources import PipelineSettings
from smm_pipeline.settings import DBT_PROJECT_DIR, paths

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt")) if Path(sys.executable).with_name("dbt").exists() \
    else "dbt"


def warehouse_vars(warehouse: str | Path) -> list[str]:
    """The dbt arguments naming the warehouse file (profiles.yml reads `var('smm_warehouse')`)."""
    return ["--vars", json.dumps({"smm_warehouse": str(warehouse)})]


def _parsed_for(project: DbtProject) -> Path:
    """Where the last parse records the vars it ran with: its partial-parse state is valid only for them."""
    return Path(project.project_dir) / "target" / "smm_parsed_for.json"


def _stale(project: DbtProject, args: list[str]) -> bool:
    if not project.manifest_path.exists() or not _parsed_for(project).exists():
        return True
    if _parsed_for(project).read_text() != json.dumps(args):
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [p for pattern in ("models/**/*", "macros/**/*", "tests/**/*", "*.yml")
               for p in Path(project.project_dir).glob(pattern) if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """The manifest path, running `dbt parse` first when it is missing, older than the project files or
    parsed for another warehouse (the default one: SMM_WAREHOUSE or data/)."""
    args = warehouse_vars(paths().warehouse)
    if _stale(project, args):
        result = subprocess.run(
            [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(project.project_dir), "--profiles-dir",
             str(project.profiles_dir), *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed in {project.project_dir}:\n{result.stdout}\n{result.stderr}")
        _parsed_for(project).write_text(json.dumps(args))
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
    """dbt build (models and tests) against the warehouse the Python assets wrote.

    Partial parsing from the state `dbt parse` left (valid when this is the default warehouse; another
    one costs a full parse, nothing else). Each build gets its own target folder from dagster-dbt, which
    is removed once the build succeeds: kept, they grow by about 2 MB a run; a failed build keeps its
    folder (logs, run_results.json) to look into."""
    partial_parse = Path(dbt_project.project_dir) / "target" / "partial_parse.msgpack"
    build = dbt.cli(["build", *warehouse_vars(settings.paths.warehouse),
                     "--partial-parse-file-path", str(partial_parse)], context=context)
    yield from build.stream()
    shutil.rmtree(build.target_path, ignore_errors=True)


class SmmDbtCli(DbtCliResource):
    """The dbt CLI resource without two costs of every dbt step that this project does not use.

    - dbt's version comes from the installed dbt-core package. dagster-dbt runs `dbt --version` once
      per resource, that is once per run, and that command also asks PyPI for the latest release:
      about 3 s of every dbt step here, and a wait on a machine without the internet.
    - No in-process dbt adapter. dagster-dbt builds one before starting `dbt build` (about 1 s: the
      project, the profile and dbt's macros loaded into the run's process) so that
      `fetch_row_counts()` and `fetch_column_metadata()` can query the warehouse; the dbt assets here
      call neither (without an adapter they return no metadata; nothing fails)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for this project, using the venv's dbt."""
    return SmmDbtCli(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE)
