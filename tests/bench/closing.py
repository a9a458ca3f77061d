#!/usr/bin/env python3
r"""nps followup and nps risk against the DuckDB SQL a user would otherwise write (standard library
only; the data, the runner and DuckDB's discovery are run.py's).

    python3 tests/bench/closing.py                      # 1M and 10M rows, 3 runs each
    python3 tests/bench/closing.py --sizes 100k --runs 1 --nps target/debug/nps   # smoke run

Input: run.py's generated CSV (nps-<size>.csv: response_id, customer_id, email, submitted_at,
score, plan, country, channel, comment; one customer per three rows on average, so respondents
grow with the file). Both tools write their whole list to a file in the same directory.

    nps followup FILE --as-of 2025-12-31 --format csv -o OUT -q
        DuckDB: the latest response per customer (row_number over customer_id by submitted_at),
        its category, due date (7 days) and status on 2025-12-31, ordered by category and due
        date, COPY … TO OUT (HEADER)
    nps risk FILE --as-of 2025-12-31 --format csv -o OUT -q
        DuckDB: per customer within the 365-day window, the latest and previous scores (lag), the
        detractor count and a churn regex on the comments; the customers with a signal, COPY … TO
        OUT (HEADER)

The DuckDB side does less than nps (no messages, no themes, no negation or direction in its
regex): the ratio is what a user pays for the rest. Each tool runs --runs times (default 3); the
table gives the median wall time, the ratio nps/DuckDB, and each tool's peak RSS; and nps's peak
RSS per respondent kept (memory grows with the respondents, not with the rows).
"""

import argparse
import csv
import importlib.util
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

AS_OF = "2025-12-31"

FOLLOWUP_SQL = """SET TimeZone = 'UTC';
COPY (
  SELECT customer_id, email, score,
         CASE WHEN score <= 6 THEN 'detractor' WHEN score <= 8 THEN 'passive' ELSE 'promoter' END AS category,
         CAST(submitted_at AS DATE) + 7 AS due,
         CASE WHEN DATE '{as_of}' > CAST(submitted_at AS DATE) + 7 THEN 'overdue'
              WHEN CAST(submitted_at AS DATE) + 7 - DATE '{as_of}' <= 1 THEN 'due' ELSE 'ok' END AS status,
         comment
  FROM (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY submitted_at DESC) AS rn
        FROM read_csv('{path}') WHERE score IS NOT NULL)
  WHERE rn = 1
  ORDER BY (score >= 7)::INT + (score >= 9)::INT, due, customer_id
) TO '{out}' (HEADER);"""

RISK_SQL = """SET TimeZone = 'UTC';
COPY (
  WITH w AS (
    SELECT customer_id, score, submitted_at, comment,
           row_number() OVER (PARTITION BY customer_id ORDER BY submitted_at DESC) AS rn,
           lead(score) OVER (PARTITION BY customer_id ORDER BY submitted_at DESC) AS previous
    FROM read_csv('{path}')
    WHERE score IS NOT NULL AND CAST(submitted_at AS DATE) > DATE '{as_of}' - 365
  ), per AS (
    SELECT customer_id,
           max(score) FILTER (WHERE rn = 1) AS latest,
           max(previous) FILTER (WHERE rn = 1) AS previous,
           count(*) FILTER (WHERE score <= 6) AS detractors,
           bool_or(regexp_matches(lower(comment), 'cancel|unsubscribe|not renew|switch to|refund|chargeback|never again|résili|désabonn|rembours|plus jamais')) AS churn
    FROM w GROUP BY customer_id
  )
  SELECT * FROM per
  WHERE churn OR latest <= 2 OR detractors >= 2 OR latest + 3 <= previous OR (latest <= 6 AND previous >= 7)
  ORDER BY customer_id
) TO '{out}' (HEADER);"""


def rows_in(path: Path) -> int:
    """Records of a CSV file with a header (cells may hold line breaks)."""
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1m,10m")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--dir", default="/tmp/nps-bench")
    p.add_argument("--nps", default="target/release/nps")
    p.add_argument("--duckdb", default=None)
    a = p.parse_args()
    try:
        duckdb, note = run.resolve_duckdb(a.duckdb)
    except run.SetupError as e:
        print(f"closing.py: {e}", file=sys.stderr)
        return 2
    if note:
        print(f"note: {note}", file=sys.stderr)
    nps = str(Path(a.nps).resolve())
    directory = Path(a.dir)
    directory.mkdir(parents=True, exist_ok=True)
    print("| task | rows | listed | nps (s) | DuckDB (s) | nps / DuckDB | nps peak RSS | DuckDB peak RSS | nps bytes per respondent |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in a.sizes.split(","):
        n = run.parse_size(size)
        path = directory / f"nps-{run.size_label(n)}.csv"
        run.generate(path, n, "csv")
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            out = Path(tmp) / "out.csv"
            for task, sql in [("followup", FOLLOWUP_SQL), ("risk", RISK_SQL)]:
                nps_cmd = [nps, task, str(path), "--as-of", AS_OF, "--format", "csv", "-o", str(out), "-q"]
                duck_cmd = [duckdb, "-c", sql.format(path=run.sql_str(path), out=run.sql_str(out), as_of=AS_OF)]
                results = {}
                for name, cmd in [("nps", nps_cmd), ("duckdb", duck_cmd)]:
                    runs = []
                    for _ in range(a.runs):
                        r = run.measure(cmd)
                        if r.returncode != 0:
                            print(f"{name} {task} failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
                            return 1
                        runs.append(r)
                    results[name] = runs
                    if name == "nps":
                        listed = rows_in(out)
                t_nps = statistics.median(r.seconds for r in results["nps"])
                t_duck = statistics.median(r.seconds for r in results["duckdb"])
                rss_nps = max(r.peak_rss for r in results["nps"])
                rss_duck = max(r.peak_rss for r in results["duckdb"])
                # Every generated respondent has an e-mail: followup lists each one.
                per = f"{rss_nps / max(1, listed):.0f}" if task == "followup" else ""
                what = "respondents" if task == "followup" else "at risk"
                print(f"| {task} | {n:,} | {listed:,} {what} | {t_nps:.2f} | {t_duck:.2f} | {t_nps / t_duck:.2f} "
                      f"| {rss_nps / 1e6:.0f} MB | {rss_duck / 1e6:.0f} MB | {per} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
