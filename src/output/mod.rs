//! Rendering and writing results. Nothing here touches a DataFrame: commands hand over plain
//! structs implementing [`Report`], and this module turns them into bytes and puts the bytes
//! where they belong.
//!
//! - `table`, `markdown` and `csv` share one tabular core ([`tabular::Grid`]); `json` is the
//!   struct itself through serde, with a `schema_version`.
//! - Number formatting lives in [`numbers`] and nowhere else.
//! - Output goes to stdout, or with `-o` to a temporary file in the target's directory that is
//!   renamed over the target only once complete (never a half-written file), and never onto an
//!   input.

pub mod escape;
pub mod numbers;
pub mod tabular;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{ColorWhen, Format, OutputArgs};
use crate::error::Error;
use tabular::{Grid, Section, Style};

/// The JSON schema version every command's JSON carries (see README, "JSON output").
pub const SCHEMA_VERSION: u32 = 1;

/// A command's result, renderable in every format.
pub trait Report: Serialize {
    /// Sections for `table` and `markdown`: a heading line, text lines and a grid each.
    fn sections(&self, decimals: u8) -> Vec<Section>;
    /// The single grid of the `csv` format (one header row).
    fn csv(&self, decimals: u8) -> Grid;
    /// JUnit XML, for reports that are test results (`nps check`).
    fn junit(&self) -> Option<String> {
        None
    }
    /// GitHub Actions workflow commands, for reports that are test results (`nps check`).
    fn github(&self) -> Option<String> {
        None
    }
}

/// Whether `format` is one of the CI formats only `nps check` produces.
pub fn is_ci_format(format: Format) -> bool {
    matches!(format, Format::Junit | Format::Github)
}

/// Render `report` in the chosen format.
pub fn render(report: &impl Report, args: &OutputArgs) -> Result<String, Error> {
    let style = Style {
        boxed: stdout_is_terminal() && args.output.is_none(),
        color: match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => stdout_is_terminal() && args.output.is_none(),
        },
    };
    Ok(match args.format {
        Format::Table => tabular::render_table(&report.sections(args.decimals), &style),
        Format::Markdown => tabular::render_markdown(&report.sections(args.decimals)),
        Format::Csv => report.csv(args.decimals).to_csv(),
        Format::Junit | Format::Github => {
            let text = if args.format == Format::Junit {
                report.junit()
            } else {
                report.github()
            };
            text.ok_or_else(|| {
                Error::usage("--format junit and --format github are for nps check")
            })?
        }
        Format::Json => {
            let text = serde_json::to_string_pretty(report).map_err(|e| Error::Write {
                target: "JSON".into(),
                source: std::io::Error::other(e),
            })?;
            let mut text = escape::json(&text);
            text.push('\n');
            text
        }
    })
}

fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Render `report` in the chosen format and write it where `args` says.
pub fn emit(report: &impl Report, args: &OutputArgs) -> Result<(), Error> {
    let text = render(report, args)?;
    write(&text, args.output.as_deref())
}

/// [`emit`] for a command whose exit status is a gate's verdict (`check`, `score --min`): a reader
/// that has gone (`nps check … | head -1`) ends the output, not the run, so the verdict is still
/// reached and still decides the exit status. A closed pipe is success only when nothing failed
/// (DESIGN.md §6); every other write error stays an error.
pub fn emit_before_verdict(report: &impl Report, args: &OutputArgs) -> Result<(), Error> {
    match emit(report, args) {
        Err(e) if e.is_broken_pipe() => Ok(()),
        written => written,
    }
}

/// Refuse an output path that is one of the inputs (checked before any data is read).
pub fn check_output_path(output: Option<&Path>, inputs: &[PathBuf]) -> Result<(), Error> {
    let Some(out) = output else {
        return Ok(());
    };
    let Ok(out_real) = out.canonicalize() else {
        return Ok(()); // does not exist yet, so it cannot be an input
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == out_real) {
            return Err(Error::usage(format!(
                "-o {} is also an input; choose another output path (nps never writes over its input)",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Write `content` to stdout, or atomically to `path`.
pub fn write(content: &str, path: Option<&Path>) -> Result<(), Error> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|source| Error::Write {
                    target: "stdout".into(),
                    source,
                })
        }
        Some(path) => {
            let target = path.display().to_string();
            let fail = |source| Error::Write {
                target: target.clone(),
                source,
            };
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
            tmp.write_all(content.as_bytes()).map_err(fail)?;
            tmp.as_file().sync_all().map_err(fail)?;
            tmp.persist(path).map_err(|e| fail(e.error))?;
            Ok(())
        }
    }
}
