//! The `nps` binary: parse, run, turn the outcome into an exit code (DESIGN.md §6).
//! A closed pipe downstream (`nps score x | head -1`) is success, unless a gate failed: the gate
//! commands reach their verdict even when the reader has gone (`output::emit_before_verdict`), so
//! a failed gate is exit 1 whatever happened to stdout.

use std::error::Error as _;
use std::io::Write;
use std::process::ExitCode;

/// mimalloc (feature `mimalloc`, on by default): rows made on the pass's threads and freed on
/// others cost glibc's malloc a third of `nps followup`'s time, and musl's allocator serialises
/// the threads. `--no-default-features` builds with the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // First, while the process has one thread: polars must never see a value it panics on.
    for warning in nps::environment::sanitize() {
        let _ = writeln!(
            std::io::stderr(),
            "nps: warning: {}",
            nps::output::escape::terminal(&warning)
        );
    }
    // clap exits 0 for --help/--version and 2 for usage errors, printing its own message; a bad
    // settings file or NPS_* variable is a usage error too (exit 2).
    let mut cli = match nps::cli::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(nps::cli::ParseFailure::Clap(e)) => return clap_exit(&e),
        Err(nps::cli::ParseFailure::Settings(e)) => return report(&e),
    };
    // Results bound for a standard output that was closed (`>&-`) would vanish into the
    // /dev/null that Rust's runtime opens in its place: refuse before any work (finding F42).
    let to_stdout = cli.command.output_mut().is_none_or(|o| o.output.is_none());
    if to_stdout && stdout_closed::at_start() {
        return report(&nps::Error::Write {
            target: "standard output".into(),
            source: std::io::Error::other(
                "it was closed when nps started (>&-); give -o FILE, or redirect it",
            ),
        });
    }
    match nps::run(cli) {
        Ok(status) => ExitCode::from(status.code() as u8),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

/// clap's help, version or usage error, printed as clap does — but a help or version text that
/// cannot be written (`nps --help > /dev/full`) is exit 4, not success (finding F42).
fn clap_exit(e: &clap::Error) -> ExitCode {
    match e.print() {
        Ok(()) => ExitCode::from(e.exit_code() as u8),
        Err(source) if e.exit_code() == 0 => report(&nps::Error::Write {
            target: "standard output".into(),
            source,
        }),
        // A usage error whose message cannot reach stderr: its status still says so.
        Err(_) => ExitCode::from(e.exit_code() as u8),
    }
}

/// Whether standard output was closed when the process started, before Rust's runtime put
/// /dev/null in its place: recorded by a function in `.init_array`, which the C runtime calls
/// before `main` and so before that replacement.
mod stdout_closed {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    #[cfg(target_os = "linux")]
    #[used]
    #[link_section = ".init_array"]
    static RECORD: extern "C" fn() = record;

    #[cfg(target_os = "linux")]
    extern "C" fn record() {
        // SAFETY: F_GETFD only reads the descriptor's flags; it fails (EBADF) when it is closed.
        if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
            CLOSED.store(true, Ordering::SeqCst);
        }
    }

    /// What [`record`] saw (false where it cannot run).
    pub fn at_start() -> bool {
        CLOSED.load(Ordering::SeqCst)
    }
}

/// Write an error and its causes to stderr; its exit code.
fn report(e: &nps::Error) -> ExitCode {
    // Errors quote cell values and column names: never raw control characters.
    let text = |s: &dyn std::fmt::Display| nps::output::escape::terminal(&s.to_string());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "nps: error: {}", text(e));
    let mut cause = e.source();
    while let Some(c) = cause {
        let _ = writeln!(err, "  caused by: {}", text(&c));
        cause = c.source();
    }
    ExitCode::from(e.exit_code() as u8)
}
