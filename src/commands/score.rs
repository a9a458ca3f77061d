//! `nps score`: the overall NPS of all inputs, with counts, shares, the 0–10 distribution, a
//! confidence interval, the row accounting, and the `--min` gate.
//!
//! The gate is checked after the results are written, so a CI log always shows the numbers that
//! failed it; its one-line reason goes to stderr. A reader that has gone (`| head`) cuts the
//! results short but never the gate: a failed gate is exit 1 all the same.

use polars::prelude::IntoLazy;
use serde::Serialize;

use super::{
    headline, inputs_label, load, no_valid_responses, note, rows_section, stats_csv, SourceSummary,
    STATS_CSV,
};
use crate::cli::{value_name, ScoreArgs};
use crate::error::{Error, ExitStatus};
use crate::ingest::RowAccounting;
use crate::metrics::{self, GroupStats};
use crate::output::numbers::{level, percent, points};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

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
    /// n, NPS, interval, categories, distribution (flattened into the top level).
    #[serde(flatten)]
    pub stats: GroupStats,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
    /// The `--min` gate, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

/// Run `nps score`.
pub fn run(args: &ScoreArgs) -> Result<ExitStatus, Error> {
    let data = load(&args.input, &args.output, |_| {})?;
    let distribution =
        metrics::frame::distribution(data.frame.clone().lazy()).map_err(|source| {
            Error::Engine {
                file: inputs_label(&data),
                doing: "counting scores".into(),
                source,
            }
        })?;
    let stats = GroupStats::new(&distribution, args.stats.ci, args.stats.confidence)
        .ok_or_else(|| no_valid_responses(&data))?;
    let gate = args.min.map(|min| Gate {
        min,
        passed: stats.nps >= min,
    });
    let report = ScoreReport {
        schema_version: SCHEMA_VERSION,
        command: "score",
        stats,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
        gate,
    };
    output::emit_before_verdict(&report, &args.output)?;
    match gate {
        Some(g) if !g.passed => {
            note(&format!(
                "gate failed: NPS {} is below --min {} (n = {}, {} CI {} to {})",
                points(report.stats.nps, 2),
                g.min,
                report.stats.n,
                level(report.stats.interval.confidence),
                points(report.stats.interval.low, 1),
                points(report.stats.interval.high, 1)
            ));
            Ok(ExitStatus::GateFailed)
        }
        _ => Ok(ExitStatus::Success),
    }
}

impl ScoreReport {
    /// `NPS 48.4 (95% CI 43.1 to 53.4, adjusted Wald, ±5.2; n = 889)`.
    pub fn headline(&self, decimals: u8) -> String {
        format!("NPS {}", headline(&self.stats, decimals))
    }
}

const BAR_WIDTH: u64 = 30;

impl Report for ScoreReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut categories = Grid::new(&["category", "count", "share"], &[false, true, true]);
        for (name, s) in [
            ("promoters (9–10)", self.stats.promoters),
            ("passives (7–8)", self.stats.passives),
            ("detractors (0–6)", self.stats.detractors),
        ] {
            categories.push(vec![
                name.into(),
                s.count.to_string(),
                percent(s.share, decimals),
            ]);
        }
        let mut dist = Grid::new(&["score", "count", "share", ""], &[true, true, true, false]);
        let max = self
            .stats
            .distribution
            .counts
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(1);
        for (score, &count) in self.stats.distribution.counts.iter().enumerate() {
            let share = if self.stats.n > 0 {
                count as f64 / self.stats.n as f64
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
                after: Vec::new(),
                code: None,
            },
            Section {
                heading: Some("Distribution".into()),
                text: vec![],
                grid: Some(dist),
                after: Vec::new(),
                code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let mut headers: Vec<String> = STATS_CSV.iter().map(|h| h.to_string()).collect();
        headers.extend(["ci_method", "confidence", "margin_of_error"].map(String::from));
        headers.extend((0..=10).map(|k| format!("score_{k}")));
        headers.extend(
            [
                "rows_read",
                "rows_used",
                "rows_blank",
                "rows_invalid",
                "rows_excluded",
                "rows_filtered",
                "rows_deduplicated",
            ]
            .map(String::from),
        );
        let mut row = stats_csv(&self.stats, decimals);
        row.extend([
            value_name(&self.stats.interval.method),
            self.stats.interval.confidence.to_string(),
            points(self.stats.interval.margin_of_error, decimals),
        ]);
        row.extend(self.stats.distribution.counts.iter().map(u64::to_string));
        row.extend([
            self.rows.read.to_string(),
            self.rows.used.to_string(),
            self.rows.blank.to_string(),
            self.rows.invalid.to_string(),
            self.rows.excluded_total().to_string(),
            self.rows.filtered_total().to_string(),
            self.rows.deduplicated.to_string(),
        ]);
        let numeric = vec![true; headers.len()];
        Grid {
            headers,
            rows: vec![row],
            numeric,
        }
    }
}
