//! What happened to every row: the counts every report carries and their reasons.
//!
//! Invariant, per input and in total:
//! `read = used + blank + invalid + excluded + filtered + deduplicated`.

use serde::Serialize;

use super::dates::DayOrder;
use crate::error::Location;

/// How many invalid values are kept as examples (per input and in total).
pub const EXAMPLES: usize = 5;

/// A score cell that was set aside as invalid.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidValue {
    /// The input it came from.
    pub file: String,
    /// Where in that input.
    pub location: Location,
    /// The score column's name.
    pub column: String,
    /// The cell as written.
    pub value: String,
}

/// Rows excluded for one reason.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Excluded {
    /// Why (e.g. "Qualtrics survey preview (Status 1)").
    pub reason: String,
    /// How many rows.
    pub rows: u64,
}

/// What happened to every row read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowAccounting {
    /// Data rows read (header rows not counted).
    pub read: u64,
    /// Rows whose score was valid and which were used.
    pub used: u64,
    /// Rows with a blank score (non-responses).
    pub blank: u64,
    /// Rows whose score was not a valid 0–10 value.
    pub invalid: u64,
    /// Rows excluded by the platform's own markers, by reason (sorted by reason).
    pub excluded: Vec<Excluded>,
    /// Rows removed by `--where`, `--since` or `--until`, by reason (sorted by reason).
    pub filtered: Vec<Excluded>,
    /// Valid responses dropped by `--dedupe` (another answer of the same respondent was kept).
    pub deduplicated: u64,
    /// The first invalid values, with their file, row and column.
    pub invalid_examples: Vec<InvalidValue>,
}

impl RowAccounting {
    /// Total rows excluded for any reason.
    pub fn excluded_total(&self) -> u64 {
        self.excluded.iter().map(|e| e.rows).sum()
    }

    /// Total rows removed by filters.
    pub fn filtered_total(&self) -> u64 {
        self.filtered.iter().map(|e| e.rows).sum()
    }

    pub(super) fn exclude(&mut self, reason: &str) {
        self.exclude_many(reason, 1);
    }

    pub(super) fn filter(&mut self, reason: &str) {
        self.filter_many(reason, 1);
    }

    pub(super) fn exclude_many(&mut self, reason: &str, rows: u64) {
        add_reason(&mut self.excluded, reason, rows);
    }

    pub(super) fn filter_many(&mut self, reason: &str, rows: u64) {
        add_reason(&mut self.filtered, reason, rows);
    }

    pub(super) fn absorb(&mut self, other: &RowAccounting) {
        self.read += other.read;
        self.used += other.used;
        self.blank += other.blank;
        self.invalid += other.invalid;
        for e in &other.excluded {
            add_reason(&mut self.excluded, &e.reason, e.rows);
        }
        for e in &other.filtered {
            add_reason(&mut self.filtered, &e.reason, e.rows);
        }
        self.deduplicated += other.deduplicated;
        let room = EXAMPLES.saturating_sub(self.invalid_examples.len());
        self.invalid_examples
            .extend(other.invalid_examples.iter().take(room).cloned());
    }
}

/// Add `rows` to the entry for `reason`, keeping the list sorted by reason.
fn add_reason(list: &mut Vec<Excluded>, reason: &str, rows: u64) {
    match list.iter_mut().find(|e| e.reason == reason) {
        Some(e) => e.rows += rows,
        None => {
            list.push(Excluded {
                reason: reason.to_string(),
                rows,
            });
            list.sort_by(|a, b| a.reason.cmp(&b.reason));
        }
    }
}

/// How one input's dates were read (for the rows whose score was used).
#[derive(Debug, Clone, Serialize)]
pub struct DateReport {
    /// The date column.
    pub column: String,
    /// The day order of slash dates, if the column has any.
    pub order: Option<DayOrder>,
    /// Why that order (`--date-format`, or the row that decided it).
    pub order_reason: Option<String>,
    /// The time zone days are taken in.
    pub tz: String,
    /// Used rows with a readable date.
    pub dated: u64,
    /// Used rows whose date cell is blank.
    pub blank: u64,
    /// Used rows whose date cannot be read.
    pub invalid: u64,
    /// The first unreadable dates.
    pub invalid_examples: Vec<InvalidValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounting_merges_and_keeps_exclusions_sorted() {
        let mut a = RowAccounting {
            read: 3,
            ..RowAccounting::default()
        };
        a.exclude("b");
        a.exclude("a");
        a.exclude("b");
        let mut total = RowAccounting::default();
        total.absorb(&a);
        total.absorb(&a);
        assert_eq!(total.read, 6);
        assert_eq!(
            total.excluded,
            vec![
                Excluded {
                    reason: "a".into(),
                    rows: 2
                },
                Excluded {
                    reason: "b".into(),
                    rows: 4
                }
            ]
        );
        assert_eq!(total.excluded_total(), 6);
    }
}
