//! The `nps` binary: parse, run, turn the outcome into an exit code (DESIGN.md §6).
//! A closed pipe downstream (`nps score x | head -1`) is success, unless a gate failed: the gate
//! commands reach their verdict even when the reader has gone (`output::emit_before_verdict`), so
//! a failed gate is exit 1 whatever happened to stdout.

use std::error::Error as _;
use std::io::Write;
use std::process::ExitCode;

/// The musl release archives use mimalloc (feature `mimalloc`): musl's own allocator serialises
/// the pass's threads. Other targets keep the system allocator.
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
    let cli = match nps::cli::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(nps::cli::ParseFailure::Clap(e)) => e.exit(),
        Err(nps::cli::ParseFailure::Settings(e)) => return report(&e),
    };
    match nps::run(cli) {
        Ok(status) => ExitCode::from(status.code() as u8),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => report(&e),
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
