"""Month-by-month work on every core the process may use.

Reading a backfill's reports and building its brief pages are independent month by month and CPU-bound
Python, so one process would use one core of several. `map_each` runs such work in worker processes, and
in this process when a pool would not pay for itself: one core, or less work (the caller's estimate, in
seconds) than starting the workers costs (`repays`).

Workers are never forked from the process that asks: it may hold DuckDB's or Dagster's threads, and a
fork copies their locks in whatever state they are. They are forked from a fork server instead: a fresh,
single-threaded interpreter that imports `WORKER_IMPORTS` once (about 1 s: the lexicon, pandas), so a
worker starts in milliseconds, not with a second of imports as a spawned one would. `start_each`
starts work and returns at once (its pool is started by a thread of its own, whose first fork waits for
the server's imports), so the caller's own work overlaps both. Where there is no fork server (Windows),
workers are spawned.

A worker still imports the asking process's main module, as multiprocessing does. A script that calls
the pipeline at import, with no `if __name__ == "__main__":` guard, therefore runs it again in each worker
as the worker starts. Where that second run asks for workers of its own, the worker dies, and the work
is done here, in order, with a warning in the log. A second run that needs no pool runs to its end,
against the same warehouse. Such a script must have the guard (the console script and the benchmarks
do). A main module read from standard input cannot be imported at all: its work stays here from the
start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

WORKER_IMPORTS = ("smm_pipeline.tables", "smm_pipeline.brief")
"""The modules whose functions are sent to workers: the fork server imports them before its first fork."""


POOL_START_SECONDS = 0.6
"""What the first pool of a process costs before its first result, the fork server importing the tables
and the brief (measured: eight 11 KB reports read in 0.76 s on a new pool, 0.19 s in one process; 24 in
0.96 s against 0.56 s)."""
FORK_SECONDS = 0.03
"""What a pool costs once the fork server runs: a fork per worker and the items sent to it (a two-worker
pool was up in 3 ms when measured; the rest is a margin for sending the items)."""
_server_running = False
"""Whether this process has a fork server running (it has, after its first pool)."""


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _main_is_importable() -> bool:
    """Whether a worker can import this process's main module as multiprocessing requires: a script read
    from standard input (`python - <<EOF`) names a file that is not there, and its workers would die."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return path is None or Path(path).is_file()


def _context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_IMPORTS))
    return context


class Batch(Generic[Item, Result]):
    """Work under way in worker processes (or, when a pool would not pay, waiting to be done here) while
    the caller goes on; `results` waits for it.

    The pool is started by a thread of its own: a worker's fork waits for the fork server's imports, and
    the caller need not."""

    def __init__(self, work: Callable[[Item], Result], items: Sequence[Item], workers: int) -> None:
        """`workers` processes (none: the work is done here when the results are asked for)."""
        self._work, self._items = work, list(items)
        self._pool: ProcessPoolExecutor | None = None
        self._pending: Iterator[Result] | None = None
        self._starting: threading.Thread | None = None
        self._refused: Exception | None = None
        workers = min(workers, len(self._items))
        if workers >= 1 and _main_is_importable():
            self._starting = threading.Thread(target=self._start, args=(workers,), name="smm-workers", daemon=True)
            self._starting.start()

    def _start(self, workers: int) -> None:
        global _server_running
        try:
            self._pool = ProcessPoolExecutor(workers, mp_context=_context())
            self._pending = self._pool.map(self._work, self._items,
                                           chunksize=max(1, len(self._items) // (4 * workers)))
            _server_running = _context().get_start_method() == "forkserver"
        except Exception as err:  # raised by results(), in the caller's thread
            self._refused = err

    def results(self) -> list[Result]:
        """Each item's result, in order; an exception of the work is raised here, as it would be in a loop."""
        if self._starting is not None:
            self._starting.join()
        if self._pool is None and self._refused is None:
            return [self._work(item) for item in self._items]
        try:
            if self._refused is not None and multiprocessing.parent_process() is not None:
                raise self._refused  # a worker importing an unguarded main module may not start workers of its own
            if self._refused is not None:
                raise BrokenProcessPool(f"{type(self._refused).__name__}: {self._refused}")
            assert self._pending is not None  # set with the pool
            return list(self._pending)
        except BrokenProcessPool as err:
            logging.getLogger(__name__).warning("worker processes died or could not start (%s; a main module "
                                                "without a __main__ guard?): doing the work in this process", err)
            return [self._work(item) for item in self._items]
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
            self._pool = None


    def cancel(self) -> None:
        """Drop the work not started yet (nothing will ask for the results); workers end with their item."""
        if self._starting is not None:
            self._starting.join()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def start_each(work: Callable[[Item], Result], items: Sequence[Item], seconds: float) -> Batch[Item, Result]:
    """Start `work` on each item on the cores the caller leaves free, and return at once: the caller goes on
    with other work on its own core. `seconds` is the caller's estimate of the work in one process: work
    shorter than a fork (or one core) waits, and is done here when the results are asked for. `work` must
    be a module-level function and items and results picklable."""
    workers = cores() - 1 if seconds > FORK_SECONDS else 0  # the start is paid on a core the caller leaves
    return Batch(work, items, workers=workers)


def map_each(work: Callable[[Item], Result], items: Sequence[Item], seconds: float) -> list[Result]:
    """`work` on each item, in order, on every core while the caller waits, when that repays starting the
    workers (`seconds`: the caller's estimate of the work in one process); else here. An exception in a
    worker is raised here, as in a loop."""
    return Batch(work, items, workers=cores() if repays(seconds, cores()) else 0).results()


def repays(seconds: float, workers: int) -> bool:
    """Whether `workers` processes save more than starting them costs on work of `seconds` in one process
    while the caller waits: the first pool of a process waits for the fork server's imports, later ones
    only fork."""
    start = FORK_SECONDS if _server_running else POOL_START_SECONDS
    return workers >= 2 and seconds * (1 - 1 / workers) > start
