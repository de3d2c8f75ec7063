"""Reading on every core gives exactly what reading in order gives."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from smm_pipeline import parallel, tables
from smm_pipeline.archive import Archive
from smm_pipeline.extraction import extract
from smm_pipeline.facts import facts_frame
from smm_pipeline.reports import read_report
from smm_pipeline_tests.corpus import write_corpus


def test_work_in_workers_comes_back_in_order_as_a_loop_gives_it() -> None:
    items = [float(n) for n in range(40)]
    assert parallel.map_each(math.sqrt, items, worth_from=1) == [math.sqrt(n) for n in items]


def test_a_worker_error_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="math domain error"):
        parallel.map_each(math.sqrt, [4.0, -1.0, 9.0], worth_from=1)


def test_too_little_work_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    assert parallel.map_each(math.sqrt, [4.0, 9.0], worth_from=3) == [2.0, 3.0]


def test_a_backfill_read_on_every_core_gives_the_facts_of_reading_each_report_alone(tmp_path: Path) -> None:
    reports = write_corpus(tmp_path / "corpus", tables.READ_IN_PARALLEL_FROM + 4)
    archive = Archive(tmp_path / "archive")
    for path in reports:
        archive.add_file(path)
    raw = tables.raw_report_rows(archive, archive.months())
    together = tables.fact_rows(raw, tables.VintageReader())
    alone = pd.concat([facts_frame(extract(read_report(path)).facts) for path in reports], ignore_index=True)
    pd.testing.assert_frame_equal(together[alone.columns.tolist()], alone)
