//! `nps inspect`: what was detected in each input and why — format, compression, encoding,
//! delimiter, preset, header rows, each column's role, row accounting and the first problems.
//! This is how a user debugs a file the tool misreads; it succeeds even when no score column is
//! found (that is one of the problems it reports).

use serde::Serialize;

use super::{accounting_line, note};
use crate::cli::{value_name, InspectArgs};
use crate::error::{Error, ExitStatus};
use crate::ingest::columns::{Decision, Role};
use crate::ingest::{self, Options, SourceReport};
use crate::output::tabular::{Grid, Section};
use crate::output::{self, Report, SCHEMA_VERSION};

/// The result of `nps inspect` (JSON schema version 1).
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    /// Version of this JSON layout.
    pub schema_version: u32,
    /// Always `inspect`.
    pub command: &'static str,
    /// One report per input.
    pub sources: Vec<SourceReport>,
}

/// Run `nps inspect`.
pub fn run(args: &InspectArgs) -> Result<ExitStatus, Error> {
    output::check_output_path(args.output.output.as_deref(), &args.input.files)?;
    let sources = ingest::inspect(&Options::new(&args.input, args.output.quiet))?;
    let report = InspectReport {
        schema_version: SCHEMA_VERSION,
        command: "inspect",
        sources,
    };
    output::emit(&report, &args.output)?;
    if !args.output.quiet {
        for s in &report.sources {
            for problem in problems(s) {
                note(&format!("{}: {problem}", s.file));
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// Problems worth a user's attention in one input.
fn problems(s: &SourceReport) -> Vec<String> {
    let mut out = Vec::new();
    let score = s.role(Role::Score);
    match score.decided_by {
        Decision::NotFound => out.push(format!("no NPS score column: {}", score.reason)),
        Decision::Ambiguous => out.push(format!(
            "the score column is ambiguous between {}; use --score-col",
            score.candidates.join(", ")
        )),
        _ => {}
    }
    if s.rows.read == 0 {
        out.push("no data rows after the header".into());
    }
    out.extend(s.notes.iter().cloned());
    for v in &s.rows.invalid_examples {
        out.push(format!(
            "{}, column {:?}: {:?} is not a 0–10 score",
            v.location, v.column, v.value
        ));
    }
    out
}

impl Report for InspectReport {
    fn sections(&self, _decimals: u8) -> Vec<Section> {
        let mut sections = Vec::new();
        for s in &self.sources {
            let encoding = match &s.encoding {
                Some(e) => format!(
                    "{}{} ({})",
                    e.name,
                    if e.bom { " with BOM" } else { "" },
                    e.reason
                ),
                None => "binary (Parquet)".into(),
            };
            let mut text = vec![
                format!(
                    "format: {}{}",
                    value_name(&s.format),
                    s.compression
                        .map(|c| format!(", {c}-compressed"))
                        .unwrap_or_default()
                ),
                format!("encoding: {encoding}"),
            ];
            if let Some(d) = &s.delimiter {
                text.push(format!("delimiter: {d}"));
            }
            text.push(format!(
                "preset: {} ({})",
                value_name(&s.preset),
                s.preset_reason
            ));
            text.push(format!("header rows: {}", s.header_rows));
            text.push(format!("rows: {}", accounting_line(&s.rows)));
            for e in &s.rows.excluded {
                text.push(format!("excluded: {} × {}", e.rows, e.reason));
            }
            for p in problems(s) {
                text.push(format!("problem: {p}"));
            }
            let mut roles = Grid::new(&["role", "column", "decided by", "why"], &[false; 4]);
            for r in &s.roles {
                let column = match r.decided_by {
                    Decision::Ambiguous => format!("? {}", r.candidates.join(" | ")),
                    _ => r.column.clone().unwrap_or_else(|| "—".into()),
                };
                roles.push(vec![
                    r.role.label().into(),
                    column,
                    r.decided_by.label().into(),
                    r.reason.clone(),
                ]);
            }
            sections.push(Section {
                heading: Some(s.file.clone()),
                text,
                grid: Some(roles),
                after: Vec::new(),
                code: None,
            });
            // Question text exists only where the platform gives ids and text apart (Qualtrics).
            let labelled = s.columns.iter().any(|c| c.label.is_some());
            let mut columns = if labelled {
                Grid::new(&["#", "column", "question text"], &[true, false, false])
            } else {
                Grid::new(&["#", "column"], &[true, false])
            };
            for (i, c) in s.columns.iter().enumerate() {
                let mut row = vec![(i + 1).to_string(), c.name.clone()];
                if labelled {
                    row.push(c.label.clone().unwrap_or_default());
                }
                columns.push(row);
            }
            sections.push(Section {
                heading: Some(format!("{}: {} columns", s.file, s.columns.len())),
                text: vec![],
                grid: Some(columns),
                after: Vec::new(),
                code: None,
            });
        }
        sections
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let mut grid = Grid::new(
            &[
                "file",
                "index",
                "column",
                "question_text",
                "role",
                "decided_by",
            ],
            &[false, true, false, false, false, false],
        );
        for s in &self.sources {
            for (i, c) in s.columns.iter().enumerate() {
                let role = s.roles.iter().find(|r| r.index == Some(i));
                grid.push(vec![
                    s.file.clone(),
                    (i + 1).to_string(),
                    c.name.clone(),
                    c.label.clone().unwrap_or_default(),
                    // Machine-friendly: the same snake_case words as the JSON.
                    role.map(|r| r.role.label().replace(' ', "_"))
                        .unwrap_or_default(),
                    role.map(|r| r.decided_by.label().replace(' ', "_"))
                        .unwrap_or_default(),
                ]);
            }
        }
        grid
    }
}
