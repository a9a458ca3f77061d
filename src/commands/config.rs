//! `nps config show [--origin]`: the settings in effect for every command — the flags' built-in
//! defaults, what settings files and `NPS_*` variables changed — and, with `--origin`, where each
//! value came from. A flag typed on a command line still wins over everything shown here.
//!
//! One row per setting and value: a value shared by every command that has the flag is one row
//! (`all`), a value that differs per command is one row per group of commands.

use serde::Serialize;

use crate::cli::settings::{variable, Origin, Resolved, Settings};
use crate::cli::ConfigShowArgs;
use crate::error::{Error, ExitStatus};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// The result of `nps config show` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct ConfigReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `config show`.
    pub command: &'static str,
    /// The settings files read, lowest precedence first.
    pub files: Vec<String>,
    /// The settings.
    pub settings: Vec<Row>,
    /// Whether origins are shown (table, Markdown and CSV; JSON always has them).
    #[serde(skip)]
    pub origin: bool,
}

/// One setting's value for some commands.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The flag's long name.
    pub key: String,
    /// Its values (several for a repeatable flag).
    pub values: Vec<String>,
    /// The commands it applies to (every command with the flag: `["all"]`).
    pub commands: Vec<String>,
    /// Where it came from.
    pub origin: Origin,
    /// The environment variable that would override it.
    pub variable: String,
}

impl ConfigReport {
    /// Group the per-command settings into rows.
    pub fn new(settings: &Settings, origin: bool) -> ConfigReport {
        let mut rows: Vec<Row> = Vec::new();
        let mut sorted: Vec<&Resolved> = settings.resolved.iter().collect();
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        for r in sorted {
            match rows
                .iter_mut()
                .find(|row| row.key == r.key && row.values == r.values && row.origin == r.origin)
            {
                Some(row) => row.commands.push(r.command.clone()),
                None => rows.push(Row {
                    key: r.key.clone(),
                    values: r.values.clone(),
                    commands: vec![r.command.clone()],
                    origin: r.origin.clone(),
                    variable: variable(&r.key),
                }),
            }
        }
        for row in &mut rows {
            let holders = settings
                .resolved
                .iter()
                .filter(|r| r.key == row.key)
                .count();
            if holders == row.commands.len() && holders > 1 {
                row.commands = vec!["all".into()];
            }
        }
        ConfigReport {
            schema_version: SCHEMA_VERSION,
            command: "config show",
            files: settings
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
            settings: rows,
            origin,
        }
    }

    fn grid(&self) -> Grid {
        let mut headers = vec!["setting", "value", "commands"];
        if self.origin {
            headers.push("from");
        }
        let mut grid = Grid::new(&headers, &vec![false; headers.len()]);
        for row in &self.settings {
            let mut cells = vec![
                row.key.clone(),
                row.values.join(", "),
                row.commands.join(", "),
            ];
            if self.origin {
                cells.push(row.origin.to_string());
            }
            grid.push(cells);
        }
        grid
    }
}

impl Report for ConfigReport {
    fn sections(&self, _decimals: u8) -> Vec<Section> {
        let files = if self.files.is_empty() {
            "no settings file (nps.toml here or in a parent, or the user's config.toml)".into()
        } else {
            format!("settings files: {}", self.files.join(", then "))
        };
        vec![Section {
            heading: Some("Settings".into()),
            text: vec![files],
            grid: Some(self.grid()),
            after: vec!["a flag on the command line overrides any of these".into()],
            code: None,
        }]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        self.grid()
    }
}

/// Run `nps config show`.
pub fn show(args: &ConfigShowArgs, settings: &Settings) -> Result<ExitStatus, Error> {
    output::emit(&ConfigReport::new(settings, args.origin), &args.output)?;
    Ok(ExitStatus::Success)
}
