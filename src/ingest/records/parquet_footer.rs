//! A Parquet file's footer checked before polars reads it (found by fuzzing).
//!
//! polars' Parquet reader decodes the footer's Thrift metadata and reserves room for every list
//! as its header announces it: a damaged or crafted footer that announces 10¹⁰ elements makes
//! the process request 136 GB and abort — no panic to catch, no message. So the footer is walked
//! here first, in Thrift's compact protocol, and every length it announces (lists, sets, maps,
//! binary values) must fit in the bytes that remain, each element taking at least one byte.
//! A footer that passes can make polars reserve at most a small multiple of its own size.

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
    let mut walk = Walk {
        bytes: &bytes[n - 8 - length..n - 8],
        at: 0,
    };
    walk.structure(0)
        .map_err(|why| format!("its footer's metadata is damaged ({why})"))
}

struct Walk<'b> {
    bytes: &'b [u8],
    at: usize,
}

type Step = Result<(), &'static str>;

impl Walk<'_> {
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

    /// A struct: fields until the stop byte.
    fn structure(&mut self, depth: usize) -> Step {
        if depth > MAX_DEPTH {
            return Err("it nests too deeply");
        }
        loop {
            let header = self.byte()?;
            let kind = header & 0x0f;
            if kind == 0 {
                return Ok(());
            }
            if header >> 4 == 0 {
                // A field id that is not a delta: a zigzag i16 follows.
                self.varint()?;
            }
            self.value(kind, depth)?;
        }
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
                let header = self.byte()?;
                let element = header & 0x0f;
                let n = match header >> 4 {
                    15 => self.varint()?,
                    small => u64::from(small),
                };
                let n = self.count(n, 1)?;
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
