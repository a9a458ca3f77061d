//! Regression tests of the adversarial test's findings (../shared/findings/adversarial-2026-12.md)
//! about where output goes: `-` as standard output, output errors naming the path, temporary files
//! under signals, closed pipes, and narrow or dumb terminals; each names its finding.

use super::{fixture, nps, nps_with_stdin};

#[test]
fn f44_dash_is_standard_output_and_a_baseline_on_standard_input() {
    let example = fixture("example.csv");
    let dir = tempfile::tempdir().unwrap();
    // `-o -` writes to stdout, never a file named `-`.
    let run = super::settings::settings_run_in(
        dir.path(),
        &["score", &example, "-q", "-f", "csv", "-o", "-"],
    );
    assert!(run.expect(0).stdout.starts_with("n,nps,"), "{run:?}");
    assert!(!dir.path().join("-").exists());
    // `nps score old -f json | nps check new --baseline - --max-drop 5`.
    let saved = nps(&["score", &example, "-q", "-f", "json"]);
    let run = nps_with_stdin(
        &[
            "check",
            &example,
            "--baseline",
            "-",
            "--max-drop",
            "5",
            "-q",
            "-f",
            "json",
        ],
        Some(saved.expect(0).stdout.as_bytes()),
    );
    assert_eq!(run.expect(0).json()["passed"], true, "{run:?}");
    assert_eq!(run.json()["rules"][0]["actual"], 0.0, "{run:?}");
    // Standard input cannot be both; a data baseline is named by its path.
    let text = std::fs::read(&example).unwrap();
    let both = nps_with_stdin(
        &["check", "-", "--baseline", "-", "--max-drop", "5"],
        Some(&text),
    );
    both.expect(2);
    assert!(both.stderr.contains("can be read once"), "{both:?}");
    let data = nps_with_stdin(
        &["check", &example, "--baseline", "-", "--max-drop", "5"],
        Some(&text),
    );
    data.expect(2);
    assert!(
        data.stderr.contains("give a data baseline by its path"),
        "{data:?}"
    );
}

#[test]
fn f38_f40_output_errors_name_the_path_and_a_replaced_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("nps-f38-")
        .tempdir()
        .unwrap();
    let example = fixture("example.csv");
    // `-o dir/`: the directory is named as one, and no temporary file's name appears.
    let slash = format!("{}/", dir.path().display());
    let run = nps(&["score", &example, "-q", "-o", &slash]);
    run.expect(4);
    assert!(run.stderr.contains("is a directory"), "{run:?}");
    let missing = dir.path().join("missing/report.csv");
    let run = nps(&["score", &example, "-q", "-o", missing.to_str().unwrap()]);
    run.expect(4);
    assert!(run.stderr.contains("missing does not exist"), "{run:?}");
    assert!(!run.stderr.contains(".tmp"), "{run:?}");
    // A report readable by others stays readable once replaced, in both writers.
    for extra in [&[][..], &["--per-response", "--format", "csv"][..]] {
        let report = dir.path().join("report.txt");
        std::fs::write(&report, "old").unwrap();
        std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut args = vec![if extra.is_empty() { "score" } else { "themes" }, &example];
        args.extend_from_slice(extra);
        args.extend(["-q", "-o", report.to_str().unwrap()]);
        nps(&args).expect(0);
        let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{args:?}");
        assert_ne!(std::fs::read_to_string(&report).unwrap(), "old");
    }
}

#[test]
fn f41_a_signal_during_an_output_removes_its_temporary_file() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let (dir, fifo) = fifo_dir("nps-f41-");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for signal in ["TERM", "INT", "HUP"] {
        // --per-response opens its output before reading, and the FIFO keeps the input open.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nps"))
            .args([
                "themes",
                fifo.to_str().unwrap(),
                "--per-response",
                "--format",
                "csv",
            ])
            .args(["-q", "-o", out.join("tagged.csv").to_str().unwrap()])
            .stdin(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer
            .write_all(b"score,comment\n9,great support\n")
            .unwrap();
        wait_for_temporary(&out);
        let temporary = || has_temporary(&out);
        assert!(
            temporary(),
            "the output's temporary file exists while it is written"
        );
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        assert!(killed.is_ok_and(|s| s.success()));
        let status = child.wait().unwrap();
        drop(writer);
        let number = match signal {
            "TERM" => 15,
            "INT" => 2,
            _ => 1,
        };
        assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
        assert!(!temporary(), "{signal}: the temporary file is removed");
        assert!(
            !out.join("tagged.csv").exists(),
            "{signal}: no output at all"
        );
    }
}

#[test]
fn f41_a_signal_ignored_by_the_parent_stays_ignored() {
    use std::io::Write;
    let (dir, fifo) = fifo_dir("nps-f41b-");
    let out = dir.path().join("tagged.csv");
    // As under nohup: SIGHUP ignored before nps starts.
    let script = "trap '' HUP; exec \"$0\" themes \"$1\" --per-response --format csv -q -o \"$2\"";
    let mut child = std::process::Command::new("sh")
        .args(["-c", script, env!("CARGO_BIN_EXE_nps")])
        .arg(&fifo)
        .arg(&out)
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writer
        .write_all(b"score,comment\n9,great support\n")
        .unwrap();
    wait_for_temporary(dir.path());
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status();
    assert!(hup.is_ok_and(|s| s.success()));
    std::thread::sleep(std::time::Duration::from_millis(200));
    writer.write_all(b"3,slow app\n").unwrap();
    drop(writer);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
}

/// A scratch directory holding a FIFO `in.csv`, for runs whose input stays open while the test
/// acts on them.
fn fifo_dir(prefix: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let fifo = dir.path().join("in.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    (dir, fifo)
}

/// Whether `dir` holds an output's temporary file.
fn has_temporary(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
}

/// Wait up to five seconds for an output's temporary file in `dir`.
fn wait_for_temporary(dir: &std::path::Path) {
    for _ in 0..200 {
        if has_temporary(dir) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn f42_a_closed_stdout_or_a_help_that_cannot_be_written_is_not_success() {
    let sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", script, "sh", env!("CARGO_BIN_EXE_nps")])
            .arg(fixture("example.csv"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = sh("\"$1\" score \"$2\" -q --no-config >&-");
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("it was closed when nps started (>&-)"),
        "{stderr}"
    );
    // With -o, a closed stdout does not matter.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let (code, stderr) = sh(&format!(
        "\"$1\" score \"$2\" -q --no-config -o '{}' >&-",
        out.display()
    ));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("NPS 29.7"));
    let (code, stderr) = sh("\"$1\" --help > /dev/full");
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
}

#[test]
fn f43_narrow_zero_width_and_dumb_terminals_keep_tables_readable() {
    let on_terminal = |setup: &str, args: &str| {
        let script = format!(
            "{setup} '{}' {args} --no-config -q",
            env!("CARGO_BIN_EXE_nps")
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &script, "/dev/null"])
            .current_dir(super::root())
            .env("NO_COLOR", "1")
            .output()
            .expect("util-linux `script` runs");
        assert!(out.status.success(), "{script}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let segment = "segment fixtures/example.csv --by plan";
    // A pty of 0×0 (some CI runners, `docker -t`): the table is as wide as its content.
    let zero = on_terminal("stty cols 0 rows 0;", segment);
    assert!(zero.contains("│ plan       ┆"), "{zero}");
    assert!(zero.contains("│ enterprise ┆ 11 ┆"), "{zero}");
    // 30 columns: numbers are never split, text keeps a readable width.
    let narrow = on_terminal("stty cols 30;", segment);
    assert!(narrow.contains("-28.6 to 53.6"), "{narrow}");
    assert!(narrow.contains("│ enterprise ┆"), "{narrow}");
    // TERM=dumb: no box drawing.
    let dumb = on_terminal("TERM=dumb", "score fixtures/example.csv");
    assert!(dumb.contains("promoters (9–10)"), "{dumb}");
    assert!(!dumb.contains('┌') && !dumb.contains('│'), "{dumb}");
}
