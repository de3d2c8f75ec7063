"""Table rows as plain Python values, read column by column.

The brief and the consistency rules read thousands of cells per report month. A pandas row per read
(`iterrows`, `to_dict("records")` on nullable dtypes) costs more than the work that reads it, so those
readers take each column once as a Python list and zip the lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd

Record = dict[str, object]
"""One row: column name to value (a missing value is pd.NA or NaN, as pandas gives it)."""


def records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Iterator[Record]:
    """Each row of `frame` (only `columns`, when given) as a dict, in order."""
    names = list(frame.columns if columns is None else columns)
    for values in zip(*(frame[name].tolist() for name in names), strict=True):
        yield dict(zip(names, values, strict=True))
