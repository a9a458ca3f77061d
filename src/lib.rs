//! # nps — Net Promoter Score from survey exports
//!
//! A library with a thin binary on top (`src/main.rs`). The data flows one way:
//!
//! ```text
//! cli (clap) ─► commands::<cmd> ─► ingest (files → polars frame + row accounting)
//!                               ─► metrics (counts, NPS, intervals: plain structs)
//!                               ─► output (table / markdown / csv / json → stdout or -o)
//! ```
//!
//! - [`cli`]: the command-line surface; shared option groups flattened into every command.
//! - [`ingest`]: the only module that reads inputs (formats, encodings, presets, column roles).
//! - [`metrics`]: the statistics of DESIGN.md §4, exact from counts, never rounded.
//! - [`output`]: renderers over one tabular core, and atomic writes.
//! - [`error`]: one error enum; every variant knows its exit code (DESIGN.md §6).
//! - [`environment`]: polars' `POLARS_*` variables checked before polars reads them.
//! - [`verbose`]: `-v`/`-vv` lines on stderr (decisions, stage timings).
//!
//! [`run`] executes a parsed command line and returns the exit status; the binary maps errors to
//! messages and codes.

#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod environment;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod output;
pub mod risk;
pub mod text;
pub mod themes;
pub mod verbose;

pub use error::{Error, ExitStatus};

/// Run a parsed command line. Results are written to stdout (or `-o`); notes to stderr.
pub fn run(cli: cli::Cli) -> Result<ExitStatus, Error> {
    commands::run(cli)
}
