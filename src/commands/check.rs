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

use std::path::{Path, PathBuf};

use polars::prelude::IntoLazy;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde::{Deserialize, Serialize};

use super::segment::BLANK;
use super::{inputs_label, load, no_valid_responses, note, rows_section, SourceSummary};
use crate::cli::{parse_share, CheckArgs};
use crate::error::{Error, ExitStatus};
use crate::ingest::{self, key_column, Options, RowAccounting, DAY};
use crate::metrics::compare::difference_of;
use crate::metrics::period::{self, Every};
use crate::metrics::{frame, Distribution, GroupStats};
use crate::output::numbers::{level, percent, points};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, escape, Report, SCHEMA_VERSION};

/// A share in a rules file: `0.2`, `20` or `"20%"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ShareValue {
    Number(f64),
    Text(String),
}

impl ShareValue {
    fn share(&self, key: &str, file: &Path) -> Result<f64, Error> {
        let text = match self {
            ShareValue::Number(n) => n.to_string(),
            ShareValue::Text(t) => t.clone(),
        };
        parse_share(&text).map_err(|e| rules_error(file, key, &text, e))
    }
}

/// A bad value in a `--rules` file, naming the file, the key and the value.
fn rules_error(file: &Path, key: &str, value: &str, problem: String) -> Error {
    Error::usage(format!(
        "--rules {}: {key} = {value}: {problem}",
        file.display()
    ))
}

/// The keys of a `--rules` file: the flags' names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RulesFile {
    min: Option<f64>,
    unless_uncertain: Option<bool>,
    max_detractors: Option<ShareValue>,
    min_promoters: Option<ShareValue>,
    min_responses: Option<u64>,
    max_drop: Option<f64>,
    significant: Option<bool>,
    baseline: Option<PathBuf>,
    by: Option<String>,
    min_n: Option<u64>,
    every: Option<Every>,
}

/// The rules of one run, flags merged over the rules file, checked before any data is read.
#[derive(Debug, Clone, Default)]
struct Rules {
    min: Option<f64>,
    unless_uncertain: bool,
    max_detractors: Option<f64>,
    min_promoters: Option<f64>,
    min_responses: Option<u64>,
    max_drop: Option<f64>,
    significant: bool,
    baseline: Option<PathBuf>,
    by: Option<String>,
    min_n: u64,
    every: Option<Every>,
}

fn plan(args: &CheckArgs) -> Result<Rules, Error> {
    let file = match &args.rules {
        None => RulesFile::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!("--rules {}: cannot read it ({e})", path.display()))
            })?;
            toml::from_str(&text).map_err(|e| {
                let first = e.message().lines().next().unwrap_or("").to_string();
                Error::usage(format!(
                    "--rules {}: {first}; the keys are the flags' names: min, unless-uncertain, max-detractors, min-promoters, min-responses, max-drop, significant, baseline, by, min-n, every",
                    path.display()
                ))
            })?
        }
    };
    // The file's thresholds pass the flags' checks (a NaN or infinite threshold never fails, so
    // it would silently turn the gate off: finding F6). A broken file is an error even where a
    // flag overrides the value.
    let rules_path = args.rules.clone().unwrap_or_default();
    let share = |key: &str, value: &Option<ShareValue>| {
        value
            .as_ref()
            .map(|v| v.share(key, &rules_path))
            .transpose()
    };
    let points = |key: &str, value: Option<f64>, check: fn(f64) -> Result<f64, String>| {
        value
            .map(|v| check(v).map_err(|e| rules_error(&rules_path, key, &v.to_string(), e)))
            .transpose()
    };
    let file_min = points("min", file.min, crate::cli::nps_threshold)?;
    let file_max_drop = points("max-drop", file.max_drop, crate::cli::max_drop)?;
    let file_max_detractors = share("max-detractors", &file.max_detractors)?;
    let file_min_promoters = share("min-promoters", &file.min_promoters)?;
    let rules = Rules {
        min: args.min.or(file_min),
        unless_uncertain: args.unless_uncertain || file.unless_uncertain.unwrap_or(false),
        max_detractors: args.max_detractors.or(file_max_detractors),
        min_promoters: args.min_promoters.or(file_min_promoters),
        min_responses: args.min_responses.or(file.min_responses),
        max_drop: args.max_drop.or(file_max_drop),
        significant: args.significant || file.significant.unwrap_or(false),
        baseline: args.baseline.clone().or(file.baseline),
        by: args.by.clone().or(file.by),
        min_n: args.min_n.or(file.min_n).unwrap_or(30),
        every: args.every.or(file.every),
    };
    let none = rules.min.is_none()
        && rules.max_detractors.is_none()
        && rules.min_promoters.is_none()
        && rules.min_responses.is_none()
        && rules.max_drop.is_none();
    let problem = if none {
        Some("no rule to check; give --min, --max-detractors, --min-promoters, --min-responses or --max-drop (or a --rules file)")
    } else if rules.max_drop.is_some() != rules.baseline.is_some() {
        Some("--max-drop and --baseline go together: the drop is measured from the baseline")
    } else if rules.unless_uncertain && rules.min.is_none() {
        Some("--unless-uncertain qualifies --min; give --min too")
    } else if rules.significant && rules.max_drop.is_none() {
        Some("--significant qualifies --max-drop; give --max-drop and --baseline too")
    } else if rules.by.is_some() && rules.every.is_some() {
        Some(
            "--by and --every cannot be combined in nps check; check segments or the latest period",
        )
    } else {
        None
    };
    match problem {
        Some(p) => Err(Error::usage(p)),
        None => Ok(rules),
    }
}

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
    distribution: Distribution,
}

fn load_baseline(path: &Path, args: &CheckArgs) -> Result<Baseline, Error> {
    let file = path.display().to_string();
    let text = std::fs::read(path).map_err(|source| Error::Open {
        file: file.clone(),
        fix: "the --baseline file cannot be read; check the path".into(),
        source,
    })?;
    if let Ok(serde_json::Value::Object(report)) = serde_json::from_slice(&text) {
        if report.get("schema_version").is_some() {
            let counts: Option<Vec<u64>> = report
                .get("distribution")
                .and_then(|d| d.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_u64()).collect());
            let (Some("score"), Some(counts), Some(nps)) = (
                report.get("command").and_then(|c| c.as_str()),
                counts.filter(|c| c.len() == 11),
                report.get("nps").and_then(|n| n.as_f64()),
            ) else {
                return Err(Error::data(
                    file,
                    "is an nps JSON report but not `nps score --format json` output; save a baseline with nps score … --format json",
                ));
            };
            let mut distribution = Distribution::default();
            distribution.counts.copy_from_slice(&counts);
            return Ok(Baseline {
                file,
                nps,
                n: distribution.n(),
                distribution,
            });
        }
    }
    // Not a saved report: score it as data, with the same input options.
    let mut options = Options::new(&args.input, true);
    options.files = vec![path.to_path_buf()];
    let data = ingest::load(&options)?;
    let distribution =
        frame::distribution(data.frame.clone().lazy()).map_err(|source| Error::Engine {
            file: file.clone(),
            doing: "scoring the baseline".into(),
            source,
        })?;
    let stats = GroupStats::new(&distribution, args.stats.ci, args.stats.confidence)
        .ok_or_else(|| no_valid_responses(&data))?;
    Ok(Baseline {
        file,
        nps: stats.nps,
        n: stats.n,
        distribution,
    })
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
        Some(path) => Some(load_baseline(path, args)?),
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
                    .map(|(c, v)| format!("{c} = {}", v.as_deref().unwrap_or(BLANK)))
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
    let nothing = "no responses to judge".to_string();
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

impl Report for CheckReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(
            &[
                "scope",
                "rule",
                "actual",
                "threshold",
                "n",
                "CI",
                "result",
                "why",
            ],
            &[false, false, true, true, true, true, false, false],
        );
        for o in &self.rules {
            let unit = |x: f64| match o.unit {
                Unit::Share => percent(x, decimals),
                Unit::Count => format!("{x}"),
                Unit::Points => points(x, decimals),
            };
            let actual = o.actual.map_or("—".to_string(), unit);
            let ci = match (o.ci_low, o.ci_high) {
                (Some(l), Some(h)) => format!("{} to {}", points(l, decimals), points(h, decimals)),
                _ => String::new(),
            };
            grid.push(vec![
                o.scope.clone(),
                o.rule.clone(),
                actual,
                unit(o.threshold),
                o.n.to_string(),
                ci,
                if o.passed { "PASS" } else { "FAIL" }.into(),
                o.message.clone(),
            ]);
        }
        let mut text = vec![if self.passed {
            format!("all {} rules pass", self.rules.len())
        } else {
            format!("{} of {} rules FAIL", self.failed, self.rules.len())
        }];
        if !self.skipped.is_empty() {
            text.push(format!(
                "not checked (fewer responses than --min-n): {}",
                self.skipped
                    .iter()
                    .map(|(s, n)| format!("{s} (n = {n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        vec![
            Section {
                heading: Some("nps check".into()),
                text,
                grid: Some(grid),
                after: Vec::new(),
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let mut grid = Grid::new(
            &[
                "scope",
                "rule",
                "actual",
                "threshold",
                "n",
                "ci_low",
                "ci_high",
                "passed",
                "message",
            ],
            &[false, false, true, true, true, true, true, false, false],
        );
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        for o in &self.rules {
            grid.push(vec![
                o.scope.clone(),
                o.rule.clone(),
                num(o.actual),
                o.threshold.to_string(),
                o.n.to_string(),
                num(o.ci_low),
                num(o.ci_high),
                o.passed.to_string(),
                o.message.clone(),
            ]);
        }
        grid
    }

    fn junit(&self) -> Option<String> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let tests = self.rules.len().to_string();
        let failures = self.failed.to_string();
        let written = (|| -> std::io::Result<()> {
            w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            w.create_element("testsuites")
                .with_attribute(("name", "nps check"))
                .with_attribute(("tests", tests.as_str()))
                .with_attribute(("failures", failures.as_str()))
                .write_inner_content(|w| {
                    w.create_element("testsuite")
                        .with_attribute(("name", "nps check"))
                        .with_attribute(("tests", tests.as_str()))
                        .with_attribute(("failures", failures.as_str()))
                        .with_attribute(("errors", "0"))
                        .write_inner_content(|w| {
                            for o in &self.rules {
                                let case = w
                                    .create_element("testcase")
                                    .with_attribute((
                                        "classname",
                                        escape::xml(&format!("nps.{}", o.scope)).as_str(),
                                    ))
                                    .with_attribute(("name", escape::xml(&o.rule).as_str()));
                                if o.passed {
                                    case.write_empty()?;
                                } else {
                                    let message = escape::xml(&o.message);
                                    case.write_inner_content(|w| {
                                        w.create_element("failure")
                                            .with_attribute(("message", message.as_str()))
                                            .with_attribute(("type", "nps-check"))
                                            .write_text_content(BytesText::new(&message))?;
                                        Ok(())
                                    })?;
                                }
                            }
                            Ok(())
                        })?;
                    Ok(())
                })?;
            Ok(())
        })();
        // Writing into a Vec cannot fail; the closure only threads io::Result through.
        written.ok()?;
        let mut xml = String::from_utf8(w.into_inner()).ok()?;
        xml.push('\n');
        Some(xml)
    }

    fn github(&self) -> Option<String> {
        let mut out = String::new();
        for o in &self.rules {
            let kind = if o.passed { "notice" } else { "error" };
            let title = escape::github_property(&format!("nps check: {} {}", o.scope, o.rule));
            out.push_str(&format!(
                "::{kind} title={title}::{}\n",
                escape::github_data(&o.message)
            ));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report whose one failing rule sits in a segment named with hostile text: a vertical tab
    /// (Excel's line break in a cell), U+0001, ESC, U+FFFE, a line break and a workflow command.
    fn report() -> CheckReport {
        let outcome = |scope: &str, passed| Outcome {
            scope: scope.into(),
            rule: "nps >= 0.0".into(),
            actual: Some(-100.0),
            threshold: 0.0,
            n: 1,
            ci_low: None,
            ci_high: None,
            passed,
            message: format!("NPS -100.0 in {scope}, 50% below"),
            unit: Unit::Points,
        };
        CheckReport {
            schema_version: SCHEMA_VERSION,
            command: "check",
            passed: false,
            failed: 1,
            rules: vec![
                outcome("overall", true),
                outcome(
                    "plan = line\x0bbreak\x01\x1b[2J\u{fffe}\n::error::x, y",
                    false,
                ),
            ],
            skipped: Vec::new(),
            baseline: None,
            rows: RowAccounting::default(),
            sources: Vec::new(),
        }
    }

    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    }

    #[test]
    fn junit_is_valid_xml_whatever_the_segment_names() {
        use quick_xml::events::Event;
        let xml = report().junit().unwrap();
        assert!(xml.chars().all(xml_char), "{xml}");
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut failures = 0;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) => {
                    failures += usize::from(e.name().as_ref() == b"failure");
                    for a in e.attributes() {
                        let value = a.unwrap().unescape_value().unwrap().to_string();
                        assert!(value.chars().all(xml_char), "{value:?}");
                    }
                }
                Event::Text(t) => assert!(t.decode().unwrap().chars().all(xml_char)),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(failures, 1);
        assert!(xml.contains(
            r#"classname="nps.plan = line\u{b}break\u{1}\u{1b}[2J\u{fffe}\n::error::x, y""#
        ));
    }

    #[test]
    fn github_annotations_are_one_line_each_with_escaped_text() {
        let out = report().github().unwrap();
        assert_eq!(
            out,
            "::notice title=nps check%3A overall nps >= 0.0::NPS -100.0 in overall, 50%25 below\n\
             ::error title=nps check%3A plan = line\\u{b}break\\u{1}\\u{1b}[2J\u{fffe}%0A%3A%3Aerror%3A%3Ax%2C y nps >= 0.0\
             ::NPS -100.0 in plan = line\\u{b}break\\u{1}\\u{1b}[2J\u{fffe}%0A::error::x, y, 50%25 below\n"
        );
    }
}
