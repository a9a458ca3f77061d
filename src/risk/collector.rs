//! Responses gathered per respondent as ingest hands them over (whole responses, in batches, in
//! input order).
//!
//! A respondent is their id; a response without an id is keyed by its e-mail (lower-cased);
//! without either, each response is its own respondent. Once every row is in, a respondent
//! known by an address alone joins the id whose latest response gave that address
//! ([`join_addresses`]). Per respondent the collector keeps the latest response
//! whole and, for each response inside the window, its day, score and churn signals — so memory
//! grows with the respondents, not with the file. "Latest" is by day, then by input order; an
//! undated response counts as older than every dated one, and never expires.
//!
//! The work is shared out: ingest's batches wait, their rows numbered in input order; once
//! enough rows wait they are dealt to shards by a hash of the respondent's key, and the shards
//! take their rows — reading each comment's churn language and updating their own map — on every
//! core at once. A respondent's rows all go to one shard, in input order, so what is kept does
//! not depend on how many shards there are; [`Collector::finish`] orders every respondent by
//! key. A shard copies a row out of its batch only when it becomes a respondent's latest (the
//! copy is made and freed on the shard's thread); the batches are then freed whole. A shard
//! keeps its respondents in pages of fixed room, where each stays once placed; the key order is
//! a list of (shard, place) ([`Respondents`]), so millions of respondents are never copied or
//! moved.

use std::collections::HashMap;
use std::hash::BuildHasher;

use compact_str::{format_compact, CompactString};
use rayon::prelude::*;

use crate::error::Location;
use crate::ingest::contact::{self, address_key};
use crate::ingest::whole::{Batch, RowRef};
use crate::text::Lang;

use super::history::{age, Dated, Respondent};
pub use super::kept::Respondents;
use super::kept::{Paged, Table};
use super::language::{ChurnReader, Hit};

/// Distinct comments whose churn reading is remembered, over all shards (exports repeat canned
/// answers); a shard's memory is emptied when full, so it stays bounded.
const READING_CACHE: usize = 50_000;

/// Rows that wait before they are dealt to the shards (a few in unit tests, so that rows of one
/// respondent are dealt in several rounds).
const BATCH: usize = if cfg!(test) { 3 } else { 32_768 };

/// A comment's churn signals, per language it was read in.
type Readings = Vec<(Option<Lang>, Vec<Hit>)>;

/// Keyed by a comment's text, inline up to 24 bytes.
type Map<V> = HashMap<CompactString, V, foldhash::fast::FixedState>;

/// Gathers responses per respondent.
pub struct Collector {
    reader: ChurnReader,
    /// The first day inside the window.
    window_start: i32,
    /// The last day: responses after it are left out.
    last_day: Option<i32>,
    /// Where the e-mail is among each row's cells, to key respondents without an id.
    email_cell: Option<usize>,
    shards: Vec<Shard>,
    /// Batches whose rows wait to be dealt.
    batches: Vec<Batch>,
    /// Rows waiting to be dealt: (batch, row) and their place in the input.
    waiting: Vec<Waiting>,
    seq: u64,
}

/// A row waiting to be dealt.
#[derive(Clone, Copy)]
struct Waiting {
    batch: u32,
    row: u32,
    seq: u64,
}

/// The respondents whose key hashes to one shard.
struct Shard {
    /// The shard's respondents, as they came; the tables give where each is, by id and by e-mail
    /// (lower-cased). Respondents with neither are only here.
    respondents: Paged,
    by_id: Table,
    by_email: Table,
    /// Churn readings per comment text.
    cache: Map<Readings>,
    /// Responses older than the window.
    expired: u64,
    /// Responses after its last day, left out.
    after: u64,
}

/// Responses the collector kept out of the history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outside {
    /// Older than the window: they count only as the latest response of their respondent.
    pub expired: u64,
    /// After the window's last day (`--as-of`): left out, as the list stood that day.
    pub after: u64,
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
    last_day: Option<i32>,
    email_cell: Option<usize>,
    cache_size: usize,
}

impl Rules<'_> {
    fn key<'r>(&self, row: &RowRef<'r>) -> Key<'r> {
        let id = row.id();
        // Not an address ("n/a", "[REDACTED]"): no e-mail, never a key two people share.
        // (Read only without an id: every row comes through here.)
        let email = id
            .is_none()
            .then(|| self.email_cell.and_then(|i| contact::address(row.cell(i))))
            .flatten();
        match (id, email) {
            (Some(id), _) => Key::Id(id),
            (None, Some(e)) => Key::Email(address_key(e)),
            (None, None) => Key::Alone,
        }
    }
}

impl Shard {
    fn new() -> Shard {
        Shard {
            respondents: Paged::default(),
            by_id: Table::new("id"),
            by_email: Table::new("email"),
            cache: Map::default(),
            expired: 0,
            after: 0,
        }
    }

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
    fn add(&mut self, rules: &Rules, seq: u64, row: RowRef) {
        let head = row.head();
        if head
            .day
            .zip(rules.last_day)
            .is_some_and(|(d, last)| d > last)
        {
            self.after += 1;
            return;
        }
        let in_window = head.day.is_none_or(|d| d >= rules.window_start);
        let (dated, hits) = if in_window {
            let hits = self.read(rules, row.comment(), head.lang);
            (Some(Dated::new(head.day, seq, head.score)), hits)
        } else {
            self.expired += 1;
            (None, Vec::new())
        };
        let (table, kind, key) = match rules.key(&row) {
            Key::Id(id) => (&mut self.by_id, "id", std::borrow::Cow::Borrowed(id)),
            Key::Email(e) => (&mut self.by_email, "email", e),
            Key::Alone => {
                let mut r = Respondent::new(row.to_row(), seq, dated);
                // The place zero-padded, so that keys order like places: line 2 before line 10.
                let (Location::Line(at) | Location::Record(at)) = r.latest.location;
                r.key = format_compact!("row:{}:{at:020}", r.latest.source);
                r.add_churn(seq, hits);
                self.respondents.push(r);
                return;
            }
        };
        let next = self.respondents.len() as u32;
        match table.find_or_insert(&self.respondents, &key, next) {
            Some(at) => {
                let r = &mut self.respondents[at as usize];
                if let Some(d) = dated {
                    r.window.push(d);
                }
                r.add_churn(seq, hits);
                if age(head.day, seq) > age(r.latest.day, r.latest_seq) {
                    row.copy_to(&mut r.latest);
                    r.latest_seq = seq;
                }
            }
            None => {
                let mut r = Respondent::new(row.to_row(), seq, dated);
                r.key = format_compact!("{kind}:{key}");
                r.add_churn(seq, hits);
                self.respondents.push(r);
            }
        }
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
            last_day: None,
            email_cell,
            shards: (0..shards).map(|_| Shard::new()).collect(),
            batches: Vec::new(),
            waiting: Vec::new(),
            seq: 0,
        }
    }

    /// Leave out the responses dated after `day` (and count them): the window ends there.
    pub fn until(mut self, day: i32) -> Collector {
        self.last_day = Some(day);
        self
    }

    /// Take the next used responses, in input order.
    pub fn add(&mut self, batch: Batch) {
        let at = self.batches.len() as u32;
        self.waiting.reserve(batch.len());
        for row in 0..batch.len() as u32 {
            self.seq += 1;
            self.waiting.push(Waiting {
                batch: at,
                row,
                seq: self.seq,
            });
        }
        self.batches.push(batch);
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
            last_day: self.last_day,
            email_cell: self.email_cell,
            cache_size: (READING_CACHE / n).max(1_000),
        };
        let batches = &self.batches;
        let row = |w: &Waiting| batches[w.batch as usize].row(w.row as usize);
        // A hash of its own (another seed than the maps'), so that a shard's keys still spread
        // over its map's buckets.
        let hasher = foldhash::fast::FixedState::with_seed(0x6e70_735f_7269_736b);
        let shard_of: Vec<u32> = self
            .waiting
            .par_iter()
            .map(|w| {
                (match rules.key(&row(w)) {
                    Key::Id(id) => hasher.hash_one(("id", id)),
                    Key::Email(e) => hasher.hash_one(("email", e.as_ref())),
                    Key::Alone => w.seq,
                } % n as u64) as u32
            })
            .collect();
        let mut dealt: Vec<Vec<Waiting>> = (0..n)
            .map(|_| Vec::with_capacity(2 * self.waiting.len() / n))
            .collect();
        for (w, shard) in self.waiting.drain(..).zip(shard_of) {
            dealt[shard as usize].push(w);
        }
        self.shards
            .par_iter_mut()
            .zip(dealt)
            .for_each(|(shard, rows)| {
                for w in rows {
                    shard.add(&rules, w.seq, row(&w));
                }
            });
        self.batches.clear();
    }

    /// Every respondent, in the order of their key (deterministic), and how many responses fell
    /// outside the window.
    pub fn finish(mut self) -> (Respondents, Outside) {
        self.deal();
        let outside = Outside {
            expired: self.shards.iter().map(|s| s.expired).sum(),
            after: self.shards.iter().map(|s| s.after).sum(),
        };
        join_addresses(&mut self.shards, self.email_cell);
        let shards: Vec<Paged> = self.shards.into_iter().map(|s| s.respondents).collect();
        // Millions of keys: sorted as their first 16 bytes, which settle almost every
        // comparison without reading the keys again; equal prefixes compare whole keys, and
        // equal keys (one file read twice: `row:` keys) input order.
        let mut order: Vec<(u128, (u32, u32))> = shards
            .par_iter()
            .enumerate()
            .flat_map_iter(|(s, rs)| {
                rs.iter()
                    .enumerate()
                    // An empty key: a respondent taken in by another ([`join_addresses`]).
                    .filter(|(_, r)| !r.key.is_empty())
                    .map(move |(i, r)| (prefix(&r.key), (s as u32, i as u32)))
            })
            .collect();
        let at = |(s, i): (u32, u32)| &shards[s as usize][i as usize];
        order.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let (x, y) = (at(a.1), at(b.1));
                x.key.cmp(&y.key).then(x.latest_seq.cmp(&y.latest_seq))
            })
        });
        let order = order.into_iter().map(|(_, place)| place).collect();
        (Respondents::new(shards, order), outside)
    }
}

/// Join each respondent known by their e-mail address alone to the respondent whose id came
/// with that address in their latest response ("C1, c1@x.com" then ", c1@x.com": one person,
/// whose history and latest answer count together). An address that several ids gave (a team
/// mailbox) joins none of them. A respondent taken in is left with an empty key.
///
/// Costs nothing when every response has an id; otherwise one look at every id respondent's
/// address, on every core, against the addresses without an id.
fn join_addresses(shards: &mut [Shard], email_cell: Option<usize>) {
    let Some(cell) = email_cell else {
        return;
    };
    // The addresses known alone (lower-cased, as the maps keep them), and where each is.
    let alone: HashMap<&str, (u32, u32), foldhash::fast::FixedState> = shards
        .iter()
        .enumerate()
        .flat_map(|(s, shard)| {
            shard
                .by_email
                .iter(&shard.respondents)
                .map(move |(address, i)| (address, (s as u32, i)))
        })
        .collect();
    if alone.is_empty() {
        return;
    }
    // The id respondents that gave one of them.
    let found: Vec<(&str, (u32, u32))> = shards
        .par_iter()
        .enumerate()
        .flat_map_iter(|(s, shard)| {
            let alone = &alone;
            shard
                .respondents
                .iter()
                .enumerate()
                .filter(|(_, r)| r.key.starts_with("id:"))
                .filter_map(move |(i, r)| {
                    let address = contact::address(r.latest.cell(cell))?;
                    let (&key, _) = alone.get_key_value(address_key(address).as_ref())?;
                    Some((key, (s as u32, i as u32)))
                })
        })
        .collect();
    // Per address its one id respondent, or none when several gave it.
    let mut owner: HashMap<&str, Option<(u32, u32)>, foldhash::fast::FixedState> =
        HashMap::with_capacity_and_hasher(found.len(), Default::default());
    for (address, place) in found {
        owner
            .entry(address)
            .and_modify(|o| *o = None)
            .or_insert(Some(place));
    }
    let mut pairs: Vec<((u32, u32), (u32, u32))> = owner
        .into_iter()
        .filter_map(|(address, id)| Some((alone[address], id?)))
        .collect();
    pairs.sort_unstable();
    for ((s, i), (ts, ti)) in pairs {
        // Moved out first: the two may share a shard.
        let other = shards[s as usize].respondents[i as usize].take();
        shards[ts as usize].respondents[ti as usize].absorb(other);
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

#[cfg(test)]
mod tests {
    use super::*;

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
