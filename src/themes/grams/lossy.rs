//! A table of counts under lossy counting (Manku & Motwani 2002), keyed by a 64-bit hash: it
//! keeps at most a given number of entries by dropping the least counted, and every entry
//! carries the most its counts may be short by because of such drops — in this table, or in a
//! table merged into it.
//!
//! - `dropped`: the sum, over this table's prunings, of the largest count dropped. An entry
//!   admitted now may have been counted and dropped before, but never more than that.
//! - `missed`: the sum, over the tables merged into this one, of what an entry absent from that
//!   table may have lost in it (its own `dropped + missed`).
//! - An entry's bound is its `short` (set when admitted or merged) plus whatever `missed` grew by
//!   since (`missed - missed_at`): tables merged later that did not hold it may have dropped it.
//!
//! An entry never dropped anywhere has a bound of 0: its counts are exact.
//!
//! Tables are made from counts gathered elsewhere ([`Lossy::counted`]: a batch of comments,
//! `batch`) and merged, in input order. The hash map holds only each key's position; the
//! entries sit densely in two vectors at those positions: what a merge adds up for every key
//! (the counts, [`Counts`]) and what it touches only now and then ([`Counts::Cold`]: an
//! n-gram's words and quotes), so a probe's cache misses land on small entries.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// What a table counts per key.
pub trait Counts {
    /// What is kept per key apart from the counts (touched rarely).
    type Cold: Clone + std::fmt::Debug;
    /// The count that decides what is dropped first.
    fn total(&self) -> u32;
    /// Add another table's counts for the same key (`cold` is this key's, `theirs` the other's).
    fn absorb(&mut self, cold: &mut Self::Cold, other: Self, theirs: Self::Cold);
}

/// One key's counts and bound.
#[derive(Clone, Debug)]
pub struct Entry<V> {
    key: u64,
    /// The counts.
    pub value: V,
    short: u32,
    missed_at: u32,
}

/// The table.
#[derive(Clone, Debug)]
pub struct Lossy<V: Counts> {
    /// Each key's position in `hot` and `cold`.
    index: HashMap<u64, u32, FixedState>,
    hot: Vec<Entry<V>>,
    cold: Vec<V::Cold>,
    dropped: u32,
    missed: u32,
}

impl<V: Counts> Default for Lossy<V> {
    fn default() -> Self {
        Lossy {
            index: HashMap::default(),
            hot: Vec::new(),
            cold: Vec::new(),
            dropped: 0,
            missed: 0,
        }
    }
}

impl<V: Counts> Lossy<V> {
    /// A table of `entries`, distinct keys counted exactly, where a key left out may have been
    /// counted up to `dropped` times.
    pub fn counted(
        entries: impl ExactSizeIterator<Item = (u64, V, V::Cold)>,
        dropped: u32,
    ) -> Self {
        let n = entries.len();
        let mut table = Lossy {
            index: HashMap::with_capacity_and_hasher(n, FixedState::default()),
            hot: Vec::with_capacity(n),
            cold: Vec::with_capacity(n),
            dropped,
            missed: 0,
        };
        for (key, value, cold) in entries {
            table.index.insert(key, table.hot.len() as u32);
            table.hot.push(Entry {
                key,
                value,
                short: 0,
                missed_at: 0,
            });
            table.cold.push(cold);
        }
        table
    }

    /// Prune to half of `cap` when the table holds more than `cap` entries.
    fn settle(&mut self, cap: usize) {
        if self.hot.len() <= cap {
            return;
        }
        let mut totals: Vec<u32> = self.hot.iter().map(|e| e.value.total()).collect();
        let at = totals.len() - cap / 2;
        let (_, &mut threshold, _) = totals.select_nth_unstable(at);
        // Every entry counted `threshold` times or fewer goes (ties are not split, so the
        // result does not depend on the table's order). The kept ones keep their order.
        let mut kept = 0;
        for i in 0..self.hot.len() {
            if self.hot[i].value.total() > threshold {
                self.hot.swap(kept, i);
                self.cold.swap(kept, i);
                kept += 1;
            }
        }
        self.hot.truncate(kept);
        self.cold.truncate(kept);
        self.index.clear();
        for (i, e) in self.hot.iter().enumerate() {
            self.index.insert(e.key, i as u32);
        }
        self.dropped += threshold;
    }

    /// Add a table counted after this one. Pruned to half of `cap` when it then holds more than
    /// `cap`.
    pub fn merge(&mut self, other: Lossy<V>, cap: usize) {
        if self.hot.is_empty() && self.dropped + self.missed == 0 {
            // Nothing counted here yet: the other table is the sum.
            *self = other;
            self.settle(cap);
            return;
        }
        let missed = self.missed + other.dropped + other.missed;
        let before = self.dropped + self.missed;
        for (e, theirs) in other.hot.into_iter().zip(other.cold) {
            let lost = e.short + (other.missed - e.missed_at);
            let next = self.hot.len();
            let at = *self.index.entry(e.key).or_insert(next as u32) as usize;
            if at == next {
                self.hot.push(Entry {
                    short: lost + before,
                    missed_at: missed,
                    ..e
                });
                self.cold.push(theirs);
            } else {
                let mine = &mut self.hot[at];
                mine.short += (self.missed - mine.missed_at) + lost;
                mine.missed_at = missed;
                mine.value.absorb(&mut self.cold[at], e.value, theirs);
            }
        }
        self.missed = missed;
        self.settle(cap);
    }

    /// The most the counts of `entry` may be short by (0: exact).
    pub fn short(&self, entry: &Entry<V>) -> u64 {
        u64::from(entry.short) + u64::from(self.missed - entry.missed_at)
    }

    /// The most the counts of a key this table does not hold may be short by.
    pub fn absent(&self) -> u64 {
        u64::from(self.dropped) + u64::from(self.missed)
    }

    /// Every entry with the rest of it, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Entry<V>, &V::Cold)> {
        self.hot.iter().zip(&self.cold).map(|(e, c)| (e.key, e, c))
    }

    /// The entry of `key`.
    pub fn get(&self, key: u64) -> Option<&Entry<V>> {
        self.index.get(&key).map(|&at| &self.hot[at as usize])
    }

    /// How many entries.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.hot.len()
    }
}
