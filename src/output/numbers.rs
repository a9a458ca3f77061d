//! The one place numbers are formatted for people. JSON never passes through here: it carries the
//! unrounded values.

/// `n` and the noun, singular for one: "1 respondent", "3 respondents" (`noun` takes an `s`).
pub fn count(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// The verb that agrees with `n` things: `singular` for one, `plural` otherwise
/// (`"1 response is"`, `"2 responses are"`).
pub fn agree<'v>(n: u64, singular: &'v str, plural: &'v str) -> &'v str {
    match n {
        1 => singular,
        _ => plural,
    }
}

/// An NPS, a bound or a difference in points: `48.4`, `-3.0`. Never `-0.0`.
pub fn points(x: f64, decimals: u8) -> String {
    let s = format!("{x:.prec$}", prec = usize::from(decimals));
    // Rounding a small negative to zero must not print a sign.
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A share in 0…1 as a percentage: `8.0%`.
pub fn percent(share: f64, decimals: u8) -> String {
    format!("{}%", points(100.0 * share, decimals))
}

/// A difference in points with its sign: `+5.0`, `-3.0`, and `0.0` when it rounds to zero.
pub fn signed(x: f64, decimals: u8) -> String {
    let s = points(x, decimals);
    if x > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

/// A p-value for a table: three decimals, `<0.001` below that.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// A confidence level as a percentage without needless decimals: `95%`, `99.5%`.
pub fn level(confidence: f64) -> String {
    let p = 100.0 * confidence;
    // The fewest decimals that show the level as given, so that 99.9999% is never "100%"
    // (finding F28); at most 12, beyond which f64 percentages carry noise.
    let decimals = (0..=12)
        .find(|&d| {
            let shown: f64 = format!("{p:.d$}", d = d).parse().unwrap_or(p);
            (shown - p).abs() < 1e-9 * p.abs().max(1.0) && (shown < 100.0 || p >= 100.0)
        })
        .unwrap_or(12);
    format!("{p:.decimals$}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_takes_the_singular() {
        assert_eq!(count(0, "respondent"), "0 respondents");
        assert_eq!(count(1, "respondent"), "1 respondent");
        assert_eq!(count(2, "respondent"), "2 respondents");
    }

    #[test]
    fn rounding_and_signs() {
        assert_eq!(points(48.368953880764906, 1), "48.4");
        assert_eq!(points(48.368953880764906, 2), "48.37");
        assert_eq!(points(-0.04, 1), "0.0");
        assert_eq!(points(-3.0, 0), "-3");
        assert_eq!(percent(0.0798, 1), "8.0%");
        assert_eq!(level(0.95), "95%");
        assert_eq!(level(0.995), "99.5%");
        // Finding F28: a level near 100% is never shown as 100%.
        assert_eq!(level(0.9999999999), "99.99999999%");
        assert_eq!(level(0.999999), "99.9999%");
        assert_eq!(level(0.9), "90%");
        assert_eq!(level(0.5), "50%");
        assert_eq!(signed(5.04, 1), "+5.0");
        assert_eq!(signed(0.01, 1), "0.0");
        assert_eq!(signed(-3.0, 1), "-3.0");
        assert_eq!(p_value(0.0004), "<0.001");
        assert_eq!(p_value(0.0565), "0.057");
    }
}
