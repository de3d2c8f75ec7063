"""The fuzzing harness: every entry point against hostile input.

Inputs are random bytes and text, the seed and samples mutated in structure (title removed, doubled or
garbled; headings unknown, duplicated, shuffled, lower-cased; cut mid-sentence and mid-number; NUL
bytes, CRLF, a byte-order mark, mixed encodings; HTML with scripts and entities; numbers of absurd size
or precision), and a corpus of hand-made nasty files. Each goes through `extract` and `check` as the
command line runs them, the report reader, the brief, and two ticks of the drop-folder sensor.

The contract for every input: exit 0 with results, or exit 2 with one line `error: FILE[:LINE]: why`;
never a traceback, and time linear in size (the slowest input per KB is reported).
"""

from __future__ import annotations

import contextlib
import io
import random
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from smm_pipeline import brief, cli, inbox
from smm_pipeline.archive import Archive
from smm_pipeline.reports import ReportError, parse_report
from smm_pipeline.settings import PROJECT_ROOT

SAMPLES = sorted((PROJECT_ROOT / "data" / "samples").glob("smm_*_production_overview.txt"))
SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "smm_2025-07_production_overview.txt"


@dataclass(slots=True)
class Tally:
    """What the harness saw."""

    inputs: int = 0
    tracebacks: list[str] = field(default_factory=list)
    bad_exits: list[str] = field(default_factory=list)
    slowest_per_kb: float = 0.0
    """Of inputs of 16 KB or more (below that, fixed costs dominate: see slowest_small)."""
    slowest: str = ""
    slowest_small: float = 0.0

    def line(self) -> str:
        return (f"{self.inputs} inputs, {len(self.tracebacks)} tracebacks, {len(self.bad_exits)} bad exits or "
                f"messages, 0 hangs; slowest {self.slowest_per_kb * 1e3:.1f} ms per KB of inputs >= 16 KB "
                f"({self.slowest}), slowest small input {self.slowest_small * 1e3:.0f} ms")

    def add(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.tracebacks += other.tracebacks
        self.bad_exits += other.bad_exits
        if other.slowest_per_kb > self.slowest_per_kb:
            self.slowest_per_kb, self.slowest = other.slowest_per_kb, other.slowest
        self.slowest_small = max(self.slowest_small, other.slowest_small)


def bases() -> list[str]:
    """The texts the structural mutations start from: the samples, and the seed where it is present."""
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    if SEED.exists():
        texts.append(SEED.read_text(encoding="utf-8"))
    return texts


def _lines(text: str) -> list[str]:
    return text.split("\n")


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "title removed": lambda t, r: "\n".join(line for line in _lines(t) if "Production" not in line[:80]),
    "title doubled": lambda t, r: _lines(t)[0] + "\n" + t,
    "title garbled": lambda t, r: "".join(ch if r.random() > 0.3 else r.choice("#@!?0") for ch in t[:120]) + t[120:],
    "headings unknown": lambda t, r: "\n".join(line + " Gallium" if len(line) < 40 else line for line in _lines(t)),
    "headings duplicated": lambda t, r: "\n".join(line + ("\n" + line if len(line) < 40 else "") for line in _lines(t)),
    "paragraphs shuffled": lambda t, r: "\n".join(r.sample(_lines(t), len(_lines(t)))),
    "lower-cased": lambda t, r: t.lower(),
    "cut mid-sentence": lambda t, r: t[: r.randrange(1, max(2, len(t)))],
    "cut mid-number": lambda t, r: t[: next((i + 2 for i in range(r.randrange(len(t)), len(t)) if t[i].isdigit()),
                                            len(t))],
    "one line": lambda t, r: " ".join(_lines(t)),
    "NUL bytes": lambda t, r: "".join(ch + ("\x00" if r.random() < 0.01 else "") for ch in t),
    "CRLF and BOM": lambda t, r: "\ufeff" + t.replace("\n", "\r\n"),
    "absurd numbers": lambda t, r: t.replace("3.47%", "1" + "0" * 300 + "%").replace("39,400", "39,400.0000000000001"),
    "huge precision": lambda t, r: t.replace("%", "0000000000000000000001%", 3),
    "html": lambda t, r: "<html><script>alert('x')</script><body><p>" + t.replace("\n", "</p><p>&amp;&#x27;&lt;")
                         + "</p></body></html>",
    "characters dropped": lambda t, r: "".join(ch for ch in t if r.random() > 0.02),
    "words swapped": lambda t, r: " ".join(r.sample(t.split(" "), len(t.split(" ")))) if r.random() < 0.5 else t,
}


def mutated(rng: random.Random) -> tuple[str, bytes]:
    """One structural mutant of a base text (sometimes two mutations), in an encoding chosen at random."""
    text = rng.choice(bases())
    names = rng.sample(sorted(MUTATIONS), rng.choice((1, 1, 2)))
    for name in names:
        text = MUTATIONS[name](text, rng)
    encoding = rng.choice(("utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "mixed"))
    if encoding == "mixed":
        middle = len(text) // 2
        data = text[:middle].encode("utf-8", "replace") + text[middle:].encode("latin-1", "replace")
    else:
        data = text.encode(encoding, "replace")
    return "+".join(names) + f" ({encoding})", data


def nasty() -> list[tuple[str, bytes]]:
    """Hand-made files: each a way a real drop has gone wrong, or could."""
    title = b"Overview of China Metal Production in July 2025 and Forecast for August\n"
    return [
        ("empty", b""),
        ("only a title", title),
        ("only whitespace", b" \n\t\n\r\n"),
        ("NUL bytes", b"\x00" * 1000),
        ("a title and NULs", title + b"\x00" * 100),
        ("binary", bytes(range(256)) * 20),
        ("a BOM and CRLF", b"\xef\xbb\xbf" + title.replace(b"\n", b"\r\n")
         + b"Copper Cathode\r\nOutput rose 3% MoM.\r\n"),
        ("UTF-16", (title + b"Copper Cathode\nOutput rose 3% MoM.\n").decode().encode("utf-16")),
        ("latin-1", title + "Copper Cathode\nOutput rose 3% MoM in Düsseldorf façon.\n".encode("latin-1")),
        ("a percentage of 10^300", title + b"Copper Cathode\nOutput rose 1" + b"0" * 300 + b"% MoM.\n"),
        ("a number of 400 digits", title + b"Copper Cathode\nOutput was " + b"9" * 400 + b" mt.\n"),
        ("absurd precision", title + b"Copper Cathode\nOutput rose 3." + b"1" * 200 + b"% MoM.\n"),
        ("a heading and no body", title + b"Copper Cathode\n"),
        ("unknown headings only", title + b"Gallium Ingot\nOutput rose 3% MoM.\nGermanium\nOutput fell 2%.\n"),
        ("lower-cased", (title + b"Copper Cathode\nOutput rose 3% MoM.\n").lower()),
        ("HTML with scripts", b"<html><head><script>document.write('<h1>x</h1>')</script></head><body><h1>"
                              + title + b"</h1><p>Copper Cathode</p><p>Output &amp; rose 3% MoM &#x27;</p></body>"),
        ("a 250 KB line of figures", title + b"Copper Cathode\n"
         + b"output rose 5% MoM and 3,000 mt YoY to 40,000 mt, " * 5_000 + b"\n"),
        ("a title month far in the future", b"Overview of China Metal Production in July 2099\nCopper Cathode\n"),
        ("a title of another century", b"Overview of China Metal Production in July 1899\nCopper Cathode\n"),
        ("control characters", title + b"Copper\x1b[31m Cathode\x07\nOutput rose 3% MoM.\x0c\n"),
        ("a right-to-left override", title + "Copper Cathode\nOutput rose \u202e3% MoM.\n".encode()),
        ("surrogate bytes", title + b"Copper Cathode\nOutput rose \xed\xa0\x80 3% MoM.\n"),
    ]


def _call(argv: list[str]) -> tuple[int, str]:
    """A command as the user runs it (in process): (exit status, what it wrote to stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, err.getvalue()


def exercise(name: str, data: bytes, folder: Path, tally: Tally, full: bool = True) -> None:
    """Every entry point on one input (the brief and the sensor only when `full`: they cost most and
    read what the others read); what breaks the contract goes into the tally."""
    tally.inputs += 1
    path = folder / "report.txt"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        for argv in (["extract", str(path), "--csv", str(folder / "facts.csv")], ["check", str(path)]):
            status, err = _call(argv)
            errors = [line for line in err.splitlines() if line.startswith("error:")]
            if status not in (0, 2) or (status == 2 and (len(errors) != 1 or path.name not in errors[0])):
                tally.bad_exits.append(f"{name}: {argv[0]} exit {status}: {err[:200]!r}")
        with contextlib.suppress(ReportError):
            parse_report(data, "report.txt")
        if full:
            _brief(path, folder)
            _sensor(data, folder / "sensor")
    except Exception:  # the contract: nothing escapes; the harness records it instead of stopping
        tally.tracebacks.append(f"{name}: {traceback.format_exc(limit=3)}")
    took = time.perf_counter() - started
    if len(data) < 16 * 1024:
        tally.slowest_small = max(tally.slowest_small, took)
    elif took / (len(data) / 1024) > tally.slowest_per_kb:
        tally.slowest_per_kb, tally.slowest = took / (len(data) / 1024), f"{name}, {len(data) / 1024:.0f} KB"


def _brief(path: Path, folder: Path) -> None:
    """The brief of the input's month, when the input is a report at all."""
    from smm_pipeline_tests.brief_support import inputs_from_reports

    try:
        month = parse_report(path.read_bytes(), path.name).report_month
        brief.build(inputs_from_reports([path], month))
    except (ReportError, brief.BriefError):
        return  # refused with its reason: the contract


def _sensor(data: bytes, root: Path) -> None:
    """Two ticks of the drop-folder sensor with the input dropped: archived or quarantined, never raised."""
    drop, archive_dir, quarantine_dir = root / "drop", root / "archive", root / "quarantine"
    drop.mkdir(parents=True, exist_ok=True)
    (drop / "smm_2025-07_report.txt").write_bytes(data)
    cursor = inbox.Cursor()
    now = datetime(2025, 8, 10, tzinfo=UTC)
    for _ in range(2):
        cursor = inbox.tick(drop, Archive(archive_dir), quarantine_dir, cursor, now, settle_seconds=0).cursor


def run(inputs: Iterator[tuple[str, bytes]], full_every: int = 10) -> Tally:
    """The harness over `inputs`, each in a fresh folder; every `full_every`-th input (and the whole
    hand-made corpus) also goes through the brief and the sensor."""
    tally = Tally()
    corpus = {name for name, _ in nasty()}
    for n, (name, data) in enumerate(inputs):
        with tempfile.TemporaryDirectory(prefix="smm-fuzz-") as folder:
            exercise(name, data, Path(folder), tally, full=name in corpus or n % full_every == 0)
    return tally


def ten_megabyte_line() -> tuple[str, bytes]:
    """The samples' text flattened onto one line and repeated to 10 MB (a web page or PDF made text)."""
    body = " ".join(" ".join(text.split("\n")[1:]) for text in bases())
    title = bases()[0].split("\n")[0].encode()
    return "a 10 MB single line", title + b"\n" + (body.encode() * (10_000_000 // len(body.encode()) + 1))[:10_000_000]


def generated(count: int, seed: int = 20251205) -> Iterator[tuple[str, bytes]]:
    """`count` inputs: the nasty corpus, then mutants, random text and random bytes in turn."""
    yield from nasty()
    rng = random.Random(seed)
    for n in range(count - len(nasty())):
        kind = n % 4
        if kind in (0, 1):
            yield mutated(rng)
        elif kind == 2:
            yield "random text", "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(2000))).encode(
                "utf-8", "replace")
        else:
            yield "random bytes", rng.randbytes(rng.randrange(4000))
