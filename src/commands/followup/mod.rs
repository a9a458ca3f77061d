//! `nps followup`: close the loop. One row per respondent to contact — their latest response
//! across all inputs — with the deadline and its status on the `--as-of` day, the channel to
//! reply on, the risk level (the same engine as `nps risk`), the comment's themes and a message
//! in the comment's language.
//!
//! - order: detractors, then passives, then promoters; within a category the highest risk level
//!   first, then the earliest due date (the most overdue), then the most risk points, then the
//!   respondent's key — so the same input gives the same list;
//! - `--only` keeps some categories; `--done` leaves out the respondents already contacted and
//!   reports the completion rate; respondents with neither e-mail nor phone are counted and
//!   listed apart;
//! - `sla` computes deadlines, `channel` picks the reply channel, `message` fills the templates,
//!   `done` reads `--done`, `render` writes every format and the CRM files.

mod channel;
mod done;
mod message;
mod render;
mod select;
mod sla;
mod summary;

pub use summary::{summary, LoopSummary};

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::respondents::{cell, gather, reach, themes_tagger, Gathered};
use super::SourceSummary;
use crate::cli::{FollowupArgs, Format, Only, Sla};
use crate::error::{Error, ExitStatus};
use crate::ingest::dates::date_of;
use crate::ingest::whole::Row;
use crate::output::numbers::{agree, count};
use crate::output::stream::made_ahead;
use crate::output::tabular::CsvRows;
use crate::output::SCHEMA_VERSION;
use crate::risk::Level;
use crate::text::language::{clear_majority, word_vote};
use crate::text::{tokenize, Lang};
use crate::themes::lexicon::Lexicon;
use crate::themes::{Content, Tagged, Tagger};
use channel::reply_channel;
use message::{Fill, Templates};
use select::{select, Entry};
use sla::Status;

/// One respondent to contact. Its texts are borrowed from the respondent's row and the lexicon:
/// `nps followup` makes one for every respondent (millions at 10M input rows).
#[derive(Debug, Serialize)]
pub struct ToContact<'g> {
    /// 1 for the first to contact.
    pub priority: usize,
    /// `detractor`, `passive`, `promoter`.
    pub category: &'static str,
    /// The latest score.
    pub score: u8,
    /// The score before it, inside the risk window.
    pub previous_score: Option<u8>,
    /// The risk level, when a signal fired.
    pub risk_level: Option<Level>,
    /// The risk points.
    pub risk_points: u32,
    /// The signals' keys (`intent;score_drop`).
    pub risk_signals: String,
    /// The respondent id.
    pub id: Option<&'g str>,
    /// The e-mail.
    pub email: Option<&'g str>,
    /// The phone.
    pub phone: Option<&'g str>,
    /// The first name.
    pub first_name: Option<&'g str>,
    /// The last name.
    pub last_name: Option<&'g str>,
    /// The company.
    pub company: Option<&'g str>,
    /// The channel the survey came through, as the export writes it.
    pub channel: Option<&'g str>,
    /// The channel to reply on: email, sms, whatsapp, phone or in-app.
    pub reply_channel: &'static str,
    /// The message's language.
    pub lang: &'static str,
    /// The response's day.
    pub date: Option<String>,
    /// The due day.
    pub due: Option<String>,
    /// `overdue`, `due`, `ok`, `undated`.
    pub status: Status,
    /// Days past the due day on the as-of day (none when the response is undated: there is no
    /// due day).
    pub days_overdue: Option<u32>,
    /// The comment's themes.
    pub themes: Vec<&'g str>,
    /// The theme the message speaks of.
    pub top_theme: Option<&'g str>,
    /// The message's subject.
    pub subject: String,
    /// The message.
    pub message: String,
    /// The comment, whole.
    pub comment: &'g str,
    /// The `--by` cells, by column.
    pub segments: BTreeMap<&'g str, &'g str>,
    /// The response's input.
    pub source: &'g str,
    /// Where it is in the input.
    pub location: String,
}

/// A respondent with neither e-mail nor phone.
#[derive(Debug, Serialize)]
pub struct NoContact {
    /// The respondent id.
    pub id: Option<String>,
    /// `detractor`, `passive`, `promoter`.
    pub category: &'static str,
    /// The latest score.
    pub score: u8,
    /// The risk level.
    pub risk_level: Option<Level>,
    /// The response's day.
    pub date: Option<String>,
    /// The response's input.
    pub source: String,
    /// Where it is in the input.
    pub location: String,
}

/// Counts over the list.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Totals {
    /// Respondents in the categories listed (`--only`).
    pub respondents: u64,
    /// Rows to contact.
    pub to_contact: u64,
    /// Of which overdue.
    pub overdue: u64,
    /// Due within a day.
    pub due: u64,
    /// Due later.
    pub ok: u64,
    /// Without a date.
    pub undated: u64,
    /// Respondents with neither e-mail nor phone.
    pub no_contact: u64,
    /// Respondents left out because another, who answered later, has the same e-mail address
    /// (one message per address).
    pub same_address: u64,
    /// Already contacted (`--done`).
    pub done: Option<u64>,
    /// done / respondents, with `--done`.
    pub completion_rate: Option<f64>,
}

/// What every format says before the rows.
#[derive(Debug, Serialize)]
pub struct Head {
    /// The JSON contract's version.
    pub schema_version: u32,
    /// `followup`.
    pub command: &'static str,
    /// The day statuses are computed for.
    pub as_of: String,
    /// Days to answer each category.
    pub sla: SlaDays,
    /// The totals.
    pub totals: Totals,
    /// Each input: its format, score column and row accounting.
    pub sources: Vec<SourceSummary>,
}

/// What `nps followup` reports (table and Markdown; csv and json are written row by row from
/// the same rows, in the same shape).
#[derive(Debug, Serialize)]
pub struct FollowupReport<'g> {
    /// The summary.
    #[serde(flatten)]
    pub head: Head,
    /// The respondents to contact, first to contact first.
    pub rows: Vec<ToContact<'g>>,
    /// Respondents without contact details.
    pub no_contact: Vec<NoContact>,
    #[serde(skip)]
    by: Vec<String>,
}

/// `--sla` and `--business-days`, in the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct SlaDays {
    /// Days for detractors.
    pub detractor: u32,
    /// Days for passives.
    pub passive: u32,
    /// Days for promoters.
    pub promoter: u32,
    /// Counted in business days.
    pub business_days: bool,
}

/// Rows made at once, on every core, before they are written in order.
const BATCH: usize = 4096;

/// Rows encoded into one string (one allocation and one write for all of them); a batch holds
/// whole pieces, so that a row's priority follows from its batch, piece and place.
const PIECE: usize = 256;
const _: () = assert!(BATCH % PIECE == 0);

/// What every row is made with.
struct Context<'a> {
    args: &'a FollowupArgs,
    tagger: &'a Tagger,
    lexicon: &'a Lexicon,
    templates: &'a Templates,
    by: &'a [String],
}

impl<'a> Context<'a> {
    /// The row of the `priority`-th respondent to contact, message included.
    fn row<'g>(&self, priority: usize, e: &Entry<'g>) -> ToContact<'g>
    where
        'a: 'g,
    {
        let (args, lexicon) = (self.args, self.lexicon);
        let r = e.respondent;
        let row = &r.latest;
        let text = |i: usize| Some(row.cell(i)).filter(|c| !c.is_empty());
        let (email, phone) = (e.email, e.phone);
        // The pass does not tag whole responses: the comments written are tagged here.
        let tagged = self.tagger.tag(Some(row.comment()), row.lang);
        let themes = self.tagger.themes_of(&tagged);
        let top = top_theme(&tagged, &themes, lexicon);
        let lang = message_lang(&tagged, row, args.risk.lang);
        let (subject, message) = self.templates.render(
            &Fill {
                lang,
                category: e.category,
                theme: top,
                first_name: Some(row.cell(cell::FIRST_NAME)),
                score: row.score,
                comment: row.comment(),
                company: args.company.as_deref(),
                sender: args.sender.as_deref(),
                review_link: args.review_link.as_deref(),
            },
            lexicon,
        );
        let channel = text(cell::CHANNEL);
        ToContact {
            priority,
            category: e.category.name(),
            score: row.score,
            previous_score: e.previous,
            risk_level: e.assessment.level(),
            risk_points: e.assessment.points,
            risk_signals: e.assessment.keys(),
            id: r.id(),
            reply_channel: reply_channel(channel, email, phone),
            email,
            phone,
            first_name: text(cell::FIRST_NAME),
            last_name: text(cell::LAST_NAME),
            company: text(cell::COMPANY),
            channel,
            lang: lang.code(),
            date: row.day.map(|d| date_of(d).to_string()),
            due: e.due.map(|d| date_of(d).to_string()),
            status: e.status,
            days_overdue: e.due.map(|_| e.late),
            themes: themes
                .iter()
                .map(|&i| lexicon.themes[i].key.as_str())
                .collect(),
            top_theme: top.map(|i| lexicon.themes[i].key.as_str()),
            subject,
            message,
            comment: row.comment(),
            segments: self
                .by
                .iter()
                .enumerate()
                .map(|(k, b)| (b.as_str(), row.cell(cell::BY + k)))
                .collect(),
            source: &row.source,
            location: row.location.to_string(),
        }
    }
}

/// Run `nps followup`.
pub fn run(args: &FollowupArgs) -> Result<ExitStatus, Error> {
    if args.crm.is_some() && !matches!(args.output.format, Format::Table | Format::Csv) {
        return Err(Error::usage(
            "--crm writes the CRM's CSV import file; leave out --format (or use --format csv)",
        ));
    }
    if args.review_link.is_some() && !args.only.is_empty() && !args.only.contains(&Only::Detractors)
    {
        return Err(Error::usage(
            "--review-link with an --only that leaves out detractors would ask only the happier respondents for public reviews (review gating, against review platforms' rules); add detractors to --only, or leave out --review-link",
        ));
    }
    if matches!(args.output.format, Format::Ndjson) {
        return Err(Error::usage(
            "--format ndjson is for nps themes --per-response; use json or csv",
        ));
    }
    // `--done`, `--templates` and the rules' files are inputs too: never written over.
    let files: Vec<_> = (args.done.iter().chain(&args.templates))
        .chain(args.risk.files())
        .cloned()
        .collect();
    crate::output::check_output_path(args.output.output.as_deref(), &files)?;
    crate::ingest::check_stdin_read_once(&args.input.files, &files)?;
    let done = args.done.as_deref().map(done::Done::read).transpose()?;
    let tagger = themes_tagger(&args.risk)?;
    // Template errors are usage errors: found before any data is read.
    let templates = Templates::new(args.templates.as_deref(), &tagger.lexicon)?;
    let g = read(args, tagger)?;
    let (entries, no_contact, totals) = {
        let _stage = crate::verbose::stage("assess and order respondents");
        select(args, &g, done.as_ref())
    };
    if let (Some(done), Some(path), false) = (&done, &args.done, args.output.quiet) {
        done.note_unmatched(
            path,
            g.respondents.iter().map(|r| (r.id(), reach(&r.latest).0)),
        );
    }
    let head = Head {
        schema_version: SCHEMA_VERSION,
        command: "followup",
        as_of: g.as_of.to_string(),
        sla: sla_days(&args.sla, args.business_days),
        totals,
        sources: g.sources(),
    };
    let context = Context {
        args,
        tagger: &g.tagger,
        lexicon: &g.tagger.lexicon,
        templates: &templates,
        by: &g.by,
    };
    let path = args.output.output.as_deref();
    let encoding = match (args.crm, args.output.format) {
        (Some(crm), _) => Some(render::Encoding::Crm(crm)),
        (None, Format::Csv) => Some(render::Encoding::Csv {
            as_of: &head.as_of,
            by: &g.by,
        }),
        (None, Format::Json) => Some(render::Encoding::Json),
        (None, _) => None,
    };
    let _stage = crate::verbose::stage("messages, render and write");
    match encoding {
        Some(encoding) => {
            // Rows are made and encoded on every core, a batch at a time, a piece of rows to a
            // string, and written in order: each row is built and dropped on the thread that
            // encodes it, and the next batches are made while one is written.
            let (entries, context) = (&entries, &context);
            let batches = entries.chunks(BATCH).enumerate().map(|(b, batch)| {
                batch
                    .par_chunks(PIECE)
                    .enumerate()
                    .map_init(CsvRows::default, |csv, (p, rows)| {
                        let mut piece = String::new();
                        for (i, e) in rows.iter().enumerate() {
                            let priority = b * BATCH + p * PIECE + i + 1;
                            encoding.encode(&context.row(priority, e), csv, &mut piece);
                        }
                        piece
                    })
                    .collect::<Vec<String>>()
            });
            made_ahead(batches, |batches| {
                let lines = batches.flatten();
                let unreachable = no_contact.len();
                match encoding {
                    render::Encoding::Crm(crm) => {
                        let phone_only = entries.iter().filter(|e| e.email.is_none()).count();
                        if phone_only + unreachable > 0 && !args.output.quiet {
                            super::note(&format!(
                                "{} with a phone but no e-mail and {unreachable} with neither are not in the CRM file (tasks are associated by e-mail); --format csv lists those with a phone, the table and --format json (no_contact) those with neither",
                                count(phone_only as u64, "respondent"),
                            ));
                        }
                        render::crm(crm, lines, path)
                    }
                    render::Encoding::Csv { by, .. } => {
                        if unreachable > 0 && !args.output.quiet {
                            super::note(&format!(
                                "{} with neither e-mail nor phone {} not in the CSV (no one to contact); the table and --format json (no_contact) list {}",
                                count(unreachable as u64, "respondent"),
                                agree(unreachable as u64, "is", "are"),
                                agree(unreachable as u64, "it", "them"),
                            ));
                        }
                        render::csv(by, lines, path)
                    }
                    render::Encoding::Json => render::json(&head, lines, &no_contact, path),
                }
            })?;
        }
        None => {
            let rows = entries
                .par_iter()
                .enumerate()
                .map(|(i, e)| context.row(i + 1, e))
                .collect();
            let report = FollowupReport {
                head,
                rows,
                no_contact,
                by: g.by.clone(),
            };
            crate::output::emit(&report, &args.output)?;
        }
    }
    // The run ends here: freeing every respondent one by one would cost a tenth of it.
    drop(entries);
    std::mem::forget(g);
    Ok(ExitStatus::Success)
}

/// The respondents of `args`' inputs, one latest response each.
fn read(args: &FollowupArgs, tagger: std::sync::Arc<Tagger>) -> Result<Gathered, Error> {
    gather(
        &args.input,
        &args.output,
        &args.contacts,
        &args.risk,
        (&args.by, None),
        tagger,
    )
}

fn sla_days(sla: &Sla, business_days: bool) -> SlaDays {
    SlaDays {
        detractor: sla.detractor,
        passive: sla.passive,
        promoter: sla.promoter,
        business_days,
    }
}

/// The comment's top theme: the one with the most matched terms, the first in the lexicon on a
/// tie.
fn top_theme(tagged: &Tagged, themes: &[usize], lexicon: &Lexicon) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for &theme in themes {
        let n = tagged
            .found
            .iter()
            .filter(|f| lexicon.terms[f.term as usize].theme == theme)
            .count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((theme, n));
        }
    }
    best.map(|(i, _)| i)
}

/// The message's language: the comment's, else the language column's (the row's `lang`, as the
/// pass read it), else `--lang`, else English. With a language column, the comment was tagged in
/// the column's language; its own words still win when they clearly say otherwise (a French
/// survey answered in English gets an English reply).
fn message_lang(tagged: &Tagged, row: &Row, flag: Option<Lang>) -> Lang {
    let written = tagged.content.is_some_and(|c| c != Content::Blank);
    if written && row.lang.is_some() {
        let votes = tokenize(row.comment())
            .into_iter()
            .map(|t| word_vote(&t.word));
        if let Some(own) = clear_majority(votes) {
            return own;
        }
    }
    written
        .then_some(tagged.lang)
        .flatten()
        .or(row.lang)
        .or(flag)
        .unwrap_or(Lang::En)
}
