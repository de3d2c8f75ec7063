"""Rows of the per-report warehouse tables, built from the domain objects.

The Dagster assets are thin: each calls one function here. Keeping the row-building in plain pandas
means the whole chain raw report -> sections -> facts can be tested without Dagster or DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from smm_pipeline.archive import Archive, ArchiveEntry
from smm_pipeline.consistency import ToJudge, check_batch, findings_frame, finish_findings
from smm_pipeline.extraction import Extraction, extract, extract_text
from smm_pipeline.facts import facts_frame
from smm_pipeline.panel import latest_vintages
from smm_pipeline.parallel import Batch, map_each, start_each
from smm_pipeline.periods import shift_month
from smm_pipeline.reports import Report, ReportError

RAW_COLUMNS = ["report_month", "sha256", "file_name", "size_bytes", "received_at", "title_line",
               "converted_from_html", "text"]
SECTION_COLUMNS = ["report_month", "sha256", "ordinal", "product", "heading", "heading_line", "first_line",
                   "last_line", "char_start", "char_end", "body"]
VINTAGE_COLUMNS = ["sha256", "file_name", "received_at"]


def raw_report_rows(archive: Archive, months: Sequence[str], reader: VintageReader | None = None) -> pd.DataFrame:
    """One row per archived vintage of each report month (the ledger is read once for all of them). A
    vintage the reader has already read from its original bytes (read ahead) is not parsed again."""
    wanted = set(months)
    rows = [_raw_row((reader.parsed(entry.sha256) if reader else None) or archive.read(entry), entry)
            for entry in archive.entries() if entry.report_month in wanted]
    frame = pd.DataFrame(rows, columns=RAW_COLUMNS)
    return frame.astype({"report_month": "string", "sha256": "string", "file_name": "string",
                         "size_bytes": "int64", "received_at": "datetime64[us, UTC]", "title_line": "int64",
                         "converted_from_html": "bool", "text": "string"})


def _raw_row(report: Report, entry: ArchiveEntry) -> dict:
    return {"report_month": report.report_month, "sha256": report.sha256, "file_name": entry.file_name,
            "size_bytes": report.size, "received_at": pd.Timestamp(entry.received_at),
            "title_line": report.title_line, "converted_from_html": report.converted_from_html,
            "text": report.text}


READ_SECONDS, READ_SECONDS_PER_CHAR = 0.012, 1.0e-6
"""About how long reading a report takes on one core of this machine: 12 ms, plus 1 µs a character (24 ms
for an 11 KB generated report, 100 ms for the 87 KB seed). Whether workers repay their start is judged on
it (parallel.py)."""


def reading_seconds(sizes: Iterable[int]) -> float:
    """The estimated time to read reports of these sizes (characters or bytes) on one core."""
    return sum(READ_SECONDS + size * READ_SECONDS_PER_CHAR for size in sizes)


def extract_archived(vintage: tuple[Path, ArchiveEntry]) -> Extraction | None:
    """The extraction of an archived vintage, from its original bytes: what `VintageReader.read_ahead` sends
    a worker, so the file is read and decoded there, not here. None when it cannot be read: reading ahead
    is a head start, and the error is raised when the vintage's own month is read."""
    root, entry = vintage
    try:
        return extract(Archive(root).read(entry))
    except (OSError, ReportError):
        return None


class VintageReader:
    """Each vintage's extraction, made once whatever asks for it (sections, facts, findings).

    A vintage is its content, so its sha256 keys it. A reader holds every extraction it made (about 0.6 MB
    for an 87 KB report) for as long as it lives: the pipeline makes one per run (the `reader` resource),
    so a backfill of 120 months reads each report once, on every core, and the memory goes with the run.
    `smm-pipeline run` makes one for the command and starts it reading the archive before the
    definitions load (`read_ahead`)."""

    def __init__(self) -> None:
        self._made: dict[str, Extraction] = {}
        self._ahead: list[tuple[list[str], Batch[tuple[Path, ArchiveEntry], Extraction | None]]] = []

    def read_ahead(self, archive: Archive, entries: Sequence[ArchiveEntry]) -> None:
        """Start reading these archived vintages in worker processes and return at once: the caller goes on
        (loading the definitions takes seconds of one core) while the reports are read on the others."""
        coming = {sha256 for keys, _ in self._ahead for sha256 in keys}
        unread = {entry.sha256: (archive.root, entry) for entry in entries
                  if entry.sha256 not in self._made and entry.sha256 not in coming}
        if unread:
            seconds = reading_seconds(entry.size_bytes for _, entry in unread.values())
            self._ahead.append((list(unread), start_each(extract_archived, list(unread.values()), seconds)))

    def close(self) -> None:
        """Drop reading ahead that nothing will ask for (a run that stopped before reading)."""
        for _, batch in self._ahead:
            batch.cancel()
        self._ahead.clear()

    def _collect(self) -> None:
        ahead, self._ahead = self._ahead, []
        for keys, batch in ahead:
            self._made.update((key, made) for key, made in zip(keys, batch.results(), strict=True)
                              if made is not None)

    def parsed(self, sha256: str) -> Report | None:
        """The parsed report of a vintage already read (or being read ahead) from exactly these bytes."""
        self._collect()
        made = self._made.get(sha256)
        return made.report if made is not None and made.report.sha256 == sha256 else None

    def read(self, raw: pd.DataFrame) -> None:
        """Read every vintage of `raw` not read yet (in worker processes when there are many)."""
        self._collect()
        unread = {str(sha256): (str(text), str(file_name), bool(converted))
                  for sha256, text, file_name, converted in zip(raw["sha256"], raw["text"], raw["file_name"],
                                                                raw["converted_from_html"], strict=True)
                  if str(sha256) not in self._made}
        made = map_each(extract_text, list(unread.values()), reading_seconds(len(v[0]) for v in unread.values()))
        self._made.update(zip(unread, made, strict=True))

    def each(self, raw: pd.DataFrame) -> list[tuple[pd.Series, Extraction]]:
        """Each raw_reports row with its extraction."""
        self.read(raw)
        return [(row, self._made[str(row["sha256"])]) for _, row in raw.iterrows()]


def section_rows(raw: pd.DataFrame, reader: VintageReader) -> pd.DataFrame:
    """One row per section of every vintage in `raw`."""
    rows = []
    for row, extraction in reader.each(raw):
        for section in extraction.sections:
            rows.append({
                "report_month": row["report_month"], "sha256": row["sha256"], "ordinal": section.ordinal,
                "product": section.product, "heading": section.heading, "heading_line": section.heading_line,
                "first_line": section.lines[0].number if section.lines else None,
                "last_line": section.lines[-1].number if section.lines else None,
                "char_start": section.char_start, "char_end": section.char_end, "body": section.body,
            })
    frame = pd.DataFrame(rows, columns=SECTION_COLUMNS)
    return frame.astype({"report_month": "string", "sha256": "string", "ordinal": "int64", "product": "string",
                         "heading": "string", "heading_line": "int64", "first_line": "Int64",
                         "last_line": "Int64", "char_start": "int64", "char_end": "int64", "body": "string"})


def previous_months_outside(months: Sequence[str]) -> list[str]:
    """The months before `months` that are not among them: the findings read their facts from the
    warehouse (the chains across months need the previous month's report)."""
    return sorted({shift_month(month, -1) for month in months} - set(months))


def months_without_previous(months: Sequence[str], earlier: pd.DataFrame | None) -> list[str]:
    """The months whose previous month is neither among `months` nor in `earlier` (its facts): their
    rules across months had nothing to compare with."""
    known = set(months) | (set(earlier["report_month"]) if earlier is not None else set())
    return sorted(month for month in months if shift_month(month, -1) not in known)


def finding_rows(raw: pd.DataFrame, facts: pd.DataFrame, earlier: pd.DataFrame | None,
                 reader: VintageReader) -> pd.DataFrame:
    """Consistency findings of the latest vintage of each month in `raw`, against the month's older vintages
    and the previous month's report (its facts from `facts` when it is among `raw`'s months, else from
    `earlier`, the facts of the months before).

    Facts come from metric_facts (what consumers see); the words (unparsed sentences, headings) from the
    reader's extraction of the latest vintage. The months are judged as one batch (consistency.check_batch).
    """
    if raw.empty:
        return findings_frame([])
    by_vintage = {str(sha256): frame for sha256, frame in facts.groupby("sha256", sort=False)}
    none = facts.iloc[0:0]
    vintages = {str(month): [str(sha256) for sha256 in group["sha256"]]
                for month, group in raw.sort_values(["received_at", "sha256"]).groupby("report_month")}
    latest = {month: by_vintage.get(shas[-1], none) for month, shas in vintages.items()}
    before = ({str(month): frame for month, frame in latest_vintages(earlier).groupby("report_month")}
              if earlier is not None and not earlier.empty else {})
    months = sorted(vintages)
    batch = [ToJudge(latest[month], latest.get(shift_month(month, -1), before.get(shift_month(month, -1))),
                     tuple(by_vintage.get(sha256, none) for sha256 in vintages[month][:-1])) for month in months]
    extractions = {str(row["sha256"]): extraction for row, extraction in reader.each(raw)}
    findings = []
    for month, judged, result in zip(months, batch, check_batch(batch), strict=True):
        finish_findings(result, extractions[vintages[month][-1]], vintages[month][-1], judged.previous)
        findings.extend(result.findings)
    return findings_frame(findings)


def fact_rows(raw: pd.DataFrame, reader: VintageReader) -> pd.DataFrame:
    """Metric facts of every vintage in `raw`, with the vintage (sha256, file, received_at) appended."""
    read = reader.each(raw)
    frame = facts_frame([fact for _, extraction in read for fact in extraction.facts])
    counts = [len(extraction.facts) for _, extraction in read]
    for column in VINTAGE_COLUMNS:  # each vintage's value, once per fact of it
        frame[column] = pd.Series([row[column] for row, _ in read], dtype=raw[column].dtype).repeat(
            counts).reset_index(drop=True)
    return frame.astype({"sha256": "string", "file_name": "string", "received_at": "datetime64[us, UTC]"})
