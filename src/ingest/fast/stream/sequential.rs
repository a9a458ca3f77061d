//! The rest of a delimited stream read record by record with csv-core — the state machine under
//! the csv crate the record pass uses, so irregular quoting reads the same — once a chunk has
//! refused a block the stream can no longer hand to the record pass.

use std::borrow::Cow;

use super::{utf8_prefix, OneByOne, Position};
use crate::error::Error;
use crate::ingest::fast::delimited::Grammar;
use crate::ingest::fast::merge::Merger;
use crate::ingest::fast::tally::{Context, Tally};
use crate::ingest::fast::NotFast;
use crate::ingest::records::{self, LineCounter};

/// The rest of a stream read record by record with csv-core, after a chunk refused a block.
pub(super) struct Sequential {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    pub(super) one: OneByOne,
    /// The text starts with the CR that ended the last record of the block before (a block
    /// never ends between a CR and its LF): a line end, not an empty line.
    after_record: bool,
}

impl Sequential {
    pub(super) fn new(delimiter: u8, why: NotFast, line: u64) -> Self {
        Sequential {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; 1 << 16],
            ends: vec![0; 64],
            one: OneByOne::new(why, line),
            after_record: false,
        }
    }

    /// Count the complete records of `text`, which starts at a record on `at.line`; return
    /// where the first incomplete one starts (at the `last` block, every record is complete).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn block(
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
        if self.after_record && text.first() == Some(&b'\r') {
            if text.len() < 2 && !last {
                return Ok(0); // its LF may be next
            }
            record_start = if text.get(1) == Some(&b'\n') { 2 } else { 1 };
        }
        self.after_record = false;
        // Where the last record read starts (the end of the input names it when its quote is
        // never closed).
        let mut last_start = 0;
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
                    self.empty_lines(
                        context,
                        name,
                        grammar,
                        text,
                        record_start,
                        &mut lines,
                        &mut tally,
                    )?;
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
                    last_start = record_start;
                    record_start = pos;
                    // csv-core ends a record at the CR of a CRLF: the next starts after the LF,
                    // so that a block is never cut between the two.
                    if text.get(pos.wrapping_sub(1)) == Some(&b'\r')
                        && text.get(pos) == Some(&b'\n')
                    {
                        record_start += 1;
                    }
                    out = 0;
                    end = 0;
                }
                csv_core::ReadRecordResult::End => {
                    self.empty_lines(
                        context,
                        name,
                        grammar,
                        text,
                        record_start,
                        &mut lines,
                        &mut tally,
                    )?;
                    // As the record pass: the last record may hide a quote never closed.
                    let text = utf8_prefix(text);
                    if let Some(open) = records::unterminated_quote_from(
                        text,
                        at.line,
                        last_start,
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
            std::slice::from_mut(&mut tally),
        );
        // A CR that ends the text may be half of a CRLF: leave it to the next block.
        if !last && consumed == text.len() && text.last() == Some(&b'\r') {
            self.after_record = true;
            return Ok(consumed - 1);
        }
        Ok(consumed)
    }

    /// In a one-column file, judge the empty lines at `at` (where csv-core began looking for a
    /// record, skipping them) as records with one empty field, as the record pass reads them
    /// (`records::empty_lines`).
    #[allow(clippy::too_many_arguments)]
    fn empty_lines(
        &mut self,
        context: &Context,
        name: &str,
        grammar: &Grammar,
        text: &[u8],
        at: usize,
        lines: &mut LineCounter,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        if grammar.columns != 1 {
            return Ok(());
        }
        for empty in records::empty_lines(text, at).0 {
            let line = lines.line_exact(empty);
            self.one
                .judge(context, name, tally, |_| Cow::Borrowed(""), empty, line)?;
        }
        Ok(())
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
            output, ends, one, ..
        } = self;
        let field = |i: usize| -> Cow<str> {
            if i >= fields {
                return Cow::Borrowed("");
            }
            let start = if i == 0 { 0 } else { ends[i - 1] };
            // Fields of valid UTF-8 text split on ASCII bytes are valid UTF-8.
            Cow::Borrowed(std::str::from_utf8(&output[start..ends[i]]).unwrap_or_default())
        };
        one.judge(context, name, tally, field, record_start, line)
    }
}
