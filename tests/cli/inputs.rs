//! Regression tests of the adversarial test's findings about reading inputs
//! (../shared/findings/adversarial-2026-12.md); each names its finding.

use super::*;

/// Writes `content` as `name` in a new temporary directory.
fn file(name: &str, content: &str) -> (tempfile::TempDir, String) {
    super::crafted(name, content.as_bytes())
}

#[cfg(target_os = "linux")]
#[test]
fn f1_a_file_truncated_while_it_is_read_is_named_not_a_crash() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.csv");
    let mut text = String::from("submitted_at,score,plan,comment\n");
    let row = "2025-01-01T00:00:00Z,9,pro,\"the export works, mostly\"\n";
    while text.len() < 64 << 20 {
        text.push_str(row);
    }
    // The truncation must land after nps has mapped the file and before it has read it all:
    // watch its memory maps for the file, then cut the file to 1 MB. A run that finished first
    // (the race lost) is tried again.
    for _ in 0..5 {
        std::fs::write(&path, &text).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_nps"));
        super::isolate(&mut command);
        let child = command
            .args(["score", path.to_str().unwrap(), "-q", "-f", "csv"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let maps = format!("/proc/{}/maps", child.id());
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            let mapped = std::fs::read_to_string(&maps)
                .map(|m| m.contains(path.to_str().unwrap()))
                .unwrap_or(true);
            if mapped {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1 << 20)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.signal(), None, "killed by a signal: {stderr}");
        match out.status.code() {
            Some(0) => continue,
            Some(3) => {
                assert!(
                    stderr.contains("live.csv: the file changed while it was being read"),
                    "{stderr}"
                );
                assert!(out.stdout.is_empty(), "a partial answer was written");
                return;
            }
            other => panic!("exit {other:?}: {stderr}"),
        }
    }
    panic!("every run finished before the truncation: make the file larger");
}

#[test]
fn f8_a_respondents_answer_never_switches_the_platform_layout() {
    // SurveyMonkey needs its second header row: blank under "Respondent ID".
    let (_a, sm) = file(
        "sm.csv",
        "Respondent ID,score,kind\n1,0,response\n2,9,response\n3,10,response\n4,8,followup\n",
    );
    let run = nps(&["score", &sm, "-f", "csv"]);
    assert!(run.expect(0).stdout.contains("\n4,"), "{run:?}");
    // 2 promoters, 1 detractor of 4: 25.0.
    assert!(run.stdout.contains(",25.0,"), "{run:?}");
    assert!(!run.stderr.contains("export ("), "{run:?}");

    let (_b, typed) = file(
        "sm2.csv",
        "respondent id,score,comment\n1,0,Response\n2,9,ok\n3,10,fine\n",
    );
    // 2 promoters, 1 detractor of 3: 33.3.
    let run = nps(&["score", &typed, "-q", "-f", "csv"]);
    assert!(run.expect(0).stdout.contains("\n3,"), "{run:?}");
    assert!(run.stdout.contains(",33.3,"), "{run:?}");

    // Qualtrics needs every filled cell of row 3 to be an import id, not one comment.
    let (_c, q) = file(
        "q.csv",
        "score,comment\n10,great\n0,\"{\"\"ImportId\"\":\"\"lol\"\"}\"\n9,ok\n3,bad\n10,yay\n",
    );
    let j = nps(&["score", &q, "-q", "-f", "json"]).expect(0).json();
    assert_eq!(j["rows"]["read"], 5, "{j}");
    // 3 promoters, 2 detractors of 5: 20.0.
    assert_eq!(j["nps"], 20.0, "{j}");
}

#[test]
fn f8_a_recognised_layout_is_said_with_its_header_rows() {
    let run = nps(&["score", &fixture("presets/qualtrics_nps.csv")]);
    run.expect(0);
    assert!(
        run.stderr.contains(
            "qualtrics_nps.csv: read as a qualtrics export (row 3 holds {\"ImportId\":…} cells \
             (Qualtrics' three header rows)); its first 3 rows are headers, not responses"
        ),
        "{run:?}"
    );
    let run = nps(&["score", &fixture("presets/surveymonkey_nps.csv")]);
    assert!(
        run.expect(0)
            .stderr
            .contains("read as a surveymonkey export"),
        "{run:?}"
    );
    // Asked for, it goes without saying.
    let run = nps(&[
        "score",
        &fixture("presets/qualtrics_nps.csv"),
        "--preset",
        "qualtrics",
    ]);
    assert!(!run.expect(0).stderr.contains("export ("), "{run:?}");
}

#[test]
fn f20_many_repeated_header_names_are_renamed_in_linear_time() {
    let n = 40_000;
    let text = format!(
        "score{}\n9{}\n3{}\n",
        ",a".repeat(n),
        ",".repeat(n),
        ",".repeat(n)
    );
    let (_d, path) = file("repeats.csv", &text);
    let start = std::time::Instant::now();
    let j = nps(&["inspect", &path, "-f", "json"]).expect(0).json();
    // Took over 120 s before the fix; well under a second after, even unoptimised.
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    let columns = j["sources"][0]["columns"].as_array().unwrap();
    assert_eq!(columns.len(), n + 1);
    assert_eq!(columns[1]["name"], "a");
    assert_eq!(columns[2]["name"], "a (2)");
    assert_eq!(columns[n]["name"], format!("a ({n})"));
}

#[test]
fn f31_utf16_without_a_mark_is_read_and_utf32_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = |big_endian: bool| -> Vec<u8> {
        "id,score,comment\n1,9,très bien\n2,3,lent\n"
            .encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    for (name, big_endian, encoding) in
        [("le.csv", false, "UTF-16LE"), ("be.csv", true, "UTF-16BE")]
    {
        let path = dir.path().join(name);
        std::fs::write(&path, utf16(big_endian)).unwrap();
        let j = nps(&["inspect", path.to_str().unwrap(), "-f", "json"])
            .expect(0)
            .json();
        let s = &j["sources"][0];
        assert_eq!(s["encoding"]["name"], encoding, "{j}");
        assert_eq!(
            s["encoding"]["reason"],
            "a NUL in every other byte: UTF-16 without a byte-order mark"
        );
        assert_eq!(s["rows"]["used"], 2, "{j}");
    }
    // UTF-32, with its mark (FF FE 00 00, which also starts UTF-16LE's) or without.
    let mut utf32: Vec<u8> = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(
        "id,score\n1,9\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes()),
    );
    for (name, bytes) in [("marked.csv", &utf32[..]), ("bare.csv", &utf32[4..])] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = nps(&["score", path.to_str().unwrap()]);
        run.expect(3);
        assert!(
            run.stderr
                .contains("is UTF-32 text, which nps does not read"),
            "{run:?}"
        );
    }
}

#[test]
fn f48_gzip_with_zero_padding_reads_like_gzip_d() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(fixture("formats/responses.csv.gz")).unwrap();
    bytes.extend([0u8; 512]);
    let padded = dir.path().join("padded.csv.gz");
    std::fs::write(&padded, &bytes).unwrap();
    let plain = nps(&[
        "score",
        &fixture("formats/responses.csv"),
        "-q",
        "-f",
        "csv",
    ]);
    let run = nps(&["score", padded.to_str().unwrap(), "-q", "-f", "csv"]);
    assert_eq!(run.expect(0).stdout, plain.expect(0).stdout);
    // Anything but zeros after the last member is still an error.
    bytes.extend(b"more");
    std::fs::write(&padded, &bytes).unwrap();
    let run = nps(&["score", padded.to_str().unwrap(), "-q"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("neither another gzip member nor zero padding"),
        "{run:?}"
    );
}

#[test]
fn f26_parquet_columns_of_unreadable_types_are_blank_not_a_rejected_file() {
    // fixtures/formats/unreadable_types.parquet: a uuid id, scores 9, 3, 10, 7, a decimal
    // revenue, a fixed-size list, a 16-bit float and a plan (pro, free, pro, free).
    let file = fixture("formats/unreadable_types.parquet");
    let run = nps(&["segment", &file, "--by", "plan", "-f", "csv"]);
    run.expect(0);
    // 2 promoters, 1 detractor of 4: 25.0; pro = 9, 10: 100.0; free = 3, 7: −50.0.
    assert!(run.stdout.contains("\noverall,,4,25.0,"), "{run:?}");
    assert!(run.stdout.contains("\nsegment,pro,2,100.0,"), "{run:?}");
    assert!(run.stdout.contains("\nsegment,free,2,-50.0,"), "{run:?}");
    for note in [
        "column \"respondent\" holds extension type arrow.uuid values, which this build of nps cannot read; it is left blank",
        "column \"revenue\" holds decimal(10,2) values",
        "column \"embedding\" holds fixed-size list values",
        "column \"ratio\" holds 16-bit float values",
    ] {
        assert!(run.stderr.contains(note), "{note}: {run:?}");
    }
    // Named by a flag, an unreadable column is blank: one (blank) segment of all 4.
    let run = nps(&["segment", &file, "--by", "revenue", "-q", "-f", "csv"]);
    assert!(
        run.expect(0).stdout.contains("\nsegment,,4,25.0,"),
        "{run:?}"
    );
}

#[test]
fn f51_inspect_counts_a_file_with_a_score_column_in_parallel() {
    let j = nps(&["inspect", &fixture("formats/responses.csv"), "-f", "json"])
        .expect(0)
        .json();
    let s = &j["sources"][0];
    assert_eq!(s["pass"], "parallel", "{j}");
    // The fixture's hand counts (fixtures/README.md): 22 read, 20 used, 2 blank.
    assert_eq!(s["rows"]["read"], 22);
    assert_eq!(s["rows"]["used"], 20);
    assert_eq!(s["rows"]["blank"], 2);
    // Without a score column there is nothing to count: the record pass still reports.
    let (_d, path) = file("no_score.csv", "id,comment\n1,hello\n2,bye\n");
    let j = nps(&["inspect", &path, "-f", "json", "-q"])
        .expect(0)
        .json();
    let s = &j["sources"][0];
    assert!(s["pass"].as_str().unwrap().starts_with("records"), "{j}");
    assert_eq!(s["rows"]["read"], 2, "{j}");
}

#[test]
fn a_role_column_whose_cells_are_all_blank_is_still_that_role() {
    // Found by tests/properties.rs: one file of an export split in two had only undated rows,
    // and its date column, blank throughout, was "not found" — the whole trend failed.
    let (_d, dated) = file(
        "dated.csv",
        "id,score,submitted_at\n1,0,2024-01-01T00:00:00Z\n",
    );
    let (_u, undated) = file("undated.csv", "id,score,submitted_at\n2,10,\n");
    let j = nps(&[
        "trend", &dated, &undated, "--every", "quarter", "-q", "-f", "json",
    ])
    .expect(0)
    .json();
    let series = &j["series"][0];
    assert_eq!(series["periods"][0]["n"], 1, "{j}");
    assert_eq!(series["undated"], 1, "{j}");
    let j = nps(&["inspect", &undated, "-f", "json", "-q"])
        .expect(0)
        .json();
    let date = j["sources"][0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "date")
        .unwrap()
        .clone();
    assert_eq!(date["column"], "submitted_at", "{date}");
    assert_eq!(
        date["reason"],
        "name contains \"submitted at\"; every sampled cell is blank"
    );
}

#[test]
fn f47_one_out_of_range_number_or_lone_surrogate_is_one_row_not_the_file() {
    // Line 2's score is beyond a double's range: one invalid answer. Line 3's comment holds a
    // lone surrogate: read as U+FFFD. 3 valid scores 9, 10, 3: 2 promoters, 1 detractor: 33.3.
    let text = "{\"score\": 9, \"comment\": \"ok\"}\n{\"score\": 1e400, \"comment\": \"x\"}\n\
                {\"score\": 10, \"comment\": \"bad \\ud800 char\"}\n{\"score\": 3, \"comment\": \"no\"}\n";
    let (_d, path) = file("odd.ndjson", text);
    let on_disk = nps(&["score", &path, "-q", "-f", "csv"]);
    assert!(
        on_disk.expect(0).stdout.contains("\n3,33.3,"),
        "{on_disk:?}"
    );
    assert!(
        on_disk.stderr.contains("\"1e400\" is not a 0–10 score"),
        "{on_disk:?}"
    );
    // Standard input gives the same answer.
    let piped = super::nps_with_stdin(&["score", "-", "-q", "-f", "csv"], Some(text.as_bytes()));
    assert_eq!(piped.expect(0).stdout, on_disk.stdout);
    // The same lines past a stream's first 8 MiB block, where the stream counts line by line
    // instead of handing the input to the record pass: the same answer again.
    let long = format!(
        "{}{text}",
        "{\"score\": 9, \"comment\": \"ok\"}\n".repeat(300_000)
    );
    let (_l, long_path) = file("long.ndjson", &long);
    let j = nps(&["score", &long_path, "-q", "-f", "json"])
        .expect(0)
        .json();
    // 300,000 + 3 valid answers, and the 1e400 one set aside.
    assert_eq!(
        (j["n"].as_u64(), j["rows"]["invalid"].as_u64()),
        (Some(300_003), Some(1))
    );
    let piped = super::nps_with_stdin(&["score", "-", "-q", "-f", "json"], Some(long.as_bytes()));
    assert_eq!(piped.expect(0).json()["n"], 300_003, "{piped:?}");
    // A JSON array too.
    let array = format!("[{}]", text.lines().collect::<Vec<_>>().join(","));
    let (_e, path) = file("odd.json", &array);
    let run = nps(&["score", &path, "-q", "-f", "csv"]);
    assert!(run.expect(0).stdout.contains("\n3,33.3,"), "{run:?}");
}

#[test]
fn a_parquet_footer_announcing_more_than_it_holds_is_damaged_not_an_abort() {
    // Found by the `ingest` fuzz target: a list length in the footer made polars request
    // 136 GB and abort.
    let run = fuzz_parquet("crash-ff16db699d86c64c2c74f6eaff25616102f14194");
    run.expect(3);
    assert!(
        run.stderr.contains(
            "the Parquet file is damaged: its footer's metadata is damaged (a list announces \
             more items than there are bytes)"
        ),
        "{run:?}"
    );
}

#[test]
fn a_parquet_page_announcing_a_negative_count_is_damaged_not_an_abort() {
    // Found by the `ingest` fuzz target: a data page header announcing −5 values made polars
    // request 2⁶¹ bytes for its validity bitmap and abort.
    let run = fuzz_parquet("crash-995f90d13b44e7fed595be5a3bc563682a489a5f");
    run.expect(3);
    assert!(
        run.stderr.contains(
            "the Parquet file is damaged: a page is damaged (it announces -5 values in a column \
             chunk of 4)"
        ),
        "{run:?}"
    );
}

/// `nps score` on the Parquet file of a fuzz regression input (after its selector byte).
fn fuzz_parquet(name: &str) -> super::Run {
    let input = std::fs::read(
        super::root()
            .join("tests/fuzz/regressions/ingest")
            .join(name),
    )
    .unwrap();
    let (_dir, path) = super::crafted("crafted.parquet", &input[1..]);
    nps(&["score", &path])
}

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
