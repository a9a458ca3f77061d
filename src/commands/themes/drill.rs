//! `nps themes --drill THEME`: what exactly people say inside one theme — the phrases (two and
//! three words) of the comments that theme tagged, most frequent first, each with its answer
//! categories, intents and a quote: "export csv: 34% of this theme's detractors".
//!
//! A phrase is listed when at least [`MIN_COMMENTS`] of the theme's comments contain it; a
//! phrase inside a longer one with the same count is the longer one's words and is left out.

use std::sync::Arc;

use serde::Serialize;

use super::discover::capped;
use super::{load_tagged, Keep};
use crate::cli::ThemesArgs;
use crate::commands::{rows_section, SourceSummary};
use crate::error::{Error, ExitStatus};
use crate::ingest::RowAccounting;
use crate::metrics::distinctive::reliable;
use crate::output::numbers::percent;
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::themes::grams::{Counted, Counting, Groups, QuoteOf, Slot};
use crate::themes::Tagger;

/// The fewest of the theme's comments a phrase must appear in.
pub const MIN_COMMENTS: u32 = 2;

/// The most phrases listed.
pub const TOP: usize = 50;

/// One phrase inside the theme.
#[derive(Debug, Clone, Serialize)]
pub struct Phrase {
    /// As its quote writes it, lower-cased.
    pub text: String,
    /// Its words.
    pub words: usize,
    /// The theme's comments that contain it.
    pub comments: u64,
    /// Of those, detractors', passives', promoters'.
    pub detractors: u64,
    /// Passives'.
    pub passives: u64,
    /// Promoters'.
    pub promoters: u64,
    /// Its share of the theme's detractors' comments.
    pub share_of_theme_detractors: Option<f64>,
    /// Comments reporting a problem, asking for something, praising, none of these.
    pub problem: u64,
    /// Requests.
    pub request: u64,
    /// Praise.
    pub praise: u64,
    /// No intent: no cue, and a passive's (a detractor's comment without a cue is a problem, a
    /// promoter's praise).
    pub no_intent: u64,
    /// A comment that contains it (a detractor's when there is one), and its score.
    pub quote: String,
    /// The quote's score.
    pub quote_score: u8,
    /// The most its counts may be short by (0: exact).
    pub undercount_at_most: u64,
}

/// The theme's comments, per answer category and intent.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeComments {
    /// All of them.
    pub total: u64,
    /// Detractors'.
    pub detractors: u64,
    /// Passives'.
    pub passives: u64,
    /// Promoters'.
    pub promoters: u64,
    /// Reporting a problem.
    pub problem: u64,
    /// Asking for something.
    pub request: u64,
    /// Praising.
    pub praise: u64,
    /// None of these.
    pub no_intent: u64,
}

/// The result of `nps themes --drill` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct DrillReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes`.
    pub command: &'static str,
    /// Always `drill`.
    pub mode: &'static str,
    /// The theme's key.
    pub theme: String,
    /// Its label in English.
    pub label: String,
    /// Its comments.
    pub comments: ThemeComments,
    /// The phrases, most frequent first.
    pub phrases: Vec<Phrase>,
    /// The most any listed count may be short by (the vocabulary is capped; 0: exact).
    pub undercount_at_most: u64,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run `--drill`.
pub(super) fn run(args: &ThemesArgs, tagger: Arc<Tagger>, key: &str) -> Result<ExitStatus, Error> {
    let themes = &tagger.lexicon.themes;
    let Some(index) = themes.iter().position(|t| t.key == key) else {
        let keys: Vec<&str> = themes.iter().map(|t| t.key.as_str()).collect();
        return Err(Error::usage(format!(
            "--drill {key:?} is not a theme; the themes are {}",
            keys.join(", ")
        )));
    };
    let counting = Counting {
        theme: Some(index),
        groups: Groups::None,
    };
    let data = load_tagged(args, tagger.clone(), Keep::none(), false, Some(counting))?;
    if data.rows.used == 0 {
        return Err(super::no_valid_responses(&data));
    }
    let grams = &data.evidence.grams;
    let n = |s: Slot| grams.comments(s);
    let comments = ThemeComments {
        total: n(Slot::Detractor) + n(Slot::Passive) + n(Slot::Promoter),
        detractors: n(Slot::Detractor),
        passives: n(Slot::Passive),
        promoters: n(Slot::Promoter),
        problem: n(Slot::Problem),
        request: n(Slot::Request),
        praise: n(Slot::Praise),
        no_intent: n(Slot::NoIntent),
    };
    let mut found: Vec<Counted<'_>> = grams
        .iter(MIN_COMMENTS)
        .filter(|g| g.words() >= 2 && reliable(g.total(), g.short(grams)))
        .collect();
    found.sort_by(|a, b| {
        (b.total(), b.count(Slot::Detractor), b.words())
            .cmp(&(a.total(), a.count(Slot::Detractor), a.words()))
            .then_with(|| a.order().cmp(&b.order()))
    });
    let mut listed: Vec<Counted<'_>> = Vec::new();
    for g in found {
        if listed.len() == TOP {
            break;
        }
        if !listed
            .iter()
            .any(|l| l.overlaps(&g) && l.total() == g.total())
        {
            listed.push(g);
        }
    }
    let phrases: Vec<Phrase> = listed
        .iter()
        .map(|g| {
            let (quote, quote_score) = g.quote(QuoteOf::Detractors);
            Phrase {
                text: g.text(),
                words: g.words(),
                comments: g.total(),
                detractors: g.count(Slot::Detractor),
                passives: g.count(Slot::Passive),
                promoters: g.count(Slot::Promoter),
                share_of_theme_detractors: (comments.detractors > 0)
                    .then(|| g.count(Slot::Detractor) as f64 / comments.detractors as f64),
                problem: g.count(Slot::Problem),
                request: g.count(Slot::Request),
                praise: g.count(Slot::Praise),
                no_intent: g.count(Slot::NoIntent),
                quote: quote.to_string(),
                quote_score,
                undercount_at_most: g.short(grams),
            }
        })
        .collect();
    let theme = &themes[index];
    let undercount = phrases
        .iter()
        .map(|p: &Phrase| p.undercount_at_most)
        .max()
        .unwrap_or(0);
    let report = DrillReport {
        schema_version: SCHEMA_VERSION,
        command: "themes",
        mode: "drill",
        theme: theme.key.clone(),
        label: theme.label(crate::text::Lang::En).to_string(),
        comments,
        phrases,
        undercount_at_most: undercount,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    };
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

impl Report for DrillReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let c = &self.comments;
        let mut grid = Grid::new(
            &[
                "phrase",
                "comments",
                "% theme",
                "% theme det.",
                "det/pas/pro",
                "problem/request/praise",
                "quote",
            ],
            &[false, true, true, true, true, true, false],
        );
        let share = |part: u64, whole: u64| {
            if whole == 0 {
                "—".to_string()
            } else {
                percent(part as f64 / whole as f64, decimals)
            }
        };
        for p in &self.phrases {
            grid.push(vec![
                p.text.clone(),
                p.comments.to_string(),
                share(p.comments, c.total),
                share(p.detractors, c.detractors),
                format!("{}/{}/{}", p.detractors, p.passives, p.promoters),
                format!("{}/{}/{}", p.problem, p.request, p.praise),
                format!("[{}] {}", p.quote_score, p.quote),
            ]);
        }
        let after = capped(self.undercount_at_most).into_iter().collect();
        vec![
            Section {
                heading: Some(format!("Inside {} ({})", self.theme, self.label)),
                text: vec![
                    format!(
                        "{} comments: {} detractors, {} passives, {} promoters; {} problems, {} requests, {} praise",
                        c.total, c.detractors, c.passives, c.promoters, c.problem, c.request, c.praise
                    ),
                    if self.phrases.is_empty() {
                        format!("no phrase of two or three words is in {MIN_COMMENTS} of its comments or more")
                    } else {
                        format!("phrases in at least {MIN_COMMENTS} of its comments, most frequent first")
                    },
                ],
                grid: (!self.phrases.is_empty()).then_some(grid),
                after, code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let headers = [
            "theme",
            "phrase",
            "words",
            "comments",
            "theme_comments",
            "detractors",
            "theme_detractors",
            "passives",
            "promoters",
            "problem",
            "request",
            "praise",
            "no_intent",
            "quote_score",
            "quote",
        ];
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        for p in &self.phrases {
            grid.push(vec![
                self.theme.clone(),
                p.text.clone(),
                p.words.to_string(),
                p.comments.to_string(),
                self.comments.total.to_string(),
                p.detractors.to_string(),
                self.comments.detractors.to_string(),
                p.passives.to_string(),
                p.promoters.to_string(),
                p.problem.to_string(),
                p.request.to_string(),
                p.praise.to_string(),
                p.no_intent.to_string(),
                p.quote_score.to_string(),
                p.quote.clone(),
            ]);
        }
        grid
    }
}
