//! Responses gathered per respondent as ingest hands them over (`rows_out`, in input order).
//!
//! A respondent is their id; without an id column, their e-mail (lower-cased); without either,
//! each response is its own respondent. Per respondent the collector keeps the latest response
//! whole and, for each response inside the window, its day, score and churn signals — so memory
//! grows with the respondents, not with the file. "Latest" is by day, then by input order; an
//! undated response counts as older than every dated one, and never expires.
//!
//! The work is shared out: rows wait in a batch, numbered in input order; a full batch is dealt
//! to shards by a hash of the respondent's key, and the shards take their rows — reading each
//! comment's churn language and updating their own map — on every core at once. A respondent's
//! rows all go to one shard, in input order, so what is kept does not depend on how many shards
//! there are; [`Collector::finish`] orders every respondent by key. The rows' memory is freed
//! on the shards' threads too.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::BuildHasher;

use rayon::prelude::*;

use crate::ingest::comments::TaggedRow;
use crate::text::Lang;

use super::history::{Dated, Respondent};
use super::language::{ChurnReader, Hit};

/// Distinct comments whose churn reading is remembered, over all shards (exports repeat canned
/// answers); a shard's memory is emptied when full, so it stays bounded.
const READING_CACHE: usize = 50_000;

/// Rows that wait before they are dealt to the shards (a few in unit tests, so that rows of one
/// respondent are dealt in several batches).
const BATCH: usize = if cfg!(test) { 3 } else { 32_768 };

/// A comment's churn signals, per language it was read in.
type Readings = Vec<(Option<Lang>, Vec<Hit>)>;

type Map<V> = HashMap<Box<str>, V, foldhash::fast::FixedState>;

/// Gathers responses per respondent.
pub struct Collector {
    reader: ChurnReader,
    /// The first day inside the window.
    window_start: i32,
    /// Where the e-mail is among each row's cells, to key respondents without an id.
    email_cell: Option<usize>,
    shards: Vec<Shard>,
    /// Rows waiting to be dealt, with their place in the input.
    waiting: Vec<(u64, TaggedRow)>,
    seq: u64,
}

/// The respondents whose key hashes to one shard.
#[derive(Default)]
struct Shard {
    /// Respondents by id, by e-mail (lower-cased), and those with neither.
    by_id: Map<Respondent>,
    by_email: Map<Respondent>,
    alone: Vec<Respondent>,
    /// Churn readings per comment text.
    cache: Map<Readings>,
    /// Responses older than the window.
    expired: u64,
}

/// How a row is keyed.
enum Key<'r> {
    Id(&'r str),
    Email(std::borrow::Cow<'r, str>),
    Alone,
}

/// What every shard reads its rows with.
struct Rules<'c> {
    reader: &'c ChurnReader,
    window_start: i32,
    email_cell: Option<usize>,
    cache_size: usize,
}

impl Rules<'_> {
    fn key<'r>(&self, row: &'r TaggedRow) -> Key<'r> {
        let email = self
            .email_cell
            .map(|i| row.cells.get(i))
            .filter(|e| !e.is_empty());
        match (&row.id, email) {
            (Some(id), _) => Key::Id(id),
            (None, Some(e)) if e.chars().any(char::is_uppercase) => {
                Key::Email(e.to_lowercase().into())
            }
            (None, Some(e)) => Key::Email(e.into()),
            (None, None) => Key::Alone,
        }
    }
}

impl Shard {
    /// The churn signals of a comment (remembered for repeated comments).
    fn read(&mut self, rules: &Rules, comment: &str, lang: Option<Lang>) -> Vec<Hit> {
        if comment.is_empty() {
            return Vec::new();
        }
        let known = self.cache.get(comment);
        if let Some((_, hits)) = known.and_then(|k| k.iter().find(|(l, _)| *l == lang)) {
            return hits.clone();
        }
        let hits = rules.reader.read(comment, lang);
        if self.cache.len() >= rules.cache_size {
            self.cache.clear();
        }
        self.cache
            .entry(comment.into())
            .or_default()
            .push((lang, hits.clone()));
        hits
    }

    /// Take the row at `seq`, the latest of this shard's rows so far.
    fn add(&mut self, rules: &Rules, seq: u64, row: TaggedRow) {
        let in_window = row.day.is_none_or(|d| d >= rules.window_start);
        let dated = if in_window {
            let hits = self.read(rules, &row.comment, Lang::parse(row.lang));
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
        let (map, key) = match rules.key(&row) {
            Key::Id(id) => (&mut self.by_id, std::borrow::Cow::Borrowed(id)),
            Key::Email(e) => (&mut self.by_email, e),
            Key::Alone => {
                self.alone.push(Respondent::new(row, seq, dated));
                return;
            }
        };
        let order = |day: Option<i32>, seq: u64| (day.unwrap_or(i32::MIN), seq);
        match map.get_mut(key.as_ref()) {
            Some(r) => {
                r.window.extend(dated);
                if order(row.day, seq) > order(r.latest.day, r.latest_seq) {
                    r.latest = row;
                    r.latest_seq = seq;
                }
            }
            None => {
                let key: Box<str> = key.as_ref().into();
                map.insert(key, Respondent::new(row, seq, dated));
            }
        }
    }

    /// Every respondent of the shard, with their key.
    fn respondents(self) -> Vec<Respondent> {
        let keyed = |map: Map<Respondent>, kind: &'static str| {
            map.into_iter().map(move |(key, mut r)| {
                r.key = format!("{kind}:{key}");
                r
            })
        };
        let mut all: Vec<Respondent> = keyed(self.by_id, "id")
            .chain(keyed(self.by_email, "email"))
            .collect();
        all.extend(self.alone.into_iter().map(|mut r| {
            r.key = format!("row:{}:{}", r.latest.source, r.latest.location);
            r
        }));
        all
    }
}

impl Collector {
    /// A collector keeping responses from `window_start` on.
    pub fn new(reader: ChurnReader, window_start: i32, email_cell: Option<usize>) -> Collector {
        // More shards than cores, so that uneven shards still keep every core busy.
        let shards = 4 * rayon::current_num_threads().max(1);
        Collector::with_shards(reader, window_start, email_cell, shards)
    }

    /// [`Collector::new`] with `shards` shards (what is kept does not depend on it).
    pub fn with_shards(
        reader: ChurnReader,
        window_start: i32,
        email_cell: Option<usize>,
        shards: usize,
    ) -> Collector {
        let shards = shards.max(1);
        Collector {
            reader,
            window_start,
            email_cell,
            shards: (0..shards).map(|_| Shard::default()).collect(),
            waiting: Vec::new(),
            seq: 0,
        }
    }

    /// Take one used response (the next in input order).
    pub fn add(&mut self, row: TaggedRow) {
        self.seq += 1;
        self.waiting.push((self.seq, row));
        if self.waiting.len() >= BATCH {
            self.deal();
        }
    }

    /// Deal the waiting rows to their shards, and let every shard take its own.
    fn deal(&mut self) {
        let n = self.shards.len();
        let rules = Rules {
            reader: &self.reader,
            window_start: self.window_start,
            email_cell: self.email_cell,
            cache_size: (READING_CACHE / n).max(1_000),
        };
        // A hash of its own (another seed than the maps'), so that a shard's keys still spread
        // over its map's buckets.
        let hasher = foldhash::fast::FixedState::with_seed(0x6e70_735f_7269_736b);
        let mut dealt: Vec<Vec<(u64, TaggedRow)>> = (0..n).map(|_| Vec::new()).collect();
        for (seq, row) in self.waiting.drain(..) {
            let shard = match rules.key(&row) {
                Key::Id(id) => hasher.hash_one(("id", id)),
                Key::Email(e) => hasher.hash_one(("email", e.as_ref())),
                Key::Alone => seq,
            } as usize
                % n;
            dealt[shard].push((seq, row));
        }
        self.shards
            .par_iter_mut()
            .zip(dealt)
            .for_each(|(shard, rows)| {
                for (seq, row) in rows {
                    shard.add(&rules, seq, row);
                }
            });
    }

    /// Every respondent, in the order of their key (deterministic), and how many responses were
    /// older than the window.
    pub fn finish(mut self) -> (Vec<Respondent>, u64) {
        self.deal();
        let expired = self.shards.iter().map(|s| s.expired).sum();
        let mut all: Vec<Respondent> = self
            .shards
            .into_par_iter()
            .flat_map_iter(Shard::respondents)
            .collect();
        // Millions of keys: sorted as their first 16 bytes, which settle almost every
        // comparison without reading the keys again; equal prefixes compare whole keys, and
        // equal keys (one file read twice: `row:` keys) input order.
        let mut order: Vec<(u128, usize)> = all
            .par_iter()
            .enumerate()
            .map(|(i, r)| (prefix(&r.key), i))
            .collect();
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let (x, y) = (&all[a.1], &all[b.1]);
                x.key.cmp(&y.key).then(x.latest_seq.cmp(&y.latest_seq))
            })
        });
        permute(&mut all, order.into_iter().map(|(_, i)| i).collect());
        (all, expired)
    }
}

/// The first 16 bytes of `key`, zero-padded, as a number that orders like the keys: when two
/// prefixes differ, the keys differ in the same direction.
fn prefix(key: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = key.len().min(16);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// Reorder `items` in place so that the k-th is the one that was at `order[k]` (a permutation),
/// following its cycles: each item moves once or twice, and no second copy of them is made.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `items` stably sorted by `compare`, each moved once: the order is found on indices, since a
/// respondent or a row is a few hundred bytes, which a sort would move many times over.
pub fn sort_moving_once<T>(items: Vec<T>, compare: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| compare(&items[a], &items[b]));
    take_in_order(items, &order)
}

fn take_in_order<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permutation_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Cycles 0→2→4→1→0, 3 alone, 5 alone.
        permute(&mut items, vec![2, 0, 4, 3, 1, 5]);
        assert_eq!(items, ['c', 'a', 'e', 'd', 'b', 'f']);
        let mut none: Vec<u8> = Vec::new();
        permute(&mut none, Vec::new());
        assert!(none.is_empty());
    }

    #[test]
    fn prefixes_order_like_their_keys_whenever_they_differ() {
        let keys = [
            "",
            "a",
            "ab",
            "ab\0",
            "ab\0x",
            "abc",
            "b",
            "id:C00000001",
            "id:C00000002",
            "id:C000000010",
            "email:a@b.c",
            "email:user123456789@example.com",
            "email:user123456789@example.org",
            "row:f.csv:line 10",
            "row:f.csv:line 9",
            "é",
            "z\u{10FFFF}",
        ];
        for a in keys {
            for b in keys {
                let (p, q) = (prefix(a), prefix(b));
                if p != q {
                    assert_eq!(p.cmp(&q), a.cmp(b), "{a:?} vs {b:?}");
                }
            }
        }
        // Keys sharing their first 16 bytes need the whole comparison.
        assert_eq!(
            prefix("email:user123456789@example.com"),
            prefix("email:user123456789@example.org")
        );
    }
}
