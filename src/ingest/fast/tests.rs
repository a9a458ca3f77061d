//! The counted passes against the record pass: every fixture, under every option set, must read
//! the same both ways (report, accounting, dates, counts, errors) or be declined.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{scan, GroupKey, NotFast, CHUNK};
use crate::cli::{Dedupe, Where};
use crate::ingest::accounting::EXAMPLES;
use crate::ingest::dates::DayOrder;
use crate::ingest::options::Options;
use crate::ingest::record_pass::record_scan;
use crate::ingest::report::{FileData, GroupRow, SourceReport};

pub(super) fn options(path: &Path) -> Options {
    Options::defaults_for(path)
}

/// The option sets every file is read with.
pub(super) fn variants(path: &Path) -> Vec<(&'static str, Options)> {
    let base = options(path);
    let with = |f: &dyn Fn(&mut Options)| {
        let mut o = base.clone();
        f(&mut o);
        o
    };
    vec![
        ("score", base.clone()),
        ("by plan", with(&|o| o.keep = vec!["plan".into()])),
        (
            "by plan,channel",
            with(&|o| o.keep = vec!["plan,channel".into()]),
        ),
        ("days", with(&|o| o.need_dates = true)),
        (
            "days by plan, February",
            with(&|o| {
                o.need_dates = true;
                o.keep = vec!["plan".into()];
                o.since = NaiveDate::from_ymd_opt(2025, 2, 1);
                o.until = NaiveDate::from_ymd_opt(2025, 2, 28);
            }),
        ),
        (
            "where plan != pro",
            with(&|o| {
                o.filters = vec![Where {
                    column: "plan".into(),
                    negate: true,
                    value: "pro".into(),
                }]
            }),
        ),
        ("strict", with(&|o| o.strict = true)),
        (
            "dedupe latest, by plan",
            with(&|o| {
                o.dedupe = Some(Dedupe::Latest);
                o.keep = vec!["plan".into()];
            }),
        ),
        ("weight", with(&|o| o.weight = Some("weight".into()))),
        ("ids", with(&|o| o.need_ids = true)),
        (
            "dmy days",
            with(&|o| {
                o.need_dates = true;
                o.date_order = Some(DayOrder::Dmy);
            }),
        ),
        (
            "Paris days",
            with(&|o| {
                o.need_dates = true;
                o.tz = chrono_tz::Europe::Paris;
            }),
        ),
    ]
}

/// The record pass's rows as the groups the parallel pass produces.
pub(super) fn grouped(data: &FileData, with_days: bool) -> Vec<GroupRow> {
    let mut groups: HashMap<(GroupKey, u8), u64> = HashMap::new();
    for (row, &score) in data.scores.iter().enumerate() {
        let kept = data.kept.iter().map(|c| c[row].clone()).collect();
        let day = data
            .days
            .as_ref()
            .and_then(|d| d[row])
            .filter(|_| with_days);
        *groups.entry(((kept, day), score)).or_default() += 1;
    }
    let mut out: Vec<GroupRow> = groups
        .into_iter()
        .map(|(((kept, day), score), count)| GroupRow {
            kept,
            day,
            score,
            count,
        })
        .collect();
    out.extend(data.groups.iter().cloned());
    out.sort();
    out
}

/// The responses kept one by one (`--dedupe`, `--weight`, `--paired`) must be the same, in input
/// order.
pub(super) fn same_responses(data: &FileData, expected: &FileData, context: &str) {
    assert_eq!(data.scores, expected.scores, "{context}: scores");
    assert_eq!(data.kept, expected.kept, "{context}: carried cells");
    assert_eq!(data.days, expected.days, "{context}: days");
    assert_eq!(data.ids, expected.ids, "{context}: ids");
    assert_eq!(data.weights, expected.weights, "{context}: weights");
}

pub(super) fn without_pass(report: &SourceReport) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap();
    value.as_object_mut().unwrap().remove("pass");
    value
}

/// Read `path` both ways under every variant: the parallel pass must answer exactly what the
/// record pass answers (report, accounting, dates, counts, errors) or decline. Returns the
/// variants it declined, and why.
pub(super) fn agree(path: &Path) -> Vec<(&'static str, NotFast)> {
    let mut declined = Vec::new();
    for (variant, o) in variants(path) {
        let context = format!("{} / {variant}", path.display());
        let records = record_scan(&o, path, true, "");
        match (scan(&o, path), records) {
            // A plan that fails is left to the record pass, which must then fail.
            (Ok(Err(why)), Ok(_)) if why == super::PLAN_FAILS => {
                panic!("{context}: the plan failed, but not the record pass's")
            }
            (Ok(Err(why)), _) => declined.push((variant, why)),
            (Ok(Ok((report, data))), Ok((expected, expected_data))) => {
                assert_eq!(without_pass(&report), without_pass(&expected), "{context}");
                assert_eq!(
                    grouped(&data, o.need_dates),
                    grouped(&expected_data, o.need_dates),
                    "{context}"
                );
                assert_eq!(data.key_names, expected_data.key_names, "{context}");
                if o.dedupe.is_some() || o.weight.is_some() || o.need_ids {
                    same_responses(&data, &expected_data, &context);
                }
            }
            (Err(e), Err(expected)) => {
                assert_eq!(e.to_string(), expected.to_string(), "{context}");
            }
            (Ok(Ok(_)), Err(e)) => panic!("{context}: only the record pass failed: {e}"),
            (Err(e), Ok(_)) => panic!("{context}: only the parallel pass failed: {e}"),
        }
    }
    declined
}

pub(super) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn every_fixture_reads_the_same_both_ways() {
    let (mut variants_read, mut declined) = (0, 0);
    for dir in ["", "formats", "presets", "bad", "dates", "paired"] {
        for entry in std::fs::read_dir(fixture(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                variants_read += variants(&path).len();
                declined += agree(&path).len();
            }
        }
    }
    // Not a vacuous check: most of those variants were answered by the parallel pass.
    assert!(
        declined * 2 < variants_read,
        "{declined} of {variants_read} declined"
    );
}

#[test]
fn the_common_exports_take_the_parallel_pass() {
    for name in [
        "example.csv",
        "formats/responses.csv",
        "formats/responses.tsv",
        "formats/responses_semicolon_bom.csv",
        "presets/qualtrics_nps.csv",
    ] {
        let path = fixture(name);
        let o = options(&path);
        assert!(matches!(scan(&o, &path), Ok(Ok(_))), "{name} was declined");
    }
}

fn write(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

/// A long file (many 4 KiB test chunks) with quoted line breaks, doubled quotes, CRLF and
/// blank lines, invalid scores and unreadable dates.
fn tricky(rows: usize, line_end: &str) -> String {
    let mut out = format!("id,submitted_at,score,plan,channel,comment{line_end}");
    for i in 0..rows {
        let score = match i % 13 {
            5 => String::new(),
            7 => "11".into(),
            9 => "ten".into(),
            k => (k % 11).to_string(),
        };
        let date = match i % 17 {
            3 => String::new(),
            4 => "soon".into(),
            k => format!(
                "2025-{:02}-{:02}T{:02}:30:00Z",
                1 + k % 12,
                1 + i % 28,
                i % 24
            ),
        };
        let comment = match i % 5 {
            0 => format!("\"line one{line_end}line \"\"two\"\"\""),
            1 => "\"a, b\"".into(),
            2 => String::new(),
            _ => "plain".into(),
        };
        let plan = ["free", "pro", " enterprise ", ""][i % 4];
        out.push_str(&format!(
            "R{i},{date},{score},{plan},web,{comment}{line_end}"
        ));
        if i % 97 == 0 {
            out.push_str(line_end); // a blank line
        }
    }
    out
}

#[test]
fn quoted_line_breaks_across_chunk_boundaries_read_the_same() {
    for line_end in ["\n", "\r\n", "\r"] {
        let file = write(&tricky(3000, line_end));
        assert!(file.as_file().metadata().unwrap().len() > 20 * CHUNK as u64);
        // Only --strict is declined: the file has invalid scores, whose line the record pass
        // names in its error.
        let declined: Vec<&str> = agree(file.path()).iter().map(|d| d.0).collect();
        assert_eq!(declined, ["strict"]);
        let o = options(file.path());
        let (report, _) = scan(&o, file.path()).unwrap().unwrap();
        // By construction: 3000 rows; i % 13 == 5 blank (231 rows), 7 and 9 invalid (462).
        assert_eq!(report.rows.read, 3000);
        assert_eq!(report.rows.blank, 231);
        assert_eq!(report.rows.invalid, 462);
        assert_eq!(report.rows.invalid_examples.len(), EXAMPLES);
    }
}

/// A one-column export (finding F11): empty lines are blank answers, also in runs, before the
/// header (not counted: no record has begun), inside quoted fields and at the end; invalid
/// cells. Returns the text, the rows read and the blanks.
pub(super) fn one_column(rows: usize, line_end: &str, final_end: bool) -> (String, u64, u64) {
    let mut out = format!("{line_end}{line_end}score{line_end}");
    let (mut read, mut blank) = (0, 0);
    for i in 0..rows {
        if i % 7 == 0 {
            for _ in 0..1 + i % 3 {
                out.push_str(line_end);
                read += 1;
                blank += 1;
            }
        }
        let cell = match i % 11 {
            3 => "ten".to_string(),
            5 => format!("\"1{line_end}{line_end}2\""),
            k => k.to_string(),
        };
        out.push_str(&cell);
        read += 1;
        if final_end || i + 1 < rows {
            out.push_str(line_end);
        }
    }
    (out, read, blank)
}

#[test]
fn empty_lines_of_a_one_column_file_are_blank_answers_both_ways() {
    for line_end in ["\n", "\r\n", "\r"] {
        for final_end in [true, false] {
            let (text, read, blank) = one_column(12_000, line_end, final_end);
            let file = write(&text);
            assert!(text.len() > 4 * CHUNK, "{}", text.len());
            // Only --strict is declined (invalid scores); the other variants name columns the
            // file lacks, an error both ways, or read the same.
            let declined: Vec<&str> = agree(file.path()).iter().map(|d| d.0).collect();
            assert_eq!(declined, ["strict"], "{line_end:?}");
            let (report, _) = scan(&options(file.path()), file.path()).unwrap().unwrap();
            assert_eq!(report.rows.read, read, "{line_end:?}");
            assert_eq!(report.rows.blank, blank, "{line_end:?}");
        }
    }
    // The finding's file, and a file of one empty answer.
    for (text, read, blank) in [("score\n9\n\n3\n\n10\n", 5, 2), ("score\n\n", 1, 1)] {
        let file = write(text);
        let (report, _) = record_scan(&options(file.path()), file.path(), true, "").unwrap();
        assert_eq!(
            (report.rows.read, report.rows.blank),
            (read, blank),
            "{text:?}"
        );
        agree(file.path());
    }
}

#[test]
fn iso_timestamps_read_the_same_both_ways() {
    // Month ends, leap days, impossible days and months, in an order that changes month
    // between rows and keeps it across rows.
    let mut text = String::from("score,submitted_at,plan\n");
    for year in [1900, 1999, 2000, 2023, 2024, 2100] {
        for month in 0..=13 {
            for day in (0..=32).chain([31, 29, 1]) {
                let score = (year + month + day) % 11;
                text.push_str(&format!(
                    "{score},{year:04}-{month:02}-{day:02}T23:59:59Z,pro\n"
                ));
            }
        }
    }
    let file = write(&text);
    let declined: Vec<&str> = agree(file.path()).iter().map(|d| d.0).collect();
    assert!(declined.is_empty(), "{declined:?}");
    let mut o = options(file.path());
    o.need_dates = true;
    let (report, _) = scan(&o, file.path()).unwrap().unwrap();
    let dates = report.dates.unwrap();
    assert!(dates.dated > 0 && dates.invalid > 0, "{dates:?}");
}

#[test]
fn irregular_text_is_left_to_the_record_pass() {
    for (content, why) in [
        ("id,score\n1,9\n2,5 \"x\"\n", "a quote inside a field"),
        ("id,score\n1,\"9\"x\n", "a quote inside a field"),
        ("id,score\n1,9\n2,3,4\n", "number of fields"),
        ("id,score\n1,9\n2,\"3\n", "never closed"),
        ("id,score\n1,9\n2,\u{0}\n", "UTF-8"),
    ] {
        let file = write(content);
        let o = options(file.path());
        match scan(&o, file.path()) {
            Ok(Err(reason)) => assert!(reason.contains(why), "{content:?}: {reason}"),
            Ok(Ok(_)) => panic!("{content:?} was read by the parallel pass"),
            Err(e) => panic!("{content:?}: {e}"),
        }
        agree(file.path());
    }
    let mut latin1 = write("id,score,comment\n1,9,");
    latin1.write_all(b"caf\xe9\n").unwrap();
    assert!(matches!(
        scan(&options(latin1.path()), latin1.path()),
        Ok(Err(_))
    ));
    agree(latin1.path());
}
