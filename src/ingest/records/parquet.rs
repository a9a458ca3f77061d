//! Parquet in, records out: every column cast to text for the record pass, and the guard that
//! turns a panic of polars' reader on a damaged file into the file's error.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use csv::StringRecord;
use polars::prelude::{
    ChunkApply, Column, DataType, IntoSeries, ParquetReader, SerReader, TimeUnit,
};

use super::{parquet_columns, parquet_footer, Body};
use crate::error::{Error, Location};

/// Read a Parquet file into records, every column cast to text (nulls to empty), with notes
/// about columns that could not be.
///
/// A column that cannot become text is never a reason to reject the file: timestamps (with or
/// without a zone; this build formats no zones) become epoch milliseconds, which the date reader
/// accepts, and anything else (lists, structs) is left blank with a note naming it.
pub fn parse_parquet(file: &str, bytes: Vec<u8>) -> Result<(Body, Vec<String>), Error> {
    parquet_guard(file, || read_parquet(file, bytes))
}

fn read_parquet(file: &str, bytes: Vec<u8>) -> Result<(Body, Vec<String>), Error> {
    let engine = |source| Error::Engine {
        file: file.to_string(),
        doing: "cannot be read as Parquet".to_string(),
        source,
    };
    // A footer that would make polars reserve without bound is refused first (found by fuzzing).
    parquet_footer::check(&bytes).map_err(|why| {
        Error::data(
            file,
            format!("the Parquet file is damaged: {why}; export the file again"),
        )
    })?;
    // Columns of types this build cannot read are left out, then put back blank (F26).
    let (reader, unreadable) =
        parquet_columns::project(ParquetReader::new(Cursor::new(bytes))).map_err(engine)?;
    let df = reader.finish().map_err(engine)?;
    let df = parquet_columns::restore(df, &unreadable).map_err(engine)?;
    let (body, mut notes) = parquet_records(file, &df)?;
    notes.extend(unreadable.iter().map(|u| u.note()));
    Ok((body, notes))
}

/// How many Parquet reads are under way in [`parquet_guard`] (their panics print nothing).
static GUARDED_READS: AtomicUsize = AtomicUsize::new(0);

/// Run a read of Parquet file `file`, turning a panic inside it into this file's error (exit 3).
///
/// polars' Parquet reader panics on some damaged files instead of returning an error (an
/// out-of-range encoding in a page header, a bit width beyond 32, a range past a buffer's end:
/// found by flipping bytes of a fixture). The panic is caught where the read was called, also
/// when it happened on one of polars' threads (rayon resumes it in the caller), and the default
/// panic message is kept off stderr while a guarded read runs: the error says it instead.
pub(crate) fn parquet_guard<T>(
    file: &str,
    read: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED_READS.load(Ordering::SeqCst) == 0 {
                default(info);
            }
        }));
    });
    GUARDED_READS.fetch_add(1, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(read));
    GUARDED_READS.fetch_sub(1, Ordering::SeqCst);
    outcome.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Err(Error::data(
            file,
            format!(
                "the Parquet file is damaged: polars' reader failed ({why}); export the file again"
            ),
        ))
    })
}

/// A Parquet file's rows as text records: every column cast to text, timestamps as epoch
/// milliseconds, columns of other types blank (with a note).
pub fn parquet_records(
    file: &str,
    df: &polars::prelude::DataFrame,
) -> Result<(Body, Vec<String>), Error> {
    let engine = |doing: &str| {
        let doing = doing.to_string();
        move |source| Error::Engine {
            file: file.to_string(),
            doing,
            source,
        }
    };
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut text_columns = Vec::with_capacity(names.len());
    let mut notes = Vec::new();
    for column in df.columns() {
        let as_text = match (column.cast(&DataType::String), column.dtype()) {
            (Ok(text), _) => text,
            (Err(_), DataType::Datetime(unit, _)) => {
                let per_ms = match unit {
                    TimeUnit::Nanoseconds => 1_000_000,
                    TimeUnit::Microseconds => 1_000,
                    TimeUnit::Milliseconds => 1,
                };
                let physical = column.cast(&DataType::Int64).map_err(engine(&format!(
                    "reading the timestamps of column {:?}",
                    column.name()
                )))?;
                let millis = physical
                    .i64()
                    .map_err(engine("reading timestamps"))?
                    .apply_values(|v| v.div_euclid(per_ms));
                millis
                    .into_series()
                    .cast(&DataType::String)
                    .map_err(engine("writing timestamps as text"))?
                    .into()
            }
            (Err(_), dtype) => {
                notes.push(format!(
                    "column {:?} holds {dtype} values, which cannot be read as text; it is left blank",
                    column.name()
                ));
                Column::full_null(column.name().clone(), df.height(), &DataType::String)
            }
        };
        text_columns.push(as_text);
    }
    let mut rows = Vec::with_capacity(df.height() + 1);
    rows.push((Location::Record(0), StringRecord::from(names)));
    let strs: Vec<_> = text_columns
        .iter()
        .map(|c| c.str().map_err(engine("reading text columns")))
        .collect::<Result<_, _>>()?;
    for i in 0..df.height() {
        let record: StringRecord = strs.iter().map(|s| s.get(i).unwrap_or("")).collect();
        rows.push((Location::Record(i as u64 + 1), record));
    }
    Ok((Body::Records(rows), notes))
}
