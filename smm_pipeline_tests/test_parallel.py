"""Reading on every core gives exactly what reading in order gives."""

from __future__ import annotations

import logging
import math
import pickle
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest

from smm_pipeline import parallel, tables
from smm_pipeline.archive import Archive, ArchiveEntry
from smm_pipeline.extraction import extract
from smm_pipeline.facts import facts_frame
from smm_pipeline.reports import Report, ReportError, read_report
from smm_pipeline_tests.corpus import write_corpus

LONG = 60.0
"""Work said to take this long repays any pool's start."""


@pytest.fixture
def pools_always_pay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting workers costs nothing: every decision goes to the workers (on a machine of 2+ cores)."""
    monkeypatch.setattr(parallel, "POOL_START_SECONDS", 0.0)
    monkeypatch.setattr(parallel, "FORK_SECONDS", 0.0)


def test_work_in_workers_comes_back_in_order_as_a_loop_gives_it() -> None:
    items = [float(n) for n in range(40)]
    assert parallel.map_each(math.sqrt, items, LONG) == [math.sqrt(n) for n in items]


def test_a_worker_error_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="math domain error"):
        parallel.map_each(math.sqrt, [4.0, -1.0, 9.0], LONG)


def test_too_little_work_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    assert parallel.map_each(math.sqrt, [4.0, 9.0], 0.01) == [2.0, 3.0]
    assert parallel.start_each(math.sqrt, [4.0, 9.0], 0.01).results() == [2.0, 3.0]


def test_workers_pay_for_long_work_and_a_first_pool_needs_more_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measured costs: a new process's first pool waits for the fork server's imports, later ones fork."""
    monkeypatch.setattr(parallel, "_server_running", False)
    small, seed_size = tables.reading_seconds([11_000] * 24), tables.reading_seconds([87_000] * 24)
    assert not parallel.repays(small, 2) and parallel.repays(seed_size, 2)  # 24 small reports: read here
    assert not parallel.repays(LONG, 1)
    monkeypatch.setattr(parallel, "_server_running", True)
    assert parallel.repays(small, 2)


def test_a_backfill_read_on_every_core_gives_the_facts_of_reading_each_report_alone(
        tmp_path: Path, pools_always_pay: None) -> None:
    reports = write_corpus(tmp_path / "corpus", 12)
    archive = Archive(tmp_path / "archive")
    for path in reports:
        archive.add_file(path)
    raw = tables.raw_report_rows(archive, archive.months())
    together = tables.fact_rows(raw, tables.VintageReader())
    alone = pd.concat([facts_frame(extract(read_report(path)).facts) for path in reports], ignore_index=True)
    pd.testing.assert_frame_equal(together[alone.columns.tolist()], alone)


def test_work_started_ahead_leaves_the_caller_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real_pool = parallel.ProcessPoolExecutor

    def recorded(workers: int, **kwargs: object) -> parallel.ProcessPoolExecutor:
        pools.append(workers)
        return real_pool(workers, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", recorded)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    items = [float(n) for n in range(12)]
    assert parallel.start_each(math.sqrt, items, LONG).results() == [math.sqrt(n) for n in items]
    assert parallel.map_each(math.sqrt, items, LONG) == [math.sqrt(n) for n in items]
    assert pools == [1, 2]  # ahead: one worker beside the caller; map_each: every core while it waits
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.start_each(math.sqrt, items, LONG).results() == [math.sqrt(n) for n in items]
    assert pools == [1, 2]  # one core: the work waits for `results` and is done in this process


def test_reading_the_archive_ahead_gives_what_reading_the_rows_gives_and_nothing_is_read_twice(
        tmp_path: Path, read_when_asked: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    reports = write_corpus(tmp_path / "corpus", 10)
    (tmp_path / "corpus" / reports[0].name).write_bytes(reports[0].read_bytes().replace(b"\n", b"\r\n"))
    archive = Archive(tmp_path / "archive")
    for path in reports:
        archive.add_file(path)
    raw = tables.raw_report_rows(archive, archive.months())
    ahead = tables.VintageReader()
    ahead.read_ahead(archive, archive.entries())
    ahead.read_ahead(archive, archive.entries())  # asked twice: still read once
    parsed_here: list[str] = []
    real_read = Archive.read

    def counted_read(self: Archive, entry: ArchiveEntry) -> Report:
        parsed_here.append(entry.sha256)
        return real_read(self, entry)

    monkeypatch.setattr(Archive, "read", counted_read)
    pd.testing.assert_frame_equal(tables.raw_report_rows(archive, archive.months(), ahead), raw)
    assert parsed_here == []  # the raw rows took each report as the reader parsed it from the same bytes
    pd.testing.assert_frame_equal(tables.fact_rows(raw, ahead), tables.fact_rows(raw, tables.VintageReader()))
    assert len(read_when_asked) == len(reports)  # by the second reader only: the first had read them ahead
    pd.testing.assert_frame_equal(tables.section_rows(raw, ahead), tables.section_rows(raw, tables.VintageReader()))


@pytest.mark.parametrize("refusal", [BrokenProcessPool("no room for processes"),
                                     OSError("AF_UNIX path too long: no room for processes")])
def test_workers_that_cannot_start_leave_the_work_to_this_process_with_a_warning(
        refusal: Exception, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The fork server needs a socket in the temporary folder, so it can fail where spawning would not."""
    def refused(*args: object, **kwargs: object) -> None:
        raise refusal

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refused)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    items = [float(n) for n in range(10)]
    with caplog.at_level(logging.WARNING, logger="smm_pipeline.parallel"):
        assert parallel.start_each(math.sqrt, items, LONG).results() == [math.sqrt(n) for n in items]
    assert "no room for processes" in caplog.text and "doing the work in this process" in caplog.text


def test_reading_ahead_that_nothing_asks_for_is_dropped_and_a_later_ask_reads_here(
        tmp_path: Path, read_when_asked: list[object]) -> None:
    reports = write_corpus(tmp_path / "corpus", 8)
    archive = Archive(tmp_path / "archive")
    for path in reports:
        archive.add_file(path)
    reader = tables.VintageReader()
    reader.read_ahead(archive, archive.entries())
    reader.close()  # the run stopped before it read anything
    raw = tables.raw_report_rows(archive, archive.months(), reader)
    assert len(tables.fact_rows(raw, reader)) > 0
    assert len(read_when_asked) == len(reports)  # nothing came from the dropped reading


def test_a_main_module_workers_cannot_import_keeps_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python - <<EOF` names its main module '<stdin>': a worker could not import it and would die."""
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(sys.modules["__main__"], "__file__", "<stdin>", raising=False)
    assert parallel.map_each(math.sqrt, [4.0, 9.0, 16.0], LONG) == [2.0, 3.0, 4.0]


def test_html_and_crlf_reports_read_ahead_or_when_asked_give_the_same_findings(tmp_path: Path) -> None:
    """Read ahead from the file or later from the raw row's converted text, a report is the same report:
    the same facts and findings, the page converted from HTML said so either way."""
    reports = write_corpus(tmp_path / "corpus", 4)
    page = reports[1].read_text(encoding="utf-8").split("\n")
    reports[1].with_suffix(".html").write_text(
        "<html><body>" + "".join(f"<p>{line}</p>" for line in page) + "</body></html>", encoding="utf-8")
    reports[1].unlink()
    reports[2].write_bytes(reports[2].read_bytes().replace(b"\n", b"\r\n"))
    archive = Archive(tmp_path / "archive")
    for path in sorted((tmp_path / "corpus").iterdir()):
        archive.add_file(path)
    raw = tables.raw_report_rows(archive, archive.months())
    ahead = tables.VintageReader()
    ahead.read_ahead(archive, archive.entries())
    facts = tables.fact_rows(raw, ahead)
    findings = tables.finding_rows(raw, facts, None, ahead)
    pd.testing.assert_frame_equal(findings, tables.finding_rows(raw, facts, None, tables.VintageReader()))
    assert (findings["rule"] == "converted_from_html").sum() == 1


def test_a_vintage_that_cannot_be_read_ahead_fails_its_own_month_only(tmp_path: Path) -> None:
    reports = write_corpus(tmp_path / "corpus", 4)
    archive = Archive(tmp_path / "archive")
    for path in reports:
        archive.add_file(path)
    lost = archive.entries()[2]
    archive.path_of(lost).chmod(0o600)
    archive.path_of(lost).unlink()
    reader = tables.VintageReader()
    reader.read_ahead(archive, archive.entries())
    others = [m for m in archive.months() if m != lost.report_month]
    assert len(tables.fact_rows(tables.raw_report_rows(archive, others, reader), reader)) > 0
    with pytest.raises(FileNotFoundError):
        tables.raw_report_rows(archive, [lost.report_month], reader)


def test_a_report_error_crosses_to_the_caller_intact() -> None:
    error = pickle.loads(pickle.dumps(ReportError("smm_2025-07.txt", "no title line", 3)))
    assert (error.source, error.message, error.line, str(error)) == (
        "smm_2025-07.txt", "no title line", 3, "smm_2025-07.txt:3: no title line")
