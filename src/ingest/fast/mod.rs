//! The parallel pass: delimited UTF-8 text on disk, read on every core, counted as it is read.
//!
//! ## Contract
//!
//! Same numbers, same row accounting, same messages as the record pass (`record_pass` in the
//! parent module) — or no answer at all. [`scan`] answers `Ok(Err(why))` whenever an input is
//! outside what it handles, and the caller runs the record pass, which then decides everything,
//! errors included. Outside: stdin, gzip, JSON, Parquet, text that is not UTF-8 or holds a NUL
//! byte, `--dedupe`, `--weight` and `--paired` (they need each response, not counts),
//! `--strict` meeting an invalid score (the record pass names its line), slash dates without
//! `--date-format` (their day order is decided from the whole column first), and any text the
//! strict CSV grammar below does not cover: a row of the wrong length, a quote that does not open
//! a field or is never closed, text after a closing quote, a line ended by a lone CR.
//!
//! ## How
//!
//! 1. The file is memory-mapped: its pages stay in the page cache instead of being copied to the
//!    heap, so the process's own memory does not grow with the file.
//! 2. Detection parses a prefix holding the first `HEAD_RECORDS` records with the record pass's
//!    own code (delimiter sniffing on the same 256 KiB, presets, roles), so it decides the same
//!    things and fails with the same errors.
//! 3. The data is cut into chunks at fixed offsets. In well-formed CSV a byte is inside a quoted
//!    field exactly when an odd number of quotes precede it, so a parallel count of the quotes in
//!    each chunk tells every chunk where its first record starts.
//! 4. Chunks are parsed in parallel (rayon): each checks that its bytes are UTF-8 without NUL,
//!    splits records (memchr inside quoted fields, a byte table elsewhere), reads only the cells
//!    the command needs and counts responses by (carried cells, day, score). Chunk results are
//!    merged in file order, so reasons and examples come out as a sequential pass gives them.
//!
//! The frame handed to the metrics then has one row per distinct (score, carried cells, day) with
//! its count: its size depends on the data's variety, not on its length.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use chrono::NaiveDate;
use encoding_rs::UTF_8;
use rayon::prelude::*;

use super::accounting::{DateReport, InvalidValue, RowAccounting, EXAMPLES};
use super::dates::{self, DayOrder, RawDate};
use super::records::{self, LineCounter, HEAD_RECORDS};
use super::score::{self, ScoreCell};
use super::source::{self, EncodingReport};
use super::{plan, preset, FileData, GroupRow, Options, Plan, Reading, SourceReport};
use crate::cli::InputFormat;
use crate::error::{Error, Location};

mod ndjson;
mod parquet;

/// Why the parallel pass does not apply; the record pass reads the input instead.
pub(super) type NotFast = &'static str;

/// Nominal chunk size: large enough that per-chunk work is noise, small enough that both cores
/// stay busy to the end. Unit tests use 4 KiB so that small files cross many chunk boundaries.
const CHUNK: usize = if cfg!(test) { 4 << 10 } else { 4 << 20 };

/// Detection gives up on prefixes beyond this (records that long are not survey responses).
const MAX_PREFIX: usize = 64 << 20;

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A group's carried cells (`None` when blank) and day (`None` when not counted per day).
type GroupKey = (Vec<Option<String>>, Option<i32>);

/// Read `path` with the parallel pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    path: &Path,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    if path.as_os_str() == "-" {
        return Ok(Err("standard input is read whole"));
    }
    if options.dedupe.is_some() || options.weight.is_some() || options.need_ids {
        return Ok(Err(
            "--dedupe, --weight and --paired need every response, not counts",
        ));
    }
    if options.encoding.is_some_and(|e| e != UTF_8) {
        return Ok(Err("--encoding names an encoding other than UTF-8"));
    }
    // Any problem opening the file is the record pass's to report, with its wording.
    let Ok(file) = File::open(path) else {
        return Ok(Err("the file could not be opened"));
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(Err("not a regular file"));
    }
    // SAFETY: the map is only read, and only while this function runs. Like every program that
    // maps its input (ripgrep, polars), we rely on the file not being truncated meanwhile; a file
    // rewritten under us could at worst yield wrong text, which the checks below then reject.
    let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
        return Ok(Err("the file could not be memory-mapped"));
    };
    let bytes: &[u8] = &map;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Err("gzip is decompressed whole"));
    }
    let name = path.display().to_string();
    let format = source::detect_format(&name, &bytes[..bytes.len().min(64 << 10)], options.format)?;
    if format == InputFormat::Parquet {
        drop(map);
        return parquet::scan(options, path, name);
    }
    if !matches!(
        format,
        InputFormat::Csv | InputFormat::Tsv | InputFormat::Ndjson
    ) {
        return Ok(Err("a JSON array is parsed whole"));
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if !bom && encoding_rs::Encoding::for_bom(bytes).is_some() {
        return Ok(Err("UTF-16 text is transcoded whole"));
    }
    let body = &bytes[if bom { 3 } else { 0 }..];
    if format == InputFormat::Ndjson {
        return ndjson::scan(options, name, body, bom);
    }
    let Some(detected) = detect(options, &name, body, format)? else {
        return Ok(Err("the first records are not plain UTF-8 CSV"));
    };
    let Detected {
        plan,
        delimiter,
        data_start,
        columns,
    } = detected;
    let Some(score) = plan.score else {
        return Ok(Err("no score column"));
    };
    let context = Context::new(options, &plan, score);
    let grammar = Grammar {
        columns,
        delimiter,
        special: special_bytes(delimiter),
    };
    let tallies = match count(&context, &grammar, body, data_start) {
        Ok(t) => t,
        Err(why) => return Ok(Err(why)),
    };
    let lines = || {
        let mut counter = LineCounter::new(body);
        move |at| counter.line_at(at)
    };
    let (rows, date_report, data) = merge(options, &plan, lines, tallies);
    let reading = Reading {
        format,
        compression: None,
        encoding: Some(utf8_report(options, bom)),
        delimiter: Some(delimiter),
        pass: "parallel".to_string(),
        notes: Vec::new(),
    };
    let report = plan.report(reading, rows, date_report);
    Ok(Ok((report, data)))
}

/// The encoding report the record pass gives valid UTF-8 text.
fn utf8_report(options: &Options, bom: bool) -> EncodingReport {
    EncodingReport {
        name: UTF_8.name(),
        bom,
        reason: match (options.encoding.is_some(), bom) {
            (true, _) => "--encoding",
            (false, true) => "byte-order mark",
            (false, false) => "valid UTF-8",
        }
        .to_string(),
    }
}

struct Detected {
    plan: Plan,
    delimiter: u8,
    /// Offset of the first data record in `body`.
    data_start: usize,
    /// Fields per record.
    columns: usize,
}

/// Detection on a prefix of the file holding the first `HEAD_RECORDS` records; `None` when the
/// prefix is not plain UTF-8 or its first records do not all have the header's length.
fn detect(
    options: &Options,
    name: &str,
    body: &[u8],
    format: InputFormat,
) -> Result<Option<Detected>, Error> {
    // At least 1 MiB: the delimiter is sniffed on the first 256 KiB, as for the whole text.
    let mut take = 1usize << 20;
    loop {
        let mut cut = body.len().min(take);
        while cut < body.len() && cut > 0 && (body[cut] & 0xC0) == 0x80 {
            cut -= 1; // back to the start of a UTF-8 sequence
        }
        let whole = cut == body.len();
        let Ok(text) = std::str::from_utf8(&body[..cut]) else {
            return Ok(None);
        };
        if memchr::memchr(0, text.as_bytes()).is_some() {
            return Ok(None);
        }
        let parsed = records::parse_text(name, text.to_string(), format, options.delimiter)?;
        let Some(delimiter) = parsed.delimiter() else {
            return Ok(None);
        };
        let Ok(head) = parsed.head(name, HEAD_RECORDS + 1) else {
            return Ok(None);
        };
        if !whole && head.len() <= HEAD_RECORDS {
            if take >= MAX_PREFIX {
                return Ok(None);
            }
            take *= 4;
            continue;
        }
        let head = &head[..head.len().min(HEAD_RECORDS)];
        let plan = plan(
            options,
            name.to_string(),
            format,
            head,
            Some(delimiter),
            true,
        )?;
        let header_rows = plan.layout.header_rows;
        let columns = head.first().map_or(0, |r| r.len());
        // The record pass reads header rows with the same length check as data rows.
        if head
            .iter()
            .take(header_rows + 1)
            .any(|r| r.len() != columns)
        {
            return Ok(None);
        }
        let data_start = match head.get(header_rows) {
            Some(first) => first.position().map_or(0, |p| p.byte() as usize),
            None => body.len(),
        };
        return Ok(Some(Detected {
            plan,
            delimiter,
            data_start,
            columns,
        }));
    }
}

/// How a chunk of delimited text splits into records.
struct Grammar {
    /// Fields per record.
    columns: usize,
    delimiter: u8,
    /// Bytes that end an unquoted field or make it irregular.
    special: [bool; 256],
}

/// Everything needed to judge rows.
struct Context<'p> {
    plan: &'p Plan,
    score: usize,
    /// `--where` conditions as the accounting names them.
    filter_reasons: Vec<String>,
    order: Option<DayOrder>,
    tz: chrono_tz::Tz,
    since: Option<i32>,
    until: Option<i32>,
    strict: bool,
    /// Responses are counted per day (else the day only filters).
    days_wanted: bool,
}

impl<'p> Context<'p> {
    fn new(options: &Options, plan: &'p Plan, score: usize) -> Self {
        Context {
            plan,
            score,
            filter_reasons: plan.filters.iter().map(|(_, f)| f.to_string()).collect(),
            order: options.date_order,
            tz: options.tz,
            since: options.since.map(dates::days_since_epoch),
            until: options.until.map(dates::days_since_epoch),
            strict: options.strict,
            days_wanted: options.need_dates,
        }
    }
}

fn special_bytes(delimiter: u8) -> [bool; 256] {
    let mut table = [false; 256];
    for b in [delimiter, b'\n', b'\r', b'"'] {
        table[b as usize] = true;
    }
    table
}

/// Count every chunk of `body[data_start..]` in parallel; tallies in file order.
fn count(
    context: &Context,
    grammar: &Grammar,
    body: &[u8],
    data_start: usize,
) -> Result<Vec<Tally>, NotFast> {
    let length = body.len().saturating_sub(data_start);
    let chunks = length.div_ceil(CHUNK).max(1);
    let nominal = |i: usize| (data_start + i * CHUNK).min(body.len());
    let quotes: Vec<usize> = (0..chunks)
        .into_par_iter()
        .map(|i| {
            // memchr's count is vectorised; a filtered byte iterator is not (it was a third
            // of the whole pass).
            memchr::memchr_iter(b'"', &body[nominal(i)..nominal(i + 1)]).count()
        })
        .collect();
    let mut open_before = Vec::with_capacity(chunks + 1);
    let mut total = 0usize;
    for q in &quotes {
        open_before.push(total % 2 == 1);
        total += q;
    }
    open_before.push(total % 2 == 1);
    // The first record that starts at or after chunk i's nominal offset.
    let record_start = |i: usize| -> usize {
        if i == 0 {
            return data_start;
        }
        if i >= chunks {
            return body.len();
        }
        let mut inside = open_before[i];
        for (at, &b) in body.iter().enumerate().skip(nominal(i)) {
            match b {
                b'"' => inside = !inside,
                b'\n' if !inside => return at + 1,
                _ => {}
            }
        }
        body.len()
    };
    (0..chunks)
        .into_par_iter()
        .map(|i| {
            let (start, end) = (record_start(i), record_start(i + 1));
            Tally::of_chunk(context, grammar, body, start, end.max(start))
        })
        .collect()
}

/// One field of a record: its bytes, and whether they hold doubled quotes to undo.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    escaped: bool,
}

/// Split the record starting at `pos` into `spans`; return the offset after its line end.
fn split_record(
    data: &[u8],
    mut pos: usize,
    delimiter: u8,
    special: &[bool; 256],
    spans: &mut Vec<Span>,
) -> Result<usize, NotFast> {
    spans.clear();
    loop {
        if data.get(pos) == Some(&b'"') {
            let open = pos + 1;
            let mut at = open;
            let mut escaped = false;
            let close = loop {
                let Some(k) = memchr::memchr(b'"', &data[at..]) else {
                    return Err("a quoted field is never closed");
                };
                at += k;
                if data.get(at + 1) == Some(&b'"') {
                    escaped = true;
                    at += 2;
                } else {
                    break at;
                }
            };
            spans.push(Span {
                start: open,
                end: close,
                escaped,
            });
            pos = close + 1;
        } else {
            let start = pos;
            while pos < data.len() && !special[data[pos] as usize] {
                pos += 1;
            }
            spans.push(Span {
                start,
                end: pos,
                escaped: false,
            });
        }
        match data.get(pos) {
            None => return Ok(pos),
            Some(&b) if b == delimiter => pos += 1,
            Some(b'\n') => return Ok(pos + 1),
            Some(b'\r') if data.get(pos + 1) == Some(&b'\n') => return Ok(pos + 2),
            Some(b'\r') => return Err("a line ends with a lone CR"),
            Some(_) => return Err("a quote inside a field, or text after a closing quote"),
        }
    }
}

/// A chunk's bytes as text, if they are UTF-8 without a NUL byte (the record pass decodes or
/// rejects anything else in ways a chunk on its own cannot repeat).
fn chunk_text(bytes: &[u8]) -> Result<&str, NotFast> {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        return Err("the text is not valid UTF-8");
    };
    if memchr::memchr(0, bytes).is_some() {
        return Err("the text holds a NUL byte");
    }
    Ok(text)
}

/// A field's text, quotes undone; `chunk` is the UTF-8 text that starts at byte `offset`.
fn text(chunk: &str, offset: usize, span: Span) -> Cow<'_, str> {
    // Fields are split on ASCII bytes, so their ends are character boundaries: `get` only
    // checks that (no second UTF-8 validation) and cannot fail.
    let raw = (span.start.checked_sub(offset))
        .zip(span.end.checked_sub(offset))
        .and_then(|(start, end)| chunk.get(start..end))
        .unwrap_or_default();
    if span.escaped {
        Cow::Owned(raw.replace("\"\"", "\""))
    } else {
        Cow::Borrowed(raw)
    }
}

/// A date cell, as the record pass would place it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateCell {
    Blank,
    /// Not a date in any accepted form.
    Unreadable,
    /// A slash date that does not exist in the given order (a 13th month).
    Impossible,
    Day(i32),
}

/// Distinct values of one carried column: 0 stands for a blank cell, k for `values[k - 1]`.
#[derive(Default)]
struct Interner {
    ids: Map<Box<str>, u32>,
    values: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, cell: &str) -> u32 {
        if cell.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(cell) {
            return id;
        }
        self.values.push(cell.into());
        let id = self.values.len() as u32;
        self.ids.insert(cell.into(), id);
        id
    }

    fn value(&self, id: u32) -> Option<String> {
        (id > 0).then(|| self.values[id as usize - 1].to_string())
    }
}

/// The last date read and its day: consecutive rows often share a date.
#[derive(Default)]
struct DateMemo {
    text: String,
    cell: Option<DateCell>,
    /// The `YYYY-MM` of the last ISO timestamp, the day of its first and its number of days:
    /// rows often share a month when their days differ.
    month: [u8; 7],
    month_days: Option<(i32, u32)>,
}

/// What one chunk counted.
#[derive(Default)]
struct Tally {
    /// Rows read, used, blank, invalid, excluded and filtered (no examples: see `invalid`).
    rows: RowAccounting,
    /// The first invalid score cells: offset of their record, cell as written.
    invalid: Vec<(usize, String)>,
    dated: u64,
    undated: u64,
    bad_dates: u64,
    /// The first unreadable date cells: offset of their record, trimmed cell.
    bad_date_examples: Vec<(usize, String)>,
    interners: Vec<Interner>,
    /// Group key (carried cell ids, then day tag and day) → index in `counts`.
    groups: Map<Vec<u32>, usize>,
    counts: Vec<[u64; 11]>,
}

impl Tally {
    fn new(plan: &Plan) -> Self {
        Tally {
            interners: (0..plan.keep.len()).map(|_| Interner::default()).collect(),
            ..Tally::default()
        }
    }

    fn of_chunk(
        context: &Context,
        grammar: &Grammar,
        body: &[u8],
        start: usize,
        end: usize,
    ) -> Result<Tally, NotFast> {
        let chunk = chunk_text(&body[start..end])?;
        let mut tally = Tally::new(context.plan);
        let mut spans = Vec::with_capacity(grammar.columns);
        let mut key = Vec::with_capacity(context.plan.keep.len() + 2);
        let mut memo = DateMemo::default();
        let mut pos = start;
        while pos < end {
            // Empty lines are skipped, as the csv crate does.
            match body[pos] {
                b'\n' => {
                    pos += 1;
                    continue;
                }
                b'\r' if body.get(pos + 1) == Some(&b'\n') => {
                    pos += 2;
                    continue;
                }
                _ => {}
            }
            let record = pos;
            pos = split_record(body, pos, grammar.delimiter, &grammar.special, &mut spans)?;
            if pos > end {
                return Err("a record runs past its chunk");
            }
            if spans.len() != grammar.columns {
                return Err("a row has a different number of fields than the header");
            }
            let cell = |i: usize| text(chunk, start, spans[i]);
            let date = |text: &Cow<str>| read_date(context, text.trim(), &mut memo);
            tally.rows(context, cell, date, Some(record), 1, &mut key)?;
        }
        Ok(tally)
    }

    /// Judge `times` identical records exactly as the record pass judges each: `cell` gives
    /// their cells, `date` places their date cell, `record` locates the first for examples
    /// (`None` when rows cannot be located, as after grouping: a record that would need an
    /// example is then left to the record pass).
    #[allow(clippy::too_many_arguments)]
    fn rows<'c>(
        &mut self,
        context: &Context,
        cell: impl Fn(usize) -> Cow<'c, str>,
        date: impl FnOnce(&Cow<'c, str>) -> Result<DateCell, NotFast>,
        record: Option<usize>,
        times: u64,
        key: &mut Vec<u32>,
    ) -> Result<(), NotFast> {
        let plan = context.plan;
        self.rows.read += times;
        if let Some(status) = plan.layout.status_column() {
            if let Some(reason) = preset::exclusion_of(&cell(status)) {
                self.rows.exclude_many(reason, times);
                return Ok(());
            }
        }
        if let Some(f) = plan.failed_filter(&cell) {
            self.rows.filter_many(&context.filter_reasons[f], times);
            return Ok(());
        }
        let date_text = plan.date.map(&cell).unwrap_or_default();
        let date = match plan.date {
            Some(_) => date(&date_text)?,
            None => DateCell::Blank,
        };
        if context.since.is_some() || context.until.is_some() {
            let reason = match date {
                DateCell::Day(day) if context.since.is_some_and(|s| day < s) => {
                    Some("before --since")
                }
                DateCell::Day(day) if context.until.is_some_and(|u| day > u) => {
                    Some("after --until")
                }
                DateCell::Day(_) => None,
                _ => Some("no readable date (--since/--until)"),
            };
            if let Some(reason) = reason {
                self.rows.filter_many(reason, times);
                return Ok(());
            }
        }
        let raw_score = cell(context.score);
        let value = match score::parse(&raw_score, plan.decimal_comma) {
            ScoreCell::Blank => {
                self.rows.blank += times;
                return Ok(());
            }
            ScoreCell::Invalid if context.strict => {
                return Err("--strict meets an invalid score (the record pass names its line)")
            }
            ScoreCell::Invalid => {
                let Some(record) = record else {
                    return Err("invalid scores are located by the record pass");
                };
                self.rows.invalid += times;
                if self.invalid.len() < EXAMPLES {
                    self.invalid.push((record, raw_score.into_owned()));
                }
                return Ok(());
            }
            ScoreCell::Valid(v) => v,
        };
        self.rows.used += times;
        if plan.date.is_some() {
            match date {
                DateCell::Day(_) => self.dated += times,
                DateCell::Blank => self.undated += times,
                DateCell::Impossible => self.bad_dates += times,
                DateCell::Unreadable => {
                    let Some(record) = record else {
                        return Err("unreadable dates are located by the record pass");
                    };
                    self.bad_dates += times;
                    if self.bad_date_examples.len() < EXAMPLES {
                        self.bad_date_examples
                            .push((record, date_text.trim().to_string()));
                    }
                }
            }
        }
        key.clear();
        for (interner, &i) in self.interners.iter_mut().zip(&plan.keep) {
            key.push(interner.id(cell(i).trim()));
        }
        match date {
            DateCell::Day(day) if context.days_wanted => key.extend([1, day as u32]),
            _ => key.extend([0, 0]),
        }
        let slot = match self.groups.get(key.as_slice()) {
            Some(&slot) => slot,
            None => {
                self.counts.push([0; 11]);
                self.groups.insert(key.clone(), self.counts.len() - 1);
                self.counts.len() - 1
            }
        };
        self.counts[slot][value as usize] += times;
        Ok(())
    }
}

/// Place a trimmed date cell in a day, as `dates::parse` and `RawDate::day` do.
fn read_date(context: &Context, text: &str, memo: &mut DateMemo) -> Result<DateCell, NotFast> {
    if text.is_empty() {
        return Ok(DateCell::Blank);
    }
    // Before the memo: reading an ISO timestamp costs less than comparing and copying it.
    if let Some(day) = iso_utc_day(context, text, memo) {
        return Ok(DateCell::Day(day));
    }
    if let Some(cell) = memo.cell.filter(|_| memo.text == text) {
        return Ok(cell);
    }
    let cell = match dates::parse(text) {
        None => DateCell::Unreadable,
        Some(RawDate::Slash { .. }) if context.order.is_none() => {
            return Err("slash dates: their day order is decided from the whole column")
        }
        Some(raw) => raw
            .day(context.order, context.tz)
            .map_or(DateCell::Impossible, DateCell::Day),
    };
    memo.text.clear();
    memo.text.push_str(text);
    memo.cell = Some(cell);
    Ok(cell)
}

/// The day of `YYYY-MM-DDTHH:MM:SSZ` when days are taken in UTC: the date as written, once the
/// whole timestamp is known to be valid. Anything else is left to `dates::parse`.
fn iso_utc_day(context: &Context, text: &str, memo: &mut DateMemo) -> Option<i32> {
    let b = text.as_bytes();
    if context.tz != chrono_tz::UTC || b.len() != 20 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let shape = b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if !shape || digits(11..13)? > 23 || digits(14..16)? > 59 || digits(17..19)? > 59 {
        return None;
    }
    if memo.month_days.is_none() || memo.month[..] != b[..7] {
        let (year, month) = (digits(0..4)? as i32, digits(5..7)?);
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let days = (28..=31)
            .rev()
            .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())?;
        memo.month.copy_from_slice(&b[..7]);
        memo.month_days = Some((dates::days_since_epoch(first), days));
    }
    let (first, days) = memo.month_days?;
    let day = digits(8..10)?;
    (1..=days).contains(&day).then(|| first + day as i32 - 1)
}

/// Add the chunks' tallies up, in file order.
///
/// `lines` gives a counter that turns increasing record offsets into line numbers.
fn merge<L: FnMut(usize) -> u64>(
    options: &Options,
    plan: &Plan,
    lines: impl Fn() -> L,
    tallies: Vec<Tally>,
) -> (RowAccounting, Option<DateReport>, FileData) {
    let mut rows = RowAccounting::default();
    let mut date_report = plan.date_report(options);
    if let (Some(report), Some(order)) = (date_report.as_mut(), options.date_order) {
        report.order = Some(order);
        report.order_reason = Some("--date-format".into());
    }
    let mut line_of = lines();
    let mut groups: Map<GroupKey, [u64; 11]> = Map::default();
    for tally in &tallies {
        rows.absorb(&tally.rows);
        for (at, value) in &tally.invalid {
            if rows.invalid_examples.len() < EXAMPLES {
                rows.invalid_examples.push(InvalidValue {
                    file: plan.name.clone(),
                    location: Location::Line(line_of(*at)),
                    column: plan.score_column.clone(),
                    value: value.clone(),
                });
            }
        }
        for (key, &slot) in &tally.groups {
            let (cells, day) = key.split_at(key.len() - 2);
            let kept = tally
                .interners
                .iter()
                .zip(cells)
                .map(|(interner, &id)| interner.value(id))
                .collect();
            let day = (day[0] == 1).then_some(day[1] as i32);
            let total = groups.entry((kept, day)).or_insert([0; 11]);
            for (sum, add) in total.iter_mut().zip(tally.counts[slot]) {
                *sum += add;
            }
        }
    }
    if let Some(report) = date_report.as_mut() {
        let mut line_of = lines();
        for tally in &tallies {
            report.dated += tally.dated;
            report.blank += tally.undated;
            report.invalid += tally.bad_dates;
            for (at, value) in &tally.bad_date_examples {
                if report.invalid_examples.len() < EXAMPLES {
                    report.invalid_examples.push(InvalidValue {
                        file: plan.name.clone(),
                        location: Location::Line(line_of(*at)),
                        column: report.column.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
    }
    let mut rows_out: Vec<GroupRow> = groups
        .into_iter()
        .flat_map(|((kept, day), counts)| {
            counts
                .into_iter()
                .enumerate()
                .filter(|&(_, n)| n > 0)
                .map(move |(score, count)| GroupRow {
                    kept: kept.clone(),
                    day,
                    score: score as u8,
                    count,
                })
        })
        .collect();
    rows_out.sort();
    let data = FileData {
        scores: Vec::new(),
        key_names: plan.key_names.clone(),
        kept: vec![Vec::new(); plan.keep.len()],
        days: plan.date.map(|_| Vec::new()),
        ids: Vec::new(),
        weights: Vec::new(),
        groups: rows_out,
    };
    (rows, date_report, data)
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::cli::Where;
    use crate::ingest::{columns::Overrides, record_scan};

    fn options(path: &Path) -> Options {
        Options {
            files: vec![path.to_path_buf()],
            format: None,
            preset: None,
            delimiter: None,
            encoding: None,
            overrides: Overrides::default(),
            strict: false,
            keep: Vec::new(),
            need_dates: false,
            need_ids: false,
            date_order: None,
            tz: chrono_tz::UTC,
            filters: Vec::new(),
            since: None,
            until: None,
            dedupe: None,
            weight: None,
            quiet: true,
        }
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
    fn grouped(data: &FileData, with_days: bool) -> Vec<GroupRow> {
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

    fn without_pass(report: &SourceReport) -> serde_json::Value {
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
                (Ok(Err(why)), _) => declined.push((variant, why)),
                (Ok(Ok((report, data))), Ok((expected, expected_data))) => {
                    assert_eq!(without_pass(&report), without_pass(&expected), "{context}");
                    assert_eq!(
                        grouped(&data, o.need_dates),
                        grouped(&expected_data, o.need_dates),
                        "{context}"
                    );
                    assert_eq!(data.key_names, expected_data.key_names, "{context}");
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
        for line_end in ["\n", "\r\n"] {
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
            ("id,score\r1,9\r2,3\r", "lone CR"),
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
}
