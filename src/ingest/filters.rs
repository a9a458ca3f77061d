//! Row filters that work on whole columns after the pass over an input: usable weights, and
//! `--dedupe`, which keeps one answer per respondent across every input.

use crate::cli::Dedupe;

/// Why a row without a usable weight is set aside under `--weight`.
pub const NO_WEIGHT: &str = "no usable --weight value (blank, negative or not a number)";

/// A usable weight: a finite number ≥ 0 (`1,5` accepted where the delimiter is `;`).
pub fn parse_weight(cell: &str, decimal_comma: bool) -> Option<f64> {
    let text = if decimal_comma {
        cell.replace(',', ".")
    } else {
        cell.to_string()
    };
    text.parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w >= 0.0)
}

/// An amount of money or a count (`--value`: revenue, seats) as exports write it: `1200`,
/// `$1,200.50`, `1 200,50 €`, `CHF 1'200`, `12.5k` is not one. Currency signs and codes, spaces
/// and apostrophes are left out; with both `,` and `.` the last is the decimal mark; a lone `,`
/// followed by groups of three digits groups thousands (`1,200`), else it is the decimal mark
/// (`12,5`); several dots group thousands (`1.234.567`), one is the decimal mark (`1.200` is
/// 1.2: a lone dot is read as most exports write it). `Ok(None)` for a blank cell; `Err` for text that is no amount, or a negative or
/// infinite one (a value at risk is never below zero).
pub fn parse_amount(cell: &str) -> Result<Option<f64>, NotAnAmount> {
    let kept: String = cell
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '’' | '$' | '€' | '£' | '¥'))
        .collect();
    let kept = kept.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let kept = kept.trim_end_matches(|c: char| c.is_ascii_uppercase());
    if kept.is_empty() {
        return match cell.trim().is_empty() {
            true => Ok(None),
            false => Err(NotAnAmount),
        };
    }
    let number = match (kept.rfind(','), kept.rfind('.')) {
        (Some(c), Some(d)) if c > d => kept.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => kept.replace(',', ""),
        (Some(_), None) => {
            let groups: Vec<&str> = kept.split(',').collect();
            let thousands = groups.len() > 1
                && (1..=3).contains(&groups[0].trim_start_matches('-').len())
                && groups[1..].iter().all(|g| g.len() == 3);
            match thousands {
                true => kept.replace(',', ""),
                false => kept.replace(',', "."),
            }
        }
        // Several dots can only group thousands ("1.234.567", as German and Italian exports
        // write it); one dot is a decimal point ("1.5", and "1.200" is 1.2).
        (None, Some(_)) if kept.matches('.').count() > 1 => {
            let groups: Vec<&str> = kept.split('.').collect();
            let thousands = (1..=3).contains(&groups[0].trim_start_matches('-').len())
                && groups[1..].iter().all(|g| g.len() == 3);
            match thousands {
                true => kept.replace('.', ""),
                false => return Err(NotAnAmount),
            }
        }
        _ => kept.to_string(),
    };
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(NotAnAmount),
    }
}

/// A cell that [`parse_amount`] cannot read as an amount of zero or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnAmount;

/// Keep the elements of `v` whose flag in `keep` is true (an empty `v` stays empty).
pub fn retain_mask<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut flags = keep.iter();
    v.retain(|_| *flags.next().unwrap_or(&true));
}

/// Which rows `--dedupe` keeps: per respondent id, the latest (or first) by day, unknown days
/// counting as the oldest (or the newest), file order breaking ties; rows without an id are kept.
pub fn dedupe(ids: &[Option<String>], days: &[Option<i32>], which: Dedupe) -> Vec<bool> {
    let rank = |i: usize| {
        let day = days.get(i).copied().flatten();
        match which {
            // Later day, then later row, wins.
            Dedupe::Latest => (day.map_or(i64::MIN, i64::from), i as i64),
            // Earlier day, then earlier row, wins: negate so that "larger wins" still holds.
            Dedupe::First => (day.map_or(i64::MIN, |d| -i64::from(d)), -(i as i64)),
        }
    };
    let mut best: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            let slot = best.entry(id.as_str()).or_insert(i);
            if rank(i) > rank(*slot) {
                *slot = i;
            }
        }
    }
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            id.as_ref()
                .is_none_or(|id| best.get(id.as_str()) == Some(&i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_exports_write_them() {
        for (text, value) in [
            ("1200", 1200.0),
            ("$1,200.50", 1200.5),
            ("1 200,50 €", 1200.5),
            ("1.200,50", 1200.5),
            ("CHF 1'200", 1200.0),
            ("1,200", 1200.0),
            ("1,200,300", 1_200_300.0),
            ("1.234.567", 1_234_567.0),
            ("1.5", 1.5),
            ("12,5", 12.5),
            ("300 USD", 300.0),
            ("0", 0.0),
        ] {
            assert_eq!(parse_amount(text), Ok(Some(value)), "{text}");
        }
        assert_eq!(parse_amount("  "), Ok(None));
        for bad in [
            "abc", "-500", "$-5", "inf", "12.5k", "USD", "1,2,3", "1.2.3",
        ] {
            assert_eq!(parse_amount(bad), Err(NotAnAmount), "{bad}");
        }
    }

    #[test]
    fn weights_must_be_finite_and_not_negative() {
        assert_eq!(parse_weight("2.5", false), Some(2.5));
        assert_eq!(parse_weight("2,5", true), Some(2.5));
        assert_eq!(parse_weight("0", false), Some(0.0));
        for bad in ["", "-1", "abc", "inf", "NaN", "2,5"] {
            assert_eq!(parse_weight(bad, false), None, "{bad:?}");
        }
    }

    #[test]
    fn dedupe_keeps_the_latest_or_first_answer_per_id() {
        let id = |s: &str| Some(s.to_string());
        let ids = vec![id("a"), id("b"), id("a"), None, id("a"), id("b")];
        let days = vec![Some(10), Some(5), Some(30), Some(1), Some(20), Some(5)];
        // a: days 10, 30, 20 → latest is row 2, first is row 0; b: a tie on day 5 → the later
        // row (5) for latest, the earlier row (1) for first; no id → kept.
        assert_eq!(
            dedupe(&ids, &days, Dedupe::Latest),
            [false, false, true, true, false, true]
        );
        assert_eq!(
            dedupe(&ids, &days, Dedupe::First),
            [true, true, false, true, false, false]
        );
    }
}
