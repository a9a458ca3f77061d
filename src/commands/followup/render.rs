//! `nps followup` in every format, and the CRM import files.
//!
//! - table and Markdown: a summary, then the list with the columns a person scans (the message,
//!   the comment and the contact details are in csv and json, never cut there), then the
//!   respondents without contact details;
//! - csv and json: written row by row as each message is made, so memory holds the respondents,
//!   not every message; cells a spreadsheet would run as a formula are neutralised (OWASP's
//!   CSV-injection advice);
//! - `--crm hubspot`: HubSpot's task import, associated with the contact by `Email` (task title,
//!   due date, type EMAIL/CALL/TODO from the reply channel, priority HIGH/MEDIUM/LOW, status
//!   NOT_STARTED, notes); `--crm salesforce`: the Task object's fields for Data Loader
//!   (`Subject`, `ActivityDate`, `Priority` High/Normal/Low, `Status`, `TaskSubtype`
//!   Email/Call/Task, `Description`) with the contact's `Email` to look up its `WhoId`.

use std::borrow::Cow;
use std::path::Path;

use super::{FollowupReport, Head, NoContact, ToContact};
use crate::cli::Crm;
use crate::error::Error;
use crate::output::escape;
use crate::output::numbers::{agree, count, percent};
use crate::output::stream::Stream;
use crate::output::tabular::{by_headers, CsvRows, Grid, Section};
use crate::output::Report;
use crate::risk::Level;

fn who(r: &ToContact) -> String {
    let name = [r.first_name, r.last_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        return name;
    }
    r.email.or(r.id).or(r.phone).unwrap_or_default().to_string()
}

fn level(l: Option<Level>) -> String {
    l.map_or(String::new(), |l| l.name().to_string())
}

fn summary(head: &Head, decimals: u8) -> Vec<String> {
    let (t, sla) = (&head.totals, &head.sla);
    let unit = if sla.business_days {
        "business days"
    } else {
        "days"
    };
    let mut lines = vec![
        format!(
            "as of {}; deadlines: detractors {} {unit}, passives {}, promoters {}",
            head.as_of, sla.detractor, sla.passive, sla.promoter
        ),
        format!(
            "{} to contact: {} overdue, {} due within a day, {} on time{}",
            t.to_contact,
            t.overdue,
            t.due,
            t.ok,
            match t.undated {
                0 => String::new(),
                n => format!(", {n} undated (no deadline)"),
            }
        ),
    ];
    if t.no_contact > 0 {
        lines.push(format!(
            "{} {} neither e-mail nor phone: listed apart",
            count(t.no_contact, "respondent"),
            agree(t.no_contact, "has", "have"),
        ));
    }
    if t.same_address > 0 {
        lines.push(format!(
            "{} left out: a respondent who answered later has the same e-mail address (one message per address)",
            count(t.same_address, "respondent"),
        ));
    }
    if let (Some(done), Some(rate)) = (t.done, t.completion_rate) {
        lines.push(format!(
            "already contacted (--done): {done} of {} ({})",
            count(t.respondents, "respondent"),
            percent(rate, decimals)
        ));
    }
    lines
}

/// The csv columns.
fn csv_header(by: &[String]) -> Vec<String> {
    let mut headers: Vec<String> = [
        "priority",
        "category",
        "score",
        "previous_score",
        "risk_level",
        "risk_points",
        "risk_signals",
        "id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "company",
        "channel",
        "reply_channel",
        "lang",
        "date",
        "due",
        "status",
        "days_overdue",
        "as_of",
        "themes",
        "top_theme",
        "subject",
        "message",
        "comment",
    ]
    .map(String::from)
    .to_vec();
    let mut ours: Vec<&str> = headers.iter().map(String::as_str).collect();
    ours.extend(["source", "location"]);
    let by = by_headers(by, &ours);
    headers.extend(by);
    headers.extend(["source".to_string(), "location".to_string()]);
    headers
}

/// One row's csv cells.
fn csv_cells<'r>(r: &'r ToContact, as_of: &'r str, by: &[String]) -> Vec<Cow<'r, str>> {
    let text = |v: Option<&'r str>| Cow::Borrowed(v.unwrap_or_default());
    let number = |n: Option<u64>| Cow::Owned(n.map(|n| n.to_string()).unwrap_or_default());
    let mut row = vec![
        number(Some(r.priority as u64)),
        Cow::Borrowed(r.category),
        number(Some(u64::from(r.score))),
        number(r.previous_score.map(u64::from)),
        Cow::Borrowed(r.risk_level.map_or("", |l| l.name())),
        number(Some(u64::from(r.risk_points))),
        Cow::Borrowed(r.risk_signals.as_str()),
        text(r.id),
        text(r.email),
        text(r.phone),
        text(r.first_name),
        text(r.last_name),
        text(r.company),
        text(r.channel),
        Cow::Borrowed(r.reply_channel),
        Cow::Borrowed(r.lang),
        text(r.date.as_deref()),
        text(r.due.as_deref()),
        Cow::Borrowed(r.status.name()),
        number(r.days_overdue.map(u64::from)),
        Cow::Borrowed(as_of),
        Cow::Owned(r.themes.join(";")),
        text(r.top_theme),
        Cow::Borrowed(r.subject.as_str()),
        Cow::Borrowed(r.message.as_str()),
        Cow::Borrowed(r.comment),
    ];
    row.extend(by.iter().map(|b| Cow::Borrowed(r.segments[b.as_str()])));
    row.extend([Cow::Borrowed(r.source), Cow::Borrowed(r.location.as_str())]);
    row
}

/// How each row to contact becomes its text in a file written row by row (`--format csv`,
/// `--format json`, `--crm`). Rows are encoded where they are made, on every core; the writer
/// only writes.
#[derive(Clone, Copy)]
pub enum Encoding<'a> {
    /// `--format csv`: the day of `as_of` and the `--by` columns.
    Csv { as_of: &'a str, by: &'a [String] },
    /// `--format json`: one compact object per row.
    Json,
    /// `--crm`: only rows with an e-mail.
    Crm(Crm),
}

impl Encoding<'_> {
    /// The text of `r` (a CSV record, or a JSON object after its separator in the array) added
    /// to `out`, unless the file leaves it out; `csv` is the worker's CSV writer. Rows are
    /// encoded a piece of several at a time, each piece one string.
    pub fn encode(&self, r: &ToContact, csv: &mut CsvRows, out: &mut String) {
        match *self {
            Encoding::Csv { as_of, by } => csv.push_row(&csv_cells(r, as_of, by), out),
            Encoding::Json => {
                // The first row to contact opens the array.
                out.push_str(if r.priority == 1 { "\n  " } else { ",\n  " });
                out.push_str(&to_json(r));
            }
            Encoding::Crm(crm) => {
                if r.email.is_some() {
                    csv.push_row(&crm_cells(crm, r), out);
                }
            }
        }
    }
}

/// `--format csv`: the header, then the pieces of encoded rows ([`Encoding::Csv`]) as they
/// come.
pub fn csv(
    by: &[String],
    pieces: impl Iterator<Item = String>,
    path: Option<&Path>,
) -> Result<(), Error> {
    let mut out = Stream::open(path)?;
    out.write(&CsvRows::default().row(&csv_header(by)));
    for piece in pieces {
        out.write(&piece);
    }
    out.finish()
}

/// `--format json`, a piece of rows at a time ([`Encoding::Json`]): the same document as the
/// table's report serialised whole.
pub fn json(
    head: &Head,
    pieces: impl Iterator<Item = String>,
    no_contact: &[NoContact],
    path: Option<&Path>,
) -> Result<(), Error> {
    let mut out = Stream::open(path)?;
    let head_text = to_json(head);
    // `{"schema_version":…,"totals":{…}}` without its closing brace, then the arrays.
    out.write(head_text.strip_suffix('}').unwrap_or(&head_text));
    out.write(",\n\"rows\": [");
    for piece in pieces {
        out.write(&piece);
    }
    out.write("\n],\n\"no_contact\": [");
    for (i, r) in no_contact.iter().enumerate() {
        out.write(if i == 0 { "\n  " } else { ",\n  " });
        out.write(&to_json(r));
    }
    out.write("\n]}\n");
    out.finish()
}

/// A value as compact JSON that no terminal or CI runner acts on.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    escape::json(value)
}

impl Report for FollowupReport<'_> {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut headers = vec![
            "#",
            "category",
            "score",
            "risk",
            "respondent",
            "reply via",
            "due",
            "status",
            "days late",
            "theme",
            "subject",
        ];
        headers.extend(self.by.iter().map(String::as_str));
        let numeric: Vec<bool> = (0..headers.len()).map(|i| matches!(i, 0 | 2 | 8)).collect();
        let mut grid = Grid::new(&headers, &numeric);
        for r in &self.rows {
            let mut row = vec![
                r.priority.to_string(),
                r.category.to_string(),
                r.score.to_string(),
                level(r.risk_level),
                who(r),
                r.reply_channel.to_string(),
                r.due.clone().unwrap_or_default(),
                r.status.name().to_string(),
                r.days_overdue.map_or(String::new(), |d| d.to_string()),
                r.top_theme.unwrap_or_default().to_string(),
                r.subject.clone(),
            ];
            row.extend(self.by.iter().map(|b| r.segments[b.as_str()].to_string()));
            grid.push(row);
        }
        // Nobody to contact: the summary says so, without an empty table under it.
        let listed = !self.rows.is_empty();
        let mut sections = vec![Section {
            heading: Some("Follow-up".into()),
            text: summary(&self.head, decimals),
            grid: listed.then_some(grid),
            after: match listed {
                true => vec!["messages, comments and contact details: --format csv or json".into()],
                false => Vec::new(),
            },
            code: None,
        }];
        if !self.no_contact.is_empty() {
            let mut grid = Grid::new(
                &[
                    "id", "category", "score", "risk", "date", "source", "location",
                ],
                &[false, false, true],
            );
            for r in &self.no_contact {
                grid.push(vec![
                    r.id.clone().unwrap_or_default(),
                    r.category.to_string(),
                    r.score.to_string(),
                    level(r.risk_level),
                    r.date.clone().unwrap_or_default(),
                    r.source.clone(),
                    r.location.clone(),
                ]);
            }
            sections.push(Section {
                heading: Some("No e-mail or phone".into()),
                text: Vec::new(),
                grid: Some(grid),
                after: Vec::new(),
                code: None,
            });
        }
        sections
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let headers = csv_header(&self.by);
        let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut grid = Grid::new(&refs, &[]);
        for r in &self.rows {
            grid.push(
                csv_cells(r, &self.head.as_of, &self.by)
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect(),
            );
        }
        grid
    }
}

/// The CRM's import file: its header, then the pieces of encoded rows ([`Encoding::Crm`]) as
/// they come.
pub fn crm(
    crm: Crm,
    pieces: impl Iterator<Item = String>,
    path: Option<&Path>,
) -> Result<(), Error> {
    let header: &[&str] = match crm {
        Crm::Hubspot => &[
            "Email",
            "Task Title",
            "Due Date",
            "Task Type",
            "Priority",
            "Task Status",
            "Notes",
        ],
        Crm::Salesforce => &[
            "Email",
            "Subject",
            "ActivityDate",
            "Priority",
            "Status",
            "TaskSubtype",
            "Description",
        ],
    };
    let mut out = Stream::open(path)?;
    out.write(&CsvRows::default().row(header));
    for piece in pieces {
        out.write(&piece);
    }
    out.finish()
}

/// One row's cells in the CRM's import file.
fn crm_cells(crm: Crm, r: &ToContact) -> [String; 7] {
    let high = r.category == "detractor" || r.risk_level == Some(Level::High);
    let medium = r.category == "passive" || r.risk_level == Some(Level::Medium);
    let mut notes = format!(
        "NPS {} ({}) on {}.",
        r.score,
        r.category,
        r.date.as_deref().unwrap_or("an unknown day")
    );
    if let Some(l) = r.risk_level {
        notes.push_str(&format!(" Risk {} ({}).", l.name(), r.risk_signals));
    }
    if !r.comment.is_empty() {
        notes.push_str(&format!("\nComment: {}", r.comment));
    }
    notes.push_str(&format!("\n\nSuggested message:\n{}", r.message));
    // Each CRM's own values: the task type (e-mail, call, other) and the priority (high,
    // medium, low).
    let (kinds, priorities) = match crm {
        Crm::Hubspot => (["EMAIL", "CALL", "TODO"], ["HIGH", "MEDIUM", "LOW"]),
        Crm::Salesforce => (["Email", "Call", "Task"], ["High", "Normal", "Low"]),
    };
    let kind = match r.reply_channel {
        "email" => kinds[0],
        "phone" => kinds[1],
        _ => kinds[2],
    };
    let priority = priorities[if high {
        0
    } else if medium {
        1
    } else {
        2
    }];
    match crm {
        Crm::Hubspot => [
            r.email.unwrap_or_default().to_string(),
            r.subject.clone(),
            r.due.clone().unwrap_or_default(),
            kind.to_string(),
            priority.to_string(),
            "NOT_STARTED".to_string(),
            notes,
        ],
        Crm::Salesforce => [
            r.email.unwrap_or_default().to_string(),
            r.subject.chars().take(255).collect(),
            r.due.clone().unwrap_or_default(),
            priority.to_string(),
            "Not Started".to_string(),
            kind.to_string(),
            notes,
        ],
    }
}
