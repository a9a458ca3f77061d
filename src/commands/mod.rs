//! One module per subcommand. Each resolves its arguments into a plan (usage errors before any
//! data is read), calls ingest and metrics, renders through `output`, and returns the exit status.
//! What several commands print the same way (row accounting, the per-input summary, the NPS
//! headline, stderr notes) lives here, once.

pub mod check;
pub mod compare;
pub mod config;
pub mod followup;
pub mod inspect;
pub mod plan;
pub mod report;
pub mod respondents;
pub mod risk;
pub mod score;
pub mod segment;
pub mod shell;
pub mod themes;
pub mod trend;
pub mod version;

use std::io::Write;

use serde::Serialize;

use crate::cli::{
    value_name, CiMethod, Cli, Command, Format, InputArgs, InputFormat, OutputArgs, Preset,
};
use crate::error::{Error, ExitStatus};
use crate::ingest::columns::Role;
use crate::ingest::{Dataset, DateReport, Options, RowAccounting, SourceReport};
use crate::metrics::GroupStats;
use crate::output::numbers::{count, level, percent, points};
use crate::output::tabular::{Grid, Section};

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus, Error> {
    crate::verbose::set(cli.global.verbose);
    crate::verbose::say(1, || match cli.settings.files.as_slice() {
        [] => "settings: no settings file".to_string(),
        files => format!(
            "settings: read {}",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", then ")
        ),
    });
    for r in cli.settings.resolved.iter() {
        if r.origin != crate::cli::settings::Origin::Default {
            crate::verbose::say(2, || {
                format!(
                    "setting: nps {} --{} {} ({})",
                    r.command,
                    r.key,
                    r.values.join(" "),
                    r.origin
                )
            });
        }
    }
    // The CI formats describe rules; refuse them elsewhere before reading any data.
    let mut cli = cli;
    let output = match &mut cli.command {
        // The CI formats are check's own.
        Command::Check(_) => None,
        other => other.output_mut().map(|o| o.format),
    };
    if output.is_some_and(crate::output::is_ci_format) {
        return Err(Error::usage(
            "--format junit and --format github are for nps check; use table, json, csv or markdown",
        ));
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Score(args) => score::run(&args),
        Command::Segment(args) => segment::run(&args),
        Command::Trend(args) => trend::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Themes(args) => themes::run(&args),
        Command::Risk(args) => risk::run(&args),
        Command::Followup(args) => followup::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Version(args) => version::run(&args),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man => shell::man(),
        Command::Config(crate::cli::ConfigArgs {
            action: crate::cli::ConfigAction::Show(args),
        }) => config::show(&args, &cli.settings),
    }
}

/// A line on stderr prefixed `nps: `, through [`crate::output::escape::terminal`] (it may quote a user's
/// text). Failing to write to stderr is ignored: there is nowhere left to report it.
pub fn note(line: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "nps: {}",
        crate::output::escape::terminal(line)
    );
}

/// `967 read, 889 used, 78 blank, 0 invalid, 0 excluded`, plus `, N filtered` and
/// `, N deduplicated` when filters removed rows.
pub fn accounting_line(rows: &RowAccounting) -> String {
    let mut line = format!(
        "{} read, {} used, {} blank, {} invalid, {} excluded",
        rows.read,
        rows.used,
        rows.blank,
        rows.invalid,
        rows.excluded_total()
    );
    if rows.filtered_total() > 0 {
        line.push_str(&format!(", {} filtered", rows.filtered_total()));
    }
    if rows.deduplicated > 0 {
        line.push_str(&format!(", {} deduplicated", rows.deduplicated));
    }
    line
}

/// The start of every analysing command: refuse an output path that is an input (before reading
/// anything), read the inputs with the shared options as `adjust` tailors them to the command,
/// and report on stderr what ingest did.
pub fn load(
    input: &InputArgs,
    output: &OutputArgs,
    adjust: impl FnOnce(&mut Options),
) -> Result<Dataset, Error> {
    crate::output::check_output_path(output.output.as_deref(), &input.files)?;
    if let Some(note) = format_mismatch(output).filter(|_| !output.format_from_name) {
        if !output.quiet {
            self::note(&note);
        }
    }
    let mut options = Options::new(input, output.quiet);
    adjust(&mut options);
    let data = {
        let _stage = crate::verbose::stage("read and count");
        crate::ingest::load(&options)?
    };
    if !output.read_again {
        report_ingest(&data, output.quiet);
        data.sources.iter().for_each(describe_source);
    }
    Ok(data)
}

/// A note when `-o`'s extension names another format than `--format` (`-o out.json` writes a
/// table unless `--format json` says otherwise: the format is never guessed from the name, so
/// that the same flags give the same bytes whatever the file is called).
fn format_mismatch(output: &OutputArgs) -> Option<String> {
    let path = output.output.as_deref()?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let (named, flag) = match ext.as_str() {
        "json" => (Format::Json, "json"),
        "ndjson" | "jsonl" => (Format::Ndjson, "ndjson"),
        "csv" => (Format::Csv, "csv"),
        "md" | "markdown" => (Format::Markdown, "markdown"),
        "xml" => (Format::Junit, "junit"),
        _ => return None,
    };
    let given = value_name(&output.format);
    (named != output.format).then(|| {
        format!(
            "-o {}: the file gets --format {given} (the default is table); add --format {flag} for {flag}",
            crate::output::escape::terminal(&path.display().to_string()),
        )
    })
}

/// Enough answers to tell a shorter scale: a 0–10 survey with 30 answers, none of them 0 nor
/// above 7, is unusual; a 1–5 or 1–7 scale read as 0–10 gives a meaningless NPS (its 5 of 5
/// counted as a detractor).
const SCALE_WARNING_MIN_N: u64 = 30;

/// A warning when every used score lies within 1–7: probably a 1–5 or 1–7 scale, not 0–10.
fn scale_warning(used: u64, range: Option<(u8, u8)>) -> Option<String> {
    let (low, high) = range?;
    (used >= SCALE_WARNING_MIN_N && low >= 1 && high <= 7).then(|| {
        let spread = match low == high {
            true => format!("are {low}"),
            false => format!("lie between {low} and {high}"),
        };
        format!(
            "warning: all {used} scores {spread}: is this a 1–{high} scale? NPS \
             needs 0–10 answers (9–10 promoters, 0–6 detractors); on a shorter scale even the top \
             answer counts as a detractor or a passive and the NPS means nothing"
        )
    })
}

/// At `-v`, what ingest decided for one input (what `nps inspect` shows); at `-vv`, every
/// column's role.
fn describe_source(s: &SourceReport) {
    crate::verbose::say(1, || {
        let encoding = s
            .encoding
            .as_ref()
            .map(|e| format!(", {}", e.name))
            .unwrap_or_default();
        let delimiter = s
            .delimiter
            .as_ref()
            .map(|d| format!(", delimiter {d:?}"))
            .unwrap_or_default();
        format!(
            "{}: {}{}{encoding}{delimiter}; preset {} ({}); {}; read by {}",
            s.file,
            value_name(&s.format),
            s.compression.map(|c| format!(" ({c})")).unwrap_or_default(),
            value_name(&s.preset),
            s.preset_reason,
            count(s.header_rows as u64, "header row"),
            s.pass
        )
    });
    for choice in &s.roles {
        let level = if choice.column.is_some() { 1 } else { 2 };
        crate::verbose::say(level, || {
            let column = choice
                .column
                .as_ref()
                .map(|c| format!("{c:?}"))
                .unwrap_or_else(|| "none".into());
            format!(
                "{}: {} column {column}: {}",
                s.file,
                choice.role.label(),
                choice.reason
            )
        });
    }
    crate::verbose::say(2, || {
        format!(
            "{}: columns {}",
            s.file,
            s.columns
                .iter()
                .map(|c| format!("{:?}", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
}

/// After ingest: warn about invalid values set aside (always: a warning, not a note) and, unless
/// `quiet`, say for each input which score column was used and what happened to its rows.
fn report_ingest(data: &Dataset, quiet: bool) {
    let rows = &data.rows;
    for example in &rows.invalid_examples {
        note(&format!(
            "warning: {}, {}, column {:?}: {:?} is not a 0–10 score; row set aside (use --strict to stop instead)",
            example.file, example.location, example.column, example.value
        ));
    }
    let more = rows
        .invalid
        .saturating_sub(rows.invalid_examples.len() as u64);
    if more > 0 {
        note(&format!(
            "warning: … and {more} more invalid scores set aside"
        ));
    }
    if let Some(warning) = scale_warning(rows.used, data.score_range()) {
        note(&warning);
    }
    if quiet {
        return;
    }
    for s in &data.sources {
        for n in &s.notes {
            note(&format!("{}: {n}", s.file));
        }
        // A platform layout skips header rows and renames columns: say so, whenever it was
        // recognised rather than asked for, so that no row leaves the count unseen (F8).
        if s.preset != crate::cli::Preset::Generic && s.preset_reason != "--preset" {
            let headers = match s.header_rows {
                1 => String::new(),
                n => format!("; its first {n} rows are headers, not responses"),
            };
            note(&format!(
                "{}: read as a {} export ({}){headers}; --preset generic reads it as it is",
                s.file,
                value_name(&s.preset),
                s.preset_reason,
            ));
        }
        let score = s.role(Role::Score);
        note(&format!(
            "{}: score column {:?} ({}); rows: {}",
            s.file,
            score.column.as_deref().unwrap_or(""),
            score.reason,
            accounting_line(&s.rows)
        ));
    }
}

/// The inputs' names, for errors about all of them together.
pub fn inputs_label(data: &Dataset) -> String {
    data.sources
        .iter()
        .map(|s| s.file.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error when nothing valid is left to analyse.
pub fn no_valid_responses(data: &Dataset) -> Error {
    Error::data(
        inputs_label(data),
        format!(
            "no valid responses ({}); check the score column with nps inspect",
            accounting_line(&data.rows)
        ),
    )
}

/// Human name of an interval method.
pub fn method_name(method: CiMethod) -> &'static str {
    match method {
        CiMethod::AdjustedWald => "adjusted Wald",
        CiMethod::Wald => "Wald",
        CiMethod::Score => "Tango score",
    }
}

/// `48.4 (95% CI 43.1 to 53.4, adjusted Wald, ±5.2; n = 889)`: an NPS never travels without its
/// interval and n (and, weighted, the effective n its interval rests on).
pub fn headline(stats: &GroupStats, decimals: u8) -> String {
    let weighted = stats
        .weight
        .map(|w| format!(", weighted, effective n = {:.1}", w.effective_n))
        .unwrap_or_default();
    format!(
        "{} ({} CI {} to {}, {}, ±{}; n = {}{weighted})",
        points(stats.nps, decimals),
        level(stats.interval.confidence),
        points(stats.interval.low, decimals),
        points(stats.interval.high, decimals),
        method_name(stats.interval.method),
        points(stats.interval.margin_of_error, decimals),
        stats.n
    )
}

/// CSV column names of one group's statistics, the same in every command's CSV.
pub const STATS_CSV: [&str; 10] = [
    "n",
    "nps",
    "ci_low",
    "ci_high",
    "detractors",
    "passives",
    "promoters",
    "detractors_pct",
    "passives_pct",
    "promoters_pct",
];

/// Table headers of one group's statistics, the same in every command's table.
pub const STATS_TABLE: [&str; 5] = ["NPS", "CI", "detractors", "passives", "promoters"];

/// The cells under [`STATS_TABLE`]; dashes and blanks for a group without responses.
pub fn stats_table(s: Option<&GroupStats>, decimals: u8) -> Vec<String> {
    match s {
        Some(s) => vec![
            points(s.nps, decimals),
            format!(
                "{} to {}",
                points(s.interval.low, decimals),
                points(s.interval.high, decimals)
            ),
            percent(s.detractors.share, decimals),
            percent(s.passives.share, decimals),
            percent(s.promoters.share, decimals),
        ],
        None => {
            let mut cells = vec!["—".to_string()];
            cells.resize(STATS_TABLE.len(), String::new());
            cells
        }
    }
}

/// The cells under [`STATS_CSV`], rounded to `decimals`.
pub fn stats_csv(s: &GroupStats, decimals: u8) -> Vec<String> {
    vec![
        s.n.to_string(),
        points(s.nps, decimals),
        points(s.interval.low, decimals),
        points(s.interval.high, decimals),
        s.detractors.count.to_string(),
        s.passives.count.to_string(),
        s.promoters.count.to_string(),
        points(100.0 * s.detractors.share, decimals),
        points(100.0 * s.passives.share, decimals),
        points(100.0 * s.promoters.share, decimals),
    ]
}

/// The summary of one input, as the JSON `sources` list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    /// The input as named.
    pub file: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// The platform layout.
    pub preset: Preset,
    /// The score column used.
    pub score_column: String,
    /// Its row accounting.
    pub rows: RowAccounting,
    /// How its dates were read, for commands that use dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dates: Option<DateReport>,
    /// How its rows were read (`parallel`, or `records: why not`).
    pub pass: String,
}

impl From<SourceReport> for SourceSummary {
    fn from(s: SourceReport) -> Self {
        SourceSummary {
            score_column: s.role(Role::Score).column.clone().unwrap_or_default(),
            file: s.file,
            format: s.format,
            preset: s.preset,
            rows: s.rows,
            dates: s.dates,
            pass: s.pass,
        }
    }
}

/// The "Rows" section: the accounting line, exclusions and invalid examples, one row per input.
pub fn rows_section(rows: &RowAccounting, sources: &[SourceSummary]) -> Section {
    let mut text = vec![accounting_line(rows)];
    for e in &rows.excluded {
        text.push(format!("excluded: {} × {}", e.rows, e.reason));
    }
    for e in &rows.filtered {
        text.push(format!("filtered: {} × {}", e.rows, e.reason));
    }
    for v in &rows.invalid_examples {
        text.push(format!(
            "invalid: {}, {}, column {:?}: {:?}",
            v.file, v.location, v.column, v.value
        ));
    }
    let mut grid = Grid::new(
        &[
            "file",
            "format",
            "preset",
            "score column",
            "read",
            "used",
            "blank",
            "invalid",
            "excluded",
        ],
        &[false, false, false, false, true, true, true, true, true],
    );
    for s in sources {
        grid.push(vec![
            s.file.clone(),
            value_name(&s.format),
            value_name(&s.preset),
            s.score_column.clone(),
            s.rows.read.to_string(),
            s.rows.used.to_string(),
            s.rows.blank.to_string(),
            s.rows.invalid.to_string(),
            s.rows.excluded_total().to_string(),
        ]);
    }
    Section {
        heading: Some("Rows".into()),
        text,
        grid: Some(grid),
        after: Vec::new(),
        code: None,
    }
}
