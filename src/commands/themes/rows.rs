//! `nps themes --per-response`: one row per used response — source, line (or record), id, score,
//! category, language, intent, themes and the matched terms with their byte spans — in csv, json
//! or ndjson, written as the input is read (files too are read block by block then), so memory
//! does not grow with the input. Spreadsheet formulas in cells are neutralised (DESIGN.md §5).

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::cli::{Format, ThemesArgs};
use crate::error::{Error, ExitStatus, Location};
use crate::ingest::comments::{TaggedRow, TermSpan};
use crate::ingest::RowsOut;
use crate::metrics::tally::Category;
use crate::output::escape;
use crate::output::stream::Stream;
use crate::output::tabular::CsvRows;
use crate::themes::lexicon::Lexicon;
use crate::themes::Tagger;

/// The CSV header.
const HEADER: [&str; 10] = [
    "source", "line", "record", "id", "score", "category", "lang", "intent", "themes", "terms",
];

/// One row in JSON.
#[derive(Serialize)]
struct JsonRow<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    id: Option<&'a str>,
    score: u8,
    category: &'static str,
    lang: Option<&'static str>,
    intent: Option<&'static str>,
    themes: &'a [String],
    terms: &'a [TermSpan],
}

/// A term in the CSV's `terms` cell (`theme:term@start-end;…`): the `%`, `;` and `@` of its text
/// percent-encoded (a regex term's text is its pattern), so that the cell splits on `;` and
/// each entry on its last `@`.
fn cell_term(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', ';', '@']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            ';' => out.push_str("%3B"),
            '@' => out.push_str("%40"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn category(score: u8) -> &'static str {
    Category::of(score).name()
}

fn render(
    format: Format,
    row: &TaggedRow,
    first: bool,
    lexicon: &Lexicon,
    csv: &mut CsvRows,
) -> String {
    let (line, record) = match row.location {
        Location::Line(n) => (Some(n), None),
        Location::Record(n) => (None, Some(n)),
    };
    let themes: Vec<String> = row
        .themes
        .iter()
        .map(|&i| lexicon.themes[i as usize].key.clone())
        .collect();
    let mut terms: Vec<TermSpan> = Vec::with_capacity(row.terms.len());
    for t in &row.terms {
        let term = &lexicon.terms[t.term as usize];
        let theme = &lexicon.themes[term.theme].key;
        let (start, end) = (t.start as usize, t.end as usize);
        // One entry per theme and span: a term's variants (`alerte sms`, `alertes sms`) or
        // the same regex in both languages' lists match the same words.
        if terms
            .iter()
            .any(|s| s.start == start && s.end == end && &s.theme == theme)
        {
            continue;
        }
        terms.push(TermSpan {
            theme: theme.clone(),
            term: term.text.clone(),
            start,
            end,
        });
    }
    match format {
        Format::Csv => {
            let terms = terms
                .iter()
                .map(|t| format!("{}:{}@{}-{}", t.theme, cell_term(&t.term), t.start, t.end))
                .collect::<Vec<_>>()
                .join(";");
            let cells = [
                row.source.to_string(),
                line.map(|n| n.to_string()).unwrap_or_default(),
                record.map(|n| n.to_string()).unwrap_or_default(),
                row.id.clone().unwrap_or_default(),
                row.score.to_string(),
                category(row.score).to_string(),
                row.lang.to_string(),
                row.intent.to_string(),
                themes.join(";"),
                terms,
            ];
            csv.row(&cells)
        }
        _ => {
            let json = JsonRow {
                source: &row.source,
                line,
                record,
                id: row.id.as_deref(),
                score: row.score,
                category: category(row.score),
                lang: (!row.lang.is_empty()).then_some(row.lang),
                intent: (!row.intent.is_empty()).then_some(row.intent),
                themes: &themes,
                terms: &terms,
            };
            // A struct of strings and numbers always serialises.
            let text = escape::json(&json);
            match format {
                Format::Json if first => format!("\n  {text}"),
                Format::Json => format!(",\n  {text}"),
                _ => format!("{text}\n"),
            }
        }
    }
}

/// The writer the sink and the command share: the stream, and whether a row was written.
struct Writer {
    stream: Option<Stream>,
    rows: u64,
    csv: CsvRows,
}

pub(super) fn run(args: &ThemesArgs, tagger: Arc<Tagger>) -> Result<ExitStatus, Error> {
    let format = args.output.format;
    if !matches!(format, Format::Csv | Format::Json | Format::Ndjson) {
        return Err(Error::usage(
            "--per-response writes one row per response: use --format csv, json or ndjson",
        ));
    }
    if args.input.dedupe.is_some() {
        return Err(Error::usage(
            "--per-response writes each response as it is read, before --dedupe could drop it; run without --dedupe (or deduplicate the file first)",
        ));
    }
    crate::output::check_output_path(args.output.output.as_deref(), &args.input.files)?;
    let mut stream = Stream::open(args.output.output.as_deref())?;
    let mut csv = CsvRows::default();
    match format {
        Format::Csv => stream.write(&csv.row(&HEADER)),
        Format::Json => stream.write("["),
        _ => {}
    }
    let shared = Arc::new(Mutex::new(Writer {
        stream: Some(stream),
        rows: 0,
        csv,
    }));
    let sink_side = shared.clone();
    let names = tagger.clone();
    let sink = move |row: TaggedRow| {
        let mut guard = sink_side.lock().unwrap_or_else(|p| p.into_inner());
        let w = &mut *guard;
        let first = w.rows == 0;
        if let Some(s) = w.stream.as_mut() {
            s.write(&render(format, &row, first, &names.lexicon, &mut w.csv));
        }
        w.rows += 1;
    };
    let rows_out = RowsOut(Arc::new(Mutex::new(sink)));
    let loaded = super::super::load(&args.input, &args.output, |o| {
        o.themes = Some(tagger);
        o.rows_out = Some(rows_out);
    });
    let mut w = shared.lock().unwrap_or_else(|p| p.into_inner());
    let Some(mut stream) = w.stream.take() else {
        return Ok(ExitStatus::Success);
    };
    // An input error: the temporary file is dropped, the old output (if any) stays.
    loaded?;
    if format == Format::Json {
        stream.write(if w.rows == 0 { "]\n" } else { "\n]\n" });
    }
    stream.finish()?;
    Ok(ExitStatus::Success)
}
