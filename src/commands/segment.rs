//! `nps segment --by COL[,COL]`: the NPS of every segment, how it differs from the rest of the
//! respondents, and what it does to the overall score.
//!
//! For each segment: n, shares, NPS and interval; Δ = NPS(segment) − NPS(rest) with its
//! standard error, z and two-sided p (DESIGN.md §4), the p-value Holm-adjusted across every
//! segment of the table; impact = NPS(all) − NPS(all without the segment), in points; and a
//! small-sample flag below `--min-n`. Blank values form their own `(blank)` segment. Rows are
//! sorted explicitly (`--sort`, ties by name), never in polars' group order. Segment counts add
//! back to the overall counts, which the tests check on a real export.

use std::cmp::Ordering;

use polars::prelude::IntoLazy;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{
    headline, inputs_label, load, no_valid_responses, rows_section, stats_csv, stats_table,
    SourceSummary, STATS_CSV, STATS_TABLE,
};
use crate::cli::{CiMethod, Format, SegmentArgs, SegmentSort};
use crate::error::{Error, ExitStatus};
use crate::ingest::{key_column, RowAccounting};
use crate::metrics::compare::{difference_of, holm_some, Difference};
use crate::metrics::{frame, Distribution, GroupStats};
use crate::output::numbers::{p_value, points, signed};
use crate::output::tabular::{by_headers, Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// How a blank segment value is shown.
pub const BLANK: &str = "(blank)";

/// A segment value as people read it: blank cells as `(blank)`, and a cell that really holds
/// the text `(blank)` in quotes, so the two never look alike (finding F30). CSV and JSON keep
/// the value itself (empty or null for blank cells).
pub fn shown(value: Option<&str>) -> std::borrow::Cow<'_, str> {
    match value {
        None => BLANK.into(),
        Some(v) if v == BLANK => format!("\"{v}\"").into(),
        Some(v) => v.into(),
    }
}

/// A segment's values, one per `--by` column; serialised as an object in `--by` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(pub Vec<(String, Option<String>)>);

impl Key {
    /// `pro`, or `pro × FR` for several columns; blanks as `(blank)`.
    pub fn label(&self) -> String {
        self.0
            .iter()
            .map(|(_, v)| shown(v.as_deref()))
            .collect::<Vec<_>>()
            .join(" × ")
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (column, value) in &self.0 {
            map.serialize_entry(column, value)?;
        }
        map.end()
    }
}

/// One segment's row.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentRow {
    /// The segment's values (`null` for blank).
    pub values: Key,
    /// n, NPS, interval, categories, distribution.
    #[serde(flatten)]
    pub stats: GroupStats,
    /// This segment against all other respondents; absent when there is no one else.
    pub vs_rest: Option<Difference>,
    /// `vs_rest.p_value` Holm-adjusted across all segments.
    pub p_holm: Option<f64>,
    /// NPS(all) − NPS(all without this segment), points; absent when there is no one else.
    pub impact: Option<f64>,
    /// n < `--min-n`.
    pub small_sample: bool,
}

/// `[[label, n], …]`, the JSON of [`SegmentReport::zero_weight`].
fn labelled<S: Serializer>(groups: &[(Key, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(groups.iter().map(|(key, n)| (key.label(), n)))
}

/// The most segments a table shows without `--top`.
const TABLE_MAX: usize = 10_000;

/// The result of `nps segment` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct SegmentReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `segment`.
    pub command: &'static str,
    /// The segment columns.
    pub by: Vec<String>,
    /// The small-sample threshold.
    pub min_n: u64,
    /// The row order.
    pub sort: SegmentSort,
    /// All responses together.
    pub overall: GroupStats,
    /// The segments shown (all of them unless `--top`).
    pub segments: Vec<SegmentRow>,
    /// How many segments exist in all.
    pub segments_total: usize,
    /// Whether a table shows only the first [`TABLE_MAX`] segments (no `--top` given).
    #[serde(skip)]
    pub table_cap: bool,
    /// Segments whose `--weight` values are all zero, with their n: not analysed. JSON gives
    /// each as `[label, n]`.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "labelled")]
    pub zero_weight: Vec<(Key, u64)>,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run `nps segment`.
pub fn run(args: &SegmentArgs) -> Result<ExitStatus, Error> {
    let data = load(&args.input, &args.output, |o| o.keep = args.by.clone())?;
    let keys: Vec<String> = (0..data.key_names.len()).map(key_column).collect();
    let groups = frame::distribution_by(data.frame.clone().lazy(), &keys).map_err(|source| {
        Error::Engine {
            file: inputs_label(&data),
            doing: "counting scores per segment".into(),
            source,
        }
    })?;
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let Analysed {
        overall,
        mut segments,
        zero_weight,
    } = analyse(groups, &data.key_names, ci, confidence, args.min_n)
        .ok_or_else(|| no_valid_responses(&data))?;
    sort(&mut segments, args.sort);
    let segments_total = segments.len();
    if segments_total > TABLE_MAX {
        let small = segments.iter().filter(|s| s.small_sample).count();
        super::note(&format!(
            "warning: {segments_total} segments by {} ({small} of them with n < {}): is it an id \
             rather than a segment? --top N shows the N first",
            data.key_names.join(" × "),
            args.min_n
        ));
    }
    // A table (or Markdown) is for reading: past TABLE_MAX rows it shows the first ones and says
    // so (a table of a million segments took 5 GB, finding F24); CSV and JSON keep every one.
    let table_cap = args.top.is_none()
        && matches!(args.output.format, Format::Table | Format::Markdown)
        && segments_total > TABLE_MAX;
    let shown = match args.top {
        Some(top) => Some(top as usize),
        None => table_cap.then_some(TABLE_MAX),
    };
    if let Some(shown) = shown {
        segments.truncate(shown);
    }
    let report = SegmentReport {
        schema_version: SCHEMA_VERSION,
        command: "segment",
        by: data.key_names.clone(),
        min_n: args.min_n,
        sort: args.sort,
        overall,
        segments,
        segments_total,
        table_cap,
        zero_weight,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

/// A segment's cells, one per `--by` column (`None` for a blank cell).
pub type Cells = Vec<Option<String>>;

/// Every segment of a table, before it is sorted.
pub struct Analysed {
    /// All responses together.
    pub overall: GroupStats,
    /// One row per segment with statistics, in label order, p-values Holm-adjusted.
    pub segments: Vec<SegmentRow>,
    /// Segments whose weights are all zero, with their n.
    pub zero_weight: Vec<(Key, u64)>,
}

/// Each segment against the rest of the respondents, from the responses of each (cells of the
/// `--by` columns `names`, in any order); `None` when there are no responses.
pub fn analyse(
    mut groups: Vec<(Cells, Distribution)>,
    names: &[String],
    ci: CiMethod,
    confidence: f64,
    min_n: u64,
) -> Option<Analysed> {
    // Sorted first: weighted sums must be added in the same order every run.
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut all = Distribution::default();
    for (_, d) in &groups {
        all.add(d);
    }
    let overall = GroupStats::new(&all, ci, confidence)?;
    let mut segments: Vec<SegmentRow> = Vec::with_capacity(groups.len());
    let mut zero_weight = Vec::new();
    for (values, d) in groups {
        let values = Key(names.iter().cloned().zip(values).collect());
        // Every group has n ≥ 1; only a weighted group whose weights are all zero has no
        // statistics, and it is listed rather than dropped.
        let Some(stats) = GroupStats::new(&d, ci, confidence) else {
            zero_weight.push((values, d.n()));
            continue;
        };
        let rest = all.minus(&d);
        let vs_rest = difference_of(&d, &rest, ci, confidence);
        let impact = (rest.n() > 0).then(|| overall.nps - 100.0 * rest.tally().net());
        segments.push(SegmentRow {
            values,
            small_sample: stats.n < min_n,
            stats,
            vs_rest,
            p_holm: None,
            impact,
        });
    }
    let raw: Vec<Option<f64>> = segments
        .iter()
        .map(|s| s.vs_rest.map(|d| d.p_value))
        .collect();
    for (segment, p) in segments.iter_mut().zip(holm_some(&raw)) {
        segment.p_holm = p;
    }
    Some(Analysed {
        overall,
        segments,
        zero_weight,
    })
}

/// Sort rows by `key`, ties broken by label (blank last) so the order never depends on polars.
pub fn sort(rows: &mut [SegmentRow], key: SegmentSort) {
    let by_name = |a: &SegmentRow, b: &SegmentRow| {
        let blank_last = |r: &SegmentRow| r.values.0.iter().any(|(_, v)| v.is_none());
        blank_last(a)
            .cmp(&blank_last(b))
            .then_with(|| a.values.label().cmp(&b.values.label()))
    };
    let desc = |a: f64, b: f64| b.total_cmp(&a);
    rows.sort_by(|a, b| {
        let primary = match key {
            SegmentSort::N => b.stats.n.cmp(&a.stats.n),
            SegmentSort::Nps => desc(a.stats.nps, b.stats.nps),
            SegmentSort::Impact => desc(
                a.impact.unwrap_or(f64::NEG_INFINITY),
                b.impact.unwrap_or(f64::NEG_INFINITY),
            ),
            SegmentSort::Name => Ordering::Equal,
        };
        primary.then_with(|| by_name(a, b))
    });
}

impl Report for SegmentReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut headers: Vec<&str> = self.by.iter().map(String::as_str).collect();
        headers.push("n");
        headers.extend(STATS_TABLE);
        headers.extend(["Δ vs rest", "p", "p (Holm)", "impact", ""]);
        let mut numeric = vec![false; self.by.len()];
        numeric.extend([
            true, true, true, true, true, true, true, true, true, true, false,
        ]);
        let mut grid = Grid::new(&headers, &numeric);
        for s in &self.segments {
            let mut row: Vec<String> = s
                .values
                .0
                .iter()
                .map(|(_, v)| shown(v.as_deref()).into_owned())
                .collect();
            row.push(s.stats.n.to_string());
            row.extend(stats_table(Some(&s.stats), decimals));
            row.extend([
                s.vs_rest.map_or("—".into(), |d| signed(d.delta, decimals)),
                s.vs_rest.map_or("—".into(), |d| p_value(d.p_value)),
                s.p_holm.map_or("—".into(), p_value),
                s.impact.map_or("—".into(), |i| signed(i, decimals)),
                if s.small_sample {
                    format!("n < {}", self.min_n)
                } else {
                    String::new()
                },
            ]);
            grid.push(row);
        }
        let mut text = vec![format!("overall NPS {}", headline(&self.overall, decimals))];
        if !self.zero_weight.is_empty() {
            text.push(format!(
                "not analysed, every --weight is zero: {}",
                self.zero_weight
                    .iter()
                    .map(|(key, n)| format!("{} (n = {n})", key.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.segments.len() < self.segments_total {
            let why = if self.table_cap {
                "a table shows at most this many: --top N, or -f csv / -f json for every one"
            } else {
                "--top"
            };
            text.push(format!(
                "showing {} of {} segments ({why}); Holm adjustment over all {}",
                self.segments.len(),
                self.segments_total,
                self.segments_total
            ));
        }
        vec![
            Section {
                heading: Some(format!("NPS by {}", self.by.join(" × "))),
                text,
                grid: Some(grid),
                after: Vec::new(),
                code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let mut ours: Vec<&str> = STATS_CSV.to_vec();
        ours.extend([
            "delta_vs_rest",
            "p_value",
            "p_holm",
            "impact",
            "small_sample",
        ]);
        let by = by_headers(&self.by, &[&["row"][..], &ours].concat());
        let mut headers: Vec<&str> = vec!["row"];
        headers.extend(by.iter().map(String::as_str));
        headers.extend(ours);
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        let opt = |x: Option<f64>, d: u8| x.map(|v| points(v, d)).unwrap_or_default();
        let mut overall = vec!["overall".to_string()];
        overall.extend(vec![String::new(); self.by.len()]);
        overall.extend(stats_csv(&self.overall, decimals));
        overall.extend(vec![String::new(); 5]);
        grid.push(overall);
        for s in &self.segments {
            let mut row = vec!["segment".to_string()];
            row.extend(
                s.values
                    .0
                    .iter()
                    .map(|(_, v)| v.clone().unwrap_or_default()),
            );
            row.extend(stats_csv(&s.stats, decimals));
            row.extend([
                opt(s.vs_rest.map(|d| d.delta), decimals),
                opt(s.vs_rest.map(|d| d.p_value), 6),
                opt(s.p_holm, 6),
                opt(s.impact, decimals),
                s.small_sample.to_string(),
            ]);
            grid.push(row);
        }
        // Segments whose weights are all zero have a row too, with their n and no statistics
        // (finding F34: they used to vanish from the CSV).
        for (values, n) in &self.zero_weight {
            let mut row = vec!["zero_weight".to_string()];
            row.extend(values.0.iter().map(|(_, v)| v.clone().unwrap_or_default()));
            row.push(n.to_string());
            row.resize(headers.len(), String::new());
            grid.push(row);
        }
        grid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_label_and_serialise_in_by_order() {
        let k = Key(vec![
            ("plan".into(), Some("pro".into())),
            ("country".into(), None),
        ]);
        assert_eq!(k.label(), "pro × (blank)");
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            r#"{"plan":"pro","country":null}"#
        );
    }
}
