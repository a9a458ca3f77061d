//! The NDJSON pass: the skimmer against serde_json, and every line shape against the record pass.

use std::borrow::Cow;
use std::io::Write;

use proptest::prelude::*;

use super::{by_serde, skim::skim, Keys};
use crate::ingest::fast::tests::{agree, fixture};
use crate::ingest::fast::PLAN_FAILS;

/// The benchmark generator's columns (`tests/bench/generate.py`), plus one no line has.
const NAMES: [&str; 10] = [
    "response_id",
    "customer_id",
    "email",
    "submitted_at",
    "score",
    "plan",
    "country",
    "channel",
    "comment",
    "a\"b",
];

/// `segment --by plan` over a dated file: score, date and plan judged, the rest skipped.
fn keys() -> Keys<'static> {
    Keys::with(NAMES.into_iter(), [4, 3, 5, 9])
}

type Cells<'l> = Vec<Option<Cow<'l, str>>>;

/// The line's cells as the skimmer reads them, given the key order `order` learned before.
fn skimmed<'l>(line: &'l str, keys: &Keys, order: &mut Vec<usize>) -> Option<Cells<'l>> {
    let mut cells = vec![None; keys.judged];
    skim(line, keys, order, &mut cells).map(|()| cells)
}

/// The line's cells as serde_json reads them: what the skimmer must give when it answers.
fn by_serde_json<'l>(line: &'l str, keys: &Keys) -> Result<Cells<'l>, serde_json::Error> {
    let mut cells = vec![None; keys.judged];
    by_serde(line, keys, &mut cells).map(|()| cells)
}

/// Skim `line` with no order learned and with `order`: each answer must be serde_json's.
/// Whether the skimmer answered with no order learned.
fn skims_as_serde_json(line: &str, keys: &Keys, order: &mut Vec<usize>) -> bool {
    let fresh = skimmed(line, keys, &mut Vec::new());
    let learned = skimmed(line, keys, order);
    assert_eq!(
        fresh, learned,
        "{line:?}: the order learned changed the answer"
    );
    if let Some(cells) = &fresh {
        match by_serde_json(line, keys) {
            Ok(expected) => assert_eq!(cells, &expected, "{line:?}"),
            Err(e) => panic!("{line:?}: skimmed as {cells:?}, but serde_json says {e}"),
        }
    }
    fresh.is_some()
}

/// Lines exactly as the benchmark generator writes them: plain strings, integer or null
/// scores, escaped quotes and line breaks and non-ASCII letters in comments.
const GENERATED: [&str; 4] = [
    r#"{"response_id":"R000000000","customer_id":"C00258927","email":"user258927@example.com","submitted_at":"2025-01-06T05:52:35Z","score":10,"plan":"enterprise","country":"CH","channel":"in-app","comment":"Great product, would recommend"}"#,
    r#"{"response_id":"R000000005","customer_id":"C00246927","email":"user246927@example.com","submitted_at":"2025-01-15T17:44:43Z","score":6,"plan":"free","country":"DE","channel":"sms","comment":"Support said \"next week\", still waiting"}"#,
    r#"{"response_id":"R000000007","customer_id":"C00110317","email":"user110317@example.com","submitted_at":"2025-01-22T19:01:25Z","score":null,"plan":"enterprise","country":"US","channel":"in-app","comment":"Too expensive for what it does, honestly\nSecond line of the comment"}"#,
    r#"{"response_id":"R000000006","customer_id":"C00224410","email":"user224410@example.com","submitted_at":"2025-01-17T07:21:10Z","score":9,"plan":"pro","country":"CH","channel":"in-app","comment":"Très déçu, l'équipe n'a pas répondu"}"#,
];

#[test]
fn the_skimmer_reads_the_benchmark_lines() {
    let keys = keys();
    let mut order = Vec::new();
    for line in GENERATED {
        assert!(skims_as_serde_json(line, &keys, &mut order), "{line}");
        assert!(skimmed(line, &keys, &mut order).is_some(), "{line}");
    }
    // Once learned, the generator's key order is kept.
    assert_eq!(order, (0..9).collect::<Vec<_>>());
    let cells = skimmed(GENERATED[2], &keys, &mut order).unwrap();
    let cells: Vec<_> = cells.iter().map(|c| c.as_deref()).collect();
    assert_eq!(
        cells,
        [
            Some(""),
            Some("2025-01-22T19:01:25Z"),
            Some("enterprise"),
            None
        ]
    );
}

/// Values the skimmer must read as serde_json does, or leave to it.
const VALUES: &[&str] = &[
    "\"\"",
    "\"free\"",
    "\" spaced \"",
    "\"déçu\"",
    "\"a\\\"b\"",
    "\"a\\\\b\"",
    "\"a\\/b\"",
    "\"\\b\\f\\n\\r\\t\"",
    "\"\\u0041\"",
    "\"\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"\\x\"",
    "\"\\\"",
    "\"tab\there\"",
    "\"ctl\u{1}\"",
    "\"del\u{7f}\"",
    "\"open",
    "null",
    "true",
    "false",
    "nul",
    "nulll",
    "True",
    "0",
    "-0",
    "7",
    "10",
    "-12",
    "01",
    "-01",
    "1.",
    "1.5",
    "9.0",
    "-0.0",
    ".5",
    "-",
    "+1",
    "1e2",
    "1E+2",
    "1e400",
    "0x10",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "12345678901234567890123456789012",
    "123456789012345678901234567890123",
    "[]",
    "[1,{\"a\":2}]",
    "[\"x\"",
    "{}",
    "{\"a\":1}",
    "",
    "NaN",
];

/// Keys: judged, skipped, unknown, escaped, empty, and one whose name needs escaping.
const KEYS: &[&str] = &[
    "\"score\"",
    "\"plan\"",
    "\"submitted_at\"",
    "\"comment\"",
    "\"email\"",
    "\"other\"",
    "\"sc\\u006fre\"",
    "\"pl\\\"an\"",
    "\"\"",
    "\"a\\\"b\"",
    "\"a\"b\"",
    "\"scor\"",
    "\"scores\"",
    "\"score",
    "\"score_",
    "score",
];

const SPACE: &[&str] = &["", "", "", " ", "  ", "\t", "\r", "\n", "\u{a0}", "\u{c}"];

fn json_string(text: String) -> String {
    serde_json::to_string(&text).unwrap_or_default()
}

/// A value from the table, or an arbitrary number or string, escaped or raw.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(str::to_string),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| format!("{n:e}")),
        1 => any::<String>().prop_map(json_string),
        1 => any::<String>().prop_map(|s| format!("\"{s}\"")),
    ]
}

/// An object line from the tables, with arbitrary whitespace, maybe broken by one edit.
fn line() -> impl Strategy<Value = String> {
    let space = || prop::sample::select(SPACE);
    let member = (
        prop::sample::select(KEYS),
        space(),
        prop::sample::select(&[":", ":", ":", "", "::", ","][..]),
        space(),
        value(),
    )
        .prop_map(|(k, s1, colon, s2, v)| format!("{k}{s1}{colon}{s2}{v}"));
    let members = prop::collection::vec((member, space(), space()), 0..8);
    let end = prop::sample::select(&["", "", "", " ", "\r", "x", "}", ",", "{}"][..]);
    let edit = prop::option::weighted(
        0.2,
        (any::<prop::sample::Index>(), any::<char>(), any::<bool>()),
    );
    (space(), members, space(), end, edit).prop_map(|(lead, members, close, end, edit)| {
        let members: Vec<String> = (members.into_iter())
            .map(|(m, before, after)| format!("{before}{m}{after}"))
            .collect();
        let mut line = format!("{lead}{{{}{close}}}{end}", members.join(","));
        if let Some((at, c, insert)) = edit {
            let boundaries: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
            if !boundaries.is_empty() {
                let at = boundaries[at.index(boundaries.len())];
                if insert {
                    line.insert(at, c);
                } else {
                    line.remove(at);
                }
            }
        }
        line
    })
}

#[test]
fn the_skimmer_answers_as_serde_json_on_every_table_value() {
    let keys = keys();
    let mut order = Vec::new();
    let mut answered = 0;
    // Numbers serde_json reads as floats beyond f64's range, or as tiny ones.
    let long = ["9".repeat(400), format!("0.{}1", "0".repeat(400))];
    let values = VALUES
        .iter()
        .copied()
        .chain(long.iter().map(String::as_str));
    for key in KEYS {
        for value in values.clone() {
            for line in [
                format!("{{{key}:{value}}}"),
                format!("{{\"score\":7,{key}:{value},\"plan\":\"pro\"}}"),
                format!(" {{ {key} : {value} , \"plan\" : null }} "),
                format!("{{{key}:{value},{key}:\"again\"}}"),
            ] {
                answered += usize::from(skims_as_serde_json(&line, &keys, &mut order));
            }
        }
    }
    // Not vacuous: plain keys and values are read without serde_json.
    assert!(answered > 300, "{answered}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn skimmed_lines_are_what_serde_json_reads(lines in prop::collection::vec(line(), 1..6)) {
        let keys = keys();
        let mut order = Vec::new();
        for line in &lines {
            skims_as_serde_json(line, &keys, &mut order);
        }
    }
}

/// Response `i` of a varied file as one JSON object, `gap` before each key (`""` on one line):
/// escaped strings, brackets inside strings, numbers written 9.0, nulls, booleans, arrays in
/// columns nobody judges, invalid scores.
pub(in crate::ingest::fast) fn varied_object(i: usize, gap: &str) -> String {
    let score = match i % 13 {
        5 => "null".to_string(),
        6 => "\"\"".to_string(),
        7 => "11".to_string(),
        8 => "\"ten\"".to_string(),
        9 => "9.0".to_string(),
        k => (k % 11).to_string(),
    };
    let plan = [
        "\"free\"",
        "\"p]r{o\"",
        "\"en\\u0074erprise\"",
        "null",
        "true",
    ][i % 5];
    let end = if gap.is_empty() { "" } else { "\n  " };
    format!(
        "{{{gap}\"id\": \"R{i}\",{gap}\"score\": {score},{gap}\"plan\": {plan},{gap}\"submitted_at\": \"2025-{:02}-03T10:00:00Z\",{gap}\"tags\": [{{\"a\": 1}}, 2],{gap}\"comment\": \"say \\\"hi\\\" [ok]\"{end}}}",
        1 + i % 12,
    )
}

#[test]
fn ndjson_reads_the_same_both_ways() {
    let declined = agree(&fixture("formats/responses.ndjson"));
    assert!(
        declined.iter().all(|(_, why)| why.contains("slash")
            || why.contains("strict")
            // No channel or weight column: the record pass's error (see `agree`).
            || *why == PLAN_FAILS),
        "{declined:?}"
    );
    // Many 4 KiB test chunks: escaped strings, numbers written 9.0, nulls, booleans,
    // arrays in columns nobody judges, blank lines, CRLF line ends, invalid scores.
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&varied_object(i, ""));
        text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
        if i % 101 == 0 {
            text.push_str("  \n");
        }
    }
    let mut file = tempfile::Builder::new()
        .suffix(".ndjson")
        .tempfile()
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let declined: Vec<&str> = agree(file.path())
        .iter()
        .filter(|d| d.1 != PLAN_FAILS)
        .map(|d| d.0)
        .collect();
    // Only --strict: the file has invalid scores, whose line the record pass names. (Plans
    // that fail, for a column the file lacks, are the record pass's errors: see `agree`.)
    assert_eq!(declined, ["strict"]);
    // A nested object is flattened by the record pass from the whole file: declined.
    let mut nested = tempfile::Builder::new()
        .suffix(".ndjson")
        .tempfile()
        .unwrap();
    nested
        .write_all(b"{\"score\":9,\"person\":{\"email\":\"a@b.c\"}}\n{\"score\":3}\n")
        .unwrap();
    assert!(agree(nested.path()).iter().any(|d| d.0 == "score"));
}
