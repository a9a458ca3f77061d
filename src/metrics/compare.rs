//! Two-sample comparison of NPS and the Holm correction for many comparisons (DESIGN.md §4).
//!
//! Δ = NPS₁ − NPS₂ (signed, observed), SE_Δ = √(V₁/n₁ + V₂/n₂), z = Δ/SE_Δ, two-sided p from the
//! standard normal. With the adjusted-Wald method (the default) each group's NPS, V and n come
//! from its adjusted counts (+0.75 D, +1.5 P, +0.75 R, n + 3) for the test and the interval of
//! Δ, which keeps small or unanimous groups from looking significant; the reported Δ is still the
//! observed one. With Wald everything comes from the raw counts. Tango's method has no two-sample
//! form here, so `score` uses the adjusted-Wald standard error for tests.
//!
//! No test is ever read against a standard error of 0 (which gave z = 0, p = 1 for a 200-point
//! gap, or z = ∞: findings F7 and F12). Where the raw spread is 0 — two unanimous groups under
//! Wald, or pairs that all changed by the same amount — the test falls back on the adjusted-Wald
//! counts, whose SE is never 0, and says so in [`Difference::note`].

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::interval::z_for;
use super::tally::{Distribution, Tally};
use crate::cli::CiMethod;

/// The difference between two groups' NPS, in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// NPS₁ − NPS₂, points.
    pub delta: f64,
    /// Standard error of the difference, points.
    pub standard_error: f64,
    /// The test statistic: Δ / SE, a z, or a Student t when [`Difference::df`] is given. Always
    /// finite.
    pub z: f64,
    /// Degrees of freedom when `z` is a Student t (the paired test); absent for a z.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower bound of Δ's confidence interval, points.
    pub low: f64,
    /// Upper bound of Δ's confidence interval, points.
    pub high: f64,
    /// Why the test is not the one asked for, when it fell back (see the module docs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// [`Difference::note`] when two unanimous groups leave the Wald test without a standard error.
pub const UNANIMOUS_GROUPS: &str =
    "each group gave one answer category only, so the Wald standard error is 0: tested on adjusted-Wald counts";

/// [`Difference::note`] when every pair changed by the same amount.
pub const SAME_CHANGE: &str = "every pair changed by the same amount, so the changes have no spread to test against: tested as two groups on adjusted-Wald counts";

fn adjusted(t: &Tally) -> Tally {
    Tally::new(t.detractors + 0.75, t.passives + 1.5, t.promoters + 0.75)
}

/// Compare group `a` with group `b` (effective sizes `n_a`, `n_b`; with weights, pass
/// [`Distribution::scaled_tally`] and [`Distribution::effective_n`]).
///
/// Returns `None` when either group is empty.
pub fn difference_of(
    a: &Distribution,
    b: &Distribution,
    method: CiMethod,
    confidence: f64,
) -> Option<Difference> {
    difference(
        &a.scaled_tally(),
        a.effective_n(),
        &b.scaled_tally(),
        b.effective_n(),
        method,
        confidence,
    )
}

/// The same from tallies and effective sizes.
pub fn difference(
    a: &Tally,
    n_a: f64,
    b: &Tally,
    n_b: f64,
    method: CiMethod,
    confidence: f64,
) -> Option<Difference> {
    if a.n() <= 0.0 || b.n() <= 0.0 {
        return None;
    }
    let delta = 100.0 * (a.net() - b.net());
    if method == CiMethod::Wald {
        let se = 100.0 * (a.variance() / n_a + b.variance() / n_b).sqrt();
        if se > 0.0 {
            return Some(normal_test(delta, delta, se, confidence, None));
        }
        // V = 0 only for a group all in one category. Two such groups leave nothing to divide
        // by; the adjusted counts below are what DESIGN.md §4 prescribes for two samples anyway.
    }
    // With the adjustment, the test and the interval use the adjusted difference as well as the
    // adjusted variances (as the one-sample interval does, and Agresti–Caffo for two
    // proportions): dividing the raw Δ by an adjusted SE makes tiny groups look significant.
    // Each adjusted group has 1.5 passives and 0.75 of each other kind, so its V is never 0.
    let (aa, ab) = (adjusted(a), adjusted(b));
    let se = 100.0 * (aa.variance() / (n_a + 3.0) + ab.variance() / (n_b + 3.0)).sqrt();
    let note = (method == CiMethod::Wald).then_some(UNANIMOUS_GROUPS);
    Some(normal_test(
        delta,
        100.0 * (aa.net() - ab.net()),
        se,
        confidence,
        note,
    ))
}

/// The z test of `tested` (points) with standard error `se` > 0, reporting the observed `delta`.
fn normal_test(
    delta: f64,
    tested: f64,
    se: f64,
    confidence: f64,
    note: Option<&'static str>,
) -> Difference {
    let z = tested / se;
    // The survival function keeps tiny p-values that 1 − Φ(|z|) rounds to 0.
    let p_value = 2.0 * Normal::standard().sf(z.abs());
    let half = z_for(confidence) * se;
    Difference {
        delta,
        standard_error: se,
        z,
        df: None,
        p_value: p_value.clamp(0.0, 1.0),
        // Reaching the observed Δ, which an interval around adjusted counts may leave out for
        // small unanimous groups ("Δ 200.0 (CI 20.0 to 180.0)", finding F27).
        low: (tested - half).max(-200.0).min(delta),
        high: (tested + half).min(200.0).max(delta),
        note,
    }
}

/// The NPS change of the same respondents answering twice (`nps compare --paired`).
///
/// Each respondent counts +1 as a promoter, 0 as a passive and −1 as a detractor, so their
/// change dᵢ is in −2…2 and the NPS difference is 100·mean(d). Its standard error is the sample
/// standard deviation of d over √pairs, and t = mean/SE is read against Student's t with
/// pairs − 1 degrees of freedom (the paired t-test; the normal would call three pairs
/// significant far too readily). When every pair changed by the same amount the SD is 0 and t
/// has no value: the same respondents' answers are then tested as two groups on adjusted-Wald
/// counts ([`SAME_CHANGE`]). `pairs` holds (score in A, score in B); `None` below two pairs.
pub fn paired(pairs: &[(u8, u8)], confidence: f64) -> Option<Difference> {
    if pairs.len() < 2 {
        return None;
    }
    let sign = |s: u8| match s {
        0..=6 => -1.0,
        7..=8 => 0.0,
        _ => 1.0,
    };
    let n = pairs.len() as f64;
    let d: Vec<f64> = pairs.iter().map(|&(a, b)| sign(b) - sign(a)).collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    if se > 0.0 {
        let df = n - 1.0;
        // Location 0, scale 1 and df ≥ 1 are always valid; `?` only satisfies the type.
        let t_dist = StudentsT::new(0.0, 1.0, df).ok()?;
        let t = mean / se;
        let p_value = 2.0 * t_dist.sf(t.abs());
        let half = 100.0 * t_dist.inverse_cdf(1.0 - (1.0 - confidence) / 2.0) * se;
        return Some(Difference {
            delta: 100.0 * mean,
            standard_error: 100.0 * se,
            z: t,
            df: Some(df),
            p_value: p_value.clamp(0.0, 1.0),
            low: (100.0 * mean - half).max(-200.0),
            high: (100.0 * mean + half).min(200.0),
            note: None,
        });
    }
    // B − A as two groups: 100·(net_B − net_A) is exactly 100·mean(d).
    let tally = |side: fn(&(u8, u8)) -> u8| {
        let mut t = Tally::new(0.0, 0.0, 0.0);
        for pair in pairs {
            match sign(side(pair)) {
                s if s < 0.0 => t.detractors += 1.0,
                s if s > 0.0 => t.promoters += 1.0,
                _ => t.passives += 1.0,
            }
        }
        t
    };
    let (a, b) = (tally(|p| p.0), tally(|p| p.1));
    let mut two_groups = difference(&b, n, &a, n, CiMethod::AdjustedWald, confidence)?;
    two_groups.note = Some(SAME_CHANGE);
    Some(two_groups)
}

/// The pooled two-proportion z test of x₁/n₁ against x₂/n₂: (p₁ − p₂, z, two-sided p).
/// `None` when a side has no one; p = 1 when nobody or everybody has the trait on both sides
/// (nothing to tell apart).
pub fn two_proportions(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, f64, f64)> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return Some((p1 - p2, 0.0, 1.0));
    }
    let z = (p1 - p2) / se;
    Some((
        p1 - p2,
        z,
        (2.0 * Normal::standard().sf(z.abs())).clamp(0.0, 1.0),
    ))
}

/// Holm's step-down adjustment of p-values (Holm 1979), returned in the input order.
///
/// Sorted ascending, p₍ᵢ₎ becomes max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). NaN p-values (no
/// test possible) stay NaN and do not count towards m.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]).then(i.cmp(&j)));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p_values.len()];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let candidate = ((m - rank) as f64 * p_values[i]).min(1.0);
        running = running.max(candidate);
        adjusted[i] = running;
    }
    adjusted
}

/// [`holm`] over tests that may not have been made (`None`: no p-value, and no adjusted one).
pub fn holm_some(p_values: &[Option<f64>]) -> Vec<Option<f64>> {
    let raw: Vec<f64> = p_values.iter().map(|p| p.unwrap_or(f64::NAN)).collect();
    holm(&raw)
        .into_iter()
        .map(|p| (!p.is_nan()).then_some(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: 30/100 vs 10/100 → pooled 0.2, SE = √(0.2·0.8·0.02) = 0.0565685,
    /// z = 0.2/0.0565685 = 3.535534, p = 2·(1 − Φ(3.535534)) = 0.000407.
    #[test]
    fn two_proportions_by_hand() {
        let (d, z, p) = two_proportions(30, 100, 10, 100).unwrap();
        assert!((d - 0.2).abs() < 1e-12);
        assert!((z - 3.535534).abs() < 1e-6, "{z}");
        assert!((p - 0.000407).abs() < 1e-6, "{p}");
        assert_eq!(two_proportions(0, 10, 0, 20), Some((0.0, 0.0, 1.0)));
        assert_eq!(two_proportions(1, 0, 0, 20), None);
    }

    /// DESIGN.md §4: 40/60/100 vs 50/70/80 → Δ = 15.0, z = 1.907, p = 0.0565 (Wald, to 0.001).
    #[test]
    fn golden_two_sample_vector() {
        let a = Tally::new(40.0, 60.0, 100.0);
        let b = Tally::new(50.0, 70.0, 80.0);
        let d = difference(&a, 200.0, &b, 200.0, CiMethod::Wald, 0.95).unwrap();
        assert!((d.delta - 15.0).abs() < 1e-9);
        assert!((d.z - 1.907).abs() < 0.001, "{d:?}");
        assert!((d.p_value - 0.0565).abs() < 0.001, "{d:?}");
        // By hand: SE = √(0.61/200 + 0.6275/200) = 7.8661 points; Δ ± 1.96·SE.
        assert!((d.standard_error - 7.8661).abs() < 0.0005, "{d:?}");
        assert!((d.low - (15.0 - 15.4172)).abs() < 0.0005, "{d:?}");
    }

    /// Two promoters against a detractor and a passive. Adjusted: D/P/R 0.75/1.5/2.75 (net 0.4,
    /// V 0.70 − 0.16 = 0.54) and 1.75/2.5/0.75 (net −0.2, V 0.50 − 0.04 = 0.46), n 5 each:
    /// SE = √(0.54/5 + 0.46/5) = √0.2, z = 0.6/0.44721 = 1.34164, p = 0.1797 — not the
    /// p < 0.001 that the raw Δ of 150 points over the same SE would claim.
    #[test]
    fn tiny_groups_are_tested_on_adjusted_counts() {
        let d = difference(
            &Tally::new(0.0, 0.0, 2.0),
            2.0,
            &Tally::new(1.0, 1.0, 0.0),
            2.0,
            CiMethod::AdjustedWald,
            0.95,
        )
        .unwrap();
        assert!((d.delta - 150.0).abs() < 1e-9);
        assert!((d.z - 1.34164).abs() < 1e-5, "{d:?}");
        assert!((d.p_value - 0.1797).abs() < 1e-4, "{d:?}");
    }

    #[test]
    fn the_difference_is_signed() {
        let a = Tally::new(40.0, 60.0, 100.0);
        let b = Tally::new(50.0, 70.0, 80.0);
        let ab = difference(&a, 200.0, &b, 200.0, CiMethod::AdjustedWald, 0.95).unwrap();
        let ba = difference(&b, 200.0, &a, 200.0, CiMethod::AdjustedWald, 0.95).unwrap();
        assert_eq!(ab.delta, -ba.delta);
        assert_eq!(ab.p_value, ba.p_value);
        assert!(difference(
            &a,
            200.0,
            &Tally::new(0.0, 0.0, 0.0),
            0.0,
            CiMethod::Wald,
            0.95
        )
        .is_none());
    }

    /// Hand-worked: changes +2, 0, +1, −2, 0 → mean 0.2 (Δ = 20 points, the same as the
    /// unpaired 40 − 20); variance 8.8/4 = 2.2; SE = √(2.2/5) = 0.66332; t = 0.2/0.66332 =
    /// 1/√11 = 0.30151 on 4 df. The t distribution with 4 df has a closed form: with
    /// x = t/√(t² + 4) = 1/√45, the two-sided p = 1 − (3/2)·x + x³/2 = 0.778050 (the normal
    /// said 0.763). t₀.₉₇₅(4) = 2.776445: 20 ± 184.17 → −164.17 to 200 (clamped).
    #[test]
    fn paired_hand_worked() {
        let d = paired(&[(3, 9), (9, 9), (7, 10), (10, 6), (8, 8)], 0.95).unwrap();
        assert!((d.delta - 20.0).abs() < 1e-9);
        assert!((d.standard_error - 66.332).abs() < 0.001, "{d:?}");
        assert!((d.z - 1.0 / 11f64.sqrt()).abs() < 1e-12, "{d:?}");
        assert_eq!(d.df, Some(4.0));
        let x = 1.0 / 45f64.sqrt();
        assert!(
            (d.p_value - (1.0 - 1.5 * x + x.powi(3) / 2.0)).abs() < 1e-9,
            "{d:?}"
        );
        assert!(
            (d.low - (20.0 - 2.776445 * 66.332_495)).abs() < 1e-3,
            "{d:?}"
        );
        assert_eq!(d.high, 200.0);
        assert_eq!(d.note, None);
        assert!(paired(&[(3, 9)], 0.95).is_none());
    }

    /// Finding F12. Three pairs changing +2, +2, +1 (0→9, 6→10, 7→10): mean 5/3, variance
    /// ((1/3)²·2 + (2/3)²)/2 = 1/3, SE = √(1/9) = 1/3, t = 5 on 2 df. With 2 df,
    /// P(|T| > t) = 1 − t/√(t² + 2) = 1 − 5/√27 = 0.037750 (the normal said p < 0.0001).
    /// t₀.₉₇₅(2) = 0.95·√(2/(1 − 0.95²)) = 4.302653: 166.67 ± 143.42 → 23.24 to 200 (clamped).
    #[test]
    fn paired_three_pairs_read_t_on_two_df() {
        let d = paired(&[(0, 9), (6, 10), (7, 10)], 0.95).unwrap();
        assert!((d.delta - 500.0 / 3.0).abs() < 1e-9, "{d:?}");
        assert!((d.z - 5.0).abs() < 1e-9, "{d:?}");
        assert_eq!(d.df, Some(2.0));
        assert!(
            (d.p_value - (1.0 - 5.0 / 27f64.sqrt())).abs() < 1e-9,
            "{d:?}"
        );
        let t975 = 0.95 * (2.0 / (1.0 - 0.95f64 * 0.95)).sqrt();
        assert!(
            (d.low - 100.0 * (5.0 / 3.0 - t975 / 3.0)).abs() < 1e-6,
            "{d:?}"
        );
        assert_eq!(d.high, 200.0);
    }

    /// Finding F12. Every pair 0 → 10 (a change of +2 each): sd 0, so t has no value (it used to
    /// print z = ∞ and an interval of 200 to 200). Tested as two groups, adjusted:
    /// A = 3 D → 3.75/1.5/0.75, n 6: net −0.5, V = 4.5/6 − 0.25 = 0.5;
    /// B = 3 R → 0.75/1.5/3.75, n 6: net +0.5, V = 0.5.
    /// SE = √(0.5/6 + 0.5/6) = √(1/6) = 0.408248; z = 1/SE = √6 = 2.449490;
    /// p = 2·(1 − Φ(2.449490)) = 0.014306; Δ′ ± 1.959964·SE = 100 ± 80.015 points.
    /// No change at all (every pair 5 → 5) gives Δ′ = 0, z = 0, p = 1 and a real interval.
    #[test]
    fn paired_changes_without_spread_fall_back_on_adjusted_counts() {
        let d = paired(&[(0, 10), (0, 10), (0, 10)], 0.95).unwrap();
        assert!((d.delta - 200.0).abs() < 1e-9, "{d:?}");
        assert!((d.z - 6f64.sqrt()).abs() < 1e-9, "{d:?}");
        assert_eq!(d.df, None);
        assert!((d.p_value - 0.014306).abs() < 1e-6, "{d:?}");
        let half = z_for(0.95) * 100.0 / 6f64.sqrt();
        assert!((d.low - (100.0 - half)).abs() < 1e-9, "{d:?}");
        // 100 + half = 180.0 would leave out the observed 200: the interval reaches it (F27).
        assert!(100.0 + half < 200.0);
        assert_eq!(d.high, 200.0, "{d:?}");
        assert_eq!(d.note, Some(SAME_CHANGE));
        let none = paired(&[(5, 5), (5, 5)], 0.95).unwrap();
        assert_eq!((none.delta, none.z, none.p_value), (0.0, 0.0, 1.0));
        assert!(none.high - none.low > 50.0, "{none:?}");
    }

    /// Finding F7. Two detractors against two promoters under Wald: both raw variances are 0
    /// (the test used to report z = 0, p = 1 for a 200-point gap). Adjusted:
    /// A = 2.75/1.5/0.75, n 5: net −0.4, p₊ + p₋ = 3.5/5 = 0.7, V = 0.7 − 0.16 = 0.54;
    /// B = 0.75/1.5/2.75: net +0.4, V = 0.54.
    /// SE = √(0.54/5 + 0.54/5) = √0.216 = 0.464758; z = −0.8/0.464758 = −1.721326;
    /// p = 2·(1 − Φ(1.721326)) = erfc(1.721326/√2) = 0.085192;
    /// Δ′ ± 1.959964·SE = −80 ± 91.09 → −171.09 to 11.09, widened to reach the observed Δ of −200.
    #[test]
    fn wald_on_two_unanimous_groups_tests_adjusted_counts() {
        let d = difference(
            &Tally::new(2.0, 0.0, 0.0),
            2.0,
            &Tally::new(0.0, 0.0, 2.0),
            2.0,
            CiMethod::Wald,
            0.95,
        )
        .unwrap();
        assert!((d.delta + 200.0).abs() < 1e-9, "{d:?}");
        assert!(
            (d.standard_error - 100.0 * 0.216f64.sqrt()).abs() < 1e-9,
            "{d:?}"
        );
        assert!((d.z + 0.8 / 0.216f64.sqrt()).abs() < 1e-9, "{d:?}");
        assert!((d.p_value - 0.085192).abs() < 1e-6, "{d:?}");
        // Δ′ − z·SE = −171.09 would leave out the observed −200: the interval reaches it
        // (F27); its other end stays Δ′ + z·SE.
        assert_eq!(d.low, -200.0, "{d:?}");
        assert!(
            (d.high - (-80.0 + z_for(0.95) * 46.4758)).abs() < 1e-3,
            "{d:?}"
        );
        assert_eq!(d.note, Some(UNANIMOUS_GROUPS));
        // Two unanimous groups that agree: no difference, p = 1, still a real interval.
        let same = difference(
            &Tally::new(0.0, 3.0, 0.0),
            3.0,
            &Tally::new(0.0, 5.0, 0.0),
            5.0,
            CiMethod::Wald,
            0.95,
        )
        .unwrap();
        assert_eq!((same.delta, same.z, same.p_value), (0.0, 0.0, 1.0));
        assert!(same.high > same.low, "{same:?}");
        // Wald with any spread is untouched (the golden vector above) and carries no note.
        let spread = difference(
            &Tally::new(1.0, 0.0, 1.0),
            2.0,
            &Tally::new(0.0, 0.0, 2.0),
            2.0,
            CiMethod::Wald,
            0.95,
        )
        .unwrap();
        assert_eq!(spread.note, None);
        // A: net 0, V 1; B: V 0. SE = √(1/2), z = −1/√(1/2) = −√2.
        assert!((spread.z + 2f64.sqrt()).abs() < 1e-12, "{spread:?}");
    }

    /// Hand-worked three-segment example: p = 0.01, 0.04, 0.03 (m = 3). Sorted: 0.01·3 = 0.03;
    /// 0.03·2 = 0.06; 0.04·1 = 0.04, raised to the running maximum 0.06.
    #[test]
    fn holm_hand_worked() {
        let adj = holm(&[0.01, 0.04, 0.03]);
        let expected = [0.03, 0.06, 0.06];
        for (a, e) in adj.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{adj:?}");
        }
        let with_nan = holm(&[0.5, f64::NAN, 0.6]);
        assert!(with_nan[1].is_nan());
        assert_eq!(with_nan[0], 1.0_f64.min(0.5 * 2.0));
        assert_eq!(with_nan[2], 1.0);
    }

    /// Tests not made count for nothing: p = 0.01, none, 0.04 is Holm over m = 2:
    /// 0.01·2 = 0.02, then 0.04·1 = 0.04 (above the running maximum 0.02).
    #[test]
    fn holm_skips_tests_not_made() {
        let adj = holm_some(&[Some(0.01), None, Some(0.04)]);
        assert_eq!(adj[1], None);
        assert!((adj[0].unwrap() - 0.02).abs() < 1e-12, "{adj:?}");
        assert!((adj[2].unwrap() - 0.04).abs() < 1e-12, "{adj:?}");
    }
}
