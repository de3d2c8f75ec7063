"""The drop-folder sensor: picks up each new report once, registers its month and runs that month.

All decisions are in smm_pipeline.inbox (plain Python); this is the wiring. The cursor remembers what
each file looked like at the last tick, so a file is taken only after it stopped growing, and it
survives restarts. The run key contains the content hashes, so a corrected re-drop of a month is a new
run, while an identical re-drop is recognised by the archive and requests nothing.
"""


import json
import time
from dataclasses import asdict

import dagster as dg

from smm_pipeline import inbox
from smm_pipeline.defs.jobs import report_job
from smm_pipeline.defs.partitions import report_months
from smm_pipeline.defs.resources import PipelineSettings


def _load_cursor(cursor: str | None) -> dict[str, inbox.Seen]:
    if not cursor:
        return {}
    try:
        return {name: inbox.Seen(**seen) for name, seen in json.loads(cursor).items()}
    except (ValueError, TypeError):
        return {}


@dg.sensor(job=report_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches data/drop/ for new or corrected monthly reports.")
def drop_folder_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    """Archive settled files, quarantine bad ones, run each month that got a new vintage."""
    where = settings.paths
    scanned = inbox.scan(where.drop, _load_cursor(context.cursor), time.time(), settings.settle_seconds)
    outcomes = [inbox.take(path, settings.archive(), where.quarantine) for path in scanned.ready]
    for outcome in outcomes:
        if outcome.kind == "quarantined":
            context.log.warning(f"quarantined {outcome.path.name}: {outcome.reason}")
        elif outcome.kind == "duplicate":
            context.log.info(f"{outcome.path.name}: identical to {outcome.entry.file_name} already archived")
    new_by_month: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.kind == "new" and outcome.entry is not None:
            new_by_month.setdefault(outcome.entry.report_month, []).append(outcome.entry.sha256)
    known = set(context.instance.get_dynamic_partitions(report_months.name))
    unregistered = sorted(set(new_by_month) - known)
    cursor = json.dumps({name: asdict(seen) for name, seen in scanned.state.items()})
    requests = [dg.RunRequest(partition_key=month, run_key=f"{month}:{'+'.join(sorted(shas))}",
                              tags={"smm/report_month": month, "smm/vintages": ",".join(shas)})
                for month, shas in sorted(new_by_month.items())]
    skip = None
    if not requests:
        skip = _skip_reason(outcomes, scanned)
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[report_months.build_add_request(unregistered)] if unregistered else [],
        cursor=cursor, skip_reason=skip)


def _skip_reason(outcomes: list[inbox.Outcome], scanned: inbox.Scan) -> str:
    parts = [f"{o.path.name}: {o.kind}" + (f" ({o.reason})" if o.reason else "") for o in outcomes]
    if scanned.settling:
        parts.append("waiting for files to stop changing: " + ", ".join(p.name for p in scanned.settling))
    return "; ".join(parts) or "no new files in the drop folder"
