//! Counts of detractors, passives and promoters, and the point estimate built from them.
//!
//! Notation of DESIGN.md §4: D, P, R counts; n = D + P + R; p₊ = R/n, p₋ = D/n;
//! NPS = 100·(p₊ − p₋); per-response variance V = p₊ + p₋ − (p₊ − p₋)² on the −1…1 scale;
//! SE = √(V/n). Counts are `f64` so that weighted tallies (a later issue) use the same code.

use serde::Serialize;

/// A response's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// 0–6.
    Detractor,
    /// 7–8.
    Passive,
    /// 9–10.
    Promoter,
}

impl Category {
    /// The category of a valid 0–10 score.
    pub fn of(score: u8) -> Self {
        match score {
            0..=6 => Category::Detractor,
            7..=8 => Category::Passive,
            _ => Category::Promoter,
        }
    }

    /// `detractor`, `passive`, `promoter`.
    pub fn name(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
        }
    }
}

/// Weight sums behind a weighted distribution (`--weight`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Weights {
    /// Σw of the responses giving each score 0…10.
    pub sums: [f64; 11],
    /// Σw² over all the responses, for Kish's effective n.
    pub sum_sq: f64,
}

/// How many responses gave each score 0–10, and with `--weight` their weight sums.
///
/// All arithmetic on distributions (adding days into periods, taking a segment from the total)
/// goes through [`Distribution::add`] and [`Distribution::minus`], so weights follow counts
/// everywhere. Serialises as the 11 counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Distribution {
    /// Responses per score 0…10.
    pub counts: [u64; 11],
    /// Weight sums, when the responses are weighted.
    pub weights: Option<Weights>,
}

impl Serialize for Distribution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.counts.serialize(s)
    }
}

impl Distribution {
    /// Count a list of valid scores (used by tests and small callers; large inputs go through
    /// [`crate::metrics::frame::distribution`]).
    pub fn from_scores(scores: impl IntoIterator<Item = u8>) -> Self {
        let mut d = Distribution::default();
        for s in scores {
            d.counts[usize::from(s.min(10))] += 1;
        }
        d
    }

    /// The number of responses.
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Detractor, passive and promoter counts — weight sums when weighted.
    pub fn tally(&self) -> Tally {
        let per_score: [f64; 11] = match &self.weights {
            Some(w) => w.sums,
            None => self.counts.map(|c| c as f64),
        };
        let sum = |r: std::ops::RangeInclusive<usize>| per_score[r].iter().sum::<f64>();
        Tally {
            detractors: sum(0..=6),
            passives: sum(7..=8),
            promoters: sum(9..=10),
        }
    }

    /// The sample size the standard error uses: n, or Kish's (Σw)²/Σw² when weighted.
    pub fn effective_n(&self) -> f64 {
        match &self.weights {
            Some(w) if w.sum_sq > 0.0 => {
                let total: f64 = w.sums.iter().sum();
                total * total / w.sum_sq
            }
            Some(_) => 0.0,
            None => self.n() as f64,
        }
    }

    /// The tally rescaled to the effective n (the counts themselves when unweighted): the input
    /// of intervals and tests, whose pseudo-counts and sample sizes are in responses.
    pub fn scaled_tally(&self) -> Tally {
        let t = self.tally();
        if self.weights.is_none() || t.n() <= 0.0 {
            return t;
        }
        let s = self.effective_n() / t.n();
        Tally::new(t.detractors * s, t.passives * s, t.promoters * s)
    }

    /// Add another distribution into this one.
    pub fn add(&mut self, other: &Distribution) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.weights = match (self.weights, other.weights) {
            (Some(mut a), Some(b)) => {
                for (x, y) in a.sums.iter_mut().zip(b.sums) {
                    *x += y;
                }
                a.sum_sq += b.sum_sq;
                Some(a)
            }
            (a, b) => a.or(b),
        };
    }

    /// This distribution without the responses of `part` (which it must contain).
    pub fn minus(&self, part: &Distribution) -> Distribution {
        let mut out = *self;
        for (a, b) in out.counts.iter_mut().zip(part.counts) {
            *a = a.saturating_sub(b);
        }
        if let (Some(w), Some(p)) = (out.weights.as_mut(), part.weights) {
            // Clamp the floating-point residue of subtracting a sum from itself.
            for (x, y) in w.sums.iter_mut().zip(p.sums) {
                *x = (*x - y).max(0.0);
            }
            w.sum_sq = (w.sum_sq - p.sum_sq).max(0.0);
        }
        out
    }
}

/// Detractor, passive and promoter counts (weighted sums when weights apply).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tally {
    /// D: responses scoring 0–6.
    pub detractors: f64,
    /// P: responses scoring 7–8.
    pub passives: f64,
    /// R: responses scoring 9–10.
    pub promoters: f64,
}

impl Tally {
    /// Counts from the three categories.
    pub fn new(detractors: f64, passives: f64, promoters: f64) -> Self {
        Tally {
            detractors,
            passives,
            promoters,
        }
    }

    /// n = D + P + R.
    pub fn n(&self) -> f64 {
        self.detractors + self.passives + self.promoters
    }

    /// (p₋, p₀, p₊): the three shares, in 0…1. All zero when n = 0.
    pub fn shares(&self) -> (f64, f64, f64) {
        let n = self.n();
        if n <= 0.0 {
            return (0.0, 0.0, 0.0);
        }
        (self.detractors / n, self.passives / n, self.promoters / n)
    }

    /// p₊ − p₋ on the −1…1 scale, computed from counts (never from rounded shares).
    pub fn net(&self) -> f64 {
        let n = self.n();
        if n <= 0.0 {
            return 0.0;
        }
        (self.promoters - self.detractors) / n
    }

    /// Per-response variance V = p₊ + p₋ − (p₊ − p₋)², on the −1…1 scale.
    pub fn variance(&self) -> f64 {
        let (d, _, r) = self.shares();
        let net = r - d;
        // Clamp the rounding residue that can make a zero variance come out as -1e-17.
        (r + d - net * net).max(0.0)
    }

    /// Standard error √(V/n) on the −1…1 scale, for an effective sample size `n_eff`.
    pub fn standard_error(&self, n_eff: f64) -> f64 {
        if n_eff <= 0.0 {
            return f64::NAN;
        }
        (self.variance() / n_eff).sqrt()
    }
}

/// Kish's effective sample size (Σw)² / Σw² of a set of weights: the n that the standard error
/// of a weighted share uses (DESIGN.md §4). Equal weights give back the count.
pub fn effective_n(weights: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, sum_sq) = weights
        .into_iter()
        .fold((0.0, 0.0), |(s, q), w| (s + w, q + w * w));
    if sum_sq > 0.0 {
        sum * sum / sum_sq
    } else {
        0.0
    }
}

/// The point estimate of one group of responses, on the points scale (−100…100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Number of responses used.
    pub n: u64,
    /// The counts.
    pub tally: Tally,
    /// NPS in points, −100…100, unrounded.
    pub nps: f64,
    /// Per-response variance V on the −1…1 scale.
    pub variance: f64,
    /// Standard error of the NPS, in points.
    pub standard_error: f64,
}

impl Estimate {
    /// The estimate for a distribution: weighted shares when it is weighted, with the standard
    /// error on Kish's effective n.
    pub fn from_distribution(d: &Distribution) -> Self {
        let tally = d.tally();
        let n = d.n();
        Estimate {
            n,
            tally,
            nps: 100.0 * tally.net(),
            variance: tally.variance(),
            standard_error: 100.0 * tally.standard_error(d.effective_n()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn categories_follow_the_0_6_7_8_9_10_rule() {
        let cats: Vec<_> = (0..=10).map(Category::of).collect();
        assert!(cats[..=6].iter().all(|c| *c == Category::Detractor));
        assert_eq!(cats[7], Category::Passive);
        assert_eq!(cats[8], Category::Passive);
        assert_eq!(cats[9], Category::Promoter);
        assert_eq!(cats[10], Category::Promoter);
    }

    /// DESIGN.md §4: scores [0,7,7,9,9,9] → NPS 33.333…, V = 5/9, SE = 0.3042903097.
    #[test]
    fn golden_vector_six_scores() {
        let d = Distribution::from_scores([0, 7, 7, 9, 9, 9]);
        let e = Estimate::from_distribution(&d);
        assert_eq!(e.n, 6);
        assert!((e.nps - 100.0 / 3.0).abs() < 1e-9);
        assert!((e.variance - 5.0 / 9.0).abs() < 1e-9);
        assert!((e.standard_error / 100.0 - 0.3042903097).abs() < 1e-9);
    }

    /// DESIGN.md §4: D/P/R = 40/60/100 → NPS 30.0.
    #[test]
    fn golden_vector_counts() {
        let t = Tally::new(40.0, 60.0, 100.0);
        assert!((100.0 * t.net() - 30.0).abs() < 1e-9);
        // V = 0.5 + 0.2 − 0.3² = 0.61, by hand.
        assert!((t.variance() - 0.61).abs() < 1e-12);
    }

    /// DESIGN.md §4: weights 1×100 and 2×100 → effective n = 180.
    /// By hand: (100 + 200)² / (100·1 + 100·4) = 90000 / 500.
    #[test]
    fn golden_effective_n() {
        let weights = std::iter::repeat_n(1.0, 100).chain(std::iter::repeat_n(2.0, 100));
        assert!((effective_n(weights) - 180.0).abs() < 1e-9);
        assert_eq!(effective_n(std::iter::repeat_n(3.0, 7)), 7.0);
        assert_eq!(effective_n(std::iter::empty()), 0.0);
    }

    /// Hand-worked weighted example: scores 10 (w 2), 9 (w 1), 3 (w 1), 8 (w 4).
    /// Σw = 8: promoters 3/8, detractors 1/8 → NPS 25. Σw² = 4 + 1 + 1 + 16 = 22 →
    /// effective n = 64/22 = 2.909. V = 0.5 − 0.0625 = 0.4375; SE = √(0.4375/2.909) = 0.38780.
    #[test]
    fn weighted_distribution_hand_worked() {
        let mut d = Distribution::from_scores([10, 9, 3, 8]);
        let mut sums = [0.0; 11];
        sums[10] = 2.0;
        sums[9] = 1.0;
        sums[3] = 1.0;
        sums[8] = 4.0;
        d.weights = Some(Weights { sums, sum_sq: 22.0 });
        let e = Estimate::from_distribution(&d);
        assert_eq!(e.n, 4);
        assert!((e.nps - 25.0).abs() < 1e-9);
        assert!((d.effective_n() - 64.0 / 22.0).abs() < 1e-12);
        assert!((e.variance - 0.4375).abs() < 1e-12);
        assert!((e.standard_error / 100.0 - 0.387802).abs() < 1e-6, "{e:?}");
        // Scaled to the effective n, the shares are unchanged.
        let t = d.scaled_tally();
        assert!((t.n() - 64.0 / 22.0).abs() < 1e-12);
        assert!((t.net() - 0.25).abs() < 1e-12);
        // Taking a part out and adding it back gives the whole.
        let part = Distribution {
            counts: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
            weights: Some(Weights {
                sums: [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                sum_sq: 1.0,
            }),
        };
        let mut back = d.minus(&part);
        assert_eq!(back.n(), 3);
        back.add(&part);
        assert_eq!(back, d);
    }

    #[test]
    fn empty_tally_has_no_shares() {
        let t = Tally::new(0.0, 0.0, 0.0);
        assert_eq!(t.shares(), (0.0, 0.0, 0.0));
        assert!(t.standard_error(0.0).is_nan());
    }

    proptest! {
        #[test]
        fn nps_is_bounded_and_counts_add_up(scores in proptest::collection::vec(0u8..=10, 1..400)) {
            let d = Distribution::from_scores(scores.iter().copied());
            let e = Estimate::from_distribution(&d);
            prop_assert!((-100.0..=100.0).contains(&e.nps));
            prop_assert_eq!(e.n as usize, scores.len());
            prop_assert_eq!(e.tally.n() as usize, scores.len());
            let (dd, p, r) = e.tally.shares();
            prop_assert!((dd + p + r - 1.0).abs() < 1e-12);
            prop_assert!(e.variance >= 0.0 && e.variance <= 1.0);
        }

        #[test]
        fn row_order_does_not_matter(mut scores in proptest::collection::vec(0u8..=10, 1..200)) {
            let before = Distribution::from_scores(scores.iter().copied());
            scores.reverse();
            let third = scores.len() / 3;
            scores.rotate_left(third);
            prop_assert_eq!(before, Distribution::from_scores(scores));
        }
    }
}
