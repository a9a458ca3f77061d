//! The parallel pass for NDJSON: one object per line, lines split into chunks at newlines
//! (JSON text never holds a raw newline), chunks parsed on every core.
//!
//! Each line is deserialised straight into the cells a command judges: borrowed strings, numbers
//! and booleans written as `serde_json::Value` writes them; every other value is skipped without
//! being built. Flat objects only: the record pass flattens nested objects into `a.b` columns
//! whose set it learns from the whole file, so a nested object, a key the first records did not
//! have, an escaped key, an array in a judged column or any JSON error declines the pass.

use std::borrow::Cow;
use std::fmt;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{merge, Context, Map, NotFast, Tally, CHUNK, MAX_PREFIX};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::records::{self, HEAD_RECORDS};
use crate::ingest::{plan, FileData, Options, Plan, Reading, SourceReport};

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
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        if !whole && lines < HEAD_RECORDS {
            if take >= MAX_PREFIX {
                return Ok(None);
            }
            take *= 4;
            continue;
        }
        let Ok(parsed) = records::parse_text(name, text.to_string(), InputFormat::Ndjson, None)
        else {
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
    let Ok(text) = std::str::from_utf8(&body[start..end]) else {
        return Err("the text is not valid UTF-8");
    };
    if memchr::memchr(0, text.as_bytes()).is_some() {
        return Err("the text holds a NUL byte");
    }
    let mut tally = Tally::new(context.plan);
    let mut key = Vec::new();
    let mut cells: Vec<Option<Cow<str>>> = vec![None; keys.judged];
    let mut memo = super::DateMemo::default();
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
        if !read_line(line, keys, &mut cells) {
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

/// Read one line's judged cells into `cells`. `false` when serde_json does not read it as a
/// flat object of known keys.
fn read_line<'l>(line: &'l str, keys: &Keys, cells: &mut [Option<Cow<'l, str>>]) -> bool {
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
    use std::io::Write;

    use crate::ingest::fast::tests::{agree, fixture};

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
