//! Ingest: the only place that reads inputs. Every command calls [`load`] (or [`inspect`]) with the
//! shared input options and gets back a polars frame of valid responses plus an exact account of
//! every row read.
//!
//! This module only chooses a pass for each input and assembles the [`Dataset`]. Data flows one
//! way, top to bottom; a module only uses the ones below it:
//!
//! ```text
//! mod.rs        choose a pass per input, concatenate, --dedupe and weights, build the frame
//!   fast/       counted passes: files on disk in parallel (delimited, NDJSON, Parquet), and
//!               streams (stdin, gzip, zstd) block by block; they answer exactly what the record
//!               pass would, or decline
//!   record_pass the reference pass: the whole input in memory, one frame row per response
//!   plan        detection's verdict (layout, roles, column of everything read) and its errors
//!   report      what a pass returns: the input's report and its responses
//!   options     the shared input options, resolved from the command line
//!   comments, whole   what passes hand out per response: tagged comments (`nps themes`),
//!               whole responses in batches (`nps followup`, `nps risk`)
//!   source, blocks, records, preset, columns   bytes in, records out, layout, roles
//!   score, dates, filters, accounting          cell readers and the row accounting
//! ```
//!
//! Each row is accounted for: `read = used + blank + invalid + excluded + filtered +
//! deduplicated`; inputs are concatenated and each row keeps the index of its source.

pub mod accounting;
pub(crate) mod blocks;
pub mod columns;
pub mod comments;
pub mod contact;
pub mod dates;
mod fast;
pub mod filters;
mod mapped;
mod options;
mod plan;
pub mod preset;
mod progress;
mod record_pass;
pub mod records;
mod report;
pub mod score;
pub mod source;
pub mod whole;

use std::path::PathBuf;

use polars::prelude::{Column as PlColumn, DataFrame};

use crate::error::Error;
use crate::metrics::frame::{COUNT, SCORE};
use filters::{dedupe, retain_mask};
use progress::Spinner;
use record_pass::{record_read, record_scan};
use report::FileData;

pub use accounting::{DateReport, Excluded, InvalidValue, RowAccounting};
pub use options::{check_stdin_read_once, Options, RowsOut};
pub use report::SourceReport;

/// Name of the frame column holding each row's input index (0-based, in command-line order).
pub const SOURCE: &str = "source";

/// Name of the frame column holding each response's local calendar day (Int32, days since
/// 1970-01-01; null when the date is blank or unreadable). Present when dates were asked for.
pub const DAY: &str = "day";

/// Name of the frame column holding each response's respondent id (String, null when blank).
/// Present when ids were asked for.
pub const ID: &str = "id";

/// Frame name of the i-th carried column (`key0`, `key1`…): internal names, so that a user's
/// column called `score` or `source` cannot clash with ours.
pub fn key_column(i: usize) -> String {
    format!("key{i}")
}

/// The valid responses of all inputs, ready for the metrics.
#[derive(Debug)]
pub struct Dataset {
    /// Valid responses: `score` (UInt8 0–10), `source` (UInt32 input index), `count` (UInt64:
    /// how many responses the row stands for) and one String column per carried column
    /// ([`key_column`]; null where the cell is blank), plus `day`, `id` and `weight` when asked
    /// for. The record pass gives one row per response (count 1); [`fast`] gives one row per
    /// distinct combination, so the frame's size does not grow with the file.
    pub frame: DataFrame,
    /// The carried columns' names, as resolved in the first input.
    pub key_names: Vec<String>,
    /// One report per input, in command-line order.
    pub sources: Vec<SourceReport>,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Quotes per theme over all inputs, when comments were read.
    pub evidence: crate::themes::evidence::Evidence,
}

/// Read every input and return its valid responses. A missing or ambiguous score column, and
/// any unreadable input, is an error (exit 3).
pub fn load(options: &Options) -> Result<Dataset, Error> {
    options.check()?;
    let spinner = Spinner::start(options);
    let mut sources = Vec::with_capacity(options.files.len());
    let mut rows = RowAccounting::default();
    let mut scores: Vec<u8> = Vec::new();
    let mut source_ids: Vec<u32> = Vec::new();
    let mut key_names: Option<Vec<String>> = None;
    let mut kept: Vec<Vec<Option<String>>> = Vec::new();
    let mut days: Vec<Option<i32>> = Vec::new();
    let mut ids: Vec<Option<String>> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    // How many responses each frame row stands for: 1 for a row of the record pass.
    let mut counts: Vec<u64> = Vec::new();
    let mut evidence = crate::themes::evidence::Evidence::default();
    for (index, path) in options.files.iter().enumerate() {
        spinner.reading(path);
        let (report, data) = scan(options, path, true, &spinner)?;
        match &key_names {
            None => {
                kept = vec![Vec::new(); data.key_names.len()];
                key_names = Some(data.key_names);
            }
            Some(names) if names.len() != data.key_names.len() => {
                return Err(Error::data(
                    report.file,
                    format!(
                        "--by resolves to {} here ({}) but to {} in the first input ({}); name the columns the same way in every input",
                        crate::output::numbers::count(data.key_names.len() as u64, "column"),
                        data.key_names.join(", "),
                        names.len(),
                        names.join(", ")
                    ),
                ));
            }
            Some(_) => {}
        }
        source_ids.extend(std::iter::repeat_n(index as u32, data.scores.len()));
        counts.extend(std::iter::repeat_n(1u64, data.scores.len()));
        // An input read without a date column where days are kept (`Options::dates_optional`):
        // undated rows. (Without `need_dates` no day is kept: no column of nothing.)
        let undated = if options.need_dates {
            data.scores.len()
        } else {
            0
        };
        scores.extend(data.scores);
        for (all, file) in kept.iter_mut().zip(data.kept) {
            all.extend(file);
        }
        days.extend(data.days.unwrap_or_else(|| vec![None; undated]));
        for group in data.groups {
            source_ids.push(index as u32);
            counts.push(group.count);
            scores.push(group.score);
            for (all, cell) in kept.iter_mut().zip(group.kept) {
                all.push(cell);
            }
            days.push(group.day);
        }
        ids.extend(data.ids);
        weights.extend(data.weights);
        evidence.merge(data.evidence);
        sources.push(report);
    }
    spinner.finish();
    if let Some(which) = options.dedupe {
        let keep = dedupe(&ids, &days, which);
        for (i, kept_row) in keep.iter().enumerate() {
            if !kept_row {
                let file = &mut sources[source_ids[i] as usize].rows;
                file.used -= 1;
                file.deduplicated += 1;
            }
        }
        retain_mask(&mut scores, &keep);
        retain_mask(&mut counts, &keep);
        retain_mask(&mut source_ids, &keep);
        retain_mask(&mut days, &keep);
        retain_mask(&mut ids, &keep);
        retain_mask(&mut weights, &keep);
        for column in kept.iter_mut() {
            retain_mask(column, &keep);
        }
    }
    for s in &sources {
        rows.absorb(&s.rows);
    }
    if options.weight.is_some() {
        normalise_weights(&mut weights, options)?;
    }
    let height = scores.len();
    let mut columns = vec![
        PlColumn::new(SCORE.into(), scores),
        PlColumn::new(SOURCE.into(), source_ids),
        PlColumn::new(COUNT.into(), counts),
    ];
    for (i, values) in kept.into_iter().enumerate() {
        columns.push(PlColumn::new(key_column(i).into(), values));
    }
    if options.need_dates {
        columns.push(PlColumn::new(DAY.into(), days));
    }
    if options.need_ids {
        columns.push(PlColumn::new(ID.into(), ids));
    }
    if options.weight.is_some() {
        columns.push(PlColumn::new(crate::metrics::frame::WEIGHT.into(), weights));
    }
    let frame = DataFrame::new(height, columns).map_err(|source| Error::Engine {
        file: describe(&options.files),
        doing: "building the table of responses".into(),
        source,
    })?;
    Ok(Dataset {
        frame,
        key_names: key_names.unwrap_or_default(),
        sources,
        rows,
        evidence,
    })
}

impl Dataset {
    /// How many valid responses the frame holds (the sum of its counts).
    pub fn responses(&self) -> u64 {
        self.rows.used
    }

    /// The lowest and highest valid score used, if any.
    pub fn score_range(&self) -> Option<(u8, u8)> {
        use polars::prelude::ChunkAgg;
        let scores = self.frame.column(SCORE).ok()?.u8().ok()?;
        Some((scores.min()?, scores.max()?))
    }
}

/// Divide every weight by the largest. Weights are relative: no share, NPS or effective n
/// changes, and Σw² can neither overflow (weights of 1e200) nor vanish (1e-200).
fn normalise_weights(weights: &mut [f64], options: &Options) -> Result<(), Error> {
    let max = weights.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 && !weights.is_empty() {
        return Err(Error::data(
            describe(&options.files),
            format!(
                "every --weight value in column {:?} is zero, so no response carries any weight",
                options.weight.as_deref().unwrap_or("")
            ),
        ));
    }
    for w in weights.iter_mut() {
        *w /= max;
    }
    Ok(())
}

/// Read every input and report what was detected, without requiring a score column.
pub fn inspect(options: &Options) -> Result<Vec<SourceReport>, Error> {
    options.check_inputs()?;
    let spinner = Spinner::start(options);
    let mut reports = Vec::with_capacity(options.files.len());
    for path in &options.files {
        spinner.reading(path);
        reports.push(scan(options, path, false, &spinner)?.0);
    }
    spinner.finish();
    Ok(reports)
}

fn describe(files: &[PathBuf]) -> String {
    match files {
        [one] => one.display().to_string(),
        _ => format!("{} inputs", files.len()),
    }
}

/// Read one input: detect, then pass over every row — counted by [`fast`] when it can (a stream
/// when the input is one), else by the record pass.
fn scan(
    options: &Options,
    path: &std::path::Path,
    need_score: bool,
    spinner: &Spinner,
) -> Result<(SourceReport, FileData), Error> {
    if !need_score {
        // `nps inspect`: a file on disk that has a score column is counted by the parallel
        // pass like any command's (the record pass took 6.6 s and 3 GB on a 1.2 GB CSV,
        // finding F51); anything that pass declines or finds wrong — no score column, a ragged
        // row — is read by the record pass, which reports on it without needing a score.
        // Streams stay on the record pass: what they read cannot be read again.
        if !fast::streams(options, path) {
            if let Ok(Ok(done)) = fast::scan(options, path) {
                return Ok(done);
            }
        }
        return record_scan(
            options,
            path,
            false,
            "nps inspect reads a stream, or an input without a score column, record by record",
        );
    }
    if fast::streams(options, path) {
        let progress = |bytes: u64, rows: u64| spinner.progress(bytes, rows);
        return match fast::stream(options, path, &progress)? {
            fast::Streamed::Done(done) => Ok(*done),
            fast::Streamed::Declined(why, raw) => record_read(options, raw, true, why),
        };
    }
    match fast::scan(options, path)? {
        Ok(done) => Ok(done),
        Err(why) => record_scan(options, path, true, why),
    }
}
