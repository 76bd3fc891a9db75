"""Loyalty tiers from incentives.yaml: which tier each client and currency holds on A, the
tier it held at the previous month end, and what it takes to reach the next tier.

A client holds the first tier (best first) whose thresholds it meets over the loyalty
window: at least `min_invoices` invoices paid in the window and at least
`min_on_time_share` of them settled by their due date. Compared exactly in integers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policy.model import Loyalty, LoyaltyTier

NO_TIER = -1


def _meets(tier: LoyaltyTier, paid: np.ndarray, on_time: np.ndarray) -> np.ndarray:
    num, den = tier.min_on_time_share.as_integer_ratio()
    share_ok = on_time * den >= num * paid
    if num > 0:
        share_ok &= paid > 0
    return (paid >= tier.min_invoices) & share_ok


def loyalty_tiers(beh: pd.DataFrame, loyalty: Loyalty) -> np.ndarray:
    """Per behaviour row: the index of the tier held (NO_TIER when none)."""
    paid = beh["invoices_paid"].to_numpy().astype(np.int64)
    on_time = beh["on_time"].to_numpy().astype(np.int64)
    tier = np.full(len(beh), NO_TIER, dtype=np.int64)
    for i in range(len(loyalty.tiers) - 1, -1, -1):  # the best tier met wins
        tier = np.where(_meets(loyalty.tiers[i], paid, on_time), i, tier)
    return tier


def on_time_needed(tier: LoyaltyTier, paid: np.ndarray, on_time: np.ndarray) -> np.ndarray:
    """How many more invoices paid on time would reach `tier` (0 when already met; -1 when
    it cannot be reached by paying on time, i.e. a share of 100% already missed)."""
    num, den = tier.min_on_time_share.as_integer_ratio()
    paid = paid.astype(np.int64)
    on_time = on_time.astype(np.int64)
    by_count = np.maximum(tier.min_invoices - paid, 0)
    # (on_time + k) / (paid + k) >= num/den  <=>  k (den - num) >= num·paid - den·on_time
    gap = num * paid - den * on_time
    if den > num:
        by_share = np.maximum(-(-gap // (den - num)), 0)
        need = np.maximum(by_count, by_share)
        if num > 0:
            need = np.maximum(need, np.where(paid == 0, 1, 0))
        return need
    return np.where(gap <= 0, by_count, -1)


def tier_changes(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Per row: 'promotion', 'demotion', 'new' (a tier where there was none), 'lost' (none
    where there was one) or '' (unchanged). A lower index is a better tier."""
    out = np.full(len(current), "", dtype=object)
    both = (current != NO_TIER) & (previous != NO_TIER)
    out[both & (current < previous)] = "promotion"
    out[both & (current > previous)] = "demotion"
    out[(current != NO_TIER) & (previous == NO_TIER)] = "new"
    out[(current == NO_TIER) & (previous != NO_TIER)] = "lost"
    return out
