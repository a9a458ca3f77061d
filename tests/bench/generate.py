#!/usr/bin/env python3
"""Deterministic synthetic survey export for benchmarks (standard library only).

Writes the 9-column layout of ../shared/PERFORMANCE.md: response_id, customer_id, email,
submitted_at (ISO 8601 UTC), score (about 1% blank), plan, country, channel, comment (commas,
quotes, and with --newlines some embedded line breaks). The same --rows and --seed always give the
same bytes, and the script prints the expected counts so a benchmark can check every tool's answer.

    python3 tests/bench/generate.py --rows 1000000 --out /tmp/nps-1m.csv
    python3 tests/bench/generate.py --rows 1000000 --newlines --format ndjson --out /tmp/nps-1m.ndjson

--format csv (the default) writes RFC 4180 text with a header row; a comment holding a comma, a
quote or a line break is quoted. --format ndjson writes the same rows (same --rows, --seed and
--newlines give the same values in both formats) as one JSON object per line, keys in the CSV's
column order, `score` a JSON integer or `null` when blank, every other field a string (an empty
comment is ""), UTF-8 without escaping non-ASCII letters.

Parquet is not written here (the standard library has no Parquet writer): tests/bench/run.py
converts the CSV with the DuckDB CLI, giving score INTEGER (NULL when blank), submitted_at TIMESTAMP
(UTC instant, no zone) and every other column VARCHAR.

The last line on stderr is `rows=… n=… blank=… nps=…` (n = non-blank scores, NPS to 6 decimals).
"""

import argparse
import json
import random
import sys

PLANS = ["free", "starter", "pro", "enterprise"]
COUNTRIES = ["FR", "US", "DE", "GB", "CA", "BE", "CH", "ES", "IT", "NL"]
CHANNELS = ["email", "in-app", "sms", "web"]
COMMENTS = [
    "",
    "Great product, would recommend",
    'Support said "next week", still waiting',
    "Too expensive for what it does, honestly",
    "Très déçu, l'équipe n'a pas répondu",
    "Fast, simple, reliable",
    "The new dashboard is confusing, please bring back the old one",
    "Pricing, bugs, and slow exports",
]
# Skewed towards promoters, like most real surveys.
WEIGHTS = [3, 1, 1, 2, 2, 4, 6, 12, 18, 22, 29]
COLUMNS = ["response_id", "customer_id", "email", "submitted_at", "score", "plan", "country",
           "channel", "comment"]


def rows(n_rows: int, seed: int, newlines: bool, counts: list):
    """Yield each row as (response_id, customer_id, email, submitted_at, score or None, plan,
    country, channel, comment), counting scores in counts[0..10] and blanks in counts[11].

    The random draws happen in exactly the order of the original CSV-only script, so the CSV
    output is byte-identical to it for the same --rows, --seed and --newlines."""
    rng = random.Random(seed)
    for i in range(n_rows):
        if rng.random() < 0.01:
            score = None
            counts[11] += 1
        else:
            score = rng.choices(range(11), WEIGHTS)[0]
            counts[score] += 1
        cust = rng.randrange(1, n_rows // 3 + 2)
        month = 1 + (i * 12) // n_rows
        day = 1 + rng.randrange(28)
        ts = f"2025-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
        comment = rng.choice(COMMENTS)
        if newlines and comment and rng.random() < 0.05:
            comment += "\nSecond line of the comment"
        plan = rng.choice(PLANS)
        country = rng.choice(COUNTRIES)
        channel = rng.choice(CHANNELS)
        yield (f"R{i:09d}", f"C{cust:08d}", f"user{cust}@example.com", ts, score, plan, country,
               channel, comment)


def write_csv(f, it) -> None:
    f.write(",".join(COLUMNS) + "\n")
    for rid, cid, email, ts, score, plan, country, channel, comment in it:
        if any(c in comment for c in ',"\n'):
            comment = '"' + comment.replace('"', '""') + '"'
        f.write(
            f"{rid},{cid},{email},{ts},{'' if score is None else score},"
            f"{plan},{country},{channel},{comment}\n"
        )


def write_ndjson(f, it) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for row in it:
        f.write(dumps(dict(zip(COLUMNS, row))) + "\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--newlines", action="store_true", help="put line breaks in some comments")
    p.add_argument("--format", choices=["csv", "ndjson"], default="csv",
                   help="csv (default) or ndjson: the same rows either way")
    a = p.parse_args()
    if a.rows < 1:
        p.error("--rows must be at least 1")
    counts = [0] * 12
    write = write_csv if a.format == "csv" else write_ndjson
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        write(f, rows(a.rows, a.seed, a.newlines, counts))
    blank = counts[11]
    n = sum(counts[:11])
    promoters, detractors = counts[9] + counts[10], sum(counts[:7])
    nps = 100 * (promoters - detractors) / n if n else float("nan")
    print(f"rows={a.rows} n={n} blank={blank} nps={nps:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
