//! Blocks from files, stdin-like readers, gzip and zstd; what must be an error, not an end;
//! memory under a decompression bomb; text decoding across block boundaries.

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
