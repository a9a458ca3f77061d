//! Chunk tallies ([`Tally`]) added up in input order into the row accounting, the date report
//! and the frame's groups: [`merge`] for a whole input at once, [`Merger`] as a stream's blocks
//! come. Rows handed out one by one get their line numbers here and go to their sink.

use super::tally::{Responses, Tally};
use super::{GroupKey, Map};
use crate::error::Location;
use crate::ingest::accounting::{DateReport, InvalidValue, RowAccounting, EXAMPLES};
use crate::ingest::comments::{send, RowSink};
use crate::ingest::options::Options;
use crate::ingest::plan::Plan;
use crate::ingest::report::{FileData, GroupRow};
use crate::ingest::whole::{self, WholeSink};
use crate::themes::evidence::Evidence;

/// Add the chunks' tallies up, in file order: the whole input at once.
///
/// `lines` gives a counter that turns increasing record offsets into line numbers.
pub(super) fn merge<L: FnMut(usize) -> u64>(
    options: &Options,
    plan: &Plan,
    lines: impl Fn() -> L,
    mut tallies: Vec<Tally>,
) -> (RowAccounting, Option<DateReport>, FileData) {
    let mut merger = Merger::new(options, plan);
    merger.absorb(lines, &mut tallies);
    merger.finish()
}

/// Chunk tallies added up as they come, in input order: a stream's blocks are absorbed one after
/// another, so only the groups (the data's variety) are kept, never the tallies.
pub(super) struct Merger<'p> {
    plan: &'p Plan,
    rows: RowAccounting,
    date_report: Option<DateReport>,
    groups: Map<GroupKey, [u64; 11]>,
    responses: Responses,
    evidence: Evidence,
    rows_out: Option<RowSink>,
    whole: Option<WholeSink>,
    /// How a row's number is shown: a line (text) or a record (a JSON array's element).
    location: fn(u64) -> Location,
}

impl<'p> Merger<'p> {
    pub(super) fn new(options: &Options, plan: &'p Plan) -> Self {
        let mut date_report = plan.date_report(options);
        if let (Some(report), Some(order)) = (date_report.as_mut(), options.date_order) {
            report.order = Some(order);
            report.order_reason = Some("--date-format".into());
        }
        Merger {
            plan,
            rows: RowAccounting::default(),
            date_report,
            groups: Map::default(),
            responses: Responses::default(),
            evidence: Evidence::default(),
            rows_out: options.rows_out.as_ref().map(|r| r.0.clone()),
            whole: options.whole.as_ref().map(|w| w.sink.clone()),
            location: Location::Line,
        }
    }

    /// Rows numbered as records (`record N`), as the record pass numbers a JSON array's elements.
    pub(super) fn located_by_record(self) -> Self {
        Merger {
            location: Location::Record,
            ..self
        }
    }

    /// Add `tallies`, the next chunks in input order; `lines` gives a counter that turns their
    /// increasing record offsets into line numbers.
    pub(super) fn absorb<L: FnMut(usize) -> u64>(
        &mut self,
        lines: impl Fn() -> L,
        tallies: &mut [Tally],
    ) {
        let plan = self.plan;
        let rows = &mut self.rows;
        if let Some(sink) = &self.rows_out {
            let mut line_of = lines();
            for tally in tallies.iter_mut() {
                for (at, mut row) in tally.comments.rows.drain(..) {
                    row.location = (self.location)(line_of(at));
                    send(sink, row);
                }
            }
        }
        if let Some(sink) = &self.whole {
            let mut line_of = lines();
            for tally in tallies.iter_mut() {
                let Some(mut batch) = tally.comments.whole.take() else {
                    continue;
                };
                let at = std::mem::take(&mut tally.comments.whole_at);
                for (head, at) in batch.heads_mut().iter_mut().zip(at) {
                    head.location = (self.location)(line_of(at));
                }
                whole::send(sink, batch);
            }
        }
        let mut line_of = lines();
        for tally in tallies.iter_mut() {
            self.evidence
                .merge(std::mem::take(&mut tally.comments.evidence));
            self.responses.append(&mut tally.responses);
            rows.absorb(&tally.rows);
            for (at, value) in &tally.invalid {
                let location = || (self.location)(line_of(*at));
                let column = &plan.score_column;
                keep_example(
                    &mut rows.invalid_examples,
                    &plan.name,
                    column,
                    location,
                    value,
                );
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
                let total = self.groups.entry((kept, day)).or_insert([0; 11]);
                for (sum, add) in total.iter_mut().zip(tally.counts[slot]) {
                    *sum += add;
                }
            }
        }
        if let Some(report) = self.date_report.as_mut() {
            let mut line_of = lines();
            for tally in tallies.iter() {
                report.dated += tally.dated;
                report.blank += tally.undated;
                report.invalid += tally.bad_dates;
                for (at, value) in &tally.bad_date_examples {
                    let location = || (self.location)(line_of(*at));
                    let examples = &mut report.invalid_examples;
                    keep_example(examples, &plan.name, &report.column, location, value);
                }
            }
        }
    }

    /// Records read so far.
    pub(super) fn rows_read(&self) -> u64 {
        self.rows.read
    }

    /// The accounting, the date report and the groups, sorted.
    pub(super) fn finish(self) -> (RowAccounting, Option<DateReport>, FileData) {
        let plan = self.plan;
        let mut rows_out: Vec<GroupRow> =
            self.groups
                .into_iter()
                .flat_map(|((kept, day), counts)| {
                    counts.into_iter().enumerate().filter(|&(_, n)| n > 0).map(
                        move |(score, count)| GroupRow {
                            kept: kept.clone(),
                            day,
                            score: score as u8,
                            count,
                        },
                    )
                })
                .collect();
        rows_out.sort();
        let Responses {
            scores,
            mut kept,
            days,
            ids,
            weights,
        } = self.responses;
        kept.resize_with(plan.carried(), Vec::new);
        let data = FileData {
            scores,
            key_names: plan.key_names.clone(),
            kept,
            days: plan.date.map(|_| days),
            ids,
            weights,
            groups: rows_out,
            evidence: self.evidence,
        };
        (self.rows, self.date_report, data)
    }
}

/// Keep `value` of `file`'s `column` among the first [`EXAMPLES`] `examples`; `location` is
/// asked only then (it counts lines).
fn keep_example(
    examples: &mut Vec<InvalidValue>,
    file: &str,
    column: &str,
    location: impl FnOnce() -> Location,
    value: &str,
) {
    if examples.len() < EXAMPLES {
        examples.push(InvalidValue {
            file: file.to_string(),
            location: location(),
            column: column.to_string(),
            value: value.to_string(),
        });
    }
}
