//! The shared tabular core: a [`Grid`] of already-formatted cells, rendered as a terminal table
//! (comfy-table), Markdown or CSV. Commands build grids; they never format tables themselves.

use comfy_table::{presets, Attribute, Cell, CellAlignment, ContentArrangement, Table};

/// Rows of formatted cells under one header row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
    /// Which columns are numeric (right-aligned in tables).
    pub numeric: Vec<bool>,
}

impl Grid {
    /// An empty grid with these headers; `numeric` marks right-aligned columns.
    pub fn new(headers: &[&str], numeric: &[bool]) -> Self {
        Grid {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            numeric: numeric.to_vec(),
        }
    }

    /// Append a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// RFC 4180 CSV with one header row.
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        // Writing to a Vec cannot fail; a failure here would be a bug in the csv crate.
        let _ = w.write_record(&self.headers);
        for row in &self.rows {
            let _ = w.write_record(row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// A part of a report: a heading, lines of text, an optional grid.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// A short heading (a Markdown `###` heading; a plain line in tables).
    pub heading: Option<String>,
    /// Lines of text before the grid.
    pub text: Vec<String>,
    /// The grid, if any.
    pub grid: Option<Grid>,
    /// Lines of text after the grid.
    pub after: Vec<String>,
}

/// How a terminal table looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Box-drawing borders (a terminal) rather than plain aligned columns (a pipe or a file).
    pub boxed: bool,
    /// Bold headers.
    pub color: bool,
}

/// Sections as terminal tables, separated by blank lines.
pub fn render_table(sections: &[Section], style: &Style) -> String {
    let mut parts = Vec::new();
    for s in sections {
        let mut part = Vec::new();
        if let Some(h) = &s.heading {
            part.push(h.clone());
        }
        part.extend(s.text.iter().cloned());
        if let Some(grid) = &s.grid {
            part.push(comfy(grid, style));
        }
        part.extend(s.after.iter().cloned());
        parts.push(part.join("\n"));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

fn comfy(grid: &Grid, style: &Style) -> String {
    let mut table = Table::new();
    if style.boxed {
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table
            .load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(grid.headers.iter().map(|h| {
        let cell = Cell::new(h);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &grid.rows {
        table.add_row(row.iter().map(Cell::new));
    }
    for (i, numeric) in grid.numeric.iter().enumerate() {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(if *numeric {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    // Plain tables keep comfy-table's one-space padding; trailing spaces are trimmed so that
    // piped output diffs cleanly.
    table
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sections as Markdown: `###` headings, paragraphs, pipe tables.
pub fn render_markdown(sections: &[Section]) -> String {
    let mut parts = Vec::new();
    for s in sections {
        let mut part = Vec::new();
        if let Some(h) = &s.heading {
            part.push(format!("### {h}"));
        }
        if !s.text.is_empty() {
            part.push(s.text.join("  \n"));
        }
        if let Some(grid) = &s.grid {
            part.push(markdown_table(grid));
        }
        if !s.after.is_empty() {
            part.push(s.after.join("  \n"));
        }
        parts.push(part.join("\n\n"));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

fn markdown_table(grid: &Grid) -> String {
    let escape = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut lines = vec![format!(
        "| {} |",
        grid.headers
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )];
    let rule: Vec<&str> = (0..grid.headers.len())
        .map(|i| {
            if grid.numeric.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    lines.push(format!("| {} |", rule.join(" | ")));
    for row in &grid.rows {
        lines.push(format!(
            "| {} |",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        let mut g = Grid::new(&["category", "count"], &[false, true]);
        g.push(vec!["promoters".into(), "12".into()]);
        g.push(vec!["a|b, \"c\"".into(), "3".into()]);
        g
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            grid().to_csv(),
            "category,count\npromoters,12\n\"a|b, \"\"c\"\"\",3\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numbers() {
        let md = render_markdown(&[Section {
            heading: Some("Counts".into()),
            text: vec![],
            grid: Some(grid()),
            after: vec![],
        }]);
        assert_eq!(
            md,
            "### Counts\n\n| category | count |\n| --- | ---: |\n| promoters | 12 |\n| a\\|b, \"c\" | 3 |\n"
        );
    }

    #[test]
    fn plain_tables_align_columns_without_borders() {
        let out = render_table(
            &[Section {
                heading: None,
                text: vec!["NPS 20.0".into()],
                grid: Some(grid()),
                after: vec!["end".into()],
            }],
            &Style {
                boxed: false,
                color: false,
            },
        );
        assert_eq!(
            out,
            "NPS 20.0\n category   count\n promoters     12\n a|b, \"c\"       3\nend\n"
        );
    }
}
