//! `nps trend --every PERIOD`: NPS per period, one series per segment with `--by`.
//!
//! Every period between the first and the last dated response appears, empty ones with n = 0.
//! Each period is compared with the previous one when both have responses (Δ, two-sided p, the
//! p-value Holm-adjusted across every comparison of the table, and a ▲/▼ marker when the adjusted
//! p is below 1 − confidence). `--rolling 90d` or `--rolling 3` adds the trailing-window NPS at
//! each period's end. Responses whose date is blank or unreadable are counted and reported per
//! series, never placed in a period; the all-time row covers the dated responses, so the n column
//! sums to it.

use std::collections::BTreeMap;

use polars::prelude::IntoLazy;
use serde::Serialize;

use super::segment::{shown, Key};
use super::{
    headline, inputs_label, load, rows_section, stats_csv, stats_table, SourceSummary, STATS_CSV,
    STATS_TABLE,
};
use crate::cli::{CiMethod, Rolling, TrendArgs};
use crate::error::{Error, ExitStatus};
use crate::ingest::{dates, key_column, RowAccounting, DAY};
use crate::metrics::compare::{difference_of, holm_some, Difference};
use crate::metrics::period::{self, Every};
use crate::metrics::{frame, Distribution, GroupStats};
use crate::output::numbers::{p_value, points};
use crate::output::tabular::{by_headers, Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// One period of one series.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    /// `2025-03`, `2025-W07`, `2025-Q1`…
    pub period: String,
    /// First day, ISO date.
    pub start: String,
    /// Last day, ISO date.
    pub end: String,
    /// Responses in the period (0 for an empty period).
    pub n: u64,
    /// The period's statistics; absent when n = 0.
    pub stats: Option<GroupStats>,
    /// Change from the previous period; absent when either is empty.
    pub vs_previous: Option<Difference>,
    /// `vs_previous.p_value` Holm-adjusted across every comparison of the table.
    pub p_holm: Option<f64>,
    /// Whether `p_holm` < 1 − confidence.
    pub significant: bool,
    /// The trailing window ending with this period, with `--rolling`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling: Option<GroupStats>,
}

/// One series: all responses, or one segment with `--by`.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The segment's values (`null` without `--by`).
    pub values: Option<Key>,
    /// One row per period, in time order.
    pub periods: Vec<PeriodRow>,
    /// All dated responses of the series.
    pub all_time: Option<GroupStats>,
    /// Responses of the series with a blank or unreadable date.
    pub undated: u64,
    /// The period NPS values as a Unicode sparkline (a space for an empty period).
    pub sparkline: String,
}

/// The result of `nps trend` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct TrendReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `trend`.
    pub command: &'static str,
    /// Period length.
    pub every: Every,
    /// The trailing window, if any.
    pub rolling: Option<Rolling>,
    /// Time zone of the days.
    pub tz: String,
    /// Segment columns (empty without `--by`).
    pub by: Vec<String>,
    /// The series, sorted by segment values.
    pub series: Vec<Series>,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input, with how its dates were read.
    pub sources: Vec<SourceSummary>,
}

/// The most periods a trend lists.
const MAX_PERIODS: i64 = 10_000;

/// The most rows (series × periods) a trend table may have: far past what anyone reads (100
/// segments by day over five years), and at about 2 KB each, output included, 400 MB at most.
const MAX_ROWS: u64 = 200_000;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of values scaled between their own minimum and maximum.
pub fn sparkline(values: &[Option<f64>]) -> String {
    let present = values.iter().flatten();
    let min = present.clone().copied().fold(f64::INFINITY, f64::min);
    let max = present.copied().fold(f64::NEG_INFINITY, f64::max);
    sparkline_between(values, min, max)
}

/// A sparkline of values on the scale `min`…`max` (several series on one scale); a gap for a
/// missing value, the middle bar when the scale is flat.
pub fn sparkline_between(values: &[Option<f64>], min: f64, max: f64) -> String {
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if max <= min => SPARKS[3],
            Some(x) => SPARKS[(((x - min) / (max - min)).clamp(0.0, 1.0) * 7.0).round() as usize],
        })
        .collect()
}

/// The first day of an `n`-day window ending on `end`, clamped so that a huge `--rolling` cannot
/// overflow or invert the range.
fn window_start(end: i32, n: u32) -> i32 {
    (i64::from(end) - i64::from(n) + 1).clamp(i64::from(i32::MIN), i64::from(end)) as i32
}

/// A trailing window that slides: each day or period enters once and leaves once, so a series of
/// p periods costs O(p + days) however long the window (recomputing each window cost O(p²):
/// 10 series of 10,000 days took 4 s, finding F22). Counts are exact; weight sums, where
/// subtracted, may differ from a fresh sum in the last bits, and an empty window is reset to
/// exactly nothing.
struct Window<'a> {
    dated: Vec<(i32, &'a Distribution)>,
    entered: usize,
    left: usize,
    sum: Distribution,
}

impl<'a> Window<'a> {
    fn new(days: &'a BTreeMap<i32, Distribution>) -> Self {
        Window {
            dated: days.iter().map(|(&day, d)| (day, d)).collect(),
            entered: 0,
            left: 0,
            sum: Distribution::default(),
        }
    }

    /// The days `start..=end`; both ends only ever move forward.
    fn days(&mut self, start: i32, end: i32) -> &Distribution {
        while let Some(&(_, d)) = self.dated.get(self.entered).filter(|(day, _)| *day <= end) {
            self.sum.add(d);
            self.entered += 1;
        }
        while self.left < self.entered && self.dated[self.left].0 < start {
            self.sum = self.sum.minus(self.dated[self.left].1);
            self.left += 1;
        }
        self.settle()
    }

    /// Periods `i + 1 − k ..= i`, called for i = 0, 1, 2… in turn.
    fn periods(&mut self, per_period: &[Distribution], i: usize, k: usize) -> &Distribution {
        self.sum.add(&per_period[i]);
        if let Some(gone) = i.checked_sub(k) {
            self.sum = self.sum.minus(&per_period[gone]);
        }
        self.settle()
    }

    fn settle(&mut self) -> &Distribution {
        if self.sum.n() == 0 {
            self.sum = Distribution::default();
        }
        &self.sum
    }
}

/// One series' responses: a distribution per day, and how many had no readable date.
#[derive(Default)]
struct SeriesDays {
    days: BTreeMap<i32, Distribution>,
    undated: u64,
}

/// Run `nps trend`.
pub fn run(args: &TrendArgs) -> Result<ExitStatus, Error> {
    let data = load(&args.input, &args.output, |o| {
        o.keep = args.by.clone();
        o.need_dates = true;
    })?;
    let keys: Vec<String> = (0..data.key_names.len()).map(key_column).collect();
    let groups =
        frame::distribution_by_day(data.frame.clone().lazy(), &keys, DAY).map_err(|source| {
            Error::Engine {
                file: inputs_label(&data),
                doing: "counting scores per day".into(),
                source,
            }
        })?;
    let mut by_series: BTreeMap<Vec<Option<String>>, SeriesDays> = BTreeMap::new();
    for (key, day, d) in groups {
        let entry = by_series.entry(key).or_default();
        match day {
            Some(day) => entry.days.entry(day).or_default().add(&d),
            None => entry.undated += d.n(),
        }
    }
    let all_days = by_series.values().flat_map(|s| s.days.keys().copied());
    let (Some(first), Some(last)) = (all_days.clone().min(), all_days.max()) else {
        return Err(Error::data(
            inputs_label(&data),
            "no response has a readable date, so there is nothing to place in periods; check the date column with nps inspect, or name it with --date-col",
        ));
    };
    let every = args.every;
    let starts = periods(first, last, every, &inputs_label(&data))?;
    // Every series has a row per period, empty or not: bound the table as a whole, not only each
    // series (1,000 segments over 10,000 days asked for 20 GB, finding F19).
    let rows = by_series.len() as u64 * starts.len() as u64;
    if rows > MAX_ROWS {
        return Err(Error::data(
            inputs_label(&data),
            format!(
                "{} series × {} {}s would make {rows} rows, more than the {MAX_ROWS} a trend \
                 table holds; choose a longer --every, fewer or coarser --by columns, or narrow \
                 the range with --since/--until or the segments with --where",
                by_series.len(),
                starts.len(),
                crate::cli::value_name(&every)
            ),
        ));
    }
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let mut series: Vec<Series> = by_series
        .into_iter()
        .map(|(key, SeriesDays { days, undated })| {
            let (rows, all) = period_rows(&days, &starts, every, args.rolling, ci, confidence);
            let spark: Vec<Option<f64>> = rows
                .iter()
                .map(|r| r.stats.as_ref().map(|s| s.nps))
                .collect();
            Series {
                values: (!data.key_names.is_empty())
                    .then(|| Key(data.key_names.iter().cloned().zip(key).collect())),
                sparkline: sparkline(&spark),
                periods: rows,
                all_time: GroupStats::new(&all, ci, confidence),
                undated,
            }
        })
        .collect();
    adjust(
        series.iter_mut().flat_map(|s| s.periods.iter_mut()),
        confidence,
    );
    let report = TrendReport {
        schema_version: SCHEMA_VERSION,
        command: "trend",
        every,
        rolling: args.rolling,
        tz: args.input.tz.name().to_string(),
        by: data.key_names.clone(),
        series,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

/// The first day of every period from `first` to `last`; an error naming `file` when that would
/// be more than [`MAX_PERIODS`] (one stray date would otherwise print a million empty periods).
pub fn periods(first: i32, last: i32, every: Every, file: &str) -> Result<Vec<i32>, Error> {
    let days = (i64::from(last) - i64::from(first) + 1) as f64;
    let span = (days / period::approx_days(every)).round() as i64;
    if span > MAX_PERIODS {
        return Err(Error::data(
            file,
            format!(
                "the dates run from {} to {}, about {span} {}s; a date that is out of place (an epoch in the wrong unit, a mistyped year) does this. Narrow the range with --since/--until, or choose a longer --every",
                dates::date_of(first),
                dates::date_of(last),
                crate::cli::value_name(&every)
            ),
        ));
    }
    Ok(period::range(first, last, every))
}

/// One row per period (`starts`) from a series' responses per day, each compared with the
/// previous one (p-values not yet adjusted), and all of them together.
pub fn period_rows(
    days: &BTreeMap<i32, Distribution>,
    starts: &[i32],
    every: Every,
    rolling: Option<Rolling>,
    ci: CiMethod,
    confidence: f64,
) -> (Vec<PeriodRow>, Distribution) {
    let mut per_period: Vec<Distribution> = vec![Distribution::default(); starts.len()];
    let mut all = Distribution::default();
    for (&day, d) in days {
        // `starts` is sorted; the period holding `day` is the last start ≤ day.
        let i = starts.partition_point(|&s| s <= day) - 1;
        per_period[i].add(d);
        all.add(d);
    }
    let mut rows: Vec<PeriodRow> = Vec::with_capacity(starts.len());
    let mut rolling_window = rolling.map(|_| Window::new(days));
    for (i, &start) in starts.iter().enumerate() {
        let end = period::next(start, every) - 1;
        let stats = GroupStats::new(&per_period[i], ci, confidence);
        // Both periods must have responses (difference_of returns None otherwise).
        let vs_previous = i
            .checked_sub(1)
            .and_then(|j| difference_of(&per_period[i], &per_period[j], ci, confidence));
        let rolling = rolling
            .zip(rolling_window.as_mut())
            .and_then(|(w, rolling_window)| {
                let window = match w {
                    Rolling::Days(n) => rolling_window.days(window_start(end, n), end),
                    Rolling::Periods(k) => rolling_window.periods(&per_period, i, k as usize),
                };
                GroupStats::new(window, ci, confidence)
            });
        rows.push(PeriodRow {
            period: period::label(start, every),
            start: dates::date_of(start).to_string(),
            end: dates::date_of(end).to_string(),
            n: per_period[i].n(),
            stats,
            vs_previous,
            p_holm: None,
            significant: false,
            rolling,
        });
    }
    (rows, all)
}

/// Holm-adjust the changes of every row of a table together, and mark those below
/// 1 − `confidence`.
pub fn adjust<'r>(rows: impl Iterator<Item = &'r mut PeriodRow>, confidence: f64) {
    let mut rows: Vec<&mut PeriodRow> = rows.collect();
    let raw: Vec<Option<f64>> = rows
        .iter()
        .map(|p| p.vs_previous.map(|d| d.p_value))
        .collect();
    for (row, p) in rows.iter_mut().zip(holm_some(&raw)) {
        row.p_holm = p;
        row.significant = row.p_holm.is_some_and(|p| p < 1.0 - confidence);
    }
}

impl Report for TrendReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let every = crate::cli::value_name(&self.every);
        let mut sections = Vec::new();
        for s in &self.series {
            let mut headers = vec!["period", "n"];
            headers.extend(STATS_TABLE);
            headers.extend(["Δ vs previous", "p", "p (Holm)", ""]);
            let mut numeric = vec![
                false, true, true, true, true, true, true, true, true, true, false,
            ];
            if self.rolling.is_some() {
                headers.extend(["rolling NPS", "rolling n"]);
                numeric.extend([true, true]);
            }
            let mut grid = Grid::new(&headers, &numeric);
            for p in &s.periods {
                let marker = match p.vs_previous {
                    Some(d) if p.significant && d.delta > 0.0 => "▲ significant",
                    Some(_) if p.significant => "▼ significant",
                    _ => "",
                };
                let mut row = vec![p.period.clone(), p.n.to_string()];
                row.extend(stats_table(p.stats.as_ref(), decimals));
                row.extend([
                    p.vs_previous
                        .map_or(String::new(), |d| points(d.delta, decimals)),
                    p.vs_previous.map_or(String::new(), |d| p_value(d.p_value)),
                    p.p_holm.map_or(String::new(), p_value),
                    marker.into(),
                ]);
                if self.rolling.is_some() {
                    row.push(
                        p.rolling
                            .as_ref()
                            .map_or("—".into(), |r| points(r.nps, decimals)),
                    );
                    row.push(p.rolling.as_ref().map_or("0".into(), |r| r.n.to_string()));
                }
                grid.push(row);
            }
            let mut all = vec![
                "all time".to_string(),
                s.all_time.as_ref().map_or(0, |a| a.n).to_string(),
            ];
            all.extend(stats_table(s.all_time.as_ref(), decimals));
            all.resize(headers.len(), String::new());
            grid.push(all);
            let mut after = Vec::new();
            if let Some(a) = &s.all_time {
                after.push(format!("all time: NPS {}", headline(a, decimals)));
            }
            if s.undated > 0 {
                after.push(format!(
                    "undated: {} responses with a blank or unreadable date are in no period",
                    s.undated
                ));
            }
            // Each series ends with its sparkline.
            after.push(format!("trend: {}", s.sparkline));
            let heading = match &s.values {
                None => format!("NPS per {every}"),
                Some(k) => format!(
                    "NPS per {every}: {}",
                    k.0.iter()
                        .map(|(c, v)| format!("{c} = {}", shown(v.as_deref())))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            sections.push(Section {
                heading: Some(heading),
                text: Vec::new(),
                grid: Some(grid),
                after,
                code: None,
            });
        }
        sections.push(rows_section(&self.rows, &self.sources));
        sections
    }

    fn csv(&self, decimals: u8) -> Grid {
        let mut ours: Vec<&str> = vec!["period", "start", "end"];
        ours.extend(STATS_CSV);
        ours.extend(["delta_vs_previous", "p_value", "p_holm", "significant"]);
        if self.rolling.is_some() {
            ours.extend(["rolling_n", "rolling_nps"]);
        }
        let by = by_headers(&self.by, &ours);
        let mut headers: Vec<&str> = by.iter().map(String::as_str).collect();
        headers.extend(ours);
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        let opt = |x: Option<f64>, d: u8| x.map(|v| points(v, d)).unwrap_or_default();
        let stats = |row: &mut Vec<String>, st: Option<&GroupStats>| match st {
            Some(st) => row.extend(stats_csv(st, decimals)),
            None => {
                row.push("0".into());
                row.extend(vec![String::new(); STATS_CSV.len() - 1]);
            }
        };
        for s in &self.series {
            let key: Vec<String> = s
                .values
                .iter()
                .flat_map(|k| k.0.iter().map(|(_, v)| v.clone().unwrap_or_default()))
                .collect();
            for p in &s.periods {
                let mut row = key.clone();
                row.extend([p.period.clone(), p.start.clone(), p.end.clone()]);
                stats(&mut row, p.stats.as_ref());
                row.extend([
                    opt(p.vs_previous.map(|d| d.delta), decimals),
                    opt(p.vs_previous.map(|d| d.p_value), 6),
                    opt(p.p_holm, 6),
                    p.significant.to_string(),
                ]);
                if self.rolling.is_some() {
                    row.push(p.rolling.as_ref().map_or("0".into(), |r| r.n.to_string()));
                    row.push(opt(p.rolling.as_ref().map(|r| r.nps), decimals));
                }
                grid.push(row);
            }
            // The all-time row of the series: period "all", no dates, no change.
            let mut row = key;
            row.extend(["all".to_string(), String::new(), String::new()]);
            stats(&mut row, s.all_time.as_ref());
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
    fn rolling_windows_never_invert_or_overflow() {
        assert_eq!(window_start(100, 1), 100);
        assert_eq!(window_start(100, 30), 71);
        assert_eq!(window_start(100, u32::MAX), i32::MIN);
        assert_eq!(window_start(i32::MIN + 5, 10), i32::MIN);
    }

    #[test]
    fn sparklines_scale_to_the_series_and_leave_gaps() {
        assert_eq!(
            sparkline(&[Some(-10.0), None, Some(30.0), Some(10.0)]),
            "▁ █▅"
        );
        assert_eq!(sparkline(&[Some(5.0), Some(5.0)]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }
}
