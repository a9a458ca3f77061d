//! Who is on the follow-up list, and in which order: the latest response per respondent, those
//! already contacted (`--done`) and those without contact details set apart, one respondent per
//! e-mail address, detractors and the highest risk first, the most overdue first.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::sla::{self, Status};
use super::{done, NoContact, Totals};
use crate::cli::{FollowupArgs, Only};
use crate::commands::respondents::{reach, Gathered};
use crate::ingest::dates::{date_of, days_since_epoch};
use crate::metrics::tally::Category;
use crate::risk::history::Respondent;
use crate::risk::Assessment;

/// A respondent to contact, before their row is written: what orders the list.
pub(super) struct Entry<'g> {
    pub(super) respondent: &'g Respondent,
    /// Their e-mail address and phone number ([`reach`]).
    pub(super) email: Option<&'g str>,
    pub(super) phone: Option<&'g str>,
    pub(super) category: Category,
    pub(super) assessment: Assessment,
    /// The score before the latest, inside the window (found with the assessment: rows are
    /// made in priority order, which scatters reads over every respondent).
    pub(super) previous: Option<u8>,
    pub(super) due: Option<i32>,
    pub(super) status: Status,
    pub(super) late: u32,
}

/// The respondents to contact, in order, those without contact details, and the totals.
pub(super) fn select<'g>(
    args: &FollowupArgs,
    g: &'g Gathered,
    done: Option<&done::Done>,
) -> (Vec<Entry<'g>>, Vec<NoContact>, Totals) {
    let as_of = days_since_epoch(g.as_of);
    let mut totals = Totals {
        done: done.map(|_| 0),
        ..Totals::default()
    };
    // Room for every respondent at once (millions: a vector grown by doubling copies each).
    let mut entries = Vec::with_capacity(g.respondents.len());
    let mut no_contact = Vec::new();
    let assessments: Vec<(Assessment, Option<u8>)> = g
        .respondents
        .par_iter()
        .map(|r| (r.assess(args.risk.drop), r.previous_score()))
        .collect();
    for (r, (assessment, previous)) in g.respondents.iter().zip(assessments) {
        let row = &r.latest;
        let category = Category::of(row.score);
        let wanted = args.only.is_empty()
            || args.only.iter().any(|o| {
                matches!(
                    (o, category),
                    (Only::Detractors, Category::Detractor)
                        | (Only::Passives, Category::Passive)
                        | (Only::Promoters, Category::Promoter)
                )
            });
        if !wanted {
            continue;
        }
        totals.respondents += 1;
        let (email, phone) = reach(row);
        if done.is_some_and(|d| d.contains(row.id(), email)) {
            totals.done = totals.done.map(|d| d + 1);
            continue;
        }
        if email.is_none() && phone.is_none() {
            totals.no_contact += 1;
            // Listed in the order of the list they would be in: detractors first, the highest
            // risk first, the oldest answer first.
            let rank = (
                category as u8,
                assessment.level().map_or(3, |l| l as u8),
                row.day.is_none(),
                row.day,
            );
            no_contact.push((
                rank,
                NoContact {
                    id: row.id().map(String::from),
                    category: category.name(),
                    score: row.score,
                    risk_level: assessment.level(),
                    date: row.day.map(|d| date_of(d).to_string()),
                    source: row.source.to_string(),
                    location: row.location.to_string(),
                },
            ));
            continue;
        }
        let days = sla::days_for(&args.sla, category);
        let due = row.day.map(|d| sla::due(d, days, args.business_days));
        let (status, late) = match due {
            Some(due) => sla::status(due, as_of, args.business_days),
            None => (Status::Undated, 0),
        };
        entries.push(Entry {
            respondent: r,
            email,
            phone,
            category,
            assessment,
            previous,
            due,
            status,
            late,
        });
    }
    let mut entries = one_per_address(entries, &mut totals);
    for e in &entries {
        totals.to_contact += 1;
        match e.status {
            Status::Overdue => totals.overdue += 1,
            Status::Due => totals.due += 1,
            Status::Ok => totals.ok += 1,
            Status::Undated => totals.undated += 1,
        }
    }
    // The respondents come in key order; a stable sort keeps it for full ties.
    let level = |e: &Entry| e.assessment.level().map_or(3, |l| l as u8);
    entries.sort_by(|a, b| {
        (a.category as u8)
            .cmp(&(b.category as u8))
            .then(level(a).cmp(&level(b)))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(b.assessment.points.cmp(&a.assessment.points))
    });
    // Stable: full ties stay in key order.
    no_contact.sort_by_key(|(rank, _)| *rank);
    let no_contact = no_contact.into_iter().map(|(_, n)| n).collect();
    if let Some(d) = totals.done {
        totals.completion_rate =
            (totals.respondents > 0).then(|| d as f64 / totals.respondents as f64);
    }
    (entries, no_contact, totals)
}

/// `entries` with one respondent per e-mail address (compared without case): the one who
/// answered last. A respondent known by an id in one response and by the e-mail alone in
/// another, or two ids sharing a mailbox, would otherwise get two messages, perhaps an apology
/// and a thank-you. Those left out are counted in `totals.same_address`.
fn one_per_address<'g>(entries: Vec<Entry<'g>>, totals: &mut Totals) -> Vec<Entry<'g>> {
    // Millions of entries on a large file: borrowed keys unless an address has capitals, and
    // a fast hash.
    let mut latest: HashMap<Cow<str>, usize, foldhash::fast::FixedState> =
        HashMap::with_capacity_and_hasher(entries.len(), Default::default());
    let mut keep = vec![true; entries.len()];
    let when = |e: &Entry| (e.respondent.latest.day, e.respondent.latest_seq());
    for (i, e) in entries.iter().enumerate() {
        let Some(email) = e.email else {
            continue;
        };
        let key = match email.chars().any(char::is_uppercase) {
            true => Cow::Owned(email.to_lowercase()),
            false => Cow::Borrowed(email),
        };
        match latest.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let other = *o.get();
                let later = when(e) > when(&entries[other]);
                keep[if later { other } else { i }] = false;
                if later {
                    o.insert(i);
                }
                totals.same_address += 1;
            }
        }
    }
    entries
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}
