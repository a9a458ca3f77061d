#!/usr/bin/env python3
r"""The built-in themes against any set of real comments labelled by people, kept outside the
repository as a CSV (standard library only).

    python3 tests/quality/labelled_csv.py --nps target/release/nps FILE [--half read|unread] [--lang en|fr]

FILE has the columns `id,comment,our_tags,measurable,half`:
- `our_tags`: the theme keys the comment is about, joined with `;` (the set's own labels mapped to
  theme keys, the mapping fixed before the tagger is run on it);
- `measurable`: the theme keys that the set's labelling can say yes or no to (a set that labels
  only complaints about staff cannot tell a wrong `price` tag from a right one): a comment is
  scored on those alone;
- `half`: `read` when the first byte of SHA-256 of the id is even, else `unread`. Only the read
  half's misses may be read to find what to fix; the unread half is only scored.

Each comment is scored with `nps themes --per-response` (as a passive's, so that no score decides
its intent); the table gives, per measurable theme, how many comments are labelled and tagged,
precision and recall, and the micro average. fixtures/themes/README.md lists the sets measured so
far, where they came from and their figures.
"""

import argparse
import csv
import io
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def keys(cell):
    return {k for k in cell.split(";") if k}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", type=Path)
    ap.add_argument("--nps", default="target/release/nps")
    ap.add_argument("--half", choices=["read", "unread"])
    ap.add_argument("--lang", choices=["en", "fr"])
    args = ap.parse_args()

    with args.file.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if args.half in (None, r["half"])]
    if not rows:
        sys.exit(f"{args.file}: no comments{' in the ' + args.half + ' half' if args.half else ''}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "comments.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["score", "comment"])
            w.writerows(["8", r["comment"]] for r in rows)
        cmd = [args.nps, "themes", str(path), "--per-response", "--format", "csv", "-q",
               "--comment-col", "comment"]
        if args.lang:
            cmd += ["--lang", args.lang]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    tagged = list(csv.DictReader(io.StringIO(out)))
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
    name = f"{args.file.stem} ({len(rows)} comments{', ' + args.half + ' half' if args.half else ''})"
    print("| set | theme | labelled | tagged | precision | recall |")
    print("|---|---|---:|---:|---:|---:|")
    total = [0, 0, 0]
    for theme, c in sorted(counts.items()):
        total = [a + b for a, b in zip(total, c)]
        print(line(name, theme, c))
    print(line(name, "(micro)", total))


def line(name, theme, c):
    tp, fp, fn = c
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return f"| {name} | {theme} | {tp + fn} | {tp + fp} | {p:.3f} | {r:.3f} |"


if __name__ == "__main__":
    main()
