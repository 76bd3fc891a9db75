"""Raw string tables -> the typed ledger: codes, day numbers and exact minor units.

Every problem is gathered as a Diagnostic naming file, line, column and value; the caller
decides whether errors stop the run. Whole-column operations only: no loop over rows. The
jobs live next door: cells (each file's own cells), amounts, codes (keys to integers),
frames (one typed frame per file), references (cross-file warnings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..diagnostics import Diagnostic, did_you_mean
from .cells import check_cells
from .codes import ClientCodes, InvoiceIndex, currency_names
from .csvread import RawTable, empty_table, read_csv
from .frames import (
    clients_frame,
    documents_frame,
    empty_documents,
    invoices_frame,
    plans_frame,
    text_frame,
)
from .problems import MAX_SHOWN, Problems
from .references import reference_warnings
from .schema import CREDIT_NOTES, FILES, INVOICES, PAYMENTS
from .source import KEPT_COLUMNS, Source

__all__ = ["MAX_SHOWN", "Ledger", "load_ledger", "type_ledger"]


@dataclass
class Ledger:
    """The canonical ledger as typed frames.

    Dates are int32 day numbers (ledger.dates.NO_DATE when absent), amounts int64 minor units
    of the row's currency (`cur`, an index into `currencies`), `client` an int32 code into
    `clients`, `inv` the row of the named invoice in `invoices` (-1 when none or unknown).
    `row` is the 0-based data row in the file; `sources[file].lines.line(row)` its line.
    """

    invoices: pd.DataFrame
    payments: pd.DataFrame
    credit_notes: pd.DataFrame
    clients: pd.DataFrame
    disputes: pd.DataFrame
    contacts: pd.DataFrame
    plans: pd.DataFrame
    sources: dict[str, Source] = field(default_factory=dict)
    sent_log: str = ""  # the sent log whose deliveries were added to `contacts` ('' none)
    currencies: list[str] = field(default_factory=list)  # currency code of each `cur`

    def client_ids(self) -> np.ndarray:
        return np.asarray(self.clients["client_id"].to_numpy(dtype=object))


def load_ledger(folder: Path, default_currency: str,
                known_terms: Iterable[str] | None = None) -> tuple[Ledger | None, list[Diagnostic]]:
    """Read and type every canonical file in `folder`. Returns (None, diagnostics) on errors.

    A file that cannot be read at all (empty, absent, a required column missing) does not
    stop the checks of the others: they are typed without it, so every file's problems are
    reported in one run.
    """
    problems = Problems()
    raws: dict[str, RawTable] = {}
    unusable: set[str] = set()
    if not folder.is_dir():
        return None, [Diagnostic("error", str(folder), None, None, "",
                                 "the ledger folder does not exist",
                                 "pass --ledger DIR with invoices.csv in it")]
    paths, stray = _ledger_files(folder)
    problems.items.extend(stray)
    for schema in FILES:
        path = paths.get(schema.filename, folder / schema.filename)
        if not path.exists():
            if schema.required_file:
                problems.add(Diagnostic("error", str(path), None, None, "",
                                        f"{schema.filename} is required but absent"))
                unusable.add(schema.name)
            continue
        raw, diags = read_csv(path, schema)
        problems.items.extend(diags)
        if raw is not None:
            raws[schema.name] = raw
        else:
            unusable.add(schema.name)
    if "invoices" not in raws:
        raws["invoices"] = empty_table(INVOICES, folder / INVOICES.filename)
    ledger = type_ledger(raws, default_currency, known_terms, problems, unusable)
    if problems.has_errors():
        return None, problems.items
    return ledger, problems.items


def _ledger_files(folder: Path) -> tuple[dict[str, Path], list[Diagnostic]]:
    """The ledger's files by canonical name, a name in other case (Invoices.csv,
    PAYMENTS.CSV) counting as that file; and a warning for each other CSV file, which is not
    read (payment.csv for payments.csv would silently leave every invoice unpaid)."""
    canonical = {schema.filename.casefold(): schema.filename for schema in FILES}
    found: dict[str, Path] = {}
    warnings: list[Diagnostic] = []
    entries = sorted(p for p in folder.iterdir() if p.is_file())
    exact = {p.name for p in entries}
    for path in entries:
        name = canonical.get(path.name.casefold())
        if name is not None and (path.name == name or name not in exact):
            if name in found:  # Invoices.csv and INVOICES.CSV: read neither silently
                warnings.append(Diagnostic("warning", str(path), None, None, "",
                                           f"a second file for {name}; it is not read",
                                           f"keep one: {found[name].name} is read"))
                continue
            found[name] = path
        elif path.suffix.casefold() in (".csv", ".txt", ".tsv"):
            hint = did_you_mean(path.name.casefold(), sorted(canonical.values()))
            if name is not None:
                hint = f"{name} is read instead"
            warnings.append(Diagnostic("warning", str(path), None, None, "",
                                       "not a ledger file arreport reads; it is ignored",
                                       hint or "the ledger files are "
                                       + ", ".join(s.filename for s in FILES)))
    return found, warnings


def type_ledger(raws: dict[str, RawTable], default_currency: str,
                known_terms: Iterable[str] | None, problems: Problems,
                unusable: set[str] | None = None) -> Ledger:
    """Type the files read. With `unusable` files (reported already), only each file's own
    problems are looked for: cross-file warnings would be noise, and a currency that would
    come from a missing file is not known, so those rows' decimals are not checked.

    The ledger keeps of the files' strings only what later warnings quote (Source)."""
    unusable = unusable or set()
    cur_names = currency_names(raws, default_currency)
    invoice_index = InvoiceIndex.of(raws)  # its codes tell duplicate invoice ids too
    for name, raw in raws.items():
        check_cells(raw, problems, set(cur_names),
                    invoice_index.id_codes if name == "invoices" else None)
    codes = ClientCodes.of(raws)
    clients, client_cur = clients_frame(raws.get("clients"), codes, cur_names,
                                        default_currency, problems)
    invoices = invoices_frame(raws["invoices"], codes.of_file["invoices"], client_cur,
                              cur_names, known_terms, problems, "clients" in unusable)
    inv_cur = invoices["cur"].to_numpy()
    docs: dict[str, pd.DataFrame] = {}
    for schema, id_col in ((PAYMENTS, "payment_id"), (CREDIT_NOTES, "credit_id")):
        doc_raw = raws.get(schema.name)
        docs[schema.name] = empty_documents(id_col) if doc_raw is None else documents_frame(
            doc_raw, id_col, codes.of_file[schema.name],
            invoice_index.lookup(schema.name, len(doc_raw)), inv_cur, client_cur, cur_names,
            invoices["cur"].dtype, problems, "invoices" in unusable, "clients" in unusable)
    disputes = text_frame(raws.get("disputes"), {"invoice_id": "id", "opened": "date",
                                                 "resolved": "date", "reason": "text"})
    disputes["inv"] = invoice_index.lookup("disputes", len(disputes))
    contacts = text_frame(raws.get("contacts"), {
        "date": "date", "client_id": "id", "channel": "text", "invoice_id": "id",
        "step": "text", "outcome": "text", "promise_date": "date", "note": "text"})
    contacts["client"] = codes.of_file["contacts"]
    contacts["inv"] = invoice_index.lookup("contacts", len(contacts))
    plans = plans_frame(raws.get("payment_plans"), codes.of_file["payment_plans"], client_cur,
                        cur_names, problems, "clients" in unusable)
    ledger = Ledger(invoices=invoices, payments=docs["payments"],
                    credit_notes=docs["credit_notes"], clients=clients, disputes=disputes,
                    contacts=contacts, plans=plans, currencies=cur_names)
    # a file with errors may have lost rows (a quote never closed swallows the rest of it):
    # warnings that one file names what another lacks wait until the errors are fixed
    if not unusable and not problems.has_errors():
        reference_warnings(ledger, raws, problems)
    ledger.sources = {name: raw.release(KEPT_COLUMNS.get(name, ()))
                      for name, raw in raws.items()}
    return ledger
