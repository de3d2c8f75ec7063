"""The drop-folder sensor on bad and awkward input: each gives a clear reason, none raises, none loses a
month loaded before. Sensor ticks are evaluated against a real temporary instance; no runs execute here
(test_drop_to_serving.py runs them)."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from smm_pipeline import inbox
from smm_pipeline.archive import Archive
from smm_pipeline.definitions import build_defs
from smm_pipeline.defs.freshness import ReportCalendar
from smm_pipeline.defs.partitions import report_months
from smm_pipeline.defs.schedules import month_end_rebuild
from smm_pipeline_tests.drop_harness import DropHarness

NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"]


def report(month: str = "2025-01", body: str = "Copper Cathode\nOutput rose 1% MoM.\n") -> bytes:
    """A minimal report whose title states `month` (YYYY-MM)."""
    year, number = int(month[:4]), int(month[5:])
    title = (f"SMM Exclusive: Overview of China Metal Production in {NAMES[number - 1]} {year} "
             f"and Forecast for {NAMES[number % 12]}\n")
    return (title + body).encode()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[DropHarness]:
    """A temporary instance and data folder in which 2025-01 was delivered and requested already."""
    with dg.instance_for_test() as instance:
        drop = DropHarness(tmp_path / "data", instance)
        drop.drop("smm_2025-01.txt", report("2025-01"))
        assert [r.partition_key for r in drop.tick().run_requests] == ["2025-01"]
        yield drop


def archive_of(harness: DropHarness) -> Archive:
    return Archive(harness.paths.archive)


def settle(harness: DropHarness) -> dg.SensorResult:
    """One tick: the harness's files settle at once (settle_seconds=0: any last write is old enough)."""
    return harness.tick()


def skip_text(result: dg.SensorResult) -> str:
    return result.skip_reason.skip_message if result.skip_reason else ""


def write_sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


BAD_INPUT: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("empty", "smm_2025-02.txt", lambda p: p.write_bytes(b""), "empty file"),
    ("binary", "smm_2025-02.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), "binary file"),
    ("pdf", "report.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "this is a PDF"),
    ("50 MB", "smm_2025-02.txt", lambda p: write_sparse(p, 50 * 1024 * 1024), "52.4 MB, far larger"),
    ("not UTF-8", "smm_2025-02.txt",
     lambda p: p.write_bytes(report("2025-02").decode().replace("Output", "Café output").encode("latin-1")),
     "not UTF-8 text (byte 0xe9"),
    ("HTML page", "smm_2025-02.html",
     lambda p: p.write_bytes(b"<!doctype html><html><head><title>404</title></head><body><p>Not found</p></body>"),
     "no title line"),
    ("title month not the file name's", "smm_2025-03_overview.txt", lambda p: p.write_bytes(report("2025-02")),
     "the file name says 2025-03 but the title reports 2025-02"),
    ("far in the future", "overview.txt", lambda p: p.write_bytes(report("2099-02")),
     "the title reports 2099-02, more than a month after today"),
]


@pytest.mark.parametrize(("case", "name", "write", "why"), BAD_INPUT, ids=[case for case, *_ in BAD_INPUT])
def test_bad_input_is_quarantined_with_its_reason_and_loses_nothing(
        harness: DropHarness, case: str, name: str, write: Callable[[Path], None], why: str) -> None:
    ledger_before = archive_of(harness).ledger.read_bytes()
    harness.paths.drop.mkdir(exist_ok=True)
    write(harness.paths.drop / name)
    tracemalloc.start()
    result = settle(harness)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.run_requests == [] and why in skip_text(result), case
    assert not (harness.paths.drop / name).exists()
    reasons = list(harness.paths.quarantine.glob("*.reason.txt"))
    assert len(reasons) == 1 and why in reasons[0].read_text(encoding="utf-8")
    kept = reasons[0].with_name(reasons[0].name.removesuffix(".reason.txt"))
    assert kept.exists()
    assert archive_of(harness).ledger.read_bytes() == ledger_before  # the month loaded before is untouched
    assert peak < 25 * 1024 * 1024  # a 50 MB drop is never read into memory
    assert skip_text(harness.tick()) == "no new report in the drop folder"  # quarantined once, not again


def test_a_report_saved_as_html_is_accepted(harness: DropHarness) -> None:
    page = b"<html><body><h1>" + report("2025-02").replace(b"\n", b"</h1><p>", 1) + b"</p></body></html>"
    harness.drop("smm_2025-02.html", page)
    result = settle(harness)
    assert [r.partition_key for r in result.run_requests] == ["2025-02"]
    assert result.dynamic_partitions_requests[0].partition_keys == ["2025-02"]


def test_an_identical_re_drop_does_nothing_whatever_its_name_or_mtime(harness: DropHarness) -> None:
    harness.drop("copy of january.txt", report("2025-01"))
    result = settle(harness)
    assert result.run_requests == []
    assert "identical to smm_2025-01.txt, archived for 2025-01" in skip_text(result)
    assert len(archive_of(harness).entries()) == 1 and not harness.paths.drop.joinpath("copy of january.txt").exists()


def test_a_changed_file_for_a_loaded_month_is_a_new_vintage_and_a_new_run(harness: DropHarness) -> None:
    harness.drop("smm_2025-01.txt", report("2025-01", body="Copper Cathode\nOutput rose 2% MoM.\n"))
    request = settle(harness).run_requests[0]
    vintages = archive_of(harness).entries("2025-01")
    assert len(vintages) == 2 and vintages[0].received < vintages[1].received
    assert request.partition_key == "2025-01" and request.run_key == f"2025-01:{vintages[1].sha256}"


def test_two_files_for_one_month_in_one_tick_are_one_run_and_the_later_one_wins(harness: DropHarness) -> None:
    first = harness.drop("b_first.txt", report("2025-02"))
    second = harness.drop("a_second.txt", report("2025-02", body="Copper Cathode\nOutput rose 3% MoM.\n"))
    os.utime(first, ns=(1_000_000_000, 1_000_000_000))
    os.utime(second, ns=(2_000_000_000, 2_000_000_000))
    result = settle(harness)
    vintages = archive_of(harness).entries("2025-02")
    assert [v.file_name for v in vintages] == ["b_first.txt", "a_second.txt"]  # arrival (mtime) order, not names
    assert vintages[0].received < vintages[1].received
    assert len(result.run_requests) == 1
    assert result.run_requests[0].run_key == f"2025-02:{'+'.join(sorted(v.sha256 for v in vintages))}"


def test_a_catch_up_of_new_months_is_one_backfill_run_over_their_range(harness: DropHarness) -> None:
    for month in ["2024-12", "2024-10", "2024-11"]:
        harness.drop(f"smm_{month}.txt", report(month))
    result = settle(harness)
    [request] = result.run_requests
    [added] = result.dynamic_partitions_requests
    assert list(added.partition_keys) == ["2024-10", "2024-11", "2024-12"]  # registered in calendar order
    assert request.partition_key is None
    assert request.tags["dagster/asset_partition_range_start"] == "2024-10"
    assert request.tags["dagster/asset_partition_range_end"] == "2024-12"
    assert request.tags["smm/report_month"] == "2024-10..2024-12"
    assert request.run_key.startswith("2024-10..2024-12:")


def test_a_new_vintage_of_a_registered_month_runs_alone_beside_a_catch_up(harness: DropHarness) -> None:
    """A range over registration order would span every month between the old month and the new ones."""
    harness.instance.add_dynamic_partitions(report_months.name, ["2025-01"])
    harness.drop("smm_2025-01.txt", report("2025-01", body="Copper Cathode\nOutput rose 2% MoM.\n"))
    harness.drop("smm_2025-02.txt", report("2025-02"))
    harness.drop("smm_2025-03.txt", report("2025-03"))
    requests = settle(harness).run_requests
    assert [(r.partition_key, r.tags["smm/report_month"]) for r in requests] == [
        ("2025-01", "2025-01"), (None, "2025-02..2025-03")]


def test_a_catch_up_run_loads_every_month_in_one_run(harness: DropHarness) -> None:
    for month in ["2024-10", "2024-11", "2024-12"]:
        harness.drop(f"smm_{month}.txt", report(month))
    [run] = harness.launch(settle(harness))
    assert run.success
    with duckdb.connect(str(harness.paths.serving / "smm.duckdb"), read_only=True) as con:
        months = [m for (m,) in con.execute("select distinct report_month from raw_reports order by 1").fetchall()]
    assert months == ["2024-10", "2024-11", "2024-12"]


def age(path: Path, seconds: float) -> None:
    """Make the file's last write `seconds` old."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_file_deleted_between_detection_and_pickup_is_reported_not_run(harness: DropHarness) -> None:
    harness.settle_seconds = 60
    path = harness.drop("smm_2025-02.txt", report("2025-02"))
    assert "waiting for smm_2025-02.txt to stop changing" in skip_text(harness.tick())
    path.unlink()
    result = harness.tick()
    assert result.run_requests == [] and "smm_2025-02.txt disappeared before it was taken" in skip_text(result)
    gone = inbox.take(path, archive_of(harness), harness.paths.quarantine)
    assert gone.kind == "vanished" and "deleted before it could be read" in gone.reason


@pytest.mark.parametrize("name", ["smm 2025-02 overview (final).txt", "报告 二月 2025-02.txt", "..smm..2025-02..txt",
                                  os.fsdecode(b"smm_2025-02_\xff\xfe.txt")],
                         ids=["spaces", "unicode", "dots", "bytes not UTF-8"])
def test_awkward_file_names_are_taken_and_kept_readable(harness: DropHarness, name: str) -> None:
    harness.drop(name, report("2025-02"))
    result = settle(harness)
    if name.startswith("."):  # hidden: a download in progress, until renamed
        assert result.run_requests == [] and f"ignoring {name}: a hidden or still-downloading name" in skip_text(result)
        (harness.paths.drop / name).rename(harness.paths.drop / name.lstrip("."))
        result = settle(harness)
    assert [r.partition_key for r in result.run_requests] == ["2025-02"]
    entry = archive_of(harness).entries("2025-02")[0]
    assert "/" not in entry.file_name and ".." not in entry.file_name
    entry.file_name.encode("utf-8")  # printable in the ledger, logs and run tags


def test_a_download_in_progress_is_left_alone_until_renamed(harness: DropHarness) -> None:
    partial = harness.drop("smm_2025-02.txt.crdownload", report("2025-02")[:40])
    assert settle(harness).run_requests == [] and partial.exists()
    partial.write_bytes(report("2025-02"))
    partial.rename(partial.with_suffix(""))
    assert [r.partition_key for r in settle(harness).run_requests] == ["2025-02"]


def test_a_file_still_growing_is_not_taken(harness: DropHarness) -> None:
    """Taken once its last write is settle_seconds old, not before, however many ticks see it."""
    harness.settle_seconds = 60
    path = harness.drop("smm_2025-02.txt", report("2025-02")[:50])
    assert "waiting for smm_2025-02.txt to stop changing" in skip_text(harness.tick())
    with path.open("ab") as handle:
        handle.write(report("2025-02")[50:])
    assert "waiting for smm_2025-02.txt to stop changing" in skip_text(harness.tick())
    age(path, 59)
    assert harness.tick().run_requests == []
    age(path, 61)
    assert [r.partition_key for r in harness.tick().run_requests] == ["2025-02"]


def test_the_cursor_survives_a_restart_and_a_lost_tick_is_repaired(harness: DropHarness) -> None:
    harness.settle_seconds = 60
    path = harness.drop("smm_2025-02.txt", report("2025-02"))
    harness.tick()  # seen, still settling
    stored = harness.cursor
    age(path, 61)
    restarted = DropHarness(harness.data_dir, harness.instance, cursor=stored)  # a new daemon, same storage
    lost = restarted.tick()  # took and archived the file, then the process died before the tick was recorded
    assert [r.partition_key for r in lost.run_requests] == ["2025-02"]
    restarted.cursor = stored
    repaired = restarted.tick()
    assert [r.run_key for r in repaired.run_requests] == [r.run_key for r in lost.run_requests]
    assert restarted.tick().run_requests == []


@pytest.mark.parametrize("cursor", ["not json", "[]", '{"files": {"x": [1]}}', '{"requested": 5}'])
def test_an_unreadable_cursor_starts_afresh_without_raising(harness: DropHarness, cursor: str) -> None:
    harness.cursor = cursor
    result = harness.tick()  # every archived vintage is requested once more; its run key dedupes the run
    assert [r.run_key for r in result.run_requests] == [f"2025-01:{archive_of(harness).entries()[0].sha256}"]


def test_a_file_that_cannot_be_removed_is_not_taken_again(harness: DropHarness,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied")

    harness.drop("smm_2025-02.txt", report("2025-02"))
    monkeypatch.setattr(Path, "unlink", read_only)
    assert [r.partition_key for r in settle(harness).run_requests] == ["2025-02"]
    assert skip_text(harness.tick()) == "no new report in the drop folder"
    assert len(archive_of(harness).entries("2025-02")) == 1


def test_a_missing_drop_folder_is_no_error(tmp_path: Path) -> None:
    with dg.instance_for_test() as instance:
        result = DropHarness(tmp_path / "nothing", instance).tick()
    assert result.run_requests == [] and skip_text(result) == "no new report in the drop folder"


def test_take_never_overwrites_a_quarantined_file(tmp_path: Path) -> None:
    archive, quarantine, now = Archive(tmp_path / "a"), tmp_path / "q", datetime(2025, 8, 5, tzinfo=UTC)
    for _ in range(2):
        bad = tmp_path / "notes.txt"
        bad.write_bytes(b"just notes\n")
        assert inbox.take(bad, archive, quarantine, now).kind == "quarantined"
    assert len(list(quarantine.glob("*notes.txt"))) == 2 and len(list(quarantine.glob("*.reason.txt"))) == 2


@pytest.mark.parametrize(("today", "due"), [(date(2025, 8, 5), "2025-06"), (date(2025, 8, 6), "2025-07"),
                                            (date(2025, 1, 20), "2024-12"), (date(2025, 1, 3), "2024-11")])
def test_the_month_due_follows_the_due_day(today: date, due: str) -> None:
    assert inbox.due_month(today, due_day=5) == due


def test_freshness_names_the_late_month_and_the_gaps() -> None:
    late = inbox.freshness(["2025-04", "2025-06"], date(2025, 8, 10), due_day=5)
    assert (late.due_month, late.due_date, late.arrived) == ("2025-07", date(2025, 8, 5), False)
    assert late.missing == ["2025-05", "2025-07"] and late.latest_month == "2025-06"
    assert inbox.freshness(["2025-07"], date(2025, 8, 10), due_day=5).arrived
    assert not inbox.freshness([], date(2025, 8, 10), due_day=5).arrived


def _freshness_check(data_dir: Path, as_of: str) -> dg.AssetCheckEvaluation:
    with dg.instance_for_test() as instance:
        resources = {**DropHarness(data_dir, instance).resources(), "calendar": ReportCalendar(as_of=as_of)}
        result = build_defs(resources).resolve_job_def("freshness_job").execute_in_process(instance=instance)
    [evaluation] = result.get_asset_check_evaluations()
    return evaluation


def test_the_freshness_check_fails_visibly_when_the_report_is_late(harness: DropHarness) -> None:
    assert _freshness_check(harness.data_dir, "2025-02-05").passed  # 2024-12 is due, before the history starts
    assert _freshness_check(harness.data_dir, "2025-02-06").passed  # 2025-01 is due and here
    late = _freshness_check(harness.data_dir, "2025-03-06")
    assert not late.passed and late.severity == dg.AssetCheckSeverity.ERROR
    assert late.metadata["due_month"].value == "2025-02" and late.metadata["due_date"].value == "2025-03-05"
    assert late.description == "the report for 2025-02 was due by 05 Mar 2025 and has not arrived"


@pytest.mark.parametrize(("when", "runs"), [(datetime(2025, 2, 28, 22), True), (datetime(2025, 1, 30, 22), False),
                                            (datetime(2024, 2, 29, 22), True)])
def test_the_month_end_rebuild_runs_on_the_last_day_only(when: datetime, runs: bool) -> None:
    result = month_end_rebuild(dg.build_schedule_context(scheduled_execution_time=when))
    assert isinstance(result, dg.RunRequest) is runs


def test_a_symbolic_link_is_quarantined_as_the_link_and_its_target_never_read(harness: DropHarness,
                                                                               tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(report("2025-02"))  # a readable report: were it followed, it would be archived
    (harness.paths.drop / "smm_2025-02.txt").symlink_to(secret)
    result = settle(harness)
    assert result.run_requests == [] or all(r.partition_key != "2025-02" for r in result.run_requests)
    assert "2025-02" not in {e.report_month for e in archive_of(harness).entries()}
    kept = [p for p in harness.paths.quarantine.iterdir() if not p.name.endswith(".reason.txt")]
    assert len(kept) == 1 and kept[0].is_symlink() and os.readlink(kept[0]) == str(secret)
    assert "symbolic link" in next(harness.paths.quarantine.glob("*.reason.txt")).read_text()
    assert secret.read_bytes() == report("2025-02")  # the target is untouched


@pytest.mark.parametrize("make", ["directory", "fifo"])
def test_a_directory_or_fifo_is_left_with_a_reason_and_never_opened(harness: DropHarness, make: str) -> None:
    entry = harness.paths.drop / "smm_2025-02.txt"
    if make == "directory":
        entry.mkdir()
    else:
        os.mkfifo(entry)  # opening it to read would block the tick
    assert "regular files only" in skip_text(harness.tick())
    assert "regular files only" not in skip_text(harness.tick())  # said once, not every tick
    assert "2025-02" not in {e.report_month for e in archive_of(harness).entries()}
    assert entry.exists()


def test_the_report_reader_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    from smm_pipeline.reports import ReportError, read_report

    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="not a regular file"):
        read_report(fifo)
