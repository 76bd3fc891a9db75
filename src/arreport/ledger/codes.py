"""Integer codes for the ledger's keys, one hash pass per key space: client ids across every
file, currency codes, and each invoice_id reference's invoice row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import money
from .cells import to_numpy
from .csvread import RawTable

CLIENT_FILES = ("clients", "invoices", "payments", "credit_notes", "contacts", "payment_plans")
REFERRING_FILES = ("payments", "credit_notes", "disputes", "contacts")  # name an invoice_id
EMPTY = pa.array([], pa.string())


def _column(raws: Mapping[str, RawTable], name: str, column: str) -> pa.Array:
    raw = raws.get(name)
    return raw.column(column) if raw is not None else EMPTY


def _encode(parts: list[pa.Array]) -> tuple[pa.Array, np.ndarray, list[np.ndarray]]:
    """One dictionary over the concatenated parts: (dictionary, codes of all, codes of each
    part), codes -1 for null."""
    enc = pc.dictionary_encode(pa.chunked_array(parts, pa.string())).combine_chunks()
    codes = to_numpy(enc.indices.fill_null(-1) if enc.null_count else enc.indices)
    offsets = np.cumsum([0] + [len(p) for p in parts])
    return enc.dictionary, codes, [codes[offsets[i]:offsets[i + 1]] for i in range(len(parts))]


@dataclass
class ClientCodes:
    """One code space for client ids across every file, so grouping is integer work; codes
    ordered by client_id text so every listing is deterministic."""

    ids: pa.Array  # client_id of each code, sorted
    of_file: dict[str, np.ndarray]  # int32 code of each row's client_id, -1 when empty

    @classmethod
    def of(cls, raws: Mapping[str, RawTable]) -> ClientCodes:
        dictionary, codes_all, _ = _encode([_column(raws, n, "client_id")
                                             for n in CLIENT_FILES])
        order = to_numpy(pc.sort_indices(dictionary)).astype(np.int64)
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        if len(rank):
            codes_all = np.where(codes_all >= 0, rank[np.maximum(codes_all, 0)], -1)
        codes_all = codes_all.astype(np.int32)
        offsets = np.cumsum([0] + [len(_column(raws, n, "client_id")) for n in CLIENT_FILES])
        return cls(pc.take(dictionary, pa.array(order)),
                   {n: codes_all[offsets[i]:offsets[i + 1]]
                    for i, n in enumerate(CLIENT_FILES)})

    def __len__(self) -> int:
        return len(self.ids)


def currency_names(raws: Mapping[str, RawTable], default_currency: str) -> list[str]:
    """Every known currency code the ledger's files name, and the default, sorted."""
    seen = {default_currency}
    for name in ("clients", "invoices", "payments", "credit_notes"):
        if name in raws and raws[name].has("currency"):
            values = pc.unique(raws[name].column("currency")).to_pylist()
            seen.update(v for v in values if v is not None and money.is_known_currency(v))
    return sorted(seen)


def currency_codes(values: pa.Array, names: list[str]) -> np.ndarray:
    """Each cell's index in `names`, -1 when empty or not one of them."""
    idx = pc.index_in(values, value_set=pa.array(names, pa.string()))
    return np.asarray(to_numpy(pc.fill_null(idx, -1)), dtype=np.int32)


@dataclass
class InvoiceIndex:
    """invoice_id -> the row of its first invoice, for every file that names one, from one
    dictionary over the invoice ids and every reference (a million ids hashed once, not once
    per referring file)."""

    id_codes: np.ndarray  # a code per invoice row (-1 when empty): equal ids, equal codes
    rows: dict[str, np.ndarray]  # per referring file: the invoice row of each cell, -1 none

    @classmethod
    def of(cls, raws: Mapping[str, RawTable]) -> InvoiceIndex:
        referring = [n for n in REFERRING_FILES if n in raws]
        _, _, codes = _encode([raws["invoices"].column("invoice_id")]
                              + [raws[n].column("invoice_id") for n in referring])
        ids = codes[0].astype(np.int64)
        size = max((int(c.max(initial=-1)) for c in codes), default=-1) + 1
        first = np.full(size + 1, -1, dtype=np.int64)  # the last slot: for null (-1)
        valid = ids >= 0
        first[ids[valid][::-1]] = np.flatnonzero(valid)[::-1]
        return cls(ids, {n: first[c.astype(np.int64)] for n, c in zip(referring, codes[1:],
                                                                       strict=True)})

    def lookup(self, name: str, n_rows: int) -> np.ndarray:
        """The invoice row each `name` row names (-1 when none or unknown)."""
        return self.rows.get(name, np.full(n_rows, -1, dtype=np.int64))
