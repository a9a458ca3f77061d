#!/usr/bin/env python3
"""Deterministic synthetic survey export for benchmarks (standard library only).

Writes the 9-column layout of ../shared/PERFORMANCE.md: response_id, customer_id, email,
submitted_at (ISO 8601 UTC), score (about 1% blank), plan, country, channel, comment (commas,
quotes, and with --newlines some embedded line breaks). The same --rows and --seed always give the
same bytes, and the script prints the expected counts so a benchmark can check every tool's answer.

    python3 tests/bench/generate.py --rows 1000000 --out /tmp/nps-1m.csv
"""

import argparse
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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--newlines", action="store_true", help="put line breaks in some comments")
    a = p.parse_args()
    rng = random.Random(a.seed)
    counts = [0] * 11
    blank = 0
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("response_id,customer_id,email,submitted_at,score,plan,country,channel,comment\n")
        for i in range(a.rows):
            if rng.random() < 0.01:
                score = ""
                blank += 1
            else:
                s = rng.choices(range(11), WEIGHTS)[0]
                counts[s] += 1
                score = str(s)
            cust = rng.randrange(1, a.rows // 3 + 2)
            month = 1 + (i * 12) // a.rows
            day = 1 + rng.randrange(28)
            ts = f"2025-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
            comment = rng.choice(COMMENTS)
            if a.newlines and comment and rng.random() < 0.05:
                comment += "\nSecond line of the comment"
            if any(c in comment for c in ',"\n'):
                comment = '"' + comment.replace('"', '""') + '"'
            f.write(
                f"R{i:09d},C{cust:08d},user{cust}@example.com,{ts},{score},"
                f"{rng.choice(PLANS)},{rng.choice(COUNTRIES)},{rng.choice(CHANNELS)},{comment}\n"
            )
    n = sum(counts)
    promoters, detractors = counts[9] + counts[10], sum(counts[:7])
    print(f"rows={a.rows} n={n} blank={blank} nps={100 * (promoters - detractors) / n:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
