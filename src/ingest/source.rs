//! Bytes in, whole: open a file or stdin, undo gzip or zstd, recognise the format, decode the text.
//!
//! Promises: an input is identified by its content as much as its name (a `.csv` that is really an
//! Excel workbook is named as such); text is transcoded to UTF-8 without ever inserting U+FFFD
//! (bytes that are not valid in the chosen encoding are an error naming the line); the report
//! says how the encoding was decided.

use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::Serialize;

use super::blocks::Blocks;
use crate::cli::InputFormat;
use crate::error::{Error, Location};

/// An input's bytes, after decompression.
#[derive(Debug)]
pub struct RawInput {
    /// The name to show the user: the path as given, or `<stdin>`.
    pub name: String,
    /// Decompressed content.
    pub bytes: Vec<u8>,
    /// `Some("gzip")` or `Some("zstd")` when the input was compressed.
    pub compression: Option<&'static str>,
}

/// How the text encoding was decided.
#[derive(Debug, Clone, Serialize)]
pub struct EncodingReport {
    /// The WHATWG name of the encoding (`UTF-8`, `windows-1252`, `UTF-16LE`).
    pub name: &'static str,
    /// Whether a byte-order mark was present (and removed).
    pub bom: bool,
    /// Why this encoding: `byte-order mark`, `valid UTF-8`, `not valid UTF-8 …`, `--encoding`.
    pub reason: String,
}

/// Read `path` (`-` for stdin) whole into memory, decompressing gzip and zstd by their magic
/// bytes ([`Blocks`], the same reader the streaming pass uses).
pub fn read(path: &Path) -> Result<RawInput, Error> {
    let blocks = Blocks::open(path, READ_BLOCK)?;
    let name = blocks.name().to_string();
    let compression = blocks.compression().map(|c| c.name());
    let bytes = blocks.read_rest(Vec::new())?;
    Ok(RawInput {
        name,
        bytes,
        compression,
    })
}

/// Blocks in which an input read whole arrives.
const READ_BLOCK: usize = 4 << 20;

/// Decide the format: `forced` if given, else the content's magic bytes, else the file name's
/// extension (ignoring `.gz`, `.zst`), else the content's first character.
pub fn detect_format(
    name: &str,
    bytes: &[u8],
    forced: Option<InputFormat>,
) -> Result<InputFormat, Error> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::data(
            name,
            "is an Excel workbook (or another zip/OLE archive), not a CSV, JSON or Parquet export; \
             save the sheet as \"CSV UTF-8\" in Excel, or export CSV from the survey tool",
        ));
    }
    if is_utf32(bytes) {
        return Err(Error::data(
            name,
            "is UTF-32 text, which nps does not read; convert it to UTF-8 first, e.g. \
             iconv -f UTF-32 -t UTF-8 FILE > FILE.utf8.csv",
        ));
    }
    if let Some(f) = forced {
        return Ok(f);
    }
    // Parquet's magic is followed by binary page headers (thrift: 0x15…); a text header that
    // happens to start with `PAR1` (`PAR1,score`) is text (finding F39).
    if bytes.starts_with(b"PAR1")
        && !bytes
            .get(4)
            .is_some_and(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        return Ok(InputFormat::Parquet);
    }
    let lower = name.to_ascii_lowercase();
    let stem = [".gz", ".zst", ".zstd"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext))
        .unwrap_or(&lower);
    let first = first_text_byte(bytes);
    let by_ext = match stem.rsplit_once('.').map(|(_, ext)| ext) {
        Some("csv") | Some("txt") => Some(InputFormat::Csv),
        Some("tsv") | Some("tab") => Some(InputFormat::Tsv),
        Some("ndjson") | Some("jsonl") => Some(InputFormat::Ndjson),
        // Many ".json" files are really one object per line.
        Some("json") => Some(if first == Some(b'{') {
            InputFormat::Ndjson
        } else {
            InputFormat::Json
        }),
        Some("parquet") | Some("pq") => Some(InputFormat::Parquet),
        _ => None,
    };
    Ok(by_ext.unwrap_or(match first {
        Some(b'[') => InputFormat::Json,
        Some(b'{') => InputFormat::Ndjson,
        _ => InputFormat::Csv,
    }))
}

/// UTF-32 (finding F31: it used to be decoded as UTF-16): its byte-order mark, or, without one,
/// the three zero bytes of every ASCII character.
fn is_utf32(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(256) & !3];
    let quads = sample.chunks_exact(4);
    sample.len() >= 8
        && (quads.clone().all(|q| q[1..] == [0, 0, 0] && q[0] != 0)
            || quads.clone().all(|q| q[..3] == [0, 0, 0] && q[3] != 0))
}

/// UTF-16 without a byte-order mark (finding F31: it used to be called binary data): text in
/// the ASCII range then has a NUL in nearly every other byte, and almost none in between.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let nuls = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nuls(0), nuls(1));
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let few = |n: usize| n * 10 <= pairs;
    if mostly(odd) && few(even) {
        Some(UTF_16LE)
    } else if mostly(even) && few(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The first byte that is not white space or a UTF-8 BOM.
fn first_text_byte(bytes: &[u8]) -> Option<u8> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// The encoding `forced` or announced by a byte-order mark at the start of `bytes` (UTF-8 when
/// neither), why, and the mark's length. UTF-8 chosen for want of a mark is provisional: text
/// that turns out not to be UTF-8 is read as Windows-1252 (see [`decode`]).
pub fn choose_encoding(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> (&'static Encoding, &'static str, usize) {
    match (forced, Encoding::for_bom(bytes)) {
        (Some(enc), Some((bom_enc, len))) if bom_enc == enc => (enc, "--encoding", len),
        (Some(enc), _) => (enc, "--encoding", 0),
        (None, Some((enc, len))) => (enc, "byte-order mark", len),
        (None, None) => match utf16_without_bom(bytes) {
            Some(enc) => (
                enc,
                "a NUL in every other byte: UTF-16 without a byte-order mark",
                0,
            ),
            None => (UTF_8, "valid UTF-8", 0),
        },
    }
}

/// A NUL byte at `offset` (on `line`): binary data, not a text export.
pub fn binary_error(name: &str, line: u64, offset: u64) -> Error {
    Error::Data {
        file: name.to_string(),
        location: Some(Location::Line(line)),
        column: None,
        message: format!(
            "binary data (a NUL byte at offset {offset}), not a text export; give a CSV, JSON, NDJSON or Parquet file"
        ),
    }
}

/// Text forced or marked as UTF-8 that is not valid UTF-8 on `line`.
pub fn not_utf8_error(name: &str, line: u64) -> Error {
    Error::Data {
        file: name.to_string(),
        location: Some(Location::Line(line)),
        column: None,
        message: "is not valid UTF-8 here; run without --encoding to detect it, or give --encoding windows-1252".into(),
    }
}

/// Text that is not valid in the encoding forced or marked.
pub fn invalid_encoding_error(name: &str, encoding: &'static Encoding) -> Error {
    Error::data(
        name,
        format!(
            "contains bytes that are not valid {}; give the right --encoding",
            encoding.name()
        ),
    )
}

/// Why text that is not valid UTF-8 (first bad byte on `line`) is read as Windows-1252.
pub fn windows_1252_reason(line: u64) -> String {
    format!(
        "not valid UTF-8 (first bad byte on line {line}), read as Windows-1252; use --encoding to choose another"
    )
}

/// Transcode `bytes` to UTF-8 text.
///
/// With `forced`, that encoding is used (a matching BOM is removed). Otherwise a BOM decides;
/// failing that, valid UTF-8 is taken as UTF-8 and anything else as Windows-1252 — the encoding
/// of Excel's "CSV" on Western-European Windows, and a superset of Latin-1's printable range.
/// Text with NUL bytes (outside UTF-16) is rejected as binary.
pub fn decode(
    name: &str,
    mut bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<(String, EncodingReport), Error> {
    let (encoding, reason, bom_len) = choose_encoding(&bytes, forced);
    if !encoding.name().starts_with("UTF-16") {
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            return Err(binary_error(name, line_of(&bytes, pos), pos as u64));
        }
    }
    let report = |encoding: &'static Encoding, reason: String| EncodingReport {
        name: encoding.name(),
        bom: bom_len > 0,
        reason,
    };
    // Remove the BOM in place; the buffer is then moved, never copied, into the text.
    bytes.drain(..bom_len);
    if encoding == UTF_8 {
        return match String::from_utf8(bytes) {
            Ok(text) => Ok((text, report(UTF_8, reason.to_string()))),
            Err(e) if forced.is_some() || bom_len > 0 => {
                let at = e.utf8_error().valid_up_to();
                Err(not_utf8_error(name, line_of(e.as_bytes(), at)))
            }
            Err(e) => {
                let line = line_of(e.as_bytes(), e.utf8_error().valid_up_to());
                let why = windows_1252_reason(line);
                // Windows-1252 (WHATWG) maps all 256 byte values, so this never substitutes U+FFFD.
                let text = WINDOWS_1252
                    .decode_without_bom_handling(e.as_bytes())
                    .0
                    .into_owned();
                Ok((text, report(WINDOWS_1252, why)))
            }
        };
    }
    match encoding.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(text) => Ok((text.into_owned(), report(encoding, reason.to_string()))),
        None => Err(invalid_encoding_error(name, encoding)),
    }
}

/// The 1-based line holding byte `offset`.
pub fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_magic_then_extension_then_content() {
        let d = |name: &str, bytes: &[u8]| detect_format(name, bytes, None).unwrap();
        assert_eq!(d("x.csv", b"a,b\n"), InputFormat::Csv);
        assert_eq!(d("x.csv.gz", b"a,b\n"), InputFormat::Csv);
        assert_eq!(d("x.ndjson.zst", b"{}\n"), InputFormat::Ndjson);
        assert_eq!(d("x.tsv", b"a\tb\n"), InputFormat::Tsv);
        assert_eq!(d("x.json", b"[{}]"), InputFormat::Json);
        assert_eq!(d("x.json", b"{\"a\":1}\n"), InputFormat::Ndjson);
        assert_eq!(d("x.data", b"PAR1\x15\x04\x15"), InputFormat::Parquet);
        assert_eq!(d("x.parquet", b"PAR1\x15\x04\x15"), InputFormat::Parquet);
        assert_eq!(d("x.csv", b"PAR1,score\nx,9\n"), InputFormat::Csv);
        assert_eq!(d("<stdin>", b"PAR1\tscore\n"), InputFormat::Csv);
        assert_eq!(d("<stdin>", b"  [{\"a\":1}]"), InputFormat::Json);
        assert_eq!(d("<stdin>", b"score\n9\n"), InputFormat::Csv);
        let forced = detect_format("x.csv", b"whatever", Some(InputFormat::Ndjson)).unwrap();
        assert_eq!(forced, InputFormat::Ndjson);
    }

    #[test]
    fn workbooks_are_named_as_such() {
        let err = detect_format("scores.xlsx", b"PK\x03\x04rest", None).unwrap_err();
        assert!(err.to_string().contains("Excel workbook"), "{err}");
        assert_eq!(err.exit_code(), 3);
    }

    #[test]
    fn encodings_are_detected_and_never_replaced() {
        let (t, r) = decode("a", "é,9\n".as_bytes().to_vec(), None).unwrap();
        assert_eq!((t.as_str(), r.name, r.bom), ("é,9\n", "UTF-8", false));

        let (t, r) = decode("a", b"\xEF\xBB\xBFscore\n".to_vec(), None).unwrap();
        assert_eq!((t.as_str(), r.name, r.bom), ("score\n", "UTF-8", true));

        // "Très déçu" in Windows-1252, plus the euro sign (0x80).
        let (t, r) = decode("a", b"Tr\xE8s d\xE9\xE7u \x80\n".to_vec(), None).unwrap();
        assert_eq!((t.as_str(), r.name), ("Très déçu €\n", "windows-1252"));
        assert!(!t.contains('\u{FFFD}'));

        // UTF-16LE with BOM, as Excel's "Unicode text" writes it.
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a\t9\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let (t, r) = decode("a", utf16, None).unwrap();
        assert_eq!((t.as_str(), r.name), ("a\t9\n", "UTF-16LE"));
    }

    #[test]
    fn forced_utf8_on_latin1_bytes_is_an_error_naming_the_line() {
        let err = decode("a.csv", b"score\n9\n\xE9\n".to_vec(), Some(UTF_8)).unwrap_err();
        assert!(err.to_string().starts_with("a.csv, line 3:"), "{err}");
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let err = decode("b.csv", b"score\n\x00\x01\x02".to_vec(), None).unwrap_err();
        assert!(err.to_string().contains("binary data"), "{err}");
    }
}
