//! The one error type of the crate, grouped by who must act, and the process exit status.
//!
//! Every variant knows its exit code (DESIGN.md §6). Messages follow DESIGN.md §7: one line naming
//! the file, the row and the column where they apply, what was expected and what to do; the causes
//! follow as `caused by:` lines, printed by `main`.

use std::fmt;
use std::io;

/// Where in an input a problem sits, in the terms a user can look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum Location {
    /// A 1-based physical line of a text file (a record that spans lines is named by its first).
    Line(u64),
    /// A 1-based record of a JSON array or a Parquet file, where lines mean nothing.
    Record(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Record(n) => write!(f, "record {n}"),
        }
    }
}

/// How a run ended when nothing went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The analysis ran and every gate (if any) passed.
    Success,
    /// The analysis ran, its results were written, and a gate such as `--min` was not met.
    GateFailed,
}

impl ExitStatus {
    /// The process exit code of DESIGN.md §6.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::GateFailed => 1,
        }
    }
}

/// Everything that can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user asked for something impossible: a bad flag value or combination (exit 2).
    #[error("{message}")]
    Usage {
        /// The whole sentence, naming the flag and the fix.
        message: String,
    },

    /// An input could not be opened or read at all (exit 3).
    #[error("{file}: cannot read the file: {fix}")]
    Open {
        /// The file as the user named it.
        file: String,
        /// What to do about it.
        fix: String,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },

    /// An input was read but its content cannot be analysed (exit 3).
    #[error("{}", data_message(file, location, column.as_deref(), message))]
    Data {
        /// The file as the user named it (`<stdin>` for `-`).
        file: String,
        /// The line or record, where one applies.
        location: Option<Location>,
        /// The column, where one applies.
        column: Option<String>,
        /// What was found, what was expected and what to do.
        message: String,
    },

    /// The data engine failed while doing something we can name (exit 3).
    #[error("{file}: {doing}")]
    Engine {
        /// The file being processed, or a description of the combined inputs.
        file: String,
        /// What we were doing, as a sentence fragment ("reading the Parquet file").
        doing: String,
        /// polars' own error.
        #[source]
        source: polars::error::PolarsError,
    },

    /// Results could not be written (exit 4).
    #[error("cannot write {target}")]
    Write {
        /// `stdout` or the output path.
        target: String,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
}

fn data_message(
    file: &str,
    location: &Option<Location>,
    column: Option<&str>,
    message: &str,
) -> String {
    let mut out = file.to_string();
    if let Some(loc) = location {
        out.push_str(&format!(", {loc}"));
    }
    if let Some(col) = column {
        out.push_str(&format!(", column {col:?}"));
    }
    out.push_str(": ");
    out.push_str(message);
    out
}

impl Error {
    /// The process exit code of DESIGN.md §6.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => 2,
            Error::Open { .. } | Error::Data { .. } | Error::Engine { .. } => 3,
            Error::Write { .. } => 4,
        }
    }

    /// True when the error is only a closed pipe downstream (`nps score x | head`), which is
    /// success for a command-line tool.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
        }
    }

    /// A data error about a whole file (exit 3).
    pub fn data(file: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Data {
            file: file.into(),
            location: None,
            column: None,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_documented_exit_code() {
        let io = || io::Error::new(io::ErrorKind::NotFound, "gone");
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::GateFailed.code(), 1);
        assert_eq!(Error::usage("bad").exit_code(), 2);
        let open = Error::Open {
            file: "a.csv".into(),
            fix: "check the path".into(),
            source: io(),
        };
        assert_eq!(open.exit_code(), 3);
        assert_eq!(Error::data("a.csv", "no rows").exit_code(), 3);
        let engine = Error::Engine {
            file: "a.parquet".into(),
            doing: "reading".into(),
            source: polars::error::PolarsError::NoData("empty".into()),
        };
        assert_eq!(engine.exit_code(), 3);
        let write = Error::Write {
            target: "out.json".into(),
            source: io(),
        };
        assert_eq!(write.exit_code(), 4);
    }

    #[test]
    fn data_errors_name_file_row_and_column() {
        let e = Error::Data {
            file: "survey.csv".into(),
            location: Some(Location::Line(7)),
            column: Some("score".into()),
            message: "\"ten\" is not a score from 0 to 10".into(),
        };
        assert_eq!(
            e.to_string(),
            "survey.csv, line 7, column \"score\": \"ten\" is not a score from 0 to 10"
        );
    }

    #[test]
    fn only_a_closed_pipe_counts_as_broken_pipe() {
        let pipe = Error::Write {
            target: "stdout".into(),
            source: io::Error::new(io::ErrorKind::BrokenPipe, "closed"),
        };
        assert!(pipe.is_broken_pipe());
        assert!(!Error::usage("x").is_broken_pipe());
    }
}
