//! `nps themes --every PERIOD`: which themes grow, and what is emerging.
//!
//! Per theme and period (the periods of `nps trend`, empty ones included): the share of the
//! period's commented responses that mention the theme, and its change from the previous period
//! (pooled two-proportion z test, Holm-adjusted across every theme and change), with a sparkline
//! per theme on one scale shared by all themes. Then the words and phrases emerging in the last
//! period: the most distinctive of its comments against those of all earlier periods
//! (`metrics::distinctive`). Responses without a readable date are counted apart.

use std::collections::BTreeMap;
use std::sync::Arc;

use polars::prelude::IntoLazy;
use serde::Serialize;

use super::discover::terms_section;
use super::{load_tagged, Keep};
use crate::cli::ThemesArgs;
use crate::commands::trend::sparkline_between;
use crate::commands::{inputs_label, rows_section, SourceSummary};
use crate::error::{Error, ExitStatus};
use crate::ingest::{key_column, RowAccounting, DAY};
use crate::metrics::compare::{holm_some, two_proportions};
use crate::metrics::distinctive::{rank_by, Distinctive};
use crate::metrics::frame;
use crate::metrics::period::{self, Every};
use crate::metrics::tally::Distribution;
use crate::metrics::themes::table;
use crate::output::numbers::{p_value, percent, signed};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::themes::grams::{period_label, Counting, Groups, QuoteOf, Slot};
use crate::themes::signature::{decode, Signature};
use crate::themes::Tagger;

/// The most periods a run may span (a mistyped year would ask for thousands).
const MAX_PERIODS: usize = 1_000;

/// Periods shown as columns in the table (the sparkline covers them all).
const SHOWN: usize = 6;

/// Emerging terms listed.
const EMERGING: usize = 10;

/// One period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    /// As `nps trend` labels it (`2025-03`, `2025-W09`, `2025-Q1`).
    pub period: String,
    /// Scored responses dated in it.
    pub responses: u64,
    /// Those with a comment.
    pub commented: u64,
}

/// A theme in one period.
#[derive(Debug, Clone, Serialize)]
pub struct ThemePeriod {
    /// Responses of the period that mention it.
    pub mentions: u64,
    /// Over the period's commented responses.
    pub share: Option<f64>,
    /// Change from the previous period, in points.
    pub change: Option<f64>,
    /// The change's two-proportion test.
    pub p_value: Option<f64>,
    /// Holm-adjusted across every theme and change.
    pub p_holm: Option<f64>,
    /// `up` or `down` when p_holm < 0.05, else empty.
    pub flag: &'static str,
}

/// One theme over the periods.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeSeries {
    /// The theme's key.
    pub theme: String,
    /// One entry per period, in order.
    pub periods: Vec<ThemePeriod>,
    /// The shares as a sparkline, on the scale shared by every theme.
    pub sparkline: String,
}

/// The result of `nps themes --every` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct PeriodsReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes`.
    pub command: &'static str,
    /// Always `every`.
    pub mode: &'static str,
    /// The period length.
    pub every: Every,
    /// The periods, in order.
    pub periods: Vec<PeriodRow>,
    /// Scored responses without a readable date (in no period).
    pub undated: u64,
    /// One series per theme mentioned in some period.
    pub themes: Vec<ThemeSeries>,
    /// The words and phrases most distinctive of the last period against all earlier ones.
    pub emerging: Vec<Distinctive>,
    /// The most any listed n-gram count may be short by (0: exact).
    pub undercount_at_most: u64,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run `--every`.
pub(super) fn run(
    args: &ThemesArgs,
    tagger: Arc<Tagger>,
    every: Every,
) -> Result<ExitStatus, Error> {
    let counting = Counting {
        theme: None,
        groups: Groups::Every(every),
    };
    // Keys say only whether a comment has a theme (not which: theme sets by day would make
    // millions of groups on varied text); each period's mentions are counted in the evidence.
    let data = load_tagged(args, tagger.clone(), Keep::none(), false, Some(counting))?;
    if data.rows.used == 0 {
        return Err(super::no_valid_responses(&data));
    }
    let keys = vec![key_column(0)];
    let grouped =
        frame::distribution_by_day(data.frame.clone().lazy(), &keys, DAY).map_err(|source| {
            Error::Engine {
                file: inputs_label(&data),
                doing: "counting comment themes per day".into(),
                source,
            }
        })?;
    let mut by_period: BTreeMap<i32, Vec<(Signature, Distribution)>> = BTreeMap::new();
    let mut undated = 0;
    for (mut cells, day, d) in grouped {
        let key = cells.pop().flatten().unwrap_or_default();
        let Some(sig) = decode(&key) else {
            return Err(Error::data(
                inputs_label(&data),
                format!("unreadable comment key {key:?}; this is a bug in nps, please report it"),
            ));
        };
        match day {
            Some(day) => by_period
                .entry(period::start(day, every))
                .or_default()
                .push((sig, d)),
            None => undated += d.n(),
        }
    }
    let (Some(&first), Some(&last)) = (by_period.keys().next(), by_period.keys().next_back())
    else {
        return Err(Error::data(
            inputs_label(&data),
            "no response has a readable date, so there is nothing to place in periods; check the date column with nps inspect, or name it with --date-col",
        ));
    };
    let starts = period::range(first, last, every);
    if starts.len() > MAX_PERIODS {
        return Err(Error::data(
            inputs_label(&data),
            format!(
                "the dates span {} periods, more than the {MAX_PERIODS} a theme table holds; narrow them with --since/--until, or choose a longer --every",
                starts.len()
            ),
        ));
    }
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let lexicon = &tagger.lexicon;
    let tables: Vec<_> = starts
        .iter()
        .map(|s| {
            let groups = by_period.get(s).map_or(&[][..], Vec::as_slice);
            table(groups, lexicon.themes.len(), None, ci, confidence)
        })
        .collect();
    let periods: Vec<PeriodRow> = starts
        .iter()
        .zip(&tables)
        .map(|(&s, t)| PeriodRow {
            period: period::label(s, every),
            responses: t.all.n(),
            commented: t.coverage.commented.total(),
        })
        .collect();
    let mut themes = Vec::new();
    let mut tests = Vec::new();
    for theme in 0..lexicon.themes.len() {
        let mentions: Vec<u64> = starts
            .iter()
            .map(|&s| {
                let scores = data.evidence.grams.group_theme(&period_label(s), theme);
                scores.iter().sum()
            })
            .collect();
        if mentions.iter().all(|&m| m == 0) {
            continue;
        }
        let mut series = Vec::new();
        for (k, p) in periods.iter().enumerate() {
            let share = (p.commented > 0).then(|| mentions[k] as f64 / p.commented as f64);
            let test = (k > 0)
                .then(|| {
                    two_proportions(
                        mentions[k],
                        p.commented,
                        mentions[k - 1],
                        periods[k - 1].commented,
                    )
                })
                .flatten();
            if k > 0 {
                tests.push(test.map(|t| t.2));
            }
            series.push(ThemePeriod {
                mentions: mentions[k],
                share,
                change: test.map(|t| 100.0 * t.0),
                p_value: test.map(|t| t.2),
                p_holm: None,
                flag: "",
            });
        }
        themes.push(ThemeSeries {
            theme: lexicon.themes[theme].key.clone(),
            periods: series,
            sparkline: String::new(),
        });
    }
    let adjusted = holm_some(&tests);
    let mut at = 0;
    for s in &mut themes {
        for p in s.periods.iter_mut().skip(1) {
            p.p_holm = adjusted[at];
            at += 1;
            if p.p_holm.is_some_and(|adj| adj < 0.05) {
                p.flag = if p.change.unwrap_or(0.0) > 0.0 {
                    "up"
                } else {
                    "down"
                };
            }
        }
    }
    let shares = themes
        .iter()
        .flat_map(|s| s.periods.iter().filter_map(|p| p.share));
    let (min, max) = shares.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    for s in &mut themes {
        let values: Vec<Option<f64>> = s.periods.iter().map(|p| p.share).collect();
        s.sparkline = sparkline_between(&values, min, max);
    }
    let grams = &data.evidence.grams;
    let last_label = period_label(last);
    let earlier: Vec<String> = by_period
        .keys()
        .filter(|&&s| s != last)
        .map(|&s| period_label(s))
        .collect();
    let comments = |label: &str| {
        [Slot::Detractor, Slot::Passive, Slot::Promoter]
            .iter()
            .map(|&s| grams.group_comments(label, s))
            .sum::<u64>()
    };
    let (in_last, in_earlier) = (
        comments(&last_label),
        earlier.iter().map(|l| comments(l)).sum::<u64>(),
    );
    let emerging = rank_by(
        grams,
        EMERGING,
        |g| {
            let (last, mut short) = grams.in_group(g, &last_label);
            let mut before = 0;
            for label in &earlier {
                let (n, s) = grams.in_group(g, label);
                before += n;
                short += s;
            }
            ([last, in_last, before, in_earlier], short)
        },
        |g| g.quote(QuoteOf::Any),
    );
    let undercount = emerging
        .iter()
        .map(|t| t.undercount_at_most)
        .max()
        .unwrap_or(0);
    let report = PeriodsReport {
        schema_version: SCHEMA_VERSION,
        command: "themes",
        mode: "every",
        every,
        periods,
        undated,
        themes,
        emerging,
        undercount_at_most: undercount,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

impl Report for PeriodsReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let shown = self.periods.len().min(SHOWN);
        let skip = self.periods.len() - shown;
        let mut headers = vec!["theme".to_string(), "trend".to_string()];
        headers.extend(self.periods[skip..].iter().map(|p| p.period.clone()));
        headers.extend(["last change".into(), "p (Holm)".into(), String::new()]);
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut right = vec![false, false];
        right.extend(std::iter::repeat_n(true, shown));
        right.extend([true, true, false]);
        let mut grid = Grid::new(&refs, &right);
        let pct = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |v| percent(v, decimals));
        for s in &self.themes {
            let mut row = vec![s.theme.clone(), s.sparkline.clone()];
            row.extend(s.periods[skip..].iter().map(|p| pct(p.share)));
            let last = s.periods.last();
            row.push(
                last.and_then(|p| p.change)
                    .map_or("—".into(), |c| signed(c, decimals)),
            );
            row.push(last.and_then(|p| p.p_holm).map_or("—".into(), p_value));
            row.push(last.map_or("", |p| p.flag).to_string());
            grid.push(row);
        }
        let counts: Vec<String> = self
            .periods
            .iter()
            .map(|p| format!("{} {} commented of {}", p.period, p.commented, p.responses))
            .collect();
        let mut text = vec![format!("comments per period: {}", counts.join("; "))];
        if self.undated > 0 {
            text.push(format!(
                "{} responses without a readable date are in no period",
                self.undated
            ));
        }
        let mut changes = Grid::new(
            &[
                "theme",
                "from",
                "to",
                "share before",
                "share after",
                "change",
                "p (Holm)",
                "",
            ],
            &[false, false, false, true, true, true, true, false],
        );
        for s in &self.themes {
            for (k, p) in s.periods.iter().enumerate().skip(1) {
                if !p.flag.is_empty() {
                    changes.push(vec![
                        s.theme.clone(),
                        self.periods[k - 1].period.clone(),
                        self.periods[k].period.clone(),
                        pct(s.periods[k - 1].share),
                        pct(p.share),
                        p.change.map_or("—".into(), |c| signed(c, decimals)),
                        p.p_holm.map_or("—".into(), p_value),
                        p.flag.to_string(),
                    ]);
                }
            }
        }
        let mut emerging = Grid::new(
            &["term", "z", "last period", "earlier", "quote"],
            &[false, true, true, true, false],
        );
        for t in &self.emerging {
            emerging.push(vec![
                t.text.clone(),
                format!("{:.2}", t.z),
                format!("{} of {}", t.in_group, t.group_comments),
                format!("{} of {}", t.in_other, t.other_comments),
                format!("[{}] {}", t.quote_score, t.quote),
            ]);
        }
        let last = self.periods.last().map_or("", |p| p.period.as_str());
        vec![
            Section {
                heading: Some(format!("Themes by {}", crate::cli::value_name(&self.every))),
                text,
                grid: Some(grid),
                after: vec![
                    "share: of the period's commented responses; trend: every period, one scale for all themes; change: from the previous period, two-proportion test, Holm-adjusted across every theme and period".into(),
                ], code: None,
            },
            Section {
                heading: Some("Significant changes".into()),
                text: if changes.rows.is_empty() {
                    vec!["none: no change from one period to the next has p (Holm) < 0.05".into()]
                } else {
                    Vec::new()
                },
                grid: (!changes.rows.is_empty()).then_some(changes),
                after: Vec::new(), code: None,
            },
            terms_section(
                format!("Emerging in {last} (against all earlier periods)"),
                emerging,
                self.undercount_at_most,
            ),
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, decimals: u8) -> Grid {
        let headers = [
            "theme",
            "period",
            "responses",
            "commented",
            "mentions",
            "share",
            "change",
            "p_value",
            "p_holm",
            "flag",
        ];
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        let num = |x: Option<f64>, d: usize| x.map(|v| format!("{v:.d$}")).unwrap_or_default();
        for s in &self.themes {
            for (p, row) in s.periods.iter().zip(&self.periods) {
                grid.push(vec![
                    s.theme.clone(),
                    row.period.clone(),
                    row.responses.to_string(),
                    row.commented.to_string(),
                    p.mentions.to_string(),
                    num(p.share, 6),
                    num(p.change, usize::from(decimals)),
                    num(p.p_value, 6),
                    num(p.p_holm, 6),
                    p.flag.to_string(),
                ]);
            }
        }
        grid
    }
}
