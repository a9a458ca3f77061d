//! `nps score`: the overall NPS of all inputs, with counts, shares, the 0–10 distribution, a
//! confidence interval, the row accounting, and the `--min` gate.
//!
//! The gate is checked after the results are written, so a CI log always shows the numbers that
//! failed it; its one-line reason goes to stderr.

use polars::prelude::IntoLazy;
use serde::Serialize;

use super::{accounting_line, note, warn_invalid};
use crate::cli::{value_name, CiMethod, InputFormat, Preset, ScoreArgs};
use crate::error::{Error, ExitStatus};
use crate::ingest::{self, Options, RowAccounting};
use crate::metrics::{self, Distribution, Estimate, Interval};
use crate::output::numbers::{level, percent, points};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// A category's count and share.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Share {
    /// Responses in the category.
    pub count: u64,
    /// Share of n, in 0…1.
    pub share: f64,
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
}

/// The `--min` gate's outcome.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Gate {
    /// The threshold.
    pub min: f64,
    /// Whether NPS ≥ min.
    pub passed: bool,
}

/// The result of `nps score` (JSON schema version 1; see README).
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `score`.
    pub command: &'static str,
    /// Responses used.
    pub n: u64,
    /// NPS in points, unrounded.
    pub nps: f64,
    /// Standard error of the NPS in points (√(V/n)·100).
    pub standard_error: f64,
    /// Per-response variance V on the −1…1 scale.
    pub variance: f64,
    /// The confidence interval.
    pub interval: Interval,
    /// Scores 0–6.
    pub detractors: Share,
    /// Scores 7–8.
    pub passives: Share,
    /// Scores 9–10.
    pub promoters: Share,
    /// Responses per score 0…10.
    pub distribution: Distribution,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
    /// The `--min` gate, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

/// Human name of an interval method.
pub fn method_name(method: CiMethod) -> &'static str {
    match method {
        CiMethod::AdjustedWald => "adjusted Wald",
        CiMethod::Wald => "Wald",
        CiMethod::Score => "Tango score",
    }
}

/// Run `nps score`.
pub fn run(args: &ScoreArgs) -> Result<ExitStatus, Error> {
    output::check_output_path(args.output.output.as_deref(), &args.input.files)?;
    let data = ingest::load(&Options::new(&args.input, args.output.quiet))?;
    warn_invalid(&data.rows);
    if !args.output.quiet {
        for s in &data.sources {
            let score = s.role(ingest::columns::Role::Score);
            note(&format!(
                "{}: score column {:?} ({}); rows: {}",
                s.file,
                score.column.as_deref().unwrap_or(""),
                score.reason,
                accounting_line(&s.rows)
            ));
        }
    }
    let inputs = || {
        data.sources
            .iter()
            .map(|s| s.file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let distribution =
        metrics::frame::distribution(data.frame.clone().lazy()).map_err(|source| {
            Error::Engine {
                file: inputs(),
                doing: "counting scores".into(),
                source,
            }
        })?;
    let estimate = Estimate::from_distribution(&distribution);
    let interval = metrics::interval(
        &estimate.tally,
        estimate.n as f64,
        args.stats.ci,
        args.stats.confidence,
    )
    .ok_or_else(|| {
        Error::data(
            inputs(),
            format!(
                "no valid responses to score ({}); check the score column with nps inspect",
                accounting_line(&data.rows)
            ),
        )
    })?;
    let gate = args.min.map(|min| Gate {
        min,
        passed: estimate.nps >= min,
    });
    let report = build(&estimate, interval, distribution, data, gate);
    let text = output::render(&report, &args.output)?;
    output::write(&text, args.output.output.as_deref())?;
    match gate {
        Some(g) if !g.passed => {
            note(&format!(
                "gate failed: NPS {} is below --min {} (n = {}, {} CI {} to {})",
                points(report.nps, 2),
                g.min,
                report.n,
                level(report.interval.confidence),
                points(report.interval.low, 1),
                points(report.interval.high, 1)
            ));
            Ok(ExitStatus::GateFailed)
        }
        _ => Ok(ExitStatus::Success),
    }
}

fn build(
    estimate: &Estimate,
    interval: Interval,
    distribution: Distribution,
    data: ingest::Dataset,
    gate: Option<Gate>,
) -> ScoreReport {
    let (d, p, r) = estimate.tally.shares();
    let share = |count: f64, share: f64| Share {
        count: count as u64,
        share,
    };
    ScoreReport {
        schema_version: SCHEMA_VERSION,
        command: "score",
        n: estimate.n,
        nps: estimate.nps,
        standard_error: estimate.standard_error,
        variance: estimate.variance,
        interval,
        detractors: share(estimate.tally.detractors, d),
        passives: share(estimate.tally.passives, p),
        promoters: share(estimate.tally.promoters, r),
        distribution,
        rows: data.rows,
        sources: data
            .sources
            .into_iter()
            .map(|s| SourceSummary {
                score_column: s
                    .role(ingest::columns::Role::Score)
                    .column
                    .clone()
                    .unwrap_or_default(),
                file: s.file,
                format: s.format,
                preset: s.preset,
                rows: s.rows,
            })
            .collect(),
        gate,
    }
}

impl ScoreReport {
    /// `NPS 48.4 (95% CI 43.1 to 53.4, adjusted Wald, ±5.2; n = 889)`.
    pub fn headline(&self, decimals: u8) -> String {
        format!(
            "NPS {} ({} CI {} to {}, {}, ±{}; n = {})",
            points(self.nps, decimals),
            level(self.interval.confidence),
            points(self.interval.low, decimals),
            points(self.interval.high, decimals),
            method_name(self.interval.method),
            points(self.interval.margin_of_error, decimals),
            self.n
        )
    }
}

const BAR_WIDTH: u64 = 30;

impl Report for ScoreReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut categories = Grid::new(&["category", "count", "share"], &[false, true, true]);
        for (name, s) in [
            ("promoters (9–10)", self.promoters),
            ("passives (7–8)", self.passives),
            ("detractors (0–6)", self.detractors),
        ] {
            categories.push(vec![
                name.into(),
                s.count.to_string(),
                percent(s.share, decimals),
            ]);
        }
        let mut dist = Grid::new(&["score", "count", "share", ""], &[true, true, true, false]);
        let max = self
            .distribution
            .0
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(1);
        for (score, &count) in self.distribution.0.iter().enumerate() {
            let share = if self.n > 0 {
                count as f64 / self.n as f64
            } else {
                0.0
            };
            // Round half up so a non-zero count never draws an empty bar next to a larger one.
            let bar = "█".repeat(((count * BAR_WIDTH + max / 2) / max) as usize);
            dist.push(vec![
                score.to_string(),
                count.to_string(),
                percent(share, decimals),
                bar,
            ]);
        }
        let mut rows_text = vec![accounting_line(&self.rows)];
        for e in &self.rows.excluded {
            rows_text.push(format!("excluded: {} × {}", e.rows, e.reason));
        }
        for v in &self.rows.invalid_examples {
            rows_text.push(format!(
                "invalid: {}, {}, column {:?}: {:?}",
                v.file, v.location, v.column, v.value
            ));
        }
        let mut sources = Grid::new(
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
        for s in &self.sources {
            sources.push(vec![
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
        let mut headline = vec![self.headline(decimals)];
        if let Some(g) = self.gate {
            headline.push(format!(
                "gate --min {}: {}",
                g.min,
                if g.passed { "passed" } else { "FAILED" }
            ));
        }
        vec![
            Section {
                heading: None,
                text: headline,
                grid: Some(categories),
            },
            Section {
                heading: Some("Distribution".into()),
                text: vec![],
                grid: Some(dist),
            },
            Section {
                heading: Some("Rows".into()),
                text: rows_text,
                grid: Some(sources),
            },
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let mut headers: Vec<String> = [
            "n",
            "nps",
            "ci_low",
            "ci_high",
            "ci_method",
            "confidence",
            "margin_of_error",
            "detractors",
            "passives",
            "promoters",
            "detractors_pct",
            "passives_pct",
            "promoters_pct",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        headers.extend((0..=10).map(|k| format!("score_{k}")));
        headers.extend(
            [
                "rows_read",
                "rows_used",
                "rows_blank",
                "rows_invalid",
                "rows_excluded",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let pct = |share: f64| points(100.0 * share, decimals);
        let mut row = vec![
            self.n.to_string(),
            points(self.nps, decimals),
            points(self.interval.low, decimals),
            points(self.interval.high, decimals),
            value_name(&self.interval.method),
            self.interval.confidence.to_string(),
            points(self.interval.margin_of_error, decimals),
            self.detractors.count.to_string(),
            self.passives.count.to_string(),
            self.promoters.count.to_string(),
            pct(self.detractors.share),
            pct(self.passives.share),
            pct(self.promoters.share),
        ];
        row.extend(self.distribution.0.iter().map(u64::to_string));
        row.extend([
            self.rows.read.to_string(),
            self.rows.used.to_string(),
            self.rows.blank.to_string(),
            self.rows.invalid.to_string(),
            self.rows.excluded_total().to_string(),
        ]);
        let numeric = vec![true; headers.len()];
        Grid {
            headers,
            rows: vec![row],
            numeric,
        }
    }
}
