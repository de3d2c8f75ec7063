"""The report archive: every accepted original, kept by content hash, never modified or deleted.

The archive is the pipeline's memory of what arrived: `originals/<sha256>.txt` holds the bytes exactly
as received, and `ledger.jsonl` (append-only) records, per vintage, the file name, the report month its
title states, its size and when it arrived. A changed file for a month already loaded is a new vintage
beside the old one; an identical re-drop is recognised by its hash and adds nothing. Files that cannot
be read as a report go to quarantine with a reason file beside them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from smm_pipeline.reports import Report, ReportError, parse_report, printable, read_bounded


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    """One vintage of one report month."""

    sha256: str
    report_month: str
    file_name: str
    size_bytes: int
    received_at: str

    @property
    def received(self) -> datetime:
        """received_at as an aware datetime."""
        return datetime.fromisoformat(self.received_at)


def safe_name(name: str) -> str:
    """A printable file name that cannot climb out of a folder ('..', slashes); unicode is kept."""
    cleaned = re.sub(r"[/\\]+", "_", printable(name)).strip()
    cleaned = re.sub(r"^\.+", "", cleaned).replace("..", "_")
    return cleaned[:200] or "unnamed"


class Archive:
    """Originals by content hash plus the ledger of vintages, under one root folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.ledger = self.root / "ledger.jsonl"

    def entries(self, report_month: str | None = None) -> list[ArchiveEntry]:
        """Every vintage recorded (optionally for one month), oldest first."""
        if not self.ledger.exists():
            return []
        found = []
        with self.ledger.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    entry = ArchiveEntry(**json.loads(line))
                    if report_month is None or entry.report_month == report_month:
                        found.append(entry)
        return found

    def months(self) -> list[str]:
        """The report months the archive holds, in order."""
        return sorted({entry.report_month for entry in self.entries()})

    def find(self, sha256: str) -> ArchiveEntry | None:
        """The entry of a content hash, if that content was accepted before."""
        return next((entry for entry in self.entries() if entry.sha256 == sha256), None)

    def path_of(self, entry: ArchiveEntry) -> Path:
        """Where the original bytes of a vintage are kept."""
        return self.originals / f"{entry.sha256}.txt"

    def read(self, entry: ArchiveEntry) -> Report:
        """The parsed report of an archived vintage (named after the file as it was dropped)."""
        return parse_report(self.path_of(entry).read_bytes(), entry.file_name)

    def add(self, data: bytes, file_name: str, received_at: datetime | None = None) -> tuple[ArchiveEntry, bool]:
        """Accept a report's bytes: (its entry, whether it is new). ReportError when it is not a report."""
        report = parse_report(data, printable(file_name))
        existing = self.find(report.sha256)
        if existing is not None:
            return existing, False
        stamp = (received_at or datetime.now(UTC)).astimezone(UTC).isoformat()
        entry = ArchiveEntry(sha256=report.sha256, report_month=report.report_month,
                             file_name=safe_name(file_name), size_bytes=len(data), received_at=stamp)
        self.originals.mkdir(parents=True, exist_ok=True)
        target = self.path_of(entry)
        if not target.exists():
            _write_atomically(target, data)
            target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # originals are never modified
        with self.ledger.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return entry, True

    def add_file(self, path: str | Path, received_at: datetime | None = None) -> tuple[ArchiveEntry, bool]:
        """Accept a report file from disk (see `add`)."""
        path = Path(path)
        try:
            data = read_bounded(path)
        except OSError as err:
            raise ReportError(printable(path.name), f"cannot read: {err.strerror or err}") from None
        return self.add(data, path.name, received_at)


def quarantine(source: Path, folder: Path, reason: str, when: datetime | None = None) -> Path:
    """Move a rejected file into quarantine with `<name>.reason.txt` beside it; returns where it went.

    Quarantined files are named `<UTC time>_<safe name>` and never overwrite one another (a counter is
    added), so two bad drops with the same name in the same second are both kept. The reason file is
    written first: a crash in between leaves a reason without its file, never a file without a reason.
    A file that cannot be moved (read-only drop folder) is copied; OSError only when it cannot be kept.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = safe_name(source.name)
    candidates = (folder / (f"{stamp}_{name}" if n == 0 else f"{stamp}_{n}_{name}") for n in count())
    target = next(path for path in candidates if not path.exists())
    target.with_name(target.name + ".reason.txt").write_text(
        f"file: {name}\nquarantined: {stamp}\nreason: {reason}\n", encoding="utf-8")
    try:
        shutil.move(str(source), target)  # a symbolic link moves as the link, its target untouched
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
