//! `nps themes --by COL[,COL]`: which segment complains about what.
//!
//! Per segment and theme: the share of the segment's commented responses that mention the theme,
//! against the same share among all other respondents (pooled two-proportion z test, Holm-adjusted
//! across the whole table), the detractor share of those mentions, and the theme's impact within
//! the segment (`metrics::themes`, over the segment's responses only: it is relative to the
//! segment's own NPS, so impacts of two segments are not on one scale). Then each segment's most
//! distinctive words and phrases against the rest (`metrics::distinctive`), for segments with at
//! least `--min-n` comments, the [`TERM_SEGMENTS`] largest.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::discover::terms_section;
use super::{groups, load_tagged, Keep};
use crate::cli::ThemesArgs;
use crate::commands::segment::Key;
use crate::commands::{headline, rows_section, SourceSummary};
use crate::error::{Error, ExitStatus};
use crate::ingest::RowAccounting;
use crate::metrics::compare::{holm_some, two_proportions};
use crate::metrics::distinctive::{rank_by, Distinctive};
use crate::metrics::tally::Distribution;
use crate::metrics::themes::table;
use crate::metrics::GroupStats;
use crate::output::numbers::{p_value, percent, signed};
use crate::output::tabular::{by_headers, Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::themes::grams::{Counting, Groups, QuoteOf, Slot, SEPARATOR};
use crate::themes::signature::Signature;
use crate::themes::Tagger;

/// Distinctive terms listed per segment.
const TERMS: usize = 5;

/// The most segments given distinctive terms (the largest).
const TERM_SEGMENTS: usize = 1_000;

/// Adjusted p-values below this flag a theme's rate in a segment.
const ALPHA: f64 = 0.05;

/// One theme within one segment.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentTheme {
    /// The theme's key.
    pub theme: String,
    /// The segment's responses whose comment mentions it.
    pub mentions: u64,
    /// Mentions over the segment's commented responses.
    pub mention_rate: Option<f64>,
    /// The same rate among all other respondents.
    pub rest_rate: Option<f64>,
    /// mention_rate − rest_rate, in points.
    pub difference: Option<f64>,
    /// The two-proportion test's p-value.
    pub p_value: Option<f64>,
    /// Holm-adjusted across every segment and theme.
    pub p_holm: Option<f64>,
    /// `higher` or `lower` when p_holm < 0.05, else empty.
    pub flag: &'static str,
    /// Detractors among the segment's mentions.
    pub detractor_share: Option<f64>,
    /// Impact on the segment's own NPS, points, and its interval.
    pub impact: Option<f64>,
    /// Lower bound.
    pub impact_low: Option<f64>,
    /// Upper bound.
    pub impact_high: Option<f64>,
    /// Mentions below `--min-n`.
    pub small_sample: bool,
}

/// One segment.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentThemes {
    /// Its values, one per `--by` column.
    pub segment: Key,
    /// Its scored responses, and its NPS.
    pub stats: GroupStats,
    /// Its responses with a comment.
    pub commented: u64,
    /// One row per theme mentioned anywhere, in lexicon order.
    pub themes: Vec<SegmentTheme>,
    /// Its most distinctive words and phrases against the rest.
    pub distinctive: Vec<Distinctive>,
}

/// The result of `nps themes --by` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct SegmentsReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes`.
    pub command: &'static str,
    /// Always `by`.
    pub mode: &'static str,
    /// The `--by` columns.
    pub by: Vec<String>,
    /// All scored responses.
    pub overall: GroupStats,
    /// The small-sample threshold.
    pub min_n: u64,
    /// One entry per segment.
    pub segments: Vec<SegmentThemes>,
    /// The most any listed n-gram count may be short by (0: exact).
    pub undercount_at_most: u64,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run `--by`.
pub(super) fn run(args: &ThemesArgs, tagger: Arc<Tagger>) -> Result<ExitStatus, Error> {
    let counting = Counting {
        theme: None,
        groups: Groups::Carried,
    };
    // Keys say only whether a comment has a theme (theme sets by segment would multiply the
    // groups on varied text); each theme's scores, overall and per segment, are counted in the
    // evidence.
    let data = load_tagged(
        args,
        tagger.clone(),
        Keep::by(args.by.clone()),
        false,
        Some(counting),
    )?;
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let themes = tagger.lexicon.themes.len();
    let mut by_segment: BTreeMap<Vec<Option<String>>, Vec<(Signature, Distribution)>> =
        BTreeMap::new();
    let mut everyone = Vec::new();
    for (cells, sig, d) in groups(&data)? {
        everyone.push((sig.clone(), d));
        by_segment.entry(cells).or_default().push((sig, d));
    }
    let evidence = &data.evidence;
    let counted = |t: usize| evidence.theme_counts(t);
    let all = table(&everyone, themes, Some(&counted), ci, confidence);
    let overall = GroupStats::new(&all.all, ci, confidence)
        .ok_or_else(|| super::no_valid_responses(&data))?;
    let grams = &data.evidence.grams;
    let all_comments = [Slot::Detractor, Slot::Passive, Slot::Promoter]
        .iter()
        .map(|&s| grams.comments(s))
        .sum::<u64>();
    // Distinctive terms for segments with at least --min-n comments (fewer give noise), and
    // only the largest TERM_SEGMENTS of them (each ranking reads every n-gram).
    let label_of = |cells: &[Option<String>]| -> String {
        cells
            .iter()
            .map(|c| c.as_deref().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(&SEPARATOR.to_string())
    };
    let commented_in = |label: &str| {
        [Slot::Detractor, Slot::Passive, Slot::Promoter]
            .iter()
            .map(|&s| grams.group_comments(label, s))
            .sum::<u64>()
    };
    let mut sizes: Vec<u64> = by_segment
        .keys()
        .map(|cells| commented_in(&label_of(cells)))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let cutoff = sizes.get(TERM_SEGMENTS - 1).copied().unwrap_or(0);
    let mut segments = Vec::new();
    let mut tests = Vec::new();
    for (cells, groups) in &by_segment {
        let label = label_of(cells);
        let counted = |t: usize| (grams.group_theme(&label, t), [0; 4]);
        let t = table(groups, themes, Some(&counted), ci, confidence);
        let Some(stats) = GroupStats::new(&t.all, ci, confidence) else {
            continue;
        };
        let commented = t.coverage.commented.total();
        let rest_commented = all.coverage.commented.total() - commented;
        let mut rows = Vec::new();
        for (f, overall_f) in t.themes.iter().zip(&all.themes) {
            if overall_f.mentions == 0 {
                continue;
            }
            let rest = overall_f.mentions - f.mentions;
            let test = two_proportions(f.mentions, commented, rest, rest_commented);
            tests.push(test.map(|t| t.2));
            let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
            rows.push(SegmentTheme {
                theme: tagger.lexicon.themes[f.theme].key.clone(),
                mentions: f.mentions,
                mention_rate: rate(f.mentions, commented),
                rest_rate: rate(rest, rest_commented),
                difference: test.map(|t| 100.0 * t.0),
                p_value: test.map(|t| t.2),
                p_holm: None,
                flag: "",
                detractor_share: rate(f.mentions_by_category.detractors, f.mentions),
                impact: f.impact,
                impact_low: f.impact_low,
                impact_high: f.impact_high,
                small_sample: f.mentions < args.min_n,
            });
        }
        let in_segment = commented_in(&label);
        let eligible = in_segment >= args.min_n.max(1) && in_segment >= cutoff;
        let distinctive = if !eligible {
            Vec::new()
        } else {
            rank_by(
                grams,
                TERMS,
                |g| {
                    let (mine, short) = grams.in_group(g, &label);
                    let counts = [
                        mine,
                        in_segment,
                        g.total().saturating_sub(mine),
                        all_comments.saturating_sub(in_segment),
                    ];
                    (counts, short + g.short(grams))
                },
                |g| g.quote(QuoteOf::Any),
            )
        };
        segments.push(SegmentThemes {
            segment: Key(data.key_names.iter().cloned().zip(cells.clone()).collect()),
            stats,
            commented,
            themes: rows,
            distinctive,
        });
    }
    // Holm across the whole table, in the order the tests were made.
    let adjusted = holm_some(&tests);
    let mut at = 0;
    for s in &mut segments {
        for row in &mut s.themes {
            row.p_holm = adjusted[at];
            at += 1;
            if row.p_holm.is_some_and(|p| p < ALPHA) {
                row.flag = if row.difference.unwrap_or(0.0) > 0.0 {
                    "higher"
                } else {
                    "lower"
                };
            }
        }
    }
    let undercount = segments
        .iter()
        .flat_map(|s| &s.distinctive)
        .map(|t| t.undercount_at_most)
        .max()
        .unwrap_or(0);
    let report = SegmentsReport {
        schema_version: SCHEMA_VERSION,
        command: "themes",
        mode: "by",
        by: data.key_names[..args.by.len().min(data.key_names.len())].to_vec(),
        overall,
        min_n: args.min_n,
        segments,
        undercount_at_most: undercount,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "—".to_string(), f)
}

impl Report for SegmentsReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(
            &[
                "segment",
                "n",
                "theme",
                "mentions",
                "% comments",
                "% rest",
                "Δ pts",
                "p (Holm)",
                "",
                "% det.",
                "impact in segment",
                "",
            ],
            &[
                false, true, false, true, true, true, true, true, false, true, false, false,
            ],
        );
        let pct = |x: Option<f64>| opt(x, |v| percent(v, decimals));
        for s in &self.segments {
            for r in s.themes.iter().filter(|r| r.mentions > 0) {
                grid.push(vec![
                    s.segment.label(),
                    s.stats.n.to_string(),
                    r.theme.clone(),
                    r.mentions.to_string(),
                    pct(r.mention_rate),
                    pct(r.rest_rate),
                    opt(r.difference, |v| signed(v, decimals)),
                    opt(r.p_holm, p_value),
                    r.flag.to_string(),
                    pct(r.detractor_share),
                    match (r.impact, r.impact_low, r.impact_high) {
                        (Some(i), Some(l), Some(h)) => format!(
                            "{} ({} … {})",
                            signed(i, decimals),
                            signed(l, decimals),
                            signed(h, decimals)
                        ),
                        (Some(i), _, _) => signed(i, decimals),
                        _ => "—".into(),
                    },
                    if r.small_sample {
                        format!("n < {}", self.min_n)
                    } else {
                        String::new()
                    },
                ]);
            }
        }
        let mut terms = Grid::new(
            &["segment", "term", "z", "in segment", "in rest", "quote"],
            &[false, false, true, true, true, false],
        );
        for s in &self.segments {
            for t in &s.distinctive {
                terms.push(vec![
                    s.segment.label(),
                    t.text.clone(),
                    format!("{:.2}", t.z),
                    format!("{} of {}", t.in_group, t.group_comments),
                    format!("{} of {}", t.in_other, t.other_comments),
                    format!("[{}] {}", t.quote_score, t.quote),
                ]);
            }
        }
        let mut sections = vec![Section {
            heading: Some(format!("Themes by {}", self.by.join(", "))),
            text: vec![format!("overall NPS {}", headline(&self.overall, decimals))],
            grid: Some(grid),
            after: vec![
                "% comments: the segment's commented responses that mention the theme; % rest: the same among all other respondents; p: two-proportion test, Holm-adjusted across the table; higher/lower: p (Holm) < 0.05".into(),
                "impact in segment = the segment's NPS − its NPS without the responses that mention the theme: relative to each segment's own NPS, so two segments' impacts are not on one scale".into(),
            ], code: None,
        }];
        sections.push(terms_section(
            "Distinctive terms per segment (against the rest)".into(),
            terms,
            self.undercount_at_most,
        ));
        sections.push(rows_section(&self.rows, &self.sources));
        sections
    }

    fn csv(&self, decimals: u8) -> Grid {
        let ours = [
            "n",
            "nps",
            "theme",
            "mentions",
            "mention_rate",
            "rest_rate",
            "difference",
            "p_value",
            "p_holm",
            "flag",
            "detractor_share",
            "impact",
            "impact_low",
            "impact_high",
            "small_sample",
        ];
        let mut headers = by_headers(&self.by, &ours);
        headers.extend(ours.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut grid = Grid::new(&refs, &vec![true; refs.len()]);
        let num = |x: Option<f64>, d: u8| {
            x.map(|v| format!("{v:.*}", usize::from(d)))
                .unwrap_or_default()
        };
        for s in &self.segments {
            for r in &s.themes {
                let mut row: Vec<String> = s
                    .segment
                    .0
                    .iter()
                    .map(|(_, v)| v.clone().unwrap_or_default())
                    .collect();
                row.extend([
                    s.stats.n.to_string(),
                    num(Some(s.stats.nps), decimals),
                    r.theme.clone(),
                    r.mentions.to_string(),
                    num(r.mention_rate, 6),
                    num(r.rest_rate, 6),
                    num(r.difference, decimals),
                    num(r.p_value, 6),
                    num(r.p_holm, 6),
                    r.flag.to_string(),
                    num(r.detractor_share, 6),
                    num(r.impact, decimals),
                    num(r.impact_low, decimals),
                    num(r.impact_high, decimals),
                    r.small_sample.to_string(),
                ]);
                grid.push(row);
            }
        }
        grid
    }
}
