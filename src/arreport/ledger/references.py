"""Warnings that one file names what another lacks: unknown invoices, clients absent from
clients.csv. Never fatal; looked for only when every file typed without errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..diagnostics import Diagnostic
from .cells import to_numpy
from .csvread import RawTable
from .problems import Problems

if TYPE_CHECKING:
    from .build import Ledger


def reference_warnings(ledger: Ledger, raws: Mapping[str, RawTable], problems: Problems) -> None:
    """A document or dispute naming an invoice that does not exist: warned, never fatal."""
    contacts_raw = raws.get("contacts")
    if contacts_raw is not None:
        named = to_numpy(contacts_raw.column("invoice_id").is_valid())
        problems.add_rows(contacts_raw, named & (ledger.contacts["inv"].to_numpy() < 0),
                          "invoice_id", contacts_raw.column("invoice_id"),
                          "names unknown invoice '{value}'; the row counts for no invoice",
                          "", severity="warning")
    plans_raw = raws.get("payment_plans")
    if plans_raw is not None and len(ledger.plans):
        # only the plan clients' invoices can be named: no set of a million ids
        mine = np.isin(ledger.invoices["client"].to_numpy(), ledger.plans["client"].to_numpy())
        known = set(pc.filter(raws["invoices"].column("invoice_id"), pa.array(mine)
                              ).drop_null().to_pylist())
        ids = ledger.plans["invoice_ids"].fillna("").astype(str).str.split(r"[\s,;]+",
                                                                          regex=True)
        unknown = np.array([any(i and i not in known for i in row) for row in ids])
        problems.add_rows(plans_raw, unknown, "invoice_ids", plans_raw.column("invoice_ids"),
                          "'{value}' names an invoice that does not exist; the plan covers "
                          "only those that do", "", severity="warning")
    for name in ("payments", "credit_notes", "disputes"):
        raw = raws.get(name)
        if raw is None:
            continue
        frame = getattr(ledger, "plans" if name == "payment_plans" else name)
        named = to_numpy(raw.column("invoice_id").is_valid())
        unknown = named & (frame["inv"].to_numpy() < 0)
        what = "goes to the client's pool" if name != "disputes" else "is ignored"
        problems.add_rows(raw, unknown, "invoice_id", raw.column("invoice_id"),
                          "names unknown invoice '{value}'; the amount " + what
                          if name != "disputes" else "names unknown invoice '{value}'; "
                          "the dispute is ignored", "", severity="warning")
    clients = ledger.clients
    missing = ~clients["in_file"].to_numpy()
    if "clients" in raws and missing.any():
        ids = clients["client_id"].to_numpy(dtype=object)[missing]
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        problems.add(Diagnostic("warning", raws["clients"].display, None, "client_id",
                                "client_id", f"{len(ids)} client(s) not in clients.csv: {shown}",
                                "they are reported under their id"))
