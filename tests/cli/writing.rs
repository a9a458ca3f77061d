//! Output formats and how they are written: `-o` files written whole, never over an input, onto
//! FIFOs, devices and symlinks; polars' environment; determinism; closed pipes; one test per
//! exit code.

use super::streams::long_export;
use super::*;

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
