"""Issue 4 review, `arreport explain`: where each due date comes from, every step condition
with its figures, what pauses an invoice (and the contact, plan or dispute row behind it),
broken plans and promises, and the exclusion with its segments.yaml line and reason."""

from __future__ import annotations

from pathlib import Path

from conftest import run_arreport, write_ledger, write_policies

AS_OF = "2024-06-30"

LADDER = """
    ladders:
      standard:
        pause_when: [disputed, payment_plan, promised]
        steps:
          - {id: first, at: 1, channel: email}
          - {id: quiet, at: 14, channel: phone, min_days_since_last_contact: 5}
          - {id: dentalonly, at: 16, channel: letter, segment: dental}
          - {id: consumeronly, at: 18, channel: letter, kind: consumer}
"""

SEGMENTS = """
    default: {terms: net30, ladder: standard}
    segments:
      dental: {terms: net30, ladder: standard}
      medical: {terms: net60, ladder: standard}
      vip: {exclude: true, reason: key account}
    clients:
      OV: {terms: net15}
      EX: {exclude: true, reason: litigation}
"""


def explain(tmp_path: Path, client: str, **ledger: str) -> list[str]:
    write_ledger(tmp_path / "ledger", **ledger)
    if not (tmp_path / "policies").exists():
        write_policies(tmp_path / "policies", escalation=LADDER, segments=SEGMENTS)
    done = run_arreport("explain", client, "--ledger", "ledger", "--policies", "policies",
                        "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()


CLIENTS = """
    client_id,name,segment,kind
    S2,Medical with its own due date,medical,business
    M1,Medical on terms,medical,business
    OV,Override,medical,business
    Q1,Recently called,,business
    EX,In court,dental,business
    VIP,Key account,vip,business
"""


def test_an_invoices_own_due_date_is_its_source_whatever_the_terms(tmp_path: Path) -> None:
    lines = explain(tmp_path, "S2", clients=CLIENTS, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        IS2,S2,2024-05-15,2024-06-14,100.00
    """)
    assert "  due line 0: due 2024-06-14 (the invoice's own due_date, ledger/invoices.csv:2)" \
        in lines


def test_terms_cite_the_segments_yaml_line_that_chose_them(tmp_path: Path) -> None:
    lines = explain(tmp_path, "M1", clients=CLIENTS, invoices="""
        invoice_id,client_id,issue_date,amount
        IM1,M1,2024-04-01,100.00
        IOV,OV,2024-04-01,100.00
    """)
    assert ("  due line 0: due 2024-05-31 (terms net60: net 60 days, terms.yaml:7; chosen by "
            "segment medical segments.yaml:4)") in lines
    override = explain(tmp_path, "OV", clients=CLIENTS, invoices="""
        invoice_id,client_id,issue_date,amount
        IM1,M1,2024-04-01,100.00
        IOV,OV,2024-04-01,100.00
    """)
    assert ("  due line 0: due 2024-04-16 (terms net15: net 15 days, terms.yaml:5; chosen by "
            "client override segments.yaml:7)") in override


def test_each_condition_is_shown_with_its_figures(tmp_path: Path) -> None:
    lines = explain(tmp_path, "Q1", clients=CLIENTS, invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        IQ1,Q1,2024-05-10,2024-06-12,100.00
    """, contacts="""
        date,client_id,channel,invoice_id,step,outcome
        2024-06-26,Q1,email,,,sent
    """)
    steps = [line.split(maxsplit=1) for line in lines if line.startswith("    ")
             and line.split()[0] in ("quiet", "dentalonly", "consumeronly")]
    assert dict(steps) == {
        "quiet": "at   14  escalation.yaml:6    reached (18 ≥ 14); min_days_since_last_contact "
                 "5: last contact 2024-06-26 (ledger/contacts.csv:2), 4 days ago < 5 → does "
                 "not apply",
        "dentalonly": "at   16  escalation.yaml:7    reached (18 ≥ 16); segment dental: "
                      "client's segment – is not listed → does not apply",
        "consumeronly": "at   18  escalation.yaml:8    reached (18 ≥ 18); kind consumer: "
                        "client is business → does not apply",
    }
    assert "  last contact: 2024-06-26, 4 days ago (ledger/contacts.csv:2)" in lines
    assert "    stands on: first" in lines


PAUSES = {
    "clients": """
        client_id,name
        D1,Disputes
        PR1,Promised
        PR2,Promise broken
        PL1,Plan kept
        PL2,Plan broken
    """,
    "invoices": """
        invoice_id,client_id,issue_date,due_date,amount
        ID1,D1,2024-05-09,2024-06-08,600.00
        IPR1,PR1,2024-05-09,2024-06-08,600.00
        IPR2,PR2,2024-05-09,2024-06-08,600.00
        IPL1,PL1,2024-05-09,2024-06-08,600.00
        IPL2,PL2,2024-05-09,2024-06-08,600.00
    """,
    "disputes": """
        invoice_id,opened,resolved,reason
        ID1,2024-06-01,,quality
    """,
    "contacts": """
        date,client_id,channel,invoice_id,step,outcome,promise_date
        2024-06-25,PR1,phone,IPR1,,promise,2024-06-30
        2024-06-25,PR2,phone,IPR2,,promise,2024-06-29
    """,
    "payment_plans": """
        plan_id,client_id,start,installments,every_days,amount,invoice_ids
        PA,PL1,2024-06-01,6,14,100.00,IPL1
        PB,PL2,2024-06-01,6,14,100.00,IPL2
    """,
    "payments": """
        payment_id,client_id,date,amount,invoice_id
        P1,PL1,2024-06-01,100.00,IPL1
        P2,PL1,2024-06-15,100.00,IPL1
        P3,PL1,2024-06-29,100.00,IPL1
        P4,PL2,2024-06-20,300.00,IPL2
    """,
}


def test_pauses_name_their_cause_with_its_row_and_figures(tmp_path: Path) -> None:
    assert ("    dispute opened 2024-06-01 (ledger/disputes.csv:2), reason quality, open: "
            "PAUSES escalation") in explain(tmp_path, "D1", **PAUSES)
    promised = explain(tmp_path, "PR1", **PAUSES)
    assert ("    promise to pay by 2024-06-30, recorded 2024-06-25 (ledger/contacts.csv:2): "
            "running, PAUSES escalation") in promised
    assert "    stands on: no step (paused: promised)" in promised
    assert ("    plan PA (ledger/payment_plans.csv:2): 3 of 6 installments of 100.00 USD due "
            "by now, 300.00 USD due, 300.00 USD paid; kept: PAUSES escalation"
            ) in explain(tmp_path, "PL1", **PAUSES)


def test_broken_plans_and_promises_are_named(tmp_path: Path) -> None:
    assert ("    promise to pay by 2024-06-29, recorded 2024-06-25 (ledger/contacts.csv:3): "
            "BROKEN, the date passed with the invoice open") in explain(tmp_path, "PR2", **PAUSES)
    broken = explain(tmp_path, "PL2", **PAUSES)
    assert "  payment plan PB (ledger/payment_plans.csv:3) is broken since 2024-06-01" in broken
    assert ("    plan PB (ledger/payment_plans.csv:3): 3 of 6 installments of 100.00 USD due "
            "by now, 300.00 USD due, 300.00 USD paid; BROKEN: the installment due 2024-06-01 "
            "was missed, so the plan no longer pauses escalation") in broken


def test_an_exclusion_cites_its_line_and_reason(tmp_path: Path) -> None:
    invoices = """
        invoice_id,client_id,issue_date,due_date,amount
        E1,EX,2024-04-01,2024-05-01,100.00
        V1,VIP,2024-04-01,2024-05-01,100.00
    """
    lines = explain(tmp_path, "EX", clients=CLIENTS, invoices=invoices)
    assert ("  excluded from reminders, fees and holds by segments.yaml:8 (clients.EX): "
            "litigation") in lines
    assert "    stands on: no step (excluded)" in lines
    assert ("  excluded from reminders, fees and holds by segments.yaml:5 (segments.vip): "
            "key account") in explain(tmp_path, "VIP", clients=CLIENTS, invoices=invoices)
