//! `nps version`: what this binary is — its version, the commit it was built from, its target,
//! the polars it links, its cargo features — for bug reports and for "which build is on CI?".
//! The values are stamped at build time by `src/build.rs`.

use serde::Serialize;

use crate::cli::VersionArgs;
use crate::error::{Error, ExitStatus};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// The result of `nps version` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct VersionReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `version`.
    pub command: &'static str,
    /// The crate version.
    pub version: &'static str,
    /// The git commit (10 hex digits), when built from a checkout.
    pub commit: Option<&'static str>,
    /// The commit's date (YYYY-MM-DD), when built from a checkout.
    pub commit_date: Option<&'static str>,
    /// The target triple.
    pub target: &'static str,
    /// The polars version linked.
    pub polars: &'static str,
    /// The enabled cargo features of nps.
    pub features: Vec<&'static str>,
}

impl VersionReport {
    /// This binary's report.
    pub fn current() -> VersionReport {
        let some = |s: &'static str| (!s.is_empty()).then_some(s);
        VersionReport {
            schema_version: SCHEMA_VERSION,
            command: "version",
            version: env!("CARGO_PKG_VERSION"),
            commit: some(env!("NPS_COMMIT")),
            commit_date: some(env!("NPS_COMMIT_DATE")),
            target: env!("NPS_TARGET"),
            polars: polars::VERSION,
            features: env!("NPS_FEATURES")
                .split(',')
                .filter(|f| !f.is_empty())
                .collect(),
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("version", self.version.to_string()),
            ("commit", self.commit.unwrap_or("").to_string()),
            ("commit_date", self.commit_date.unwrap_or("").to_string()),
            ("target", self.target.to_string()),
            ("polars", self.polars.to_string()),
            ("features", self.features.join(",")),
        ]
    }
}

impl Report for VersionReport {
    fn sections(&self, _decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(&["field", "value"], &[false, false]);
        for (name, value) in self.fields() {
            let value = if value.is_empty() {
                "(none)".to_string()
            } else {
                value
            };
            grid.push(vec![name.to_string(), value]);
        }
        vec![Section {
            heading: Some(format!("nps {}", crate::cli::VERSION)),
            grid: Some(grid),
            ..Section::default()
        }]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let fields = self.fields();
        let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        let mut grid = Grid::new(&names, &vec![false; names.len()]);
        grid.push(fields.into_iter().map(|(_, v)| v).collect());
        grid
    }
}

/// Run `nps version`.
pub fn run(args: &VersionArgs) -> Result<ExitStatus, Error> {
    output::emit(&VersionReport::current(), &args.output)?;
    Ok(ExitStatus::Success)
}
