//! `nps themes FILE --eval COL`: how well the tagger finds a column of human labels — per theme,
//! precision, recall and F1, so users measure it on their own data.
//!
//! Every used response with a comment counts (a comment empty of content too: its tags are
//! none). The label cell holds theme keys joined with `;` or `,`; an empty cell means "no theme".
//! Counts come from the pass's groups of (label cell, comment key), so memory does not grow with
//! the file. Labels that are not theme keys of the lexicon are listed, never silently dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::{groups, load_tagged, Keep};
use crate::cli::ThemesArgs;
use crate::commands::{note, rows_section, SourceSummary};
use crate::error::{Error, ExitStatus};
use crate::ingest::RowAccounting;
use crate::output::numbers::points;
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::themes::{Content, Tagger};

/// One theme's agreement with the labels.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalRow {
    /// The theme's key.
    pub theme: String,
    /// Comments labelled with it.
    pub labelled: u64,
    /// Comments the tagger gave it.
    pub tagged: u64,
    /// Both.
    pub true_positives: u64,
    /// Tagged but not labelled.
    pub false_positives: u64,
    /// Labelled but not tagged.
    pub false_negatives: u64,
    /// TP / tagged (`null` when nothing was tagged).
    pub precision: Option<f64>,
    /// TP / labelled (`null` when nothing was labelled).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

impl EvalRow {
    fn finish(&mut self) {
        let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        self.precision = ratio(self.true_positives, self.tagged);
        self.recall = ratio(self.true_positives, self.labelled);
        self.f1 = match (self.precision, self.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
    }
}

/// The result of `nps themes --eval` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes-eval`.
    pub command: &'static str,
    /// The label column.
    pub labels: String,
    /// Comments compared.
    pub comments: u64,
    /// Comments whose labels and tags are exactly the same set.
    pub exact: u64,
    /// One row per theme of the lexicon, in lexicon order.
    pub themes: Vec<EvalRow>,
    /// All themes together (micro-averaged).
    pub total: EvalRow,
    /// Labels that are no theme key of the lexicon, with their count.
    pub unknown_labels: BTreeMap<String, u64>,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

pub(super) fn run(
    args: &ThemesArgs,
    tagger: Arc<Tagger>,
    column: &str,
) -> Result<ExitStatus, Error> {
    let data = load_tagged(args, tagger.clone(), Keep::eval(column), true, None)?;
    let lexicon = &tagger.lexicon;
    let mut rows: Vec<EvalRow> = lexicon
        .themes
        .iter()
        .map(|t| EvalRow {
            theme: t.key.clone(),
            ..EvalRow::default()
        })
        .collect();
    let mut unknown: BTreeMap<String, u64> = BTreeMap::new();
    let (mut comments, mut exact) = (0, 0);
    for (cells, sig, d) in groups(&data)? {
        if sig.content == Content::Blank {
            continue;
        }
        let n = d.n();
        comments += n;
        let mut labelled = BTreeSet::new();
        for label in cells[0].as_deref().unwrap_or("").split([';', ',']) {
            let label = label.trim().to_lowercase();
            if label.is_empty() {
                continue;
            }
            match lexicon.themes.iter().position(|t| t.key == label) {
                Some(i) => {
                    labelled.insert(i);
                }
                None => *unknown.entry(label).or_default() += n,
            }
        }
        let tagged: BTreeSet<usize> = sig.themes.iter().copied().collect();
        if labelled == tagged {
            exact += n;
        }
        for (i, row) in rows.iter_mut().enumerate() {
            let (l, t) = (labelled.contains(&i), tagged.contains(&i));
            row.labelled += u64::from(l) * n;
            row.tagged += u64::from(t) * n;
            row.true_positives += u64::from(l && t) * n;
            row.false_positives += u64::from(!l && t) * n;
            row.false_negatives += u64::from(l && !t) * n;
        }
    }
    let mut total = EvalRow {
        theme: "(all)".into(),
        ..EvalRow::default()
    };
    for row in rows.iter_mut() {
        row.finish();
        total.labelled += row.labelled;
        total.tagged += row.tagged;
        total.true_positives += row.true_positives;
        total.false_positives += row.false_positives;
        total.false_negatives += row.false_negatives;
    }
    total.finish();
    // A column of other values (a domain, a plan) would give a table of zeros: say so, even
    // under -q, rather than print it.
    if total.labelled == 0 && !unknown.is_empty() {
        let first: Vec<String> = unknown.keys().take(3).map(|k| format!("{k:?}")).collect();
        return Err(Error::data(
            crate::commands::inputs_label(&data),
            format!(
                "--eval {column}: no label in the column is a theme key (it holds {}…); name the column of theme labels (keys joined with ; or ,: {})",
                first.join(", "),
                lexicon.themes.iter().map(|t| t.key.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if !unknown.is_empty() && !args.output.quiet {
        note(&format!(
            "--eval {column}: labels that are no theme key were left out: {}",
            unknown
                .iter()
                .map(|(k, n)| format!("{k:?} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let report = EvalReport {
        schema_version: SCHEMA_VERSION,
        command: "themes-eval",
        labels: column.to_string(),
        comments,
        exact,
        themes: rows,
        total,
        unknown_labels: unknown,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

impl EvalReport {
    fn grid(&self, decimals: u8, blank: &str) -> Grid {
        let mut grid = Grid::new(
            &[
                "theme",
                "labelled",
                "tagged",
                "tp",
                "fp",
                "fn",
                "precision",
                "recall",
                "f1",
            ],
            &[false, true, true, true, true, true, true, true, true],
        );
        let ratio = |x: Option<f64>| x.map_or(blank.to_string(), |v| points(v, decimals + 2));
        for r in self.themes.iter().chain([&self.total]) {
            grid.push(vec![
                r.theme.clone(),
                r.labelled.to_string(),
                r.tagged.to_string(),
                r.true_positives.to_string(),
                r.false_positives.to_string(),
                r.false_negatives.to_string(),
                ratio(r.precision),
                ratio(r.recall),
                ratio(r.f1),
            ]);
        }
        grid
    }
}

impl Report for EvalReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        vec![
            Section {
                heading: Some(format!("Themes against the labels in {:?}", self.labels)),
                text: vec![format!(
                    "{} comments; tags and labels agree exactly on {}",
                    self.comments, self.exact
                )],
                grid: Some(self.grid(decimals, "—")),
                after: Vec::new(),
                code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        self.grid(decimals, "")
    }
}
