//! Themes files: the TOML format users write and the built-in lexicon is written in, read into a
//! [`Lexicon`] whose terms are prepared by the text pipeline exactly as comments are.
//!
//! ```toml
//! [price]                                   # the theme's key: a-z, 0-9, _
//! label = { en = "Price", fr = "Prix" }
//! question = { en = "What would make it worth the price?", fr = "…" }
//! en = ["price", "expensive", "overpric*", "value for money", { word = "sale" }]
//! fr = ["prix", "cher", { stem = "cher", unless = ["cher client"] }]
//! any = [{ regex = "\\b\\d+ ?€" }]          # terms for both languages
//! ```
//!
//! A term is a string or a table. A string of one word matches by stem (`expensive` matches
//! "expensive"; `prices` matches "price"), one ending in `*` by prefix of the folded word or its
//! stem, one of several words as a phrase (the words in sequence, each by stem; a `*` of its own
//! between them is any one word: "wish the * had", unless "our * team"). A table names its
//! mode — `stem`, `prefix`, `word` (the exact word, accents folded), `exact` (the exact word,
//! accents kept: `livré` is not `livre`), `phrase`, `regex` (on the comment, ignoring case,
//! accents kept; avoid `\b`, which makes every comment go through the slow matching engine) —
//! and may add `unless` (phrases that cancel the term where they overlap it: `accueil` unless
//! `page d'accueil`) and `needs` (`"judgement"`: a praise, problem or request cue in its
//! sentence, a few words away — "the menu" alone is not a theme; `"opinion"`: the same without
//! requests — "il manque un plat" asks for a dish, it does not judge one; `"request"`: the
//! comment must ask for something or report a problem). Terms of one theme that reduce to the
//! same stem are one term: their exclusions apply to all of them. A stem or phrase term with
//! accents also matches its spelling without them, when that stems otherwise ("tres long" for
//! "très long": `term::unaccented`). `{ combine = [["great", "poor"], ["kettle", "washing
//! machine"]] }` stands for every phrase made of one entry of each list in order ("great
//! kettle", "great washing machine", "poor kettle", "poor washing machine"), each with the
//! table's `unless` and `needs`: a judgement before a thing, without writing out pairs.
//!
//! A theme may also say `yields_to = ["delivery"]`: its matches do not count in a clause (a
//! sentence, or the part of one after "but" / "mais") where a theme it yields to matched too.
//! The built-in `speed` yields to `delivery`, because a delivery time is about the delivery
//! ("waited three weeks for the parcel"), while a wait anywhere else is about speed.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::Error;
use crate::text::{Lang, Stemmers};

use super::term::{combinations, compile, unaccented};
pub use super::term::{Mode, Needs, Term, ANY_WORD};

/// The built-in lexicon, in the same format users write (`nps themes --print-themes`).
pub const BUILTIN: &str = include_str!("builtin.toml");

/// One theme: its key, labels and follow-up questions in both languages.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The stable key every output uses (`price`).
    pub key: String,
    /// Its label per language.
    pub label: BTreeMap<Lang, String>,
    /// Its follow-up question per language.
    pub question: BTreeMap<Lang, String>,
    /// The keys of the themes it gives way to within a clause (`yields_to`).
    pub yields_to: Vec<String>,
    /// A marker stands apart from the themes it qualifies: its matches and theirs never remove
    /// each other ([`super::matcher::longest_win`]). The churn reader sets it for its marker
    /// tables, so that the condition "one more outage and I cancel" leaves "cancel" standing;
    /// a themes file cannot.
    pub marker: bool,
}

impl Theme {
    /// The label in `lang`, else in the other language, else the key.
    pub fn label(&self, lang: Lang) -> &str {
        self.label
            .get(&lang)
            .or_else(|| self.label.values().next())
            .map_or(&self.key, String::as_str)
    }
}

/// Themes and their terms, ready to match.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// The themes, in file order.
    pub themes: Vec<Theme>,
    /// Every term of every theme, one per language it is matched in.
    pub terms: Vec<Term>,
    /// Where each stem term is in `terms`, by theme, language and stem: a term that reduces to
    /// an earlier one's stem joins it ([`Lexicon::push`]; a scan of every term for each made
    /// building the built-in lexicon quadratic).
    stem_at: HashMap<(usize, Lang, String), usize>,
}

/// Where a themes file came from, for error messages.
fn origin(path: Option<&Path>) -> String {
    path.map_or_else(|| "the built-in themes".into(), |p| p.display().to_string())
}

impl Lexicon {
    /// The built-in lexicon.
    pub fn builtin(stemmers: &Stemmers) -> Lexicon {
        let mut lexicon = Lexicon::default();
        // The built-in file is tested to parse (`builtin_themes_parse`), so this cannot fail.
        if let Err(e) = lexicon.add_file(BUILTIN, None, stemmers) {
            panic!("the built-in themes do not parse: {e}");
        }
        lexicon
    }

    /// Add the themes of a file: a theme with a new key is appended, one with a known key gains
    /// its terms (and its label and question, where given).
    pub fn add_file(
        &mut self,
        text: &str,
        path: Option<&Path>,
        stemmers: &Stemmers,
    ) -> Result<(), Error> {
        let bad = |what: String| Error::usage(format!("{}: {what}", origin(path)));
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            bad(format!("not a valid themes file: {}", e.message().trim()))
        })?;
        for (key, value) in &table {
            let Some(body) = value.as_table() else {
                return Err(bad(format!(
                    "{key:?} is not a theme: every top-level entry is a table such as [{key}] with label, question, en, fr or any"
                )));
            };
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(bad(format!(
                    "theme key {key:?} may only hold a-z, 0-9 and _ (it names the theme in every output)"
                )));
            }
            let index = match self.themes.iter().position(|t| &t.key == key) {
                Some(i) => i,
                None => {
                    self.themes.push(Theme {
                        key: key.clone(),
                        label: BTreeMap::new(),
                        question: BTreeMap::new(),
                        yields_to: Vec::new(),
                        marker: false,
                    });
                    self.themes.len() - 1
                }
            };
            let before = self.terms.len();
            for (field, value) in body {
                let at = |what: String| bad(format!("theme {key:?}, {field}: {what}"));
                match field.as_str() {
                    "label" | "question" => {
                        let texts = per_language(value).map_err(at)?;
                        let theme = &mut self.themes[index];
                        let slot = if field == "label" {
                            &mut theme.label
                        } else {
                            &mut theme.question
                        };
                        slot.extend(texts);
                    }
                    "en" | "fr" | "any" => {
                        let langs: &[Lang] = match field.as_str() {
                            "en" => &[Lang::En],
                            "fr" => &[Lang::Fr],
                            _ => &Lang::ALL,
                        };
                        let Some(list) = value.as_array() else {
                            return Err(at("must be a list of terms".into()));
                        };
                        for written in list {
                            for term in combinations(written).map_err(&at)? {
                                let bare = unaccented(&term);
                                for &lang in langs {
                                    let t = compile(&term, index, lang, stemmers).map_err(&at)?;
                                    // Typed without its accents, a word may stem otherwise
                                    // ("tres" is "tre", "très" is "tres"): the term then also
                                    // matches its spelling without them, shown as written.
                                    let twin = bare
                                        .as_ref()
                                        .and_then(|b| compile(b, index, lang, stemmers).ok())
                                        .filter(|b| b.mode.stems() != t.mode.stems())
                                        .map(|b| Term {
                                            text: t.text.clone(),
                                            ..b
                                        });
                                    self.push(t);
                                    if let Some(twin) = twin {
                                        self.push(twin);
                                    }
                                }
                            }
                        }
                    }
                    "yields_to" => {
                        let keys = value.as_array().and_then(|list| {
                            list.iter()
                                .map(|k| k.as_str().map(String::from))
                                .collect::<Option<Vec<_>>>()
                        });
                        let keys = keys.ok_or_else(|| {
                            at("must be a list of theme keys such as [\"delivery\"]".into())
                        })?;
                        self.themes[index].yields_to.extend(keys);
                    }
                    other => {
                        return Err(bad(format!(
                            "theme {key:?} has an unknown key {other:?}; a theme holds label, question, en, fr, any and yields_to"
                        )))
                    }
                }
            }
            let has_terms = self.terms.iter().any(|t| t.theme == index);
            if self.terms.len() == before && !has_terms {
                return Err(bad(format!(
                    "theme {key:?} has no terms; give it en, fr or any terms"
                )));
            }
        }
        for theme in &self.themes {
            if let Some(unknown) = theme
                .yields_to
                .iter()
                .find(|k| **k == theme.key || !self.themes.iter().any(|t| &t.key == *k))
            {
                return Err(bad(format!(
                    "theme {:?}, yields_to: {unknown:?} {}; name another theme, of this file or of the built-in ones",
                    theme.key,
                    if *unknown == theme.key { "is the theme itself" } else { "is no theme" }
                )));
            }
        }
        Ok(())
    }

    /// Per theme, the themes it gives way to: a match of the theme does not count in a clause
    /// where one of them matched too ("waited three weeks for the parcel" is delivery, not speed).
    pub fn yields(&self) -> Vec<Vec<usize>> {
        self.themes
            .iter()
            .map(|theme| {
                theme
                    .yields_to
                    .iter()
                    .filter_map(|k| self.themes.iter().position(|t| &t.key == k))
                    .collect()
            })
            .collect()
    }

    /// Add a term. Forms of one word share a stem (`accueil`, `accueilli`, `accueillant`): a
    /// stem term equal to an earlier one of the same theme and language is the same term, so
    /// it joins that one and their `unless` exclusions apply to both.
    fn push(&mut self, term: Term) {
        if let Mode::Stem(stem) = &term.mode {
            match self.stem_at.entry((term.theme, term.lang, stem.clone())) {
                Entry::Occupied(at) => {
                    self.terms[*at.get()].unless.extend(term.unless);
                    return;
                }
                Entry::Vacant(slot) => {
                    slot.insert(self.terms.len());
                }
            }
        }
        self.terms.push(term);
    }

    /// Read a themes file from disk and add it.
    pub fn add_path(&mut self, path: &Path, stemmers: &Stemmers) -> Result<(), Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!(
                "--themes {}: cannot read it ({e}); give a readable TOML themes file",
                path.display()
            ))
        })?;
        self.add_file(&text, Some(path), stemmers)
    }
}

fn per_language(value: &toml::Value) -> Result<Vec<(Lang, String)>, String> {
    let Some(table) = value.as_table() else {
        return Err("must be a table such as { en = \"…\", fr = \"…\" }".into());
    };
    table
        .iter()
        .map(|(lang, text)| {
            let lang = match lang.as_str() {
                "en" => Lang::En,
                "fr" => Lang::Fr,
                other => return Err(format!("unknown language {other:?} (en or fr)")),
            };
            let text = text
                .as_str()
                .ok_or_else(|| format!("the {} text must be a string", lang.code()))?;
            Ok((lang, text.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(text: &str) -> Result<Lexicon, String> {
        let mut l = Lexicon::default();
        l.add_file(text, Some(Path::new("ours.toml")), &Stemmers::default())
            .map(|()| l)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn builtin_themes_parse() {
        let l = Lexicon::builtin(&Stemmers::default());
        for key in [
            "price",
            "support",
            "quality",
            "bugs",
            "speed",
            "ease_of_use",
            "features",
            "range",
            "delivery",
            "documentation",
            "integrations",
            "ambience",
        ] {
            let i = l.themes.iter().position(|t| t.key == key);
            let i = i.unwrap_or_else(|| panic!("no theme {key}"));
            let theme = &l.themes[i];
            for lang in Lang::ALL {
                assert!(theme.label.contains_key(&lang), "{key} label {lang:?}");
                assert!(
                    theme.question.contains_key(&lang),
                    "{key} question {lang:?}"
                );
                assert!(
                    l.terms.iter().any(|t| t.theme == i && t.lang == lang),
                    "{key} has no {lang:?} terms"
                );
            }
        }
    }

    #[test]
    fn plain_terms_become_stems_prefixes_and_phrases() {
        let l = lexicon("[p]\nen = [\"prices\", \"overpric*\", \"value for money\"]\n").unwrap();
        assert!(matches!(&l.terms[0].mode, Mode::Stem(s) if s == "price"));
        assert!(matches!(&l.terms[1].mode, Mode::Prefix(s) if s == "overpric"));
        assert!(matches!(&l.terms[2].mode, Mode::Phrase(p) if p.len() == 3));
    }

    #[test]
    fn combine_stands_for_every_phrase_of_one_entry_per_list() {
        let l = lexicon(
            "[q]\nen = [{ combine = [[\"great\", \"poor\"], [\"kettle\", \"washing machine\"]], needs = \"judgement\", unless = [\"great kettle race\"] }]\n",
        )
        .unwrap();
        let written: Vec<&str> = l.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            written,
            [
                "great kettle",
                "great washing machine",
                "poor kettle",
                "poor washing machine"
            ]
        );
        assert!(l.terms.iter().all(|t| matches!(&t.mode, Mode::Phrase(_))
            && t.needs == Needs::Judgement
            && t.unless.len() == 1));
        for bad in [
            "{ combine = [[\"great\"]] }",
            "{ combine = [[\"great\"], []] }",
            "{ combine = [[\"great\"], [1]] }",
            "{ combine = \"great kettle\" }",
        ] {
            let e = lexicon(&format!("[q]\nen = [{bad}]\n")).unwrap_err();
            assert!(
                e.contains("ours.toml") && e.contains("combine must be"),
                "{e}"
            );
        }
        let e =
            lexicon("[q]\nen = [{ combine = [[\"a\"], [\"b\"]], word = \"c\" }]\n").unwrap_err();
        assert!(e.contains("two modes"), "{e}");
        let words: Vec<String> = (0..101).map(|i| format!("\"w{i}\"")).collect();
        let list = format!("[{}]", words.join(", "));
        let e = lexicon(&format!("[q]\nen = [{{ combine = [{list}, {list}] }}]\n")).unwrap_err();
        assert!(e.contains("more than 10000 phrases"), "{e}");
    }

    #[test]
    fn a_star_of_its_own_is_any_word_and_only_between_words() {
        let l = lexicon(
            "[p]\nen = [\"wish the * had\", { word = \"team\", unless = [\"our * team\"] }]\n",
        )
        .unwrap();
        assert!(matches!(&l.terms[0].mode, Mode::Phrase(p) if p[2] == ANY_WORD && p.len() == 4));
        assert_eq!(l.terms[1].unless[0][1], ANY_WORD);
        for bad in [
            "\"wish the *\"",
            "\"* had\"",
            "{ word = \"team\", unless = [\"our *\"] }",
        ] {
            let e = lexicon(&format!("[p]\nen = [{bad}]\n")).unwrap_err();
            assert!(e.contains("starts or ends with *"), "{e}");
        }
        let e = lexicon("[p]\nen = [\"over pric*\"]\n").unwrap_err();
        assert!(e.contains("no spaces before the *"), "{e}");
    }

    #[test]
    fn errors_name_the_file_the_theme_and_the_term() {
        for empty in ["", "x*", "(a|)"] {
            let e = lexicon(&format!("[p]\nen = [{{ regex = {empty:?} }}]\n")).unwrap_err();
            assert!(e.contains("matches empty text"), "{e}");
        }
        let e = lexicon("[p]\nen = [{ regex = \"(\" }]\n").unwrap_err();
        assert!(!e.contains('\n') && e.contains("unclosed group"), "{e}");
        assert!(
            e.contains("ours.toml") && e.contains("\"p\"") && e.contains("bad regex"),
            "{e}"
        );
        let e = lexicon("[p]\nterms = [\"x\"]\n").unwrap_err();
        assert!(e.contains("unknown key \"terms\""), "{e}");
        let e = lexicon("[p]\nlabel = { en = \"P\" }\n").unwrap_err();
        assert!(e.contains("theme \"p\" has no terms"), "{e}");
        let e = lexicon("[p]\nen = [\"x\"]\nyields_to = [\"delivry\"]\n").unwrap_err();
        assert!(
            e.contains("ours.toml") && e.contains("\"p\", yields_to") && e.contains("\"delivry\""),
            "{e}"
        );
        let e = lexicon("[p]\nen = [\"x\"]\nyields_to = [\"p\"]\n").unwrap_err();
        assert!(e.contains("is the theme itself"), "{e}");
        let e = lexicon("[p]\nen = [\"x\"]\nyields_to = \"q\"\n").unwrap_err();
        assert!(e.contains("list of theme keys"), "{e}");
        let e = lexicon("[Price]\nen = [\"x\"]\n").unwrap_err();
        assert!(e.contains("a-z, 0-9"), "{e}");
        let e = lexicon("[p]\nen = [{ word = \"a\", stem = \"b\" }]\n").unwrap_err();
        assert!(e.contains("two modes"), "{e}");
        let e = lexicon("[p]\nen = [{ word = \"a\", needs = \"maybe\" }]\n").unwrap_err();
        assert!(e.contains("needs is \"maybe\""), "{e}");
        assert!(
            e.contains("\"judgement\", \"opinion\" or \"request\""),
            "{e}"
        );
        let l = lexicon("[p]\nen = [{ word = \"a\", needs = \"opinion\" }]\n").unwrap();
        assert_eq!(l.terms[0].needs, Needs::Opinion);
    }

    #[test]
    fn a_known_key_gains_terms() {
        let stemmers = Stemmers::default();
        let mut l = Lexicon::builtin(&stemmers);
        let (themes, terms) = (l.themes.len(), l.terms.len());
        l.add_file("[price]\nen = [\"quid\"]\n", None, &stemmers)
            .unwrap();
        assert_eq!((l.themes.len(), l.terms.len()), (themes, terms + 1));
    }
}
