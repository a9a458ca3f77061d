//! Delimited text (CSV, TSV, `;`) counted in parallel: detection on a prefix, chunks cut where a
//! record starts (quote parity), a strict RFC 4180 splitter per chunk.

use std::borrow::Cow;

use rayon::prelude::*;

use super::merge::Merger;
use super::tally::{chunk_text, read_date, Context, DateMemo, Tally};
use super::{count_in_windows, longer_prefix, utf8_report, Detection, NotFast, CHUNK};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::options::Options;
use crate::ingest::plan::{plan, Plan};
use crate::ingest::records::{self, LineCounter, HEAD_RECORDS};
use crate::ingest::report::{FileData, Reading, SourceReport};

/// Count delimited UTF-8 text (`body`, BOM removed) in parallel, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    name: String,
    body: &[u8],
    bom: bool,
    format: InputFormat,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    let Detection::Found(detected) = detect(options, &name, body, format, true)? else {
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
    // One counter for the whole scan: each window's rows go on from the last window's (a
    // counter per window would count from the top each time).
    let counter = std::sync::Mutex::new(LineCounter::new(body));
    let lines = || {
        |at: usize| {
            counter
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .line_at(at)
        }
    };
    let mut merger = Merger::new(options, &plan);
    let mut absorb = |mut tallies: Vec<Tally>| merger.absorb(lines, &mut tallies);
    if let Err(why) = count_windows(&context, &grammar, body, data_start, CHUNK, &mut absorb) {
        return Ok(Err(why));
    }
    let (rows, date_report, data) = merger.finish();
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

pub(super) struct Detected {
    pub(super) plan: Plan,
    pub(super) delimiter: u8,
    /// Offset of the first data record in `body`.
    pub(super) data_start: usize,
    /// Fields per record.
    pub(super) columns: usize,
}

/// Detection on a prefix of the input holding the first `HEAD_RECORDS` records, parsed with the
/// record pass's own code. `complete`: `body` is the whole input (else a stream's prefix, which
/// may end inside a record).
pub(super) fn detect(
    options: &Options,
    name: &str,
    body: &[u8],
    format: InputFormat,
    complete: bool,
) -> Result<Detection<Detected>, Error> {
    // At least 1 MiB: the delimiter is sniffed on the first 256 KiB, as for the whole text.
    let mut take = 1usize << 20;
    loop {
        let mut cut = body.len().min(take);
        while cut < body.len() && cut > 0 && (body[cut] & 0xC0) == 0x80 {
            cut -= 1; // back to the start of a UTF-8 sequence
        }
        let whole = cut == body.len() && complete;
        let Ok(text) = std::str::from_utf8(&body[..cut]) else {
            return Ok(Detection::NotPlain);
        };
        if memchr::memchr(0, text.as_bytes()).is_some() {
            return Ok(Detection::NotPlain);
        }
        let parsed = records::parse_text(name, text.to_string(), format, options.delimiter)?;
        let Some(delimiter) = parsed.delimiter() else {
            return Ok(Detection::NotPlain);
        };
        let Ok(head) = parsed.head(name, HEAD_RECORDS + 1) else {
            return Ok(Detection::NotPlain);
        };
        if !whole && head.len() <= HEAD_RECORDS {
            match longer_prefix(&mut take, body.len(), complete) {
                Some(detection) => return Ok(detection),
                None => continue,
            }
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
            return Ok(Detection::NotPlain);
        }
        let data_start = match head.get(header_rows) {
            Some(first) => first.position().map_or(0, |p| p.byte() as usize),
            None => body.len(),
        };
        return Ok(Detection::Found(Detected {
            plan,
            delimiter,
            data_start,
            columns,
        }));
    }
}

/// How a chunk of delimited text splits into records.
pub(super) struct Grammar {
    /// Fields per record.
    pub(super) columns: usize,
    pub(super) delimiter: u8,
    /// Bytes that end an unquoted field or make it irregular.
    pub(super) special: [bool; 256],
}

pub(super) fn special_bytes(delimiter: u8) -> [bool; 256] {
    let mut table = [false; 256];
    for b in [delimiter, b'\n', b'\r', b'"'] {
        table[b as usize] = true;
    }
    table
}

/// Count every chunk of `body[data_start..]` in parallel; tallies in file order.
pub(super) fn count(
    context: &Context,
    grammar: &Grammar,
    body: &[u8],
    data_start: usize,
    chunk: usize,
) -> Result<Vec<Tally>, NotFast> {
    let mut all = Vec::new();
    count_windows(context, grammar, body, data_start, chunk, &mut |t| {
        all.extend(t)
    })?;
    Ok(all)
}

/// [`count`], handing the tallies to `absorb` a window of chunks at a time, in input order: what
/// a chunk keeps grows with its rows' variety (a comment key, a `--by` value), so keeping every
/// chunk's tally until the end would make memory grow with the file.
pub(super) fn count_windows(
    context: &Context,
    grammar: &Grammar,
    body: &[u8],
    data_start: usize,
    chunk: usize,
    absorb: &mut (dyn FnMut(Vec<Tally>) + Send),
) -> Result<(), NotFast> {
    let length = body.len().saturating_sub(data_start);
    let chunks = length.div_ceil(chunk).max(1);
    let nominal = |i: usize| (data_start + i * chunk).min(body.len());
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
                b'\r' if !inside && body.get(at + 1) != Some(&b'\n') => return at + 1,
                _ => {}
            }
        }
        body.len()
    };
    count_in_windows(
        chunks,
        |i| {
            let (start, end) = (record_start(i), record_start(i + 1));
            tally_chunk(context, grammar, body, start, end.max(start))
        },
        absorb,
    )
}

/// One field of a record: its bytes, and whether they hold doubled quotes to undo.
#[derive(Debug, Clone, Copy)]
struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) escaped: bool,
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
            // A lone CR ends a record too, as in the csv crate (old Mac exports).
            Some(b'\r') => return Ok(pos + 1),
            Some(_) => return Err("a quote inside a field, or text after a closing quote"),
        }
    }
}

/// Count the records of `body[start..end]` (which starts at a record and ends after one).
pub(super) fn tally_chunk(
    context: &Context,
    grammar: &Grammar,
    body: &[u8],
    start: usize,
    end: usize,
) -> Result<Tally, NotFast> {
    let chunk = chunk_text(&body[start..end])?;
    let mut tally = Tally::for_chunk(context, end - start);
    let mut spans = Vec::with_capacity(grammar.columns);
    let mut key = Vec::with_capacity(context.plan.keep.len() + 2);
    let mut memo = DateMemo::default();
    let mut pos = start;
    // Empty lines are skipped, as the csv crate does — except in a one-column file, where an
    // empty line is a record with one empty field, as the record pass reads it
    // (`records::empty_lines`): `split_record` then reads it as one empty field.
    let skip_empty = grammar.columns != 1;
    while pos < end {
        match body[pos] {
            _ if !skip_empty => {}
            b'\n' => {
                pos += 1;
                continue;
            }
            b'\r' if body.get(pos + 1) == Some(&b'\n') => {
                pos += 2;
                continue;
            }
            b'\r' => {
                pos += 1;
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
