//! Who is on the follow-up list, and in which order: the latest response per respondent, those
//! already contacted (`--done`) and those without contact details set apart, one respondent per
//! e-mail address, detractors and the highest risk first, the most overdue first.

use std::borrow::Cow;
use std::hash::BuildHasher;

use rayon::iter::Either;
use rayon::prelude::*;

use super::sla::{self, Status};
use super::{done, NoContact, Totals};
use crate::cli::{FollowupArgs, Only};
use crate::commands::respondents::{reach, Gathered};
use crate::ingest::contact::address_key;
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

/// A respondent who is not on the list: already contacted, or with no contact detail (and
/// where they would stand on the list: category, risk level, undated last, day).
enum Apart {
    Done,
    NoContact((u8, u8, bool, Option<i32>), NoContact),
}

/// The respondents to contact, in order, those without contact details, and the totals.
pub(super) fn select<'g>(
    args: &FollowupArgs,
    g: &'g Gathered,
    done: Option<&done::Done>,
) -> (Vec<Entry<'g>>, Vec<NoContact>, Totals) {
    let as_of = days_since_epoch(g.as_of);
    // Every respondent is read on every core (millions, scattered over memory in key order);
    // both lists keep key order.
    let (mut entries, apart): (Vec<Entry>, Vec<Apart>) = g
        .respondents
        .par_iter()
        .filter_map(|r| pick(args, r, done, as_of))
        .partition_map(|p| p);
    let mut totals = Totals {
        respondents: (entries.len() + apart.len()) as u64,
        done: done.map(|_| 0),
        ..Totals::default()
    };
    let mut no_contact = Vec::new();
    for a in apart {
        match a {
            Apart::Done => totals.done = totals.done.map(|d| d + 1),
            Apart::NoContact(rank, n) => {
                totals.no_contact += 1;
                no_contact.push((rank, n));
            }
        }
    }
    one_per_address(&mut entries, &mut totals);
    for e in &entries {
        totals.to_contact += 1;
        match e.status {
            Status::Overdue => totals.overdue += 1,
            Status::Due => totals.due += 1,
            Status::Ok => totals.ok += 1,
            Status::Undated => totals.undated += 1,
        }
    }
    // The respondents come in key order; a stable sort keeps it for full ties (on every core:
    // millions of entries at 10M input rows).
    let level = |e: &Entry| e.assessment.level().map_or(3, |l| l as u8);
    entries.par_sort_by(|a, b| {
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

/// Where `r` goes: on the list, apart, or nowhere (a category `--only` leaves out).
fn pick<'g>(
    args: &FollowupArgs,
    r: &'g Respondent,
    done: Option<&done::Done>,
    as_of: i32,
) -> Option<Either<Entry<'g>, Apart>> {
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
        return None;
    }
    let (email, phone) = reach(row);
    if done.is_some_and(|d| d.contains(r.id(), email)) {
        return Some(Either::Right(Apart::Done));
    }
    let assessment = r.assess(args.risk.drop);
    if email.is_none() && phone.is_none() {
        // Listed in the order of the list they would be in: detractors first, the highest risk
        // first, the oldest answer first.
        let rank = (
            category as u8,
            assessment.level().map_or(3, |l| l as u8),
            row.day.is_none(),
            row.day,
        );
        return Some(Either::Right(Apart::NoContact(
            rank,
            NoContact {
                id: r.id().map(String::from),
                category: category.name(),
                score: row.score,
                risk_level: assessment.level(),
                date: row.day.map(|d| date_of(d).to_string()),
                source: row.source.to_string(),
                location: row.location.to_string(),
            },
        )));
    }
    let days = sla::days_for(&args.sla, category);
    let due = row.day.map(|d| sla::due(d, days, args.business_days));
    let (status, late) = match due {
        Some(due) => sla::status(due, as_of, args.business_days),
        None => (Status::Undated, 0),
    };
    Some(Either::Left(Entry {
        respondent: r,
        email,
        phone,
        category,
        assessment,
        previous: r.previous_score(),
        due,
        status,
        late,
    }))
}

/// Keep one respondent per e-mail address in `entries` (compared without case): the one who
/// answered last. Two ids sharing a mailbox (which an id-less response from it joins neither
/// of: `risk::collector`) would otherwise get two messages, perhaps an apology and a thank-you.
/// Those left out are counted in `totals.same_address`.
///
/// Millions of entries on a large file: the addresses are hashed on every core and sorted by
/// hash, so that only addresses sharing a hash are compared.
fn one_per_address(entries: &mut Vec<Entry>, totals: &mut Totals) {
    let hasher = foldhash::fast::FixedState::with_seed(0x6e70_735f_6d61_696c);
    let mut hashed: Vec<(u64, u32)> = entries
        .par_iter()
        .enumerate()
        .filter_map(|(i, e)| Some((hasher.hash_one(address_key(e.email?).as_ref()), i as u32)))
        .collect();
    hashed.par_sort_unstable();
    let when = |i: u32| {
        let r = entries[i as usize].respondent;
        (r.latest.day, r.latest_seq())
    };
    let mut keep = vec![true; entries.len()];
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        // Addresses sharing a hash, in input order: each address keeps its latest.
        let mut latest: Vec<(Cow<str>, u32)> = Vec::new();
        for &(_, i) in run {
            let address = address_key(entries[i as usize].email.unwrap_or_default());
            match latest.iter_mut().find(|(a, _)| *a == address) {
                None => latest.push((address, i)),
                Some((_, kept)) => {
                    let later = when(i) > when(*kept);
                    keep[if later { *kept } else { i } as usize] = false;
                    if later {
                        *kept = i;
                    }
                    totals.same_address += 1;
                }
            }
        }
    }
    let mut k = keep.into_iter();
    entries.retain(|_| k.next().unwrap_or(true));
}
