//! The text pipeline shared by every command that reads comments: words with their byte spans,
//! lower-cased, apostrophes unified, English `n't` and contractions and French elisions
//! expanded, stemmed with Snowball in the comment's language, then folded to ASCII.
//!
//! Promises:
//! - Nothing is removed: stop words stay ("not", "too", "trop", "pas" carry the meaning a theme
//!   or an intent hangs on), so a phrase in a themes file matches the words as written.
//! - Every token points back at the bytes of the original comment it came from (`start..end`),
//!   so a match can be shown, quoted or highlighted.
//! - Stemming happens before accent folding (the French Snowball stemmer reads accents), and the
//!   same function prepares a themes file's terms and a comment's words, so both sides always
//!   agree.

mod accents;
pub mod language;

use std::borrow::Cow;

use compact_str::CompactString;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The languages the pipeline stems and the built-in lexicon covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Both languages, in the order every output lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// Read a language code or tag as exports write it (`en`, `EN-us`, `fr_CA`, `French`,
    /// `français`); `None` for anything else.
    pub fn parse(text: &str) -> Option<Lang> {
        // The codes nps writes itself come back often (`nps risk` reads one per response).
        match text {
            "en" => return Some(Lang::En),
            "fr" => return Some(Lang::Fr),
            "" | "und" => return None,
            _ => {}
        }
        let t = text.trim().to_lowercase();
        let head = t.split(['-', '_', ' ']).next().unwrap_or("");
        match head {
            "en" | "eng" | "english" | "anglais" => Some(Lang::En),
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Some(Lang::Fr),
            _ => None,
        }
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Lang::En => Algorithm::English,
            Lang::Fr => Algorithm::French,
        }
    }
}

/// One word of a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the original text.
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
    /// Lower-cased, with elisions and `n't` expanded (`l'` → `le`, `n't` → `not`).
    pub word: CompactString,
}

impl Token {
    /// The word folded to ASCII (`élevés` → `eleves`), computed when asked for: most of the
    /// time a word's folded form comes from the tagger's cache of words.
    pub fn folded(&self) -> Cow<'_, str> {
        fold(&self.word)
    }
}

/// Characters that people and keyboards use as an apostrophe.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '´' | '`' | '′')
}

/// French elided words and what they stand for.
const ELISIONS: [(&str, &str); 12] = [
    ("l", "le"),
    ("d", "de"),
    ("j", "je"),
    ("qu", "que"),
    ("n", "ne"),
    ("c", "ce"),
    ("s", "se"),
    ("m", "me"),
    ("t", "te"),
    ("jusqu", "jusque"),
    ("lorsqu", "lorsque"),
    ("puisqu", "puisque"),
];

/// Split `text` into words. A word is a run of letters and digits; an apostrophe inside a run
/// splits it, expanding a French elision before it (`l'appli` → `le`, `appli`), an English
/// `n't` (`doesn't` → `does`, `not`; `can't` → `can`, `not`; `won't` → `will`, `not`; the same
/// written without the apostrophe, [`NT_UNMARKED`]: `doesnt`, `cant`) or an
/// English contraction after it (`would've` → `would`, `have`; `I'd` → `i`, `would`).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut chars = text.char_indices().peekable();
    // The parts of one run, reused from run to run.
    let mut parts: Vec<(usize, usize)> = Vec::with_capacity(4);
    while let Some(&(start, c)) = chars.peek() {
        if !c.is_alphanumeric() {
            chars.next();
            continue;
        }
        // One run: alphanumerics, with single apostrophes between them.
        parts.clear();
        let mut part_start = start;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            // A combining mark belongs to its letter (decomposed text: `e` + U+0301 is `é`).
            if c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c)) {
                end = i + c.len_utf8();
                chars.next();
            } else if is_apostrophe(c) && end == i {
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&(j, n)) if n.is_alphanumeric() => {
                        parts.push((part_start, end));
                        chars.next();
                        part_start = j;
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        parts.push((part_start, end));
        push_run(text, &parts, &mut tokens);
    }
    tokens
}

fn push_run(text: &str, parts: &[(usize, usize)], tokens: &mut Vec<Token>) {
    // Words are short: a CompactString keeps them inline, without a heap allocation each.
    let lower = |(s, e): (usize, usize)| {
        let slice = &text[s..e];
        if slice.is_ascii() {
            let mut word = CompactString::from(slice);
            word.make_ascii_lowercase();
            word
        } else if is_nfc_quick(slice.chars()) == IsNormalized::Yes {
            CompactString::from(slice.to_lowercase())
        } else {
            // Composed, so that stems and folded words are those of the composed spelling; the
            // span stays the text as written.
            CompactString::from(slice.nfc().collect::<String>().to_lowercase())
        }
    };
    let n = parts.len();
    for (k, &part) in parts.iter().enumerate() {
        let word = lower(part);
        // English `n't`: the part before ends in `n`, this part is `t`.
        if k + 1 < n && lower(parts[k + 1]) == "t" && word.ends_with('n') && word.len() > 1 {
            let cut = part.1 - 1;
            tokens.push(token(part.0, cut, nt_base(&word[..word.len() - 1]).into()));
            tokens.push(token(cut, parts[k + 1].1, "not".into()));
            return push_run(text, &parts[k + 2..], tokens);
        }
        // The same written without its apostrophe, as comments often are ("doesnt", "cant");
        // "dont" only after a word that makes it English ("I dont", "please dont") or first in
        // its sentence ("Dont buy it").
        let dont = word == "dont"
            && match tokens.last() {
                Some(t) if DONT_AFTER.contains(&t.word.as_str()) => true,
                Some(t) if !text[t.end..part.0].contains(['.', '!', '?', '\n']) => false,
                // First in its sentence: English unless a count follows ("Dont 2 cassés",
                // "Dont un en retard").
                _ => !french_dont(&text[part.1..]),
            };
        if k + 1 == n && (NT_UNMARKED.contains(&word.as_str()) || dont) {
            let cut = part.1 - 2;
            tokens.push(token(part.0, cut, nt_base(&word[..word.len() - 2]).into()));
            tokens.push(token(cut, part.1, "not".into()));
            continue;
        }
        if k + 1 < n {
            if let Some(&(_, full)) = ELISIONS.iter().find(|(e, _)| *e == word) {
                // The span covers the apostrophe too: `l'` as written.
                tokens.push(token(part.0, parts[k + 1].0, full.into()));
                continue;
            }
        }
        // English contractions after an apostrophe: `would've`, `it'll`, `they're`, `I'm`,
        // `I'd` (`'d` read as "would": "I'd love", "it'd be nice"; "had" cues nothing).
        let word = match word.as_str() {
            "ve" if k > 0 => "have".into(),
            "ll" if k > 0 => "will".into(),
            "re" if k > 0 => "are".into(),
            "m" if k > 0 => "am".into(),
            "d" if k > 0 => "would".into(),
            _ => word,
        };
        tokens.push(token(part.0, part.1, word));
    }
}

/// English `n't` words written without the apostrophe, expanded like those with it. Not
/// "dont", which is also a French word ("ce dont j'ai besoin"); "cant" and "wont" are rare as
/// English words of their own.
const NT_UNMARKED: [&str; 18] = [
    "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "hasnt", "havent", "hadnt", "wouldnt",
    "shouldnt", "couldnt", "mustnt", "neednt", "cant", "wont", "aint", "shant",
];

/// The words after which "dont" is English `don't`: a subject or a word that leads an
/// imperative ("I dont", "people dont", "please dont", "just dont"); so is a "dont" that starts
/// a sentence. French "dont" follows a noun or a pronoun ("ce dont", "la façon dont", "dix colis
/// dont trois"), never these.
const DONT_AFTER: [&str; 16] = [
    "i", "you", "we", "they", "u", "ya", "people", "ppl", "please", "pls", "just", "still",
    "really", "simply", "honestly", "why",
];

/// Whether the words after a "dont" that starts a sentence make it French: a number or a
/// determiner follows ("Dont 2 cassés", "Dont un en retard", "Dont la moitié").
fn french_dont(after: &str) -> bool {
    const COUNTS: [&str; 16] = [
        "un",
        "une",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "le",
        "la",
        "les",
        "l",
        "certains",
        "certaines",
        "plusieurs",
        "beaucoup",
        "moi",
        "notamment",
    ];
    let next = after
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    next.starts_with(|c: char| c.is_ascii_digit()) || COUNTS.contains(&next.as_str())
}

/// The word an `n't` follows, from what is written before it (`does`, `ca` → `can`, `wo` →
/// `will`).
fn nt_base(written: &str) -> &str {
    match written {
        "ca" => "can",
        "wo" => "will",
        "sha" => "shall",
        "ai" => "is",
        other => other,
    }
}

fn token(start: usize, end: usize, word: CompactString) -> Token {
    Token { start, end, word }
}

/// `word` without its diacritics, in ASCII (`é` → `e`, `œ` → `oe`).
pub fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(deunicode::deunicode(word).to_lowercase())
    }
}

/// Snowball stemmers for both languages, built once.
pub struct Stemmers {
    en: Stemmer,
    fr: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            en: Stemmer::create(Lang::En.algorithm()),
            fr: Stemmer::create(Lang::Fr.algorithm()),
        }
    }
}

impl Stemmers {
    /// The stem of a lower-cased word in `lang`, folded to ASCII after stemming. A French word
    /// typed without accents gets back those it certainly lost first ([`with_accents`]).
    pub fn stem(&self, lang: Lang, word: &str) -> String {
        let word = with_accents(lang, word);
        let stem = match lang {
            Lang::En => self.en.stem(&word),
            Lang::Fr => match french_override(&word) {
                Some(stem) => Cow::Borrowed(stem),
                None => self.fr.stem(&word),
            },
        };
        fold(&stem).into_owned()
    }
}

/// A lower-cased word of `lang` as written, with the accents it certainly lost when typed
/// without them (French only: "livree" → "livrée", "tres" → "très"; see `accents`). Stems and
/// `exact` terms read words through it, on both sides: comments and themes files.
pub fn with_accents(lang: Lang, word: &str) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(word),
        Lang::Fr => accents::restore(word),
    }
}

/// French words whose Snowball stem is another, common word's (Lucene's `StemmerOverrideFilter`
/// does the same): "fraises" would read as "frais" (fees: "des fraises" as "des frais"),
/// "terrasse" as "terre" (its "-asse" taken for a verb's ending: "pommes de terre" as a
/// terrace), "cassis" as "casse" (breaks), "céleri" as "célérité" (speed), "abordable" as
/// "d'abord". Found on real restaurant reviews (SemEval-2016, fixtures/themes/README.md).
fn french_override(word: &str) -> Option<&'static str> {
    Some(match word {
        "fraise" | "fraises" => "fraise",
        "terrasse" | "terrasses" => "terrass",
        "cassis" => "cassis",
        "céleri" | "céleris" | "celeri" | "celeris" => "celeri",
        "abordable" | "abordables" => "abordabl",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .map(|t| t.word.to_string())
            .collect()
    }

    #[test]
    fn decomposed_letters_are_one_word_as_written() {
        // "Déçu, très" with each accent a combining mark after its letter (NFD).
        let text = "De\u{301}c\u{327}u, tre\u{300}s";
        let tokens = tokenize(text);
        assert_eq!(words(text), ["déçu", "très"]);
        assert_eq!(
            (tokens[0].start, tokens[0].end),
            (0, 8),
            "the span is the text as written"
        );
        assert_eq!(&text[tokens[1].start..tokens[1].end], "tre\u{300}s");
    }

    #[test]
    fn english_contractions_are_expanded() {
        assert_eq!(
            words("Would've been nice, I'd love it, it'll help, they're slow, I'm out"),
            [
                "would", "have", "been", "nice", "i", "would", "love", "it", "it", "will", "help",
                "they", "are", "slow", "i", "am", "out"
            ]
        );
        // Only after an apostrophe: the same letters as a word of their own stay; so does French.
        assert_eq!(words("ve ll re m d"), ["ve", "ll", "re", "m", "d"]);
        assert_eq!(
            words("aujourd'hui l'appli"),
            ["aujourd", "hui", "le", "appli"]
        );
    }

    #[test]
    fn elisions_and_negations_are_expanded_with_their_spans() {
        assert_eq!(words("L’appli plante"), ["le", "appli", "plante"]);
        assert_eq!(
            words("qu'il n'y a jusqu'à"),
            ["que", "il", "ne", "y", "a", "jusque", "à"]
        );
        assert_eq!(
            words("It doesn't work, I can't log in, won't"),
            ["it", "does", "not", "work", "i", "can", "not", "log", "in", "will", "not"]
        );
        // Written without the apostrophe, as comments often are; "dont" is a French word too.
        assert_eq!(
            words("It doesnt work, I CANT log in, wont sync, ce dont"),
            [
                "it", "does", "not", "work", "i", "can", "not", "log", "in", "will", "not", "sync",
                "ce", "dont"
            ]
        );
        assert_eq!(
            words("I dont like it, please dont, la façon dont. Dont buy"),
            [
                "i", "do", "not", "like", "it", "please", "do", "not", "la", "façon", "dont", "do",
                "not", "buy"
            ]
        );
        assert_eq!(
            words("Cinq articles. Dont 2 cassés. Dont un en retard"),
            ["cinq", "articles", "dont", "2", "cassés", "dont", "un", "en", "retard"]
        );
        let text = "it didnt";
        let spans: Vec<&str> = tokenize(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(spans, ["it", "did", "nt"]);
        let t = tokenize("l'appli doesn't");
        let text = "l'appli doesn't";
        let spans: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(spans, ["l'", "appli", "does", "n't"]);
    }

    #[test]
    fn apostrophes_outside_words_and_punctuation_split() {
        assert_eq!(
            words("'quoted' — rock&roll, e-mail"),
            ["quoted", "rock", "roll", "e", "mail"]
        );
        assert_eq!(words("PRIX élevés!!"), ["prix", "élevés"]);
        assert_eq!(tokenize("PRIX élevés")[1].folded(), "eleves");
    }

    #[test]
    fn french_words_that_stem_like_another_word_keep_their_own_stem() {
        let s = Stemmers::default();
        for (a, b) in [
            ("fraises", "frais"),
            ("terrasse", "terre"),
            ("cassis", "casse"),
            ("céleri", "célérité"),
            ("abordable", "abord"),
        ] {
            assert_ne!(s.stem(Lang::Fr, a), s.stem(Lang::Fr, b), "{a} / {b}");
        }
        // Their own forms still meet.
        assert_eq!(s.stem(Lang::Fr, "fraise"), s.stem(Lang::Fr, "fraises"));
        assert_eq!(s.stem(Lang::Fr, "terrasse"), s.stem(Lang::Fr, "terrasses"));
        assert_eq!(
            s.stem(Lang::Fr, "abordable"),
            s.stem(Lang::Fr, "abordables")
        );
        // English is untouched.
        assert_eq!(s.stem(Lang::En, "terrasse"), "terrass");
    }

    #[test]
    fn stems_fold_accents_after_stemming() {
        let s = Stemmers::default();
        assert_eq!(s.stem(Lang::Fr, "élevés"), s.stem(Lang::Fr, "élevé"));
        assert_eq!(s.stem(Lang::Fr, "chers"), "cher");
        assert_eq!(s.stem(Lang::Fr, "chère"), "cher");
        assert_ne!(s.stem(Lang::Fr, "cherche"), "cher");
        assert_eq!(s.stem(Lang::En, "crashing"), s.stem(Lang::En, "crashes"));
        assert_eq!(s.stem(Lang::En, "prices"), s.stem(Lang::En, "price"));
    }

    #[test]
    fn language_tags_are_read_as_exports_write_them() {
        assert_eq!(Lang::parse("EN-us"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("Français"), Some(Lang::Fr));
        assert_eq!(Lang::parse("de"), None);
    }
}
