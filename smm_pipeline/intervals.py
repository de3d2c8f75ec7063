"""Rounding intervals: every stated number stands for the range of values its rounding allows.

"29,100 mt" is [29,050, 29,150); "-2.53%" is [-2.535, -2.525]; "about 252,000 mt" is to the nearest
thousand and "approximately 10%" to the nearest ten (an approximation's trailing zeros are imprecision);
"nearly 27,000 mt" is [26,000, 27,000]; "over 20%" is [20, inf). Arithmetic on intervals (evaluated
at the corners, which is exact for the monotone formulas the rules use) tells a contradiction from
rounding: two statements conflict only when their intervals cannot meet.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from smm_pipeline.numbers import Quantity, lex
from smm_pipeline.tokens import tokenize

RELATIVE_UNITS = {"%", "pp"}


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed range of possible values."""

    low: float
    high: float

    @property
    def mid(self) -> float:
        """The middle of the range (the value as stated, for exact figures)."""
        return (self.low + self.high) / 2

    def meets(self, other: Interval) -> bool:
        """Whether some value is in both."""
        return self.low <= other.high and other.low <= self.high

    def gap(self, other: Interval) -> float:
        """How far apart the two ranges are (0 when they meet)."""
        return max(0.0, self.low - other.high, other.low - self.high)

    def contains(self, value: float) -> bool:
        """Whether the value is possible."""
        return self.low <= value <= self.high

    def crosses_zero(self) -> bool:
        """Whether 0 is possible (a ratio by this interval is unbounded)."""
        return self.low <= 0 <= self.high


@lru_cache(maxsize=4096)
def written_quantity(value_text: str) -> Quantity | None:
    """The quantity a fact's number was written as ("29,100 mt", "about 10%"), lexed once per text: short
    texts ("2.5%", "0.3 pp") recur in every month of a backfill."""
    quantities = lex(value_text)
    return quantities[0] if quantities else None


@lru_cache(maxsize=4096)
def resolution(value_text: str, unit: str) -> float:
    """One step of the last written digit, in the fact's unit.

    Percentages are rounded to their decimals ("10%" is 10 +/- 0.5), tonnages also to their trailing
    zeros ("6,000 mt" could be 5,500-6,499): a report writes 6,000 for a rounded figure far more often
    than for an exact one.
    """
    quantity = written_quantity(value_text)
    if quantity is None:
        return 0.0
    if unit in RELATIVE_UNITS:
        number = next((token.text for token in tokenize(quantity.text) if token.kind == "num"), "")
        return 10.0 ** -len(number.partition(".")[2])  # a number word ("a fifth") counts as whole
    return quantity.resolution


def interval_of(value: float, value_text: str, unit: str, qualifier: str, value_high: float | None = None
                ) -> Interval:
    """The interval a stated fact allows."""
    step = resolution(value_text, unit)
    if qualifier == "range" and value_high is not None:
        low, high = sorted((value, value_high))
        return Interval(low - step / 2, high + step / 2)
    if qualifier == "approx":
        # "about 40.00 million mt" is 40.00 rounded: its written precision, trailing zeros included ("about
        # 252,000 mt" is to the nearest 1,000); "nearly 27,000 mt" is just under it
        quantity = written_quantity(value_text)  # its own precision, not `step`'s decimals of a percentage
        written = quantity.resolution if quantity is not None else 0.0
        if quantity is not None and quantity.from_below:
            return Interval(value - written, value) if value >= 0 else Interval(value, value + written)
        return Interval(value - written / 2, value + written / 2)
    if qualifier == "over":
        return Interval(value, math.inf) if value >= 0 else Interval(-math.inf, value)
    if qualifier == "under":
        return Interval(-math.inf, value) if value >= 0 else Interval(value, math.inf)
    return Interval(value - step / 2, value + step / 2)


def apply(formula: Callable[..., float], *intervals: Interval) -> Interval | None:
    """The range of a formula monotone in each argument, from its values at the corners.

    None when the formula cannot be evaluated somewhere in the box (a division by a range that
    contains zero), because then any value is possible and nothing can be concluded. Zero is tried
    as well when a range contains it, so such a division is found even though no corner is zero.
    """
    values = []
    samples = [(i.low, i.high, 0.0) if i.low < 0 < i.high else (i.low, i.high) for i in intervals]
    for corner in itertools.product(*samples):
        if any(math.isinf(c) for c in corner):
            return None
        try:
            values.append(formula(*corner))
        except ZeroDivisionError:
            return None
    if not values or any(math.isnan(v) for v in values):
        return None
    return Interval(min(values), max(values))
