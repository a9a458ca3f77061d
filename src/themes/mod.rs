//! Comment themes: the lexicon (built in, or extended by a user's themes file), the tagger that
//! finds its terms in a comment through the text pipeline, and each comment's intent.
//!
//! [`Tagger::tag`] is what the passes call on every comment; [`Tagger::analyse`] gives the whole
//! reasoning (`nps themes --explain`). A comment's outcome is summed up in a [`Tagged`], which
//! [`Tagged::signature`] turns into a short key: the passes count responses per (signature,
//! score), so per-theme figures come from counts and memory does not grow with the input.
//!
//! Language per comment: the export's language column, else `--lang`, else a vote of function
//! words ([`crate::text::vote`]). A comment that none of these decides (short ones: "bug",
//! "Prix élevés !" decides, "Support" does not) is matched against both lexicons and reported as
//! `und` (undetermined): guessing from the rest of the file would make one chunk of a file
//! depend on another, and both lexicons on a two-word comment cost nothing in precision.

pub mod lexicon;
pub mod matcher;
pub mod quotes;
pub mod signature;

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

use crate::text::{tokenize, vote, Lang, Stemmers, Token};
use lexicon::{Lexicon, Needs};
use matcher::{longest_win, lower_keeping_offsets, Found, Index};

/// The intent cues, in the themes-file format: themes `request`, `problem`, `praise`.
const INTENT: &str = include_str!("intent.toml");

/// What a comment does, as its cue words say. A problem outranks a request, a request outranks
/// praise: "Great app, but it crashes" is a problem; "Love it, please add dark mode" a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Something went wrong.
    Problem,
    /// Something is asked for or missing.
    Request,
    /// Something is praised.
    Praise,
    /// No cue.
    None,
}

impl Intent {
    /// Every intent, in the order of precedence.
    pub const ALL: [Intent; 4] = [
        Intent::Problem,
        Intent::Request,
        Intent::Praise,
        Intent::None,
    ];

    /// The intent in words, as every output writes it.
    pub fn name(self) -> &'static str {
        match self {
            Intent::Problem => "problem",
            Intent::Request => "request",
            Intent::Praise => "praise",
            Intent::None => "none",
        }
    }
}

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
    /// Nothing decided: both lexicons were matched.
    Undetermined,
}

/// A cue word found in a comment.
#[derive(Clone, Copy, Debug)]
pub struct Cue {
    /// Where, and which cue term.
    pub found: Found,
    /// Which intent the cue is written under.
    pub intent: Intent,
    /// A negation in the three words before it turned it round.
    pub negated: bool,
}

/// Everything the tagger made of one comment (`--explain`).
#[derive(Debug)]
pub struct Analysis {
    /// The words.
    pub tokens: Vec<Token>,
    /// Per language matched: the tokens' stems.
    pub stems: Vec<(Lang, Vec<String>)>,
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
}

/// Words that negate the cue after them.
/// French `ne` is not one: "ne marche plus" is the problem itself, and the real negation of
/// French ("pas", "jamais", "aucun"…) follows it.
const NEGATORS: [&str; 16] = [
    "no", "not", "never", "without", "none", "nothing", "zero", "nor", "hardly", "pas", "jamais",
    "aucun", "aucune", "sans", "ni", "rien",
];

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
    stemmers: Stemmers,
    /// `--lang`: the language of a comment whose export gives none.
    pub default_lang: Option<Lang>,
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

thread_local! {
    /// Stems already computed on this thread, per language: words repeat (Zipf), stemming is
    /// the pipeline's main cost. Cleared when it grows past `STEM_CACHE_SIZE` entries.
    static STEM_CACHE: RefCell<[HashMap<String, String, foldhash::fast::FixedState>; 2]> =
        RefCell::new(Default::default());
}

const STEM_CACHE_SIZE: usize = 200_000;

impl Tagger {
    /// A tagger over `lexicon`.
    pub fn new(lexicon: Lexicon, default_lang: Option<Lang>) -> Tagger {
        let stemmers = Stemmers::default();
        let mut cues = Lexicon::default();
        if let Err(e) = cues.add_file(INTENT, None, &stemmers) {
            // Tested by `intent_cues_parse`.
            panic!("the intent cues do not parse: {e}");
        }
        Tagger {
            index: Lang::ALL.map(|l| Index::new(&lexicon, l)),
            cue_index: Lang::ALL.map(|l| Index::new(&cues, l)),
            lexicon,
            cues,
            stemmers,
            default_lang,
        }
    }

    /// The stemmers the lexicon was prepared with.
    pub fn stemmers(&self) -> &Stemmers {
        &self.stemmers
    }

    fn stems(&self, lang: Lang, tokens: &[Token]) -> Vec<String> {
        STEM_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = &mut cache[lang as usize];
            if cache.len() > STEM_CACHE_SIZE {
                cache.clear();
            }
            tokens
                .iter()
                .map(|t| match cache.get(t.word.as_str()) {
                    Some(s) => s.clone(),
                    None => {
                        let s = self.stemmers.stem(lang, &t.word);
                        cache.insert(t.word.clone(), s.clone());
                        s
                    }
                })
                .collect()
        })
    }

    /// Everything the tagger makes of `text`; `lang` is the export's language for it, if any.
    pub fn analyse(&self, text: &str, lang: Option<Lang>) -> Analysis {
        let tokens = tokenize(text);
        let (lang, lang_source) = match (lang, self.default_lang) {
            (Some(l), _) => (Some(l), LangSource::Column),
            (None, Some(l)) => (Some(l), LangSource::Flag),
            (None, None) => match vote(&tokens) {
                Some(l) => (Some(l), LangSource::Vote),
                None => (None, LangSource::Undetermined),
            },
        };
        let langs: Vec<Lang> = match lang {
            Some(l) => vec![l],
            None => Lang::ALL.to_vec(),
        };
        let content = content_of(text, &tokens);
        let lower = lower_keeping_offsets(text);
        let mut stems = Vec::with_capacity(langs.len());
        let mut cues = Vec::new();
        let mut raw = Vec::new();
        for &l in &langs {
            let s = self.stems(l, &tokens);
            let mut found = Vec::new();
            self.cue_index[l as usize].find(&self.cues, &tokens, &s, &lower, &mut found);
            for f in found {
                let intent = match self.cues.themes[self.cues.terms[f.term as usize].theme]
                    .key
                    .as_str()
                {
                    "request" => Intent::Request,
                    "problem" => Intent::Problem,
                    _ => Intent::Praise,
                };
                let negated = intent != Intent::Request && negated(text, &tokens, f.first);
                cues.push(Cue {
                    found: f,
                    intent,
                    negated,
                });
            }
            self.index[l as usize].find(&self.lexicon, &tokens, &s, &lower, &mut raw);
            stems.push((l, s));
        }
        let intent = intent_of(&cues);
        let judged = !cues.is_empty();
        let asks = matches!(intent, Intent::Request | Intent::Problem);
        let mut dropped = Vec::new();
        raw.retain(|f| {
            let ok = match self.lexicon.terms[f.term as usize].needs {
                Needs::Nothing => true,
                Needs::Judgement => judged,
                Needs::Request => asks,
            };
            if !ok {
                dropped.push((
                    *f,
                    "needs a judgement or a request the comment does not make",
                ));
            }
            ok
        });
        let before = raw.clone();
        longest_win(&self.lexicon, &mut raw);
        for f in before {
            if !raw.contains(&f) {
                dropped.push((f, "inside a longer match of another theme"));
            }
        }
        raw.sort();
        raw.dedup_by(|a, b| a.term == b.term && a.start == b.start);
        Analysis {
            tokens,
            stems,
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
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            return Tagged {
                lang: lang.or(self.default_lang),
                content: Some(Content::Blank),
                ..Tagged::default()
            };
        };
        let a = self.analyse(text, lang);
        Tagged {
            lang: a.lang,
            intent: Some(a.intent),
            content: Some(a.content),
            found: a.found,
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

/// Whether one of the four words before token `at` negates it, within its clause: a comma, a
/// full stop or "but" / "mais" ends the look back.
fn negated(text: &str, tokens: &[Token], at: usize) -> bool {
    let at = at.min(tokens.len());
    let mut k = at;
    while k > 0 && at - k < 4 {
        let next = tokens.get(k).map_or(text.len(), |t| t.start);
        let gap = text.get(tokens[k - 1].end..next).unwrap_or("");
        if gap.contains(['.', '!', '?', ';', ',', ':']) {
            return false;
        }
        k -= 1;
        let word = tokens[k].folded.as_str();
        if word == "but" || word == "mais" {
            return false;
        }
        if NEGATORS.contains(&word) {
            return true;
        }
    }
    false
}

fn intent_of(cues: &[Cue]) -> Intent {
    let counts = |want: Intent| {
        cues.iter().any(|c| {
            let effective = match (c.intent, c.negated) {
                (Intent::Problem, true) => Intent::Praise,
                (Intent::Praise, true) => Intent::Problem,
                (i, _) => i,
            };
            effective == want
        })
    };
    Intent::ALL
        .into_iter()
        .find(|&i| i == Intent::None || counts(i))
        .unwrap_or(Intent::None)
}

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
            .map(|t| t.folded.as_str())
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
