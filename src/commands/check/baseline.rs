//! The `--max-drop` baseline: a saved `nps score --format json` report, or a data file scored
//! with the run's own input options.
//!
//! A saved report is checked, not trusted (finding F37): its schema version must be one this
//! `nps` writes; its distribution must be eleven counts whose sum fits; its NPS must lie in
//! −100…100 and agree with what its counts (or, for a weighted report, its weighted shares)
//! say.
//! The test then uses the same numbers the message shows.

use std::path::Path;

use polars::prelude::IntoLazy;
use serde_json::{Map, Value};

use super::Baseline;
use crate::cli::{InputArgs, StatsArgs};
use crate::commands::no_valid_responses;
use crate::error::Error;
use crate::ingest::{self, Options};
use crate::metrics::tally::Weights;
use crate::metrics::{frame, Distribution, GroupStats};
use crate::output::SCHEMA_VERSION;

/// How far a saved NPS may sit from the one its counts give (JSON keeps 17 digits).
const AGREEMENT: f64 = 1e-6;

/// The baseline at `path`: a saved `nps score --format json` report, checked, or a data file read
/// with `input`'s options and scored with `stats`' interval method.
pub fn load_baseline(path: &Path, input: &InputArgs, stats: &StatsArgs) -> Result<Baseline, Error> {
    let stdin = path.as_os_str() == "-";
    let file = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let read = if stdin {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text).map(|_| text)
    } else {
        std::fs::read(path)
    };
    let text = read.map_err(|source| Error::Open {
        file: file.clone(),
        fix: "the --baseline file cannot be read; check the path".into(),
        source,
    })?;
    if let Ok(Value::Object(report)) = serde_json::from_slice(&text) {
        if report.get("schema_version").is_some() {
            return saved_report(file, &report);
        }
    }
    // Not a saved report: score it as data, with the same input options. Standard input has been
    // read already; a data baseline is named by its path.
    if stdin {
        return Err(Error::usage(
            "--baseline - reads a saved `nps score --format json` report from standard input, \
             and this is not one; give a data baseline by its path",
        ));
    }
    let mut options = Options::new(input, true);
    options.files = vec![path.to_path_buf()];
    let data = ingest::load(&options)?;
    let distribution =
        frame::distribution(data.frame.clone().lazy()).map_err(|source| Error::Engine {
            file: file.clone(),
            doing: "scoring the baseline".into(),
            source,
        })?;
    let stats = GroupStats::new(&distribution, stats.ci, stats.confidence)
        .ok_or_else(|| no_valid_responses(&data))?;
    Ok(Baseline {
        file,
        nps: stats.nps,
        n: stats.n,
        distribution,
    })
}

/// A saved `nps score --format json` report, checked.
fn saved_report(file: String, report: &Map<String, Value>) -> Result<Baseline, Error> {
    let fail = |why: String| {
        Err(Error::data(
            &file,
            format!("{why}; save the baseline again with nps score … --format json"),
        ))
    };
    let version = report.get("schema_version").and_then(Value::as_u64);
    if version != Some(u64::from(SCHEMA_VERSION)) {
        return fail(format!(
            "is an nps JSON report of schema version {}, and this nps reads version \
             {SCHEMA_VERSION}",
            report["schema_version"]
        ));
    }
    if report.get("command").and_then(Value::as_str) != Some("score") {
        return fail("is an nps JSON report but not `nps score --format json` output".into());
    }
    let counts: Option<Vec<u64>> = report
        .get("distribution")
        .and_then(Value::as_array)
        .filter(|a| a.len() == 11)
        .and_then(|a| a.iter().map(Value::as_u64).collect());
    let Some(counts) = counts else {
        return fail("has no `distribution` of eleven whole counts (scores 0 to 10)".into());
    };
    let n = counts.iter().try_fold(0u64, |sum, &c| sum.checked_add(c));
    let Some(n) = n.filter(|&n| n > 0) else {
        return fail("has a `distribution` whose counts add up to nothing or overflow".into());
    };
    let saved = report.get("nps").and_then(Value::as_f64);
    let Some(saved) = saved.filter(|v| (-100.0..=100.0).contains(v)) else {
        return fail(format!(
            "has an `nps` of {}, not a number from -100 to 100",
            report.get("nps").unwrap_or(&Value::Null)
        ));
    };
    let mut distribution = Distribution::default();
    distribution.counts.copy_from_slice(&counts);
    if let Some(weight) = report.get("weight") {
        distribution.weights = weights(report, weight);
        if distribution.weights.is_none() {
            return fail("has a `weight` without its total, effective n and shares".into());
        }
    }
    let computed = 100.0 * distribution.tally().net();
    if (computed - saved).abs() > AGREEMENT {
        return fail(format!(
            "says NPS {saved} but its distribution gives {computed}: the file was edited"
        ));
    }
    Ok(Baseline {
        file,
        nps: saved,
        n,
        distribution,
    })
}

/// A weighted report's weight sums, rebuilt from its weighted shares and effective n: each
/// category's weight on one score of it (the test only reads categories), and Σw² from
/// Kish's n = (Σw)²/Σw².
fn weights(report: &Map<String, Value>, weight: &Value) -> Option<Weights> {
    let total = weight.get("total")?.as_f64()?;
    let effective_n = weight.get("effective_n")?.as_f64()?;
    let share = |category: &str| report.get(category)?.get("share")?.as_f64();
    let shares = [
        share("detractors")?,
        share("passives")?,
        share("promoters")?,
    ];
    let valid = total.is_finite()
        && total > 0.0
        && effective_n.is_finite()
        && effective_n > 0.0
        && shares.iter().all(|s| (0.0..=1.0).contains(s));
    if !valid {
        return None;
    }
    let mut sums = [0.0; 11];
    for (score, s) in [0, 7, 9].into_iter().zip(shares) {
        sums[score] = s * total;
    }
    Some(Weights {
        sums,
        sum_sq: total * total / effective_n,
    })
}
