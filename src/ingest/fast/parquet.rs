//! The grouped passes for Parquet: only the columns a command judges are read, and the rows of
//! each distinct combination of their values (and of the day, for timestamp columns) are
//! counted; each combination is then judged once, by the same code as a CSV row, with its count.
//!
//! The record pass reads every column of every row into text first. Here detection still runs
//! on the first records as text (so it decides the same things), then the counting takes one of
//! two routes:
//! - `dictionary` (no date column; integer and string columns stored dictionary-encoded, as
//!   survey columns are): the codes are counted per row group without building a value per row
//!   (`dictionary.rs`). polars' string decoding alone would cost more than DuckDB's whole query.
//! - `grouped` (everything else): one polars `group_by` on the streaming engine (bounded memory,
//!   every core), including the UTC day of a timestamp column.
//!
//! Declined (left to the record pass): `--tz` other than UTC with a date column, date columns that
//! are not Parquet timestamps, timestamps the record pass would not read as epoch milliseconds
//! (before 1973 or after 5138), and invalid scores (their row numbers are the record pass's to
//! give; grouping has lost them).

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use polars::prelude::{
    col, len, lit, DataFrame, DataType, Engine, LazyFrame, ParquetReader, PlRefPath,
    ScanArgsParquet, SerReader, StringChunked, TimeUnit,
};

use polars_core::query_result::QueryResult;

use self::dictionary::Kind;

use super::merge::merge;
use super::tally::{Context, DateCell, Tally};
use super::NotFast;
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::options::Options;
use crate::ingest::plan::plan;
use crate::ingest::records::{self, HEAD_RECORDS};
use crate::ingest::report::{FileData, Reading, SourceReport};

mod dictionary;

/// Group column names of our own, which no user column is likely to carry.
const COUNT: &str = "\u{1}nps-count";
const DAY: &str = "\u{1}nps-day";

/// Days (since 1970-01-01) whose epoch milliseconds have 12 or 13 digits: what the record pass
/// reads back as milliseconds (shorter numbers it takes as seconds).
const READABLE_DAYS: std::ops::RangeInclusive<i64> = 1158..=1_157_406;

/// Read a Parquet file with the grouped pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    path: &Path,
    name: String,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    if options.dedupe.is_some() || options.weight.is_some() || options.need_ids {
        return Ok(Err(
            "--dedupe, --weight and --paired need every response; Parquet is counted per combination",
        ));
    }
    let file = name.clone();
    // polars and the dictionary reader map the file: a truncation meanwhile is named (F1).
    let _reading = crate::ingest::mapped::reading(&file);
    records::parquet_guard(&file, || read(options, path, name))
}

/// [`scan`]'s work, under the panic guard.
fn read(
    options: &Options,
    path: &Path,
    name: String,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    let Some(path_text) = path.to_str() else {
        return Ok(Err("the path is not UTF-8"));
    };
    let Ok(file) = File::open(path) else {
        return Ok(Err("the file could not be opened"));
    };
    // A column of a type this build cannot read: the record pass reads the file without it
    // (see `records::parquet_columns`); polars' own scans here would meet it.
    let reader = match records::parquet_columns::project(ParquetReader::new(file)) {
        Ok((reader, unreadable)) if unreadable.is_empty() => reader,
        Ok(_) => return Ok(Err("a column's type cannot be read by this build")),
        Err(_) => return Ok(Err("the schema could not be read")),
    };
    let Ok(first) = reader.with_slice(Some((0, HEAD_RECORDS - 1))).finish() else {
        return Ok(Err("the first rows could not be read"));
    };
    let (body, notes) = records::parquet_records(&name, &first)?;
    let head = body.head(&name, HEAD_RECORDS)?;
    let plan = plan(
        options,
        name.clone(),
        InputFormat::Parquet,
        &head,
        None,
        true,
    )?;
    let names: Vec<String> = first
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let renamed = plan.layout.columns.len() != names.len()
        || plan
            .layout
            .columns
            .iter()
            .zip(&names)
            .any(|(c, n)| &c.name != n);
    if plan.layout.header_rows != 1 || renamed {
        return Ok(Err("the layout renames the file's columns"));
    }
    let Some(score) = plan.score else {
        return Ok(Err("no score column"));
    };
    // Every column a row is judged by, once each.
    let mut judged: Vec<usize> = Vec::new();
    let wanted = plan.layout.status_column().into_iter();
    let wanted = wanted.chain(plan.filters.iter().map(|(i, _)| *i));
    for i in wanted.chain([score]).chain(plan.keep.iter().copied()) {
        if !judged.contains(&i) {
            judged.push(i);
        }
    }
    let dictionary = match plan.date {
        Some(_) => None,
        None => dictionary_groups(path, &first, &names, &judged),
    };
    let (groups, pass) = match dictionary {
        Some(groups) => (groups, "dictionary"),
        None => match polars_groups(options, path_text, &first, &names, &judged, plan.date) {
            Ok(groups) => (groups, "grouped"),
            Err(why) => return Ok(Err(why)),
        },
    };
    let context = Context::new(options, &plan, score);
    let mut tally = Tally::new(&plan);
    let mut key = Vec::new();
    let mut column_slot = vec![None; names.len()];
    for (slot, &i) in judged.iter().enumerate() {
        column_slot[i] = Some(slot);
    }
    for group in &groups {
        let cell = |i: usize| -> Cow<'_, str> {
            Cow::Borrowed(
                column_slot[i]
                    .and_then(|slot| group.cells[slot].as_deref())
                    .unwrap_or_default(),
            )
        };
        let date = |_: &Cow<str>| match group.day {
            None => Ok(DateCell::Blank),
            Some(day) if READABLE_DAYS.contains(&day) => Ok(DateCell::Day(day as i32)),
            Some(_) => Err("timestamps before 1973 or after 5138 are read row by row"),
        };
        if let Err(why) = tally.rows(&context, cell, date, None, group.count, &mut key) {
            return Ok(Err(why));
        }
    }
    // Grouped rows have no lines: `rows` declined everything that would need one.
    let lines = || |_| 0;
    let (rows, date_report, data) = merge(options, &plan, lines, vec![tally]);
    let reading = Reading {
        format: InputFormat::Parquet,
        compression: None,
        encoding: None,
        delimiter: None,
        pass: pass.to_string(),
        notes,
    };
    let report = plan.report(reading, rows, date_report);
    Ok(Ok((report, data)))
}

/// One distinct combination of the judged cells (in `judged` order; None: null), with the
/// UTC day of the date column when there is one, and how many rows share it.
struct Group {
    cells: Vec<Option<Box<str>>>,
    day: Option<i64>,
    count: u64,
}

/// The groups counted from dictionary codes (see `dictionary`), when every judged column is
/// an integer or string column stored that way; None leaves the file to polars.
fn dictionary_groups(
    path: &Path,
    first: &DataFrame,
    names: &[String],
    judged: &[usize],
) -> Option<Vec<Group>> {
    let columns = judged
        .iter()
        .map(|&i| {
            let kind = match first.column(&names[i]).ok()?.dtype() {
                DataType::Int32 => Kind::Int32,
                DataType::Int64 => Kind::Int64,
                DataType::String => Kind::Text,
                _ => return None,
            };
            Some((names[i].as_str(), kind))
        })
        .collect::<Option<Vec<_>>>()?;
    let combinations = dictionary::count(path, &columns)?;
    Some(
        combinations
            .into_iter()
            .map(|(cells, count)| Group {
                cells,
                day: None,
                count,
            })
            .collect(),
    )
}

/// The groups counted by one polars `group_by` over the judged columns (and the UTC day of
/// the date column), on polars' streaming engine: bounded memory, every core.
fn polars_groups(
    options: &Options,
    path_text: &str,
    first: &DataFrame,
    names: &[String],
    judged: &[usize],
    date: Option<usize>,
) -> Result<Vec<Group>, NotFast> {
    let mut by: Vec<_> = judged.iter().map(|&i| col(names[i].as_str())).collect();
    if let Some(d) = date {
        if options.tz != chrono_tz::UTC {
            return Err("days in a --tz other than UTC are placed row by row");
        }
        let per_day: i64 = match first.column(&names[d]).map(|c| c.dtype().clone()) {
            Ok(DataType::Datetime(TimeUnit::Nanoseconds, _)) => 86_400_000_000_000,
            Ok(DataType::Datetime(TimeUnit::Microseconds, _)) => 86_400_000_000,
            Ok(DataType::Datetime(TimeUnit::Milliseconds, _)) => 86_400_000,
            _ => return Err("the date column is not a Parquet timestamp"),
        };
        // Whole days since the epoch without polars' floor division (a feature we do not build):
        // `t - t % day` is an exact multiple of a day, and so is exact as a float, and so is
        // its quotient. Negative instants come out wrong here but are outside READABLE_DAYS.
        let t = || col(names[d].as_str()).cast(DataType::Int64);
        by.push(
            ((t() - t() % lit(per_day)) / lit(per_day))
                .cast(DataType::Int64)
                .alias(DAY),
        );
    }
    let scan = LazyFrame::scan_parquet(PlRefPath::new(path_text), ScanArgsParquet::default())
        .map_err(|_| "the file could not be scanned")?;
    let grouped = scan
        .group_by(by)
        .agg([len().cast(DataType::UInt64).alias(COUNT)])
        .collect_with_engine(Engine::Streaming)
        .map_err(|_| "the columns could not be grouped")?;
    let QueryResult::Single(grouped) = grouped else {
        return Err("the grouping gave more than one frame");
    };
    // The grouped cells as the record pass reads them: cast to text by polars.
    const UNREADABLE: &str = "a judged column has values that cannot be read as text";
    let mut texts: Vec<StringChunked> = Vec::with_capacity(judged.len());
    for &i in judged {
        let column = grouped
            .column(&names[i])
            .and_then(|c| c.cast(&DataType::String))
            .map_err(|_| UNREADABLE)?;
        texts.push(column.str().map_err(|_| UNREADABLE)?.clone());
    }
    const UNCOUNTED: &str = "the grouped rows could not be counted";
    let counts = grouped
        .column(COUNT)
        .and_then(|c| c.u64().cloned())
        .map_err(|_| UNCOUNTED)?;
    let days = match date {
        Some(_) => Some(
            grouped
                .column(DAY)
                .and_then(|c| c.i64().cloned())
                .map_err(|_| UNCOUNTED)?,
        ),
        None => None,
    };
    Ok((0..grouped.height())
        .map(|g| Group {
            cells: texts.iter().map(|t| t.get(g).map(Box::from)).collect(),
            day: days.as_ref().and_then(|d| d.get(g)),
            count: counts.get(g).unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use crate::ingest::fast::scan;
    use crate::ingest::fast::tests::{agree, fixture, variants};

    #[test]
    fn parquet_fixtures_take_the_grouped_pass_and_agree() {
        for name in ["formats/responses.parquet", "formats/typed.parquet"] {
            let path = fixture(name);
            // Parquet is counted per combination of values: the option sets that keep each
            // response are the record pass's.
            let declined: Vec<_> = agree(&path)
                .into_iter()
                .filter(|(_, why)| !why.contains("need every response"))
                .collect();
            // The other variants declined are those the grouped pass cannot place exactly.
            for (variant, why) in &declined {
                assert!(
                    matches!(*variant, "Paris days" | "strict")
                        || why.contains("timestamp")
                        || why.contains("invalid"),
                    "{name} / {variant}: {why}"
                );
            }
            assert!(declined.len() < 5, "{name}: {declined:?}");
        }
    }

    #[test]
    fn damaged_files_give_an_error_or_an_answer_never_a_panic() {
        // Every byte of a fixture flipped in turn, read by both Parquet passes ("score" takes
        // the dictionary codes, "days" polars): polars panics on some of these, which the
        // guard turns into the file's error.
        let bytes = std::fs::read(fixture("formats/typed.parquet")).unwrap();
        let damaged = tempfile::Builder::new()
            .suffix(".parquet")
            .tempfile()
            .unwrap();
        let variants = variants(damaged.path());
        let (mut answered, mut errors) = (0, Vec::new());
        for at in 0..bytes.len() {
            let mut copy = bytes.clone();
            copy[at] ^= 0x5a;
            std::fs::write(damaged.path(), &copy).unwrap();
            for (_, options) in variants
                .iter()
                .filter(|(v, _)| matches!(*v, "score" | "days"))
            {
                match scan(options, damaged.path()) {
                    Ok(_) => answered += 1,
                    Err(e) => errors.push(e.to_string()),
                }
            }
        }
        assert!(answered > 0);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("the Parquet file is damaged")),
            "{errors:?}"
        );
    }

    #[test]
    fn dictionary_codes_answer_without_dates_and_polars_with_them() {
        let mut passes = Vec::new();
        let paths = ["formats/responses.parquet", "formats/typed.parquet"].map(fixture);
        let variants = paths
            .iter()
            .flat_map(|p| variants(p).into_iter().map(move |v| (p, v)));
        for (path, (variant, options)) in variants {
            let Ok(Ok((report, _))) = scan(&options, path) else {
                continue;
            };
            passes.push(report.pass.clone());
            let expected = if options.need_dates {
                "grouped"
            } else {
                "dictionary"
            };
            assert_eq!(report.pass, expected, "{variant}");
        }
        // score, by plan, by plan,channel, where plan != pro; days (typed.parquet's timestamps).
        assert!(
            passes.iter().filter(|p| *p == "dictionary").count() >= 4,
            "{passes:?}"
        );
        assert!(passes.iter().any(|p| p == "grouped"), "{passes:?}");
    }
}
