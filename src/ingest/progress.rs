//! The spinner that shows an input is being read: on a terminal stderr only, only for inputs
//! large enough to notice, never with `--quiet`.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::Duration;

use super::options::Options;

/// Inputs larger than this show a spinner (on a terminal): below it, reading takes well under a
/// second and a spinner would only flicker.
const SPINNER_BYTES: u64 = 32 * 1024 * 1024;

/// An indicatif spinner on stderr, only on a terminal, only for inputs large enough to notice.
pub(crate) struct Spinner {
    bar: Option<indicatif::ProgressBar>,
    /// The input being read, as named on the command line.
    name: RefCell<String>,
}

impl Spinner {
    pub(crate) fn start(options: &Options) -> Self {
        let large = options.files.iter().any(|p| {
            p.as_os_str() == "-" || std::fs::metadata(p).is_ok_and(|m| m.len() >= SPINNER_BYTES)
        });
        if options.quiet || !large || !std::io::stderr().is_terminal() {
            return Spinner {
                bar: None,
                name: RefCell::default(),
            };
        }
        Spinner {
            bar: Some(indicatif::ProgressBar::new_spinner()),
            name: RefCell::default(),
        }
    }

    /// Name the input being read. The message is set before the spinner starts ticking, so
    /// that its first frame already names the file.
    pub(crate) fn reading(&self, path: &std::path::Path) {
        if let Some(bar) = &self.bar {
            let name = if path.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                path.display().to_string()
            };
            bar.set_message(format!("reading {name}"));
            *self.name.borrow_mut() = name;
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Say how far a stream has got: compressed bytes and records read.
    pub(crate) fn progress(&self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "reading {}: {} MB read, {rows} records",
                self.name.borrow(),
                bytes / 1_000_000
            ));
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
