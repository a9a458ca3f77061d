//! What `nps followup` and `nps risk` share: reading the inputs into respondents (the latest
//! response whole, the responses inside the risk window), with the comment's themes, the contact
//! cells, the `--by` columns and `--value`, and the day everything is counted from.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::load;
use crate::cli::{ContactArgs, InputArgs, OutputArgs, RiskRules};
use crate::error::Error;
use crate::ingest::columns::Role;
use crate::ingest::comments::RowCell;
use crate::ingest::contact;
use crate::ingest::dates::days_since_epoch;
use crate::ingest::whole::{Batch, Row, WholeRows};
use crate::ingest::Dataset;
use crate::output::numbers::{agree, count};
use crate::risk::collector::{Collector, Outside, Respondents};
use crate::risk::language::ChurnReader;
use crate::themes::lexicon::Lexicon;
use crate::themes::Tagger;

/// The contact cells every row carries, in this order, before the `--by` cells and `--value`.
pub const CONTACT_CELLS: [Role; 6] = [
    Role::Email,
    Role::Phone,
    Role::FirstName,
    Role::LastName,
    Role::Company,
    Role::Channel,
];

/// Where each cell is among a whole response's cells ([`crate::ingest::whole::Row::cell`]).
pub mod cell {
    /// The e-mail.
    pub const EMAIL: usize = 0;
    /// The phone.
    pub const PHONE: usize = 1;
    /// The first name.
    pub const FIRST_NAME: usize = 2;
    /// The last name.
    pub const LAST_NAME: usize = 3;
    /// The company.
    pub const COMPANY: usize = 4;
    /// The survey's channel.
    pub const CHANNEL: usize = 5;
    /// The first `--by` cell.
    pub const BY: usize = 6;
}

/// A row's e-mail address and phone number, when the cells hold one ([`contact`]: "n/a" or
/// "[REDACTED]" are none).
pub fn reach(row: &Row) -> (Option<&str>, Option<&str>) {
    (
        contact::address(row.cell(cell::EMAIL)),
        contact::phone(row.cell(cell::PHONE)),
    )
}

/// The respondents of every input, and what they were read with.
pub struct Gathered {
    /// Every respondent, in key order.
    pub respondents: Respondents,
    /// The inputs' reports and row accounting.
    pub data: Dataset,
    /// The day deadlines and the risk window count from.
    pub as_of: NaiveDate,
    /// The `--by` columns' names, as given.
    pub by: Vec<String>,
    /// The themes lexicon, for labels and questions.
    pub tagger: Arc<Tagger>,
}

impl Gathered {
    /// The inputs as the JSON `sources` list shows them (format, score column, row accounting).
    pub fn sources(&self) -> Vec<super::SourceSummary> {
        self.data
            .sources
            .iter()
            .cloned()
            .map(super::SourceSummary::from)
            .collect()
    }
}

/// Say how many respondents' id, e-mail or phone cells hold no usable value ("n/a", "[REDACTED]",
/// "john at x.com"): they count as blank, so such responses are never merged on them, and nobody
/// is sent a message there.
fn note_placeholders(respondents: &Respondents) {
    // Per kind of cell: how many, and the first in key order (millions of respondents: read on
    // every core, and the counts added in order).
    type Counts<'r> = [(u64, Option<&'r str>); 3];
    let counts: Counts = respondents
        .par_iter()
        .map(|r| {
            let row = &r.latest;
            let (email, phone) = reach(row);
            let cells = [
                (row.id_cell(), row.id().is_none()),
                (row.cell(cell::EMAIL), email.is_none()),
                (row.cell(cell::PHONE), phone.is_none()),
            ];
            cells.map(
                |(text, unusable)| match unusable && !text.trim().is_empty() {
                    true => (1, Some(text)),
                    false => (0, None),
                },
            )
        })
        .reduce(
            || [(0, None); 3],
            |a: Counts, b: Counts| {
                let mut sum = a;
                for (s, (n, first)) in sum.iter_mut().zip(b) {
                    s.0 += n;
                    s.1 = s.1.or(first);
                }
                sum
            },
        );
    let said: Vec<String> = counts
        .iter()
        .zip(["id", "e-mail", "phone"])
        .filter(|((n, _), _)| *n > 0)
        .map(|((n, first), what)| {
            let cells = count(*n, &format!("{what} cell"));
            format!("{cells} (first: {:?})", first.unwrap_or(""))
        })
        .collect();
    if !said.is_empty() {
        // One cell in all: "1 id cell (…) holds"; any more: "… hold".
        let cells: u64 = counts.iter().map(|(n, _)| *n).sum();
        super::note(&format!(
            "{} hold{} a placeholder or no address: {} as blank, so no two responses are joined on {} and no message goes there",
            said.join(", "),
            agree(cells, "s", ""),
            agree(cells, "it counts", "they count"),
            agree(cells, "it", "them"),
        ));
    }
}

/// The names `--by plan,country` gives.
pub fn by_names(by: &[String]) -> Vec<String> {
    by.iter()
        .flat_map(|b| b.split(','))
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(String::from)
        .collect()
}

/// The themes the rules ask for (built-in plus `--themes`), ready to tag.
pub fn themes_tagger(rules: &RiskRules) -> Result<Arc<Tagger>, Error> {
    let stemmers = crate::text::Stemmers::default();
    let mut lexicon = Lexicon::builtin(&stemmers);
    for path in &rules.themes {
        lexicon.add_path(path, &stemmers)?;
    }
    Ok(Arc::new(Tagger::new(lexicon, rules.lang)))
}

/// Read every input into respondents, tagging comments with `tagger`.
pub fn gather(
    input: &InputArgs,
    output: &OutputArgs,
    contacts: &ContactArgs,
    rules: &RiskRules,
    columns: (&[String], Option<&str>),
    tagger: Arc<Tagger>,
) -> Result<Gathered, Error> {
    let (by, value) = columns;
    if let Some(empty) = by
        .iter()
        .find(|b| b.split(',').all(|p| p.trim().is_empty()))
    {
        return Err(Error::usage(format!(
            "--by {empty:?} names no column; give a column name (nps inspect lists them)"
        )));
    }
    let by = by_names(by);
    let reader = ChurnReader::new(&rules.churn, &rules.competitors, rules.lang)?;
    let (as_of, given) = match rules.as_of {
        Some(d) => (d, true),
        None => (chrono::Local::now().date_naive(), false),
    };
    if !given && !output.quiet {
        super::note(&format!(
            "as of {as_of} (today; --as-of sets the day deadlines and the risk window count from)"
        ));
    }
    let window_start = days_since_epoch(as_of) - rules.window as i32 + 1;
    // Taken back out of the mutex once read, whoever still holds the sink.
    let collector = Collector::new(reader, window_start, Some(cell::EMAIL));
    let collector = Arc::new(Mutex::new(Some(collector.until(days_since_epoch(as_of)))));
    let sink_side = collector.clone();
    let sink = move |batch: Batch| {
        let mut c = sink_side.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = c.as_mut() {
            c.add(batch);
        }
    };
    let mut cells: Vec<RowCell> = CONTACT_CELLS.iter().map(|r| RowCell::Role(*r)).collect();
    cells.extend(by.iter().map(|name| RowCell::Column {
        name: name.clone(),
        flag: "--by",
    }));
    if let Some(v) = value {
        cells.push(RowCell::Column {
            name: v.to_string(),
            flag: "--value",
        });
    }
    let data = load(input, output, |o| {
        o.overrides.contacts = contacts.overrides();
        o.themes = Some(tagger.clone());
        o.whole = Some(WholeRows {
            cells,
            sink: Arc::new(Mutex::new(sink)),
        });
        o.need_dates = true;
        o.dates_optional = true;
    })?;
    // Nothing to list from no responses: an input error, as for every command (DESIGN.md §6).
    if data.rows.used == 0 {
        return Err(super::no_valid_responses(&data));
    }
    let taken = collector.lock().unwrap_or_else(|p| p.into_inner()).take();
    let Some(collector) = taken else {
        unreachable!("the collector is taken once, here");
    };
    let (respondents, Outside { expired, after }) = {
        let _stage = crate::verbose::stage("respondents in key order");
        collector.finish()
    };
    if after > 0 && !output.quiet {
        super::note(&format!(
            "{} dated after {as_of} {} left out: the list is as it stood on the --as-of day",
            count(after, "response"),
            agree(after, "is", "are"),
        ));
    }
    if expired > 0 && !output.quiet {
        let start = crate::ingest::dates::date_of(window_start);
        super::note(&format!(
            "{} dated before {start} {} outside the risk window (--window {}d up to {as_of}); {} only as the latest response of {} respondent",
            count(expired, "response"),
            agree(expired, "is", "are"),
            rules.window,
            agree(expired, "it counts", "they count"),
            agree(expired, "its", "their"),
        ));
        // An old export read as of today: say which day would show its risk.
        if !respondents.iter().any(|r| !r.window.is_empty()) {
            if let Some(last) = respondents.iter().filter_map(|r| r.latest.day).max() {
                let last = crate::ingest::dates::date_of(last);
                super::note(&format!(
                    "no response is inside the risk window: the latest is of {last}; --as-of {last} assesses the respondents as they stood that day"
                ));
            }
        }
    }
    if !output.quiet {
        note_placeholders(&respondents);
        for s in &data.sources {
            if s.dates.is_none() {
                super::note(&format!(
                    "{}: no response date column was found: its responses are undated (no due date or status; a respondent's latest response is their last in the file, and the risk window does not apply); --date-col names the column",
                    s.file
                ));
            }
            if let Some(d) = s.dates.as_ref().filter(|d| d.invalid > 0) {
                let first = d.invalid_examples.first().map_or(String::new(), |e| {
                    format!(" (first: {}: {:?})", e.location, e.value)
                });
                super::note(&format!(
                    "{}: {} {} a {} that cannot be read{first}: {} undated (no deadline, older than every dated answer); --date-format sets the day order, --date-col the column",
                    s.file,
                    count(d.invalid, "response"),
                    agree(d.invalid, "has", "have"),
                    d.column,
                    agree(d.invalid, "it is", "they are"),
                ));
            }
            let missing: Vec<&str> = [Role::Email, Role::Phone]
                .into_iter()
                .filter(|r| s.role(*r).column.is_none())
                .map(|r| r.label())
                .collect();
            if missing.len() == 2 {
                super::note(&format!(
                    "{}: no e-mail or phone column found (--email-col, --phone-col name them; nps inspect shows the columns)",
                    s.file
                ));
            }
        }
    }
    Ok(Gathered {
        respondents,
        data,
        as_of,
        by,
        tagger,
    })
}
