"""Writes a backtest: its page, its CSVs and the stylesheet, gathered then swapped in."""

from __future__ import annotations

from pathlib import Path

from ..backtest import Backtest
from ..report.backtest_view import build_backtest_view, periods_csv_table, steps_csv_table
from .csvfiles import write_table
from .html import render, templates_dir
from .site import BACKTEST, staged_site


def write_backtest(result: Backtest, out_dir: Path, start: str, end: str, every: str,
                   ledger: str, policies: str) -> None:
    view = build_backtest_view(result, start, end, every)
    page = render("backtest.html", bt=view, ledger=ledger, policies=policies)
    css = (templates_dir() / "site.css").read_text(encoding="utf-8")
    with staged_site(out_dir, BACKTEST) as stage:
        write_table(steps_csv_table(result), stage / "backtest_steps.csv")
        write_table(periods_csv_table(result), stage / "backtest_periods.csv")
        (stage / "backtest.html").write_text(page, encoding="utf-8", newline="\n")
        (stage / "site.css").write_text(css, encoding="utf-8", newline="\n")
