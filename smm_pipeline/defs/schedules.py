"""The month-end schedule: rebuild the panel, indicators and marts from every month loaded.

Cron cannot say "last day of the month", so it fires on the 28th-31st and skips unless tomorrow is
the 1st.
"""


from datetime import timedelta

import dagster as dg

from smm_pipeline.defs.jobs import rebuild_job


@dg.schedule(job=rebuild_job, cron_schedule="0 22 28-31 * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def month_end_rebuild(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Runs on the last day of each month, when SMM publishes."""
    when = context.scheduled_execution_time
    if (when + timedelta(days=1)).day != 1:
        return dg.SkipReason(f"{when:%Y-%m-%d} is not the last day of the month")
    return dg.RunRequest(run_key=f"month-end-{when:%Y-%m}", tags={"smm/month_end": f"{when:%Y-%m}"})
