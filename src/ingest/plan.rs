//! Detection's verdict on one input: the [`Plan`] — the platform layout, the column roles and the
//! column of everything the command reads — and the errors that name a missing or ambiguous
//! column.
//!
//! Both passes start from a plan made here from the input's first records (`records::HEAD_RECORDS`
//! of them), so they read the same columns and fail with the same words. This module knows nothing
//! of how the rows are then read.

use super::accounting::{DateReport, RowAccounting};
use super::columns::{self, Decision, Role, RoleChoice};
use super::comments::{CommentPlan, RowCell, KEY_NAME};
use super::options::Options;
use super::preset;
use super::report::{delimiter_name, Reading, SourceReport};
use crate::cli::InputFormat;
use crate::error::Error;

/// What detection decided about one input: the layout, the roles and the column of everything a
/// pass reads. Both passes (the record pass below and [`fast`]) start from it.
pub(crate) struct Plan {
    pub(crate) name: String,
    pub(crate) layout: preset::Layout,
    pub(crate) roles: Vec<RoleChoice>,
    /// `9,0` is a valid score (`;`-delimited files).
    pub(crate) decimal_comma: bool,
    /// Score cells that mean "no answer" (`--na`).
    pub(crate) missing: super::score::Missing,
    /// The score column, `None` only for `inspect` on a file without one.
    pub(crate) score: Option<usize>,
    /// The score column's name, for messages.
    pub(crate) score_column: String,
    /// Carried columns (`--by`).
    pub(crate) keep: Vec<usize>,
    pub(crate) key_names: Vec<String>,
    /// The date column, when dates are read.
    pub(crate) date: Option<usize>,
    /// The respondent id column, when ids are read.
    pub(crate) id: Option<usize>,
    /// The `--weight` column.
    pub(crate) weight: Option<usize>,
    /// `--where` conditions with their column.
    pub(crate) filters: Vec<(usize, crate::cli::Where)>,
    /// The comment columns and the tagger, when the command reads comments; the comment's key is
    /// then carried after `keep` (see [`Plan::carried`]).
    pub(crate) comments: Option<CommentPlan>,
}

impl Plan {
    /// The columns comments are read from: comment columns, language, id, and the cells whole
    /// responses carry.
    pub(crate) fn comment_columns(&self) -> Vec<usize> {
        self.comments
            .iter()
            .flat_map(|c| {
                let whole = c.whole.iter().flatten().flatten();
                c.columns.iter().chain(&c.lang).chain(&c.id).chain(whole)
            })
            .copied()
            .collect()
    }

    /// How many carried cells a response has: the `--by` columns, then the comment key.
    pub(crate) fn carried(&self) -> usize {
        self.keep.len() + usize::from(self.comments.is_some())
    }

    /// The index in `filters` of the `--where` condition a row fails, given its cells.
    pub(crate) fn failed_filter<S: AsRef<str>>(&self, cell: impl Fn(usize) -> S) -> Option<usize> {
        self.filters
            .iter()
            .position(|(i, f)| (cell(*i).as_ref().trim() == f.value) == f.negate)
    }

    /// The report of the input this plan read: the detection's findings plus how it was read.
    pub(crate) fn report(
        self,
        reading: Reading,
        rows: RowAccounting,
        dates: Option<DateReport>,
    ) -> SourceReport {
        SourceReport {
            file: self.name,
            format: reading.format,
            compression: reading.compression,
            encoding: reading.encoding,
            delimiter: reading.delimiter.map(delimiter_name),
            preset: self.layout.preset,
            preset_reason: self.layout.reason,
            header_rows: self.layout.header_rows,
            columns: self.layout.columns,
            roles: self.roles,
            rows,
            dates,
            pass: reading.pass,
            notes: reading.notes,
        }
    }

    pub(crate) fn date_report(&self, options: &Options) -> Option<DateReport> {
        self.date.map(|i| DateReport {
            column: self.layout.columns[i].name.clone(),
            order: None,
            order_reason: None,
            tz: options.tz.name().to_string(),
            dated: 0,
            blank: 0,
            invalid: 0,
            invalid_examples: Vec::new(),
        })
    }
}

/// The most columns an input may have (Qualtrics' largest exports have a few thousand).
const MAX_COLUMNS: usize = 100_000;

/// The longest header cell nps names a column by, in bytes. Qualtrics' question texts, the
/// longest names exports have, run to a few thousand bytes even with their HTML.
const MAX_NAME_BYTES: usize = 64 << 10;

/// Every header cell is matched, folded and renamed as a name, at a cost many times its size (a
/// 30 MB header cell of CJK text took 1.4 GB, finding F25): a cell of `header` (the header rows)
/// far longer than any column name is refused.
fn long_header_cell(name: &str, header: &[csv::StringRecord]) -> Result<(), Error> {
    for (row, record) in header.iter().enumerate() {
        let long = record
            .iter()
            .enumerate()
            .find(|(_, c)| c.len() > MAX_NAME_BYTES);
        if let Some((column, cell)) = long {
            return Err(Error::data(
                name,
                format!(
                    "has a header cell of {} bytes (row {}, column {}), longer than the \
                     {MAX_NAME_BYTES} bytes of any column name nps reads: check that the first \
                     line is the header, and the delimiter (--delimiter)",
                    cell.len(),
                    row + 1,
                    column + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Detection: the layout from the first records, the roles, and the column of everything the
/// command reads. Errors name the missing or ambiguous column.
pub(crate) fn plan(
    options: &Options,
    name: String,
    format: InputFormat,
    head: &[csv::StringRecord],
    delimiter: Option<u8>,
    need_score: bool,
) -> Result<Plan, Error> {
    if head.is_empty() {
        return Err(Error::data(
            name,
            "is empty: no header row and no responses; check that the export finished",
        ));
    }
    // Naming, renaming and judging columns costs per column: a header of millions of cells
    // (10M blank cells took 35 s and 3.7 GB, finding F25) is refused before any of it.
    let width = head.iter().map(|r| r.len()).max().unwrap_or(0);
    if width > MAX_COLUMNS {
        return Err(Error::data(
            name,
            format!(
                "has {width} columns, more than the {MAX_COLUMNS} nps reads (a survey export has \
                 at most a few thousand): check that this is the export, and its delimiter \
                 (--delimiter)"
            ),
        ));
    }
    long_header_cell(&name, &head[..1])?;
    let layout = preset::detect(head, format, options.preset);
    long_header_cell(&name, &head[..layout.header_rows.min(head.len())])?;
    if head.len() < layout.header_rows {
        return Err(Error::data(
            name,
            format!(
                "has {}, but a {:?} export starts with {} header rows; check --preset",
                crate::output::numbers::count(head.len() as u64, "row"),
                layout.preset,
                layout.header_rows
            ),
        ));
    }
    let decimal_comma = delimiter == Some(b';');
    let sample = &head[layout.header_rows..];
    let roles = columns::detect(
        &layout.columns,
        sample,
        &options.overrides,
        decimal_comma,
        &options.missing,
    )
    .map_err(|missing| no_such_column(&name, &layout.columns, &missing.wanted, missing.flag))?;
    let score_choice = roles[0].clone();
    if need_score && score_choice.index.is_none() {
        return Err(score_column_error(&name, &score_choice, &layout.columns));
    }
    let keep = resolve_keep(&layout.columns, &options.keep)
        .map_err(|missing| no_such_column(&name, &layout.columns, &missing, options.keep_flag))?;
    let role_index = |role: Role, flag: &str, what: &str| -> Result<usize, Error> {
        let choice = roles.iter().find(|r| r.role == role).unwrap_or(&roles[0]);
        choice
            .index
            .ok_or_else(|| role_column_error(&name, choice, &layout.columns, flag, what))
    };
    let wants_dates = options.need_dates || options.since.is_some() || options.until.is_some();
    let date_index = if need_score && (wants_dates || options.dedupe.is_some()) {
        let optional = options.dates_optional
            && options.since.is_none()
            && options.until.is_none()
            && options.dedupe.is_none();
        // No date column where dates are optional: every response is undated. Several that
        // fit, or one named by --date-col that does not exist, are still an error.
        let none_fits = roles
            .iter()
            .any(|r| r.role == Role::Date && r.decided_by == Decision::NotFound);
        match role_index(Role::Date, "--date-col", "response date") {
            Err(_) if optional && none_fits && options.overrides.date.is_none() => None,
            found => Some(found?),
        }
    } else {
        None
    };
    let id_index = if need_score && (options.dedupe.is_some() || options.need_ids) {
        Some(role_index(Role::RespondentId, "--id-col", "respondent id")?)
    } else {
        None
    };
    let weight_index = match (&options.weight, need_score) {
        (Some(w), true) => Some(
            columns::find(&layout.columns, w)
                .ok_or_else(|| no_such_column(&name, &layout.columns, w, "--weight"))?,
        ),
        _ => None,
    };
    let filters = options
        .filters
        .iter()
        .map(|f| {
            columns::find(&layout.columns, &f.column)
                .map(|i| (i, f.clone()))
                .ok_or_else(|| no_such_column(&name, &layout.columns, &f.column, &f.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let comments = match (&options.themes, need_score) {
        (Some(tagger), true) => {
            let whole = options.whole.is_some();
            let choice = |role: Role| roles.iter().find(|r| r.role == role).unwrap_or(&roles[0]);
            let columns = match &options.overrides.comment {
                Some(wanted) => resolve_keep(&layout.columns, std::slice::from_ref(wanted))
                    .map_err(|missing| {
                        no_such_column(&name, &layout.columns, &missing, "--comment-col")
                    })?,
                // Whole responses need no comment: followup and risk work from scores alone;
                // nor does a report.
                None if (whole || options.comments_optional)
                    && choice(Role::Comment).decided_by == Decision::NotFound =>
                {
                    Vec::new()
                }
                None => vec![role_index(Role::Comment, "--comment-col", "comment")?],
            };
            if whole && choice(Role::RespondentId).decided_by == Decision::Ambiguous {
                // Responses are gathered per respondent: never guess who is who.
                role_index(Role::RespondentId, "--id-col", "respondent id")?;
            }
            let index_of = |role: Role| choice(role).index;
            let cells =
                match &options.whole {
                    Some(whole) => Some(
                        whole
                            .cells
                            .iter()
                            .map(|c| match c {
                                RowCell::Role(role) => Ok(index_of(*role)),
                                RowCell::Column { name: wanted, flag } => {
                                    columns::find(&layout.columns, wanted).map(Some).ok_or_else(
                                        || no_such_column(&name, &layout.columns, wanted, flag),
                                    )
                                }
                            })
                            .collect::<Result<Vec<_>, Error>>()?,
                    ),
                    None => None,
                };
            Some(CommentPlan {
                columns,
                lang: index_of(Role::Language),
                id: index_of(Role::RespondentId),
                tagger: tagger.clone(),
                sets: options.theme_sets || options.dedupe.is_some() || options.weight.is_some(),
                whole: cells,
                grams: options.grams,
                source: crate::ingest::whole::Source::new(&name),
            })
        }
        _ => None,
    };
    let mut key_names: Vec<String> = keep
        .iter()
        .map(|&i| layout.columns[i].name.clone())
        .collect();
    if comments.is_some() {
        key_names.push(KEY_NAME.to_string());
    }
    Ok(Plan {
        key_names,
        comments,
        name,
        layout,
        roles,
        decimal_comma,
        missing: options.missing.clone(),
        score: score_choice.index,
        score_column: score_choice.column.clone().unwrap_or_default(),
        keep,
        date: date_index,
        id: id_index,
        weight: weight_index,
        filters,
    })
}

/// A flag names a column the input does not have: list the columns, and where several match the
/// name but for case (`--score-col SCORE` with `score` and `Score`), say that the exact name
/// decides (finding F35).
fn no_such_column(file: &str, columns: &[preset::Column], wanted: &str, flag: &str) -> Error {
    let by_case: Vec<&str> = columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| c.eq_ignore_ascii_case(wanted.trim()))
        .collect();
    let message = if by_case.len() > 1 {
        format!(
            "matches {} only by case (named by {flag}); give the exact name",
            list_names(by_case.into_iter())
        )
    } else {
        format!(
            "no such column (named by {flag}); the columns are: {}",
            list_names(columns.iter().map(|c| c.name.as_str()))
        )
    };
    Error::Data {
        file: file.to_string(),
        location: None,
        column: Some(wanted.to_string()),
        message,
    }
}

/// Resolve `--by`-style names to column indices: an exact column name first, else the name
/// split on commas. Returns the first name that matches no column as the error.
fn resolve_keep(columns: &[preset::Column], wanted: &[String]) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for raw in wanted {
        if let Some(i) = columns::find(columns, raw) {
            out.push(i);
            continue;
        }
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            out.push(columns::find(columns, part).ok_or_else(|| part.to_string())?);
        }
    }
    Ok(out)
}

/// A role a command needs (the date, the respondent id) is missing or ambiguous.
fn role_column_error(
    file: &str,
    choice: &RoleChoice,
    columns: &[preset::Column],
    flag: &str,
    what: &str,
) -> Error {
    let message = match choice.decided_by {
        Decision::Ambiguous => format!(
            "several columns could be the {what}: {}; use {flag} to choose",
            list_names(choice.candidates.iter().map(String::as_str))
        ),
        _ => format!(
            "no {what} column was found; use {flag} to name it (columns: {})",
            list_names(columns.iter().map(|c| c.name.as_str()))
        ),
    };
    Error::data(file, message)
}

pub(crate) fn list_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<String> = names.map(|n| format!("{n:?}")).collect();
    if all.len() > 15 {
        format!(
            "{}, … ({} in all; see nps inspect)",
            all[..15].join(", "),
            all.len()
        )
    } else {
        all.join(", ")
    }
}

fn score_column_error(file: &str, choice: &RoleChoice, columns: &[preset::Column]) -> Error {
    let message = match choice.decided_by {
        Decision::Ambiguous => format!(
            "several columns could be the 0–10 score: {}; use --score-col to choose: {}",
            list_names(choice.candidates.iter().map(String::as_str)),
            choice.candidates.join(", ")
        ),
        _ => format!(
            "no NPS score column: {}; use --score-col to name it (columns: {})",
            choice.reason,
            list_names(columns.iter().map(|c| c.name.as_str()))
        ),
    };
    Error::data(file, message)
}
