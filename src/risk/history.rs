//! What is kept of each respondent (gathered by [`super::collector`]), and the score-history
//! and language signals computed from it.
//!
//! A respondent is their id; without an id column, their e-mail; without either, each response
//! is its own respondent. Per respondent the collector keeps the latest response whole (what
//! `nps followup` lists) and, for each response inside the window, its day, score and churn
//! signals — so memory grows with the respondents, not with the file. "Latest" is by day, then
//! by input order; an undated response counts as older than every dated one, and never expires.

use smallvec::SmallVec;

use crate::ingest::dates::date_of;
use crate::ingest::whole::Row;
use crate::metrics::tally::Category;

use super::language::Hit;
use super::{Assessment, Fired, Signal};

/// One response inside the window (kept for every response: 16 bytes; its churn signals, which
/// few comments have, are kept apart, in [`Respondent::churn`]).
#[derive(Debug, Clone)]
pub struct Dated {
    /// Its day (days since 1970-01-01), [`UNDATED`] when it has none.
    day: i32,
    /// Its score.
    pub score: u8,
    /// Its place in the input, for ties.
    pub seq: u64,
}

/// The day of an undated response: before every real one, as an undated response counts older
/// than every dated one (no date reads as a day this far back).
const UNDATED: i32 = i32::MIN;

impl Dated {
    /// A response of `day` (`None`: undated).
    pub fn new(day: Option<i32>, seq: u64, score: u8) -> Dated {
        Dated {
            day: day.unwrap_or(UNDATED),
            score,
            seq,
        }
    }

    /// Its day, when it has one.
    pub fn day(&self) -> Option<i32> {
        (self.day != UNDATED).then_some(self.day)
    }
}

/// Where a response of `day` at place `seq` in the input stands among a respondent's, oldest
/// first: by day (undated before every dated response), then by place in the input.
pub(super) fn age(day: Option<i32>, seq: u64) -> (i32, u64) {
    (day.unwrap_or(UNDATED), seq)
}

/// [`age`] of a response in the window.
fn order(d: &Dated) -> (i32, u64) {
    (d.day, d.seq)
}

/// What is kept of one respondent.
#[derive(Debug)]
pub struct Respondent {
    /// The respondent's key (`id:…`, `email:…`, or `row:FILE:N`, its line or record zero-padded).
    pub key: compact_str::CompactString,
    /// Their latest response, whole.
    pub latest: Row,
    /// Its place in the input.
    pub(super) latest_seq: u64,
    /// Their responses inside the window, in input order: inline up to two, so that a respondent
    /// with one or two responses in the window needs no allocation of its own. (A vector
    /// grown one response at a time reallocated on every response after a respondent's first:
    /// `nps risk`'s pass took 1.5–2 s longer at 10M rows, of 8–9.)
    pub window: SmallVec<[Dated; 2]>,
    /// The churn signals of those responses' comments, by the response's place in the input
    /// (most comments have none: no allocation).
    pub churn: Box<[(u64, Box<[Hit]>)]>,
}

impl Respondent {
    pub(super) fn new(latest: Row, seq: u64, dated: Option<Dated>) -> Respondent {
        Respondent {
            key: Default::default(),
            latest,
            latest_seq: seq,
            window: dated.into_iter().collect(),
            churn: Box::default(),
        }
    }

    /// The latest response's place in the input (later is larger).
    pub fn latest_seq(&self) -> u64 {
        self.latest_seq
    }

    /// Their id: the latest response's, else the one of their key (their latest response
    /// gave only the e-mail address that an earlier one gave with the id).
    pub fn id(&self) -> Option<&str> {
        self.latest.id().or_else(|| self.key.strip_prefix("id:"))
    }

    /// Take in the responses of `other`, the same person under another key (their e-mail
    /// address alone): their window, churn signals and, when later, their latest response.
    pub(super) fn absorb(&mut self, other: Respondent) {
        let later = age(other.latest.day, other.latest_seq) > age(self.latest.day, self.latest_seq);
        self.window.extend(other.window);
        if !other.churn.is_empty() {
            let mut churn = std::mem::take(&mut self.churn).into_vec();
            churn.extend(other.churn.into_vec());
            self.churn = churn.into_boxed_slice();
        }
        if later {
            self.latest = other.latest;
            self.latest_seq = other.latest_seq;
        }
    }

    /// Everything this respondent holds, moved out: what [`Respondent::absorb`] takes in. What
    /// is left has an empty key (no respondent has one) and an empty latest response.
    pub(super) fn take(&mut self) -> Respondent {
        Respondent {
            key: std::mem::take(&mut self.key),
            latest: self.latest.take(),
            latest_seq: self.latest_seq,
            window: std::mem::take(&mut self.window),
            churn: std::mem::take(&mut self.churn),
        }
    }

    /// Keep the churn signals of the response at `seq`.
    pub(super) fn add_churn(&mut self, seq: u64, hits: Vec<Hit>) {
        if hits.is_empty() {
            return;
        }
        let mut churn = std::mem::take(&mut self.churn).into_vec();
        churn.push((seq, hits.into_boxed_slice()));
        self.churn = churn.into_boxed_slice();
    }

    /// The churn signals of the response at `seq`.
    fn hits(&self, seq: u64) -> &[Hit] {
        let found = self.churn.iter().find(|(s, _)| *s == seq);
        found.map_or(&[], |(_, hits)| hits)
    }

    /// The score of the response before the latest one inside the window (the second latest in
    /// [`Respondent::ordered`]'s order), found in one pass: `nps followup` asks for it for every
    /// respondent.
    pub fn previous_score(&self) -> Option<u8> {
        let (mut latest, mut previous): (Option<&Dated>, Option<&Dated>) = (None, None);
        for d in &self.window {
            if latest.is_none_or(|l| order(d) > order(l)) {
                previous = latest;
                latest = Some(d);
            } else if previous.is_none_or(|p| order(d) > order(p)) {
                previous = Some(d);
            }
        }
        previous.map(|d| d.score)
    }

    /// The responses inside the window, oldest first (inline up to four: assessing millions of
    /// respondents needs no allocation for this).
    pub(super) fn ordered(&self) -> SmallVec<[&Dated; 4]> {
        let mut all: SmallVec<[&Dated; 4]> = self.window.iter().collect();
        all.sort_by_key(|d| order(d));
        all
    }

    /// Every signal that fired for this respondent, with its points.
    pub fn assess(&self, drop: u8) -> Assessment {
        let ordered = self.ordered();
        let mut fired: Vec<Fired> = Vec::new();
        let date = |d: &Dated| d.day().map(|d| date_of(d).to_string());
        if let Some(latest) = ordered.last() {
            let previous = (ordered.len() >= 2).then(|| ordered[ordered.len() - 2]);
            let mut push = |signal: Signal, evidence: String| {
                fired.push(Fired {
                    signal,
                    conditional: false,
                    evidence,
                    date: date(latest),
                    points: signal.points(),
                })
            };
            if latest.score <= 2 {
                push(Signal::VeryLow, format!("latest score {}", latest.score));
            }
            let detractor = |d: &&&Dated| Category::of(d.score) == Category::Detractor;
            let detractors = ordered.iter().filter(detractor).count();
            if detractors >= 2 {
                let scores: Vec<String> = ordered
                    .iter()
                    .filter(detractor)
                    .map(|d| d.score.to_string())
                    .collect();
                push(
                    Signal::RepeatDetractor,
                    format!(
                        "{detractors} detractor answers in the window: {}",
                        scores.join(", ")
                    ),
                );
            }
            if let Some(previous) = previous {
                if latest.score + drop <= previous.score {
                    push(
                        Signal::ScoreDrop,
                        format!(
                            "score {} → {} ({} points)",
                            previous.score,
                            latest.score,
                            i32::from(latest.score) - i32::from(previous.score)
                        ),
                    );
                }
                let was = Category::of(previous.score);
                if Category::of(latest.score) == Category::Detractor && was != Category::Detractor {
                    push(
                        Signal::TurnedDetractor,
                        format!(
                            "{} ({}) → detractor ({})",
                            was.name(),
                            previous.score,
                            latest.score
                        ),
                    );
                }
            }
        }
        // Language: per signal, the latest unconditional instance, else the latest conditional.
        for d in ordered.iter().rev() {
            for hit in self.hits(d.seq) {
                let better = match fired.iter().position(|f| f.signal == hit.signal) {
                    None => true,
                    Some(i) => {
                        fired[i].conditional && !hit.conditional && {
                            fired.remove(i);
                            true
                        }
                    }
                };
                if better {
                    let points = match hit.conditional {
                        true => hit.signal.points() / 2,
                        false => hit.signal.points(),
                    };
                    fired.push(Fired {
                        signal: hit.signal,
                        conditional: hit.conditional,
                        evidence: format!("\u{201c}{}\u{201d}", hit.text),
                        date: date(d),
                        points,
                    });
                }
            }
        }
        fired.sort_by_key(|f| Signal::ALL.iter().position(|s| *s == f.signal));
        Assessment {
            points: fired.iter().map(|f| f.points).sum(),
            signals: fired,
        }
    }
}
