//! What the passes keep of comments besides their counts: quotes for each theme, and how many
//! comments each term counted in ("the terms that matched most"). Both are gathered per chunk
//! and merged, and neither depends on how the input was cut into chunks.
//!
//! Quotes: per theme and answer category, the comments that rank first by (how far their length
//! is from a readable 40–240 characters, a hash of their text, the text). Each chunk keeps its best
//! few; merging keeps the best few of all, so the choice depends on the comments only, never on
//! chunk boundaries or thread timing.
//!
//! Term counts live here rather than in the comment key the passes count by: a key holding the
//! terms would have one value per combination of terms, which grows with the input (millions on
//! varied text), where a key holding themes has a few hundred.

use crate::metrics::tally::Category;

/// The most quotes a run can show per theme and category (`--examples` is capped to it).
pub const MAX_QUOTES: usize = 20;

/// A candidate quote.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quote {
    /// Rank: lower is better.
    rank: (usize, u64),
    /// The comment.
    pub text: String,
    /// Its score.
    pub score: u8,
}

/// Quotes and term counts of the comments seen so far.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The best quotes, per theme and category (detractor, passive, promoter).
    best: Vec<[Vec<Quote>; 3]>,
    /// Per term (its index in the lexicon): comments it counted in.
    terms: Vec<u64>,
    /// Per theme: the scores (0–10) and the intents (problem, request, praise, none) of the
    /// responses that mention it, when the pass counts them here (see `ingest::comments`).
    themes: Vec<([u64; 11], [u64; 4])>,
    /// The n-grams of the comments, when discovery or `--drill` counts them.
    pub grams: super::grams::Grams,
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn slot(category: Category) -> usize {
    match category {
        Category::Detractor => 0,
        Category::Passive => 1,
        Category::Promoter => 2,
    }
}

impl Evidence {
    /// Offer a comment of `score` that mentions `themes`.
    pub fn offer(&mut self, themes: &[usize], text: &str, score: u8) {
        let Some(&last) = themes.iter().max() else {
            return;
        };
        if self.best.len() <= last {
            self.best.resize_with(last + 1, Default::default);
        }
        let chars = text.chars().count();
        let rank = (
            40usize.saturating_sub(chars) + chars.saturating_sub(240),
            fnv(text),
        );
        let s = slot(Category::of(score));
        for &theme in themes {
            let list = &mut self.best[theme][s];
            if list.len() == MAX_QUOTES && list.last().is_some_and(|q| q.rank < rank) {
                continue;
            }
            let quote = Quote {
                rank,
                text: text.to_string(),
                score,
            };
            let at = list.partition_point(|q| q < &quote);
            if list.get(at) != Some(&quote) {
                list.insert(at, quote);
                list.truncate(MAX_QUOTES);
            }
        }
    }

    /// Count a comment's terms (each distinct term once).
    pub fn count_terms(&mut self, terms: &[u32]) {
        for &t in terms {
            let t = t as usize;
            if self.terms.len() <= t {
                self.terms.resize(t + 1, 0);
            }
            self.terms[t] += 1;
        }
    }

    /// Count a response of `score` and `intent` (its index in `Intent::ALL`) that mentions
    /// `themes`.
    pub fn count_themes(&mut self, themes: &[usize], score: u8, intent: usize) {
        for &t in themes {
            if self.themes.len() <= t {
                self.themes.resize(t + 1, ([0; 11], [0; 4]));
            }
            self.themes[t].0[usize::from(score.min(10))] += 1;
            self.themes[t].1[intent.min(3)] += 1;
        }
    }

    /// The scores and intents counted for `theme` ([`Evidence::count_themes`]).
    pub fn theme_counts(&self, theme: usize) -> ([u64; 11], [u64; 4]) {
        self.themes.get(theme).copied().unwrap_or(([0; 11], [0; 4]))
    }

    /// Comments `term` counted in.
    pub fn term_count(&self, term: usize) -> u64 {
        self.terms.get(term).copied().unwrap_or(0)
    }

    /// Add another chunk's evidence.
    pub fn merge(&mut self, other: Evidence) {
        self.grams.merge(other.grams);
        if self.terms.len() < other.terms.len() {
            self.terms.resize(other.terms.len(), 0);
        }
        for (mine, theirs) in self.terms.iter_mut().zip(&other.terms) {
            *mine += theirs;
        }
        if self.themes.len() < other.themes.len() {
            self.themes.resize(other.themes.len(), ([0; 11], [0; 4]));
        }
        for (mine, theirs) in self.themes.iter_mut().zip(&other.themes) {
            for (a, b) in mine.0.iter_mut().zip(theirs.0) {
                *a += b;
            }
            for (a, b) in mine.1.iter_mut().zip(theirs.1) {
                *a += b;
            }
        }
        for (theme, lists) in other.best.into_iter().enumerate() {
            for (s, list) in lists.into_iter().enumerate() {
                for q in list {
                    if self.best.len() <= theme {
                        self.best.resize_with(theme + 1, Default::default);
                    }
                    let mine = &mut self.best[theme][s];
                    let at = mine.partition_point(|x| x < &q);
                    if mine.get(at) != Some(&q) {
                        mine.insert(at, q);
                        mine.truncate(MAX_QUOTES);
                    }
                }
            }
        }
    }

    /// The best quotes of `theme` for `category`, best first.
    pub fn of(&self, theme: usize, category: Category) -> &[Quote] {
        self.best.get(theme).map_or(&[], |l| &l[slot(category)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_does_not_depend_on_chunks() {
        let comments: Vec<(String, u8)> = (0..200)
            .map(|i| {
                (
                    format!(
                        "comment number {i} about the price, which is {} long",
                        "very ".repeat(i % 9)
                    ),
                    (i % 11) as u8,
                )
            })
            .collect();
        let mut whole = Evidence::default();
        for (c, s) in &comments {
            whole.offer(&[0, 2], c, *s);
        }
        let mut merged = Evidence::default();
        for chunk in comments.chunks(17).rev() {
            let mut q = Evidence::default();
            for (c, s) in chunk {
                q.offer(&[0, 2], c, *s);
            }
            merged.merge(q);
        }
        for cat in [Category::Detractor, Category::Passive, Category::Promoter] {
            assert_eq!(whole.of(0, cat), merged.of(0, cat));
            assert_eq!(whole.of(2, cat).len(), MAX_QUOTES);
        }
        assert!(whole.of(1, Category::Detractor).is_empty());
    }
}
