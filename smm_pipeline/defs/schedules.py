"""Schedules: the month-end rebuild, and the daily check that the month's report has arrived.

Cron cannot say "last day of the month", so the rebuild fires on the 28th-31st and skips unless
tomorrow is the 1st. It rebuilds the panel, indicators, dbt marts and the serving copy from every
month loaded. The freshness check runs every morning: a report that never arrives produces no run, so
only a schedule can notice it.
"""

from datetime import timedelta

import dagster as dg

from smm_pipeline.defs.freshness import freshness_job
from smm_pipeline.defs.jobs import rebuild_job

TIMEZONE = "Asia/Shanghai"
"""SMM publishes in China; its month ends there."""


@dg.schedule(job=rebuild_job, cron_schedule="0 22 28-31 * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING)
def month_end_rebuild(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Runs on the last day of each month, when SMM publishes."""
    when = context.scheduled_execution_time
    if (when + timedelta(days=1)).day != 1:
        return dg.SkipReason(f"{when:%Y-%m-%d} is not the last day of the month")
    return dg.RunRequest(run_key=f"month-end-{when:%Y-%m}", tags={"smm/month_end": f"{when:%Y-%m}"})


report_freshness = dg.ScheduleDefinition(
    name="report_freshness", job=freshness_job, cron_schedule="0 9 * * *", execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every morning: fails the report_arrived_on_time check when the month's report is late.")
