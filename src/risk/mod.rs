//! Who is about to leave, and why: the one risk engine behind `nps risk` and the risk level of
//! `nps followup` (the same respondent gets the same level in both).
//!
//! - [`collector`] gathers the used responses per respondent as ingest reads them — the latest
//!   response whole, the responses inside the window as (day, score, churn signals) — so memory
//!   grows with the respondents, not the file; it shares the work out to every core.
//! - [`history`] is what is kept of a respondent, and its score-history signals.
//! - [`language`] reads churn language in comments (English and French, negations, direction,
//!   conditions).
//! - This module turns a respondent's responses into signals, points and a level.
//!
//! Signals and points (one of each kind counts, the strongest instance; a conditional language
//! signal weighs half, rounded down):
//!
//! | signal | points | fires when |
//! |---|---|---|
//! | `intent` | 50 | says they will cancel, not renew, close the account |
//! | `refund` | 40 | demands money back or escalates (chargeback, dispute, ombudsman) |
//! | `switching` | 35 | says they are moving to another provider or looking at alternatives |
//! | `competitor` | 35 | names a `--competitors` entry, pointing away from us |
//! | `disengagement` | 30 | never again, won't be back, plus jamais |
//! | `turned_detractor` | 25 | latest answer 0–6, the previous one 7–10 |
//! | `score_drop` | 20 | latest score `--drop` points or more below the previous one |
//! | `repeat_detractor` | 20 | two or more answers 0–6 in the window |
//! | `very_low` | 15 | latest score 0, 1 or 2 |
//!
//! Level: **high** from 50 points (an explicit intent alone; or switching with a very low score),
//! **medium** from 30, **low** below that; no signal, no level. Only responses inside the
//! window (`--window`, up to `--as-of`) count: older signals expire.

pub mod collector;
pub mod history;
mod kept;
pub mod language;

use serde::Serialize;

/// What can put a respondent at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Says they will cancel, not renew, close the account.
    Intent,
    /// Demands money back or escalates.
    Refund,
    /// Says they are moving to another provider, or looking at alternatives.
    Switching,
    /// Names a competitor, pointing away from us.
    Competitor,
    /// Never again.
    Disengagement,
    /// Latest answer a detractor's, the previous one not.
    TurnedDetractor,
    /// Latest score `--drop` points or more below the previous one.
    ScoreDrop,
    /// Two or more detractor answers in the window.
    RepeatDetractor,
    /// Latest score 0–2.
    VeryLow,
}

impl Signal {
    /// Every signal, strongest first (the order outputs list them in).
    pub const ALL: [Signal; 9] = [
        Signal::Intent,
        Signal::Refund,
        Signal::Switching,
        Signal::Competitor,
        Signal::Disengagement,
        Signal::TurnedDetractor,
        Signal::ScoreDrop,
        Signal::RepeatDetractor,
        Signal::VeryLow,
    ];

    /// The stable key outputs use (`score_drop`).
    pub fn key(self) -> &'static str {
        match self {
            Signal::Intent => "intent",
            Signal::Refund => "refund",
            Signal::Switching => "switching",
            Signal::Competitor => "competitor",
            Signal::Disengagement => "disengagement",
            Signal::TurnedDetractor => "turned_detractor",
            Signal::ScoreDrop => "score_drop",
            Signal::RepeatDetractor => "repeat_detractor",
            Signal::VeryLow => "very_low",
        }
    }

    /// Points when it fires unconditionally.
    pub fn points(self) -> u32 {
        match self {
            Signal::Intent => 50,
            Signal::Refund => 40,
            Signal::Switching | Signal::Competitor => 35,
            Signal::Disengagement => 30,
            Signal::TurnedDetractor => 25,
            Signal::ScoreDrop | Signal::RepeatDetractor => 20,
            Signal::VeryLow => 15,
        }
    }
}

/// How likely a respondent is to leave, from the points of their signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 50 points or more.
    High,
    /// 30 to 49 points.
    Medium,
    /// 1 to 29 points.
    Low,
}

impl Level {
    /// The level of `points`, `None` for no points.
    pub fn of(points: u32) -> Option<Level> {
        match points {
            0 => None,
            1..=29 => Some(Level::Low),
            30..=49 => Some(Level::Medium),
            _ => Some(Level::High),
        }
    }

    /// `high`, `medium`, `low`.
    pub fn name(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// One signal that fired, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fired {
    /// Which signal.
    pub signal: Signal,
    /// A language signal said under a condition (half the points).
    pub conditional: bool,
    /// What shows it: the words of the comment, or the scores.
    pub evidence: String,
    /// The day of the response it comes from (YYYY-MM-DD), when dated.
    pub date: Option<String>,
    /// Its points.
    pub points: u32,
}

/// A respondent's risk: every signal that fired, the points and the level.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Assessment {
    /// The signals, strongest first.
    pub signals: Vec<Fired>,
    /// Their points, added.
    pub points: u32,
}

impl Assessment {
    /// The level, `None` when nothing fired.
    pub fn level(&self) -> Option<Level> {
        Level::of(self.points)
    }

    /// The signals' keys joined by `;`, conditional ones marked `:conditional`.
    pub fn keys(&self) -> String {
        signal_keys(&self.signals)
    }
}

/// `signals`' keys joined by `;`, conditional ones marked `:conditional`.
pub fn signal_keys(signals: &[Fired]) -> String {
    signals
        .iter()
        .map(|f| match f.conditional {
            true => format!("{}:conditional", f.signal.key()),
            false => f.signal.key().to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests;
