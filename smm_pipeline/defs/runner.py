"""Running the whole graph in-process, for `smm-pipeline run` and the benchmarks.

The same jobs the UI and the sensor run: every archived month through `extract_job`, then
`rebuild_job` for the panel, indicators, dbt marts and the serving copy, then each month's brief
page. With DAGSTER_HOME set, runs are recorded in that instance (they show in `dagster dev`);
otherwise an ephemeral instance is used.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from smm_pipeline import warehouse
from smm_pipeline.archive import Archive
from smm_pipeline.defs.partitions import report_months
from smm_pipeline.reports import ReportError
from smm_pipeline.settings import paths

REPORT_SUFFIXES = {".txt", ".htm", ".html"}
"""Files `run --reports` tries as reports; a folder's README or notes are not reports."""
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunSummary:
    """What a pipeline run did, printable as a table."""

    warehouse: Path
    accepted: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    runs: list[tuple[str, bool, str]] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every run succeeded."""
        return all(success for _, success, _ in self.runs)

    def render(self) -> str:
        """A plain-text summary table."""
        lines = [f"warehouse: {self.warehouse}", "", f"{'report file':<44} {'month':<8} status"]
        lines += [f"{name:<44} {month:<8} {status}" for name, month, status in self.accepted]
        lines += [f"{name:<44} {'-':<8} rejected: {why}" for name, why in self.rejected]
        lines += ["", f"{'run':<44} {'result':<8} failed checks (findings are in data_quality_findings)"]
        lines += [f"{name:<44} {'ok' if success else 'FAILED':<8} {failed}" for name, success, failed in self.runs]
        lines += ["", f"{'table':<44} rows"]
        lines += [f"{name:<44} {count}" for name, count in self.tables.items()]
        return "\n".join(lines)


def instance_for_cli() -> dg.DagsterInstance:
    """The persistent instance when DAGSTER_HOME is set, else an ephemeral one."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def archive_folder(folder: Path, archive: Archive, summary: RunSummary) -> None:
    """Accept every report file in a folder (bad ones are reported, the folder is left as it is)."""
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES):
        try:
            entry, is_new = archive.add_file(path)
            summary.accepted.append((path.name, entry.report_month, "new vintage" if is_new else "already archived"))
        except ReportError as err:
            summary.rejected.append((path.name, err.message))


def _failed_checks(result: dg.ExecuteInProcessResult) -> str:
    """The checks that failed, as 'asset:check' names ('-' when none did)."""
    failed = sorted({f"{e.asset_key.to_user_string()}:{e.check_name}"
                     for e in result.get_asset_check_evaluations() if not e.passed})
    return ", ".join(failed) or "-"


def run_pipeline(reports: Path, instance: dg.DagsterInstance | None = None) -> RunSummary:
    """Archive a folder of reports and materialise every asset in-process."""
    from smm_pipeline.definitions import build_defs

    where = paths()
    summary = RunSummary(warehouse=where.warehouse)
    archive = Archive(where.archive)
    if not reports.is_dir():
        raise ReportError(str(reports), "not a folder of reports")
    archive_folder(reports, archive, summary)
    instance = instance or instance_for_cli()
    months = archive.months()
    known = set(instance.get_dynamic_partitions(report_months.name))
    instance.add_dynamic_partitions(report_months.name, [m for m in months if m not in known])
    defs = build_defs()
    for month in months:
        result = defs.resolve_job_def("extract_job").execute_in_process(
            partition_key=month, instance=instance, raise_on_error=False, run_config=QUIET)
        summary.runs.append((f"extract_job [{month}]", result.success, _failed_checks(result)))
    if months:
        result = defs.resolve_job_def("rebuild_job").execute_in_process(instance=instance, raise_on_error=False,
                                                                    run_config=QUIET)
        summary.runs.append(("rebuild_job", result.success, _failed_checks(result)))
    for month in months:
        result = defs.resolve_job_def("brief_job").execute_in_process(
            partition_key=month, instance=instance, raise_on_error=False, run_config=QUIET)
        summary.runs.append((f"brief_job [{month}]", result.success, _failed_checks(result)))
    summary.tables = warehouse.table_counts(where.warehouse)
    return summary
