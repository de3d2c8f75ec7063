"""The drop folder: which files are ready, and what becomes of each one.

A file is picked up only once it has stopped growing (same size and mtime on two looks at least
`settle_seconds` apart), so a half-copied report is never read. Then it is either archived as a new
vintage, recognised as an exact re-drop (same content hash: nothing happens), or quarantined with a
reason. Whatever happens, the drop copy is removed only after the archive or quarantine holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from smm_pipeline.archive import Archive, ArchiveEntry, quarantine
from smm_pipeline.periods import month_key, months_between
from smm_pipeline.reports import ReportError, parse_report

MAX_BYTES = 20 * 1024 * 1024
"""A monthly report is ~100 KB of text; anything over 20 MB is not one (and would stall a tick)."""
FUTURE_MONTHS_ALLOWED = 1
"""A report can cover at most next month (its title month); later months are typos or wrong files."""
_FILE_MONTH = re.compile(r"(?<!\d)(?P<year>20\d\d)[-_.]?(?P<month>0[1-9]|1[0-2])(?!\d)")
_FILE_MONTH_NAME = re.compile(
    r"(?P<name>january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[-_ ]?(?P<year>20\d\d)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Seen:
    """What a file looked like the last time the folder was scanned."""

    size: int
    mtime_ns: int
    first_seen: float


@dataclass(slots=True)
class Scan:
    """Files ready to take, files still settling, and the state to remember for the next look."""

    ready: list[Path] = field(default_factory=list)
    settling: list[Path] = field(default_factory=list)
    state: dict[str, Seen] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one dropped file."""

    path: Path
    kind: str
    """'new' (archived, run it), 'duplicate' (same content already archived) or 'quarantined'."""
    entry: ArchiveEntry | None = None
    reason: str = ""


def scan(drop: Path, previous: dict[str, Seen], now: float, settle_seconds: float) -> Scan:
    """Which files in the drop folder have stopped changing since the previous look."""
    result = Scan()
    if not drop.exists():
        return result
    for path in sorted(p for p in drop.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # deleted between listing and looking
        key = path.name
        before = previous.get(key)
        if before is not None and before.size == stat.st_size and before.mtime_ns == stat.st_mtime_ns \
                and now - before.first_seen >= settle_seconds:
            result.ready.append(path)
        else:
            unchanged = before is not None and before.size == stat.st_size and before.mtime_ns == stat.st_mtime_ns
            first_seen = before.first_seen if unchanged and before is not None else now
            result.state[key] = Seen(stat.st_size, stat.st_mtime_ns, first_seen)
            result.settling.append(path)
    return result


def month_in_file_name(name: str) -> str | None:
    """The report month a file name states ('smm_2025-07_...', 'July2025.txt'), if it states one."""
    match = _FILE_MONTH.search(name)
    if match:
        return f"{match.group('year')}-{match.group('month')}"
    named = _FILE_MONTH_NAME.search(name)
    if named:
        return month_key(named.group("name"), int(named.group("year")))
    return None


def take(path: Path, archive: Archive, quarantine_dir: Path, today: datetime | None = None) -> Outcome:
    """Archive, recognise or quarantine one ready file; never raises for bad content."""
    today = today or datetime.now(UTC)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReportError(path.name, f"file is {size / 1e6:.1f} MB, far larger than a monthly report "
                                         f"(limit {MAX_BYTES / 1e6:.0f} MB)")
        data = path.read_bytes()
        report = parse_report(data, path.name)
        _check_month(report.report_month, path.name, today)
        entry, is_new = archive.add(data, path.name)
    except FileNotFoundError:
        return Outcome(path, "vanished", reason=f"{path.name}: deleted before it could be read")
    except ReportError as err:
        if not path.exists():
            return Outcome(path, "vanished", reason=str(err))
        quarantine(path, quarantine_dir, str(err))
        return Outcome(path, "quarantined", reason=str(err))
    path.unlink(missing_ok=True)
    return Outcome(path, "new" if is_new else "duplicate", entry=entry)


def _check_month(report_month: str, file_name: str, today: datetime) -> None:
    current = f"{today.year:04d}-{today.month:02d}"
    if months_between(current, report_month) > FUTURE_MONTHS_ALLOWED:
        raise ReportError(file_name, f"the title reports {report_month}, more than a month after today "
                                     f"({current}): a typo in the title or the wrong file")
    named = month_in_file_name(file_name)
    if named is not None and named != report_month:
        raise ReportError(file_name, f"the file name says {named} but the title reports {report_month}: "
                                     "rename the file or fix the title, then drop it again")
