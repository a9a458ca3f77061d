//! Parquet columns of types this build of polars cannot read (finding F26): DECIMAL (money, as
//! DuckDB, Spark and Snowflake write it), fixed-size lists (embeddings), extension types
//! (`arrow.uuid` ids), 16-bit floats, unions, intervals and fixed-size binary. Reading them
//! panicked or failed, and a valid file was called damaged, even when the column was not used.
//!
//! They are left out of the read (a projection) and put back as blank text columns under their
//! own names, at their own places, with a note naming each: detection sees every column, and a
//! command that names one (`--by revenue`) gets blanks, said, rather than a rejected file.

use polars::io::mmap::MmapBytesReader;
use polars::prelude::{ArrowDataType, Column, DataFrame, DataType, ParquetReader, PolarsResult};

/// A column left out of the read.
#[derive(Debug, Clone)]
pub(crate) struct Unreadable {
    index: usize,
    name: String,
    dtype: String,
}

impl Unreadable {
    /// What the user is told.
    pub(crate) fn note(&self) -> String {
        format!(
            "column {:?} holds {} values, which this build of nps cannot read; it is left blank",
            self.name, self.dtype
        )
    }
}

/// `reader` set to read only the columns it can, and the columns it cannot.
pub(crate) fn project<R: MmapBytesReader>(
    mut reader: ParquetReader<R>,
) -> PolarsResult<(ParquetReader<R>, Vec<Unreadable>)> {
    let schema = reader.schema()?;
    let (mut keep, mut unreadable) = (Vec::new(), Vec::new());
    for (index, field) in schema.iter_values().enumerate() {
        if readable(field.dtype()) {
            keep.push(index);
        } else {
            unreadable.push(Unreadable {
                index,
                name: field.name.to_string(),
                dtype: describe(field.dtype()),
            });
        }
    }
    Ok(if unreadable.is_empty() {
        (reader, unreadable)
    } else {
        (reader.with_projection(Some(keep)), unreadable)
    })
}

/// `df` (read with [`project`]'s projection) with the columns left out put back, blank.
pub(crate) fn restore(mut df: DataFrame, unreadable: &[Unreadable]) -> PolarsResult<DataFrame> {
    let height = df.height();
    for u in unreadable {
        let blank = Column::full_null(u.name.as_str().into(), height, &DataType::String);
        df.insert_column(u.index, blank)?;
    }
    Ok(df)
}

fn readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Float16
        | A::Decimal(..)
        | A::Decimal32(..)
        | A::Decimal64(..)
        | A::Decimal256(..)
        | A::FixedSizeList(..)
        | A::FixedSizeBinary(..)
        | A::Extension(..)
        | A::Union(..)
        | A::Interval(..) => false,
        A::List(inner) | A::LargeList(inner) => readable(inner.dtype()),
        A::Struct(fields) => fields.iter().all(|f| readable(f.dtype())),
        A::Dictionary(_, values, _) => readable(values),
        _ => true,
    }
}

/// `decimal(10,2)`, `fixed-size list`, `extension arrow.uuid`…
fn describe(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::Decimal(p, s) | A::Decimal32(p, s) | A::Decimal64(p, s) | A::Decimal256(p, s) => {
            format!("decimal({p},{s})")
        }
        A::FixedSizeList(..) => "fixed-size list".into(),
        A::FixedSizeBinary(n) => format!("fixed-size binary ({n} bytes)"),
        A::Extension(ext) => format!("extension type {}", ext.name),
        A::Union(..) => "union".into(),
        A::Interval(..) => "interval".into(),
        A::Float16 => "16-bit float".into(),
        A::List(inner) | A::LargeList(inner) => format!("list of {}", describe(inner.dtype())),
        A::Dictionary(_, values, _) => describe(values),
        other => format!("{other:?}").to_lowercase(),
    }
}
