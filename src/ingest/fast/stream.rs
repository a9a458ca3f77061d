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
//! delimited text, if the command needs each response (`--dedupe`, `--weight`, `--paired`), or
//! if a chunk of the first block refuses anything (an irregular quote, a ragged row, `--strict`
//! meeting an invalid score, slash dates without `--date-format`…), the pass declines and hands
//! those bytes and the rest of the input to the record pass, which reads it whole and decides
//! everything. Every input whose first block holds all of it (at least 1 MiB) is therefore read
//! exactly as a file would be.
//!
//! After the first block the stream cannot start over, so nothing is declined. A block that a
//! chunk refuses is read again, and so is the rest of the input, record by record with csv-core
//! (the state machine under the csv crate the record pass uses, so irregular quoting reads the
//! same), and the stream gives the record pass's errors itself, in the record pass's order:
//! a ragged row or a quote never closed, then the first invalid score under `--strict`. Two
//! cases differ from a file, and say so: slash dates first met after the first block (a file
//! decides their day order from the whole column: give `--date-format`), and text that stops
//! being UTF-8 after non-ASCII UTF-8 text (a file would be read whole as Windows-1252: give
//! `--encoding`); a stream that was ASCII until then is read on as Windows-1252, which is what
//! reading it whole would have given.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use rayon::prelude::*;

use super::delimited::{self, count, special_bytes, Detected, Grammar};
use super::tally::{read_date, Context, DateMemo, Merger, Tally, SLASH_DATES, STRICT_INVALID};
use super::{Detection, NotFast, MAX_PREFIX};
use crate::cli::InputFormat;
use crate::error::{Error, Location};
use crate::ingest::blocks::{Blocks, TextDecoder};
use crate::ingest::options::Options;
use crate::ingest::records::{self, line_ends, LineCounter};
use crate::ingest::report::{FileData, Reading, SourceReport};
use crate::ingest::score;
use crate::ingest::source::{self, EncodingReport, RawInput};

/// Text is counted in blocks of about this size: large enough for every core to get chunks,
/// small enough that a few of them are little memory. Unit tests use 16 KiB so that small
/// inputs cross many block boundaries.
pub(super) const BLOCK: usize = if cfg!(test) { 16 << 10 } else { 8 << 20 };

/// Chunks of a block counted in parallel.
const CHUNK: usize = if cfg!(test) { 4 << 10 } else { 1 << 20 };

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
    if !matches!(format, InputFormat::Csv | InputFormat::Tsv) {
        return decline("only delimited text is streamed", raw, blocks);
    }
    if options.dedupe.is_some() || options.weight.is_some() || options.need_ids {
        return decline(
            "--dedupe, --weight and --paired need every response, not counts",
            raw,
            blocks,
        );
    }
    let (mut decoding, bom_len) = Decoding::new(&raw, options.encoding, eof);
    let mut text = Vec::with_capacity(2 * BLOCK);
    decoding.append(&name, &raw[bom_len..], eof, &mut text)?;
    let detected = loop {
        match delimited::detect(options, &name, &text, format, eof)? {
            Detection::Found(found) => break found,
            Detection::NotPlain => {
                return decline(
                    "the first records are not plain delimited text",
                    raw,
                    blocks,
                )
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
    let Detected {
        plan,
        delimiter,
        data_start,
        columns,
    } = detected;
    let Some(score) = plan.score else {
        return decline("no score column", raw, blocks);
    };
    let context = Context::new(options, &plan, score);
    let grammar = Grammar {
        columns,
        delimiter,
        special: special_bytes(delimiter),
    };
    let mut merger = Merger::new(options, &plan);
    let mut start = data_start;
    if start > 0 && text[start - 1] == b'\r' && text.get(start) == Some(&b'\n') {
        start += 1; // never between a CR and its LF
    }
    let mut at = Position {
        line: 1 + line_ends(&text[..start]),
        offset: start as u64,
    };
    text.drain(..start);
    // The raw bytes read so far, while the pass may still decline.
    let mut kept = Some(raw);
    let mut sequential: Option<Sequential> = None;
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
        let consumed = match sequential.as_mut() {
            Some(reader) => {
                decoding.check(&name, &mut text, at, eof)?;
                reader.block(&context, &grammar, &name, &text, at, eof, &mut merger)?
            }
            None => {
                let cut = if eof { text.len() } else { record_cut(&text) };
                if cut == 0 {
                    wanted = text.len() + BLOCK;
                    continue;
                }
                match count(&context, &grammar, &text[..cut], 0, CHUNK) {
                    Ok(tallies) => {
                        merger.absorb(
                            || {
                                let mut lines = LineCounter::starting_at(&text[..cut], at.line);
                                move |offset| lines.line_at(offset)
                            },
                            &tallies,
                        );
                        kept = None;
                        decoding.saw(&text[..cut]);
                        cut
                    }
                    Err(why) => match kept.take() {
                        Some(raw) => return decline(why, raw, blocks),
                        None => {
                            if !decoding.check(&name, &mut text, at, eof)? {
                                sequential = Some(Sequential::new(delimiter, why, at.line));
                            }
                            continue; // the same text again, transcoded or record by record
                        }
                    },
                }
            }
        };
        wanted = if consumed == 0 {
            text.len() + BLOCK
        } else {
            BLOCK
        };
        at.line += line_ends(&text[..consumed]);
        at.offset += consumed as u64;
        text.drain(..consumed);
        progress(blocks.bytes_in(), merger.rows_read());
        if text.len() > MAX_PREFIX + BLOCK {
            return Err(Error::Data {
                file: name.clone(),
                location: Some(Location::Line(at.line)),
                column: None,
                message: format!(
                    "a record longer than {} MiB starts here: a quoted field that opens and is never closed? Close the quote (a quote inside a field is written \"\")",
                    MAX_PREFIX >> 20
                ),
            });
        }
    }
    let mut pass = "stream".to_string();
    if let Some(reader) = sequential {
        if let Some(error) = reader.strict {
            return Err(error);
        }
        let (line, why) = reader.since;
        pass = format!("stream, record by record from line {line} ({why})");
    }
    if let Some(line) = decoding.switched {
        pass.push_str(&format!(", read as Windows-1252 from line {line}"));
    }
    let (rows, date_report, data) = merger.finish();
    let reading = Reading {
        format,
        compression,
        encoding: Some(decoding.report()),
        delimiter: Some(delimiter),
        pass,
        notes: Vec::new(),
    };
    drop(context);
    let report = plan.report(reading, rows, date_report);
    Ok(Streamed::Done(Box::new((report, data))))
}

/// Where the text held starts in the input.
#[derive(Debug, Clone, Copy)]
struct Position {
    /// Its line.
    line: u64,
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

/// How the input's bytes become text.
struct Decoding {
    encoding: &'static Encoding,
    reason: String,
    bom: bool,
    /// The transcoder, for every encoding but UTF-8 (passed through; chunks validate it).
    decoder: Option<TextDecoder>,
    /// UTF-8 chosen for want of a flag or a mark: text found not to be UTF-8 can still be read
    /// as Windows-1252 while all before it was ASCII.
    provisional: bool,
    /// All text counted so far was ASCII.
    ascii: bool,
    /// The line from which a provisional UTF-8 stream was read as Windows-1252.
    switched: Option<u64>,
    scratch: String,
}

impl Decoding {
    /// The decoding of an input whose first bytes are `head` (all of it when `complete`), and
    /// the length of its byte-order mark.
    fn new(head: &[u8], forced: Option<&'static Encoding>, complete: bool) -> (Self, usize) {
        let (mut encoding, reason, bom_len) = source::choose_encoding(head, forced);
        let provisional = forced.is_none() && bom_len == 0;
        let mut reason = reason.to_string();
        if provisional {
            if let Err(e) = simdutf8::compat::from_utf8(&head[bom_len..]) {
                // An invalid sequence, or one cut at the end of the whole input.
                if e.error_len().is_some() || complete {
                    encoding = WINDOWS_1252;
                    reason = source::windows_1252_reason(source::line_of(head, e.valid_up_to()));
                }
            }
        }
        let decoding = Decoding {
            encoding,
            reason,
            bom: bom_len > 0,
            decoder: (encoding != UTF_8).then(|| TextDecoder::new(encoding)),
            provisional: provisional && encoding == UTF_8,
            ascii: true,
            switched: None,
            scratch: String::new(),
        };
        (decoding, bom_len)
    }

    /// Append the text of `raw` (the next bytes of the input; `last`: the end) to `text`.
    fn append(
        &mut self,
        name: &str,
        raw: &[u8],
        last: bool,
        text: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(decoder) = self.decoder.as_mut() else {
            text.extend_from_slice(raw);
            return Ok(());
        };
        self.scratch.clear();
        decoder
            .decode(raw, last, &mut self.scratch)
            .map_err(|_| source::invalid_encoding_error(name, self.encoding))?;
        text.extend_from_slice(self.scratch.as_bytes());
        Ok(())
    }

    /// Note text that was counted: while it is all ASCII, a provisional UTF-8 stream may still
    /// turn out to be Windows-1252.
    fn saw(&mut self, text: &[u8]) {
        if self.provisional && self.ascii {
            self.ascii = text.par_chunks(1 << 20).all(<[u8]>::is_ascii);
        }
    }

    /// Check text that a chunk refused, starting at `at`: an error for bytes that are not text
    /// in this encoding (a NUL outside UTF-16, UTF-8 that is not valid), `Ok(true)` when the
    /// stream was switched to Windows-1252 (`text` then holds the transcoded text, to count
    /// again), `Ok(false)` when the text is fine.
    fn check(
        &mut self,
        name: &str,
        text: &mut Vec<u8>,
        at: Position,
        last: bool,
    ) -> Result<bool, Error> {
        let line_at = |k: usize, text: &[u8]| at.line + line_ends(&text[..k]);
        if !self.encoding.name().starts_with("UTF-16") {
            if let Some(k) = memchr::memchr(0, text) {
                return Err(source::binary_error(
                    name,
                    line_at(k, text),
                    at.offset + k as u64,
                ));
            }
        }
        if self.decoder.is_some() {
            return Ok(false);
        }
        let Err(e) = simdutf8::compat::from_utf8(text) else {
            return Ok(false);
        };
        if e.error_len().is_none() && !last {
            return Ok(false); // a character cut at the end of the block
        }
        let bad = e.valid_up_to();
        let line = line_at(bad, text);
        if !self.provisional {
            return Err(source::not_utf8_error(name, line));
        }
        if !(self.ascii && text[..bad].is_ascii()) {
            return Err(Error::Data {
                file: name.to_string(),
                location: Some(Location::Line(line)),
                column: None,
                message: "is not valid UTF-8 here, though the text before it is UTF-8 with accented letters; a stream is read in one encoding: give --encoding windows-1252 if the whole export is Windows-1252, or convert it to UTF-8".into(),
            });
        }
        // Windows-1252 maps every byte, and ASCII reads the same in both: the text counted so
        // far is what reading the whole input as Windows-1252 gives.
        let decoded = WINDOWS_1252
            .decode_without_bom_handling(text)
            .0
            .into_owned();
        *text = decoded.into_bytes();
        self.encoding = WINDOWS_1252;
        self.decoder = Some(TextDecoder::new(WINDOWS_1252));
        self.reason = source::windows_1252_reason(line);
        self.provisional = false;
        self.switched = Some(line);
        Ok(true)
    }

    fn report(&self) -> EncodingReport {
        EncodingReport {
            name: self.encoding.name(),
            bom: self.bom,
            reason: self.reason.clone(),
        }
    }
}

/// The rest of a stream read record by record with csv-core, after a chunk refused a block.
struct Sequential {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    memo: DateMemo,
    key: Vec<u32>,
    /// The first invalid score under `--strict`: reported at the end, after any error in the
    /// text itself, in the record pass's order.
    strict: Option<Error>,
    /// The line from which records are read one by one, and why.
    since: (u64, NotFast),
}

impl Sequential {
    fn new(delimiter: u8, why: NotFast, line: u64) -> Self {
        Sequential {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; 1 << 16],
            ends: vec![0; 64],
            memo: DateMemo::default(),
            key: Vec::new(),
            strict: None,
            since: (line, why),
        }
    }

    /// Count the complete records of `text`, which starts at a record on `at.line`; return
    /// where the first incomplete one starts (at the `last` block, every record is complete).
    #[allow(clippy::too_many_arguments)]
    fn block(
        &mut self,
        context: &Context,
        grammar: &Grammar,
        name: &str,
        text: &[u8],
        at: Position,
        last: bool,
        merger: &mut Merger,
    ) -> Result<usize, Error> {
        let mut tally = Tally::new(context.plan);
        let mut lines = LineCounter::starting_at(text, at.line);
        self.reader.reset();
        let (mut pos, mut record_start, mut out, mut end) = (0, 0, 0, 0);
        let consumed = loop {
            let (result, read, wrote, ended) = self.reader.read_record(
                &text[pos..],
                &mut self.output[out..],
                &mut self.ends[end..],
            );
            pos += read;
            out += wrote;
            end += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty if last => {}
                csv_core::ReadRecordResult::InputEmpty => break record_start,
                csv_core::ReadRecordResult::OutputFull => {
                    self.output.resize(self.output.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    let line = lines.line_at(record_start);
                    if end != grammar.columns {
                        // As the record pass: a quote opened here and left open to the end of
                        // the input is named instead. Only the last block holds that end; a
                        // quote that swallows the rest of a stream keeps its record open to it.
                        if last {
                            let text = utf8_prefix(text);
                            if let Some(open) =
                                records::unterminated_quote_from(text, at.line, record_start, b',')
                            {
                                return Err(records::unterminated_error(name, open));
                            }
                        }
                        return Err(records::unequal_lengths_error(
                            name,
                            line,
                            end,
                            grammar.columns,
                        ));
                    }
                    self.judge(context, name, record_start, line, end, &mut tally)?;
                    record_start = pos;
                    out = 0;
                    end = 0;
                }
                csv_core::ReadRecordResult::End => {
                    // As the record pass: the last record may hide a quote never closed.
                    let text = utf8_prefix(text);
                    if let Some(open) = records::unterminated_quote_from(
                        text,
                        at.line,
                        record_start,
                        grammar.delimiter,
                    ) {
                        return Err(records::unterminated_error(name, open));
                    }
                    break text.len();
                }
            }
        };
        merger.absorb(
            || {
                let mut lines = LineCounter::starting_at(text, at.line);
                move |offset| lines.line_at(offset)
            },
            std::slice::from_ref(&tally),
        );
        // A CR that ends the text may be half of a CRLF: leave it to the next block.
        if !last && consumed == text.len() && text.last() == Some(&b'\r') {
            return Ok(consumed - 1);
        }
        Ok(consumed)
    }

    /// Judge one record whose `fields` fields are in the output buffer.
    fn judge(
        &mut self,
        context: &Context,
        name: &str,
        record_start: usize,
        line: u64,
        fields: usize,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let Sequential {
            output,
            ends,
            memo,
            key,
            strict,
            ..
        } = self;
        let field = |i: usize| -> &str {
            if i >= fields {
                return "";
            }
            let start = if i == 0 { 0 } else { ends[i - 1] };
            let end = ends[i];
            // Fields of valid UTF-8 text split on ASCII bytes are valid UTF-8.
            std::str::from_utf8(&output[start..end]).unwrap_or_default()
        };
        let judged = tally.rows(
            context,
            |i| Cow::Borrowed(field(i)),
            |t: &Cow<str>| read_date(context, t.trim(), memo),
            Some(record_start),
            1,
            key,
        );
        match judged {
            Ok(()) => Ok(()),
            Err(why) if why == STRICT_INVALID => {
                if strict.is_none() {
                    *strict = Some(score::strict_error(
                        name,
                        Location::Line(line),
                        &context.plan.score_column,
                        field(context.score),
                    ));
                }
                Ok(())
            }
            Err(why) if why == SLASH_DATES => Err(Error::Data {
                file: name.to_string(),
                location: Some(Location::Line(line)),
                column: context.plan.date.map(|i| context.plan.layout.columns[i].name.clone()),
                message: "a date written with slashes, first met after the start of a stream, whose day order cannot be decided from the whole column as for a file; give --date-format mdy or --date-format dmy".into(),
            }),
            Err(why) => Err(Error::Data {
                file: name.to_string(),
                location: Some(Location::Line(line)),
                column: None,
                message: format!("cannot be counted in a stream ({why}); save the input to a file and run again"),
            }),
        }
    }
}

/// The longest prefix of `bytes` that is UTF-8 (a block may end inside a character).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}
