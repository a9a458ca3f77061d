//! Discovery (`nps themes`, the full list with `--discover`): the words and phrases most
//! distinctive of detractors' comments against promoters' (and the reverse), and of the comments
//! no theme tagged against the tagged ones — what the lexicon missed — ranked by the log-odds
//! ratio of `metrics::distinctive`, each with its counts, a quote, and a line for a themes file.

use serde::Serialize;

use crate::metrics::distinctive::{
    rank, toml_block, Contrast, Distinctive, MIN_COMMENTS, MIN_Z, PRIOR_COMMENTS,
};
use crate::output::numbers::points;
use crate::output::tabular::{Grid, Section};
use crate::themes::grams::{Grams, MAX_WORDS};

/// Terms listed per contrast in the summary table without `--discover`.
pub const BRIEF: usize = 5;

/// Terms listed per contrast with `--discover`.
pub const FULL: usize = 50;

/// The distinctive terms of one contrast.
#[derive(Debug, Clone, Serialize)]
pub struct TermList {
    /// Which groups are compared.
    pub contrast: Contrast,
    /// Best first.
    pub terms: Vec<Distinctive>,
}

/// Discovery's result.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// n-grams of 1 to this many words.
    pub max_words: usize,
    /// The fewest comments a listed term appears in.
    pub min_comments: u32,
    /// The smallest z listed.
    pub min_z: f64,
    /// α₀, the prior's weight in comments.
    pub prior_comments: f64,
    /// The most any listed count may be short by: the vocabulary is capped, and the rarest
    /// n-grams were dropped on the way (0: every listed count is exact).
    pub undercount_at_most: u64,
    /// One list per contrast.
    pub lists: Vec<TermList>,
    /// The detractors' and the untagged comments' terms as a themes file's table, ready to paste
    /// (`nps themes --themes FILE`).
    pub themes_file: String,
}

/// Discovery over `grams`, at most `top` terms per contrast.
pub fn discover(grams: &Grams, top: usize) -> Discovery {
    let lists: Vec<TermList> = Contrast::ALL
        .iter()
        .map(|&contrast| TermList {
            contrast,
            terms: rank(grams, contrast, top),
        })
        .collect();
    let mut wanted: Vec<Distinctive> = Vec::new();
    for list in &lists {
        if list.contrast == Contrast::PromotersVsDetractors {
            continue;
        }
        for t in &list.terms {
            if !wanted.iter().any(|w| w.text == t.text) {
                wanted.push(t.clone());
            }
        }
    }
    Discovery {
        max_words: MAX_WORDS,
        min_comments: MIN_COMMENTS,
        min_z: MIN_Z,
        prior_comments: PRIOR_COMMENTS,
        undercount_at_most: lists
            .iter()
            .flat_map(|l| &l.terms)
            .map(|t| t.undercount_at_most)
            .max()
            .unwrap_or(0),
        themes_file: toml_block("discovered", &wanted),
        lists,
    }
}

/// A section listing distinctive terms (`grid`), or saying there is none; with the bound of
/// the listed counts when some may be short.
pub fn terms_section(heading: String, grid: Grid, undercount: u64) -> Section {
    let empty = grid.rows.is_empty();
    Section {
        heading: Some(heading),
        text: if empty {
            vec![format!(
                "none: no word or phrase in at least {MIN_COMMENTS} comments reaches z {MIN_Z:.2}"
            )]
        } else {
            Vec::new()
        },
        grid: (!empty).then_some(grid),
        after: capped(undercount).into_iter().collect(),
        code: None,
    }
}

/// The note on counts that may be short, if any.
pub fn capped(undercount: u64) -> Option<String> {
    (undercount > 0).then(|| {
        format!("the vocabulary was capped (rare n-grams dropped on the way): a listed count may be short by up to {undercount}")
    })
}

impl Discovery {
    /// One section per contrast; `full` adds the themes-file lines.
    pub fn sections(&self, decimals: u8, full: bool) -> Vec<Section> {
        if !full && self.lists.iter().all(|l| l.terms.is_empty()) {
            return vec![Section {
                heading: Some("Distinctive terms".into()),
                text: vec![format!(
                    "none: no word or phrase in at least {} comments reaches z {:.2} between detractors and promoters, or untagged and tagged comments",
                    self.min_comments, self.min_z
                )],
                grid: None,
                after: Vec::new(), code: None,
            }];
        }
        let mut sections = Vec::new();
        for list in &self.lists {
            let mut grid = Grid::new(
                &[
                    "term",
                    "z",
                    "in group",
                    "in other",
                    "det/pas/pro",
                    "untagged",
                    "quote",
                ],
                &[false, true, true, true, true, true, false],
            );
            for t in &list.terms {
                grid.push(vec![
                    t.text.clone(),
                    points(t.z, 2),
                    format!(
                        "{} of {} ({}%)",
                        t.in_group,
                        t.group_comments,
                        points(
                            100.0 * t.in_group as f64 / t.group_comments as f64,
                            decimals
                        )
                    ),
                    format!("{} of {}", t.in_other, t.other_comments),
                    format!("{}/{}/{}", t.detractors, t.passives, t.promoters),
                    t.untagged.to_string(),
                    format!("[{}] {}", t.quote_score, t.quote),
                ]);
            }
            sections.push(terms_section(
                format!("Distinctive terms: {}", list.contrast.describe()),
                grid,
                0,
            ));
        }
        if let Some(last) = sections.last_mut() {
            last.after.push(format!(
                "log-odds ratio with an informative Dirichlet prior (α₀ = {} comments), counted per comment; z ≥ {:.2}, in at least {} comments",
                self.prior_comments, self.min_z, self.min_comments
            ));
            last.after.extend(capped(self.undercount_at_most));
            if full {
                if !self.themes_file.is_empty() {
                    last.after.push(
                        "for a themes file (rename the table to a theme's key, then nps themes --themes FILE):".into(),
                    );
                    last.code = Some(self.themes_file.clone());
                }
            } else {
                last.after.push(format!(
                    "the first {BRIEF} per list; nps themes --discover gives up to {FULL}, as lines for a themes file"
                ));
            }
        }
        sections
    }

    /// One row per listed term (`--discover --format csv`).
    pub fn grid(&self) -> Grid {
        let headers = [
            "contrast",
            "rank",
            "term",
            "words",
            "z",
            "log_odds",
            "variance",
            "in_group",
            "group_comments",
            "in_other",
            "other_comments",
            "detractors",
            "passives",
            "promoters",
            "untagged",
            "english",
            "french",
            "quote_score",
            "quote",
        ];
        let mut grid = Grid::new(&headers, &vec![true; headers.len()]);
        for list in &self.lists {
            for (i, t) in list.terms.iter().enumerate() {
                grid.push(vec![
                    list.contrast.key().to_string(),
                    (i + 1).to_string(),
                    t.text.clone(),
                    t.words.to_string(),
                    format!("{:.6}", t.z),
                    format!("{:.6}", t.log_odds),
                    format!("{:.6}", t.variance),
                    t.in_group.to_string(),
                    t.group_comments.to_string(),
                    t.in_other.to_string(),
                    t.other_comments.to_string(),
                    t.detractors.to_string(),
                    t.passives.to_string(),
                    t.promoters.to_string(),
                    t.untagged.to_string(),
                    t.english.to_string(),
                    t.french.to_string(),
                    t.quote_score.to_string(),
                    t.quote.clone(),
                ]);
            }
        }
        grid
    }
}
