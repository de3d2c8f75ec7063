"""Resources: where the pipeline's files are, the run's report reader, and the DuckDB IO manager every
table goes through."""


from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from smm_pipeline import warehouse
from smm_pipeline.archive import Archive
from smm_pipeline.brief import PagesAhead
from smm_pipeline.settings import Paths, paths
from smm_pipeline.tables import VintageReader


class PipelineSettings(dg.ConfigurableResource):
    """The data folder (default: SMM_DATA_DIR or data/) and the warehouse file (SMM_WAREHOUSE or
    data/warehouse.duckdb), as `pipeline_resources` gives it to this and to the DuckDBResource alike (a
    nested resource dependency would say it once, but Dagster 1.13 then warns of its own deprecated
    `InitResourceContext.dagster_run` on every run)."""

    data_dir: str
    warehouse: str
    settle_seconds: float = 3.0
    """How long ago a dropped file's last write must be before it is taken (a copy in progress writes
    far more often; a download in progress has a `.part`-like name and is never taken)."""

    @property
    def paths(self) -> Paths:
        """Every folder, derived from the data folder."""
        return Paths(data_dir=Path(self.data_dir), warehouse=Path(self.warehouse))

    def archive(self) -> Archive:
        """The report archive."""
        return Archive(self.paths.archive)


ReportReader = dg.ResourceParam[VintageReader]
"""What an asset asks for to read report vintages: the run's VintageReader (`report_reader`)."""


@dg.resource(description="Reads each report vintage once per run, whatever asks for it (sections, facts, "
                         "findings).")
def report_reader() -> VintageReader:
    """A new VintageReader for each run (resources are set up once per run with the in-process executor
    these Definitions use), so a run reads each vintage once and its extractions go with it."""
    return VintageReader()


AheadPages = dg.ResourceParam[PagesAhead]
"""What the brief asks for to take pages built ahead: the run's PagesAhead (`pages_ahead`)."""


@dg.resource(description="Brief pages built ahead on idle cores (only for the months `smm-pipeline run` names).")
def pages_ahead() -> PagesAhead:
    """A PagesAhead with no months: in the UI and the daemon nothing is built ahead."""
    return PagesAhead()


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Each asset is a DuckDB table named after it; a partitioned asset replaces only its report months.

    It reaches DuckDB through `DuckDBResource`. Writes are one transaction (see warehouse.write_table),
    so a failed run leaves the months loaded before untouched. An unpartitioned asset reading a
    partitioned one reads every month.
    """

    duckdb: DuckDBResource

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = context.asset_key.path[-1]
        partitions = context.asset_partition_keys if context.has_asset_partitions else None
        Path(self.duckdb.database).parent.mkdir(parents=True, exist_ok=True)
        with self.duckdb.get_connection() as con:
            warehouse.write_table(con, table, obj, partitions)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        table = context.asset_key.path[-1]
        partitions = context.asset_partition_keys if context.has_asset_partitions else None
        with self.duckdb.get_connection() as con:
            frame = warehouse.read_table(con, table, partitions)
        if frame is None:
            raise dg.Failure(f"table {table!r} is not in the warehouse {self.duckdb.database}: materialise it first")
        return frame


def pipeline_resources(data_dir: str | Path, warehouse: str | Path, **settings: object) -> dict[str, object]:
    """The settings, the run's reader, and the warehouse door with its IO manager, built from one warehouse
    path (the definitions and the tests get them all here, so the two cannot differ)."""
    door = DuckDBResource(database=str(warehouse))
    return {"settings": PipelineSettings(data_dir=str(data_dir), warehouse=str(warehouse), **settings),
            "reader": report_reader, "pages_ahead": pages_ahead, "duckdb": door,
            "io_manager": WarehouseIOManager(duckdb=door)}


def default_resources() -> dict[str, object]:
    """Resources for this process's paths (environment or defaults)."""
    where = paths()
    return pipeline_resources(where.data_dir, where.warehouse)
