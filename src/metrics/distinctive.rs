//! Distinctive words and phrases (DESIGN.md §4): the log-odds ratio with an informative
//! Dirichlet prior (Monroe, Colaresi & Quinn 2008), natural logs, counted per comment.
//!
//! For an n-gram w and two groups of comments i and j (detractors and promoters; untagged and
//! tagged comments): yᵢ comments of group i contain w, out of nᵢ; likewise yⱼ, nⱼ. With the
//! prior α = α₀·(comments containing w)/(all comments counted), the same for both groups,
//!
//! δ = ln[(yᵢ+α)/(nᵢ+α₀−yᵢ−α)] − ln[(yⱼ+α)/(nⱼ+α₀−yⱼ−α)], σ² ≈ 1/(yᵢ+α) + 1/(yⱼ+α), z = δ/σ.
//!
//! α₀ = [`PRIOR_COMMENTS`]: the prior weighs as much as that many comments at the file's own
//! rate of w, which steadies rare n-grams ("seen in 3 detractors' comments and no promoter's" is
//! not certainty) and fades on large files. An n-gram is listed for group i when z ≥
//! [`MIN_Z`] and at least [`MIN_COMMENTS`] comments contain it; an n-gram that overlaps one
//! ranked above it (one is a run of the other's words) with nearly the same count in group i
//! (within a fifth) says the same thing and is left out.

use serde::Serialize;

use crate::themes::grams::{Counted, Grams, QuoteOf, Slot};

/// α₀: the prior's weight, in comments.
pub const PRIOR_COMMENTS: f64 = 100.0;

/// The fewest comments an n-gram must appear in to be listed (its document frequency).
pub const MIN_COMMENTS: u32 = 5;

/// The smallest z listed: 1.96, two-sided 95%.
pub const MIN_Z: f64 = 1.959_964;

/// The log-odds ratio of an n-gram between two groups: (δ, σ², z).
pub fn log_odds(yi: f64, ni: f64, yj: f64, nj: f64, alpha: f64, alpha0: f64) -> (f64, f64, f64) {
    let delta = ((yi + alpha) / (ni + alpha0 - yi - alpha)).ln()
        - ((yj + alpha) / (nj + alpha0 - yj - alpha)).ln();
    let var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha);
    (delta, var, delta / var.sqrt())
}

/// Whether counts of `total` that may be short by `short` (`themes::grams`) are reliable
/// enough to rank: short by a tenth at most. On a file large enough for the vocabulary to be
/// capped, an n-gram dropped and counted again late has counts from a late stretch of the
/// input only, and ratios of such counts are noise.
pub fn reliable(total: u64, short: u64) -> bool {
    short * 10 <= total
}

/// Which two groups of comments are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contrast {
    /// Detractors' comments against promoters'.
    DetractorsVsPromoters,
    /// Promoters' comments against detractors'.
    PromotersVsDetractors,
    /// Comments no theme tagged against the tagged ones.
    UntaggedVsTagged,
}

impl Contrast {
    /// Every contrast, in the order outputs list them.
    pub const ALL: [Contrast; 3] = [
        Contrast::DetractorsVsPromoters,
        Contrast::PromotersVsDetractors,
        Contrast::UntaggedVsTagged,
    ];

    /// The contrast's key, as JSON and CSV write it.
    pub fn key(self) -> &'static str {
        match self {
            Contrast::DetractorsVsPromoters => "detractors_vs_promoters",
            Contrast::PromotersVsDetractors => "promoters_vs_detractors",
            Contrast::UntaggedVsTagged => "untagged_vs_tagged",
        }
    }

    /// The contrast in words.
    pub fn describe(self) -> &'static str {
        match self {
            Contrast::DetractorsVsPromoters => "detractors vs promoters",
            Contrast::PromotersVsDetractors => "promoters vs detractors",
            Contrast::UntaggedVsTagged => "untagged vs tagged comments",
        }
    }

    /// Whose comments its quotes come from: group i's.
    fn quoted(self) -> QuoteOf {
        match self {
            Contrast::DetractorsVsPromoters => QuoteOf::Detractors,
            Contrast::PromotersVsDetractors => QuoteOf::Promoters,
            Contrast::UntaggedVsTagged => QuoteOf::Untagged,
        }
    }

    /// (yᵢ, nᵢ, yⱼ, nⱼ) of `gram`.
    fn counts(self, grams: &Grams, gram: &Counted<'_>) -> [u64; 4] {
        let (d, p) = (Slot::Detractor, Slot::Promoter);
        match self {
            Contrast::DetractorsVsPromoters => [
                gram.count(d),
                grams.comments(d),
                gram.count(p),
                grams.comments(p),
            ],
            Contrast::PromotersVsDetractors => [
                gram.count(p),
                grams.comments(p),
                gram.count(d),
                grams.comments(d),
            ],
            Contrast::UntaggedVsTagged => {
                let all = grams.comments(Slot::Detractor)
                    + grams.comments(Slot::Passive)
                    + grams.comments(Slot::Promoter);
                let untagged = grams.comments(Slot::Untagged);
                let y = gram.count(Slot::Untagged);
                [y, untagged, gram.total() - y, all - untagged]
            }
        }
    }
}

/// One distinctive n-gram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distinctive {
    /// As written in its quote, lower-cased.
    pub text: String,
    /// Its words.
    pub words: usize,
    /// Comments that contain it, in group i and j (`in_group`, `in_other`), of how many.
    pub in_group: u64,
    /// Comments of group i.
    pub group_comments: u64,
    /// Comments of group j that contain it.
    pub in_other: u64,
    /// Comments of group j.
    pub other_comments: u64,
    /// Comments that contain it, per answer category.
    pub detractors: u64,
    /// Passives' comments.
    pub passives: u64,
    /// Promoters' comments.
    pub promoters: u64,
    /// Comments no theme tagged that contain it.
    pub untagged: u64,
    /// English and French comments that contain it.
    pub english: u64,
    /// French comments.
    pub french: u64,
    /// δ, σ² and z.
    pub log_odds: f64,
    /// σ².
    pub variance: f64,
    /// z.
    pub z: f64,
    /// A comment that contains it, and its score.
    pub quote: String,
    /// The quote's score.
    pub quote_score: u8,
    /// The most its counts may be short by (0: exact; see `themes::grams`).
    pub undercount_at_most: u64,
}

impl Distinctive {
    /// The language whose comments use it most (twice as often as the other), else `any`: the
    /// list of a themes file it belongs in.
    pub fn lang(&self) -> &'static str {
        if self.english >= 2 * self.french.max(1) {
            "en"
        } else if self.french >= 2 * self.english.max(1) {
            "fr"
        } else {
            "any"
        }
    }

    /// The term as a line of a themes file's list (a one-word term matches by stem, several
    /// words as a phrase), with its evidence as a comment.
    pub fn toml_term(&self) -> String {
        let text = self.text.replace('\\', "\\\\").replace('"', "\\\"");
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "  \"{clean}\",  # in {} of {} comments vs {} of {}, z {:.2}",
            self.in_group, self.group_comments, self.in_other, self.other_comments, self.z
        )
    }
}

/// A themes file's table `[key]` holding `terms`, one list per language, ready to paste
/// (empty without terms).
pub fn toml_block(key: &str, terms: &[Distinctive]) -> String {
    if terms.is_empty() {
        return String::new();
    }
    let mut out = format!("[{key}]\n");
    for lang in ["en", "fr", "any"] {
        let lines: Vec<String> = terms
            .iter()
            .filter(|t| t.lang() == lang)
            .map(Distinctive::toml_term)
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("{lang} = [\n{}\n]\n", lines.join("\n")));
        }
    }
    out
}

/// The n-grams most distinctive of group i in `contrast`, at most `top`, best first.
pub fn rank(grams: &Grams, contrast: Contrast, top: usize) -> Vec<Distinctive> {
    rank_by(
        grams,
        top,
        |g| (contrast.counts(grams, g), g.short(grams)),
        |g| g.quote(contrast.quoted()),
    )
}

/// The n-grams most distinctive of a group i against a group j, at most `top`, best first;
/// `counts(g)` gives (yᵢ, nᵢ, yⱼ, nⱼ) of n-gram g and the most yᵢ or yⱼ may be short by
/// (`themes::grams`), `quote(g)` a quote of group i.
pub fn rank_by<'a>(
    grams: &'a Grams,
    top: usize,
    counts: impl Fn(&Counted<'a>) -> ([u64; 4], u64),
    quote: impl Fn(&Counted<'a>) -> (&'a str, u8),
) -> Vec<Distinctive> {
    let all = (grams.comments(Slot::Detractor)
        + grams.comments(Slot::Passive)
        + grams.comments(Slot::Promoter)) as f64;
    let score = |g: &Counted<'_>, c: [u64; 4]| {
        let alpha = PRIOR_COMMENTS * g.total() as f64 / all;
        let [yi, ni, yj, nj] = c.map(|x| x as f64);
        log_odds(yi, ni, yj, nj, alpha, PRIOR_COMMENTS)
    };
    let mut scored: Vec<(f64, Counted<'a>, [u64; 4], u64)> = grams
        .iter(MIN_COMMENTS)
        .filter_map(|g| {
            let (c, short) = counts(&g);
            if c[0] == 0 || c[1] == 0 || c[3] == 0 || !reliable(g.total(), short) {
                return None;
            }
            let (_, _, z) = score(&g, c);
            (z >= MIN_Z).then_some((z, g, c, short))
        })
        .collect();
    scored.sort_by(|a, b| {
        // On a tie the longer n-gram goes first: the same evidence, said more precisely.
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.words().cmp(&a.1.words()))
            .then_with(|| a.1.order().cmp(&b.1.order()))
    });
    let mut kept: Vec<(Counted<'a>, [u64; 4], u64)> = Vec::new();
    for (_, g, c, short) in scored {
        if kept.len() == top {
            break;
        }
        // The same evidence in other words: one n-gram inside the other, about as often.
        let same = |(k, kc, _): &(Counted<'_>, [u64; 4], u64)| {
            let (a, b) = (c[0] as f64, kc[0] as f64);
            k.overlaps(&g) && a >= 0.8 * b && a <= 1.25 * b
        };
        if !kept.iter().any(same) {
            kept.push((g, c, short));
        }
    }
    kept.into_iter()
        .map(|(g, c, short)| {
            let (delta, variance, z) = score(&g, c);
            let (quote, quote_score) = quote(&g);
            Distinctive {
                text: g.text(),
                words: g.words(),
                in_group: c[0],
                group_comments: c[1],
                in_other: c[2],
                other_comments: c[3],
                detractors: g.count(Slot::Detractor),
                passives: g.count(Slot::Passive),
                promoters: g.count(Slot::Promoter),
                untagged: g.count(Slot::Untagged),
                english: g.count(Slot::English),
                french: g.count(Slot::French),
                log_odds: delta,
                variance,
                z,
                quote: quote.to_string(),
                quote_score,
                undercount_at_most: short,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a table that dropped n-grams, a term whose counts may be short by more than a tenth
    /// is never listed, however its counts look.
    #[test]
    fn terms_with_unreliable_counts_are_not_listed() {
        use crate::metrics::tally::Category;
        use crate::themes::{lexicon::Lexicon, Tagger};
        let tagger = Tagger::new(Lexicon::default(), None);
        let mut grams = Grams::default();
        let mut count = |text: &str, score: u8| {
            let tagged = tagger.tag_words(Some(text), None);
            let slot = Slot::of(Category::of(score));
            grams.count(&tagged.words, text, (&[slot], &[]), score, None);
        };
        // "late refund" once early (then dropped: the table is small under test), then in 20
        // detractors' comments among distinct words; "slow sync" in 60 detractors' comments
        // from the start; promoters say other things.
        count("late refund", 1);
        for i in 0..300 {
            count(&format!("zq{i}x slow sync"), (i % 5) as u8);
            count(&format!("wq{i}y lovely staff"), 10);
        }
        for i in 0..20 {
            count(&format!("late refund kq{i}z"), 2);
        }
        grams.seal();
        assert!(grams.pruned() > 0, "the table must have dropped n-grams");
        let listed = rank(&grams, Contrast::DetractorsVsPromoters, 50);
        assert!(listed.iter().any(|t| t.text == "slow sync"), "{listed:?}");
        for t in &listed {
            assert!(
                t.undercount_at_most * 10 <= t.in_group + t.in_other,
                "{t:?}"
            );
        }
        assert!(reliable(100, 10) && !reliable(100, 11));
    }

    #[test]
    fn the_golden_vector_of_design_4_holds() {
        let (delta, var, z) = log_odds(30.0, 1000.0, 5.0, 1200.0, 2.0, 100.0);
        assert!((delta - 1.711003).abs() < 1e-6, "{delta}");
        assert!((var - 0.174107).abs() < 1e-6, "{var}");
        assert!((z - 4.100554).abs() < 1e-6, "{z}");
    }
}
