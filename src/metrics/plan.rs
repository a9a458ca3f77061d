//! Planning maths (DESIGN.md §4): how many responses a margin of error needs, and what margin and
//! smallest detectable change a number of responses gives. On the −1…1 scale, with per-response
//! variance V = p₊ + p₋ − (p₊ − p₋)² (worst case V = 1, all promoters or detractors in equal parts):
//! - n = z²·V / m² for a margin of ±m;
//! - m = z·√(V/n) for n responses;
//! - the smallest change two samples of n each detect with the given power (two-sided test at the
//!   confidence level): (z_{1−α/2} + z_power)·√(2V/n).

use statrs::distribution::{ContinuousCDF, Normal};

use super::interval::z_for;

/// V for an expected share of promoters and detractors (0–1 each), or the worst case, 1.
pub fn variance(expected: Option<(f64, f64)>) -> f64 {
    match expected {
        Some((promoters, detractors)) => promoters + detractors - (promoters - detractors).powi(2),
        None => 1.0,
    }
}

/// Responses needed for a margin of ±`margin` NPS points.
pub fn sample_size(margin: f64, confidence: f64, variance: f64) -> u64 {
    let z = z_for(confidence);
    let m = margin / 100.0;
    // A hair below an integer is that integer (1536.9999999 from rounding is 1537, not 1538).
    let n = z * z * variance / (m * m);
    (n - 1e-9).ceil().max(1.0) as u64
}

/// The margin, in NPS points, of `n` responses.
pub fn margin(n: u64, confidence: f64, variance: f64) -> f64 {
    100.0 * z_for(confidence) * (variance / n as f64).sqrt()
}

/// The smallest change in NPS points between two samples of `n` responses each that a two-sided
/// test at `confidence` detects with probability `power`.
pub fn detectable_change(n: u64, confidence: f64, power: f64, variance: f64) -> f64 {
    let z_power = Normal::standard().inverse_cdf(power);
    100.0 * (z_for(confidence) + z_power) * (2.0 * variance / n as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DESIGN.md §4's golden planning figures: ±5 points at 95% → n = 1,537; n = 400 → ±9.8.
    #[test]
    fn design_golden_figures() {
        assert_eq!(sample_size(5.0, 0.95, 1.0), 1537);
        assert!((margin(400, 0.95, 1.0) - 9.8).abs() < 0.005);
    }

    /// By hand: V = 0.5 + 0.2 − 0.3² = 0.61; n = 1.959964² × 0.61 / 0.05² = 937.3 → 938.
    /// Detectable change at n = 400, power 0.8: (1.959964 + 0.841621) × √(2/400) × 100 = 19.81.
    #[test]
    fn expected_mix_and_detectable_change() {
        assert!((variance(Some((0.5, 0.2))) - 0.61).abs() < 1e-12);
        assert_eq!(sample_size(5.0, 0.95, 0.61), 938);
        let d = detectable_change(400, 0.95, 0.8, 1.0);
        assert!(
            (d - 2.801585 * (2.0f64 / 400.0).sqrt() * 100.0).abs() < 1e-3,
            "{d}"
        );
        assert!((d - 19.81).abs() < 0.01, "{d}");
    }
}
