//! Responses gathered per respondent as ingest hands them over (`rows_out`, in input order), and
//! the score-history signals computed from them.
//!
//! A respondent is their id; without an id column, their e-mail; without either, each response
//! is its own respondent. Per respondent the collector keeps the latest response whole (what
//! `nps followup` lists) and, for each response inside the window, its day, score and churn
//! signals — so memory grows with the respondents, not with the file. "Latest" is by day, then
//! by input order; an undated response counts as older than every dated one, and never expires.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::ingest::comments::TaggedRow;
use crate::ingest::dates::date_of;
use crate::metrics::tally::Category;
use crate::text::Lang;

use super::language::{ChurnReader, Hit};
use super::{Assessment, Fired, Signal};

/// Distinct comments whose churn reading is remembered (exports repeat canned answers); the
/// memory is emptied when full, so it stays bounded.
const READING_CACHE: usize = 50_000;

/// A comment's churn signals, per language it was read in.
type Readings = Vec<(Option<Lang>, Vec<Hit>)>;

/// One response inside the window (kept for every response: small).
#[derive(Debug, Clone)]
pub struct Dated {
    /// Its day (days since 1970-01-01), `None` when undated.
    pub day: Option<i32>,
    /// Its place in the input, for ties.
    pub seq: u64,
    /// Its score.
    pub score: u8,
    /// Its comment's churn signals (`None` when none: no allocation).
    pub hits: Option<Box<[Hit]>>,
}

/// What is kept of one respondent.
#[derive(Debug)]
pub struct Respondent {
    /// The respondent's key (`id:…`, `email:…`, or `row:FILE:line N`).
    pub key: String,
    /// Their latest response, whole.
    pub latest: TaggedRow,
    /// Its place in the input.
    latest_seq: u64,
    /// Their responses inside the window, in input order.
    pub window: Vec<Dated>,
}

impl Respondent {
    fn new(latest: TaggedRow, seq: u64, dated: Option<Dated>) -> Respondent {
        Respondent {
            key: String::new(),
            latest,
            latest_seq: seq,
            window: dated.into_iter().collect(),
        }
    }

    /// The score of the response before the latest one inside the window.
    pub fn previous_score(&self) -> Option<u8> {
        let ordered = self.ordered();
        (ordered.len() >= 2).then(|| ordered[ordered.len() - 2].score)
    }

    /// The responses inside the window, oldest first.
    fn ordered(&self) -> Vec<&Dated> {
        let mut all: Vec<&Dated> = self.window.iter().collect();
        all.sort_by_key(|d| (d.day.unwrap_or(i32::MIN), d.seq));
        all
    }

    /// Every signal that fired for this respondent, with its points.
    pub fn assess(&self, drop: u8) -> Assessment {
        let ordered = self.ordered();
        let mut fired: Vec<Fired> = Vec::new();
        let date = |d: &Dated| d.day.map(|d| date_of(d).to_string());
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
            let detractors: Vec<String> = ordered
                .iter()
                .filter(|d| Category::of(d.score) == Category::Detractor)
                .map(|d| d.score.to_string())
                .collect();
            if detractors.len() >= 2 {
                push(
                    Signal::RepeatDetractor,
                    format!(
                        "{} detractor answers in the window: {}",
                        detractors.len(),
                        detractors.join(", ")
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
            for hit in d.hits.iter().flatten() {
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

type Map<V> = HashMap<Box<str>, V, foldhash::fast::FixedState>;

/// Gathers responses per respondent.
pub struct Collector {
    reader: ChurnReader,
    /// The first day inside the window.
    window_start: i32,
    /// Where the e-mail is among each row's cells, to key respondents without an id.
    email_cell: Option<usize>,
    /// Respondents by id, by e-mail (lower-cased), and those with neither, in input order.
    by_id: Map<Respondent>,
    by_email: Map<Respondent>,
    alone: Vec<Respondent>,
    /// Churn readings per comment text.
    cache: Map<Readings>,
    seq: u64,
    /// Responses older than the window.
    pub expired: u64,
}

impl Collector {
    /// A collector keeping responses from `window_start` on.
    pub fn new(reader: ChurnReader, window_start: i32, email_cell: Option<usize>) -> Collector {
        Collector {
            reader,
            window_start,
            email_cell,
            by_id: Map::default(),
            by_email: Map::default(),
            alone: Vec::new(),
            cache: Map::default(),
            seq: 0,
            expired: 0,
        }
    }

    /// The churn signals of a comment (remembered for repeated comments).
    fn read(&mut self, comment: &str, lang: Option<Lang>) -> Vec<Hit> {
        if comment.is_empty() {
            return Vec::new();
        }
        let known = self.cache.get(comment);
        if let Some((_, hits)) = known.and_then(|k| k.iter().find(|(l, _)| *l == lang)) {
            return hits.clone();
        }
        let hits = self.reader.read(comment, lang);
        if self.cache.len() >= READING_CACHE {
            self.cache.clear();
        }
        self.cache
            .entry(comment.into())
            .or_default()
            .push((lang, hits.clone()));
        hits
    }

    /// Take one used response.
    pub fn add(&mut self, row: TaggedRow) {
        self.seq += 1;
        let seq = self.seq;
        let in_window = row.day.is_none_or(|d| d >= self.window_start);
        let dated = if in_window {
            let lang = Lang::parse(row.lang);
            let hits = self.read(&row.comment, lang);
            Some(Dated {
                day: row.day,
                seq,
                score: row.score,
                hits: (!hits.is_empty()).then(|| hits.into_boxed_slice()),
            })
        } else {
            self.expired += 1;
            None
        };
        let email = self
            .email_cell
            .map(|i| row.cells.get(i))
            .filter(|e| !e.is_empty());
        let lowered;
        let (map, key): (&mut Map<Respondent>, &str) = match (&row.id, email) {
            (Some(id), _) => (&mut self.by_id, id.as_str()),
            (None, Some(e)) if e.chars().any(char::is_uppercase) => {
                lowered = e.to_lowercase();
                (&mut self.by_email, lowered.as_str())
            }
            (None, Some(e)) => (&mut self.by_email, e),
            (None, None) => {
                self.alone.push(Respondent::new(row, seq, dated));
                return;
            }
        };
        let order = |day: Option<i32>, seq: u64| (day.unwrap_or(i32::MIN), seq);
        match map.get_mut(key) {
            Some(r) => {
                r.window.extend(dated);
                if order(row.day, seq) > order(r.latest.day, r.latest_seq) {
                    r.latest = row;
                    r.latest_seq = seq;
                }
            }
            None => {
                let key: Box<str> = key.into();
                map.insert(key, Respondent::new(row, seq, dated));
            }
        }
    }

    /// Every respondent, in the order of their key (deterministic).
    pub fn finish(self) -> Vec<Respondent> {
        let keyed = |map: Map<Respondent>, kind: &str| {
            map.into_iter()
                .map(|(key, mut r)| {
                    r.key = format!("{kind}:{key}");
                    r
                })
                .collect::<Vec<_>>()
        };
        let mut all = keyed(self.by_id, "id");
        all.extend(keyed(self.by_email, "email"));
        all.extend(self.alone.into_iter().map(|mut r| {
            r.key = format!("row:{}:{}", r.latest.source, r.latest.location);
            r
        }));
        sort_moving_once(all, |a, b| a.key.cmp(&b.key))
    }
}

/// `items` stably sorted by `compare`, each moved once: the order is found on indices, since a
/// respondent or a row is a few hundred bytes, which a sort would move many times over.
pub fn sort_moving_once<T>(items: Vec<T>, compare: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}
