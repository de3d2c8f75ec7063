"""Month-by-month work on every core the process may use.

Reading a backfill's reports is independent report by report and CPU-bound Python, so one process
would use one core of several. `map_each` runs such work in worker
processes, and in this process when a pool would not pay for itself: one core, or fewer items than it
takes to repay the workers' start (a worker is a fresh interpreter that imports what the work needs).
Workers are spawned, never forked: the process that asks may hold DuckDB's or Dagster's threads. A
spawned worker imports the parent's main module; a script that starts work at import, with no
`if __name__ == "__main__":` guard, kills its workers, and the work is then done here, in order, with a
warning in the log.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_each(work: Callable[[Item], Result], items: Sequence[Item], worth_from: int) -> list[Result]:
    """`work` on each item, in order; in worker processes when there are at least `worth_from` items
    (the caller's measure of when workers repay their start) and more than one core.

    `work` must be a module-level function and items and results picklable; an exception in a worker
    is raised here, as it would be in a loop."""
    workers = min(cores(), len(items))
    if workers < 2 or len(items) < worth_from:
        return [work(item) for item in items]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(work, items, chunksize=max(1, len(items) // (4 * workers))))
    except BrokenProcessPool:
        logging.getLogger(__name__).warning("worker processes died (a main module without a __main__ guard?): "
                                            "doing the work in this process")
        return [work(item) for item in items]
