//! An input that shrinks while it is memory-mapped (finding F1).
//!
//! The counted pass maps files on disk ([`super::fast`]), and polars maps Parquet. If another
//! program truncates the file meanwhile (a shell's `> responses.csv`, `logrotate copytruncate`, an
//! export job rewriting it), touching a page past the new end raises `SIGBUS`, whose default
//! action kills the process with no message (exit 135). Checking the length first cannot help:
//! the truncation can happen at any instant after the check.
//!
//! So, while an input is read through a map, a `SIGBUS` handler is in place that prints the
//! input's name and the fix and exits with status 3, an input error (DESIGN.md §6). The handler
//! does only what is safe inside a signal handler: one `write(2)` of a message prepared in
//! advance, then `_exit`. No output file is left half written: outputs are written after the
//! inputs are read, through temporary files that are only renamed into place when complete (the
//! temporary file is not even created yet). A `SIGBUS` outside such a read, or with no input
//! being read, keeps its default action: the handler restores it and the faulting access is
//! retried, so the process dies of the signal as it would have.

use std::sync::atomic::{AtomicPtr, Ordering};

/// The message for the input being read (null when none). Leaked, never freed, so that a handler
/// running on another thread can never read freed memory: one short line per input read.
static MESSAGE: AtomicPtr<&'static [u8]> = AtomicPtr::new(std::ptr::null_mut());

/// While alive, a `SIGBUS` names the file as having changed while it was read, and exits 3.
#[must_use = "the guard covers the read only while it lives"]
pub(crate) struct Reading {
    /// The message of an enclosing guard, put back on drop.
    previous: *mut &'static [u8],
}

/// Cover the reading of `file` (the name as the user gave it) through a memory map.
pub(crate) fn reading(file: &str) -> Reading {
    let text = format!(
        "nps: error: {}: the file changed while it was being read (another program truncated or \
         rewrote it); read a copy that nothing writes to: copy it first and give nps the copy\n",
        crate::output::escape::terminal(file)
    );
    let text: &'static [u8] = Box::leak(text.into_bytes().into_boxed_slice());
    let previous = MESSAGE.swap(Box::leak(Box::new(text)), Ordering::SeqCst);
    install();
    Reading { previous }
}

impl Drop for Reading {
    fn drop(&mut self) {
        MESSAGE.store(self.previous, Ordering::SeqCst);
    }
}

#[cfg(unix)]
fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: installs a handler that only reads an atomic and calls the async-signal-safe
        // `write`, `_exit` and `signal`; `sa_mask` is zeroed (no signal blocked meanwhile).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    });
}

#[cfg(not(unix))]
fn install() {}

#[cfg(unix)]
extern "C" fn on_sigbus(signal: libc::c_int) {
    let message = MESSAGE.load(Ordering::SeqCst);
    if message.is_null() {
        // Not ours: the default action, on the retried access.
        // SAFETY: `signal` is async-signal-safe.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
        return;
    }
    // SAFETY: `message` points to a leaked slice that is never freed; `write` and `_exit` are
    // async-signal-safe.
    unsafe {
        let text: &[u8] = *message;
        libc::write(2, text.as_ptr() as *const libc::c_void, text.len());
        libc::_exit(3);
    }
}
