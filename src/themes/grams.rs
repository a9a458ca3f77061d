//! Words and phrases counted per comment, for discovery (`nps themes`: what distinguishes
//! detractors from promoters, and untagged comments from tagged ones) and for `--drill THEME`
//! (what people say inside one theme).
//!
//! - An n-gram is one to [`MAX_WORDS`] consecutive words of the text pipeline, keyed by their
//!   stems (accents folded), so "export CSV" and "exports csv" are one. Words separated by
//!   punctuation other than an apostrophe, a hyphen or a slash never make one n-gram ("slow,
//!   buggy" is not a phrase). Stop words (NLTK's English and French lists, `stop-words` crate)
//!   are used here only: an n-gram made of them alone is not counted, nor one that starts or
//!   ends with one ("and nobody", "the app", "slow and"), except that a negation or an
//!   intensifier may start one ("not working", "too slow", "trop cher", "pas de réponse") and a
//!   verb's particle may end one ("greys out", "logged in").
//!   The issue asked only for the first rule; the second keeps the lists free of fragments
//!   that say what their inner words already say.
//! - Counted per comment (a comment saying "slow" three times counts once), per answer
//!   category, untagged or not, intent and language ([`Slot`]).
//! - Each n-gram keeps a quote among all its comments, and one among its detractors', its
//!   promoters' and its untagged comments' ([`QuoteOf`]): the first by (distance of
//!   the length from a readable 40–240 characters, hash of the text, the text). The n-gram is
//!   written as it appears in that quote, lower-cased. Neither depends on how the input was cut
//!   into chunks.
//! - A comment's n-grams are not counted one by one: they wait in a batch of at most
//!   `batch::BATCH` occurrences (about 6,000 comments), which is then sorted by key and added up
//!   exactly ([`Grams::seal`]; a merge seals both sides). Probing a table per occurrence was a
//!   cache miss each, about half of `--discover`'s extra time.
//! - Memory is bounded, by lossy counting (Manku & Motwani 2002): a batch's table keeps its
//!   [`CHUNK_CAP`] most counted n-grams, a chunk's table as many, and the merged table [`CAP`];
//!   a merge that passes its cap drops the n-grams seen least until half remain. Each n-gram
//!   carries the most its counts may be short by ([`Counted::short`]): the largest count left
//!   out of a batch or dropped before it was (re)admitted, in this table or in one merged into
//!   it; an n-gram never left out anywhere has exact counts (0). Frequent n-grams, the only ones
//!   that can rank on a large file, survive; every output gives the bound of each term it lists.
//!   Batches and chunks are merged in input order, so the result is the same on every run and
//!   every machine.
//!
//! The word rules and the n-gram keys are in `words`, the capped table in `lossy`; this file
//! holds what is counted (slots, groups, quotes) and the table of n-grams built on them; the
//! batches are in `batch`.

use std::sync::Arc;

use crate::metrics::period::{self, Every};
use crate::metrics::tally::Category;
use crate::text::Lang;
use crate::themes::{Content, Intent, Tagged};
use batch::Batch;
use lossy::{Counts, Lossy};
use words::ngrams;
pub use words::{stem_key, stop_of, words, Stop, Word};

mod batch;
mod lossy;
mod words;

/// The longest n-gram, in words.
pub const MAX_WORDS: usize = 3;

/// The most n-grams a chunk's table keeps (see the module documentation).
pub const CHUNK_CAP: usize = if cfg!(test) { 64 } else { 1 << 15 };

/// The most n-grams the merged table keeps.
pub const CAP: usize = if cfg!(test) { 128 } else { 1 << 17 };

/// What a comment is counted as: its category, whether no theme tagged it, its intent, its
/// language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A detractor's comment.
    Detractor = 0,
    /// A passive's.
    Passive = 1,
    /// A promoter's.
    Promoter = 2,
    /// No theme tagged it.
    Untagged = 3,
    /// Its intent is a problem.
    Problem = 4,
    /// A request.
    Request = 5,
    /// Praise.
    Praise = 6,
    /// No intent: no cue, and a passive's ([`Intent::or_score`]).
    NoIntent = 7,
    /// Its language is English.
    English = 8,
    /// French.
    French = 9,
}

/// How many slots.
pub const SLOTS: usize = 10;

impl Slot {
    /// The slot of an answer category.
    pub fn of(category: Category) -> Slot {
        match category {
            Category::Detractor => Slot::Detractor,
            Category::Passive => Slot::Passive,
            Category::Promoter => Slot::Promoter,
        }
    }
}

/// Which comments a pass counts the n-grams of, and in which groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counting {
    /// Only those tagged with this theme (its index in the lexicon: `--drill`); else every
    /// comment with words that say something.
    pub theme: Option<usize>,
    /// The groups counted apart besides all comments.
    pub groups: Groups,
}

/// The groups whose n-grams are counted apart ([`Grams::in_group`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groups {
    /// None.
    None,
    /// Segments: the carried (`--by`) cells, joined by [`SEPARATOR`].
    Carried,
    /// Periods: labelled by their first day (days since 1970-01-01, [`period_label`]).
    Every(Every),
}

/// The group label of the period starting on day `start` ([`Groups::Every`]).
pub fn period_label(start: i32) -> String {
    start.to_string()
}

/// What joins a segment's cells in its group label.
pub const SEPARATOR: char = '\u{1f}';

impl Counting {
    /// The label of a response's group: its `day`, its carried cells (`carried(k)`, the k-th,
    /// `None` past the last); `None` when it has none (no date).
    pub fn group<S: AsRef<str>>(
        self,
        day: Option<i32>,
        carried: impl Fn(usize) -> Option<S>,
    ) -> Option<String> {
        match self.groups {
            Groups::None => None,
            // The period's first day, as a number: cheaper than its label, made per comment.
            Groups::Every(every) => day.map(|d| period::start(d, every).to_string()),
            Groups::Carried => {
                let mut label = String::new();
                for k in 0.. {
                    let Some(cell) = carried(k) else { break };
                    if k > 0 {
                        label.push(SEPARATOR);
                    }
                    label.push_str(cell.as_ref().trim());
                }
                Some(label)
            }
        }
    }

    /// The slots a comment (`tagged`, with `themes`, of `score`) counts in, or `None` when its
    /// n-grams are not counted.
    pub fn slots(self, tagged: &Tagged, themes: &[usize], score: u8) -> Option<Vec<Slot>> {
        if tagged.content != Some(Content::Text) {
            return None;
        }
        if let Some(t) = self.theme {
            if !themes.contains(&t) {
                return None;
            }
        }
        let mut slots = vec![Slot::of(Category::of(score))];
        if themes.is_empty() {
            slots.push(Slot::Untagged);
        }
        slots.push(
            match tagged.intent.unwrap_or(Intent::None).or_score(score) {
                Intent::Problem => Slot::Problem,
                Intent::Request => Slot::Request,
                Intent::Praise => Slot::Praise,
                Intent::None => Slot::NoIntent,
            },
        );
        match tagged.lang {
            Some(Lang::En) => slots.push(Slot::English),
            Some(Lang::Fr) => slots.push(Slot::French),
            None => {}
        }
        Some(slots)
    }
}

/// The quote an n-gram keeps.
#[derive(Clone, Debug)]
struct Quote {
    /// Rank ([`rank`], lower is better), the comment's score in the low byte.
    rank: u64,
    text: Arc<str>,
    /// The n-gram's byte span in it.
    start: u32,
    end: u32,
}

impl Quote {
    fn score(&self) -> u8 {
        (self.rank & 0xff) as u8
    }

    /// Whether this quote goes before `other`.
    fn beats(&self, other: &Quote) -> bool {
        (self.rank, &*self.text, self.start) < (other.rank, &*other.text, other.start)
    }

    /// Keep the better of `slot` and `q`.
    fn offer(slot: &mut Option<Quote>, q: Quote) {
        if slot.as_ref().is_none_or(|old| q.beats(old)) {
            *slot = Some(q);
        }
    }
}

/// Whose comments a quote is chosen among.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteOf {
    /// All the n-gram's comments (its written form comes from this one).
    Any = 0,
    /// Detractors'.
    Detractors = 1,
    /// Promoters'.
    Promoters = 2,
    /// Those no theme tagged.
    Untagged = 3,
}

/// One n-gram's counts over all comments (what every merge adds up).
#[derive(Clone, Debug)]
struct Gram {
    counts: [u32; SLOTS],
}

/// What an n-gram says: its words and quotes.
#[derive(Clone, Debug)]
struct Said {
    /// Its words' keys (`len` of them), to tell an n-gram inside another.
    words: [u64; MAX_WORDS],
    len: u8,
    /// Per [`QuoteOf`].
    quotes: [Option<Quote>; 4],
}

impl Counts for Gram {
    type Cold = Said;

    fn total(&self) -> u32 {
        self.counts[..3].iter().sum()
    }

    fn absorb(&mut self, said: &mut Said, other: Gram, theirs: Said) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        for (slot, q) in said.quotes.iter_mut().zip(theirs.quotes) {
            if let Some(q) = q {
                Quote::offer(slot, q);
            }
        }
    }
}

/// An n-gram's comments within one group (segment, period): only how many, the rest is the
/// n-gram's own.
#[derive(Clone, Copy, Debug)]
struct InGroup(u32);

impl Counts for InGroup {
    type Cold = ();

    fn total(&self) -> u32 {
        self.0
    }

    fn absorb(&mut self, _: &mut (), other: InGroup, _: ()) {
        self.0 += other.0;
    }
}

/// The n-grams of the comments counted so far.
#[derive(Clone, Debug, Default)]
pub struct Grams {
    /// Keyed by the words' key.
    table: Lossy<Gram>,
    /// Keyed by the words' key mixed with the group's label ([`key_in`]).
    grouped: Lossy<InGroup>,
    /// Comments counted, per slot.
    comments: [u64; SLOTS],
    /// The groups met (segments, periods).
    groups: Vec<Group>,
    /// Each group's index in `groups`, by label (a `--by` column may have many values).
    index: std::collections::HashMap<Box<str>, usize, foldhash::fast::FixedState>,
    /// The comments' n-grams not counted yet.
    batch: Batch,
    /// A comment's n-grams (kept to spare an allocation per comment).
    seen: Vec<words::NGram>,
}

/// One group's comments: per slot, and the scores (0–10) of those each theme tags (by its
/// index in the lexicon).
#[derive(Clone, Debug)]
struct Group {
    label: Box<str>,
    comments: [u64; SLOTS],
    themes: Vec<[u64; 11]>,
}

/// The rank of a comment as a quote, lower is better: how far its length is from a readable
/// 40–240 characters (high bits), then a hash of its text.
fn rank(text: &str) -> u64 {
    let chars = text.chars().count() as u64;
    let far = (40u64.saturating_sub(chars) + chars.saturating_sub(240)).min(0xff_ffff);
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (far << 40) | ((hash >> 24) & !0xff)
}

/// The key of an n-gram's counts within the group labelled `label`.
/// `label` hashed once ([`stem_key`]).
fn key_in(key: u64, label: u64) -> u64 {
    (key ^ label).wrapping_mul(0xff51_afd7_ed55_8ccd)
}

impl Grams {
    /// The index of the group labelled `label`, added if new.
    fn group(&mut self, label: &str) -> usize {
        match self.index.get(label) {
            Some(&i) => i,
            None => {
                self.index.insert(label.into(), self.groups.len());
                self.groups.push(Group {
                    label: label.into(),
                    comments: [0; SLOTS],
                    themes: Vec::new(),
                });
                self.groups.len() - 1
            }
        }
    }

    /// Count a comment (`text`, whose words are `words`, tagged with `themes`) in `slots`,
    /// over all comments and, when it belongs to one, in its group (segment, period).
    pub fn count(
        &mut self,
        words: &[Word],
        text: &str,
        (slots, themes): (&[Slot], &[usize]),
        score: u8,
        group: Option<&str>,
    ) {
        let at = group.map(|label| self.group(label));
        let hashed = group.map(stem_key);
        for &s in slots {
            self.comments[s as usize] += 1;
        }
        if let Some(g) = at {
            let g = &mut self.groups[g];
            for &s in slots {
                g.comments[s as usize] += 1;
            }
            for &t in themes {
                if g.themes.len() <= t {
                    g.themes.resize(t + 1, [0; 11]);
                }
                g.themes[t][usize::from(score.min(10))] += 1;
            }
        }
        let mut seen = std::mem::take(&mut self.seen);
        ngrams(words, &mut seen);
        if !seen.is_empty() {
            let mut bits = (0u16, 1u8 << QuoteOf::Any as u8);
            for &s in slots {
                bits.0 |= 1 << s as u16;
                let whose = match s {
                    Slot::Detractor => QuoteOf::Detractors,
                    Slot::Promoter => QuoteOf::Promoters,
                    Slot::Untagged => QuoteOf::Untagged,
                    _ => continue,
                };
                bits.1 |= 1 << whose as u8;
            }
            let rank = rank(text) | u64::from(score);
            self.batch.push((text, words, &seen), rank, bits, hashed);
        }
        self.seen = seen;
        if self.batch.len() >= batch::BATCH {
            self.seal();
        }
    }

    /// Count the comments gathered so far ([`batch`]). Merging seals both tables; a table
    /// counted and never merged is read only after this.
    pub fn seal(&mut self) {
        if self.batch.len() == 0 {
            return;
        }
        let (table, grouped) = std::mem::take(&mut self.batch).count(CHUNK_CAP);
        self.table.merge(table, CHUNK_CAP);
        self.grouped.merge(grouped, CHUNK_CAP);
    }

    /// Add the n-grams counted after these (chunks are merged in input order).
    pub fn merge(&mut self, mut other: Grams) {
        self.seal();
        other.seal();
        for (a, b) in self.comments.iter_mut().zip(other.comments) {
            *a += b;
        }
        for theirs in &other.groups {
            let g = self.group(&theirs.label);
            let mine = &mut self.groups[g];
            for (a, b) in mine.comments.iter_mut().zip(theirs.comments) {
                *a += b;
            }
            if mine.themes.len() < theirs.themes.len() {
                mine.themes.resize(theirs.themes.len(), [0; 11]);
            }
            for (a, b) in mine.themes.iter_mut().zip(&theirs.themes) {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
        }
        self.table.merge(other.table, CAP);
        self.grouped.merge(other.grouped, CAP);
    }

    /// Comments counted in `slot`.
    pub fn comments(&self, slot: Slot) -> u64 {
        self.comments[slot as usize]
    }

    /// The most the counts of an n-gram this table does not hold may be short by (0: nothing
    /// was ever dropped, every count is exact). Outputs give each listed term's own bound
    /// ([`Counted::short`]); this one is for tests.
    #[cfg(test)]
    pub fn pruned(&self) -> u64 {
        self.table.absent()
    }

    /// Comments counted in `slot` within the group labelled `label`.
    pub fn group_comments(&self, label: &str, slot: Slot) -> u64 {
        self.index
            .get(label)
            .map_or(0, |&g| self.groups[g].comments[slot as usize])
    }

    /// The scores (0–10) of the comments of the group labelled `label` that `theme` tags.
    pub fn group_theme(&self, label: &str, theme: usize) -> [u64; 11] {
        self.index
            .get(label)
            .and_then(|&g| self.groups[g].themes.get(theme).copied())
            .unwrap_or([0; 11])
    }

    /// Every n-gram counted in at least `min` comments, in no particular order.
    pub fn iter(&self, min: u32) -> impl Iterator<Item = Counted<'_>> {
        debug_assert_eq!(self.batch.len(), 0, "n-grams read before they were sealed");
        self.table
            .iter()
            .filter(move |(_, e, _)| e.value.total() >= min)
            .map(|(key, entry, said)| Counted { key, entry, said })
    }

    /// `gram`'s comments within the group labelled `label`, and the most that may be short by.
    pub fn in_group(&self, gram: &Counted<'_>, label: &str) -> (u64, u64) {
        match self.grouped.get(key_in(gram.key, stem_key(label))) {
            Some(e) => (u64::from(e.value.0), self.grouped.short(e)),
            None => (0, self.grouped.absent()),
        }
    }
}

/// An n-gram and its counts, as [`Grams::iter`] gives them.
#[derive(Clone, Copy)]
pub struct Counted<'a> {
    key: u64,
    entry: &'a lossy::Entry<Gram>,
    said: &'a Said,
}

impl<'a> Counted<'a> {
    fn gram(&self) -> &'a Gram {
        &self.entry.value
    }

    /// Comments it appears in, in `slot`.
    pub fn count(&self, slot: Slot) -> u64 {
        u64::from(self.gram().counts[slot as usize])
    }

    /// The most its counts may be short by (0: exact).
    pub fn short(&self, grams: &Grams) -> u64 {
        grams.table.short(self.entry)
    }

    /// Comments it appears in.
    pub fn total(&self) -> u64 {
        u64::from(self.gram().total())
    }

    /// The n-gram as its first quote writes it, lower-cased.
    pub fn text(&self) -> String {
        let Some(q) = &self.said.quotes[QuoteOf::Any as usize] else {
            return String::new();
        };
        // Words joined only by printable separators ([`words`]); any other character is shown
        // as a space all the same, so the text is always one safe line.
        q.text
            .get(q.start as usize..q.end as usize)
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .to_lowercase()
    }

    /// Its words' count.
    pub fn words(&self) -> usize {
        usize::from(self.said.len)
    }

    /// The quote among `whose` comments (else among all), and its score.
    pub fn quote(&self, whose: QuoteOf) -> (&'a str, u8) {
        let q = &self.said.quotes;
        match q[whose as usize]
            .as_ref()
            .or(q[QuoteOf::Any as usize].as_ref())
        {
            Some(q) => (&q.text, q.score()),
            None => ("", 0),
        }
    }

    /// Whether the two n-grams could be parts of one phrase: one is a run of the other's words,
    /// or one ends with the words the other starts with ("no change in", "change in
    /// motivation").
    pub fn overlaps(&self, other: &Counted<'_>) -> bool {
        let (a, b) = (
            &self.said.words[..self.words()],
            &other.said.words[..other.words()],
        );
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        let edges =
            |x: &[u64], y: &[u64]| (1..x.len().min(y.len())).any(|k| x[x.len() - k..] == y[..k]);
        long.windows(short.len()).any(|w| w == short) || edges(a, b) || edges(b, a)
    }

    /// A sort key that does not depend on the table's order: the text, then the words' keys.
    pub fn order(&self) -> (String, [u64; MAX_WORDS]) {
        (self.text(), self.said.words)
    }
}

#[cfg(test)]
mod tests;
