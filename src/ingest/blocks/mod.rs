//! Bytes in as a stream of blocks: a file or stdin, decompressed (gzip, zstd) on a thread of its
//! own, in bounded memory; and [`TextDecoder`], to turn those blocks into UTF-8 text.
//!
//! Promises:
//! - Compression is recognised by magic bytes, never by name: gzip (`1f 8b`) is read to the end of
//!   its last member (`pigz`, `bgzip`, `cat a.gz b.gz`) and zero padding after it ([`gzip`]),
//!   zstd (`28 b5 2f fd`) to the end of its last frame.
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

mod gzip;

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
            Box::new(gzip::Members::new(buffered))
        }
        // zstd's reader goes on from one frame to the next unless told otherwise.
        Some(Compression::Zstd) => match zstd::stream::read::Decoder::new(input) {
            Ok(decoder) => Box::new(decoder),
            Err(e) => return failed(e, 0),
        },
    };
    let mut produced: u64 = 0;
    loop {
        // A fresh block each time: the previous one belongs to the consumer now. Reserved, not
        // zeroed: a small input touches only the pages it fills (zeroing 8 MiB per block cost
        // more than reading a small file). `read_to_end` retries interruptions and, on an
        // error, keeps what it read.
        let mut block = Vec::with_capacity(block_size);
        if let Err(e) = (&mut reader)
            .take(block_size as u64)
            .read_to_end(&mut block)
        {
            return failed(e, produced + block.len() as u64);
        }
        let (filled, at_end) = (block.len(), block.len() < block_size);
        produced += filled as u64;
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
mod tests;
