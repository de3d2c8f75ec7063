"""A run killed mid-write (SIGKILL, no chance to clean up) leaves the warehouse and the serving copy
readable, and the next run completes. The kill lands at several moments of a full run of the samples:
during the extraction writes, the dbt build and the publication of the serving copy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from smm_pipeline.settings import PROJECT_ROOT

SAMPLES = PROJECT_ROOT / "data" / "samples"


def _start(data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SMM_DATA_DIR": str(data)}
    env.pop("SMM_WAREHOUSE", None)
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "smm_pipeline.cli", "run", "--reports", str(SAMPLES)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _readable(data: Path) -> None:
    """Whatever exists is readable: the warehouse opens and answers, the serving copy and its manifest too."""
    warehouse = data / "warehouse.duckdb"
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for (table,) in con.execute("select table_name from information_schema.tables").fetchall():
                con.execute(f'select count(*) from "{table}"').fetchone()
    manifest = data / "serving" / "published.json"
    if manifest.exists():
        published = json.loads(manifest.read_text(encoding="utf-8"))
        with duckdb.connect(str(data / "serving" / "smm.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from fct_monthly_panel").fetchone()[0] >= 0
        assert published


@pytest.mark.parametrize("after", [4.0, 9.0, 15.0])
def test_a_run_killed_mid_write_leaves_everything_readable_and_the_next_run_completes(tmp_path: Path,
                                                                                        after: float) -> None:
    data = tmp_path / "data"
    killed = _start(data)
    time.sleep(after)
    if killed.poll() is None:
        os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    _readable(data)
    again = _start(data)
    assert again.wait(timeout=600) == 0
    _readable(data)
    with duckdb.connect(str(data / "serving" / "smm.duckdb"), read_only=True) as con:
        months = {m for (m,) in con.execute("select distinct month from fct_monthly_panel").fetchall()}
    assert {"2025-01", "2025-02", "2025-03"} <= months
