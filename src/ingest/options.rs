//! The input options every command shares, resolved from the command line before any data is
//! read. Every pass reads its settings from [`Options`]; nothing below `ingest` parses flags.

use std::path::PathBuf;

use super::columns::Overrides;
use super::dates;
use crate::cli::{InputArgs, InputFormat, Preset};
use crate::error::Error;

/// Everything ingest needs to know, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs in order; `-` is stdin.
    pub files: Vec<PathBuf>,
    /// `--input-format`.
    pub format: Option<InputFormat>,
    /// `--preset`.
    pub preset: Option<Preset>,
    /// `--delimiter`.
    pub delimiter: Option<u8>,
    /// `--encoding`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Column flags.
    pub overrides: Overrides,
    /// `--strict`: an invalid score is an error.
    pub strict: bool,
    /// Columns to carry into the frame as text (e.g. `--by plan,country`): each entry is a column
    /// name, or if no column has that exact name, a comma-separated list of names.
    pub keep: Vec<String>,
    /// Read the date column into a `day` frame column (commands that need dates set this).
    pub need_dates: bool,
    /// Read the respondent id column into an `id` frame column.
    pub need_ids: bool,
    /// `--date-format`.
    pub date_order: Option<dates::DayOrder>,
    /// `--tz`.
    pub tz: chrono_tz::Tz,
    /// `--where` conditions.
    pub filters: Vec<crate::cli::Where>,
    /// `--since`.
    pub since: Option<chrono::NaiveDate>,
    /// `--until`.
    pub until: Option<chrono::NaiveDate>,
    /// `--dedupe`.
    pub dedupe: Option<crate::cli::Dedupe>,
    /// `--weight`: the weight column's name.
    pub weight: Option<String>,
    /// `--quiet`: no spinner.
    pub quiet: bool,
}

impl Options {
    /// Options from the shared input flags.
    pub fn new(args: &InputArgs, quiet: bool) -> Self {
        Options {
            files: args.files.clone(),
            format: args.input_format,
            preset: args.preset,
            delimiter: args.delimiter,
            encoding: args.encoding,
            overrides: Overrides {
                score: args.score_col.clone(),
                date: args.date_col.clone(),
                id: args.id_col.clone(),
                comment: args.comment_col.clone(),
            },
            strict: args.strict,
            keep: Vec::new(),
            need_dates: false,
            need_ids: false,
            date_order: args.date_format,
            tz: args.tz,
            filters: args.filters.clone(),
            since: args.since,
            until: args.until,
            dedupe: args.dedupe,
            weight: args.weight.clone(),
            quiet,
        }
    }

    /// Impossible combinations are usage errors, found before any data is read.
    pub fn check(&self) -> Result<(), Error> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since > until {
                return Err(Error::usage(format!(
                    "--since {since} is after --until {until}; no response could match"
                )));
            }
        }
        Ok(())
    }
}
