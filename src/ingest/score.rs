//! Reading one score cell (DESIGN.md §3).
//!
//! Valid: an integer 0–10, written `9`, `9.0` (or `9,0` where the delimiter is `;`), `09`, or a
//! label with a leading number such as `10 - Extremely likely`. Blank (empty or white space,
//! non-breaking spaces included) is a non-response. Anything else — `11`, `-1`, `ten`, `n/a`,
//! `7.5` — is invalid: never rounded, never clamped.

use crate::error::{Error, Location};

/// What one score cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreCell {
    /// No answer.
    Blank,
    /// A valid score 0–10.
    Valid(u8),
    /// Something that is not a 0–10 score.
    Invalid,
}

/// The error for an invalid score under `--strict`, wherever it is found.
pub fn strict_error(file: &str, location: Location, column: &str, value: &str) -> Error {
    Error::Data {
        file: file.to_string(),
        location: Some(location),
        column: Some(column.to_string()),
        message: format!(
            "{value:?} is not a score from 0 to 10 (--strict); correct the value, or drop --strict to set such rows aside and count them"
        ),
    }
}

/// Read one cell. `decimal_comma` accepts `9,0` (files whose delimiter is `;`).
pub fn parse(raw: &str, decimal_comma: bool) -> ScoreCell {
    let s = raw.trim();
    if s.is_empty() {
        return ScoreCell::Blank;
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    // Three digits already exceed 10 unless they are leading zeros; more cannot be a score.
    if digits == 0 || digits > 3 {
        return ScoreCell::Invalid;
    }
    let (number, rest) = s.split_at(digits);
    let Ok(value) = number.parse::<u8>() else {
        return ScoreCell::Invalid;
    };
    let valid = |v: u8| {
        if v <= 10 {
            ScoreCell::Valid(v)
        } else {
            ScoreCell::Invalid
        }
    };
    if rest.is_empty() {
        return valid(value);
    }
    let mut chars = rest.chars();
    let first = chars.next().unwrap_or(' ');
    if first == '.' || (decimal_comma && first == ',') {
        // A fractional part is fine only when it is all zeros: 9.0, 10.00.
        let fraction = chars.as_str();
        if !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') {
            return valid(value);
        }
        return ScoreCell::Invalid;
    }
    // A label: `10 - Extremely likely`, `0 – Not at all likely`, `9 (very likely)`.
    let separator = first.is_whitespace() || matches!(first, '-' | '–' | '—' | ':' | '(' | '=');
    if separator && rest.chars().any(char::is_alphabetic) {
        return valid(value);
    }
    ScoreCell::Invalid
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScoreCell::*;

    #[test]
    fn valid_forms() {
        for (raw, v) in [
            ("0", 0),
            ("10", 10),
            (" 9 ", 9),
            ("\u{a0}7\u{a0}", 7),
            ("09", 9),
            ("9.0", 9),
            ("10.00", 10),
            ("10 - Extremely likely", 10),
            ("0 - Not at all likely", 0),
            ("8 – plutôt", 8),
            ("9 (very likely)", 9),
        ] {
            assert_eq!(parse(raw, false), Valid(v), "{raw:?}");
        }
        assert_eq!(parse("9,0", true), Valid(9));
    }

    #[test]
    fn blanks() {
        for raw in ["", "   ", "\u{a0}", "\t"] {
            assert_eq!(parse(raw, false), Blank, "{raw:?}");
        }
    }

    #[test]
    fn invalid_values_are_never_rounded_or_clamped() {
        for raw in [
            "11", "-1", "ten", "n/a", "N/A", "7.5", "9.", "9,0", "100", "1000", "10 11", "9/10",
            "+9", "1e1", "inf", "9 -",
        ] {
            assert_eq!(parse(raw, false), Invalid, "{raw:?}");
        }
        assert_eq!(parse("7,5", true), Invalid);
    }
}
