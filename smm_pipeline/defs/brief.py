"""The monthly brief as an asset: one HTML page per report month, rebuilt whenever the month is.

It reads the warehouse tables the assets before it wrote (the panel and indicators of the months a page
shows, the month's findings, and the facts of this month and the previous one for the sentences), so it sits
downstream of them in the lineage; the page itself is a file, not a table, and its path is the link in
the materialisation's metadata.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from smm_pipeline import brief
from smm_pipeline.defs import assets
from smm_pipeline.defs.metadata import file_metadata, on_each_month, text_markdown
from smm_pipeline.defs.partitions import report_month_asset
from smm_pipeline.defs.resources import AheadPages, PipelineSettings

BRIEFS = "briefs"


@report_month_asset(group_name=BRIEFS, kinds={"python", "html"}, stored=False,
                    deps=[assets.monthly_panel, assets.derived_indicators, assets.data_quality_findings,
                          assets.metric_facts])
def monthly_brief(context: dg.AssetExecutionContext, settings: PipelineSettings, duckdb: DuckDBResource,
                  pages_ahead: AheadPages) -> dg.MaterializeResult:
    """A self-contained page for the month: every product's level, changes and forecasts, charts over the
    24 months to it, the findings, and every stated number linked to the sentence it came from (a page for each
    month of the run)."""
    try:
        with duckdb.get_connection() as con:
            tables = brief.tables_for(con, context.partition_keys, duckdb.database)
        pages = brief.build_pages(tables, settings.paths.briefs, ahead=pages_ahead)
    except brief.BriefError as err:
        raise dg.Failure(str(err)) from err
    return dg.MaterializeResult(metadata={
        **on_each_month(context, {page.month: _page(page, path) for page, path in pages}),
        **({"errors_in_run": dg.MetadataValue.int(sum(p.findings["error"] for p, _ in pages)),
            "warnings_in_run": dg.MetadataValue.int(sum(p.findings["warning"] for p, _ in pages))}
           if len(pages) > 1 else {}),
    })


@dg.success_hook(required_resource_keys={"pages_ahead", "duckdb"})
def brief_pages_ahead(context: dg.HookContext) -> None:
    """Once the indicators are built, start the pages a later brief run will take (brief.PagesAhead): the
    dbt build that follows leaves cores idle."""
    ahead: brief.PagesAhead = context.resources.pages_ahead
    if context.op.name == assets.derived_indicators.op.name and ahead.months:
        door: DuckDBResource = context.resources.duckdb
        with door.get_connection() as con:
            ahead.start(con, door.database)


def _page(page: brief.Brief, path: Path) -> dict[str, object]:
    return {
        **file_metadata(path),
        "month": dg.MetadataValue.text(page.month),
        "products": dg.MetadataValue.int(page.products),
        "sentences_cited": dg.MetadataValue.int(page.sentences),
        "errors": dg.MetadataValue.int(page.findings["error"]),
        "warnings": dg.MetadataValue.int(page.findings["warning"]),
        "at_a_glance": text_markdown(page.glance),
    }
