//! A chunk's n-gram occurrences, gathered as its comments are read and counted together: sorted
//! by key, so that each n-gram's occurrences sit side by side and are added up in one sequential
//! sweep, exactly, before the most frequent go into the chunk's table.
//!
//! Why: a file's comments hold tens of n-grams each, most of them met once in a chunk (names,
//! typos, rare phrasings). Counted one occurrence at a time, each was a probe in a hash table of
//! tens of thousands of entries — a cache miss — and the table was pruned every few hundred
//! comments (1M varied comments, `nps themes --discover`: half of the run's extra time). Sorting
//! touches memory in order, and an n-gram's count within the batch is exact: the batch's table
//! keeps the [`Batch::count`] cap's most counted and says what the rest may have been
//! ([`Lossy`]'s bound is the largest count left out).
//!
//! A batch holds at most [`BATCH`] occurrences (memory stays bounded on a large chunk or block);
//! the grams table counts one batch after another in input order.

use std::sync::Arc;

use super::lossy::Lossy;
use super::words::NGram;
use super::{key_in, Gram, InGroup, Quote, Said, Word, MAX_WORDS, SLOTS};

/// The most occurrences a batch holds before it is counted.
pub(super) const BATCH: usize = if cfg!(test) { 256 } else { 1 << 18 };

/// One comment of the batch.
#[derive(Clone, Debug)]
struct Comment {
    /// Its rank as a quote ([`super::rank`], the score in the low byte).
    rank: u64,
    /// The slots it counts in, one bit each.
    slots: u16,
    /// Whose quotes it may give, one bit per [`super::QuoteOf`].
    whose: u8,
    /// Its group's label, hashed ([`super::stem_key`]), when it belongs to one.
    group: Option<u64>,
    /// Its text in [`Batch::texts`].
    text: (u32, u32),
}

/// One n-gram in one comment.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    key: u64,
    /// Its comment in [`Batch::comments`].
    comment: u32,
    /// Its first word in [`Batch::words`], and how many.
    first: u32,
    len: u32,
}

/// Occurrences waiting to be counted.
#[derive(Clone, Debug, Default)]
pub(super) struct Batch {
    comments: Vec<Comment>,
    words: Vec<Word>,
    texts: String,
    found: Vec<Occurrence>,
}

impl Batch {
    /// How many occurrences wait.
    pub(super) fn len(&self) -> usize {
        self.found.len()
    }

    /// Add a comment (`text`, its `words`, its n-grams `seen` as `grams::words::ngrams` gives
    /// them), of quote rank `rank`, counted in the slots `slots` (bits), whose quotes `whose`
    /// (bits), in the group whose hashed label is `group`.
    pub(super) fn push(
        &mut self,
        (text, words, seen): (&str, &[Word], &[NGram]),
        rank: u64,
        (slots, whose): (u16, u8),
        group: Option<u64>,
    ) {
        let comment = self.comments.len() as u32;
        let base = self.words.len();
        let start = self.texts.len() as u32;
        self.texts.push_str(text);
        self.comments.push(Comment {
            rank,
            slots,
            whose,
            group,
            text: (start, self.texts.len() as u32),
        });
        self.words.extend_from_slice(words);
        self.found
            .extend(seen.iter().map(|&(key, first, len)| Occurrence {
                key,
                comment,
                first: (base + first) as u32,
                len: len as u32,
            }));
    }

    fn text(&self, c: &Comment) -> &str {
        &self.texts[c.text.0 as usize..c.text.1 as usize]
    }

    /// Count the batch: each n-gram's counts and quotes, and its counts per group, each table
    /// keeping its `cap` most counted keys.
    pub(super) fn count(mut self, cap: usize) -> (Lossy<Gram>, Lossy<InGroup>) {
        let mut found = std::mem::take(&mut self.found);
        // By key alone: what is made of an n-gram's occurrences does not depend on their order.
        found.sort_unstable_by_key(|o| o.key);
        let grams = runs(&found, |o| o.key);
        // Every counted comment is in exactly one answer category: an n-gram's total is its
        // number of occurrences.
        let lengths: Vec<u32> = grams.iter().map(|r| r.len() as u32).collect();
        let least = cut(&lengths, cap);
        let mut arcs: Vec<Option<Arc<str>>> = vec![None; self.comments.len()];
        let kept: Vec<_> = grams
            .iter()
            .filter(|r| r.len() as u32 > least)
            .map(|r| self.gram(&found[r.clone()], &mut arcs))
            .collect();
        let table = Lossy::counted(kept.into_iter(), least);
        let mut keys: Vec<u64> = found
            .iter()
            .filter_map(|o| {
                let group = self.comments[o.comment as usize].group?;
                Some(key_in(o.key, group))
            })
            .collect();
        keys.sort_unstable();
        let groups = runs(&keys, |&k| k);
        let lengths: Vec<u32> = groups.iter().map(|r| r.len() as u32).collect();
        let least = cut(&lengths, cap);
        let grouped: Vec<_> = groups
            .into_iter()
            .filter(|r| r.len() as u32 > least)
            .map(|r| (keys[r.start], InGroup(r.len() as u32), ()))
            .collect();
        (table, Lossy::counted(grouped.into_iter(), least))
    }

    /// One n-gram's entry from its occurrences (at least one).
    fn gram(&self, found: &[Occurrence], arcs: &mut [Option<Arc<str>>]) -> (u64, Gram, Said) {
        let first = found[0];
        let mut gram = Gram { counts: [0; SLOTS] };
        let mut words = [0; MAX_WORDS];
        for (k, w) in words.iter_mut().zip(self.words_of(&first)) {
            *k = w.key;
        }
        let mut said = Said {
            words,
            len: first.len as u8,
            quotes: Default::default(),
        };
        let mut best: [Option<&Occurrence>; 4] = [None; 4];
        for o in found {
            let c = &self.comments[o.comment as usize];
            for (s, count) in gram.counts.iter_mut().enumerate() {
                *count += u32::from(c.slots >> s & 1);
            }
            for (w, best) in best.iter_mut().enumerate() {
                if c.whose >> w & 1 == 1 && best.is_none_or(|b| self.beats(o, b)) {
                    *best = Some(o);
                }
            }
        }
        for (w, o) in best.into_iter().enumerate() {
            let Some(o) = o else { continue };
            let c = &self.comments[o.comment as usize];
            let text = arcs[o.comment as usize].get_or_insert_with(|| self.text(c).into());
            let (start, end) = self.span(o);
            said.quotes[w] = Some(Quote {
                rank: c.rank,
                text: text.clone(),
                start,
                end,
            });
        }
        (first.key, gram, said)
    }

    /// The words of an occurrence.
    fn words_of(&self, o: &Occurrence) -> &[Word] {
        &self.words[o.first as usize..(o.first + o.len) as usize]
    }

    /// The byte span of an occurrence in its comment.
    fn span(&self, o: &Occurrence) -> (u32, u32) {
        let words = self.words_of(o);
        (words[0].start, words[words.len() - 1].end)
    }

    /// Whether occurrence `a` makes a better quote than `b` ([`Quote::beats`]).
    fn beats(&self, a: &Occurrence, b: &Occurrence) -> bool {
        let (ca, cb) = (
            &self.comments[a.comment as usize],
            &self.comments[b.comment as usize],
        );
        match ca.rank.cmp(&cb.rank) {
            std::cmp::Ordering::Equal => {
                (self.text(ca), self.span(a).0) < (self.text(cb), self.span(b).0)
            }
            order => order.is_lt(),
        }
    }
}

/// The runs of equal keys in `items` (sorted by `key`), as index ranges.
fn runs<T>(items: &[T], key: impl Fn(&T) -> u64) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || key(&items[i]) != key(&items[start]) {
            runs.push(start..i);
            start = i;
        }
    }
    runs
}

/// The largest count left out when at most `cap` of `counts` are kept, the most counted first
/// (ties are not split, so which are kept does not depend on their order); 0 when all are.
fn cut(counts: &[u32], cap: usize) -> u32 {
    if counts.len() <= cap {
        return 0;
    }
    let mut counts = counts.to_vec();
    let at = counts.len() - cap;
    *counts.select_nth_unstable(at).1
}
