//! `nps plan`: before a survey, how many responses a margin of error needs (`--margin`), or what
//! margin and smallest detectable change a number of responses gives (`--n`), for the worst case
//! or an expected promoter/detractor mix (`--expect 50,20`). The maths is `metrics::plan`.

use serde::Serialize;

use super::{inputs_label, load, no_valid_responses};
use crate::cli::{InputArgs, OutputArgs, PlanArgs};
use crate::error::{Error, ExitStatus};
use crate::metrics::plan::{detectable_change, margin, sample_size, variance};
use crate::output::numbers::points;
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// The expected mix, as shares (0–1).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Mix {
    /// Share of promoters.
    pub promoters: f64,
    /// Share of detractors.
    pub detractors: f64,
}

/// The result of `nps plan` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `plan`.
    pub command: &'static str,
    /// Confidence level.
    pub confidence: f64,
    /// The expected mix (`null`: the worst case).
    pub expected: Option<Mix>,
    /// Where the mix came from: `worst case`, `--expect`, or the inputs named.
    pub mix_from: String,
    /// The responses the observed mix was read from (with `--from` or FILES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_n: Option<u64>,
    /// Per-response variance V on the −1…1 scale.
    pub variance: f64,
    /// The margin asked for (`--margin`) or given by `n`, in NPS points.
    pub margin: f64,
    /// The responses asked for (`--n`) or needed for `margin`.
    pub n: u64,
    /// Power of the test for `detectable_change`.
    pub power: f64,
    /// Smallest change between two samples of `n` responses that the test detects with `power`.
    pub detectable_change: f64,
}

/// Run `nps plan`.
pub fn run(args: &PlanArgs) -> Result<ExitStatus, Error> {
    let mut input = args.input.clone();
    input.files.extend(args.from.iter().cloned());
    if !input.files.is_empty() && args.expect.is_some() {
        return Err(Error::usage(
            "--expect and an observed mix (--from, FILES) both give the mix; choose one",
        ));
    }
    let (expected, mix_from, observed_n) = match (&args.expect, input.files.is_empty()) {
        (Some(text), _) => (Some(parse_mix(text)?), "--expect".to_string(), None),
        (None, true) => (None, "worst case".to_string(), None),
        (None, false) => {
            let (mix, n, label) = observed(&input, &args.output)?;
            (Some(mix), label, Some(n))
        }
    };
    let v = variance(expected.map(|m| (m.promoters, m.detractors)));
    let (n, margin) = match (args.margin, args.n) {
        (Some(m), None) => (sample_size(m, args.confidence, v), m),
        (None, Some(n)) => (n, margin(n, args.confidence, v)),
        _ => {
            return Err(Error::usage(
                "nps plan needs --margin POINTS or --n RESPONSES (one of them)",
            ))
        }
    };
    let report = PlanReport {
        schema_version: SCHEMA_VERSION,
        command: "plan",
        confidence: args.confidence,
        expected,
        mix_from,
        observed_n,
        variance: v,
        margin,
        n,
        power: args.power,
        detectable_change: detectable_change(n, args.confidence, args.power, v),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

/// The mix of promoters and detractors observed in `input` (weighted with `--weight`).
fn observed(input: &InputArgs, output: &OutputArgs) -> Result<(Mix, u64, String), Error> {
    use polars::prelude::IntoLazy;
    let data = load(input, output, |_| {})?;
    let d = crate::metrics::frame::distribution(data.frame.clone().lazy()).map_err(|source| {
        Error::Engine {
            file: inputs_label(&data),
            doing: "counting scores".into(),
            source,
        }
    })?;
    let t = d.tally();
    if t.n() <= 0.0 {
        return Err(no_valid_responses(&data));
    }
    let (detractors, _, promoters) = t.shares();
    Ok((
        Mix {
            promoters,
            detractors,
        },
        d.n(),
        inputs_label(&data),
    ))
}

/// `50,20` (or `50%,20%`): promoters, then detractors, in percent; together at most 100.
fn parse_mix(text: &str) -> Result<Mix, Error> {
    let bad = || {
        Error::usage(format!(
            "--expect {text:?}: give the expected promoters and detractors in percent, as 50,20 (together at most 100)"
        ))
    };
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().trim_end_matches('%').parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match parts.as_slice() {
        [p, d] if p.is_finite() && d.is_finite() && *p >= 0.0 && *d >= 0.0 && p + d <= 100.0 => {
            Ok(Mix {
                promoters: p / 100.0,
                detractors: d / 100.0,
            })
        }
        _ => Err(bad()),
    }
}

impl Report for PlanReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mix = match (self.expected, self.observed_n) {
            (Some(m), Some(n)) => format!(
                "observed in {} (n = {n}): {}% promoters, {}% detractors (V = {:.4})",
                self.mix_from,
                points(100.0 * m.promoters, decimals),
                points(100.0 * m.detractors, decimals),
                self.variance
            ),
            (Some(m), None) => format!(
                "expected {}% promoters, {}% detractors (V = {:.4})",
                points(100.0 * m.promoters, decimals),
                points(100.0 * m.detractors, decimals),
                self.variance
            ),
            (None, _) => "worst case (V = 1)".to_string(),
        };
        let level = crate::output::numbers::level(self.confidence);
        vec![Section {
            heading: Some("Plan".into()),
            text: vec![
                format!(
                    "{} responses give a margin of ±{} points at {level}; {mix}",
                    self.n,
                    points(self.margin, decimals)
                ),
                format!(
                    "two samples of {} responses each detect a change of {} points or more with {}% power",
                    self.n,
                    points(self.detectable_change, decimals),
                    points(100.0 * self.power, 0)
                ),
            ],
            grid: None,
            after: Vec::new(), code: None,
        }]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let headers = [
            "n",
            "margin",
            "confidence",
            "expected_promoters",
            "expected_detractors",
            "variance",
            "power",
            "detectable_change",
        ];
        let mut grid = Grid::new(&headers, &[true; 8]);
        let share = |x: Option<f64>| x.map(|v| points(100.0 * v, decimals)).unwrap_or_default();
        grid.push(vec![
            self.n.to_string(),
            points(self.margin, decimals),
            self.confidence.to_string(),
            share(self.expected.map(|m| m.promoters)),
            share(self.expected.map(|m| m.detractors)),
            format!("{:.6}", self.variance),
            self.power.to_string(),
            points(self.detectable_change, decimals),
        ]);
        grid
    }
}
