//! `nps report`: one file to send — verdict, alerts, breakdown, trend, segments, themes, what
//! moved the score, the follow-up list in numbers, method and provenance — as a self-contained
//! HTML page (inline CSS and SVG, no script, a CSP that forbids every load, the JSON bundle
//! inside), GitHub-flavoured Markdown, or the JSON bundle alone.
//!
//! The inputs are read twice: once with comments tagged and the `--by` and date columns carried
//! (score, segments, trend and themes all come from that one pass's counts), and once more by
//! respondent for the follow-up list (as `nps followup` reads them). `bundle` holds the data,
//! `charts` computes every chart's geometry, `render` writes the formats through templates.

mod bundle;
mod charts;
mod render;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use polars::prelude::IntoLazy;
use sha2::{Digest, Sha256};

use super::segment::{analyse, Analysed, Cells, SegmentRow};
use super::themes::{self, report::summary};
use super::trend::{adjust, period_rows, periods, sparkline};
use super::{inputs_label, load, method_name, no_valid_responses};
use crate::cli::{
    CiMethod, ColorWhen, FollowupArgs, Format, OutputArgs, ReportArgs, ReportFormat, SegmentSort,
    ThemesArgs,
};
use crate::error::{Error, ExitStatus};
use crate::ingest::{key_column, Dataset, SourceReport, DAY};
use crate::metrics::compare::difference_of;
use crate::metrics::waterfall::Waterfall;
use crate::metrics::{frame, Distribution};
use crate::output::SCHEMA_VERSION;
use crate::themes::grams::{Counting, Groups};
use bundle::{
    Breakdown, Bundle, Change, Changes, Method, Provenance, Segments, Trend, Verdict, Why,
};

/// Run `nps report`.
pub fn run(args: &ReportArgs) -> Result<ExitStatus, Error> {
    let format = format_of(args)?;
    let output = OutputArgs {
        format: Format::Json,
        output: args.output.clone(),
        decimals: 1,
        quiet: args.quiet,
        color: ColorWhen::Never,
        read_again: false,
        format_from_name: true,
    };
    let themes_args = themes_args(args, &output);
    let tagger = Arc::new(themes::tagger(&themes_args)?);
    // Discovery counts every comment as read: not after --dedupe or --weight.
    let sets = args.input.dedupe.is_some() || args.input.weight.is_some();
    let counting = (!sets).then_some(Counting {
        theme: None,
        groups: Groups::None,
    });
    let data = load(&args.input, &output, |o| {
        o.keep = args.by.clone();
        o.themes = Some(tagger.clone());
        o.theme_sets = sets;
        o.comments_optional = true;
        o.grams = counting;
        o.need_dates = args.every.is_some();
    })?;
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let segment_groups = by_segment(&data)?;
    let Analysed {
        overall,
        segments,
        zero_weight,
    } = analyse(segment_groups, by_names(&data), ci, confidence, args.min_n)
        .ok_or_else(|| no_valid_responses(&data))?;
    let (trend, changes) = match args.every {
        Some(every) => over_time(args, &data, every)?,
        None => (None, None),
    };
    let mut verdict_changes = Vec::new();
    if let Some(change) = trend.as_ref().and_then(|t| last_change(t, ci, confidence)) {
        verdict_changes.push(change);
    }
    if let Some(path) = &args.baseline {
        let baseline = super::check::baseline::load_baseline(path, &args.input, &args.stats)?;
        if let Some(d) = difference_of(
            &overall.distribution,
            &baseline.distribution,
            ci,
            confidence,
        ) {
            verdict_changes.push(Change::new(
                format!("the baseline {}", baseline.file),
                (baseline.nps, baseline.n),
                (overall.nps, overall.n),
                d,
                confidence,
            ));
        }
    }
    let sources = provenance(&data.sources, &args.input.files);
    let segments = (!args.by.is_empty())
        .then(|| segments_section(by_names(&data), args.min_n, segments, zero_weight));
    let themes = summary(&themes_args, &tagger.lexicon, data, sets, !sets)?;
    // An export the follow-up list cannot be made from (read from standard input, without a
    // date column for its deadlines, or whose second read fails on its data) still gets its
    // report, with the reason in the alerts.
    let stdin = args.input.files.iter().any(|f| f.as_os_str() == "-");
    let (close_the_loop, no_loop) = if stdin {
        let why = "standard input can be read only once, and the list is a second read of the \
                   inputs; name the file instead of -";
        (None, Some(why.to_string()))
    } else {
        match super::followup::summary(&followup_args(args, &output)) {
            Ok(summary) => (Some(summary), None),
            Err(e @ Error::Data { .. }) => (None, Some(e.to_string())),
            Err(e) => return Err(e),
        }
    };
    let breakdown = Breakdown::of(&overall);
    let mut bundle = Bundle {
        schema_version: SCHEMA_VERSION,
        command: "report",
        title: args.title.clone(),
        alerts: Vec::new(),
        breakdown,
        trend,
        segments,
        why: Why {
            coverage: themes.coverage,
            themes: themes
                .themes
                .into_iter()
                .filter(|t| t.figures.mentions > 0)
                .collect(),
            discovery: themes.discovery,
        },
        changes,
        method: Method {
            rows: themes.rows,
            sources,
            command_line: command_line(),
            version: version(),
            interval: format!(
                "{} confidence intervals, {} method",
                crate::output::numbers::level(confidence),
                method_name(ci)
            ),
            min_n: args.min_n,
            as_of: close_the_loop.as_ref().map(|l| l.as_of.clone()),
            notes: render::NOTES.iter().map(|s| s.to_string()).collect(),
        },
        close_the_loop,
        verdict: Verdict {
            overall,
            interval_method: method_name(ci),
            confidence,
            level: crate::output::numbers::level(confidence),
            changes: verdict_changes,
        },
    };
    bundle.alerts = bundle::alerts(&bundle, args.sent, no_loop);
    let text = render::render(&bundle, format)?;
    crate::output::write(&text, args.output.as_deref())?;
    Ok(ExitStatus::Success)
}

/// The format asked for, or the one `-o`'s extension names (html when neither says).
fn format_of(args: &ReportArgs) -> Result<ReportFormat, Error> {
    // The baseline, `--done` and the rules' files are inputs too: never written over.
    let files: Vec<_> = (args.input.files.iter().chain(&args.baseline))
        .chain(&args.done)
        .chain(args.risk.files())
        .cloned()
        .collect();
    crate::output::check_output_path(args.output.as_deref(), &files)?;
    let flags: Vec<_> = (args.baseline.iter().chain(&args.done))
        .chain(args.risk.files())
        .cloned()
        .collect();
    crate::ingest::check_stdin_read_once(&args.input.files, &flags)?;
    if let Some(f) = args.format {
        return Ok(f);
    }
    let ext = args
        .output
        .as_deref()
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_lowercase());
    match ext.as_deref() {
        None | Some("html" | "htm") => Ok(ReportFormat::Html),
        Some("md" | "markdown") => Ok(ReportFormat::Markdown),
        Some("json") => Ok(ReportFormat::Json),
        Some(other) => Err(Error::usage(format!(
            "-o names a .{other} file, and the format follows the extension (.html, .md, .json); add --format html, markdown or json"
        ))),
    }
}

/// `nps themes`' arguments for the report's themes section.
fn themes_args(args: &ReportArgs, output: &OutputArgs) -> ThemesArgs {
    ThemesArgs {
        input: args.input.clone(),
        stats: args.stats,
        output: output.clone(),
        themes: args.risk.themes.clone(),
        replace: false,
        print_themes: false,
        lang: args.risk.lang,
        per_response: false,
        explain: None,
        eval: None,
        examples: args.examples,
        min_n: args.min_n,
        discover: false,
        by: Vec::new(),
        every: None,
        drill: None,
    }
}

/// `nps followup`'s arguments for the report's close-the-loop section.
fn followup_args(args: &ReportArgs, output: &OutputArgs) -> FollowupArgs {
    FollowupArgs {
        input: args.input.clone(),
        output: OutputArgs {
            // The first read already reported on the inputs (and warned of what it set aside).
            quiet: true,
            read_again: true,
            ..output.clone()
        },
        contacts: args.contacts.clone(),
        risk: args.risk.clone(),
        sla: args.sla,
        business_days: args.business_days,
        only: Vec::new(),
        done: args.done.clone(),
        templates: None,
        company: None,
        sender: None,
        review_link: None,
        crm: None,
        by: Vec::new(),
    }
}

/// The `--by` columns' names: the columns carried, but for the comment key after them.
fn by_names(data: &Dataset) -> &[String] {
    &data.key_names[..data.key_names.len().saturating_sub(1)]
}

/// The responses of each segment (the `--by` cells; one group without `--by`).
fn by_segment(data: &Dataset) -> Result<Vec<(Cells, Distribution)>, Error> {
    let mut merged: BTreeMap<Cells, Distribution> = BTreeMap::new();
    for (cells, _, d) in themes::groups(data)? {
        merged.entry(cells).or_default().add(&d);
    }
    Ok(merged.into_iter().collect())
}

/// The segments section: the others by n, largest first, then the small ones.
fn segments_section(
    by: &[String],
    min_n: u64,
    mut rows: Vec<SegmentRow>,
    zero_weight: Vec<(super::segment::Key, u64)>,
) -> Segments {
    super::segment::sort(&mut rows, SegmentSort::N);
    // Stable: the small ones go last, each part still by n.
    rows.sort_by_key(|r| r.small_sample);
    Segments {
        by: by.to_vec(),
        min_n,
        rows,
        zero_weight: zero_weight.len() as u64,
    }
}

/// The trend and, with `--by`, what moved the NPS from the previous period to the last.
fn over_time(
    args: &ReportArgs,
    data: &Dataset,
    every: crate::metrics::period::Every,
) -> Result<(Option<Trend>, Option<Changes>), Error> {
    // The by columns come first in the frame; the comment key after them is left out.
    let keys: Vec<String> = (0..by_names(data).len()).map(key_column).collect();
    let groups =
        frame::distribution_by_day(data.frame.clone().lazy(), &keys, DAY).map_err(|source| {
            Error::Engine {
                file: inputs_label(data),
                doing: "counting scores per day".into(),
                source,
            }
        })?;
    let mut days: BTreeMap<i32, Distribution> = BTreeMap::new();
    let mut segment_days: BTreeMap<Cells, BTreeMap<i32, Distribution>> = BTreeMap::new();
    let mut undated = 0;
    for (key, day, d) in groups {
        match day {
            Some(day) => {
                days.entry(day).or_default().add(&d);
                segment_days
                    .entry(key)
                    .or_default()
                    .entry(day)
                    .or_default()
                    .add(&d);
            }
            None => undated += d.n(),
        }
    }
    let (Some(&first), Some(&last)) = (days.keys().next(), days.keys().next_back()) else {
        return Err(Error::data(
            inputs_label(data),
            "no response has a readable date, so --every has nothing to place in periods; check the date column with nps inspect, or name it with --date-col",
        ));
    };
    let starts = periods(first, last, every, &inputs_label(data))?;
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let (mut rows, _) = period_rows(&days, &starts, every, None, ci, confidence);
    adjust(rows.iter_mut(), confidence);
    let spark: Vec<Option<f64>> = rows
        .iter()
        .map(|r| r.stats.as_ref().map(|s| s.nps))
        .collect();
    let filled: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].n > 0).collect();
    let changes = match (args.by.is_empty(), filled.as_slice()) {
        (false, [.., before, last]) => {
            let period_of = |days: &BTreeMap<i32, Distribution>, i: usize| {
                let start = starts[i];
                let end = crate::metrics::period::next(start, every);
                let mut d = Distribution::default();
                for (_, x) in days.range(start..end) {
                    d.add(x);
                }
                (d.n() > 0).then_some(d)
            };
            let parts: Vec<(String, Option<Distribution>, Option<Distribution>)> = segment_days
                .iter()
                .map(|(key, days)| {
                    let label = key
                        .iter()
                        .map(|v| super::segment::shown(v.as_deref()).into_owned())
                        .collect::<Vec<_>>()
                        .join(" × ");
                    (label, period_of(days, *before), period_of(days, *last))
                })
                // A segment with no one in either period has no part in the change.
                .filter(|(_, a, b)| a.is_some() || b.is_some())
                .collect();
            Waterfall::new(&parts).map(|waterfall| Changes {
                from_period: rows[*before].period.clone(),
                to_period: rows[*last].period.clone(),
                waterfall,
            })
        }
        _ => None,
    };
    let trend = Trend {
        every,
        sparkline: sparkline(&spark),
        periods: rows,
        undated,
    };
    Ok((Some(trend), changes))
}

/// The last period with responses against the one before it with responses.
fn last_change(trend: &Trend, ci: CiMethod, confidence: f64) -> Option<Change> {
    let filled: Vec<&super::trend::PeriodRow> =
        trend.periods.iter().filter(|p| p.stats.is_some()).collect();
    let [.., before, last] = filled.as_slice() else {
        return None;
    };
    let (a, b) = (before.stats.as_ref()?, last.stats.as_ref()?);
    let d = difference_of(&b.distribution, &a.distribution, ci, confidence)?;
    Some(Change::new(
        format!("{}, the period before {}", before.period, last.period),
        (a.nps, a.n),
        (b.nps, b.n),
        d,
        confidence,
    ))
}

/// Each input with its SHA-256 and size (standard input is not hashed: it cannot be read again).
fn provenance(sources: &[SourceReport], files: &[std::path::PathBuf]) -> Vec<Provenance> {
    sources
        .iter()
        .zip(files)
        .map(|(s, path)| {
            let stdin = path.as_os_str() == "-";
            let hashed = (!stdin).then(|| sha256(path)).flatten();
            Provenance {
                file: s.file.clone(),
                sha256: hashed.as_ref().map(|h| h.0.clone()),
                bytes: hashed.map(|h| h.1),
                score_column: s
                    .role(crate::ingest::columns::Role::Score)
                    .column
                    .clone()
                    .unwrap_or_default(),
                rows: s.rows.clone(),
            }
        })
        .collect()
}

/// A file's SHA-256 (hex) and size, read again in blocks; `None` if it cannot be read.
fn sha256(path: &std::path::Path) -> Option<(String, u64)> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some((hex, bytes))
}

/// The command line, as typed after the program's name.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::iter::once("nps".to_string())
        .chain(args.iter().map(|a| shell_word(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `nps 0.1.0 (commit abc1234567)`.
fn version() -> String {
    let v = super::version::VersionReport::current();
    match v.commit {
        Some(c) => format!("nps {} (commit {c})", v.version),
        None => format!("nps {}", v.version),
    }
}
