"""End to end with a temporary DagsterInstance: drop -> sensor tick -> run -> tables -> serving copy, then a
revised file for the same month -> new vintage -> panel and serving copy updated, restatement found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import duckdb
import pandas as pd
import pytest

from smm_pipeline.archive import Archive
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests.drop_harness import DropHarness

JANUARY = PROJECT_ROOT / "data" / "samples" / "smm_2025-01_production_overview.txt"
STATED = "1,117,400 mt in January 2025, down 22,300 mt or 1.96% from December, and up 117,700 mt or 11.78%"
REVISED = "1,120,400 mt in January 2025, down 19,300 mt or 1.69% from December, and up 120,700 mt or 12.07%"
COPPER = "product_id = 'copper_cathode' and segment = '' and month = '2025-01'"


@dataclass
class Story:
    """What each step of the end-to-end run left behind."""

    harness: DropHarness
    first: list[dg.ExecuteInProcessResult]
    first_level: float
    first_manifest: str
    redrop: list[dg.ExecuteInProcessResult]
    revised: list[dg.ExecuteInProcessResult]
    bad_batch: dg.SensorResult


def serving_query(harness: DropHarness, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(harness.paths.serving / "smm.duckdb"), read_only=True) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    original = JANUARY.read_bytes()
    assert STATED.encode() in original
    with dg.instance_for_test() as instance:
        harness = DropHarness(tmp_path_factory.mktemp("e2e") / "data", instance, as_of="2025-02-06")
        first = harness.deliver(JANUARY.name, original)
        first_level = serving_query(harness, f"select level from fct_monthly_panel where {COPPER}")["level"][0]
        first_manifest = (harness.paths.serving / "published.json").read_text()
        redrop = harness.deliver("january again.txt", original)
        revised = harness.deliver(JANUARY.name, original.replace(STATED.encode(), REVISED.encode()))
        for name, data in [("empty.txt", b""), ("smm_2025-02.txt", b"\x00\x01binary"),
                           ("smm_2025-03.txt", original)]:
            harness.drop(name, data)
        bad_batch = harness.tick()
        yield Story(harness, first, first_level, first_manifest, redrop, revised, bad_batch)


def test_a_dropped_report_runs_once_and_reaches_the_tables_and_the_serving_copy(story: Story) -> None:
    [run] = story.first
    assert run.success and run.dagster_run.tags["smm/report_month"] == "2025-01"
    assert run.dagster_run.tags["dagster/partition"] == "2025-01"
    checks = {e.check_name: e.passed for e in run.get_asset_check_evaluations() if e.asset_key.path == ["raw_reports"]}
    assert checks == {"matches_schema": True, "report_arrived_on_time": True}
    assert story.first_level == 1_117_400
    assert '"report_months": [\n    "2025-01"\n  ]' in story.first_manifest
    assert not any(story.harness.paths.drop.iterdir())


def test_an_identical_re_drop_runs_nothing(story: Story) -> None:
    assert story.redrop == []


def test_a_revised_file_is_a_new_vintage_and_the_latest_wins_everywhere(story: Story) -> None:
    [run] = story.revised
    assert run.success
    vintages = Archive(story.harness.paths.archive).entries("2025-01")
    assert len(vintages) == 2 and vintages[0].received < vintages[1].received
    raw = serving_query(story.harness, "select sha256 from raw_reports order by received_at")
    assert raw["sha256"].tolist() == [v.sha256 for v in vintages]  # both vintages kept
    assert serving_query(story.harness, f"select level from fct_monthly_panel where {COPPER}")["level"][0] == 1_120_400
    source = serving_query(story.harness, "select actual_sha256 from monthly_panel where product = 'copper_cathode'"
                                          " and segment = '' and month = '2025-01'")
    assert source["actual_sha256"][0] == vintages[1].sha256
    parquet = story.harness.paths.serving / "marts" / "fct_monthly_panel.parquet"
    level = duckdb.connect().execute(f"select level from read_parquet('{parquet}') where {COPPER}").fetchone()[0]
    assert level == 1_120_400
    findings = serving_query(story.harness, "select message from data_quality_findings where rule = 'restatement'")
    assert any(f"an earlier vintage ({vintages[0].sha256[:8]}) stated 1,117,400" in m for m in findings["message"])


def test_bad_files_dropped_together_change_nothing_loaded_before(story: Story) -> None:
    assert story.bad_batch.run_requests == []
    reason = story.bad_batch.skip_reason.skip_message
    assert "empty file" in reason and "binary file" in reason and "file name says 2025-03" in reason
    assert len(list(story.harness.paths.quarantine.glob("*.reason.txt"))) == 3
    assert serving_query(story.harness, f"select level from fct_monthly_panel where {COPPER}")["level"][0] == 1_120_400
