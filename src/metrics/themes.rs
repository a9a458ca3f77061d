//! Per-theme figures from counts (DESIGN.md §4, "Themes"): for every theme, how many responses
//! mention it, in which answer category, with which intent, and what it does to the NPS.
//!
//! The input is one [`Distribution`] per comment key (`themes::signature`) and, when the keys do
//! not name the themes, each theme's counts (`themes::evidence`): the passes count both, so
//! nothing here grows with the number of responses. Every figure
//! is over all scored responses, so it adds up with the headline NPS:
//! - NPS_with, NPS_without: of the responses that mention the theme, and of all the others;
//! - Δ = NPS_with − NPS_without with its two-sample interval (`compare::difference_of`);
//! - impact = NPS(all) − NPS(all without the responses that mention it) = s·Δ exactly, with
//!   s = n_with / n_all, so its interval is s times Δ's;
//! - p-values Holm-adjusted across the themes that have someone on both sides.

use serde::Serialize;

use super::compare::{difference_of, holm_some, Difference};
use super::tally::Distribution;
use crate::cli::CiMethod;
use crate::themes::signature::Signature;
use crate::themes::{Content, Intent};

/// Responses per answer category (detractor, passive, promoter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByCategory {
    /// Scores 0–6.
    pub detractors: u64,
    /// Scores 7–8.
    pub passives: u64,
    /// Scores 9–10.
    pub promoters: u64,
}

impl ByCategory {
    fn add(&mut self, d: &Distribution) {
        let c = &d.counts;
        self.detractors += c[..=6].iter().sum::<u64>();
        self.passives += c[7] + c[8];
        self.promoters += c[9] + c[10];
    }

    /// All three together.
    pub fn total(&self) -> u64 {
        self.detractors + self.passives + self.promoters
    }
}

/// Comments per intent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IntentMix {
    /// A problem reported.
    pub problem: u64,
    /// Something asked for.
    pub request: u64,
    /// Praise.
    pub praise: u64,
    /// None of these.
    pub none: u64,
}

impl IntentMix {
    fn add(&mut self, intent: Option<Intent>, n: u64) {
        match intent {
            Some(Intent::Problem) => self.problem += n,
            Some(Intent::Request) => self.request += n,
            Some(Intent::Praise) => self.praise += n,
            Some(Intent::None) | None => self.none += n,
        }
    }
}

/// One theme's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeFigures {
    /// Index of the theme in the lexicon.
    #[serde(skip)]
    pub theme: usize,
    /// Responses whose comment mentions the theme.
    pub mentions: u64,
    /// Mentions per answer category.
    pub mentions_by_category: ByCategory,
    /// The responses that mention it: their distribution.
    #[serde(skip)]
    pub with: Distribution,
    /// NPS of the responses that mention it, points.
    pub nps_with: Option<f64>,
    /// NPS of all the other responses, points.
    pub nps_without: Option<f64>,
    /// NPS_with − NPS_without with its interval and test.
    pub difference: Option<Difference>,
    /// NPS(all) − NPS(all without the responses that mention it), points.
    pub impact: Option<f64>,
    /// Lower bound of the impact's interval (s times Δ's).
    pub impact_low: Option<f64>,
    /// Upper bound of the impact's interval.
    pub impact_high: Option<f64>,
    /// The test's p-value Holm-adjusted across themes.
    pub p_holm: Option<f64>,
    /// Intent of the comments that mention it.
    pub intent: IntentMix,
}

/// Comment coverage over all scored responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Scored responses.
    pub responses: ByCategory,
    /// Responses with a comment (not blank).
    pub commented: ByCategory,
    /// Comments that say nothing ("RAS", "n/a", "-").
    pub empty: u64,
    /// Comments with at least one theme.
    pub tagged: u64,
    /// Comments with content but no theme.
    pub untagged: u64,
    /// Comments per language: English, French, undetermined.
    pub english: u64,
    /// French comments.
    pub french: u64,
    /// Comments whose language nothing decided (both lexicons were matched).
    pub undetermined: u64,
}

/// Everything `nps themes` computes.
#[derive(Debug, Clone)]
pub struct ThemeTable {
    /// All scored responses.
    pub all: Distribution,
    /// One entry per theme of the lexicon, in lexicon order.
    pub themes: Vec<ThemeFigures>,
    /// Coverage.
    pub coverage: Coverage,
}

/// Each theme's scores (0–10) and intents (problem, request, praise, none), as a pass counted
/// them when the keys do not name the themes.
pub type ThemeCounts<'a> = &'a dyn Fn(usize) -> ([u64; 11], [u64; 4]);

/// Compute the table of `themes` themes from (key, distribution) groups — from the keys' theme
/// sets, or with `counted`, from each theme's counts (the keys then only say whether a comment
/// has a theme).
pub fn table(
    groups: &[(Signature, Distribution)],
    themes: usize,
    counted: Option<ThemeCounts>,
    method: CiMethod,
    confidence: f64,
) -> ThemeTable {
    let mut all = Distribution::default();
    let mut coverage = Coverage::default();
    let mut figures: Vec<ThemeFigures> = (0..themes)
        .map(|theme| ThemeFigures {
            theme,
            mentions: 0,
            mentions_by_category: ByCategory::default(),
            with: Distribution::default(),
            nps_with: None,
            nps_without: None,
            difference: None,
            impact: None,
            impact_low: None,
            impact_high: None,
            p_holm: None,
            intent: IntentMix::default(),
        })
        .collect();
    for (sig, d) in groups {
        all.add(d);
        let n = d.n();
        coverage.responses.add(d);
        if sig.content == Content::Blank {
            continue;
        }
        coverage.commented.add(d);
        match sig.lang {
            Some(crate::text::Lang::En) => coverage.english += n,
            Some(crate::text::Lang::Fr) => coverage.french += n,
            None => coverage.undetermined += n,
        }
        if sig.content == Content::Empty {
            coverage.empty += n;
            continue;
        }
        if sig.tagged {
            coverage.tagged += n;
        } else {
            coverage.untagged += n;
        }
        for &t in &sig.themes {
            let f = &mut figures[t];
            f.mentions += n;
            f.mentions_by_category.add(d);
            f.with.add(d);
            match sig.intent {
                // No cue: each response takes its score's side (`Intent::or_score`).
                Some(Intent::None) => {
                    for (score, &count) in d.counts.iter().enumerate() {
                        f.intent
                            .add(Some(Intent::None.or_score(score as u8)), count);
                    }
                }
                intent => f.intent.add(intent, n),
            }
        }
    }
    if let Some(counts) = counted {
        for f in figures.iter_mut() {
            let (scores, intents) = counts(f.theme);
            f.with = Distribution {
                counts: scores,
                weights: None,
            };
            f.mentions = f.with.n();
            f.mentions_by_category.add(&f.with);
            f.intent = IntentMix {
                problem: intents[0],
                request: intents[1],
                praise: intents[2],
                none: intents[3],
            };
        }
    }
    let nps = |d: &Distribution| 100.0 * d.tally().net();
    let total = all.tally().n();
    for f in figures.iter_mut() {
        if f.mentions == 0 {
            continue;
        }
        let without = all.minus(&f.with);
        f.nps_with = Some(nps(&f.with));
        if without.n() == 0 {
            continue;
        }
        f.nps_without = Some(nps(&without));
        let s = f.with.tally().n() / total;
        f.impact = Some(nps(&all) - nps(&without));
        f.difference = difference_of(&f.with, &without, method, confidence);
        if let Some(d) = f.difference {
            f.impact_low = Some(s * d.low);
            f.impact_high = Some(s * d.high);
        }
    }
    let raw: Vec<Option<f64>> = figures
        .iter()
        .map(|f| f.difference.map(|d| d.p_value))
        .collect();
    for (f, p) in figures.iter_mut().zip(holm_some(&raw)) {
        f.p_holm = p;
    }
    ThemeTable {
        all,
        themes: figures,
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::signature::decode;

    fn dist(d: u64, p: u64, r: u64) -> Distribution {
        let mut x = Distribution::default();
        x.counts[0] = d;
        x.counts[7] = p;
        x.counts[10] = r;
        x
    }

    /// DESIGN.md §4 golden case: D/P/R 40/60/100, of which 20/10/5 mention the theme →
    /// NPS_with = (5 − 20)/35 = −42.857, NPS_without = (95 − 20)/165 = 45.45,
    /// impact = 0.175 × (−88.31) = −15.45 = 30 − 45.45.
    #[test]
    fn impact_matches_the_golden_case() {
        let groups = vec![
            (decode("ent.0").unwrap(), dist(20, 10, 5)),
            (decode("ent").unwrap(), dist(20, 50, 95)),
        ];
        let t = table(&groups, 1, None, CiMethod::Wald, 0.95);
        let f = &t.themes[0];
        assert_eq!(f.mentions, 35);
        assert!((f.nps_with.unwrap() - (-300.0 / 7.0)).abs() < 1e-9);
        assert!((f.nps_without.unwrap() - 7500.0 / 165.0).abs() < 1e-9);
        let impact = f.impact.unwrap();
        assert!((impact - (30.0 - 7500.0 / 165.0)).abs() < 1e-9);
        assert!((impact - (-15.45)).abs() < 0.005);
        // s · Δ exactly, and the interval is s times Δ's (Wald: Δ's interval is centred on Δ).
        let d = f.difference.unwrap();
        assert!((impact - 0.175 * d.delta).abs() < 1e-9);
        // Wald by hand: V_with = p+ + p- − (p+ − p-)² = 25/35 − (15/35)² ; V_without likewise.
        let v = |d: f64, r: f64, n: f64| (d + r) / n - ((r - d) / n).powi(2);
        let se = 100.0 * (v(20.0, 5.0, 35.0) / 35.0 + v(20.0, 95.0, 165.0) / 165.0).sqrt();
        let z = crate::metrics::interval::z_for(0.95);
        assert!((f.impact_low.unwrap() - 0.175 * (d.delta - z * se)).abs() < 1e-9);
        assert!((f.impact_high.unwrap() - 0.175 * (d.delta + z * se)).abs() < 1e-9);
    }

    #[test]
    fn coverage_adds_up() {
        let groups = vec![
            (decode("--b").unwrap(), dist(1, 1, 1)),
            (decode("fnx").unwrap(), dist(1, 0, 0)),
            (decode("upt.1").unwrap(), dist(0, 2, 0)),
            (decode("egt").unwrap(), dist(0, 0, 4)),
        ];
        let t = table(&groups, 2, None, CiMethod::AdjustedWald, 0.95);
        let c = t.coverage;
        assert_eq!(c.responses.total(), 10);
        assert_eq!(c.commented.total(), 7);
        assert_eq!((c.empty, c.tagged, c.untagged), (1, 2, 4));
        assert_eq!((c.english, c.french, c.undetermined), (4, 1, 2));
        assert_eq!(t.themes[1].mentions, 2);
        assert_eq!(t.themes[1].intent.problem, 2);
        assert_eq!(t.themes[0].mentions, 0);
        assert!(t.themes[0].impact.is_none());
    }

    /// The same responses, their themes counted apart (keys saying only "tagged"), give the
    /// same table as keys naming the themes.
    #[test]
    fn counted_themes_give_the_table_of_theme_sets() {
        let sets = vec![
            (decode("ept.0.1").unwrap(), dist(3, 1, 0)),
            (decode("egt.1").unwrap(), dist(0, 2, 5)),
            (decode("fnt").unwrap(), dist(1, 1, 1)),
            (decode("--b").unwrap(), dist(2, 0, 2)),
        ];
        let counted_keys = vec![
            (decode("ept.*").unwrap(), dist(3, 1, 0)),
            (decode("egt.*").unwrap(), dist(0, 2, 5)),
            (decode("fnt").unwrap(), dist(1, 1, 1)),
            (decode("--b").unwrap(), dist(2, 0, 2)),
        ];
        // Theme 0: the first group (3 detractors at 0, 1 passive at 7; problems). Theme 1: the
        // first two groups.
        let counts = |t: usize| -> ([u64; 11], [u64; 4]) {
            let mut s = [0; 11];
            match t {
                0 => {
                    s[0] = 3;
                    s[7] = 1;
                    (s, [4, 0, 0, 0])
                }
                _ => {
                    s[0] = 3;
                    s[7] = 3;
                    s[10] = 5;
                    (s, [4, 0, 7, 0])
                }
            }
        };
        let a = table(&sets, 2, None, CiMethod::AdjustedWald, 0.95);
        let b = table(
            &counted_keys,
            2,
            Some(&counts),
            CiMethod::AdjustedWald,
            0.95,
        );
        assert_eq!(a.coverage, b.coverage);
        for (x, y) in a.themes.iter().zip(&b.themes) {
            assert_eq!(x.mentions, y.mentions);
            assert_eq!(x.intent, y.intent);
            assert_eq!(x.nps_with, y.nps_with);
            assert_eq!(x.impact, y.impact);
            assert_eq!(x.difference, y.difference);
        }
    }
}
