//! Judging and counting rows, shared by every counted pass (delimited text, NDJSON, Parquet,
//! streams): a [`Context`] holds what the plan and options say about each row, a [`Tally`] counts
//! one chunk's rows by (carried cells, day, score) exactly as the record pass judges them;
//! [`super::merge`] adds chunk tallies up in input order.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::{Map, NotFast};
use crate::error::Location;
use crate::ingest::accounting::{RowAccounting, EXAMPLES};
use crate::ingest::comments::CommentTally;
use crate::ingest::dates::{self, DayOrder, RawDate};
use crate::ingest::filters::{parse_weight, NO_WEIGHT};
use crate::ingest::options::Options;
use crate::ingest::plan::Plan;
use crate::ingest::preset;
use crate::ingest::score::{self, ScoreCell};
use crate::ingest::whole::{Batch, Head};

/// A chunk refuses an invalid score under `--strict` (the record pass names its line): a file is
/// then read by the record pass; a stream, which cannot start over, reports it itself.
pub(super) const STRICT_INVALID: NotFast =
    "--strict meets an invalid score (the record pass names its line)";

/// A chunk refuses a slash date when no `--date-format` is given: the record pass decides the day
/// order from the whole column.
pub(super) const SLASH_DATES: NotFast =
    "slash dates: their day order is decided from the whole column";

/// Everything needed to judge rows.
pub(super) struct Context<'p> {
    pub(super) plan: &'p Plan,
    pub(super) score: usize,
    /// `--where` conditions as the accounting names them.
    pub(super) filter_reasons: Vec<String>,
    pub(super) order: Option<DayOrder>,
    pub(super) tz: chrono_tz::Tz,
    pub(super) since: Option<i32>,
    pub(super) until: Option<i32>,
    pub(super) strict: bool,
    /// Responses are counted per day (else the day only filters).
    pub(super) days_wanted: bool,
    /// Each response is kept (`--dedupe`, `--weight`, `--paired` need them), not counted.
    pub(super) per_response: bool,
    /// Each used response's tags are written out (`nps themes --per-response`).
    pub(super) rows_out: bool,
    /// Each used response is handed out whole (`nps followup`, `nps risk`).
    pub(super) whole: bool,
}

impl<'p> Context<'p> {
    pub(super) fn new(options: &Options, plan: &'p Plan, score: usize) -> Self {
        Context {
            plan,
            score,
            filter_reasons: plan.filters.iter().map(|(_, f)| f.to_string()).collect(),
            order: options.date_order,
            tz: options.tz,
            since: options.since.map(dates::days_since_epoch),
            until: options.until.map(dates::days_since_epoch),
            strict: options.strict,
            days_wanted: options.need_dates,
            per_response: options.dedupe.is_some() || options.weight.is_some() || options.need_ids,
            rows_out: options.rows_out.is_some(),
            whole: options.whole.is_some(),
        }
    }
}

/// A chunk's bytes as text, if they are UTF-8 without a NUL byte (the record pass decodes or
/// rejects anything else in ways a chunk on its own cannot repeat).
pub(super) fn chunk_text(bytes: &[u8]) -> Result<&str, NotFast> {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        return Err("the text is not valid UTF-8");
    };
    if memchr::memchr(0, bytes).is_some() {
        return Err("the text holds a NUL byte");
    }
    Ok(text)
}

/// A date cell, as the record pass would place it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum DateCell {
    Blank,
    /// Not a date in any accepted form.
    Unreadable,
    /// A slash date that does not exist in the given order (a 13th month).
    Impossible,
    Day(i32),
}

/// Distinct values of one carried column: 0 stands for a blank cell, k for `values[k - 1]`.
#[derive(Default)]
pub(super) struct Interner {
    pub(super) ids: Map<Box<str>, u32>,
    pub(super) values: Vec<Box<str>>,
}

impl Interner {
    pub(super) fn id(&mut self, cell: &str) -> u32 {
        if cell.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(cell) {
            return id;
        }
        self.values.push(cell.into());
        let id = self.values.len() as u32;
        self.ids.insert(cell.into(), id);
        id
    }

    pub(super) fn value(&self, id: u32) -> Option<String> {
        (id > 0).then(|| self.values[id as usize - 1].to_string())
    }
}

/// The last date read and its day: consecutive rows often share a date.
#[derive(Default)]
pub(super) struct DateMemo {
    pub(super) text: String,
    pub(super) cell: Option<DateCell>,
    /// The `YYYY-MM` of the last ISO timestamp, the day of its first and its number of days:
    /// rows often share a month when their days differ.
    pub(super) month: [u8; 7],
    pub(super) month_days: Option<(i32, u32)>,
}

/// What one chunk counted.
#[derive(Default)]
pub(super) struct Tally {
    /// Rows read, used, blank, invalid, excluded and filtered (no examples: see `invalid`).
    pub(super) rows: RowAccounting,
    /// The first invalid score cells: offset of their record, cell as written.
    pub(super) invalid: Vec<(usize, String)>,
    pub(super) dated: u64,
    pub(super) undated: u64,
    pub(super) bad_dates: u64,
    /// The first unreadable date cells: offset of their record, trimmed cell.
    pub(super) bad_date_examples: Vec<(usize, String)>,
    pub(super) interners: Vec<Interner>,
    /// Group key (carried cell ids, then day tag and day) → index in `counts`.
    pub(super) groups: Map<Vec<u32>, usize>,
    pub(super) counts: Vec<[u64; 11]>,
    /// Each used response, in input order, when the context asks for them instead of counts.
    pub(super) responses: Responses,
    /// Quotes and `--per-response` rows, when comments are read.
    pub(super) comments: CommentTally,
}

/// Used responses one by one, as the record pass keeps them: what `--dedupe`, `--weight` and
/// `--paired` need. Memory grows with what is kept (ids, carried cells), not with the input.
#[derive(Default)]
pub(super) struct Responses {
    pub(super) scores: Vec<u8>,
    /// Per carried column, each response's trimmed cell (`None` when blank).
    pub(super) kept: Vec<Vec<Option<String>>>,
    pub(super) days: Vec<Option<i32>>,
    pub(super) ids: Vec<Option<String>>,
    pub(super) weights: Vec<f64>,
}

impl Responses {
    pub(super) fn append(&mut self, other: &mut Responses) {
        self.scores.append(&mut other.scores);
        if self.kept.len() < other.kept.len() {
            self.kept.resize_with(other.kept.len(), Vec::new);
        }
        for (all, more) in self.kept.iter_mut().zip(other.kept.iter_mut()) {
            all.append(more);
        }
        self.days.append(&mut other.days);
        self.ids.append(&mut other.ids);
        self.weights.append(&mut other.weights);
    }
}

impl Tally {
    pub(super) fn new(plan: &Plan) -> Self {
        Tally {
            interners: (0..plan.carried()).map(|_| Interner::default()).collect(),
            ..Tally::default()
        }
    }

    /// A tally for a chunk of `bytes` bytes: with rows handed out (`rows_out`), room for a row
    /// per 48 bytes is reserved at once, so that the rows are never copied to a larger vector
    /// as it grows (each copy also faults fresh pages in: 7% of `nps followup`'s samples at 1M
    /// rows); whole responses get room for as many rows and their text. Room never written to
    /// costs address space, not memory.
    pub(super) fn for_chunk(context: &Context, bytes: usize) -> Self {
        let mut tally = Tally::new(context.plan);
        if context.rows_out {
            tally.comments.rows.reserve(bytes / 48 + 1);
        }
        if context.whole {
            tally.comments.whole_at.reserve(bytes / 48 + 1);
            if let Some(comments) = &context.plan.comments {
                let cells = comments.whole.as_ref().map_or(0, Vec::len);
                let mut batch = Batch::new(comments.source, cells);
                batch.reserve(bytes / 48 + 1, bytes);
                tally.comments.whole = Some(batch);
            }
        }
        tally
    }

    /// Judge `times` identical records exactly as the record pass judges each: `cell` gives
    /// their cells, `date` places their date cell, `record` locates the first for examples
    /// (`None` when rows cannot be located, as after grouping: a record that would need an
    /// example is then left to the record pass).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn rows<'c>(
        &mut self,
        context: &Context,
        cell: impl Fn(usize) -> Cow<'c, str>,
        date: impl FnOnce(&Cow<'c, str>) -> Result<DateCell, NotFast>,
        record: Option<usize>,
        times: u64,
        key: &mut Vec<u32>,
    ) -> Result<(), NotFast> {
        let plan = context.plan;
        self.rows.read += times;
        if let Some(status) = plan.layout.status_column() {
            if let Some(reason) = preset::exclusion_of(&cell(status)) {
                self.rows.exclude_many(reason, times);
                return Ok(());
            }
        }
        if let Some(f) = plan.failed_filter(&cell) {
            self.rows.filter_many(&context.filter_reasons[f], times);
            return Ok(());
        }
        let date_text = plan.date.map(&cell).unwrap_or_default();
        let date = match plan.date {
            Some(_) => date(&date_text)?,
            None => DateCell::Blank,
        };
        if context.since.is_some() || context.until.is_some() {
            let reason = match date {
                DateCell::Day(day) if context.since.is_some_and(|s| day < s) => {
                    Some("before --since")
                }
                DateCell::Day(day) if context.until.is_some_and(|u| day > u) => {
                    Some("after --until")
                }
                DateCell::Day(_) => None,
                _ => Some("no readable date (--since/--until)"),
            };
            if let Some(reason) = reason {
                self.rows.filter_many(reason, times);
                return Ok(());
            }
        }
        let weight = match plan.weight {
            Some(i) => match parse_weight(cell(i).trim(), plan.decimal_comma) {
                Some(w) => Some(w),
                None => {
                    self.rows.filter_many(NO_WEIGHT, times);
                    return Ok(());
                }
            },
            None => None,
        };
        let raw_score = cell(context.score);
        let value = match score::parse(&raw_score, plan.decimal_comma, &plan.missing) {
            ScoreCell::Blank => {
                self.rows.blank += times;
                return Ok(());
            }
            ScoreCell::Invalid if context.strict => return Err(STRICT_INVALID),
            ScoreCell::Invalid => {
                let Some(record) = record else {
                    return Err("invalid scores are located by the record pass");
                };
                self.rows.invalid += times;
                if self.invalid.len() < EXAMPLES {
                    self.invalid.push((record, raw_score.into_owned()));
                }
                return Ok(());
            }
            ScoreCell::Valid(v) => v,
        };
        self.rows.used += times;
        if plan.date.is_some() {
            match date {
                DateCell::Day(_) => self.dated += times,
                DateCell::Blank => self.undated += times,
                DateCell::Impossible => self.bad_dates += times,
                DateCell::Unreadable => {
                    let Some(record) = record else {
                        return Err("unreadable dates are located by the record pass");
                    };
                    self.bad_dates += times;
                    if self.bad_date_examples.len() < EXAMPLES {
                        self.bad_date_examples
                            .push((record, date_text.trim().to_string()));
                    }
                }
            }
        }
        let comment = match &plan.comments {
            Some(comments) => {
                if times != 1 {
                    return Err("comments are tagged one record at a time");
                }
                let group = comments.grams.and_then(|g| {
                    let day = match date {
                        DateCell::Day(d) => Some(d),
                        _ => None,
                    };
                    g.group(day, |k| plan.keep.get(k).map(|&i| cell(i)))
                });
                let tagged =
                    comments.tag(&cell, value, &mut self.comments.evidence, group.as_deref());
                if context.rows_out || context.whole {
                    let Some(record) = record else {
                        return Err("per-response rows are located by the record pass");
                    };
                    if context.whole {
                        let head = Head {
                            location: Location::Line(0),
                            score: value,
                            day: match date {
                                DateCell::Day(d) => Some(d),
                                _ => None,
                            },
                            lang: tagged.tagged.lang,
                        };
                        comments.push_whole(&mut self.comments.whole, &cell, head);
                        self.comments.whole_at.push(record);
                    } else {
                        let row = comments.row(&tagged, &cell, Location::Line(0), value);
                        self.comments.rows.push((record, row));
                    }
                }
                Some(tagged.key)
            }
            None => None,
        };
        if context.per_response {
            if times != 1 {
                return Err("responses are kept one by one from records, not from groups");
            }
            let kept = &mut self.responses.kept;
            kept.resize_with(plan.carried(), Vec::new);
            for (values, &i) in kept.iter_mut().zip(&plan.keep) {
                values.push(Some(cell(i).trim().to_string()).filter(|c| !c.is_empty()));
            }
            if let Some(key) = comment {
                kept[plan.keep.len()].push(Some(key));
            }
            self.responses.scores.push(value);
            if plan.date.is_some() {
                let day = match date {
                    DateCell::Day(day) => Some(day),
                    _ => None,
                };
                self.responses.days.push(day);
            }
            let id = plan.id.map(&cell);
            // A placeholder ("n/a") is no id: --dedupe never joins responses on it.
            let id = id
                .as_deref()
                .map(str::trim)
                .and_then(super::super::contact::id);
            self.responses.ids.push(id.map(String::from));
            self.responses.weights.extend(weight);
            return Ok(());
        }
        key.clear();
        for (interner, &i) in self.interners.iter_mut().zip(&plan.keep) {
            key.push(interner.id(cell(i).trim()));
        }
        if let Some(comment) = &comment {
            key.push(self.interners[plan.keep.len()].id(comment));
        }
        match date {
            DateCell::Day(day) if context.days_wanted => key.extend([1, day as u32]),
            _ => key.extend([0, 0]),
        }
        let slot = match self.groups.get(key.as_slice()) {
            Some(&slot) => slot,
            None => {
                self.counts.push([0; 11]);
                self.groups.insert(key.clone(), self.counts.len() - 1);
                self.counts.len() - 1
            }
        };
        self.counts[slot][value as usize] += times;
        Ok(())
    }
}

/// Place a trimmed date cell in a day, as `dates::parse` and `RawDate::day` do.
pub(super) fn read_date(
    context: &Context,
    text: &str,
    memo: &mut DateMemo,
) -> Result<DateCell, NotFast> {
    if text.is_empty() {
        return Ok(DateCell::Blank);
    }
    // Before the memo: reading an ISO timestamp costs less than comparing and copying it.
    if let Some(day) = iso_utc_day(context, text, memo) {
        return Ok(DateCell::Day(day));
    }
    if let Some(cell) = memo.cell.filter(|_| memo.text == text) {
        return Ok(cell);
    }
    let cell = match dates::parse(text) {
        None => DateCell::Unreadable,
        Some(RawDate::Slash { .. }) if context.order.is_none() => return Err(SLASH_DATES),
        Some(raw) => raw
            .day(context.order, context.tz)
            .map_or(DateCell::Impossible, DateCell::Day),
    };
    memo.text.clear();
    memo.text.push_str(text);
    memo.cell = Some(cell);
    Ok(cell)
}

/// The day of `YYYY-MM-DDTHH:MM:SSZ` when days are taken in UTC: the date as written, once the
/// whole timestamp is known to be valid. Anything else is left to `dates::parse`.
pub(super) fn iso_utc_day(context: &Context, text: &str, memo: &mut DateMemo) -> Option<i32> {
    let b = text.as_bytes();
    if context.tz != chrono_tz::UTC || b.len() != 20 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let shape = b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if !shape || digits(11..13)? > 23 || digits(14..16)? > 59 || digits(17..19)? > 59 {
        return None;
    }
    if memo.month_days.is_none() || memo.month[..] != b[..7] {
        let (year, month) = (digits(0..4)? as i32, digits(5..7)?);
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let days = (28..=31)
            .rev()
            .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())?;
        memo.month.copy_from_slice(&b[..7]);
        memo.month_days = Some((dates::days_since_epoch(first), days));
    }
    let (first, days) = memo.month_days?;
    let day = digits(8..10)?;
    (1..=days).contains(&day).then(|| first + day as i32 - 1)
}
