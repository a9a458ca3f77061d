//! Where the collector ([`super::collector`]) keeps respondents: pages where each stays once
//! placed ([`Paged`]), a shard's tables from a key to a place ([`Table`]), and every respondent
//! in key order as a list of places ([`Respondents`]). Millions of respondents of a few hundred
//! bytes are never copied into one vector, nor moved to sort them.

use std::hash::BuildHasher;

use rayon::prelude::*;

use super::history::Respondent;

/// A respondent in a shard's table: their place, and half of their key's hash. The key itself is
/// the respondent's own (kept once, not again in the table): 8 bytes a slot instead of 32, so
/// that millions of respondents' tables stay small, and grow without reading a respondent (a
/// table of `CompactString` keys was about 120 MB at 10M rows).
#[derive(Clone, Copy)]
struct Slot {
    at: u32,
    hash: u32,
}

/// The hash a table places a slot by: the stored half, in both halves (the table takes the
/// bucket from the low bits and a tag from the top ones).
fn spread(hash: u32) -> u64 {
    (u64::from(hash) << 32) | u64::from(hash)
}

/// Respondents of one kind of key (ids, or e-mail addresses), by that key.
pub(super) struct Table {
    slots: hashbrown::HashTable<Slot>,
    /// The length of the kind's prefix in a respondent's key (`id:`, `email:`).
    prefix: usize,
}

/// The hasher of the keys in [`Table`]s.
const KEYS: foldhash::fast::FixedState =
    foldhash::fast::FixedState::with_seed(0x6e70_735f_6b65_7973);

impl Table {
    pub(super) fn new(kind: &str) -> Table {
        Table {
            slots: Default::default(),
            prefix: kind.len() + 1,
        }
    }

    /// Where the respondent keyed `key` (without its kind) is; when none is, note that they will
    /// be at `next` and say `None` (one hash and one probe either way: most keys are new).
    pub(super) fn find_or_insert(
        &mut self,
        respondents: &Paged,
        key: &str,
        next: u32,
    ) -> Option<u32> {
        let hash = (KEYS.hash_one(key) >> 32) as u32;
        let prefix = self.prefix;
        let same = |s: &Slot| s.hash == hash && respondents[s.at as usize].key[prefix..] == *key;
        match self.slots.entry(spread(hash), same, |s| spread(s.hash)) {
            hashbrown::hash_table::Entry::Occupied(found) => Some(found.get().at),
            hashbrown::hash_table::Entry::Vacant(room) => {
                room.insert(Slot { at: next, hash });
                None
            }
        }
    }

    /// Each respondent's key (without its kind) and place.
    pub(super) fn iter<'t>(
        &'t self,
        respondents: &'t Paged,
    ) -> impl Iterator<Item = (&'t str, u32)> + 't {
        self.slots
            .iter()
            .map(move |s| (&respondents[s.at as usize].key[self.prefix..], s.at))
    }
}

/// Respondents in pages of fixed room: a respondent is never moved once placed (a vector of
/// hundreds of thousands of respondents of a few hundred bytes, grown by doubling, copied each
/// into fresh pages: 5% of `nps followup`'s samples at 1M rows).
#[derive(Default)]
pub(super) struct Paged(Vec<Vec<Respondent>>);

/// Respondents per page.
const PAGE: usize = 4096;

impl Paged {
    pub(super) fn len(&self) -> usize {
        self.0
            .last()
            .map_or(0, |last| (self.0.len() - 1) * PAGE + last.len())
    }

    /// Add `r`; its place is the length before.
    pub(super) fn push(&mut self, r: Respondent) {
        if self.0.last().is_none_or(|last| last.len() == PAGE) {
            self.0.push(Vec::with_capacity(PAGE));
        }
        if let Some(last) = self.0.last_mut() {
            last.push(r);
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Respondent> {
        self.0.iter().flatten()
    }
}

impl std::ops::Index<usize> for Paged {
    type Output = Respondent;

    fn index(&self, i: usize) -> &Respondent {
        &self.0[i / PAGE][i % PAGE]
    }
}

impl std::ops::IndexMut<usize> for Paged {
    fn index_mut(&mut self, i: usize) -> &mut Respondent {
        &mut self.0[i / PAGE][i % PAGE]
    }
}

/// Every respondent, in the order of their key: each stays where its shard put it, and the
/// order is a list of places (millions of respondents of a few hundred bytes are never copied
/// into one vector, nor moved to sort them).
pub struct Respondents {
    shards: Vec<Paged>,
    /// (shard, index) of each respondent, in key order.
    order: Vec<(u32, u32)>,
    /// Per shard, each respondent's place in key order ([`ABSORBED`]: taken in by another).
    ranks: Vec<Vec<u32>>,
}

/// The rank of a respondent taken in by another (`collector::join_addresses`): in no list.
const ABSORBED: u32 = u32::MAX;

impl std::ops::Index<usize> for Respondents {
    type Output = Respondent;

    /// The k-th respondent in key order.
    fn index(&self, k: usize) -> &Respondent {
        self.at(self.order[k])
    }
}

impl Respondents {
    /// The respondents of `shards`, in the key order `order` gives as places (shard, index).
    pub(super) fn new(shards: Vec<Paged>, order: Vec<(u32, u32)>) -> Respondents {
        let mut ranks: Vec<Vec<u32>> = shards.iter().map(|s| vec![ABSORBED; s.len()]).collect();
        for (k, &(s, i)) in order.iter().enumerate() {
            ranks[s as usize][i as usize] = k as u32;
        }
        Respondents {
            shards,
            order,
            ranks,
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn at(&self, (shard, i): (u32, u32)) -> &Respondent {
        &self.shards[shard as usize][i as usize]
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = &Respondent> + '_ {
        self.order.iter().map(|&place| self.at(place))
    }

    /// In key order, on every core (collected in that order).
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = &Respondent> + '_ {
        self.order.par_iter().map(|&place| self.at(place))
    }

    /// Each respondent with their place in key order, on every core, in the order they lie in
    /// memory: a walk over millions of respondents in key order misses the cache at each one
    /// (`nps risk` assessing 3.2M respondents: 1.8 s in key order, 1.4 s so). Whatever is added
    /// up must be put back in key order first: the order here depends on the number of cores.
    pub fn par_iter_placed(&self) -> impl ParallelIterator<Item = (u32, &Respondent)> + '_ {
        self.shards
            .par_iter()
            .zip(&self.ranks)
            .flat_map_iter(|(shard, ranks)| ranks.iter().copied().zip(shard.iter()))
            .filter(|&(rank, _)| rank != ABSORBED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::whole::Batch;

    #[test]
    fn pages_keep_each_respondent_at_its_place() {
        let mut batch = Batch::new("t.csv".into(), 0);
        let head = crate::ingest::whole::Head {
            location: crate::error::Location::Line(2),
            score: 7,
            day: None,
            lang: None,
        };
        batch.push(head, "", [""; 0], [""; 0]);
        let row = batch.row(0).to_row();
        let mut pages = Paged::default();
        assert_eq!(pages.len(), 0);
        let n = 2 * PAGE + 5;
        for i in 0..n {
            assert_eq!(pages.len(), i, "a place is the length before the push");
            let mut r = Respondent::new(row.clone(), i as u64, None);
            r.key = i.to_string().into();
            pages.push(r);
        }
        assert_eq!(pages.len(), n);
        assert_eq!(pages.0.len(), 3, "two full pages and one of 5");
        pages[PAGE].key.push('!');
        for i in [0, PAGE - 1, PAGE, PAGE + 1, n - 1] {
            let bang = if i == PAGE { "!" } else { "" };
            assert_eq!(pages[i].key, format!("{i}{bang}"));
        }
        let keys: Vec<u64> = pages.iter().map(|r| r.latest_seq).collect();
        assert_eq!(keys, (0..n as u64).collect::<Vec<_>>());
    }
}
