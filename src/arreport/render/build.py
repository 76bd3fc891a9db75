"""Writes one report as a site: data CSVs, HTML pages and PDFs, atomically."""

from __future__ import annotations

from pathlib import Path

from ..pipeline import Report
from ..report.tables import aging_csv_table, open_items_table
from .csvfiles import write_table
from .site import staged_site


def write_site(report: Report, out_dir: Path, pdf: bool = True, progress: bool = False) -> str:
    with staged_site(out_dir) as stage:
        write_table(open_items_table(report), stage / "data" / "open_items.csv")
        write_table(aging_csv_table(report), stage / "data" / "aging.csv")
    return f"{len(report.items)} open items, {len(report.aging)} client rows"
