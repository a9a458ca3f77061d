#!/usr/bin/env python3
"""Write the fuzzer's seed inputs: every fixture, the built-in TOML files and the adversarial
test's inputs, each behind the selector byte that makes harness.rs read it the way it is meant
to be read (see harness.rs for what the byte means).

    python3 tests/fuzz/seed.py OUT_DIR [--nps target/debug/nps]
"""

import argparse
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
EXT = {".csv": 0, ".tsv": 1, ".json": 2, ".ndjson": 3, ".parquet": 4, ".txt": 5, ".gz": 6}

# The adversarial test's inputs (../shared/findings/adversarial-2026-12.md), as bytes.
FINDINGS = {
    "f8_surveymonkey.csv": b"Respondent ID,score,kind\n1,0,response\n2,9,response\n3,10,response\n",
    "f8_qualtrics.csv": b'score,comment\n10,great\n0,"{""ImportId"":""lol""}"\n9,ok\n3,bad\n',
    "f10_blank_header.csv": b"score,,column 2\n9,a,b\n3,c,d\n",
    "f11_one_column.csv": b"score\n9\n\n3\n\n",
    "f20_repeats.csv": b"score" + b",a" * 200 + b"\n9" + b"," * 200 + b"\n",
    "f31_utf16_nobom.csv": "score,comment\n9,très bien\n".encode("utf-16-le"),
    "f47_json_numbers.ndjson": b'{"score": 9.0000000000000001}\n{"score": -0}\n{"score": 1e400}\n',
    "f48_dates.csv": b"submitted_at,score\n0009-01-01,9\n2025-13-40,3\n2025-02-29T25:00:00Z,7\n",
    "f_controls.csv": b"score,plan,comment\n9,\x1b[31mred,=1+1\n3,::error::x,%0A|<script>\n",
    "f_missing_tokens.csv": b"score,plan\nNA,a\nN/A,b\n#N/A,c\nnull,d\n-,e\n.,f\n9,g\n",
    "f_paired.csv": b"respondent_id,score,wave\n1,0,a\n1,10,b\n2,0,a\n2,10,b\n",
}


def put(out: pathlib.Path, name: str, selector: int, data: bytes) -> None:
    (out / f"{name}.{selector:02x}").write_bytes(bytes([selector]) + data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--nps", default=str(ROOT / "target/debug/nps"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".toml", ".xlsx"):
            continue
        data = path.read_bytes()
        if len(data) > 64 << 10:
            continue
        ext = EXT.get(path.suffix, 7)
        name = "_".join(path.relative_to(FIXTURES).parts)
        # Every command that reads a data file (modes 0–8), under its own extension.
        for mode in range(9):
            put(args.out, name, mode + 16 * ext, data)
        if path.suffix == ".csv":
            put(args.out, name, 15, b"plan!=free\x012025-03-01\n" + data)
    for name, data in FINDINGS.items():
        for mode in (0, 1, 2, 5, 7):
            put(args.out, name, mode, data)
    tomls = {
        9: [FIXTURES / "check/rules.toml", FIXTURES / "check/unknown_key.toml"],
        12: [ROOT / "src/commands/followup/templates.toml", FIXTURES / "followup/bad-template.toml"],
        13: [ROOT / "src/risk/churn.toml"],
    }
    for mode, paths in tomls.items():
        for path in paths:
            put(args.out, path.name, mode, path.read_bytes())
    themes = subprocess.run([args.nps, "themes", "--print-themes"], capture_output=True, check=True)
    put(args.out, "builtin-themes.toml", 11, themes.stdout)
    baseline = subprocess.run(
        [args.nps, "score", str(FIXTURES / "example.csv"), "-q", "-f", "json", "--no-config"],
        capture_output=True,
        check=True,
    )
    put(args.out, "baseline.json", 10, baseline.stdout)
    put(args.out, "settings.toml", 14, b'min-n = 10\nci = "wald"\n[score]\ndecimals = 2\n')


if __name__ == "__main__":
    main()
