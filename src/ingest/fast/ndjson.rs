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

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::merge::Merger;
use super::tally::{chunk_text, read_date, Context, DateMemo, Tally};
use super::{longer_prefix, Detection, Map, NotFast, CHUNK};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::options::Options;
use crate::ingest::plan::{plan, Plan};
use crate::ingest::records::{self, HEAD_RECORDS};
use crate::ingest::report::{FileData, Reading, SourceReport};

mod skim;

/// Read NDJSON text (`body`, BOM removed) with the parallel pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    name: String,
    body: &[u8],
    bom: bool,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    let (plan, score) = match planned(
        detect(options, &name, body, true)?,
        "the first lines are not flat JSON objects in UTF-8 (nested objects are flattened from the whole input)",
    ) {
        Ok(planned) => planned,
        Err(why) => return Ok(Err(why)),
    };
    let context = Context::new(options, &plan, score);
    let keys = Keys::new(&context);
    // One counter for the whole scan: each window's rows go on from the last window's.
    let counter = std::sync::Mutex::new(line_counter(body, 1));
    let lines = || |at: usize| (*counter.lock().unwrap_or_else(|p| p.into_inner()))(at);
    let mut merger = Merger::new(options, &plan);
    let mut absorb = |mut tallies: Vec<Tally>| merger.absorb(lines, &mut tallies);
    if let Err(why) = count_windows(&context, &keys, body, CHUNK, &mut absorb) {
        return Ok(Err(why));
    }
    let (rows, date_report, data) = merger.finish();
    let reading = parallel_reading(options, InputFormat::Ndjson, bom);
    Ok(Ok((plan.report(reading, rows, date_report), data)))
}

/// The plan and score column detection found, or why the pass declines (`not_plain`: the
/// reason when the first records are not flat objects).
pub(super) fn planned(
    detection: Detection<Plan>,
    not_plain: NotFast,
) -> Result<(Plan, usize), NotFast> {
    let plan = match detection {
        Detection::Found(plan) => plan,
        Detection::PlanFails => return Err(super::PLAN_FAILS),
        _ => return Err(not_plain),
    };
    match plan.score {
        Some(score) => Ok((plan, score)),
        None => Err("no score column"),
    }
}

/// How the parallel pass read flat JSON objects in UTF-8 text.
pub(super) fn parallel_reading(options: &Options, format: InputFormat, bom: bool) -> Reading {
    Reading {
        format,
        compression: None,
        encoding: Some(super::utf8_report(options, bom)),
        delimiter: None,
        pass: "parallel".to_string(),
        notes: Vec::new(),
    }
}

/// Count the lines of `body` (whole lines) in parallel chunks of about `chunk` bytes; tallies in
/// input order.
pub(super) fn count(
    context: &Context,
    keys: &Keys,
    body: &[u8],
    chunk: usize,
) -> Result<Vec<Tally>, NotFast> {
    let mut all = Vec::new();
    count_windows(context, keys, body, chunk, &mut |t| all.extend(t))?;
    Ok(all)
}

/// [`count`], handing the tallies to `absorb` a window of chunks at a time, in input order, so
/// memory holds a window's tallies, not the file's (see `delimited::count_windows`).
pub(super) fn count_windows(
    context: &Context,
    keys: &Keys,
    body: &[u8],
    chunk: usize,
    absorb: &mut (dyn FnMut(Vec<Tally>) + Send),
) -> Result<(), NotFast> {
    let chunks = body.len().div_ceil(chunk).max(1);
    // The first line that starts at or after chunk i's nominal offset.
    let line_start = |i: usize| -> usize {
        let nominal = (i * chunk).min(body.len());
        if i == 0 || nominal == body.len() {
            return nominal;
        }
        memchr::memchr(b'\n', &body[nominal..]).map_or(body.len(), |k| nominal + k + 1)
    };
    super::count_in_windows(
        chunks,
        |i| {
            let (start, end) = (line_start(i), line_start(i + 1));
            self::chunk(context, keys, body, start, end.max(start))
        },
        absorb,
    )
}

/// Line numbers of offsets in `body`, whose first line is `first`: the record pass numbers
/// lines as `str::lines` splits them, at each `\n`. Increasing offsets count each byte once;
/// an earlier offset counts back from the last one.
pub(super) fn line_counter(body: &[u8], first: u64) -> impl FnMut(usize) -> u64 + '_ {
    let (mut at, mut line) = (0usize, first);
    move |offset: usize| {
        let feeds = |range: &[u8]| memchr::memchr_iter(b'\n', range).count() as u64;
        if offset >= at {
            line += feeds(&body[at..offset]);
        } else {
            line -= feeds(&body[offset..at]);
        }
        at = offset;
        line
    }
}

/// Detection on the first lines, parsed by the record pass's own code. `complete`: `body` is the
/// whole input (else a stream's prefix).
pub(super) fn detect(
    options: &Options,
    name: &str,
    body: &[u8],
    complete: bool,
) -> Result<Detection<Plan>, Error> {
    let mut take = 1usize << 20;
    loop {
        let cut = if take >= body.len() && complete {
            body.len()
        } else {
            match memchr::memrchr(b'\n', &body[..take.min(body.len())]) {
                Some(k) => k + 1,
                None => 0,
            }
        };
        let whole = cut == body.len() && complete;
        let Ok(text) = std::str::from_utf8(&body[..cut]) else {
            return Ok(Detection::NotPlain);
        };
        if memchr::memchr(0, text.as_bytes()).is_some() {
            return Ok(Detection::NotPlain);
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
            match longer_prefix(&mut take, body.len(), complete) {
                Some(detection) => return Ok(detection),
                None => continue,
            }
        }
        let head_text = text.get(..head_end).unwrap_or(text).to_string();
        return flat_plan(options, name, InputFormat::Ndjson, head_text);
    }
}

/// The plan for flat JSON objects from `head_text`, the first records (NDJSON lines, or an array
/// of the first elements), parsed by the record pass's own code.
pub(super) fn flat_plan(
    options: &Options,
    name: &str,
    format: InputFormat,
    head_text: String,
) -> Result<Detection<Plan>, Error> {
    let Ok(parsed) = records::parse_text(name, head_text, format, None) else {
        return Ok(Detection::NotPlain);
    };
    let head = parsed.head(name, HEAD_RECORDS)?;
    // A plan that fails (a column named by a flag is missing, …) is the record pass's to report:
    // its message lists every column of the input, and a later object may add one.
    let Ok(plan) = plan(options, name.to_string(), format, &head, None, true) else {
        return Ok(Detection::PlanFails);
    };
    // The record pass flattens nested objects into columns it learns from the whole input.
    if plan.layout.header_rows != 1 || plan.layout.columns.iter().any(|c| c.name.contains('.')) {
        return Ok(Detection::NotPlain);
    }
    Ok(Detection::Found(plan))
}

/// Where each key of a line goes.
pub(super) struct Keys<'p> {
    /// The column of each key the first lines have; any other key declines the pass.
    columns: Map<&'p str, usize>,
    /// Each column's key.
    names: Vec<&'p str>,
    /// The judged slot each column fills (`None`: skipped).
    pub(super) slots: Vec<Option<usize>>,
    /// Judged slots: the status, filter, score, date, carried, id and weight columns, each once.
    pub(super) judged: usize,
}

impl<'p> Keys<'p> {
    pub(super) fn new(context: &Context<'p>) -> Self {
        let plan = context.plan;
        let judged = plan.layout.status_column().into_iter();
        let judged = judged
            .chain(plan.filters.iter().map(|(i, _)| *i))
            .chain([context.score])
            .chain(plan.date)
            .chain(plan.keep.iter().copied())
            .chain(plan.id)
            .chain(plan.weight)
            .chain(plan.comment_columns());
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
    let text = chunk_text(&body[start..end])?;
    let mut tally = Tally::for_chunk(context, end - start);
    let mut objects = Objects::new(keys);
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
        if !objects.count(context, keys, &mut tally, line, start + at)? {
            return Err("a line is not a flat JSON object with the first lines' keys");
        }
    }
    Ok(tally)
}

/// Flat objects (NDJSON lines, a JSON array's elements) read and counted one after another, with
/// the buffers reused.
pub(super) struct Objects<'l> {
    key: Vec<u32>,
    cells: Vec<Option<Cow<'l, str>>>,
    memo: DateMemo,
    order: Vec<usize>,
}

impl<'l> Objects<'l> {
    pub(super) fn new(keys: &Keys) -> Self {
        Objects {
            key: Vec::new(),
            cells: vec![None; keys.judged],
            memo: DateMemo::default(),
            order: Vec::with_capacity(keys.slots.len()),
        }
    }

    /// Count `object`, located by `record` (an offset, or an element's index); `Ok(false)` when
    /// it is not a flat JSON object with known keys.
    pub(super) fn count(
        &mut self,
        context: &Context,
        keys: &Keys,
        tally: &mut Tally,
        object: &'l str,
        record: usize,
    ) -> Result<bool, NotFast> {
        let Objects {
            key,
            cells,
            memo,
            order,
        } = self;
        if !read_line(object, keys, order, cells) {
            return Ok(false);
        }
        let cell = |i: usize| -> Cow<str> {
            (keys.slots.get(i).copied().flatten())
                .and_then(|s| cells.get(s).cloned().flatten())
                .unwrap_or(Cow::Borrowed(""))
        };
        let date = |t: &Cow<str>| read_date(context, t.trim(), memo);
        tally.rows(context, cell, date, Some(record), 1, key)?;
        Ok(true)
    }
}

/// Read one line's judged cells into `cells`: skimmed when plain, else by serde_json. `false`
/// when serde_json does not read it as a flat object of known keys.
pub(super) fn read_line<'l>(
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
    if by_serde(line, keys, cells).is_ok() {
        return true;
    }
    // A number beyond a double's range or a lone surrogate, which the record pass repairs
    // (`records::json_text`): the same repair here, into owned cells, so both passes agree.
    cells.fill(None);
    let Some(repaired) = crate::ingest::records::json_text::repaired(line) else {
        return false;
    };
    let mut owned: Vec<Option<Cow<str>>> = vec![None; cells.len()];
    if by_serde(&repaired, keys, &mut owned).is_err() {
        return false;
    }
    for (cell, value) in cells.iter_mut().zip(owned) {
        *cell = value.map(|v| Cow::Owned(v.into_owned()));
    }
    true
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
pub(super) mod tests;
