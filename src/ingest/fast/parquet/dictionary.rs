//! Counting Parquet rows from their dictionary codes, without decoding a value per row.
//!
//! Survey columns a command groups by (score, plan, country, status…) are low-cardinality, and
//! Parquet writers store them dictionary-encoded: each column chunk holds its distinct values
//! once, then one small integer per row. Counting those integers per combination is all a
//! score or segment needs; polars would first build a string per row (for 10M rows its string
//! decoding alone costs more than DuckDB's whole query).
//!
//! This reader is deliberately narrow: flat columns (no repetition, at most one definition
//! level), INT32/INT64/UTF-8 BYTE_ARRAY values, every data page dictionary-encoded, and a
//! bounded number of combinations per row group. Anything else answers `None` and the caller
//! groups with polars instead; any inconsistency in the file (a page whose lengths or codes do
//! not add up) answers `None` too, so that polars, the reference reader, reports it.
//! Pages are read, decompressed and split by polars' own Parquet crate, which panics on some
//! damaged pages: the caller runs this under `records::parquet_guard`, which makes that the
//! file's error.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use polars_buffer::Buffer;
use polars_parquet::parquet::encoding::hybrid_rle::HybridRleDecoder;
use polars_parquet::parquet::encoding::Encoding;
use polars_parquet::parquet::metadata::{ColumnChunkMetadata, FileMetadata};
use polars_parquet::parquet::page::split_buffer;
use polars_parquet::parquet::read::{get_page_iterator, read_metadata, BasicDecompressor};
use polars_parquet::parquet::schema::types::PhysicalType;
use rayon::prelude::*;

/// How a column's values become the text the record pass reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Signed integers stored as INT32 (polars Int8/Int16/Int32): their decimal digits.
    Int32,
    /// Signed integers stored as INT64: their decimal digits.
    Int64,
    /// UTF-8 strings stored as BYTE_ARRAY: the string.
    Text,
}

/// One combination of cells (None: null) and how many rows have it.
pub(super) type Combination = (Vec<Option<Box<str>>>, u64);

/// Rows counted per combination of cells.
type Counts = HashMap<Vec<Option<Box<str>>>, u64>;

/// At most this many code combinations per row group are counted in a dense table (indexed
/// by u32).
const MAX_COMBINATIONS: usize = 1 << 20;

/// No page may claim more bytes than this (polars' own default bound).
const MAX_PAGE_SIZE: usize = 1 << 30;

/// The rows of `path` counted per combination of the named columns' values, or None when the
/// file is not laid out for this reader (see the module docs).
pub(super) fn count(path: &Path, columns: &[(&str, Kind)]) -> Option<Vec<Combination>> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the file is only read; a file truncated under us makes reads fail, not lie
    // (every length is checked against the buffer), which answers None.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let bytes = Buffer::from_owner(map);
    let metadata = read_metadata(&mut Cursor::new(bytes.clone())).ok()?;
    let leaves = leaves(&metadata, columns)?;
    let groups: Option<Vec<Counts>> = metadata
        .row_groups
        .par_iter()
        .map(|group| {
            let chunks: Vec<&ColumnChunkMetadata> = leaves
                .iter()
                .map(|&leaf| group.parquet_columns().get(leaf))
                .collect::<Option<_>>()?;
            row_group(&bytes, &chunks, columns, group.num_rows())
        })
        .collect();
    let mut total = Counts::new();
    for group in groups? {
        for (cells, n) in group {
            *total.entry(cells).or_default() += n;
        }
    }
    Some(total.into_iter().collect())
}

/// The leaf index of each named column, if every one is a flat column of its kind.
fn leaves(metadata: &FileMetadata, columns: &[(&str, Kind)]) -> Option<Vec<usize>> {
    let schema = metadata.schema().columns();
    columns
        .iter()
        .map(|&(name, kind)| {
            let leaf = schema
                .iter()
                .position(|c| c.path_in_schema.len() == 1 && c.path_in_schema[0] == name)?;
            let descriptor = &schema[leaf].descriptor;
            let physical = match kind {
                Kind::Int32 => PhysicalType::Int32,
                Kind::Int64 => PhysicalType::Int64,
                Kind::Text => PhysicalType::ByteArray,
            };
            let flat = descriptor.max_rep_level == 0 && descriptor.max_def_level <= 1;
            (flat && descriptor.primitive_type.physical_type == physical).then_some(leaf)
        })
        .collect()
}

/// One row group's counts, keyed by cell texts (dictionaries differ between row groups).
fn row_group(
    bytes: &Buffer<u8>,
    chunks: &[&ColumnChunkMetadata],
    columns: &[(&str, Kind)],
    rows: usize,
) -> Option<Counts> {
    // Each row's combination as a mixed-radix index into one dense table: column c's code
    // (0 null, k + 1 dictionary entry k) times the product of the earlier columns' radixes.
    let mut index = vec![0u32; rows];
    let mut dictionaries = Vec::with_capacity(chunks.len());
    let mut size = 1usize;
    for (chunk, &(_, kind)) in chunks.iter().zip(columns) {
        let dictionary = column_chunk(bytes, chunk, kind, size, &mut index)?;
        size = size.checked_mul(dictionary.len() + 1)?;
        dictionaries.push(dictionary);
    }
    let mut table = vec![0u64; size];
    for i in index {
        table[i as usize] += 1;
    }
    let mut counts = Counts::new();
    for (mut i, &n) in table.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let mut cells = Vec::with_capacity(dictionaries.len());
        for dictionary in &dictionaries {
            let radix = dictionary.len() + 1;
            let code = i % radix;
            i /= radix;
            cells.push((code > 0).then(|| dictionary[code - 1].clone()));
        }
        *counts.entry(cells).or_default() += n;
    }
    Some(counts)
}

/// Add each row's code in a column chunk (0 null, k + 1 dictionary entry k), times `stride`,
/// to `index`; the chunk's dictionary as text. None when the chunk is not wholly
/// dictionary-encoded, its combinations with the earlier columns would exceed
/// MAX_COMBINATIONS, or its pages do not add up to the row group's rows.
fn column_chunk(
    bytes: &Buffer<u8>,
    chunk: &ColumnChunkMetadata,
    kind: Kind,
    stride: usize,
    index: &mut [u32],
) -> Option<Vec<Box<str>>> {
    let pages =
        get_page_iterator(chunk, Cursor::new(bytes.clone()), Vec::new(), MAX_PAGE_SIZE).ok()?;
    let mut pages = BasicDecompressor::new(pages, Vec::new());
    let dictionary = pages.read_dict_page().ok()??;
    let dictionary = decode_dictionary(&dictionary.buffer, dictionary.num_values, kind)?;
    if stride.checked_mul(dictionary.len() + 1)? > MAX_COMBINATIONS {
        return None;
    }
    let optional = chunk.descriptor().descriptor.max_def_level == 1;
    let mut at = 0usize;
    while let Some(item) = pages.next() {
        let page = item.ok()?.decompress(&mut pages).ok()?;
        if !matches!(
            page.encoding(),
            Encoding::PlainDictionary | Encoding::RleDictionary
        ) {
            return None;
        }
        let values = page.num_values();
        let rows = index.get_mut(at..at.checked_add(values)?)?;
        at += values;
        let split = split_buffer(&page).ok()?;
        let defined = match optional {
            true => Some(HybridRleDecoder::new(split.def, 1, values).collect().ok()?),
            false => None,
        };
        if defined.as_ref().is_some_and(|d| d.len() != values) {
            return None;
        }
        let present = defined
            .as_ref()
            .map_or(values, |d| d.iter().filter(|&&d| d == 1).count());
        let indices = match split.values.split_first() {
            // Codes are at most 32 bits wide; a wider claim is a damaged page.
            Some((&width, _)) if width > 32 => return None,
            Some((&width, encoded)) if present > 0 => {
                HybridRleDecoder::new(encoded, u32::from(width), present)
                    .collect()
                    .ok()?
            }
            _ => Vec::new(),
        };
        if indices.len() != present || indices.iter().any(|&k| k as usize >= dictionary.len()) {
            return None;
        }
        let stride = stride as u32;
        match defined {
            Some(defined) if present < values => {
                let mut next = indices.iter();
                for (slot, &d) in rows.iter_mut().zip(&defined) {
                    if d == 1 {
                        *slot += (next.next()? + 1) * stride;
                    }
                }
            }
            _ => {
                for (slot, &k) in rows.iter_mut().zip(&indices) {
                    *slot += (k + 1) * stride;
                }
            }
        }
        pages.reuse_page_buffer(page);
    }
    (at == index.len()).then_some(dictionary)
}

/// A dictionary page's PLAIN-encoded values as the text the record pass reads.
fn decode_dictionary(buffer: &[u8], entries: usize, kind: Kind) -> Option<Vec<Box<str>>> {
    let mut out = Vec::with_capacity(entries);
    let mut rest = buffer;
    for _ in 0..entries {
        let text: Box<str> = match kind {
            Kind::Int32 => {
                let (value, tail) = rest.split_first_chunk::<4>()?;
                rest = tail;
                i32::from_le_bytes(*value).to_string().into()
            }
            Kind::Int64 => {
                let (value, tail) = rest.split_first_chunk::<8>()?;
                rest = tail;
                i64::from_le_bytes(*value).to_string().into()
            }
            Kind::Text => {
                let (length, tail) = rest.split_first_chunk::<4>()?;
                let length = u32::from_le_bytes(*length) as usize;
                if tail.len() < length {
                    return None;
                }
                let (value, tail) = tail.split_at(length);
                rest = tail;
                std::str::from_utf8(value).ok()?.into()
            }
        };
        out.push(text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use polars::prelude::*;

    use super::{count, Combination, Kind};

    /// A frame with nulls in every column, a few distinct values per column, and a text column
    /// whose values are all different (which writers store without a dictionary).
    fn frame(rows: usize) -> DataFrame {
        let score: Vec<Option<i32>> = (0..rows)
            .map(|i| (i % 17 != 3).then_some((i * 7 % 11) as i32))
            .collect();
        let plan: Vec<Option<&str>> = (0..rows)
            .map(|i| ["free", "pro", "", "entreprise é"].get(i % 5).copied())
            .collect();
        let big: Vec<Option<i64>> = (0..rows)
            .map(|i| (i % 29 != 0).then_some(i as i64 % 3 - 1))
            .collect();
        let unique: Vec<String> = (0..rows).map(|i| format!("R{i:08}")).collect();
        df!(
            "score" => score,
            "plan" => plan,
            "big" => big,
            "id" => unique,
        )
        .unwrap()
    }

    fn write(frame: &mut DataFrame, row_group: usize) -> tempfile::NamedTempFile {
        let file = tempfile::Builder::new()
            .suffix(".parquet")
            .tempfile()
            .unwrap();
        ParquetWriter::new(file.reopen().unwrap())
            .with_row_group_size(Some(row_group))
            .with_data_page_size(Some(4096))
            .finish(frame)
            .unwrap();
        file
    }

    /// The reference: the same counts from the frame itself, as text.
    fn expected(frame: &DataFrame, columns: &[&str]) -> HashMap<Vec<Option<String>>, u64> {
        let mut out = HashMap::new();
        for row in 0..frame.height() {
            let cells = columns
                .iter()
                .map(|c| {
                    let value = frame.column(c).unwrap().get(row).unwrap();
                    match value {
                        AnyValue::Null => None,
                        AnyValue::String(s) => Some(s.to_string()),
                        other => Some(other.to_string()),
                    }
                })
                .collect();
            *out.entry(cells).or_default() += 1;
        }
        out
    }

    fn as_map(counted: Vec<Combination>) -> HashMap<Vec<Option<String>>, u64> {
        counted
            .into_iter()
            .map(|(cells, n)| (cells.into_iter().map(|c| c.map(String::from)).collect(), n))
            .collect()
    }

    #[test]
    fn counts_every_combination_across_row_groups_and_pages() {
        let mut frame = frame(20_000);
        let file = write(&mut frame, 3_000);
        for columns in [
            vec![("score", Kind::Int32)],
            vec![("score", Kind::Int32), ("plan", Kind::Text)],
            vec![
                ("plan", Kind::Text),
                ("big", Kind::Int64),
                ("score", Kind::Int32),
            ],
        ] {
            let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
            let counted = count(file.path(), &columns).expect("dictionary-encoded columns");
            assert_eq!(as_map(counted), expected(&frame, &names), "{names:?}");
        }
    }

    #[test]
    fn declines_what_it_cannot_count_exactly() {
        let mut frame = frame(5_000);
        let file = write(&mut frame, 1_000);
        // A column stored without a dictionary (every value distinct).
        assert!(count(file.path(), &[("id", Kind::Text)]).is_none());
        // A column read as the wrong physical type, and a column that is not there.
        assert!(count(file.path(), &[("score", Kind::Int64)]).is_none());
        assert!(count(file.path(), &[("plan", Kind::Int32)]).is_none());
        assert!(count(file.path(), &[("nope", Kind::Text)]).is_none());
        // Not a Parquet file, and a truncated one.
        let text = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(text.path(), "score\n9\n").unwrap();
        assert!(count(text.path(), &[("score", Kind::Int32)]).is_none());
        let bytes = std::fs::read(file.path()).unwrap();
        let cut = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(cut.path(), &bytes[..bytes.len() / 2]).unwrap();
        assert!(count(cut.path(), &[("score", Kind::Int32)]).is_none());
    }
}
