//! The one way an output file is written to a path (findings F38, F40): a temporary file beside
//! the target, renamed over it only once complete, so an interrupted or failed run never leaves
//! half a file where the old one was.
//!
//! - The new file gets the mode of the file it replaces (a report a web server serves stays
//!   readable), and, when run as root, its owner; a new file gets 0666 less the umask, as any
//!   program's would (tempfile alone makes 0600).
//! - Errors name the path the user gave and what is wrong with it ("is a directory", "directory
//!   out/ does not exist"), never the temporary file's internal name.
//! - An interrupted run (SIGINT, SIGTERM, SIGHUP) removes its temporary files before it dies of
//!   the signal as it would have (finding F41): a thread started with the first output file waits
//!   for those signals, deletes the files still being written, then lets the signal's default
//!   action end the process, so the exit status still says which signal it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// The temporary files being written, removed if a signal ends the run.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Start, once, the thread that cleans up after SIGINT, SIGTERM and SIGHUP.
fn clean_up_on_signals() {
    static START: Once = Once::new();
    START.call_once(|| {
        use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
        // A signal the parent set to be ignored (`nohup`'s SIGHUP, SIGINT in a script's
        // background job) stays ignored: handling it would let it end the run.
        let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
            .into_iter()
            .filter(|&s| !ignored(s))
            .collect();
        // Without the thread an interrupted run only leaves litter: nothing to report.
        let Ok(mut signals) = signal_hook::iterator::Signals::new(wanted) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("nps-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let files = UNFINISHED.lock().unwrap_or_else(|p| p.into_inner());
                    for f in files.iter() {
                        let _ = std::fs::remove_file(f);
                    }
                    // Dies of the signal (its default action), holding the list so that no
                    // new temporary file starts meanwhile.
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// Whether `signal` is set to be ignored (its disposition read, not changed).
fn ignored(signal: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one into `old`, a
    // zeroed plain-data struct it fills.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

fn forget(path: &Path) {
    let mut files = UNFINISHED.lock().unwrap_or_else(|p| p.into_inner());
    files.retain(|f| f != path);
}

/// An output file being written.
pub struct AtomicFile {
    /// `None` once committed.
    tmp: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

/// `error` with a message of our own (the temporary file's name left out).
fn plain(error: &std::io::Error, message: String) -> std::io::Error {
    std::io::Error::new(error.kind(), message)
}

impl AtomicFile {
    /// Start writing `path` (symlinks already followed by the caller).
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let text = path.to_string_lossy();
        if text.ends_with('/') || path.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory; give a file name (-o dir/report.csv)",
            ));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "directory {} does not exist; create it first",
                    dir.display()
                ),
            ));
        }
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The kernel applies the umask to this mode, as for any new file.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(|e| {
            plain(
                &e,
                format!("cannot create a file in {} ({})", dir.display(), e.kind()),
            )
        })?;
        clean_up_on_signals();
        UNFINISHED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tmp.path().to_path_buf());
        Ok(AtomicFile {
            tmp: Some(tmp),
            path: path.to_path_buf(),
        })
    }

    /// Append `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let Some(tmp) = self.tmp.as_mut() else {
            return Ok(());
        };
        tmp.write_all(bytes)
            .map_err(|e| plain(&e, format!("{} ({})", e.kind(), self.path.display())))
    }

    /// Put the file in place of the target, with the target's mode and owner if it exists.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let unfinished = tmp.path().to_path_buf();
        let result = put_in_place(tmp, &self.path);
        forget(&unfinished);
        result
    }
}

/// `tmp` renamed over `path`, with the mode and owner of the file it replaces.
fn put_in_place(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    {
        let file = tmp.as_file();
        file.sync_all()?;
        #[cfg(unix)]
        if let Ok(old) = std::fs::metadata(path) {
            use std::os::unix::fs::MetadataExt;
            file.set_permissions(old.permissions())?;
            // Only root may give a file away; for anyone else the new file is theirs anyway.
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
        }
    }
    tmp.persist(path)
        .map(|_| ())
        .map_err(|e| plain(&e.error, format!("cannot replace it ({})", e.error.kind())))
}

impl Drop for AtomicFile {
    /// An output abandoned on an error: tempfile removes the file; this forgets it.
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            forget(tmp.path());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn dir() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("nps-out-")
            .tempdir()
            .unwrap()
    }

    fn write(path: &Path, text: &str) -> std::io::Result<()> {
        let mut f = AtomicFile::create(path)?;
        f.write_all(text.as_bytes())?;
        f.commit()
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask() {
        let d = dir();
        let old = d.path().join("report.csv");
        std::fs::write(&old, "old").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&old, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "new");
        let mode = std::fs::metadata(&old).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        let new = d.path().join("new.csv");
        write(&new, "x").unwrap();
        let mode = std::fs::metadata(&new).unwrap().permissions().mode() & 0o777;
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|u| u32::from_str_radix(u.trim(), 8).ok());
        if let Some(umask) = umask {
            assert_eq!(mode, 0o666 & !umask, "mode {mode:o} under umask {umask:o}");
        }
    }

    #[test]
    fn errors_name_the_directory_problem_not_a_temporary_file() {
        let d = dir();
        let e = write(&d.path().join("missing/report.csv"), "x").unwrap_err();
        assert!(e.to_string().contains("missing does not exist"), "{e}");
        assert!(!e.to_string().contains(".tmp"), "{e}");
        let with_slash = PathBuf::from(format!("{}/", d.path().display()));
        let e = write(&with_slash, "x").unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            0,
            "nothing left behind"
        );
    }
}
