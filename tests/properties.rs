//! Properties that must hold across commands for any export (issue 15, point 5), each checked
//! on 1,000 generated files: the NPS stays within −100…100; segment and period counts add back
//! to the overall; row order and splitting a file in two change no number; a file and the same
//! bytes on standard input give the same output; and `--dedupe` is idempotent — deduplicating
//! a file that holds every row twice gives what deduplicating it once gives.
//!
//! The generated files mix valid scores, blanks, missing-value tokens and invalid cells; dates
//! (some blank or unreadable); three plans and blank ones; respondent ids that repeat. The
//! commands run in-process (the library's `run`, writing JSON to a temporary `-o` file), except
//! for the standard-input property, which needs the real binary's standard input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use serde_json::Value;

const CASES: u32 = 1000;

/// One generated response.
#[derive(Debug, Clone)]
struct Row {
    id: u8,
    score: String,
    plan: &'static str,
    date: String,
}

fn row() -> impl Strategy<Value = Row> {
    let score = prop_oneof![
        8 => (0u8..=10).prop_map(|s| s.to_string()),
        1 => Just(String::new()),
        1 => prop_oneof![Just("NA"), Just("n/a"), Just("11"), Just("x"), Just("-1")]
            .prop_map(String::from),
    ];
    let plan = prop_oneof![Just("free"), Just("pro"), Just("team"), Just("")];
    let date = prop_oneof![
        9 => (0u32..730).prop_map(|d| {
            let day = chrono_day(d);
            format!("{day}T{:02}:00:00Z", d % 24)
        }),
        1 => prop_oneof![Just(String::new()), Just("not a date".to_string())],
    ];
    (1u8..=25, score, plan, date).prop_map(|(id, score, plan, date)| Row {
        id,
        score,
        plan,
        date,
    })
}

/// 2024-01-01 plus `d` days.
fn chrono_day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
}

fn csv(rows: &[Row]) -> String {
    let mut text = String::from("respondent_id,score,plan,submitted_at\n");
    for r in rows {
        text.push_str(&format!("{},{},{},{}\n", r.id, r.score, r.plan, r.date));
    }
    text
}

/// `nps ARGS… -f json -o TMP` in-process; its JSON without `sources` (file names differ).
fn run(dir: &Path, args: &[&str]) -> Value {
    let out = dir.join(format!("out-{}.json", args.len()));
    let mut argv: Vec<String> = vec!["nps".into()];
    argv.extend(args.iter().map(|a| a.to_string()));
    argv.extend(["-f", "json", "-q", "--no-config", "-o"].map(String::from));
    argv.push(out.display().to_string());
    let cli = nps::cli::parse(argv.into_iter().map(Into::into).collect())
        .unwrap_or_else(|e| panic!("{args:?}: {e:?}"));
    match nps::run(cli) {
        Ok(_) => {}
        // No valid response at all is an answer too: compared as such.
        Err(e) => return Value::String(format!("exit {}", e.exit_code())),
    }
    let mut j: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    if let Value::Object(map) = &mut j {
        map.remove("sources");
    }
    // Examples of invalid cells name their file and line, which order and splitting change.
    if let Some(Value::Object(rows)) = j.get_mut("rows") {
        rows.remove("invalid_examples");
    }
    j
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nps_and_its_interval_stay_within_the_scale(rows in prop::collection::vec(row(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "a.csv", &csv(&rows));
        let j = run(dir.path(), &["score", &file]);
        if let Some(nps) = j["nps"].as_f64() {
            prop_assert!((-100.0..=100.0).contains(&nps), "{j}");
            let (low, high) = (j["interval"]["low"].as_f64().unwrap(), j["interval"]["high"].as_f64().unwrap());
            prop_assert!(-100.0 <= low && low <= nps && nps <= high && high <= 100.0, "{j}");
        }
    }

    #[test]
    fn segments_and_periods_add_back_to_the_overall(rows in prop::collection::vec(row(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "a.csv", &csv(&rows));
        let score = run(dir.path(), &["score", &file]);
        let Some(n) = score["n"].as_u64() else { return Ok(()) };
        let segment = run(dir.path(), &["segment", &file, "--by", "plan"]);
        let in_segments: u64 = segment["segments"].as_array().unwrap().iter().map(|s| s["n"].as_u64().unwrap()).sum();
        prop_assert_eq!(in_segments, n);
        prop_assert_eq!(segment["overall"]["n"].as_u64(), Some(n));
        let trend = run(dir.path(), &["trend", &file, "--every", "month"]);
        if let Some(series) = trend["series"].as_array() {
            let series = &series[0];
            let dated: u64 = series["periods"].as_array().unwrap().iter().map(|p| p["n"].as_u64().unwrap()).sum();
            prop_assert_eq!(dated + series["undated"].as_u64().unwrap(), n, "{}", trend);
        }
    }

    #[test]
    fn row_order_and_splitting_change_no_number(rows in prop::collection::vec(row(), 2..60), seed in any::<u64>(), cut in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().unwrap();
        let whole = write(dir.path(), "whole.csv", &csv(&rows));
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled_file = write(dir.path(), "shuffled.csv", &csv(&shuffled));
        let at = cut.index(rows.len() - 1) + 1;
        let (first, second) = (write(dir.path(), "first.csv", &csv(&rows[..at])), write(dir.path(), "second.csv", &csv(&rows[at..])));
        for args in [&["score"][..], &["segment", "--by", "plan"], &["trend", "--every", "quarter"]] {
            let with = |files: &[&str]| {
                let mut all: Vec<&str> = vec![args[0]];
                all.extend_from_slice(files);
                all.extend_from_slice(&args[1..]);
                run(dir.path(), &all)
            };
            let expected = with(&[&whole]);
            prop_assert_eq!(&with(&[&shuffled_file]), &expected, "{:?} shuffled", args);
            prop_assert_eq!(&with(&[&first, &second]), &expected, "{:?} split at {}", args, at);
        }
    }

    #[test]
    fn dedupe_is_idempotent(rows in prop::collection::vec(row(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let once = write(dir.path(), "once.csv", &csv(&rows));
        let doubled: Vec<Row> = rows.iter().chain(rows.iter()).cloned().collect();
        let twice = write(dir.path(), "twice.csv", &csv(&doubled));
        for args in [&["score"][..], &["segment", "--by", "plan"]] {
            let with = |file: &str| {
                let mut all: Vec<&str> = vec![args[0], file];
                all.extend_from_slice(&args[1..]);
                all.extend(["--dedupe", "latest"]);
                let mut j = run(dir.path(), &all);
                // The rows read and the duplicates dropped differ; every number after does not.
                if let Value::Object(map) = &mut j {
                    map.remove("rows");
                }
                j
            };
            prop_assert_eq!(with(&twice), with(&once), "{:?}", args);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_file_and_standard_input_give_the_same_bytes(rows in prop::collection::vec(row(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let text = csv(&rows);
        let file = write(dir.path(), "a.csv", &text);
        let nps = |input: &str, stdin: Option<&[u8]>| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
                .args(["segment", input, "--by", "plan", "-f", "csv", "-q", "--no-config"])
                .env("XDG_CONFIG_HOME", dir.path())
                .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            if let Some(bytes) = stdin {
                child.stdin.take().unwrap().write_all(bytes).unwrap();
            }
            let out = child.wait_with_output().unwrap();
            (out.status.code(), out.stdout)
        };
        prop_assert_eq!(nps("-", Some(text.as_bytes())), nps(&file, None));
    }
}
