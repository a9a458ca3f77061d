#!/usr/bin/env python3
r"""nps against the DuckDB CLI: same answers first, then wall time and memory (standard library only).

    python3 tests/bench/run.py                 # the issues' grid (below)
    python3 tests/bench/run.py --quick         # smoke run: 100k-row CSV, one run, seconds
    python3 tests/bench/run.py --quick --formats csv,gzip,zstd,stdin
    python3 tests/bench/run.py --sizes 1m --formats csv,ndjson --runs 5 --markdown /tmp/bench.md
    python3 tests/bench/run.py --tasks themes --sizes 1m,10m --runs 5   # only comment themes

Grid. --formats chooses among csv, gzip, zstd, stdin, parquet and ndjson, each at every --sizes;
without --formats: CSV at every size, gzip, zstd and stdin at 1M and 10M, Parquet at 10M, NDJSON at
1M (with the default --sizes 1m,10m: 1M CSV, CSV.gz, CSV.zst, CSV stdin and NDJSON; 10M CSV, CSV.gz,
CSV.zst, CSV stdin and Parquet).

Data. Every file is written into --dir (default /tmp/nps-bench) as
nps-<size>.<csv|ndjson|parquet|csv.gz|csv.zst>, each with a sidecar <file>.meta.json recording how
it was made (generator parameters, the generator's own counts, the file's size in bytes). A file is
reused when its sidecar matches the parameters wanted and the file still has the recorded size;
otherwise it is regenerated (into a temporary name, renamed when complete). tests/bench/generate.py
writes the CSV and the NDJSON, with --newlines (about 5% of non-empty comments hold a quoted line
break; the issue asks for them) and the default seed, so all formats of one size hold the same
rows. Parquet is converted from that CSV by the DuckDB CLI with explicit types:

    COPY (SELECT * FROM read_csv(CSV, header = true, auto_detect = false, columns = {...}))
      TO PARQUET (FORMAT parquet)        -- DuckDB's defaults: snappy, 122,880-row groups

with score INTEGER (NULL when blank), submitted_at TIMESTAMP (the `…Z` UTC instant stored without
a zone, as most exporters write it) and every other column VARCHAR: the types a careful user would
give, so neither tool gets a string score or a string date to parse from Parquet.

The compressed inputs are that CSV compressed: nps-<size>.csv.gz by `gzip -1 -n -c` (-n: no name
or time stamp in the header) and nps-<size>.csv.zst by `zstd -3 -q -c` (zstd's default level, made
explicit so that ZSTD_CLEVEL cannot change it; one frame); their sidecars record the command, the
source CSV's parameters and the compressor's version. The zstd command-line tool must be installed
(apt-get install zstd). The stdin input is the plain CSV piped into the tool: the runner starts
`cat nps-<size>.csv` with its stdout a pipe and gives the pipe's read end to the tool as stdin, as
a shell does for `cat FILE | tool` (no shell involved). Not `tool < FILE`: stdin would then be the
regular file itself, which a tool can seek, map or reopen — DuckDB's read_csv('/dev/stdin') does
reopen it (/dev/stdin -> /proc/self/fd/0 -> the file) and reads it in parallel like any file, so
the row would time a file read, not a stream. A pipe is what `zcat x.gz | nps score -` or
`curl … | nps score -` gives: read once, front to back, no size known in advance.

Tasks. For every file, three tasks, each run by both tools (and a fourth, themes, below):

    nps score FILE --format json -q                 SELECT count(score) AS n, <nps> FROM src
    nps segment FILE --by plan --format json -q     ... GROUP BY plan
    nps trend FILE --every month --format json -q   ... GROUP BY strftime(submitted_at, '%Y-%m')

where <nps> = 100.0 * (count_if(score >= 9) - count_if(score <= 6)) / count(score) and src is the
plain reader a user would write: read_csv('FILE') (auto-detected: score BIGINT, submitted_at
TIMESTAMP WITH TIME ZONE), read_parquet('FILE') or read_ndjson('FILE') (auto-detected: submitted_at
TIMESTAMP). The CSV's other forms: read_csv('FILE.csv.gz') and read_csv('FILE.csv.zst') (DuckDB's
default compression = 'auto' goes by the extension; zstd is built into the CLI, no extension to
load, no compression = 'zstd' needed), and read_csv('/dev/stdin') with the CSV piped in, the
stream `nps … -` reads too (nps gets FILE.csv.gz, FILE.csv.zst or `-` where the table says FILE).
The month is strftime(submitted_at, '%Y-%m') on the timestamp DuckDB detects; every query is
preceded by SET TimeZone = 'UTC' so that the TIMESTAMPTZ read from CSV is bucketed in UTC whatever
the machine's zone (nps's default --tz is UTC too). DuckDB runs as `duckdb -json -c SQL` (`-f FILE` for a query too long for one argument)
(the real binary: PyPI duckdb-cli's `duckdb` command is a Python launcher, behind a pyenv shim
here, that re-executes the bundled binary, which would add ~0.1 s and hide DuckDB's memory behind
the launcher's; see --duckdb).

Themes. The fourth task, `nps themes FILE --format json -q` (each comment tagged with the themes
of nps's English and French lexicon; per theme, the responses that mention it), reads an input of
its own: nps-themes-<size>.csv, written by generate.py --varied-comments --newlines (the same rows
as nps-<size>.csv but mostly distinct EN/FR comments of 0-40 words, about 15% blank: a small set of
comments would flatter a cache), "CSV varied" in the tables, at every size where the grid has CSV.
DuckDB runs the query a user would write, a few regexes per theme:

    SELECT sum((regexp_matches(c, '<regex 1>') OR regexp_matches(c, '<regex 2>') OR ...)::INT)
           AS "<theme>", ...
    FROM (SELECT strip_accents(lower(comment)) AS c FROM read_csv('FILE')
          WHERE score IS NOT NULL AND comment IS NOT NULL)

the regexes made from the lexicon `nps themes --print-themes` prints (of the binary under test;
kept as --dir/themes.toml, the query as --dir/themes.sql): the alternations of the theme's en, fr
and any terms, at most THEME_CHUNK terms each, and each of its regex terms on its own (one
alternation of all a theme's terms overflows RE2's DFA memory, and RE2 then falls back to a
matcher ten times slower: 19 s instead of 2 s on 50,000 comments with the lexicon of 2026-12-03;
the counts are the same either way), each term lower-cased and accent-stripped — one word: \b +
the word as a prefix (nps matches its stem); `word*`: \b + word as a prefix; several words: \b +
the words joined by \s+ (a `*` of its own: \S+); a table's stem, prefix or phrase likewise,
word (and exact) \bword\b, regex as written; unless and needs ignored; metacharacters backslash-escaped (see theme_regexes). Its counts are not nps's (nps matches
stems, reads negation, applies exclusions and needs): both are printed side by side, NOT compared;
only nps's n must equal the generator's.

Check. Before any timing each (file, task) is run once by both tools (which also warms the page
cache) and the answers compared: the same n and NPS (to 1e-6) overall (from nps's score, segment
`overall` and trend `all_time`, against DuckDB's score query), per plan, and per month (nps's
non-empty periods against DuckDB's groups), plus the overall n and NPS the generator printed. Any
disagreement prints both sides and exits 1 before timing.

Timing. Runs alternate (nps, DuckDB, nps, DuckDB, ...), --runs each (default 3, at least 3); the
table shows median wall time: from subprocess.Popen to the child being reaped by os.waitpid in a
waiter thread (stdout to /dev/null, stderr to a file shown if the tool fails, stdin /dev/null
except for the stdin input, where the clock starts before `cat` is spawned and cat's memory is not
counted). Memory: while the child runs, /proc/PID/status is read every ~2 ms; peak RSS is the
last VmHWM read (the kernel's own high-water mark, so only growth in the last ~2 ms before exit
could be missed; wait4's ru_maxrss is not used because a spawned child's starts from this script's
own peak), peak anonymous RSS is the largest RssAnon read (the kernel keeps no high-water mark for
it, so a spike shorter than ~2 ms can be missed).
Anonymous memory is what the process allocated; RSS also counts the file pages it mapped, which is
most of DuckDB's and polars' RSS on large files. Both are the maximum over the runs; 1 MB = 2^20
bytes. The nps binary is copied into --dir first so that a rebuild during the run cannot mix two
binaries.

Targets (the issues'; --require makes them gate the exit status), each printed PASS, FAIL or
MISSING (not measured in this run):
- speed, nps/DuckDB median ratio: <= 1.0 for score and segment on 10M CSV and <= 0.6 for trend by
  month on 10M CSV; <= 1.0 for all three tasks on 10M Parquet, 1M NDJSON, and 10M CSV stdin, CSV.gz
  and CSV.zst;
- memory, for each task on stdin, CSV.gz and CSV.zst: nps's peak anonymous RSS at 10M rows <= 1.5x
  its peak anonymous RSS at 1M rows (memory must not grow with the input), and <= DuckDB's peak RSS
  at 10M rows;
- themes on the varied-comment CSV: nps/DuckDB median ratio <= 1.0 at 1M and at 10M rows, and nps's
  peak anonymous RSS at 10M rows <= 1.5x its own at 1M.
The targets of score, segment and trend are listed when any of them is in the run (--tasks), those
of themes when it is: `--tasks themes --require` gates on the three themes targets alone.

Exit status: 0 when every answer agreed (for themes: nps's n was the generator's; the mentions are
not compared) and, with --require, every target passed; 1 on a disagreement or a failed or
unmeasured target; 2 on a usage or set-up error (missing binary, a tool that failed).
"""

import argparse
import datetime
import hashlib
import importlib.util
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GENERATOR = HERE / "generate.py"
SEED = 20261123  # generate.py's default, recorded in every sidecar
NEWLINES = True
TOLERANCE = 1e-6

# Input forms. gzip, zstd and stdin are the generated CSV: compressed into its own file, or the
# plain CSV piped into the tool's stdin by `cat` (see measure).
FORMATS = ["csv", "gzip", "zstd", "stdin", "parquet", "ndjson"]
FORMAT_LABEL = {"csv": "CSV", "gzip": "CSV.gz", "zstd": "CSV.zst", "stdin": "CSV stdin",
                "parquet": "Parquet", "ndjson": "NDJSON"}
SUFFIX = {"csv": "csv", "gzip": "csv.gz", "zstd": "csv.zst", "stdin": "csv", "parquet": "parquet",
          "ndjson": "ndjson"}
# How the compressed CSVs are made (explicit levels: GZIP / ZSTD_CLEVEL in the environment would
# otherwise change them; -n: no name or time stamp in the gzip header, so the bytes are reproducible).
COMPRESSORS = {"gzip": ["gzip", "-1", "-n", "-c"], "zstd": ["zstd", "-3", "-q", "-c"]}
# The grid when neither --sizes nor --formats is given: CSV at every size, and each other form at
# the sizes listed here (with --sizes alone: at those of them that were asked for).
DEFAULT_SIZES = "1m,10m"
EXTRA_FORMATS = {"gzip": {1_000_000, 10_000_000}, "zstd": {1_000_000, 10_000_000},
                 "stdin": {1_000_000, 10_000_000}, "parquet": {10_000_000}, "ndjson": {1_000_000}}

TASKS = {
    "score": ["score"],
    "segment": ["segment", "--by", "plan"],
    "trend": ["trend", "--every", "month"],
    "themes": ["themes"],
}
TASK_LABEL = {"score": "score", "segment": "segment --by plan", "trend": "trend --every month",
              "themes": "themes"}
# The tasks whose answers (n and NPS) must agree exactly; themes is compared side by side only.
NPS_TASKS = ["score", "segment", "trend"]
DEFAULT_TASKS = "score,segment,trend,themes"

# The themes task reads its own input: the generated CSV with --varied-comments (mostly distinct
# English and French comments), nps-themes-<size>.csv, at every size where the grid has CSV. It is
# an input form of its own in the tables ("CSV varied"), not one of --formats.
VARIED = "varied"
FORMAT_LABEL[VARIED] = "CSV varied"
SUFFIX[VARIED] = "csv"

NPS_SQL = "count(score) AS n, 100.0 * (count_if(score >= 9) - count_if(score <= 6)) / count(score) AS nps"
QUERIES = {
    "score": "SELECT {agg} FROM {src}",
    "segment": "SELECT plan, {agg} FROM {src} GROUP BY plan ORDER BY plan",
    "trend": "SELECT strftime(submitted_at, '%Y-%m') AS month, {agg} FROM {src} GROUP BY month ORDER BY month",
}
# The compressed CSVs are recognised by their extension (compression = 'auto'); stdin is a pipe, which
# DuckDB reads through /dev/stdin.
READERS = {"csv": "read_csv('{path}')", "gzip": "read_csv('{path}')", "zstd": "read_csv('{path}')",
           "stdin": "read_csv('/dev/stdin')", "parquet": "read_parquet('{path}')",
           "ndjson": "read_ndjson('{path}')", VARIED: "read_csv('{path}')"}
SQL_PREFIX = "SET TimeZone = 'UTC'; "

# The themes task in DuckDB: one regexp_matches per theme, the regex made from nps's built-in
# lexicon (`nps themes --print-themes`, see theme_regexes), on the lower-cased, accent-stripped
# comment of every scored response with a comment.
THEMES_SQL = ("SELECT {columns} FROM (SELECT strip_accents(lower(comment)) AS c FROM {src} "
              "WHERE score IS NOT NULL AND comment IS NOT NULL)")
THEMES_COLUMN = "sum(({matches})::INT) AS \"{key}\""
THEMES_MATCH = "regexp_matches(c, '{regex}')"
THEME_REGEXES = {}  # key -> [regex], filled by load_theme_regexes from the binary under test
# Terms per alternation: RE2 (DuckDB's regex engine) keeps a few hundred in its DFA's memory; the
# whole lexicon of a theme (thousands) makes it fall back to its slow matcher. 200, 400 and 800
# took 2.3, 2.0 and 3.8 s on 50,000 comments (2026-12-03).
THEME_CHUNK = 400

PARQUET_COLUMNS = {
    "response_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "email": "VARCHAR",
    "submitted_at": "TIMESTAMP",
    "score": "INTEGER",
    "plan": "VARCHAR",
    "country": "VARCHAR",
    "channel": "VARCHAR",
    "comment": "VARCHAR",
}

# The inputs that can only be read as a stream (a pipe, a compressed file), with targets of their own.
STREAMED = ["stdin", "gzip", "zstd"]
# (format, rows, task, max ratio nps/DuckDB)
TIME_TARGETS = [
    ("csv", 10_000_000, "score", 1.0),
    ("csv", 10_000_000, "segment", 1.0),
    ("csv", 10_000_000, "trend", 0.6),
    ("parquet", 10_000_000, "score", 1.0),
    ("parquet", 10_000_000, "segment", 1.0),
    ("parquet", 10_000_000, "trend", 1.0),
    ("ndjson", 1_000_000, "score", 1.0),
    ("ndjson", 1_000_000, "segment", 1.0),
    ("ndjson", 1_000_000, "trend", 1.0),
    # streaming: stdin and compressed inputs
    *[(fmt, 10_000_000, task, 1.0) for fmt in STREAMED for task in NPS_TASKS],
    # comment themes on the varied-comment CSV
    (VARIED, 1_000_000, "themes", 1.0),
    (VARIED, 10_000_000, "themes", 1.0),
]
# (format, task, limit): nps's peak anonymous RSS at 10M rows <= limit x its own at 1M ("growth"),
# and <= limit x DuckDB's peak RSS at 10M ("duckdb").
MEMORY_TARGETS = [
    *[("growth", fmt, task, 1.5) for fmt in STREAMED for task in NPS_TASKS],
    *[("duckdb", fmt, task, 1.0) for fmt in STREAMED for task in NPS_TASKS],
    ("growth", VARIED, "themes", 1.5),
]


class SetupError(Exception):
    """Something the benchmark needs is missing or failed (exit 2)."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# sizes, labels


def parse_size(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    try:
        value = float(t) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 100k, 1m, 10m or 250000")
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"bad size {text!r}")
    return int(value)


def size_label(rows: int) -> str:
    """1000000 -> '1m', 100000 -> '100k' (file names), see size_title for the table."""
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


def size_title(rows: int) -> str:
    return size_label(rows).upper().replace("K", "k")


def input_title(fmt: str, rows: int) -> str:
    return f"{size_title(rows)} {FORMAT_LABEL[fmt]}"


# ---------------------------------------------------------------------------------------------
# tools


def is_elf(path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def resolve_duckdb(arg):
    """The DuckDB CLI binary itself, looking through PyPI duckdb-cli's Python launcher (and a
    pyenv shim in front of it), which re-executes the bundled binary. Returns (path, note)."""
    path = shutil.which(arg) if arg else shutil.which("duckdb")
    if arg and not path and os.path.exists(arg):
        path = arg
    if not path:
        raise SetupError("no duckdb on PATH: pip install duckdb-cli==1.5.6, or pass --duckdb PATH")
    if is_elf(path):
        return os.path.realpath(path), None
    candidates = []
    spec = importlib.util.find_spec("duckdb_cli")
    if spec and spec.submodule_search_locations:
        candidates += [os.path.join(loc, "duckdb") for loc in spec.submodule_search_locations]
    # A pyenv shim: ask pyenv for the launcher, then the launcher's interpreter for the package.
    launcher = path
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(2000)
        if "pyenv" in head and shutil.which("pyenv"):
            out = subprocess.run(["pyenv", "which", os.path.basename(path)], capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip():
                launcher = out.stdout.strip()
        with open(launcher, encoding="utf-8", errors="replace") as f:
            first = f.readline()
        if first.startswith("#!") and "python" in first:
            py = first[2:].strip().split()[0]
            out = subprocess.run(
                [py, "-c", "import duckdb_cli, os; print(os.path.dirname(duckdb_cli.__file__))"],
                capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(os.path.join(out.stdout.strip(), "duckdb"))
    except OSError:
        pass
    for c in candidates:
        if is_elf(c):
            return os.path.realpath(c), f"{path} is a launcher; timing the binary it runs"
    return path, (f"warning: {path} is not an executable binary and its real binary was not found; "
                  "times include the launcher and memory is the launcher's: pass --duckdb PATH")


def tool_version(cmd) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if out.returncode == 0 and text else "unknown (no --version)"


def machine_lines():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f", {int(line.split()[1]) / 2**20:.0f} GiB RAM"
                    break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0))
    return f"{nproc} CPUs (nproc), {model}{mem}, Linux {platform.release()}"


def loadavg() -> float:
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


# ---------------------------------------------------------------------------------------------
# running a process with its wall time and memory


class Run:
    def __init__(self, seconds, peak_rss, peak_anon, returncode, stdout, stderr):
        self.seconds = seconds
        self.peak_rss = peak_rss  # bytes
        self.peak_anon = peak_anon  # bytes
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def _status_kb(path: str):
    """(VmHWM, RssAnon) in kB from /proc/PID/status, None when the process is gone."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    hwm = anon = 0
    for line in data.split(b"\n"):
        if line.startswith(b"VmHWM:"):
            hwm = int(line.split()[1])
        elif line.startswith(b"RssAnon:"):
            anon = int(line.split()[1])
    return hwm, anon


def measure(cmd, capture=False, interval=0.002, feed=None) -> Run:
    """Run cmd; wall time from Popen to reaping, peak RSS and sampled peak anonymous RSS.

    With feed (a file), cmd's stdin is a pipe that `cat FEED` writes into, as in a shell's
    `cat FEED | cmd`: cat is started first (inside the wall time: cmd cannot finish before cat has
    written the last byte), its memory is not counted. Otherwise stdin is /dev/null."""
    out = tempfile.TemporaryFile() if capture else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    done = {}
    feeder = None
    t0 = time.perf_counter()
    try:
        if feed is not None:
            feeder = subprocess.Popen(["cat", str(feed)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        proc = subprocess.Popen(cmd, stdin=feeder.stdout if feeder else subprocess.DEVNULL, stdout=out,
                                stderr=err)
    except OSError as e:
        if feeder:
            feeder.kill()
            feeder.wait()
        what = cmd[0] if feeder or feed is None else "cat"  # no feeder although one was wanted: cat failed
        raise SetupError(f"cannot run {what}: {e}")
    finally:
        if feeder:
            feeder.stdout.close()  # the tool holds the read end: cat gets EPIPE if the tool stops reading

    def wait():
        _, status = os.waitpid(proc.pid, 0)
        done["t"] = time.perf_counter()
        done["status"] = status

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    status_path = f"/proc/{proc.pid}/status"
    hwm = anon = 0
    while waiter.is_alive():
        s = _status_kb(status_path)
        if s:
            hwm, anon = max(hwm, s[0]), max(anon, s[1])
        waiter.join(interval)
    proc.returncode = os.waitstatus_to_exitcode(done["status"])  # reaped by the waiter
    seconds = done["t"] - t0
    if feeder and feeder.wait() != 0 and proc.returncode == 0:
        raise SetupError(f"cat {feed} | {' '.join(cmd)}: cat exited {feeder.returncode} "
                         "(the tool succeeded without reading all of stdin?)")
    # wait4's ru_maxrss is not used: a spawned child's counter starts from the high-water mark of
    # the memory it was forked (or vforked) from, i.e. this script's, and can exceed the tool's own.
    peak_rss = hwm * 1024
    stdout = b""
    if capture:
        out.seek(0)
        stdout = out.read()
        out.close()
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace")
    err.close()
    return Run(seconds, peak_rss, anon * 1024, proc.returncode, stdout, stderr)


# ---------------------------------------------------------------------------------------------
# data files


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def reusable(path: Path, params: dict) -> bool:
    try:
        meta = json.loads(meta_path(path).read_text())
    except (OSError, ValueError):
        return False
    return meta.get("params") == params and path.exists() and path.stat().st_size == meta.get("bytes")


def write_meta(path: Path, params: dict, extra: dict) -> None:
    meta = {"params": params, "bytes": path.stat().st_size, **extra,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    meta_path(path).write_text(json.dumps(meta, indent=2) + "\n")


def parse_generator_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("rows="):
            kv = dict(part.split("=", 1) for part in line.split())
            return {"rows": int(kv["rows"]), "n": int(kv["n"]), "blank": int(kv["blank"]),
                    "nps": float(kv["nps"])}
    raise SetupError(f"generate.py printed no counts: {text.strip()}")


def generate(path: Path, rows: int, fmt: str, varied: bool = False) -> dict:
    """The generated CSV/NDJSON file's sidecar (reusing the file when it matches); varied: with
    --varied-comments (the themes task's input)."""
    params = {"generator": "tests/bench/generate.py", "rows": rows, "seed": SEED,
              "newlines": NEWLINES, "format": fmt}
    if varied:  # only then, so that the sidecars of the other files still match
        params["comments"] = "varied"
    if reusable(path, params):
        log(f"reusing {path}")
        return json.loads(meta_path(path).read_text())
    meta_path(path).unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    cmd = [sys.executable, str(GENERATOR), "--rows", str(rows), "--seed", str(SEED), "--format", fmt,
           "--out", str(tmp)] + (["--newlines"] if NEWLINES else []) + (["--varied-comments"] if varied else [])
    log(f"generating {path} ({rows:,} rows{', varied comments' if varied else ''}"
        f"{', a few minutes' if rows >= 5_000_000 else ''}) ...")
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise SetupError(f"{' '.join(cmd)} failed:\n{out.stderr}")
    expected = parse_generator_line(out.stderr)
    os.replace(tmp, path)
    write_meta(path, params, {"expected": expected, "command": " ".join(cmd[1:])})
    log(f"  done in {time.perf_counter() - t:.0f} s, {path.stat().st_size / 1e6:.0f} MB")
    return json.loads(meta_path(path).read_text())


def sql_str(path) -> str:
    return str(path).replace("'", "''")


def make_parquet(path: Path, csv_path: Path, csv_meta: dict, duckdb: str, duckdb_version: str) -> dict:
    params = {"from": csv_meta["params"], "columns": PARQUET_COLUMNS, "duckdb": duckdb_version}
    if reusable(path, params):
        log(f"reusing {path}")
        return json.loads(meta_path(path).read_text())
    meta_path(path).unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    cols = ", ".join(f"'{k}': '{v}'" for k, v in PARQUET_COLUMNS.items())
    sql = (f"COPY (SELECT * FROM read_csv('{sql_str(csv_path)}', header = true, auto_detect = false, "
           f"delim = ',', quote = '\"', escape = '\"', columns = {{{cols}}})) "
           f"TO '{sql_str(tmp)}' (FORMAT parquet)")
    log(f"converting {csv_path.name} to {path} with DuckDB ...")
    out = subprocess.run([duckdb, "-c", sql], capture_output=True, text=True)
    if out.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise SetupError(f"DuckDB could not write {path}:\n{out.stderr}")
    os.replace(tmp, path)
    write_meta(path, params, {"expected": csv_meta["expected"],
                              "sql": sql.replace(sql_str(tmp), sql_str(path))})  # written to .tmp, renamed
    return json.loads(meta_path(path).read_text())


def make_compressed(path: Path, fmt: str, csv_path: Path, csv_meta: dict) -> dict:
    """The CSV compressed by COMPRESSORS[fmt] into path (reused when its sidecar matches)."""
    cmd = COMPRESSORS[fmt]
    params = {"from": csv_meta["params"], "command": " ".join(cmd)}
    if reusable(path, params):
        log(f"reusing {path}")
        return json.loads(meta_path(path).read_text())
    if not shutil.which(cmd[0]):
        raise SetupError(f"no {cmd[0]} on PATH, needed for the {fmt} input: apt-get install {cmd[0]}")
    meta_path(path).unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    log(f"compressing {csv_path.name} to {path} ({' '.join(cmd)}) ...")
    t = time.perf_counter()
    with open(tmp, "wb") as f:
        out = subprocess.run([*cmd, str(csv_path)], stdout=f, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise SetupError(f"{' '.join(cmd)} {csv_path} failed:\n{out.stderr}")
    os.replace(tmp, path)
    write_meta(path, params, {"expected": csv_meta["expected"], "tool": tool_version([cmd[0], "--version"]),
                              "source_bytes": csv_path.stat().st_size})
    log(f"  done in {time.perf_counter() - t:.0f} s, {path.stat().st_size / 1e6:.0f} MB")
    return json.loads(meta_path(path).read_text())


# ---------------------------------------------------------------------------------------------
# answers


def nps_command(nps: str, task: str, fmt: str, path: Path):
    arg = "-" if fmt == "stdin" else str(path)
    return [nps, *TASKS[task][:1], arg, *TASKS[task][1:], "--format", "json", "-q"]


def duckdb_sql(task: str, fmt: str, path: Path) -> str:
    src = READERS[fmt].format(path=sql_str(path))
    if task == "themes":
        return themes_sql(src)
    return SQL_PREFIX + QUERIES[task].format(agg=NPS_SQL, src=src)


# ---------------------------------------------------------------------------------------------
# themes: DuckDB's regexes from nps's lexicon

_RE_META = set("\\.^$*+?()[]{}|")


def fold(text: str) -> str:
    """Lower-cased, accents stripped (what DuckDB's strip_accents(lower(…)) gives the comment)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(ch))


def _re_escape(text: str) -> str:
    """A literal for RE2: a backslash before each regex metacharacter, nothing else (re.escape's
    extra `\\-`, `\\&`, `\\ ` are accepted by RE2 too, but only clutter the query)."""
    return "".join("\\" + ch if ch in _RE_META else ch for ch in text)


def _word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")  # RE2's \b is ASCII


def _literal(words, whole_word=False) -> str:
    r"""\b + the words joined by \s+ (a prefix of the text that follows), \b after them too for a
    whole word; no \b next to a character that is not a word character (`$5`: it would demand a
    word character on its other side)."""
    body = r"\s+".join(r"\S+" if w == "*" else _re_escape(w) for w in words)  # `*`: any one word
    return ((r"\b" if _word_char(words[0][0]) else "") + body
            + (r"\b" if whole_word and _word_char(words[-1][-1]) else ""))


def term_regex(term) -> str:
    """One lexicon term as a regex on folded text (see theme_regexes)."""
    if isinstance(term, str):
        text = fold(term.strip())
        if text.endswith("*"):
            return _literal([text[:-1].strip()])
        return _literal(text.split())  # one word: as a prefix (a stand-in for its stem); or a phrase
    for mode in ("stem", "prefix", "word", "exact", "phrase", "regex"):  # unless, needs: ignored
        if mode in term:
            value = term[mode]
            if mode == "regex":
                return f"(?:{value})"  # as written (for accented lower-case text)
            text = fold(value.strip())
            if mode == "prefix":
                return _literal([text.rstrip("*").strip()])
            if mode in ("word", "exact"):
                return _literal(text.split(), whole_word=True)
            return _literal(text.split())
    raise SetupError(f"themes file: a term names no mode: {term!r}")


def expand_term(terms):
    """The terms as nps reads them: `{ combine = [[…], […]] }` is one phrase per way of taking an
    entry of each list, in order (src/themes/term.rs)."""
    for term in terms:
        if isinstance(term, dict) and "combine" in term:
            for words in itertools.product(*term["combine"]):
                yield {"phrase": " ".join(w.strip() for w in words)}
        else:
            yield term


def theme_regexes(toml_text: str) -> dict:
    r"""{theme key: [regex]}: per theme, alternations of its terms (en, fr, any; in the order
    written, duplicates dropped) of at most THEME_CHUNK terms each, then each regex term alone.
    A string term of one word matches by stem in nps: here \b + the folded word as a prefix; `word*` \b + word as a prefix; several words \b + the words joined by
    \s+; a table's stem/prefix/phrase the same, word and exact \bword\b (accents are stripped
    from the comment, so exact is word here), regex as written. unless and needs are ignored."""
    doc = tomllib.loads(toml_text)
    out = {}
    for key, theme in doc.items():
        if not isinstance(theme, dict):
            continue
        alts, regexes = [], []
        for lang in ("en", "fr", "any"):
            for term in expand_term(theme.get(lang, [])):
                r = term_regex(term)
                kept = regexes if isinstance(term, dict) and "regex" in term else alts
                if r not in kept:
                    kept.append(r)
        chunks = ["|".join(alts[i:i + THEME_CHUNK]) for i in range(0, len(alts), THEME_CHUNK)]
        if chunks or regexes:
            out[key] = chunks + regexes
    if not out:
        raise SetupError("nps themes --print-themes gave no themes")
    return out


def load_theme_regexes(nps: str, work: Path) -> None:
    """Fill THEME_REGEXES from the built-in lexicon of the binary under test; keep the lexicon and
    the query (for FILE) in the work directory for reference."""
    out = subprocess.run([nps, "themes", "--print-themes"], capture_output=True, text=True)
    if out.returncode != 0:
        raise SetupError(f"{nps} themes --print-themes failed (exit {out.returncode}):\n{out.stderr.strip()}")
    THEME_REGEXES.clear()
    try:
        THEME_REGEXES.update(theme_regexes(out.stdout))
    except tomllib.TOMLDecodeError as e:
        raise SetupError(f"nps themes --print-themes: not TOML: {e}")
    (work / "themes.toml").write_text(out.stdout)
    (work / "themes.sql").write_text(themes_sql("read_csv('FILE')") + "\n")


def themes_sql(src: str) -> str:
    columns = ", ".join(
        THEMES_COLUMN.format(
            matches=" OR ".join(THEMES_MATCH.format(regex=r.replace("'", "''")) for r in regexes),
            key=key.replace('"', '""'))
        for key, regexes in THEME_REGEXES.items())
    return THEMES_SQL.format(columns=columns, src=src)


def duckdb_command(duckdb: str, task: str, fmt: str, path: Path):
    """`duckdb -json -c SQL`; a query longer than one argument may be (Linux: 128 KiB, which the
    themes query passes once the lexicon's alternations grow) is written next to the input and
    read with `-f FILE` instead, the same query either way."""
    sql = duckdb_sql(task, fmt, path)
    if len(sql.encode()) < 100_000:
        return [duckdb, "-json", "-c", sql]
    query = path.with_name(f"{path.name}.{task}.{fmt}.sql")
    query.write_text(sql + "\n")
    return [duckdb, "-json", "-f", str(query)]


def feed(fmt: str, path: Path):
    """The file piped into the tool's stdin (see measure), None when the tool opens the file."""
    return path if fmt == "stdin" else None


def reader_file(fmt: str) -> str:
    """The file name in the report's list of readers."""
    return "FILE" + {"gzip": ".gz", "zstd": ".zst"}.get(fmt, "")


def shown(text: str, fmt: str, path) -> str:
    """A command line as a user would type it: `cat FILE | …` for stdin."""
    return f"cat {path} | {text}" if feed(fmt, path) else text


def nps_answer(task: str, doc: dict) -> dict:
    """{key: (n, nps)}: 'overall', 'plan=VALUE', 'month=YYYY-MM'."""
    if task == "score":
        return {"overall": (doc["n"], doc["nps"])}
    if task == "segment":
        ans = {"overall": (doc["overall"]["n"], doc["overall"]["nps"])}
        for seg in doc["segments"]:
            ans[f"plan={seg['values']['plan']}"] = (seg["n"], seg["nps"])
        return ans
    series = doc["series"]
    if len(series) != 1:
        raise ValueError(f"expected one series, got {len(series)}")
    s = series[0]
    at = s["all_time"]
    ans = {"overall": (at["n"], at["nps"]) if at else (0, None)}
    for p in s["periods"]:
        if p["n"]:
            ans[f"month={p['period']}"] = (p["stats"]["n"], p["stats"]["nps"])
    if s.get("undated"):
        ans["undated"] = (s["undated"], None)
    return ans


def duckdb_answer(task: str, rows: list, overall) -> dict:
    if task == "score":
        return {"overall": (rows[0]["n"], rows[0]["nps"])}
    key = "plan" if task == "segment" else "month"
    ans = {"overall": overall}
    for r in rows:
        if r["n"]:
            ans[f"{key}={r[key]}"] = (r["n"], r["nps"])
    return ans


def same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[1] is None or b[1] is None:
        return a[1] is None and b[1] is None
    return abs(a[1] - b[1]) <= TOLERANCE


def side_by_side(left: dict, right: dict, names=("nps", "DuckDB")) -> str:
    lines = [f"  {'key':<20} {names[0] + ' n':>12} {names[0] + ' NPS':>20} {names[1] + ' n':>12} "
             f"{names[1] + ' NPS':>20}"]
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key), right.get(key)
        mark = "" if a and b and same(a, b) else "   <-- differs"
        fa = (f"{a[0]:>12} {a[1]!s:>20}") if a else f"{'-':>12} {'-':>20}"
        fb = (f"{b[0]:>12} {b[1]!s:>20}") if b else f"{'-':>12} {'-':>20}"
        lines.append(f"  {key:<20} {fa} {fb}{mark}")
    return "\n".join(lines)


def run_or_fail(cmd, what: str, fmt: str, path: Path) -> Run:
    r = measure(cmd, capture=True, feed=feed(fmt, path))
    if r.returncode != 0:
        raise SetupError(f"{what} failed (exit {r.returncode}): {shown(' '.join(cmd), fmt, path)}\n"
                         f"{r.stderr.strip()}")
    return r


def input_tasks(fmt: str, tasks) -> list:
    """The tasks run on an input: themes on the varied-comment CSV, the others on the rest."""
    return [t for t in tasks if (t == "themes") == (fmt == VARIED)]


def themes_side_by_side(mine: dict, theirs: dict) -> str:
    """Markdown table of nps's mentions and DuckDB's regex matches per theme."""
    lines = ["| theme | nps mentions | DuckDB regex matches | DuckDB − nps |", "|---|---:|---:|---:|"]
    keys = list(THEME_REGEXES) + [k for k in mine if k not in THEME_REGEXES]
    for key in keys + [k for k in theirs if k not in keys]:  # the lexicon's order
        a, b = mine.get(key), theirs.get(key)
        diff = f"{b - a:+,} ({(b - a) / a:+.0%})" if a and b is not None else "-"
        lines.append(f"| {key} | {'-' if a is None else f'{a:,}'} | {'-' if b is None else f'{b:,}'} | {diff} |")
    return "\n".join(lines)


def check_themes(title: str, path: Path, exp: dict, nps: str, duckdb: str):
    """nps themes and DuckDB's regex query, side by side (not required to agree: DuckDB's regexes
    are not nps's tagger); nps's n must be the generator's. Returns (ok, report)."""
    fmt = VARIED
    nr = run_or_fail(nps_command(nps, "themes", fmt, path), f"nps themes on {title}", fmt, path)
    try:
        doc = json.loads(nr.stdout)
        n = doc["overall"]["n"]
        mine = {t["key"]: int(t["mentions"]) for t in doc["themes"]}
    except (ValueError, KeyError, TypeError) as e:
        raise SetupError(f"nps themes on {title}: unexpected JSON ({e!r}):\n{nr.stdout[:2000]!r}")
    for key in THEME_REGEXES:  # a theme nobody mentions may be left out
        mine.setdefault(key, 0)
    dr = run_or_fail(duckdb_command(duckdb, "themes", fmt, path), f"DuckDB themes on {title}", fmt, path)
    try:
        row = (json.loads(dr.stdout or b"[]") or [{}])[0]
        theirs = {k: int(v or 0) for k, v in row.items()}  # sum() is a HUGEINT: a JSON string
    except (ValueError, TypeError) as e:
        raise SetupError(f"DuckDB themes on {title}: unexpected JSON ({e!r}):\n{dr.stdout[:2000]!r}")
    ok = n == exp["n"]
    log(f"check {title:<15} {'themes':<20} {'n agrees' if ok else 'DISAGREE'} (n {n:,}; "
        f"{sum(mine.values()):,} theme mentions by nps, {sum(theirs.values()):,} regex matches by DuckDB: "
        "shown, not compared)")
    report = (f"Themes on {title} ({path.name}), mentions per theme: nps's tagger against DuckDB's one regex "
              "per theme (from the same lexicon; stems, negation, exclusions and phrases are nps's own, so "
              "the counts differ and are NOT required to agree). nps's n "
              + (f"{n:,} equals the generator's." if ok else f"{n:,} DIFFERS from the generator's {exp['n']:,}.")
              + "\n\n" + themes_side_by_side(mine, theirs))
    return ok, report


def check(inputs, tasks, nps: str, duckdb: str):
    """Run each (file, task) once with both tools and compare; (ok, reports): ok when all the NPS
    answers agree (and for themes, nps's n is the generator's), reports the themes side by side."""
    ok = True
    reports = []
    for fmt, rows, path, meta in inputs:
        title = input_title(fmt, rows)
        exp = meta["expected"]
        overall = None
        # DuckDB's overall answer is needed for segment/trend's 'overall' row.
        r = run_or_fail(duckdb_command(duckdb, "score", fmt, path), f"DuckDB score on {title}", fmt, path)
        duck_rows = json.loads(r.stdout or b"[]")
        overall = (duck_rows[0]["n"], duck_rows[0]["nps"])
        gen = {"overall": (exp["n"], exp["nps"])}
        if overall[0] != exp["n"] or abs(overall[1] - exp["nps"]) > TOLERANCE:
            ok = False
            print(f"\nDISAGREE {title}: DuckDB vs the generator's counts\n"
                  f"{side_by_side({'overall': overall}, gen, ('DuckDB', 'generator'))}")
        for task in input_tasks(fmt, tasks):
            if task == "themes":
                agree, report = check_themes(title, path, exp, nps, duckdb)
                ok = ok and agree
                reports.append(report)
                print("\n" + report, flush=True)
                continue
            nr = run_or_fail(nps_command(nps, task, fmt, path), f"nps {task} on {title}", fmt, path)
            try:
                mine = nps_answer(task, json.loads(nr.stdout))
            except (ValueError, KeyError, TypeError, IndexError) as e:
                raise SetupError(f"nps {task} on {title}: unexpected JSON ({e!r}):\n{nr.stdout[:2000]!r}")
            if task == "score":
                theirs = {"overall": overall}
            else:
                dr = run_or_fail(duckdb_command(duckdb, task, fmt, path), f"DuckDB {task} on {title}", fmt,
                                 path)
                theirs = duckdb_answer(task, json.loads(dr.stdout or b"[]"), overall)
            agree = set(mine) == set(theirs) and all(same(mine[k], theirs[k]) for k in mine)
            status = "agree" if agree else "DISAGREE"
            log(f"check {title:<15} {TASK_LABEL[task]:<20} {status} ({len(mine)} values, "
                f"n {mine['overall'][0]:,}, NPS {mine['overall'][1]})")
            if not agree:
                ok = False
                print(f"\nDISAGREE {title}, {TASK_LABEL[task]}:\n"
                      f"  nps:    {shown(' '.join(nps_command(nps, task, fmt, path)), fmt, path)}\n"
                      f"  DuckDB: {duckdb_sql(task, fmt, path)}"
                      f"{f' (stdin: cat {path} |)' if feed(fmt, path) else ''}\n{side_by_side(mine, theirs)}")
    return ok, reports


# ---------------------------------------------------------------------------------------------
# timing and report


def time_all(inputs, tasks, nps: str, duckdb: str, runs: int) -> list:
    results = []
    for fmt, rows, path, _ in inputs:
        title = input_title(fmt, rows)
        for task in input_tasks(fmt, tasks):
            cmds = {"nps": nps_command(nps, task, fmt, path), "duckdb": duckdb_command(duckdb, task, fmt, path)}
            got = {"nps": [], "duckdb": []}
            for _ in range(runs):
                for tool in ("nps", "duckdb"):  # alternate
                    r = measure(cmds[tool], feed=feed(fmt, path))
                    if r.returncode != 0:
                        raise SetupError(f"{tool} {task} on {title} failed (exit {r.returncode}):\n{r.stderr.strip()}")
                    got[tool].append(r)
            res = {
                "format": fmt, "rows": rows, "input": title, "task": task,
                "nps_s": statistics.median(r.seconds for r in got["nps"]),
                "duckdb_s": statistics.median(r.seconds for r in got["duckdb"]),
                "nps_times": [r.seconds for r in got["nps"]],
                "duckdb_times": [r.seconds for r in got["duckdb"]],
                "nps_anon": max(r.peak_anon for r in got["nps"]),
                "nps_rss": max(r.peak_rss for r in got["nps"]),
                "duckdb_rss": max(r.peak_rss for r in got["duckdb"]),
                "duckdb_anon": max(r.peak_anon for r in got["duckdb"]),
            }
            res["ratio"] = res["nps_s"] / res["duckdb_s"]
            log(f"time  {title:<15} {TASK_LABEL[task]:<20} nps {' '.join(f'{t:.3f}' for t in res['nps_times'])}"
                f" | DuckDB {' '.join(f'{t:.3f}' for t in res['duckdb_times'])}  (load {loadavg():.2f})")
            results.append(res)
    return results


def mb(b: int) -> str:
    return f"{b / 2**20:.0f}"


def table(results) -> str:
    head = ["input", "task", "nps median s", "DuckDB median s", "ratio nps/DuckDB", "nps peak anon MB",
            "nps peak RSS MB", "DuckDB peak RSS MB", "DuckDB peak anon MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for r in results:
        cells = [r["input"], TASK_LABEL[r["task"]], f"{r['nps_s']:.3f}", f"{r['duckdb_s']:.3f}",
                 f"{r['ratio']:.2f}", mb(r["nps_anon"]), mb(r["nps_rss"]), mb(r["duckdb_rss"]),
                 mb(r["duckdb_anon"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def growth_line(results, tasks) -> str:
    by = {(r["format"], r["rows"], r["task"]): r for r in results}
    groups = []
    for fmt in FORMATS + [VARIED]:
        parts = []
        for task in tasks:
            a, b = by.get((fmt, 1_000_000, task)), by.get((fmt, 10_000_000, task))
            if a and b and a["nps_anon"]:
                parts.append(f"{task} {b['nps_anon'] / a['nps_anon']:.2f}×")
        if parts:
            groups.append(f"{FORMAT_LABEL[fmt]}: " + ", ".join(parts))
    if not groups:
        return "Memory growth: n/a (needs one input form at both 1M and 10M rows in the run)."
    return ("Memory growth, nps peak anonymous RSS at 10M ÷ at 1M rows: " + "; ".join(groups)
            + " (10× the rows; 1.0× would be flat).")


def targets(results, tasks):
    """[(label, status, detail)], status PASS / FAIL / MISSING. The targets of score, segment and
    trend are all listed when any of them is in the run, those of themes when it is in the run."""
    by = {(r["format"], r["rows"], r["task"]): r for r in results}
    out = []

    def wanted(task):
        return task in tasks if task == "themes" else any(t in tasks for t in NPS_TASKS)

    for fmt, rows, task, limit in TIME_TARGETS:
        if not wanted(task):
            continue
        label = f"{input_title(fmt, rows)} {TASK_LABEL[task]} ≤ {limit:.1f}× DuckDB"
        r = by.get((fmt, rows, task))
        if r is None:
            out.append((label, "MISSING", "not measured in this run"))
        else:
            out.append((label, "PASS" if r["ratio"] <= limit else "FAIL",
                        f"{r['ratio']:.2f}× ({r['nps_s']:.3f} s vs {r['duckdb_s']:.3f} s)"))
    for kind, fmt, task, limit in MEMORY_TARGETS:
        if not wanted(task):
            continue
        big = by.get((fmt, 10_000_000, task))
        if kind == "growth":
            label = (f"{FORMAT_LABEL[fmt]} {TASK_LABEL[task]}: nps peak anon at 10M ≤ {limit:.1f}× "
                     "nps peak anon at 1M")
            small = by.get((fmt, 1_000_000, task))
            mine, theirs = (big["nps_anon"], small["nps_anon"]) if big and small else (None, None)
        else:
            label = (f"{input_title(fmt, 10_000_000)} {TASK_LABEL[task]}: nps peak anon ≤ {limit:.1f}× "
                     "DuckDB peak RSS")
            mine, theirs = (big["nps_anon"], big["duckdb_rss"]) if big else (None, None)
        if mine is None:
            out.append((label, "MISSING", "not measured in this run"))
        else:
            ratio = mine / theirs if theirs else float("inf")
            out.append((label, "PASS" if mine <= limit * theirs else "FAIL",
                        f"{ratio:.2f}× ({mb(mine)} MB vs {mb(theirs)} MB)"))
    return out


# ---------------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="See tests/bench/README.md and this file's docstring.")
    p.add_argument("--dir", default="/tmp/nps-bench", help="work directory for data files (default %(default)s)")
    p.add_argument("--sizes", help=f"comma-separated row counts: 100k, 1m, 10m, 250000… (default {DEFAULT_SIZES})")
    p.add_argument("--formats", help=f"comma-separated {','.join(FORMATS)}: gzip and zstd are the CSV "
                   "compressed, stdin the CSV piped into the tool (default: csv at every size, gzip, zstd "
                   "and stdin at 1m and 10m, parquet at 10m, ndjson at 1m — the issues' grid)")
    p.add_argument("--tasks", default=DEFAULT_TASKS,
                   help=f"comma-separated subset of {DEFAULT_TASKS} (default: all four); themes runs on "
                        "the varied-comment CSV (nps-themes-<size>.csv) at every size where the grid has CSV")
    p.add_argument("--runs", type=int, help="timed runs per tool and task, alternating (default 3, at least 3)")
    p.add_argument("--nps", default=str(REPO / "target" / "release" / "nps"), help="nps binary (default %(default)s)")
    p.add_argument("--duckdb", help="DuckDB CLI binary (default: duckdb on PATH, looking through its launcher)")
    p.add_argument("--markdown", metavar="FILE", help="also write the report (Markdown) to FILE")
    p.add_argument("--quick", action="store_true", help="smoke run: 100k rows (CSV unless --formats), 1 run, no targets")
    p.add_argument("--require", action="store_true", help="exit 1 unless every target passes (speed and memory)")
    p.add_argument("--check-only", action="store_true", help="compare the answers, time nothing")
    a = p.parse_args()

    try:
        sizes = [parse_size(s) for s in (a.sizes or ("100k" if a.quick else DEFAULT_SIZES)).split(",") if s.strip()]
        tasks = [t.strip() for t in a.tasks.split(",") if t.strip()]
    except argparse.ArgumentTypeError as e:
        p.error(str(e))
    if any(t not in TASKS for t in tasks) or not tasks:
        p.error(f"--tasks: choose among {','.join(TASKS)}")
    if a.require and (a.quick or a.check_only):
        p.error("--require needs timings: not with --quick or --check-only")
    runs = a.runs if a.runs is not None else (1 if a.quick else 3)
    if runs < (1 if a.quick else 3):
        p.error("--runs must be at least 3 (1 is allowed with --quick)")
    sizes = sorted(set(sizes))
    grid = []  # (format, rows)
    if a.formats or a.quick:
        fmts = [f.strip() for f in (a.formats or "csv").split(",") if f.strip()]
        if any(f not in FORMATS for f in fmts) or not fmts:
            p.error(f"--formats: choose among {','.join(FORMATS)}")
        grid = [(f, n) for n in sizes for f in FORMATS if f in fmts]
    else:
        grid = [(f, n) for n in sizes for f in FORMATS
                if f == "csv" or n in EXTRA_FORMATS.get(f, ())]
    # The themes task's own input, the varied-comment CSV, wherever the grid has CSV; the forms
    # above only when one of the other tasks is to run on them.
    themes_grid = [(VARIED, n) for f, n in grid if f == "csv"] if "themes" in tasks else []
    if "themes" in tasks and not themes_grid:
        p.error("--tasks themes runs on CSV (the varied-comment CSV): add csv to --formats")
    if not any(t in NPS_TASKS for t in tasks):
        grid = []
    grid = [(f, n) for n in sizes for f in FORMATS + [VARIED] if (f, n) in grid + themes_grid]

    try:
        return bench(a, grid, tasks, runs)
    except SetupError as e:
        print(f"run.py: error: {e}", file=sys.stderr)
        return 2


def bench(a, grid, tasks, runs) -> int:
    nps_src = Path(a.nps)
    if not nps_src.is_file():
        raise SetupError(f"no nps binary at {nps_src}: build it with `cargo build --release` or pass --nps")
    duckdb, duck_note = resolve_duckdb(a.duckdb)
    work = Path(a.dir)
    work.mkdir(parents=True, exist_ok=True)
    # A private copy, so that a rebuild of target/release/nps during the run cannot mix binaries.
    nps = work / "nps-under-test"
    tmp = work / "nps-under-test.tmp"
    shutil.copy2(nps_src, tmp)
    os.replace(tmp, nps)
    h = hashlib.sha256()
    with open(nps, "rb") as f:  # in chunks: this script's own memory must stay small (see measure)
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()[:12]
    nps = str(nps)
    built = datetime.datetime.fromtimestamp(nps_src.stat().st_mtime).isoformat(timespec="seconds")

    duck_version = tool_version([duckdb, "--version"])
    header = [
        "# nps vs DuckDB CLI",
        "",
        f"- machine: {machine_lines()}",
        f"- nps: {tool_version([nps, '--version'])} ({nps_src}, built {built}, sha256 {digest}…)",
        f"- DuckDB: {duck_version} ({duckdb})",
        f"- Python {platform.python_version()}; load average at start {loadavg():.2f}",
    ]
    if duck_note:
        log(duck_note)
    if "themes" in tasks:
        load_theme_regexes(nps, work)

    inputs = []  # (format, rows, path, meta)
    made = {}
    for fmt, rows in grid:
        path = work / f"nps-{size_label(rows)}.{SUFFIX[fmt]}"
        if fmt == VARIED:
            path = work / f"nps-themes-{size_label(rows)}.csv"
            made[path] = generate(path, rows, "csv", varied=True)
        elif fmt == "ndjson":
            if path not in made:
                made[path] = generate(path, rows, fmt)
        else:  # the CSV itself, or made from it
            csv_path = work / f"nps-{size_label(rows)}.csv"
            if csv_path not in made:
                made[csv_path] = generate(csv_path, rows, "csv")
            if fmt == "parquet":
                made[path] = make_parquet(path, csv_path, made[csv_path], duckdb, duck_version)
            elif fmt in COMPRESSORS:
                made[path] = make_compressed(path, fmt, csv_path, made[csv_path])
        inputs.append((fmt, rows, path, made[path]))
    header.append("- inputs: " + "; ".join(
        f"{input_title(f, n)} {'cat ' if feed(f, path) else ''}{path.name} {path.stat().st_size / 1e6:,.0f} MB"
        for f, n, path, _ in inputs))

    print("\n".join(header), flush=True)
    log("checking that nps and DuckDB agree ...")
    ok, theme_reports = check(inputs, tasks, nps, duckdb)
    if not ok:
        print("\nnps and DuckDB disagree (above): no timing.", flush=True)
        return 1
    agreed = []
    if any(t in NPS_TASKS for t in tasks):
        agreed.append(f"Answers agree: n and NPS (to {TOLERANCE:g}) overall, per plan and per month, "
                      "and the generator's overall counts.")
    if "themes" in tasks:
        agreed.append("Themes: nps's n equals the generator's; the mentions per theme are shown side by side "
                      "above and not compared (DuckDB's regexes are not nps's tagger).")
    print("\n" + " ".join(agreed), flush=True)
    if a.check_only:
        return 0

    if loadavg() > 0.5:
        log(f"note: load average {loadavg():.2f}: something else is running, timings will be noisy")
    results = time_all(inputs, tasks, nps, duckdb, runs)

    method = (
        f"Medians of {runs} alternating runs per tool (nps, DuckDB, nps, …), wall time from Popen to "
        "reaping, outputs to /dev/null; stdin inputs are piped in by `cat FILE |` (started first, in the "
        "wall time, its memory not counted), other inputs' stdin is /dev/null. "
        "From /proc/PID/status read every ~2 ms while the tool runs: "
        "peak RSS = VmHWM (the kernel's high-water mark), peak anon = the largest RssAnon read; "
        "both the maximum over the runs; "
        f"1 MB = 2^20 bytes. Load average at end {loadavg():.2f}."
    )
    nps_tasks = [t for t in tasks if t in NPS_TASKS]
    queries = ["DuckDB: `duckdb -json -c \"" + SQL_PREFIX + QUERIES[t].format(agg=NPS_SQL, src="<reader>")
               + "\"`" for t in nps_tasks]
    if "themes" in tasks:
        queries.append(
            "DuckDB themes: `duckdb -json -c \"" + THEMES_SQL.format(
                columns="sum((regexp_matches(c, '<regex 1>') OR …)::INT) AS \\\"<theme>\\\", …",
                src="<reader>")
            + f"\"`, {sum(map(len, THEME_REGEXES.values()))} regexes for {len(THEME_REGEXES)} themes "
            f"(alternations of at most {THEME_CHUNK} terms, each regex term alone) made from "
            "`nps themes --print-themes` "
            f"(the whole query: {Path(a.dir) / 'themes.sql'})")
    fmts = [f for f in FORMATS + [VARIED] if any(f == i[0] for i in inputs)]
    readers = "readers: " + ", ".join(
        f"{FORMAT_LABEL[f]}: `{READERS[f].format(path=reader_file(f))}`"
        + (" with `cat FILE |` into DuckDB" if feed(f, "FILE") else "") for f in fmts)
    nps_lines = []
    if nps_tasks:
        nps_lines.append(
            "- nps: `nps score|segment --by plan|trend --every month FILE --format json -q`"
            + (" (FILE.gz, FILE.zst as such)" if any(f in COMPRESSORS for f in fmts) else "")
            + ("; stdin: `cat FILE | nps … - …`" if "stdin" in fmts else ""))
    if "themes" in tasks:
        nps_lines.append("- nps themes: `nps themes FILE --format json -q` (FILE the varied-comment CSV)")
    body = ["", table(results), "", method, "", *[f"- {q}" for q in queries], f"- {readers}",
            *nps_lines, "", growth_line(results, tasks)]
    status = 0
    if not a.quick:
        tlines = targets(results, tasks)
        if any(s != "MISSING" for _, s, _ in tlines) or a.require:
            body += ["", "Targets (the issues'):"]
            body += [f"- {s}: {label}: {d}" for label, s, d in tlines]
        if a.require:
            missed = sum(s != "PASS" for _, s, _ in tlines)
            body.append(f"\n--require: {'all targets pass' if not missed else f'{missed} of {len(tlines)} targets not met'}.")
            status = 1 if missed else 0
    text = "\n".join(body)
    print(text, flush=True)
    if a.markdown:
        themes_text = "".join("\n" + r + "\n" for r in theme_reports)
        Path(a.markdown).write_text("\n".join(header) + "\n" + themes_text + text + "\n")
        log(f"wrote {a.markdown}")
    return status


if __name__ == "__main__":
    sys.exit(main())
