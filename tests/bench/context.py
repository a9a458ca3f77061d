#!/usr/bin/env python3
r"""Themes in context against plain `nps themes`, on the varied-comment CSV of run.py's themes task
(standard library only; the data and the runner are run.py's).

    python3 tests/bench/context.py                       # 1M and 10M rows, 3 runs each
    python3 tests/bench/context.py --sizes 100k --runs 1 --nps target/debug/nps   # smoke run

Each command runs --runs times on nps-themes-<size>.csv (generate.py --varied-comments
--newlines: mostly distinct English and French comments, a plan column, dates over a year):

    nps themes FILE --format json -q                  the baseline
    nps themes FILE --discover --format json -q       n-grams of every comment, log-odds
    nps themes FILE --by plan --format json -q        per segment: themes, n-grams
    nps themes FILE --every month --format json -q    per month: themes, n-grams

The table gives the median wall time, its ratio to the baseline (the issue's target: at most 2),
and the peak anonymous memory (sampled RssAnon: the heap, not the mapped file) at each size, with
its growth from the smallest size to the largest (bounded memory: about 1).
"""

import argparse
import statistics
import sys
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)

MODES = [
    ("themes", []),
    ("--discover", ["--discover"]),
    ("--by plan", ["--by", "plan"]),
    ("--every month", ["--every", "month"]),
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1m,10m")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--dir", default="/tmp/nps-bench")
    p.add_argument("--nps", default="target/release/nps")
    a = p.parse_args()
    nps = str(Path(a.nps).resolve())
    directory = Path(a.dir)
    directory.mkdir(parents=True, exist_ok=True)
    anon = {}
    print("| rows | command | nps (s) | / plain themes | peak anonymous memory |")
    print("|---|---|---|---|---|")
    for size in a.sizes.split(","):
        n = run.parse_size(size)
        path = directory / f"nps-themes-{run.size_label(n)}.csv"
        run.generate(path, n, "csv", varied=True)
        base = None
        for name, extra in MODES:
            cmd = [nps, "themes", str(path)] + extra + ["--format", "json", "-q"]
            runs = []
            for _ in range(a.runs):
                r = run.measure(cmd)
                if r.returncode != 0:
                    print(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
                    return 1
                runs.append(r)
            t = statistics.median(r.seconds for r in runs)
            peak = max(r.peak_anon for r in runs)
            anon.setdefault(name, []).append(peak)
            base = base or t
            print(f"| {n:,} | {name} | {t:.2f} | {t / base:.2f} | {peak / 1e6:.0f} MB |", flush=True)
    if len(a.sizes.split(",")) > 1:
        for name, peaks in anon.items():
            print(f"peak anonymous memory, {name}: largest size / smallest = {peaks[-1] / max(1, peaks[0]):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
