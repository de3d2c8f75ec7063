"""The report month is the partition key of every per-report asset.

Dynamic rather than monthly partitions: a month exists once a report for it has been accepted into
the archive (the drop-folder sensor and `smm-pipeline run` register it), so the UI never shows a wall
of empty months and a report from an unexpected month needs no code change.
"""

import inspect
from collections.abc import Callable, Iterable

import dagster as dg

report_months = dg.DynamicPartitionsDefinition(name="report_month")

WAREHOUSE_POOL = "duckdb_warehouse"
"""Every asset that writes the DuckDB file is in this pool; dagster.yaml limits it to one at a time."""

ONE_RUN = dg.BackfillPolicy.single_run()
"""A backfill of many months is one run: the per-report assets work over every month of it."""


def report_month_asset(*, group_name: str, kinds: set[str], deps: Iterable[dg.AssetsDefinition] = (),
                       stored: bool = True) -> Callable[[Callable[..., object]], dg.AssetsDefinition]:
    """`@dg.asset` for a per-report asset whose backfill of many months is one run.

    Written as a one-output `multi_asset` because `backfill_policy` is a beta parameter of `@dg.asset` in
    Dagster 1.13 and a current one of `@dg.multi_asset`. The output is named `result`, so the body returns
    `dg.Output`/`dg.MaterializeResult` as an `@dg.asset` body would; `stored=False` for an asset whose
    value is a file written by the body rather than a frame for the IO manager."""
    def wrap(fn: Callable[..., object]) -> dg.AssetsDefinition:
        out = dg.AssetOut(key=fn.__name__, group_name=group_name, kinds=kinds, description=inspect.getdoc(fn),
                          **({} if stored else {"dagster_type": dg.Nothing}))
        return dg.multi_asset(name=fn.__name__, outs={"result": out}, deps=list(deps), partitions_def=report_months,
                              backfill_policy=ONE_RUN, pool=WAREHOUSE_POOL)(fn)
    return wrap


RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def run_months(tags: dict[str, str], instance: dg.DagsterInstance) -> list[str] | None:
    """The report months a run covers, from its tags (one partition, or a range of them); None for a run
    of no partition (the all-months rebuild)."""
    if "dagster/partition" in tags:
        return [tags["dagster/partition"]]
    if RANGE_START in tags and RANGE_END in tags:
        keys = report_months.get_partition_keys(dynamic_partitions_store=instance)
        return keys[keys.index(tags[RANGE_START]):keys.index(tags[RANGE_END]) + 1]
    return None


def range_tags(months: list[str]) -> dict[str, str]:
    """The tags of one run over `months` (registered in this order: first to last)."""
    return {RANGE_START: months[0], RANGE_END: months[-1]}
