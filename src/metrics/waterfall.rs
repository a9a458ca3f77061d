//! What moved the NPS between two periods, segment by segment (a shift-share decomposition).
//!
//! With segment weights w (its share of the period's respondents) and segment NPS p, a period's
//! NPS is Σ w·p, so the change from the old period (0) to the new one (1) is exactly
//! Σ (w₁p₁ − w₀p₀), and each segment's term splits into
//! - **mix**: (w₁ − w₀)·(p₀ + p₁)/2, the part due to the segment's share of respondents;
//! - **rate**: (p₁ − p₀)·(w₀ + w₁)/2, the part due to its own score;
//!
//! which add up to w₁p₁ − w₀p₀ exactly (the midpoint, or Shapley, split: neither period is
//! favoured, and no residual "interaction" term is left over). A segment present in one period
//! only takes that period's NPS for both, so its whole term is mix. The sum of every part is the
//! change in NPS up to floating-point rounding, which [`Waterfall::residual`] reports.

use serde::Serialize;

use super::tally::Distribution;

/// One segment's part of the change, in NPS points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The segment.
    pub label: String,
    /// Its share of the old and the new period's respondents (0–1).
    pub share: (f64, f64),
    /// Its NPS in the old and the new period (`None` where it had no one).
    pub nps: (Option<f64>, Option<f64>),
    /// Responses in the old and the new period.
    pub n: (u64, u64),
    /// The part due to its share of respondents.
    pub mix: f64,
    /// The part due to its own score.
    pub rate: f64,
}

/// The change from one period's NPS to the next, split by segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waterfall {
    /// The old period's NPS.
    pub from: f64,
    /// The new period's NPS.
    pub to: f64,
    /// One step per segment, in the order given.
    pub steps: Vec<Step>,
}

impl Waterfall {
    /// The split of the change between `old` and `new`, both one distribution per segment
    /// (`None` when the segment had no one in that period), in the order the steps are wanted.
    /// `None` when either period has no one.
    pub fn new(segments: &[(String, Option<Distribution>, Option<Distribution>)]) -> Option<Self> {
        let n0: f64 = segments
            .iter()
            .filter_map(|s| s.1.as_ref())
            .map(|d| d.tally().n())
            .sum();
        let n1: f64 = segments
            .iter()
            .filter_map(|s| s.2.as_ref())
            .map(|d| d.tally().n())
            .sum();
        if n0 <= 0.0 || n1 <= 0.0 {
            return None;
        }
        let part = |d: Option<&Distribution>, n: f64| {
            let t = d.map(Distribution::tally).filter(|t| t.n() > 0.0);
            (t.map_or(0.0, |t| t.n() / n), t.map(|t| 100.0 * t.net()))
        };
        let (mut from, mut to) = (0.0, 0.0);
        let steps = segments
            .iter()
            .map(|(label, old, new)| {
                let (w0, p0) = part(old.as_ref(), n0);
                let (w1, p1) = part(new.as_ref(), n1);
                let (a, b) = (p0.or(p1).unwrap_or(0.0), p1.or(p0).unwrap_or(0.0));
                from += w0 * a;
                to += w1 * b;
                Step {
                    label: label.clone(),
                    share: (w0, w1),
                    nps: (p0, p1),
                    n: (
                        old.as_ref().map_or(0, |d| d.n()),
                        new.as_ref().map_or(0, |d| d.n()),
                    ),
                    // `+ 0.0` writes a zero part as 0, not −0.
                    mix: (w1 - w0) * (a + b) / 2.0 + 0.0,
                    rate: (b - a) * (w0 + w1) / 2.0 + 0.0,
                }
            })
            .collect();
        Some(Waterfall { from, to, steps })
    }

    /// The change minus the sum of the parts: zero but for floating-point rounding.
    pub fn residual(&self) -> f64 {
        let parts: f64 = self.steps.iter().map(|s| s.mix + s.rate).sum();
        (self.to - self.from) - parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(detractors: u64, passives: u64, promoters: u64) -> Distribution {
        let mut counts = [0; 11];
        counts[0] = detractors;
        counts[7] = passives;
        counts[10] = promoters;
        Distribution {
            counts,
            weights: None,
        }
    }

    /// By hand. Old period: A 50 responses (10 D, 10 P, 30 Pr: NPS 40), B 50 (30 D, 10 P, 10 Pr:
    /// NPS −40); overall 0. New period: A 75 (15 D, 15 P, 45 Pr: NPS 40), B 25 (5 D, 5 P, 15 Pr:
    /// NPS 40); overall 40. A: w 0.5 → 0.75, p 40 → 40: mix 0.25·40 = 10, rate 0. B: w 0.5 →
    /// 0.25, p −40 → 40: mix −0.25·0 = 0, rate 80·0.375 = 30. 10 + 0 + 0 + 30 = 40.
    #[test]
    fn mix_and_rate_add_up_to_the_change_worked_by_hand() {
        let (a0, b0, a1, b1) = (d(10, 10, 30), d(30, 10, 10), d(15, 15, 45), d(5, 5, 15));
        let w = Waterfall::new(&[
            ("A".into(), Some(a0), Some(a1)),
            ("B".into(), Some(b0), Some(b1)),
        ])
        .unwrap();
        assert!(
            (w.from - 0.0).abs() < 1e-12 && (w.to - 40.0).abs() < 1e-12,
            "{w:?}"
        );
        let parts: Vec<(f64, f64)> = w.steps.iter().map(|s| (s.mix, s.rate)).collect();
        for (got, want) in parts.iter().zip([(10.0, 0.0), (0.0, 30.0)]) {
            assert!(
                (got.0 - want.0).abs() < 1e-12 && (got.1 - want.1).abs() < 1e-12,
                "{w:?}"
            );
        }
        assert!(w.residual().abs() < 1e-12);
    }

    /// A segment new in the second period is all mix: C (10 promoters, NPS 100) joins A (10
    /// detractors, NPS −100 in both periods). Old −100, new (−100·10 + 100·10)/20 = 0. A: w 1 →
    /// 0.5, mix −0.5·−100 = 50; C: w 0 → 0.5, mix 0.5·100 = 50. 50 + 50 = 100 = the change.
    #[test]
    fn a_segment_present_in_one_period_is_all_mix() {
        let (a, c) = (d(10, 0, 0), d(0, 0, 10));
        let w =
            Waterfall::new(&[("A".into(), Some(a), Some(a)), ("C".into(), None, Some(c))]).unwrap();
        assert_eq!((w.from, w.to), (-100.0, 0.0));
        assert_eq!((w.steps[0].mix, w.steps[0].rate), (50.0, 0.0));
        assert_eq!((w.steps[1].mix, w.steps[1].rate), (50.0, 0.0));
        assert_eq!(w.steps[1].nps, (None, Some(100.0)));
    }

    #[test]
    fn an_empty_period_has_no_waterfall() {
        let a = d(1, 1, 1);
        assert!(Waterfall::new(&[("A".into(), None, Some(a))]).is_none());
    }
}
