"""Reading one report file: bytes to text, the title line, and the month it covers.

Reports arrive from people and download jobs, so anything can land: an empty file, a PDF, a page's
HTML source, a file saved in another encoding. Every such case becomes a `ReportError` that names the
file and, where there is one, the line, so the drop folder can quarantine it with a reason a person
can act on. Nothing here raises anything else for bad input.
"""

from __future__ import annotations

import errno
import hashlib
import html
import os
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from smm_pipeline import titles
from smm_pipeline.periods import shift_month


class ReportError(ValueError):
    """A report that cannot be read, with the file (and line) it concerns."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source, self.message, self.line = source, message, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[ReportError], tuple[str, str, int | None]]:
        """Rebuilt from its fields, so that a worker process can raise it to the caller."""
        return type(self), (self.source, self.message, self.line)


@dataclass(frozen=True, slots=True)
class Report:
    """A decoded report and what its title says."""

    source: str
    text: str
    report_month: str
    forecast_month: str
    title_line: int
    sha256: str
    size: int
    converted_from_html: bool = False

    @property
    def lines(self) -> list[str]:
        """The report's lines; line n of the file is `lines[n - 1]`."""
        return self.text.split("\n")


_HTML_HINT = re.compile(r"<\s*(?:!doctype|html|body|div|p|span|h[1-6]|br|table|head|meta|script)\b",
                        re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""A control character that text does not hold (tab, line feed and carriage return are text)."""
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
               "header", "footer", "table", "ul", "ol"}


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "noscript", "template"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "noscript", "template"}:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def decode(data: bytes, source: str) -> str:
    """Text of a report file, or a ReportError saying what it is instead."""
    if not data.strip():
        raise ReportError(source, "empty file: no report text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").replace("\r\n", "\n").replace("\r", "\n")
    if data.startswith(b"%PDF"):
        raise ReportError(source, "this is a PDF, not report text: save the report as a .txt file")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ReportError(source, f"binary file (NUL byte at offset {nul}): not report text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ReportError(
            source, f"not UTF-8 text (byte 0x{data[err.start]:02x} at column {column}); "
            "save the report as UTF-8", line) from None
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise ReportError(source, f"binary file ({controls} control characters): not report text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(text: str) -> str:
    """The visible text of a page pasted from the website, one paragraph per line."""
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    return html.unescape(parser.text())


def looks_like_html(text: str) -> bool:
    """Whether the text is markup rather than the report's plain text."""
    head = text[:5000]
    return len(_HTML_HINT.findall(head)) >= 2


def find_title(text: str, source: str) -> tuple[str, str, int]:
    """(report month, forecast month, 1-based title line) from the report's title line.

    A title is a short line among the first 60 that names a month with its year and a word of a report
    title (text.toml: "overview", "production", "output" ...): "Overview of China Metal Production in
    July 2025 and Forecast for August", "Base Metal Production Overview in March 2021 (Incomplete)",
    "SMM Exclusive: ...". A body sentence (long, ending with a full stop) is never taken for it. A title
    that names a month without its year takes the year of a publication date in the lines before the
    body ("Nov 10, 2021 18:23"). A forecast month the title names must be the month after."""
    lines = text.split("\n")[:60]
    published = _publication_date(lines)
    for number, line in enumerate(lines, start=1):
        found = titles.read(line, published)
        if found is None:
            continue
        report_month, stated_forecast = found
        forecast_month = shift_month(report_month, 1)
        if stated_forecast and stated_forecast[5:] != forecast_month[5:]:
            raise ReportError(source, f"title forecasts {stated_forecast} but reports {report_month}: the forecast "
                              "month must be the next month", number)
        return report_month, forecast_month, number
    raise ReportError(source, "no title line like 'Overview of China Metal Production in July 2025 and Forecast "
                      "for August' (a month with its year and a word such as 'production' or 'overview') in the "
                      "first 60 lines: cannot tell the report month")


def _publication_date(lines: list[str]) -> str:
    """The month of a publication date among the first lines ("Nov 10, 2021 18:23", "Published: Sep 8,
    2020"), as YYYY-MM, or ""."""
    for line in lines[:12]:
        found = titles.date_in(line)
        if found:
            return found
    return ""


def parse_report(data: bytes, source: str) -> Report:
    """A Report from raw bytes; ReportError for anything that is not a readable monthly report."""
    text = decode(data, source)
    converted = looks_like_html(text)
    if converted:
        text = html_to_text(text)
    report_month, forecast_month, title_line = find_title(text, source)
    return Report(source=source, text=text, report_month=report_month, forecast_month=forecast_month,
                  title_line=title_line, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                  converted_from_html=converted)


def read_report(path: str | Path) -> Report:
    """A Report from a file on disk (a link the user names is followed; a FIFO or device is refused)."""
    path = Path(path)
    try:
        data = read_bounded(path, follow_links=True)
    except OSError as err:
        raise ReportError(str(path), f"cannot read: {err.strerror or err}") from None
    return parse_report(data, path.name)


def printable(name: str) -> str:
    """A file name as it can be shown in a log, a message or the ledger: bytes that are not UTF-8 (Linux
    allows them; Python keeps them as lone surrogates) become '?', control characters become '_'."""
    return re.sub(r"[\x00-\x1f]", "_", name.encode("utf-8", "replace").decode("utf-8"))


MAX_BYTES = 20 * 1024 * 1024
"""Far larger than any monthly report: a bigger file is refused unread."""


def read_bounded(path: Path, limit: int = MAX_BYTES, follow_links: bool = False) -> bytes:
    """The file's bytes; a ReportError, without reading it, when it is larger than `limit` or is no
    regular file (a FIFO, a device, a directory; a symbolic link unless `follow_links`).

    The size is checked before reading and again on the bytes read (at most `limit` + 1), so a file
    that grows while it is read cannot slip a 50 MB body into memory either."""
    no_follow = 0 if follow_links else getattr(os, "O_NOFOLLOW", 0)
    try:  # never through a link (unless asked), never blocking on a FIFO: only a regular file is read
        descriptor = os.open(path, os.O_RDONLY | no_follow | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if no_follow and err.errno == errno.ELOOP:
            raise ReportError(printable(path.name), "a symbolic link: only regular files are read") from None
        raise
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ReportError(printable(path.name), "not a regular file: only regular files are read")
        size = status.st_size
        if size <= limit:
            data = handle.read(limit + 1)
            if len(data) <= limit:
                return data
            size = len(data)
    raise ReportError(printable(path.name), f"file is {size / 1e6:.1f} MB, far larger than a monthly report "
                                            f"(limit {limit / 1e6:.0f} MB)")

