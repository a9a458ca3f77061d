//! Calendar periods for trends: which period a day falls in, the next period, and its label.
//!
//! Days are counted from 1970-01-01 in the user's time zone (see `ingest::dates`). Weeks are ISO
//! weeks: they start on Monday and belong to the ISO year of their Thursday, so 2024-12-30 is in
//! `2025-W01`. Labels: `2025-03-04`, `2025-W07`, `2025-03`, `2025-Q1`, `2025`.

use chrono::{Datelike, NaiveDate};

use crate::ingest::dates::{date_of, days_since_epoch};

/// How long a trend period is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// The first day of the period holding `day`.
pub fn start(day: i32, every: Every) -> i32 {
    let d = date_of(day);
    match every {
        Every::Day => day,
        Every::Week => day - d.weekday().num_days_from_monday() as i32,
        Every::Month => days_since_epoch(first_of(d.year(), d.month())),
        Every::Quarter => days_since_epoch(first_of(d.year(), 1 + 3 * ((d.month() - 1) / 3))),
        Every::Year => days_since_epoch(first_of(d.year(), 1)),
    }
}

/// The first day of the period after the one starting at `start`.
pub fn next(start: i32, every: Every) -> i32 {
    let d = date_of(start);
    let months = |m: u32| {
        let total = d.year() * 12 + d.month0() as i32 + m as i32;
        days_since_epoch(first_of(
            total.div_euclid(12),
            total.rem_euclid(12) as u32 + 1,
        ))
    };
    match every {
        Every::Day => start + 1,
        Every::Week => start + 7,
        Every::Month => months(1),
        Every::Quarter => months(3),
        Every::Year => months(12),
    }
}

/// The label of the period starting at `start`.
pub fn label(start: i32, every: Every) -> String {
    let d = date_of(start);
    match every {
        Every::Day => d.format("%Y-%m-%d").to_string(),
        Every::Week => {
            let w = d.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        Every::Month => d.format("%Y-%m").to_string(),
        Every::Quarter => format!("{}-Q{}", d.year(), 1 + d.month0() / 3),
        Every::Year => d.year().to_string(),
    }
}

/// A period's length in days, roughly (for sizing, never for placing a day).
pub fn approx_days(every: Every) -> f64 {
    // The Gregorian calendar's averages: 400 years are 146,097 days.
    const YEAR: f64 = 146_097.0 / 400.0;
    match every {
        Every::Day => 1.0,
        Every::Week => 7.0,
        Every::Month => YEAR / 12.0,
        Every::Quarter => YEAR / 4.0,
        Every::Year => YEAR,
    }
}

/// Every period start from the one holding `first` to the one holding `last`, empty ones
/// included.
pub fn range(first: i32, last: i32, every: Every) -> Vec<i32> {
    let mut out = Vec::new();
    let mut p = start(first, every);
    while p <= last {
        out.push(p);
        p = next(p, every);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> i32 {
        days_since_epoch(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn labels_and_starts() {
        let d = day(2025, 2, 14); // a Friday
        assert_eq!(label(start(d, Every::Day), Every::Day), "2025-02-14");
        assert_eq!(start(d, Every::Week), day(2025, 2, 10)); // the Monday
        assert_eq!(label(start(d, Every::Week), Every::Week), "2025-W07");
        assert_eq!(label(start(d, Every::Month), Every::Month), "2025-02");
        assert_eq!(label(start(d, Every::Quarter), Every::Quarter), "2025-Q1");
        assert_eq!(label(start(d, Every::Year), Every::Year), "2025");
        // ISO week-year: Monday 2024-12-30 starts 2025-W01.
        assert_eq!(
            label(start(day(2024, 12, 31), Every::Week), Every::Week),
            "2025-W01"
        );
    }

    #[test]
    fn next_periods_cross_year_ends() {
        assert_eq!(next(day(2025, 12, 1), Every::Month), day(2026, 1, 1));
        assert_eq!(next(day(2025, 10, 1), Every::Quarter), day(2026, 1, 1));
        assert_eq!(next(day(2024, 1, 1), Every::Year), day(2025, 1, 1));
    }

    #[test]
    fn ranges_include_empty_periods() {
        let months = range(day(2025, 1, 20), day(2025, 4, 2), Every::Month);
        let labels: Vec<String> = months.iter().map(|&m| label(m, Every::Month)).collect();
        assert_eq!(labels, ["2025-01", "2025-02", "2025-03", "2025-04"]);
    }
}
