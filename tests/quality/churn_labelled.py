#!/usr/bin/env python3
r"""`nps risk`'s churn language against real texts labelled by people for intent to leave, kept
outside the repository as a CSV (standard library only).

    python3 tests/quality/churn_labelled.py --nps target/release/nps FILE [--half read|unread]

FILE has the columns `id,lang,comment,churn,half`: `churn` is 1 when the people who labelled the
text read it as the writer meaning to leave, else 0; `half` is `read` when the first byte of
SHA-256 of the id is even, else `unread` (only the read half's misses may be read to find what to
fix). Each text becomes one respondent's only response, scored 8 (a passive: no score-history
signal can fire), and counts as flagged when any churn-language signal fires (intent, switching,
competitor, refund, disengagement; conditional or not). README.md ("Closing the loop") gives the
figures measured so far.
"""

import argparse
import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

LANGUAGE = {"intent", "switching", "competitor", "refund", "disengagement"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--nps", default="target/release/nps")
    ap.add_argument("--half", choices=["read", "unread"])
    args = ap.parse_args()

    with args.file.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if args.half in (None, r["half"])]
    if not rows:
        sys.exit(f"{args.file}: no texts")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "responses.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["customer_id", "score", "date", "language", "comment"])
            w.writerows([r["id"], "8", "2025-11-01", r["lang"], r["comment"]] for r in rows)
        out = subprocess.run(
            [args.nps, "risk", str(path), "--as-of", "2025-11-20", "--format", "csv", "-q"],
            capture_output=True, text=True, check=True,
        ).stdout
    flagged = set()
    for r in csv.DictReader(io.StringIO(out)):
        signals = {s.split(":")[0] for s in r["signals"].split(";")}
        if signals & LANGUAGE:
            flagged.add(r["id"])
    tp = sum(r["churn"] == "1" and r["id"] in flagged for r in rows)
    fp = sum(r["churn"] == "0" and r["id"] in flagged for r in rows)
    fn = sum(r["churn"] == "1" and r["id"] not in flagged for r in rows)
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    half = f", {args.half} half" if args.half else ""
    print(f"{args.file.stem} ({len(rows)} texts{half}): churn {tp + fn}, flagged {tp + fp}, "
          f"precision {p:.3f}, recall {rec:.3f}")


if __name__ == "__main__":
    main()
