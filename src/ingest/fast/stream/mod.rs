//! The streaming pass: standard input, gzip and zstd inputs (and text in another encoding than
//! UTF-8) counted block by block in bounded memory, with the parallel pass's own chunk code.
//!
//! ## How
//!
//! 1. [`Blocks`] reads and decompresses the input on a thread of its own, a few blocks ahead.
//! 2. The first bytes decide the format and the encoding as for a file: `--encoding`, else a
//!    byte-order mark, else UTF-8 — or Windows-1252 when the prefix is not UTF-8. Detection then
//!    plans from a prefix holding the first `HEAD_RECORDS` records (`delimited::detect`, the
//!    record pass's own code), and the stream goes on from there: nothing is read twice.
//! 3. The text held is cut after its last complete record (quote parity from a record start, as
//!    the parallel pass cuts chunks; never between a CR and its LF) and counted in parallel chunks
//!    while the reader thread decompresses the next block; the rest is carried into the next
//!    block. Tallies are merged as they come ([`Merger`]), so memory holds a few blocks and the
//!    groups, whatever the input's length.
//!
//! ## Declining, and what a stream cannot take back
//!
//! Until the first block has been counted, every raw byte read is kept. If the input is not
//! delimited text or flat NDJSON (a JSON array, Parquet), or if a chunk of the first block
//! refuses anything (an irregular quote, a ragged row, `--strict`
//! meeting an invalid score, slash dates without `--date-format`…), the pass declines and hands
//! those bytes and the rest of the input to the record pass, which reads it whole and decides
//! everything. Every input whose first block holds all of it (8 MiB of text, or more when
//! detection needed a longer prefix) is therefore read exactly as a file would be. The same
//! when quote parity finds no record end in two blocks (a quote inside an unquoted field flips
//! it): declined in the first block, read record by record after it.
//!
//! After the first block the stream cannot start over, so nothing is declined. A block that a
//! chunk refuses is read again, and so is the rest of the input, record by record with csv-core
//! (the state machine under the csv crate the record pass uses, so irregular quoting reads the
//! same), and the stream gives the record pass's errors itself, in the record pass's order:
//! a ragged row or a quote never closed, then the first invalid score under `--strict`. Errors
//! come in input order: a ragged row is reported before a NUL byte or a damaged gzip further on,
//! where a file, decoded whole first, reports those first. Two cases differ from a file, and
//! say so: slash dates first met after the first block (a file
//! decides their day order from the whole column: give `--date-format`), and text that stops
//! being UTF-8 after non-ASCII UTF-8 text (a file would be read whole as Windows-1252: give
//! `--encoding`); a stream that was ASCII until then is read on as Windows-1252, which is what
//! reading it whole would have given.

use std::borrow::Cow;
use std::path::Path;

use super::delimited::{self, count, special_bytes, Detected, Grammar};
use super::merge::Merger;
use super::ndjson::{self, Keys};
use super::tally::{read_date, Context, DateMemo, Tally, SLASH_DATES, STRICT_INVALID};
use super::{Detection, NotFast, MAX_PREFIX};
use crate::cli::InputFormat;
use crate::error::{Error, Location};
use crate::ingest::blocks::Blocks;
use crate::ingest::options::Options;
use crate::ingest::plan::Plan;
use crate::ingest::records::{line_breaks, LineCounter};
use crate::ingest::report::{FileData, Reading, SourceReport};
use crate::ingest::score;
use crate::ingest::source::{self, RawInput};
use decoding::Decoding;
use lines::LineByLine;
use sequential::Sequential;

mod decoding;
mod lines;
mod sequential;

/// Text is counted in blocks of about this size: large enough for every core to get chunks,
/// small enough that a few of them are little memory. Unit tests use 16 KiB so that small
/// inputs cross many block boundaries.
pub(super) const BLOCK: usize = if cfg!(test) { 16 << 10 } else { 8 << 20 };

/// Chunks of a block counted in parallel.
const CHUNK: usize = if cfg!(test) { 4 << 10 } else { 1 << 20 };

/// A record longer than this is not a survey response but a quote never closed: the stream
/// stops there rather than hold the rest of its input (1 MiB in unit tests).
const MAX_RECORD: usize = if cfg!(test) { 1 << 20 } else { MAX_PREFIX };

/// Raw bytes read before the format and encoding are decided.
const SNIFF: usize = 64 << 10;

#[cfg(test)]
mod tests;

#[cfg(test)]
thread_local! {
    /// The most text the pass held at once on this thread, for the memory test.
    static HELD: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What the streaming pass made of an input.
pub(crate) enum Streamed {
    /// Counted.
    Done(Box<(SourceReport, FileData)>),
    /// Declined before anything was let go: the whole input, read, for the record pass.
    Declined(NotFast, RawInput),
}

/// Count `path` (`-` for stdin) as a stream. `progress` is told the compressed bytes and the
/// records read so far, after every block.
pub(crate) fn scan(
    options: &Options,
    path: &Path,
    progress: &dyn Fn(u64, u64),
) -> Result<Streamed, Error> {
    let mut blocks = Blocks::open(path, BLOCK)?;
    let name = blocks.name().to_string();
    let compression = blocks.compression().map(|c| c.name());
    let mut raw: Vec<u8> = Vec::new();
    let mut eof = false;
    while raw.len() < SNIFF && !eof {
        match blocks.next_block()? {
            Some(block) => raw.extend_from_slice(&block),
            None => eof = true,
        }
    }
    let decline = |why: NotFast, raw: Vec<u8>, blocks: Blocks| -> Result<Streamed, Error> {
        let bytes = blocks.read_rest(raw)?;
        let name = name.clone();
        Ok(Streamed::Declined(
            why,
            RawInput {
                name,
                bytes,
                compression,
            },
        ))
    };
    let format = source::detect_format(&name, &raw[..raw.len().min(SNIFF)], options.format)?;
    if !matches!(
        format,
        InputFormat::Csv | InputFormat::Tsv | InputFormat::Ndjson
    ) {
        return decline("a JSON array or Parquet file is read whole", raw, blocks);
    }
    let (mut decoding, bom_len) = Decoding::new(&raw, options.encoding, eof);
    let mut text = Vec::with_capacity(2 * BLOCK);
    decoding.append(&name, &raw[bom_len..], eof, &mut text)?;
    let found = loop {
        let detection = if format == InputFormat::Ndjson {
            ndjson::detect(options, &name, &text, eof)?.map(Found::Lines)
        } else {
            delimited::detect(options, &name, &text, format, eof)?.map(Found::Delimited)
        };
        match detection {
            Detection::Found(found) => break found,
            Detection::PlanFails => return decline(super::PLAN_FAILS, raw, blocks),
            Detection::NotPlain => {
                // Binary data is the record pass's error too, and reading all of it first
                // could take forever (`nps score /dev/zero`).
                if let Some(error) = decoding.binary(&name, &text) {
                    return Err(error);
                }
                return decline(
                    "the first records are not plain delimited text or flat NDJSON",
                    raw,
                    blocks,
                );
            }
            Detection::NeedMore => match blocks.next_block()? {
                Some(block) => {
                    decoding.append(&name, &block, false, &mut text)?;
                    raw.extend_from_slice(&block);
                }
                None => {
                    eof = true;
                    decoding.append(&name, &[], true, &mut text)?;
                }
            },
        }
    };
    let (plan, shape, data_start) = match found {
        Found::Delimited(Detected {
            plan,
            delimiter,
            data_start,
            columns,
        }) => (plan, Some((delimiter, columns)), data_start),
        Found::Lines(plan) => (plan, None, 0),
    };
    let Some(score) = plan.score else {
        return decline("no score column", raw, blocks);
    };
    let context = Context::new(options, &plan, score);
    let mut records = match shape {
        Some((delimiter, columns)) => Records::Delimited {
            grammar: Grammar {
                columns,
                delimiter,
                special: special_bytes(delimiter),
            },
            slow: None,
        },
        None => Records::Lines {
            keys: Keys::new(&context),
            slow: None,
        },
    };
    let mut merger = Merger::new(options, &plan);
    let mut start = data_start;
    if start > 0 && text[start - 1] == b'\r' && text.get(start) == Some(&b'\n') {
        start += 1; // never between a CR and its LF
    }
    let mut at = Position {
        line: 1,
        feeds: 0,
        offset: 0,
    };
    records.advance(&mut at, &text[..start]);
    decoding.saw(&text[..start]);
    text.drain(..start);
    // The raw bytes read so far, while the pass may still decline.
    let mut kept = Some(raw);
    // How much text to hold before counting: more than a block while no record is complete.
    let mut wanted = BLOCK;
    loop {
        while !eof && text.len() < wanted {
            match blocks.next_block()? {
                Some(block) => {
                    decoding.append(&name, &block, false, &mut text)?;
                    if let Some(raw) = kept.as_mut() {
                        raw.extend_from_slice(&block);
                    }
                }
                None => {
                    eof = true;
                    decoding.append(&name, &[], true, &mut text)?;
                }
            }
        }
        #[cfg(test)]
        HELD.with(|held| held.set(held.get().max(text.len())));
        if eof && text.is_empty() {
            break;
        }
        let consumed = if records.slow() {
            decoding.check(&name, &mut text, at, eof)?;
            let consumed = records.read_slowly(&context, &name, &text, at, eof, &mut merger)?;
            decoding.saw(&text[..consumed]);
            consumed
        } else {
            let cut = records.cut(&text, eof);
            if cut == 0 {
                if text.len() > 2 * BLOCK {
                    // No record ends where quote parity says over two blocks: a quote inside
                    // an unquoted field (`12" pizza`) has flipped it. Only a record-by-record
                    // reading knows; before the first block is counted, the record pass's.
                    let why = "quote parity finds no record end (a quote inside a field?)";
                    if let Some(raw) = kept.take() {
                        return decline(why, raw, blocks);
                    }
                    if !decoding.check(&name, &mut text, at, eof)? {
                        records.slow_from(why, at.line);
                    }
                    continue;
                }
                wanted = text.len() + BLOCK;
                continue;
            }
            match records.count(&context, &text[..cut]) {
                Ok(mut tallies) => {
                    records.absorb(&mut merger, &text[..cut], at.line, &mut tallies);
                    kept = None;
                    decoding.saw(&text[..cut]);
                    cut
                }
                Err(why) => match kept.take() {
                    Some(raw) => return decline(why, raw, blocks),
                    None => {
                        if !decoding.check(&name, &mut text, at, eof)? {
                            records.slow_from(why, at.line);
                        }
                        continue; // the same text again, transcoded or record by record
                    }
                },
            }
        };
        wanted = if consumed == 0 {
            text.len() + BLOCK
        } else {
            BLOCK
        };
        records.advance(&mut at, &text[..consumed]);
        text.drain(..consumed);
        progress(blocks.bytes_in(), merger.rows_read());
        if text.len() > MAX_RECORD + BLOCK {
            return Err(too_long(&name, at.line));
        }
    }
    let delimiter = records.delimiter();
    let mut pass = "stream".to_string();
    if let Some(slowly) = records.finish()? {
        pass.push_str(&slowly);
    }
    if let Some(line) = decoding.switched {
        pass.push_str(&format!(", read as Windows-1252 from line {line}"));
    }
    let (rows, date_report, data) = merger.finish();
    let reading = Reading {
        format,
        compression,
        encoding: Some(decoding.report()),
        delimiter,
        pass,
        notes: Vec::new(),
    };
    drop(context);
    let report = plan.report(reading, rows, date_report);
    Ok(Streamed::Done(Box::new((report, data))))
}

/// A record that never ends: memory is not given to it.
fn too_long(name: &str, line: u64) -> Error {
    Error::Data {
        file: name.to_string(),
        location: Some(Location::Line(line)),
        column: None,
        message: format!(
            "a record longer than {} MiB starts here: a quoted field that opens and is never closed? Close the quote (a quote inside a field is written \"\")",
            MAX_RECORD >> 20
        ),
    }
}

/// What detection found, by format.
enum Found {
    Delimited(Detected),
    Lines(Plan),
}

/// The records of a stream, by format: where the complete ones end, how they are counted in
/// parallel and numbered, and how they are read one by one once a chunk has refused a block.
// One per input, never in a collection: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum Records<'p> {
    Delimited {
        grammar: Grammar,
        slow: Option<Sequential>,
    },
    Lines {
        keys: Keys<'p>,
        slow: Option<LineByLine>,
    },
}

impl Records<'_> {
    /// The end of the complete records of `text` (all of it at the `last` block); 0 when none.
    fn cut(&self, text: &[u8], last: bool) -> usize {
        match self {
            _ if last => text.len(),
            Records::Delimited { .. } => record_cut(text),
            Records::Lines { .. } => memchr::memrchr(b'\n', text).map_or(0, |k| k + 1),
        }
    }

    /// Count whole records in parallel chunks.
    fn count(&self, context: &Context, text: &[u8]) -> Result<Vec<Tally>, NotFast> {
        match self {
            Records::Delimited { grammar, .. } => count(context, grammar, text, 0, CHUNK),
            Records::Lines { keys, .. } => ndjson::count(context, keys, text, CHUNK),
        }
    }

    /// Move `at` past `text`: its lines as the record pass numbers records (NDJSON: at LF only),
    /// its line feeds, its bytes.
    fn advance(&self, at: &mut Position, text: &[u8]) {
        let (feeds, lone_returns) = line_breaks(text);
        at.line += match self {
            Records::Delimited { .. } => feeds + lone_returns,
            Records::Lines { .. } => feeds,
        };
        at.feeds += feeds;
        at.offset += text.len() as u64;
    }

    /// Merge the tallies of `text`, whose first line is `first`.
    fn absorb(&self, merger: &mut Merger, text: &[u8], first: u64, tallies: &mut [Tally]) {
        match self {
            Records::Delimited { .. } => merger.absorb(
                || {
                    let mut lines = LineCounter::starting_at(text, first);
                    move |offset| lines.line_at(offset)
                },
                tallies,
            ),
            Records::Lines { .. } => merger.absorb(|| ndjson::line_counter(text, first), tallies),
        }
    }

    fn slow(&self) -> bool {
        match self {
            Records::Delimited { slow, .. } => slow.is_some(),
            Records::Lines { slow, .. } => slow.is_some(),
        }
    }

    /// Read record by record from `line` on, because a chunk refused (`why`).
    fn slow_from(&mut self, why: NotFast, line: u64) {
        match self {
            Records::Delimited { grammar, slow } => {
                *slow = Some(Sequential::new(grammar.delimiter, why, line))
            }
            Records::Lines { slow, .. } => *slow = Some(LineByLine::new(why, line)),
        }
    }

    /// Count the complete records of `text` one by one; return where they end.
    fn read_slowly(
        &mut self,
        context: &Context,
        name: &str,
        text: &[u8],
        at: Position,
        last: bool,
        merger: &mut Merger,
    ) -> Result<usize, Error> {
        match self {
            Records::Delimited {
                grammar,
                slow: Some(reader),
            } => reader.block(context, grammar, name, text, at, last, merger),
            Records::Lines {
                keys,
                slow: Some(reader),
            } => reader.block(context, keys, name, text, at, last, merger),
            _ => Ok(0),
        }
    }

    fn delimiter(&self) -> Option<u8> {
        match self {
            Records::Delimited { grammar, .. } => Some(grammar.delimiter),
            Records::Lines { .. } => None,
        }
    }

    /// The error kept for the end (an invalid score under `--strict`), or how the pass went
    /// record by record, for the report.
    fn finish(self) -> Result<Option<String>, Error> {
        match self {
            Records::Delimited {
                slow: Some(reader), ..
            } => reader.one.finish().map(Some),
            Records::Lines {
                slow: Some(reader), ..
            } => reader.one.finish().map(Some),
            _ => Ok(None),
        }
    }
}

/// What reading one record at a time keeps, whatever the format.
pub(super) struct OneByOne {
    memo: DateMemo,
    key: Vec<u32>,
    /// The first invalid score under `--strict`: reported at the end, after any error in the
    /// text itself, in the record pass's order.
    strict: Option<Error>,
    /// The line from which records are read one by one, and why.
    since: (u64, NotFast),
}

impl OneByOne {
    fn new(why: NotFast, line: u64) -> Self {
        OneByOne {
            memo: DateMemo::default(),
            key: Vec::new(),
            strict: None,
            since: (line, why),
        }
    }

    /// Judge one record into `tally` (its cells by `cell`, its first byte at `start`, on
    /// `line`): what a chunk would refuse is the record pass's error for it here.
    fn judge<'c>(
        &mut self,
        context: &Context,
        name: &str,
        tally: &mut Tally,
        cell: impl Fn(usize) -> Cow<'c, str>,
        start: usize,
        line: u64,
    ) -> Result<(), Error> {
        let memo = &mut self.memo;
        let judged = tally.rows(
            context,
            &cell,
            |t: &Cow<str>| read_date(context, t.trim(), memo),
            Some(start),
            1,
            &mut self.key,
        );
        match judged {
            Ok(()) => Ok(()),
            Err(why) => refusal(
                context,
                name,
                line,
                why,
                &cell(context.score),
                &mut self.strict,
            ),
        }
    }

    /// The error kept for the end, or how the pass went, for the report.
    fn finish(self) -> Result<String, Error> {
        if let Some(error) = self.strict {
            return Err(error);
        }
        let (line, why) = self.since;
        Ok(format!(", record by record from line {line} ({why})"))
    }
}

/// A chunk's refusal of one record, met where the stream reads record by record: an invalid
/// score under `--strict` is kept for the end (the record pass reports errors in the text
/// itself first); anything else is the record's error now.
fn refusal(
    context: &Context,
    name: &str,
    line: u64,
    why: NotFast,
    score: &str,
    strict: &mut Option<Error>,
) -> Result<(), Error> {
    if why == STRICT_INVALID {
        if strict.is_none() {
            *strict = Some(score::strict_error(
                name,
                Location::Line(line),
                &context.plan.score_column,
                score,
            ));
        }
        return Ok(());
    }
    let plan = context.plan;
    Err(Error::Data {
        file: name.to_string(),
        location: Some(Location::Line(line)),
        column: (why == SLASH_DATES)
            .then(|| plan.date.map(|i| plan.layout.columns[i].name.clone()))
            .flatten(),
        message: if why == SLASH_DATES {
            "a date written with slashes, first met after the start of a stream, whose day order cannot be decided from the whole column as for a file; give --date-format mdy or --date-format dmy".into()
        } else {
            format!("cannot be counted in a stream ({why}); save the input to a file and run again")
        },
    })
}

/// Where the text held starts in the input.
#[derive(Debug, Clone, Copy)]
struct Position {
    /// Its line, as the pass numbers records (LF, CRLF or a lone CR end a line; NDJSON: LF).
    line: u64,
    /// Line feeds before it (the record pass numbers encoding errors at each LF).
    feeds: u64,
    /// Its offset in the decoded text.
    offset: u64,
}

/// The end of the last complete record of `text` (which starts at a record): after its last
/// line end outside quotes, counting quotes from the start. 0 when no record is complete. A CR
/// that ends `text` is not taken: an LF may follow in the next block.
fn record_cut(text: &[u8]) -> usize {
    let mut quotes_after = 0usize;
    let total = memchr::memchr_iter(b'"', text).count();
    let mut end = text.len();
    while let Some(k) = memchr::memrchr2(b'\n', b'\r', &text[..end]) {
        quotes_after += memchr::memchr_iter(b'"', &text[k + 1..end]).count();
        end = k;
        if (total - quotes_after) % 2 != 0 {
            continue; // inside a quoted field
        }
        if text[k] == b'\r' && k + 1 == text.len() {
            continue;
        }
        return k + 1;
    }
    0
}

/// The longest prefix of `bytes` that is UTF-8 (a block may end inside a character).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}
