//! Inputs that are streams: the spinner on a terminal, stdin, gzip and zstd, damaged
//! compressed streams and Parquet files, FIFOs and devices.

use super::*;

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
pub(super) fn long_export() -> String {
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
