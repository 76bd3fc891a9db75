"""PDFs with WeasyPrint: the only module that imports it, so --no-pdf never loads it.

Documents are laid out in a process pool sized to the cores; each worker parses the
stylesheet and sets up fonts once. PDF dates come from SOURCE_DATE_EPOCH when set, else from
the as-of date at 00:00 UTC, so reruns give the same bytes. Documents sent to clients are
PDF/A-3b with their data attached (a CSV of the open items a statement lists).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class PdfJob:
    """One PDF: its HTML, where it goes, and for a client document its variant and files."""

    html: str
    path: Path
    variant: str | None = None  # e.g. "pdf/a-3b"
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (file name, content, description)


def pdf_timestamp(as_of: dt.date) -> str:
    """ISO timestamp for PDF metadata: SOURCE_DATE_EPOCH if set, else A at 00:00 UTC."""
    return pdf_moment(as_of).strftime("%Y-%m-%dT%H:%M:%SZ")


def pdf_moment(as_of: dt.date) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)


def stylesheet(paper: str, *parts: str) -> str:
    """The PDF stylesheet: the paper size (A4 or Letter, company.yaml) and the CSS files."""
    size = "letter" if paper == "Letter" else "A4"
    head = f"@page {{ size: {size}; }}\n@page wide {{ size: {size} landscape; }}\n"
    return head + "\n".join(parts)


def _init(css_text: str, base_url: str, moment: str) -> None:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    _STATE["fonts"] = fonts
    _STATE["css"] = CSS(string=css_text, font_config=fonts)
    _STATE["base_url"] = base_url
    _STATE["moment"] = dt.datetime.fromisoformat(moment)


def _write(job: PdfJob) -> str:
    from weasyprint import HTML, Attachment

    document = HTML(string=job.html, base_url=_STATE["base_url"])
    options: dict[str, Any] = {}
    if job.variant:
        options["pdf_variant"] = job.variant
    if job.attachments:
        moment = _STATE["moment"]
        options["attachments"] = [
            Attachment(string=content, name=name, description=description,
                       created=moment, modified=moment, relationship="Data")
            for name, content, description in job.attachments]
    document.write_pdf(str(job.path), stylesheets=[_STATE["css"]],
                       font_config=_STATE["fonts"], uncompressed_pdf=False, **options)
    return str(job.path)


def write_pdfs(jobs: Sequence[PdfJob | tuple[str, Path]], css_text: str, base_url: str,
               on_done: Callable[[], None] | None = None, workers: int | None = None,
               moment: dt.datetime | None = None) -> None:
    """Write each job as a PDF; in parallel when there are enough documents."""
    if not jobs:
        return
    work = [j if isinstance(j, PdfJob) else PdfJob(j[0], Path(j[1])) for j in jobs]
    stamp = (moment or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).isoformat()
    n = workers or min(os.cpu_count() or 1, 8)
    if n <= 1 or len(work) < 4:
        _init(css_text, base_url, stamp)
        for job in work:
            _write(job)
            if on_done:
                on_done()
        return
    with ProcessPoolExecutor(max_workers=n, initializer=_init,
                             initargs=(css_text, base_url, stamp)) as pool:
        # each PDF reported as it is done (not in submission order, not in bursts), so a
        # progress bar moves at the rate PDFs are written
        for done in as_completed([pool.submit(_write, job) for job in work]):
            done.result()
            if on_done:
                on_done()
