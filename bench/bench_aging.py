#!/usr/bin/env python3
"""`make bench`: aging of a 1,000,000-invoice ledger against the read floor (docs/PERF targets).

Prints figures; it is not a test. Steps:

1. generates the ledger once into bench/.data/ (cached; regenerated when the generator changes);
2. times the read floor in a child process: interpreter start, pandas + pyarrow import and a
   pyarrow-engine parse of invoices.csv and payments.csv as strings;
3. times `arreport build --no-pdf` end to end in a child process, with the child's peak RSS
   (os.wait4 gives each child's own rusage);
4. prints the ratio build/floor and the peak RSS against the targets (≤ 3× floor, < 1024 MB) and
   checks the tool's data/aging.csv to the cent against an independent per-client sum.

Exit status: 0 when the build ran and its totals are exact, whether or not the timing targets are
met; 1 when the build failed or a total differs; 2 when it could not run (no `arreport`, the
generator failed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
GENERATOR = ROOT / "scripts" / "generate_ledger.py"
GEN_ARGS = ("--clients", "50000", "--invoices", "1000000", "--seed", "1")
TARGET_RATIO = 3.0
TARGET_RSS_MB = 1024.0
DECIMALS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
KEY = ["client_id", "currency"]


@dataclass
class Run:
    seconds: float
    rss_mb: float
    returncode: int
    stderr: str


def decimals_of(currency: str) -> int:
    return DECIMALS.get(currency, 2)


# ------------------------------------------------------------------------------ child processes


def run_child(cmd: Sequence[str], cwd: Path = ROOT) -> Run:
    """Run `cmd`, returning wall time, its peak RSS (from wait4), exit status and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, rss, proc.returncode, stderr)


def generator_stamp() -> str:
    h = hashlib.sha256(GENERATOR.read_bytes())
    h.update(" ".join(GEN_ARGS).encode())
    return h.hexdigest()


def ensure_ledger(force: bool) -> Path:
    """The cached benchmark ledger, generated when absent or made by another generator."""
    DATA.mkdir(parents=True, exist_ok=True)
    ignore = DATA / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# generated benchmark data, never committed\n*\n", encoding="utf-8")
    ledger = DATA / "ledger-1m"
    stamp_file = ledger / ".stamp"
    stamp = generator_stamp()
    if not force and stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        print(f"ledger: cached in {ledger.relative_to(ROOT)}")
        return ledger
    tmp = Path(tempfile.mkdtemp(prefix="ledger-", dir=DATA))
    tmp.chmod(0o755)
    cmd = [sys.executable, str(GENERATOR), "--out", str(tmp), *GEN_ARGS]
    print(f"ledger: generating ({' '.join(GEN_ARGS)}) ...", flush=True)
    run = run_child(cmd)
    if run.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        sys.stderr.write(run.stderr)
        raise SystemExit(f"error: the generator failed (exit {run.returncode})")
    (tmp / ".stamp").write_text(stamp + "\n", encoding="utf-8")
    if ledger.exists():
        shutil.rmtree(ledger)
    tmp.rename(ledger)
    print(f"ledger: generated in {run.seconds:.1f} s (peak {run.rss_mb:.0f} MB) into "
          f"{ledger.relative_to(ROOT)}")
    return ledger


def floor_cmd(ledger: Path) -> list[str]:
    inv, pay = str(ledger / "invoices.csv"), str(ledger / "payments.csv")
    code = (
        "import pandas as pd, pyarrow; "
        f"pd.read_csv({inv!r}, engine='pyarrow', dtype=str); "
        f"pd.read_csv({pay!r}, engine='pyarrow', dtype=str)"
    )
    return [sys.executable, "-c", code]


def arreport_exe() -> Path:
    return Path(sys.executable).parent / "arreport"


def build_cmd(ledger: Path, policies: Path, as_of: str, out: Path) -> list[str]:
    return [str(arreport_exe()), "build", "--ledger", str(ledger), "--policies", str(policies),
            "--as-of", as_of, "--out", str(out), "--no-pdf", "--timings"]


# ------------------------------------------------------------------------------ exact totals


def to_minor(amounts: pd.Series, decimals: int) -> np.ndarray:
    """Decimal strings -> integer minor units through string split (never a float)."""
    arr = pa.array(amounts.to_numpy(dtype=object), pa.string())
    if arr.null_count:
        raise ValueError("empty amount")
    bad = pc.invert(pc.match_substring_regex(arr, r"^\d+(\.\d*)?$"))
    if pc.any(bad).as_py():
        raise ValueError(f"not a non-negative decimal amount: {arr.filter(bad)[0].as_py()!r}")
    with_dot = pc.if_else(pc.match_substring(arr, "."), arr,
                          pc.binary_join_element_wise(arr, "", "."))
    parts = pc.split_pattern(with_dot, ".", max_splits=1)
    whole = pc.cast(pc.list_element(parts, 0), pa.int64()).to_numpy(zero_copy_only=False)
    if decimals == 0:
        return whole
    frac_s = pc.utf8_rpad(pc.list_element(parts, 1), width=decimals, padding="0")
    if pc.any(pc.greater(pc.utf8_length(frac_s), decimals)).as_py():
        raise ValueError("more decimals than the currency has")
    frac = pc.cast(frac_s, pa.int64()).to_numpy(zero_copy_only=False)
    return whole * np.int64(10**decimals) + frac


def minor_by_currency(df: pd.DataFrame, column: str) -> np.ndarray:
    out = np.zeros(len(df), dtype=np.int64)
    cur = df["currency"].to_numpy(dtype=object)
    for c in sorted(set(cur)):
        mask = cur == c
        out[mask] = to_minor(df[column][mask], decimals_of(c))
    return out


def read_strings(path: Path) -> pd.DataFrame:
    """A canonical CSV with every column as a string; empty cells stay empty strings."""
    if not path.exists():
        return pd.DataFrame()
    with path.open("rb") as f:
        names = f.readline().decode("utf-8-sig").rstrip("\r\n").split(",")
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf-8"),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False),
    )
    return table.to_pandas()


def default_currency(policies: Path) -> str:
    terms = policies / "terms.yaml"
    if terms.exists():
        m = re.search(r"^currency:\s*['\"]?([A-Z]{3})", terms.read_text(encoding="utf-8"), re.M)
        if m:
            return m.group(1)
    return "USD"


def expected_positions(ledger: Path, as_of: str, policies: Path) -> pd.DataFrame:
    """Per (client_id, currency): open = max(0, net), unapplied = max(0, -net) in minor units."""

    def read(name: str) -> pd.DataFrame:
        return read_strings(ledger / name)

    fallback = default_currency(policies)
    clients = read("clients.csv")
    client_cur: dict[str, str] = {}
    if "currency" in clients:
        client_cur = dict(zip(clients["client_id"], clients["currency"], strict=True))
        client_cur = {k: v for k, v in client_cur.items() if v}

    inv = read("invoices.csv")
    inv = inv[inv["issue_date"] <= as_of]
    cur = inv["currency"] if "currency" in inv else pd.Series("", index=inv.index)
    missing = cur == ""
    if missing.any():
        cur = cur.where(~missing, inv["client_id"].map(client_cur).fillna(fallback))
    inv = inv.assign(currency=cur)
    inv_cur = dict(zip(inv["invoice_id"], inv["currency"], strict=True))

    frames = [inv[["client_id", "currency", "amount"]].assign(sign=1)]
    for name in ("payments.csv", "credit_notes.csv"):
        docs = read(name)
        if docs.empty:
            continue
        docs = docs[docs["date"] <= as_of]
        cur = docs["currency"] if "currency" in docs else pd.Series("", index=docs.index)
        missing = cur == ""
        if missing.any():
            via_inv = (docs["invoice_id"].map(inv_cur) if "invoice_id" in docs
                       else pd.Series(pd.NA, index=docs.index))
            via_client = docs["client_id"].map(client_cur).fillna(fallback)
            cur = cur.where(~missing, via_inv.fillna(via_client))
        frames.append(docs.assign(currency=cur)[["client_id", "currency", "amount"]]
                      .assign(sign=-1))
    docs = pd.concat(frames, ignore_index=True)
    docs["minor"] = minor_by_currency(docs, "amount") * docs["sign"]
    net = docs.groupby(KEY, sort=True)["minor"].sum()
    out = pd.DataFrame({"open": net.clip(lower=0), "unapplied": (-net).clip(lower=0)})
    return out[(out["open"] > 0) | (out["unapplied"] > 0)]


def check_aging(aging_csv: Path, exp: pd.DataFrame) -> tuple[bool, list[str], dict[str, int]]:
    got = read_strings(aging_csv)
    problems: list[str] = []
    need = {"client_id", "currency", "total", "unapplied_credit"}
    if not need <= set(got.columns):
        return False, [f"aging.csv lacks columns {sorted(need - set(got.columns))}"], {}
    cols = list(got.columns)
    buckets = cols[cols.index("currency") + 1:cols.index("total")]  # labels between the two
    for col in ["total", "unapplied_credit", *buckets]:
        try:
            got[col] = minor_by_currency(got.assign(**{col: got[col].replace("", "0")}), col)
        except ValueError as e:
            return False, [f"aging.csv column {col}: {e}"], {}
    bucket_sum = got[buckets].sum(axis=1).to_numpy() if buckets else np.zeros(len(got), int)
    total = got["total"].to_numpy()
    for i in np.flatnonzero(bucket_sum != total)[:5]:
        cur = str(got["currency"].iat[i])
        problems.append(f"{got['client_id'].iat[i]} {cur}: buckets sum to "
                        f"{fmt_minor(int(bucket_sum[i]), decimals_of(cur))} ≠ total "
                        f"{fmt_minor(int(total[i]), decimals_of(cur))}")
    got = got.set_index(KEY)
    if got.index.duplicated().any():
        problems.append(f"{int(got.index.duplicated().sum())} duplicate (client_id, currency) rows")
        got = got[~got.index.duplicated()]
    both = exp.join(got[["total", "unapplied_credit"]], how="outer")
    both = both.fillna(0).astype("int64")
    diff = both[(both["open"] != both["total"]) | (both["unapplied"] != both["unapplied_credit"])]
    for key, row in zip(diff.index, diff.itertuples(index=False), strict=True):
        client, cur = str(key[0]), str(key[1])
        d = decimals_of(cur)
        problems.append(
            f"{client} {cur}: expected open {fmt_minor(int(row.open), d)}, unapplied "
            f"{fmt_minor(int(row.unapplied), d)}; aging.csv total {fmt_minor(int(row.total), d)}, "
            f"unapplied_credit {fmt_minor(int(row.unapplied_credit), d)}")
        if len(problems) >= 15:
            break
    totals = {f"open {cur}": int(v) for cur, v in
              exp.groupby(level="currency")["open"].sum().items()}
    totals.update({f"unapplied {cur}": int(v) for cur, v in
                   exp.groupby(level="currency")["unapplied"].sum().items()})
    stats = {"rows expected": len(exp), "rows in aging.csv": len(got), "rows differing": len(diff),
             **totals}
    return not problems, problems, stats


# ------------------------------------------------------------------------------ report


def summary(runs: list[Run]) -> tuple[float, float, float, float]:
    secs = [r.seconds for r in runs]
    return statistics.median(secs), min(secs), max(secs), max(r.rss_mb for r in runs)


def count_rows(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1)


def fmt_minor(value: int, decimals: int) -> str:
    if decimals == 0:
        return f"{value:,}"
    q, r = divmod(value, 10**decimals)
    return f"{q:,}.{r:0{decimals}d}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--policies", type=Path, default=ROOT / "policies")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the ledger")
    parser.add_argument("--floor-only", action="store_true", help="measure the read floor only")
    parser.add_argument("--keep", type=Path, help="copy the last build's output here")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be ≥ 1")

    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, pyarrow {pa.__version__}, "
          f"{os.cpu_count()} CPUs")
    ledger = ensure_ledger(args.regenerate)
    as_of = (ledger / "AS_OF").read_text(encoding="utf-8").strip()
    n_inv, n_pay = count_rows(ledger / "invoices.csv"), count_rows(ledger / "payments.csv")
    n_cli = count_rows(ledger / "clients.csv")
    print(f"ledger: {n_inv:,} invoices, {n_pay:,} payments, {n_cli:,} clients, as of {as_of}")

    exe = arreport_exe()
    cannot_build = ""
    if not exe.exists():
        cannot_build = (f"no `arreport` console script at {exe}; install the package into this "
                        "environment (`make setup`, or `pip install -e .`)")
    elif not args.policies.is_dir():
        cannot_build = f"no policies folder at {args.policies}"
    if cannot_build and not args.floor_only:
        print(f"error: {cannot_build}; measuring the read floor only", file=sys.stderr)
    build_possible = not cannot_build and not args.floor_only

    run_child(floor_cmd(ledger))  # warm the page cache and the import caches, untimed
    floors: list[Run] = []
    builds: list[Run] = []
    work = Path(tempfile.mkdtemp(prefix="arreport-bench-"))
    last_out: Path | None = None
    try:
        for i in range(args.runs):  # interleaved, so drift affects both alike
            run = run_child(floor_cmd(ledger))
            if run.returncode != 0:
                sys.stderr.write(run.stderr)
                print("error: the read floor command failed", file=sys.stderr)
                return 2
            floors.append(run)
            print(f"  run {i + 1}: floor {run.seconds:.2f} s", end="", flush=True)
            if build_possible:
                out = work / f"site-{i + 1}"
                run = run_child(build_cmd(ledger, args.policies, as_of, out))
                if run.returncode != 0:
                    print()
                    sys.stderr.write(run.stderr[-4000:])
                    print(f"error: arreport build failed (exit {run.returncode})",
                          file=sys.stderr)
                    return 1
                builds.append(run)
                if last_out is not None:
                    shutil.rmtree(last_out, ignore_errors=True)
                last_out = out
                print(f", build {run.seconds:.2f} s ({run.rss_mb:.0f} MB)", end="")
            print()

        f_med, f_min, f_max, f_rss = summary(floors)
        print()
        print(f"{'measurement':<22}{'median':>9}{'min':>9}{'max':>9}{'peak RSS':>11}")
        print(f"{'read floor':<22}{f_med:>8.2f}s{f_min:>8.2f}s{f_max:>8.2f}s{f_rss:>8.0f} MB")
        if not builds:
            print(f"{'arreport build':<22}{'not run':>9}")
            return 0 if args.floor_only else 2
        b_med, b_min, b_max, b_rss = summary(builds)
        print(f"{'arreport build':<22}{b_med:>8.2f}s{b_min:>8.2f}s{b_max:>8.2f}s{b_rss:>8.0f} MB")
        stage_lines = [ln for ln in builds[-1].stderr.splitlines() if ln.startswith("  ")]
        if stage_lines:
            print("stages of the last build (arreport build --timings):")
            for ln in stage_lines:
                print("  " + ln.strip())
        ratio = b_med / f_med
        ratio_ok, rss_ok = ratio <= TARGET_RATIO, b_rss < TARGET_RSS_MB
        print()
        print(f"{'target':<22}{'measured':>12}{'target':>12}{'met':>6}")
        print(f"{'build / floor':<22}{ratio:>11.2f}×{f'≤ {TARGET_RATIO:g}×':>12}"
              f"{'yes' if ratio_ok else 'no':>6}")
        print(f"{'peak RSS of build':<22}{b_rss:>9.0f} MB{f'< {TARGET_RSS_MB:g} MB':>12}"
              f"{'yes' if rss_ok else 'no':>6}")

        assert last_out is not None
        aging = last_out / "data" / "aging.csv"
        print()
        if not aging.exists():
            print(f"exact: no — the build wrote no {aging.relative_to(last_out)}")
            return 1
        t0 = time.perf_counter()
        expected = expected_positions(ledger, as_of, args.policies)
        ok, problems, stats = check_aging(aging, expected)
        print(f"exact: {'yes' if ok else 'no'} (independent per-client sums, "
              f"{time.perf_counter() - t0:.1f} s)")
        for k, v in stats.items():
            if k.startswith(("open ", "unapplied ")):
                print(f"  {k:<20}{fmt_minor(v, decimals_of(k.split()[-1])):>22}")
            else:
                print(f"  {k:<20}{v:>22,}")
        for p in problems:
            print(f"  mismatch: {p}")
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(last_out, args.keep)
            print(f"build output kept in {args.keep}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
