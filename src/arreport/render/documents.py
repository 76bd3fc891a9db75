"""Statements, letters and their emails as HTML and text, in each client's language.

Templates are Jinja2 in a sandbox (a policies folder may bring its own letters), with the
i18n extension: `_()` and `{% trans %}` look up reports/templates/locale/<lang>/LC_MESSAGES/
messages.po, compiled in memory with Babel. A policies folder's `templates/` comes before the
shipped templates, so `templates/letters/NAME.html` there replaces the shipped letter, and
`templates/letters/<lang>/NAME.html` replaces it for one language.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..policy.model import Company
from ..report.documents import LetterView, StatementView
from ..resources import templates_dir


@lru_cache(maxsize=16)
def translations(code: str) -> Any:
    """gettext translations of one language from its .po catalog (English: none needed)."""
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = templates_dir() / "locale" / code / "LC_MESSAGES" / "messages.po"
    if code == "en" or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def css_counter(text: str) -> Markup:
    """'Page \\x01 of \\x02' -> '"Page " counter(page) " of " counter(pages)', a CSS content
    value (page numbers in the client's language)."""
    def quoted(part: str) -> str:
        return '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = []
    for piece in re.split("([\x01\x02])", str(text)):
        if piece == "\x01":
            out.append("counter(page)")
        elif piece == "\x02":
            out.append("counter(pages)")
        elif piece:
            out.append(quoted(piece))
    return Markup(" ".join(out))


class _LettersOnly(jinja2.FileSystemLoader):
    """A policies folder's templates/: only its letters (letters/...) replace shipped ones;
    the statement, the emails and the frame stay arreport's own."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        if not template.startswith("letters/"):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


@lru_cache(maxsize=32)
def environment(policies_folder: str, code: str) -> SandboxedEnvironment:
    """The sandboxed environment of one policies folder and language."""
    own = Path(policies_folder) / "templates"
    loaders: list[jinja2.BaseLoader] = [_LettersOnly(str(own))] if own.is_dir() else []
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.FileSystemLoader(str(templates_dir()))]),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True)
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_counter"] = css_counter
    return env


def letter_template_name(name: str, policies_folder: str, kind: str, code: str) -> str | None:
    """The template a step's `template: NAME` means for a client of `kind` in language `code`:
    for a consumer the consumer wording before the business one (any folder), then a
    language's own version before the general one, the policies folder's before the shipped."""
    roots = [Path(policies_folder) / "templates", templates_dir()]
    variants = [f"letters/{code}/consumer/{name}.html", f"letters/consumer/{name}.html",
                f"letters/{code}/{name}.html", f"letters/{name}.html"]
    if kind != "consumer":
        variants = variants[2:]
    for variant in variants:
        for root in roots:
            if (root / variant).is_file():
                return variant
    return None


def logo_url(company: Company) -> str:
    return Path(company.logo).as_uri() if company.logo else ""


def _common(company: Company, created: str) -> dict[str, Any]:
    return {"company": company, "paper": company.paper.lower() if company.paper == "Letter"
            else company.paper, "logo": logo_url(company), "created": created}


def statement_html(view: StatementView, company: Company, created: str,
                   policies_folder: str) -> str:
    env = environment(policies_folder, view.language.code)
    return env.get_template("statement.html").render(doc=view, **_common(company, created))


@dataclass(frozen=True)
class Rendered:
    """One outgoing document: the PDF's HTML, and the email's subject, HTML and text."""

    html: str
    subject: str
    email_html: str
    email_text: str


class TemplateProblem(Exception):
    """A letter template that is missing or does not render: (template name, message)."""

    def __init__(self, template: str, message: str):
        super().__init__(f"{template}: {message}")
        self.template = template
        self.message = message


def render_letter(view: LetterView, company: Company, created: str,
                  policies_folder: str) -> Rendered:
    """The letter's PDF HTML and the email that carries it (same subject, body and closing)."""
    env = environment(policies_folder, view.language.code)
    name = None
    requested = view.language.requested
    if requested and requested != view.language.code:  # a letter of the folder's own, say nl
        name = letter_template_name(view.template, policies_folder, view.client.kind,
                                    requested)
        if name is not None and f"letters/{requested}/" not in name:
            name = None
    name = name or letter_template_name(view.template, policies_folder, view.client.kind,
                                        view.language.code)
    if name is None:
        raise TemplateProblem(view.template, "no such letter template")
    try:
        template = env.get_template(name)
        context = dict(doc=view, **_common(company, created))
        # rendering the page runs its `extends`, which gives the context every block of the
        # chain; the email then takes the subject, greeting, body and closing from it
        ctx = template.new_context(context)
        page = "".join(template.root_render_func(ctx))
        subject = _plain("".join(ctx.blocks["subject"][0](ctx))).strip()
        greeting = Markup("".join(ctx.blocks["greeting"][0](ctx)))
        body = Markup("".join(ctx.blocks["body"][0](ctx)))
        closing = Markup("".join(ctx.blocks["closing"][0](ctx)))
    except Exception as exc:  # a template is the policy author's code: any failure is theirs
        raise TemplateProblem(name, f"{type(exc).__name__}: {exc}") from None
    parts = {"doc": view, "company": company, "subject": subject}
    email_html = env.get_template("emails/letter.html").render(
        greeting=greeting, body=body, closing=closing, **parts)
    email_text = env.get_template("emails/letter.txt").render(
        greeting=_plain(greeting), body=_plain(body), closing=_plain(closing), **parts)
    return Rendered(page, subject, email_html, _tidy(email_text))


def render_statement(view: StatementView, company: Company, created: str,
                     policies_folder: str) -> Rendered:
    env = environment(policies_folder, view.language.code)
    page = statement_html(view, company, created, policies_folder)
    subject = env.get_template("emails/statement_subject.txt").render(
        doc=view, company=company).strip()
    parts = {"doc": view, "company": company, "subject": subject}
    return Rendered(page, subject, env.get_template("emails/statement.html").render(**parts),
                    _tidy(env.get_template("emails/statement.txt").render(**parts)))


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|tr|ul|ol|table)>", re.I)


def _plain(fragment: str) -> str:
    """An HTML fragment of paragraphs and lists as wrapped plain text."""
    text = re.sub(r"<br\s*/?>", "\n", str(fragment), flags=re.I)
    text = re.sub(r"<li[^>]*>", "\n- ", text, flags=re.I)
    text = re.sub(r"</li>", "", text, flags=re.I)
    text = _BLOCK_END.sub("\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    out = []
    for p in paragraphs:
        if not p:
            continue
        lines = [textwrap.fill(line.strip(), width=72, break_on_hyphens=False,
                               subsequent_indent="  " if line.strip().startswith("- ") else "")
                 for line in p.split("\n") if line.strip()]
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _tidy(text: str) -> str:
    """At most one blank line in a row, and a final newline."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _sample_letter(step: str, template: str, channel: str, kind: str, code: str
                   ) -> LetterView:
    """A letter with every field filled, to try a template before a run needs it."""
    from ..report.documents import Addressee, DocLine, FeeLine, LetterCurrency, NextStep
    from ..report.locale import language_for

    line = DocLine(invoice_id="INV-1", reference="PO-1", issue_date="2026-05-01",
                   due_date="2026-05-31", amount="100.00", open_amount="100.00",
                   days_past_due=30, disputed=False)
    cur = LetterCurrency(currency="USD", lines=[line], open_total="100.00",
                         fees=[FeeLine("INV-1", "late_fee", "step", "25.00", 0),
                               FeeLine("INV-1", "interest", "interest", "0.82", 25)],
                         fees_total="25.82", fees_minor=2582, to_pay="125.82", bank=None)
    return LetterView(
        client=Addressee("C1", "Client", "Contact", ["1 Main St"], "c@example.com", "", kind),
        slug="C1", step=step, ladder="standard", template=template, channel=channel,
        language=language_for(code, ""), date="2026-06-30", as_of_iso="2026-06-30",
        deadline="2026-07-14", currencies=[cur],
        next_steps=[NextStep("formal_notice", "fee", "2026-07-10", "25.00"),
                    NextStep("credit_hold", "hold", "2026-07-15", ""),
                    NextStep("agency", "agency", "2026-08-29", "")],
        interest_percent="12%", interest_grace_days=5, invoice_ids=["INV-1"],
        to_pay=["125.82"])


def check_templates(policies: Any) -> list[Any]:
    """Every letter template a ladder names, tried in each language and for both kinds of
    client: a missing one or one that does not render is an error naming its file (and line,
    for a syntax error)."""
    from ..diagnostics import Diagnostic, display_path
    from ..report.locale import TRANSLATED

    out: list[Diagnostic] = []
    seen: set[str] = set()
    folder = policies.folder
    own = Path(folder) / "templates" / "letters"
    codes = list(TRANSLATED) + sorted(
        p.name for p in (own.iterdir() if own.is_dir() else [])
        if p.is_dir() and p.name != "consumer" and p.name not in TRANSLATED)
    for ladder in policies.ladders.values():
        for st in ladder.steps:
            if not st.template:
                continue
            for kind in ("business", "consumer"):
                for code in codes:
                    name = letter_template_name(st.template, folder, kind, code)
                    if name is None or name in seen or (
                            code not in TRANSLATED and f"letters/{code}/" not in name):
                        continue
                    seen.add(name)
                    view = _sample_letter(st.id, st.template, st.channel or "", kind, code)
                    try:
                        render_letter(view, policies.company, "2026-06-30T00:00:00Z", folder)
                    except TemplateProblem as exc:
                        own = Path(folder) / "templates" / name
                        where = display_path(own) if own.is_file() else f"(shipped) {name}"
                        file, line = _syntax_line(environment(folder, code), name)
                        if file:
                            where = display_path(Path(file))
                        out.append(Diagnostic(
                            "error", where, line, None, f"{ladder.name}.{st.id}",
                            f"letter template '{st.template}' does not render: {exc.message}",
                            "letters extend letters/_letter.html and fill the blocks subject, "
                            "body and closing; see docs/letters.md"))
    return out


def _syntax_line(env: SandboxedEnvironment, name: str) -> tuple[str, int | None]:
    """The file and line of a syntax error in the template or a template it extends."""
    try:
        template = env.get_template(name)
        for parent in env.parse(env.loader.get_source(env, name)[0]).find_all(  # type: ignore[union-attr]
                jinja2.nodes.Extends):
            if isinstance(parent.template, jinja2.nodes.Const):
                env.get_template(parent.template.value)
        _ = template
    except jinja2.TemplateSyntaxError as exc:
        return exc.filename or "", exc.lineno
    except jinja2.TemplateError:
        return "", None
    return "", None
