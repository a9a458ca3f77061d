#!/usr/bin/env python3
r"""The built-in lexicons against real texts labelled by people, kept outside the repository as
CSV files (standard library only): themes, and `nps risk`'s churn language.

    python3 tests/quality/labelled.py themes FILE [--half read|unread] [--lang en|fr] [--nps BIN]
    python3 tests/quality/labelled.py churn FILE [--half read|unread] [--nps BIN]

Every file has a column `half`: `read` when the first byte of SHA-256 of the row's id is even,
else `unread`. Only the read half's misses may be read to find what to fix; the unread half is
only scored.

`themes`: columns `id,comment,our_tags,measurable,half`. `our_tags` are the theme keys the comment
is about, joined with `;` (the set's own labels mapped to theme keys, the mapping fixed before the
tagger is run on it); `measurable` the theme keys the set's labelling can say yes or no to (a set
that labels only complaints about staff cannot tell a wrong `price` tag from a right one): each
comment is scored on those alone, tagged by `nps themes --per-response` as a passive's (no score
decides its intent). Prints precision and recall per measurable theme and their micro average.

`churn`: columns `id,lang,comment,churn,half`, `churn` 1 when the people who labelled the text read
it as its writer meaning to leave. Each text is one respondent's only response, scored 8 (no
score-history signal can fire), flagged when any churn-language signal fires (intent, switching,
competitor, refund, disengagement; conditional or not).

fixtures/themes/README.md and README.md ("Closing the loop") list the sets measured so far, where
they came from, and their figures.
"""

import argparse
import csv
import io
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

LANGUAGE = {"intent", "switching", "competitor", "refund", "disengagement"}


def rows_of(path, half):
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if half in (None, r["half"])]
    if not rows:
        sys.exit(f"{path}: no rows{' in the ' + half + ' half' if half else ''}")
    return rows


def run(nps, command, header, lines, flags):
    """`nps COMMAND` on a CSV of `header` and `lines`, its CSV output as dicts."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(lines)
        cmd = [nps, command, str(path), "--format", "csv", "-q", *flags]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def keys(cell):
    return {k for k in cell.split(";") if k}


def ratio(a, b):
    return a / b if b else 0.0


def themes(args, rows, name):
    flags = ["--per-response", "--comment-col", "comment"] + (["--lang", args.lang] if args.lang else [])
    tagged = run(args.nps, "themes", ["score", "comment"], (["8", r["comment"]] for r in rows), flags)
    if len(tagged) != len(rows):
        sys.exit(f"nps gave {len(tagged)} rows for {len(rows)} comments")
    counts = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for row, got in zip(rows, tagged):
        gold, tags = keys(row["our_tags"]), keys(got["themes"])
        for theme in keys(row["measurable"]):
            c = counts[theme]
            c[0] += theme in tags and theme in gold
            c[1] += theme in tags and theme not in gold
            c[2] += theme in gold and theme not in tags
    print("| set | theme | labelled | tagged | precision | recall |")
    print("|---|---|---:|---:|---:|---:|")
    micro = [sum(c[k] for c in counts.values()) for k in range(3)]
    for theme, (tp, fp, fn) in sorted(counts.items()) + [("(micro)", micro)]:
        print(f"| {name} | {theme} | {tp + fn} | {tp + fp} | {ratio(tp, tp + fp):.3f} | {ratio(tp, tp + fn):.3f} |")


def churn(args, rows, name):
    header = ["customer_id", "score", "date", "language", "comment"]
    lines = ([r["id"], "8", "2025-11-01", r["lang"], r["comment"]] for r in rows)
    flagged = {
        r["id"]
        for r in run(args.nps, "risk", header, lines, ["--as-of", "2025-11-20"])
        if {s.split(":")[0] for s in r["signals"].split(";")} & LANGUAGE
    }
    tp = sum(r["churn"] == "1" and r["id"] in flagged for r in rows)
    fp = sum(r["churn"] == "0" and r["id"] in flagged for r in rows)
    fn = sum(r["churn"] == "1" and r["id"] not in flagged for r in rows)
    print(f"{name}: churn {tp + fn}, flagged {tp + fp}, precision {ratio(tp, tp + fp):.3f}, "
          f"recall {ratio(tp, tp + fn):.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["themes", "churn"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--nps", default="target/release/nps")
    ap.add_argument("--half", choices=["read", "unread"])
    ap.add_argument("--lang", choices=["en", "fr"], help="themes: the comments' language")
    args = ap.parse_args()
    rows = rows_of(args.file, args.half)
    name = f"{args.file.stem} ({len(rows)} rows{', ' + args.half + ' half' if args.half else ''})"
    (themes if args.what == "themes" else churn)(args, rows, name)


if __name__ == "__main__":
    main()
