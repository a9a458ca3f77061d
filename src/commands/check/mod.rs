//! `nps check`: a CI gate that fails for the right reason.
//!
//! Rules: minimum NPS (optionally only when the whole interval is below it,
//! `--unless-uncertain`), maximum detractor share, minimum promoter share, minimum responses, and
//! maximum drop from a baseline (a saved `nps score --format json`, or a data file), optionally
//! only when the drop is significant. They apply to all responses, to the overall score and every
//! segment with at least `--min-n` responses (`--by`), or to the latest period (`--every`).
//! Thresholds come from flags (or their environment variables) and a TOML `--rules` file; a flag
//! wins. Every rule's result is written first, then a one-line verdict goes to stderr, and the
//! exit status is 1 when any rule failed (DESIGN.md §6), even when the reader of the results has
//! gone (`nps check … | head`).

pub mod baseline;
mod render;
mod rules;

use std::path::PathBuf;

use polars::prelude::IntoLazy;
use serde::Serialize;

use self::baseline::load_baseline;
use self::rules::{plan, Rules};
use super::segment::shown;
use super::{inputs_label, load, note, SourceSummary};
use crate::cli::CheckArgs;
use crate::error::{Error, ExitStatus};
use crate::ingest::{key_column, RowAccounting, DAY};
use crate::metrics::compare::difference_of;
use crate::metrics::period;
use crate::metrics::{frame, Distribution, GroupStats};
use crate::output::numbers::{level, percent, points};
use crate::output::{self, SCHEMA_VERSION};

/// The baseline of `--max-drop`.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// The file.
    pub file: String,
    /// Its NPS.
    pub nps: f64,
    /// Its responses.
    pub n: u64,
    /// Its distribution (counts), for the significance test.
    #[serde(skip)]
    pub distribution: Distribution,
}

/// One rule applied to one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// `overall`, `plan = pro`, `month 2025-03`.
    pub scope: String,
    /// `nps >= 30`, `detractors <= 20%`…
    pub rule: String,
    /// The measured value (NPS in points, shares in 0…1, responses, drop in points).
    pub actual: Option<f64>,
    /// The threshold, in the same unit.
    pub threshold: f64,
    /// Responses in the scope.
    pub n: u64,
    /// The NPS interval of the scope, when it has responses.
    pub ci_low: Option<f64>,
    /// Upper bound.
    pub ci_high: Option<f64>,
    /// Whether the rule holds.
    pub passed: bool,
    /// Why, in one sentence.
    pub message: String,
    /// How `actual` and `threshold` read to a person.
    #[serde(skip)]
    pub unit: Unit,
}

/// The unit of a rule's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// NPS points (the minimum NPS, the drop).
    Points,
    /// A share in 0…1, shown as a percentage.
    Share,
    /// A number of responses.
    Count,
}

/// The result of `nps check` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `check`.
    pub command: &'static str,
    /// Every rule passed.
    pub passed: bool,
    /// How many rules failed.
    pub failed: usize,
    /// Every rule in every scope.
    pub rules: Vec<Outcome>,
    /// Segments below `--min-n`, not checked: (scope, n).
    pub skipped: Vec<(String, u64)>,
    /// The `--max-drop` baseline.
    pub baseline: Option<Baseline>,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run `nps check`.
pub fn run(args: &CheckArgs) -> Result<ExitStatus, Error> {
    let rules = plan(args)?;
    // The baseline and the rules file are inputs too: never write over them.
    let other_inputs: Vec<PathBuf> = rules.baseline.iter().chain(&args.rules).cloned().collect();
    output::check_output_path(args.output.output.as_deref(), &other_inputs)?;
    let data = load(&args.input, &args.output, |o| {
        o.keep = rules.by.iter().cloned().collect();
        o.need_dates = rules.every.is_some();
    })?;
    let baseline = match &rules.baseline {
        Some(path) => Some(load_baseline(path, &args.input, &args.stats)?),
        None => None,
    };
    let engine = |source| Error::Engine {
        file: inputs_label(&data),
        doing: "counting scores for the rules".into(),
        source,
    };
    let lazy = data.frame.clone().lazy();
    let mut scopes: Vec<(String, Distribution)> = Vec::new();
    let mut skipped = Vec::new();
    match (&rules.by, rules.every) {
        (_, Some(every)) => {
            let mut days = frame::distribution_by_day(lazy, &[], DAY).map_err(engine)?;
            // Sorted: weighted sums must be added in the same order every run.
            days.sort_by_key(|(_, day, _)| *day);
            let latest = days
                .iter()
                .filter_map(|(_, d, _)| *d)
                .max()
                .ok_or_else(|| {
                    Error::data(
                        inputs_label(&data),
                        "no response has a readable date, so there is no latest period to check",
                    )
                })?;
            let start = period::start(latest, every);
            let mut d = Distribution::default();
            for (_, day, dist) in &days {
                if day.is_some_and(|day| period::start(day, every) == start) {
                    d.add(dist);
                }
            }
            let every_name = crate::cli::value_name(&every);
            scopes.push((
                format!("latest {every_name} {}", period::label(start, every)),
                d,
            ));
        }
        (Some(_), None) => {
            scopes.push((
                "overall".into(),
                frame::distribution(lazy.clone()).map_err(engine)?,
            ));
            let keys: Vec<String> = (0..data.key_names.len()).map(key_column).collect();
            let mut groups = frame::distribution_by(lazy, &keys).map_err(engine)?;
            groups.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, d) in groups {
                // `plan = pro`, or `plan = pro, channel = email` for several columns.
                let scope = data
                    .key_names
                    .iter()
                    .zip(&key)
                    .map(|(c, v)| format!("{c} = {}", shown(v.as_deref())))
                    .collect::<Vec<_>>()
                    .join(", ");
                if d.n() >= rules.min_n {
                    scopes.push((scope, d));
                } else {
                    skipped.push((scope, d.n()));
                }
            }
        }
        (None, None) => {
            scopes.push(("overall".into(), frame::distribution(lazy).map_err(engine)?));
        }
    }
    let decimals = args.output.decimals;
    let mut outcomes = Vec::new();
    for (scope, d) in &scopes {
        // Drops are measured for the main scope only: a baseline is one overall score.
        let main = scope == "overall" || rules.every.is_some();
        outcomes.extend(evaluate(
            &rules,
            scope,
            d,
            main.then_some(baseline.as_ref()).flatten(),
            args,
            decimals,
        ));
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let report = CheckReport {
        schema_version: SCHEMA_VERSION,
        command: "check",
        passed: failed == 0,
        failed,
        rules: outcomes,
        skipped,
        baseline,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit_before_verdict(&report, &args.output)?;
    let verdict = if failed == 0 {
        format!("check passed: all {} rules hold", report.rules.len())
    } else {
        let first = report
            .rules
            .iter()
            .find(|o| !o.passed)
            .map(|o| format!("{}: {}", o.scope, o.message))
            .unwrap_or_default();
        format!(
            "check failed: {failed} of {} rules failed; first: {first}",
            report.rules.len()
        )
    };
    note(&verdict);
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::GateFailed
    })
}

fn evaluate(
    rules: &Rules,
    scope: &str,
    d: &Distribution,
    baseline: Option<&Baseline>,
    args: &CheckArgs,
    decimals: u8,
) -> Vec<Outcome> {
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let stats = GroupStats::new(d, ci, confidence);
    let n = d.n();
    let conf = level(confidence);
    let outcome = |unit: Unit,
                   rule: String,
                   actual: Option<f64>,
                   threshold: f64,
                   passed: bool,
                   message: String| Outcome {
        scope: scope.to_string(),
        rule,
        actual,
        threshold,
        n,
        ci_low: stats.as_ref().map(|s| s.interval.low),
        ci_high: stats.as_ref().map(|s| s.interval.high),
        passed,
        message,
        unit,
    };
    // No statistics: no responses, or (finding F34) responses whose weights are all zero.
    let nothing = if n > 0 {
        format!("its {n} responses all have --weight 0: nothing to judge")
    } else {
        "no responses to judge".to_string()
    };
    let mut out = Vec::new();
    if let Some(min) = rules.min {
        let rule = format!("nps >= {}", points(min, decimals));
        out.push(match &stats {
            None => outcome(Unit::Points, rule, None, min, false, nothing.clone()),
            Some(s) => {
                let described = format!(
                    "NPS {} ({conf} CI {} to {}; n = {n})",
                    points(s.nps, decimals),
                    points(s.interval.low, decimals),
                    points(s.interval.high, decimals)
                );
                let below = s.nps < min;
                let uncertain = rules.unless_uncertain && s.interval.high >= min;
                let (passed, message) = match (below, uncertain) {
                    (false, _) => (true, format!("{described} is at or above {}", points(min, decimals))),
                    (true, true) => (
                        true,
                        format!("{described} is below {}, but the interval reaches it: not enough evidence to fail (--unless-uncertain)", points(min, decimals)),
                    ),
                    (true, false) if rules.unless_uncertain => (
                        false,
                        format!("{described} is below {}, and so is the whole interval", points(min, decimals)),
                    ),
                    (true, false) => (false, format!("{described} is below {}", points(min, decimals))),
                };
                outcome(Unit::Points, rule, Some(s.nps), min, passed, message)
            }
        });
    }
    // Detractors must stay at or below their threshold, promoters at or above theirs.
    type ShareOf = fn(&GroupStats) -> f64;
    let share_rules: [(Option<f64>, &str, ShareOf, bool); 2] = [
        (
            rules.max_detractors,
            "detractors",
            |s| s.detractors.share,
            true,
        ),
        (
            rules.min_promoters,
            "promoters",
            |s| s.promoters.share,
            false,
        ),
    ];
    for (threshold, name, share_of, at_most) in share_rules {
        let Some(threshold) = threshold else {
            continue;
        };
        let op = if at_most { "<=" } else { ">=" };
        let rule = format!("{name} {op} {}", percent(threshold, decimals));
        out.push(match &stats {
            None => outcome(Unit::Share, rule, None, threshold, false, nothing.clone()),
            Some(s) => {
                let share = share_of(s);
                let passed = if at_most {
                    share <= threshold
                } else {
                    share >= threshold
                };
                let verb = match (at_most, passed) {
                    (true, true) => "within",
                    (true, false) => "above",
                    (false, true) => "at or above",
                    (false, false) => "below",
                };
                let message = format!(
                    "{name} {} (n = {n}) are {verb} {}",
                    percent(share, decimals),
                    percent(threshold, decimals)
                );
                outcome(Unit::Share, rule, Some(share), threshold, passed, message)
            }
        });
    }
    if let Some(min) = rules.min_responses {
        let passed = n >= min;
        let message = if passed {
            format!("{n} responses, at least {min}")
        } else {
            format!("only {n} responses, fewer than {min}")
        };
        out.push(outcome(
            Unit::Count,
            format!("responses >= {min}"),
            Some(n as f64),
            min as f64,
            passed,
            message,
        ));
    }
    if let (Some(max), Some(base)) = (rules.max_drop, baseline) {
        let rule = format!("drop <= {} points", points(max, decimals));
        out.push(match &stats {
            None => outcome(Unit::Points, rule, None, max, false, nothing),
            Some(s) => {
                let drop = base.nps - s.nps;
                let exceeded = drop > max;
                let test = difference_of(d, &base.distribution, ci, confidence);
                let significant = test.is_some_and(|t| t.p_value < 1.0 - confidence);
                let p = test.map_or(String::new(), |t| {
                    let why = t.note.map_or(String::new(), |n| format!(" ({n})"));
                    format!(", p = {:.3}{why}", t.p_value)
                });
                let described = format!(
                    "NPS {} against the baseline's {} ({}): a drop of {} points{p}",
                    points(s.nps, decimals),
                    points(base.nps, decimals),
                    base.file,
                    points(drop, decimals)
                );
                let (passed, message) = match (exceeded, rules.significant, significant) {
                    (false, _, _) => (true, format!("{described}, within {}", points(max, decimals))),
                    (true, true, false) => (
                        true,
                        format!("{described}, more than {} but not significant at {conf} (--significant)", points(max, decimals)),
                    ),
                    (true, _, _) => (false, format!("{described}, more than {}", points(max, decimals))),
                };
                outcome(Unit::Points, rule, Some(drop), max, passed, message)
            }
        });
    }
    out
}
