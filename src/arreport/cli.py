"""Command line: the only module that reads the clock, prints, or sets exit codes."""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import click

from .diagnostics import Diagnostic, InputError, in_order

DEFAULT_LEDGER = "examples/demo"
DEFAULT_POLICIES = "policies"
DEFAULT_OUT = "site"
DEFAULT_SENT_LOG = "sent_log.csv"


def _print_diagnostics(diags: list[Diagnostic]) -> None:
    for d in in_order(diags):
        click.echo(d.format(), err=True)


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    return _date_option(value, "--as-of")


def _check_out(out_dir: Path, kind: Any, ledger_dir: Path, policies_dir: Path) -> None:
    """--out must be new, empty, or an earlier output of this command: checked before any
    work, so a mistake costs nothing (the writer checks again before it swaps)."""
    from .render.site import OutputError, check_target

    try:
        check_target(out_dir, kind, [("the ledger folder", ledger_dir),
                                     ("the policies folder", policies_dir)])
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None


def _load_inputs(ledger_dir: Path, policies_dir: Path) -> tuple[Any, Any, list[Diagnostic]]:
    """pipeline.load_inputs; when the policies are invalid, the ledger is still read so its
    mistakes are reported in the same run."""
    from .pipeline import load_inputs

    try:
        return load_inputs(ledger_dir, policies_dir)
    except InputError as exc:
        raise InputError(exc.diagnostics + _ledger_behind_policies(ledger_dir, policies_dir)
                         ) from None


def _ledger_behind_policies(ledger_dir: Path, policies_dir: Path) -> list[Diagnostic]:
    """The ledger's diagnostics when load_inputs stopped at the policies (none otherwise:
    then it read the ledger itself)."""
    from . import money
    from .ledger.build import load_ledger
    from .policy.load import ledger_settings, load_policies

    policies, _ = load_policies(policies_dir)
    if policies is not None and money.is_known_currency(policies.currency):
        return []
    terms: list[str] | None
    if policies is not None:
        currency, terms = policies.currency, sorted(policies.terms)
    else:
        currency, terms = ledger_settings(policies_dir)
    if not money.is_known_currency(currency):
        currency = "USD"
    _, diags = load_ledger(ledger_dir, currency, terms)
    return diags


def _with_sent_log(ledger: Any, path: Path) -> Any:
    """The ledger with what `arreport send` delivered added to its contacts (when the sent
    log exists); a sent log that cannot be read is an input error."""
    if not path.exists():
        return ledger
    from .deliver.sentlog import read_sent_log
    from .diagnostics import display_path
    from .ledger.sent import with_sent

    frame, problems = read_sent_log(path)
    if any(d.severity == "error" for d in problems):
        raise InputError(problems)
    return with_sent(ledger, frame, display_path(path))


def _latest_due(ledger: Any, policies: Any) -> dict[str, int]:
    """Per currency of the ledger's invoices, the latest due date (day number) their terms
    give."""
    from .compute.terms import due_lines

    inv = ledger.invoices
    if len(inv) == 0:
        return {}
    names = list(getattr(ledger, "currencies", []))
    lines = due_lines(inv, ledger.clients, policies)
    cur = inv["cur"].to_numpy()[lines["inv"].to_numpy()]
    latest = lines["due_date"].groupby(cur).max()
    return {names[int(c)]: int(d) for c, d in latest.items() if 0 <= int(c) < len(names)}


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@click.group()
@click.version_option(package_name="arreport")
def cli() -> None:
    """arreport: aging reports, statements and collection actions from ledger exports."""


@cli.command()
@click.option("--ledger", "ledger_dir", default=DEFAULT_LEDGER, show_default=True,
              type=click.Path(path_type=Path), help="Folder of canonical ledger CSVs.")
@click.option("--policies", "policies_dir", default=DEFAULT_POLICIES, show_default=True,
              type=click.Path(path_type=Path), help="Folder of policy YAML files.")
@click.option("--as-of", "as_of", default=None, help="As-of date YYYY-MM-DD (default: today).")
@click.option("--out", "out_dir", default=DEFAULT_OUT, show_default=True,
              type=click.Path(path_type=Path), help="Site folder to (re)write.")
@click.option("--no-pdf", is_flag=True,
              help="Write everything but the PDFs (and so no letters, statements or outbox).")
@click.option("--sent-log", "sent_log", default=DEFAULT_SENT_LOG, show_default=True,
              type=click.Path(path_type=Path),
              help="What `arreport send` delivered: counts as contacts (read if present).")
@click.option("--timings", is_flag=True, help="Print how long each stage took.")
def build(ledger_dir: Path, policies_dir: Path, as_of: str | None, out_dir: Path,
          no_pdf: bool, sent_log: Path, timings: bool) -> None:
    """Compute allocation and aging as of a date and write the site, CSVs, PDFs and the
    outbox of the day's emails (sent only by `arreport send`)."""
    from .pipeline import compute
    from .render.build import prepare_documents, write_site
    from .render.site import SITE

    day = _as_of(as_of)
    _check_out(out_dir, SITE, ledger_dir, policies_dir)
    started = time.perf_counter()
    stages: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        stages.append((name, time.perf_counter(), _peak_rss_mb()))

    ledger, policies, diags = _load_inputs(ledger_dir, policies_dir)
    ledger = _with_sent_log(ledger, sent_log)
    mark("load and validate")
    report = compute(ledger, policies, day, diags)
    mark("compute")
    documents = None
    if not no_pdf:
        documents = prepare_documents(report)
        report.diagnostics.extend(documents.warnings)
    _print_diagnostics([d for d in report.diagnostics if d.severity == "warning"])
    summary = write_site(report, out_dir, pdf=not no_pdf,
                         progress=sys.stderr.isatty(), on_stage=mark, documents=documents)
    elapsed = time.perf_counter() - started
    if timings:
        previous = started
        for name, moment, peak in stages:
            click.echo(f"  {name:<18} {moment - previous:7.2f} s  peak {peak:6.0f} MB", err=True)
            previous = moment
    click.echo(f"arreport: as of {day.isoformat()}: {summary} -> {out_dir} "
               f"({elapsed:.1f} s)", err=True)


@cli.command()
@click.option("--ledger", "ledger_dir", default=DEFAULT_LEDGER, show_default=True,
              type=click.Path(path_type=Path), help="Folder of canonical ledger CSVs.")
@click.option("--policies", "policies_dir", default=DEFAULT_POLICIES, show_default=True,
              type=click.Path(path_type=Path), help="Folder of policy YAML files.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check(ledger_dir: Path, policies_dir: Path, strict: bool) -> None:
    """Validate the ledger and the policies and lint the policies; writes nothing."""
    from .diagnostics import display_path
    from .policy.lint import lint_policies, lint_with_ledger

    ledger, policies, diags = _load_inputs(ledger_dir, policies_dir)
    contacts_raw = ledger.sources.get("contacts")
    diags = diags + lint_policies(policies) + lint_with_ledger(
        policies, ledger.clients, ledger.contacts,
        contacts_raw.display if contacts_raw else str(ledger_dir / "contacts.csv"),
        display_path(policies_dir / "segments.yaml"),
        contacts_raw.lines.line if contacts_raw else (lambda r: r + 2),
        _latest_due(ledger, policies))
    from .render.documents import check_templates

    problems = check_templates(policies)
    if problems:
        raise InputError(diags + problems)
    warnings = [d for d in diags if d.severity == "warning"]
    _print_diagnostics(warnings)
    n_inv = len(ledger.invoices)
    click.echo(f"arreport check: {n_inv} invoices, {len(policies.ladders)} ladder(s), "
               f"{len(warnings)} warning(s), no errors", err=True)
    if strict and warnings:
        click.echo("arreport check --strict: warnings count as errors", err=True)
        sys.exit(1)


@cli.command()
@click.argument("client")
@click.argument("invoice", required=False)
@click.option("--ledger", "ledger_dir", default=DEFAULT_LEDGER, show_default=True,
              type=click.Path(path_type=Path), help="Folder of canonical ledger CSVs.")
@click.option("--policies", "policies_dir", default=DEFAULT_POLICIES, show_default=True,
              type=click.Path(path_type=Path), help="Folder of policy YAML files.")
@click.option("--as-of", "as_of", default=None, help="As-of date YYYY-MM-DD (default: today).")
@click.option("--sent-log", "sent_log", default=DEFAULT_SENT_LOG, show_default=True,
              type=click.Path(path_type=Path),
              help="What `arreport send` delivered: counts as contacts (read if present).")
def explain(client: str, invoice: str | None, ledger_dir: Path, policies_dir: Path,
            as_of: str | None, sent_log: Path) -> None:
    """Why a client or invoice gets its actions, fees and hold: every rule with its file:line."""
    import numpy as np

    from .diagnostics import did_you_mean
    from .pipeline import compute
    from .report.explain import explain as explain_lines

    day = _as_of(as_of)
    ledger, policies, diags = _load_inputs(ledger_dir, policies_dir)
    ledger = _with_sent_log(ledger, sent_log)
    report = compute(ledger, policies, day, diags)
    ids = ledger.client_ids().astype(str)
    hits = np.flatnonzero(ids == client)
    if len(hits) == 0:
        raise InputError([Diagnostic("error", "explain", None, None, "CLIENT",
                                     f"no client '{client}' in the ledger",
                                     did_you_mean(client, ids.tolist()))])
    code = int(hits[0])
    inv_ids = ledger.invoices["invoice_id"].astype(str).to_numpy()
    inv_client = ledger.invoices["client"].to_numpy()
    if invoice is not None:
        rows = np.flatnonzero((inv_ids == invoice) & (inv_client == code))
        if len(rows) == 0:
            own = inv_ids[inv_client == code].tolist()
            raise InputError([Diagnostic("error", "explain", None, None, "INVOICE",
                                         f"client '{client}' has no invoice '{invoice}'",
                                         did_you_mean(invoice, own))])
    else:
        open_invs = sorted(set(report.escalated.loc[
            report.escalated["client"].to_numpy() == code, "inv"].tolist()))
        rows = np.asarray(open_invs, dtype=np.int64)
    click.echo(f"as of {day.isoformat()}, policies {policies_dir}")
    for line in explain_lines(report, code, [int(r) for r in rows]):
        click.echo(line)


@cli.command()
@click.option("--from", "start", required=True, help="First replay date YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last replay date YYYY-MM-DD.")
@click.option("--every", type=click.Choice(["month", "week"]), default="month",
              show_default=True, help="How often to replay between --from and --to.")
@click.option("--ledger", "ledger_dir", default=DEFAULT_LEDGER, show_default=True,
              type=click.Path(path_type=Path), help="Folder of canonical ledger CSVs.")
@click.option("--policies", "policies_dir", default=DEFAULT_POLICIES, show_default=True,
              type=click.Path(path_type=Path), help="Folder of policy YAML files.")
@click.option("--out", "out_dir", default="backtest", show_default=True,
              type=click.Path(path_type=Path), help="Folder for backtest.html and its CSVs.")
@click.option("--follow-days", default=14, show_default=True, type=click.IntRange(1, 365),
              help="Days after each date in which a reminded client's payment counts.")
def backtest(start: str, end: str, every: str, ledger_dir: Path, policies_dir: Path,
             out_dir: Path, follow_days: int) -> None:
    """Replay the policies over history: the actions, fees and holds they would have given on
    each date, and how the clients reminded at each step paid afterwards."""
    from .backtest import backtest as run_backtest
    from .backtest import replay_dates
    from .render.backtest_site import write_backtest
    from .render.site import BACKTEST

    first = _date_option(start, "--from")
    last = _date_option(end, "--to")
    _check_out(out_dir, BACKTEST, ledger_dir, policies_dir)
    if last < first:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="--to")
    dates = replay_dates(first, last, every)
    if len(dates) > 520:
        raise click.BadParameter(f"{len(dates)} replay dates; at most 520 (ten years weekly)",
                                 param_hint="--every")
    ledger, policies, diags = _load_inputs(ledger_dir, policies_dir)
    started = time.perf_counter()
    result = run_backtest(ledger, policies, dates, follow_days)
    write_backtest(result, out_dir, first.isoformat(), last.isoformat(), every,
                   str(ledger_dir), str(policies_dir))
    click.echo(f"arreport backtest: {len(dates)} date(s) from {first} to {last}, "
               f"{len(result.steps)} step row(s) -> {out_dir} "
               f"({time.perf_counter() - started:.1f} s)", err=True)


@cli.command()
@click.option("--outbox", "outbox", default=f"{DEFAULT_OUT}/outbox", show_default=True,
              type=click.Path(path_type=Path), help="The .eml files `arreport build` wrote.")
@click.option("--sent-log", "sent_log", default=DEFAULT_SENT_LOG, show_default=True,
              type=click.Path(path_type=Path),
              help="Where each delivered Message-ID is logged; one already there is skipped.")
@click.option("--smtp", "smtp", default=None, metavar="HOST:PORT",
              help="The SMTP server (needed with --send).")
@click.option("--starttls", is_flag=True, help="Upgrade the connection with STARTTLS.")
@click.option("--ssl", "use_ssl", is_flag=True, help="Connect with TLS from the start.")
@click.option("--user", default=None, help="Log in as this user (password from --password-env).")
@click.option("--password-env", default="ARREPORT_SMTP_PASSWORD", show_default=True,
              metavar="NAME", help="The environment variable holding the SMTP password.")
@click.option("--rate", default=60.0, show_default=True, type=click.FloatRange(min=0),
              help="At most this many messages a minute (0: no limit).")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Tries again after a temporary failure this many times.")
@click.option("--backoff", default=2.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds before the first retry; doubled each time.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for the server.")
@click.option("--max-age-days", default=7, show_default=True, type=click.IntRange(0, 3650),
              help="Messages built as of more than this many days ago are not sent (nor "
                   "any built for a later day).")
@click.option("--send", "really", is_flag=True,
              help="Deliver. Without it, list what would be sent and send nothing.")
def send(outbox: Path, sent_log: Path, smtp: str | None, starttls: bool, use_ssl: bool,
         user: str | None, password_env: str, rate: float, retries: int, backoff: float,
         timeout: float, max_age_days: int, really: bool) -> None:
    """Send the outbox's emails: a dry run that lists them unless --send. Each delivered
    message is logged at once; one already in the sent log is never sent again."""
    import os

    from .deliver.sentlog import SendLocked
    from .deliver.smtp import SendError, Smtp, deliver, dry_run

    if not outbox.is_dir():
        raise click.BadParameter(f"'{outbox}' is not a folder; run `arreport build` first "
                                 "(it writes the outbox under --out)", param_hint="--outbox")
    today = dt.date.today()
    if not really:
        summary = dry_run(outbox, sent_log, click.echo, today, max_age_days)
        sys.exit(1 if summary.unreadable or summary.out_of_date else 0)
    if smtp is None:
        raise click.UsageError("--send needs --smtp HOST:PORT")
    host, _, port_text = smtp.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise click.BadParameter(f"'{smtp}' is not HOST:PORT", param_hint="--smtp")
    if starttls and use_ssl:
        raise click.UsageError("--starttls and --ssl exclude each other")
    password = None
    if user is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise click.BadParameter(f"--user {user} needs the password in the environment "
                                     f"variable {password_env}, which is not set",
                                     param_hint="--password-env")
    settings = Smtp(host=host.strip("[]"), port=int(port_text),
                    security="ssl" if use_ssl else "starttls" if starttls else "plain",
                    user=user, password=password, timeout=timeout)
    try:
        summary = deliver(outbox, sent_log, settings, click.echo,
                          now=lambda: dt.datetime.now(dt.UTC), sleep=time.sleep,
                          rate_per_minute=rate, retries=retries, backoff=backoff,
                          today=today, max_age_days=max_age_days)
    except (SendError, SendLocked) as exc:
        done = getattr(exc, "summary", None)
        if done is not None:
            click.echo(f"arreport send: stopped after {done.sent} sent, {done.already} "
                       f"already sent, {len(done.failed)} failed", err=True)
        click.echo(f"arreport send: {exc}", err=True)
        sys.exit(1)
    click.echo(f"arreport send: {summary.sent} sent, {summary.already} already sent, "
               f"{len(summary.failed)} failed"
               + (f", {len(summary.out_of_date)} out of date" if summary.out_of_date else "")
               + (f", {len(summary.unreadable)} unreadable" if summary.unreadable else "")
               + f"; logged in {sent_log}", err=True)
    if summary.failed or summary.unreadable or summary.out_of_date:
        sys.exit(1)


def _date_option(value: str, name: str) -> dt.date:
    """A date given as YYYY-MM-DD exactly (fromisoformat alone also takes 20240630 and
    2024-W26-7), within the dates arreport handles."""
    from .ledger.dates import DATE_PATTERN, DATE_RANGE, in_range

    try:
        if not re.fullmatch(DATE_PATTERN, value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (expected YYYY-MM-DD)",
                                 param_hint=name) from None
    if not in_range(day):
        raise click.BadParameter(f"'{value}' is outside the dates arreport accepts "
                                 f"(expected a date {DATE_RANGE})", param_hint=name)
    return day


def main() -> None:
    """Entry point: exit 0 ok, 1 invalid input, 2 usage, 3 internal error (with traceback)."""
    from .render.site import OutputError

    try:
        cli.main(standalone_mode=False)
    except InputError as exc:
        _print_diagnostics(exc.diagnostics)
        n = sum(1 for d in exc.diagnostics if d.severity == "error")
        click.echo(f"arreport: {n} error(s) in the input; nothing was written", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else 1)
    except OutputError as exc:  # --out found unusable only when writing (e.g. /proc/site)
        click.echo(f"Error: Invalid value for --out: {exc}", err=True)
        sys.exit(2)
    except Exception:  # a bug: say so, show where, keep the old site
        traceback.print_exc()
        click.echo("arreport: internal error (a bug); the previous site is untouched", err=True)
        sys.exit(3)
