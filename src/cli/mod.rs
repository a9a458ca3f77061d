//! The command-line surface, declared with clap's derive API.
//!
//! Shared option groups (input, output, statistics) are declared once and flattened into each
//! command, so a flag means the same thing everywhere (DESIGN.md §2). Doc comments here are the
//! `--help` text. Values are parsed into typed enums at this boundary; what clap cannot check alone
//! (a combination, a path clash) is checked when a command builds its plan, before reading data.
//!
//! This file holds the parser itself, the commands and each command's own arguments, except
//! `themes` (nps themes and its modes) and `closing` (followup, risk); `shared` holds the option
//! groups every command flattens (input, statistics, output) and their value enums, and `values`
//! the parsers of flag values.

/// A command's examples, shown after its options in `--help` (and in the man page): one
/// command line each, indented under "Examples:".
macro_rules! examples {
    ($first:literal $(, $rest:literal)* $(,)?) => {
        concat!("Examples:\n  ", $first $(, "\n  ", $rest)*)
    };
}

mod closing;
mod parse;
mod report;
pub mod settings;
mod shared;
mod themes;
mod tools;
mod values;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

pub use self::shared::{
    CiMethod, ColorWhen, Dedupe, Format, InputArgs, InputFormat, OutputArgs, Preset, StatsArgs,
    Where,
};
pub use self::tools::{
    CompletionsArgs, ConfigAction, ConfigArgs, ConfigShowArgs, GlobalArgs, VersionArgs,
};
pub use self::values::{max_drop, nps_threshold, parse_share, value_name, Rolling};
use self::values::{
    parse_confidence, parse_day, parse_margin, parse_max_drop, parse_nps_threshold, parse_rolling,
};

pub use self::closing::{ContactArgs, Crm, FollowupArgs, Only, RiskArgs, RiskRules, Sla};
pub use self::parse::{parse, ParseFailure};
pub use self::report::{ReportArgs, ReportFormat};
pub use self::themes::ThemesArgs;

/// `nps --version`: the version, and the git commit and its date when built from a checkout.
pub const VERSION: &str = env!("NPS_VERSION_LINE");

/// Net Promoter Score from survey exports: an honest margin of error, real row accounting, and
/// exit codes a CI job can gate on.
///
/// Reads CSV, TSV, JSON, NDJSON and Parquet exports (gzip too, or `-` for stdin) from Qualtrics,
/// SurveyMonkey, Typeform, Delighted or any tool; finds the 0–10 score column by itself, and says
/// how it decided (`nps inspect`).
#[derive(Debug, Parser)]
#[command(
    name = "nps",
    version = VERSION,
    propagate_version = true,
    max_term_width = 100,
    args_override_self = true
)]
pub struct Cli {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// The settings applied as defaults (for `nps config show`); not a flag.
    #[arg(skip)]
    pub settings: settings::Settings,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Overall NPS: counts, shares, the 0–10 distribution and a confidence interval.
    #[command(after_help = examples!(
        "nps score responses.csv",
        "nps score export.csv.gz --format json | jq .nps",
        "cat responses.ndjson | nps score - --format csv",
        "nps score survey.csv --score-col \"How likely are you to recommend us?\" --min 30",
    ))]
    Score(ScoreArgs),

    /// NPS per segment: each segment against the rest of the respondents (difference, p-value
    /// raw and Holm-adjusted), its impact on the overall NPS, and a small-sample flag.
    #[command(after_help = examples!(
        "nps segment responses.csv --by plan",
        "nps segment responses.csv --by plan,country --min-n 50 --sort impact",
        "nps segment responses.csv --by plan --top 5 --format csv",
    ))]
    Segment(SegmentArgs),

    /// NPS per day, week, month, quarter or year: empty periods shown with n = 0, the change
    /// from the previous period with its p-value, rolling windows, one series per segment.
    #[command(after_help = examples!(
        "nps trend responses.csv --every month",
        "nps trend responses.csv --every week --rolling 90d --by plan",
        "nps trend survey.csv --every quarter --date-format mdy --tz Europe/Paris",
    ))]
    Trend(TrendArgs),

    /// Compare two groups: two inputs (A B), one input split at a date, or two values of a
    /// column. Shows both NPS with their intervals, the signed difference B − A with its
    /// interval, z and p, and a one-line verdict.
    #[command(after_help = examples!(
        "nps compare q3.csv q4.csv",
        "nps compare responses.csv --split-date 2025-07-01",
        "nps compare responses.csv --by plan --groups free,pro",
        "nps compare before.csv after.csv --paired",
    ))]
    Compare(CompareArgs),

    /// CI gate: exit 1 when a rule fails (after printing every rule's result), 0 when all pass.
    #[command(after_help = examples!(
        "nps check responses.csv --min 30",
        "nps check responses.csv --min 30 --unless-uncertain",
        "nps check responses.csv --max-detractors 20% --min-responses 100",
        "nps check responses.csv --baseline baseline.json --max-drop 5 --significant",
        "nps check responses.csv --by plan --min 10",
        "nps check responses.csv --rules nps-rules.toml --format junit -o nps-junit.xml",
        "nps check responses.csv --min 30 --format github",
    ))]
    Check(CheckArgs),

    /// What was detected in each file: format, encoding, delimiter, preset, header rows, each
    /// column's role and why, row accounting and the first problems.
    #[command(after_help = examples!(
        "nps inspect survey_monkey_export.csv",
        "nps inspect a.csv b.json --format json",
    ))]
    Inspect(InspectArgs),

    /// Why people answered as they did: the themes of their comments (English and French,
    /// offline), each theme's mentions per answer category, the NPS of those who mention it and
    /// of those who do not, its impact on the NPS with an interval, the intent (problem, request,
    /// praise), quotes, and how many comments say anything at all.
    #[command(after_help = examples!(
        "nps themes responses.csv",
        "nps themes responses.csv --themes ours.toml",
        "nps themes --print-themes > ours.toml",
        "nps themes responses.csv --per-response --format csv -o tagged.csv",
        "nps themes --explain \"Trop cher pour ce que c'est, et l'appli plante\"",
        "nps themes labelled.csv --eval our_tags",
    ))]
    #[command(mut_arg("files", |a| a.required(false)))]
    Themes(ThemesArgs),

    /// Close the loop: one row per respondent to contact (the latest response per respondent),
    /// detractors first — due date and status under a deadline per category, the channel to
    /// reply on, the risk level, the comment's themes, and a message in the comment's language.
    #[command(after_help = examples!(
        "nps followup responses.csv --as-of 2025-11-20 --format csv -o to-contact.csv",
        "nps followup responses.csv --sla strict --only detractors",
        "nps followup responses.csv --done contacted.csv --company \"Acme\" --sender \"Julie\"",
        "nps followup responses.csv --crm hubspot -o hubspot-tasks.csv",
    ))]
    Followup(FollowupArgs),

    /// Respondents at risk of leaving, each with every signal that fired and its evidence:
    /// churn language (English and French: cancelling, switching, competitors, refunds, never
    /// again; negations, direction and conditions read), and falling or repeatedly low scores.
    #[command(after_help = examples!(
        "nps risk responses.csv",
        "nps risk responses.csv --competitors \"Zendesk,Freshdesk\" --value arr --window 180d",
        "nps risk responses.csv --as-of 2025-11-20 --format csv -o at-risk.csv",
    ))]
    #[command(mut_arg("themes", |a| a.hide(true)))]
    Risk(RiskArgs),

    /// One report to send: the verdict (NPS with its interval and its change), alerts, the
    /// breakdown, trend, segments, themes, what moved the score, the follow-up list in numbers,
    /// and the method — as a self-contained HTML page, Markdown, or JSON.
    #[command(after_help = examples!(
        "nps report responses.csv -o nps-report.html",
        "nps report responses.csv --by plan --every month --title \"Q3 NPS\" --as-of 2025-10-01 -o q3.html",
        "nps report responses.csv --baseline last-quarter.json -o report.html",
        "nps report responses.csv -o nps-report.md",
        "nps report responses.csv --format json -o bundle.json",
    ))]
    Report(ReportArgs),

    /// Before a survey: the responses a margin of error needs (--margin), or the margin and the
    /// smallest detectable change a number of responses gives (--n), for the worst case or an
    /// expected mix of promoters and detractors.
    #[command(after_help = examples!(
        "nps plan --margin 5",
        "nps plan --margin 3 --expect 50,20 --confidence 90%",
        "nps plan --n 400 --power 0.8 --format json",
        "nps plan --margin 5 --from last_quarter.csv",
    ))]
    #[command(mut_arg("files", |a| a.required(false)))]
    Plan(PlanArgs),

    /// Settings files and variables: what is in effect, and where it came from.
    ///
    /// Settings are the flags' long names, at the top of a file for every command or in a table
    /// named after a command (`[check]`). Precedence: flags, then NPS_* variables (NPS_SCORE_COL),
    /// then the nearest nps.toml (this directory or a parent), then the user's
    /// $XDG_CONFIG_HOME/nps/config.toml, then the built-in defaults.
    Config(ConfigArgs),

    /// Shell completions for bash, zsh, fish, powershell or elvish, on stdout.
    #[command(after_help = examples!(
        "nps completions bash > ~/.local/share/bash-completion/completions/nps",
        "nps completions zsh > ~/.zfunc/_nps",
        "nps completions fish > ~/.config/fish/completions/nps.fish",
    ))]
    Completions(CompletionsArgs),

    /// The manual page (roff) with every command and the exit statuses, on stdout.
    #[command(after_help = examples!(
        "nps man > ~/.local/share/man/man1/nps.1",
        "nps man | man -l -",
    ))]
    Man,

    /// The version, the git commit it was built from, the target, the polars version and the
    /// enabled cargo features.
    #[command(after_help = examples!(
        "nps version",
        "nps version --format json",
    ))]
    Version(VersionArgs),
}

/// `nps plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Responses whose observed mix of promoters and detractors replaces --expect (the input
    /// flags apply to them); `--from FILE` names one too.
    #[command(flatten)]
    pub input: InputArgs,

    /// An export whose observed mix of promoters and detractors to plan with (like FILES).
    #[arg(
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        conflicts_with = "expect",
        help_heading = "Plan"
    )]
    pub from: Option<PathBuf>,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    /// The margin of error wanted, in NPS points (±, half the interval's width).
    #[arg(long, value_name = "POINTS", value_parser = parse_margin, conflicts_with = "n", help_heading = "Plan")]
    pub margin: Option<f64>,

    /// A number of responses: its margin, and the smallest change two such samples detect.
    #[arg(long, value_name = "RESPONSES", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Plan")]
    pub n: Option<u64>,

    /// The expected promoters and detractors in percent (50,20); default the worst case.
    #[arg(long, value_name = "PROMOTERS,DETRACTORS", help_heading = "Plan")]
    pub expect: Option<String>,

    /// Confidence level, as 0.95, 95 or 95%.
    #[arg(long, default_value = "0.95", value_name = "LEVEL", value_parser = parse_confidence, help_heading = "Plan")]
    pub confidence: f64,

    /// Power of the test behind the smallest detectable change, as 0.8, 80 or 80%.
    #[arg(long, default_value = "0.8", value_name = "POWER", value_parser = parse_confidence, help_heading = "Plan")]
    pub power: f64,
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

/// `nps check`. Thresholds come from flags (or, as every setting, their `NPS_*` variables and
/// settings files) and from `--rules`; a flag wins over the file.
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
    #[arg(long, value_name = "NPS", allow_negative_numbers = true, value_parser = parse_nps_threshold, help_heading = "Rules")]
    pub min: Option<f64>,

    /// With --min: fail only when the whole confidence interval is below the minimum (its upper
    /// bound < min), so a sample too small to tell does not break the build.
    #[arg(long, help_heading = "Rules")]
    pub unless_uncertain: bool,

    /// Fail when the detractor share is above this: 20%, 0.2 or 20.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, help_heading = "Rules")]
    pub max_detractors: Option<f64>,

    /// Fail when the promoter share is below this: 50%, 0.5 or 50.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, help_heading = "Rules")]
    pub min_promoters: Option<f64>,

    /// Fail when fewer responses than this were used.
    #[arg(long, value_name = "N", help_heading = "Rules")]
    pub min_responses: Option<u64>,

    /// Fail when the NPS fell by more than this many points from --baseline (negative: it must
    /// have risen by that much), from -200 to 200.
    #[arg(
        long,
        value_name = "POINTS",
        allow_negative_numbers = true,
        value_parser = parse_max_drop,
        help_heading = "Rules"
    )]
    pub max_drop: Option<f64>,

    /// With --max-drop: fail only when the drop is also statistically significant.
    #[arg(long, help_heading = "Rules")]
    pub significant: bool,

    /// The baseline for --max-drop: a saved `nps score --format json`, or a data file to score
    /// with the same input options.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Rules")]
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
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Rules")]
    pub rules: Option<PathBuf>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
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
