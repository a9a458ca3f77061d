//! Reading one score cell (DESIGN.md §3).
//!
//! Valid: an integer 0–10, written `9`, `9.0` (or `9,0` where the delimiter is `;`), `09`, or a
//! label with a leading number such as `10 - Extremely likely`. Blank (empty or white space,
//! non-breaking spaces included) is a non-response, and so is a missing-value token ([`Missing`]:
//! `NA`, `N/A`, `#N/A`, `NULL`, `None`, `NaN`, `-`, `.` in any case, as R, Excel, pandas and SQL
//! exports write them; `--na` changes the list). Anything else — `11`, `-1`, `ten`, `7.5` — is
//! invalid: never rounded, never clamped.

use std::sync::Arc;

use crate::error::{Error, Location};

/// The missing-value tokens of DESIGN.md §3, compared with the trimmed cell in any (ASCII) case.
pub const DEFAULT_MISSING: [&str; 8] = ["NA", "N/A", "#N/A", "NULL", "None", "NaN", "-", "."];

/// Cells that mean "no answer" in the score column. Cheap to clone (every chunk of a pass holds
/// one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(Arc<[String]>);

impl Default for Missing {
    fn default() -> Self {
        Missing(DEFAULT_MISSING.iter().map(|t| t.to_string()).collect())
    }
}

impl Missing {
    /// `--na TOKENS`: comma-separated tokens replacing the default list, or with a leading `+`
    /// added to it; `--na ""` leaves only empty cells blank. A token that reads as a valid score
    /// would hide answers and is refused.
    pub fn parse(spec: &str) -> Result<Missing, String> {
        let (mut tokens, list) = match spec.strip_prefix('+') {
            Some(rest) => (Missing::default().0.to_vec(), rest),
            None => (Vec::new(), spec),
        };
        for token in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if let ScoreCell::Valid(v) = parse(token, true, &Missing::none()) {
                return Err(format!(
                    "{token:?} reads as the score {v}; a missing-value token cannot be a score"
                ));
            }
            tokens.push(token.to_string());
        }
        Ok(Missing(tokens.into()))
    }

    /// No token: only empty cells are blank.
    pub fn none() -> Missing {
        Missing(Arc::new([]))
    }

    /// Whether the trimmed cell is one of the tokens.
    pub fn contains(&self, trimmed: &str) -> bool {
        self.0.iter().any(|t| t.eq_ignore_ascii_case(trimmed))
    }

    /// The tokens, for reports.
    pub fn tokens(&self) -> &[String] {
        &self.0
    }
}

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

/// Read one cell. `decimal_comma` accepts `9,0` (files whose delimiter is `;`); a cell that is
/// not a score but one of the `missing` tokens is blank.
pub fn parse(raw: &str, decimal_comma: bool, missing: &Missing) -> ScoreCell {
    let s = raw.trim();
    if s.is_empty() {
        return ScoreCell::Blank;
    }
    // Valid scores never reach the token list: it costs nothing on the common path.
    match read(s, decimal_comma) {
        ScoreCell::Invalid if missing.contains(s) => ScoreCell::Blank,
        cell => cell,
    }
}

/// A trimmed, non-empty cell as a score or not.
fn read(s: &str, decimal_comma: bool) -> ScoreCell {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return ScoreCell::Invalid;
    }
    // Leading zeros are as many as the export wrote (`09`, `0009`; finding F48); past them,
    // three digits already exceed 10.
    let zeros = s
        .bytes()
        .take(digits - 1)
        .take_while(|&b| b == b'0')
        .count();
    if digits - zeros > 2 {
        return ScoreCell::Invalid;
    }
    let (number, rest) = (&s[zeros..digits], &s[digits..]);
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
            ("009", 9),
            ("0009", 9),
            ("000010", 10),
            ("00", 0),
            ("9.0", 9),
            ("10.00", 10),
            ("10 - Extremely likely", 10),
            ("0 - Not at all likely", 0),
            ("8 – plutôt", 8),
            ("9 (very likely)", 9),
        ] {
            assert_eq!(parse(raw, false, &Missing::default()), Valid(v), "{raw:?}");
        }
        assert_eq!(parse("9,0", true, &Missing::default()), Valid(9));
    }

    #[test]
    fn blanks() {
        for raw in ["", "   ", "\u{a0}", "\t"] {
            assert_eq!(parse(raw, false, &Missing::none()), Blank, "{raw:?}");
        }
    }

    #[test]
    fn missing_value_tokens_are_blank_in_any_case() {
        let na = Missing::default();
        for raw in [
            "NA", "na", "N/A", "n/a", " #N/A ", "NULL", "null", "None", "NONE", "NaN", "nan", "-",
            ".",
        ] {
            assert_eq!(parse(raw, false, &na), Blank, "{raw:?}");
            assert_eq!(parse(raw, false, &Missing::none()), Invalid, "{raw:?}");
        }
        for raw in ["N.A.", "nil", "--", "n / a", "NA9"] {
            assert_eq!(parse(raw, false, &na), Invalid, "{raw:?}");
        }
    }

    #[test]
    fn na_flag_replaces_or_adds_and_refuses_scores() {
        let only = Missing::parse("99, don't know").unwrap();
        assert_eq!(parse("99", false, &only), Blank);
        assert_eq!(parse("Don't Know", false, &only), Blank);
        assert_eq!(parse("NA", false, &only), Invalid);
        let added = Missing::parse("+99").unwrap();
        assert_eq!(parse("99", false, &added), Blank);
        assert_eq!(parse("NA", false, &added), Blank);
        assert_eq!(Missing::parse("").unwrap(), Missing::none());
        assert!(Missing::parse("NA,10")
            .unwrap_err()
            .contains("\"10\" reads as the score 10"));
        assert!(Missing::parse("+9.0").is_err());
    }

    #[test]
    fn invalid_values_are_never_rounded_or_clamped() {
        for raw in [
            "11", "-1", "ten", "7.5", "9.", "9,0", "100", "1000", "00011", "10 11", "9/10", "+9",
            "1e1", "inf", "9 -",
        ] {
            assert_eq!(parse(raw, false, &Missing::default()), Invalid, "{raw:?}");
        }
        assert_eq!(parse("7,5", true, &Missing::default()), Invalid);
    }
}
