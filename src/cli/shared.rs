//! The option groups shared by every command, declared once and flattened into each: where the
//! responses come from and how to read them (`InputArgs`, with its `--where` and `--dedupe`
//! values), how intervals are computed (`StatsArgs`), and where and how results are written
//! (`OutputArgs`), with the enums of their values.

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

use super::values::{
    parse_confidence, parse_day, parse_delimiter, parse_encoding, parse_na, parse_tz, parse_where,
};

/// Where the responses come from and how to read them; identical on every command.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Input files: CSV, TSV, JSON, NDJSON, Parquet, optionally gzipped; `-` reads stdin.
    /// Several files are read as one set of responses, each row keeping its source.
    #[arg(required = true, value_name = "FILES", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,

    /// Read every input as this format instead of detecting it from the name and content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// Read every input with this platform's layout instead of recognising it.
    #[arg(long, value_enum, value_name = "PRESET")]
    pub preset: Option<Preset>,

    /// The 0–10 score column (its header, or for two-header-row exports its question text).
    #[arg(long, value_name = "COLUMN")]
    pub score_col: Option<String>,

    /// The response date column.
    #[arg(long, value_name = "COLUMN")]
    pub date_col: Option<String>,

    /// The respondent id column (customer, user or contact id).
    #[arg(long, value_name = "COLUMN")]
    pub id_col: Option<String>,

    /// The free-text comment column.
    #[arg(long, value_name = "COLUMN")]
    pub comment_col: Option<String>,

    /// Field delimiter of CSV input (one character, `tab` for a tab); sniffed when absent.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Text encoding of the input (utf-8, windows-1252, latin1, utf-16le, …); detected when
    /// absent: a BOM, else UTF-8 if the bytes are valid UTF-8, else Windows-1252.
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// Treat any invalid score (11, -1, "ten", 7.5…) as an error (exit 3) instead of setting the
    /// row aside and reporting it.
    #[arg(long)]
    pub strict: bool,

    /// Score cells that mean "no answer", counted as blank: comma-separated, replacing the
    /// default NA,N/A,#N/A,NULL,None,NaN,-,. (any case); `+99,DK` adds to it; "" keeps only
    /// empty cells blank.
    #[arg(long, value_name = "TOKENS", value_parser = parse_na, allow_hyphen_values = true)]
    pub na: Option<crate::ingest::score::Missing>,

    /// Order of day and month in slash dates (3/4/2025); decided from the data when absent, and
    /// required when every date reads both ways.
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_format: Option<crate::ingest::dates::DayOrder>,

    /// Time zone of the periods (an IANA name such as Europe/Paris): times with a zone or epoch
    /// times are converted to it before taking the day; times without a zone are taken as local.
    #[arg(long, value_name = "ZONE", default_value = "UTC", value_parser = parse_tz)]
    pub tz: chrono_tz::Tz,

    /// Weight each response by this numeric column (e.g. account revenue): weighted shares, and
    /// Kish's effective n in every standard error. Rows whose weight is blank, negative or not a
    /// number are set aside and counted.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,

    /// Keep only rows where COL equals VALUE (`plan=pro`) or differs from it (`plan!=free`);
    /// repeatable, all must hold. Cells are compared trimmed and case-sensitively; `plan=`
    /// matches blank cells.
    #[arg(long = "where", value_name = "COL=VALUE", value_parser = parse_where, help_heading = "Filters")]
    pub filters: Vec<Where>,

    /// Keep only responses dated on or after this day (YYYY-MM-DD, in --tz).
    #[arg(long, value_name = "DATE", value_parser = parse_day, help_heading = "Filters")]
    pub since: Option<chrono::NaiveDate>,

    /// Keep only responses dated on or before this day (YYYY-MM-DD, in --tz).
    #[arg(long, value_name = "DATE", value_parser = parse_day, help_heading = "Filters")]
    pub until: Option<chrono::NaiveDate>,

    /// Keep one response per respondent id (the --id-col column): the latest or the first by
    /// date (file order breaks ties), across all inputs.
    #[arg(long, value_enum, value_name = "WHICH", help_heading = "Filters")]
    pub dedupe: Option<Dedupe>,
}

/// A `--where` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    /// The column name.
    pub column: String,
    /// `true` for `!=`.
    pub negate: bool,
    /// The value compared with the trimmed cell.
    pub value: String,
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = if self.negate { "!=" } else { "=" };
        // As it would be typed: `=`, `!` and `\` in the column's name escaped.
        let mut column = String::with_capacity(self.column.len());
        for c in self.column.chars() {
            if matches!(c, '=' | '!' | '\\') {
                column.push('\\');
            }
            column.push(c);
        }
        write!(f, "--where {column}{op}{}", self.value)
    }
}

/// Which answer `--dedupe` keeps per respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dedupe {
    /// The most recent answer.
    Latest,
    /// The earliest answer.
    First,
}

/// How intervals are computed.
#[derive(Debug, Args, Clone, Copy)]
#[command(next_help_heading = "Statistics")]
pub struct StatsArgs {
    /// Confidence interval method.
    #[arg(long, value_enum, default_value_t = CiMethod::AdjustedWald, value_name = "METHOD")]
    pub ci: CiMethod,

    /// Confidence level of the interval, as 0.95, 95 or 95%.
    #[arg(long, default_value = "0.95", value_name = "LEVEL", value_parser = parse_confidence)]
    pub confidence: f64,
}

/// Where and how results are written; identical on every command.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table, value_name = "FORMAT")]
    pub format: Format,

    /// Write results to this file (atomically: a temporary file, then a rename) instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,

    /// Decimals shown for NPS and shares in table, markdown and CSV output (JSON is unrounded).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=6))]
    pub decimals: u8,

    /// Silence notes on stderr (errors and gate failures are still reported).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Colour and box drawing in table output. `auto`: on a terminal, unless NO_COLOR is set
    /// (CLICOLOR_FORCE forces colour; CLICOLOR=0 turns it off).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// The inputs were read and reported on already (`nps report`'s second read, for the
    /// follow-up list): say nothing more about them on stderr. Not a flag.
    #[arg(skip)]
    pub read_again: bool,

    /// The command takes its format from `-o`'s name (`nps report`): no note that the name
    /// says another format than `--format`. Not a flag.
    #[arg(skip)]
    pub format_from_name: bool,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Delimited text (the delimiter is sniffed among `,` `;` tab `|`).
    Csv,
    /// Tab-separated text.
    Tsv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    #[value(alias = "jsonl")]
    Ndjson,
    /// Apache Parquet.
    Parquet,
}

/// Survey platform layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Qualtrics CSV: three header rows; preview, test and spam responses excluded.
    Qualtrics,
    /// SurveyMonkey CSV: two header rows, question text forward-filled.
    #[value(alias = "survey-monkey")]
    Surveymonkey,
    /// Typeform CSV: `#` token column, `Submit Date (UTC)`.
    Typeform,
    /// Delighted API JSON: epoch seconds, `person_properties` flattened.
    Delighted,
    /// One header row, nothing platform-specific.
    Generic,
}

/// Confidence interval methods (DESIGN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiMethod {
    /// Adjusted Wald: add 0.75 detractors, 1.5 passives and 0.75 promoters, then Wald.
    AdjustedWald,
    /// Plain Wald: NPS ± z·SE. Poor for small n or extreme scores.
    Wald,
    /// Tango's score interval (inverted score test for a difference of paired proportions).
    Score,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people (box drawing on a terminal, plain when piped).
    Table,
    /// A versioned JSON document (`schema_version`), numbers unrounded.
    Json,
    /// One header row, machine-friendly column names.
    Csv,
    /// Markdown tables, for pull requests and wikis.
    #[value(alias = "md")]
    Markdown,
    /// JUnit XML, one test case per rule (`nps check` only).
    Junit,
    /// GitHub Actions workflow commands, `::error` per failed rule (`nps check` only).
    Github,
    /// One JSON object per line (`nps themes --per-response` only).
    #[value(alias = "jsonl")]
    Ndjson,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal, as NO_COLOR, CLICOLOR_FORCE and CLICOLOR say.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}
