//! Rendering and writing results. Nothing here touches a DataFrame: commands hand over plain
//! structs implementing [`Report`], and this module turns them into bytes and puts the bytes
//! where they belong.
//!
//! - `table`, `markdown` and `csv` share one tabular core ([`tabular::Grid`]); `json` is the
//!   struct itself through serde, with a `schema_version`.
//! - Number formatting lives in [`numbers`] and nowhere else.
//! - Output goes to stdout, or with `-o` to a temporary file in the target's directory that is
//!   renamed over the target only once complete (never a half-written file), and never onto an
//!   input. A device, FIFO or descriptor alias (`/dev/null`, `/dev/stdout`) is written straight
//!   through, and a symlink's target is replaced, not the link ([`write`]).

mod atomic;
pub mod escape;
pub mod numbers;
pub mod stream;
pub mod tabular;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{ColorWhen, Format, OutputArgs};
use crate::error::Error;
pub(crate) use atomic::AtomicFile;
use tabular::{Grid, Section, Style};

/// The JSON schema version every command's JSON carries (see README, "JSON output").
pub const SCHEMA_VERSION: u32 = 1;

/// A command's result, renderable in every format.
pub trait Report: Serialize {
    /// Sections for `table` and `markdown`: a heading line, text lines and a grid each.
    fn sections(&self, decimals: u8) -> Vec<Section>;
    /// The single grid of the `csv` format (one header row).
    fn csv(&self, decimals: u8) -> Grid;
    /// The `csv` format's bytes, handed to `write` in pieces: the grid's, unless a report of
    /// millions of rows encodes them without building it (the bytes must be the same).
    fn write_csv(&self, decimals: u8, write: &mut dyn FnMut(&str)) {
        self.csv(decimals).write_csv(write);
    }
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
    let terminal = stdout_is_terminal() && args.output.is_none();
    let style = Style {
        // Box drawing is for terminals that can show it: not `TERM=dumb` (finding F43).
        boxed: match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
        },
        color: use_color(args.color, terminal),
    };
    Ok(match args.format {
        Format::Table => tabular::render_table(&report.sections(args.decimals), &style),
        Format::Markdown => tabular::render_markdown(&report.sections(args.decimals)),
        Format::Csv => {
            let mut text = String::new();
            report.write_csv(args.decimals, &mut |piece| text.push_str(piece));
            text
        }
        Format::Ndjson => {
            return Err(Error::usage(
                "--format ndjson is for nps themes --per-response (one JSON object per response); use json",
            ))
        }
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
            let mut text = Vec::new();
            escape::json_pretty_to(&mut text, report).map_err(|source| Error::Write {
                target: "JSON".into(),
                source,
            })?;
            text.push(b'\n');
            // serde_json writes only UTF-8.
            String::from_utf8_lossy(&text).into_owned()
        }
    })
}

/// Whether to colour: `--color always` and `--color never` decide alone. With `auto`, a non-empty
/// `NO_COLOR` turns colour off (no-color.org); else `CLICOLOR_FORCE` set to anything but `0`
/// turns it on even off a terminal (bixense.com/clicolors); else `CLICOLOR=0` or `TERM=dumb` turn
/// it off; else colour exactly when the results go to a terminal.
pub fn use_color(when: ColorWhen, terminal: bool) -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if var("NO_COLOR").is_some() {
                false
            } else if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                var("CLICOLOR").is_none_or(|v| v != "0")
                    && var("TERM").is_none_or(|t| t != "dumb")
                    && terminal
            }
        }
    }
}

fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Render `report` in the chosen format and write it where `args` says. JSON is written as it is
/// serialised, never held whole (a million segments made a gigabyte of it, finding F24), and CSV
/// as its rows are encoded.
pub fn emit(report: &impl Report, args: &OutputArgs) -> Result<(), Error> {
    let _stage = crate::verbose::stage("render and write");
    if args.format == Format::Json {
        let mut out = stream::Stream::open(args.output.as_deref())?;
        // A failed write is kept by the stream and reported by `finish`; any other error (none
        // of our reports can give one) leaves the output unwritten: the stream is dropped.
        if let Err(source) = escape::json_pretty_to(&mut out, report) {
            return Err(Error::Write {
                target: "JSON".into(),
                source,
            });
        }
        out.write("\n");
        return out.finish();
    }
    if args.format == Format::Csv {
        // Written piece by piece too: `nps risk` lists up to millions of rows.
        let mut out = stream::Stream::open(args.output.as_deref())?;
        report.write_csv(args.decimals, &mut |piece| out.write(piece));
        return out.finish();
    }
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

/// Refuse an output path that is one of the inputs (checked before any data is read). An input
/// `-` is whatever stdin reads: when that is a regular file, the output may not be that file
/// either (`nps score - -o x.csv < x.csv`).
pub fn check_output_path(output: Option<&Path>, inputs: &[PathBuf]) -> Result<(), Error> {
    let Some(out) = output else {
        return Ok(());
    };
    let Ok(out_real) = out.canonicalize() else {
        return Ok(()); // does not exist yet, so it cannot be an input
    };
    let clash = || {
        Error::usage(format!(
            "-o {} is also an input; choose another output path (nps never writes over its input)",
            out.display()
        ))
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == out_real) {
            return Err(clash());
        }
    }
    #[cfg(unix)]
    if inputs.iter().any(|i| i.as_os_str() == "-") && stdin_is_the_file(&out_real) {
        return Err(clash());
    }
    Ok(())
}

/// Whether stdin reads the regular file at `path` (same device and inode, by `fstat` of fd 0).
#[cfg(unix)]
fn stdin_is_the_file(path: &Path) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    let (Ok(input), Ok(output)) = (std::fs::File::from(fd).metadata(), std::fs::metadata(path))
    else {
        return false;
    };
    input.is_file() && input.dev() == output.dev() && input.ino() == output.ino()
}

/// Write `content` to stdout, or to `path` (see [`write_file`]).
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
        Some(path) => write_file(content, path).map_err(|source| Error::Write {
            target: path.display().to_string(),
            source,
        }),
    }
}

/// Write `content` to `path` the way the user means it (finding F3):
///
/// - a regular file or a new path: atomically, through a temporary file beside it that is renamed
///   over it once complete (never a half-written file);
/// - a symlink to a regular file (or a dangling one): atomically to the file it points to, so the
///   link stays a link;
/// - an existing character or block device, FIFO or socket (`/dev/null`, `/dev/full`, a named
///   pipe), and the descriptor aliases `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
///   `/proc/self/fd/N`: straight through, never replaced. A descriptor alias is opened for
///   appending, so `-o /dev/stdout >> log` appends as `>> log` says.
fn write_file(content: &str, path: &Path) -> std::io::Result<()> {
    let through = |append: bool| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .append(append)
            .open(path)?;
        file.write_all(content.as_bytes())?;
        file.flush()
    };
    if is_descriptor_alias(path) {
        return through(true);
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => through(false),
        _ => write_atomically(content, &resolve_links(path)),
    }
}

/// Whether `path` names an open descriptor rather than a file: replacing it would be wrong, and
/// resolving it may give a path that is not the descriptor's (a pipe, a deleted file).
pub(crate) fn is_descriptor_alias(path: &Path) -> bool {
    let text = path.to_string_lossy();
    ["/dev/stdout", "/dev/stderr"].contains(&text.as_ref())
        || ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"]
            .iter()
            .any(|dir| text.starts_with(dir))
}

/// `path` with every symlink at its end followed (relative targets are relative to the link's
/// directory); a dangling link gives the path it points to, where the output file will be
/// created. Stops after 40 links, as the kernel does, and leaves the path as it is then.
pub(crate) fn resolve_links(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let Some(target) = is_link.then(|| std::fs::read_link(&path).ok()).flatten() else {
            break;
        };
        path = match path.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    path
}

/// Write `content` to a temporary file beside `path` and rename it over `path` once complete.
fn write_atomically(content: &str, path: &Path) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(content.as_bytes())?;
    file.commit()
}
