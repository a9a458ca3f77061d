//! The arguments of `nps report`: the analyses it gathers (segments, periods, themes, the
//! follow-up list), the page's title and comparisons, and where the file goes.

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

use super::closing::{parse_sla, ContactArgs, RiskRules, Sla};
use super::shared::{InputArgs, StatsArgs};

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page: inline CSS and SVG charts, the JSON bundle inside.
    Html,
    /// GitHub-flavoured Markdown: tables and Unicode sparklines.
    #[value(alias = "md")]
    Markdown,
    /// The data of every section (the bundle the HTML page carries).
    Json,
}

/// `nps report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub stats: StatsArgs,

    /// Segment the report by these columns: per-segment NPS, themes, and what moved the score.
    #[arg(
        long,
        value_name = "COL[,COL]",
        value_delimiter = ',',
        help_heading = "Report"
    )]
    pub by: Vec<String>,

    /// The trend's period; the verdict compares the last period with the one before.
    #[arg(long, value_enum, value_name = "PERIOD", help_heading = "Report")]
    pub every: Option<crate::metrics::period::Every>,

    /// The report's title.
    #[arg(
        long,
        default_value = "NPS report",
        value_name = "TEXT",
        help_heading = "Report"
    )]
    pub title: String,

    /// A saved `nps score --format json` (or a data file, read like the inputs) to compare the
    /// NPS with.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Report")]
    pub baseline: Option<PathBuf>,

    /// Surveys sent: the report gives the response rate.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Report")]
    pub sent: Option<u64>,

    /// Segments, periods and themes with fewer responses are flagged as small samples.
    #[arg(long, default_value_t = 30, value_name = "N", help_heading = "Report")]
    pub min_n: u64,

    /// Quotes per theme.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5), help_heading = "Report")]
    pub examples: u8,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub contacts: ContactArgs,

    /// `--as-of`, `--themes`, `--lang` and the risk rules, shared with `nps followup`.
    #[command(flatten)]
    pub risk: RiskRules,

    /// Days to answer each category (as `nps followup --sla`).
    #[arg(long, default_value = "default", value_name = "RULE", value_parser = parse_sla, help_heading = "Follow-up")]
    pub sla: Sla,

    /// Count deadlines in business days (Monday to Friday).
    #[arg(long, help_heading = "Follow-up")]
    pub business_days: bool,

    /// Respondents already contacted (ids or e-mails, as `nps followup --done`).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Follow-up")]
    pub done: Option<PathBuf>,

    /// Output format; default: from the extension of `-o` (.html, .md, .json), else html.
    #[arg(
        long,
        short = 'f',
        value_enum,
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub format: Option<ReportFormat>,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH", value_hint = ValueHint::FilePath, help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Silence notes on stderr (errors are still reported).
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
}
