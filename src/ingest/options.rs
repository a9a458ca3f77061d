//! The input options every command shares, resolved from the command line before any data is
//! read. Every pass reads its settings from [`Options`]; nothing below `ingest` parses flags.

use std::path::{Path, PathBuf};

use super::columns::Overrides;
use super::dates;
use crate::cli::{InputArgs, InputFormat, Preset};
use crate::error::Error;

/// Everything ingest needs to know, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs in order; `-` is stdin.
    pub files: Vec<PathBuf>,
    /// `--input-format`.
    pub format: Option<InputFormat>,
    /// `--preset`.
    pub preset: Option<Preset>,
    /// `--delimiter`.
    pub delimiter: Option<u8>,
    /// `--encoding`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Column flags.
    pub overrides: Overrides,
    /// `--strict`: an invalid score is an error.
    pub strict: bool,
    /// `--na`: score cells that mean "no answer".
    pub missing: super::score::Missing,
    /// Columns to carry into the frame as text (e.g. `--by plan,country`): each entry is a column
    /// name, or if no column has that exact name, a comma-separated list of names.
    pub keep: Vec<String>,
    /// The flag that named the `keep` columns, for the error when one is missing (`--by`, or
    /// `--eval` for the label column of `nps themes --eval`).
    pub keep_flag: &'static str,
    /// Read the date column into a `day` frame column (commands that need dates set this).
    pub need_dates: bool,
    /// With `need_dates`: an input without a date column is read with every response undated,
    /// not refused (`nps followup` and `nps risk` list undated responses; `--since`, `--until`
    /// and `--dedupe` still need the column).
    pub dates_optional: bool,
    /// Read the respondent id column into an `id` frame column.
    pub need_ids: bool,
    /// `--date-format`.
    pub date_order: Option<dates::DayOrder>,
    /// `--tz`.
    pub tz: chrono_tz::Tz,
    /// `--where` conditions.
    pub filters: Vec<crate::cli::Where>,
    /// `--since`.
    pub since: Option<chrono::NaiveDate>,
    /// `--until`.
    pub until: Option<chrono::NaiveDate>,
    /// `--dedupe`.
    pub dedupe: Option<crate::cli::Dedupe>,
    /// `--weight`: the weight column's name.
    pub weight: Option<String>,
    /// `--quiet`: no spinner.
    pub quiet: bool,
    /// The comment tagger, when the command reads comments (`nps themes`): each used response's
    /// comment is tagged and its key carried after the `--by` columns
    /// ([`super::comments::KEY_NAME`]).
    pub themes: Option<std::sync::Arc<crate::themes::Tagger>>,
    /// Where each used response's tags go as they are read (`nps themes --per-response`).
    pub rows_out: Option<RowsOut>,
    /// Each response's comment key names its themes (`nps themes --eval` needs the sets).
    pub theme_sets: bool,
    /// An input without a comment column is read as one whose comments are all blank, not
    /// refused (`nps report`: a score-only export still gets its report).
    pub comments_optional: bool,
    /// Count the comments' n-grams in the evidence: discovery, or `--drill` (only the comments
    /// of that theme, by its index).
    pub grams: Option<crate::themes::grams::Counting>,
    /// Whole responses (`nps followup`, `nps risk`): each used response's id, comment, day and
    /// the cells asked for, handed out in batches; the comment column may then be missing, and
    /// an ambiguous respondent id is an error.
    pub whole: Option<super::whole::WholeRows>,
}

/// The `--per-response` sink, in [`Options`].
#[derive(Clone)]
pub struct RowsOut(pub super::comments::RowSink);

impl std::fmt::Debug for RowsOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowsOut")
    }
}

impl Options {
    /// Options from the shared input flags.
    pub fn new(args: &InputArgs, quiet: bool) -> Self {
        Options {
            files: args.files.clone(),
            format: args.input_format,
            preset: args.preset,
            delimiter: args.delimiter,
            encoding: args.encoding,
            overrides: Overrides {
                score: args.score_col.clone(),
                date: args.date_col.clone(),
                id: args.id_col.clone(),
                comment: args.comment_col.clone(),
                contacts: Vec::new(),
            },
            strict: args.strict,
            missing: args.na.clone().unwrap_or_default(),
            keep: Vec::new(),
            keep_flag: "--by",
            need_dates: false,
            dates_optional: false,
            need_ids: false,
            date_order: args.date_format,
            tz: args.tz,
            filters: args.filters.clone(),
            since: args.since,
            until: args.until,
            dedupe: args.dedupe,
            weight: args.weight.clone(),
            quiet,
            themes: None,
            rows_out: None,
            theme_sets: false,
            comments_optional: false,
            grams: None,
            whole: None,
        }
    }

    /// Impossible combinations are usage errors, found before any data is read.
    pub fn check(&self) -> Result<(), Error> {
        self.check_inputs()?;
        // `--by "$SEGMENT"` with the variable unset would group everything under one nameless
        // segment equal to the overall row (finding F29).
        if let Some(empty) = self
            .keep
            .iter()
            .find(|k| k.split(',').all(|part| part.trim().is_empty()))
        {
            return Err(Error::usage(format!(
                "--by {empty:?} names no column; give a column name (nps inspect lists them)"
            )));
        }
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since > until {
                return Err(Error::usage(format!(
                    "--since {since} is after --until {until}; no response could match"
                )));
            }
        }
        Ok(())
    }

    /// One input named twice (`a.csv ./a.csv`, a hard link, `-` and `/dev/stdin`) would have its
    /// responses counted twice: a usage error naming both spellings, found before any data is
    /// read. Inputs are the same when they are the same file (device and inode); `-` is what
    /// standard input is open on. An input that cannot be opened is left to the pass that reads
    /// it, which reports it.
    pub fn check_inputs(&self) -> Result<(), Error> {
        let mut seen: Vec<(FileId, &Path)> = Vec::with_capacity(self.files.len());
        for path in &self.files {
            let Some(id) = file_id(path) else {
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(other, _)| *other == id) {
                let shown = |p: &Path| match p.as_os_str() == "-" {
                    true => "- (standard input)".to_string(),
                    false => p.display().to_string(),
                };
                let what = if first == path {
                    format!("{} is named twice", shown(path))
                } else {
                    format!("{} and {} are the same input", shown(first), shown(path))
                };
                return Err(Error::usage(format!(
                    "{what}; its responses would be counted twice. Name each input once"
                )));
            }
            seen.push((id, path));
        }
        Ok(())
    }
}

#[cfg(test)]
impl Options {
    /// Every flag at its default, reading `path` quietly: the starting point of unit tests.
    pub(crate) fn defaults_for(path: &Path) -> Options {
        Options {
            files: vec![path.to_path_buf()],
            format: None,
            preset: None,
            delimiter: None,
            encoding: None,
            overrides: Overrides::default(),
            strict: false,
            missing: super::score::Missing::default(),
            keep: Vec::new(),
            keep_flag: "--by",
            need_dates: false,
            dates_optional: false,
            need_ids: false,
            date_order: None,
            tz: chrono_tz::UTC,
            filters: Vec::new(),
            since: None,
            until: None,
            dedupe: None,
            weight: None,
            quiet: true,
            themes: None,
            rows_out: None,
            theme_sets: false,
            comments_optional: false,
            grams: None,
            whole: None,
        }
    }
}

/// A file that tells nps how to work (`--done`, `--themes`, `--churn`, `--templates`) and an
/// input that both read standard input: it holds one stream, so one of them would find it empty.
/// A usage error naming both, found before anything is read. `-` reads the stream; so does
/// `/dev/stdin` when standard input is a pipe or a terminal (a regular file is opened afresh).
pub fn check_stdin_read_once(inputs: &[PathBuf], files: &[PathBuf]) -> Result<(), Error> {
    let stream = match stdin_metadata() {
        Some(m) if m.is_file() => None,
        _ => file_id(Path::new("-")),
    };
    let reads =
        |p: &&PathBuf| p.as_os_str() == "-" || stream.is_some_and(|id| file_id(p) == Some(id));
    match (inputs.iter().find(reads), files.iter().find(reads)) {
        (Some(input), Some(file)) => Err(Error::usage(format!(
            "{} and the input {} both read standard input, which holds one stream: save one of them to a file and name it",
            file.display(),
            input.display()
        ))),
        _ => Ok(()),
    }
}

/// What standard input is open on, through a duplicate of its descriptor (never closed early).
#[cfg(unix)]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
}

#[cfg(not(unix))]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    None
}

/// What identifies an open file: its device and inode.
type FileId = (u64, u64);

/// The identity of input `path` (`-`: standard input), or `None` when it cannot be found.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let metadata = if path.as_os_str() == "-" {
        stdin_metadata()?
    } else {
        std::fs::metadata(path).ok()?
    };
    Some((metadata.dev(), metadata.ino()))
}

/// The identity of input `path` where there are no inode numbers: its canonical path.
#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<FileId> {
    use std::hash::{Hash, Hasher};
    if path.as_os_str() == "-" {
        return Some((u64::MAX, u64::MAX));
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    path.canonicalize().ok()?.hash(&mut hasher);
    Some((0, hasher.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(files: &[&Path]) -> Options {
        let mut o = Options::defaults_for(files[0]);
        o.files = files.iter().map(|p| p.to_path_buf()).collect();
        o
    }

    #[test]
    fn the_same_file_under_two_names_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "score\n9\n").unwrap();
        std::fs::write(&b, "score\n9\n").unwrap();
        let dotted = dir.path().join(".").join("a.csv");
        let link = dir.path().join("link.csv");
        std::fs::hard_link(&a, &link).unwrap();
        for twice in [[&a, &a], [&a, &dotted], [&a, &link]] {
            let err = options(&[twice[0], &b, twice[1]]).check().unwrap_err();
            assert_eq!(err.exit_code(), 2, "{err}");
            let text = err.to_string();
            assert!(text.contains(&twice[1].display().to_string()), "{text}");
            assert!(text.contains("counted twice"), "{text}");
        }
        // Different files, even with the same content; and a missing file is left to the pass.
        let missing = dir.path().join("missing.csv");
        assert!(options(&[&a, &b, &missing, &missing]).check().is_ok());
    }
}
