"""Freshness: a visible failure when the month's report has not arrived by the configured day.

A missing report produces no run, so nothing would fail by itself: a daily schedule runs this check
(and every report run does too). The decision is `inbox.freshness` (plain Python); the day is the
`calendar` resource (SMM_REPORT_DUE_DAY, default 5: the report for July is due by 5 August).
"""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from smm_pipeline import inbox
from smm_pipeline.defs import assets
from smm_pipeline.defs.metadata import escape_cell
from smm_pipeline.defs.resources import PipelineSettings


class ReportCalendar(dg.ConfigurableResource):
    """When each month's report is due."""

    due_day: int = Field(default=5, ge=1, le=28, description="Month M's report is due by this day of M+1.")
    timezone: str = Field(default="Asia/Shanghai", description="Where 'today' is decided (SMM publishes in China).")
    as_of: str = Field(default="", description="Judge as on this ISO date instead of today (tests, audits).")

    @classmethod
    def from_env(cls) -> "ReportCalendar":
        """The calendar with SMM_REPORT_DUE_DAY applied."""
        return cls(due_day=int(os.environ.get("SMM_REPORT_DUE_DAY") or 5))

    def today(self) -> date:
        """The date the check judges by."""
        return date.fromisoformat(self.as_of) if self.as_of else datetime.now(ZoneInfo(self.timezone)).date()


@dg.asset_check(asset=assets.raw_reports, name="report_arrived_on_time",
                description="Fails (ERROR, not blocking) when the report due by the configured day of the "
                            "following month is not in the archive.")
def report_arrived_on_time(settings: PipelineSettings, calendar: ReportCalendar) -> dg.AssetCheckResult:
    """Whether the report that is due by today has arrived."""
    result = inbox.freshness(settings.archive().months(), calendar.today(), calendar.due_day)
    quarantined = sorted(settings.paths.quarantine.glob("*.reason.txt"))[-5:]
    return dg.AssetCheckResult(
        passed=result.arrived, severity=dg.AssetCheckSeverity.ERROR,
        description=None if result.arrived else
        f"the report for {result.due_month} was due by {result.due_date:%d %b %Y} and has not arrived",
        metadata={
            "due_month": dg.MetadataValue.text(result.due_month),
            "due_date": dg.MetadataValue.text(result.due_date.isoformat()),
            "latest_month": dg.MetadataValue.text(result.latest_month or "none"),
            "missing_months": dg.MetadataValue.text(", ".join(result.missing) or "none"),
            "recently_quarantined": dg.MetadataValue.md(
                "\n".join(f"- {escape_cell(p.name.removesuffix('.reason.txt'))}" for p in quarantined) or "none"),
        })


freshness_job = dg.define_asset_job(
    "freshness_job", selection=dg.AssetSelection.checks(report_arrived_on_time),
    description="Checks that the month's report arrived by the due day (run daily by a schedule).")
