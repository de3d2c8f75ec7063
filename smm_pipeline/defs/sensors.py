"""The drop-folder sensor: picks up each new report once, registers its month and runs that month.

All decisions are in smm_pipeline.inbox (plain Python); this is the wiring. The cursor (stored by the
instance, so it survives restarts) remembers how each file looked at the last tick and which archived
vintages already had a run requested. The run key is the month plus the content hashes of its new
vintages, so a corrected re-drop is a new run, and an identical re-drop is recognised by the archive
and requests nothing. Months first seen in one tick (a catch-up) are one backfill run over their range.
Bad files never raise here: they are quarantined and the tick says why.
"""

from datetime import UTC, datetime

import dagster as dg

from smm_pipeline import inbox
from smm_pipeline.defs.jobs import report_job
from smm_pipeline.defs.partitions import range_tags, report_months
from smm_pipeline.defs.resources import PipelineSettings


# The daemon evaluates sensors at most every 5 s (its loop); a minimum interval equal to that would skip
# every other loop whenever the loop runs a little early, so the minimum is below it.
@dg.sensor(job=report_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches data/drop/ for new or corrected monthly reports.")
def drop_folder_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    """Archive settled files, quarantine bad ones, run each month that got a new vintage."""
    where = settings.paths
    tick = inbox.tick(where.drop, settings.archive(), where.quarantine, inbox.Cursor.loads(context.cursor),
                      datetime.now(UTC), settings.settle_seconds)
    for level, message in tick.messages():
        getattr(context.log, level)(message)
    plan = inbox.plan_runs(tick.runs, set(context.instance.get_dynamic_partitions(report_months.name)))
    return dg.SensorResult(
        run_requests=[_request(run) for run in plan.runs],
        dynamic_partitions_requests=[report_months.build_add_request(list(plan.register))] if plan.register else [],
        cursor=tick.cursor.dumps(), skip_reason=None if plan.runs else tick.skip_reason())


def _request(run: inbox.PlannedRun) -> dg.RunRequest:
    """A month as its partition; several as a range of them, which the per-report assets take in one run."""
    single = len(run.months) == 1
    return dg.RunRequest(partition_key=run.months[0] if single else None, run_key=run.key,
                         tags={**({} if single else range_tags(list(run.months))), "smm/report_month": run.label,
                               "smm/vintages": ",".join(entry.sha256[:12] for entry in run.entries)})
