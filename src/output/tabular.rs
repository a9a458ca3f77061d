//! The shared tabular core: a [`Grid`] of already-formatted cells, rendered as a terminal table
//! (comfy-table), Markdown or CSV. Commands build grids; they never format tables themselves.
//! Cells, headings and lines hold text as it is; each renderer escapes everything it writes with
//! its format's rule from [`super::escape`].

use comfy_table::{
    presets, Attribute, Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width,
};

use super::escape;

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

    /// Append a row (as long as the headers: the CSV writer would refuse a short or long one).
    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(
            row.len(),
            self.headers.len(),
            "a row as long as the headers"
        );
        self.rows.push(row);
    }

    /// RFC 4180 CSV with one header row; every cell through [`escape::csv_cell`] (spreadsheet
    /// formulas neutralised, numbers kept). [`CsvRows`] writes the same rows one at a time.
    pub fn to_csv(&self) -> String {
        let mut text = String::new();
        self.write_csv(|piece| text.push_str(piece));
        text
    }

    /// The bytes of [`Grid::to_csv`] handed to `write` in pieces, in order (see [`csv_pieces`]).
    pub fn write_csv(&self, mut write: impl FnMut(&str)) {
        write(&CsvRows::default().row(&self.headers));
        csv_pieces(
            &self.rows,
            |row, csv, piece| csv.push_row(row, piece),
            write,
        );
    }
}

/// CSV records of `items`, each made and encoded by `encode`, handed to `write` in pieces in
/// order: encoded on every core a window at a time, so that a list of a million rows (`nps
/// risk`) is never one string grown by doubling, each copy faulting fresh pages in (a fifth of
/// the run at 10M input rows), nor a grid of every row's cells at once; the next windows are
/// encoded while one is written ([`super::stream::made_ahead`]).
pub fn csv_pieces<T: Sync>(
    items: &[T],
    encode: impl Fn(&T, &mut CsvRows, &mut String) + Sync,
    mut write: impl FnMut(&str),
) {
    use rayon::prelude::*;
    /// Rows per piece, and rows encoded before their pieces are written.
    const PIECE: usize = 1024;
    const WINDOW: usize = 64 * PIECE;
    let encode = &encode;
    let windows = items.chunks(WINDOW).map(|window| {
        window
            .par_chunks(PIECE)
            .map_init(CsvRows::default, |csv, rows| {
                let mut piece = String::new();
                rows.iter().for_each(|row| encode(row, csv, &mut piece));
                piece
            })
            .collect::<Vec<String>>()
    });
    let take = |pieces: Vec<String>| pieces.iter().for_each(|piece| write(piece));
    // One window, or a caller inside the pool (whose threads must not wait on a channel while
    // the pool makes the rows): made here.
    if items.len() <= WINDOW || rayon::current_thread_index().is_some() {
        windows.for_each(take);
        return;
    }
    super::stream::made_ahead(windows, |windows| windows.for_each(take));
}

/// CSV column names for the user's `--by` columns beside ours (finding F45): a name that is one
/// of `ours`, or that an earlier `--by` column already took, gets the prefix `by.` (a column
/// called `nps` becomes `by.nps`, so `nps` is always ours); the others are kept as they are.
pub fn by_headers(by: &[String], ours: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(by.len());
    for name in by {
        let mut header = name.clone();
        while ours.contains(&header.as_str()) || out.contains(&header) {
            header = format!("by.{header}");
        }
        out.push(header);
    }
    out
}

/// CSV records written one at a time, exactly as [`Grid::to_csv`] writes each row, for output
/// written row by row; one writer and its buffers serve every row.
pub struct CsvRows {
    writer: csv::Writer<Shared>,
    bytes: Shared,
}

/// The writer's output, which [`CsvRows`] takes back after each record (behind a mutex, so that
/// a row sink on another thread may own the writer).
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Shared {
    fn bytes(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Default for CsvRows {
    fn default() -> Self {
        let bytes = Shared::default();
        CsvRows {
            writer: csv::WriterBuilder::new().from_writer(bytes.clone()),
            bytes,
        }
    }
}

impl CsvRows {
    /// The record of `cells` (escaped with [`escape::csv_cell`]), line end included.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> String {
        let mut out = String::new();
        self.push_row(cells, &mut out);
        out
    }

    /// [`CsvRows::row`] added to the end of `out`. The writer's buffer keeps its room from one
    /// record to the next (taking it each time grew a fresh buffer by doubling for every record:
    /// seven reallocations for a follow-up row of 500 bytes).
    pub fn push_row<S: AsRef<str>>(&mut self, cells: &[S], out: &mut String) {
        // Writing to memory cannot fail.
        let _ = self
            .writer
            .write_record(cells.iter().map(|c| escape::csv_bytes(c.as_ref())));
        let _ = self.writer.flush();
        let mut bytes = self.bytes.bytes();
        // The cells are text, and so is their record.
        out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
        bytes.clear();
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
    /// A block to copy as it is (a themes file's lines), last: a fenced code block in Markdown,
    /// its lines in a table.
    pub code: Option<String>,
}

/// How a terminal table looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Box-drawing borders (a terminal) rather than plain aligned columns (a pipe or a file).
    pub boxed: bool,
    /// Bold headers.
    pub color: bool,
}

/// Sections as terminal tables, separated by blank lines; all text through [`escape::terminal`].
pub fn render_table(sections: &[Section], style: &Style) -> String {
    let mut parts = Vec::new();
    for s in sections {
        let mut part = Vec::new();
        if let Some(h) = &s.heading {
            part.push(escape::terminal(h));
        }
        part.extend(s.text.iter().map(|t| escape::terminal(t)));
        if let Some(grid) = &s.grid {
            part.push(comfy(grid, style));
        }
        part.extend(s.after.iter().map(|t| escape::terminal(t)));
        part.extend(s.code.iter().flat_map(|c| c.lines()).map(escape::terminal));
        parts.push(part.join("\n"));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// Below this many columns a terminal's reported width is taken as unknown.
const MIN_WIDTH: u16 = 20;

/// The narrowest a text column is wrapped to.
const MIN_TEXT: usize = 12;

fn comfy(grid: &Grid, style: &Style) -> String {
    let mut table = Table::new();
    if style.boxed {
        // Fitted to the terminal's width — unless it reports none, or one too narrow to mean
        // anything (a pty of 0×0, as some CI runners and `docker -t` give, made every column one
        // character wide: finding F43); the table is then as wide as its content.
        let arrangement = match table.width() {
            Some(width) if width >= MIN_WIDTH => ContentArrangement::Dynamic,
            _ => ContentArrangement::Disabled,
        };
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(arrangement);
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
        let cell = Cell::new(escape::terminal(h));
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &grid.rows {
        table.add_row(row.iter().map(|c| Cell::new(escape::terminal(c))));
    }
    for (i, numeric) in grid.numeric.iter().enumerate() {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(if *numeric {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
            // A number is never split across lines ("5/3/./8" on a narrow terminal), and text
            // wraps down to MIN_TEXT characters at most: past that the table overflows the
            // terminal instead of turning into a column of letters (finding F43).
            let widest = std::iter::once(&grid.headers[i])
                .chain(grid.rows.iter().filter_map(|r| r.get(i)))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0);
            column.set_constraint(if *numeric {
                ColumnConstraint::ContentWidth
            } else {
                ColumnConstraint::LowerBoundary(Width::Fixed(widest.min(MIN_TEXT) as u16))
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

/// Sections as Markdown: `###` headings, paragraphs, pipe tables; all text through
/// [`escape::markdown`].
pub fn render_markdown(sections: &[Section]) -> String {
    let lines = |text: &[String]| {
        text.iter()
            .map(|t| escape::markdown(t))
            .collect::<Vec<_>>()
            .join("  \n")
    };
    let mut parts = Vec::new();
    for s in sections {
        let mut part = Vec::new();
        if let Some(h) = &s.heading {
            part.push(format!("### {}", escape::markdown(h)));
        }
        if !s.text.is_empty() {
            part.push(lines(&s.text));
        }
        if let Some(grid) = &s.grid {
            part.push(markdown_table(grid));
        }
        if !s.after.is_empty() {
            part.push(lines(&s.after));
        }
        if let Some(code) = &s.code {
            part.push(fenced(code));
        }
        parts.push(part.join("\n\n"));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// `code` as a fenced Markdown block, copied as it is: its fence is longer than any run of
/// backticks inside it, so no line of it closes the block; control characters are shown escaped
/// as everywhere else.
fn fenced(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body: Vec<String> = code.lines().map(escape::terminal).collect();
    format!("{fence}\n{}\n{fence}", body.join("\n"))
}

fn markdown_table(grid: &Grid) -> String {
    let mut lines = vec![format!(
        "| {} |",
        grid.headers
            .iter()
            .map(|h| escape::markdown(h))
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
                .map(|c| escape::markdown(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_one_at_a_time_are_the_grid_csv() {
        let mut grid = super::Grid::new(&["a", "b"], &[]);
        grid.push(vec!["=1+1".into(), "two, \"quoted\"\nlines".into()]);
        grid.push(vec!["-3".into(), String::new()]);
        let mut rows = super::CsvRows::default();
        let mut one_by_one = rows.row(&grid.headers);
        for r in &grid.rows {
            one_by_one.push_str(&rows.row(r));
        }
        assert_eq!(one_by_one, grid.to_csv());
    }

    #[test]
    fn by_columns_never_take_our_csv_names() {
        let by = [
            "n".to_string(),
            "plan".into(),
            "plan".into(),
            "by.plan".into(),
        ];
        assert_eq!(
            super::by_headers(&by, &["row", "n", "nps"]),
            ["by.n", "plan", "by.plan", "by.by.plan"]
        );
    }

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

    /// A block to copy is fenced in Markdown, with a fence no line of it can close, and its
    /// lines are lines in a table; control characters are shown escaped in both.
    #[test]
    fn a_code_block_is_fenced_and_copied_as_it_is() {
        let section = Section {
            code: Some("[t]\nen = [\"a ``` b\", \"|x|\"]\n\"\u{1b}[31m\"\n".into()),
            ..Section::default()
        };
        let md = render_markdown(std::slice::from_ref(&section));
        assert_eq!(
            md,
            "````\n[t]\nen = [\"a ``` b\", \"|x|\"]\n\"\\u{1b}[31m\"\n````\n"
        );
        let plain = Style {
            boxed: false,
            color: false,
        };
        let table = render_table(&[section], &plain);
        assert!(
            table.starts_with("[t]\nen = [\"a ``` b\", \"|x|\"]\n"),
            "{table}"
        );
        assert!(!table.contains('\u{1b}'), "{table}");
    }

    #[test]
    fn csv_in_pieces_is_what_one_writer_writes() {
        // More rows than a window of pieces, and cells that need quoting or neutralising.
        let mut g = Grid::new(&["id", "text"], &[]);
        for i in 0..70_000 {
            let text = match i % 4 {
                0 => format!("plain {i}"),
                1 => format!("a, \"quoted\" {i}"),
                2 => format!("=SUM({i})"),
                _ => format!("two\nlines {i}"),
            };
            g.push(vec![i.to_string(), text]);
        }
        let mut one = csv::WriterBuilder::new().from_writer(Vec::new());
        for row in std::iter::once(&g.headers).chain(&g.rows) {
            one.write_record(row.iter().map(|c| escape::csv_bytes(c)))
                .unwrap();
        }
        let expected = String::from_utf8(one.into_inner().unwrap()).unwrap();
        assert!(expected.contains(",'=SUM(2)\n"), "{}", &expected[..200]);
        assert_eq!(g.to_csv(), expected);
    }

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numbers() {
        let md = render_markdown(&[Section {
            heading: Some("Counts".into()),
            text: vec![],
            grid: Some(grid()),
            after: vec![],
            code: None,
        }]);
        assert_eq!(
            md,
            "### Counts\n\n| category | count |\n| --- | ---: |\n| promoters | 12 |\n| a\\|b, \"c\" | 3 |\n"
        );
    }

    /// A grid of untrusted text: the adversarial report's values (findings F13–F17).
    fn hostile() -> Grid {
        let mut g = Grid::new(&["=plan\x1b[2J", "nps"], &[false, true]);
        for value in [
            "=HYPERLINK(\"http://evil.example/\",\"click\")",
            "evil\x1b]0;pwned\x07",
            "cr\rreturn",
            "x\n::error title=Deploy::fake",
            "::warning::first",
            "##[error]legacy",
            "<img src=x> ![t](http://e/p.png) @org/team a|b\\|c",
        ] {
            g.push(vec![value.into(), "-12.5".into()]);
        }
        g
    }

    fn hostile_section() -> Section {
        Section {
            heading: Some("file\x1b]0;title\x07".into()),
            text: vec!["note\r::error::x".into()],
            grid: Some(hostile()),
            after: vec![],
            code: None,
        }
    }

    fn raw_controls(text: &str) -> Vec<char> {
        text.chars()
            .filter(|&c| c != '\n' && c.is_control())
            .collect()
    }

    fn workflow_command_lines(text: &str) -> Vec<&str> {
        text.split(['\n', '\r'])
            .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
            .collect()
    }

    #[test]
    fn csv_neutralises_formulas_in_text_and_keeps_numbers() {
        let csv = hostile().to_csv();
        let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .from_reader(csv.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            &rows[0][0],
            "'=HYPERLINK(\"http://evil.example/\",\"click\")"
        );
        assert!(rows.iter().all(|r| r.get(1) == Some("-12.5")), "{csv}");
        assert!(csv.starts_with("'=plan\\u{1b}[2J,nps\n"), "{csv}");
        assert_eq!(workflow_command_lines(&csv), [] as [&str; 0], "{csv}");
        // Only CR, LF and TAB stay raw (quoted, as RFC 4180 allows).
        assert!(raw_controls(&csv).iter().all(|&c| c == '\r'), "{csv}");
    }

    #[test]
    fn tables_show_control_characters_escaped() {
        for boxed in [false, true] {
            let out = render_table(
                &[hostile_section()],
                &Style {
                    boxed,
                    color: false,
                },
            );
            assert_eq!(raw_controls(&out), [] as [char; 0], "{out}");
            assert!(out.contains("evil\\u{1b}]0;pwned\\u{7}"), "{out}");
            assert!(out.contains("cr\\rreturn"), "{out}");
            assert!(
                out.starts_with("file\\u{1b}]0;title\\u{7}\nnote\\r::error::x\n"),
                "{out}"
            );
            assert_eq!(workflow_command_lines(&out), [] as [&str; 0], "{out}");
        }
    }

    #[test]
    fn markdown_cells_escape_markup_and_line_breaks() {
        let md = render_markdown(&[hostile_section()]);
        assert_eq!(raw_controls(&md), [] as [char; 0], "{md}");
        assert_eq!(workflow_command_lines(&md), [] as [&str; 0], "{md}");
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 2 + 7, "one line per row: {md}");
        assert_eq!(
            rows[8],
            "| \\<img src=x\\> \\!\\[t\\](http://e/p.png) @&#8203;org/team a\\|b\\\\\\|c | -12.5 |"
        );
        assert_eq!(rows[4], "| cr\\rreturn | -12.5 |");
    }

    #[test]
    fn plain_tables_align_columns_without_borders() {
        let out = render_table(
            &[Section {
                heading: None,
                text: vec!["NPS 20.0".into()],
                grid: Some(grid()),
                after: vec!["end".into()],
                code: None,
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
