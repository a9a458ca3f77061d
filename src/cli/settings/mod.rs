//! Settings that users repeat, kept in files and the environment instead of on every command line:
//! column names, preset, date format and time zone, filters, `--min-n`, `--ci`, `--confidence`,
//! `--decimals`, the default `--format`, check rules, themes files.
//!
//! **Keys are the flags' long names**, so there is nothing new to learn and nothing to keep in
//! step: every flag of an analysis command is a setting except those that say what this one run
//! asks ([`configurable::EXCLUDED`]: the output path, `--by`, `--explain`, `--margin`…). A key at
//! the top of a file applies to every command that has that flag; a table named after a command
//! (`[check]`) holds settings for that command only and wins over the top level of the same file.
//!
//! **Precedence**, highest first: a flag on the command line, an `NPS_*` environment variable
//! (`NPS_` and the key in capitals, `-` as `_`: `NPS_SCORE_COL`), the nearest `nps.toml` (the
//! working directory, then each parent), the user's file (`$XDG_CONFIG_HOME/nps/config.toml`),
//! the built-in default. `--config PATH` reads that file instead of both files; `--no-config`
//! reads none (the environment still applies).
//!
//! **How**: each setting becomes the default value of its flag in clap's command before the
//! command line is parsed, so a flag typed by the user replaces it as any default is replaced,
//! and `--help` shows the defaults in effect. A repeatable flag given on the command line
//! replaces the file's list rather than adding to it. Every value is checked by its flag's own
//! parser when it is read, so a bad value is an error naming the file and the line (or the
//! variable), exit 2, before any data is read.

pub mod configurable;
mod file;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Arg, Command};

pub use file::{user_file, Discovery, Entry, PROJECT_FILE};

use crate::error::Error;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The flag's built-in default.
    Default,
    /// A settings file, at a line (0 before the line is known).
    File {
        /// The file.
        path: PathBuf,
        /// The line of the key.
        line: usize,
    },
    /// An environment variable.
    Env {
        /// Its name.
        variable: String,
    },
}

impl Origin {
    fn file(path: &Path) -> Origin {
        Origin::File {
            path: path.to_path_buf(),
            line: 0,
        }
    }

    fn at_line(&self, line: usize) -> Origin {
        match self {
            Origin::File { path, .. } => Origin::File {
                path: path.clone(),
                line,
            },
            other => other.clone(),
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { path, line: 0 } => write!(f, "{}", path.display()),
            Origin::File { path, line } => write!(f, "{} line {line}", path.display()),
            Origin::Env { variable } => write!(f, "environment {variable}"),
        }
    }
}

/// What a run's settings were, for `nps config show` and `-v`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The files read, lowest precedence first.
    pub files: Vec<PathBuf>,
    /// Every setting with a value, per command and key, in command then key order.
    pub resolved: Vec<Resolved>,
}

/// One flag's value in one command, and where it came from.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The command (`score`, `check`…).
    pub command: String,
    /// The flag's long name.
    pub key: String,
    /// Its values (several for a repeatable flag).
    pub values: Vec<String>,
    /// Where they came from.
    pub origin: Origin,
}

/// The environment variable of a setting: `NPS_` and the key in capitals, `-` as `_`.
pub fn variable(key: &str) -> String {
    format!("NPS_{}", key.to_uppercase().replace('-', "_"))
}

/// Read the settings files and the environment for `args` (the whole command line, program name
/// first) and make them the defaults of `root`'s flags. Returns what was applied, for
/// `nps config show`.
pub fn apply(root: Command, args: &[OsString], cwd: &Path) -> Result<(Command, Settings), Error> {
    // Read a built copy (defaults, parsers, global flags in place); change the unbuilt one, which
    // clap builds when it parses (changing a built command confuses clap's own bookkeeping).
    let mut built = root.clone();
    built.build();
    let mut root = root;
    let mut layers: Vec<Vec<Entry>> = Vec::new();
    let mut settings = Settings::default();
    for (path, origin) in Discovery::from_args(args).files(cwd)? {
        layers.push(file::read(&path, &origin, &built)?);
        settings.files.push(path);
    }
    // (command, flag id, values) of every setting that is not the built-in default.
    let mut chosen: Vec<(String, clap::Id, Vec<String>)> = Vec::new();
    for command in built.get_subcommands().filter(|c| configurable::command(c)) {
        let name = command.get_name();
        for arg in configurable::args(command) {
            let Some(key) = arg.get_long() else { continue };
            let picked = from_env(command, arg, key)?.or_else(|| {
                // Nearest file first; in a file, the command's table before the top level.
                layers.iter().rev().find_map(|entries| {
                    let find = |scope: Option<&str>| {
                        entries
                            .iter()
                            .find(|e| e.key == key && e.command.as_deref() == scope)
                    };
                    find(Some(name)).or_else(|| find(None)).cloned()
                })
            });
            let (values, origin) = match picked {
                Some(e) => (e.values, e.origin),
                None => {
                    let defaults: Vec<String> = arg
                        .get_default_values()
                        .iter()
                        .map(|v| v.to_string_lossy().into_owned())
                        .collect();
                    (defaults, Origin::Default)
                }
            };
            if values.is_empty() {
                continue;
            }
            settings.resolved.push(Resolved {
                command: name.to_string(),
                key: key.to_string(),
                values: values.clone(),
                origin: origin.clone(),
            });
            if origin != Origin::Default {
                chosen.push((name.to_string(), arg.get_id().clone(), values));
            }
        }
    }
    for (command, id, values) in chosen {
        root = root.mut_subcommand(command, |c| c.mut_arg(id, |a| a.default_values(values)));
    }
    Ok((root, settings))
}

/// The setting's environment variable, checked by the flag's parser. (A flag that clap also
/// reads from the environment itself, `nps check --min` from `NPS_MIN`, gets the same value both
/// ways, with the same precedence.)
fn from_env(command: &Command, arg: &Arg, key: &str) -> Result<Option<Entry>, Error> {
    let variable = variable(key);
    // An empty variable is unset, as shells make it easy to leave one empty.
    let Some(value) = std::env::var_os(&variable).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let Some(value) = value.to_str().map(str::to_string) else {
        return Err(Error::usage(format!(
            "environment {variable}: not valid UTF-8; set it to a text value or unset it"
        )));
    };
    let origin = Origin::Env { variable };
    file::check(command, arg, std::slice::from_ref(&value), &origin, key)?;
    Ok(Some(Entry {
        command: Some(command.get_name().to_string()),
        key: key.to_string(),
        values: vec![value],
        origin,
    }))
}

#[cfg(test)]
mod tests;
