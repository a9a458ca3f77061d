//! What a pass hands back: the report of one input (what was detected, how it was read, what
//! happened to its rows) and the responses it contributes to the frame.
//!
//! Plain data, below every pass and above nothing in `ingest` but the cell readers' own reports.

use serde::Serialize;

use super::accounting::{DateReport, RowAccounting};
use super::columns::{Role, RoleChoice};
use super::preset;
use super::source::EncodingReport;
use crate::cli::{InputFormat, Preset};

/// What was detected in one input and what happened to its rows.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    /// The input as named on the command line (`<stdin>` for `-`).
    pub file: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// `gzip` when it was compressed.
    pub compression: Option<&'static str>,
    /// The text encoding and why (absent for Parquet).
    pub encoding: Option<EncodingReport>,
    /// The field delimiter of delimited text (`tab` for a tab).
    pub delimiter: Option<String>,
    /// The platform layout.
    pub preset: Preset,
    /// Why that layout.
    pub preset_reason: String,
    /// Header rows skipped.
    pub header_rows: usize,
    /// Every column, in file order.
    pub columns: Vec<preset::Column>,
    /// The role decisions.
    pub roles: Vec<RoleChoice>,
    /// Row accounting for this input.
    pub rows: RowAccounting,
    /// How dates were read, when the command uses them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dates: Option<DateReport>,
    /// How the rows were read: `parallel` (the fast pass, see `ingest::fast`), or `records`
    /// and why the fast pass did not apply.
    pub pass: String,
    /// Things about this input a user should know (columns that could not be read…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl SourceReport {
    /// The decision for a role.
    pub fn role(&self, role: Role) -> &RoleChoice {
        // `columns::detect` decides every role of `Role::ALL`, so the lookup cannot miss.
        self.roles
            .iter()
            .find(|c| c.role == role)
            .unwrap_or(&self.roles[0])
    }
}

/// What one input contributes to the frame.
#[derive(Debug)]
pub(crate) struct FileData {
    /// Valid scores, in row order.
    pub(crate) scores: Vec<u8>,
    /// Names of the carried columns in this input.
    pub(crate) key_names: Vec<String>,
    /// For each carried column, its trimmed cell on each used row (`None` when blank).
    pub(crate) kept: Vec<Vec<Option<String>>>,
    /// Each used row's local day, when dates were asked for.
    pub(crate) days: Option<Vec<Option<i32>>>,
    /// Each used row's respondent id (`None` unless ids were asked for).
    pub(crate) ids: Vec<Option<String>>,
    /// Each used row's weight, with `--weight` (empty otherwise).
    pub(crate) weights: Vec<f64>,
    /// Responses already counted by [`fast`]: one entry per distinct (score, carried cells,
    /// day), instead of rows in the fields above.
    pub(crate) groups: Vec<GroupRow>,
    /// Quotes per theme, when comments are read.
    pub(crate) evidence: crate::themes::evidence::Evidence,
}

/// `count` valid responses that share a score, carried cells and day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GroupRow {
    pub(crate) kept: Vec<Option<String>>,
    pub(crate) day: Option<i32>,
    pub(crate) score: u8,
    pub(crate) count: u64,
}

/// How an input was read, as its report tells: the parts a pass knows and detection does not.
pub(crate) struct Reading {
    pub(crate) format: InputFormat,
    pub(crate) compression: Option<&'static str>,
    pub(crate) encoding: Option<EncodingReport>,
    pub(crate) delimiter: Option<u8>,
    /// `parallel`, `grouped`, or `records: why not fast`.
    pub(crate) pass: String,
    pub(crate) notes: Vec<String>,
}

pub(crate) fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        other => char::from(other).to_string(),
    }
}
