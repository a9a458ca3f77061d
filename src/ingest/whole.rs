//! Whole responses, for `nps followup` and `nps risk`: each used response's score, day,
//! language (the language column's), respondent id, comment and the cells the command asked for
//! ([`RowCell`]), handed to the command in input order a batch at a time.
//!
//! A file of 10M rows makes 10M whole responses, of which a command keeps one per respondent.
//! So a batch holds a whole chunk's rows in one buffer — every field of every row end to end,
//! and where each ends — rather than a few allocations per row. What a command keeps of a row
//! it copies out ([`Row`]: over the row it replaces, in that one's room when it fits); the batch
//! is then freed whole. (Rows made one by one cost 4 allocations each and, kept, ~1 KB per
//! respondent: a third of `nps risk`'s time at 10M rows went to the kernel zeroing fresh pages
//! for them.)

use std::sync::{Arc, Mutex};

use smallvec::SmallVec;

use super::comments::RowCell;
use crate::error::Location;
use crate::text::Lang;

/// Where batches go, in input order.
pub type WholeSink = Arc<Mutex<dyn FnMut(Batch) + Send>>;

/// Whole responses, in [`super::Options`]: the cells each row carries, and where rows go.
#[derive(Clone)]
pub struct WholeRows {
    /// The cells each row carries after its id and comment, in this order.
    pub cells: Vec<RowCell>,
    /// Where the batches go.
    pub sink: WholeSink,
}

impl std::fmt::Debug for WholeRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WholeRows")
            .field("cells", &self.cells)
            .finish_non_exhaustive()
    }
}

/// Hand `batch` to `sink` (nothing for an empty batch).
pub(crate) fn send(sink: &WholeSink, batch: Batch) {
    if batch.is_empty() {
        return;
    }
    let mut take = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    (*take)(batch)
}

/// What a row has besides its text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Where the response is in its input (set when the pass knows it: line numbers are
    /// counted after the chunks).
    pub location: Location,
    /// The 0–10 score.
    pub score: u8,
    /// The response's local calendar day (days since 1970-01-01), when it has one.
    pub day: Option<i32>,
    /// The language column's language, when the export has one.
    pub lang: Option<Lang>,
}

/// The fields of a row before its cells: the respondent id, then the comment.
const ID: usize = 0;
const COMMENT: usize = 1;
const CELLS: usize = 2;

/// An input's name as rows carry it: made when the input is planned and kept for the whole run,
/// so that a row copies a pointer. (An `Arc<str>` cost an atomic increment per row kept: a full
/// barrier, which waited on the row's copy into fresh memory — 9–10% of `nps risk`'s samples.)
/// A run plans its few inputs a few times at most (a longer head for a CSV whose first lines
/// are not enough): the names are never freed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source(&'static str);

impl Source {
    /// The name `name`, kept for the run.
    pub fn new(name: &str) -> Source {
        Source(Box::leak(name.into()))
    }
}

impl From<&'static str> for Source {
    /// A name that lives for the run already (a literal).
    fn from(name: &'static str) -> Source {
        Source(name)
    }
}

impl std::ops::Deref for Source {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Rows of one input, their fields in one buffer.
#[derive(Debug)]
pub struct Batch {
    /// The input's name.
    pub source: Source,
    /// Fields per row: the id, the comment, then the cells.
    fields: usize,
    text: String,
    /// Where each row starts in `text`.
    starts: Vec<usize>,
    /// Where each field ends, counted from its row's start, `fields` per row (in `u32`, as in a
    /// kept [`Row`]: half the room of a `usize`, for every field of 10M rows).
    ends: Vec<u32>,
    heads: Vec<Head>,
}

/// Rows per batch where a pass does not make one per chunk (the record pass).
const ROWS: usize = 4096;

/// Text per batch beyond which it is full where a pass fills batches itself.
const TEXT: usize = 64 << 20;

impl Batch {
    /// An empty batch for the rows of `source`, each with `cells` cells.
    pub fn new(source: Source, cells: usize) -> Batch {
        Batch {
            source,
            fields: CELLS + cells,
            text: String::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            heads: Vec::new(),
        }
    }

    /// Room for `rows` more rows of about `bytes` bytes in all, at once (a vector grown by
    /// doubling copies what it holds each time).
    pub fn reserve(&mut self, rows: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.starts.reserve(rows);
        self.ends.reserve(rows * self.fields);
        self.heads.reserve(rows);
    }

    /// Add a row: its id (empty when none), its comment — the texts of its comment columns,
    /// trimmed, the blank ones left out, joined by line feeds — and its cells, trimmed. Missing
    /// cells are empty; extra ones are left out.
    pub fn push<C: AsRef<str>, D: AsRef<str>>(
        &mut self,
        head: Head,
        id: &str,
        comment: impl IntoIterator<Item = C>,
        cells: impl IntoIterator<Item = D>,
    ) {
        let (first, row) = (self.ends.len(), self.text.len());
        // Past a response's first 4 GiB, its fields read as empty, as in a kept [`Row`].
        let end = |text: &String| u32::try_from(text.len() - row).unwrap_or(u32::MAX);
        self.text.push_str(id.trim());
        self.ends.push(end(&self.text));
        let from = self.text.len();
        for part in comment {
            let part = part.as_ref().trim();
            if part.is_empty() {
                continue;
            }
            if self.text.len() > from {
                self.text.push('\n');
            }
            self.text.push_str(part);
        }
        self.ends.push(end(&self.text));
        for cell in cells.into_iter().take(self.fields - CELLS) {
            self.text.push_str(cell.as_ref().trim());
            self.ends.push(end(&self.text));
        }
        self.ends.resize(first + self.fields, end(&self.text));
        self.starts.push(row);
        self.heads.push(head);
    }

    /// Whether a pass that fills batches itself should hand this one out now.
    pub fn is_full(&self) -> bool {
        self.len() >= ROWS || self.text.len() >= TEXT
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// The rows' heads, to set their locations.
    pub fn heads_mut(&mut self) -> &mut [Head] {
        &mut self.heads
    }

    /// The i-th row.
    pub fn row(&self, i: usize) -> RowRef<'_> {
        RowRef { batch: self, i }
    }
}

/// The `k`-th field of a row whose fields end at `ends` in its `text` (from its start).
fn field<'t>(text: &'t str, ends: &[u32], k: usize) -> &'t str {
    let Some(&end) = ends.get(k) else {
        return "";
    };
    let from = if k == 0 { 0 } else { ends[k - 1] };
    text.get(from as usize..end as usize).unwrap_or_default()
}

/// A row of a batch.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'b> {
    batch: &'b Batch,
    i: usize,
}

impl<'b> RowRef<'b> {
    /// Where its fields end, from its start.
    fn ends(&self) -> &'b [u32] {
        let n = self.batch.fields;
        &self.batch.ends[self.i * n..(self.i + 1) * n]
    }

    /// Its text, from its first field to its last.
    fn text(&self) -> &'b str {
        let start = self.batch.starts[self.i];
        let end = self.ends().last().map_or(0, |&e| e as usize);
        let text = self.batch.text.get(start..).unwrap_or_default();
        text.get(..end).unwrap_or_default()
    }

    fn field(&self, k: usize) -> &'b str {
        field(self.text(), self.ends(), k)
    }

    /// Its head.
    pub fn head(&self) -> &'b Head {
        &self.batch.heads[self.i]
    }

    /// The respondent id, when it has one (a placeholder such as "n/a" is none:
    /// [`super::contact::id`]).
    pub fn id(&self) -> Option<&'b str> {
        super::contact::id(self.field(ID))
    }

    /// The comment (empty when none).
    pub fn comment(&self) -> &'b str {
        self.field(COMMENT)
    }

    /// The k-th cell asked for (empty when the input has no such column).
    pub fn cell(&self, k: usize) -> &'b str {
        self.field(CELLS + k)
    }

    /// The input's name.
    pub fn source(&self) -> Source {
        self.batch.source
    }

    /// The row, copied out of its batch.
    pub fn to_row(&self) -> Row {
        let mut row = Row {
            source: self.batch.source,
            location: Location::Line(0),
            score: 0,
            day: None,
            lang: None,
            text: String::new(),
            ends: SmallVec::new(),
        };
        self.copy_to(&mut row);
        row
    }

    /// Copy the row over `row`, in the room its text already has when it is enough: a
    /// respondent's latest response is replaced by a later one at every few rows, and a fresh
    /// allocation each time (and the old one freed) cost `nps risk` a tenth of its user time.
    pub fn copy_to(&self, row: &mut Row) {
        let head = *self.head();
        row.source = self.batch.source;
        row.location = head.location;
        row.score = head.score;
        row.day = head.day;
        row.lang = head.lang;
        let text = self.text();
        if row.text.capacity() < text.len() {
            // Fresh room rather than grown room: growing would copy the old text first.
            row.text = String::with_capacity(text.len());
        }
        row.text.clear();
        row.text.push_str(text);
        row.ends.clear();
        row.ends.extend_from_slice(self.ends());
    }
}

/// One whole response, kept: its fields in one buffer (sized exactly when first copied; a later
/// response copied over it reuses the room when it fits), and where each ends
/// (inline for up to 10 fields: the id, the comment and the 6 contact cells of `nps followup`,
/// plus two). Ends are counted in `u32`: the fields of a response past its first 4 GiB read as
/// empty (streams refuse records over 64 MiB; a file on disk is not limited, but a response
/// that long is not a survey answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The input's name.
    pub source: Source,
    /// Where the response is in it.
    pub location: Location,
    /// The 0–10 score.
    pub score: u8,
    /// The response's local calendar day (days since 1970-01-01), when it has one.
    pub day: Option<i32>,
    /// The language column's language, when the export has one.
    pub lang: Option<Lang>,
    text: String,
    ends: SmallVec<[u32; 10]>,
}

impl Row {
    /// This row, moved out; an empty row of the same input (no cells) is left in its place.
    pub fn take(&mut self) -> Row {
        let empty = Row {
            source: self.source,
            location: self.location,
            score: self.score,
            day: self.day,
            lang: self.lang,
            text: String::new(),
            ends: SmallVec::new(),
        };
        std::mem::replace(self, empty)
    }

    /// The respondent id, when it has one (a placeholder such as "n/a" is none:
    /// [`super::contact::id`]).
    pub fn id(&self) -> Option<&str> {
        super::contact::id(field(&self.text, &self.ends, ID))
    }

    /// The id cell as written, placeholder or not.
    pub fn id_cell(&self) -> &str {
        field(&self.text, &self.ends, ID)
    }

    /// The comment (empty when none; several comment columns: joined by line feeds).
    pub fn comment(&self) -> &str {
        field(&self.text, &self.ends, COMMENT)
    }

    /// The k-th cell asked for (empty when the input has no such column).
    pub fn cell(&self, k: usize) -> &str {
        field(&self.text, &self.ends, CELLS + k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(line: u64) -> Head {
        Head {
            location: Location::Line(line),
            score: 7,
            day: None,
            lang: None,
        }
    }

    #[test]
    fn rows_share_one_buffer_and_give_each_field_back() {
        let mut batch = Batch::new("t.csv".into(), 3);
        batch.push(head(2), " C1 ", [" Trop cher "], ["a@b.c", "", "Zoé"]);
        batch.push(head(3), "", [""; 0], ["x@y.z"]);
        batch.push(
            head(4),
            "C3",
            ["  first ", "", "second"],
            ["1", "2", "3", "4"],
        );
        assert_eq!(batch.len(), 3);
        let (a, b, c) = (batch.row(0), batch.row(1), batch.row(2));
        assert_eq!((a.id(), a.comment()), (Some("C1"), "Trop cher"));
        assert_eq!([a.cell(0), a.cell(1), a.cell(2)], ["a@b.c", "", "Zoé"]);
        assert_eq!(
            (b.id(), b.comment(), b.cell(0), b.cell(1)),
            (None, "", "x@y.z", "")
        );
        assert_eq!(c.comment(), "first\nsecond");
        assert_eq!(
            [c.cell(0), c.cell(2), c.cell(3)],
            ["1", "3", ""],
            "a fourth cell is left out"
        );
        let kept = c.to_row();
        assert_eq!((kept.id(), kept.comment()), (Some("C3"), "first\nsecond"));
        assert_eq!([kept.cell(0), kept.cell(1), kept.cell(2)], ["1", "2", "3"]);
        assert_eq!(kept.location, Location::Line(4));
        assert_eq!(&*kept.source, "t.csv");
        let kept = a.to_row();
        assert_eq!(
            [kept.cell(0), kept.cell(2), kept.cell(5)],
            ["a@b.c", "Zoé", ""]
        );
    }

    #[test]
    fn a_row_copied_over_another_keeps_none_of_it() {
        let mut batch = Batch::new("t.csv".into(), 2);
        batch.push(
            head(2),
            "C-long-id",
            ["a long comment, longer"],
            ["x@y.z", "Zoé"],
        );
        batch.push(head(3), "C2", ["short"], ["", "Al"]);
        batch.push(head(4), "C3", [""; 0], [""; 0]);
        let mut kept = batch.row(0).to_row();
        batch.row(1).copy_to(&mut kept);
        assert_eq!(kept, batch.row(1).to_row(), "shorter over longer");
        assert_eq!(
            (kept.id(), kept.comment(), kept.cell(0), kept.cell(1)),
            (Some("C2"), "short", "", "Al")
        );
        batch.row(2).copy_to(&mut kept);
        assert_eq!(
            (kept.id(), kept.comment(), kept.cell(1)),
            (Some("C3"), "", "")
        );
        assert_eq!(kept.location, Location::Line(4));
        batch.row(0).copy_to(&mut kept);
        assert_eq!(kept, batch.row(0).to_row(), "longer over shorter");
        assert_eq!(kept.cell(1), "Zoé");
    }
}
