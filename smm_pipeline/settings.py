"""Where things live: the data folder, the warehouse, the dbt project. Environment variables override.

`SMM_DATA_DIR` moves every folder at once (tests point it at a temporary folder); `SMM_WAREHOUSE` moves
only the DuckDB file. Defaults are relative to the source checkout, so `make run`, `dagster dev` and
the tests agree on one warehouse whatever the working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = SOURCE_ROOT if (SOURCE_ROOT / "pyproject.toml").exists() else Path.cwd()
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True, slots=True)
class Paths:
    """Every folder and file the pipeline reads or writes."""

    data_dir: Path
    warehouse: Path

    @property
    def drop(self) -> Path:
        """Where people and download jobs put new reports."""
        return self.data_dir / "drop"

    @property
    def archive(self) -> Path:
        """Accepted originals by content hash, and the ledger of vintages."""
        return self.data_dir / "archive"

    @property
    def quarantine(self) -> Path:
        """Rejected files, each with a reason file."""
        return self.data_dir / "quarantine"

    @property
    def serving(self) -> Path:
        """The read-only copy and Parquet exports SQL consumers read."""
        return self.data_dir / "serving"

    @property
    def briefs(self) -> Path:
        """Monthly brief pages."""
        return self.data_dir / "briefs"

    @property
    def logs(self) -> Path:
        """The full Dagster and dbt logs of `smm-pipeline run`."""
        return self.data_dir / "logs"

    @property
    def samples(self) -> Path:
        """The bundled sample reports."""
        return PROJECT_ROOT / "data" / "samples"


def paths() -> Paths:
    """The paths for this process, from the environment or the defaults."""
    data_dir = Path(os.environ.get("SMM_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    warehouse = Path(os.environ.get("SMM_WAREHOUSE") or data_dir / "warehouse.duckdb").resolve()
    return Paths(data_dir=data_dir, warehouse=warehouse)
