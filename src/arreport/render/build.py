"""Writes one report as a site: data CSVs, HTML pages and PDFs, gathered then swapped in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..diagnostics import Diagnostic
from ..pipeline import Report
from ..report.actions_view import ActionsView, build_actions_view
from ..report.clients_view import ClientPages
from ..report.documents import (
    LetterView,
    Outgoing,
    StatementView,
    build_letters,
    build_statements,
    plan_outgoing,
)
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
from .documents import Rendered
from .html import render, site_jobs, templates_dir
from .pages import run_jobs, workers_for
from .reuse import MANIFEST, Entry, Reuse, content_key, write_manifest
from .site import staged_site

BASIS_TEXT = {"due_date": "days past due", "issue_date": "days since issue"}


def write_site(report: Report, out_dir: Path, pdf: bool = True, progress: bool = False,
               on_stage: Callable[[str], None] | None = None,
               documents: Documents | None = None, workers: int | None = None,
               paging: dict[str, int] | None = None) -> str:
    """Build the whole site in a staging folder, then swap it in for `out_dir`.

    `on_stage(name)` is called as each stage ends (view, pages, data, pdf, swap), so the
    caller can time them. `workers`: processes for the pages (default: one per core for a
    large site); `paging`: page_rows, action_rows, clients_per_job for site_jobs (tests).
    """
    mark = on_stage or (lambda _name: None)
    client_pages = ClientPages(report)
    site = build_view(report, client_pages.rows())
    actions = build_actions_view(report)
    if documents is None:
        documents = prepare_documents(report) if pdf else Documents([], [])
    risk = risk_page(report)
    mark("view")
    basis = BASIS_TEXT[report.policies.aging.basis]
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
        previous = out_dir.resolve() if (out_dir / MANIFEST).is_file() else None
        reuse = Reuse(previous, stage)
        jobs, n_pages = site_jobs(reuse, site, client_pages, basis, pdf, actions,
                                  build_policies_view(report.policies), risk,
                                  kpi_views(report), documents.outgoing, **(paging or {}))
        entries = run_jobs(jobs, workers_for(n_pages) if workers is None else workers)
        n_pages, pages_kept = len(entries), reuse.kept(entries)
        (stage / "site.css").write_text(css, encoding="utf-8", newline="\n")
        mark("pages")
        n_pdf = n_mail = pdfs_kept = 0
        if pdf:
            pdf_entries = _write_pdfs(report, site, actions, basis, reuse, progress,
                                      documents)
            entries += pdf_entries
            n_pdf, pdfs_kept = len(pdf_entries), reuse.kept(pdf_entries)
            n_mail = _write_outbox(report, stage, documents)
            write_table(documents_csv_table(report, documents.outgoing),
                        stage / "data" / "documents.csv")
            mark("pdf")
        write_manifest(stage, entries)
    mark("swap")
    n_print = sum(1 for o in documents.outgoing if o.delivery == "print")
    kept = [f"{n} {what}" for n, what in ((pages_kept, "pages"), (pdfs_kept, "PDFs")) if n]
    return (f"{len(report.items)} open items, {len(site.clients)} clients, "
            f"{n_pages} pages, {n_pdf} PDFs"
            + (f" ({' and '.join(kept)} unchanged since the previous build)" if kept else "")
            + (f", {n_mail} emails in the outbox, {n_print} letters to print" if pdf else ""))


def _write_pdfs(report: Report, site: object, actions: ActionsView, basis: str, reuse: Reuse,
                progress: bool, documents: Documents) -> list[Entry]:
    """Every PDF of the site: a PDF made from the same inputs as the previous build's is
    linked from it, the others laid out. Their manifest entries."""
    from importlib.metadata import version

    from .pdf import PdfJob, pdf_moment, pdf_timestamp, stylesheet, write_pdfs
    from .progress import Progress

    stage = reuse.stage
    created = pdf_timestamp(report.as_of)
    company = report.policies.company
    common = {"site": site, "company": company, "created": created, "basis": basis}
    jobs: list[PdfJob] = [
        PdfJob(render("aging_report.html", **common), stage / "aging.pdf"),
        PdfJob(render("actions_report.html", actions=actions, **common), stage / "actions.pdf"),
    ]
    (stage / "statements").mkdir(exist_ok=True)
    (stage / "letters").mkdir(exist_ok=True)
    for view, rendered in documents.rendered:
        attachments: tuple[tuple[str, bytes, str], ...] = ()
        if isinstance(view, StatementView):
            attachments = ((f"open-items-{view.slug}-{view.as_of_iso}.csv", view.csv,
                            "Open items of this statement (CSV)"),)
        jobs.append(PdfJob(rendered.html, stage / view.path, "pdf/a-3b", attachments))
    folder = templates_dir()
    css_text = stylesheet(company.paper, (folder / "pdf.css").read_text(encoding="utf-8"),
                          (folder / "documents.css").read_text(encoding="utf-8"))
    moment = pdf_moment(report.as_of)
    logo = Path(company.logo) if company.logo else None
    # what a PDF is made from besides its own HTML: the stylesheet, the logo it shows, the
    # PDF date and the layout engine
    shared = content_key(css_text, logo.read_bytes() if logo and logo.is_file() else b"",
                         moment.isoformat(), version("weasyprint"), version("pydyf"),
                         version("arreport"))
    entries: list[Entry] = []
    todo: list[tuple[PdfJob, str]] = []
    for job in jobs:
        rel = job.path.relative_to(stage).as_posix()
        key = content_key(shared, job.html, job.variant or "",
                          *(part for a in job.attachments for part in a))
        linked = reuse.link(rel, key)
        if linked is not None:
            entries.append(linked)
        else:
            todo.append((job, key))
    with Progress("PDFs", len(todo), enabled=progress) as bar:
        write_pdfs([job for job, _ in todo], css_text, base_url=str(folder),
                   on_done=bar.advance, moment=moment)
    for job, key in todo:
        rel = job.path.relative_to(stage).as_posix()
        entries.append((rel, key, job.path.stat().st_size))
    return entries


@dataclass
class Documents:
    """The day's letters and statements, rendered, and how each goes out."""

    rendered: list[tuple[LetterView | StatementView, Rendered]]
    outgoing: list[Outgoing]
    warnings: list[Diagnostic] = field(default_factory=list)  # documents to print instead


def prepare_documents(report: Report) -> Documents:
    """Render every letter and statement of A (raises InputError naming a letter template
    that does not render, before anything is written)."""
    from ..diagnostics import InputError
    from .documents import TemplateProblem, render_letter, render_statement
    from .pdf import pdf_timestamp

    company = report.policies.company
    created = pdf_timestamp(report.as_of)
    folder = report.policies.folder
    letters = build_letters(report)
    statements = build_statements(report)
    rendered: list[tuple[LetterView | StatementView, Rendered]] = []
    problems: dict[str, Diagnostic] = {}
    for letter in letters:
        try:
            rendered.append((letter, render_letter(letter, company, created, folder)))
        except TemplateProblem as exc:
            problems.setdefault(exc.template, Diagnostic(
                "error", template_display(folder, exc.template), None, None,
                f"step {letter.step}", f"letter template does not render: {exc.message}",
                "run arreport check to see every template problem"))
    if problems:
        raise InputError(list(problems.values()))
    for statement in statements:
        rendered.append((statement, render_statement(statement, company, created, folder)))
    outgoing, warnings = plan_outgoing(report, letters, statements)
    return Documents(rendered=rendered, outgoing=outgoing, warnings=warnings)


def _write_outbox(report: Report, stage: Path, documents: Documents) -> int:
    """outbox/*.eml for the documents emailed today, each with its PDF."""
    from ..deliver.outbox import attachment_name, build_message
    from .pdf import pdf_moment

    company = report.policies.company
    by_path = {view.path: (view, rendered) for view, rendered in documents.rendered}
    moment = pdf_moment(report.as_of)
    n = 0
    for o in documents.outgoing:
        if o.delivery != "email":
            continue
        view, rendered = by_path[o.pdf]
        client = view.client
        _, data = build_message(
            sender_name=company.name, sender=company.email, reply_to=company.reply_to,
            to_name=client.contact or client.name, to=o.to, subject=rendered.subject,
            text=rendered.email_text, html=rendered.email_html,
            pdf=(stage / o.pdf).read_bytes(),
            pdf_name=attachment_name(o.document, o.client_id, o.step, report.as_of.isoformat()),
            client_id=o.client_id, document=o.document, step=o.step,
            invoice_ids=o.invoice_ids, as_of=report.as_of.isoformat(),
            language=view.language.locale.replace("_", "-"), moment=moment)
        path = stage / o.eml
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        n += 1
    return n


def documents_csv_table(report: Report, outgoing: list[Outgoing]) -> pa.Table:
    """data/documents.csv: every letter and statement of A, how it goes out, its files."""
    from ..deliver.outbox import message_id

    sender = report.policies.company.email
    as_of = report.as_of.isoformat()
    rows = sorted(outgoing, key=lambda o: (o.client_id, o.document, o.step))
    return pa.table({
        "client_id": [o.client_id for o in rows],
        "document": [o.document for o in rows],
        "step": [o.step for o in rows],
        "channel": [o.channel for o in rows],
        "delivery": [o.delivery for o in rows],
        "to": [" ".join(o.to) for o in rows],
        "language": [o.language for o in rows],
        "pdf": [o.pdf for o in rows],
        "eml": [o.eml for o in rows],
        "message_id": [message_id(o.document, o.client_id, o.step, as_of, sender,
                                  o.invoice_ids) if o.eml else "" for o in rows],
        "invoice_ids": [" ".join(o.invoice_ids) for o in rows],
        "note": [o.note for o in rows],
    }, schema=pa.schema([(c, pa.string()) for c in DOCUMENT_COLUMNS]))


DOCUMENT_COLUMNS = ("client_id", "document", "step", "channel", "delivery", "to", "language",
                    "pdf", "eml", "message_id", "invoice_ids", "note")


def template_display(policies_folder: str, name: str) -> str:
    """Where a template is, for a message: the policies folder's copy or the shipped one."""
    from ..diagnostics import display_path

    own = Path(policies_folder) / "templates" / name
    return display_path(own) if own.is_file() else f"(shipped) {name}"
