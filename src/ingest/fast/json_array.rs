//! The parallel pass for a JSON array of flat response objects (`[{…}, {…}, …]`), the layout
//! of most survey platforms' JSON exports and of APIs dumped to a file.
//!
//! The record pass builds every element into a record (ten times the file in memory and a
//! hundred times NDJSON's time: finding F23). Here the array is walked once, sequentially, by a
//! small scanner that only finds where each element starts and ends (strings, escapes and
//! nesting tracked, nothing decoded). A window of chunks of elements is then read on every core
//! by the NDJSON pass's own reader ([`super::ndjson::Objects`], which serde_json backs), counted,
//! and merged in order: memory holds a window's tallies, never the records.
//!
//! Same contract as every counted pass: the record pass's numbers, accounting and messages, or
//! no answer. Anything the scanner does not expect (an element that is not an object, a stray
//! byte between elements, text after the closing bracket, an unterminated string) declines, and
//! the record pass then parses the text whole and names the error. Rows are located as the
//! record pass locates them: `record N`, the element's position in the array.

use std::ops::Range;

use rayon::prelude::*;

use super::merge::Merger;
use super::ndjson::{flat_plan, parallel_reading, planned, Keys, Objects};
use super::tally::{chunk_text, Context, Tally};
use super::{Detection, NotFast, CHUNK};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::options::Options;
use crate::ingest::plan::Plan;
use crate::ingest::records::HEAD_RECORDS;
use crate::ingest::report::{FileData, SourceReport};

/// Read a JSON array (`body`, BOM removed) with the parallel pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    name: String,
    body: &[u8],
    bom: bool,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    let mut elements = match Elements::new(body) {
        Ok(elements) => elements,
        Err(why) => return Ok(Err(why)),
    };
    // An empty array is the record pass's to report.
    if !matches!(elements.clone().next(), Some(Ok(_))) {
        return Ok(Err("the array has no object to read"));
    }
    let detection = detect(options, &name, body, &mut elements.clone())?;
    let (plan, score) = match planned(
        detection,
        "the first elements are not flat JSON objects in UTF-8 (nested objects are flattened from the whole input)",
    ) {
        Ok(planned) => planned,
        Err(why) => return Ok(Err(why)),
    };
    let context = Context::new(options, &plan, score);
    let keys = Keys::new(&context);
    let mut merger = Merger::new(options, &plan).located_by_record();
    // Tallies locate rows by the element's index; the merger numbers them from 1.
    let records = || |index: usize| index as u64 + 1;
    let size = super::window();
    let mut next = 0usize;
    loop {
        let mut chunks: Vec<(usize, Vec<Range<usize>>)> = Vec::with_capacity(size);
        while chunks.len() < size {
            let mut spans = Vec::new();
            let (first, mut bytes) = (next, 0);
            while bytes < CHUNK {
                match elements.next() {
                    Some(Ok(span)) => {
                        bytes += span.len();
                        spans.push(span);
                    }
                    Some(Err(why)) => return Ok(Err(why)),
                    None => break,
                }
            }
            if spans.is_empty() {
                break;
            }
            next += spans.len();
            chunks.push((first, spans));
        }
        if chunks.is_empty() {
            break;
        }
        let tallies = chunks
            .par_iter()
            .map(|(first, spans)| chunk(&context, &keys, body, *first, spans))
            .collect::<Result<Vec<Tally>, NotFast>>();
        match tallies {
            Ok(mut tallies) => merger.absorb(records, &mut tallies),
            Err(why) => return Ok(Err(why)),
        }
    }
    let (rows, date_report, data) = merger.finish();
    let reading = parallel_reading(options, InputFormat::Json, bom);
    Ok(Ok((plan.report(reading, rows, date_report), data)))
}

/// Detection on the first `HEAD_RECORDS` elements, parsed as an array by the record pass's own
/// code.
fn detect(
    options: &Options,
    name: &str,
    body: &[u8],
    elements: &mut Elements,
) -> Result<Detection<Plan>, Error> {
    let mut head = String::from("[");
    for (i, span) in elements.take(HEAD_RECORDS).enumerate() {
        let Ok(span) = span else {
            return Ok(Detection::NotPlain);
        };
        let Ok(text) = chunk_text(&body[span]) else {
            return Ok(Detection::NotPlain);
        };
        if i > 0 {
            head.push(',');
        }
        head.push_str(text);
    }
    head.push(']');
    flat_plan(options, name, InputFormat::Json, head)
}

/// Count the elements `spans` of `body`, the first of them element number `first` (from 0).
fn chunk(
    context: &Context,
    keys: &Keys,
    body: &[u8],
    first: usize,
    spans: &[Range<usize>],
) -> Result<Tally, NotFast> {
    let (Some(start), Some(end)) = (spans.first(), spans.last()) else {
        return Ok(Tally::new(context.plan));
    };
    let (start, end) = (start.start, end.end);
    let text = chunk_text(&body[start..end])?;
    let mut tally = Tally::new(context.plan);
    let mut objects = Objects::new(keys);
    for (i, span) in spans.iter().enumerate() {
        let Some(element) = text.get(span.start - start..span.end - start) else {
            return Err("an element does not split at a character boundary");
        };
        if !objects.count(context, keys, &mut tally, element, first + i)? {
            return Err("an element is not a flat JSON object with the first elements' keys");
        }
    }
    Ok(tally)
}

/// The byte spans of a JSON array's elements, in order, each an object from `{` to its `}`.
/// Only structure is tracked (strings and their escapes, nesting); serde_json judges each
/// element's content when it is read. An `Err` means the pass does not apply.
#[derive(Clone)]
pub(super) struct Elements<'b> {
    body: &'b [u8],
    at: usize,
    /// The closing bracket was reached (and only whitespace follows it).
    done: bool,
}

impl<'b> Elements<'b> {
    /// The elements of `body`, which must start (after whitespace) with `[`.
    pub(super) fn new(body: &'b [u8]) -> Result<Self, NotFast> {
        let at = skip_space(body, 0);
        if body.get(at) != Some(&b'[') {
            return Err("the top level is not an array");
        }
        Ok(Elements {
            body,
            at: at + 1,
            done: false,
        })
    }

    fn element(&mut self) -> Result<Option<Range<usize>>, NotFast> {
        let body = self.body;
        let start = skip_space(body, self.at);
        match body.get(start) {
            Some(b'{') => {}
            Some(b']') if self.at == self.first_element() => return self.close(start),
            _ => return Err("an element of the array is not an object"),
        }
        let end = object_end(body, start)?;
        let after = skip_space(body, end);
        match body.get(after) {
            Some(b',') => self.at = after + 1,
            Some(b']') => {
                self.close(after)?;
            }
            _ => return Err("something other than a comma follows an element of the array"),
        }
        Ok(Some(start..end))
    }

    /// Where the first element would start: just after the opening bracket.
    fn first_element(&self) -> usize {
        skip_space(self.body, 0) + 1
    }

    /// The array closes at `bracket`: only whitespace may follow.
    fn close(&mut self, bracket: usize) -> Result<Option<Range<usize>>, NotFast> {
        if skip_space(self.body, bracket + 1) != self.body.len() {
            return Err("text follows the array");
        }
        self.done = true;
        self.at = self.body.len();
        Ok(None)
    }
}

impl Iterator for Elements<'_> {
    type Item = Result<Range<usize>, NotFast>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let element = self.element();
        if element.is_err() {
            self.done = true;
        }
        element.transpose()
    }
}

/// The offset after JSON whitespace at `at`.
fn skip_space(body: &[u8], mut at: usize) -> usize {
    while matches!(body.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The offset just past the object (or array) that opens at `start`, with strings skipped whole.
/// Brackets are counted, not matched: a `{…]` is still refused by serde_json when it is read.
fn object_end(body: &[u8], start: usize) -> Result<usize, NotFast> {
    let mut depth = 0usize;
    let mut at = start;
    while let Some(&byte) = body.get(at) {
        match byte {
            b'"' => at = string_end(body, at + 1)?,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    Err("the array is not closed")
}

/// The offset of the quote that closes the string whose text starts at `at`.
fn string_end(body: &[u8], mut at: usize) -> Result<usize, NotFast> {
    loop {
        match memchr::memchr2(b'"', b'\\', &body[at.min(body.len())..]) {
            Some(k) if body[at + k] == b'"' => return Ok(at + k),
            Some(k) => at += k + 2,
            None => return Err("a string is not closed"),
        }
    }
}

#[cfg(test)]
mod tests;
