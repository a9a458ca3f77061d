//! How a stream's bytes become text: `--encoding`, a byte-order mark, or UTF-8 — provisional,
//! since text that turns out not to be UTF-8 is read as Windows-1252 as long as all before it was
//! ASCII (what reading the whole input would have given).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use rayon::prelude::*;

use super::Position;
use crate::error::{Error, Location};
use crate::ingest::blocks::TextDecoder;
use crate::ingest::source::{self, EncodingReport};

/// How the input's bytes become text.
pub(super) struct Decoding {
    encoding: &'static Encoding,
    reason: String,
    /// The byte-order mark's length (removed from the text).
    bom: usize,
    /// The transcoder, for every encoding but UTF-8 (passed through; chunks validate it).
    decoder: Option<TextDecoder>,
    /// UTF-8 chosen for want of a flag or a mark: text found not to be UTF-8 can still be read
    /// as Windows-1252 while all before it was ASCII.
    provisional: bool,
    /// All text counted so far was ASCII.
    ascii: bool,
    /// The line from which a provisional UTF-8 stream was read as Windows-1252.
    pub(super) switched: Option<u64>,
    scratch: String,
}

impl Decoding {
    /// The decoding of an input whose first bytes are `head` (all of it when `complete`), and
    /// the length of its byte-order mark.
    pub(super) fn new(
        head: &[u8],
        forced: Option<&'static Encoding>,
        complete: bool,
    ) -> (Self, usize) {
        let (mut encoding, reason, bom_len) = source::choose_encoding(head, forced);
        let provisional = forced.is_none() && bom_len == 0;
        let mut reason = reason.to_string();
        if provisional {
            if let Err(e) = simdutf8::compat::from_utf8(&head[bom_len..]) {
                // An invalid sequence, or one cut at the end of the whole input.
                if e.error_len().is_some() || complete {
                    encoding = WINDOWS_1252;
                    reason = source::windows_1252_reason(source::line_of(head, e.valid_up_to()));
                }
            }
        }
        let decoding = Decoding {
            encoding,
            reason,
            bom: bom_len,
            decoder: (encoding != UTF_8).then(|| TextDecoder::new(encoding)),
            provisional: provisional && encoding == UTF_8,
            ascii: true,
            switched: None,
            scratch: String::new(),
        };
        (decoding, bom_len)
    }

    /// Append the text of `raw` (the next bytes of the input; `last`: the end) to `text`.
    pub(super) fn append(
        &mut self,
        name: &str,
        raw: &[u8],
        last: bool,
        text: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(decoder) = self.decoder.as_mut() else {
            text.extend_from_slice(raw);
            return Ok(());
        };
        self.scratch.clear();
        decoder
            .decode(raw, last, &mut self.scratch)
            .map_err(|_| source::invalid_encoding_error(name, self.encoding))?;
        text.extend_from_slice(self.scratch.as_bytes());
        Ok(())
    }

    /// Note text that was counted: while it is all ASCII, a provisional UTF-8 stream may still
    /// turn out to be Windows-1252.
    pub(super) fn saw(&mut self, text: &[u8]) {
        if self.provisional && self.ascii {
            self.ascii = text.par_chunks(1 << 20).all(<[u8]>::is_ascii);
        }
    }

    /// Check text that a chunk refused, starting at `at`: an error for bytes that are not text
    /// in this encoding (a NUL outside UTF-16, UTF-8 that is not valid), `Ok(true)` when the
    /// stream was switched to Windows-1252 (`text` then holds the transcoded text, to count
    /// again), `Ok(false)` when the text is fine.
    pub(super) fn check(
        &mut self,
        name: &str,
        text: &mut Vec<u8>,
        at: Position,
        last: bool,
    ) -> Result<bool, Error> {
        // Lines as the record pass numbers these errors (`source::line_of`: at each LF), and
        // offsets in the input as read, its byte-order mark included.
        let line_at = |k: usize, text: &[u8]| {
            1 + at.feeds + memchr::memchr_iter(b'\n', &text[..k]).count() as u64
        };
        if !self.encoding.name().starts_with("UTF-16") {
            if let Some(k) = memchr::memchr(0, text) {
                let offset = (self.bom + k) as u64 + at.offset;
                return Err(source::binary_error(name, line_at(k, text), offset));
            }
        }
        if self.decoder.is_some() {
            return Ok(false);
        }
        let Err(e) = simdutf8::compat::from_utf8(text) else {
            return Ok(false);
        };
        if e.error_len().is_none() && !last {
            return Ok(false); // a character cut at the end of the block
        }
        let bad = e.valid_up_to();
        let line = line_at(bad, text);
        if !self.provisional {
            return Err(source::not_utf8_error(name, line));
        }
        if !(self.ascii && text[..bad].is_ascii()) {
            return Err(Error::Data {
                file: name.to_string(),
                location: Some(Location::Line(line)),
                column: None,
                message: "is not valid UTF-8 here, though the text before it is UTF-8 with accented letters; a stream is read in one encoding: give --encoding windows-1252 if the whole export is Windows-1252, or convert it to UTF-8".into(),
            });
        }
        // Windows-1252 maps every byte, and ASCII reads the same in both: the text counted so
        // far is what reading the whole input as Windows-1252 gives.
        let decoded = WINDOWS_1252
            .decode_without_bom_handling(text)
            .0
            .into_owned();
        *text = decoded.into_bytes();
        self.encoding = WINDOWS_1252;
        self.decoder = Some(TextDecoder::new(WINDOWS_1252));
        self.reason = source::windows_1252_reason(line);
        self.provisional = false;
        self.switched = Some(line);
        Ok(true)
    }

    /// The record pass's error for a NUL byte in `text`, the start of the input, outside UTF-16.
    pub(super) fn binary(&self, name: &str, text: &[u8]) -> Option<Error> {
        if self.encoding.name().starts_with("UTF-16") {
            return None;
        }
        let at = memchr::memchr(0, text)?;
        // Text and raw bytes (the mark aside) agree up to the first NUL unless transcoded from
        // Windows-1252.
        let line = source::line_of(text, at);
        Some(source::binary_error(name, line, (self.bom + at) as u64))
    }

    pub(super) fn report(&self) -> EncodingReport {
        EncodingReport {
            name: self.encoding.name(),
            bom: self.bom > 0,
            reason: self.reason.clone(),
        }
    }
}
