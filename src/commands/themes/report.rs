//! The summary of `nps themes`: one row per theme, coverage, quotes.

use std::sync::Arc;

use serde::Serialize;

use super::discover::{discover, Discovery, BRIEF, FULL};
use super::{groups, load_tagged, Keep};
use crate::cli::Format;
use crate::cli::ThemesArgs;
use crate::commands::{headline, rows_section, SourceSummary};
use crate::error::{Error, ExitStatus};
use crate::ingest::{Dataset, RowAccounting};
use crate::metrics::tally::Category;
use crate::metrics::themes::{table, Coverage, ThemeCounts, ThemeFigures};
use crate::metrics::GroupStats;
use crate::output::numbers::{p_value, percent, points, signed};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};
use crate::text::Lang;
use crate::themes::grams::{Counting, Groups};
use crate::themes::lexicon::Lexicon;
use crate::themes::shown_term as shown;
use crate::themes::Tagger;

/// A quote.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// The comment, whole.
    pub text: String,
    /// Its score.
    pub score: u8,
}

/// A term and the comments it counted in.
#[derive(Debug, Clone, Serialize)]
pub struct TermCount {
    /// The term as written in the themes file.
    pub term: String,
    /// How it matches: stem, prefix, word, exact, phrase or regex.
    pub mode: &'static str,
    /// The language it is matched in (`en`, `fr`).
    pub lang: &'static str,
    /// Comments where it counted.
    pub comments: u64,
}

/// One theme's row.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeRow {
    /// The theme's key.
    pub key: String,
    /// Its label in English.
    pub label: String,
    /// Its label in French.
    pub label_fr: String,
    /// Mentions over commented responses (with content or not).
    pub share_of_comments: Option<f64>,
    /// Mentions among detractors' comments / passives' / promoters'.
    pub share_of_detractor_comments: Option<f64>,
    /// Among passives' comments.
    pub share_of_passive_comments: Option<f64>,
    /// Among promoters' comments.
    pub share_of_promoter_comments: Option<f64>,
    /// The figures: mentions, NPS with and without, difference, impact and its interval, p.
    #[serde(flatten)]
    pub figures: ThemeFigures,
    /// Mentions below `--min-n`.
    pub small_sample: bool,
    /// Terms that counted most (at most 5).
    pub top_terms: Vec<TermCount>,
    /// Quotes (`--examples`).
    pub examples: Vec<Example>,
}

/// The result of `nps themes` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct ThemesReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `themes`.
    pub command: &'static str,
    /// All scored responses.
    pub overall: GroupStats,
    /// The small-sample threshold.
    pub min_n: u64,
    /// Comments: how many, in which language, how many tagged.
    pub coverage: Coverage,
    /// One row per theme, the biggest drag on the NPS first, themes no one mentions last.
    pub themes: Vec<ThemeRow>,
    /// Distinctive words and phrases (table and markdown, or `--discover`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Discovery>,
    /// `--discover`: the full lists (the table shows them all, and csv lists them).
    #[serde(skip)]
    pub full: bool,
    /// Row accounting over all inputs.
    pub rows: RowAccounting,
    /// Each input.
    pub sources: Vec<SourceSummary>,
}

/// Run the summary.
pub fn run(args: &ThemesArgs, tagger: Arc<Tagger>) -> Result<ExitStatus, Error> {
    // Responses kept one by one (`--dedupe`, `--weight`) carry their theme sets; counted ones
    // leave each theme's counts to the evidence (ingest::comments).
    let sets = args.input.dedupe.is_some() || args.input.weight.is_some();
    // Discovery counts every comment as read: it cannot follow `--dedupe` or `--weight`.
    let discovering =
        !sets && (args.discover || matches!(args.output.format, Format::Table | Format::Markdown));
    let counting = discovering.then_some(Counting {
        theme: None,
        groups: Groups::None,
    });
    let data = load_tagged(args, tagger.clone(), Keep::none(), false, counting)?;
    let report = summary(args, &tagger.lexicon, data, sets, discovering)?;
    output::emit(&report, &args.output)?;
    Ok(ExitStatus::Success)
}

/// The summary of tagged responses (`sets`: read one by one, each carrying its theme set;
/// `discovering`: n-grams were counted).
pub fn summary(
    args: &ThemesArgs,
    lexicon: &Lexicon,
    data: Dataset,
    sets: bool,
    discovering: bool,
) -> Result<ThemesReport, Error> {
    let counts = |t: usize| data.evidence.theme_counts(t);
    let groups: Vec<_> = groups(&data)?
        .into_iter()
        .map(|(_, sig, d)| (sig, d))
        .collect();
    let (ci, confidence) = (args.stats.ci, args.stats.confidence);
    let counted: Option<ThemeCounts> = (!sets).then_some(&counts);
    let t = table(&groups, lexicon.themes.len(), counted, ci, confidence);
    let overall =
        GroupStats::new(&t.all, ci, confidence).ok_or_else(|| super::no_valid_responses(&data))?;
    let c = t.coverage;
    let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    let mut rows: Vec<ThemeRow> = t
        .themes
        .into_iter()
        .map(|f| {
            let theme = &lexicon.themes[f.theme];
            let by = f.mentions_by_category;
            // The terms that counted in most comments, ties in lexicon order.
            let mut terms: Vec<(usize, u64)> = (0..lexicon.terms.len())
                .filter(|&i| lexicon.terms[i].theme == f.theme)
                .map(|i| (i, data.evidence.term_count(i)))
                .filter(|&(_, n)| n > 0)
                .collect();
            terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let top_terms = terms
                .into_iter()
                .take(5)
                .map(|(term, comments)| TermCount {
                    term: lexicon.terms[term].text.clone(),
                    mode: lexicon.terms[term].mode.name(),
                    lang: lexicon.terms[term].lang.code(),
                    comments,
                })
                .collect();
            // Quotes from the side the theme pushes the score to.
            let order = if f.impact.unwrap_or(0.0) > 0.0 {
                [Category::Promoter, Category::Passive, Category::Detractor]
            } else {
                [Category::Detractor, Category::Passive, Category::Promoter]
            };
            // The same words from several respondents are quoted once.
            let mut seen = std::collections::BTreeSet::new();
            let examples = order
                .iter()
                .flat_map(|&cat| data.evidence.of(f.theme, cat))
                .filter(|q| seen.insert(q.text.as_str()))
                .take(usize::from(args.examples))
                .map(|q| Example {
                    text: q.text.clone(),
                    score: q.score,
                })
                .collect();
            ThemeRow {
                key: theme.key.clone(),
                label: theme.label(Lang::En).to_string(),
                label_fr: theme.label(Lang::Fr).to_string(),
                share_of_comments: share(f.mentions, c.commented.total()),
                share_of_detractor_comments: share(by.detractors, c.commented.detractors),
                share_of_passive_comments: share(by.passives, c.commented.passives),
                share_of_promoter_comments: share(by.promoters, c.commented.promoters),
                small_sample: f.mentions < args.min_n,
                top_terms,
                examples,
                figures: f,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let none = |r: &ThemeRow| r.figures.mentions == 0;
        let impact = |r: &ThemeRow| r.figures.impact.unwrap_or(0.0);
        none(a)
            .cmp(&none(b))
            .then(impact(a).total_cmp(&impact(b)))
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(ThemesReport {
        schema_version: SCHEMA_VERSION,
        command: "themes",
        overall,
        min_n: args.min_n,
        coverage: c,
        themes: rows,
        discovery: discovering.then(|| {
            discover(
                &data.evidence.grams,
                if args.discover { FULL } else { BRIEF },
            )
        }),
        full: args.discover,
        rows: data.rows,
        sources: data.sources.into_iter().map(SourceSummary::from).collect(),
    })
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "—".to_string(), f)
}

impl ThemesReport {
    fn coverage_lines(&self, decimals: u8) -> Vec<String> {
        let c = &self.coverage;
        let rate = |part: u64, whole: u64| {
            if whole == 0 {
                "—".to_string()
            } else {
                percent(part as f64 / whole as f64, decimals)
            }
        };
        let commented = c.commented.total();
        vec![
            format!(
                "comments: {} of {} responses ({}); detractors {}, passives {}, promoters {}",
                commented,
                c.responses.total(),
                rate(commented, c.responses.total()),
                rate(c.commented.detractors, c.responses.detractors),
                rate(c.commented.passives, c.responses.passives),
                rate(c.commented.promoters, c.responses.promoters),
            ),
            format!(
                "{} tagged ({}), {} untagged, {} empty of content (\"RAS\", \"n/a\", \"-\"); {} English, {} French, {} undetermined (matched in both)",
                c.tagged,
                rate(c.tagged, commented),
                c.untagged,
                c.empty,
                c.english,
                c.french,
                c.undetermined
            ),
        ]
    }
}

impl Report for ThemesReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(
            &[
                "theme",
                "mentions",
                "% comments",
                "% det.",
                "% pas.",
                "% pro.",
                "NPS with",
                "NPS without",
                "impact",
                "impact CI",
                "p (Holm)",
                "problem/request/praise",
                "top terms",
                "",
            ],
            &[
                false, true, true, true, true, true, true, true, true, false, true, false, false,
                false,
            ],
        );
        let pct = |x: Option<f64>| opt(x, |v| percent(v, decimals));
        for r in &self.themes {
            let f = &r.figures;
            let intent = if f.mentions == 0 {
                "—".to_string()
            } else {
                let p = |n: u64| format!("{:.0}%", 100.0 * n as f64 / f.mentions as f64);
                format!(
                    "{}/{}/{}",
                    p(f.intent.problem),
                    p(f.intent.request),
                    p(f.intent.praise)
                )
            };
            grid.push(vec![
                r.key.clone(),
                f.mentions.to_string(),
                pct(r.share_of_comments),
                pct(r.share_of_detractor_comments),
                pct(r.share_of_passive_comments),
                pct(r.share_of_promoter_comments),
                opt(f.nps_with, |v| points(v, decimals)),
                opt(f.nps_without, |v| points(v, decimals)),
                opt(f.impact, |v| signed(v, decimals)),
                match (f.impact_low, f.impact_high) {
                    (Some(l), Some(h)) => {
                        format!("{} … {}", signed(l, decimals), signed(h, decimals))
                    }
                    _ => "—".into(),
                },
                opt(f.p_holm, p_value),
                intent,
                r.top_terms
                    .iter()
                    .map(|t| format!("{} ({}, {})", shown(t.mode, &t.term), t.lang, t.comments))
                    .collect::<Vec<_>>()
                    .join(", "),
                if f.mentions > 0 && r.small_sample {
                    format!("n < {}", self.min_n)
                } else {
                    String::new()
                },
            ]);
        }
        let mut text = vec![format!("overall NPS {}", headline(&self.overall, decimals))];
        text.extend(self.coverage_lines(decimals));
        let mut quotes = Grid::new(&["theme", "score", "quote"], &[false, true, false]);
        for r in &self.themes {
            for e in &r.examples {
                quotes.push(vec![r.key.clone(), e.score.to_string(), e.text.clone()]);
            }
        }
        let mut sections = vec![Section {
            heading: Some("Themes".into()),
            text,
            grid: Some(grid),
            after: vec![
                "impact = NPS(all) − NPS(all without the responses that mention the theme), in points; most negative first".into(),
            ], code: None,
        }];
        if let Some(d) = &self.discovery {
            sections.extend(d.sections(decimals, self.full));
        }
        if !quotes.rows.is_empty() {
            sections.push(Section {
                heading: Some("Quotes".into()),
                text: Vec::new(),
                grid: Some(quotes),
                after: Vec::new(),
                code: None,
            });
        }
        sections.push(rows_section(&self.rows, &self.sources));
        sections
    }

    fn csv(&self, decimals: u8) -> Grid {
        if let (true, Some(d)) = (self.full, &self.discovery) {
            return d.grid();
        }
        let headers = [
            "theme",
            "label",
            "mentions",
            "mentions_detractors",
            "mentions_passives",
            "mentions_promoters",
            "share_of_comments",
            "share_of_detractor_comments",
            "share_of_passive_comments",
            "share_of_promoter_comments",
            "nps_with",
            "nps_without",
            "delta",
            "delta_low",
            "delta_high",
            "p_value",
            "p_holm",
            "impact",
            "impact_low",
            "impact_high",
            "small_sample",
            "problem",
            "request",
            "praise",
            "no_intent",
            "top_terms",
            "examples",
        ];
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        let num = |x: Option<f64>, d: u8| x.map(|v| points(v, d)).unwrap_or_default();
        let share = |x: Option<f64>| x.map(|v| points(100.0 * v, decimals)).unwrap_or_default();
        for r in &self.themes {
            let f = &r.figures;
            let by = f.mentions_by_category;
            grid.push(vec![
                r.key.clone(),
                r.label.clone(),
                f.mentions.to_string(),
                by.detractors.to_string(),
                by.passives.to_string(),
                by.promoters.to_string(),
                share(r.share_of_comments),
                share(r.share_of_detractor_comments),
                share(r.share_of_passive_comments),
                share(r.share_of_promoter_comments),
                num(f.nps_with, decimals),
                num(f.nps_without, decimals),
                num(f.difference.map(|d| d.delta), decimals),
                num(f.difference.map(|d| d.low), decimals),
                num(f.difference.map(|d| d.high), decimals),
                num(f.difference.map(|d| d.p_value), 6),
                num(f.p_holm, 6),
                num(f.impact, decimals),
                num(f.impact_low, decimals),
                num(f.impact_high, decimals),
                r.small_sample.to_string(),
                f.intent.problem.to_string(),
                f.intent.request.to_string(),
                f.intent.praise.to_string(),
                f.intent.none.to_string(),
                r.top_terms
                    .iter()
                    .map(|t| format!("{} ({}, {})", t.term, t.lang, t.comments))
                    .collect::<Vec<_>>()
                    .join("; "),
                r.examples
                    .iter()
                    .map(|e| format!("[{}] {}", e.score, e.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]);
        }
        grid
    }
}
