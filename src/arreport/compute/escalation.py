"""Escalation: which ladder governs each open item, what pauses it, the step it stands on,
the day's actions (suppressed where the contact log already records them) and the holds.

SPEC.md Semantics (Payment plans, Promises, Pauses, Escalation, Holds). Whole-frame work:
loops run over the policy's ladders and steps, never over invoices, payments or contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import money
from ..ledger.dates import NO_DATE
from ..policy.model import Assignment, Ladder, Policies, Step
from .groups import sum_by

PAUSES = ("disputed", "payment_plan", "promised")


@dataclass(frozen=True)
class StepTable:
    """Every step of every ladder as arrays, indexed by a global step number."""

    ladders: list[str]
    steps: list[tuple[Ladder, Step]]

    @classmethod
    def of(cls, policies: Policies) -> StepTable:
        names = sorted(policies.ladders)
        steps = [(policies.ladders[n], s) for n in names for s in policies.ladders[n].steps]
        return cls(ladders=names, steps=steps)

    def code(self, ladder: str) -> int:
        return self.ladders.index(ladder)


def client_ladders(clients: pd.DataFrame, policies: Policies) -> tuple[np.ndarray, np.ndarray]:
    """Per client code: the ladder code (-1: none) and whether the client is excluded.

    Chain: segments.yaml clients.<id>, else the client's risk tier (segments.yaml risk:, from
    the `risk_tier` column when the pipeline has added it), else the client's segment, else
    default.
    """
    table = StepTable.of(policies)
    n = len(clients)
    default = policies.default.ladder
    if default is None and "standard" in policies.ladders:
        default = "standard"
    ladder = np.full(n, table.code(default) if default in table.ladders else -1, dtype=np.int64)
    excluded = np.full(n, bool(policies.default.exclude), dtype=bool)
    seg = clients["segment"].fillna("").astype(str).to_numpy()
    for name, a in policies.segments.items():
        sel = seg == name
        if a.ladder:
            ladder[sel] = table.code(a.ladder)
        if a.exclude is not None:
            excluded[sel] = a.exclude
    for sel, a in risk_selections(clients, policies):
        if a.ladder:
            ladder[sel] = table.code(a.ladder)
    ids = clients["client_id"].astype(str).to_numpy()
    for cid, a in policies.clients.items():
        sel = ids == cid
        if a.ladder:
            ladder[sel] = table.code(a.ladder)
        if a.exclude is not None:  # a client entry may lift its segment's exclusion
            excluded[sel] = a.exclude
    return ladder, excluded


def risk_selections(clients: pd.DataFrame, policies: Policies
                    ) -> list[tuple[np.ndarray, Assignment]]:
    """(clients in that risk tier, what segments.yaml risk: assigns them), per assigned tier."""
    if "risk_tier" not in clients or not policies.risk_assignments:
        return []
    tier = clients["risk_tier"].to_numpy()
    names = [b.name for b in policies.risk.bands]
    return [(tier == names.index(name), a) for name, a in policies.risk_assignments.items()
            if name in names]


def plan_status(plans: pd.DataFrame, payments: pd.DataFrame, invoices: pd.DataFrame,
                as_of: int) -> pd.DataFrame:
    """Per plan dated on or before A: installments due, paid so far, broken, covered invoices.

    Returns columns plan, client, due (installments due by A), paid (minor units of plan
    payments by A), broken (bool), first_missed (day of the first short installment or
    NO_DATE), `covers`: a list of invoice rows the plan covers, and completed (bool: its
    last installment fell due before A and it is not broken; it covers nothing any more).
    """
    cols = ["plan", "client", "due", "paid", "broken", "first_missed", "covers", "completed"]
    if len(plans) == 0:
        return pd.DataFrame({c: [] for c in cols})
    p = plans.loc[plans["start"].to_numpy() <= as_of].copy()
    p["plan"] = p.index.to_numpy()
    # installments: one row per (plan, k)
    reps = np.maximum(p["installments"].to_numpy(), 0)
    inst = p.loc[p.index.repeat(reps), ["plan", "client", "start", "every_days", "amount"]]
    inst["k"] = np.concatenate([np.arange(r) for r in reps]) if len(reps) else []
    inst["due_day"] = inst["start"] + inst["k"] * inst["every_days"]
    inst = inst.loc[inst["due_day"].to_numpy() <= as_of]
    # the invoices each plan names (none named: the client's invoices issued by its start)
    ids = p["invoice_ids"].fillna("").astype(str).str.split(r"[\s,;]+", regex=True)
    named = ids.explode().rename("invoice_id").reset_index().rename(columns={"index": "plan"})
    named = named.loc[named["invoice_id"].astype(str) != ""]
    named = named.drop_duplicates(["plan", "invoice_id"])  # a repeated id counts once
    lists_invoices = set(named["plan"].tolist())
    # only the plan clients' payments and invoices matter: cut both down by integer codes
    # before any work on invoice id text
    plan_clients = np.unique(p["client"].to_numpy())
    pays = payments.loc[(payments["date"].to_numpy() <= as_of)
                        & np.isin(payments["client"].to_numpy(), plan_clients),
                        ["client", "date", "amount", "invoice_id"]].copy()
    pays["invoice_id"] = pays["invoice_id"].astype(object)
    by_invoice = named.merge(pays, on="invoice_id", how="inner")
    by_invoice = by_invoice.merge(p[["plan", "client", "start"]], on=["plan", "client"])
    listless = p.loc[~p["plan"].isin(sorted(lists_invoices)), ["plan", "client", "start"]]
    by_client = listless.merge(pays, on="client", how="inner")
    plan_pays = pd.concat([by_invoice[["plan", "date", "amount", "start"]],
                           by_client[["plan", "date", "amount", "start"]]], ignore_index=True)
    plan_pays = plan_pays.loc[plan_pays["date"] >= plan_pays["start"]]
    # paid by each installment's due date
    joined = inst.merge(plan_pays[["plan", "date", "amount"]].rename(
        columns={"amount": "paid_amount"}), on="plan", how="left")
    joined["counts"] = np.where(joined["date"].fillna(np.iinfo(np.int64).max)
                                <= joined["due_day"], joined["paid_amount"].fillna(0), 0)
    per_inst = joined.groupby(["plan", "k"], as_index=False).agg(
        paid=("counts", "sum"), due_day=("due_day", "first"), amount=("amount", "first"))
    per_inst["short"] = per_inst["paid"] < (per_inst["k"] + 1) * per_inst["amount"]
    missed = per_inst.loc[per_inst["short"]].groupby("plan")["due_day"].min()
    due_count = per_inst.groupby("plan")["k"].count()
    paid_total = plan_pays.groupby("plan")["amount"].sum()
    out = p[["plan", "client"]].copy()
    out["due"] = out["plan"].map(due_count).fillna(0).astype(np.int64)
    out["paid"] = out["plan"].map(paid_total).fillna(0).astype(np.int64)
    out["first_missed"] = out["plan"].map(missed).fillna(NO_DATE).astype(np.int64)
    out["broken"] = out["first_missed"] != NO_DATE
    # every installment fell due before A and none was missed: the plan is done and covers
    # nothing any more; what is still open escalates again
    last_due = p["start"].to_numpy() + (np.maximum(p["installments"].to_numpy(), 1) - 1) \
        * p["every_days"].to_numpy()
    out["completed"] = ~out["broken"].to_numpy() & (last_due < as_of)
    # covered invoice rows
    mine = np.flatnonzero(np.isin(invoices["client"].to_numpy(), plan_clients))
    inv_pos = pd.Series(mine, index=invoices["invoice_id"].iloc[mine].astype(object))
    inv_pos = inv_pos[~inv_pos.index.duplicated()]
    named_rows = named.assign(inv=named["invoice_id"].map(inv_pos)).dropna(subset=["inv"])
    covers = named_rows.groupby("plan")["inv"].apply(lambda s: sorted(int(v) for v in s))
    inv_client = invoices["client"].to_numpy()
    inv_issue = invoices["issue_date"].to_numpy()
    all_covers = []
    for plan, client, start in zip(out["plan"], out["client"], p["start"], strict=True):
        if plan in lists_invoices:  # the invoices it names that exist (maybe none)
            all_covers.append(covers[plan] if plan in covers.index else [])
        else:  # a handful of plans: a loop over plans, not invoices
            all_covers.append(np.flatnonzero((inv_client == client)
                                             & (inv_issue <= start)).tolist())
    out["covers"] = all_covers
    return out.reset_index(drop=True)


def _contacts_by(contacts: pd.DataFrame, as_of: int) -> pd.DataFrame:
    return contacts.loc[contacts["date"].to_numpy() <= as_of]


def escalate(items: pd.DataFrame, invoices: pd.DataFrame, clients: pd.DataFrame,
             contacts: pd.DataFrame, plans: pd.DataFrame, payments: pd.DataFrame,
             policies: Policies, currencies: list[str], as_of: int) -> pd.DataFrame:
    """Per open item: ladder, pause, step (order and global number), and whether it acts today.

    Adds columns ladder (code, -1 none), excluded, paused (''|disputed|payment_plan|promised),
    step (global step number or -1), step_order, recorded (highest recorded step order or -1),
    action (bool), balance (client's open total in the item's currency).
    """
    table = StepTable.of(policies)
    out = items.copy()
    n = len(out)
    client = out["client"].to_numpy().astype(np.int64)
    cur = out["cur"].to_numpy().astype(np.int64)
    inv = out["inv"].to_numpy().astype(np.int64)
    dpd = out["days_past_due"].to_numpy().astype(np.int64)
    lad_of_client, excluded_client = client_ladders(clients, policies)
    ladder = lad_of_client[client] if n else np.zeros(0, np.int64)
    excluded = excluded_client[client] if n else np.zeros(0, bool)

    # the client's open balance in each currency, disputed and not-yet-due included
    ncur = max(len(currencies), 1)
    key = client * ncur + cur
    balance_by_key = sum_by(key, out["open_amount"].to_numpy(), int(key.max(initial=-1)) + 1)
    balance = balance_by_key[key] if n else np.zeros(0, np.int64)

    # pauses --------------------------------------------------------------------------------
    paused = np.full(n, "", dtype=object)
    pause_allowed = {name: np.array([p in policies.ladders[lad].pause_when
                                     for lad in table.ladders] + [False])
                     for name, p in (("disputed", "disputed"), ("payment_plan", "payment_plan"),
                                     ("promised", "promised"))}
    lad_idx = np.where(ladder >= 0, ladder, len(table.ladders))
    status = plan_status(plans, payments, invoices, as_of)
    planned = np.zeros(len(invoices), dtype=bool)
    if len(status):
        status = status.loc[~status["broken"].astype(bool) & ~status["completed"].astype(bool)]
    for covers in status["covers"] if len(status) else []:
        planned[np.asarray(covers, dtype=np.int64)] = True
    recent = _contacts_by(contacts, as_of)
    promises = recent.loc[(recent["outcome"].fillna("").astype(str).to_numpy() == "promise")
                          & (recent["promise_date"].to_numpy() != NO_DATE)
                          & (recent["promise_date"].to_numpy() >= as_of)]
    promised_inv = np.zeros(len(invoices), dtype=bool)
    promised_client = np.zeros(len(clients), dtype=bool)
    pinv = promises["inv"].to_numpy()
    promised_inv[pinv[pinv >= 0]] = True
    named = promises["invoice_id"].notna().to_numpy()
    promised_client[promises["client"].to_numpy()[~named]] = True
    conditions = (
        ("promised", (promised_inv[inv] | promised_client[client]) if n else np.zeros(0, bool)),
        ("payment_plan", planned[inv] if n else np.zeros(0, bool)),
        ("disputed", out["disputed"].to_numpy().astype(bool)),
    )
    for name, mask in conditions:  # disputed wins, then plan, then promise
        paused = np.where(mask & pause_allowed[name][lad_idx], name, paused)

    # last contact with the client, for min_days_since_last_contact
    last_contact = np.full(len(clients), NO_DATE, dtype=np.int64)
    if len(recent):
        np.maximum.at(last_contact, recent["client"].to_numpy().astype(np.intp),
                      recent["date"].to_numpy().astype(np.int64))
    since_contact = np.where(last_contact[client] == NO_DATE, np.iinfo(np.int32).max,
                             as_of - last_contact[client]) if n else np.zeros(0, np.int64)

    seg = clients["segment"].fillna("").astype(str).to_numpy()[client] if n else np.zeros(0)
    kind = clients["kind"].fillna("business").astype(str).to_numpy()[client] if n else seg

    # the last reached step whose conditions hold -------------------------------------------
    active = (ladder >= 0) & ~excluded & (paused == "")
    step = np.full(n, -1, dtype=np.int64)
    for g, (lad, st) in enumerate(table.steps):
        mask = active & (ladder == table.code(lad.name)) & (dpd >= st.at)
        if st.min_balance is not None:
            threshold = np.array([_minor(st.min_balance, c) for c in currencies] + [0],
                                 dtype=np.int64)
            defined = np.array([st.min_balance.for_currency(c) is not None
                                for c in currencies] + [False])
            mask &= defined[cur] & (balance >= threshold[cur])
        if st.segments is not None:
            mask &= np.isin(seg, list(st.segments))
        if st.kind is not None:
            mask &= kind == st.kind
        if st.min_days_since_last_contact is not None:
            mask &= since_contact >= st.min_days_since_last_contact
        step[mask] = g  # steps come in ladder order, so the last reached wins
    order_of = np.array([s.order for _, s in table.steps] + [-1], dtype=np.int64)
    step_order = order_of[step]

    # what the contact log already records ----------------------------------------------------
    recorded = _recorded_orders(out, invoices, recent, table, lad_of_client)
    out["ladder"] = ladder
    out["excluded"] = excluded
    out["paused"] = paused.astype(str)
    out["step"] = step
    out["step_order"] = step_order
    out["recorded"] = recorded
    due_today = (step >= 0) & (step_order > recorded)
    held = _held_back(step, ladder, client, kind, recent, table, policies, len(clients),
                      as_of) if n else np.zeros(0, dtype=object)
    out["action"] = due_today & (held == "")
    out["held_back"] = np.where(due_today, held, "").astype(str)
    out["balance"] = balance
    out["since_contact"] = np.where(since_contact == np.iinfo(np.int32).max, -1, since_contact)
    return out


CONTACT_CHANNELS = ("email", "letter", "phone", "sms")


def _held_back(step: np.ndarray, ladder: np.ndarray, client: np.ndarray, kind: np.ndarray,
               contacts: pd.DataFrame, table: StepTable, policies: Policies, n_clients: int,
               as_of: int) -> np.ndarray:
    """Per item: the contact limit that holds today's contact back ('' when none)."""
    n = len(step)
    held = np.full(n, "", dtype=object)
    channel_of = np.array([st.channel or "" for _, st in table.steps] + [""], dtype=object)
    channel = channel_of[step]
    c_client = contacts["client"].to_numpy().astype(np.int64)
    c_date = contacts["date"].to_numpy().astype(np.int64)
    c_channel = contacts["channel"].fillna("").astype(str).to_numpy()
    c_outcome = contacts["outcome"].fillna("").astype(str).to_numpy()
    for lad_name in table.ladders:
        lad = policies.ladders[lad_name]
        code = table.code(lad_name)
        for lim in lad.contact_limits:
            scope = (ladder == code) & (kind == lim.kind) & np.isin(channel, CONTACT_CHANNELS)
            if lim.max is not None and lim.per_days is not None:
                if lim.channel is not None:
                    scope &= channel == lim.channel
                window = (c_date > as_of - lim.per_days) & (c_date <= as_of)
                if lim.channel is not None:
                    window &= c_channel == lim.channel
                counts = np.bincount(c_client[window], minlength=n_clients)
                blocked = counts >= lim.max
                what = f"{lim.channel} contacts" if lim.channel else "contacts"
                since = np.datetime64(int(as_of - lim.per_days + 1), "D")
            else:
                last = np.full(n_clients, np.iinfo(np.int64).min, dtype=np.int64)
                hit = c_outcome == (lim.quiet_after or "")
                if hit.any():
                    np.maximum.at(last, c_client[hit], c_date[hit])
                blocked = (last > np.iinfo(np.int64).min) & (
                    as_of - last < (lim.quiet_days or 0))
            sel = scope & blocked[client] & (held == "")
            if not sel.any():
                continue
            head = pd.Series(f"{lim.source} contact limit: {lim.describe()}; ", index=range(
                int(sel.sum())))
            who = client[sel]
            if lim.max is not None and lim.per_days is not None:
                figures = (pd.Series(counts[who]).astype(str)
                           + f" {what} recorded since {since} ≥ {lim.max}")
            else:
                figures = (f"'{lim.quiet_after}' contact on "
                           + pd.Series(last[who].astype("datetime64[D]")).dt.strftime("%Y-%m-%d")
                           + ", " + pd.Series(as_of - last[who]).astype(str)
                           + np.where(as_of - last[who] == 1, " day", " days")
                           + f" ago < {lim.quiet_days}")
            held[sel] = (head + figures).to_numpy(dtype=object)
    return held


def _minor(amount: object, currency: str) -> int:
    from ..policy.model import PolicyMoney

    assert isinstance(amount, PolicyMoney)
    value = amount.for_currency(currency)
    return 0 if value is None else money.decimal_to_minor(value, currency)


def _recorded_orders(items: pd.DataFrame, invoices: pd.DataFrame, contacts: pd.DataFrame,
                     table: StepTable, lad_of_client: np.ndarray) -> np.ndarray:
    """Per item: the highest step order of its ladder that the contact log records for it."""
    recorded = np.full(len(items), -1, dtype=np.int64)
    pairs = recorded_pairs(items, invoices, contacts, table, lad_of_client)
    if len(pairs):
        best = pairs.groupby("i")["order"].max()
        recorded[best.index.to_numpy()] = best.to_numpy()
    return recorded


def recorded_pairs(items: pd.DataFrame, invoices: pd.DataFrame, contacts: pd.DataFrame,
                   table: StepTable, lad_of_client: np.ndarray) -> pd.DataFrame:
    """Every (item i, step order, contact date) the contact log records.

    A row naming an invoice counts for that invoice; a row naming none counts for each of the
    client's invoices that had reached that step on the row's date. Unknown step ids count
    for nothing.
    """
    empty = pd.DataFrame({"i": np.zeros(0, np.int64), "order": np.zeros(0, np.int64),
                          "date": np.zeros(0, np.int64)})
    n = len(items)
    if n == 0 or len(contacts) == 0:
        return empty
    step_ids = contacts["step"].fillna("").astype(str).to_numpy()
    c_client = contacts["client"].to_numpy().astype(np.int64)
    c_inv = contacts["inv"].to_numpy().astype(np.int64)
    c_date = contacts["date"].to_numpy().astype(np.int64)
    c_named = contacts["invoice_id"].notna().to_numpy()
    inv_client = invoices["client"].to_numpy().astype(np.int64)
    # the contact's ladder: its invoice's client's (or its own client's)
    c_owner = np.where(c_inv >= 0, inv_client[np.maximum(c_inv, 0)], c_client)
    c_ladder = lad_of_client[np.maximum(c_owner, 0)]
    c_order = np.full(len(contacts), -1, dtype=np.int64)
    c_at = np.zeros(len(contacts), dtype=np.int64)
    for lad_obj, st in table.steps:
        sel = (c_ladder == table.code(lad_obj.name)) & (step_ids == st.id)
        c_order[sel] = st.order
        c_at[sel] = st.at
    known = c_order >= 0
    frame_items = pd.DataFrame({"i": np.arange(n), "inv": items["inv"].to_numpy(),
                                "client": items["client"].to_numpy(),
                                "due": items["due_date"].to_numpy().astype(np.int64),
                                "issue": items["issue_date"].to_numpy().astype(np.int64)})
    parts = []
    sel = known & c_named & (c_inv >= 0)
    named = pd.DataFrame({"inv": c_inv[sel], "order": c_order[sel], "date": c_date[sel]})
    if len(named):
        parts.append(frame_items.merge(named, on="inv")[["i", "order", "date"]])
    loose_sel = known & ~c_named
    if loose_sel.any():
        loose = pd.DataFrame({"client": c_client[loose_sel], "order": c_order[loose_sel],
                              "at": c_at[loose_sel], "date": c_date[loose_sel]})
        joined = frame_items.merge(loose, on="client", how="inner")
        reached = (joined["date"] - joined["due"] >= joined["at"]) & (
            joined["date"] >= joined["issue"])
        parts.append(joined.loc[reached, ["i", "order", "date"]])
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True).astype(np.int64)


def actions(escalated: pd.DataFrame, policies: Policies) -> pd.DataFrame:
    """One row per invoice and step due today: client, cur, inv, step (global number),
    amount (the invoice's open amount: all its due lines, as SPEC data/actions.csv says),
    days_past_due, balance."""
    acts = escalated.loc[escalated["action"].to_numpy()]
    if len(acts) == 0:
        return pd.DataFrame({c: np.zeros(0, np.int64) for c in
                             ("client", "cur", "inv", "step", "amount", "days_past_due",
                              "balance", "since_contact")})
    grouped = acts.groupby(["client", "inv", "cur", "step"], as_index=False, sort=True).agg(
        days_past_due=("days_past_due", "max"), balance=("balance", "first"),
        since_contact=("since_contact", "first"), invoice_id=("invoice_id", "first"))
    # by client, invoice id and step: the order of the ledger's rows must not matter
    grouped = grouped.sort_values(["client", "invoice_id", "step"], kind="stable")
    grouped = grouped.drop(columns="invoice_id").reset_index(drop=True)
    open_by_inv = escalated.groupby("inv")["open_amount"].sum()
    grouped.insert(4, "amount", open_by_inv.reindex(grouped["inv"].to_numpy()).to_numpy()
                   .astype(np.int64))
    _ = policies
    return grouped


def holds(escalated: pd.DataFrame, clients: pd.DataFrame, policies: Policies,
          currencies: list[str]) -> pd.DataFrame:
    """Clients on hold on A: an invoice stands on a hold step (or later), or the open balance
    in the client's currency exceeds its credit_limit; never an excluded client. Columns:
    client, cur, balance, limit (-1 none), by_step (inv of the furthest item on a hold step,
    -1 none), step (the ladder's hold step, global number), by_limit."""
    table = StepTable.of(policies)
    hold_order = np.full(len(table.ladders) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    stop_order = np.full(len(table.ladders) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    hold_global = np.full(len(table.ladders) + 1, -1, dtype=np.int64)
    for g, (lad_obj, st) in enumerate(table.steps):
        code = table.code(lad_obj.name)
        if st.action == "hold_shipments" and st.order < hold_order[code]:
            hold_order[code] = st.order
            hold_global[code] = g
        if st.action == "stop_hold" and st.order < stop_order[code]:
            stop_order[code] = st.order
    lad = escalated["ladder"].to_numpy().astype(np.int64)
    lad_idx = np.where(lad >= 0, lad, len(table.ladders))
    order = escalated["step_order"].to_numpy()
    # a step with action stop_hold (say, handed to an agency) ends the hold its ladder set
    on_hold_step = (escalated["step"].to_numpy() >= 0) & (order >= hold_order[lad_idx]) & (
        order < stop_order[lad_idx])
    n_clients = len(clients)
    client = escalated["client"].to_numpy().astype(np.int64)
    # the furthest-escalated item on a hold step, per client
    by_step = np.full(n_clients, -1, dtype=np.int64)
    step_of = np.full(n_clients, -1, dtype=np.int64)
    if on_hold_step.any():
        sub = escalated.loc[on_hold_step, ["client", "inv", "invoice_id", "days_past_due"]
                            ].assign(hold_step=hold_global[lad_idx[on_hold_step]])
        sub["invoice_id"] = sub["invoice_id"].astype(object)
        # ties by invoice id, not by row, so the order of the ledger's rows does not matter
        top = sub.sort_values(["client", "days_past_due", "invoice_id"],
                              ascending=[True, False, True], kind="stable")
        top = top.drop_duplicates("client")
        by_step[top["client"].to_numpy()] = top["inv"].to_numpy()
        step_of[top["client"].to_numpy()] = top["hold_step"].to_numpy()
    # balance in the client's own currency against the credit limit
    ccur = clients["cur"].to_numpy().astype(np.int64)
    same_cur = escalated["cur"].to_numpy().astype(np.int64) == ccur[client]
    own_balance = sum_by(client[same_cur], escalated["open_amount"].to_numpy()[same_cur],
                         n_clients)
    has_limit = clients["credit_limit"].notna().to_numpy()
    limit_int = clients["credit_limit"].fillna(-1).to_numpy(dtype=np.int64)
    # an excluded client (litigation, VIP) gets no reminders, fees or holds of any kind
    _, excluded = client_ladders(clients, policies)
    over = has_limit & (own_balance > limit_int) & ~excluded
    held = np.flatnonzero(over | (by_step >= 0))
    _ = currencies
    return pd.DataFrame({
        "client": held.astype(np.int64), "cur": ccur[held], "balance": own_balance[held],
        "limit": limit_int[held], "by_limit": over[held], "by_step": by_step[held],
        "step": step_of[held]})
