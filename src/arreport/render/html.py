"""Jinja2 environment and the HTML pages of the site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..report.actions_view import ActionsView
from ..report.clients_view import ClientPages
from ..report.kpis_view import METHODS, CurrencyKpis
from ..report.profile import RiskPage
from ..report.view import SiteView
from ..resources import templates_dir
from .charts import line_chart
from .pages import (
    ACTION_ROWS,
    CLIENTS_PER_JOB,
    PAGE_ROWS,
    PAGES_PER_JOB,
    Paged,
    PageJob,
    paginate,
)
from .reuse import Entry, Reuse


@lru_cache(maxsize=4)
def environment(extra: str | None = None) -> jinja2.Environment:
    paths = [p for p in (extra,) if p] + [str(templates_dir())]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def kpi_charts(kpis: list[CurrencyKpis]) -> dict[str, dict[str, Markup]]:
    """Per currency: the dashboard's SVG charts (DSO, receivables, CEI over the months)."""
    out = {}
    for k in kpis:
        out[k.currency] = {
            "dso": Markup(line_chart(f"DSO by month, {k.currency}", k.labels,
                                     [("DSO", list(k.dso)), ("Best possible DSO",
                                                              list(k.best_dso))],
                                     unit=" days")),
            "receivables": Markup(line_chart(f"Receivables by month, {k.currency}", k.labels,
                                             [("Open", list(k.open)),
                                              ("Overdue", list(k.overdue))],
                                             unit=f" {k.currency}")),
            "cei": Markup(line_chart(f"Collection effectiveness by month, {k.currency}",
                                     k.labels, [("CEI", list(k.cei))], unit="%")),
        }
    return out


@dataclass(frozen=True)
class PagedList:
    """A long list of the site, split into pages: `kind` names its table (paged.html)."""

    key: str  # the name templates find its first page by: paged[key]
    kind: str
    page: str  # the page of the site its first page is part of (for the navigation)
    pages: list[Paged]
    context: dict[str, Any]  # what its table needs besides the rows


def site_jobs(reuse: Reuse, site: SiteView, clients: ClientPages, basis: str, pdf: bool,
              actions: ActionsView, policies: object, risk: RiskPage, kpis: list[CurrencyKpis],
              outgoing: Sequence[Any] = (), page_rows: int = PAGE_ROWS,
              action_rows: int = ACTION_ROWS,
              clients_per_job: int = CLIENTS_PER_JOB) -> tuple[list[PageJob], int]:
    """Jobs that render and write every page of the site into the stage of `reuse`, and how
    many pages they write. `outgoing`: the day's letters and statements (report.documents.Outgoing),
    linked from the action list and the client pages. Long tables are split into pages of
    `page_rows` rows (`action_rows` client actions)."""
    letters = {(o.client_id, o.step): o for o in outgoing if o.document == "letter"}
    docs_of: dict[str, list[Any]] = {}
    for o in outgoing:
        docs_of.setdefault(o.client_id, []).append(o)
    lists = [
        *(PagedList(f"aging-{c.currency}", "aging", "aging",
                    paginate(c.rows, f"aging-{c.currency}", f"aging.html#{c.currency}",
                             f"Aging report, {c.currency}", page_rows), {"currency": c})
          for c in site.currencies),
        PagedList("clients", "clients", "clients",
                  paginate(site.clients, "clients", "clients.html", "Clients with a balance",
                           page_rows), {}),
        PagedList("risk-warnings", "warnings", "risk",
                  paginate(risk.warnings, "risk-warnings", "risk.html#warnings",
                           "Early warnings", page_rows), {}),
        PagedList("risk-changes", "changes", "risk",
                  paginate(risk.changes, "risk-changes", "risk.html#tiers",
                           f"Loyalty tier changes since {risk.previous}", page_rows), {}),
        PagedList("risk-ranking", "ranking", "risk",
                  paginate(risk.ranking, "risk-ranking", "risk.html#ranking", "Risk by client",
                           page_rows), {}),
        *(PagedList(f"actions-{k}", "actions", "actions",
                    paginate(g.actions, f"actions-{k}", "actions.html",
                             f"{g.title}, owner {g.owner}", action_rows), {})
          for k, g in enumerate(actions.groups, start=1)),
        PagedList("actions-outgoing", "outgoing", "actions",
                  paginate([o for o in outgoing if o.delivery], "actions-outgoing",
                           "actions.html#outgoing", "Letters and statements today",
                           page_rows), {}),
        PagedList("actions-held-back", "held_back", "actions",
                  paginate(actions.held_back, "actions-held-back", "actions.html#held-back",
                           "Held back today", page_rows), {}),
        PagedList("actions-holds", "holds", "actions",
                  paginate(actions.holds, "actions-holds", "actions.html#holds",
                           "Credit holds", page_rows), {}),
    ]
    common = {"site": site, "pdf": pdf, "basis": basis, "actions": actions, "risk": risk,
              "kpis": {k.currency: k for k in kpis}, "charts": kpi_charts(kpis),
              "kpi_methods": METHODS, "letters": letters, "docs_of": docs_of,
              "outgoing": outgoing, "slugs": {c.client_id: c.slug for c in site.clients},
              "paged": {pl.key: pl.pages[0] for pl in lists}}

    def summary(name: str, **extra: Any) -> PageJob:
        def job() -> list[Entry]:
            return [reuse.write_text(f"{name}.html", render(f"{name}.html", page=name, root="",
                                                            **extra, **common))]
        return job

    def rest(pl: PagedList, pages: list[Paged]) -> PageJob:
        def job() -> list[Entry]:
            template = environment().get_template("paged.html")
            return [reuse.write_text(p.file, template.render(
                page=pl.page, root="", kind=pl.kind, p=p, **pl.context, **common))
                for p in pages]
        return job

    def client_pages(lo: int, hi: int) -> PageJob:
        def job() -> list[Entry]:
            template = environment().get_template("client.html")
            return [reuse.write_text(f"clients/{client.slug}.html", template.render(
                page="client", root="../", client=client, **common))
                for client in clients.views(lo, hi)]
        return job

    (reuse.stage / "clients").mkdir(parents=True, exist_ok=True)
    jobs: list[PageJob] = [
        summary("risk"), summary("policies", sections=policies), summary("actions"),
        summary("index"), summary("aging"), summary("clients")]
    for pl in lists:  # pages 2 and on, a few per job so the workers share them evenly
        jobs += [rest(pl, pl.pages[k:k + PAGES_PER_JOB]) for k in range(1, len(pl.pages),
                                                                      PAGES_PER_JOB)]
    step = max(clients_per_job, 1)
    jobs += [client_pages(lo, lo + step) for lo in range(0, len(clients), step)]
    n_pages = 6 + sum(len(pl.pages) - 1 for pl in lists) + len(clients)
    return jobs, n_pages
