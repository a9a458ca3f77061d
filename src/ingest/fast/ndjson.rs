//! The parallel pass for NDJSON: one object per line, lines split into chunks at newlines
//! (JSON text never holds a raw newline), chunks parsed on every core.
//!
//! Each line is deserialised straight into the cells a command judges: borrowed strings, numbers
//! and booleans written as `serde_json::Value` writes them; every other value is skipped without
//! being built. Flat objects only: the record pass flattens nested objects into `a.b` columns
//! whose set it learns from the whole file, so a nested object, a key the first records did not
//! have, an escaped key, an array in a judged column or any JSON error declines the pass.
//!
//! serde_json defines what a line means. Most lines are read first by a hand-written skimmer
//! ([`skim`]) that handles only the plain case (flat object, unescaped keys, plain strings and
//! integers) and defers to serde_json on anything unusual, where it could otherwise differ.
//! When it answers, it answers what serde_json would, so the pass still gives the record pass's
//! numbers or declines, exactly as when serde_json reads every line.

use std::borrow::Cow;
use std::fmt;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{merge, Context, Map, NotFast, Tally, CHUNK, MAX_PREFIX};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::records::{self, HEAD_RECORDS};
use crate::ingest::{plan, FileData, Options, Plan, Reading, SourceReport};

mod skim;

/// Read NDJSON text (`body`, BOM removed) with the parallel pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    name: String,
    body: &[u8],
    bom: bool,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    let Some(plan) = detect(options, &name, body)? else {
        return Ok(Err("the first lines are not flat JSON objects in UTF-8"));
    };
    if plan.layout.header_rows != 1 || plan.layout.columns.iter().any(|c| c.name.contains('.')) {
        return Ok(Err("nested objects are flattened from the whole file"));
    }
    let Some(score) = plan.score else {
        return Ok(Err("no score column"));
    };
    let context = Context::new(options, &plan, score);
    let keys = Keys::new(&context);
    let chunks = body.len().div_ceil(CHUNK).max(1);
    // The first line that starts at or after chunk i's nominal offset.
    let line_start = |i: usize| -> usize {
        let nominal = (i * CHUNK).min(body.len());
        if i == 0 || nominal == body.len() {
            return nominal;
        }
        memchr::memchr(b'\n', &body[nominal..]).map_or(body.len(), |k| nominal + k + 1)
    };
    let tallies: Result<Vec<Tally>, NotFast> = (0..chunks)
        .into_par_iter()
        .map(|i| {
            let (start, end) = (line_start(i), line_start(i + 1));
            chunk(&context, &keys, body, start, end.max(start))
        })
        .collect();
    let tallies = match tallies {
        Ok(t) => t,
        Err(why) => return Ok(Err(why)),
    };
    // The record pass numbers lines as `str::lines` splits them: at each `\n`.
    let lines = || {
        let (mut at, mut line) = (0usize, 1u64);
        move |offset: usize| {
            line += memchr::memchr_iter(b'\n', &body[at..offset]).count() as u64;
            at = offset;
            line
        }
    };
    let (rows, date_report, data) = merge(options, &plan, lines, tallies);
    let reading = Reading {
        format: InputFormat::Ndjson,
        compression: None,
        encoding: Some(super::utf8_report(options, bom)),
        delimiter: None,
        pass: "parallel".to_string(),
        notes: Vec::new(),
    };
    let report = plan.report(reading, rows, date_report);
    Ok(Ok((report, data)))
}

/// Detection on the first lines, parsed by the record pass's own code.
fn detect(options: &Options, name: &str, body: &[u8]) -> Result<Option<Plan>, Error> {
    let mut take = 1usize << 20;
    loop {
        let cut = if take >= body.len() {
            body.len()
        } else {
            match memchr::memrchr(b'\n', &body[..take]) {
                Some(k) => k + 1,
                None => 0,
            }
        };
        let whole = cut == body.len();
        let Ok(text) = std::str::from_utf8(&body[..cut]) else {
            return Ok(None);
        };
        if memchr::memchr(0, text.as_bytes()).is_some() {
            return Ok(None);
        }
        // Only the lines detection looks at are parsed. The columns are then the keys of those
        // lines: a line with another key declines the pass, so when the pass answers, every key
        // of the file is among them, in the order the record pass finds them.
        let (mut lines, mut head_end) = (0, 0);
        for line in text.split_inclusive('\n') {
            if lines == HEAD_RECORDS {
                break;
            }
            head_end += line.len();
            lines += usize::from(!line.trim().is_empty());
        }
        if !whole && lines < HEAD_RECORDS {
            if take >= MAX_PREFIX {
                return Ok(None);
            }
            take *= 4;
            continue;
        }
        let head_text = text.get(..head_end).unwrap_or(text).to_string();
        let Ok(parsed) = records::parse_text(name, head_text, InputFormat::Ndjson, None) else {
            return Ok(None);
        };
        let head = parsed.head(name, HEAD_RECORDS)?;
        return plan(
            options,
            name.to_string(),
            InputFormat::Ndjson,
            &head,
            None,
            true,
        )
        .map(Some);
    }
}

/// Where each key of a line goes.
struct Keys<'p> {
    /// The column of each key the first lines have; any other key declines the pass.
    columns: Map<&'p str, usize>,
    /// Each column's key.
    names: Vec<&'p str>,
    /// The judged slot each column fills (`None`: skipped).
    slots: Vec<Option<usize>>,
    /// Judged slots: the status, filter, score, date and carried columns, each once.
    judged: usize,
}

impl<'p> Keys<'p> {
    fn new(context: &Context<'p>) -> Self {
        let plan = context.plan;
        let judged = plan.layout.status_column().into_iter();
        let judged = judged
            .chain(plan.filters.iter().map(|(i, _)| *i))
            .chain([context.score])
            .chain(plan.date)
            .chain(plan.keep.iter().copied());
        Keys::with(plan.layout.columns.iter().map(|c| c.name.as_str()), judged)
    }

    /// Keys named `names`, in column order, of which the `judged` columns are kept.
    fn with(names: impl Iterator<Item = &'p str>, judged: impl IntoIterator<Item = usize>) -> Self {
        let names: Vec<&str> = names.collect();
        let columns = names.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let mut slots = vec![None; names.len()];
        let mut count = 0;
        for i in judged {
            if let Some(slot @ None) = slots.get_mut(i) {
                *slot = Some(count);
                count += 1;
            }
        }
        Keys {
            columns,
            names,
            slots,
            judged: count,
        }
    }
}

/// Count the lines of `body[start..end]`.
fn chunk(
    context: &Context,
    keys: &Keys,
    body: &[u8],
    start: usize,
    end: usize,
) -> Result<Tally, NotFast> {
    let text = super::chunk_text(&body[start..end])?;
    let mut tally = Tally::new(context.plan);
    let mut key = Vec::new();
    let mut cells: Vec<Option<Cow<str>>> = vec![None; keys.judged];
    let mut memo = super::DateMemo::default();
    let mut order = Vec::with_capacity(keys.slots.len());
    // Lines as `str::lines` splits them, found with memchr.
    let mut rest = 0;
    while rest < text.len() {
        let at = rest;
        rest = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |k| at + k);
        let Some(line) = text.get(at..rest) else {
            return Err("a line does not split at a character boundary");
        };
        rest += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if !read_line(line, keys, &mut order, &mut cells) {
            return Err("a line is not a flat JSON object with the first lines' keys");
        }
        let cell = |i: usize| -> Cow<str> {
            (keys.slots.get(i).copied().flatten())
                .and_then(|s| cells.get(s).cloned().flatten())
                .unwrap_or(Cow::Borrowed(""))
        };
        let date = |t: &Cow<str>| super::read_date(context, t.trim(), &mut memo);
        tally.rows(context, cell, date, Some(start + at), 1, &mut key)?;
    }
    Ok(tally)
}

/// Read one line's judged cells into `cells`: skimmed when plain, else by serde_json. `false`
/// when serde_json does not read it as a flat object of known keys.
fn read_line<'l>(
    line: &'l str,
    keys: &Keys,
    order: &mut Vec<usize>,
    cells: &mut [Option<Cow<'l, str>>],
) -> bool {
    cells.fill(None);
    if skim::skim(line, keys, order, cells).is_some() {
        return true;
    }
    cells.fill(None);
    by_serde(line, keys, cells).is_ok()
}

/// Read one line's judged cells with serde_json, which defines what a line means.
fn by_serde<'l>(
    line: &'l str,
    keys: &Keys,
    cells: &mut [Option<Cow<'l, str>>],
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(line);
    LineSeed { keys, cells }.deserialize(&mut de)?;
    de.end()
}

/// Deserialises one line's object into the judged cells.
struct LineSeed<'s, 'de> {
    keys: &'s Keys<'s>,
    cells: &'s mut [Option<Cow<'de, str>>],
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a flat JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<&'de str>()? {
            let Some(&column) = self.keys.columns.get(key) else {
                return Err(de::Error::custom("a key the first lines did not have"));
            };
            match self.keys.slots.get(column).copied().flatten() {
                Some(slot) => {
                    let value = map.next_value::<Scalar>()?.0;
                    if let Some(cell) = self.cells.get_mut(slot) {
                        *cell = Some(value);
                    }
                }
                None => map.next_value::<NotObject>().map(|_| ())?,
            }
        }
        Ok(())
    }
}

/// A JSON scalar as the record pass writes it: strings as they are, numbers and booleans as
/// `serde_json::Value` prints them, null as an empty cell.
struct Scalar<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(v.to_string())))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Borrowed(if v { "true" } else { "false" })))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(serde_json::Number::from(v).to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(serde_json::Number::from(v).to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(|n| Scalar(Cow::Owned(n.to_string())))
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Borrowed("")))
    }
}

/// Any value but an object (an object would add flattened columns), skipped.
struct NotObject;

impl<'de> de::Deserialize<'de> for NotObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NotObjectVisitor)
    }
}

struct NotObjectVisitor;

impl<'de> Visitor<'de> for NotObjectVisitor {
    type Value = NotObject;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value that is not an object")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_i64<E>(self, _: i64) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_u64<E>(self, _: u64) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_f64<E>(self, _: f64) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_str<E>(self, _: &str) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_unit<E>(self) -> Result<NotObject, E> {
        Ok(NotObject)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NotObject, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(NotObject)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::io::Write;

    use proptest::prelude::*;

    use super::{by_serde, skim::skim, Keys};
    use crate::ingest::fast::tests::{agree, fixture};

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

    #[test]
    fn ndjson_reads_the_same_both_ways() {
        let declined = agree(&fixture("formats/responses.ndjson"));
        assert!(
            declined
                .iter()
                .all(|(_, why)| why.contains("slash") || why.contains("strict")),
            "{declined:?}"
        );
        // Many 4 KiB test chunks: escaped strings, numbers written 9.0, nulls, booleans,
        // arrays in columns nobody judges, blank lines, CRLF line ends, invalid scores.
        let mut text = String::new();
        for i in 0..3000 {
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
                "\"pro\"",
                "\"en\\u0074erprise\"",
                "null",
                "true",
            ][i % 5];
            text.push_str(&format!(
                "{{\"id\":\"R{i}\",\"score\":{score},\"plan\":{plan},\"submitted_at\":\"2025-{:02}-03T10:00:00Z\",\"tags\":[{{\"a\":1}},2],\"comment\":\"say \\\"hi\\\"\"}}{}",
                1 + i % 12,
                if i % 2 == 0 { "\r\n" } else { "\n" }
            ));
            if i % 101 == 0 {
                text.push_str("  \n");
            }
        }
        let mut file = tempfile::Builder::new()
            .suffix(".ndjson")
            .tempfile()
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let declined: Vec<&str> = agree(file.path()).iter().map(|d| d.0).collect();
        // Only --strict: the file has invalid scores, whose line the record pass names.
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
}
