"""Properties of allocation and aging on generated ledgers, checked against tests/oracle.py.

Ledgers are small (2-4 clients, USD and EUR, up to 8 invoices and 10 payments or credit notes)
with dates in a narrow range so that ties on due date, issue date and document date are common,
and with references that are good, unknown, another client's, in another currency or issued
after the as-of date.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Outcome
from oracle import allocate as oracle_allocate


def settlement_dates(result: Outcome) -> dict[str, dt.date]:
    """invoice_id -> settlement date, for the invoices the engine finds settled."""
    from arreport.compute.settlement import NOT_SETTLED
    from arreport.ledger.dates import from_day

    s = result.report.settled
    ids = result.report.ledger.invoices["invoice_id"].to_numpy(dtype=object)
    return {str(ids[i]): from_day(int(d)) for i, d in zip(
        s["inv"].tolist(), s["settlement_date"].tolist(), strict=True) if d != NOT_SETTLED}

BASE = dt.date(2024, 1, 1)
CLIENTS = ("C1", "C2", "C3", "C4")
CURRENCIES = ("USD", "EUR")
TERMS = ("net15", "net30", "eom30", "10th_next", "deposit30")
SEGMENTS = ("dental", "medical", "beauty", "financial", "nosuchsegment")

PROPERTY_TERMS = """\
currency: USD
aging: {basis: due_date, buckets: [0, 30, 60, 90]}
terms:
  net15: {net_days: 15}
  net30: {net_days: 30}
  net60: {net_days: 60}
  eom30: {net_days: 30, from: end_of_month}
  10th_next: {day_of_next_month: 10}
  deposit30: {net_days: 30, deposit: {percent: 30}}
default_terms: net30
"""

PROPERTIES = settings(max_examples=100, deadline=None)

ComputeReport = Callable[..., Outcome]


@dataclass(frozen=True)
class GeneratedLedger:
    """A ledger as rows of text per file (header first), and its as-of date."""

    files: dict[str, tuple[tuple[str, ...], ...]]
    as_of: dt.date

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.files.items():
            text = "".join(",".join(row) + "\n" for row in rows)
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        return folder

    def with_row(self, name: str, row: tuple[str, ...]) -> GeneratedLedger:
        files = dict(self.files)
        files[name] = files[name] + (row,)
        return replace(self, files=files)

    def shuffled(self, rnd: random.Random) -> GeneratedLedger:
        files = {}
        for name, (header, *rows) in self.files.items():
            rnd.shuffle(rows)
            files[name] = (header, *rows)
        return replace(self, files=files)


def money_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def day(offset: int) -> str:
    return (BASE + dt.timedelta(days=offset)).isoformat()


# Few distinct dates and round amounts make the cases that matter common: equal due dates
# (then equal issue dates) among one client's invoices, and a pool that pays some of them
# only in part. A random amount now and then keeps odd cents in play. (Measured against
# oracles with a tie-break removed, 100 examples catch each such mutant.)
ISSUE_DAYS = st.sampled_from((0, 4, 4, 9, 12))
DUE_DAYS = st.sampled_from((12, 20, 20, 31))
AMOUNTS = st.one_of(st.sampled_from((3000, 5000, 10000, 12000)), st.integers(1, 30000))
OPTIONAL_CURRENCY = st.sampled_from(("", "", *CURRENCIES))


@st.composite
def generated_ledgers(draw: st.DrawFn) -> GeneratedLedger:
    clients = CLIENTS[:draw(st.integers(2, 4))]

    client_rows = [("client_id", "name", "segment", "currency")]
    for client_id in clients:
        segment = draw(st.sampled_from(("", *SEGMENTS)))
        client_rows.append((client_id, f"Client {client_id}", segment,
                            draw(OPTIONAL_CURRENCY)))

    n_invoices = draw(st.integers(0, 8))
    invoice_ids = [f"I{n}" for n in draw(st.permutations(range(n_invoices)))]
    # often, the first few invoices are one client's, due the same day: exact ties for the pool
    n_tied = draw(st.integers(0, min(3, n_invoices)))
    invoice_rows = [("invoice_id", "client_id", "issue_date", "due_date", "amount",
                     "currency", "terms")]
    for k, invoice_id in enumerate(invoice_ids):
        if k < n_tied:
            row = (invoice_id, clients[0], day(draw(st.sampled_from((0, 4)))), day(12),
                   money_text(draw(AMOUNTS)), "", "")
        else:
            issue = draw(ISSUE_DAYS)
            due = "" if draw(st.integers(0, 2)) == 0 else day(max(issue, draw(DUE_DAYS)))
            row = (invoice_id, draw(st.sampled_from(clients)), day(issue), due,
                   money_text(draw(AMOUNTS)), draw(OPTIONAL_CURRENCY),
                   draw(st.sampled_from(("", *TERMS))))
        invoice_rows.append(row)

    references = st.sampled_from(("", "", "I99", *invoice_ids))
    payment_rows = [("payment_id", "client_id", "date", "amount", "currency", "invoice_id")]
    credit_rows = [("credit_id", "client_id", "date", "amount", "currency", "invoice_id")]
    for n in range(draw(st.integers(0, 10))):
        is_payment = draw(st.booleans())
        document = (f"P{n}" if is_payment else f"CN{n}", draw(st.sampled_from(clients)),
                    day(draw(st.integers(0, 25))), money_text(draw(AMOUNTS)),
                    draw(OPTIONAL_CURRENCY), draw(references))
        (payment_rows if is_payment else credit_rows).append(document)
    if n_tied > 1:  # a pool for the tied invoices, which may pay them only in part
        payment_rows.append(("P-pool", clients[0], day(draw(st.integers(0, 25))),
                             money_text(draw(AMOUNTS)), "", ""))

    as_of = BASE + dt.timedelta(days=draw(st.integers(0, 35)))
    files = {"clients": tuple(client_rows), "invoices": tuple(invoice_rows),
             "payments": tuple(payment_rows), "credit_notes": tuple(credit_rows)}
    return GeneratedLedger(files=files, as_of=as_of)


@st.composite
def extra_payments(draw: st.DrawFn, ledger: GeneratedLedger) -> tuple[str, ...]:
    invoice_ids = [row[0] for row in ledger.files["invoices"][1:]]
    clients = [row[0] for row in ledger.files["clients"][1:]]
    offset = (ledger.as_of - BASE).days
    return ("PX", draw(st.sampled_from(clients)), day(draw(st.integers(0, offset))),
            money_text(draw(AMOUNTS)), draw(OPTIONAL_CURRENCY),
            draw(st.sampled_from(("", "I99", *invoice_ids))))


@pytest.fixture(scope="session")
def property_policies(tmp_path_factory: pytest.TempPathFactory,
                      policies_writer: Callable[..., Path]) -> Path:
    """The default policies with a deposit term added."""
    return policies_writer(tmp_path_factory.mktemp("property") / "policies",
                           terms=PROPERTY_TERMS)


def computed(ledger: GeneratedLedger, policies: Path,
             compute_report: ComputeReport) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        return compute_report(ledger.write(Path(folder) / "ledger"), ledger.as_of, policies)


@PROPERTIES
@given(ledger=generated_ledgers())
def test_engine_agrees_with_the_oracle(ledger: GeneratedLedger, property_policies: Path,
                                       compute_report: ComputeReport) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger_dir = ledger.write(Path(folder) / "ledger")
        result = compute_report(ledger_dir, ledger.as_of, property_policies)
        expected = oracle_allocate(ledger_dir, property_policies, ledger.as_of)
    assert result.open_lines == expected.open
    assert result.unapplied == expected.unapplied
    assert settlement_dates(result) == expected.settled
    for key, group in result.groups.items():
        assert group["invoiced"] == expected.invoiced.get(key, 0), key
        assert group["paid"] == expected.paid.get(key, 0), key
        assert group["credited"] == expected.credited.get(key, 0), key


@PROPERTIES
@given(ledger=generated_ledgers())
def test_money_is_conserved_and_open_stays_within_the_amount(
        ledger: GeneratedLedger, property_policies: Path,
        compute_report: ComputeReport) -> None:
    result = computed(ledger, property_policies, compute_report)
    for key, g in result.groups.items():
        assert g["invoiced"] - g["paid"] - g["credited"] == g["open"] - g["unapplied"], key
        assert g["unapplied"] >= 0
    lines = result.report.allocation.lines
    assert ((lines["open_amount"] >= 0) & (lines["open_amount"] <= lines["amount"])).all()
    for key, row in result.aging.items():
        assert row["total"] == result.groups[key]["open"], key
        assert row["unapplied_credit"] == result.groups[key]["unapplied"], key
        assert row["total"] == sum(row[label] for label in result.report.bucket_labels), key
    expected_rows = {key for key, g in result.groups.items() if g["open"] or g["unapplied"]}
    assert set(result.aging) == expected_rows


@PROPERTIES
@given(data=st.data(), ledger=generated_ledgers())
def test_adding_a_payment_never_increases_any_open_amount(
        data: st.DataObject, ledger: GeneratedLedger, property_policies: Path,
        compute_report: ComputeReport) -> None:
    payment = data.draw(extra_payments(ledger), label="extra payment")
    before = computed(ledger, property_policies, compute_report)
    after = computed(ledger.with_row("payments", payment), property_policies, compute_report)
    assert after.open_lines.keys() == before.open_lines.keys()
    for key, open_before in before.open_lines.items():
        assert after.open_lines[key] <= open_before, key


@PROPERTIES
@given(ledger=generated_ledgers(), seed=st.integers(0, 2**32 - 1))
def test_shuffling_the_rows_of_every_file_changes_no_output_byte(
        ledger: GeneratedLedger, seed: int, property_policies: Path,
        compute_report: ComputeReport) -> None:
    original = computed(ledger, property_policies, compute_report)
    shuffled = computed(ledger.shuffled(random.Random(seed)), property_policies,
                        compute_report)
    assert shuffled.open_items_csv == original.open_items_csv
    assert shuffled.aging_csv == original.aging_csv
