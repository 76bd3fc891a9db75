"""docs/policies.md is generated from the schema; this fails when the two drift apart."""

from __future__ import annotations

from pathlib import Path

from arreport.policy.reference import render_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "policies.md"


def test_policy_reference_matches_the_schema() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/policies.md is stale: run `make docs`")


def test_every_step_key_is_documented() -> None:
    text = render_reference()
    for key in ("id", "at", "channel", "template", "owner", "min_balance", "fee", "action"):
        assert f"`ladders.<name>.steps[].{key}`" in text
