//! One module per subcommand. Each resolves its arguments into a plan (usage errors before any
//! data is read), calls ingest and metrics, renders through `output`, and returns the exit status.

pub mod inspect;
pub mod score;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::error::{Error, ExitStatus};
use crate::ingest::RowAccounting;

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Inspect(args) => inspect::run(&args),
    }
}

/// A line on stderr prefixed `nps: `. Failing to write to stderr is ignored: there is nowhere
/// left to report it.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "nps: {line}");
}

/// `967 read, 889 used, 78 blank, 0 invalid, 0 excluded`.
pub fn accounting_line(rows: &RowAccounting) -> String {
    format!(
        "{} read, {} used, {} blank, {} invalid, {} excluded",
        rows.read,
        rows.used,
        rows.blank,
        rows.invalid,
        rows.excluded_total()
    )
}

/// Warn about the invalid values that were set aside (always shown, even with `-q`: a warning,
/// not a note).
pub fn warn_invalid(rows: &RowAccounting) {
    for example in &rows.invalid_examples {
        note(&format!(
            "warning: {}, {}, column {:?}: {:?} is not a 0–10 score; row set aside (use --strict to stop instead)",
            example.file, example.location, example.column, example.value
        ));
    }
    let more = rows
        .invalid
        .saturating_sub(rows.invalid_examples.len() as u64);
    if more > 0 {
        note(&format!(
            "warning: … and {more} more invalid scores set aside"
        ));
    }
}
