//! Comment themes: the lexicon (built in, or extended by a user's themes file), the tagger that
//! finds its terms in a comment through the text pipeline, and each comment's intent.
//!
//! [`Tagger::tag`] is what the passes call on every comment; [`Tagger::analyse`] gives the whole
//! reasoning (`nps themes --explain`). A comment's outcome is summed up in a [`Tagged`], which
//! [`signature::encode`] turns into a short key that the passes count responses by, next to the
//! per-theme counts, quotes and term counts of [`evidence`]: the figures come from counts and
//! memory does not grow with the input.
//!
//! Language per comment: the export's language column, else `--lang`, else a vote of function
//! words ([`crate::text::language::majority`]), else a vote of the words only one language's
//! lexicons know ("Chambre sale": French). A comment that none of these decides ("bug",
//! "Support") is matched against both lexicons and reported as `und` (undetermined): guessing
//! from the rest of the file would make one chunk of a file depend on another.

mod clause;
pub mod evidence;
pub mod grams;
mod intent;
pub mod lexicon;
pub mod matcher;
pub mod signature;
mod term;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::text::language::{majority, word_vote};
use crate::text::{self, tokenize, Lang, Stemmers, Token};
use clause::{clauses, ne_pas, negator, problem_turned};
pub(crate) use clause::{sentences, FRENCH_OBJECTS, FRENCH_SUBJECTS, NEGATORS};
use intent::{absorb_negations, intent_of, turned};
pub use intent::{Cue, Intent};
use lexicon::{Lexicon, Needs};
use matcher::{give_way, longest_win, Entry, Found, Index};
pub use term::shown as shown_term;

/// The intent cues, in the themes-file format: themes `request`, `problem`, `praise`.
const INTENT: &str = include_str!("intent.toml");

/// Whether a comment says anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Content {
    /// No comment at all.
    Blank,
    /// Words that say nothing: "RAS", "n/a", "nothing", "-".
    Empty,
    /// Words that say something.
    Text,
}

/// Where a comment's language came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LangSource {
    /// The export's language column.
    Column,
    /// `--lang`.
    Flag,
    /// The vote of function words.
    Vote,
    /// No function word decided, but the comment's other words are in one language's lexicon
    /// only ("Chambre sale": "chambre" is a French term's word, English has none).
    Lexicon,
    /// Nothing decided: both lexicons were matched.
    Undetermined,
}

/// Everything the tagger made of one comment (`--explain`).
#[derive(Debug)]
pub struct Analysis {
    /// The words.
    pub tokens: Vec<Token>,
    /// Per language matched: the tokens' stems.
    pub stems: Vec<(Lang, Vec<Rc<str>>)>,
    /// The words as discovery counts them (only when asked: [`Tagger::tag_words`]).
    pub words: Vec<grams::Word>,
    /// The language (`None`: undetermined, both matched).
    pub lang: Option<Lang>,
    /// Where the language came from.
    pub lang_source: LangSource,
    /// Intent cues found.
    pub cues: Vec<Cue>,
    /// The intent they add up to.
    pub intent: Intent,
    /// Whether the comment says anything.
    pub content: Content,
    /// Terms that count, in order of position.
    pub found: Vec<Found>,
    /// Terms found but not counted, with why.
    pub dropped: Vec<(Found, &'static str)>,
}

/// What counts about one comment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tagged {
    /// The language (`None`: undetermined, or no comment).
    pub lang: Option<Lang>,
    /// The intent (`None` without a comment).
    pub intent: Option<Intent>,
    /// Blank, empty or text (`None` only in a default value).
    pub content: Option<Content>,
    /// Terms that count, in order of position.
    pub found: Vec<Found>,
    /// The words as discovery counts them (only from [`Tagger::tag_words`]).
    pub words: Vec<grams::Word>,
}

/// What [`Tagger::analyse_as`] keeps besides the matches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Nothing,
    /// Each word's stems (`--explain`).
    Stems,
    /// The words as discovery counts them.
    Words,
}

/// Comments that say nothing, as folded words joined by spaces.
const EMPTY: [&str; 40] = [
    "ras",
    "rien",
    "rien a signaler",
    "rien a dire",
    "rien a ajouter",
    "rien de plus",
    "n a",
    "na",
    "nothing",
    "nothing to add",
    "nothing else",
    "nothing to say",
    "nothing really",
    "none",
    "no",
    "nope",
    "non",
    "no comment",
    "no comments",
    "sans commentaire",
    "aucun commentaire",
    "pas de commentaire",
    "aucun",
    "nil",
    "null",
    "idk",
    "i do not know",
    "je sais pas",
    "je ne sais pas",
    "x",
    "xx",
    "xxx",
    "test",
    "nc",
    "nr",
    "sans avis",
    "no idea",
    "not sure",
    "pas de avis",
    "neant",
];

/// Finds themes and intent in comments. Built once per run; shared by every thread.
pub struct Tagger {
    /// The themes and their terms.
    pub lexicon: Lexicon,
    index: [Index; 2],
    cues: Lexicon,
    cue_index: [Index; 2],
    /// The intent each cue term is written under.
    cue_intent: Vec<Intent>,
    /// Per theme, the themes it gives way to in a clause ([`Lexicon::yields`]).
    yields: Vec<Vec<usize>>,
    stemmers: Stemmers,
    /// `--lang`: the language of a comment whose export gives none.
    pub default_lang: Option<Lang>,
    /// This tagger's id ([`TAGGERS`]).
    id: u64,
}

impl std::fmt::Debug for Tagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger")
            .field("themes", &self.lexicon.themes.len())
            .field("terms", &self.lexicon.terms.len())
            .field("default_lang", &self.default_lang)
            .finish()
    }
}

/// What the tagger knows about one distinct word: its language vote, and per language its
/// stem and the terms it can be or start. Words repeat (Zipf), so this is computed once per
/// word and thread, and each word of a comment costs one lookup.
struct WordInfo {
    vote: Option<Lang>,
    /// Whether it is a stop word (discovery only: [`grams`]).
    stop: grams::Stop,
    langs: [OnceCell<Entry>; 2],
}

/// The words a thread has met, for the tagger that met them.
#[derive(Default)]
struct WordCache {
    tagger: u64,
    words: HashMap<compact_str::CompactString, Rc<WordInfo>, foldhash::fast::FixedState>,
}

thread_local! {
    static WORDS: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// The cache is emptied when it holds more words than this (memory stays bounded on text of
/// endless variety: ids, typos, numbers).
const WORD_CACHE_SIZE: usize = 200_000;

/// Each tagger's id, so a thread's cache never serves one tagger another's terms.
static TAGGERS: AtomicU64 = AtomicU64::new(1);

impl Tagger {
    /// A tagger over `lexicon`.
    pub fn new(lexicon: Lexicon, default_lang: Option<Lang>) -> Tagger {
        let stemmers = Stemmers::default();
        let mut cues = Lexicon::default();
        if let Err(e) = cues.add_file(INTENT, None, &stemmers) {
            // Tested by `intent_cues_parse`.
            panic!("the intent cues do not parse: {e}");
        }
        let cue_intent = cues
            .terms
            .iter()
            .map(|t| match cues.themes[t.theme].key.as_str() {
                "request" => Intent::Request,
                "problem" => Intent::Problem,
                _ => Intent::Praise,
            })
            .collect();
        Tagger {
            cue_intent,
            yields: lexicon.yields(),
            index: Lang::ALL.map(|l| Index::new(&lexicon, l)),
            cue_index: Lang::ALL.map(|l| Index::new(&cues, l)),
            lexicon,
            cues,
            stemmers,
            default_lang,
            id: TAGGERS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// What is known of each token's word (computed for the words not met yet).
    fn infos(&self, tokens: &[Token]) -> Vec<Rc<WordInfo>> {
        WORDS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.tagger != self.id || cache.words.len() > WORD_CACHE_SIZE {
                cache.tagger = self.id;
                cache.words.clear();
            }
            tokens
                .iter()
                .map(|t| match cache.words.get(t.word.as_str()) {
                    Some(info) => info.clone(),
                    None => {
                        let info = Rc::new(WordInfo {
                            vote: word_vote(&t.word),
                            stop: grams::stop_of(&t.folded()),
                            langs: Default::default(),
                        });
                        cache.words.insert(t.word.clone(), info.clone());
                        info
                    }
                })
                .collect()
        })
    }

    /// A word's stem and hits in `lang`.
    fn lang_info<'i>(&self, info: &'i WordInfo, token: &Token, lang: Lang) -> &'i Entry {
        info.langs[lang as usize].get_or_init(|| {
            let stem: Rc<str> = self.stemmers.stem(lang, &token.word).into();
            // As `exact` terms are read: French typed without accents gets them back.
            let word = text::with_accents(lang, &token.word);
            let folded = token.folded();
            let (word, folded): (&str, &str) = (&word, &folded);
            let (themes, cues) = (&self.index[lang as usize], &self.cue_index[lang as usize]);
            Entry {
                hits: [
                    themes.hits(&self.lexicon, word, folded, &stem),
                    cues.hits(&self.cues, word, folded, &stem),
                ],
                ids: [themes.stem_id(&stem), cues.stem_id(&stem)],
                key: grams::stem_key(&stem),
                stem,
            }
        })
    }

    /// The language whose lexicons (themes and cues) know more of the comment's words that the
    /// other language's do not know, when one does. A single letter votes for neither ("n/a" is
    /// no French "a").
    fn lexicon_vote(&self, infos: &[Rc<WordInfo>], tokens: &[Token]) -> Option<Lang> {
        let known = |e: &Entry| {
            e.ids.iter().any(|&id| id != matcher::NO_STEM)
                || e.hits
                    .iter()
                    .any(|h| !h.single.is_empty() || !h.heads.is_empty())
        };
        majority(infos.iter().zip(tokens).map(|(info, token)| {
            token.word.chars().nth(1)?;
            let en = known(self.lang_info(info, token, Lang::En));
            let fr = known(self.lang_info(info, token, Lang::Fr));
            match (en, fr) {
                (true, false) => Some(Lang::En),
                (false, true) => Some(Lang::Fr),
                _ => None,
            }
        }))
    }

    /// Everything the tagger makes of `text`; `lang` is the export's language for it, if any.
    pub fn analyse(&self, text: &str, lang: Option<Lang>) -> Analysis {
        self.analyse_as(text, lang, Keep::Stems)
    }

    /// [`Tagger::analyse`] without the stems kept for `--explain`: the words, the language and
    /// the terms that count, for readers that interpret the matches themselves (`nps risk`).
    pub fn read(&self, text: &str, lang: Option<Lang>) -> Analysis {
        self.analyse_as(text, lang, Keep::Nothing)
    }

    /// [`Tagger::analyse`], keeping what `keep` asks for besides the matches.
    fn analyse_as(&self, text: &str, lang: Option<Lang>, keep: Keep) -> Analysis {
        let tokens = tokenize(text);
        let infos = self.infos(&tokens);
        let (lang, lang_source) = match (lang, self.default_lang) {
            (Some(l), _) => (Some(l), LangSource::Column),
            (None, Some(l)) => (Some(l), LangSource::Flag),
            (None, None) => match majority(infos.iter().map(|i| i.vote)) {
                Some(l) => (Some(l), LangSource::Vote),
                None => match self.lexicon_vote(&infos, &tokens) {
                    Some(l) => (Some(l), LangSource::Lexicon),
                    None => (None, LangSource::Undetermined),
                },
            },
        };
        let langs: Vec<Lang> = match lang {
            Some(l) => vec![l],
            None => Lang::ALL.to_vec(),
        };
        let content = content_of(text, &tokens);
        let mut stems = Vec::with_capacity(langs.len());
        let mut words = Vec::new();
        let mut cues = Vec::new();
        let mut raw = Vec::new();
        for &l in &langs {
            let per_word: Vec<&Entry> = infos
                .iter()
                .zip(&tokens)
                .map(|(info, token)| self.lang_info(info, token, l))
                .collect();
            let mut found = Vec::new();
            self.cue_index[l as usize].find(&tokens, &per_word, 1, text, &mut found);
            // A cue inside a longer one is part of that one's words: the "recommend" of
            // "can't recommend them enough", the "wrong" of "can't go wrong".
            matcher::drop_nested(&mut found);
            let first_cue = cues.len();
            // Each cue, and the word that negates it, if a plain negation does.
            let mut negators: smallvec::SmallVec<[Option<usize>; 4]> = smallvec::SmallVec::new();
            for f in found {
                let intent = self.cue_intent[f.term as usize];
                let by = match intent {
                    Intent::Request => None,
                    _ => negator(text, &tokens, f.first),
                };
                // A negated cue counts for the other side; so does a problem dealt with.
                let negated = match intent {
                    Intent::Request => false,
                    Intent::Problem => problem_turned(text, &tokens, f.first),
                    _ => by.is_some(),
                } || (intent != Intent::Request && ne_pas(&tokens, f.first, f.last));
                negators.push(by.filter(|_| negated));
                cues.push(Cue {
                    found: f,
                    intent,
                    negated,
                });
            }
            absorb_negations(&mut cues[first_cue..], &negators);
            self.index[l as usize].find(&tokens, &per_word, 0, text, &mut raw);
            match keep {
                Keep::Stems => stems.push((l, per_word.iter().map(|w| w.stem.clone()).collect())),
                // One language's stems: the comment's, or English when undetermined.
                Keep::Words if words.is_empty() => {
                    words = grams::words(text, &tokens, |k| (per_word[k].key, infos[k].stop))
                }
                _ => {}
            }
        }
        // Terms that need the comment to ask or complain read its cues alone; the intent
        // reported also reads a contrast after praise ([`turned`]).
        let cued = intent_of(&cues);
        let asks = matches!(cued, Intent::Request | Intent::Problem);
        let intent = turned(cued, &cues, &tokens);
        let sentence = OnceCell::new();
        // A judgement about a thing sits near it: in its sentence, a few words away (an opinion:
        // praise or a problem, not a request).
        let judged = |f: &Found, requests: bool| {
            let sentence = sentence.get_or_init(|| sentences(text, &tokens));
            cues.iter().any(|c| {
                let (a, b) = (c.found.first, f.first);
                (requests || c.intent != Intent::Request)
                    && a < tokens.len()
                    && b < tokens.len()
                    && sentence[a] == sentence[b]
                    && a.abs_diff(b).min(c.found.last.abs_diff(f.last)) <= JUDGEMENT_REACH
            })
        };
        let mut dropped = Vec::new();
        raw.retain(|f| {
            let (ok, why) = match self.lexicon.terms[f.term as usize].needs {
                Needs::Nothing => (true, ""),
                Needs::Judgement => (
                    judged(f, true),
                    "needs a judgement in its sentence, within a few words",
                ),
                Needs::Opinion => (
                    judged(f, false),
                    "needs praise or a problem in its sentence, within a few words",
                ),
                Needs::Request => (asks, "needs a request or a problem in the comment"),
            };
            if !ok {
                dropped.push((*f, why));
            }
            ok
        });
        if raw.len() > 1 {
            let before = raw.clone();
            longest_win(&self.lexicon, &mut raw);
            for f in before {
                if !raw.contains(&f) {
                    dropped.push((f, "inside a longer match of another theme"));
                }
            }
        }
        if raw.len() > 1 {
            // The sentences `judged` may have cut already.
            let clauses = || clauses(sentence.get_or_init(|| sentences(text, &tokens)), &tokens);
            for f in give_way(&self.lexicon, &self.yields, clauses, &mut raw) {
                dropped.push((f, "in a clause with a theme it gives way to (yields_to)"));
            }
        }
        raw.sort();
        raw.dedup_by(|a, b| a.term == b.term && a.start == b.start);
        Analysis {
            tokens,
            stems,
            words,
            lang,
            lang_source,
            cues,
            intent,
            content,
            found: raw,
            dropped,
        }
    }

    /// What counts about `text` (`None`: the response has no comment).
    pub fn tag(&self, text: Option<&str>, lang: Option<Lang>) -> Tagged {
        self.tag_as(text, lang, Keep::Nothing)
    }

    /// [`Tagger::tag`], with the words discovery counts.
    pub fn tag_words(&self, text: Option<&str>, lang: Option<Lang>) -> Tagged {
        self.tag_as(text, lang, Keep::Words)
    }

    fn tag_as(&self, text: Option<&str>, lang: Option<Lang>, keep: Keep) -> Tagged {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            return Tagged {
                lang: lang.or(self.default_lang),
                content: Some(Content::Blank),
                ..Tagged::default()
            };
        };
        let a = self.analyse_as(text, lang, keep);
        Tagged {
            lang: a.lang,
            intent: Some(a.intent),
            content: Some(a.content),
            found: a.found,
            words: a.words,
        }
    }

    /// The themes (indices, ascending) of a tagged comment.
    pub fn themes_of(&self, tagged: &Tagged) -> Vec<usize> {
        let mut themes: Vec<usize> = tagged
            .found
            .iter()
            .map(|f| self.lexicon.terms[f.term as usize].theme)
            .collect();
        themes.sort_unstable();
        themes.dedup();
        themes
    }
}

/// How many words away a judgement may be from a term that needs one ("the menu … far too
/// limited"; "great coffee").
const JUDGEMENT_REACH: usize = 6;

fn content_of(text: &str, tokens: &[Token]) -> Content {
    if text.trim().is_empty() {
        return Content::Blank;
    }
    if tokens.is_empty() {
        return Content::Empty;
    }
    if tokens.len() <= 5 {
        let joined = tokens
            .iter()
            .map(|t| t.folded())
            .collect::<Vec<_>>()
            .join(" ");
        if EMPTY.contains(&joined.as_str()) {
            return Content::Empty;
        }
    }
    Content::Text
}

#[cfg(test)]
mod tests;
