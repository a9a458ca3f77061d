//! The record pass: the reference reading of any input. The whole input is read into memory
//! ([`source`]), parsed into records ([`records`]), planned ([`plan`]) and every row judged in
//! file order; each valid response becomes one row of the frame.
//!
//! It reads everything — every format, encoding and irregular CSV the `csv` crate accepts — and
//! it is what the counted passes in [`super::fast`] are tested against: they must give exactly its
//! numbers, accounting and messages, or decline and leave the input to it.

use super::accounting::{DateReport, InvalidValue, RowAccounting, EXAMPLES};
use super::comments::send;
use super::dates;
use super::filters::{parse_weight, NO_WEIGHT};
use super::options::Options;
use super::plan::{plan, Plan};
use super::records;
use super::report::{FileData, Reading, SourceReport};
use super::score::{self, ScoreCell};
use super::source;
use super::whole::{self, Head};
use crate::cli::InputFormat;
use crate::error::{Error, Location};
use crate::themes::evidence::Evidence;

/// Read one input whole and pass over its records.
pub(crate) fn record_scan(
    options: &Options,
    path: &std::path::Path,
    need_score: bool,
    why_not_fast: &str,
) -> Result<(SourceReport, FileData), Error> {
    record_read(options, source::read(path)?, need_score, why_not_fast)
}

/// Pass over the records of an input already read whole (as a stream that declined hands it
/// over).
pub(crate) fn record_read(
    options: &Options,
    raw: source::RawInput,
    need_score: bool,
    why_not_fast: &str,
) -> Result<(SourceReport, FileData), Error> {
    let name = raw.name.clone();
    let format = source::detect_format(&name, &raw.bytes, options.format)?;
    let (body, encoding, notes) = if format == InputFormat::Parquet {
        let (body, notes) = records::parse_parquet(&name, raw.bytes)?;
        (body, None, notes)
    } else {
        let (text, report) = source::decode(&name, raw.bytes, options.encoding)?;
        (
            records::parse_text(&name, text, format, options.delimiter)?,
            Some(report),
            Vec::new(),
        )
    };
    let head = body.head(&name, records::HEAD_RECORDS)?;
    let plan = plan(options, name, format, &head, body.delimiter(), need_score)?;
    let (rows, data, date_report) = record_pass(options, &plan, &body)?;
    let reading = Reading {
        format,
        compression: raw.compression,
        encoding,
        delimiter: body.delimiter(),
        pass: format!("records: {why_not_fast}"),
        notes,
    };
    let report = plan.report(reading, rows, date_report);
    Ok((report, data))
}

/// A row that passed the platform exclusions and `--where`, before dates and scores are judged.
struct Candidate {
    location: Location,
    score: ScoreCell,
    /// The raw score cell, kept only when it is invalid (for the report).
    invalid_text: Option<String>,
    kept: Vec<Option<String>>,
    date: Option<dates::RawDate>,
    /// The raw date cell, kept only when it could not be read.
    date_text: Option<String>,
    id: Option<String>,
    /// The `--weight` value, when the cell holds a usable one.
    weight: Option<f64>,
    /// The cells comments are read from (comment columns, language, id), when comments are read.
    comment_cells: Vec<(usize, String)>,
}

/// The record pass: every row of `body`, judged and kept as a row of the frame.
fn record_pass(
    options: &Options,
    plan: &Plan,
    body: &records::Body,
) -> Result<(RowAccounting, FileData, Option<DateReport>), Error> {
    let Plan {
        name,
        layout,
        decimal_comma,
        keep,
        score_column,
        ..
    } = plan;
    let decimal_comma = *decimal_comma;
    let (date_index, id_index, weight_index) = (plan.date, plan.id, plan.weight);
    // The pass keeps, for every row that passes the platform exclusions and --where, what the
    // later steps need; dates can only be read once the whole column has decided its day order.
    let mut rows = RowAccounting::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    body.for_each(name, layout.header_rows, |location, record| {
        rows.read += 1;
        if let Some(reason) = layout.exclusion(record) {
            rows.exclude(reason);
            return Ok(());
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if let Some(f) = plan.failed_filter(cell) {
            rows.filter(&plan.filters[f].1.to_string());
            return Ok(());
        }
        let Some(index) = plan.score else {
            return Ok(());
        };
        let score_cell = score::parse(
            record.get(index).unwrap_or(""),
            decimal_comma,
            &plan.missing,
        );
        let date_text = date_index.map(cell).unwrap_or("");
        let date = date_index.and_then(|_| dates::parse(date_text));
        candidates.push(Candidate {
            location,
            score: score_cell,
            invalid_text: (score_cell == ScoreCell::Invalid)
                .then(|| record.get(index).unwrap_or("").to_string()),
            kept: keep
                .iter()
                .map(|&i| Some(cell(i).to_string()).filter(|c| !c.is_empty()))
                .collect(),
            date,
            date_text: (date.is_none() && !date_text.is_empty()).then(|| date_text.to_string()),
            // A placeholder ("n/a") is no id: --dedupe never joins responses on it.
            id: id_index
                .map(cell)
                .and_then(super::contact::id)
                .map(String::from),
            weight: weight_index.and_then(|i| parse_weight(cell(i), decimal_comma)),
            comment_cells: plan
                .comment_columns()
                .into_iter()
                .map(|i| (i, record.get(i).unwrap_or("").to_string()))
                .collect(),
        });
        Ok(())
    })?;

    let mut date_report = plan.date_report(options);
    let days: Vec<Option<i32>> = match date_report.as_mut() {
        Some(report) => {
            let raw: Vec<Option<dates::RawDate>> = candidates.iter().map(|c| c.date).collect();
            let locations: Vec<Location> = candidates.iter().map(|c| c.location).collect();
            resolve_days(name, options, report, &raw, &locations)?
        }
        None => vec![None; candidates.len()],
    };
    let since = options.since.map(dates::days_since_epoch);
    let until = options.until.map(dates::days_since_epoch);
    let mut data = FileData {
        scores: Vec::new(),
        key_names: plan.key_names.clone(),
        kept: vec![Vec::new(); plan.carried()],
        days: date_index.map(|_| Vec::new()),
        ids: Vec::new(),
        weights: Vec::new(),
        groups: Vec::new(),
        evidence: Evidence::default(),
    };
    // Whole responses, handed out a batch at a time.
    let mut batch = None;
    for (c, day) in candidates.into_iter().zip(days) {
        if since.is_some() || until.is_some() {
            match day {
                None => {
                    rows.filter("no readable date (--since/--until)");
                    continue;
                }
                Some(d) if since.is_some_and(|s| d < s) => {
                    rows.filter("before --since");
                    continue;
                }
                Some(d) if until.is_some_and(|u| d > u) => {
                    rows.filter("after --until");
                    continue;
                }
                Some(_) => {}
            }
        }
        if weight_index.is_some() && c.weight.is_none() {
            rows.filter(NO_WEIGHT);
            continue;
        }
        match c.score {
            ScoreCell::Blank => rows.blank += 1,
            ScoreCell::Invalid => {
                let value = c.invalid_text.unwrap_or_default();
                if options.strict {
                    return Err(score::strict_error(name, c.location, score_column, &value));
                }
                rows.invalid += 1;
                if rows.invalid_examples.len() < EXAMPLES {
                    rows.invalid_examples.push(InvalidValue {
                        file: name.clone(),
                        location: c.location,
                        column: score_column.clone(),
                        value,
                    });
                }
            }
            ScoreCell::Valid(v) => {
                rows.used += 1;
                data.scores.push(v);
                for (values, value) in data.kept.iter_mut().zip(c.kept) {
                    values.push(value);
                }
                if let Some(comments) = &plan.comments {
                    let cells = &c.comment_cells;
                    let cell = |i: usize| {
                        cells
                            .iter()
                            .find(|(j, _)| *j == i)
                            .map_or("", |(_, text)| text.as_str())
                    };
                    let kept = &data.kept[..keep.len()];
                    let group = comments.grams.and_then(|g| {
                        g.group(day, |k| {
                            kept.get(k)
                                .map(|v| v.last().and_then(|c| c.as_deref()).unwrap_or(""))
                        })
                    });
                    let tagged = comments.tag(cell, v, &mut data.evidence, group.as_deref());
                    if let Some(sink) = &options.rows_out {
                        send(&sink.0, comments.row(&tagged, cell, c.location, v));
                    }
                    if let Some(out) = &options.whole {
                        let head = Head {
                            location: c.location,
                            score: v,
                            day,
                            lang: tagged.tagged.lang,
                        };
                        comments.push_whole(&mut batch, cell, head);
                        if let Some(full) = batch.take_if(|b| b.is_full()) {
                            whole::send(&out.sink, full);
                        }
                    }
                    data.kept[keep.len()].push(Some(tagged.key));
                }
                if let (Some(report), Some(days)) = (date_report.as_mut(), data.days.as_mut()) {
                    match (day, &c.date_text) {
                        (Some(_), _) => report.dated += 1,
                        (None, Some(text)) => {
                            report.invalid += 1;
                            if report.invalid_examples.len() < EXAMPLES {
                                report.invalid_examples.push(InvalidValue {
                                    file: name.clone(),
                                    location: c.location,
                                    column: report.column.clone(),
                                    value: text.clone(),
                                });
                            }
                        }
                        // A parsed date that does not exist in the column's order.
                        (None, None) if c.date.is_some() => report.invalid += 1,
                        (None, None) => report.blank += 1,
                    }
                    days.push(day);
                }
                data.ids.push(c.id);
                data.weights.extend(c.weight);
            }
        }
    }
    if let (Some(out), Some(batch)) = (&options.whole, batch) {
        whole::send(&out.sink, batch);
    }
    Ok((rows, data, date_report))
}

/// Decide the day order of a file's dates and turn them into local days.
fn resolve_days(
    file: &str,
    options: &Options,
    report: &mut DateReport,
    raw: &[Option<dates::RawDate>],
    locations: &[Location],
) -> Result<Vec<Option<i32>>, Error> {
    let cell_error = |i: usize, message: String| Error::Data {
        file: file.to_string(),
        location: locations.get(i).copied(),
        column: Some(report.column.clone()),
        message,
    };
    let order = match options.date_order {
        Some(order) => {
            report.order_reason = Some("--date-format".into());
            Some(order)
        }
        None => match dates::decide_order(raw) {
            Ok(order) => {
                if order.is_some() {
                    report.order_reason = Some(
                        "decided from the data: some dates read only one way".into(),
                    );
                }
                order
            }
            Err(dates::OrderProblem::Ambiguous(i)) => {
                return Err(cell_error(
                    i,
                    "every date in this column reads both as month/day/year and as day/month/year; give --date-format mdy or --date-format dmy".into(),
                ))
            }
            Err(dates::OrderProblem::Mixed { mdy_only, dmy_only }) => {
                let line = locations.get(dmy_only).map(|l| l.to_string()).unwrap_or_default();
                return Err(cell_error(
                    mdy_only,
                    format!("this date reads only as month/day/year, but the one on {line} only as day/month/year; fix the column or give --date-format"),
                ));
            }
        },
    };
    report.order = order;
    // A date that does not exist in the chosen order (a 13th month) becomes `None`: unreadable,
    // never misplaced.
    Ok(raw
        .iter()
        .map(|r| r.and_then(|r| r.day(order, options.tz)))
        .collect())
}
