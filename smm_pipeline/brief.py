"""The monthly brief: one self-contained HTML page per report month, for people who do not write SQL.

An analyst reads the monthly report to answer three questions: what moved, what is expected next, and
can I trust it. The brief answers them on one page, in this order: a few lines at a glance; a table of
every product (level, MoM and YoY, this report's forecast for next month, the previous report's forecast
for this month and the miss, a marker where a finding applies); charts over the two years to the
report month (the chain-linked production index per product group, the diffusion index, forecast
errors); the month's
findings with the rule that raised them; and the evidence, the sentences every stated number came from.

It reads only what the pipeline published: the monthly panel, the derived indicators, the month's
data-quality findings, and metric_facts of this month and the previous one for the sentences. A stated
number links to its sentence; a computed one (an implied level, a miss, an index value) says in its
tooltip how it was computed. The page needs no network: charts are inline SVG, style and script are
inline and allowed by hash in a Content-Security-Policy, so even report text that slipped through
unescaped could not run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from html import escape, unescape
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from smm_pipeline import catalogue, charts, consistency, warehouse
from smm_pipeline.citations import Citations, FactKey
from smm_pipeline.indicators import FLAT_BAND_PCT
from smm_pipeline.parallel import Batch, cores, map_each, start_each
from smm_pipeline.periods import shift_month
from smm_pipeline.rows import Record, records

SERIOUS = ("error", "warning")
HEADLINE_SEGMENTS = ("", "content:metal")
"""The product's national figure; metal content where a product is reported only as content (NPI)."""
ORIGINALS = "../archive/originals"
"""Where a brief in data/briefs/ finds the archived report files."""
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
QUALIFIER_MARK = {"approx": "~", "over": ">", "under": "<"}
DIRECTION = {1.0: "▲ up", 0.0: "► flat", -1.0: "▼ down"}
CHART_MONTHS = 24
"""How many months the charts show, ending at the report month. A page shows no month after its own (a
page built in a backfill looks as it did when its month was the latest), and its size and build time do
not grow with the years loaded."""


class BriefError(ValueError):
    """The warehouse cannot give a brief for this month (no such month, tables missing)."""


@dataclass(frozen=True, slots=True)
class BriefInputs:
    """What the brief reads: the panel and indicators of the months it shows, the month's findings, and the
    facts of this month and the previous one (every vintage) for the sentences behind the numbers."""

    month: str
    panel: pd.DataFrame
    """The panel (at least the month and the next, whose forecast the month's report made)."""
    indicators: pd.DataFrame
    """The indicators (at least the CHART_MONTHS months to the report month)."""
    findings: pd.DataFrame
    facts: pd.DataFrame


@dataclass(frozen=True, slots=True)
class BriefTables:
    """What the pages of several months read, each table read once for all of them: a backfill of 120
    months is 4 queries, not 480. `parts` cuts it into runs of months with only the rows their pages show,
    so that a worker gets each indicator row once, not once for each of the 24 pages that chart it."""

    months: tuple[str, ...]
    """The report months, in order."""
    panel: pd.DataFrame
    """Sorted by month (`_by_month`), so that a page's months are a slice."""
    indicators: pd.DataFrame
    """Sorted by month, as the panel."""
    findings: pd.DataFrame
    facts: pd.DataFrame
    """Of each month and the month before it (every vintage)."""

    @classmethod
    def of(cls, months: Sequence[str], panel: pd.DataFrame, indicators: pd.DataFrame, findings: pd.DataFrame,
           facts: pd.DataFrame) -> BriefTables:
        """The tables of `months` as read, in any order."""
        return cls(months=tuple(sorted(set(months))), panel=_by_month(panel), indicators=_by_month(indicators),
                   findings=findings, facts=facts)

    def inputs(self) -> list[BriefInputs]:
        """Each month's page inputs, cut from these tables."""
        facts_by_month = dict(tuple(self.facts.groupby("report_month")))
        findings_by_month = dict(tuple(self.findings.groupby("report_month")))
        return [BriefInputs(month=month, panel=self.panel, indicators=self.indicators,
                            findings=findings_by_month.get(month, self.findings.iloc[:0]).reset_index(drop=True),
                            facts=self._facts_of(facts_by_month, month)) for month in self.months]

    def _facts_of(self, facts_by_month: dict[str, pd.DataFrame], month: str) -> pd.DataFrame:
        """The facts of the month and the month before (none: `build` says no figure was read)."""
        both = [facts_by_month[m] for m in (shift_month(month, -1), month) if m in facts_by_month]
        return pd.concat(both, ignore_index=True, sort=False) if both else self.facts.iloc[:0]

    def parts(self, count: int) -> list[BriefTables]:
        """At most `count` runs of consecutive months, each with the rows its pages read."""
        size = -(-len(self.months) // max(1, count))
        return [self._part(self.months[start:start + size]) for start in range(0, len(self.months), size)]

    def _part(self, months: tuple[str, ...]) -> BriefTables:
        first, last = months[0], months[-1]
        report_months = {*months, *(shift_month(month, -1) for month in months)}
        return BriefTables(
            months=months, panel=_window(self.panel, first, shift_month(last, 1)),
            indicators=_window(self.indicators, shift_month(first, 1 - CHART_MONTHS), last),
            findings=self.findings[self.findings["report_month"].isin(months)],
            facts=self.facts[self.facts["report_month"].isin(report_months)])


def tables_for(con: duckdb.DuckDBPyConnection, months: Sequence[str], warehouse_path: str) -> BriefTables:
    """The tables the pages of `months` read (the Dagster asset's connection comes from its DuckDBResource);
    BriefError says what is missing."""
    for month in months:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise BriefError(f"{month!r} is not a report month: write it as YYYY-MM, e.g. 2025-07")
    wanted = sorted(set(months) | {shift_month(month, -1) for month in months})
    frames = {
        "monthly_panel": warehouse.read_table(con, "monthly_panel"),
        "derived_indicators": warehouse.read_table(con, "derived_indicators"),
        "data_quality_findings": warehouse.read_table(con, "data_quality_findings", list(months)),
        "metric_facts": warehouse.read_table(con, "metric_facts", wanted),
    }
    missing = [name for name, frame in frames.items() if frame is None]
    if missing:
        raise BriefError(f"the warehouse {warehouse_path} has no {', '.join(missing)}: run the pipeline first")
    facts = frames["metric_facts"]
    if not set(months) <= set(facts["report_month"]):  # a report with no figure read
        loaded = warehouse.read_table(con, "raw_reports")               # is `build`'s to say
        known = sorted(set(loaded["report_month"])) if loaded is not None else []
        unreported = [month for month in months if month not in known]
        if unreported:
            raise BriefError(f"no report for {', '.join(unreported)} in the warehouse {warehouse_path} "
                             f"(months loaded: {', '.join(known) or 'none'})")
    return BriefTables.of(months, frames["monthly_panel"], frames["derived_indicators"],
                          frames["data_quality_findings"], facts)


def _by_month(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame sorted by month as text, so that a page's months are one slice of it (as it is when the
    month column is already text in order: the warehouse's tables are sorted once for all pages)."""
    months = frame["month"]
    if pd.api.types.is_object_dtype(months) and months.is_monotonic_increasing:
        return frame
    return frame.assign(month=months.astype(str)).sort_values("month", kind="stable", ignore_index=True)


def _window(frame: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """The rows of a month-sorted frame from month `first` to `last`: a slice, not a mask over all months
    (a backfill makes a page per month, and each would otherwise scan every month)."""
    months = frame["month"].to_numpy()
    return frame.iloc[months.searchsorted(first, "left"):months.searchsorted(last, "right")]


# --- figures and rows ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Figure:
    """One number in the table: stated (it has the fact's key) or computed (it has a note saying how)."""

    value: float
    kind: str
    """level, pct, abs, pp, dir or hit: how it is written."""
    unit: str = ""
    key: FactKey | None = None
    note: str = ""
    high: float | None = None
    qualifier: str = "exact"


@dataclass(frozen=True, slots=True)
class Row:
    """One product (or, without a national figure, one of its segments) in the headline table."""

    product: str
    segment: str
    group: str
    name: str
    cells: dict[str, tuple[Figure, ...]]
    flag: tuple[str, str, int] | None = None
    """(worst severity, anchor of the first finding, number of findings) of warning/error findings."""

    @property
    def anchor(self) -> str:
        """The row's id, so charts and findings can link to it."""
        return row_anchor(self.product, self.segment)

    def first(self, column: str) -> Figure | None:
        """The column's leading figure (what the column sorts by)."""
        figures = self.cells.get(column, ())
        return figures[0] if figures else None


def row_anchor(product: str, segment: str) -> str:
    """'p-npi-content-metal' for NPI's metal content."""
    return "p-" + re.sub(r"[^a-z0-9]+", "-", f"{product} {segment}".lower()).strip("-")


def _number(value: float, decimals: int = 2, signed: bool = False) -> str:
    """Thousands separators, at most `decimals` decimals, trailing zeros dropped."""
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"+0", "-0"} else text


def shown(figure: Figure) -> str:
    """A figure as the table writes it: '1,128,000', '+2.85%', '+31,200', '+0.66 pp', '▲ up'."""
    if figure.kind == "dir":
        return DIRECTION.get(figure.value, "?")
    if figure.kind == "hit":
        return "✓ direction" if figure.value else "✗ direction"
    mark = QUALIFIER_MARK.get(figure.qualifier, "")
    if figure.kind == "level":
        decimals = 0 if abs(figure.value) >= 1000 else 2
        text = _number(figure.value, decimals)
        return f"{mark}{text}–{_number(figure.high, decimals)}" if figure.high is not None else mark + text
    if figure.kind == "pct":
        return f"{mark}{_number(figure.value, signed=True)}%"
    if figure.kind == "pp":
        return f"{mark}{_number(figure.value, signed=True)} pp"
    return mark + _number(figure.value, signed=True)


def _by_subject(rows: Iterable[Record]) -> dict[tuple[str, str], Record]:
    """The rows by (product, segment)."""
    return {(str(r["product"]), str(r["segment"])): r for r in rows}


def _is(value: object, text: str) -> bool:
    """Whether a cell holds this text (a missing cell, NA or None, holds none)."""
    return isinstance(value, str) and value == text


def _value(row: Record | None, column: str) -> float | None:
    if row is None:
        return None
    value = row.get(column)
    return None if value is None or pd.isna(value) else float(value)


def _stated(cite: Citations, row: Record | None, prefix: str, measure: str, kind: str,
            source: str) -> Figure | None:
    """The panel's figure `prefix + measure` with the fact that stated it (`source`: actual or forecast)."""
    value = _value(row, prefix + measure)
    if value is None or row is None:
        return None
    key = (str(row[f"{source}_sha256"]), str(row["product"]), str(row["segment"]), "production", str(row["month"]),
           measure)
    fact = cite.get(key)
    high = _value(row, prefix + "level_high") if measure == "level" else None
    return Figure(value=value, kind=kind, unit=str(row["unit"]), key=key, high=high,
                  qualifier=fact.qualifier if fact else "exact")


def _one(figure: Figure | None) -> tuple[Figure, ...]:
    return (figure,) if figure else ()


def _change(cite: Citations, row: Record | None, prefix: str, basis: str, source: str) -> tuple[Figure, ...]:
    """A relative change, or its direction where the report gives no number."""
    return _one(_stated(cite, row, prefix, f"{basis}_pct", "pct", source) or _stated(
        cite, row, prefix, f"{basis}_dir", "dir", source))


def _forecast(cite: Citations, row: Record | None) -> tuple[Figure, ...]:
    """A forecast: its change (or direction) first, then its level when stated."""
    return (*_change(cite, row, "forecast_", "mom", "forecast"),
            *_one(_stated(cite, row, "forecast_", "level", "level", "forecast")))


def _miss(error: Record | None, miss_pp: Record | None, hit: Record | None) -> tuple[Figure, ...]:
    """The forecast miss: in level %, else in MoM percentage points, else whether the direction held."""
    if error is not None:
        return (Figure(float(error["value"]), "pct", "%", note=f"forecast error: {error['method']}"),)
    if miss_pp is not None:
        return (Figure(float(miss_pp["value"]), "pp", "pp", note=f"MoM miss: {miss_pp['method']}"),)
    if hit is not None:
        return (Figure(float(hit["value"]), "hit", note=f"direction: {hit['method']}"),)
    return ()


def headline_segments(segments: set[str]) -> list[str]:
    """The rows a product gets: its national figure, else metal content, else every segment it has."""
    for segment in HEADLINE_SEGMENTS:
        if segment in segments:
            return [segment]
    return sorted(segments) or [""]


def display_name(product: str, segment: str) -> str:
    """'NPI · metal content' for ('npi', 'content:metal')."""
    heading = catalogue.get(product).heading
    if not segment:
        return heading
    axis, _, value = segment.partition(":")
    return f"{heading} · {value.replace('_', ' ')} {axis if axis == 'content' else ''}".rstrip()


def headline_rows(inputs: BriefInputs, cite: Citations, flags: dict[str, tuple[str, str, int]]) -> list[Row]:
    """One row per product the month's panel or report has, in catalogue order."""
    month, ahead = inputs.month, shift_month(inputs.month, 1)
    panel = list(records(inputs.panel))  # rows as dicts once: a mask per lookup costs more than the page's rows
    this = _by_subject(r for r in panel if r["month"] == month)
    nxt = _by_subject(r for r in panel if r["month"] == ahead and _is(r["forecast_report_month"], month))
    reported = {str(p) for p, m in zip(inputs.facts["product"], inputs.facts["report_month"], strict=True)
                if m == month}
    segments: dict[str, set[str]] = {product: set() for product in reported}
    for product, segment in [*this, *nxt]:
        segments.setdefault(product, set()).add(segment)
    month_indicators = list(records(inputs.indicators[inputs.indicators["month"] == month]))
    implied, errors, misses, hits = (_by_subject(r for r in month_indicators if r["indicator"] == name) for name in (
        "implied_level", "forecast_error_pct", "forecast_mom_pct_miss", "forecast_direction_hit"))
    order = {p.product: i for i, p in enumerate(catalogue.products())}
    rows = []
    for product in sorted(segments, key=lambda p: order.get(p, len(order))):
        for segment in headline_segments({s for s in segments[product] if not s.startswith("sample:")}):
            actual, ahead_row = this.get((product, segment)), nxt.get((product, segment))
            level = _stated(cite, actual, "", "level", "level", "actual")
            if level is None and (product, segment) in implied:
                estimate = implied[(product, segment)]
                level = Figure(float(estimate["value"]), "level", str(estimate["unit"]),
                               note=f"implied level, not stated: {estimate['method']}", qualifier="approx")
            cells = {
                "level": _one(level),
                "mom_pct": _change(cite, actual, "", "mom", "actual"),
                "mom_abs": _one(_stated(cite, actual, "", "mom_abs", "abs", "actual")),
                "yoy_pct": _change(cite, actual, "", "yoy", "actual"),
                "yoy_abs": _one(_stated(cite, actual, "", "yoy_abs", "abs", "actual")),
                "next": _forecast(cite, ahead_row),
                "expected": _forecast(cite, actual),
                "miss": _miss(errors.get((product, segment)), misses.get((product, segment)),
                              hits.get((product, segment))),
            }
            rows.append(Row(product=product, segment=segment, group=catalogue.get(product).group,
                            name=display_name(product, segment), cells=cells, flag=flags.get(product)))
    return rows


# --- the table -----------------------------------------------------------------------------------------

COLUMNS = (
    ("level", "Production", "the month's production level; ~ marks a level implied by the stated change"),
    ("mom_pct", "MoM %", "change against the previous month, in %"),
    ("mom_abs", "MoM", "change against the previous month, in the level's unit"),
    ("yoy_pct", "YoY %", "change against the same month a year earlier, in %"),
    ("yoy_abs", "YoY", "change against the same month a year earlier, in the level's unit"),
    ("next", "Forecast next month", "this report's forecast for next month: MoM change, then level"),
    ("expected", "Forecast for this month", "what the previous report forecast for this month"),
    ("miss", "Miss", "actual against the previous report's forecast: level error in %, else MoM miss in pp"),
)


def _figure_html(figure: Figure, cite: Citations) -> str:
    text = shown(figure)
    unit = f' <span class="u">{escape(figure.unit)}</span>' if figure.kind in {"level", "abs"} and figure.unit else ""
    css = {"dir": " dir", "hit": " dir"}.get(figure.kind, "")
    signed = figure.kind in {"pct", "abs", "dir"} and figure.key is not None
    sign = (" up" if figure.value > 0 else " down" if figure.value < 0 else "") if signed else ""
    if figure.key is not None and cite.get(figure.key) is not None:
        return f'<span class="fig{css}{sign}">{cite.link(figure.key, text)}{unit}</span>'
    return f'<span class="fig calc{css}{sign}" title="{escape(figure.note)}">{escape(text)}</span>{unit}'


def _cell(row: Row, column: str, cite: Citations) -> str:
    figures = row.cells.get(column, ())
    lead = row.first(column)
    sort = "" if lead is None else f"{lead.value:.6g}"
    body = "<br>".join(_figure_html(f, cite) for f in figures) or '<span class="none">–</span>'
    return f'<td class="num" data-v="{sort}">{body}</td>'


def headline_table(rows: Sequence[Row], cite: Citations) -> str:
    """The sortable table, one tbody per product group (the script can also sort across groups)."""
    head = "".join(f'<th scope="col" class="num" title="{escape(tip)}"><button type="button">{escape(label)}'
                   f"</button></th>" for _, label, tip in COLUMNS)
    header = (f'<thead><tr><th scope="col"><button type="button">Product</button></th>{head}'
              '<th scope="col" title="warning or error findings about this product">Findings</th></tr></thead>')
    bodies = []
    for group in dict.fromkeys(r.group for r in rows):
        members = [r for r in rows if r.group == group]
        lines = [f'<tr class="gh"><th colspan="{len(COLUMNS) + 2}" scope="rowgroup">{escape(_title(group))} '
                 f'<span class="muted">{len(members)}</span></th></tr>']
        for row in members:
            flag = ""
            if row.flag:
                severity, anchor, count = row.flag
                label = f"{count} finding" + ("s" if count > 1 else "")
                flag = f'<a class="flag {severity}" href="#{anchor}" title="worst: {severity}">{label}</a>'
            cells = "".join(_cell(row, column, cite) for column, _, _ in COLUMNS)
            lines.append(f'<tr class="p" id="{row.anchor}" data-g="{escape(row.group)}">'
                         f'<th scope="row" data-v="{escape(row.name)}">{escape(row.name)}'
                         f'<span class="grp"> · {escape(_title(row.group))}</span></th>'
                         f'{cells}<td data-v="{_severity_rank(row.flag)}">{flag}</td></tr>')
        bodies.append(f'<tbody class="group" data-g="{escape(group)}">{"".join(lines)}</tbody>')
    return (f'<table id="headline" class="headline">{header}{"".join(bodies)}'
            '<tbody class="flat" hidden></tbody></table>')


def _severity_rank(flag: tuple[str, str, int] | None) -> str:
    return "" if flag is None else str(SERIOUS[::-1].index(flag[0]) + 1)


def _title(group: str) -> str:
    return group.replace("_", " ").capitalize()


# --- findings ------------------------------------------------------------------------------------------

def rule_explanations() -> dict[str, str]:
    """Each rule's plain-language explanation, from the consistency rulebook."""
    return {rule.name: rule.explanation for rule in consistency.RULEBOOK}


@dataclass(frozen=True, slots=True)
class Finding:
    """A data_quality_findings row with the facts it names, resolved to loaded facts."""

    anchor: str
    product: str | None
    rule: str
    severity: str
    message: str
    lines: str
    sha256: str
    facts: tuple[FactKey, ...] = ()


def _refs(text: str) -> list[tuple[tuple[str, str, str, str, str], float]]:
    """The `facts` column: 'product|segment|metric|period|measure=value; ...'."""
    refs = []
    for ref in filter(None, (r.strip() for r in (text or "").split(";"))):
        subject, _, value = ref.rpartition("=")
        parts = subject.split("|")
        if len(parts) == 5:
            try:
                refs.append(((parts[0], parts[1], parts[2], parts[3], parts[4]), float(value)))
            except ValueError:
                continue
    return refs


def findings_of(inputs: BriefInputs, cite: Citations) -> list[Finding]:
    """The month's findings, worst first, each with the facts it rests on."""
    rank = {severity: i for i, severity in enumerate(reversed(consistency.SEVERITIES))}  # the worst first
    frame = inputs.findings
    rows = [(None if pd.isna(product) else str(product), str(rule), str(severity), str(message), str(lines),
             str(sha256), str(facts), line)
            for product, rule, severity, message, lines, sha256, facts, line in zip(
                *(frame[c].tolist() for c in ("product", "rule", "severity", "message", "lines", "sha256", "facts",
                                              "line")), strict=True)]
    # worst first, then product (a finding about no product last), line and rule; a stable sort, as the table
    rows.sort(key=lambda r: (rank.get(r[2], len(rank)), r[0] is None, r[0] or "", r[7], r[1]))
    received = sorted(set(zip(inputs.facts["received_at"].tolist(), inputs.facts["sha256"].astype(str),
                              strict=True)), reverse=True)
    vintages = list(dict.fromkeys(sha256 for _, sha256 in received))  # the newest vintage first
    found = []
    for i, (product, rule, severity, message, lines, sha256, facts, _) in enumerate(rows):
        prefer = [sha256, *vintages]
        keys = tuple(k for k in (cite.find(s, v, prefer) for s, v in _refs(facts)) if k is not None)
        found.append(Finding(anchor=f"finding-{i + 1}", product=product, rule=rule, severity=severity,
                             message=message, lines=lines, sha256=sha256, facts=keys))
    return found


def finding_flags(findings: Sequence[Finding]) -> dict[str, tuple[str, str, int]]:
    """Per product: the worst warning/error severity, the first such finding's anchor, how many."""
    flags: dict[str, tuple[str, str, int]] = {}
    for finding in findings:
        if finding.severity not in SERIOUS or finding.product is None:
            continue
        if finding.product in flags:
            severity, anchor, count = flags[finding.product]
            flags[finding.product] = (severity, anchor, count + 1)
        else:
            flags[finding.product] = (finding.severity, finding.anchor, 1)
    return flags


def _finding_html(finding: Finding, cite: Citations, files: dict[str, str], rows: dict[str, str],
                  explain: bool) -> str:
    """One finding; the rule's explanation is written out on its first finding, a tooltip on the others."""
    explanation = rule_explanations().get(finding.rule, "")
    explanation = explanation[:1].upper() + explanation[1:]
    sentences = {cite.sentence_of[k].anchor: cite.sentence_of[k] for k in finding.facts}
    quotes = []
    for sentence in sorted(sentences.values(), key=lambda s: (s.sha256 != finding.sha256, s.line, s.offset)):
        where = f"{sentence.file_name}, line {sentence.line}"
        quotes.append(f'<blockquote><cite>{escape(where)}</cite> {cite.quote(sentence, finding.facts)}</blockquote>')
    if not quotes and finding.lines:
        where = f"{files.get(finding.sha256, finding.sha256[:12])}, line {finding.lines.replace(';', ', ')}"
        quotes.append(f'<p class="muted">{escape(where)}</p>')
    product = display_name(finding.product, "") if finding.product in catalogue.product_ids() else "whole report"
    link = f'<a href="#{rows[finding.product]}">{escape(product)}</a>' if finding.product in rows else escape(product)
    return (f'<article class="finding {escape(finding.severity)}" id="{finding.anchor}">'
            f'<h3><span class="sev">{escape(finding.severity)}</span> {link} '
            f'<span class="rule" title="{escape(explanation)}">{escape(finding.rule)}</span></h3>'
            + (f'<p class="why">{escape(explanation)}</p>' if explanation and explain else "")
            + f'<p class="msg">{escape(finding.message)}</p>{"".join(quotes)}</article>')


def findings_section(findings: Sequence[Finding], cite: Citations, files: dict[str, str], rows: Sequence[Row]) -> str:
    """Warnings and errors in full (explanation, message, evidence, a link to the product's row); info
    findings folded away."""
    anchors = {r.product: r.anchor for r in reversed(rows)}
    serious = [f for f in findings if f.severity in SERIOUS]
    info = [f for f in findings if f.severity not in SERIOUS]
    first_of_rule = {f.rule: f.anchor for f in reversed(serious)}
    parts = [_finding_html(f, cite, files, anchors, first_of_rule[f.rule] == f.anchor) for f in serious] or [
        '<p>No warnings or errors: every check on this report passed.</p>']
    if info:
        rules = ", ".join(f"{n} {escape(r)}" for r, n in Counter(f.rule for f in info).most_common())
        items = "".join(f'<li id="{f.anchor}"><span class="rule">{escape(f.rule)}</span> {escape(f.message)}</li>'
                        for f in info)
        parts.append(f"<details><summary>{len(info)} info findings ({rules}): differences that rounding "
                     f"explains, forecasts against actuals</summary><ul class=\"info\">{items}</ul></details>")
    return "\n".join(parts)


# --- at a glance ---------------------------------------------------------------------------------------

def _movers(rows: Sequence[Row], cite: Citations, rising: bool, count: int = 3) -> str:
    stated = [(r, f) for r in rows if (f := r.first("mom_pct")) is not None and f.kind == "pct"]
    chosen = sorted((x for x in stated if (x[1].value > 0) == rising and x[1].value != 0),
                    key=lambda x: x[1].value, reverse=rising)[:count]
    return ", ".join(f'<a href="#{r.anchor}">{escape(r.name)}</a> {_figure_html(f, cite)}' for r, f in chosen) or "none"


def _direction_of(figure: Figure | None) -> int | None:
    if figure is None or figure.kind not in {"pct", "dir"}:
        return None
    if figure.kind == "dir":
        return int(figure.value)
    return 0 if abs(figure.value) < FLAT_BAND_PCT else (1 if figure.value > 0 else -1)


def glance(inputs: BriefInputs, rows: Sequence[Row], findings: Sequence[Finding], cite: Citations) -> str:
    """What moved, what is expected, can I trust it: five lines."""
    month_indicators = inputs.indicators[inputs.indicators["month"] == inputs.month]
    diffusion = month_indicators[(month_indicators["indicator"] == "diffusion_index")
                                 & (month_indicators["product_group"] == "all")]
    breadth = (f'diffusion index <span class="fig calc" title="share of products growing MoM, flat counts half">'
               f"{diffusion['value'].iloc[0]:.0f}</span> ({escape(str(diffusion['method'].iloc[0]))})"
               if len(diffusion) else "no diffusion index (no MoM changes stated)")
    outlook = [_direction_of(r.first("next")) for r in rows]
    expected = (f"{outlook.count(1)} products expected up, {outlook.count(0)} flat, {outlook.count(-1)} down; "
                f"{sum(1 for d in outlook if d is None)} without a forecast")
    errors = [abs(f.value) for r in rows if (f := r.first("miss")) is not None and f.kind == "pct"]
    accuracy = (f"median absolute miss of last month's level forecasts: {_number(statistics.median(errors))}% "
                f"over {len(errors)} products" if errors else "no level forecast from the previous report to score")
    severities = Counter(f.severity for f in findings)
    trust = (f'<a href="#findings">{severities.get("error", 0)} errors, {severities.get("warning", 0)} warnings</a>, '
             f"{severities.get('info', 0)} info findings")
    items = [
        f"<li><b>Reported:</b> {len({r.product for r in rows})} products; {breadth}.</li>",
        f"<li><b>Biggest rises MoM:</b> {_movers(rows, cite, True)}.</li>",
        f"<li><b>Biggest falls MoM:</b> {_movers(rows, cite, False)}.</li>",
        f"<li><b>Next month:</b> {expected}; {accuracy}.</li>",
        f"<li><b>Can I trust it:</b> {trust}.</li>",
    ]
    return f'<ul class="glance">{"".join(items)}</ul>'


# --- charts --------------------------------------------------------------------------------------------

def _months(frame: pd.DataFrame) -> list[str]:
    return sorted(set(frame["month"].astype(str)))


def index_charts(inputs: BriefInputs, rows: Sequence[Row]) -> str:
    """Small multiples: the chain-linked production index of each product of a group, month by month."""
    index = inputs.indicators[inputs.indicators["indicator"] == "production_index"]
    if index.empty:
        return '<p class="muted">No production index yet: it needs MoM changes in % for a product.</p>'
    series: dict[tuple[str, str], list[tuple[str, float, str]]] = defaultdict(list)
    for product, segment, month, value, method in zip(  # one pass over plain values, not a frame per product
            *(index[c].tolist() for c in ("product", "segment", "month", "value", "method")), strict=True):
        series[(str(product), str(segment))].append((str(month), float(value), str(method)))
    months = sorted({month for points in series.values() for month, _, _ in points})
    figures = []
    for group in dict.fromkeys(r.group for r in rows):
        lines = []
        for row in (r for r in rows if r.group == group):
            if (row.product, row.segment) not in series:
                continue
            points = tuple(charts.Point(m, v, f"{row.name}, {m}: {v:.1f} ({method})")
                           for m, v, method in series[(row.product, row.segment)])
            lines.append(charts.Line(row.name, points))
        if lines:
            svg = charts.line_chart(lines, months, title=f"{_title(group)}: production index", reference=100,
                                    current=inputs.month)
            figures.append(f"<figure><figcaption>{escape(_title(group))}</figcaption>{svg}"
                           f"{charts.legend(lines)}</figure>")
    return f'<div class="multiples">{"".join(figures)}</div>'


def diffusion_charts(inputs: BriefInputs) -> str:
    """The diffusion index of all products over time, and per group as a heatmap."""
    frame = inputs.indicators[inputs.indicators["indicator"] == "diffusion_index"]
    if frame.empty:
        return '<p class="muted">No diffusion index yet.</p>'
    months = _months(frame)
    notes = {(str(group), str(month)): (float(value), f"{_title(str(group))}, {month}: {value:.0f} ({method})")
             for group, month, value, method in zip(frame["product_group"], frame["month"], frame["value"],
                                                    frame["method"], strict=True)}
    overall = tuple(charts.Point(m, v, note) for (g, m), (v, note) in sorted(notes.items()) if g == "all")
    line = charts.line_chart([charts.Line("All products", overall)], months, title="Diffusion index, all products",
                             reference=50, fixed=(0, 100), current=inputs.month, width=360)
    groups = ["all", *sorted({g for g, _ in notes} - {"all"})]
    cells = {(_title(g) if g != "all" else "All products", m): value for (g, m), value in notes.items()}
    heat = charts.heatmap([_title(g) if g != "all" else "All products" for g in groups], months, cells,
                          title="Diffusion index by product group", current=inputs.month)
    return f'<div class="multiples"><figure><figcaption>All products</figcaption>{line}</figure></div>{heat}'


def error_chart(inputs: BriefInputs, rows: Sequence[Row]) -> str:
    """This month's forecast miss per product: level error in %, and MoM misses in pp where no level."""
    bars: dict[str, list[charts.Bar]] = {"pct": [], "pp": []}
    for row in rows:
        miss = row.first("miss")
        if miss is not None and miss.kind in bars:
            bars[miss.kind].append(charts.Bar(row.name, miss.value, f"{row.name}: {shown(miss)} ({miss.note})",
                                              f"#{row.anchor}"))
    parts = []
    for kind, title in (("pct", "Level forecast error, % of the forecast"),
                        ("pp", "MoM forecast miss, percentage points (products with no level forecast)")):
        chosen = sorted(bars[kind], key=lambda b: b.value)
        if chosen:
            parts.append(f"<figure><figcaption>{escape(title)}</figcaption>"
                         f"{charts.bar_chart(chosen, title=title, unit='%' if kind == 'pct' else 'pp')}</figure>")
    return "".join(parts) or '<p class="muted">No forecast from the previous report to compare with.</p>'


# --- the page ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Brief:
    """A built page and the figures the Dagster metadata and the CLI report."""

    month: str
    html: str
    products: int
    sentences: int
    findings: dict[str, int]
    glance: str


@functools.cache
def _static(name: str) -> str:
    return resources.files("smm_pipeline").joinpath("page", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def month_title(month: str) -> str:
    """'March 2025' for '2025-03'."""
    return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"


def charted(inputs: BriefInputs) -> BriefInputs:
    """The inputs of the page: indicators of the CHART_MONTHS months to the report month, the panel of the
    month and the next (whose forecast the month's report made)."""
    month = inputs.month
    return replace(inputs, panel=_window(_by_month(inputs.panel), month, shift_month(month, 1)),
                   indicators=_window(_by_month(inputs.indicators), shift_month(month, 1 - CHART_MONTHS), month))


def build(inputs: BriefInputs) -> Brief:
    """The page for one report month (BriefError when no figure of the month was read: no page to make)."""
    if not (inputs.facts["report_month"] == inputs.month).any():
        raise BriefError(f"no figure of {inputs.month} was read from its report: nothing to brief "
                         "(see the month's data-quality findings)")
    inputs = charted(inputs)
    cite = Citations(inputs.facts)
    findings = findings_of(inputs, cite)
    rows = headline_rows(inputs, cite, finding_flags(findings))
    files = dict(zip(inputs.facts["sha256"].astype(str), inputs.facts["file_name"].astype(str), strict=True))
    received, sha256, file_name = max(  # the month's latest vintage
        (received, sha256, file_name) for received, sha256, file_name, month in zip(
            *(inputs.facts[c].tolist() for c in ("received_at", "sha256", "file_name", "report_month")), strict=True)
        if month == inputs.month)
    reported = {r.product for r in rows}
    absent = [p.heading for p in catalogue.products() if p.product not in reported]
    style, script = _static("brief.css"), _static("brief.js")
    csp = (f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    summary = glance(inputs, rows, findings, cite)
    body = f"""<header>
<h1>China metal production: {month_title(inputs.month)}</h1>
<p class="muted">From SMM's report <b>{escape(str(file_name))}</b>
(sha256 {escape(str(sha256)[:12])}…, received {escape(str(received)[:16])}).
Underlined numbers link to the sentence that stated them; dotted ones are computed: hover for how.</p>
<nav><a href="#glance">At a glance</a> <a href="#products">Products</a> <a href="#charts">Charts</a>
<a href="#findings">Findings</a> <a href="#evidence">Evidence</a></nav>
</header>
<section id="glance"><h2>At a glance</h2>{summary}</section>
<section id="products"><h2>Products</h2>
<p class="controls"><label><input type="checkbox" id="keep-groups" checked> keep product groups</label>
<span class="muted">Click a column heading to sort; click again to reverse.</span></p>
{headline_table(rows, cite)}
<p class="muted">Not in this report: {escape(", ".join(absent)) or "none"}.</p>
</section>
<section id="charts"><h2>Charts</h2>
<h3>Production index by product group</h3>
<p class="muted">Chain-linked from the stated MoM % changes: the month before a chain starts is 100; a gap
in the MoM series starts a new chain.</p>
{index_charts(inputs, rows)}
<h3>Diffusion index</h3>
<p class="muted">Share of products whose production grew MoM (flat counts half): above 50, growth is broad.</p>
{diffusion_charts(inputs)}
<h3>Forecast error by product, {month_title(inputs.month)}</h3>
{error_chart(inputs, rows)}
</section>
<section id="findings"><h2>Findings</h2>{findings_section(findings, cite, files, rows)}</section>
"""
    evidence = cite.evidence_section(ORIGINALS)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>SMM brief {escape(inputs.month)}</title><style>{style}</style></head>
<body>
{body}<section id="evidence"><h2>Evidence</h2>
<p class="muted">Every sentence a number on this page came from, by report file and line.</p>
{evidence}</section>
<script>{script}</script>
</body></html>
"""
    counts = Counter(f.severity for f in findings)
    return Brief(month=inputs.month, html=page, products=len({r.product for r in rows}), sentences=len(cite.cited),
                 findings={s: counts[s] for s in ("error", "warning", "info")},
                 glance=_plain(summary))


def _plain(fragment: str) -> str:
    """HTML of the glance list as plain text lines (for metadata and the terminal)."""
    text = re.sub(r"<li>", "\n- ", fragment)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def write(brief: Brief, folder: str | Path) -> Path:
    """Write the page to `folder/YYYY-MM.html` atomically (a reader never sees half a page)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{brief.month}.html"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{brief.month}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(brief.html)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)
    return target


PAGE_SECONDS = 0.015
"""About how long a page takes to build on one core of this machine (11-28 ms: the seed's 11 ms, a
generated 54-product page over 24 months 28 ms); whether workers repay their start is judged on it."""


PARTS_PER_CORE = 4
"""Runs of months a backfill's pages are cut into, per core: more than one, so that a core whose run had
the shorter pages (the first months chart fewer months) takes another."""


def build_pages(tables: BriefTables, folder: str | Path, ahead: PagesAhead | None = None) -> list[tuple[Brief, Path]]:
    """Build and write each month's page: what the Dagster asset does for the months of its run. Pages
    built `ahead` from these very tables are taken as they are."""
    built = ahead.pages(tables) if ahead is not None else None
    if built is None:
        built = map_each(_build_part, *_page_work(tables))
    return [(page, write(page, folder)) for pages in built for page in pages]


class PagesAhead:
    """The pages of a backfill's months, started as soon as their tables are in the warehouse, on the cores a
    run leaves free, for the brief to take later.

    `smm-pipeline run` names its months: it starts them when the indicators are built, and the dbt build
    that follows (seconds of one core) leaves the other cores idle. The brief takes them only if the
    tables it reads are the ones they were built from, so a page is never older than its inputs. With no
    months (the default, in the UI and the daemon) nothing is built ahead."""

    def __init__(self, months: Sequence[str] = ()) -> None:
        self.months = tuple(months)
        self._started: tuple[BriefTables, Batch[BriefTables, list[Brief]]] | None = None

    def start(self, con: duckdb.DuckDBPyConnection, warehouse_path: str) -> None:
        """Read the months' tables and start their pages (nothing when no months are named, or they were
        started; a month the brief cannot be built for is the brief's own run to report)."""
        if not self.months or self._started is not None:
            return
        try:
            tables = tables_for(con, self.months, warehouse_path)
        except BriefError:
            return
        self._started = (tables, start_each(_build_part, *_page_work(tables)))

    def pages(self, tables: BriefTables) -> list[list[Brief]] | None:
        """The pages built ahead, if they were built from exactly `tables` (else None: the caller builds
        them); what building them raised (a month with no figure read) is raised here."""
        started, self._started = self._started, None
        if started is None:
            return None
        before, batch = started
        if not _same_tables(before, tables):
            batch.cancel()
            return None
        return batch.results()

    def close(self) -> None:
        """Drop pages that nothing will take."""
        if self._started is not None:
            self._started[1].cancel()
        self._started = None


def _same_tables(one: BriefTables, other: BriefTables) -> bool:
    return one.months == other.months and all(
        getattr(one, name).equals(getattr(other, name)) for name in ("panel", "indicators", "findings", "facts"))


def _page_work(tables: BriefTables) -> tuple[list[BriefTables], float]:
    """The runs of months the workers are given, and the estimated time of all their pages on one core."""
    return tables.parts(PARTS_PER_CORE * cores()), len(tables.months) * PAGE_SECONDS


def _build_part(tables: BriefTables) -> list[Brief]:
    return [build(inputs) for inputs in tables.inputs()]


def build_from_warehouse(warehouse_path: str | Path, month: str, folder: str | Path) -> tuple[Brief, Path]:
    """Read, build and write one month's page: what `smm-pipeline brief` does (BriefError: what is missing)."""
    if not Path(warehouse_path).exists():
        raise BriefError(f"there is no warehouse at {warehouse_path}: run the pipeline first")
    with warehouse.connect(warehouse_path, read_only=True) as con:
        tables = tables_for(con, [month], str(warehouse_path))
    return build_pages(tables, folder)[0]
