"""Materialisation metadata a person can read in the UI without opening DuckDB.

Report text is untrusted (it is pasted from a website), so every cell is escaped before it goes into
a markdown table: no HTML, no links, no table-breaking pipes.
"""


import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import dagster as dg
import pandas as pd

MAX_CELL = 120


def escape_cell(value: object) -> str:
    """A value as inert markdown table text."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = " ".join(str(value).split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return escape_markdown(text)


MARKDOWN_SPECIALS = "\\|`*_[]()#!~"
"""What markdown would read as markup: each is written with a backslash before it."""
_ESCAPES = str.maketrans({**{char: "\\" + char for char in MARKDOWN_SPECIALS},
                          **{char: "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in html.escape(char))
                             for char in "&<>\"'"}})


def escape_markdown(text: str) -> str:
    """Text that markdown shows as written: no HTML, no links, no emphasis, no table-breaking pipes (HTML
    escaped, then each markdown special backslashed: the `#` of `&#x27;` too), in one pass."""
    return text.translate(_ESCAPES)


def markdown_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, limit: int = 20) -> str:
    """The first `limit` rows of a frame as an escaped markdown table."""
    columns = list(columns or frame.columns)
    header = "| " + " | ".join(escape_cell(c) for c in columns) + " |"
    rule = "| " + " | ".join("---" for _ in columns) + " |"
    shown = frame.head(limit)
    body = ["| " + " | ".join(escape_cell(value) for value in values) + " |"
            for values in zip(*(shown[c].tolist() for c in columns), strict=True)]
    more = [f"\n_{len(frame) - limit} more rows not shown_"] if len(frame) > limit else []
    return "\n".join([header, rule, *body, *more])


def table_metadata(frame: pd.DataFrame, preview_columns: Sequence[str], limit: int = 10,
                   shown: pd.DataFrame | None = None) -> dict[str, object]:
    """Row count and a preview (of `shown` rows, when only some are worth a look), the metadata every table
    asset carries."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "preview": dg.MetadataValue.md(markdown_table(frame if shown is None else shown, preview_columns, limit)),
    }


def rows_by_month(frame: pd.DataFrame, months: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Each report month's rows of a per-report table (none for a month that has none)."""
    found = dict(tuple(frame.groupby("report_month", sort=False)))
    return {month: found.get(month, frame.iloc[:0]) for month in months}


def on_each_month(context: dg.AssetExecutionContext,
                  described: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """Metadata true of each report month's materialisation: `described[month]`.

    A run of one month returns it, for the output. A run of several (a backfill in one run) puts each
    month's on that month's materialisation (`add_asset_metadata` with its partition key, about 1.3 ms a
    month while Dagster checks the key) and returns what is true of all of them; otherwise every month
    of a backfill would show the whole run's row count and preview as its own."""
    if len(described) == 1:
        return dict(next(iter(described.values())))
    for month, metadata in described.items():
        context.add_asset_metadata(dict(metadata), partition_key=month)
    return {"months_in_run": dg.MetadataValue.int(len(described))}


def counts_markdown(counts: Mapping[str, int], label: str, value_label: str = "rows") -> dg.MetadataValue:
    """A two-column markdown table of counts (e.g. facts per product), in the mapping's order."""
    lines = [f"| {escape_cell(label)} | {escape_cell(value_label)} |", "| --- | --- |",
             *(f"| {escape_cell(key)} | {escape_cell(count)} |" for key, count in counts.items())]
    return dg.MetadataValue.md("\n".join(lines))


def most_first(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, the most frequent first (ties in alphabetical order)."""
    return dict(sorted(Counter(values).items(), key=lambda pair: (-pair[1], pair[0])))


def in_order(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, in the values' alphabetical order."""
    return dict(sorted(Counter(values).items()))


def text_markdown(text: str) -> dg.MetadataValue:
    """Plain text lines ('- ' starts a list item) as escaped markdown."""
    lines = [line[:2] + escape_markdown(line[2:]) if line.startswith("- ") else escape_markdown(line)
             for line in text.splitlines()]
    return dg.MetadataValue.md("\n".join(lines))


def file_metadata(path: Path) -> dict[str, object]:
    """A written file as the UI shows it: its path, a file:// link that opens it, and its size."""
    return {
        "path": dg.MetadataValue.path(str(path)),
        "url": dg.MetadataValue.url(path.resolve().as_uri()),
        "size_kb": dg.MetadataValue.float(round(path.stat().st_size / 1024, 1)),
    }
