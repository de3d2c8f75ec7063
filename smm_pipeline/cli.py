"""`smm-pipeline`: run the pipeline on a folder of reports, or extract one report's facts.

    smm-pipeline run [--reports DIR]          archive DIR's reports, materialise everything, print a summary
    smm-pipeline extract REPORT --csv OUT     one report's metric facts, FACTS.md columns first
    smm-pipeline extract REPORT --unparsed    number-bearing sentences that produced no fact
    smm-pipeline extract REPORT --explain LINE
                                              how one line was read: tokens, tags, chunks, frames, figures
    smm-pipeline check REPORT [--csv OUT] [--previous REPORT] [--facts FACTS.csv]
                                              where the report contradicts itself (and the previous one);
                                              --facts judges given facts (a gold file) instead of extracted
    smm-pipeline brief YYYY-MM [--open]       build the month's brief page from the warehouse (and open it)

Bad input never ends in a traceback: a report that cannot be read prints `error: FILE[:LINE]: why`
and the command exits with status 2; reports loaded before stay in the warehouse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from smm_pipeline.facts import FactsFileError
from smm_pipeline.reports import ReportError, read_report
from smm_pipeline.settings import paths


def _extract(args: argparse.Namespace) -> int:
    """The fast path: no pandas and no Dagster are imported here (an analyst runs it on one report)."""
    from smm_pipeline.extraction import extract
    from smm_pipeline.facts import write_csv

    report = read_report(args.report)
    if args.explain:
        from smm_pipeline.explain import explain

        for number in args.explain:
            shown = explain(report, number)
            print("\n".join(shown) if shown else f"line {number}: not in a product section")
        return 0
    extraction = extract(report)
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        write_csv(extraction.facts, args.csv)
    for finding in extraction.findings:
        print(f"{finding.severity}: {args.report}:{finding.line}: {finding.message}", file=sys.stderr)
    if args.unparsed:
        for item in extraction.unparsed:
            print(f"{item.line}\t{item.product}\t{item.value_text}\t{item.reason}\t{item.sentence}")
    headline = sum(1 for fact in extraction.facts if fact.tier == 1)
    print(f"{extraction.report.report_month}: {len(extraction.facts)} facts ({headline} headline) from "
          f"{sum(1 for s in extraction.sections if s.product)} sections; {len(extraction.unparsed)} unparsed",
          file=sys.stderr)
    return 0


CHECK_COLUMNS = ["report_month", "product", "rule", "severity", "message", "line", "lines"]


def _check(args: argparse.Namespace) -> int:
    from smm_pipeline.consistency import check_report, findings_frame
    from smm_pipeline.extraction import extract
    from smm_pipeline.facts import facts_frame, read_csv

    previous = None
    if args.previous:
        earlier = extract(read_report(args.previous))
        previous = facts_frame(earlier.facts).assign(sha256=earlier.report.sha256)
    extraction = extract(read_report(args.report))
    given = None
    if args.facts:
        given = read_csv(args.facts, extraction.report.report_month)
        if not given:
            raise FactsFileError(args.facts, f"no facts of report month {extraction.report.report_month}")
    findings = findings_frame(check_report(extraction, extraction.report.sha256, previous, given=given).findings)
    findings = findings.sort_values(["line", "product", "rule"], kind="stable")
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        findings[CHECK_COLUMNS].to_csv(args.csv, index=False)
    for row in findings.itertuples(index=False):
        if row.severity != "info" or args.all:
            product = row.product if isinstance(row.product, str) and row.product else "-"  # a heading's: none
            print(f"{row.severity:<7} {row.line:>4} {product:<24} {row.rule:<18} {row.message}")
    counts = findings["severity"].value_counts()
    print(f"{extraction.report.report_month}: {counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, "
          f"{counts.get('info', 0)} info", file=sys.stderr)
    return 0


def _brief(args: argparse.Namespace) -> int:
    import webbrowser

    from smm_pipeline.brief import BriefError, build_from_warehouse

    where = paths()
    try:
        page, path = build_from_warehouse(where.warehouse, args.month, where.briefs)
    except BriefError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(path)
    print(f"{page.products} products, {page.sentences} sentences cited, {page.findings['error']} errors, "
          f"{page.findings['warning']} warnings, {len(page.html.encode('utf-8')) / 1024:.0f} KB", file=sys.stderr)
    if args.open:
        webbrowser.open(path.as_uri())
    return 0


def _run(args: argparse.Namespace) -> int:
    from smm_pipeline.defs.runner import run_pipeline

    reports = Path(args.reports) if args.reports else paths().samples
    where = paths()
    log = where.logs / f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    terminal = sys.stdout
    summary = run_pipeline(reports, progress=lambda line: print(line, file=terminal, flush=True), log=log)
    print(summary.render())
    return 0 if summary.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="smm-pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialise every asset from a folder of reports")
    run.add_argument("--reports", help="folder of report files (default: data/samples)")
    run.add_argument("--warehouse", help="DuckDB file (default: SMM_WAREHOUSE or data/warehouse.duckdb)")
    run.set_defaults(handler=_run)
    extract = commands.add_parser("extract", help="one report's metric facts")
    extract.add_argument("report")
    extract.add_argument("--csv", help="write the facts to this CSV")
    extract.add_argument("--unparsed", action="store_true", help="list number-bearing sentences left unread")
    extract.add_argument("--explain", type=int, action="append", metavar="LINE",
                         help="show how LINE was read: tokens, tags, chunks, frames, figures (repeatable)")
    extract.set_defaults(handler=_extract)
    check = commands.add_parser("check", help="one report's data-quality findings")
    check.add_argument("report")
    check.add_argument("--csv", help="write the findings to this CSV")
    check.add_argument("--previous", help="the previous month's report, for the rules across months")
    check.add_argument("--all", action="store_true", help="print info findings too")
    check.add_argument("--facts", help="judge the facts of this CSV (FACTS.md columns and line) instead of extracting")
    check.set_defaults(handler=_check)
    brief = commands.add_parser("brief", help="the month's brief page (data/briefs/YYYY-MM.html)")
    brief.add_argument("month", help="report month, YYYY-MM")
    brief.add_argument("--open", action="store_true", help="open the page in the default browser")
    brief.add_argument("--warehouse", help="DuckDB file (default: SMM_WAREHOUSE or data/warehouse.duckdb)")
    brief.set_defaults(handler=_brief)
    args = parser.parse_args(argv)
    if getattr(args, "warehouse", None):
        os.environ["SMM_WAREHOUSE"] = str(Path(args.warehouse).resolve())
    try:
        return args.handler(args)
    except (ReportError, FactsFileError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
