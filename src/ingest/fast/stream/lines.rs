//! The rest of an NDJSON stream read line by line, once a chunk has refused a block the stream
//! can no longer hand to the record pass: each line is read as the parallel pass reads it, and a
//! line it cannot take is the record pass's error for that line — or, for a flat object with a
//! key the first lines did not have (or a nested one), an error saying that a stream takes its
//! columns from its first lines.

use std::borrow::Cow;

use serde_json::Value;

use super::{OneByOne, Position};
use crate::error::{Error, Location};
use crate::ingest::fast::merge::Merger;
use crate::ingest::fast::ndjson::{self, Keys};
use crate::ingest::fast::tally::{Context, Tally};
use crate::ingest::fast::NotFast;
use crate::ingest::records;

pub(super) struct LineByLine {
    order: Vec<usize>,
    pub(super) one: OneByOne,
}

impl LineByLine {
    pub(super) fn new(why: NotFast, line: u64) -> Self {
        LineByLine {
            order: Vec::new(),
            one: OneByOne::new(why, line),
        }
    }

    /// Count the whole lines of `text`, whose first line is `at.line` (all of it at the `last`
    /// block); return where they end.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn block(
        &mut self,
        context: &Context,
        keys: &Keys,
        name: &str,
        text: &[u8],
        at: Position,
        last: bool,
        merger: &mut Merger,
    ) -> Result<usize, Error> {
        let end = if last {
            text.len()
        } else {
            memchr::memrchr(b'\n', text).map_or(0, |k| k + 1)
        };
        // The stream checked the text's encoding before; whole lines end at a character.
        let body = std::str::from_utf8(&text[..end]).map_err(|e| Error::Data {
            file: name.to_string(),
            location: Some(Location::Line(at.line)),
            column: None,
            message: format!("is not valid UTF-8 here ({e}); give --encoding"),
        })?;
        let mut tally = Tally::new(context.plan);
        let mut cells: Vec<Option<Cow<str>>> = vec![None; keys.judged];
        let (mut line_no, mut offset) = (at.line, 0usize);
        for raw in body.split_inclusive('\n') {
            let (line, start) = (line_no, offset);
            line_no += 1;
            offset += raw.len();
            let text = raw.strip_suffix('\n').unwrap_or(raw);
            let text = text.strip_suffix('\r').unwrap_or(text);
            if text.trim().is_empty() {
                continue;
            }
            if !ndjson::read_line(text, keys, &mut self.order, &mut cells) {
                return Err(not_counted(name, text, line));
            }
            let cell = |i: usize| -> Cow<str> {
                (keys.slots.get(i).copied().flatten())
                    .and_then(|s| cells.get(s).cloned().flatten())
                    .unwrap_or(Cow::Borrowed(""))
            };
            self.one
                .judge(context, name, &mut tally, cell, start, line)?;
        }
        merger.absorb(
            || ndjson::line_counter(&text[..end], at.line),
            std::slice::from_mut(&mut tally),
        );
        Ok(end)
    }
}

/// Why `line` (on line `number`) cannot be counted: the record pass's error when it has one.
fn not_counted(name: &str, line: &str, number: u64) -> Error {
    match records::json_text::parse(line) {
        Err(e) => records::json_error(name, e, number - 1),
        Ok(Value::Object(_)) => Error::Data {
            file: name.to_string(),
            location: Some(Location::Line(number)),
            column: None,
            message: "this object has a key the first lines did not have, or a nested object; a stream takes its columns from its first lines (a file on disk, from all of them): save the input to a file and run again".into(),
        },
        Ok(_) => records::not_an_object_error(name, Location::Line(number)),
    }
}
