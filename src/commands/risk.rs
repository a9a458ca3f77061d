//! `nps risk`: the respondents at risk of leaving, each with every signal that fired and its
//! evidence, their points and level (the engine is `crate::risk`; `nps followup` shows the same
//! level for the same respondent). With `--value COL` they are sorted by value at risk and the
//! value at risk is summed per level.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::respondents::{cell, gather, reach, themes_tagger, Gathered};
use super::SourceSummary;
use crate::cli::RiskArgs;
use crate::error::{Error, ExitStatus};
use crate::ingest::dates::date_of;
use crate::ingest::filters::parse_amount;
use crate::output::numbers::{agree, count, points as fmt_number};
use crate::output::tabular::{by_headers, csv_pieces, CsvRows, Grid, Section};
use crate::output::{Report, SCHEMA_VERSION};
use crate::risk::history::Respondent;
use crate::risk::{signal_keys, Assessment, Fired, Level};

/// One respondent at risk. Its texts are borrowed from the respondent's row: `nps risk` makes
/// one for every respondent at risk (up to a million at 10M input rows), and a dozen fresh
/// strings each cost more than assessing them.
#[derive(Debug, Serialize)]
pub struct AtRisk<'g> {
    /// 1 for the first row.
    pub rank: usize,
    /// `high`, `medium`, `low`.
    pub level: Level,
    /// The signals' points, added.
    pub points: u32,
    /// Every signal that fired, strongest first, with its evidence.
    pub signals: Vec<Fired>,
    /// The respondent id, when the input has one.
    pub id: Option<&'g str>,
    /// The e-mail.
    pub email: Option<&'g str>,
    /// First and last name.
    pub name: Option<Cow<'g, str>>,
    /// The company.
    pub company: Option<&'g str>,
    /// The latest score.
    pub score: u8,
    /// The score before it, inside the window.
    pub previous_score: Option<u8>,
    /// The latest response's day.
    pub date: Option<String>,
    /// The latest comment, whole.
    pub comment: &'g str,
    /// `--value`, as a number (blank or unreadable: absent).
    pub value: Option<f64>,
    /// The `--by` cells, by column.
    pub segments: BTreeMap<&'g str, &'g str>,
    /// The latest response's input.
    pub source: &'g str,
    /// Where it is in the input (`line 12`).
    pub location: String,
}

/// Respondents at risk per level, and their value.
#[derive(Debug, Serialize, Default)]
pub struct Totals {
    /// Respondents with a response inside the window.
    pub assessed: u64,
    /// At risk, per level.
    pub high: u64,
    /// Medium.
    pub medium: u64,
    /// Low.
    pub low: u64,
    /// `--value` summed per level (high, medium, low), when asked for.
    pub value_at_risk: Option<[f64; 3]>,
    /// Respondents at risk whose `--value` cell is no amount, or a negative one: not summed.
    pub value_set_aside: Option<u64>,
    /// The first of them, for the note on stderr (`file line N: "abc"`).
    #[serde(skip)]
    pub value_example: Option<String>,
}

/// What `nps risk` reports.
#[derive(Debug, Serialize)]
pub struct RiskReport<'g> {
    /// The JSON contract's version.
    pub schema_version: u32,
    /// `risk`.
    pub command: &'static str,
    /// The day the window ends.
    pub as_of: String,
    /// The window, in days.
    pub window_days: u32,
    /// The totals.
    pub totals: Totals,
    /// Each input: its format, score column and row accounting.
    pub sources: Vec<SourceSummary>,
    /// The respondents at risk, in order (each boxed: ordering them moves pointers, not rows of a
    /// few hundred bytes — up to a million of them).
    pub respondents: Vec<Box<AtRisk<'g>>>,
    #[serde(skip)]
    value_column: Option<String>,
    #[serde(skip)]
    by: Vec<String>,
}

/// A respondent at risk: their place in key order, their `--value` (`Err`: the cell as written,
/// which is no amount) and their row.
type Assessed<'g> = (u32, Result<Option<f64>, &'g str>, Box<AtRisk<'g>>);

/// What orders the rows at risk: value at risk, level, points, place in key order.
type Order = (f64, Level, u32, u32);

/// Build the report from the gathered respondents.
pub fn report<'g>(g: &'g Gathered, drop: u8, window: u32, value: Option<&str>) -> RiskReport<'g> {
    let value_cell = value.map(|_| cell::BY + g.by.len());
    let mut totals = Totals {
        value_at_risk: value.map(|_| [0.0; 3]),
        value_set_aside: value.map(|_| 0),
        ..Totals::default()
    };
    // Each respondent assessed on every core, in the order they lie in memory (in key order, each
    // would miss the cache); the rows at risk are then put in key order, where the totals are
    // added up (the same sums whatever the number of cores). A row is boxed: ordering moves
    // pointers, not rows of a few hundred bytes.
    let assessed = std::sync::atomic::AtomicU64::new(0);
    let mut at: Vec<Assessed> = g
        .respondents
        .par_iter_placed()
        .filter_map(|(rank, r)| {
            if r.window.is_empty() {
                return None;
            }
            assessed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let assessment = r.assess(drop);
            let level = assessment.level()?;
            let value = match value_cell.map(|i| r.latest.cell(i)) {
                Some(text) => parse_amount(text).map_err(|_| text),
                None => Ok(None),
            };
            let amount = value.unwrap_or(None);
            let row = Box::new(at_risk(r, level, assessment, amount, &g.by));
            Some((rank, value, row))
        })
        .collect();
    at.par_sort_unstable_by_key(|(rank, _, _)| *rank);
    totals.assessed = assessed.into_inner();
    for (_, value, row) in &at {
        let level = match row.level {
            Level::High => 0,
            Level::Medium => 1,
            Level::Low => 2,
        };
        *[&mut totals.high, &mut totals.medium, &mut totals.low][level] += 1;
        match value {
            Ok(amount) => {
                if let (Some(sums), Some(v)) = (totals.value_at_risk.as_mut(), amount) {
                    sums[level] += v;
                }
            }
            Err(text) => {
                totals.value_set_aside = totals.value_set_aside.map(|n| n + 1);
                totals
                    .value_example
                    .get_or_insert_with(|| format!("{} {}: {text:?}", row.source, row.location));
            }
        }
    }
    // Highest value at risk first with --value; else highest level, most points; ties in key
    // order. Sorted by keys beside the rows, so that no comparison reads a row.
    let mut keyed: Vec<(Order, Box<AtRisk>)> = at
        .into_iter()
        .map(|(rank, _, row)| {
            let by_value = match value {
                Some(_) => row.value.unwrap_or(0.0),
                None => 0.0,
            };
            ((by_value, row.level, row.points, rank), row)
        })
        .collect();
    keyed.par_sort_unstable_by(|(a, _), (b, _)| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    let mut rows: Vec<Box<AtRisk>> = keyed.into_iter().map(|(_, row)| row).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    RiskReport {
        schema_version: SCHEMA_VERSION,
        command: "risk",
        as_of: g.as_of.to_string(),
        window_days: window,
        totals,
        sources: g.sources(),
        respondents: rows,
        value_column: value.map(String::from),
        by: g.by.clone(),
    }
}

/// The row of a respondent at `level`.
fn at_risk<'g>(
    r: &'g Respondent,
    level: Level,
    assessment: Assessment,
    value: Option<f64>,
    by: &'g [String],
) -> AtRisk<'g> {
    let row = &r.latest;
    let text = |i: usize| Some(row.cell(i)).filter(|c| !c.is_empty());
    let name = match (text(cell::FIRST_NAME), text(cell::LAST_NAME)) {
        (Some(first), Some(last)) => Some(Cow::Owned(format!("{first} {last}"))),
        (one, other) => one.or(other).map(Cow::Borrowed),
    };
    AtRisk {
        rank: 0,
        level,
        points: assessment.points,
        signals: assessment.signals,
        id: r.id(),
        email: reach(row).0,
        name,
        company: text(cell::COMPANY),
        score: row.score,
        previous_score: r.previous_score(),
        date: row.day.map(|d| date_of(d).to_string()),
        comment: row.comment(),
        value,
        segments: by
            .iter()
            .enumerate()
            .map(|(k, b)| (b.as_str(), row.cell(cell::BY + k)))
            .collect(),
        source: &row.source,
        location: row.location.to_string(),
    }
}

/// Run `nps risk`.
pub fn run(args: &RiskArgs) -> Result<ExitStatus, Error> {
    // The churn and themes files are inputs too: never written over.
    let files: Vec<_> = args.risk.files().cloned().collect();
    crate::output::check_output_path(args.output.output.as_deref(), &files)?;
    crate::ingest::check_stdin_read_once(&args.input.files, &files)?;
    let tagger = themes_tagger(&args.risk)?;
    let gathered = gather(
        &args.input,
        &args.output,
        &args.contacts,
        &args.risk,
        (&args.by, args.value.as_deref()),
        tagger,
    )?;
    let report = {
        let _stage = crate::verbose::stage("assess respondents");
        report(
            &gathered,
            args.risk.drop,
            args.risk.window,
            args.value.as_deref(),
        )
    };
    let t = &report.totals;
    if let (Some(n @ 1..), Some(example), Some(col)) =
        (t.value_set_aside, &t.value_example, &args.value)
    {
        if !args.output.quiet {
            super::note(&format!(
                "{} at risk {} no usable {col} (not an amount, or negative; first: {example}): left out of the value at risk",
                count(n, "respondent"),
                agree(n, "has", "have"),
            ));
        }
    }
    crate::output::emit(&report, &args.output)?;
    // The run ends here: freeing every respondent and row one by one would cost a tenth of it.
    std::mem::forget(report);
    std::mem::forget(gathered);
    Ok(ExitStatus::Success)
}

fn who(r: &AtRisk) -> String {
    match (&r.name, r.email.or(r.id)) {
        (Some(name), _) => name.to_string(),
        (None, Some(known)) => known.to_string(),
        (None, None) => format!("{} {}", r.source, r.location),
    }
}

fn evidence(r: &AtRisk) -> String {
    r.signals
        .iter()
        .map(|f| {
            let cond = if f.conditional { ", conditional" } else { "" };
            format!("{} ({}{cond}): {}", f.signal.key(), f.points, f.evidence)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn score_change(r: &AtRisk) -> String {
    match r.previous_score {
        Some(p) => format!("{p} → {}", r.score),
        None => r.score.to_string(),
    }
}

impl Report for RiskReport<'_> {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let t = &self.totals;
        // An input without a date column: its responses are undated and never leave the window.
        let undated = match self.sources.iter().any(|s| s.dates.is_none()) {
            true => " or undated",
            false => "",
        };
        let mut text = vec![format!(
            "{} at risk of {} with a response from the {} days up to {}{undated}: {} high, {} medium, {} low",
            t.high + t.medium + t.low,
            count(t.assessed, "respondent"),
            self.window_days,
            self.as_of,
            t.high,
            t.medium,
            t.low
        )];
        if let (Some(col), Some(v)) = (&self.value_column, t.value_at_risk) {
            text.push(format!(
                "{col} at risk: {} high, {} medium, {} low",
                fmt_number(v[0], decimals),
                fmt_number(v[1], decimals),
                fmt_number(v[2], decimals)
            ));
        }
        let mut headers = vec!["#", "level", "points", "respondent", "score", "date"];
        if let Some(col) = &self.value_column {
            headers.push(col);
        }
        headers.extend(self.by.iter().map(String::as_str));
        headers.push("signals and evidence");
        let numeric: Vec<bool> = headers
            .iter()
            .enumerate()
            .map(|(i, _)| matches!(i, 0 | 2) || (i == 6 && self.value_column.is_some()))
            .collect();
        let mut grid = Grid::new(&headers, &numeric);
        for r in &self.respondents {
            let mut row = vec![
                r.rank.to_string(),
                r.level.name().to_string(),
                r.points.to_string(),
                who(r),
                score_change(r),
                r.date.clone().unwrap_or_default(),
            ];
            if self.value_column.is_some() {
                // As the totals above are shown (--decimals), so 12.5 is not shown as 12.
                row.push(r.value.map(|v| fmt_number(v, decimals)).unwrap_or_default());
            }
            row.extend(self.by.iter().map(|b| r.segments[b.as_str()].to_string()));
            row.push(evidence(r));
            grid.push(row);
        }
        // No rows, no table: a header over nothing reads like a failure to show them.
        let grid = (!self.respondents.is_empty()).then_some(grid);
        vec![Section {
            heading: Some("Respondents at risk".into()),
            text,
            grid,
            after: Vec::new(),
            code: None,
        }]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let headers = self.csv_headers();
        let mut grid = Grid::new(&headers.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
        grid.rows = self
            .respondents
            .par_iter()
            .map(|r| self.csv_row(r).into_iter().map(Cow::into_owned).collect())
            .collect();
        grid
    }

    /// The same bytes as [`RiskReport::csv`]'s grid, each row made and encoded on every core
    /// without building the grid (up to a million rows).
    fn write_csv(&self, _decimals: u8, write: &mut dyn FnMut(&str)) {
        write(&CsvRows::default().row(&self.csv_headers()));
        csv_pieces(
            &self.respondents,
            |r, csv, piece| csv.push_row(&self.csv_row(r), piece),
            write,
        );
    }
}

impl<'g> RiskReport<'g> {
    /// The CSV's header row.
    fn csv_headers(&self) -> Vec<String> {
        let mut headers = vec![
            "rank",
            "level",
            "points",
            "signals",
            "evidence",
            "id",
            "email",
            "name",
            "company",
            "score",
            "previous_score",
            "date",
            "as_of",
        ];
        if self.value_column.is_some() {
            headers.push("value");
        }
        let ours = [&headers[..], &["comment", "source", "location"]].concat();
        let by = by_headers(&self.by, &ours);
        headers.extend(by.iter().map(String::as_str));
        headers.extend(["comment", "source", "location"]);
        headers.into_iter().map(String::from).collect()
    }

    /// A respondent's CSV row.
    fn csv_row<'r>(&'r self, r: &'r AtRisk<'g>) -> Vec<Cow<'r, str>> {
        let text = |v: Option<&'r str>| Cow::Borrowed(v.unwrap_or_default());
        let mut row = vec![
            Cow::Owned(r.rank.to_string()),
            Cow::Borrowed(r.level.name()),
            Cow::Owned(r.points.to_string()),
            Cow::Owned(signal_keys(&r.signals)),
            Cow::Owned(evidence(r)),
            text(r.id),
            text(r.email),
            text(r.name.as_deref()),
            text(r.company),
            Cow::Owned(r.score.to_string()),
            Cow::Owned(r.previous_score.map(|s| s.to_string()).unwrap_or_default()),
            text(r.date.as_deref()),
            Cow::Borrowed(self.as_of.as_str()),
        ];
        if self.value_column.is_some() {
            row.push(Cow::Owned(
                r.value.map(|v| v.to_string()).unwrap_or_default(),
            ));
        }
        row.extend(
            self.by
                .iter()
                .map(|b| Cow::Borrowed(r.segments[b.as_str()])),
        );
        row.extend([
            Cow::Borrowed(r.comment),
            Cow::Borrowed(r.source),
            Cow::Borrowed(r.location.as_str()),
        ]);
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::Signal;

    fn row<'a>(rank: usize, id: &'a str, conditional: bool, comment: &'a str) -> AtRisk<'a> {
        AtRisk {
            rank,
            level: Level::High,
            points: 40,
            signals: vec![Fired {
                signal: Signal::Intent,
                conditional,
                evidence: "\"cancel\"".into(),
                date: Some("2025-12-01".into()),
                points: 40,
            }],
            id: Some(id),
            email: None,
            name: Some("Ann, \"Jr\"".into()),
            company: None,
            score: 2,
            previous_score: (rank > 1).then_some(9),
            date: Some("2025-12-01".into()),
            comment,
            value: Some(1200.5),
            segments: BTreeMap::from([("plan", "=pro"), ("comment", "theirs")]),
            source: "a.csv",
            location: format!("line {}", rank + 1),
        }
    }

    #[test]
    fn the_csv_written_row_by_row_is_the_grids() {
        let ids: Vec<String> = (1..=2500).map(|i| format!("c{i}")).collect();
        let report = RiskReport {
            schema_version: SCHEMA_VERSION,
            command: "risk",
            as_of: "2025-12-31".into(),
            window_days: 365,
            totals: Totals::default(),
            sources: Vec::new(),
            respondents: (1..=2500)
                .map(|i| {
                    let comment = "I will cancel\nunless =fixed";
                    Box::new(row(i, &ids[i - 1], i % 2 == 0, comment))
                })
                .collect(),
            value_column: Some("arr".into()),
            by: vec!["plan".into(), "comment".into()],
        };
        let mut written = String::new();
        report.write_csv(1, &mut |piece| written.push_str(piece));
        assert_eq!(written, report.csv(1).to_csv());
        let mut lines = written.lines();
        assert_eq!(
            lines.next(),
            Some(
                "rank,level,points,signals,evidence,id,email,name,company,score,previous_score,\
                 date,as_of,value,plan,by.comment,comment,source,location"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "1,high,40,intent,\"intent (40): \"\"cancel\"\"\",c1,,\"Ann, \"\"Jr\"\"\",,2,,\
                 2025-12-01,2025-12-31,1200.5,'=pro,theirs,\"I will cancel"
            )
        );
    }
}
