//! One term of a themes file (the format is in [`super::lexicon`]): its mode, what it needs and
//! what cancels it, read into a [`Term`] whose words are stemmed by the text pipeline exactly as
//! comments' are; a `combine` table stands for several phrases, and a `*` of its own in a phrase
//! is any one word.

use regex::{Regex, RegexBuilder};

use crate::text::{tokenize, with_accents, Lang, Stemmers};

/// How a term matches a comment's words.
#[derive(Debug, Clone)]
pub enum Mode {
    /// The word's stem equals this stem.
    Stem(String),
    /// The folded word or its stem starts with this.
    Prefix(String),
    /// The folded word equals this.
    Word(String),
    /// The lower-cased word, accents kept, equals this (`livré`, not `livre`).
    Exact(String),
    /// These stems, in sequence.
    Phrase(Vec<String>),
    /// This pattern matches the comment, ignoring case.
    Regex(Regex),
}

impl Mode {
    /// The stems it matches, for a stem or a phrase.
    pub fn stems(&self) -> Option<&[String]> {
        match self {
            Mode::Stem(s) => Some(std::slice::from_ref(s)),
            Mode::Phrase(p) => Some(p),
            _ => None,
        }
    }

    /// Its name in a themes file (`regex = '…'`), and in `--explain`.
    pub fn name(&self) -> &'static str {
        match self {
            Mode::Stem(_) => "stem",
            Mode::Prefix(_) => "prefix",
            Mode::Word(_) => "word",
            Mode::Exact(_) => "exact",
            Mode::Phrase(_) => "phrase",
            Mode::Regex(_) => "regex",
        }
    }
}

/// A term for a person to read in a table: as written, or for a pattern (often hundreds of
/// characters) `regex` and its first 40 characters. JSON and CSV keep the whole pattern.
pub fn shown(mode: &str, text: &str) -> String {
    const SHOWN: usize = 40;
    if mode != "regex" {
        return text.to_string();
    }
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(SHOWN).collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    format!("regex {head}{more}")
}

/// What else a comment must show for a term to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The term alone counts.
    Nothing,
    /// Praise, a problem or a request in its sentence, within a few words.
    Judgement,
    /// Praise or a problem in its sentence, within a few words: a request that names a thing
    /// asks for it ("il manque un plat sans gluten" is `range`), it does not judge it.
    Opinion,
    /// A request or a problem somewhere in the comment.
    Request,
}

/// One term of one theme, in one language.
#[derive(Debug, Clone)]
pub struct Term {
    /// Index of its theme in [`Lexicon::themes`].
    pub theme: usize,
    /// The language of the comments it is matched in.
    pub lang: Lang,
    /// As written in the themes file.
    pub text: String,
    /// How it matches.
    pub mode: Mode,
    /// Phrases (stems) that cancel the term where they overlap it.
    pub unless: Vec<Vec<String>>,
    /// What else the comment must show.
    pub needs: Needs,
}

/// The most phrases one `combine` term may stand for.
const MAX_COMBINATIONS: usize = 10_000;

/// The terms a written term stands for: itself, or for `{ combine = [[…], […]] }` one phrase per
/// way of taking one entry from each list in order (`great` or `poor`, then `kettle` or `washing
/// machine`: four phrases), each with the table's other keys (`unless`, `needs`).
pub(super) fn combinations(value: &toml::Value) -> Result<Vec<toml::Value>, String> {
    let Some((table, lists)) = value
        .as_table()
        .and_then(|t| t.get("combine").map(|lists| (t, lists)))
    else {
        return Ok(vec![value.clone()]);
    };
    let bad = || {
        format!("in term {value}, combine must be a list of two or more lists of words or phrases")
    };
    let lists: Vec<Vec<&str>> = lists
        .as_array()
        .filter(|l| l.len() >= 2)
        .ok_or_else(bad)?
        .iter()
        .map(|l| {
            l.as_array()
                .filter(|l| !l.is_empty())
                .and_then(|l| {
                    l.iter()
                        .map(toml::Value::as_str)
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(bad)
        })
        .collect::<Result<_, _>>()?;
    let count = lists
        .iter()
        .try_fold(1usize, |n, l| n.checked_mul(l.len()))
        .filter(|&n| n <= MAX_COMBINATIONS);
    if count.is_none() {
        return Err(format!(
            "in term {value}, combine makes more than {MAX_COMBINATIONS} phrases; split it"
        ));
    }
    let mut phrases = vec![String::new()];
    for list in &lists {
        phrases = phrases
            .iter()
            .flat_map(|p| list.iter().map(move |w| format!("{p} {}", w.trim())))
            .collect();
    }
    Ok(phrases
        .into_iter()
        .map(|phrase| {
            let mut t = table.clone();
            t.remove("combine");
            t.insert(
                "phrase".into(),
                toml::Value::String(phrase.trim().to_string()),
            );
            toml::Value::Table(t)
        })
        .collect())
}

/// A stem or phrase term as it reads typed without accents ("tres long" for "très long", its
/// `unless` too), when it has any: `None` for the other modes (a `word` or a `prefix` is compared
/// folded already, an `exact` keeps its accents on purpose, a `regex` is read as written).
pub(super) fn unaccented(value: &toml::Value) -> Option<toml::Value> {
    let bare = |s: &str| -> String {
        s.chars()
            .map(|c| match c.is_alphabetic() && !c.is_ascii() {
                true => deunicode::deunicode_char(c).unwrap_or("").to_string(),
                false => c.to_string(),
            })
            .collect()
    };
    let accented = |s: &str| s.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
    match value {
        toml::Value::String(s) if !s.ends_with('*') && accented(s) => {
            Some(toml::Value::String(bare(s)))
        }
        toml::Value::Table(t) => {
            let field = ["stem", "phrase"]
                .into_iter()
                .find(|k| t.contains_key(*k))?;
            let text = t.get(field)?.as_str()?;
            if !accented(text) {
                return None;
            }
            let mut t = t.clone();
            t.insert(field.into(), toml::Value::String(bare(text)));
            if let Some(toml::Value::Array(unless)) = t.get_mut("unless") {
                for u in unless.iter_mut() {
                    if let Some(s) = u.as_str() {
                        *u = toml::Value::String(bare(s));
                    }
                }
            }
            Some(toml::Value::Table(t))
        }
        _ => None,
    }
}

/// In a phrase, a word of its own that stands for any one word ("our * team").
pub const ANY_WORD: &str = "*";

/// The stems of a phrase's words, as the pipeline makes a comment's; [`ANY_WORD`] stays itself.
fn stems(text: &str, lang: Lang, stemmers: &Stemmers) -> Vec<String> {
    let stem = |text: &str| -> Vec<String> {
        tokenize(text)
            .iter()
            .map(|t| stemmers.stem(lang, &t.word))
            .collect()
    };
    if !text.split_whitespace().any(|w| w == ANY_WORD) {
        return stem(text);
    }
    text.split_whitespace()
        .flat_map(|w| match w {
            ANY_WORD => vec![ANY_WORD.to_string()],
            w => stem(w),
        })
        .collect()
}

/// A phrase (or an `unless`) whose `*` is first or last: it would only widen the match.
fn loose_ends(text: &str, stems: &[String]) -> Result<(), String> {
    match (stems.first(), stems.last()) {
        (Some(a), Some(b)) if a == ANY_WORD || b == ANY_WORD => Err(format!(
            "phrase {text:?} starts or ends with *; a * stands for one word between others (\"our * team\")"
        )),
        _ => Ok(()),
    }
}

pub(super) fn compile(
    value: &toml::Value,
    theme: usize,
    lang: Lang,
    stemmers: &Stemmers,
) -> Result<Term, String> {
    let term = |text: &str, mode, unless, needs| Term {
        theme,
        lang,
        text: text.to_string(),
        mode,
        unless,
        needs,
    };
    let plain = |text: &str| -> Result<Mode, String> {
        // `word*` is a prefix; a `*` of its own is a phrase's any-word (checked below).
        let prefix = text.strip_suffix('*');
        if let Some(prefix) = prefix.filter(|p| !p.ends_with(char::is_whitespace)) {
            let folded = crate::text::fold(&prefix.trim().to_lowercase()).into_owned();
            if folded.chars().count() < 3 || !folded.chars().all(char::is_alphanumeric) {
                return Err(format!(
                    "prefix term {text:?} needs at least three letters and no spaces before the *"
                ));
            }
            return Ok(Mode::Prefix(folded));
        }
        let stems = stems(text, lang, stemmers);
        loose_ends(text, &stems)?;
        match stems.as_slice() {
            [] => Err(format!("term {text:?} holds no word")),
            [one] => Ok(Mode::Stem(one.clone())),
            many => Ok(Mode::Phrase(many.to_vec())),
        }
    };
    if let Some(text) = value.as_str() {
        return Ok(term(text, plain(text)?, Vec::new(), Needs::Nothing));
    }
    let Some(table) = value.as_table() else {
        return Err(format!("term {value} must be a string or a table"));
    };
    let mut mode = None;
    let mut unless = Vec::new();
    let mut needs = Needs::Nothing;
    let mut text = String::new();
    for (field, value) in table {
        let string = || {
            value
                .as_str()
                .ok_or_else(|| format!("in term {table}, {field} must be a string"))
        };
        let chosen = match field.as_str() {
            "stem" | "prefix" | "phrase" => {
                let s = string()?;
                text = s.to_string();
                let m = match field.as_str() {
                    "prefix" => plain(&format!("{}*", s.trim_end_matches('*')))?,
                    "stem" if s.split_whitespace().count() > 1 => {
                        return Err(format!("stem term {s:?} has several words; use phrase"))
                    }
                    _ => plain(s)?,
                };
                Some(m)
            }
            "exact" => {
                let s = string()?;
                text = s.to_string();
                match tokenize(s).as_slice() {
                    [one] => Some(Mode::Exact(with_accents(lang, &one.word).into_owned())),
                    _ => return Err(format!("exact term {s:?} must be exactly one word")),
                }
            }
            "word" => {
                let s = string()?;
                text = s.to_string();
                match tokenize(s).as_slice() {
                    [one] => Some(Mode::Word(one.folded().to_string())),
                    _ => return Err(format!("word term {s:?} must be exactly one word")),
                }
            }
            "regex" => {
                let s = string()?;
                text = s.to_string();
                let re = RegexBuilder::new(s)
                    .case_insensitive(true)
                    .build()
                    .map_err(|e| {
                        // The crate's message draws a caret under the pattern on several lines:
                        // its last line says what is wrong.
                        let e = e.to_string();
                        let why = e.lines().last().unwrap_or_default();
                        format!("bad regex {s:?}: {}", why.trim_start_matches("error: "))
                    })?;
                if re.is_match("") {
                    return Err(format!(
                        "regex {s:?} matches empty text, so it would tag every comment; make it need at least one character (x+ rather than x*)"
                    ));
                }
                Some(Mode::Regex(re))
            }
            "unless" => {
                let list = value
                    .as_array()
                    .ok_or_else(|| format!("in term {table}, unless must be a list of phrases"))?;
                for p in list {
                    let p = p
                        .as_str()
                        .ok_or_else(|| format!("in term {table}, unless holds a non-string"))?;
                    let stems = stems(p, lang, stemmers);
                    loose_ends(p, &stems)?;
                    unless.push(stems);
                }
                None
            }
            "needs" => {
                needs = match string()? {
                    "judgement" => Needs::Judgement,
                    "opinion" => Needs::Opinion,
                    "request" => Needs::Request,
                    other => {
                        return Err(format!(
                            "in term {table}, needs is {other:?}; use \"judgement\", \"opinion\" or \"request\""
                        ))
                    }
                };
                None
            }
            other => {
                return Err(format!(
                    "term {table} has an unknown key {other:?}; a term names one of stem, prefix, word, exact, phrase, regex, combine, and may add unless and needs"
                ))
            }
        };
        if let Some(m) = chosen {
            if mode.replace(m).is_some() {
                return Err(format!("term {table} names two modes; give one"));
            }
        }
    }
    let Some(mode) = mode else {
        return Err(format!(
            "term {table} names no mode (stem, prefix, word, exact, phrase or regex)"
        ));
    };
    // An exclusion that is the term itself (`support` unless `supporte`: one stem) would cancel
    // every match.
    let alone = match &mode {
        Mode::Stem(s) => Some(vec![s.clone()]),
        Mode::Phrase(p) => Some(p.clone()),
        _ => None,
    };
    if let Some(p) = unless.iter().find(|u| Some(*u) == alone.as_ref()) {
        return Err(format!(
            "in term {table}, unless {:?} reads as the term itself (same stems) and would cancel every match",
            p.join(" ")
        ));
    }
    Ok(term(&text, mode, unless, needs))
}
