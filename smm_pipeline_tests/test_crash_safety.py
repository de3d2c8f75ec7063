"""A run killed mid-write (SIGKILL, no chance to clean up) leaves the warehouse and the serving copy
readable, and the next run completes. The kill lands in each stage of a full run of the samples, found
by the stage's progress line: the extraction run, the rebuild (panel, dbt, serving copy) and the brief
run; the test asserts the run was still going when it was killed."""

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


def _start(data: Path, output: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SMM_DATA_DIR": str(data)}
    env.pop("SMM_WAREHOUSE", None)
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "smm_pipeline.cli", "run", "--reports", str(SAMPLES)],
                            env=env, stdout=output, stderr=subprocess.DEVNULL, start_new_session=True)


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


@pytest.mark.parametrize(("stage", "after"), [("[1/3]", 0.3), ("[2/3]", 1.5), ("[3/3]", 0.0)])
def test_a_run_killed_mid_write_leaves_everything_readable_and_the_next_run_completes(tmp_path: Path, stage: str,
                                                                                        after: float) -> None:
    data = tmp_path / "data"
    killed = _start(data, subprocess.PIPE)
    assert killed.stdout is not None
    for line in killed.stdout:  # the stage's progress line: its run starts now
        if line.decode().startswith(stage):
            break
    time.sleep(after)
    assert killed.poll() is None, f"the run ended before the kill {after} s into stage {stage}"
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    _readable(data)
    again = _start(data)
    assert again.wait(timeout=600) == 0
    _readable(data)
    with duckdb.connect(str(data / "serving" / "smm.duckdb"), read_only=True) as con:
        months = {m for (m,) in con.execute("select distinct month from fct_monthly_panel").fetchall()}
    assert {"2025-01", "2025-02", "2025-03"} <= months
