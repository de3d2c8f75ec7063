"""Running the whole graph in-process, for `smm-pipeline run` and the benchmarks.

The same jobs the UI and the sensor run: every archived month through `extract_job`, then
`rebuild_job` for the panel, indicators, dbt marts and the serving copy, then each month's brief
page. With DAGSTER_HOME set, runs are recorded in that instance (they show in `dagster dev`);
otherwise an ephemeral instance is used.
"""

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from smm_pipeline import warehouse
from smm_pipeline.archive import Archive
from smm_pipeline.brief import PagesAhead
from smm_pipeline.defs.partitions import range_tags, report_months
from smm_pipeline.periods import span_label
from smm_pipeline.reports import ReportError
from smm_pipeline.settings import paths
from smm_pipeline.tables import VintageReader

REPORT_SUFFIXES = {".txt", ".htm", ".html"}
"""Files `run --reports` tries as reports; a folder's README or notes are not reports."""
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
PLANNED_EVENT_PER_ASSET = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
"""Dagster's opt-in (dagster-io/dagster#29288) to announce a single-run backfill with one planned event per
asset, carrying the run's months, instead of one per asset and month (600 events for ten years)."""
LISTED_REPORTS = 12
"""Accepted reports the summary lists one per line; more are counted by status, with their months, so
that loading ten years stays one screen. Rejected reports are always listed, with their reasons."""


@dataclass
class RunSummary:
    """What a pipeline run did, printable in a few lines (the full logs are in `log`)."""

    warehouse: Path
    log: Path | None = None
    accepted: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    runs: list[tuple[str, bool, list[str]]] = field(default_factory=list)
    """Each run: its name, whether it succeeded, and the checks that failed ('asset:check')."""
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every run succeeded."""
        return all(success for _, success, _ in self.runs)

    def render(self) -> str:
        """A short plain-text summary: reports, runs, what the checks say, the tables' rows."""
        lines = [f"warehouse: {self.warehouse}"] + ([f"logs (Dagster and dbt): {self.log}"] if self.log else [])
        if len(self.accepted) <= LISTED_REPORTS:
            lines += [f"  {name:<44} {month:<8} {status}" for name, month, status in self.accepted]
        else:
            for status in dict.fromkeys(status for _, _, status in self.accepted):
                months = sorted(month for _, month, given in self.accepted if given == status)
                counted = f"{len(months)} report" + ("s" if len(months) != 1 else "")
                lines.append(f"  {counted}: {status} ({months[0]} to {months[-1]})")
        lines += [f"  {name:<44} {'-':<8} rejected: {why}" for name, why in self.rejected]
        good = sum(success for _, success, _ in self.runs)
        lines.append(f"runs: {good} of {len(self.runs)} ok" + "".join(
            f"; {name} FAILED (see the log)" for name, success, _ in self.runs if not success))
        flagged = [(name, check) for name, _, failed in self.runs for check in failed]
        lines += [f"checks: {name} {check} failed: " + (
            "the report contradicts itself there, not the pipeline (data_quality_findings, the month's brief)"
            if check.startswith("data_quality_findings:") else "the data broke a pipeline check (see the log)")
            for name, check in flagged] or ["checks: every schema, dbt and consistency check passed"]
        marts = {name: count for name, count in self.tables.items() if not name.startswith("stg_")}
        lines.append("tables: " + ", ".join(f"{name} {count}" for name, count in marts.items()))
        return "\n".join(lines)


def instance_for_cli() -> dg.DagsterInstance:
    """The persistent instance when DAGSTER_HOME is set, else an ephemeral one."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


@contextlib.contextmanager
def planned_once_per_asset(instance: dg.DagsterInstance) -> Iterator[None]:
    """One planned event per asset in the runs started inside, when no one can look at the instance later.

    What the opt-in gives up is the UI marking a failed run's partitions as failed: that status is read
    from the per-month planned events. An ephemeral instance ends with the command, so nothing reads it,
    and the command's summary reports a failed run from the run's own result. A persistent instance
    (DAGSTER_HOME, what `dagster dev` shows) keeps Dagster's default. A value the user set is left alone."""
    if not instance.is_ephemeral or PLANNED_EVENT_PER_ASSET in os.environ:
        yield
        return
    os.environ[PLANNED_EVENT_PER_ASSET] = "true"
    try:
        yield
    finally:
        os.environ.pop(PLANNED_EVENT_PER_ASSET, None)


def archive_folder(folder: Path, archive: Archive, summary: RunSummary) -> None:
    """Accept every report file in a folder (bad ones are reported, the folder is left as it is)."""
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES):
        try:
            entry, is_new = archive.add_file(path)
            summary.accepted.append((path.name, entry.report_month, "new vintage" if is_new else "already archived"))
        except ReportError as err:
            summary.rejected.append((path.name, err.message))


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    """The checks that failed, as 'asset:check' names."""
    return sorted({f"{e.asset_key.to_user_string()}:{e.check_name}"
                   for e in result.get_asset_check_evaluations() if not e.passed})


def run_pipeline(reports: Path, instance: dg.DagsterInstance | None = None,
                 progress: Callable[[str], None] | None = None, log: Path | None = None) -> RunSummary:
    """Archive a folder of reports and materialise every asset in-process. With `log`, everything Dagster
    and dbt print goes to that file and `progress` gets one line per stage (a stage covers all the months)."""
    if log is None:
        return _run(reports, instance, progress or (lambda _: None), None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle), \
            contextlib.redirect_stderr(handle):
        return _run(reports, instance, progress or (lambda _: None), log)


def _run(reports: Path, instance: dg.DagsterInstance | None, progress: Callable[[str], None],
         log: Path | None) -> RunSummary:
    where = paths()
    summary = RunSummary(warehouse=where.warehouse, log=log)
    archive = Archive(where.archive)
    if not reports.is_dir():
        raise ReportError(str(reports), "not a folder of reports")
    archive_folder(reports, archive, summary)
    instance = instance or instance_for_cli()
    months = archive.months()
    reader, ahead = VintageReader(), PagesAhead(months)
    with planned_once_per_asset(instance):  # set before the reading ahead starts any thread
        reader.read_ahead(archive, archive.entries())  # on the other cores, while the definitions load
        try:
            return _run_jobs(instance, months, summary, {"reader": reader, "pages_ahead": ahead}, progress)
        finally:
            reader.close()  # a run that stopped early leaves no work behind
            ahead.close()


def _run_jobs(instance: dg.DagsterInstance, months: list[str], summary: RunSummary, started: dict[str, object],
              progress: Callable[[str], None]) -> RunSummary:
    """The definitions, then the extract, rebuild and brief runs over every month, one run each; `started`
    are the resources that carry work started before a run needs it (the reports read, the brief pages),
    kept across the runs."""
    known = set(instance.get_dynamic_partitions(report_months.name))
    instance.add_dynamic_partitions(report_months.name, [m for m in months if m not in known])
    registered = {month: n for n, month in enumerate(instance.get_dynamic_partitions(report_months.name))}
    progress(f"archived {len(summary.accepted)} reports ({len(summary.rejected)} rejected); loading the definitions")
    from smm_pipeline.definitions import build_defs  # its import parses the dbt project: seconds

    defs = build_defs({key: dg.ResourceDefinition.hardcoded_resource(value) for key, value in started.items()})
    span = span_label(months)
    stages = [("extract_job", span, "raw reports, sections, facts and findings"),
              ("rebuild_job", "", "panel, indicators, dbt marts, serving copy"),
              ("brief_job", span, "brief pages")] if months else []
    for number, (job, label, what) in enumerate(stages, start=1):
        progress(f"[{number}/{len(stages)}] {job}{f' {label}' if label else ''}: {what}")
        # every month in one run (a single-run backfill), as a range of the months in registration order
        tags = range_tags(sorted(months, key=registered.__getitem__)) if label else {}
        result = defs.resolve_job_def(job).execute_in_process(instance=instance, raise_on_error=False,
                                                               run_config=QUIET, tags=tags)
        summary.runs.append((f"{job} [{label}]" if label else job, result.success, _failed_checks(result)))
    if summary.warehouse.exists():
        with warehouse.connect(summary.warehouse, read_only=True) as con:
            summary.tables = warehouse.table_counts(con)
    return summary
