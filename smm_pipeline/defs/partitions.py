"""The report month is the partition key of every per-report asset.

Dynamic rather than monthly partitions: a month exists once a report for it has been accepted into
the archive (the drop-folder sensor and `smm-pipeline run` register it), so the UI never shows a wall
of empty months and a report from an unexpected month needs no code change.
"""

import dagster as dg

report_months = dg.DynamicPartitionsDefinition(name="report_month")

WAREHOUSE_POOL = "duckdb_warehouse"
"""Every asset that writes the DuckDB file is in this pool; dagster.yaml limits it to one at a time."""
