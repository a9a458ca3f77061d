//! The grouped pass for Parquet: polars reads only the columns a command judges and counts the
//! rows of each distinct combination of their values (and of the day, for timestamp columns);
//! each combination is then judged once, by the same code as a CSV row, with its count.
//!
//! The record pass reads every column of every row into text first. Here detection still runs
//! on the first records as text (so it decides the same things), but the pass itself is one
//! polars `group_by` over the needed columns, in parallel and without per-row Rust work.
//!
//! Declined (left to the record pass): `--tz` other than UTC with a date column, date columns that
//! are not Parquet timestamps, timestamps the record pass would not read as epoch milliseconds
//! (before 1973 or after 5138), and invalid scores (their row numbers are the record pass's to
//! give; grouping has lost them).

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use polars::prelude::{
    col, len, lit, DataType, Engine, LazyFrame, ParquetReader, PlRefPath, ScanArgsParquet,
    SerReader, StringChunked, TimeUnit,
};

use polars_core::query_result::QueryResult;

use super::{merge, Context, DateCell, NotFast, Tally};
use crate::cli::InputFormat;
use crate::error::Error;
use crate::ingest::records::{self, HEAD_RECORDS};
use crate::ingest::{plan, FileData, Options, Reading, SourceReport};

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
    let Some(path_text) = path.to_str() else {
        return Ok(Err("the path is not UTF-8"));
    };
    let Ok(file) = File::open(path) else {
        return Ok(Err("the file could not be opened"));
    };
    let Ok(first) = ParquetReader::new(file)
        .with_slice(Some((0, HEAD_RECORDS - 1)))
        .finish()
    else {
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
    let mut by: Vec<_> = judged.iter().map(|&i| col(names[i].as_str())).collect();
    if let Some(d) = plan.date {
        if options.tz != chrono_tz::UTC {
            return Ok(Err("days in a --tz other than UTC are placed row by row"));
        }
        let per_day: i64 = match first.column(&names[d]).map(|c| c.dtype().clone()) {
            Ok(DataType::Datetime(TimeUnit::Nanoseconds, _)) => 86_400_000_000_000,
            Ok(DataType::Datetime(TimeUnit::Microseconds, _)) => 86_400_000_000,
            Ok(DataType::Datetime(TimeUnit::Milliseconds, _)) => 86_400_000,
            _ => return Ok(Err("the date column is not a Parquet timestamp")),
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
    let Ok(scan) = LazyFrame::scan_parquet(PlRefPath::new(path_text), ScanArgsParquet::default())
    else {
        return Ok(Err("the file could not be scanned"));
    };
    let Ok(groups) = scan
        .group_by(by)
        .agg([len().cast(DataType::UInt64).alias(COUNT)])
        .collect_with_engine(Engine::Streaming)
    else {
        return Ok(Err("the columns could not be grouped"));
    };
    let QueryResult::Single(groups) = groups else {
        return Ok(Err("the grouping gave more than one frame"));
    };
    // The grouped cells as the record pass reads them: cast to text by polars.
    let mut texts: Vec<Option<StringChunked>> = vec![None; names.len()];
    for &i in &judged {
        let Ok(column) = groups
            .column(&names[i])
            .and_then(|c| c.cast(&DataType::String))
        else {
            return Ok(Err(
                "a judged column has values that cannot be read as text",
            ));
        };
        let Ok(text) = column.str() else {
            return Ok(Err(
                "a judged column has values that cannot be read as text",
            ));
        };
        texts[i] = Some(text.clone());
    }
    let engine = |source| Error::Engine {
        file: name.clone(),
        doing: "counting grouped rows".into(),
        source,
    };
    let counts = groups
        .column(COUNT)
        .and_then(|c| c.u64().cloned())
        .map_err(engine)?;
    let days = match plan.date {
        Some(_) => Some(
            groups
                .column(DAY)
                .and_then(|c| c.i64().cloned())
                .map_err(engine)?,
        ),
        None => None,
    };
    let context = Context::new(options, &plan, score);
    let mut tally = Tally::new(&plan);
    let mut key = Vec::new();
    for g in 0..groups.height() {
        let cell = |i: usize| -> Cow<'_, str> {
            Cow::Borrowed(texts[i].as_ref().and_then(|t| t.get(g)).unwrap_or_default())
        };
        let date = |_: &Cow<str>| match days.as_ref().and_then(|d| d.get(g)) {
            None => Ok(DateCell::Blank),
            Some(day) if READABLE_DAYS.contains(&day) => Ok(DateCell::Day(day as i32)),
            Some(_) => Err("timestamps before 1973 or after 5138 are read row by row"),
        };
        let times = counts.get(g).unwrap_or_default();
        if let Err(why) = tally.rows(&context, cell, date, None, times, &mut key) {
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
        pass: "grouped".to_string(),
        notes,
    };
    let report = plan.report(reading, rows, date_report);
    Ok(Ok((report, data)))
}

#[cfg(test)]
mod tests {
    use crate::ingest::fast::tests::{agree, fixture};

    #[test]
    fn parquet_fixtures_take_the_grouped_pass_and_agree() {
        for name in ["formats/responses.parquet", "formats/typed.parquet"] {
            let path = fixture(name);
            let declined = agree(&path);
            // The variants declined are those the grouped pass cannot place exactly.
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
}
