"""Materialisation metadata a person can read in the UI without opening DuckDB.

Report text is untrusted (it is pasted from a website), so every cell is escaped before it goes into
a markdown table: no HTML, no links, no table-breaking pipes.
"""


import html
from collections.abc import Sequence
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


def escape_markdown(text: str) -> str:
    """Text that markdown shows as written: no HTML, no links, no emphasis, no table-breaking pipes."""
    text = html.escape(text, quote=True)
    for char in "\\|`*_[]()#!~":
        text = text.replace(char, "\\" + char)
    return text


def markdown_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, limit: int = 20) -> str:
    """The first `limit` rows of a frame as an escaped markdown table."""
    columns = list(columns or frame.columns)
    header = "| " + " | ".join(escape_cell(c) for c in columns) + " |"
    rule = "| " + " | ".join("---" for _ in columns) + " |"
    body = ["| " + " | ".join(escape_cell(row[c]) for c in columns) + " |"
            for _, row in frame.head(limit).iterrows()]
    more = [f"\n_{len(frame) - limit} more rows not shown_"] if len(frame) > limit else []
    return "\n".join([header, rule, *body, *more])


def table_metadata(frame: pd.DataFrame, preview_columns: Sequence[str], limit: int = 10) -> dict[str, object]:
    """Row count and a preview, the metadata every table asset carries."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "preview": dg.MetadataValue.md(markdown_table(frame, preview_columns, limit)),
    }


def counts_markdown(series: pd.Series, label: str, value_label: str = "rows") -> dg.MetadataValue:
    """A two-column markdown table of counts (e.g. facts per product)."""
    frame = series.rename_axis(label).reset_index(name=value_label)
    return dg.MetadataValue.md(markdown_table(frame, [label, value_label], limit=len(frame)))


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
