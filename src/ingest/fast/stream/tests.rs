//! The streaming pass against the record pass: every fixture, plain and compressed, under every
//! option set; inputs larger than the first block, cut at every block boundary, with every line
//! end; what it must refuse, and in how much memory.

use std::io::Write;
use std::path::Path;

use super::{scan, Streamed, BLOCK, HELD};
use crate::error::Error;
use crate::ingest::fast::tests::{
    fixture, grouped, one_column, options, same_responses, variants, without_pass,
};
use crate::ingest::options::Options;
use crate::ingest::record_pass::{record_read, record_scan};
use crate::ingest::report::{FileData, SourceReport};

/// The stream's answer, with the record pass reading what a declining stream hands over.
fn stream(o: &Options, path: &Path) -> Result<(SourceReport, FileData, bool), Error> {
    match scan(o, path, &|_, _| {})? {
        Streamed::Done(done) => Ok((done.0, done.1, true)),
        Streamed::Declined(why, raw) => {
            let (report, data) = record_read(o, raw, true, why)?;
            Ok((report, data, false))
        }
    }
}

/// The report as compared: where and how it was read aside.
fn comparable(report: &SourceReport) -> serde_json::Value {
    let mut value = without_pass(report);
    let object = value.as_object_mut().unwrap();
    object.remove("file");
    object.remove("compression");
    for example in ["invalid_examples"] {
        if let Some(rows) = object.get_mut("rows").and_then(|r| r.as_object_mut()) {
            for e in rows
                .get_mut(example)
                .and_then(|e| e.as_array_mut())
                .into_iter()
                .flatten()
            {
                e.as_object_mut().unwrap().remove("file");
            }
        }
    }
    if let Some(dates) = object.get_mut("dates").and_then(|d| d.as_object_mut()) {
        for e in dates
            .get_mut("invalid_examples")
            .and_then(|e| e.as_array_mut())
            .into_iter()
            .flatten()
        {
            e.as_object_mut().unwrap().remove("file");
        }
    }
    value
}

/// Error messages as compared: the input's name aside.
fn message(e: &Error, name: &str) -> String {
    e.to_string().replace(name, "INPUT")
}

/// Read `original` with the record pass and `streamed` (the same text, perhaps compressed) with
/// the stream, under every option set: the same report, counts and errors. Returns how many
/// option sets the stream declined.
fn agree(original: &Path, streamed: &Path) -> usize {
    let mut declined = 0;
    for (variant, o) in variants(original) {
        let context = format!("{} / {variant}", streamed.display());
        let mut so = o.clone();
        so.files = vec![streamed.to_path_buf()];
        match (stream(&so, streamed), record_scan(&o, original, true, "")) {
            (Ok((report, data, done)), Ok((expected, expected_data))) => {
                assert_eq!(comparable(&report), comparable(&expected), "{context}");
                assert_eq!(
                    grouped(&data, o.need_dates),
                    grouped(&expected_data, o.need_dates),
                    "{context}"
                );
                if o.dedupe.is_some() || o.weight.is_some() || o.need_ids {
                    same_responses(&data, &expected_data, &context);
                }
                declined += usize::from(!done);
            }
            (Err(e), Err(expected)) => assert_eq!(
                message(&e, &streamed.display().to_string()),
                message(&expected, &original.display().to_string()),
                "{context}"
            ),
            (Ok(_), Err(e)) => panic!("{context}: only the record pass failed: {e}"),
            (Err(e), Ok(_)) => panic!("{context}: only the stream failed: {e}"),
        }
    }
    declined
}

fn temp(suffix: &str, bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 1).unwrap()
}

#[test]
fn every_fixture_streams_as_the_record_pass_reads_it() {
    let (mut declined, mut read) = (0, 0);
    for dir in ["", "formats", "presets", "bad", "dates", "paired"] {
        for entry in std::fs::read_dir(fixture(dir)).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".gz") || name.ends_with(".zst") {
                declined += agree(&path, &path);
                read += variants(&path).len();
                continue;
            }
            for form in [gzip(&bytes), zstd(&bytes)] {
                let compressed = temp(&format!("-{name}"), &form);
                declined += agree(&path, compressed.path());
                read += variants(&path).len();
            }
        }
    }
    // Not a vacuous check: most option sets were counted by the stream itself, or failed as the
    // record pass fails (JSON, NDJSON and Parquet are declined: read whole).
    assert!(declined * 2 < read, "{declined} of {read} declined");
}

/// A delimited export longer than the first block: quoted line breaks and doubled quotes, blank
/// lines, blank, invalid and unreadable cells, `line_end` between records.
fn long(rows: usize, line_end: &str) -> String {
    let mut out = format!("id,submitted_at,score,plan,comment{line_end}");
    for i in 0..rows {
        let score = match i % 13 {
            5 => String::new(),
            7 => "11".into(),
            k => (k % 11).to_string(),
        };
        let date = match i % 17 {
            3 => String::new(),
            4 => "soon".into(),
            k => format!("2025-{:02}-{:02}T10:00:00Z", 1 + k % 12, 1 + i % 28),
        };
        let comment = match i % 5 {
            0 => format!("\"line one{line_end}line \"\"two\"\", très bien\""),
            1 => "\"a, b\"".into(),
            _ => "plain".into(),
        };
        let plan = ["free", "pro", " enterprise ", ""][i % 4];
        out.push_str(&format!("R{i},{date},{score},{plan},{comment}{line_end}"));
        if i % 97 == 0 {
            out.push_str(line_end);
        }
    }
    out
}

#[test]
fn records_cut_at_every_block_boundary_read_the_same_for_every_line_end() {
    for line_end in ["\n", "\r\n", "\r"] {
        let text = long(60_000, line_end);
        assert!(text.len() > (1 << 20) + 100 * BLOCK, "{}", text.len());
        let original = temp(".csv", text.as_bytes());
        let compressed = temp(".csv.gz", &gzip(text.as_bytes()));
        let mut o = options(original.path());
        o.need_dates = true;
        o.keep = vec!["plan".into()];
        let (report, data, done) = stream(
            &{
                let mut so = o.clone();
                so.files = vec![compressed.path().to_path_buf()];
                so
            },
            compressed.path(),
        )
        .unwrap();
        assert!(done, "declined");
        assert_eq!(report.pass, "stream");
        let (expected, expected_data) = record_scan(&o, original.path(), true, "").unwrap();
        assert_eq!(comparable(&report), comparable(&expected), "{line_end:?}");
        assert_eq!(grouped(&data, true), grouped(&expected_data, true));
        // By construction: 60,000 rows; i % 13 == 5 blank (4,615 rows), == 7 invalid (4,615).
        assert_eq!(report.rows.read, 60_000);
        assert_eq!(report.rows.blank, 4_615);
        assert_eq!(report.rows.invalid, 4_615);
    }
}

#[test]
fn empty_lines_of_a_one_column_stream_are_blank_answers() {
    // Finding F11, past the first block, at every block boundary, in chunks and (after a quote
    // inside a field) record by record.
    for line_end in ["\n", "\r\n", "\r"] {
        let (text, read, blank) = one_column(500_000, line_end, true);
        assert!(text.len() > (1 << 20) + 20 * BLOCK, "{}", text.len());
        let cut = text.len() - text.len() / 4;
        let cut = cut + text[cut..].find(line_end).unwrap() + line_end.len();
        let irregular = format!("{}9 \"x\"{line_end}{}", &text[..cut], &text[cut..]);
        for (text, slowly) in [(text, false), (irregular, true)] {
            let original = temp(".csv", text.as_bytes());
            let compressed = temp(".csv.gz", &gzip(text.as_bytes()));
            let o = options(original.path());
            let mut so = o.clone();
            so.files = vec![compressed.path().to_path_buf()];
            let (report, data, done) = stream(&so, compressed.path()).unwrap();
            assert!(done, "declined");
            assert_eq!(
                report.pass.starts_with("stream, record by record"),
                slowly,
                "{}",
                report.pass
            );
            let (expected, expected_data) = record_scan(&o, original.path(), true, "").unwrap();
            assert_eq!(
                comparable(&report)["rows"],
                comparable(&expected)["rows"],
                "{line_end:?} {slowly}"
            );
            assert_eq!(comparable(&report), comparable(&expected), "{line_end:?}");
            assert_eq!(grouped(&data, false), grouped(&expected_data, false));
            assert_eq!(report.rows.read, read + u64::from(slowly), "{line_end:?}");
            assert_eq!(report.rows.blank, blank, "{line_end:?}");
        }
    }
}

#[test]
fn memory_holds_a_few_blocks_whatever_the_expansion() {
    // 24 MB of answers that gzip to about a thousandth of that: a decompression bomb. (Two-byte
    // rows repeat at a distance deflate codes without extra bits, its best ratio.)
    let rows = 12_000_000;
    let mut text = String::with_capacity(2 * rows + 8);
    text.push_str("score\n");
    for _ in 0..rows {
        text.push_str("9\n");
    }
    let packed = {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    assert!(packed.len() * 1000 < text.len(), "{} bytes", packed.len());
    drop(text);
    let bomb = temp(".csv.gz", &packed);
    HELD.with(|h| h.set(0));
    let (report, _, done) = stream(&options(bomb.path()), bomb.path()).unwrap();
    assert!(done);
    assert_eq!(report.rows.used, rows as u64);
    // The pass's own accounting of the text it held at once: the first block (detection reads
    // at least 1 MiB) and then a few test blocks of 16 KiB, never the 24 MB.
    let held = HELD.with(|h| h.get());
    assert!(held < (1 << 20) + 4 * BLOCK, "held {held} bytes");
}

/// `long` with one `line` put in before record `at` (past the first block).
fn with_line(at: usize, line: &str) -> String {
    let text = long(40_000, "\n");
    let before = text.find(&format!("\nR{at},")).unwrap() + 1;
    format!("{}{line}{}", &text[..before], &text[before..])
}

#[test]
fn after_the_first_block_irregular_quotes_are_read_record_by_record() {
    // A quote inside an unquoted field, and text after a closing quote: the csv crate reads both.
    let text = with_line(30_000, "R-x,2025-03-01T10:00:00Z,9 \"quoted\",pro,\"a\"b\n");
    let original = temp(".csv", text.as_bytes());
    let compressed = temp(".csv.zst", &zstd(text.as_bytes()));
    let o = options(original.path());
    let mut so = o.clone();
    so.files = vec![compressed.path().to_path_buf()];
    let (report, data, done) = stream(&so, compressed.path()).unwrap();
    assert!(done);
    assert!(
        report
            .pass
            .starts_with("stream, record by record from line "),
        "{}",
        report.pass
    );
    let (expected, expected_data) = record_scan(&o, original.path(), true, "").unwrap();
    assert_eq!(comparable(&report), comparable(&expected));
    assert_eq!(grouped(&data, false), grouped(&expected_data, false));
}

#[test]
fn after_the_first_block_errors_are_the_record_pass_errors() {
    for (line, strict) in [
        ("R-x,2025-03-01T10:00:00Z,9,pro\n", false), // a field short
        ("R-x,2025-03-01T10:00:00Z,9,pro,a,b\n", false), // a field long
        ("R-x,2025-03-01T10:00:00Z,12,pro,\"fine\"\n", true), // invalid under --strict
        ("R-x,2025-03-01T10:00:00Z,9,pro,\"never closed\n", false), // a quote never closed
    ] {
        let text = with_line(30_000, line);
        let original = temp(".csv", text.as_bytes());
        let compressed = temp(".csv.gz", &gzip(text.as_bytes()));
        let mut o = options(original.path());
        o.strict = strict;
        let expected = record_scan(&o, original.path(), true, "").unwrap_err();
        let mut so = o.clone();
        so.files = vec![compressed.path().to_path_buf()];
        let Err(e) = stream(&so, compressed.path()) else {
            panic!("{line:?}: the stream answered");
        };
        assert_eq!(
            message(&e, &compressed.path().display().to_string()),
            message(&expected, &original.path().display().to_string()),
            "{line:?}"
        );
        assert_eq!(e.exit_code(), 3);
    }
}

#[test]
fn a_stream_that_stops_being_utf8_reads_on_as_windows_1252_while_all_before_was_ascii() {
    let mut ascii = long(40_000, "\n").replace("très", "tres").into_bytes();
    ascii.extend_from_slice(b"R-x,2025-03-01T10:00:00Z,9,pro,caf\xe9\n");
    let original = temp(".csv", &ascii);
    let compressed = temp(".csv.gz", &gzip(&ascii));
    let o = options(original.path());
    let mut so = o.clone();
    so.files = vec![compressed.path().to_path_buf()];
    let (report, _, done) = stream(&so, compressed.path()).unwrap();
    assert!(done);
    let (expected, _) = record_scan(&o, original.path(), true, "").unwrap();
    assert_eq!(comparable(&report), comparable(&expected));
    assert_eq!(report.encoding.as_ref().unwrap().name, "windows-1252");

    // After accented UTF-8, the stream cannot take back what it read: an error naming the line.
    let mut mixed = long(40_000, "\n").into_bytes();
    mixed.extend_from_slice(b"R-x,2025-03-01T10:00:00Z,9,pro,caf\xe9\n");
    let compressed = temp(".csv.gz", &gzip(&mixed));
    let e = stream(&options(compressed.path()), compressed.path()).unwrap_err();
    assert!(e.to_string().contains("--encoding windows-1252"), "{e}");
    assert!(e.to_string().contains(", line "), "{e}");
}

#[test]
fn damaged_streams_are_errors_naming_the_input() {
    let text = long(40_000, "\n");
    let mut cut = gzip(text.as_bytes());
    cut.truncate(cut.len() / 2);
    let truncated = temp(".csv.gz", &cut);
    let e = stream(&options(truncated.path()), truncated.path()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&truncated.path().display().to_string()),
        "{e}"
    );
    assert_eq!(e.exit_code(), 3);

    let mut packed = zstd(text.as_bytes());
    let middle = packed.len() / 2;
    for b in &mut packed[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let corrupt = temp(".csv.zst", &packed);
    let e = stream(&options(corrupt.path()), corrupt.path()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&corrupt.path().display().to_string()),
        "{e}"
    );
    assert_eq!(e.exit_code(), 3);
}

/// An NDJSON export longer than the first block, with blank, invalid and unreadable cells, blank
/// lines and CRLF line ends; `extra` put in before line `at` (1-based).
fn long_ndjson(rows: usize, at: usize, extra: &str) -> String {
    let mut out = String::new();
    for i in 0..rows {
        if i + 1 == at {
            out.push_str(extra);
        }
        let score = match i % 13 {
            5 => "null".to_string(),
            7 => "\"eleven\"".into(),
            k => (k % 11).to_string(),
        };
        let date = match i % 17 {
            4 => "\"soon\"".into(),
            k => format!("\"2025-{:02}-{:02}T10:00:00Z\"", 1 + k % 12, 1 + i % 28),
        };
        let plan = ["free", "pro", "enterprise"][i % 3];
        let end = if i % 7 == 0 { "\r\n" } else { "\n" };
        out.push_str(&format!(
            "{{\"id\":\"R{i}\",\"submitted_at\":{date},\"score\":{score},\"plan\":\"{plan}\",\"comment\":\"très \\\"bien\\\"\"}}{end}"
        ));
        if i % 101 == 0 {
            out.push('\n');
        }
    }
    out
}

#[test]
fn ndjson_streams_past_the_first_block_and_names_the_line_it_cannot_take() {
    let text = long_ndjson(30_000, 0, "");
    assert!(text.len() > (1 << 20) + 100 * BLOCK);
    let original = temp(".ndjson", text.as_bytes());
    let compressed = temp(".ndjson.gz", &gzip(text.as_bytes()));
    let mut o = options(original.path());
    o.need_dates = true;
    o.keep = vec!["plan".into()];
    let mut so = o.clone();
    so.files = vec![compressed.path().to_path_buf()];
    let (report, data, done) = stream(&so, compressed.path()).unwrap();
    assert!(done);
    assert_eq!(report.pass, "stream");
    let (expected, expected_data) = record_scan(&o, original.path(), true, "").unwrap();
    assert_eq!(comparable(&report), comparable(&expected));
    assert_eq!(grouped(&data, true), grouped(&expected_data, true));

    // Past the first block: a line that is not JSON is the record pass's error; a key the first
    // lines did not have is an error of its own (a file would gain a column).
    for (extra, same) in [
        ("{\"score\": 9,\n", true),
        ("{\"score\": 9, \"new\": 1}\n", false),
    ] {
        let text = long_ndjson(30_000, 25_000, extra);
        let original = temp(".ndjson", text.as_bytes());
        let compressed = temp(".ndjson.zst", &zstd(text.as_bytes()));
        let mut so = options(compressed.path());
        so.files = vec![compressed.path().to_path_buf()];
        let Err(e) = stream(&so, compressed.path()) else {
            panic!("{extra:?}: the stream answered");
        };
        assert_eq!(e.exit_code(), 3);
        if same {
            let expected =
                record_scan(&options(original.path()), original.path(), true, "").unwrap_err();
            assert_eq!(
                message(&e, &compressed.path().display().to_string()),
                message(&expected, &original.path().display().to_string())
            );
        } else {
            assert!(
                e.to_string()
                    .contains("a stream takes its columns from its first lines"),
                "{e}"
            );
        }
    }
}

#[test]
fn utf16_is_transcoded_block_by_block() {
    // Excel's "Unicode text": UTF-16LE with a byte-order mark, tab-separated, CRLF; characters
    // (and a surrogate pair) split across raw blocks.
    let text = long(30_000, "\r\n")
        .replace(',', "\t")
        .replace("très", "très 😀");
    for (bom, encode) in [
        (&[0xFF, 0xFE][..], u16::to_le_bytes as fn(u16) -> [u8; 2]),
        (&[0xFE, 0xFF][..], u16::to_be_bytes),
    ] {
        let bytes: Vec<u8> = bom
            .iter()
            .copied()
            .chain(text.encode_utf16().flat_map(encode))
            .collect();
        let original = temp(".tsv", &bytes);
        let mut o = options(original.path());
        o.keep = vec!["plan".into()];
        let (report, data, done) = stream(&o, original.path()).unwrap();
        assert!(done);
        assert_eq!(
            report.encoding.as_ref().unwrap().name.len(),
            "UTF-16LE".len()
        );
        let (expected, expected_data) = record_scan(&o, original.path(), true, "").unwrap();
        assert_eq!(comparable(&report), comparable(&expected));
        assert_eq!(grouped(&data, false), grouped(&expected_data, false));
        assert_eq!(report.rows.read, 30_000);
    }
}

#[test]
fn a_quote_that_never_closes_stops_the_stream_instead_of_holding_the_rest() {
    // Past the first block, a quote opened and never closed swallows more than the longest
    // record a stream holds (1 MiB in unit tests): an error naming the record's line.
    let mut text = long(40_000, "\n");
    let line = 1 + text.matches('\n').count();
    text.push_str("R-x,2025-03-01T10:00:00Z,9,pro,\"never closed\n");
    text.push_str(&"no quote here, just text\n".repeat(100_000));
    let compressed = temp(".csv.gz", &gzip(text.as_bytes()));
    let e = stream(&options(compressed.path()), compressed.path()).unwrap_err();
    let expected = format!(", line {line}: a record longer than 1 MiB starts here");
    assert!(e.to_string().contains(&expected), "{e}");
    assert_eq!(e.exit_code(), 3);
    HELD.with(|h| assert!(h.get() < 4 << 20, "held {}", h.get()));
}

#[test]
fn past_the_first_block_what_a_review_found_reads_as_the_file_reads() {
    let record_pass = |text: &[u8], strict: bool| {
        let original = temp(".csv", text);
        let mut o = options(original.path());
        o.strict = strict;
        let read = record_scan(&o, original.path(), true, "");
        (original, read)
    };
    let streamed = |text: &[u8], strict: bool| {
        let compressed = temp(".csv.gz", &gzip(text));
        let mut o = options(compressed.path());
        o.strict = strict;
        let read = stream(&o, compressed.path());
        (compressed, read)
    };
    let same_error = |text: &[u8], strict: bool| {
        let (original, expected) = record_pass(text, strict);
        let (compressed, got) = streamed(text, strict);
        let (Err(expected), Err(got)) = (expected, got) else {
            panic!("both must fail");
        };
        assert_eq!(
            message(&got, &compressed.path().display().to_string()),
            message(&expected, &original.path().display().to_string())
        );
    };
    // A quote opened in the last column of the last record, never closed, with no quote after
    // it: the file's error, not a count that loses the rows swallowed.
    let mut text = long(40_000, "\n");
    text.push_str("R-x,2025-03-01T10:00:00Z,9,pro,\"great product\n");
    text.push_str(&"R-y,2025-03-01T10:00:00Z,9,pro,fine\n".repeat(500));
    same_error(text.as_bytes(), false);

    // CRLF read record by record from block 2 on (a stray quote), then a ragged row far later:
    // its line is the file's (csv-core ends a record at the CR; blocks must not split CRLF).
    let text = long(60_000, "\r\n");
    let at = |i: usize| text.find(&format!("\r\nR{i},")).unwrap() + 2;
    let mut text = text.clone();
    let (early, late) = (at(30_000), at(55_000));
    text.insert_str(late, "R-z,2025-03-01T10:00:00Z,9,pro\r\n");
    text.insert_str(early, "R-x,2025-03-01T10:00:00Z,9,12\" pizza,fine\r\n");
    same_error(text.as_bytes(), false);

    // A single stray quote (which flips quote parity for the rest of the stream): the same
    // numbers as the file, read record by record.
    let mut text = long(60_000, "\n");
    let early = text.find("\nR30000,").unwrap() + 1;
    text.insert_str(early, "R-x,2025-03-01T10:00:00Z,9,12\" pizza,fine\n");
    let (_, expected) = record_pass(text.as_bytes(), false);
    let (_, got) = streamed(text.as_bytes(), false);
    let ((report, data, done), (expected, expected_data)) = (got.unwrap(), expected.unwrap());
    assert!(
        done && report.pass.contains("record by record"),
        "{}",
        report.pass
    );
    assert_eq!(comparable(&report), comparable(&expected));
    assert_eq!(grouped(&data, false), grouped(&expected_data, false));
}

#[test]
fn an_accented_header_is_not_ascii() {
    // The header is UTF-8 with an accent, the data ASCII, then a Windows-1252 byte: reading it
    // on as Windows-1252 would give the header another name than the file gets. An error.
    let mut text = long(40_000, "\n")
        .replace("très", "tres")
        .replacen("comment", "commentaire_été", 1)
        .into_bytes();
    text.extend_from_slice(b"R-x,2025-03-01T10:00:00Z,9,pro,caf\xe9\n");
    let compressed = temp(".csv.gz", &gzip(&text));
    let e = stream(&options(compressed.path()), compressed.path()).unwrap_err();
    assert!(e.to_string().contains("--encoding windows-1252"), "{e}");
}
