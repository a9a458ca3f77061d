//! Ingest: the only place that reads inputs. Every command calls [`load`] (or [`inspect`]) with the
//! shared input options and gets back a polars frame of valid responses plus an exact account of
//! every row read.
//!
//! The pipeline for each input is: [`source`] (bytes, gzip, format, encoding) → [`records`]
//! (CSV/TSV/JSON/NDJSON/Parquet into records) → [`preset`] (platform layout, header rows,
//! excluded rows) → [`columns`] (roles by name and content) → a full pass that reads each score
//! cell with [`score`] and, when a command asks, the date with [`dates`]. Inputs are
//! concatenated; each row keeps the index of its source. [`filters`] then applies what needs
//! whole columns (`--dedupe` across inputs, weights), and [`accounting`] keeps the count of every
//! row: `read = used + blank + invalid + excluded + filtered + deduplicated`.

pub mod accounting;
#[allow(dead_code)]
pub(crate) mod blocks;
pub mod columns;
pub mod dates;
mod fast;
pub mod filters;
pub mod preset;
pub mod records;
pub mod score;
pub mod source;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use polars::prelude::{Column as PlColumn, DataFrame};
use serde::Serialize;

use crate::cli::{InputArgs, InputFormat, Preset};
use crate::error::{Error, Location};
use crate::metrics::frame::{COUNT, SCORE};
use columns::{Decision, Overrides, Role, RoleChoice};
use score::ScoreCell;
use source::EncodingReport;

use accounting::EXAMPLES;
pub use accounting::{DateReport, Excluded, InvalidValue, RowAccounting};
use filters::{dedupe, parse_weight, retain_mask};

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

/// Inputs larger than this show a spinner (on a terminal): below it, reading takes well under a
/// second and a spinner would only flicker.
const SPINNER_BYTES: u64 = 32 * 1024 * 1024;

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
    for (index, path) in options.files.iter().enumerate() {
        spinner.reading(path);
        let (report, data) = scan(options, path, true)?;
        match &key_names {
            None => {
                kept = vec![Vec::new(); data.key_names.len()];
                key_names = Some(data.key_names);
            }
            Some(names) if names.len() != data.key_names.len() => {
                return Err(Error::data(
                    report.file,
                    format!(
                        "--by resolves to {} column(s) here ({}) but to {} in the first input ({}); name the columns the same way in every input",
                        data.key_names.len(),
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
        scores.extend(data.scores);
        for (all, file) in kept.iter_mut().zip(data.kept) {
            all.extend(file);
        }
        days.extend(data.days.unwrap_or_default());
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
    })
}

impl Dataset {
    /// How many valid responses the frame holds (the sum of its counts).
    pub fn responses(&self) -> u64 {
        self.rows.used
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
    let spinner = Spinner::start(options);
    let mut reports = Vec::with_capacity(options.files.len());
    for path in &options.files {
        spinner.reading(path);
        reports.push(scan(options, path, false)?.0);
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

/// What one input contributes to the frame.
struct FileData {
    /// Valid scores, in row order.
    scores: Vec<u8>,
    /// Names of the carried columns in this input.
    key_names: Vec<String>,
    /// For each carried column, its trimmed cell on each used row (`None` when blank).
    kept: Vec<Vec<Option<String>>>,
    /// Each used row's local day, when dates were asked for.
    days: Option<Vec<Option<i32>>>,
    /// Each used row's respondent id (`None` unless ids were asked for).
    ids: Vec<Option<String>>,
    /// Each used row's weight, with `--weight` (empty otherwise).
    weights: Vec<f64>,
    /// Responses already counted by [`fast`]: one entry per distinct (score, carried cells,
    /// day), instead of rows in the fields above.
    groups: Vec<GroupRow>,
}

/// `count` valid responses that share a score, carried cells and day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupRow {
    kept: Vec<Option<String>>,
    day: Option<i32>,
    score: u8,
    count: u64,
}

/// A row that passed the platform exclusions and `--where`, before dates and scores are judged.
struct Candidate {
    location: Location,
    score: ScoreCell,
    /// The raw score cell, kept only when it is invalid (for the report).
    invalid_text: Option<String>,
    kept: Vec<Option<String>>,
    date: Option<dates::RawDate>,
    /// The raw date cell, kept only when it could not be read.
    date_text: Option<String>,
    id: Option<String>,
    /// The `--weight` value, when the cell holds a usable one.
    weight: Option<f64>,
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

/// What detection decided about one input: the layout, the roles and the column of everything a
/// pass reads. Both passes (the record pass below and [`fast`]) start from it.
struct Plan {
    name: String,
    layout: preset::Layout,
    roles: Vec<RoleChoice>,
    /// `9,0` is a valid score (`;`-delimited files).
    decimal_comma: bool,
    /// The score column, `None` only for `inspect` on a file without one.
    score: Option<usize>,
    /// The score column's name, for messages.
    score_column: String,
    /// Carried columns (`--by`).
    keep: Vec<usize>,
    key_names: Vec<String>,
    /// The date column, when dates are read.
    date: Option<usize>,
    /// The respondent id column, when ids are read.
    id: Option<usize>,
    /// The `--weight` column.
    weight: Option<usize>,
    /// `--where` conditions with their column.
    filters: Vec<(usize, crate::cli::Where)>,
}

impl Plan {
    /// The index in `filters` of the `--where` condition a row fails, given its cells.
    fn failed_filter<S: AsRef<str>>(&self, cell: impl Fn(usize) -> S) -> Option<usize> {
        self.filters
            .iter()
            .position(|(i, f)| (cell(*i).as_ref().trim() == f.value) == f.negate)
    }

    /// The report of the input this plan read: the detection's findings plus how it was read.
    fn report(
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

    fn date_report(&self, options: &Options) -> Option<DateReport> {
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

/// How an input was read, as its report tells: the parts a pass knows and detection does not.
struct Reading {
    format: InputFormat,
    compression: Option<&'static str>,
    encoding: Option<EncodingReport>,
    delimiter: Option<u8>,
    /// `parallel`, `grouped`, or `records: why not fast`.
    pass: String,
    notes: Vec<String>,
}

/// Read one input: detect, then pass over every row — with [`fast`] when the input allows it.
fn scan(
    options: &Options,
    path: &std::path::Path,
    need_score: bool,
) -> Result<(SourceReport, FileData), Error> {
    let why_not_fast = if need_score {
        match fast::scan(options, path)? {
            Ok(done) => return Ok(done),
            Err(why) => why,
        }
    } else {
        "nps inspect reads every row as a record"
    };
    record_scan(options, path, need_score, why_not_fast)
}

/// Read one input whole and pass over its records.
fn record_scan(
    options: &Options,
    path: &std::path::Path,
    need_score: bool,
    why_not_fast: &str,
) -> Result<(SourceReport, FileData), Error> {
    let raw = source::read(path)?;
    let name = raw.name.clone();
    let format = source::detect_format(&name, &raw.bytes, options.format)?;
    let (body, encoding, notes) = if format == InputFormat::Parquet {
        let (body, notes) = records::parse_parquet(&name, raw.bytes)?;
        (body, None, notes)
    } else {
        let (text, report) = source::decode(&name, raw.bytes, options.encoding)?;
        (
            records::parse_text(&name, text, format, options.delimiter)?,
            Some(report),
            Vec::new(),
        )
    };
    let head = body.head(&name, records::HEAD_RECORDS)?;
    let plan = plan(options, name, format, &head, body.delimiter(), need_score)?;
    let (rows, data, date_report) = record_pass(options, &plan, &body)?;
    let reading = Reading {
        format,
        compression: raw.compression,
        encoding,
        delimiter: body.delimiter(),
        pass: format!("records: {why_not_fast}"),
        notes,
    };
    let report = plan.report(reading, rows, date_report);
    Ok((report, data))
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        other => char::from(other).to_string(),
    }
}

/// Detection: the layout from the first records, the roles, and the column of everything the
/// command reads. Errors name the missing or ambiguous column.
fn plan(
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
    let layout = preset::detect(head, format, options.preset);
    if head.len() < layout.header_rows {
        return Err(Error::data(
            name,
            format!(
                "has {} row(s), but a {:?} export starts with {} header rows; check --preset",
                head.len(),
                layout.preset,
                layout.header_rows
            ),
        ));
    }
    let decimal_comma = delimiter == Some(b';');
    let sample = &head[layout.header_rows..];
    let roles = columns::detect(&layout.columns, sample, &options.overrides, decimal_comma)
        .map_err(|missing| Error::Data {
            file: name.clone(),
            location: None,
            column: Some(missing.wanted.clone()),
            message: format!(
                "no such column (named by {}); the columns are: {}",
                missing.flag,
                list_names(layout.columns.iter().map(|c| c.name.as_str()))
            ),
        })?;
    let score_choice = roles[0].clone();
    if need_score && score_choice.index.is_none() {
        return Err(score_column_error(&name, &score_choice, &layout.columns));
    }
    let keep = resolve_keep(&layout.columns, &options.keep).map_err(|missing| Error::Data {
        file: name.clone(),
        location: None,
        column: Some(missing),
        message: format!(
            "no such column (named by --by); the columns are: {}",
            list_names(layout.columns.iter().map(|c| c.name.as_str()))
        ),
    })?;
    let role_index = |role: Role, flag: &str, what: &str| -> Result<usize, Error> {
        let choice = roles.iter().find(|r| r.role == role).unwrap_or(&roles[0]);
        choice
            .index
            .ok_or_else(|| role_column_error(&name, choice, &layout.columns, flag, what))
    };
    let wants_dates = options.need_dates || options.since.is_some() || options.until.is_some();
    let date_index = if need_score && (wants_dates || options.dedupe.is_some()) {
        Some(role_index(Role::Date, "--date-col", "response date")?)
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
            columns::find(&layout.columns, w).ok_or_else(|| Error::Data {
                file: name.clone(),
                location: None,
                column: Some(w.clone()),
                message: format!(
                    "no such column (named by --weight); the columns are: {}",
                    list_names(layout.columns.iter().map(|c| c.name.as_str()))
                ),
            })?,
        ),
        _ => None,
    };
    let filters = options
        .filters
        .iter()
        .map(|f| {
            columns::find(&layout.columns, &f.column)
                .map(|i| (i, f.clone()))
                .ok_or_else(|| Error::Data {
                    file: name.clone(),
                    location: None,
                    column: Some(f.column.clone()),
                    message: format!(
                        "no such column (named by {f}); the columns are: {}",
                        list_names(layout.columns.iter().map(|c| c.name.as_str()))
                    ),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        key_names: keep
            .iter()
            .map(|&i| layout.columns[i].name.clone())
            .collect(),
        name,
        layout,
        roles,
        decimal_comma,
        score: score_choice.index,
        score_column: score_choice.column.clone().unwrap_or_default(),
        keep,
        date: date_index,
        id: id_index,
        weight: weight_index,
        filters,
    })
}

/// The record pass: every row of `body`, judged and kept as a row of the frame.
fn record_pass(
    options: &Options,
    plan: &Plan,
    body: &records::Body,
) -> Result<(RowAccounting, FileData, Option<DateReport>), Error> {
    let Plan {
        name,
        layout,
        decimal_comma,
        keep,
        score_column,
        ..
    } = plan;
    let decimal_comma = *decimal_comma;
    let (date_index, id_index, weight_index) = (plan.date, plan.id, plan.weight);
    // The pass keeps, for every row that passes the platform exclusions and --where, what the
    // later steps need; dates can only be read once the whole column has decided its day order.
    let mut rows = RowAccounting::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    body.for_each(name, layout.header_rows, |location, record| {
        rows.read += 1;
        if let Some(reason) = layout.exclusion(record) {
            rows.exclude(reason);
            return Ok(());
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if let Some(f) = plan.failed_filter(cell) {
            rows.filter(&plan.filters[f].1.to_string());
            return Ok(());
        }
        let Some(index) = plan.score else {
            return Ok(());
        };
        let score_cell = score::parse(record.get(index).unwrap_or(""), decimal_comma);
        let date_text = date_index.map(cell).unwrap_or("");
        let date = date_index.and_then(|_| dates::parse(date_text));
        candidates.push(Candidate {
            location,
            score: score_cell,
            invalid_text: (score_cell == ScoreCell::Invalid)
                .then(|| record.get(index).unwrap_or("").to_string()),
            kept: keep
                .iter()
                .map(|&i| Some(cell(i).to_string()).filter(|c| !c.is_empty()))
                .collect(),
            date,
            date_text: (date.is_none() && !date_text.is_empty()).then(|| date_text.to_string()),
            id: id_index
                .map(cell)
                .filter(|c| !c.is_empty())
                .map(String::from),
            weight: weight_index.and_then(|i| parse_weight(cell(i), decimal_comma)),
        });
        Ok(())
    })?;

    let mut date_report = plan.date_report(options);
    let days: Vec<Option<i32>> = match date_report.as_mut() {
        Some(report) => {
            let raw: Vec<Option<dates::RawDate>> = candidates.iter().map(|c| c.date).collect();
            let locations: Vec<Location> = candidates.iter().map(|c| c.location).collect();
            resolve_days(name, options, report, &raw, &locations)?
        }
        None => vec![None; candidates.len()],
    };
    let since = options.since.map(dates::days_since_epoch);
    let until = options.until.map(dates::days_since_epoch);
    let mut data = FileData {
        scores: Vec::new(),
        key_names: plan.key_names.clone(),
        kept: vec![Vec::new(); keep.len()],
        days: date_index.map(|_| Vec::new()),
        ids: Vec::new(),
        weights: Vec::new(),
        groups: Vec::new(),
    };
    for (c, day) in candidates.into_iter().zip(days) {
        if since.is_some() || until.is_some() {
            match day {
                None => {
                    rows.filter("no readable date (--since/--until)");
                    continue;
                }
                Some(d) if since.is_some_and(|s| d < s) => {
                    rows.filter("before --since");
                    continue;
                }
                Some(d) if until.is_some_and(|u| d > u) => {
                    rows.filter("after --until");
                    continue;
                }
                Some(_) => {}
            }
        }
        if weight_index.is_some() && c.weight.is_none() {
            rows.filter("no usable --weight value (blank, negative or not a number)");
            continue;
        }
        match c.score {
            ScoreCell::Blank => rows.blank += 1,
            ScoreCell::Invalid => {
                let value = c.invalid_text.unwrap_or_default();
                if options.strict {
                    return Err(Error::Data {
                        file: name.clone(),
                        location: Some(c.location),
                        column: Some(score_column.clone()),
                        message: format!(
                            "{value:?} is not a score from 0 to 10 (--strict); correct the value, or drop --strict to set such rows aside and count them"
                        ),
                    });
                }
                rows.invalid += 1;
                if rows.invalid_examples.len() < EXAMPLES {
                    rows.invalid_examples.push(InvalidValue {
                        file: name.clone(),
                        location: c.location,
                        column: score_column.clone(),
                        value,
                    });
                }
            }
            ScoreCell::Valid(v) => {
                rows.used += 1;
                data.scores.push(v);
                for (values, value) in data.kept.iter_mut().zip(c.kept) {
                    values.push(value);
                }
                if let (Some(report), Some(days)) = (date_report.as_mut(), data.days.as_mut()) {
                    match (day, &c.date_text) {
                        (Some(_), _) => report.dated += 1,
                        (None, Some(text)) => {
                            report.invalid += 1;
                            if report.invalid_examples.len() < EXAMPLES {
                                report.invalid_examples.push(InvalidValue {
                                    file: name.clone(),
                                    location: c.location,
                                    column: report.column.clone(),
                                    value: text.clone(),
                                });
                            }
                        }
                        // A parsed date that does not exist in the column's order.
                        (None, None) if c.date.is_some() => report.invalid += 1,
                        (None, None) => report.blank += 1,
                    }
                    days.push(day);
                }
                data.ids.push(c.id);
                data.weights.extend(c.weight);
            }
        }
    }
    Ok((rows, data, date_report))
}

/// Decide the day order of a file's dates and turn them into local days.
fn resolve_days(
    file: &str,
    options: &Options,
    report: &mut DateReport,
    raw: &[Option<dates::RawDate>],
    locations: &[Location],
) -> Result<Vec<Option<i32>>, Error> {
    let cell_error = |i: usize, message: String| Error::Data {
        file: file.to_string(),
        location: locations.get(i).copied(),
        column: Some(report.column.clone()),
        message,
    };
    let order = match options.date_order {
        Some(order) => {
            report.order_reason = Some("--date-format".into());
            Some(order)
        }
        None => match dates::decide_order(raw) {
            Ok(order) => {
                if order.is_some() {
                    report.order_reason = Some(
                        "decided from the data: some dates read only one way".into(),
                    );
                }
                order
            }
            Err(dates::OrderProblem::Ambiguous(i)) => {
                return Err(cell_error(
                    i,
                    "every date in this column reads both as month/day/year and as day/month/year; give --date-format mdy or --date-format dmy".into(),
                ))
            }
            Err(dates::OrderProblem::Mixed { mdy_only, dmy_only }) => {
                let line = locations.get(dmy_only).map(|l| l.to_string()).unwrap_or_default();
                return Err(cell_error(
                    mdy_only,
                    format!("this date reads only as month/day/year, but the one on {line} only as day/month/year; fix the column or give --date-format"),
                ));
            }
        },
    };
    report.order = order;
    // A date that does not exist in the chosen order (a 13th month) becomes `None`: unreadable,
    // never misplaced.
    Ok(raw
        .iter()
        .map(|r| r.and_then(|r| r.day(order, options.tz)))
        .collect())
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

fn list_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
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

/// An indicatif spinner on stderr, only on a terminal, only for inputs large enough to notice.
struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    fn start(options: &Options) -> Self {
        let large = options.files.iter().any(|p| {
            p.as_os_str() == "-" || std::fs::metadata(p).is_ok_and(|m| m.len() >= SPINNER_BYTES)
        });
        if options.quiet || !large || !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        Spinner(Some(indicatif::ProgressBar::new_spinner()))
    }

    /// Name the input being read. The message is set before the spinner starts ticking, so
    /// that its first frame already names the file.
    fn reading(&self, path: &std::path::Path) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("reading {}", path.display()));
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
