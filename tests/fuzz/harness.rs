//! One fuzz input, one `nps` run in-process: shared by the libFuzzer target
//! (`tests/fuzz/fuzz_targets/run.rs`) and the replay test (`tests/fuzz_replay.rs`), so that CI
//! replays every committed input through exactly the code the fuzzer ran.
//!
//! The first byte chooses what the rest is and which command reads it:
//! - `selector % 16` below 9: the rest is an input file, read by one of nine commands (score,
//!   inspect, trend with a rolling window, segment by the first header cell, themes with
//!   per-response tags, risk, followup, score with `--dedupe` and an id column, score with a
//!   non-UTF-8 `--encoding`), written under a name whose extension is `(selector >> 4) % 8`
//!   (`.csv`, `.tsv`, `.json`, `.ndjson`, `.parquet`, `.txt`, `.csv.gz`, none), so that detection
//!   by extension and by content both get their turn;
//! - 9: a `check` rules file (TOML) over `fixtures/example.csv`;
//! - 10: a `--max-drop` baseline (JSON or data) for `check`;
//! - 11: a themes file (`themes --themes`) over `fixtures/themes` text;
//! - 12: followup templates (`followup --templates`);
//! - 13: a churn lexicon (`risk --churn`);
//! - 14: a settings file (`--config`) for `score`;
//! - 15: `--where` and `--since` values, then the input after the first newline.
//!
//! [`ingest`] is the narrower, faster target (hundreds of runs a second instead of tens): the
//! whole ingest path and nothing after it. Its first byte chooses the extension as above and,
//! with `selector % 8`, what the command would ask of ingest: nothing more (0), dates and the
//! first header cell carried (1), respondent ids with `--dedupe` (2), comments tagged with the
//! built-in themes (3), a non-UTF-8 `--encoding` (4), `--strict` (5), `--where` on the first
//! header cell with `--since` (6), or a forced `--input-format` chosen by the extension bits (7).
//!
//! Any result is fine (a report, a usage error, an input error) except a panic, a hang, or
//! memory out of proportion to the input: those are what the fuzzer looks for.

// Each fuzz target and the replay test use part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

const EXTENSIONS: [&str; 8] = [
    ".csv", ".tsv", ".json", ".ndjson", ".parquet", ".txt", ".csv.gz", "",
];

/// The first header cell of `data`, as a user would name it.
fn first_cell(data: &[u8]) -> String {
    data.split(|&b| b == b'\n' || b == b',' || b == b'\t' || b == b';')
        .next()
        .map(|c| String::from_utf8_lossy(c).trim().to_string())
        .filter(|c| !c.is_empty() && !c.starts_with('-'))
        .unwrap_or_else(|| "plan".into())
}

/// Run `data` through ingest alone, as `nps score` would read it with the options the selector
/// byte picks; `scratch` as for [`run`].
pub fn ingest(data: &[u8], scratch: &Path) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let ext = usize::from(selector >> 3) % 8;
    let path = scratch.join(format!("in{}", EXTENSIONS[ext]));
    std::fs::write(&path, rest).expect("the scratch directory is writable");
    let mut argv: Vec<String> = vec!["nps".into(), "score".into(), path.display().to_string()];
    let mode = selector % 8;
    match mode {
        4 => argv.extend([
            "--encoding".into(),
            ["utf-16be", "windows-1252"][ext % 2].into(),
        ]),
        5 => argv.push("--strict".into()),
        6 => argv.extend([
            format!("--where={}!=x", first_cell(rest)),
            "--since=2025-01-01".into(),
        ]),
        7 => argv.extend([
            "--input-format".into(),
            ["csv", "tsv", "json", "ndjson", "parquet"][ext % 5].into(),
        ]),
        _ => {}
    }
    argv.extend(["--no-config".into(), "-q".into()]);
    let Some(mut options) = parsed(argv) else {
        return;
    };
    match mode {
        1 => {
            options.need_dates = true;
            options.keep = vec![first_cell(rest)];
        }
        2 => {
            options.need_ids = true;
            options.dedupe = Some(nps::cli::Dedupe::Latest);
        }
        3 => options.themes = Some(tagger()),
        _ => {}
    }
    let _ = nps::ingest::load(&options);
}

/// The ingest options of `nps score` with `argv`, parsed once per distinct command line (the
/// file's path is the same for every input with the same extension): clap's parse costs more
/// than ingesting a small input, and would otherwise be most of what the fuzzer runs.
fn parsed(argv: Vec<String>) -> Option<nps::ingest::Options> {
    static CACHE: Mutex<Option<HashMap<Vec<String>, Option<nps::ingest::Options>>>> =
        Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if cache.len() > 4096 {
        cache.clear();
    }
    cache
        .entry(argv.clone())
        .or_insert_with(|| {
            let argv: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
            match nps::cli::parse(argv).ok()?.command {
                nps::cli::Command::Score(args) => {
                    Some(nps::ingest::Options::new(&args.input, true))
                }
                _ => unreachable!("the arguments name nps score"),
            }
        })
        .clone()
}

/// The built-in themes, compiled once per process.
fn tagger() -> Arc<nps::themes::Tagger> {
    static TAGGER: OnceLock<Arc<nps::themes::Tagger>> = OnceLock::new();
    TAGGER
        .get_or_init(|| {
            let stemmers = nps::text::Stemmers::default();
            let lexicon = nps::themes::lexicon::Lexicon::builtin(&stemmers);
            Arc::new(nps::themes::Tagger::new(lexicon, None))
        })
        .clone()
}

/// Run `data` through nps, using `scratch` (an existing, private directory) for its files and
/// `fixtures` (the repository's `fixtures/`) for the fixed inputs of the reader modes.
pub fn run(data: &[u8], scratch: &Path, fixtures: &Path) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = |rel: &str| fixtures.join(rel).display().to_string();
    let write = |name: &str, bytes: &[u8]| {
        let path = scratch.join(name);
        std::fs::write(&path, bytes).expect("the scratch directory is writable");
        path.display().to_string()
    };
    let input = || {
        write(
            &format!("in{}", EXTENSIONS[usize::from(selector >> 4) % 8]),
            rest,
        )
    };
    let mut args: Vec<String> = match selector % 16 {
        0 => vec!["score".into(), input(), "-f".into(), "json".into()],
        1 => vec!["inspect".into(), input(), "-f".into(), "json".into()],
        2 => vec![
            "trend".into(),
            input(),
            "--every".into(),
            "week".into(),
            "--rolling".into(),
            "30d".into(),
            "-f".into(),
            "csv".into(),
        ],
        3 => {
            vec![
                "segment".into(),
                input(),
                "--by".into(),
                first_cell(rest),
                "-f".into(),
                "markdown".into(),
            ]
        }
        4 => vec![
            "themes".into(),
            input(),
            "--per-response".into(),
            "-f".into(),
            "csv".into(),
        ],
        5 => vec![
            "risk".into(),
            input(),
            "--as-of".into(),
            "2025-06-30".into(),
            "-f".into(),
            "json".into(),
        ],
        6 => vec![
            "followup".into(),
            input(),
            "--as-of".into(),
            "2025-06-30".into(),
            "-f".into(),
            "csv".into(),
        ],
        7 => vec![
            "score".into(),
            input(),
            "--dedupe".into(),
            "latest".into(),
            "-f".into(),
            "csv".into(),
        ],
        8 => vec![
            "score".into(),
            input(),
            "--encoding".into(),
            if selector & 0x10 == 0 {
                "utf-16le"
            } else {
                "windows-1252"
            }
            .into(),
        ],
        9 => vec![
            "check".into(),
            fixture("example.csv"),
            "--rules".into(),
            write("rules.toml", rest),
            "-f".into(),
            "junit".into(),
        ],
        10 => vec![
            "check".into(),
            fixture("example.csv"),
            "--max-drop".into(),
            "5".into(),
            "--baseline".into(),
            write("baseline.json", rest),
            "-f".into(),
            "github".into(),
        ],
        11 => vec![
            "themes".into(),
            fixture("themes/en-tune.csv"),
            "--themes".into(),
            write("themes.toml", rest),
        ],
        12 => vec![
            "followup".into(),
            fixture("followup/responses.csv"),
            "--as-of".into(),
            "2025-11-20".into(),
            "--templates".into(),
            write("templates.toml", rest),
            "-f".into(),
            "json".into(),
        ],
        13 => vec![
            "risk".into(),
            fixture("risk/en.csv"),
            "--as-of".into(),
            "2025-11-20".into(),
            "--churn".into(),
            write("churn.toml", rest),
        ],
        14 => vec![
            "score".into(),
            fixture("example.csv"),
            "--config".into(),
            write("nps.toml", rest),
        ],
        _ => {
            let (flags, body) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &[][..]),
            };
            let flags = String::from_utf8_lossy(flags);
            let mut parts = flags.splitn(2, '\u{1}');
            let filter = parts.next().unwrap_or_default().to_string();
            let since = parts.next().unwrap_or("2025-01-01").to_string();
            vec![
                "segment".into(),
                write("in.csv", body),
                "--by".into(),
                "plan".into(),
                format!("--where={filter}"),
                format!("--since={since}"),
            ]
        }
    };
    if selector % 16 != 14 {
        args.push("--no-config".into());
    }
    args.extend(["-q".into(), "-o".into(), "/dev/null".into()]);
    let argv: Vec<OsString> = std::iter::once("nps".into())
        .chain(args.into_iter().map(OsString::from))
        .collect();
    // A usage error is an answer too; only a panic (or a hang, or runaway memory) is a finding.
    if let Ok(cli) = nps::cli::parse(argv) {
        let _ = nps::run(cli);
    }
}
