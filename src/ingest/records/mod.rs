//! Text and Parquet in, records out: the one place that parses input formats.
//!
//! Every format becomes the same thing, a [`Body`]: leading records (header rows) followed by data
//! records, each a [`csv::StringRecord`] with the [`Location`] a user can find it at. Presets and
//! column detection then work the same way on a Qualtrics CSV, an NDJSON stream or a Parquet file.
//!
//! Delimited text is kept as one string and parsed twice with the `csv` crate: once for the first
//! records (to recognise the layout and sample values) and once, streaming, for the full pass, so a
//! large file is never held as millions of small strings. Rows with a different number of fields
//! than the header are an error naming the line — never silently misaligned — and a quote that is
//! never closed is named by the line where it opens. Empty lines are skipped, except in a
//! one-column file, where each is a record with one empty field (a blank answer; see
//! [`empty_lines`]).
//!
//! JSON and NDJSON objects are flattened (`person.email`); keys appear in the order serde_json
//! yields them (alphabetical within an object), columns in order of first appearance.

use csv::StringRecord;

use crate::cli::InputFormat;
use crate::error::{Error, Location};

mod json;
pub(crate) mod json_text;
mod parquet;
pub(crate) mod parquet_columns;
pub(crate) mod parquet_footer;

pub(crate) use json::{json_error, not_an_object_error};
pub(crate) use parquet::parquet_guard;
pub use parquet::{parquet_records, parse_parquet};

/// How many records (header rows included) are parsed up front to recognise the layout and
/// sample each column's values.
pub const HEAD_RECORDS: usize = 1003;

/// A parsed input: header and data records, in file order.
#[derive(Debug)]
pub enum Body {
    /// Delimited text, parsed lazily.
    Delimited {
        /// UTF-8 text, BOM removed.
        text: String,
        /// The field delimiter.
        delimiter: u8,
    },
    /// Records already materialised (JSON, NDJSON, Parquet): the first is the header.
    Records(Vec<(Location, StringRecord)>),
}

impl Body {
    /// The first `limit` records, header rows included.
    pub fn head(&self, file: &str, limit: usize) -> Result<Vec<StringRecord>, Error> {
        match self {
            Body::Delimited { text, delimiter } => {
                let mut out = Vec::new();
                // Flexible here: the strict length check runs in the full pass, which reports
                // the exact line; a short head must not fail before the layout is known.
                let mut reader = DelimitedRecords::new(text, *delimiter, true);
                while out.len() < limit {
                    match reader.next() {
                        Ok(Some((record, _))) => out.push(record.clone()),
                        Ok(None) => break,
                        Err(e) => return Err(csv_error(file, text, e)),
                    }
                }
                Ok(out)
            }
            Body::Records(rows) => Ok(rows.iter().take(limit).map(|(_, r)| r.clone()).collect()),
        }
    }

    /// Visit every record after the first `skip`, in order, with its location.
    pub fn for_each(
        &self,
        file: &str,
        skip: usize,
        mut visit: impl FnMut(Location, &StringRecord) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self {
            Body::Delimited { text, delimiter } => {
                let mut reader = DelimitedRecords::new(text, *delimiter, false);
                let mut index = 0usize;
                let mut last_start = 0u64;
                let mut lines = LineCounter::new(text.as_bytes());
                loop {
                    let (record, empty) = match reader.next() {
                        Ok(Some(next)) => next,
                        Ok(None) => break,
                        Err(e) => return Err(csv_error(file, text, e)),
                    };
                    let byte = record.position().map_or(0, |p| p.byte());
                    let line = if empty {
                        lines.line_exact(byte as usize)
                    } else {
                        last_start = byte;
                        lines.line_at(byte as usize)
                    };
                    if index >= skip {
                        visit(Location::Line(line), record)?;
                    }
                    index += 1;
                }
                // A quote left open in the last field swallows the rest of the file without a
                // length mismatch; catch it by scanning the last record's raw text.
                if let Some(line) = unterminated_quote(text, last_start as usize, *delimiter) {
                    return Err(unterminated_error(file, line));
                }
                Ok(())
            }
            Body::Records(rows) => {
                for (loc, rec) in rows.iter().skip(skip) {
                    visit(*loc, rec)?;
                }
                Ok(())
            }
        }
    }

    /// The delimiter of delimited text.
    pub fn delimiter(&self) -> Option<u8> {
        match self {
            Body::Delimited { delimiter, .. } => Some(*delimiter),
            Body::Records(_) => None,
        }
    }
}

/// Physical line numbers from byte offsets, the way an editor counts them: `\n`, `\r\n` and a
/// lone `\r` each end a line. (The csv crate's own line count is one short after CRLF line
/// ends.) Offsets must be asked for in increasing order, so a whole file costs one pass.
pub(super) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(text: &'a [u8]) -> Self {
        Self::starting_at(text, 1)
    }

    /// A counter for `text` whose first byte is on line `first_line` (a block of a stream).
    pub(super) fn starting_at(text: &'a [u8], first_line: u64) -> Self {
        LineCounter {
            bytes: text,
            offset: 0,
            line: first_line,
        }
    }

    /// The line of the record that starts at `byte` (line breaks sitting at `byte` are skipped:
    /// a record never starts with one).
    pub(super) fn line_at(&mut self, byte: usize) -> u64 {
        let mut start = byte.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        self.line_exact(start)
    }

    /// The line holding `byte`, which may be a line break: the empty record of an empty line
    /// in a one-column file (see [`empty_lines`]) starts with one. Asked in increasing order,
    /// each byte is counted once; asked backwards (error paths, and a scan's examples after its
    /// rows), it counts back from where it stands.
    pub(super) fn line_exact(&mut self, byte: usize) -> u64 {
        let start = byte.min(self.bytes.len());
        if start >= self.offset {
            self.line += self.ends_between(self.offset, start);
        } else {
            self.line -= self.ends_between(start, self.offset);
        }
        self.offset = start;
        self.line
    }

    /// The line ends in `bytes[from..to]`: a `\n`, and a `\r` unless a `\n` follows it (even
    /// at `to`, past the slice), so that counts add up across any cut.
    fn ends_between(&self, from: usize, to: usize) -> u64 {
        let (feeds, lone_returns) = line_breaks(&self.bytes[from..to]);
        let cut_pair =
            to > from && self.bytes[to - 1] == b'\r' && self.bytes.get(to) == Some(&b'\n');
        feeds + lone_returns - u64::from(cut_pair)
    }
}

/// The line feeds in `bytes`, and the carriage returns not followed by one.
pub(super) fn line_breaks(bytes: &[u8]) -> (u64, u64) {
    let feeds = memchr::memchr_iter(b'\n', bytes).count();
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    (feeds as u64, lone_returns as u64)
}

/// The empty lines at `at` in delimited text, where a record may start (`at` is where the csv
/// reader stands after a record: the LF of its CRLF is skipped): the offset of each one's line
/// break, and the offset after them.
///
/// In a one-column file an empty line is a record with one empty field (a blank answer, as
/// Excel writes a blank cell); the csv crate (csv-core) skips empty lines, so every pass counts
/// them with this. The line break that ends the last record starts no record.
pub(crate) fn empty_lines(bytes: &[u8], mut at: usize) -> (Vec<usize>, usize) {
    if at > 0 && bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
        at += 1;
    }
    let mut empty = Vec::new();
    loop {
        match bytes.get(at) {
            Some(b'\n') => {
                empty.push(at);
                at += 1;
            }
            Some(b'\r') => {
                empty.push(at);
                at += if bytes.get(at + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            _ => return (empty, at),
        }
    }
}

/// The records of delimited text, in order: the csv crate's, and in a one-column file (whose
/// first record has one field) a record with one empty field for each empty line after the
/// first record ([`empty_lines`]). The records of a one-column file are positioned at their
/// first byte (the csv crate positions a record where it started looking for it).
struct DelimitedRecords<'a> {
    bytes: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: StringRecord,
    empty: StringRecord,
    /// Whether the file has one column; `None` before the first record.
    one_column: Option<bool>,
    /// Empty lines still to hand out before `record` (when `held`) or the end.
    pending: std::collections::VecDeque<usize>,
    held: bool,
    done: bool,
}

impl<'a> DelimitedRecords<'a> {
    fn new(text: &'a str, delimiter: u8, flexible: bool) -> Self {
        DelimitedRecords {
            bytes: text.as_bytes(),
            reader: csv_reader(text, delimiter, flexible),
            record: StringRecord::new(),
            empty: StringRecord::from(vec![""]),
            one_column: None,
            pending: std::collections::VecDeque::new(),
            held: false,
            done: false,
        }
    }

    /// The next record, and whether it is an empty line's.
    fn next(&mut self) -> Result<Option<(&StringRecord, bool)>, csv::Error> {
        loop {
            if let Some(at) = self.pending.pop_front() {
                let mut position = csv::Position::new();
                position.set_byte(at as u64);
                self.empty.set_position(Some(position));
                return Ok(Some((&self.empty, true)));
            }
            if self.held {
                self.held = false;
                return Ok(Some((&self.record, false)));
            }
            if self.done {
                return Ok(None);
            }
            let before = self.reader.position().byte() as usize;
            let more = self.reader.read_record(&mut self.record)?;
            match self.one_column {
                None if more => {
                    self.one_column = Some(self.record.len() == 1);
                    return Ok(Some((&self.record, false)));
                }
                Some(true) => {
                    let (empty, start) = empty_lines(self.bytes, before);
                    self.pending.extend(empty);
                    if more {
                        let mut position = self
                            .record
                            .position()
                            .cloned()
                            .unwrap_or_else(csv::Position::new);
                        position.set_byte(start as u64);
                        self.record.set_position(Some(position));
                    }
                }
                _ => {}
            }
            self.held = more;
            self.done = !more;
        }
    }
}

fn csv_reader(text: &str, delimiter: u8, flexible: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(flexible)
        .from_reader(text.as_bytes())
}

fn csv_error(file: &str, text: &str, e: csv::Error) -> Error {
    if let csv::ErrorKind::UnequalLengths {
        pos: Some(pos),
        expected_len,
        len,
    } = e.kind()
    {
        if let Some(line) = unterminated_quote(text, pos.byte() as usize, b',') {
            return unterminated_error(file, line);
        }
        let line = LineCounter::new(text.as_bytes()).line_at(pos.byte() as usize);
        return unequal_lengths_error(file, line, *len as usize, *expected_len as usize);
    }
    let location = e
        .position()
        .map(|p| Location::Line(LineCounter::new(text.as_bytes()).line_at(p.byte() as usize)));
    Error::Data {
        file: file.to_string(),
        location,
        column: None,
        message: format!("cannot be parsed as delimited text: {e}"),
    }
}

/// A row whose number of fields is not the header's.
pub(crate) fn unequal_lengths_error(file: &str, line: u64, len: usize, expected: usize) -> Error {
    Error::Data {
        file: file.to_string(),
        location: Some(Location::Line(line)),
        column: None,
        message: format!(
            "this row has {len} fields where the header has {expected}; a delimiter inside an unquoted field shifts the columns. Quote that field (or fix the row) and run again"
        ),
    }
}

/// A quoted field that opens on `line` and is never closed.
pub(crate) fn unterminated_error(file: &str, line: u64) -> Error {
    Error::Data {
        file: file.to_string(),
        location: Some(Location::Line(line)),
        column: None,
        message: "a quoted field opens here and is never closed, so the rest of the file would be read as one value; close the quote (a quote inside a field is written \"\")".into(),
    }
}

/// Scan the text from byte `start` (a record's first byte) to the end with the quoting rules of
/// RFC 4180; return the line where a still-open quoted field began, if one is open at the end.
///
/// Only used on one record (the last, or one whose length did not match), so its cost is nil.
fn unterminated_quote(text: &str, start: usize, delimiter: u8) -> Option<u64> {
    unterminated_quote_from(text, 1, start, delimiter)
}

/// [`unterminated_quote`] in `text` whose first byte is on line `first_line`.
pub(crate) fn unterminated_quote_from(
    text: &str,
    first_line: u64,
    start: usize,
    delimiter: u8,
) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut line = LineCounter::starting_at(bytes, first_line).line_at(start);
    let mut at_field_start = true;
    let mut open_since: Option<u64> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
        match open_since {
            Some(_) if b == b'"' => {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open_since = None;
                }
            }
            Some(_) => {}
            None if at_field_start && b == b'"' => open_since = Some(line),
            None => {}
        }
        // Any delimiter candidate ends a field; `,` is passed for the length-mismatch case,
        // where the exact delimiter does not change whether a quote is open at the end.
        at_field_start = open_since.is_none()
            && (b == delimiter
                || b == b','
                || b == b';'
                || b == b'\t'
                || b == b'|'
                || b == b'\n'
                || b == b'\r');
        i += 1;
    }
    open_since
}

/// Choose the delimiter of delimited text among `,` `;` tab `|`.
///
/// Each candidate parses the first records of a sample; the winner splits the header into the
/// most fields while keeping data rows the same length as the header. A file whose header has one
/// field under every candidate is a one-column file, read with `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut cut = text.len().min(256 * 1024);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let sample = &text[..cut];
    let truncated = cut < text.len();
    let mut best = (b',', 0usize, 0.0f64);
    for candidate in [b',', b';', b'\t', b'|'] {
        let mut reader = csv_reader(sample, candidate, true);
        let mut records: Vec<usize> = reader
            .records()
            .take(60)
            .filter_map(Result::ok)
            .map(|r| r.len())
            .collect();
        if truncated && records.len() > 1 {
            records.pop(); // the sample may end mid-record
        }
        let Some(&header) = records.first() else {
            continue;
        };
        let consistent = if records.len() > 1 {
            records[1..].iter().filter(|&&n| n == header).count() as f64
                / (records.len() - 1) as f64
        } else {
            1.0
        };
        if header > 1 && (consistent, header) > (best.2, best.1) {
            best = (candidate, header, consistent);
        }
    }
    best.0
}

/// Parse decoded text of the given format into a [`Body`].
pub fn parse_text(
    file: &str,
    text: String,
    format: InputFormat,
    delimiter: Option<u8>,
) -> Result<Body, Error> {
    match format {
        InputFormat::Csv => {
            let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));
            Ok(Body::Delimited { text, delimiter })
        }
        InputFormat::Tsv => Ok(Body::Delimited {
            text,
            delimiter: delimiter.unwrap_or(b'\t'),
        }),
        InputFormat::Json => json::parse_json_array(file, &text),
        InputFormat::Ndjson => json::parse_ndjson(file, &text),
        InputFormat::Parquet => Err(Error::data(
            file,
            "Parquet is binary and cannot be read as text; do not combine --input-format parquet with a text file",
        )),
    }
}

#[cfg(test)]
mod tests;
