//! The follow-up list in numbers, for `nps report`'s "close the loop" section: how many
//! respondents to contact, how many are overdue, per answer category and per reply channel. The
//! same selection, deadlines and channels as `nps followup`, without writing any message.

use std::collections::BTreeMap;

use serde::Serialize;

use super::sla::Status;
use super::{done, read, reply_channel, select, sla_days, SlaDays, Totals};
use crate::cli::FollowupArgs;
use crate::commands::respondents::{cell, themes_tagger};
use crate::error::Error;
use crate::metrics::tally::Category;

/// One answer category's respondents to contact.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryLoop {
    /// `detractor`, `passive`, `promoter`.
    pub category: &'static str,
    /// Respondents to contact.
    pub to_contact: u64,
    /// Of which overdue on the as-of day.
    pub overdue: u64,
    /// The days they are to be answered in.
    pub sla_days: u32,
}

/// The follow-up list in numbers.
#[derive(Debug, Clone, Serialize)]
pub struct LoopSummary {
    /// The day statuses are computed for.
    pub as_of: String,
    /// Days to answer each category.
    pub sla: SlaDays,
    /// The totals, as `nps followup` reports them.
    pub totals: Totals,
    /// Detractors, passives, promoters.
    pub by_category: Vec<CategoryLoop>,
    /// Respondents to contact per reply channel (email, sms, whatsapp, phone, in-app).
    pub by_channel: BTreeMap<&'static str, u64>,
    /// Respondents known by an id or e-mail who answered more than once inside the risk window.
    pub repeat_respondents: u64,
}

/// The follow-up list of `args` in numbers: the inputs are read as `nps followup` reads them.
pub fn summary(args: &FollowupArgs) -> Result<LoopSummary, Error> {
    let done = args.done.as_deref().map(done::Done::read).transpose()?;
    let tagger = themes_tagger(&args.risk)?;
    let g = read(args, tagger)?;
    // The summary is about deadlines: an input without dates gives none (`nps followup` still
    // lists its responses, undated).
    if let Some(s) = g.data.sources.iter().find(|s| s.dates.is_none()) {
        return Err(Error::data(
            s.file.clone(),
            "no response date column was found, and the follow-up list's deadlines need one; use --date-col to name it",
        ));
    }
    let (entries, _, totals) = select(args, &g, done.as_ref());
    let sla = sla_days(&args.sla, args.business_days);
    let mut by_category: Vec<CategoryLoop> = [
        (Category::Detractor, sla.detractor),
        (Category::Passive, sla.passive),
        (Category::Promoter, sla.promoter),
    ]
    .into_iter()
    .map(|(c, days)| CategoryLoop {
        category: c.name(),
        to_contact: 0,
        overdue: 0,
        sla_days: days,
    })
    .collect();
    let mut by_channel = BTreeMap::new();
    for e in &entries {
        let row = &e.respondent.latest;
        let counts = &mut by_category[e.category as usize];
        counts.to_contact += 1;
        counts.overdue += u64::from(e.status == Status::Overdue);
        let text = |i: usize| Some(row.cell(i)).filter(|c| !c.is_empty());
        let channel = reply_channel(text(cell::CHANNEL), e.email, e.phone);
        *by_channel.entry(channel).or_insert(0) += 1;
    }
    let repeat_respondents = g
        .respondents
        .iter()
        .filter(|r| !r.key.starts_with("row:") && r.window.len() > 1)
        .count() as u64;
    Ok(LoopSummary {
        repeat_respondents,
        as_of: g.as_of.to_string(),
        sla,
        totals,
        by_category,
        by_channel,
    })
}
