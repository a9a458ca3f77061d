//! The counted passes: inputs read on every core and counted as they are read, instead of kept
//! row by row.
//!
//! - [`scan`]: files on disk, memory-mapped — delimited text ([`delimited`]), NDJSON
//!   ([`ndjson`]), JSON arrays of objects ([`json_array`]) and Parquet ([`parquet`]).
//! - [`stream`]: standard input, gzip and zstd, and text to transcode, read block by block in
//!   bounded memory ([`stream`](mod@stream)).
//!
//! Shared by all: [`tally`] judges and counts rows exactly as the record pass does and merges
//! chunk tallies in input order.
//!
//! ## Contract
//!
//! Same numbers, same row accounting, same messages as the record pass (`ingest::record_pass`)
//! — or no answer at all. [`scan`] answers `Ok(Err(why))` whenever an input is outside what it
//! handles, and the caller runs the record pass, which then decides everything, errors
//! included. Outside: JSON arrays read from a stream (standard input, gzip), text that is not UTF-8 or holds a NUL byte, `--dedupe`,
//! `--weight` and `--paired` on Parquet (counted per combination of values; on text the passes
//! keep each response for them instead of counting), `--strict` meeting an invalid score (the record pass names its line), slash dates without `--date-format` (their
//! day order is decided from the whole column first), and any text the strict CSV grammar of
//! [`delimited`] does not cover: a row of the wrong length, a quote that does not open a field or
//! is never closed, text after a closing quote. A stream declines the same way until its first
//! block is counted, and after that reads on record by record instead (see [`stream`](mod@stream)).
//!
//! ## How a file is read
//!
//! 1. The file is memory-mapped: its pages stay in the page cache instead of being copied to the
//!    heap, so the process's own memory does not grow with the file.
//! 2. Detection parses a prefix holding the first `HEAD_RECORDS` records with the record pass's
//!    own code (delimiter sniffing on the same 256 KiB, presets, roles), so it decides the same
//!    things and fails with the same errors.
//! 3. The data is cut into chunks at fixed offsets. In well-formed CSV a byte is inside a quoted
//!    field exactly when an odd number of quotes precede it, so a parallel count of the quotes in
//!    each chunk tells every chunk where its first record starts.
//! 4. Chunks are parsed in parallel (rayon): each checks that its bytes are UTF-8 without NUL,
//!    splits records (memchr inside quoted fields, a byte table elsewhere), reads only the cells
//!    the command needs and counts responses by (carried cells, day, score). Chunk results are
//!    merged in file order, so reasons and examples come out as a sequential pass gives them.
//!
//! The frame handed to the metrics then has one row per distinct (score, carried cells, day) with
//! its count: its size depends on the data's variety, not on its length.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use encoding_rs::UTF_8;
use rayon::prelude::*;

use super::options::Options;
use super::report::{FileData, SourceReport};
use super::source::{self, EncodingReport};
use crate::cli::InputFormat;
use crate::error::Error;
use tally::Tally;

mod delimited;
mod json_array;
mod merge;
mod ndjson;
mod parquet;
mod stream;
mod tally;
#[cfg(test)]
pub(super) mod tests;

pub(super) use stream::{scan as stream, Streamed};

/// What detection made of the first records of an input.
pub(super) enum Detection<T> {
    /// The plan, and what the pass needs to read on.
    Found(T),
    /// The prefix (of a stream) ends before the first `HEAD_RECORDS` records: read more.
    NeedMore,
    /// The first records are not what the pass reads (plain UTF-8 delimited text, flat NDJSON).
    NotPlain,
    /// The plan made from the first records fails (a column named by a flag is missing, …):
    /// the record pass reports it, because its message names every column of the input and a
    /// later JSON object may add one.
    PlanFails,
}

impl<T> Detection<T> {
    /// The plan, made into something else.
    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Detection<U> {
        match self {
            Detection::Found(found) => Detection::Found(f(found)),
            Detection::NeedMore => Detection::NeedMore,
            Detection::NotPlain => Detection::NotPlain,
            Detection::PlanFails => Detection::PlanFails,
        }
    }
}

/// Detection's next step when a prefix of `take` bytes (of `available`) holds too few records:
/// `None` to try a prefix four times longer, `NeedMore` when a stream must read on first,
/// `NotPlain` past `MAX_PREFIX` (records that long are not survey responses).
pub(super) fn longer_prefix<T>(
    take: &mut usize,
    available: usize,
    complete: bool,
) -> Option<Detection<T>> {
    if !complete && *take >= available {
        return Some(Detection::NeedMore);
    }
    if *take >= MAX_PREFIX {
        return Some(Detection::NotPlain);
    }
    *take *= 4;
    None
}

/// Why the parallel pass does not apply; the record pass reads the input instead.
pub(super) type NotFast = &'static str;

/// Why a pass declines when the plan made from the first records fails ([`Detection::PlanFails`]).
const PLAN_FAILS: NotFast = "the plan made from the first records fails; the record pass names why";

/// Nominal chunk size: large enough that per-chunk work is noise, small enough that both cores
/// stay busy to the end. Unit tests use 4 KiB so that small files cross many chunk boundaries.
const CHUNK: usize = if cfg!(test) { 4 << 10 } else { 4 << 20 };

/// Chunks counted in parallel before their tallies are merged: two per core keeps every core
/// busy, and memory then holds that many tallies, not one per chunk of the file.
fn window() -> usize {
    2 * rayon::current_num_threads().max(1)
}

/// Count chunks `0..chunks` with `count`, a [`window`] at a time on every core, and hand each
/// window's tallies to `absorb` in input order. A window is absorbed while the next one is
/// counted: merging is serial (input order), and with n-grams it was the cores' idle time
/// (`nps themes --discover`). Memory holds two windows' tallies.
fn count_in_windows(
    chunks: usize,
    count: impl Fn(usize) -> Result<Tally, NotFast> + Sync,
    absorb: &mut (dyn FnMut(Vec<Tally>) + Send),
) -> Result<(), NotFast> {
    let size = window();
    let counted = |first: usize| {
        (first..(first + size).min(chunks))
            .into_par_iter()
            .map(&count)
            .collect::<Result<Vec<Tally>, NotFast>>()
    };
    let mut pending: Option<Vec<Tally>> = None;
    for first in (0..chunks).step_by(size) {
        let next = match pending.take() {
            Some(done) => rayon::join(|| absorb(done), || counted(first)).1,
            None => counted(first),
        }?;
        pending = Some(next);
    }
    if let Some(done) = pending {
        absorb(done);
    }
    Ok(())
}

/// Detection gives up on prefixes beyond this (records that long are not survey responses).
const MAX_PREFIX: usize = 64 << 20;

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A group's carried cells (`None` when blank) and day (`None` when not counted per day).
type GroupKey = (Vec<Option<String>>, Option<i32>);

/// Whether `path` is read as a stream ([`stream`]) rather than mapped ([`scan`]): standard input,
/// FIFOs and devices, gzip and zstd files, text that must be transcoded (UTF-16, or
/// `--encoding` other than UTF-8). A file that cannot be opened is not: the record pass reports
/// it. Responses handed out one by one (`rows_out`: `nps themes --per-response`, `nps followup`,
/// `nps risk`) come from either pass in input order, a window of chunks at a time, so memory
/// does not grow with the file.
pub(super) fn streams(options: &Options, path: &Path) -> bool {
    if path.as_os_str() == "-" || options.encoding.is_some_and(|e| e != UTF_8) {
        return true;
    }
    // A FIFO or a device (`<(zcat …)`, /dev/stdin) is read once, front to back, like stdin —
    // and opened once: `stat` it here, never `open` (opening a named pipe twice loses what a
    // quick writer wrote to the first open, and the second then waits for ever).
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => return true,
        Ok(m) if m.is_file() => {}
        _ => return false,
    }
    let mut head = [0u8; 4];
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut read = 0;
    while read < head.len() {
        match (&file).read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let head = &head[..read];
    head.starts_with(&[0x1f, 0x8b])
        || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || head.starts_with(&[0xff, 0xfe])
        || head.starts_with(&[0xfe, 0xff])
}

/// Read `path` with the parallel pass, or say why it does not apply.
pub(super) fn scan(
    options: &Options,
    path: &Path,
) -> Result<Result<(SourceReport, FileData), NotFast>, Error> {
    if path.as_os_str() == "-" {
        return Ok(Err("standard input is read as a stream"));
    }
    if options.encoding.is_some_and(|e| e != UTF_8) {
        return Ok(Err("--encoding names an encoding other than UTF-8"));
    }
    // Any problem opening the file is the record pass's to report, with its wording.
    let Ok(file) = File::open(path) else {
        return Ok(Err("the file could not be opened"));
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(Err("not a regular file"));
    }
    // SAFETY: the map is only read, and only while this function runs. A file truncated under us
    // raises SIGBUS on the pages past its new end: `_reading` (dropped before the map) turns that
    // into an error naming the file, exit 3 (see `ingest::mapped`). A file rewritten in place
    // could at worst yield wrong text, which the checks below then reject.
    let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
        return Ok(Err("the file could not be memory-mapped"));
    };
    let _reading = super::mapped::reading(&path.display().to_string());
    let bytes: &[u8] = &map;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Err("compressed input is read as a stream"));
    }
    let name = path.display().to_string();
    let format = source::detect_format(&name, &bytes[..bytes.len().min(64 << 10)], options.format)?;
    if format == InputFormat::Parquet {
        if options.themes.is_some() {
            return Ok(Err("comments in Parquet are read by the record pass"));
        }
        // The record pass names a footer polars must not be given (`parquet_footer`).
        if super::records::parquet_footer::check(bytes).is_err() {
            return Ok(Err("the Parquet footer is damaged"));
        }
        drop(map);
        return parquet::scan(options, path, name);
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if !bom && encoding_rs::Encoding::for_bom(bytes).is_some() {
        return Ok(Err("UTF-16 text is read as a stream"));
    }
    let body = &bytes[if bom { 3 } else { 0 }..];
    match format {
        InputFormat::Ndjson => return ndjson::scan(options, name, body, bom),
        InputFormat::Json => return json_array::scan(options, name, body, bom),
        _ => {}
    }
    delimited::scan(options, name, body, bom, format)
}

/// The encoding report the record pass gives valid UTF-8 text.
pub(super) fn utf8_report(options: &Options, bom: bool) -> EncodingReport {
    EncodingReport {
        name: UTF_8.name(),
        bom,
        reason: match (options.encoding.is_some(), bom) {
            (true, _) => "--encoding",
            (false, true) => "byte-order mark",
            (false, false) => "valid UTF-8",
        }
        .to_string(),
    }
}
