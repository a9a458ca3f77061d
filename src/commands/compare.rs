//! `nps compare`: two groups side by side and whether their difference is real.
//!
//! The groups are two inputs (`A B`), one input split at a day (`--split-date`: A before, B on or
//! after), or two values of a column (`--by COL --groups A,B`). The difference is always B − A:
//! "how B differs from A". Unpaired, it is the two-sample test of DESIGN.md §4; with `--paired`
//! the respondents present on both sides (matched on the respondent id) are compared person by
//! person, and those present on one side only are counted and left out.

use std::collections::HashMap;

use polars::prelude::*;
use serde::Serialize;

use super::segment::shown;
use super::{headline, inputs_label, load, no_valid_responses, rows_section};
use super::{method_name, SourceSummary};
use crate::cli::CompareArgs;
use crate::error::{Error, ExitStatus};
use crate::ingest::{dates, key_column, RowAccounting, DAY, ID, SOURCE};
use crate::metrics::compare::{difference_of, paired, Difference};
use crate::metrics::frame::{self, SCORE};
use crate::metrics::{Distribution, GroupStats};
use crate::output::numbers::{count, level, points};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// What the side is (`q3.csv`, `before 2025-07-01`, `plan = free`).
    pub label: String,
    /// Its statistics.
    #[serde(flatten)]
    pub stats: GroupStats,
}

/// The person-by-person comparison of `--paired`.
#[derive(Debug, Clone, Serialize)]
pub struct Paired {
    /// Respondents found in both A and B.
    pub pairs: u64,
    /// Respondents only in A.
    pub only_in_a: u64,
    /// Respondents only in B.
    pub only_in_b: u64,
    /// The paired difference; absent below two pairs.
    pub difference: Option<Difference>,
}

/// The result of `nps compare` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `compare`.
    pub command: &'static str,
    /// The first group.
    pub a: Side,
    /// The second group.
    pub b: Side,
    /// NPS(B) − NPS(A), unpaired.
    pub difference: Difference,
    /// With `--paired`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired: Option<Paired>,
    /// The one-line verdict, on the paired test when there is one.
    pub verdict: String,
    /// Valid responses in neither group (undated with `--split-date`, other values with `--by`).
    pub in_neither: u64,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// How the two groups are formed, checked before any data is read.
enum Split {
    Inputs,
    Date(i32, chrono::NaiveDate),
    Column(String, String),
}

fn plan(args: &CompareArgs) -> Result<Split, Error> {
    let files = args.input.files.len();
    let split = match (&args.split_date, &args.by) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "--split-date and --by both split one input; choose one",
            ))
        }
        (Some(d), None) => Split::Date(dates::days_since_epoch(*d), *d),
        (None, Some(_)) => match args.groups.as_slice() {
            [a, b] if a.trim() != b.trim() => Split::Column(a.clone(), b.clone()),
            _ => {
                return Err(Error::usage(
                    "--groups takes two different values of the --by column: --groups free,pro",
                ))
            }
        },
        (None, None) => Split::Inputs,
    };
    match (&split, files) {
        (Split::Inputs, 2) => Ok(split),
        (Split::Inputs, n) => Err(Error::usage(format!(
            "compare needs two inputs (A B), or one input with --split-date or --by/--groups; got {}",
            count(n as u64, "input")
        ))),
        (_, 1) => Ok(split),
        (_, n) => Err(Error::usage(format!(
            "--split-date and --by split one input; got {n}"
        ))),
    }
}

/// Run `nps compare`.
pub fn run(args: &CompareArgs) -> Result<ExitStatus, Error> {
    let split = plan(args)?;
    let data = load(&args.input, &args.output, |o| {
        o.need_ids = args.paired;
        match &split {
            Split::Date(..) => o.need_dates = true,
            Split::Column(..) => o.keep = args.by.iter().cloned().collect(),
            Split::Inputs => {}
        }
    })?;
    let key = key_column(0);
    let (in_a, in_b, label_a, label_b): (Expr, Expr, String, String) = match &split {
        Split::Inputs => (
            col(SOURCE).eq(lit(0u32)),
            col(SOURCE).eq(lit(1u32)),
            data.sources[0].file.clone(),
            data.sources[1].file.clone(),
        ),
        Split::Date(day, date) => (
            col(DAY).lt(lit(*day)),
            col(DAY).gt_eq(lit(*day)),
            format!("before {date}"),
            format!("from {date}"),
        ),
        Split::Column(a, b) => {
            if data.key_names.len() != 1 {
                return Err(Error::usage(format!(
                    "compare --by takes one column; it names {}",
                    data.key_names.join(", ")
                )));
            }
            let name = data.key_names.first().cloned().unwrap_or_default();
            // Cells are carried trimmed, blank ones as nulls: `--groups ,pro` compares the blank
            // group with pro (finding F53), as `--where plan=` selects it.
            let group = |value: &str| match value.trim() {
                "" => (
                    col(key.as_str()).is_null(),
                    format!("{name} = {}", shown(None)),
                ),
                v => (
                    col(key.as_str()).eq(lit(v.to_string())),
                    format!("{name} = {}", shown(Some(v))),
                ),
            };
            let ((in_a, label_a), (in_b, label_b)) = (group(a), group(b));
            (in_a, in_b, label_a, label_b)
        }
    };
    let engine = |doing: &str| {
        let file = inputs_label(&data);
        let doing = doing.to_string();
        move |source: PolarsError| Error::Engine {
            file,
            doing,
            source,
        }
    };
    let lazy = data.frame.clone().lazy();
    let dist_a = frame::distribution(lazy.clone().filter(in_a.clone()))
        .map_err(engine("counting group A"))?;
    let dist_b = frame::distribution(lazy.clone().filter(in_b.clone()))
        .map_err(engine("counting group B"))?;
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let empty = |label: &str, d: &Distribution| {
        let why = match d.n() {
            // Responses there are, but every weight is zero (finding F34).
            n if n > 0 => format!("group {label}'s {n} responses all have --weight 0; nothing to compare"),
            _ => format!("group {label} has no valid responses; nothing to compare (check the split with nps inspect)"),
        };
        Error::data(inputs_label(&data), why)
    };
    if data.responses() == 0 {
        return Err(no_valid_responses(&data));
    }
    let a = GroupStats::new(&dist_a, ci, confidence).ok_or_else(|| empty(&label_a, &dist_a))?;
    let b = GroupStats::new(&dist_b, ci, confidence).ok_or_else(|| empty(&label_b, &dist_b))?;
    let unpaired =
        difference_of(&dist_b, &dist_a, ci, confidence).ok_or_else(|| empty(&label_a, &dist_a))?;
    let in_neither = data.responses() - a.n - b.n;
    let paired_result = if args.paired {
        let side = |e: Expr| -> Result<HashMap<String, Vec<u8>>, Error> {
            let out = lazy
                .clone()
                .filter(e.and(col(ID).is_not_null()))
                .select([col(ID), col(SCORE)])
                .collect()
                .map_err(engine("matching respondents"))?;
            let ids = out
                .column(ID)
                .and_then(|c| c.str().cloned())
                .map_err(engine("reading ids"))?;
            let scores = out
                .column(SCORE)
                .and_then(|c| c.u8().cloned())
                .map_err(engine("reading scores"))?;
            let mut map: HashMap<String, Vec<u8>> = HashMap::new();
            for (id, score) in ids.iter().zip(scores.iter()) {
                if let (Some(id), Some(score)) = (id, score) {
                    map.entry(id.to_string()).or_default().push(score);
                }
            }
            Ok(map)
        };
        let (map_a, map_b) = (side(in_a)?, side(in_b)?);
        for (map, label) in [(&map_a, &label_a), (&map_b, &label_b)] {
            if let Some((id, _)) = map
                .iter()
                .filter(|(_, v)| v.len() > 1)
                .min_by_key(|(id, _)| id.as_str())
            {
                return Err(Error::data(
                    inputs_label(&data),
                    format!("respondent {id:?} answered more than once in {label}; --paired needs one answer per respondent on each side, so keep one per side in the data (--dedupe would keep one across both sides and remove the pairs)"),
                ));
            }
        }
        let mut pairs: Vec<(&String, (u8, u8))> = map_a
            .iter()
            .filter_map(|(id, a)| map_b.get(id).map(|b| (id, (a[0], b[0]))))
            .collect();
        pairs.sort_by(|x, y| x.0.cmp(y.0));
        let only_in_a = map_a.keys().filter(|id| !map_b.contains_key(*id)).count() as u64;
        let only_in_b = map_b.keys().filter(|id| !map_a.contains_key(*id)).count() as u64;
        let scores: Vec<(u8, u8)> = pairs.iter().map(|(_, p)| *p).collect();
        Some(Paired {
            pairs: scores.len() as u64,
            only_in_a,
            only_in_b,
            difference: paired(&scores, confidence),
        })
    } else {
        None
    };
    let tested = match &paired_result {
        Some(Paired {
            difference: Some(d),
            ..
        }) => *d,
        _ => unpaired,
    };
    let verdict = verdict(&tested, confidence, paired_result.is_some());
    let report = CompareReport {
        schema_version: SCHEMA_VERSION,
        command: "compare",
        a: Side {
            label: label_a,
            stats: a,
        },
        b: Side {
            label: label_b,
            stats: b,
        },
        difference: unpaired,
        paired: paired_result,
        verdict,
        in_neither,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

/// `+6.2 points, not significant at 95% (p = 0.21)`.
pub fn verdict(d: &Difference, confidence: f64, paired: bool) -> String {
    let sign = if d.delta > 0.0 { "+" } else { "" };
    let significant = d.p_value < 1.0 - confidence;
    let p = if d.p_value < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {:.3}", d.p_value)
    };
    format!(
        "{sign}{} points, {}significant at {} ({p}{})",
        points(d.delta, 1),
        if significant { "" } else { "not " },
        level(confidence),
        if paired { ", paired" } else { "" }
    )
}

/// `z = 1.907`, or `t = 5.000 (2 df)` for the paired t-test.
fn statistic(d: &Difference) -> String {
    match d.df {
        Some(df) => format!("t = {:.3} ({df} df)", d.z),
        None => format!("z = {:.3}", d.z),
    }
}

impl Report for CompareReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(&["group", "NPS", "n"], &[false, false, true]);
        for (name, side) in [("A", &self.a), ("B", &self.b)] {
            grid.push(vec![
                format!("{name}: {}", side.label),
                headline(&side.stats, decimals),
                side.stats.n.to_string(),
            ]);
        }
        let d = &self.difference;
        let mut text = vec![
            self.verdict.clone(),
            format!(
                "B − A = {} points ({} CI {} to {}, {}; {}, p = {:.4})",
                points(d.delta, decimals),
                level(self.a.stats.interval.confidence),
                points(d.low, decimals),
                points(d.high, decimals),
                method_name(self.a.stats.interval.method),
                statistic(d),
                d.p_value
            ),
        ];
        text.extend(d.note.map(|n| format!("({n})")));
        if let Some(p) = &self.paired {
            text.push(format!(
                "paired on respondent id: {} pairs ({} only in A, {} only in B){}",
                p.pairs,
                p.only_in_a,
                p.only_in_b,
                p.difference
                    .map_or(" — too few pairs to test".into(), |d| format!(
                        ": B − A = {} points ({} to {}), {}, p = {:.4}",
                        points(d.delta, decimals),
                        points(d.low, decimals),
                        points(d.high, decimals),
                        statistic(&d),
                        d.p_value
                    ))
            ));
            text.extend(
                p.difference
                    .and_then(|d| d.note)
                    .map(|n| format!("(paired: {n})")),
            );
        }
        if self.in_neither > 0 {
            text.push(format!(
                "{} valid responses are in neither group",
                self.in_neither
            ));
        }
        vec![
            Section {
                heading: Some("Compare".into()),
                text,
                grid: Some(grid),
                after: Vec::new(),
                code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let mut headers: Vec<&str> = vec!["group", "label"];
        headers.extend(super::STATS_CSV);
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        for (name, side) in [("a", &self.a), ("b", &self.b)] {
            let mut row = vec![name.to_string(), side.label.clone()];
            row.extend(super::stats_csv(&side.stats, decimals));
            grid.push(row);
        }
        let d = &self.difference;
        let mut row = vec!["b_minus_a".to_string(), self.verdict.clone()];
        row.extend([
            String::new(),
            points(d.delta, decimals),
            points(d.low, decimals),
            points(d.high, decimals),
        ]);
        row.resize(headers.len(), String::new());
        grid.push(row);
        grid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_like_sentences() {
        let d = Difference {
            delta: 6.2,
            standard_error: 5.0,
            z: 1.24,
            df: None,
            p_value: 0.21,
            low: -3.6,
            high: 16.0,
            note: None,
        };
        assert_eq!(
            verdict(&d, 0.95, false),
            "+6.2 points, not significant at 95% (p = 0.210)"
        );
        let d = Difference {
            delta: -12.0,
            p_value: 0.0004,
            ..d
        };
        assert_eq!(
            verdict(&d, 0.95, true),
            "-12.0 points, significant at 95% (p < 0.001, paired)"
        );
    }
}
