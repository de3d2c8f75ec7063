"""`make bench`: the speed figures the README quotes. Benchmarks, not tests: they print, they do not assert.

    python -m smm_pipeline_tests.benchmarks [extract] [cold] [phrasings] [mutation] [fuzz] [materialise]
        [scaling] [soak] [drop] [brief]

- extract: extraction throughput in MB/s of report text, one core, after warm-up (mean of 20 runs);
- cold: `smm-pipeline extract SEED --csv OUT` as a user runs it, one process each time (bytecode and the
  built lexicon cached): median wall of 15 runs after 2 warm-up, and whether pandas or dagster was
  imported on that path;
- phrasings: the paraphrase suite's pass rate (rewordings that give exactly their facts);
- mutation: the mutation harness on the samples, the seed and dev2 (numeric rewrites, direction flips);
- fuzz: the fuzzing harness (fuzz.py) on 10,000 generated inputs and a 10 MB single-line report: inputs
  tried, tracebacks, bad exits, slowest input per KB;
- materialise: wall time of `smm-pipeline run` on the bundled samples (a fresh process, data folder and
  warehouse; dbt included);
- scaling: `smm-pipeline run` as a user runs it (a fresh process each) on generated corpora of 1, 12,
  36 and 120 monthly reports, three rounds with the sizes in turn: each time's ratio to its round's one
  month, and the medians' ratio;
- soak: 36 generated monthly reports dropped one after another through the drop-folder path (sensor
  ticks, report_job runs, serving copy) while a separate process queries the serving copy and its
  Parquet in a loop; prints runs, reader queries, reader errors and rows lost;
- drop: `dagster dev` started as `make dev` starts it (daemon, queued run coordinator, run launcher) on a
  fresh instance; five generated reports written into data/drop/ one at a time, each timed from its last
  write to its month in data/serving/published.json, with the sensor, queue, run and dbt-step shares;
  then 24 more written at once (a catch-up): time until the last is published, and how many runs;
- brief: the monthly brief of the seed month (54 products; when ../shared is present) and of a generated
  54-product month over 24 months: build time, page size, and render time in headless Chromium (load
  event and first contentful paint of fresh tabs, median and max of 10 after 2 warm-up).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from smm_pipeline.extraction import extract
from smm_pipeline.reports import read_report
from smm_pipeline.settings import PROJECT_ROOT
from smm_pipeline_tests.corpus import SAMPLES, write_corpus

if TYPE_CHECKING:
    import dagster as dg

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
    mean, median, best = statistics.mean(times), statistics.median(times), min(times)
    print(f"extract: {', '.join(p.name for p in paths)} ({size / 1e3:.1f} KB)")
    print(f"  mean {mean * 1e3:.1f} ms  median {median * 1e3:.1f} ms  best {best * 1e3:.1f} ms  -> "
          f"{size / mean / 1e6:.2f} MB/s (mean), {size / median / 1e6:.2f} MB/s (median), "
          f"{size / best / 1e6:.2f} MB/s (best); {runs} runs after {warmup} warm-up, one core")


def bench_cold(runs: int = 15, warmup: int = 2) -> None:
    """A one-report command from a fresh process, as an analyst runs it."""
    import subprocess

    path = SEED if SEED.exists() else SAMPLES[0]
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "smm_pipeline.cli", "extract", str(path), "--csv", f"{folder}/facts.csv"]
        for _ in range(warmup):
            subprocess.run(command, check=True, capture_output=True)
        times = [_timed(lambda: subprocess.run(command, check=True, capture_output=True)) for _ in range(runs)]
        imported = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], check=True,
                                  capture_output=True, text=True).stderr
    heavy = sorted({name for name in ("pandas", "dagster", "duckdb", "pandera")
                    if f" {name}\n" in imported or f" {name}." in imported})
    print(f"cold extract: {path.name}: median {statistics.median(times) * 1e3:.0f} ms, best {min(times) * 1e3:.0f} ms "
          f"wall ({runs} processes after {warmup} warm-up); heavy imports on the path: {', '.join(heavy) or 'none'}")


def bench_phrasings() -> None:
    """The paraphrase suite: how many rewordings give exactly their facts."""
    from smm_pipeline_tests.phrasings import cases, expected, extracted

    suite = cases()
    exact = sum(extracted(case) == expected(case) for case in suite)
    print(f"phrasings: {exact} of {len(suite)} rewordings exact ({exact / len(suite):.1%}), "
          f"{len({c.kind for c in suite})} kinds")


def bench_mutation() -> None:
    """The mutation harness on the samples, the seed and dev2 (when ../shared is present): how many
    numeric rewrites and direction flips the rules flag."""
    from smm_pipeline_tests import mutation

    shared = PROJECT_ROOT.parent / "shared"
    groups = [("samples", SAMPLES)]
    if SEED.exists():
        groups += [("seed", [SEED]), ("dev2", sorted((shared / "eval" / "dev2" / "reports").glob("*.txt")))]
    for name, paths in groups:
        numeric, flips, previous = [], [], None
        for path in paths:
            text = path.read_text(encoding="utf-8")
            numeric += mutation.run(text, path.name, previous if name == "samples" else None)[0]
            flips += mutation.run_flips(text, path.name, previous if name == "samples" else None)
            previous = mutation.previous_facts(text, path.name)
        hit, flipped = sum(m.caught for m in numeric), sum(m.caught for m in flips)
        print(f"mutation {name}: numeric {hit} of {len(numeric)} flagged ({hit / max(len(numeric), 1):.1%}); "
              f"direction flips {flipped} of {len(flips)} ({flipped / max(len(flips), 1):.1%})")


def _fuzz_share(args: tuple[int, int, int]) -> object:
    from smm_pipeline_tests import fuzz

    count, worker, workers = args
    inputs = (item for n, item in enumerate(fuzz.generated(count)) if n % workers == worker)
    return fuzz.run(inputs)


def bench_fuzz(count: int = 10_000) -> None:
    """The fuzzing harness on `count` generated inputs (two processes) and a 10 MB single-line report."""
    from smm_pipeline_tests import fuzz

    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        shares = pool.map(_fuzz_share, [(count, worker, 2) for worker in range(2)])
    tally = fuzz.Tally()
    for share in shares:
        tally.add(share)
    big = fuzz.run(iter([fuzz.ten_megabyte_line()]))
    tally.add(big)
    print(f"fuzz: {tally.line()}; {time.perf_counter() - start:.0f} s wall")
    for line in (tally.tracebacks + tally.bad_exits)[:5]:
        print("  ", line[:300])


def _run_command(reports: Path) -> tuple[float, str]:
    """Wall time of `smm-pipeline run --reports DIR` as a user runs it: a fresh process, a fresh data
    folder (so a fresh warehouse), no DAGSTER_HOME (an ephemeral instance)."""
    import subprocess

    with tempfile.TemporaryDirectory(prefix="smm-bench-") as data:
        env = {key: value for key, value in os.environ.items() if key not in {"SMM_WAREHOUSE", "DAGSTER_HOME"}}
        started = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).with_name("smm-pipeline")), "run", "--reports", str(reports)],
                              env={**env, "SMM_DATA_DIR": data}, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    runs = next((line for line in done.stdout.splitlines() if line.startswith("runs:")), "no summary")
    return elapsed, runs if done.returncode == 0 else f"exit {done.returncode}: {done.stderr[-300:]}"


def bench_materialise() -> None:
    """Wall time of `smm-pipeline run` on the bundled samples, as a user runs it, fresh warehouse."""
    elapsed, what = _run_command(SAMPLES[0].parent)
    print(f"materialise samples ({len(SAMPLES)} reports): {elapsed:.1f} s wall ({what})")


def bench_scaling(sizes: tuple[int, ...] = (1, 12, 36, 120), rounds: int = 3) -> None:
    """Wall time of `smm-pipeline run` against the number of monthly reports, and its ratio to one month.

    One run of a size swings by a second or two on this VM, which moves a ratio by 0.1-0.2, so each size runs
    `rounds` times, the sizes taking turns (a slow spell of the machine falls on all of them), and the ratio
    is of the medians; each round's own ratio is printed too."""
    print(f"scaling (`smm-pipeline run --reports DIR`, a fresh process and warehouse each; generated corpus; "
          f"{rounds} rounds, sizes in turn):")
    times: dict[int, list[float]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory(prefix="smm-corpus-") as folder:
        corpora = {size: write_corpus(Path(folder) / str(size), size)[0].parent for size in sizes}
        for round_number in range(1, rounds + 1):
            for size in sizes:
                elapsed, what = _run_command(corpora[size])
                times[size].append(elapsed)
                ratio = elapsed / times[sizes[0]][-1]
                print(f"  round {round_number}: {size:>4} reports {elapsed:6.1f} s {ratio:5.2f} x  {what}", flush=True)
    one = statistics.median(times[sizes[0]])
    print(f"  {'reports':>7} {'median s':>8} {'range s':>11} {'x 1 month (medians)':>20}")
    for size in sizes:
        low, high = min(times[size]), max(times[size])
        print(f"  {size:>7} {statistics.median(times[size]):>8.1f} {low:>5.1f}-{high:<5.1f} "
              f"{statistics.median(times[size]) / one:>20.2f}")


SOAK_QUERY = "select count(distinct report_month), count(*) from {table}"


def soak_reader(serving: str, stop: multiprocessing.synchronize.Event, results: multiprocessing.Queue) -> None:
    """A SQL consumer in its own process: query the serving copy (a few queries per connection, so
    publications happen while it is open) and the marts' Parquet until told to stop. A query that fails,
    or sees fewer months or rows than an earlier one, is counted."""
    import duckdb

    database, parquet = Path(serving) / "smm.duckdb", Path(serving) / "marts" / "fct_metric_facts.parquet"
    served = {"queries": 0, "errors": 0, "went_back": 0, "first_error": ""}
    seen = {"metric_facts": (0, 0), "parquet": (0, 0)}

    def record(kind: str, counts: tuple[int, int]) -> None:
        served["queries"] += 1
        served["went_back"] += counts[0] < seen[kind][0] or counts[1] < seen[kind][1]
        seen[kind] = max(seen[kind], counts)

    while not stop.is_set():
        if not database.exists():
            time.sleep(0.02)
            continue
        try:
            with duckdb.connect(str(database), read_only=True) as con:
                for _ in range(3):
                    record("metric_facts", con.execute(SOAK_QUERY.format(table="metric_facts")).fetchone())
                    time.sleep(0.01)
            with duckdb.connect() as con:
                record("parquet", con.execute(SOAK_QUERY.format(table=f"read_parquet('{parquet}')")).fetchone())
        except duckdb.Error as err:
            served["errors"] += 1
            served["first_error"] = served["first_error"] or str(err)[:300]
    results.put(served)


def _rows_per_month(database: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return dict(con.execute("select report_month, count(*) from metric_facts group by 1").fetchall())


def bench_soak(count: int = 36) -> None:
    """Reports dropped one by one through the sensor path while another process reads the serving copy."""
    import dagster as dg

    from smm_pipeline_tests.drop_harness import DropHarness

    spawn = multiprocessing.get_context("spawn")
    stop, results = spawn.Event(), spawn.Queue()
    with tempfile.TemporaryDirectory(prefix="smm-soak-") as folder, dg.instance_for_test() as instance:
        corpus = write_corpus(Path(folder) / "corpus", count)
        harness = DropHarness(Path(folder) / "data", instance)
        reader = spawn.Process(target=soak_reader, args=(str(harness.paths.serving), stop, results))
        reader.start()
        started = time.perf_counter()
        after_own_run: dict[str, int] = {}
        runs = succeeded = 0
        for path in corpus:
            for result in harness.deliver(path.name, path.read_bytes()):
                runs, succeeded = runs + 1, succeeded + result.success
            month = path.name.split("_")[1]
            after_own_run[month] = _rows_per_month(harness.paths.serving / "smm.duckdb").get(month, 0)
        elapsed = time.perf_counter() - started
        stop.set()
        try:
            served = results.get(timeout=120)
        except queue.Empty:
            served = {"queries": 0, "errors": 1, "went_back": 0, "first_error": "the reader did not report"}
        reader.join(timeout=30)
        final = _rows_per_month(harness.paths.serving / "smm.duckdb")
    lost = sum(max(0, rows - final.get(month, 0)) for month, rows in after_own_run.items())
    missing = [month for month, rows in after_own_run.items() if rows == 0 or month not in final]
    print(f"soak: {count} monthly reports dropped one after another through the sensor path, "
          f"{elapsed:.0f} s ({elapsed / count:.1f} s per report)")
    print(f"  runs: {succeeded} of {runs} succeeded; months in the serving copy: {len(final)} of {count}"
          f"{' (missing: ' + ', '.join(missing) + ')' if missing else ''}")
    print(f"  reader (separate process, serving copy + Parquet): {served['queries']} queries served, "
          f"{served['errors']} errors, {served['went_back']} saw fewer rows than before")
    if served["first_error"]:
        print(f"  first reader error: {served['first_error']}")
    print(f"  rows lost: {lost} (metric_facts rows each month had after its own run, missing at the end)")


def _published_months(serving: Path) -> list[str]:
    import json

    try:
        return json.loads((serving / "published.json").read_text(encoding="utf-8"))["report_months"]
    except (OSError, ValueError, KeyError):
        return []


def _sensor_ticked(instance: dg.DagsterInstance) -> bool:
    from dagster._core.scheduler.instigation import InstigatorType

    return any(instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
               for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR))


def _run_phases(instance: dg.DagsterInstance, month: str, written: float) -> tuple[float, float, float]:
    """Seconds from the file's last write to its run's creation (settling, sensor tick), from creation to
    start (queue, launch), and of its dbt step. The run's own end is not read: the serving copy is
    published before the run's end is recorded, so the rest of the latency is the run up to publishing."""
    import dagster as dg

    record = instance.get_run_records(filters=dg.RunsFilter(tags={"smm/report_month": month}), limit=1)[0]
    created = record.create_timestamp.timestamp()
    dbt = next((step.end_time - step.start_time for step in instance.get_run_step_stats(record.dagster_run.run_id)
                if step.step_key == "smm_dbt_models" and step.end_time and step.start_time), float("nan"))
    return created - written, (record.start_time or created) - created, dbt


def bench_drop(drops: int = 5, catch_up: int = 24, timeout: float = 300) -> None:
    """Drop to serving copy with the daemon and run launcher exactly as `make dev` starts them.

    A fresh DAGSTER_HOME (the repository's dagster.yaml) and data folder; `dagster dev` started as the
    Makefile starts it; once the sensor has ticked, generated monthly reports are written into
    data/drop/ one at a time, each timed from its last write (mtime) to its month appearing in
    data/serving/published.json. Each run's phases come from the instance: sensor + queue (file written
    -> run created -> run started), the run itself, and its dbt step. Then a catch-up: `catch_up` more
    months written at once, timed until the last is published, with the number of runs they took."""
    import shutil
    import signal
    import socket
    import subprocess

    import dagster as dg

    with tempfile.TemporaryDirectory(prefix="smm-drop-") as folder:
        home, data = Path(folder) / "dagster_home", Path(folder) / "data"
        home.mkdir()
        shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
        env = {**os.environ, "DAGSTER_HOME": str(home), "SMM_DATA_DIR": str(data)}
        env.pop("SMM_WAREHOUSE", None)
        corpus = write_corpus(Path(folder) / "corpus", drops + catch_up, first_month="2015-01")
        tools = Path(sys.executable).parent
        subprocess.run([tools / "dagster", "instance", "concurrency", "set", "duckdb_warehouse", "1"], env=env,
                       check=True, capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = (Path(folder) / "dagster-dev.log").open("wb")
        server = subprocess.Popen([tools / "dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p",
                                   str(port)], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
                                  start_new_session=True)
        rows = []
        try:
            instance = dg.DagsterInstance.from_config(str(home))
            started = time.monotonic()
            while not _sensor_ticked(instance):  # the daemon and the code server are up
                if time.monotonic() - started > timeout or server.poll() is not None:
                    raise RuntimeError(f"the sensor never ticked; see {log.name}")
                time.sleep(0.5)
            (data / "drop").mkdir(parents=True)
            for path in corpus[:drops]:
                month = path.name.split("_")[1]
                target = data / "drop" / path.name
                target.write_bytes(path.read_bytes())
                written = target.stat().st_mtime
                while month not in _published_months(data / "serving"):
                    if time.time() - written > timeout:
                        raise RuntimeError(f"{month} never reached the serving copy; see {log.name}")
                    time.sleep(0.1)
                latency = time.time() - written
                rows.append((month, latency, *_run_phases(instance, month, written)))
            before = len(instance.get_run_records())
            for path in corpus[drops:]:
                (data / "drop" / path.name).write_bytes(path.read_bytes())
            written, last = time.time(), corpus[-1].name.split("_")[1]
            while last not in _published_months(data / "serving"):
                if time.time() - written > timeout:
                    raise RuntimeError(f"the catch-up never reached the serving copy; see {log.name}")
                time.sleep(0.2)
            caught_up, runs = time.time() - written, len(instance.get_run_records()) - before
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
            log.close()
    print(f"drop to serving copy, daemon as `make dev` starts it ({drops} drops, one at a time):")
    print(f"  {'month':>7} {'total s':>8} {'to run':>7} {'queued':>7} {'run':>6} {'of it dbt':>9}")
    for month, latency, to_run, queued, dbt in rows:
        print(f"  {month:>7} {latency:>8.1f} {to_run:>7.1f} {queued:>7.1f} {latency - to_run - queued:>6.1f} "
              f"{dbt:>9.1f}")
    print(f"  median {statistics.median(r[1] for r in rows):.1f} s (max {max(r[1] for r in rows):.1f} s); "
          f"dbt step median {statistics.median(r[4] for r in rows):.1f} s")
    print(f"catch-up: {catch_up} reports written at once: all in the serving copy after {caught_up:.1f} s, "
          f"in {runs} run{'s' * (runs != 1)}")


def bench_brief(runs: int = 10, warmup: int = 2) -> None:
    """Build time, size and browser render time of the brief for a month of every product."""
    from smm_pipeline import brief
    from smm_pipeline_tests.brief_support import (
        chromium,
        chromium_missing,
        generated_inputs,
        inputs_from_reports,
        render_figures,
    )

    cases = [("seed 2025-07", lambda: inputs_from_reports([SEED], "2025-07"))] if SEED.exists() else []
    cases.append(("generated, 24 months", generated_inputs))
    with tempfile.TemporaryDirectory(prefix="smm-bench-brief-") as folder:
        pages = []
        for name, make in cases:
            inputs = make()
            build = min(_timed(lambda inputs=inputs: brief.build(inputs)) for _ in range(5))
            page = brief.build(inputs)
            path = brief.write(page, Path(folder) / str(len(pages)))
            pages.append((name, path))
            print(f"brief {name}: {page.products} products, {path.stat().st_size / 1024:.0f} KB, "
                  f"build {build * 1e3:.0f} ms (best of 5)")
        if chromium_missing():
            print(f"  render: skipped, {chromium_missing()}")
            return
        with chromium() as browser:
            for name, path in pages:
                print(f"  render {name}: {render_figures(browser, path, runs, warmup).line()}")


BENCHES = {"extract": bench_extract, "cold": bench_cold, "phrasings": bench_phrasings, "mutation": bench_mutation,
           "fuzz": bench_fuzz,
           "materialise": bench_materialise, "scaling": bench_scaling,
           "soak": bench_soak, "drop": bench_drop, "brief": bench_brief}


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default)."""
    for name in argv or list(BENCHES):
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
