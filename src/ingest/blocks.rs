//! Bytes in as a stream of blocks: a file or stdin, decompressed (gzip, zstd) on a thread of its
//! own, in bounded memory; and [`TextDecoder`], to turn those blocks into UTF-8 text.
//!
//! Promises:
//! - Compression is recognised by magic bytes, never by name: gzip (`1f 8b`) is read to the end of
//!   its last member (`pigz`, `bgzip`, `cat a.gz b.gz`), zstd (`28 b5 2f fd`) to the end of its
//!   last frame.
//! - Every block is non-empty and at most `block_size` bytes.
//! - An input that cannot be read or decompressed to its end yields an error from
//!   [`Blocks::next_block`] *instead of* the end, naming the input and how far it got: a cut
//!   stream is never taken for a complete one.
//! - Memory is at most (channel depth + 2) × `block_size` = 4 × `block_size` (two blocks in the
//!   channel, one being filled, one held by the consumer) plus the decoders' fixed state (gzip: a
//!   32 KiB window and a 64 KiB input buffer; zstd: its window, at most 128 MiB, the `zstd` tool's
//!   own limit without `--long`), whatever the input's size or expansion ratio: nothing here reads
//!   to the end of anything, except [`Blocks::read_rest`] on request.
//! - Dropping [`Blocks`] never waits: the reader thread is detached; it stops at its next send
//!   (which fails once the receiver is gone) or, blocked on a stdin that never ends, with the
//!   process.
//!
//! gzip backend: flate2 over zlib-rs. A 106 MB survey CSV (tests/bench/generate.py, 900,000
//! rows) compressed by `gzip -1` to 23 MB, decompressed into 1 MiB buffers on a 2-core machine
//! with two niced builds running; best (and median) of 8 rounds of best-of-5, in decompressed
//! MB/s: miniz_oxide (flate2's default) 370 (307), zlib-rs 520 (388), GNU `zcat` 171; through
//! [`Blocks`] itself (thread and channel included): miniz_oxide 327 (286), zlib-rs 478 (386). For
//! comparison, zstd (`zstd -1`, 20 MB) through [`Blocks`]: 882 (679). polars-parquet's `gzip`
//! feature already enables zlib-rs, and flate2 prefers it to miniz_oxide when both are built.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

use encoding_rs::{Decoder, DecoderResult, Encoding};

use crate::error::Error;

/// Blocks waiting in the channel: the reader works ahead while the consumer parses, and memory
/// stays a small multiple of the block size.
const DEPTH: usize = 2;

/// The input buffer in front of the gzip decoder: fewer reads than flate2's 32 KiB default.
const GZIP_INPUT_BUFFER: usize = 64 * 1024;

/// Compression recognised by magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// gzip, one member or several concatenated.
    Gzip,
    /// Zstandard, one frame or several concatenated.
    Zstd,
}

impl Compression {
    /// The name shown to users: `gzip` or `zstd`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// The compression whose magic bytes `head` starts with, if any.
    fn sniff(head: &[u8]) -> Option<Compression> {
        match head {
            [0x1f, 0x8b, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            _ => None,
        }
    }
}

/// Where the bytes come from; it decides the wording of read errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Stdin,
    File,
}

/// Counters shared by the reader thread and [`Blocks`].
#[derive(Debug, Default)]
struct Shared {
    /// Raw (compressed) bytes read from the input so far.
    bytes_in: AtomicU64,
    /// Set when the input itself failed, so that its error is not blamed on the decompressor
    /// that passed it on.
    source_failed: AtomicBool,
}

/// A stop before the end, kept so that every later call reports it again.
#[derive(Debug)]
struct Failure {
    /// The compressed stream is cut short or damaged (else the input could not be read).
    damaged: bool,
    kind: io::ErrorKind,
    reason: String,
    bytes_in: u64,
    bytes_out: u64,
}

/// What the reader thread sends.
enum Msg {
    Block(Vec<u8>),
    End,
    Failed(Failure),
}

/// The stream as the consumer sees it.
enum State {
    Running,
    Ended,
    Failed(Failure),
}

/// An input as a sequence of decompressed blocks, read on a thread of its own.
pub(crate) struct Blocks {
    name: String,
    origin: Origin,
    compression: Option<Compression>,
    rx: Receiver<Msg>,
    shared: Arc<Shared>,
    bytes_out: u64,
    state: State,
}

impl Blocks {
    /// Open `path` (`-` = stdin), recognise its compression from the first bytes, and start a
    /// reader thread sending blocks of `block_size` decompressed bytes (at least 1).
    pub fn open(path: &Path, block_size: usize) -> Result<Blocks, Error> {
        if path.as_os_str() == "-" {
            let stdin = Box::new(io::stdin());
            return Blocks::start("<stdin>".into(), Origin::Stdin, stdin, block_size);
        }
        let name = path.display().to_string();
        // The wording whole-file reads always had (`source::read` now reads through here too).
        if path.is_dir() {
            let why = "is a directory, not a file; name the export file inside it";
            return Err(Error::data(name, why));
        }
        match File::open(path) {
            Ok(file) => Blocks::start(name, Origin::File, Box::new(file), block_size),
            Err(source) => Err(open_error(name, Origin::File, source)),
        }
    }

    /// Read the first bytes here, so that [`Blocks::compression`] is known at once, then hand
    /// the input to a reader thread.
    fn start(
        name: String,
        origin: Origin,
        mut source: Box<dyn Read + Send>,
        block_size: usize,
    ) -> Result<Blocks, Error> {
        // Four bytes tell gzip and zstd apart; `take` bounds the read, which retries interruptions.
        let mut head = Vec::with_capacity(4);
        if let Err(e) = source.by_ref().take(4).read_to_end(&mut head) {
            return Err(open_error(name, origin, e));
        }
        let compression = Compression::sniff(&head);
        let shared = Arc::new(Shared::default());
        let input = CountingReader {
            inner: Box::new(Cursor::new(head).chain(source)),
            shared: Arc::clone(&shared),
        };
        let (tx, rx) = sync_channel(DEPTH);
        let (thread_shared, block_size) = (Arc::clone(&shared), block_size.max(1));
        // Detached on purpose: joining could hang on a stdin that never ends.
        thread::Builder::new()
            .name("nps-blocks".into())
            .spawn(move || pump(input, compression, block_size, &thread_shared, &tx))
            .map_err(|source| Error::Open {
                file: name.clone(),
                fix: "no thread could be started to read it; free some memory and retry".into(),
                source,
            })?;
        let state = State::Running;
        Ok(Blocks {
            name,
            origin,
            compression,
            rx,
            shared,
            bytes_out: 0,
            state,
        })
    }

    /// The input's name as shown to users: `<stdin>` for `-`, else the path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The compression recognised, if any.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// The next block (never empty), or `None` at the end of the input. An input that cannot be
    /// read or decompressed to its end is an error (exit 3) instead of the end, and again on
    /// every later call.
    pub fn next_block(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match &self.state {
            State::Running => {}
            State::Ended => return Ok(None),
            State::Failed(failure) => return Err(self.error(failure)),
        }
        let failure = match self.rx.recv() {
            Ok(Msg::Block(block)) => {
                self.bytes_out += block.len() as u64;
                return Ok(Some(block));
            }
            Ok(Msg::End) => {
                self.state = State::Ended;
                return Ok(None);
            }
            Ok(Msg::Failed(failure)) => failure,
            // Gone without `End` (a panic, a bug): that is no end of input.
            Err(_) => Failure {
                damaged: false,
                kind: io::ErrorKind::Other,
                reason: "the reader thread stopped (a bug; please report it)".into(),
                bytes_in: self.bytes_in(),
                bytes_out: self.bytes_out,
            },
        };
        let error = self.error(&failure);
        self.state = State::Failed(failure);
        Err(error)
    }

    /// Raw (compressed) bytes read from the input so far: the reader may be a few blocks ahead
    /// of what [`Blocks::next_block`] has delivered.
    pub fn bytes_in(&self) -> u64 {
        self.shared.bytes_in.load(Ordering::Relaxed)
    }

    /// Decompressed bytes delivered by [`Blocks::next_block`] so far.
    // Kept for progress over decompressed bytes, though no caller shows that yet.
    #[allow(dead_code)]
    pub fn bytes_out(&self) -> u64 {
        self.bytes_out
    }

    /// Everything not yet delivered, appended to `prefix`, for formats that need the whole input
    /// (JSON arrays, Parquet); memory then grows with the input, as they require.
    pub fn read_rest(mut self, mut prefix: Vec<u8>) -> Result<Vec<u8>, Error> {
        while let Some(block) = self.next_block()? {
            if prefix.is_empty() {
                prefix = block;
            } else {
                prefix.extend_from_slice(&block);
            }
        }
        Ok(prefix)
    }

    /// The user-facing error for `failure`.
    fn error(&self, failure: &Failure) -> Error {
        let (bytes_in, reason) = (grouped(failure.bytes_in), &failure.reason);
        if let (true, Some(compression)) = (failure.damaged, self.compression) {
            let message = format!(
                "the {} stream is damaged or cut short after {bytes_in} compressed bytes ({} bytes \
                 decompressed): {reason}; re-create the archive or give the uncompressed file",
                compression.name(),
                grouped(failure.bytes_out),
            );
            return Error::data(self.name.clone(), message);
        }
        let fix = match self.origin {
            Origin::Stdin => "standard input could not be read",
            Origin::File => "the operating system refused to read it",
        };
        Error::Open {
            file: self.name.clone(),
            fix: format!("{fix} after {bytes_in} bytes"),
            source: io::Error::new(failure.kind, reason.clone()),
        }
    }
}

/// The error for an input that cannot be opened or read from the start, worded as whole-file
/// reads always were.
fn open_error(name: String, origin: Origin, source: io::Error) -> Error {
    let fix = match (origin, source.kind()) {
        (Origin::Stdin, _) => "standard input could not be read",
        (Origin::File, io::ErrorKind::NotFound) => {
            "no such file; check the path and the current directory"
        }
        (Origin::File, io::ErrorKind::PermissionDenied) => {
            "permission denied; check the file's permissions"
        }
        (Origin::File, _) => "the operating system refused to read it",
    };
    Error::Open {
        file: name,
        fix: fix.into(),
        source,
    }
}

/// A reader that counts the bytes it passes on and flags its own failures.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    shared: Arc<Shared>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.shared.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
                    return Ok(n);
                }
                // Retried here: zstd's reader passes `Interrupted` up instead of retrying.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.shared.source_failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
    }
}

/// The reader thread: decompress `input` into blocks of `block_size` and send them, then `End`
/// or the failure. Returns as soon as a send fails (the consumer is gone).
fn pump(
    input: CountingReader,
    compression: Option<Compression>,
    block_size: usize,
    shared: &Shared,
    tx: &SyncSender<Msg>,
) {
    let failed = |e: io::Error, bytes_out: u64| {
        let damaged = compression.is_some() && !shared.source_failed.load(Ordering::Relaxed);
        // flate2 and zstd word a cut stream differently; one wording for both.
        let reason = match e.kind() {
            io::ErrorKind::UnexpectedEof if damaged => "unexpected end of file".into(),
            _ => e.to_string(),
        };
        let (kind, bytes_in) = (e.kind(), shared.bytes_in.load(Ordering::Relaxed));
        let failure = Failure {
            damaged,
            kind,
            reason,
            bytes_in,
            bytes_out,
        };
        // If the consumer is gone, nobody needs the error.
        let _ = tx.send(Msg::Failed(failure));
    };
    let mut reader: Box<dyn Read> = match compression {
        None => Box::new(input),
        Some(Compression::Gzip) => {
            let buffered = BufReader::with_capacity(GZIP_INPUT_BUFFER, input);
            Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
        }
        // zstd's reader goes on from one frame to the next unless told otherwise.
        Some(Compression::Zstd) => match zstd::stream::read::Decoder::new(input) {
            Ok(decoder) => Box::new(decoder),
            Err(e) => return failed(e, 0),
        },
    };
    let mut produced: u64 = 0;
    loop {
        // A fresh block each time: the previous one belongs to the consumer now.
        let (mut block, mut filled, mut at_end) = (vec![0u8; block_size], 0, false);
        while filled < block_size && !at_end {
            match reader.read(&mut block[filled..]) {
                Ok(0) => at_end = true,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return failed(e, produced + filled as u64),
            }
        }
        produced += filled as u64;
        block.truncate(filled);
        if filled > 0 && tx.send(Msg::Block(block)).is_err() {
            return;
        }
        if at_end {
            let _ = tx.send(Msg::End);
            return;
        }
    }
}

/// `n` with thousands separators: `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Streaming transcoding of raw blocks into UTF-8, never inserting U+FFFD; a character split
/// between two blocks (a UTF-16 surrogate pair, a multi-byte sequence) is carried over.
///
/// A byte-order mark is the caller's business (as in `source::decode`, it decides the encoding
/// and is removed first): this decoder does no BOM handling.
pub(crate) struct TextDecoder {
    decoder: Decoder,
}

impl TextDecoder {
    /// A decoder for `encoding`, without BOM handling.
    pub fn new(encoding: &'static Encoding) -> TextDecoder {
        TextDecoder {
            decoder: encoding.new_decoder_without_bom_handling(),
        }
    }

    /// Decode `raw` and append its text to `out`; `last` marks the final block, at the end of
    /// which an incomplete sequence is malformed.
    ///
    /// Malformed input is `Err(at)`, `at` a byte offset into `out` (its length on return):
    /// `out[..at]` is all the text before the bad bytes, so the caller names the line by
    /// counting the line breaks before `at`. The decoder is not to be used afterwards.
    pub fn decode(&mut self, raw: &[u8], last: bool, out: &mut String) -> Result<(), usize> {
        let mut rest = raw;
        loop {
            // Room for the worst case, so that one call normally takes the whole input.
            let need = self
                .decoder
                .max_utf8_buffer_length_without_replacement(rest.len());
            out.reserve(need.unwrap_or(rest.len().saturating_mul(3)).max(16));
            let (result, read) = self
                .decoder
                .decode_to_string_without_replacement(rest, out, last);
            rest = &rest[read..];
            match result {
                DecoderResult::InputEmpty => return Ok(()),
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => return Err(out.len()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::{Duration, Instant};

    use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
    use flate2::write::GzEncoder;

    /// Blocks of `input`, read as stdin is.
    fn from<R: Read + Send + 'static>(input: R, block_size: usize) -> Blocks {
        Blocks::start("<stdin>".into(), Origin::Stdin, Box::new(input), block_size).unwrap()
    }

    /// Every block, checking sizes, or the error the stream ends in.
    fn drain(blocks: &mut Blocks, block_size: usize) -> Result<Vec<u8>, Error> {
        let mut all = Vec::new();
        while let Some(block) = blocks.next_block()? {
            assert!(!block.is_empty() && block.capacity() <= block_size);
            all.extend_from_slice(&block);
        }
        assert_eq!(blocks.bytes_out(), all.len() as u64);
        Ok(all)
    }

    fn text(rows: usize) -> Vec<u8> {
        (0..rows)
            .flat_map(|i| format!("R{i},{},ok\n", i % 11).into_bytes())
            .collect()
    }

    fn gzip(data: &[u8], level: u32) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn zstd_frame(data: &[u8]) -> Vec<u8> {
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        // With a checksum, damage is always detected rather than decoded into other text.
        enc.include_checksum(true).unwrap();
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_files_and_stdin_like_readers_come_in_blocks() {
        let data = text(1000);
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&data).unwrap();
        let mut blocks = Blocks::open(file.path(), 100).unwrap();
        assert_eq!(blocks.name(), file.path().display().to_string());
        assert_eq!(blocks.compression(), None);
        assert_eq!(drain(&mut blocks, 100).unwrap(), data);
        assert_eq!(blocks.bytes_in(), data.len() as u64);
        for size in [1, 3, 7, 4096, 1 << 20] {
            let got = drain(&mut from(Cursor::new(data.clone()), size), size);
            assert_eq!(got.unwrap(), data);
        }
    }

    #[test]
    fn open_errors_keep_the_wording_of_whole_file_reads() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.csv");
        let dir_message = "is a directory, not a file; name the export file inside it";
        let missing_message =
            "cannot read the file: no such file; check the path and the current directory";
        let cases = [(dir.path(), dir_message), (&missing, missing_message)];
        for (path, message) in cases {
            let err = Blocks::open(path, 10).err().unwrap();
            assert_eq!(err.to_string(), format!("{}: {message}", path.display()));
            assert_eq!(err.exit_code(), 3);
        }
    }

    #[test]
    fn empty_input_ends_at_once() {
        let mut blocks = from(io::empty(), 10);
        assert_eq!(blocks.compression(), None);
        assert!(blocks.next_block().unwrap().is_none());
        assert!(blocks.next_block().unwrap().is_none());
        let mut empty_gzip = from(Cursor::new(gzip(b"", 6)), 10);
        assert!(empty_gzip.next_block().unwrap().is_none());
    }

    #[test]
    fn gzip_and_zstd_read_every_member_and_frame() {
        let (a, b) = (text(500), text(300));
        let mut blocks = from(Cursor::new(gzip(&a, 6)), 64);
        assert_eq!(blocks.compression().map(Compression::name), Some("gzip"));
        assert_eq!(drain(&mut blocks, 64).unwrap(), a);
        let mut blocks = from(Cursor::new(zstd_frame(&a)), 64);
        assert_eq!(blocks.compression().map(Compression::name), Some("zstd"));
        assert_eq!(drain(&mut blocks, 64).unwrap(), a);
        let both = [a.as_slice(), &b].concat();
        for two in [[gzip(&a, 1), gzip(&b, 9)], [zstd_frame(&a), zstd_frame(&b)]] {
            let got = drain(&mut from(Cursor::new(two.concat()), 5), 5);
            assert_eq!(got.unwrap(), both);
        }
    }

    #[test]
    fn cut_or_damaged_streams_are_errors_not_ends() {
        let data = text(5000);
        let (gz, zst) = (gzip(&data, 6), zstd_frame(&data));
        let mut flipped = zst.clone();
        let mid = flipped.len() / 2;
        flipped[mid..mid + 8].iter_mut().for_each(|b| *b ^= 0xff);
        let cases = [
            (gz[..gz.len() - 10].to_vec(), "gzip"),
            (gz[..gz.len() / 2].to_vec(), "gzip"),
            (zst[..zst.len() / 2].to_vec(), "zstd"),
            (flipped, "zstd"),
        ];
        for (bytes, kind) in cases {
            let mut blocks = from(Cursor::new(bytes), 1000);
            let err = drain(&mut blocks, 1000).unwrap_err();
            let msg = err.to_string();
            let start = format!("<stdin>: the {kind} stream is damaged or cut short after ");
            assert!(msg.starts_with(&start), "{msg}");
            assert!(msg.ends_with("; re-create the archive or give the uncompressed file"));
            assert_eq!(err.exit_code(), 3);
            // The error stays: a second call does not turn it into an end.
            assert!(blocks.next_block().is_err());
        }
        let cut = from(Cursor::new(gz[..gz.len() - 10].to_vec()), 1000).read_rest(Vec::new());
        let msg = cut.unwrap_err().to_string();
        let end = format!("after {} compressed bytes", grouped(gz.len() as u64 - 10));
        let why = ": unexpected end of file;";
        assert!(msg.contains(&end) && msg.contains(why), "{msg}");
    }

    /// Gives its bytes, then fails as a broken stdin would.
    struct Failing(Cursor<Vec<u8>>);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::other("device went away")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn a_read_error_is_an_error_not_an_end() {
        for bytes in [text(100), gzip(&text(100), 6)] {
            let err = drain(&mut from(Failing(Cursor::new(bytes)), 64), 64).unwrap_err();
            let msg = err.to_string();
            let start = "<stdin>: cannot read the file: standard input could not be read after";
            assert!(msg.starts_with(start), "{msg}");
            assert_eq!(err.exit_code(), 3);
        }
    }

    #[test]
    fn a_decompression_bomb_stays_in_blocks() {
        // 100 MiB of zeros: deflate's best case, near its 1032:1 limit.
        let chunk = vec![0u8; 1 << 20];
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..100 {
            enc.write_all(&chunk).unwrap();
        }
        let gz = enc.finish().unwrap();
        let expanded = chunk.len() as u64 * 100;
        assert!(expanded >= 1000 * gz.len() as u64, "{}", gz.len());
        let block_size = 64 * 1024;
        let mut blocks = from(Cursor::new(gz), block_size);
        let mut total = 0;
        while let Some(block) = blocks.next_block().unwrap() {
            assert!(block.len() <= block_size && block.capacity() <= block_size);
            total += block.len() as u64;
        }
        assert_eq!(total, expanded);
    }

    #[test]
    fn read_rest_returns_everything_after_the_first_block() {
        let data = text(800);
        let mut blocks = from(Cursor::new(gzip(&data, 6)), 100);
        let first = blocks.next_block().unwrap().unwrap();
        assert_eq!(blocks.read_rest(first).unwrap(), data);
    }

    /// Gives its bytes, then blocks like a terminal nobody types into, until `wake` is dropped.
    struct Stuck(Cursor<Vec<u8>>, Receiver<()>);

    impl Read for Stuck {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            if n == 0 {
                let _ = self.1.recv();
            }
            Ok(n)
        }
    }

    /// Endless bytes; says when the reader thread lets go of it.
    struct Endless(Arc<AtomicBool>);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(b'x');
            Ok(buf.len())
        }
    }

    impl Drop for Endless {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_early_never_waits_and_stops_the_reader() {
        let (wake, asleep) = std::sync::mpsc::channel();
        let started = Instant::now();
        drop(from(Stuck(Cursor::new(b"score\n".to_vec()), asleep), 64));
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(wake);

        let gone = Arc::new(AtomicBool::new(false));
        let mut blocks = from(Endless(Arc::clone(&gone)), 16);
        assert_eq!(blocks.next_block().unwrap(), Some(vec![b'x'; 16]));
        drop(blocks);
        while !gone.load(Ordering::SeqCst) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the reader went on"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Decode `bytes` split in two at every offset, and one byte at a time.
    fn split_everywhere(encoding: &'static Encoding, bytes: &[u8], expected: &str) {
        for at in 0..=bytes.len() {
            let (mut dec, mut out) = (TextDecoder::new(encoding), String::new());
            dec.decode(&bytes[..at], false, &mut out).unwrap();
            dec.decode(&bytes[at..], true, &mut out).unwrap();
            assert_eq!(out, expected, "{} split at {at}", encoding.name());
        }
        let (mut dec, mut out) = (TextDecoder::new(encoding), String::new());
        for byte in bytes {
            assert_eq!(dec.decode(&[*byte], false, &mut out), Ok(()));
        }
        dec.decode(&[], true, &mut out).unwrap();
        assert_eq!(out, expected);
    }

    #[test]
    fn text_decoding_carries_characters_split_between_blocks() {
        let s = "a,Très déçu 😀 €\n9\n";
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        split_everywhere(UTF_16LE, &le, s);
        split_everywhere(UTF_16BE, &be, s);
        split_everywhere(UTF_8, s.as_bytes(), s);
        let latin = "a,Très déçu €\n9\n";
        let (cp1252, _, lossy) = WINDOWS_1252.encode(latin);
        assert!(!lossy && cp1252.len() == latin.chars().count());
        split_everywhere(WINDOWS_1252, &cp1252, latin);
    }

    #[test]
    fn malformed_text_is_an_offset_into_the_output() {
        // A lone high surrogate (3d d8) between "ab\n" and "c", split across two blocks.
        let bytes = [b'a', 0, b'b', 0, b'\n', 0, 0x3d, 0xd8, b'c', 0];
        let (mut dec, mut out) = (TextDecoder::new(UTF_16LE), String::new());
        dec.decode(&bytes[..7], false, &mut out).unwrap();
        assert_eq!(dec.decode(&bytes[7..], true, &mut out), Err(3));
        assert_eq!(out, "ab\n");
        // An odd byte at the very end of UTF-16.
        let (mut dec, mut out) = (TextDecoder::new(UTF_16BE), String::new());
        assert_eq!(dec.decode(&[0, b'x', 0], true, &mut out), Err(1));
        let (mut dec, mut out) = (TextDecoder::new(UTF_8), String::from("kept"));
        assert_eq!(dec.decode(b"ok\n\xff", true, &mut out), Err(7));
    }
}
