"""PDFs with WeasyPrint: the only module that imports it, so --no-pdf never loads it.

Documents are laid out in a process pool sized to the cores; each worker parses the
stylesheet and sets up fonts once. PDF dates come from SOURCE_DATE_EPOCH when set, else from
the as-of date at 00:00 UTC, so reruns give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_STATE: dict[str, Any] = {}


def pdf_timestamp(as_of: dt.date) -> str:
    """ISO timestamp for PDF metadata: SOURCE_DATE_EPOCH if set, else A at 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    else:
        moment = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _init(css_text: str, base_url: str) -> None:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    _STATE["fonts"] = fonts
    _STATE["css"] = CSS(string=css_text, font_config=fonts)
    _STATE["base_url"] = base_url


def _write(job: tuple[str, str]) -> str:
    from weasyprint import HTML

    html_text, out_path = job
    document = HTML(string=html_text, base_url=_STATE["base_url"])
    document.write_pdf(out_path, stylesheets=[_STATE["css"]], font_config=_STATE["fonts"],
                       uncompressed_pdf=False)
    return out_path


def write_pdfs(jobs: Sequence[tuple[str, Path]], css_text: str, base_url: str,
               on_done: Callable[[], None] | None = None, workers: int | None = None) -> None:
    """Write each (html, path) as a PDF; in parallel when there are enough documents."""
    if not jobs:
        return
    work = [(html, str(path)) for html, path in jobs]
    n = workers or min(os.cpu_count() or 1, 8)
    if n <= 1 or len(work) < 4:
        _init(css_text, base_url)
        for job in work:
            _write(job)
            if on_done:
                on_done()
        return
    with ProcessPoolExecutor(max_workers=n, initializer=_init,
                             initargs=(css_text, base_url)) as pool:
        for _ in pool.map(_write, work, chunksize=4):
            if on_done:
                on_done()
