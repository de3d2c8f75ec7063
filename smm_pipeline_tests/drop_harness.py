"""The drop-folder path without the daemon, for the end-to-end tests and the soak benchmark.

What the Dagster daemon does on each sensor tick, done in-process against a real (temporary)
DagsterInstance: evaluate `drop_folder_sensor` with the stored cursor, store the new cursor, add the
requested partitions, skip run keys already used, and execute each requested run of `report_job`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from smm_pipeline.defs.dbt import dbt_resource
from smm_pipeline.defs.freshness import ReportCalendar
from smm_pipeline.defs.resources import pipeline_resources
from smm_pipeline.defs.sensors import drop_folder_sensor
from smm_pipeline.settings import Paths

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class DropHarness:
    """A data folder, an instance and the sensor's cursor, as the daemon would keep them."""

    data_dir: Path
    instance: dg.DagsterInstance
    cursor: str | None = None
    as_of: str = ""
    """The date the freshness check judges by (default: today)."""
    runs: list[dg.ExecuteInProcessResult] = field(default_factory=list)
    settle_seconds: float = 0
    """0: a file is taken on the first look (any last write is old enough)."""

    @property
    def paths(self) -> Paths:
        """The folders of this data directory."""
        return Paths(data_dir=self.data_dir, warehouse=self.data_dir / "warehouse.duckdb")

    def resources(self) -> dict[str, object]:
        """Resources pointing at this data folder."""
        return {**pipeline_resources(self.data_dir, self.paths.warehouse, settle_seconds=self.settle_seconds),
                "dbt": dbt_resource(), "calendar": ReportCalendar(as_of=self.as_of)}

    def drop(self, name: str, data: bytes) -> Path:
        """Put a file into the drop folder, as a person or a download job would."""
        self.paths.drop.mkdir(parents=True, exist_ok=True)
        path = self.paths.drop / name
        path.write_bytes(data)
        return path

    def tick(self) -> dg.SensorResult:
        """One sensor evaluation; the cursor is kept for the next one, like the daemon keeps it."""
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursor,
                                     resources={"settings": self.resources()["settings"]}) as context:
            result = drop_folder_sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursor = result.cursor
        return result

    def launch(self, result: dg.SensorResult) -> list[dg.ExecuteInProcessResult]:
        """Add the requested partitions and run each request not run before (by run key)."""
        from smm_pipeline.definitions import build_defs

        for request in result.dynamic_partitions_requests or []:
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        job = build_defs(self.resources()).resolve_job_def("report_job")
        launched = []
        for request in result.run_requests or []:
            if self.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key})):
                continue
            launched.append(job.execute_in_process(
                partition_key=request.partition_key, instance=self.instance, raise_on_error=False,
                tags={**request.tags, "dagster/run_key": request.run_key}, run_config=QUIET))
        self.runs += launched
        return launched

    def deliver(self, name: str, data: bytes) -> list[dg.ExecuteInProcessResult]:
        """Drop a file, tick until the sensor has taken it (it must look unchanged twice), run what it asks."""
        self.drop(name, data)
        launched = []
        for _ in range(2):
            launched += self.launch(self.tick())
        return launched
