//! The JSON array pass: the element scanner on every shape, and whole arrays against the record
//! pass.

use std::io::Write;

use super::Elements;
use crate::ingest::fast::ndjson::tests::varied_object;
use crate::ingest::fast::tests::{agree, fixture};
use crate::ingest::fast::PLAN_FAILS;

/// The element texts the scanner finds, or why it declines.
fn elements(text: &str) -> Result<Vec<&str>, &'static str> {
    Elements::new(text.as_bytes())?
        .map(|span| span.map(|s| &text[s]))
        .collect()
}

#[test]
fn the_scanner_finds_each_object_whatever_its_strings_hold() {
    assert_eq!(elements("[]"), Ok(vec![]));
    assert_eq!(elements(" \n[ \r\n\t] \n"), Ok(vec![]));
    assert_eq!(
        elements("[{\"a\":1},{\"b\":[1,{\"c\":2}]}]"),
        Ok(vec!["{\"a\":1}", "{\"b\":[1,{\"c\":2}]}"])
    );
    // Brackets, braces, commas and escaped quotes inside strings are text.
    assert_eq!(
        elements(r#"[ {"a":"}],{\"[" } ,{"b":"\\"}]"#),
        Ok(vec![r#"{"a":"}],{\"[" }"#, r#"{"b":"\\"}"#])
    );
    // Pretty-printed, as `json.dump(indent=2)` writes it.
    let pretty = "[\n  {\n    \"score\": 9\n  },\n  {\n    \"score\": 3\n  }\n]\n";
    assert_eq!(
        elements(pretty),
        Ok(vec!["{\n    \"score\": 9\n  }", "{\n    \"score\": 3\n  }"])
    );
}

#[test]
fn the_scanner_declines_what_is_not_an_array_of_objects() {
    for text in [
        "{\"score\":9}",
        "",
        "[9,10]",
        "[{\"a\":1},]",
        "[{\"a\":1} {\"a\":2}]",
        "[{\"a\":1}] x",
        "[{\"a\":1}][]",
        "[{\"a\":\"open}]",
        "[{\"a\":1}",
        "[{\"a\":\"\\",
        "[,{\"a\":1}]",
    ] {
        assert!(elements(text).is_err(), "{text:?}");
    }
}

/// `n` responses as a JSON array, one element per line or pretty-printed (see `varied_object`).
fn responses(n: usize, pretty: bool) -> String {
    let mut text = String::from("[");
    for i in 0..n {
        text.push_str(if i == 0 { "\n  " } else { ",\n  " });
        text.push_str(&varied_object(i, if pretty { "\n    " } else { "" }));
    }
    text.push_str("\n]\n");
    text
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[test]
fn arrays_read_the_same_both_ways() {
    let declined = agree(&fixture("formats/responses.json"));
    assert!(
        declined.iter().all(|(_, why)| why.contains("slash")
            || why.contains("strict")
            // No channel or weight column: the record pass's error (see `agree`).
            || *why == PLAN_FAILS),
        "{declined:?}"
    );
    // Many 4 KiB test chunks, both layouts.
    for pretty in [false, true] {
        let declined: Vec<&str> = agree(file(&responses(3000, pretty)).path())
            .iter()
            .filter(|d| d.1 != PLAN_FAILS)
            .map(|d| d.0)
            .collect();
        // Only --strict: the file has invalid scores, whose record the record pass names.
        // (Plans that fail, for a column the file lacks, are the record pass's: see `agree`.)
        assert_eq!(declined, ["strict"], "pretty: {pretty}");
    }
}

#[test]
fn what_the_pass_does_not_read_is_left_to_the_record_pass() {
    for text in [
        // A nested object is flattened by the record pass from the whole file.
        "[{\"score\":9,\"person\":{\"email\":\"a@b.c\"}},{\"score\":3}]",
        // A key the first elements did not have, far enough not to be in the head.
        &format!(
            "{},{{\"score\":4,\"late\":1}}]",
            responses(1200, false).trim_end().trim_end_matches(']')
        ),
        // Damaged after the head: the record pass names the error.
        &format!(
            "{},{{\"score\":4]",
            responses(1200, false).trim_end().trim_end_matches(']')
        ),
        "[]",
        "[{\"score\":9}, 7]",
    ] {
        let declined = agree(file(text).path());
        assert!(
            declined.iter().any(|d| d.0 == "score"),
            "{}: {declined:?}",
            &text[..text.len().min(80)]
        );
    }
}
