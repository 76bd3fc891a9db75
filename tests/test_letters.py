"""Every shipped letter template renders, in every translated language and in business and
consumer wording; a policies folder's letter replaces the shipped one (for one language too);
a broken template is a located `check` error, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from arreport.policy.model import Company
from arreport.render.documents import (
    _sample_letter,
    check_templates,
    letter_template_name,
    render_letter,
)
from arreport.report.locale import TRANSLATED
from conftest import SHIPPED_POLICIES, run_arreport, write_ledger, write_policies

LETTERS = ["reminder_upcoming", "reminder_due", "overdue_polite", "penalty_warning",
           "demand_letter", "final_notice"]
COMPANY = Company(name="Meridian", address=("Baltimore",), email="ar@example.com",
                  phone="+1 410 555 0142", signature=("Jordan Ellis",))


@pytest.mark.parametrize("name", LETTERS)
@pytest.mark.parametrize("kind", ["business", "consumer"])
@pytest.mark.parametrize("code", TRANSLATED)
def test_shipped_letter_renders(name: str, kind: str, code: str) -> None:
    template = letter_template_name(name, str(SHIPPED_POLICIES), kind, code)
    assert template is not None
    assert ("/consumer/" in template) == (kind == "consumer")
    view = _sample_letter("a_step", name, "letter", kind, code)
    out = render_letter(view, COMPANY, "2026-06-30T00:00:00Z", str(SHIPPED_POLICIES))
    for text in (out.html, out.email_html, out.email_text):
        assert "INV-1" in text and "100.00" in text
    assert out.subject and "\n" not in out.subject
    assert f'lang="{view.language.locale.replace("_", "-")}"' in out.html
    if kind == "consumer":
        assert "+1 410 555 0142" in out.email_text


def test_german_letter_is_in_german() -> None:
    view = _sample_letter("formal_notice", "demand_letter", "letter", "business", "de")
    out = render_letter(view, COMPANY, "2026-06-30T00:00:00Z", str(SHIPPED_POLICIES))
    assert "Mit freundlichen Grüßen" in out.email_text
    assert "Seite" in out.html  # page numbers in German


def test_a_policies_folder_letter_overrides_the_shipped_one(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "letters" / "reminder_due.html"
    own.parent.mkdir(parents=True)
    own.write_text('{% extends "letters/_letter.html" %}{% block subject %}Ours{% endblock %}',
                   encoding="utf-8")
    german = tmp_path / "templates" / "letters" / "de" / "reminder_due.html"
    german.parent.mkdir(parents=True)
    german.write_text('{% extends "letters/_letter.html" %}{% block subject %}Unsere'
                      '{% endblock %}', encoding="utf-8")
    folder = str(tmp_path)
    assert letter_template_name("reminder_due", folder, "business", "en") == \
        "letters/reminder_due.html"
    assert letter_template_name("reminder_due", folder, "business", "de") == \
        "letters/de/reminder_due.html"
    # the shipped consumer wording still wins for a consumer
    assert letter_template_name("reminder_due", folder, "consumer", "en") == \
        "letters/consumer/reminder_due.html"
    assert letter_template_name("no_such_letter", folder, "business", "en") is None
    for code, subject in (("en", "Ours"), ("de", "Unsere"), ("fr", "Ours")):
        view = _sample_letter("due", "reminder_due", "email", "business", code)
        assert render_letter(view, COMPANY, "x", folder).subject == subject


def test_a_broken_letter_template_is_a_located_check_error(tmp_path: Path) -> None:
    write_ledger(tmp_path / "ledger", invoices="""
        invoice_id,client_id,issue_date,amount
        I1,C1,2024-01-01,100.00
    """)
    policies = write_policies(tmp_path / "policies")
    broken = policies / "templates" / "letters" / "demand_letter.html"
    broken.parent.mkdir(parents=True)
    broken.write_text('{% extends "letters/_letter.html" %}\n{% block subject %}\n'
                      '{% if x %}Notice{% endblock %}\n', encoding="utf-8")
    undefined = policies / "templates" / "letters" / "penalty_warning.html"
    undefined.write_text('{% extends "letters/_letter.html" %}{% block body %}'
                         '{{ doc.no_such_field }}{% endblock %}', encoding="utf-8")
    done = run_arreport("check", "--ledger", tmp_path / "ledger", "--policies", policies,
                        cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert any("templates/letters/demand_letter.html:3: error:" in ln
               and "does not render" in ln for ln in lines), lines
    assert any("templates/letters/penalty_warning.html: error:" in ln
               and "no_such_field" in ln for ln in lines), lines
    # build refuses too, before writing anything (the demand letter is due on A)
    write_ledger(tmp_path / "ledger2", invoices="""
        invoice_id,client_id,issue_date,due_date,amount
        I1,C1,2024-01-01,2024-01-31,100.00
    """)
    built = run_arreport("build", "--ledger", tmp_path / "ledger2", "--policies", policies,
                         "--as-of", "2024-03-05", "--out", tmp_path / "site", cwd=tmp_path)
    assert built.returncode == 1, built.stderr
    assert "Traceback" not in built.stderr and not (tmp_path / "site").exists()
    assert "demand_letter.html" in built.stderr


def test_shipped_templates_pass_the_check() -> None:
    from arreport.policy.load import load_policies

    policies, _ = load_policies(SHIPPED_POLICIES)
    assert policies is not None
    assert check_templates(policies) == []
