//! The rules of `nps check`: the TOML `--rules` file, the thresholds plan that merges the flags
//! over it (and refuses an empty or contradictory set of rules before any data is read). The
//! `--max-drop` baseline is read in `baseline`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::{parse_share, CheckArgs};
use crate::error::Error;
use crate::metrics::period::Every;

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
pub(super) struct Rules {
    pub(super) min: Option<f64>,
    pub(super) unless_uncertain: bool,
    pub(super) max_detractors: Option<f64>,
    pub(super) min_promoters: Option<f64>,
    pub(super) min_responses: Option<u64>,
    pub(super) max_drop: Option<f64>,
    pub(super) significant: bool,
    pub(super) baseline: Option<PathBuf>,
    pub(super) by: Option<String>,
    pub(super) min_n: u64,
    pub(super) every: Option<Every>,
}

pub(super) fn plan(args: &CheckArgs) -> Result<Rules, Error> {
    let file = match &args.rules {
        None => RulesFile::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!("--rules {}: cannot read it ({e})", path.display()))
            })?;
            toml::from_str(&text).map_err(|e| {
                let first = e.message().lines().next().unwrap_or("").to_string();
                let line = e.span().map_or(String::new(), |s| {
                    format!(" line {}", text[..s.start].matches('\n').count() + 1)
                });
                Error::usage(format!(
                    "--rules {}{line}: {first}; the keys are the flags' names: min, unless-uncertain, max-detractors, min-promoters, min-responses, max-drop, significant, baseline, by, min-n, every",
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
    } else if rules
        .baseline
        .as_deref()
        .is_some_and(|b| b.as_os_str().is_empty())
    {
        Some("the baseline names no file (an empty --baseline or `baseline = \"\"`); give the saved report or data file, or - for standard input")
    } else if rules
        .baseline
        .as_deref()
        .is_some_and(|b| b.as_os_str() == "-")
        && args.input.files.iter().any(|f| f.as_os_str() == "-")
    {
        Some("--baseline - and the input - both read standard input, which can be read once; save one of them to a file")
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
