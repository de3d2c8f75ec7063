"""`make bench`: the speed figures the README quotes. Benchmarks, not tests: they print, they do not assert.

    python -m smm_pipeline_tests.benchmarks [extract] [materialise] [scaling]   (default: all)

- extract: extraction throughput in MB/s of report text, one core, after warm-up (mean of 20 runs);
- materialise: wall time of a full in-process materialisation of the bundled samples into a fresh
  warehouse (the same jobs `smm-pipeline run` uses, dbt included);
- scaling: the same on generated corpora of 12, 36 and 120 monthly reports, to show how time grows
  with the number of reports.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from smm_pipeline.extraction import extract
from smm_pipeline.reports import read_report
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests.corpus import SAMPLES, write_corpus

SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "smm_2025-07_production_overview.txt"


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench_extract(runs: int = 20, warmup: int = 3) -> None:
    """Throughput of the extraction core on the seed (or the samples when ../shared is absent)."""
    paths = [SEED] if SEED.exists() else SAMPLES
    reports = [read_report(p) for p in paths]
    size = sum(len(r.text.encode("utf-8")) for r in reports)
    for _ in range(warmup):
        for report in reports:
            extract(report)
    times = [_timed(lambda: [extract(r) for r in reports]) for _ in range(runs)]
    mean, best = statistics.mean(times), min(times)
    print(f"extract: {', '.join(p.name for p in paths)} ({size / 1e3:.1f} KB)")
    print(f"  mean {mean * 1e3:.1f} ms  best {best * 1e3:.1f} ms  -> {size / mean / 1e6:.2f} MB/s "
          f"(mean), {size / best / 1e6:.2f} MB/s (best); {runs} runs after {warmup} warm-up, one core")


def _materialise(reports: Path) -> tuple[float, str]:
    from smm_pipeline.defs.runner import run_pipeline

    with tempfile.TemporaryDirectory(prefix="smm-bench-") as data:
        os.environ["SMM_DATA_DIR"] = data
        os.environ.pop("SMM_WAREHOUSE", None)
        os.environ.pop("DAGSTER_HOME", None)
        started = time.perf_counter()
        summary = run_pipeline(reports)
        elapsed = time.perf_counter() - started
        facts = summary.tables.get("metric_facts", 0)
        status = "ok" if summary.ok else "FAILED"
        panel_rows = summary.tables.get("monthly_panel", 0)
        return elapsed, f"{len(summary.runs)} runs {status}, {facts} facts, {panel_rows} panel rows"


def bench_materialise() -> None:
    """Wall time of `smm-pipeline run` on the bundled samples, fresh warehouse."""
    folder = SAMPLES[0].parent
    elapsed, what = _materialise(folder)
    print(f"materialise samples ({len(SAMPLES)} reports): {elapsed:.1f} s wall ({what})")


def bench_scaling(sizes: tuple[int, ...] = (12, 36, 120)) -> None:
    """Wall time against the number of monthly reports."""
    print("scaling (generated corpus, full in-process materialisation, fresh warehouse each):")
    print(f"  {'reports':>7} {'seconds':>8} {'s/report':>9}  result")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="smm-corpus-") as folder:
            write_corpus(Path(folder), size)
            elapsed, what = _materialise(Path(folder))
        print(f"  {size:>7} {elapsed:>8.1f} {elapsed / size:>9.2f}  {what}", flush=True)


BENCHES = {"extract": bench_extract, "materialise": bench_materialise, "scaling": bench_scaling}


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default)."""
    for name in argv or list(BENCHES):
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
