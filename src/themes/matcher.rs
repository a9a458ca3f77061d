//! Finding a lexicon's terms in a comment's words: an index per language (stems, folded words,
//! phrase heads, prefix heads, one regex set), then the rules that make a match count — `unless`
//! phrases, and longer matches winning over the words inside them ("rapport qualité/prix" is
//! price, not quality).

use std::collections::HashMap;

use std::rc::Rc;

use regex::{RegexSet, RegexSetBuilder};

use super::lexicon::{Lexicon, Mode};
use crate::text::{Lang, Token};

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// The terms one word can be, or start, in one index ([`Index::hits`]).
#[derive(Debug, Default, Clone)]
pub struct Hits {
    /// Single-word terms the word is.
    pub single: Vec<u32>,
    /// Phrases whose first stem is the word's.
    pub heads: Vec<u32>,
}

/// A term found in a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Byte span in the comment.
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
    /// Token span (`first..last`).
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// The term's index in the lexicon.
    pub term: u32,
}

/// One language's terms, indexed for lookup by word.
#[derive(Default)]
pub struct Index {
    stems: Map<String, Vec<u32>>,
    exact: Map<String, Vec<u32>>,
    words: Map<String, Vec<u32>>,
    phrases: Map<String, Vec<u32>>,
    prefixes: Map<String, Vec<u32>>,
    regexes: Vec<u32>,
    set: Option<RegexSet>,
}

/// The first three characters: prefix terms are filed under them.
fn head(s: &str) -> &str {
    match s.char_indices().nth(3) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl Index {
    /// Index the terms of `lexicon` in `lang`.
    pub fn new(lexicon: &Lexicon, lang: Lang) -> Index {
        let mut index = Index::default();
        let mut patterns = Vec::new();
        for (i, term) in lexicon.terms.iter().enumerate() {
            if term.lang != lang {
                continue;
            }
            let i = i as u32;
            match &term.mode {
                Mode::Stem(s) => index.stems.entry(s.clone()).or_default().push(i),
                Mode::Word(w) => index.words.entry(w.clone()).or_default().push(i),
                Mode::Exact(w) => index.exact.entry(w.clone()).or_default().push(i),
                Mode::Phrase(p) => index.phrases.entry(p[0].clone()).or_default().push(i),
                Mode::Prefix(p) => index.prefixes.entry(head(p).into()).or_default().push(i),
                Mode::Regex(re) => {
                    index.regexes.push(i);
                    patterns.push(re.as_str().to_string());
                }
            }
        }
        // Every pattern compiled alone when the lexicon was read, so the set compiles too.
        index.set = RegexSetBuilder::new(&patterns)
            .case_insensitive(true)
            .build()
            .ok()
            .filter(|_| !patterns.is_empty());
        index
    }

    /// The terms one word can be (single-word terms: stem, exact, word, prefix) or start
    /// (phrases, by their first stem) in this index. It depends on the word alone, so the
    /// tagger computes it once per distinct word and keeps it.
    pub fn hits(&self, lexicon: &Lexicon, word: &str, folded: &str, stem: &str) -> Hits {
        let mut single: Vec<u32> = Vec::new();
        for map_hit in [
            self.stems.get(stem),
            self.exact.get(word),
            self.words.get(folded),
        ]
        .into_iter()
        .flatten()
        {
            single.extend(map_hit);
        }
        if !self.prefixes.is_empty() {
            for h in [head(folded), head(stem)] {
                for &t in self.prefixes.get(h).into_iter().flatten() {
                    if let Mode::Prefix(p) = &lexicon.terms[t as usize].mode {
                        if folded.starts_with(p.as_str()) || stem.starts_with(p.as_str()) {
                            single.push(t);
                        }
                    }
                }
            }
        }
        single.sort_unstable();
        single.dedup();
        Hits {
            single,
            heads: self.phrases.get(stem).cloned().unwrap_or_default(),
        }
    }

    /// Every term of this index found in a comment — `tokens`, their `stems` in this language
    /// and their [`Hits`] — after `unless` and before the rule of longer matches.
    pub fn find(
        &self,
        lexicon: &Lexicon,
        tokens: &[Token],
        stems: &[Rc<str>],
        hits: &[&Hits],
        text: &str,
        out: &mut Vec<Found>,
    ) {
        let begin = out.len();
        for (k, (token, hit)) in tokens.iter().zip(hits).enumerate() {
            out.extend(hit.single.iter().map(|&term| Found {
                start: token.start,
                end: token.end,
                first: k,
                last: k + 1,
                term,
            }));
            for &t in &hit.heads {
                let Mode::Phrase(p) = &lexicon.terms[t as usize].mode else {
                    continue;
                };
                let end = k + p.len();
                if end <= stems.len() && same(&stems[k..end], p) {
                    out.push(Found {
                        start: token.start,
                        end: tokens[end - 1].end,
                        first: k,
                        last: end,
                        term: t,
                    });
                }
            }
        }
        if let Some(set) = &self.set {
            for which in set.matches(text).iter() {
                let t = self.regexes[which];
                let Mode::Regex(re) = &lexicon.terms[t as usize].mode else {
                    continue;
                };
                for m in re.find_iter(text) {
                    let first = tokens.iter().position(|x| x.end > m.start());
                    let last = tokens.iter().rposition(|x| x.start < m.end());
                    let (first, last) = match (first, last) {
                        (Some(f), Some(l)) if f <= l => (f, l + 1),
                        // A match between words (a sign, a number's punctuation).
                        _ => (tokens.len(), tokens.len()),
                    };
                    out.push(Found {
                        start: m.start(),
                        end: m.end(),
                        first,
                        last,
                        term: t,
                    });
                }
            }
        }
        // `unless`: a phrase overlapping the match cancels it.
        let mut k = begin;
        while k < out.len() {
            let f = out[k];
            let term = &lexicon.terms[f.term as usize];
            let cancelled = term.unless.iter().any(|p| {
                !p.is_empty()
                    && p.len() <= stems.len()
                    && (0..=stems.len() - p.len()).any(|s| {
                        same(&stems[s..s + p.len()], p) && s < f.last && f.first < s + p.len()
                    })
            });
            if cancelled {
                out.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }
}

/// Whether a comment's stems are a phrase's, word for word.
fn same(stems: &[Rc<str>], phrase: &[String]) -> bool {
    stems.len() == phrase.len() && stems.iter().zip(phrase).all(|(a, b)| **a == **b)
}

/// Drop a match that lies inside a longer match of another theme: the longer phrase says what
/// the words mean together.
pub fn longest_win(lexicon: &Lexicon, found: &mut Vec<Found>) {
    let theme = |f: &Found| lexicon.terms[f.term as usize].theme;
    let snapshot = found.clone();
    found.retain(|f| {
        !snapshot.iter().any(|g| {
            theme(g) != theme(f)
                && g.start <= f.start
                && f.end <= g.end
                && (g.end - g.start) > (f.end - f.start)
        })
    });
}
