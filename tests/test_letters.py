"""Every shipped letter template renders, in business and in consumer wording."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from arreport.resources import letter_template, templates_dir

LETTERS = ["reminder_upcoming", "reminder_due", "overdue_polite", "penalty_warning",
           "demand_letter"]
CONTEXT = {
    "client": {"name": "Jane Doe", "contact": "", "address_lines": ["1 Main St"]},
    "company": {"name": "Meridian", "address_lines": ["Baltimore"], "email": "ar@example",
                "phone": "+1 410 555 0142", "remit": "Pay by ACH"},
    "as_of": "Jun 30, 2026", "total": "$10.00",
    "items": [{"invoice_id": "INV-1", "due_date": "Jun 1, 2026", "open_amount": "$10.00",
               "days_past_due": 29}],
}


@pytest.mark.parametrize("name", LETTERS)
@pytest.mark.parametrize("kind", ["business", "consumer"])
def test_shipped_letter_renders(name: str, kind: str, tmp_path: Path) -> None:
    path = letter_template(name, tmp_path, kind)
    assert path is not None
    assert (path.parent.name == "consumer") == (kind == "consumer")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             undefined=jinja2.StrictUndefined, autoescape=True)
    html = env.get_template(path.relative_to(templates_dir()).as_posix()).render(**CONTEXT)
    assert "Jane Doe" in html and "INV-1" in html and "$10.00" in html
    if kind == "consumer":
        assert "payment plan" in html


def test_a_policies_folder_letter_overrides_the_shipped_one(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "letters" / "reminder_due.html"
    own.parent.mkdir(parents=True)
    own.write_text("mine", encoding="utf-8")
    assert letter_template("reminder_due", tmp_path) == own
    assert letter_template("no_such_letter", tmp_path) is None
