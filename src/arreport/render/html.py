"""Jinja2 environment and the HTML pages of the site."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..report.kpis_view import METHODS, CurrencyKpis
from ..report.view import SiteView
from ..resources import templates_dir
from .charts import line_chart


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


def site_pages(site: SiteView, basis: str, pdf: bool, actions: object,
               policies: object, risk: object, kpis: list[CurrencyKpis],
               outgoing: Sequence[Any] = ()) -> Iterator[tuple[str, str]]:
    """(relative path, HTML text) for every page of the site, rendered as they are asked for
    so that a site of many clients is never held in memory whole. `outgoing`: the day's
    letters and statements (report.documents.Outgoing), linked from the action list and
    the client pages."""
    letters = {(o.client_id, o.step): o for o in outgoing if o.document == "letter"}
    docs_of: dict[str, list[Any]] = {}
    for o in outgoing:
        docs_of.setdefault(o.client_id, []).append(o)
    common = {"site": site, "pdf": pdf, "basis": basis, "actions": actions, "risk": risk,
              "kpis": {k.currency: k for k in kpis}, "charts": kpi_charts(kpis),
              "kpi_methods": METHODS, "letters": letters, "docs_of": docs_of,
              "outgoing": outgoing}
    slugs = {c.client_id: c.slug for c in site.clients}
    pages = {
        "risk.html": render("risk.html", page="risk", root="", slugs=slugs, **common),
        "policies.html": render("policies.html", page="policies", root="", sections=policies,
                                **common),
        "actions.html": render("actions.html", page="actions", root="", **common),
        "index.html": render("index.html", page="index", root="", **common),
        "aging.html": render("aging.html", page="aging", root="", **common),
        "clients.html": render("clients.html", page="clients", root="", **common),
    }
    yield from pages.items()
    template = environment().get_template("client.html")
    for client in site.clients:
        yield f"clients/{client.slug}.html", template.render(
            page="client", root="../", client=client, **common)
