"""The archive and the drop folder: exactly-once, vintages, quarantine with a reason."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smm_pipeline import inbox
from smm_pipeline.archive import Archive, read_bounded, safe_name
from smm_pipeline.reports import ReportError

TITLE = "SMM Exclusive: Overview of China Metal Production in {month} 2025 and Forecast for {next}\n"
TODAY = datetime(2025, 8, 5, tzinfo=UTC)


def report_bytes(month: str = "July", next_month: str = "August", body: str = "Copper Cathode\nUp 1%.\n") -> bytes:
    return (TITLE.format(month=month, next=next_month) + body).encode()


def test_identical_content_is_one_entry_and_a_change_is_a_new_vintage(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    first, new = archive.add(report_bytes(), "july.txt")
    again, new_again = archive.add(report_bytes(), "july-copy.txt")
    revised, new_revised = archive.add(report_bytes(body="Copper Cathode\nUp 2%.\n"), "july.txt")
    assert new and not new_again and new_revised
    assert again == first
    assert [e.sha256 for e in archive.entries("2025-07")] == [first.sha256, revised.sha256]
    assert archive.path_of(first).read_bytes() == report_bytes()
    assert archive.months() == ["2025-07"]
    assert not archive.path_of(first).stat().st_mode & 0o222  # originals are read-only


def test_a_file_that_is_not_a_report_is_refused_and_not_archived(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    with pytest.raises(ReportError, match="no title line"):
        archive.add(b"just some notes\n", "notes.txt")
    assert archive.entries() == []


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "___etc_passwd"), ("report July 2025.txt", "report July 2025.txt"),
    ("报告 七月.txt", "报告 七月.txt"), ("..", "unnamed"), ("a/b\\c", "a_b_c"),
    ("july\udcff.txt", "july?.txt")])
def test_safe_names_cannot_leave_their_folder(name: str, expected: str) -> None:
    cleaned = safe_name(name)
    assert "/" not in cleaned and "\\" not in cleaned and not cleaned.startswith(".")
    assert cleaned == expected


def test_a_file_is_taken_only_after_it_stopped_changing(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "smm_2025-07.txt").write_bytes(report_bytes())
    first = inbox.scan(drop, {}, now=100.0, settle_seconds=5)
    assert first.ready == [] and [p.name for p in first.settling] == ["smm_2025-07.txt"]
    too_soon = inbox.scan(drop, first.state, now=102.0, settle_seconds=5)
    assert too_soon.ready == []
    settled = inbox.scan(drop, too_soon.state, now=106.0, settle_seconds=5)
    assert [p.name for p in settled.ready] == ["smm_2025-07.txt"]
    with (drop / "smm_2025-07.txt").open("ab") as handle:
        handle.write(b"more text still arriving\n")
    grew = inbox.scan(drop, settled.state | too_soon.state, now=107.0, settle_seconds=5)
    assert grew.ready == []


def test_a_file_last_written_long_enough_ago_is_taken_on_the_first_look(tmp_path: Path) -> None:
    """Settled by the age of its last write, so a dropped report needs no second tick; a file written just
    now waits, and one whose mtime is in our future (the writer's clock ahead) settles by two looks."""
    drop = tmp_path / "drop"
    drop.mkdir()
    old, fresh, ahead = (drop / name for name in ("smm_2025-06.txt", "smm_2025-07.txt", "smm_2025-08.txt"))
    for path in (old, fresh, ahead):
        path.write_bytes(report_bytes())
    now = 1_800_000_000.0
    os.utime(old, (now - 3.5, now - 3.5))
    os.utime(fresh, (now - 0.5, now - 0.5))
    os.utime(ahead, (now + 600, now + 600))
    first = inbox.scan(drop, {}, now=now, settle_seconds=3)
    assert [p.name for p in first.ready] == [old.name]
    assert sorted(p.name for p in first.settling) == [fresh.name, ahead.name]
    later = inbox.scan(drop, first.state, now=now + 3, settle_seconds=3)
    assert sorted(p.name for p in later.ready) == [old.name, fresh.name, ahead.name]  # none taken yet


def test_take_archives_recognises_and_quarantines(tmp_path: Path) -> None:
    archive, quarantine = Archive(tmp_path / "archive"), tmp_path / "quarantine"
    good = tmp_path / "smm_2025-07.txt"
    good.write_bytes(report_bytes())
    assert inbox.take(good, archive, quarantine, TODAY).kind == "new"
    assert not good.exists()
    good.write_bytes(report_bytes())
    assert inbox.take(good, archive, quarantine, TODAY).kind == "duplicate"
    wrong_month = tmp_path / "smm_2025-06.txt"
    wrong_month.write_bytes(report_bytes())
    outcome = inbox.take(wrong_month, archive, quarantine, TODAY)
    assert outcome.kind == "quarantined" and "file name says 2025-06" in outcome.reason
    reasons = list(quarantine.glob("*.reason.txt"))
    assert len(reasons) == 1 and "2025-07" in reasons[0].read_text()
    assert len(archive.entries()) == 1


def test_a_report_far_in_the_future_is_quarantined(tmp_path: Path) -> None:
    future = tmp_path / "report.txt"
    future.write_bytes(report_bytes(month="July", next_month="August").replace(b"2025", b"2031"))
    outcome = inbox.take(future, Archive(tmp_path / "a"), tmp_path / "q", TODAY)
    assert outcome.kind == "quarantined" and "more than a month after today" in outcome.reason


@pytest.mark.parametrize(("name", "month"), [("smm_2025-07_production_overview.txt", "2025-07"),
                                              ("July2025.txt", "2025-07"), ("report-202503.txt", "2025-03"),
                                              ("overview.txt", None)])
def test_month_in_file_name(name: str, month: str | None) -> None:
    assert inbox.month_in_file_name(name) == month


def test_an_oversized_file_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ReportError, match=r"52\.4 MB, far larger than a monthly report"):
        read_bounded(big)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 11)
    with pytest.raises(ReportError, match="far larger"):
        read_bounded(small, limit=10)
    assert read_bounded(small, limit=11) == b"x" * 11
