"""The translations of the documents clients receive: every word the templates mark is in each
catalog, translated, with the same placeholders; `make messages` keeps them in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from arreport.report.locale import TRANSLATED
from conftest import REPO

LOCALE = REPO / "reports" / "templates" / "locale"
METHODS = [(f"reports/templates/{pattern}", "jinja2") for pattern in (
    "statement.html", "documents/**.html", "letters/**.html", "emails/**.html",
    "emails/**.txt")]


def _marked() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, _ in METHODS}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO), METHODS, options_map=options):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _ids(path: Path, locale: str | None = None) -> dict[object, object]:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {m.id: m for m in catalog if m.id}


def test_the_template_catalog_lists_every_marked_word() -> None:
    assert set(_ids(LOCALE / "messages.pot")) == _marked(), "run `make messages`"


@pytest.mark.parametrize("code", [c for c in TRANSLATED if c != "en"])
def test_each_language_translates_every_word_with_its_placeholders(code: str) -> None:
    path = LOCALE / code / "LC_MESSAGES" / "messages.po"
    messages = _ids(path, code)
    assert set(messages) == _marked(), "run `make messages` and translate what is new"
    for mid, m in messages.items():
        assert not m.fuzzy, (code, mid)  # type: ignore[attr-defined]
        ids = mid if isinstance(mid, tuple) else (mid,)
        texts = m.string if isinstance(m.string, tuple) else (m.string,)  # type: ignore[attr-defined]
        for k, text in enumerate(texts):
            assert text, (code, mid)
            source = ids[min(k, len(ids) - 1)]
            assert set(re.findall(r"%\(\w+\)s", text)) <= set(
                re.findall(r"%\(\w+\)s", " ".join(ids))), (code, mid, text)
            # every placeholder of the singular is kept (the count may only be in the plural)
            assert set(re.findall(r"%\(\w+\)s", ids[0])) - {"%(count)s"} <= set(
                re.findall(r"%\(\w+\)s", text)), (code, mid, text)
            assert text.count("%%") == source.count("%%"), (code, mid, text)
            assert "%" not in re.sub(r"%\(\w+\)s|%%", "", text), (code, mid, text)
