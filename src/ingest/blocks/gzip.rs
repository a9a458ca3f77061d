//! gzip members one after another, as `gzip -d` reads them: every member to its end (`pigz`,
//! `bgzip`, `cat a.gz b.gz`), then the end of the input — or zero bytes up to it, the padding
//! that tape tools and some exporters write, which `gzip -d` skips with a warning (finding F48).
//! Anything else after a member is an error, never silently dropped.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

/// A reader of every gzip member in `R`, and of nothing but zero padding after the last one.
pub(super) struct Members<R: BufRead> {
    state: State<R>,
}

enum State<R: BufRead> {
    /// Inside a member.
    Member(Box<GzDecoder<R>>),
    /// Between members, or at the end.
    Between(R),
    /// Taken out while changing state (only while `read` runs).
    Moving,
}

impl<R: BufRead> Members<R> {
    /// Starts at the first member (the caller saw its magic bytes).
    pub(super) fn new(input: R) -> Self {
        Members {
            state: State::Member(Box::new(GzDecoder::new(input))),
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, State::Moving) {
                State::Member(mut member) => match member.read(out) {
                    Ok(0) => self.state = State::Between(member.into_inner()),
                    other => {
                        self.state = State::Member(member);
                        return other;
                    }
                },
                State::Between(mut input) => {
                    let next = input.fill_buf()?;
                    if next.is_empty() {
                        self.state = State::Between(input);
                        return Ok(0);
                    }
                    if next.starts_with(&[0x1f, 0x8b]) || next == [0x1f] {
                        // Another member (a lone first byte: its header decides).
                        self.state = State::Member(Box::new(GzDecoder::new(input)));
                        continue;
                    }
                    let (zeros, len) = (next.iter().position(|&b| b != 0), next.len());
                    match zeros {
                        Some(0) => {
                            self.state = State::Between(input);
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "data after the end of the gzip stream that is neither another \
                                 gzip member nor zero padding",
                            ));
                        }
                        Some(at) => input.consume(at),
                        None => input.consume(len),
                    }
                    self.state = State::Between(input);
                }
                // `read` puts a state back before every return.
                State::Moving => unreachable!("read never leaves Moving behind"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read, Write};

    use flate2::write::GzEncoder;

    use super::Members;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::new(1));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn read(bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        // A tiny buffer, so that members and padding straddle refills.
        Members::new(BufReader::with_capacity(3, &bytes[..]))
            .read_to_end(&mut out)
            .map(|_| out)
    }

    #[test]
    fn members_and_zero_padding_are_read_and_anything_else_is_an_error() {
        let mut two = gzip(b"id,score\n");
        two.extend(gzip(b"1,9\n"));
        assert_eq!(read(two.clone()).unwrap(), b"id,score\n1,9\n");
        let mut padded = two.clone();
        padded.extend([0u8; 1000]);
        assert_eq!(read(padded.clone()).unwrap(), b"id,score\n1,9\n");
        // Padding, then more data: an error, not an end.
        let mut padded_then_junk = padded;
        padded_then_junk.extend(b"junk");
        assert!(read(padded_then_junk).is_err());
        let mut junk = two;
        junk.extend(b"x");
        assert!(read(junk).is_err());
        // A member cut short is still an error.
        let cut = gzip(b"id,score\n1,9\n2,3\n");
        assert!(read(cut[..cut.len() - 6].to_vec()).is_err());
    }
}
