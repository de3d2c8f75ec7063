"""The drop folder: which files are ready, what becomes of each one, which months to run, which are late.

Plain decisions, no Dagster: the sensor (defs/sensors.py) calls `tick` and turns its answer into run
requests, and the freshness check calls `freshness`.

- A file is taken only once it has stopped changing, so a half-copied report is never read: its last
  write (mtime) is at least `settle_seconds` old — on the first look, so a dropped report is taken
  within seconds — or, when the writer's clock runs ahead of ours, it looked the same on two looks
  `settle_seconds` apart; and it is unchanged while it is read.
  Names of downloads in progress (`.part`, `.crdownload`, leading dot, ...) are left alone.
- A taken file is archived as a new vintage, recognised by its content hash as a re-drop of what the
  archive holds (nothing happens, whatever its name or mtime), or quarantined with a reason. The drop
  copy is removed only after the archive or quarantine holds it.
- Runs are decided from the archive, not from this tick's files: every archived vintage whose hash
  the cursor has not yet recorded as requested gets a run for its month. A tick that archived a file
  but was lost before its run request was recorded (a crash, a restart) is repaired by the next tick;
  run keys (month + hashes) make a repeated request a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat as stat_module
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

from smm_pipeline.archive import Archive, ArchiveEntry, quarantine
from smm_pipeline.periods import month_key, month_names, months_between, shift_month, span_label
from smm_pipeline.reports import ReportError, parse_report, printable, read_bounded

FUTURE_MONTHS_ALLOWED = 1
"""A report can cover at most next month (its title month); later months are typos or wrong files."""
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", "~")
"""Names browsers, curl/wget wrappers and editors use while a file is still being written."""
_FILE_MONTH = re.compile(r"(?<!\d)(?P<year>20\d\d)[-_.]?(?P<month>0[1-9]|1[0-2])(?!\d)")
_FILE_MONTH_NAME = re.compile(
    r"(?P<name>" + "|".join(month_names()) + r")[-_ ]?(?P<year>20\d\d)",
    re.IGNORECASE)

Kind = Literal["new", "duplicate", "quarantined", "vanished", "changing", "failed"]


@dataclass(frozen=True, slots=True)
class Seen:
    """What a file looked like when the folder was last scanned; `done` once its fate was decided but it
    could not be removed (a read-only drop folder), so it is not taken again until it changes."""

    size: int
    mtime_ns: int
    first_seen: float
    done: bool = False

    def same_as(self, size: int, mtime_ns: int) -> bool:
        """Whether the file still has this size and mtime."""
        return self.size == size and self.mtime_ns == mtime_ns


@dataclass(frozen=True, slots=True)
class Cursor:
    """What the sensor remembers between ticks (stored by Dagster, so it survives restarts)."""

    files: dict[str, Seen] = field(default_factory=dict)
    requested: frozenset[str] = frozenset()
    """sha256 of every archived vintage a run has been requested for."""

    def dumps(self) -> str:
        """The cursor as the JSON string Dagster stores."""
        files = {name: [seen.size, seen.mtime_ns, seen.first_seen, seen.done] for name, seen in self.files.items()}
        return json.dumps({"files": files, "requested": sorted(self.requested)})

    @classmethod
    def loads(cls, text: str | None) -> Cursor:
        """The cursor from its stored JSON. Unreadable or missing means a fresh start: files settle again
        and every archived vintage is requested once more (run keys keep that from repeating runs)."""
        try:
            raw = json.loads(text or "{}")
            files = {str(name): Seen(int(size), int(mtime), float(first), bool(done))
                     for name, (size, mtime, first, done) in raw.get("files", {}).items()}
            return cls(files=files, requested=frozenset(str(sha) for sha in raw.get("requested", [])))
        except (ValueError, TypeError, AttributeError):
            return cls()


@dataclass(slots=True)
class Scan:
    """One look at the drop folder."""

    ready: list[Path] = field(default_factory=list)
    """Files that stopped changing, oldest mtime first (so vintages are received in arrival order)."""
    settling: list[Path] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    """Hidden files and names of downloads still in progress."""
    disappeared: list[str] = field(default_factory=list)
    """Files seen settling last time that are gone before they were taken."""
    irregular: list[tuple[Path, str]] = field(default_factory=list)
    """Entries that are no regular file (a symbolic link, a directory, a FIFO, a socket, a device) and what
    they are: never opened; a link is quarantined as the link itself, the rest left with a reason."""
    state: dict[str, Seen] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one ready file."""

    path: Path
    kind: Kind
    entry: ArchiveEntry | None = None
    reason: str = ""

    @property
    def name(self) -> str:
        """The file name, printable."""
        return printable(self.path.name)


@dataclass(frozen=True, slots=True)
class Tick:
    """Everything one sensor evaluation decided."""

    scan: Scan
    outcomes: list[Outcome]
    runs: dict[str, list[ArchiveEntry]]
    """Report month -> the vintages a run is requested for (this tick's and any left from a lost tick)."""
    cursor: Cursor

    def messages(self) -> list[tuple[str, str]]:
        """(log level, message) lines saying what happened and why, for the sensor log and skip reason."""
        lines = [("error", f"cannot list the drop folder: {self.scan.error}")] if self.scan.error else []
        lines += [_message(outcome) for outcome in self.outcomes]
        taken_now = {o.entry.sha256 for o in self.outcomes if o.kind == "new" and o.entry is not None}
        for month, entries in sorted(self.runs.items()):
            fresh = [e for e in entries if e.sha256 in taken_now]
            if len(fresh) > 1:
                lines.append(("warning", f"{month}: {len(fresh)} new vintages in one tick "
                                         f"({', '.join(e.file_name for e in fresh)}); the last received, "
                                         f"{fresh[-1].file_name}, wins in the panel"))
            if len(fresh) < len(entries):
                lines.append(("warning", f"{month}: requesting a run for vintages archived earlier with no run "
                                         "requested yet (a tick lost after archiving, or a new sensor cursor)"))
        lines += [("info", f"waiting for {printable(p.name)} to stop changing") for p in self.scan.settling]
        lines += [("info", f"{name} disappeared before it was taken") for name in self.scan.disappeared]
        lines += [("info", f"ignoring {printable(p.name)}: a hidden or still-downloading name, taken once renamed")
                  for p in self.scan.ignored]
        return lines

    def skip_reason(self) -> str:
        """Why the tick requested no run."""
        return "; ".join(message for _, message in self.messages()) or "no new report in the drop folder"


def scan(drop: Path, previous: dict[str, Seen], now: float, settle_seconds: float) -> Scan:
    """Which files in the drop folder have stopped changing since the previous look."""
    result = Scan()
    try:
        entries = sorted(os.scandir(drop), key=lambda e: e.name) if drop.exists() else []
        paths = []
        for entry in entries:
            kind = _irregular_kind(entry)
            if kind:
                result.irregular.append((Path(entry.path), kind))
            else:
                paths.append(Path(entry.path))
    except OSError as err:
        result.error = str(err.strerror or err)
        result.state = dict(previous)
        return result
    ready: list[tuple[int, Path]] = []
    for path in paths:
        if path.name.startswith(".") or path.name.lower().endswith(IN_PROGRESS_SUFFIXES):
            result.ignored.append(path)
            continue
        try:
            stat = path.lstat()
        except OSError:
            continue  # deleted between listing and looking
        before = previous.get(path.name)
        unchanged = before is not None and before.same_as(stat.st_size, stat.st_mtime_ns)
        if unchanged and before.done:
            result.state[path.name] = before
        elif now - stat.st_mtime_ns / 1e9 >= settle_seconds or (
                unchanged and now - before.first_seen >= settle_seconds):
            ready.append((stat.st_mtime_ns, path))
        else:
            first_seen = before.first_seen if unchanged else now
            result.state[path.name] = Seen(stat.st_size, stat.st_mtime_ns, first_seen)
            result.settling.append(path)
    present = {p.name for p in paths}
    result.disappeared = sorted(printable(name) for name, seen in previous.items()
                                if name not in present and not seen.done)
    result.ready = [path for _, path in sorted(ready, key=lambda item: (item[0], item[1].name))]
    return result


def _irregular_kind(entry: os.DirEntry) -> str:
    """What a drop-folder entry is when it is no regular file ("" for a regular file), from its own
    metadata, never its target's: a symbolic link is a link, whatever it points at."""
    mode = entry.stat(follow_symlinks=False).st_mode
    if stat_module.S_ISREG(mode):
        return ""
    if stat_module.S_ISLNK(mode):
        return "a symbolic link"
    if stat_module.S_ISDIR(mode):
        return "a directory"
    if stat_module.S_ISFIFO(mode):
        return "a FIFO"
    if stat_module.S_ISSOCK(mode):
        return "a socket"
    return "a device file"


def month_in_file_name(name: str) -> str | None:
    """The report month a file name states ('smm_2025-07_...', 'July2025.txt'), if it states one."""
    match = _FILE_MONTH.search(name)
    if match:
        return f"{match.group('year')}-{match.group('month')}"
    named = _FILE_MONTH_NAME.search(name)
    if named:
        return month_key(named.group("name"), int(named.group("year")))
    return None


def take(path: Path, archive: Archive, quarantine_dir: Path, now: datetime | None = None) -> Outcome:
    """Archive, recognise or quarantine one ready file. Never raises: a problem is the outcome's reason.

    `now` is the vintage's received_at and the 'today' the title month is checked against."""
    now = now or datetime.now(UTC)
    name = printable(path.name)
    try:
        before = path.lstat()
        data = read_bounded(path)
        after = path.lstat()
        if (before.st_ino, before.st_size, before.st_mtime_ns) != (after.st_ino, after.st_size, after.st_mtime_ns):
            return Outcome(path, "changing", reason=f"{name} changed or was replaced while it was read: taken "
                                                    "once it stops")
        report = parse_report(data, name)
        check_month(report.report_month, path.name, now)
        entry, is_new = archive.add(data, path.name, received_at=now)
    except FileNotFoundError:
        return Outcome(path, "vanished", reason=f"{name} was deleted before it could be read")
    except ReportError as err:
        return _reject(path, quarantine_dir, str(err), now)
    except OSError as err:
        return Outcome(path, "failed", reason=f"{name}: {err.strerror or err}")
    return Outcome(path, "new" if is_new else "duplicate", entry=entry, reason=_remove(path))


def check_month(report_month: str, file_name: str, today: datetime) -> None:
    """ReportError when the title month is implausible: far in the future, or not the file name's month."""
    current = f"{today.year:04d}-{today.month:02d}"
    name = printable(file_name)
    if months_between(current, report_month) > FUTURE_MONTHS_ALLOWED:
        raise ReportError(name, f"the title reports {report_month}, more than a month after today "
                                f"({current}): a typo in the title or the wrong file")
    named = month_in_file_name(file_name)
    if named is not None and named != report_month:
        raise ReportError(name, f"the file name says {named} but the title reports {report_month}: "
                                "rename the file or fix the title, then drop it again")


def pending_runs(entries: Iterable[ArchiveEntry], requested: AbstractSet[str]) -> dict[str, list[ArchiveEntry]]:
    """Report month -> its archived vintages no run has been requested for yet (oldest first)."""
    runs: dict[str, list[ArchiveEntry]] = {}
    for entry in entries:
        if entry.sha256 not in requested:
            runs.setdefault(entry.report_month, []).append(entry)
    return runs


def run_key(month: str, entries: Sequence[ArchiveEntry]) -> str:
    """A run key unique to the month and these vintages: a corrected re-drop is a new key."""
    return f"{month}:{'+'.join(sorted(entry.sha256 for entry in entries))}"


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """One run the sensor requests: a month, or several months as one backfill run."""

    months: tuple[str, ...]
    """In calendar order, which is also the order they are registered in."""
    entries: tuple[ArchiveEntry, ...]

    @property
    def key(self) -> str:
        """The run key: the month's (`run_key`), or for several months a digest of theirs, so the key is
        as unique as theirs and stays short when a catch-up brings ten years."""
        by_month = {month: [e for e in self.entries if e.report_month == month] for month in self.months}
        keys = [run_key(month, entries) for month, entries in by_month.items()]
        if len(keys) == 1:
            return keys[0]
        return f"{self.months[0]}..{self.months[-1]}:{hashlib.sha256('|'.join(keys).encode()).hexdigest()}"

    @property
    def label(self) -> str:
        """'2025-01', or '2015-01..2024-12' for a run of several months."""
        return span_label(self.months)


@dataclass(frozen=True, slots=True)
class RunPlan:
    """The months to register (in this order) and the runs to request for a tick's vintages."""

    register: tuple[str, ...]
    runs: tuple[PlannedRun, ...]


def plan_runs(runs: dict[str, list[ArchiveEntry]], registered: AbstractSet[str]) -> RunPlan:
    """The runs for a tick's vintages. The months not registered before are registered in calendar order
    and go in one run: they are then a contiguous range of the registration order, so a catch-up of many
    months is one backfill run. A month registered before (a corrected or late vintage) gets a run of its
    own, so the range never spans the months in between."""
    fresh = tuple(sorted(month for month in runs if month not in registered))
    planned = [PlannedRun((month,), tuple(runs[month])) for month in sorted(set(runs) - set(fresh))]
    if fresh:
        planned.append(PlannedRun(fresh, tuple(e for month in fresh for e in runs[month])))
    return RunPlan(register=fresh, runs=tuple(planned))


def tick(drop: Path, archive: Archive, quarantine_dir: Path, cursor: Cursor, now: datetime,
         settle_seconds: float) -> Tick:
    """One sensor evaluation: scan, take what is ready, and decide the runs and the next cursor.

    Files taken in one tick are received a microsecond apart in mtime order, so when two vintages of a
    month arrive together the one written last is the latest."""
    scanned = scan(drop, cursor.files, now.timestamp(), settle_seconds)
    outcomes = [take(path, archive, quarantine_dir, now + timedelta(microseconds=index))
                for index, path in enumerate(scanned.ready)]
    outcomes += [_refuse(path, kind, quarantine_dir, now) for path, kind in scanned.irregular
                 if not (cursor.files.get(path.name) and cursor.files[path.name].done)]
    state = dict(scanned.state)
    for path, _ in scanned.irregular:
        if path.exists() or path.is_symlink():  # left in place: say so once, not every tick
            state[path.name] = Seen(0, 0, now.timestamp(), done=True)
    for outcome in outcomes:
        if outcome.kind in {"new", "duplicate", "quarantined"}:
            _remember_left_behind(outcome.path, state, now.timestamp())
    runs = pending_runs(archive.entries(), cursor.requested)
    requested = cursor.requested | {entry.sha256 for entries in runs.values() for entry in entries}
    return Tick(scan=scanned, outcomes=outcomes, runs=runs, cursor=Cursor(files=state, requested=requested))


@dataclass(frozen=True, slots=True)
class Freshness:
    """Whether the report that is due by now has arrived."""

    due_month: str
    due_date: date
    arrived: bool
    latest_month: str | None
    missing: list[str]
    """Months from the first archived one up to the due month that have no report."""


def due_month(today: date, due_day: int) -> str:
    """The latest report month that must have arrived by `today`: month M is due by day `due_day` of M+1
    (SMM publishes at the end of M), and is late from the day after."""
    current = f"{today.year:04d}-{today.month:02d}"
    return shift_month(current, -1 if today.day > due_day else -2)


def freshness(months: Iterable[str], today: date, due_day: int) -> Freshness:
    """Whether the due month is among the archived `months`, and which months are missing. The history
    starts at the first archived month: months before it are not expected."""
    have = sorted(set(months))
    due = due_month(today, due_day)
    after = shift_month(due, 1)
    expected = [shift_month(have[0], i) for i in range(months_between(have[0], due) + 1)] if have else [due]
    missing = [month for month in expected if month not in have]
    return Freshness(due_month=due, due_date=date(int(after[:4]), int(after[5:]), due_day),
                     arrived=due not in missing, latest_month=have[-1] if have else None, missing=missing)


def _refuse(path: Path, kind: str, quarantine_dir: Path, now: datetime) -> Outcome:
    """An entry that is no regular file, never opened: a link is quarantined as the link itself; a
    directory, FIFO, socket or device is left where it is, with the reason."""
    name = printable(path.name)
    reason = f"{name} is {kind}: the drop folder takes regular files only, and this one is never opened"
    if kind != "a symbolic link":
        return Outcome(path, "failed", reason=f"{reason}; it is left where it is")
    return _quarantined(path, quarantine_dir, reason, now, kept="the link itself is kept")


def _reject(path: Path, quarantine_dir: Path, reason: str, now: datetime) -> Outcome:
    if not path.exists() and not path.is_symlink():
        return Outcome(path, "vanished", reason=f"{printable(path.name)} was deleted before it could be read")
    return _quarantined(path, quarantine_dir, reason, now, kept="kept")


def _quarantined(path: Path, quarantine_dir: Path, reason: str, now: datetime, kept: str) -> Outcome:
    """Move the entry to quarantine with its reason; if even that fails, say so and leave it."""
    try:
        moved = quarantine(path, quarantine_dir, reason, now)
    except OSError as err:
        return Outcome(path, "failed", reason=f"{reason}; and it cannot be quarantined: {err.strerror or err}")
    return Outcome(path, "quarantined", reason=f"{reason} ({kept} as {moved.name})")


def _remove(path: Path) -> str:
    try:
        path.unlink(missing_ok=True)
    except OSError as err:
        return f"left in the drop folder, cannot remove it: {err.strerror or err}"
    return ""


def _remember_left_behind(path: Path, state: dict[str, Seen], now: float) -> None:
    """A handled file that could not be removed is remembered as done, so it is not taken again."""
    try:
        stat = path.stat()
    except OSError:
        return
    state[path.name] = Seen(stat.st_size, stat.st_mtime_ns, now, done=True)


def _message(outcome: Outcome) -> tuple[str, str]:
    entry, note = outcome.entry, f" ({outcome.reason})" if outcome.reason else ""
    if outcome.kind == "new" and entry is not None:
        return "info", f"archived {outcome.name} as a new vintage of {entry.report_month} ({entry.sha256[:12]}){note}"
    if outcome.kind == "duplicate" and entry is not None:
        return "info", (f"{outcome.name} is identical to {entry.file_name}, archived for {entry.report_month} "
                        f"on {entry.received_at[:10]}: nothing to do{note}")
    if outcome.kind == "quarantined":
        return "warning", f"quarantined {outcome.name}: {outcome.reason}"
    if outcome.kind == "failed":
        return "error", f"could not take {outcome.name}, tried again next tick: {outcome.reason}"
    return "info", outcome.reason
