//! Everything said about one group of responses: n, the three categories, NPS, its standard
//! error and interval, and the 0–10 distribution. `score` reports one; `segment` one per segment.

use serde::Serialize;

use super::interval::{interval, Interval};
use super::tally::{Distribution, Estimate};
use crate::cli::CiMethod;

/// A category's count and share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Responses in the category.
    pub count: u64,
    /// Share of n, in 0…1.
    pub share: f64,
}

/// The statistics of one group (JSON: these fields, flattened into their parent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// Responses used.
    pub n: u64,
    /// NPS in points, unrounded.
    pub nps: f64,
    /// Standard error of the NPS in points (√(V/n)·100).
    pub standard_error: f64,
    /// Per-response variance V on the −1…1 scale.
    pub variance: f64,
    /// The confidence interval.
    pub interval: Interval,
    /// Scores 0–6 (`count` in responses; `share` weighted with `--weight`).
    pub detractors: Share,
    /// Scores 7–8.
    pub passives: Share,
    /// Scores 9–10.
    pub promoters: Share,
    /// Responses per score 0…10.
    pub distribution: Distribution,
    /// With `--weight`: the total weight and Kish's effective n used by the standard error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<WeightSummary>,
}

/// What weighting did to a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightSummary {
    /// Σw.
    pub total: f64,
    /// (Σw)²/Σw².
    pub effective_n: f64,
}

impl GroupStats {
    /// The statistics of a distribution; `None` when it is empty.
    pub fn new(distribution: &Distribution, method: CiMethod, confidence: f64) -> Option<Self> {
        let estimate = Estimate::from_distribution(distribution);
        let interval = interval(
            &distribution.scaled_tally(),
            distribution.effective_n(),
            method,
            confidence,
        )?;
        let (d, p, r) = estimate.tally.shares();
        // Counts are responses even when shares are weighted.
        let counts =
            |range: std::ops::RangeInclusive<usize>| distribution.counts[range].iter().sum();
        let share = |count: u64, share: f64| Share { count, share };
        Some(GroupStats {
            n: estimate.n,
            nps: estimate.nps,
            standard_error: estimate.standard_error,
            variance: estimate.variance,
            interval,
            detractors: share(counts(0..=6), d),
            passives: share(counts(7..=8), p),
            promoters: share(counts(9..=10), r),
            distribution: *distribution,
            weight: distribution.weights.map(|w| WeightSummary {
                total: w.sums.iter().sum(),
                effective_n: distribution.effective_n(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_the_golden_six_scores() {
        let d = Distribution::from_scores([0, 7, 7, 9, 9, 9]);
        let s = GroupStats::new(&d, CiMethod::Wald, 0.95).unwrap();
        assert_eq!(
            (s.n, s.detractors.count, s.passives.count, s.promoters.count),
            (6, 1, 2, 3)
        );
        assert!((s.promoters.share - 0.5).abs() < 1e-12);
        assert!((s.nps - 100.0 / 3.0).abs() < 1e-9);
        assert!(GroupStats::new(&Distribution::default(), CiMethod::Wald, 0.95).is_none());
    }
}
