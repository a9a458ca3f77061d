//! Output written as it is produced (`nps themes --per-response`): to stdout, or to `-o PATH` with
//! the same rules as [`super::write`] — a regular file through a temporary file renamed over it
//! only once complete (an interrupted run leaves the old file, never half of a new one), a device,
//! FIFO or descriptor alias straight through.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::AtomicFile;
use crate::error::Error;

/// An [`AtomicFile`] behind `std::io::Write`, for the buffer in front of it.
struct AtomicWriter(AtomicFile);

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The buffer in front of a file: 1 MiB. Written 8 KiB at a time (std's default), a large output
/// (`nps followup` at 10M rows writes 1.6 GB) cost a write call per 8 KiB and, on ext4, the
/// kernel zeroing the rest of each call's last page before filling it: a tenth of the samples of
/// followup's writing stage, which took about a second less with this buffer.
const FILE_BUFFER: usize = 1 << 20;

/// The buffer in front of stdout: smaller, so that a pipeline's next program gets rows early.
const STDOUT_BUFFER: usize = 64 << 10;

enum Target {
    Stdout(BufWriter<std::io::Stdout>),
    Through(BufWriter<std::fs::File>),
    Atomic(BufWriter<AtomicWriter>),
}

/// A destination written piece by piece.
pub struct Stream {
    target: Target,
    name: String,
    /// The first write error; later writes are skipped.
    failed: Option<std::io::Error>,
}

/// Bytes written the way [`Stream::write`] writes text: the first error is kept for
/// [`Stream::finish`], and nothing more is written after it.
impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Stream {
    /// Open stdout (`None`) or `path` for writing.
    pub fn open(path: Option<&Path>) -> Result<Stream, Error> {
        let fail = |source| Error::Write {
            target: path.map_or("stdout".into(), |p| p.display().to_string()),
            source,
        };
        let target = match path {
            None => Target::Stdout(BufWriter::with_capacity(STDOUT_BUFFER, std::io::stdout())),
            Some(p) => {
                let through = super::is_descriptor_alias(p)
                    || std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir());
                if through {
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .append(super::is_descriptor_alias(p))
                        .open(p)
                        .map_err(fail)?;
                    Target::Through(BufWriter::with_capacity(FILE_BUFFER, file))
                } else {
                    let file = AtomicFile::create(&super::resolve_links(p)).map_err(fail)?;
                    Target::Atomic(BufWriter::with_capacity(FILE_BUFFER, AtomicWriter(file)))
                }
            }
        };
        Ok(Stream {
            target,
            name: path.map_or("stdout".into(), |p| p.display().to_string()),
            failed: None,
        })
    }

    /// Write `text`; after a first error, nothing more is written (see [`Stream::finish`]).
    pub fn write(&mut self, text: &str) {
        self.write_bytes(text.as_bytes());
    }

    fn write_bytes(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        let result = match &mut self.target {
            Target::Stdout(w) => w.write_all(bytes),
            Target::Through(w) => w.write_all(bytes),
            Target::Atomic(w) => w.write_all(bytes),
        };
        self.failed = result.err();
    }

    /// Flush, and put a temporary file in place; the first write error, if any.
    pub fn finish(self) -> Result<(), Error> {
        let fail = |source| Error::Write {
            target: self.name.clone(),
            source,
        };
        if let Some(e) = self.failed {
            return Err(fail(e));
        }
        match self.target {
            Target::Stdout(mut w) => w.flush().map_err(fail),
            Target::Through(mut w) => w.flush().map_err(fail),
            Target::Atomic(w) => {
                let AtomicWriter(file) = w.into_inner().map_err(|e| fail(e.into_error()))?;
                file.commit().map_err(fail)
            }
        }
    }
}

/// Hand `consume` the items of `make`, which a thread of its own makes while `consume` takes the
/// ones before (up to two ahead): output of gigabytes is then written while the next rows are
/// made on every core, not after. When `consume` stops early (a write failed), making stops
/// after the item in hand. Not for a caller inside rayon's pool: `consume` waits on a channel,
/// which a thread of the pool must not do while the pool makes the items.
pub fn made_ahead<T: Send, R>(
    make: impl Iterator<Item = T> + Send,
    consume: impl FnOnce(std::sync::mpsc::IntoIter<T>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let (made, taken) = std::sync::mpsc::sync_channel(2);
        scope.spawn(move || {
            for item in make {
                if made.send(item).is_err() {
                    break;
                }
            }
        });
        consume(taken.into_iter())
    })
}

#[cfg(test)]
mod tests {
    use super::made_ahead;

    #[test]
    fn items_made_ahead_arrive_in_order_and_making_stops_with_the_taker() {
        let all: Vec<u32> = made_ahead(0..1000u32, |taken| taken.collect());
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        let made = std::sync::atomic::AtomicU32::new(0);
        let first: Vec<u32> = made_ahead(
            (0..1000u32).inspect(|_| {
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }),
            |taken| taken.take(3).collect(),
        );
        assert_eq!(first, [0, 1, 2]);
        // Three taken, at most two waiting in the channel, one in hand when the taker went away.
        assert!(made.load(std::sync::atomic::Ordering::Relaxed) <= 3 + 2 + 1);
    }
}
