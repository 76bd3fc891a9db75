"""The loader's whole-column fast paths against the straightforward ones they stand in for.

Each fast path answers only when a whole column passes its test; otherwise the cell-by-cell
path runs and names each problem. Here both run on generated cells and generated ledgers
(valid and invalid cells, quoting, CRLF, BOMs, blank lines, unknown references, duplicate
ids) and must give the same values, the same frames and the same diagnostics, in order.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arreport import money
from arreport.ledger import amounts, cells, codes, csvread, dates
from arreport.ledger.build import Ledger, load_ledger
from arreport.ledger.csvread import LineMap, read_csv
from arreport.ledger.schema import FILES, Column, FileSchema

FAST = settings(max_examples=200, deadline=None)
LEDGERS = settings(max_examples=60, deadline=None)

# --- cells -----------------------------------------------------------------------------------

GOOD_DATES = st.dates(dates.FIRST_DATE, dates.LAST_DATE).map(lambda d: d.isoformat())
BAD_DATES = st.sampled_from([
    "2024-02-30", "2023-02-29", "2024-1-01", "2024-01-1", "2024-01-01T00", "24-01-01",
    "2024/01/01", "20240101", "1899-12-31", "3000-01-01", "0000-01-01", "9999-12-31",
    "２０２４-01-01", "2024-13-01", "2024-00-10", "2024-01-00", "+2024-01-01", "2024-01-01 ",
    "-2024-01-01", "abcd-ef-gh", "",
])
DATE_CELLS = st.one_of(GOOD_DATES, GOOD_DATES, BAD_DATES, st.none())


def _amount_text(units: int, decimals: int, leading: int) -> str:
    text = str(units).rjust(decimals + 1, "0")
    whole, frac = text[:len(text) - decimals], text[len(text) - decimals:]
    whole = "0" * leading + whole
    return f"{whole}.{frac}" if decimals else whole


GOOD_AMOUNTS = st.builds(_amount_text, st.integers(0, 10**12), st.integers(0, 4),
                         st.integers(0, 2))
ODD_AMOUNTS = st.sampled_from([
    "5.", ".5", "0", "0.0", "00012.3400", "1000000000000000", "999999999999.9999",
    "10000000000000000000", "1" * 40, "0" * 40 + "1",
])
BAD_AMOUNTS = st.sampled_from([
    "-5.00", "1,200.50", "1.200,50", "1e3", "+5", ".", "1.2.3", "12.34567", "1 000", "٣",
    "5,", "USD 5", "$5", "0x10", "1_000", "",
])
AMOUNT_CELLS = st.one_of(GOOD_AMOUNTS, GOOD_AMOUNTS, GOOD_AMOUNTS, ODD_AMOUNTS, BAD_AMOUNTS,
                         st.none())


@FAST
@given(st.lists(DATE_CELLS, max_size=30))
def test_date_cast_agrees_with_the_cell_parser(cells_: list[str | None]) -> None:
    text = pa.array(cells_, pa.string())
    slow_days, slow_bad = dates.parse_days(text)
    fast = dates.parse_days_fast(text)
    assert (fast is None) == bool(slow_bad.any())  # used whenever it can be
    if fast is not None:
        assert fast.dtype == slow_days.dtype
        np.testing.assert_array_equal(fast, slow_days)


@FAST
@given(st.lists(st.tuples(AMOUNT_CELLS, st.sampled_from([0, 2, 3, 4])), max_size=30),
       st.integers(0, 3))
def test_amount_cast_agrees_with_the_cell_parser(rows: list[tuple[str | None, int]],
                                                 skip: int) -> None:
    whole = pa.array([c for c, _ in rows], pa.string())
    text = whole.slice(min(skip, len(whole)))  # a slice: its buffers start before it
    places = np.array([p for _, p in rows], dtype=np.int64)[min(skip, len(whole)):]
    slow, problem = money.parse_minor_units(text, places)
    fast = amounts.parse_minor_units_fast(text, places)
    clean = bool(np.isin(problem, (0, 4)).all())
    cells_ = [c for c in text.to_pylist() if c is not None]
    # used whenever it can be: the reader reads an empty cell as null, never "", and the
    # cast holds any amount below 9.2 * 10**14 at 4 decimals
    if "" not in cells_ and all(len(c.split(".")[0]) <= 14 for c in cells_):
        assert (fast is not None) == clean
    assert fast is None or clean
    if fast is not None:
        assert fast.dtype == slow.dtype
        np.testing.assert_array_equal(fast, slow)


ID_CELLS = st.one_of(st.sampled_from(["I1", "I2", "I3", "I10", "I02", "i1", "INV-7", "é"]),
                     st.text(alphabet="AB12", min_size=1, max_size=3), st.none())


def _reference_lookup(ids: pa.Array, refs: pa.Array) -> np.ndarray:
    """The loader's former lookup: a hash of the invoice ids per referring file."""
    enc = pc.dictionary_encode(ids)
    inv_codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False))
    pos = np.full(len(enc.dictionary), -1, dtype=np.int64)
    valid = inv_codes >= 0
    pos[inv_codes[valid][::-1]] = np.flatnonzero(valid)[::-1]
    if len(enc.dictionary) == 0:
        return np.full(len(refs), -1, dtype=np.int64)
    idx = np.asarray(pc.fill_null(pc.index_in(refs, value_set=enc.dictionary), -1)
                     .to_numpy(zero_copy_only=False)).astype(np.int64)
    return np.where(idx >= 0, pos[np.maximum(idx, 0)], -1)


class _Column:
    """Enough of a RawTable for the codes: one column of strings."""

    def __init__(self, **columns: list[str | None]) -> None:
        self.columns = {k: pa.array(v, pa.string()) for k, v in columns.items()}

    def column(self, name: str) -> pa.Array:
        return self.columns[name]


@FAST
@given(st.lists(ID_CELLS, max_size=20), st.lists(st.lists(ID_CELLS, max_size=15),
                                                 min_size=4, max_size=4))
def test_one_dictionary_finds_each_reference_as_a_hash_per_file_did(
        ids: list[str | None], refs: list[list[str | None]]) -> None:
    raws = {"invoices": _Column(invoice_id=ids)}
    for name, cells_ in zip(codes.REFERRING_FILES, refs, strict=True):
        raws[name] = _Column(invoice_id=cells_)
    index = codes.InvoiceIndex.of(raws)  # type: ignore[arg-type]
    for name, cells_ in zip(codes.REFERRING_FILES, refs, strict=True):
        expected = _reference_lookup(pa.array(ids, pa.string()), pa.array(cells_, pa.string()))
        np.testing.assert_array_equal(index.lookup(name, len(cells_)), expected)
    # equal ids, equal codes; null, -1
    for a, x in zip(ids, index.id_codes.tolist(), strict=True):
        assert (x == -1) == (a is None)
        for b, y in zip(ids, index.id_codes.tolist(), strict=True):
            assert (x == y) == (a == b) or a is None or b is None


@FAST
@given(st.lists(ID_CELLS, max_size=25), st.booleans())
def test_sorted_ids_are_unique_exactly_when_hashing_says_so(ids: list[str | None],
                                                           sort: bool) -> None:
    if sort:
        ids = sorted(ids, key=lambda v: (v is None, (v or "").encode()))
    arr = pa.array(ids, pa.string())
    if cells.strictly_increasing(arr):
        codes_ = cells.id_codes(arr)
        assert len(set(codes_.tolist())) == len(ids) and (codes_ >= 0).all()
    elif ids and all(i is not None for i in ids) and len(ids) > 1:
        encoded = [i.encode() for i in ids if i is not None]
        assert encoded != sorted(set(encoded))


# --- generated ledgers -----------------------------------------------------------------------

CLIENT_IDS = st.sampled_from(["C1", "C2", "C3", "C10", "c1", ""])
CURRENCY_CELLS = st.sampled_from(["USD", "EUR", "JPY", "BHD", "", "", "usd", "XXX", "EURO"])
INVOICE_REFS = st.sampled_from(["I1", "I2", "I3", "I4", "I5", "NOPE", "", ""])


def _rows(draw: st.DrawFn, columns: dict[str, st.SearchStrategy[str | None]],
          max_rows: int) -> list[list[str]]:
    n = draw(st.integers(0, max_rows))
    return [[draw(s) or "" for s in columns.values()] for _ in range(n)]


def _id_column(draw: st.DrawFn, prefix: str, n: int) -> list[str]:
    """Ids in order (the usual export), shuffled, or with duplicates and gaps."""
    kind = draw(st.sampled_from(["sorted", "shuffled", "messy"]))
    ids = [f"{prefix}{k + 1}" for k in range(n)]
    if kind == "shuffled":
        ids = draw(st.permutations(ids))
    elif kind == "messy":
        ids = [draw(st.sampled_from([f"{prefix}1", f"{prefix}2", f"{prefix}10", ""]))
               for _ in range(n)]
    return list(ids)


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Files as (header, rows): invalid cells, unknown references and duplicates included."""
    valid = draw(st.booleans())  # half the ledgers clean, to reach the cross-file warnings
    date = GOOD_DATES if valid else DATE_CELLS
    amount = GOOD_AMOUNTS if valid else AMOUNT_CELLS
    currency = st.sampled_from(["USD", "EUR", ""]) if valid else CURRENCY_CELLS
    clients = st.sampled_from(["C1", "C2", "C3", "C10"]) if valid else CLIENT_IDS
    files: dict[str, tuple[list[str], list[list[str]]]] = {}
    inv = _rows(draw, {"client_id": clients, "issue_date": date, "due_date": st.one_of(
        date, st.none()), "amount": amount, "currency": currency}, 8)
    ids = _id_column(draw, "I", len(inv)) if not valid else [f"I{k + 1}" for k in
                                                             range(len(inv))]
    files["invoices"] = (["invoice_id", "client_id", "issue_date", "due_date", "amount",
                          "currency"], [[i, *r] for i, r in zip(ids, inv, strict=True)])
    for name, id_col in (("payments", "payment_id"), ("credit_notes", "credit_id")):
        if draw(st.booleans()):
            rows = _rows(draw, {"client_id": clients, "date": date, "amount": amount,
                                "currency": currency, "invoice_id": INVOICE_REFS}, 8)
            doc_ids = _id_column(draw, id_col[0].upper(), len(rows))
            files[name] = ([id_col, "client_id", "date", "amount", "currency", "invoice_id"],
                           [[i, *r] for i, r in zip(doc_ids, rows, strict=True)])
    if draw(st.booleans()):
        rows = _rows(draw, {"client_id": clients, "name": st.sampled_from(
            ["Acme, Inc.", "Zoë \"Z\" Ltd", "Plain", "two\nlines", ""]),
            "currency": currency, "credit_limit": st.one_of(amount, st.none()),
            "segment": st.sampled_from(["dental", "", "medical"])}, 5)
        files["clients"] = (["client_id", "name", "currency", "credit_limit", "segment"], rows)
    if draw(st.booleans()):
        files["disputes"] = (["invoice_id", "opened"], _rows(
            draw, {"invoice_id": INVOICE_REFS, "opened": date}, 3))
    if draw(st.booleans()):
        files["contacts"] = (["date", "client_id", "channel", "invoice_id"], _rows(
            draw, {"date": date, "client_id": clients, "channel": st.just("email"),
                   "invoice_id": INVOICE_REFS}, 4))
    return files


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, object]:
    """How the files are written: line ends, a BOM, quoting, padding, blank lines."""
    return {"newline": draw(st.sampled_from(["\n", "\r\n"])), "bom": draw(st.booleans()),
            "quote_all": draw(st.booleans()), "pad": draw(st.booleans()),
            "blank_after": draw(st.lists(st.integers(0, 8), max_size=2)),
            "final_newline": draw(st.booleans())}


def _write(folder: Path, files: dict[str, tuple[list[str], list[list[str]]]],
           layout: dict[str, object]) -> None:
    newline = str(layout["newline"])
    for name, (header, rows) in files.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=newline,
                            quoting=csv.QUOTE_ALL if layout["quote_all"] else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        blank_after = layout["blank_after"]
        assert isinstance(blank_after, list)
        for k, row in enumerate(rows):
            writer.writerow([f" {c} " if layout["pad"] and c else c for c in row])
            if k in blank_after:
                out.write(newline)
        text = out.getvalue()
        if not layout["final_newline"]:
            text = text.removesuffix(newline)
        data = text.encode("utf-8")
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + data if layout["bom"] else data)


def _reference_index(raws: dict[str, csvread.RawTable]) -> codes.InvoiceIndex:
    ids = raws["invoices"].column("invoice_id")
    rows = {n: _reference_lookup(ids, raws[n].column("invoice_id"))
            for n in codes.REFERRING_FILES if n in raws}
    return codes.InvoiceIndex(cells.id_codes(ids), rows)


@contextmanager
def straightforward(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every fast path off: cell-by-cell parsing, hashed uniqueness, a hash per referring
    file, line maps read from the file."""
    with monkeypatch.context() as m:
        m.setattr(csvread, "parse_days_fast", lambda text: None)
        m.setattr(amounts, "parse_minor_units_fast", lambda text, places: None)
        m.setattr(cells, "strictly_increasing", lambda ids: False)
        m.setattr(csvread, "_data_lines", lambda data: -1)
        m.setattr(codes.InvoiceIndex, "of", classmethod(lambda cls, raws: _reference_index(
            raws)))
        yield


def _lines(ledger: Ledger) -> dict[str, list[int]]:
    return {name: [s.lines.line(r) for r in range(len(s))] for name, s in
            ledger.sources.items()}


def _assert_same(fast: Ledger | None, slow: Ledger | None) -> None:
    assert (fast is None) == (slow is None)
    if fast is None or slow is None:
        return
    for name in ("invoices", "payments", "credit_notes", "clients", "disputes", "contacts",
                 "plans"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name),
                                      check_exact=True)
    assert fast.currencies == slow.currencies
    assert _lines(fast) == _lines(slow)
    assert fast.sources.keys() == slow.sources.keys()
    for name, source in fast.sources.items():
        for column, values in source.kept.items():
            assert values.equals(slow.sources[name].kept[column])


@LEDGERS
@given(ledgers(), layouts())
def test_a_ledger_loads_the_same_with_and_without_the_fast_paths(
        files: dict[str, tuple[list[str], list[list[str]]]], layout: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as monkeypatch:
        folder = Path(tmp)
        _write(folder, files, layout)
        fast, fast_diags = load_ledger(folder, "USD", None)
        with straightforward(monkeypatch):
            slow, slow_diags = load_ledger(folder, "USD", None)
        assert fast_diags == slow_diags
        _assert_same(fast, slow)


TWO_COLUMNS = FileSchema("refs", (Column("invoice_id", "id", True),
                                  Column("client_id", "id", True)))


@LEDGERS
@given(st.lists(st.sampled_from(["I1,C1", "\"I,2\",C1", "\"I\n3\",C2", "I4,C1,extra", "",
                                 ",", "I5 , C3", "\"I6\",\"C\r\n4\""]), max_size=12),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_a_plain_file_maps_rows_to_lines_as_reading_it_again_does(
        lines: list[str], newline: str, bom: bool) -> None:
    text = newline.join(["invoice_id,client_id", *lines]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "invoices.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        raw, _ = read_csv(path, TWO_COLUMNS)
        assert raw is not None
        reread = LineMap(path, raw.lines.ncols, raw.lines.excluded)
        assert [raw.lines.line(r) for r in range(len(raw))] == \
            [reread.line(r) for r in range(len(raw))]
        if raw.lines.plain:
            assert [raw.lines.line(r) for r in range(len(raw))] == \
                list(range(2, len(raw) + 2))


def test_sources_keep_only_what_later_warnings_quote(tmp_path: Path) -> None:
    (tmp_path / "invoices.csv").write_text(
        "invoice_id,client_id,issue_date,amount\nI1,C1,2024-01-01,100.00\n")
    (tmp_path / "clients.csv").write_text("client_id,name,segment\nC1,Acme,dental\n")
    ledger, diags = load_ledger(tmp_path, "USD", None)
    assert ledger is not None and not [d for d in diags if d.severity == "error"]
    assert ledger.sources["clients"].column("segment").to_pylist() == ["dental"]
    assert ledger.sources["clients"].column("client_id").to_pylist() == ["C1"]
    with pytest.raises(KeyError, match="not kept"):
        ledger.sources["invoices"].column("amount")
    assert ledger.sources["invoices"].lines.line(0) == 2
    assert ledger.currencies == ["USD"]
    assert {s.name for s in FILES} >= set(ledger.sources)
