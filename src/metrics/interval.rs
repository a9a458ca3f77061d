//! Confidence intervals for an NPS (DESIGN.md §4), in points, clamped to −100…100.
//!
//! - **adjusted-Wald** (default): add 0.75 detractors, 1.5 passives and 0.75 promoters (n + 3),
//!   then Wald on the adjusted counts. This is the NPS analogue of Agresti–Coull, proposed by
//!   Rocks (2016, "Interval estimation for the Net Promoter Score", *The American Statistician*
//!   70(4)) and popularised by Sauro (MeasuringU); it behaves well for small n and extreme scores.
//! - **Wald**: NPS ± z·√(V/n). Reported for comparison with spreadsheets; too narrow for small n.
//! - **score**: Tango's (1998) score interval for a difference of paired proportions
//!   (*Statistics in Medicine* 17:891–908). An NPS is p₊ − p₋ from one multinomial sample, which
//!   is exactly Tango's setting with promoters and detractors as the two discordant cells. The
//!   interval is every Δ whose score statistic |Z(Δ)| ≤ z, found by bisection on each side.
//!
//! Every interval reaches the observed NPS: where the adjusted counts would put it wholly on one
//! side (a handful of unanimous answers), its near end is moved to the observed value.
//!
//! The margin of error reported is half the interval's width: the adjusted-Wald and score
//! intervals are not centred on the observed NPS, so "NPS ± margin" is only approximate for them.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::tally::Tally;
use crate::cli::CiMethod;

/// A two-sided confidence interval, in NPS points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// How it was computed.
    pub method: CiMethod,
    /// The confidence level, in 0…1 (0.95 for a 95% interval).
    pub confidence: f64,
    /// Lower bound, points, ≥ −100.
    pub low: f64,
    /// Upper bound, points, ≤ 100.
    pub high: f64,
    /// Half the width of the interval, points.
    pub margin_of_error: f64,
}

/// The two-sided normal quantile z for a confidence level (1.959964… for 0.95).
pub fn z_for(confidence: f64) -> f64 {
    // Normal::new(0, 1) cannot fail; a standard normal built by hand keeps that out of the API.
    let normal = Normal::standard();
    normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// The interval for `tally` with effective sample size `n_eff` (n for unweighted data).
///
/// Returns `None` when there are no responses (an interval of nothing is not an answer).
pub fn interval(tally: &Tally, n_eff: f64, method: CiMethod, confidence: f64) -> Option<Interval> {
    if tally.n() <= 0.0 || n_eff <= 0.0 {
        return None;
    }
    let z = z_for(confidence);
    let (low, high) = match method {
        CiMethod::Wald => wald(tally, n_eff, z),
        CiMethod::AdjustedWald => {
            // The adjustment adds 3 pseudo-responses to the effective n as well as to the counts.
            let adjusted = Tally::new(
                tally.detractors + 0.75,
                tally.passives + 1.5,
                tally.promoters + 0.75,
            );
            wald(&adjusted, n_eff + 3.0, z)
        }
        CiMethod::Score => tango(tally, n_eff, z),
    };
    // Clamped to the NPS range, and reaching the observed NPS: the adjusted-Wald interval is
    // centred on the adjusted counts, so for a small unanimous group it would exclude the very
    // number it stands beside ("NPS 100.0 (95% CI −48.5 to 98.5)", finding F27).
    let observed = 100.0 * tally.net();
    let low = (100.0 * low.max(-1.0)).min(observed);
    let high = (100.0 * high.min(1.0)).max(observed);
    Some(Interval {
        method,
        confidence,
        low,
        high,
        margin_of_error: (high - low) / 2.0,
    })
}

/// Wald on the −1…1 scale: net ± z·√(V/n).
fn wald(t: &Tally, n_eff: f64, z: f64) -> (f64, f64) {
    let half = z * t.standard_error(n_eff);
    (t.net() - half, t.net() + half)
}

/// Tango's score interval on the −1…1 scale.
///
/// With b promoters, c detractors and n responses (scaled to the effective n when weighted), the
/// score statistic for H₀: Δ = d is Z(d) = (b − c − n·d) / √(n·(2·q(d) + d·(1 − d))), where q(d)
/// is the restricted maximum-likelihood estimate of the detractor share under H₀:
/// q = (√(B² − 4AC) − B) / 2A with A = 2n, B = −b − c + (2n − b + c)·d, C = −c·d·(1 − d).
/// Z falls as d rises; the bounds are where Z = +z and Z = −z.
fn tango(t: &Tally, n_eff: f64, z: f64) -> (f64, f64) {
    // Scale the counts to the effective sample size (a no-op without weights).
    let scale = n_eff / t.n();
    let (b, c, n) = (t.promoters * scale, t.detractors * scale, n_eff);
    let stat = |d: f64| {
        let a = 2.0 * n;
        let bb = -b - c + (2.0 * n - b + c) * d;
        let cc = -c * d * (1.0 - d);
        let disc = (bb * bb - 4.0 * a * cc).max(0.0);
        let q = (disc.sqrt() - bb) / (2.0 * a);
        (b - c - n * d) / (n * (2.0 * q + d * (1.0 - d))).sqrt()
    };
    let centre = t.net();
    // Bisection keeps the invariant stat(lo) > target ≥ stat(hi) (a NaN at a degenerate point
    // counts as "not above"), evaluating only interior points, so it cannot leave (−1, 1).
    let solve = |mut lo: f64, mut hi: f64, target: f64| {
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if stat(mid) > target {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-13 {
                break;
            }
        }
        0.5 * (lo + hi)
    };
    let low = if centre <= -1.0 {
        -1.0
    } else {
        solve(-1.0, centre, z)
    };
    let high = if centre >= 1.0 {
        1.0
    } else {
        solve(centre, 1.0, -z)
    };
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(d: f64, p: f64, r: f64) -> Tally {
        Tally::new(d, p, r)
    }

    #[test]
    fn z_is_the_familiar_quantile() {
        assert!((z_for(0.95) - 1.959963984540054).abs() < 1e-9);
        assert!((z_for(0.90) - 1.6448536269514722).abs() < 1e-9);
    }

    /// DESIGN.md §4: 40/60/100, Wald 95% CI 19.18…40.82.
    #[test]
    fn golden_wald() {
        let t = counts(40.0, 60.0, 100.0);
        let ci = interval(&t, 200.0, CiMethod::Wald, 0.95).unwrap();
        // By hand: SE = √(0.61/200) = 0.0552268, z·SE = 0.108244 → 30 ± 10.82.
        assert!((ci.low - 19.18).abs() < 0.005, "{ci:?}");
        assert!((ci.high - 40.82).abs() < 0.005, "{ci:?}");
        assert!((ci.margin_of_error - 10.8244).abs() < 0.001);
    }

    /// DESIGN.md §4: 40/60/100, adjusted-Wald NPS 29.56, CI 18.82…40.30 (to 0.01).
    #[test]
    fn golden_adjusted_wald() {
        let t = counts(40.0, 60.0, 100.0);
        let ci = interval(&t, 200.0, CiMethod::AdjustedWald, 0.95).unwrap();
        let adjusted = counts(40.75, 61.5, 100.75);
        assert!((100.0 * adjusted.net() - 29.56).abs() < 0.005);
        assert!((ci.low - 18.82).abs() < 0.005, "{ci:?}");
        assert!((ci.high - 40.30).abs() < 0.005, "{ci:?}");
    }

    #[test]
    fn intervals_are_clamped_to_the_nps_range() {
        // All ten responses promoters: Wald has zero width at 100, adjusted-Wald reaches past 100
        // before clamping.
        let t = counts(0.0, 0.0, 10.0);
        for method in [CiMethod::Wald, CiMethod::AdjustedWald, CiMethod::Score] {
            let ci = interval(&t, 10.0, method, 0.95).unwrap();
            assert!(ci.low >= -100.0 && ci.high <= 100.0, "{method:?} {ci:?}");
            assert!(ci.low <= ci.high);
        }
        let ci = interval(&t, 10.0, CiMethod::Score, 0.95).unwrap();
        assert_eq!(ci.high, 100.0);
        assert!(ci.low < 100.0 && ci.low > 0.0);
    }

    #[test]
    fn an_interval_always_reaches_the_observed_nps() {
        // One promoter: adjusted counts 0.75/1.5/1.75 of 4, net 0.25, V = 0.625 − 0.0625 =
        // 0.5625, SE = 0.375, so 25 ± 1.96·37.5 = −48.5…98.5 before reaching 100.
        let ci = interval(&counts(0.0, 0.0, 1.0), 1.0, CiMethod::AdjustedWald, 0.95).unwrap();
        assert!(
            (ci.low - (25.0 - 100.0 * 0.375 * z_for(0.95))).abs() < 1e-9,
            "{ci:?}"
        );
        assert_eq!(ci.high, 100.0);
        let ci = interval(&counts(3.0, 0.0, 0.0), 3.0, CiMethod::AdjustedWald, 0.95).unwrap();
        assert_eq!(ci.low, -100.0);
    }

    #[test]
    fn no_responses_no_interval() {
        assert!(interval(&counts(0.0, 0.0, 0.0), 0.0, CiMethod::Wald, 0.95).is_none());
    }

    /// Published Tango intervals for paired differences, reproduced at their printed precision:
    /// petelaud/ratesci `tests/testthat/test3.R` (plain Tango: `skew = FALSE, bcf = FALSE`) and
    /// ocbe-uio/contingencytables `tests/testthat/test-ch8.R`. Promoters play b (the cell
    /// counted positive), detractors c, and passives the concordant pairs: n − b − c.
    #[test]
    fn score_interval_matches_published_tango_values() {
        let cases = [
            // (b, c, n, level, low, high, printed decimals)
            (9.0, 3.0, 32.0, 0.95, -0.027, 0.390, 3),
            (0.0, 1.0, 44.0, 0.90, -0.096, 0.037, 3),
            (1.0, 7.0, 21.0, 0.95, -0.517, -0.026, 3),
            (16.0, 8.0, 86.0, 0.95, -0.020, 0.207, 3),
            (3.0, 1.0, 14.0, 0.95, -0.1670, 0.4327, 4),
            (25.0, 2.0, 102.0, 0.95, 0.139, 0.321, 3),
            (6.0, 16.0, 161.0, 0.95, -0.1240, -0.0054, 4),
        ];
        for (b, c, n, level, low, high, decimals) in cases {
            let t = counts(c, n - b - c, b);
            let ci = interval(&t, n, CiMethod::Score, level).unwrap();
            let round = |x: f64| {
                let f = 10f64.powi(decimals);
                (x / 100.0 * f).round() / f
            };
            assert_eq!(
                (round(ci.low), round(ci.high)),
                (low, high),
                "b={b} c={c} n={n}"
            );
        }
    }

    #[test]
    fn score_statistic_at_zero_is_mcnemar() {
        // With d = 0 the restricted estimate is q = (b + c)/2n and Z(0) = (b − c)/√(b + c),
        // McNemar's statistic: for b = 100, c = 40 that is 60/√140 = 5.0709 > 1.96, so 0 lies
        // outside the interval, and for b = 12, c = 8 it is 4/√20 = 0.894, so 0 lies inside.
        let far = interval(&counts(40.0, 60.0, 100.0), 200.0, CiMethod::Score, 0.95).unwrap();
        assert!(far.low > 0.0);
        let near = interval(&counts(8.0, 10.0, 12.0), 30.0, CiMethod::Score, 0.95).unwrap();
        assert!(near.low < 0.0 && near.high > 0.0);
    }
}
