//! Settings files: where they are found, and how one is read into entries, each checked against
//! the flags it stands for (its key must be a configurable flag, its value the flag's type and
//! accepted by the flag's own parser) and carrying its line for error messages and
//! `nps config show --origin`.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command};
use toml::de::{DeTable, DeValue};

use super::{configurable, Origin};
use crate::error::Error;

/// The name of a project settings file, looked for in the working directory and its parents.
pub const PROJECT_FILE: &str = "nps.toml";

/// Which settings files a run reads, as the command line asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// The nearest `nps.toml` and the user's file (the default).
    Search,
    /// `--config PATH`: this file only.
    Only(PathBuf),
    /// `--no-config`: no file.
    None,
}

impl Discovery {
    /// Read `--config PATH`, `--config=PATH` and `--no-config` from the raw arguments, before
    /// clap parses them (the files decide the defaults clap parses with). Arguments after `--`
    /// are values, not flags. clap parses the same flags again and rejects what is wrong with
    /// them (both given, a missing path).
    pub fn from_args(args: &[std::ffi::OsString]) -> Discovery {
        let mut found = Discovery::Search;
        let mut it = args.iter().skip(1);
        while let Some(arg) = it.next() {
            let Some(arg) = arg.to_str() else { continue };
            match arg {
                "--" => break,
                "--no-config" => found = Discovery::None,
                "--config" => {
                    if let Some(path) = it.next() {
                        found = Discovery::Only(PathBuf::from(path));
                    }
                }
                _ => {
                    if let Some(path) = arg.strip_prefix("--config=") {
                        found = Discovery::Only(PathBuf::from(path));
                    }
                }
            }
        }
        found
    }

    /// The files to read, lowest precedence first: the user's file, then the nearest project
    /// file. Files that do not exist are skipped; `--config PATH` must exist.
    pub fn files(&self, cwd: &Path) -> Result<Vec<(PathBuf, Origin)>, Error> {
        match self {
            Discovery::None => Ok(Vec::new()),
            Discovery::Only(path) => {
                if !path.is_file() {
                    return Err(Error::usage(format!(
                        "--config {}: no such settings file; give the path of an nps.toml, or \
                         drop --config to use the nearest one",
                        path.display()
                    )));
                }
                Ok(vec![(path.clone(), Origin::file(path))])
            }
            Discovery::Search => {
                let mut files = Vec::new();
                if let Some(user) = user_file().filter(|p| p.is_file()) {
                    files.push((user.clone(), Origin::file(&user)));
                }
                if let Some(near) = cwd
                    .ancestors()
                    .map(|dir| dir.join(PROJECT_FILE))
                    .find(|p| p.is_file())
                {
                    files.push((near.clone(), Origin::file(&near)));
                }
                Ok(files)
            }
        }
    }
}

/// The user's settings file: `$XDG_CONFIG_HOME/nps/config.toml`, else `~/.config/nps/config.toml`
/// (on macOS too, as most command-line tools do); `%APPDATA%\nps\config.toml` on Windows. A
/// relative `XDG_CONFIG_HOME` is ignored, as the XDG specification says.
pub fn user_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            if cfg!(windows) {
                std::env::var_os("APPDATA").map(PathBuf::from)
            } else {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"))
            }
        })?;
    Some(base.join("nps").join("config.toml"))
}

/// One setting read from a file or the environment.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The command whose table holds it (`[check]`), or `None` for the top level (every command
    /// with that flag).
    pub command: Option<String>,
    /// The flag's long name.
    pub key: String,
    /// The values, as they would be written after the flag (several for a repeatable flag).
    pub values: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// Read and check one settings file against `root`'s commands.
pub fn read(path: &Path, origin: &Origin, root: &Command) -> Result<Vec<Entry>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!(
            "settings file {}: cannot be read ({e}); fix it, or run with --no-config",
            path.display()
        ))
    })?;
    let table = DeTable::parse(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&text, s.start));
        Error::usage(format!(
            "{}: not valid TOML: {}; fix the file, or run with --no-config",
            origin.at_line(line),
            e.message().trim_end()
        ))
    })?;
    let at = |span: std::ops::Range<usize>| origin.at_line(line_of(&text, span.start));
    let mut entries = Vec::new();
    for (key, value) in table.get_ref() {
        let name = key.get_ref().as_ref();
        if let DeValue::Table(inner) = value.get_ref() {
            let Some(command) = root
                .get_subcommands()
                .find(|c| c.get_name() == name && configurable::command(c))
            else {
                return Err(bad(
                    &at(key.span()),
                    name,
                    format!(
                        "is not a command with settings; tables are named after one: {}",
                        configurable::command_names(root).join(", ")
                    ),
                ));
            };
            for (k, v) in inner {
                let key_name = k.get_ref().as_ref();
                let origin = at(k.span());
                let arg = configurable::args(command)
                    .find(|a| a.get_long() == Some(key_name))
                    .ok_or_else(|| {
                        bad(
                            &origin,
                            &format!("{name}.{key_name}"),
                            format!("is not a setting of nps {name}; {}", known(command)),
                        )
                    })?;
                let values = values_of(arg, v.get_ref(), &origin, key_name)?;
                check(command, arg, &values, &origin, key_name)?;
                entries.push(Entry {
                    command: Some(name.to_string()),
                    key: key_name.to_string(),
                    values: resolve_paths(arg, values, path),
                    origin,
                });
            }
        } else {
            let origin = at(key.span());
            let holders: Vec<(&Command, &Arg)> = root
                .get_subcommands()
                .filter(|c| configurable::command(c))
                .filter_map(|c| {
                    configurable::args(c)
                        .find(|a| a.get_long() == Some(name))
                        .map(|a| (c, a))
                })
                .collect();
            let Some((_, first)) = holders.first() else {
                return Err(bad(&origin, name, unknown(root, name)));
            };
            let values = values_of(first, value.get_ref(), &origin, name)?;
            for (command, arg) in &holders {
                check(command, arg, &values, &origin, name)?;
            }
            entries.push(Entry {
                command: None,
                key: name.to_string(),
                values: resolve_paths(first, values, path),
                origin,
            });
        }
    }
    Ok(entries)
}

/// Why `name` is not a setting, and what to write instead.
fn unknown(root: &Command, name: &str) -> String {
    if configurable::EXCLUDED.contains(&name) {
        return "is a flag for one run, not a setting: give it on the command line".into();
    }
    let dashed = name.replace('_', "-");
    let exists = root
        .get_subcommands()
        .any(|c| configurable::args(c).any(|a| a.get_long() == Some(dashed.as_str())));
    if dashed != name && exists {
        return format!("is not a setting; write `{dashed}` (keys are the flags' long names)");
    }
    "is not a setting; keys are the long names of the flags (score-col, min-n, format…), as \
     nps config show lists them"
        .into()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn bad(origin: &Origin, key: &str, what: String) -> Error {
    Error::usage(format!("{origin}: `{key}` {what}"))
}

fn known(command: &Command) -> String {
    let mut keys: Vec<&str> = configurable::args(command)
        .filter_map(|a| a.get_long())
        .collect();
    keys.sort_unstable();
    format!("its settings are {}", keys.join(", "))
}

/// The TOML value as the flag's text values, refusing a value of the wrong type.
fn values_of(arg: &Arg, value: &DeValue, origin: &Origin, key: &str) -> Result<Vec<String>, Error> {
    let flag = !arg.get_action().takes_values();
    let repeatable = matches!(arg.get_action(), ArgAction::Append);
    let scalar = |v: &DeValue| -> Option<String> {
        match v {
            DeValue::String(s) if !flag => Some(s.to_string()),
            DeValue::Integer(i) if !flag => Some(i.as_str().replace('_', "")),
            DeValue::Float(f) if !flag => Some(f.as_str().replace('_', "")),
            DeValue::Boolean(b) if flag => Some(b.to_string()),
            _ => None,
        }
    };
    let expected = if flag {
        "true or false"
    } else if repeatable {
        "a string, a number, or an array of them"
    } else {
        "a string or a number"
    };
    let wrong = || bad(origin, key, format!("must be {expected}"));
    match value {
        DeValue::Array(items) if repeatable => items
            .iter()
            .map(|item| scalar(item.get_ref()).ok_or_else(wrong))
            .collect(),
        other => scalar(other).map(|v| vec![v]).ok_or_else(wrong),
    }
}

/// Run the flag's own parser over each value, so that a bad value is reported here, with its
/// file and line, rather than later as if it had been typed.
pub(super) fn check(
    command: &Command,
    arg: &Arg,
    values: &[String],
    origin: &Origin,
    key: &str,
) -> Result<(), Error> {
    if !arg.get_action().takes_values() {
        return Ok(()); // a flag: its TOML type (a boolean) was checked already
    }
    // The flag alone, with its parser and nothing it refers to (conflicts, requirements).
    let probe = Command::new(command.get_name().to_string())
        .no_binary_name(true)
        .arg(
            Arg::new("value")
                .long(key.to_string())
                .value_name(
                    arg.get_value_names()
                        .and_then(|names| names.first())
                        .map_or("VALUE".to_string(), |n| n.to_string()),
                )
                .value_parser(arg.get_value_parser().clone())
                .action(ArgAction::Set),
        );
    for value in values {
        if let Err(e) = probe
            .clone()
            .try_get_matches_from([format!("--{key}={value}")])
        {
            let message = e.to_string();
            let reason = message
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            return Err(bad(origin, key, format!("= {value:?}: {reason}")));
        }
    }
    Ok(())
}

/// A path written in a settings file is relative to that file's directory, not to wherever nps
/// runs from.
fn resolve_paths(arg: &Arg, values: Vec<String>, file: &Path) -> Vec<String> {
    use clap::ValueHint;
    if !matches!(
        arg.get_value_hint(),
        ValueHint::FilePath | ValueHint::AnyPath | ValueHint::DirPath
    ) {
        return values;
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    values
        .into_iter()
        .map(|v| {
            if Path::new(&v).is_absolute() {
                v
            } else {
                dir.join(v).to_string_lossy().into_owned()
            }
        })
        .collect()
}
