"""Loyalty tiers from incentives.yaml: which tier each client and currency holds on A, the
tier it held at the previous month end, and what it takes to reach the next tier.

A client holds the first tier (best first) whose thresholds it meets over the loyalty
window: at least `min_invoices` invoices paid in the window and at least
`min_on_time_share` of them settled by their due date. Compared exactly in integers.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    return tier_held(loyalty.tiers, paid, on_time)


def tier_held(tiers: Sequence[LoyaltyTier], paid: np.ndarray,
              on_time: np.ndarray) -> np.ndarray:
    """The index of the best tier whose thresholds `paid` and `on_time` meet, or NO_TIER."""
    tier = np.full(len(paid), NO_TIER, dtype=np.int64)
    for i in range(len(tiers) - 1, -1, -1):  # the best tier met wins
        tier = np.where(_meets(tiers[i], paid, on_time), i, tier)
    return tier


def tier_within_reach(tiers: Sequence[LoyaltyTier], paid: np.ndarray,
                      on_time: np.ndarray, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """For rows holding no tier: the fewest invoices paid on time that reach some tier, and
    the tier they would then hold (the best one met with those invoices added, which may be
    better than the tier that needed them). A tier counts as within reach when it needs at
    most max(`reach`, its `min_invoices`). (0, NO_TIER) where no tier is within reach."""
    paid = np.asarray(paid, dtype=np.int64)
    on_time = np.asarray(on_time, dtype=np.int64)
    need = np.zeros(len(paid), dtype=np.int64)
    for t in tiers:
        n = on_time_needed(t, paid, on_time)
        ok = (n > 0) & (n <= max(reach, t.min_invoices))
        need = np.where(ok & ((need == 0) | (n < need)), n, need)
    held = tier_held(tiers, paid + need, on_time + need)
    return need, np.where(need > 0, held, NO_TIER)


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
