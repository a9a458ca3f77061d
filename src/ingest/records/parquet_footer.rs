//! A Parquet file's footer checked before polars reads it (found by fuzzing).
//!
//! polars' Parquet reader decodes the footer's Thrift metadata and reserves room for every list
//! as its header announces it: a damaged or crafted footer that announces 10¹⁰ elements makes
//! the process request 136 GB and abort — no panic to catch, no message. So the footer is walked
//! here first, in Thrift's compact protocol, and every length it announces (lists, sets, maps,
//! binary values) must fit in the bytes that remain, each element taking at least one byte.
//! A footer that passes can make polars reserve at most a small multiple of its own size.
//!
//! Then the header of every page is read, the same way: a page that announces a negative number
//! of values (or more than its column chunk holds) made polars reserve 2⁶¹ bytes for its
//! validity bitmap and abort (also found by fuzzing). Only such counts are refused: a page
//! header this walk cannot follow is left to polars, which reports it as damage.

/// Deeper nesting than any Parquet schema has (and a bound on this walk's recursion).
const MAX_DEPTH: usize = 64;

/// Why the footer of `bytes` (a whole Parquet file) cannot be read safely, if it cannot.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let n = bytes.len();
    if n < 12 || !bytes.ends_with(b"PAR1") {
        return Err("it does not end with Parquet's PAR1 footer".into());
    }
    let length = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]);
    let length = length as usize;
    if length > n - 12 {
        return Err(format!(
            "its footer claims {length} bytes of metadata in a file of {n}"
        ));
    }
    // One walk checks every length and collects the column chunks on the way.
    let mut walk = Walk {
        bytes: &bytes[n - 8 - length..n - 8],
        at: 0,
    };
    let chunks = column_chunks(&mut walk)
        .map_err(|why| format!("its footer's metadata is damaged ({why})"))?;
    for chunk in &chunks {
        pages(&bytes[..n - 8 - length], chunk)
            .map_err(|why| format!("a page is damaged ({why})"))?;
    }
    Ok(())
}

/// What the footer says of one column chunk (Thrift `ColumnMetaData`).
#[derive(Default)]
struct Chunk {
    /// Field 5: values in the chunk.
    values: i64,
    /// Field 7: the chunk's size in the file.
    size: i64,
    /// Field 9: where its first data page starts.
    data: i64,
    /// Field 11: where its dictionary page starts, when it has one.
    dictionary: Option<i64>,
}

/// The column chunks of every row group: `FileMetaData.row_groups` (field 4), each
/// `RowGroup.columns` (field 1), each `ColumnChunk.meta_data` (field 3).
fn column_chunks(walk: &mut Walk) -> Result<Vec<Chunk>, &'static str> {
    let mut chunks = Vec::new();
    walk.fields(0, &mut |w, id, kind| {
        if (id, kind) != (4, 9) {
            return Ok(false);
        }
        w.structs(1, &mut |w| {
            w.fields(2, &mut |w, id, kind| {
                if (id, kind) != (1, 9) {
                    return Ok(false);
                }
                w.structs(3, &mut |w| {
                    w.fields(4, &mut |w, id, kind| {
                        if (id, kind) != (3, 12) {
                            return Ok(false);
                        }
                        let mut chunk = Chunk::default();
                        w.fields(5, &mut |w, id, kind| {
                            match id {
                                5 => chunk.values = w.int(kind)?,
                                7 => chunk.size = w.int(kind)?,
                                9 => chunk.data = w.int(kind)?,
                                11 => chunk.dictionary = Some(w.int(kind)?),
                                _ => return Ok(false),
                            }
                            Ok(true)
                        })?;
                        chunks.push(chunk);
                        Ok(true)
                    })
                })?;
                Ok(true)
            })
        })?;
        Ok(true)
    })?;
    Ok(chunks)
}

/// Read the page headers of `chunk` in `data` (the file before its footer): every page's count
/// of values (`DataPageHeader`, `DictionaryPageHeader` and `DataPageHeaderV2`, field 1 of each)
/// must be between zero and the chunk's, and its size (field 3) not negative.
fn pages(data: &[u8], chunk: &Chunk) -> Result<(), String> {
    if chunk.values < 0 {
        return Err(format!("a column chunk announces {} values", chunk.values));
    }
    let start = match chunk.dictionary {
        Some(d) if d > 0 && d < chunk.data => d,
        _ => chunk.data,
    };
    let (Ok(start), Ok(size)) = (usize::try_from(start), usize::try_from(chunk.size)) else {
        return Ok(()); // polars reports a chunk outside the file
    };
    let end = start.saturating_add(size).min(data.len());
    let mut at = start;
    while at < end {
        let mut walk = Walk {
            bytes: &data[at..end],
            at: 0,
        };
        let (mut compressed, mut counts) = (None, Vec::new());
        let header = walk.fields(0, &mut |w, id, kind| match (id, kind) {
            (3, 5) => {
                compressed = Some(w.int(kind)?);
                Ok(true)
            }
            (5 | 7 | 8, 12) => {
                w.fields(1, &mut |w, id, kind| {
                    if (id, kind) != (1, 5) {
                        return Ok(false);
                    }
                    counts.push(w.int(kind)?);
                    Ok(true)
                })?;
                Ok(true)
            }
            _ => Ok(false),
        });
        let (Ok(()), Some(compressed)) = (header, compressed) else {
            return Ok(()); // a header this walk cannot follow: polars reports it
        };
        if let Some(count) = counts.iter().find(|&&c| c < 0 || c > chunk.values) {
            return Err(format!(
                "it announces {count} values in a column chunk of {}",
                chunk.values
            ));
        }
        let Ok(compressed) = usize::try_from(compressed) else {
            return Err(format!("it announces a size of {compressed} bytes"));
        };
        at = at.saturating_add(walk.at).saturating_add(compressed);
    }
    Ok(())
}

struct Walk<'b> {
    bytes: &'b [u8],
    at: usize,
}

type Step = Result<(), &'static str>;

/// What [`Walk::fields`] hands each field to.
type FieldReader<'f, 'b> = dyn FnMut(&mut Walk<'b>, i64, u8) -> Result<bool, &'static str> + 'f;

/// A compact-protocol zigzag integer.
fn zigzag(n: u64) -> i64 {
    (n >> 1) as i64 ^ -((n & 1) as i64)
}

impl<'b> Walk<'b> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.bytes.get(self.at).ok_or("it ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn skip(&mut self, n: usize) -> Step {
        if n > self.left() {
            return Err("a value runs past its end");
        }
        self.at += n;
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                value |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("an integer is too long")
    }

    /// A count of items that take at least `each` bytes, checked against what remains.
    fn count(&mut self, n: u64, each: usize) -> Result<usize, &'static str> {
        let n = usize::try_from(n).map_err(|_| "a length is too large")?;
        if n.saturating_mul(each) > self.left() {
            return Err("a list announces more items than there are bytes");
        }
        Ok(n)
    }

    /// A struct: fields until the stop byte, all skipped.
    fn structure(&mut self, depth: usize) -> Step {
        self.fields(depth, &mut |_, _, _| Ok(false))
    }

    /// A struct's fields until the stop byte, each handed to `field` with its id and compact
    /// type: `field` reads the value and answers `true`, or answers `false` to have it skipped.
    fn fields(&mut self, depth: usize, field: &mut FieldReader<'_, 'b>) -> Step {
        if depth > MAX_DEPTH {
            return Err("it nests too deeply");
        }
        let mut id: i64 = 0;
        loop {
            let header = self.byte()?;
            let kind = header & 0x0f;
            if kind == 0 {
                return Ok(());
            }
            id = match header >> 4 {
                // A field id that is not a delta: a zigzag i16 follows.
                0 => zigzag(self.varint()?),
                delta => id + i64::from(delta),
            };
            if !field(self, id, kind)? {
                self.value(kind, depth)?;
            }
        }
    }

    /// A list of structs, each handed to `each`.
    fn structs(&mut self, depth: usize, each: &mut dyn FnMut(&mut Self) -> Step) -> Step {
        let (element, n) = self.list_header()?;
        for _ in 0..n {
            if element != 12 {
                self.element(element, depth)?;
                continue;
            }
            if depth > MAX_DEPTH {
                return Err("it nests too deeply");
            }
            each(self)?;
        }
        Ok(())
    }

    /// An integer field (i8, i16, i32 or i64; zigzag varints but for i8).
    fn int(&mut self, kind: u8) -> Result<i64, &'static str> {
        match kind {
            3 => Ok(i64::from(self.byte()? as i8)),
            4..=6 => Ok(zigzag(self.varint()?)),
            _ => Err("a count is not an integer"),
        }
    }

    /// A list's or set's element type and length, checked against what remains.
    fn list_header(&mut self) -> Result<(u8, usize), &'static str> {
        let header = self.byte()?;
        let n = match header >> 4 {
            15 => self.varint()?,
            small => u64::from(small),
        };
        Ok((header & 0x0f, self.count(n, 1)?))
    }

    /// One value of compact type `kind`.
    fn value(&mut self, kind: u8, depth: usize) -> Step {
        match kind {
            // Booleans as field types carry their value in the type.
            1 | 2 => Ok(()),
            3 => self.skip(1),
            4..=6 => self.varint().map(|_| ()),
            7 => self.skip(8),
            8 => {
                let n = self.varint()?;
                let n = self.count(n, 1)?;
                self.skip(n)
            }
            9 | 10 => {
                let (element, n) = self.list_header()?;
                for _ in 0..n {
                    self.element(element, depth + 1)?;
                }
                Ok(())
            }
            11 => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                let n = self.count(n, 2)?;
                for _ in 0..n {
                    self.element(types >> 4, depth + 1)?;
                    self.element(types & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            12 => self.structure(depth + 1),
            _ => Err("a value has an unknown type"),
        }
    }

    /// An element of a list, set or map: booleans take a byte there.
    fn element(&mut self, kind: u8, depth: usize) -> Step {
        match kind {
            1 | 2 => self.skip(1),
            _ => self.value(kind, depth),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    fn file(metadata: &[u8]) -> Vec<u8> {
        let mut bytes = b"PAR1".to_vec();
        bytes.extend_from_slice(metadata);
        bytes.extend_from_slice(&(metadata.len() as u32).to_le_bytes());
        bytes.extend_from_slice(b"PAR1");
        bytes
    }

    #[test]
    fn a_real_footer_passes() {
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/formats/responses.parquet"),
        )
        .unwrap();
        assert_eq!(check(&bytes), Ok(()));
    }

    #[test]
    fn lengths_beyond_the_footer_are_refused() {
        // Field 1, a list (type 9) of i32 (5) announcing 2³⁴ elements (varint), then nothing.
        let huge = [0x19, 0xf5, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00];
        assert!(check(&file(&huge))
            .unwrap_err()
            .contains("more items than there are bytes"));
        // Field 1, binary (8) of 100 bytes, with 2 present.
        assert!(check(&file(&[0x18, 100, 1, 2, 0])).is_err());
        // A footer length past the file.
        let mut bytes = file(&[0x00]);
        let n = bytes.len();
        bytes[n - 8..n - 4].copy_from_slice(&1_000_000u32.to_le_bytes());
        assert!(check(&bytes).unwrap_err().contains("claims 1000000 bytes"));
        // Nesting without end.
        assert!(check(&file(&[0x1c; 200])).is_err());
        // A small, well-formed struct: field 1 i32 = 3, stop.
        assert_eq!(check(&file(&[0x15, 0x06, 0x00])), Ok(()));
    }
}
