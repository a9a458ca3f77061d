//! Response dates (DESIGN.md §3): read a cell into a calendar day in the user's time zone.
//!
//! Accepted: ISO 8601 with or without a zone (`2025-03-04T10:15:00Z`, `…+02:00`, `2025-03-04`),
//! `YYYY-MM-DD HH:MM[:SS]`, `YYYY/MM/DD`, epoch seconds (9–11 digits) and milliseconds (12–14
//! digits), and slash dates `M/D/YYYY` or `D/M/YYYY` (also two-digit years, with an optional
//! `H:MM[:SS]` time and AM/PM).
//!
//! Slash dates are decided per column from the data: a day above 12 in the first place means
//! D/M/Y, in the second place M/D/Y. A column where every date reads both ways cannot be decided
//! and is an error asking for `--date-format`; a column that needs both orders is an error too.
//! Nothing is guessed silently. Instants with a zone (and epoch times) are converted to `--tz`
//! (default UTC) before taking the day; times without a zone are taken as already local.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// The order of day and month in slash dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DayOrder {
    /// Month first: 3/14/2025 (United States).
    Mdy,
    /// Day first: 14/3/2025 (most of the world).
    Dmy,
}

/// A date cell read as far as it can be without knowing the column's day order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawDate {
    /// An instant: zone given, or epoch time (UTC).
    Instant(DateTime<chrono::FixedOffset>),
    /// A wall-clock time or date with no zone.
    Local(NaiveDateTime),
    /// `a/b/year time`, where (a, b) is (month, day) or (day, month).
    Slash {
        /// First number.
        a: u32,
        /// Second number.
        b: u32,
        /// Four-digit year.
        year: i32,
        /// Time of day (midnight when absent).
        time: NaiveTime,
    },
}

impl RawDate {
    /// The date as a person would write it (for messages).
    pub fn describe(&self) -> String {
        match *self {
            RawDate::Instant(t) => t.to_rfc3339(),
            RawDate::Local(t) => t.to_string(),
            RawDate::Slash { a, b, year, .. } => format!("{a}/{b}/{year}"),
        }
    }

    /// Which orders this cell can be read in: (as M/D/Y, as D/M/Y).
    pub fn fits(&self) -> (bool, bool) {
        match *self {
            RawDate::Slash { a, b, year, .. } => (
                NaiveDate::from_ymd_opt(year, a, b).is_some(),
                NaiveDate::from_ymd_opt(year, b, a).is_some(),
            ),
            _ => (true, true),
        }
    }

    /// The calendar day in `tz`, as days since 1970-01-01; `None` if the order makes it
    /// impossible (a 13th month).
    pub fn day(&self, order: Option<DayOrder>, tz: Tz) -> Option<i32> {
        let date = match *self {
            RawDate::Instant(t) => tz.from_utc_datetime(&t.naive_utc()).date_naive(),
            RawDate::Local(t) => t.date(),
            RawDate::Slash { a, b, year, .. } => match order? {
                DayOrder::Mdy => NaiveDate::from_ymd_opt(year, a, b)?,
                DayOrder::Dmy => NaiveDate::from_ymd_opt(year, b, a)?,
            },
        };
        Some(days_since_epoch(date))
    }
}

/// Days since 1970-01-01 of a date.
pub fn days_since_epoch(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - 719_163
}

/// The date of a day count.
pub fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163).unwrap_or(NaiveDate::MIN)
}

fn epoch(s: &str) -> Option<RawDate> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = s.parse().ok()?;
    let millis = match digits.len() {
        9..=11 => value.checked_mul(1000)?,
        12..=14 => value,
        _ => return None,
    };
    let t = DateTime::from_timestamp_millis(millis)?;
    Some(RawDate::Instant(t.fixed_offset()))
}

fn iso(s: &str) -> Option<RawDate> {
    // chrono's %Y accepts any number of digits, which would read the US date 9/8/18 as the year
    // 9: ISO forms must start with a four-digit year and a separator.
    let b = s.as_bytes();
    if b.len() < 10 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let t = s.replacen(' ', "T", 1);
    if let Ok(d) = DateTime::parse_from_rfc3339(&t) {
        return Some(RawDate::Instant(d));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(d) = DateTime::parse_from_str(&t, f) {
            return Some(RawDate::Instant(d));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%dT%H:%M:%S",
        "%Y/%m/%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(&t, f) {
            return Some(RawDate::Local(d));
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(RawDate::Local(d.and_time(NaiveTime::MIN)));
        }
    }
    None
}

fn clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    if s.is_empty() {
        return Some(NaiveTime::MIN);
    }
    let upper = s.to_ascii_uppercase();
    let (body, pm) = match upper.strip_suffix("PM").or(upper.strip_suffix("P.M.")) {
        Some(b) => (b.trim().to_string(), Some(true)),
        None => match upper.strip_suffix("AM").or(upper.strip_suffix("A.M.")) {
            Some(b) => (b.trim().to_string(), Some(false)),
            None => (upper.clone(), None),
        },
    };
    let parts: Vec<u32> = body
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (mut h, m, sec) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if let Some(pm) = pm {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

fn slash(s: &str) -> Option<RawDate> {
    let (date, time) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let parts: Vec<&str> = date.split('/').collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let all_digits =
        |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit());
    if ![a, b, y].iter().all(|p| all_digits(p)) || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year: i32 = match y.len() {
        4 => y.parse().ok()?,
        // Two-digit years pivot like strptime's %y: 69–99 → 19xx, 00–68 → 20xx.
        2 => {
            let yy: i32 = y.parse().ok()?;
            if yy >= 69 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
        _ => return None,
    };
    let raw = RawDate::Slash {
        a: a.parse().ok()?,
        b: b.parse().ok()?,
        year,
        time: clock(time)?,
    };
    let (mdy, dmy) = raw.fits();
    (mdy || dmy).then_some(raw)
}

/// Read one cell; `None` when it is not a date in any accepted form.
pub fn parse(cell: &str) -> Option<RawDate> {
    let s = cell.trim();
    if s.is_empty() {
        return None;
    }
    epoch(s).or_else(|| iso(s)).or_else(|| slash(s))
}

/// Why a column's day order could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderProblem {
    /// Every slash date reads both ways; the example is the first one.
    Ambiguous(usize),
    /// Some dates read only as D/M/Y, others only as M/D/Y (indices of one of each).
    Mixed {
        /// A date that is only valid month-first.
        mdy_only: usize,
        /// A date that is only valid day-first.
        dmy_only: usize,
    },
}

/// Decide the day order of a column from all its parsed cells. `Ok(None)` when the column has
/// no slash dates (the order does not matter).
pub fn decide_order(cells: &[Option<RawDate>]) -> Result<Option<DayOrder>, OrderProblem> {
    let mut first_slash = None;
    let (mut mdy_only, mut dmy_only) = (None, None);
    for (i, cell) in cells.iter().enumerate() {
        let Some(raw @ RawDate::Slash { .. }) = cell else {
            continue;
        };
        first_slash.get_or_insert(i);
        match raw.fits() {
            (true, false) => {
                mdy_only.get_or_insert(i);
            }
            (false, true) => {
                dmy_only.get_or_insert(i);
            }
            _ => {}
        }
    }
    match (first_slash, mdy_only, dmy_only) {
        (None, _, _) => Ok(None),
        (_, Some(m), Some(d)) => Err(OrderProblem::Mixed {
            mdy_only: m,
            dmy_only: d,
        }),
        (_, Some(_), None) => Ok(Some(DayOrder::Mdy)),
        (_, None, Some(_)) => Ok(Some(DayOrder::Dmy)),
        (Some(first), None, None) => Err(OrderProblem::Ambiguous(first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str, order: Option<DayOrder>, tz: Tz) -> Option<NaiveDate> {
        parse(s).and_then(|r| r.day(order, tz)).map(date_of)
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn iso_forms_and_zones() {
        let utc = Tz::UTC;
        assert_eq!(day("2025-03-04T10:15:00Z", None, utc), ymd(2025, 3, 4));
        assert_eq!(day("2025-03-04 10:15:00", None, utc), ymd(2025, 3, 4));
        assert_eq!(day("2025-03-04", None, utc), ymd(2025, 3, 4));
        assert_eq!(day("2025/03/04", None, utc), ymd(2025, 3, 4));
        assert_eq!(
            day("2025-03-04T10:15:00.123+02:00", None, utc),
            ymd(2025, 3, 4)
        );
        // 23:30 UTC is already the next day in Paris; a zone-less time stays as written.
        let paris: Tz = "Europe/Paris".parse().unwrap();
        assert_eq!(day("2025-03-04T23:30:00Z", None, paris), ymd(2025, 3, 5));
        assert_eq!(day("2025-03-04 23:30:00", None, paris), ymd(2025, 3, 4));
    }

    #[test]
    fn epoch_seconds_and_milliseconds() {
        // 1741082400 s = 2025-03-04T10:00:00Z (Delighted's created_at in the fixture).
        assert_eq!(day("1741082400", None, Tz::UTC), ymd(2025, 3, 4));
        assert_eq!(day("1741082400000", None, Tz::UTC), ymd(2025, 3, 4));
        assert_eq!(parse("2025"), None);
    }

    #[test]
    fn slash_dates_need_an_order() {
        let r = parse("9/8/18 15:29").unwrap();
        assert!(
            matches!(
                r,
                RawDate::Slash {
                    a: 9,
                    b: 8,
                    year: 2018,
                    ..
                }
            ),
            "{r:?}"
        );
        assert_eq!(
            r.day(Some(DayOrder::Mdy), Tz::UTC).map(date_of),
            ymd(2018, 9, 8)
        );
        assert_eq!(
            r.day(Some(DayOrder::Dmy), Tz::UTC).map(date_of),
            ymd(2018, 8, 9)
        );
        assert_eq!(r.day(None, Tz::UTC), None);
        assert_eq!(
            day("03/04/2025 09:02:07 PM", Some(DayOrder::Mdy), Tz::UTC),
            ymd(2025, 3, 4)
        );
        assert_eq!(parse("13/13/2025"), None);
        assert_eq!(parse("3/4/2025 25:00"), None);
    }

    #[test]
    fn the_order_is_decided_from_the_whole_column() {
        let col = |cells: &[&str]| cells.iter().map(|c| parse(c)).collect::<Vec<_>>();
        assert_eq!(
            decide_order(&col(&["3/4/2025", "3/14/2025"])),
            Ok(Some(DayOrder::Mdy))
        );
        assert_eq!(
            decide_order(&col(&["3/4/2025", "14/3/2025"])),
            Ok(Some(DayOrder::Dmy))
        );
        assert_eq!(
            decide_order(&col(&["", "3/4/2025", "5/6/2025"])),
            Err(OrderProblem::Ambiguous(1))
        );
        assert_eq!(
            decide_order(&col(&["3/14/2025", "14/3/2025"])),
            Err(OrderProblem::Mixed {
                mdy_only: 0,
                dmy_only: 1
            })
        );
        assert_eq!(decide_order(&col(&["2025-03-04", ""])), Ok(None));
    }
}
