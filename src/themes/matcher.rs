//! Finding a lexicon's terms in a comment's words: an index per language (stems, folded words,
//! phrase heads, prefix heads, one regex set), then the rules that make a match count — `unless`
//! phrases, and longer matches winning over the words inside them ("rapport qualité/prix" is
//! price, not quality).

use std::collections::HashMap;

use std::rc::Rc;

use regex::{RegexSet, RegexSetBuilder};

use super::lexicon::{Lexicon, Mode, ANY_WORD};
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

/// What one distinct word is in one language, for the theme index (`[0]`) and the cue index
/// (`[1]`): its stem, its stem's number in each ([`Index::stem_id`]) and its [`Hits`] in each.
/// The tagger computes it once per word and keeps it.
#[derive(Debug)]
pub struct Entry {
    /// The stem, accents folded.
    pub stem: Rc<str>,
    /// The stem's number in each index.
    pub ids: [u32; 2],
    /// A hash of the stem (discovery's word key: [`super::grams::stem_key`]).
    pub key: u64,
    /// The word's hits in each index.
    pub hits: [Hits; 2],
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
    /// Every stem a phrase or an `unless` of this index holds, numbered: a comment's words are
    /// compared with phrases by number ([`Index::stem_id`]), not by text.
    stem_ids: Map<String, u32>,
    /// Per term (lexicon index): its phrase as stem numbers (empty for other modes).
    phrase_ids: Vec<Vec<u32>>,
    /// Per term: its `unless` phrases as stem numbers.
    unless_ids: Vec<Vec<Vec<u32>>>,
    /// The regex of each `regexes` entry.
    compiled: Vec<regex::Regex>,
    /// The number [`ANY_WORD`] got among `stem_ids`, when a phrase holds one: in a phrase, it
    /// matches any word.
    any_word: Option<u32>,
}

/// The number of a stem no phrase of the index holds.
pub const NO_STEM: u32 = u32::MAX;

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
        let number = |ids: &mut Map<String, u32>, stems: &[String]| -> Vec<u32> {
            stems
                .iter()
                .map(|s| {
                    let next = ids.len() as u32;
                    *ids.entry(s.clone()).or_insert(next)
                })
                .collect()
        };
        index.phrase_ids = vec![Vec::new(); lexicon.terms.len()];
        index.unless_ids = vec![Vec::new(); lexicon.terms.len()];
        for (i, term) in lexicon.terms.iter().enumerate() {
            if term.lang != lang {
                continue;
            }
            if let Mode::Phrase(p) = &term.mode {
                index.phrase_ids[i] = number(&mut index.stem_ids, p);
            }
            index.unless_ids[i] = term
                .unless
                .iter()
                .map(|p| number(&mut index.stem_ids, p))
                .collect();
            let i = i as u32;
            match &term.mode {
                Mode::Stem(s) => index.stems.entry(s.clone()).or_default().push(i),
                Mode::Word(w) => index.words.entry(w.clone()).or_default().push(i),
                Mode::Exact(w) => index.exact.entry(w.clone()).or_default().push(i),
                Mode::Phrase(p) => index.phrases.entry(p[0].clone()).or_default().push(i),
                Mode::Prefix(p) => index.prefixes.entry(head(p).into()).or_default().push(i),
                Mode::Regex(re) => {
                    index.regexes.push(i);
                    index.compiled.push(re.clone());
                    patterns.push(re.as_str().to_string());
                }
            }
        }
        index.any_word = index.stem_ids.get(ANY_WORD).copied();
        // Every pattern compiled alone when the lexicon was read, so the set compiles too.
        index.set = RegexSetBuilder::new(&patterns)
            .case_insensitive(true)
            .dfa_size_limit(64 << 20)
            .build()
            .ok()
            .filter(|_| !patterns.is_empty());
        index
    }

    fn regex_of(&self, which: usize) -> Option<&regex::Regex> {
        self.compiled.get(which)
    }

    /// The number of `stem` among the stems of this index's phrases, or [`NO_STEM`].
    pub fn stem_id(&self, stem: &str) -> u32 {
        self.stem_ids.get(stem).copied().unwrap_or(NO_STEM)
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

    /// Every term of this index found in a comment — `tokens` and their `entries`, of which this
    /// index reads slot `which` — after `unless` and before the rule of longer matches.
    pub fn find(
        &self,
        tokens: &[Token],
        entries: &[&Entry],
        which: usize,
        text: &str,
        out: &mut Vec<Found>,
    ) {
        let begin = out.len();
        let n = entries.len();
        // Whether the stems from token `at` on are the phrase `p`'s.
        let phrase_at = |at: usize, p: &[u32]| {
            at + p.len() <= n
                && p.iter()
                    .enumerate()
                    .all(|(j, &id)| Some(id) == self.any_word || entries[at + j].ids[which] == id)
        };
        for (k, (token, entry)) in tokens.iter().zip(entries).enumerate() {
            let hit = &entry.hits[which];
            out.extend(hit.single.iter().map(|&term| Found {
                start: token.start,
                end: token.end,
                first: k,
                last: k + 1,
                term,
            }));
            for &t in &hit.heads {
                let p = &self.phrase_ids[t as usize];
                let end = k + p.len();
                if !p.is_empty() && phrase_at(k, p) {
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
        // Most comments match no regex term: a plain search, which may stop at the first hit and
        // uses the patterns' literals, before the overlapping one that says which.
        if let Some(set) = self.set.as_ref().filter(|set| set.is_match(text)) {
            for which in set.matches(text).iter() {
                let t = self.regexes[which];
                let Some(re) = &self.regex_of(which) else {
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
                    // The span is the words matched, not the space or punctuation a pattern
                    // takes around them to find their edges.
                    let edge = |c: char| {
                        c.is_whitespace()
                            || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')')
                    };
                    let matched = m.as_str();
                    let inner = matched.trim_matches(edge);
                    let (start, end) = match inner.is_empty() {
                        true => (m.start(), m.end()),
                        false => {
                            let lead = matched.len() - matched.trim_start_matches(edge).len();
                            (m.start() + lead, m.start() + lead + inner.len())
                        }
                    };
                    out.push(Found {
                        start,
                        end,
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
            let unless = &self.unless_ids[f.term as usize];
            // Only the placements that overlap the match: s < f.last and f.first < s + len.
            let cancelled = !unless.is_empty()
                && unless.iter().any(|p| {
                    let len = p.len();
                    if len == 0 || len > n || f.last == 0 {
                        return false;
                    }
                    let from = (f.first + 1).saturating_sub(len);
                    let to = (f.last - 1).min(n - len);
                    (from..=to).any(|s| phrase_at(s, p))
                });
            if cancelled {
                out.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }
}

/// Drop a match that lies inside a longer one, whatever its term (spans kept inline: most
/// comments have a few matches, and this runs on each).
pub fn drop_nested(found: &mut Vec<Found>) {
    if found.len() < 2 {
        return;
    }
    let spans: smallvec::SmallVec<[(usize, usize); 8]> =
        found.iter().map(|f| (f.start, f.end)).collect();
    found.retain(|f| {
        !spans
            .iter()
            .any(|&(s, e)| s <= f.start && f.end <= e && e - s > f.end - f.start)
    });
}

/// Drop a match that lies inside a longer match of another theme: the longer phrase says what
/// the words mean together. A marker theme ([`super::lexicon::Theme::marker`]) neither drops
/// nor is dropped: it qualifies the words it overlaps, it does not replace them.
pub fn longest_win(lexicon: &Lexicon, found: &mut Vec<Found>) {
    let theme = |f: &Found| lexicon.terms[f.term as usize].theme;
    let marker = |f: &Found| lexicon.themes[theme(f)].marker;
    let snapshot = found.clone();
    found.retain(|f| {
        marker(f)
            || !snapshot.iter().any(|g| {
                theme(g) != theme(f)
                    && !marker(g)
                    && g.start <= f.start
                    && f.end <= g.end
                    && (g.end - g.start) > (f.end - f.start)
            })
    });
}

/// Drop the matches of a theme that gives way to another ([`Lexicon::yields`]) in a clause
/// where that other theme matched too; `clauses` gives each token's clause, and is called only
/// when a theme and one it yields to both matched. Returns what it dropped.
pub fn give_way(
    lexicon: &Lexicon,
    yields: &[Vec<usize>],
    clauses: impl FnOnce() -> Vec<usize>,
    found: &mut Vec<Found>,
) -> Vec<Found> {
    let theme = |f: &Found| lexicon.terms[f.term as usize].theme;
    let yields_here = |f: &Found| {
        let to = &yields[theme(f)];
        !to.is_empty() && found.iter().any(|g| to.contains(&theme(g)))
    };
    if !found.iter().any(yields_here) {
        return Vec::new();
    }
    let clause = clauses();
    let clause_of = |f: &Found| clause.get(f.first).copied();
    let snapshot = found.clone();
    let mut dropped = Vec::new();
    found.retain(|f| {
        let to = &yields[theme(f)];
        let gives_way = !to.is_empty()
            && clause_of(f).is_some()
            && snapshot
                .iter()
                .any(|g| to.contains(&theme(g)) && clause_of(g) == clause_of(f));
        if gives_way {
            dropped.push(*f);
        }
        !gives_way
    });
    dropped
}
