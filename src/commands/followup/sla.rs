//! Deadlines: the due date of a response under `--sla`, in calendar days or, with
//! `--business-days`, Monday-to-Friday days (no holidays), and its status on the `--as-of` day.
//!
//! - due = the response's day + the category's days (business days: each day counted is a
//!   weekday, so a Friday response with 2 business days is due on Tuesday);
//! - days overdue = the days from the due date to the as-of day (business days: the weekdays
//!   after the due date up to and including the as-of day), 0 when not overdue;
//! - `overdue` when that is at least one day, `due` when the due date is the as-of day or the
//!   next day counted the same way ("due within a day"), `ok` otherwise. So with
//!   `--business-days` a deadline that passed on the Friday is `due` over the weekend (no
//!   business day has been missed yet) and 1 day overdue on Monday; one on Monday is `due` on
//!   the Friday before.

use chrono::{Datelike, Weekday};
use serde::Serialize;

use crate::cli::Sla;
use crate::ingest::dates::date_of;
use crate::metrics::tally::Category;

/// A response's status on the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Past its due date.
    Overdue,
    /// Due on the as-of day or the next day.
    Due,
    /// Due later.
    Ok,
    /// The response has no date: no deadline can be set.
    Undated,
}

impl Status {
    /// `overdue`, `due`, `ok`, `undated`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Due => "due",
            Status::Ok => "ok",
            Status::Undated => "undated",
        }
    }
}

/// The days `sla` gives a category.
pub fn days_for(sla: &Sla, category: Category) -> u32 {
    match category {
        Category::Detractor => sla.detractor,
        Category::Passive => sla.passive,
        Category::Promoter => sla.promoter,
    }
}

fn is_weekday(day: i32) -> bool {
    !matches!(date_of(day).weekday(), Weekday::Sat | Weekday::Sun)
}

/// The due day of a response on `day` given `days` to answer.
pub fn due(day: i32, days: u32, business: bool) -> i32 {
    if !business {
        return day + days as i32;
    }
    let mut at = day;
    let mut left = days;
    while left > 0 {
        at += 1;
        if is_weekday(at) {
            left -= 1;
        }
    }
    at
}

/// The status and the days overdue of a response due on `due`, on the day `as_of`.
pub fn status(due: i32, as_of: i32, business: bool) -> (Status, u32) {
    // The days after `from` up to and including `to`, as the deadline counts them.
    let days = |from: i32, to: i32| match business {
        false => (to - from) as u32,
        true => (from + 1..=to).filter(|&d| is_weekday(d)).count() as u32,
    };
    let (late, left) = match as_of > due {
        true => (days(due, as_of), 0),
        false => (0, days(as_of, due)),
    };
    if late > 0 {
        (Status::Overdue, late)
    } else if left <= 1 {
        (Status::Due, 0)
    } else {
        (Status::Ok, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::dates::days_since_epoch;

    fn day(s: &str) -> i32 {
        days_since_epoch(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn calendar_deadlines() {
        // 2025-11-10 is a Monday.
        assert_eq!(due(day("2025-11-10"), 7, false), day("2025-11-17"));
        assert_eq!(
            status(day("2025-11-17"), day("2025-11-20"), false),
            (Status::Overdue, 3)
        );
        assert_eq!(
            status(day("2025-11-20"), day("2025-11-20"), false),
            (Status::Due, 0)
        );
        assert_eq!(
            status(day("2025-11-21"), day("2025-11-20"), false),
            (Status::Due, 0)
        );
        assert_eq!(
            status(day("2025-11-22"), day("2025-11-20"), false),
            (Status::Ok, 0)
        );
    }

    #[test]
    fn business_deadlines_skip_weekends() {
        // Friday 2025-11-14 + 2 business days = Tuesday 2025-11-18.
        assert_eq!(due(day("2025-11-14"), 2, true), day("2025-11-18"));
        // Saturday + 1 business day = Monday.
        assert_eq!(due(day("2025-11-15"), 1, true), day("2025-11-17"));
        // Monday + 7 business days = Wednesday of the next week.
        assert_eq!(due(day("2025-11-10"), 7, true), day("2025-11-19"));
        // Due Friday 11-14, as of Tuesday 11-18: Monday and Tuesday late.
        assert_eq!(
            status(day("2025-11-14"), day("2025-11-18"), true),
            (Status::Overdue, 2)
        );
        assert_eq!(due(day("2025-11-14"), 0, true), day("2025-11-14"));
        // Due Friday 11-14: over the weekend no business day is missed yet; Monday is 1 late.
        for weekend in ["2025-11-15", "2025-11-16"] {
            assert_eq!(
                status(day("2025-11-14"), day(weekend), true),
                (Status::Due, 0)
            );
        }
        assert_eq!(
            status(day("2025-11-14"), day("2025-11-17"), true),
            (Status::Overdue, 1)
        );
        // Due Monday 11-17: within a business day on the Friday before, not two days later.
        assert_eq!(
            status(day("2025-11-17"), day("2025-11-14"), true),
            (Status::Due, 0)
        );
        assert_eq!(
            status(day("2025-11-18"), day("2025-11-14"), true),
            (Status::Ok, 0)
        );
    }
}
