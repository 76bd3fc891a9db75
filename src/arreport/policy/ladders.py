"""escalation.yaml's ladders as model objects: steps in order, contact limits, every
reference (fee, segment, template) checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..diagnostics import did_you_mean
from ..resources import letter_names, letter_template
from . import schema as S
from .amounts import check_money_places, check_non_negative, policy_money
from .model import ContactLimit, Ladder, Step
from .reader import DROPPED, PolicyReader, kept_entries


def _step_segments(segs: Any) -> tuple[str, ...] | None:
    """None: any segment; () from `segment: []`: none, the step never fires (lint warns)."""
    if segs is None:
        return None
    return (segs,) if isinstance(segs, str) else tuple(x for _, x in kept_entries(segs))


def build_ladders(rd: PolicyReader, spec: dict[str, Any], fees: set[str] | None, folder: Path,
             segment_names: set[str] | None, interest: frozenset[str] = frozenset()
             ) -> dict[str, Ladder]:
    """The ladders; `fees` and `segment_names` are the names declared (None: unknown, the
    file that declares them could not be read, so references to them are not checked)."""
    file = "escalation.yaml"
    out = {}
    for name, lad in spec.items():
        raw_steps = kept_entries(lad.get("steps"))
        seen: dict[str, int] = {}
        for i, st in enumerate(lad.get("steps") or []):
            path = ("ladders", name, "steps", i)
            if st is DROPPED:  # its other keys are still checked, as written
                st = rd.valid_keys(file, path, S.STEP["schema"])
            if "id" in st and st["id"] in seen:
                rd.error(file, path + ("id",),
                         f"step id '{st['id']}' is used twice in ladder '{name}' "
                         f"(first at steps[{seen[st['id']]}])")
            if "id" in st:
                seen.setdefault(st["id"], i)
            if st.get("fee") is not None and fees is not None and st["fee"] not in fees:
                rd.error(file, path + ("fee",), f"unknown fee '{st['fee']}'",
                         did_you_mean(st["fee"], fees) or
                         (f"defined: {', '.join(sorted(fees))}" if fees
                          else "define it under fees:"))
            elif st.get("fee") in interest:
                rd.error(file, path + ("fee",),
                         f"fee '{st['fee']}' is interest (annual_percent or preset): it runs on "
                         "every overdue invoice by itself, never as a step's fee",
                         "remove fee: here, or name a flat or percent fee")
            segs = _step_segments(st.get("segment"))
            for seg_name in segs or ():
                if segment_names is not None and seg_name not in segment_names:
                    rd.error(file, path + ("segment",),
                             f"unknown segment '{seg_name}'",
                             did_you_mean(seg_name, segment_names) or
                             "define it under segments: in segments.yaml")
            check_non_negative(rd, path + ("min_balance",), st.get("min_balance"))
            check_money_places(rd, file, path + ("min_balance",), st.get("min_balance"))
            if st.get("template") is not None and letter_template(st["template"], folder) is None:
                rd.error(file, path + ("template",),
                         f"unknown template '{st['template']}'",
                         did_you_mean(st["template"], letter_names(folder)) or
                         "put it in templates/letters/ beside the policies")
        ordered = sorted(raw_steps, key=lambda pair: (pair[1]["at"], pair[0]))
        steps = []
        for order, (i, st) in enumerate(ordered):
            steps.append(Step(
                id=st["id"], at=int(st["at"]), order=order, index=i,
                source=rd.source(file, ("ladders", name, "steps", i)),
                channel=st.get("channel"), template=st.get("template"), owner=st.get("owner"),
                min_balance=policy_money(st.get("min_balance")),
                min_days_since_last_contact=st.get("min_days_since_last_contact"),
                segments=_step_segments(st.get("segment")),
                kind=st.get("kind"), fee=st.get("fee"), action=st.get("action")))
        limits = []
        for i, lim in kept_entries(lad.get("contact_limits")):
            path = ("ladders", name, "contact_limits", i)
            counted = "max" in lim or "per_days" in lim
            quiet = "quiet_days_after" in lim or "quiet_days" in lim
            if counted == quiet or (counted and not ("max" in lim and "per_days" in lim)) or (
                    quiet and not ("quiet_days_after" in lim and "quiet_days" in lim)):
                if rd.intact(file, path):
                    rd.error(file, path,
                             "a contact limit is either max with per_days, or quiet_days_after "
                             "with quiet_days", "e.g. {channel: phone, max: 7, per_days: 7}")
                continue
            limits.append(ContactLimit(
                source=rd.source(file, path), kind=lim.get("kind", "consumer"),
                channel=lim.get("channel"), max=lim.get("max"), per_days=lim.get("per_days"),
                quiet_after=lim.get("quiet_days_after"), quiet_days=lim.get("quiet_days")))
        pause_when = [x for _, x in kept_entries(lad.get("pause_when",
                                                         ["disputed", "payment_plan"]))]
        out[name] = Ladder(name=name, source=rd.source(file, ("ladders", name)),
                           pause_when=tuple(pause_when),
                           steps=tuple(steps), contact_limits=tuple(limits))
    return out
