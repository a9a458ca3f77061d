//! The `--min` gate's exit codes, and bad input: exit 3 with a message naming the file, row and
//! fix, invalid scores set aside with their lines.

use super::*;

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
