"""Writes one report as a site: data CSVs, HTML pages and PDFs, gathered then swapped in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..pipeline import Report
from ..report.actions_view import ActionsView, build_actions_view
from ..report.kpis_view import kpi_views, kpis_csv_table
from ..report.policies_view import build_policies_view
from ..report.profile import risk_page
from ..report.profile_tables import (
    behaviour_csv_table,
    offers_csv_table,
    risk_csv_table,
    seasonality_csv_table,
    signals_csv_table,
    tiers_csv_table,
)
from ..report.tables import (
    actions_csv_table,
    aging_csv_table,
    discounts_csv_table,
    fees_csv_table,
    holds_csv_table,
    open_items_table,
    plans_csv_table,
)
from ..report.view import build_view
from .csvfiles import write_table
from .html import render, site_pages, templates_dir
from .site import staged_site

BASIS_TEXT = {"due_date": "days past due", "issue_date": "days since issue"}


def _company(report: Report) -> dict[str, object]:
    info = dict(report.policies.company)
    address = info.get("address", "")
    return {
        "name": info.get("name", "") or "Accounts receivable",
        "address_lines": [p for p in re.split(r"\s*\n\s*", address) if p],
        "email": info.get("email", ""), "phone": info.get("phone", ""),
        "remit": info.get("remit", ""),
    }


def write_site(report: Report, out_dir: Path, pdf: bool = True, progress: bool = False,
               on_stage: Callable[[str], None] | None = None) -> str:
    """Build the whole site in a staging folder, then swap it in for `out_dir`.

    `on_stage(name)` is called as each stage ends (view, pages, data, pdf, swap), so the
    caller can time them.
    """
    mark = on_stage or (lambda _name: None)
    site = build_view(report)
    actions = build_actions_view(report)
    mark("view")
    basis = BASIS_TEXT[report.policies.aging.basis]
    pages = site_pages(site, basis, pdf, actions, build_policies_view(report.policies),
                       risk_page(report), kpi_views(report))
    css = (templates_dir() / "site.css").read_text(encoding="utf-8")
    with staged_site(out_dir) as stage:
        write_table(open_items_table(report), stage / "data" / "open_items.csv")
        write_table(aging_csv_table(report), stage / "data" / "aging.csv")
        write_table(actions_csv_table(report), stage / "data" / "actions.csv")
        write_table(holds_csv_table(report), stage / "data" / "holds.csv")
        write_table(fees_csv_table(report), stage / "data" / "fees.csv")
        write_table(discounts_csv_table(report), stage / "data" / "discounts.csv")
        write_table(plans_csv_table(report), stage / "data" / "plans.csv")
        write_table(behaviour_csv_table(report), stage / "data" / "behaviour.csv")
        write_table(risk_csv_table(report), stage / "data" / "risk.csv")
        write_table(signals_csv_table(report), stage / "data" / "signals.csv")
        write_table(tiers_csv_table(report), stage / "data" / "tiers.csv")
        write_table(seasonality_csv_table(report), stage / "data" / "seasonality.csv")
        write_table(offers_csv_table(report), stage / "data" / "offers.csv")
        write_table(kpis_csv_table(report), stage / "data" / "kpis.csv")
        mark("data csv")
        n_pages = 0
        made: set[Path] = set()
        for rel, text in pages:
            path = stage / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(text, encoding="utf-8", newline="\n")
            n_pages += 1
        (stage / "site.css").write_text(css, encoding="utf-8", newline="\n")
        mark("pages")
        n_pdf = 0
        if pdf:
            n_pdf = _write_pdfs(report, site, actions, basis, stage, progress)
            mark("pdf")
    mark("swap")
    return (f"{len(report.items)} open items, {len(site.clients)} clients, "
            f"{n_pages} pages, {n_pdf} PDFs")


def _write_pdfs(report: Report, site: object, actions: ActionsView, basis: str, stage: Path,
                progress: bool) -> int:
    from .pdf import pdf_timestamp, write_pdfs
    from .progress import Progress

    created = pdf_timestamp(report.as_of)
    company = _company(report)
    common = {"site": site, "company": company, "created": created, "basis": basis}
    jobs: list[tuple[str, Path]] = [
        (render("aging_report.html", **common), stage / "aging.pdf"),
        (render("actions_report.html", actions=actions, **common), stage / "actions.pdf"),
    ]
    (stage / "statements").mkdir(exist_ok=True)
    for client in site.clients:  # type: ignore[attr-defined]
        if client.has_statement:
            html = render("statement.html", client=client, **common)
            jobs.append((html, stage / "statements" / f"{client.slug}.pdf"))
    css_text = (templates_dir() / "pdf.css").read_text(encoding="utf-8")
    with Progress("PDFs", len(jobs), enabled=progress) as bar:
        write_pdfs(jobs, css_text, base_url=str(templates_dir()), on_done=bar.advance)
    return len(jobs)
