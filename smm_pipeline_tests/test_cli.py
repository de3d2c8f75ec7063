"""The console script: extract one report, run the pipeline, clear errors for bad input."""

import contextlib
import csv
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from smm_pipeline import warehouse
from smm_pipeline.cli import main
from smm_pipeline.defs.runner import PLANNED_EVENT_PER_ASSET, planned_once_per_asset
from smm_pipeline.extraction import extract
from smm_pipeline.facts import CONTRACT_COLUMNS, facts_frame
from smm_pipeline.reports import read_report
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests.corpus import write_corpus

SAMPLE = PROJECT_ROOT / "data" / "samples" / "smm_2025-01_production_overview.txt"
SHARED = PROJECT_ROOT.parent / "shared"


def test_extract_writes_the_contract_columns_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "facts.csv"
    assert main(["extract", str(SAMPLE), "--csv", str(out)]) == 0
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(CONTRACT_COLUMNS)] == list(CONTRACT_COLUMNS)
    assert {r["report_month"] for r in rows} == {"2025-01"}
    assert any(r["product"] == "copper_cathode" and r["measure"] == "level" and float(r["value"]) == 1_117_400
               for r in rows)
    assert "2025-01:" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"), (b"\x00\x01\x02binary", "binary file"),
    ("Overview of China Metal Production in July 2025\nCopper Cathode\nUp 3%.\n".encode("utf-16-le"),
     "binary file"),
    ("Caf\xe9 notes".encode("latin-1"), "not UTF-8"),
    (b"Copper Cathode\nOutput rose 3% MoM.\n", "no title line")])
def test_bad_input_is_one_clear_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     content: bytes, message: str) -> None:
    bad = tmp_path / "bad report.txt"
    bad.write_bytes(content)
    assert main(["extract", str(bad), "--csv", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad report.txt") and message in err
    assert "Traceback" not in err


def test_unparsed_lists_sentences_with_numbers_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SAMPLE), "--unparsed"]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines() if line]
    assert all(len(parts) == 5 and parts[0].isdigit() and parts[3] for parts in lines)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (seed and scorer) is not next to this checkout")
def test_seed_extract_scores_above_the_bar(tmp_path: Path) -> None:
    """The issue's own acceptance: extract the seed, score it with ../shared/eval/score_facts.py."""
    out = tmp_path / "seed.csv"
    assert main(["extract", str(SHARED / "seeds" / "smm_2025-07_production_overview.txt"), "--csv", str(out)]) == 0
    scored = subprocess.run([sys.executable, str(SHARED / "eval" / "score_facts.py"),
                             str(SHARED / "eval" / "seed_gold.csv"), "--pred", str(out), "--json"],
                            capture_output=True, text=True, check=True)
    import json

    scores = json.loads(scored.stdout)
    assert scores["headline"]["f1"] >= 0.98
    assert scores["all"]["f1"] >= 0.92


def test_run_builds_the_warehouse_from_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str],
                                                read_when_asked: list[object],
                                                pages_built_when_asked: list[str]) -> None:
    """Enough reports to be read ahead on the other cores (and a broken file): the extract run finds every
    one read, and the facts are those of reading each report alone; the brief run finds every page built
    (while dbt ran)."""
    reports = write_corpus(tmp_path / "reports", 8)[0].parent
    (reports / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    (reports / "broken.txt").write_bytes(b"not a report")
    monkeypatch.setenv("SMM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMM_WAREHOUSE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    instance = dg.DagsterInstance.ephemeral()
    monkeypatch.setattr("smm_pipeline.defs.runner.instance_for_cli", lambda: instance)
    assert main(["run", "--reports", str(reports)]) == 0
    assert read_when_asked == [] and pages_built_when_asked == []
    extract_run = next(r.dagster_run for r in instance.get_run_records() if r.dagster_run.job_name == "extract_job")
    planned = instance.get_records_for_run(extract_run.run_id,
                                           of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    assert len(planned.records) == 4  # one per per-report asset, for the run's nine months
    assert PLANNED_EVENT_PER_ASSET not in os.environ
    assert sorted(path.stem for path in (tmp_path / "data" / "briefs").glob("*.html")) == sorted(
        path.name[4:11] for path in reports.glob("smm_*"))
    alone = pd.concat([facts_frame(extract(read_report(path)).facts) for path in sorted(reports.glob("smm_*"))],
                      ignore_index=True)
    with warehouse.connect(tmp_path / "data" / "warehouse.duckdb", read_only=True) as con:
        loaded = warehouse.read_table(con, "metric_facts")
    key = ["report_month", "product", "segment", "metric", "period", "measure", "line"]
    pd.testing.assert_frame_equal(loaded[alone.columns].sort_values(key).reset_index(drop=True),
                                  alone.sort_values(key).reset_index(drop=True), check_dtype=False)
    out = capsys.readouterr().out
    assert "smm_2025-01_production_overview.txt" in out and "new vintage" in out
    assert "broken.txt" in out and "rejected" in out
    assert "fct_monthly_panel" in out
    assert (tmp_path / "data" / "warehouse.duckdb").exists()
    assert len(out.splitlines()) <= 40 and "Running with dbt" not in out  # dbt and Dagster write to the log
    log = next((tmp_path / "data" / "logs").glob("run-*.log"))
    assert "Running with dbt" in log.read_text(encoding="utf-8") and str(log) in out


def test_a_long_load_is_summarised_by_status_and_rejections_are_listed() -> None:
    from smm_pipeline.defs.runner import LISTED_REPORTS, RunSummary

    summary = RunSummary(warehouse=Path("w.duckdb"), runs=[("extract_job", True, [])])
    months = [f"{year}-{month:02d}" for year in range(2015, 2025) for month in range(1, 13)]
    summary.accepted = [(f"smm_{m}.txt", m, "new vintage") for m in months]
    summary.accepted.append(("smm_2016-03.txt", "2016-03", "already archived"))
    summary.rejected = [("notes.txt", "no title line")]
    text = summary.render()
    assert "  120 reports: new vintage (2015-01 to 2024-12)" in text
    assert "  1 report: already archived (2016-03 to 2016-03)" in text
    assert "notes.txt" in text and "no title line" in text
    assert "smm_2015-01.txt" not in text and len(text.splitlines()) < 12
    summary.accepted = summary.accepted[:LISTED_REPORTS]
    assert "smm_2015-01.txt" in summary.render()


@pytest.mark.parametrize("persistent", [False, True], ids=["ephemeral", "DAGSTER_HOME"])
def test_a_backfill_is_announced_once_per_asset_only_where_no_one_reads_the_instance_later(
        persistent: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's own (ephemeral) instance gets one planned event per asset for a run of many months; a
    persistent one keeps one per month, which is how the UI marks a failed run's months as failed."""
    from smm_pipeline.defs.partitions import range_tags

    monkeypatch.delenv(PLANNED_EVENT_PER_ASSET, raising=False)
    months = dg.DynamicPartitionsDefinition(name="months")

    @dg.multi_asset(specs=[dg.AssetSpec("monthly", partitions_def=months)],
                    backfill_policy=dg.BackfillPolicy.single_run())  # a beta parameter of @dg.asset
    def monthly(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        assert len(context.partition_keys) == 3
        return dg.MaterializeResult()

    with (dg.instance_for_test() if persistent else contextlib.nullcontext(dg.DagsterInstance.ephemeral())) as inst:
        inst.add_dynamic_partitions("months", ["2024-01", "2024-02", "2024-03"])
        with planned_once_per_asset(inst):
            result = dg.materialize([monthly], instance=inst, tags=range_tags(["2024-01", "2024-03"]))
        assert PLANNED_EVENT_PER_ASSET not in os.environ
        monkeypatch.setenv(PLANNED_EVENT_PER_ASSET, "false")  # the user's own choice stands
        with planned_once_per_asset(inst):
            assert os.environ[PLANNED_EVENT_PER_ASSET] == "false"
        assert os.environ[PLANNED_EVENT_PER_ASSET] == "false"
        planned = inst.get_records_for_run(result.run_id,
                                           of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
    assert result.success and len(result.get_asset_materialization_events()) == 3
    assert len(planned) == (3 if persistent else 1)
