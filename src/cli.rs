//! The command-line surface, declared with clap's derive API.
//!
//! Shared option groups (input, output, statistics) are declared once and flattened into each
//! command, so a flag means the same thing everywhere (DESIGN.md §2). Doc comments here are the
//! `--help` text. Values are parsed into typed enums at this boundary; what clap cannot check alone
//! (a combination, a path clash) is checked when a command builds its plan, before reading data.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Net Promoter Score from survey exports: an honest margin of error, real row accounting, and
/// exit codes a CI job can gate on.
///
/// Reads CSV, TSV, JSON, NDJSON and Parquet exports (gzip too, or `-` for stdin) from Qualtrics,
/// SurveyMonkey, Typeform, Delighted or any tool; finds the 0–10 score column by itself, and says
/// how it decided (`nps inspect`).
#[derive(Debug, Parser)]
#[command(name = "nps", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Overall NPS: counts, shares, the 0–10 distribution and a confidence interval.
    ///
    /// Examples:
    ///   nps score responses.csv
    ///   nps score export.csv.gz --format json | jq .nps
    ///   cat responses.ndjson | nps score - --format csv
    ///   nps score survey.csv --score-col "How likely are you to recommend us?" --min 30
    #[command(verbatim_doc_comment)]
    Score(ScoreArgs),

    /// NPS per segment: each segment against the rest of the respondents (difference, p-value
    /// raw and Holm-adjusted), its impact on the overall NPS, and a small-sample flag.
    ///
    /// Examples:
    ///   nps segment responses.csv --by plan
    ///   nps segment responses.csv --by plan,country --min-n 50 --sort impact
    ///   nps segment responses.csv --by plan --top 5 --format csv
    #[command(verbatim_doc_comment)]
    Segment(SegmentArgs),

    /// NPS per day, week, month, quarter or year: empty periods shown with n = 0, the change
    /// from the previous period with its p-value, rolling windows, one series per segment.
    ///
    /// Examples:
    ///   nps trend responses.csv --every month
    ///   nps trend responses.csv --every week --rolling 90d --by plan
    ///   nps trend survey.csv --every quarter --date-format mdy --tz Europe/Paris
    #[command(verbatim_doc_comment)]
    Trend(TrendArgs),

    /// Compare two groups: two inputs (A B), one input split at a date, or two values of a
    /// column. Shows both NPS with their intervals, the signed difference B − A with its
    /// interval, z and p, and a one-line verdict.
    ///
    /// Examples:
    ///   nps compare q3.csv q4.csv
    ///   nps compare responses.csv --split-date 2025-07-01
    ///   nps compare responses.csv --by plan --groups free,pro
    ///   nps compare before.csv after.csv --paired
    #[command(verbatim_doc_comment)]
    Compare(CompareArgs),

    /// CI gate: exit 1 when a rule fails (after printing every rule's result), 0 when all pass.
    ///
    /// Examples:
    ///   nps check responses.csv --min 30
    ///   nps check responses.csv --min 30 --unless-uncertain
    ///   nps check responses.csv --max-detractors 20% --min-responses 100
    ///   nps check responses.csv --baseline baseline.json --max-drop 5 --significant
    ///   nps check responses.csv --by plan --min 10
    ///   nps check responses.csv --rules nps-rules.toml --format junit -o nps-junit.xml
    ///   nps check responses.csv --min 30 --format github
    #[command(verbatim_doc_comment)]
    Check(CheckArgs),

    /// What was detected in each file: format, encoding, delimiter, preset, header rows, each
    /// column's role and why, row accounting and the first problems.
    ///
    /// Examples:
    ///   nps inspect survey_monkey_export.csv
    ///   nps inspect a.csv b.json --format json
    #[command(verbatim_doc_comment)]
    Inspect(InspectArgs),
}

/// `nps score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// Exit with status 1 (after printing the results) when the NPS is below this value, from
    /// -100 to 100. The comparison uses the exact NPS, not the rounded one.
    #[arg(long, value_name = "NPS", allow_negative_numbers = true, value_parser = parse_nps_threshold, help_heading = "Gate")]
    pub min: Option<f64>,
}

/// `nps segment`.
#[derive(Debug, Args)]
pub struct SegmentArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// Column(s) to segment by; several (`--by plan,country` or `--by plan --by country`) give
    /// one segment per combination. A column whose own name contains a comma is matched whole.
    #[arg(
        long,
        required = true,
        value_name = "COL[,COL]",
        help_heading = "Segments"
    )]
    pub by: Vec<String>,

    /// Segments with fewer responses are flagged as small samples (never hidden).
    #[arg(
        long,
        default_value_t = 30,
        value_name = "N",
        help_heading = "Segments"
    )]
    pub min_n: u64,

    /// Order of the segment rows.
    #[arg(long, value_enum, default_value_t = SegmentSort::N, value_name = "KEY", help_heading = "Segments")]
    pub sort: SegmentSort,

    /// Show only the first N segments after sorting (the overall row is always shown, and the
    /// Holm adjustment still counts every segment).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Segments")]
    pub top: Option<u64>,
}

/// `nps trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// Period length.
    #[arg(long, value_enum, value_name = "PERIOD", help_heading = "Trend")]
    pub every: crate::metrics::period::Every,

    /// Also show the trailing-window NPS at each period's end: `90d` for the last 90 days, `3`
    /// for the last 3 periods (the current one included).
    #[arg(long, value_name = "WINDOW", value_parser = parse_rolling, help_heading = "Trend")]
    pub rolling: Option<Rolling>,

    /// One series per segment of these columns (`--by plan` or `--by plan,country`).
    #[arg(long, value_name = "COL[,COL]", help_heading = "Trend")]
    pub by: Vec<String>,
}

/// `nps compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// Split one input at this day: A is before it, B on or after it (YYYY-MM-DD, in --tz).
    #[arg(long, value_name = "DATE", value_parser = parse_day, help_heading = "Compare")]
    pub split_date: Option<chrono::NaiveDate>,

    /// Split one input by this column, with --groups naming the two values A and B.
    #[arg(
        long,
        value_name = "COL",
        requires = "groups",
        help_heading = "Compare"
    )]
    pub by: Option<String>,

    /// The two values of --by to compare: `--groups free,pro` (A = free, B = pro).
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        requires = "by",
        help_heading = "Compare"
    )]
    pub groups: Vec<String>,

    /// The same respondents answered in A and B: match them on the respondent id (--id-col) and
    /// test the per-person change. Respondents found on one side only are reported, not used.
    #[arg(long, help_heading = "Compare")]
    pub paired: bool,
}

/// `nps check`. Thresholds come from flags (or their environment variables) and from `--rules`;
/// a flag wins over the file.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// Fail when the NPS is below this (−100 to 100).
    #[arg(long, env = "NPS_MIN", value_name = "NPS", allow_negative_numbers = true, value_parser = from_flag_or_env(parse_nps_threshold, "--min", "NPS_MIN"), help_heading = "Rules")]
    pub min: Option<f64>,

    /// With --min: fail only when the whole confidence interval is below the minimum (its upper
    /// bound < min), so a sample too small to tell does not break the build.
    #[arg(long, help_heading = "Rules")]
    pub unless_uncertain: bool,

    /// Fail when the detractor share is above this: 20%, 0.2 or 20.
    #[arg(long, env = "NPS_MAX_DETRACTORS", value_name = "SHARE", value_parser = from_flag_or_env(parse_share, "--max-detractors", "NPS_MAX_DETRACTORS"), help_heading = "Rules")]
    pub max_detractors: Option<f64>,

    /// Fail when the promoter share is below this: 50%, 0.5 or 50.
    #[arg(long, env = "NPS_MIN_PROMOTERS", value_name = "SHARE", value_parser = from_flag_or_env(parse_share, "--min-promoters", "NPS_MIN_PROMOTERS"), help_heading = "Rules")]
    pub min_promoters: Option<f64>,

    /// Fail when fewer responses than this were used.
    #[arg(
        long,
        env = "NPS_MIN_RESPONSES",
        value_name = "N",
        help_heading = "Rules"
    )]
    pub min_responses: Option<u64>,

    /// Fail when the NPS fell by more than this many points from --baseline (negative: it must
    /// have risen by that much), from -200 to 200.
    #[arg(
        long,
        env = "NPS_MAX_DROP",
        value_name = "POINTS",
        allow_negative_numbers = true,
        value_parser = from_flag_or_env(parse_max_drop, "--max-drop", "NPS_MAX_DROP"),
        help_heading = "Rules"
    )]
    pub max_drop: Option<f64>,

    /// With --max-drop: fail only when the drop is also statistically significant.
    #[arg(long, help_heading = "Rules")]
    pub significant: bool,

    /// The baseline for --max-drop: a saved `nps score --format json`, or a data file to score
    /// with the same input options.
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub baseline: Option<PathBuf>,

    /// Apply the rules to the overall score and to every segment of this column with at least
    /// --min-n responses.
    #[arg(long, value_name = "COL", help_heading = "Rules")]
    pub by: Option<String>,

    /// Segments smaller than this are listed as skipped, not checked.
    #[arg(long, value_name = "N", help_heading = "Rules")]
    pub min_n: Option<u64>,

    /// Apply the rules to the latest period of this length instead of all responses.
    #[arg(long, value_enum, value_name = "PERIOD", help_heading = "Rules")]
    pub every: Option<crate::metrics::period::Every>,

    /// A TOML file of rules with the flags' names as keys (`min = 30`, `max-detractors = "20%"`,
    /// `unless-uncertain = true`…); unknown keys are an error.
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub rules: Option<PathBuf>,
}

/// A share threshold: `20%`, `0.2` or `20` all mean a fifth.
pub fn parse_share(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a share; write 20%, 0.2 or 20"))?;
    let share = if percent || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&share) {
        return Err(format!(
            "{s:?} is not a share between 0% and 100%; write e.g. 20%, 0.2 or 20"
        ));
    }
    Ok(share)
}

/// A trailing window for `nps trend --rolling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "unit", content = "size", rename_all = "lowercase")]
pub enum Rolling {
    /// The last N days up to the period's last day.
    Days(u32),
    /// The last N periods, the current one included.
    Periods(u32),
}

fn parse_rolling(s: &str) -> Result<Rolling, String> {
    let t = s.trim();
    let (digits, days) = match t.strip_suffix('d') {
        Some(d) => (d, true),
        None => (t, false),
    };
    match digits.parse::<u32>() {
        Ok(n) if n > 0 && days => Ok(Rolling::Days(n)),
        Ok(n) if n > 0 => Ok(Rolling::Periods(n)),
        _ => Err(format!(
            "{s:?} is not a window; write 90d for 90 days or 3 for 3 periods"
        )),
    }
}

/// Orders of `nps segment` rows; ties are broken by the segment's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentSort {
    /// Largest segments first.
    N,
    /// Highest NPS first.
    Nps,
    /// Largest positive impact on the overall NPS first.
    Impact,
    /// Alphabetical by segment value.
    Name,
}

/// `nps inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// Where the responses come from and how to read them; identical on every command.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Input files: CSV, TSV, JSON, NDJSON, Parquet, optionally gzipped; `-` reads stdin.
    /// Several files are read as one set of responses, each row keeping its source.
    #[arg(required = true, value_name = "FILES")]
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
        write!(f, "--where {}{op}{}", self.column, self.value)
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

fn parse_where(s: &str) -> Result<Where, String> {
    let (column, negate, value) = match (s.find("!="), s.find('=')) {
        (Some(i), _) => (&s[..i], true, &s[i + 2..]),
        (None, Some(i)) => (&s[..i], false, &s[i + 1..]),
        (None, None) => {
            return Err(format!(
                "{s:?} has no = or !=; write COL=VALUE or COL!=VALUE"
            ))
        }
    };
    if column.trim().is_empty() {
        return Err(format!("{s:?} names no column; write COL=VALUE"));
    }
    Ok(Where {
        column: column.trim().to_string(),
        negate,
        value: value.trim().to_string(),
    })
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
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
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Decimals shown for NPS and shares in table, markdown and CSV output (JSON is unrounded).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=6))]
    pub decimals: u8,

    /// Silence notes on stderr (errors and gate failures are still reported).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Colour and box drawing in table output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
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
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The command-line spelling of an enum value (`adjusted-wald`, `surveymonkey`, `ndjson`), so that
/// outputs name things exactly as the flags do.
pub fn value_name(value: &impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

fn parse_nps_threshold(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number; give an NPS from -100 to 100"))?;
    nps_threshold(v)
}

/// An NPS threshold (`--min`, `min =` in a rules file): a number from −100 to 100. NaN and the
/// infinities are refused here, where every source of the value passes (finding F6: a NaN
/// threshold compares false both ways, so a gate on it can never fail).
pub fn nps_threshold(v: f64) -> Result<f64, String> {
    if !(-100.0..=100.0).contains(&v) {
        return Err(format!(
            "{v} is not an NPS from -100 to 100; give a threshold in that range, e.g. 30"
        ));
    }
    Ok(v)
}

fn parse_max_drop(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of points; give e.g. 5"))?;
    max_drop(v)
}

/// A `--max-drop` (also `max-drop =` in a rules file): a change in NPS points, from −200 to 200
/// (two NPS differ by at most 200). NaN and the infinities are refused: a drop compared with
/// NaN is never "more than" it, so the gate could never fail (finding F6).
pub fn max_drop(v: f64) -> Result<f64, String> {
    if !(-200.0..=200.0).contains(&v) {
        return Err(format!(
            "{v} is not a number of points from -200 to 200 (two NPS differ by at most 200); give e.g. 5"
        ));
    }
    Ok(v)
}

/// Wrap the parser of a flag that also reads an environment variable, so that its error names
/// both: clap names only the flag, and a bad value set in a CI environment is not on the command
/// line for the user to find.
fn from_flag_or_env(
    parse: fn(&str) -> Result<f64, String>,
    flag: &'static str,
    var: &'static str,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |s| {
        parse(s).map_err(|e| {
            format!(
                "{e} (check {flag}, or the environment variable {var} when the flag is not given)"
            )
        })
    }
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n, true),
        None => (t, false),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a confidence level; write 0.95, 95 or 95%"))?;
    let level = if percent || v > 1.0 { v / 100.0 } else { v };
    // Below 50% an interval says almost nothing; such a value is a typo (1.5 meant as 0.95?).
    if !(0.5..1.0).contains(&level) {
        return Err(format!(
            "{s:?} is not a confidence level from 50% to just under 100%; write 0.95, 95 or 95%"
        ));
    }
    Ok(level)
}

fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    s.trim().parse().map_err(|_| {
        format!("{s:?} is not an IANA time zone; write e.g. UTC, Europe/Paris or America/New_York")
    })
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?} is not a single ASCII character; write e.g. ';' or 'tab'"
        )),
    }
}

fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(s.trim().as_bytes()).ok_or_else(|| {
        format!("{s:?} is not an encoding label; try utf-8, windows-1252, latin1 or utf-16le")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn thresholds_accept_negatives_and_reject_out_of_range() {
        assert_eq!(parse_nps_threshold("-20"), Ok(-20.0));
        assert_eq!(parse_nps_threshold("100"), Ok(100.0));
        assert!(parse_nps_threshold("101").is_err());
        assert!(parse_nps_threshold("-100.5").is_err());
        assert!(parse_nps_threshold("thirty").is_err());
        assert_eq!(parse_max_drop("-5"), Ok(-5.0));
        assert_eq!(parse_max_drop("200"), Ok(200.0));
        assert!(parse_max_drop("200.5").is_err());
    }

    /// Finding F6: NaN and ±∞ (also spelt `1e309`) are refused by every threshold.
    #[test]
    fn thresholds_refuse_nan_and_infinities() {
        for v in ["NaN", "nan", "inf", "-inf", "infinity", "1e309"] {
            assert!(parse_nps_threshold(v).is_err(), "{v}");
            assert!(parse_max_drop(v).is_err(), "{v}");
            assert!(parse_share(v).is_err(), "{v}");
            assert!(parse_confidence(v).is_err(), "{v}");
        }
        let e = from_flag_or_env(parse_max_drop, "--max-drop", "NPS_MAX_DROP")("NaN").unwrap_err();
        assert!(
            e.contains("--max-drop") && e.contains("NPS_MAX_DROP"),
            "{e}"
        );
    }

    #[test]
    fn confidence_accepts_fraction_percent_and_plain_percent() {
        assert_eq!(parse_confidence("0.9"), Ok(0.9));
        assert_eq!(parse_confidence("90"), Ok(0.9));
        assert_eq!(parse_confidence("90%"), Ok(0.9));
        assert!(parse_confidence("0").is_err());
        assert!(parse_confidence("100").is_err());
        assert!(parse_confidence("1").is_err());
        assert!(parse_confidence("1.5").is_err());
        assert_eq!(parse_confidence("0.5"), Ok(0.5));
    }

    #[test]
    fn where_conditions() {
        let w = parse_where("plan=pro").unwrap();
        assert_eq!(
            (w.column.as_str(), w.negate, w.value.as_str()),
            ("plan", false, "pro")
        );
        let w = parse_where("plan!=free").unwrap();
        assert_eq!((w.negate, w.value.as_str()), (true, "free"));
        assert_eq!(parse_where("plan=").unwrap().value, "");
        assert_eq!(parse_where("url=a=b").unwrap().value, "a=b");
        assert!(parse_where("plan").is_err());
        assert!(parse_where("=pro").is_err());
        assert_eq!(w.to_string(), "--where plan!=free");
    }

    #[test]
    fn shares_as_percent_fraction_or_number() {
        assert_eq!(parse_share("20%"), Ok(0.2));
        assert_eq!(parse_share("0.2"), Ok(0.2));
        assert_eq!(parse_share("20"), Ok(0.2));
        assert_eq!(parse_share("100%"), Ok(1.0));
        assert!(parse_share("120%").is_err());
        assert!(parse_share("-5%").is_err());
        assert!(parse_share("lots").is_err());
    }

    #[test]
    fn rolling_windows_in_days_or_periods() {
        assert_eq!(parse_rolling("90d"), Ok(Rolling::Days(90)));
        assert_eq!(parse_rolling("3"), Ok(Rolling::Periods(3)));
        assert!(parse_rolling("0").is_err());
        assert!(parse_rolling("3w").is_err());
    }

    #[test]
    fn delimiter_and_encoding_labels() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(";;").is_err());
        assert_eq!(parse_encoding("latin1").unwrap().name(), "windows-1252");
        assert!(parse_encoding("klingon").is_err());
    }

    #[test]
    fn negative_min_parses_as_a_value_not_a_flag() {
        let cli = Cli::try_parse_from(["nps", "score", "a.csv", "--min", "-10"]).unwrap();
        match cli.command {
            Command::Score(args) => assert_eq!(args.min, Some(-10.0)),
            other => panic!("parsed as {other:?}"),
        }
    }
}
