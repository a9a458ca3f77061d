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

use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;

use foldhash::fast::FixedState;

/// What a table counts per key.
pub trait Counts {
    /// The count that decides what is dropped first.
    fn total(&self) -> u32;
    /// Add another table's counts for the same key.
    fn absorb(&mut self, other: Self);
}

/// One key's counts and bound.
#[derive(Clone, Debug)]
pub struct Entry<V> {
    /// The counts.
    pub value: V,
    short: u32,
    missed_at: u32,
}

/// The table.
#[derive(Clone, Debug)]
pub struct Lossy<V> {
    map: HashMap<u64, Entry<V>, FixedState>,
    dropped: u32,
    missed: u32,
}

impl<V> Default for Lossy<V> {
    fn default() -> Self {
        Lossy {
            map: HashMap::default(),
            dropped: 0,
            missed: 0,
        }
    }
}

impl<V: Counts> Lossy<V> {
    /// The counts of `key`, admitted with `make` if absent; then pruned to half of `cap` once
    /// the table holds more than `cap` (call [`Lossy::settle`] after a comment's keys).
    pub fn get_or_admit(&mut self, key: u64, make: impl FnOnce() -> V) -> &mut V {
        let (short, missed_at) = (self.dropped + self.missed, self.missed);
        &mut self
            .map
            .entry(key)
            .or_insert_with(|| Entry {
                value: make(),
                short,
                missed_at,
            })
            .value
    }

    /// Prune to half of `cap` when the table holds more than `cap` entries.
    pub fn settle(&mut self, cap: usize) {
        if self.map.len() > cap {
            let mut totals: Vec<u32> = self.map.values().map(|e| e.value.total()).collect();
            let at = totals.len() - cap / 2;
            let (_, &mut threshold, _) = totals.select_nth_unstable(at);
            // Every entry counted `threshold` times or fewer goes (ties are not split, so the
            // result does not depend on the table's order).
            self.map.retain(|_, e| e.value.total() > threshold);
            self.dropped += threshold;
        }
    }

    /// Add a table counted after this one; `remap` adjusts its values to this table (group
    /// indices). Pruned to half of `cap` when it then holds more than `cap`.
    pub fn merge(&mut self, other: Lossy<V>, mut remap: impl FnMut(&mut V), cap: usize) {
        let missed = self.missed + other.dropped + other.missed;
        let before = self.dropped + self.missed;
        let theirs = |e: &Entry<V>| e.short + (other.missed - e.missed_at);
        for (key, mut e) in other.map {
            remap(&mut e.value);
            let lost = theirs(&e);
            match self.map.entry(key) {
                MapEntry::Occupied(mut mine) => {
                    let mine = mine.get_mut();
                    mine.short += (self.missed - mine.missed_at) + lost;
                    mine.missed_at = missed;
                    mine.value.absorb(e.value);
                }
                MapEntry::Vacant(v) => {
                    v.insert(Entry {
                        value: e.value,
                        short: lost + before,
                        missed_at: missed,
                    });
                }
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

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Entry<V>)> {
        self.map.iter().map(|(&k, e)| (k, e))
    }

    /// The entry of `key`.
    pub fn get(&self, key: u64) -> Option<&Entry<V>> {
        self.map.get(&key)
    }

    /// How many entries.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }
}
