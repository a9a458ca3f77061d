//! The words of a comment as discovery counts them, and the n-grams they make: which words are
//! stop words (and which of those may start or end an n-gram), which words may join into one
//! phrase, and each n-gram's key. The rules are in the module documentation of `grams`.

use std::hash::BuildHasher;
use std::sync::LazyLock;

use foldhash::fast::FixedState;

use super::MAX_WORDS;
use crate::text::Token;

/// One word of a comment as discovery sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// A hash of its stem (accents folded).
    pub key: u64,
    /// Whether it is a stop word.
    pub stop: Stop,
    /// Nothing but spaces (not tabs or line breaks), an apostrophe, a hyphen or a slash
    /// separates it from the word before: the two may be one phrase.
    pub joins: bool,
    /// Byte span in the comment.
    pub start: u32,
    /// End of the byte span.
    pub end: u32,
}

/// The words of a comment (`text`, whose tokens are `tokens`) as discovery counts them;
/// `word(k)` gives the k-th token's stem key and whether it is a stop word.
pub fn words(text: &str, tokens: &[Token], word: impl Fn(usize) -> (u64, Stop)) -> Vec<Word> {
    let mut previous_end = 0;
    tokens
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let gap = text.get(previous_end..t.start).unwrap_or("");
            previous_end = t.end.max(previous_end);
            let (key, stop) = word(k);
            Word {
                key,
                stop,
                joins: gap
                    .chars()
                    .all(|c| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '-' | '/' | '\'' | '’')),
                start: t.start as u32,
                end: t.end as u32,
            }
        })
        .collect()
}

/// The hasher of stems: fixed, so keys are the same on every run.
pub fn stem_key(stem: &str) -> u64 {
    FixedState::with_seed(0x6e70_735f_6772_616d).hash_one(stem)
}

/// NLTK's English and French stop words, folded to ASCII.
static STOP: LazyLock<std::collections::HashSet<String, FixedState>> = LazyLock::new(|| {
    ["en", "fr"]
        .iter()
        .flat_map(|l| stop_words::get(l).iter())
        .map(|w| crate::text::fold(w).into_owned())
        .collect()
});

/// Whether a word is a stop word, and which kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Not one.
    No,
    /// A negation or an intensifier: it may start an n-gram, not end one.
    Lead,
    /// A verb's particle ("greys out", "logged in", "shut down"): it may end an n-gram, not
    /// start one.
    Particle,
    /// Any other: it may be inside an n-gram only.
    Yes,
}

/// Stop words that may start an n-gram (folded).
const LEADS: [&str; 8] = [
    "too", "trop", "very", "tres", "more", "less", "plus", "moins",
];

/// Stop words that may end an n-gram (folded).
const PARTICLES: [&str; 8] = ["out", "up", "down", "off", "in", "on", "over", "away"];

/// Whether `folded` (a word folded to ASCII) is a stop word, and which kind.
pub fn stop_of(folded: &str) -> Stop {
    if !STOP.contains(folded) {
        Stop::No
    } else if LEADS.contains(&folded) || crate::themes::NEGATORS.contains(&folded) {
        Stop::Lead
    } else if PARTICLES.contains(&folded) {
        Stop::Particle
    } else {
        Stop::Yes
    }
}

/// The key of words `words`.
fn key_of(words: &[Word]) -> u64 {
    words.iter().fold(words.len() as u64, |h, w| {
        (h.rotate_left(23) ^ w.key).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// An n-gram of a comment: its key, its first word, its length in words.
pub(super) type NGram = (u64, usize, usize);

/// The n-grams of a comment's words, once each (the first place each appears).
pub(super) fn ngrams(words: &[Word], out: &mut Vec<NGram>) {
    out.clear();
    for first in 0..words.len() {
        for len in 1..=MAX_WORDS.min(words.len() - first) {
            let span = &words[first..first + len];
            if len > 1 && !span[len - 1].joins {
                break;
            }
            let (head, tail) = (span[0].stop, span[len - 1].stop);
            if matches!(head, Stop::Yes | Stop::Particle)
                || matches!(tail, Stop::Yes | Stop::Lead)
                || (len == 1 && tail != Stop::No)
            {
                continue;
            }
            out.push((key_of(span), first, len));
        }
    }
    out.sort_unstable();
    out.dedup_by_key(|s| s.0);
}
