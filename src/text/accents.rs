//! French typed without accents, read as if it had them — only where the accent is certain and
//! Snowball would otherwise stem the word apart from its accented spelling.
//!
//! The French stemmer reads accents: "livrée" stems as `livr` but "livree" as `livre` (a book),
//! "très" as `tres` but "tres" as `tre`, "qualité" as `qualit` and "activité" as `activ` but
//! "activite" as `activit`. Survey comments are often typed without accents (phones, foreign
//! keyboards, haste): of the 1,801 accented French words of four or more letters in the theme
//! fixtures and SemEval's French reviews, 366 stem apart from their spelling without accents.
//!
//! So a French word written in plain ASCII gets its accents back before stemming, by rules that
//! hold for the French vocabulary rather than a dictionary:
//! - a closed list of invariable words whose accent carries the stem ("tres", "apres", "acces",
//!   "deja", "connait"…);
//! - `-ee`, `-ees` → `-ée`, `-ées` (no French word ends in an unaccented "ee");
//! - `-ere`, `-eres`, `-ierement` → `-ère`, `-ères`, `-ièrement` ("premiere", "derniere",
//!   "regulierement");
//! - `-oye`, `-oyes` → `-oyé`, `-oyés` ("envoye", "employe");
//! - the abstract nouns in `-ité` whose ending is unambiguous ("qualite", "activite",
//!   "fiabilite", "securite", "societe"); endings shared with words that have no accent ("vite",
//!   "limite", "interdite", "favorite", "gratuite") are left alone.
//!
//! A word that had no accent to begin with is left as it is whenever a rule could be wrong: a
//! restored accent that was never there would move a correct stem.

use std::borrow::Cow;

/// Invariable words, written without their accent, and as they are written.
const WORDS: &[(&str, &str)] = &[
    ("abces", "abcès"),
    ("acces", "accès"),
    ("apparait", "apparaît"),
    ("apres", "après"),
    ("aupres", "auprès"),
    ("connait", "connaît"),
    ("deces", "décès"),
    ("deja", "déjà"),
    ("deplait", "déplaît"),
    ("disparait", "disparaît"),
    ("exces", "excès"),
    ("expres", "exprès"),
    ("parait", "paraît"),
    ("plait", "plaît"),
    ("pres", "près"),
    ("proces", "procès"),
    ("progres", "progrès"),
    ("reconnait", "reconnaît"),
    ("succes", "succès"),
    ("tres", "très"),
    ("voila", "voilà"),
];

/// Endings of abstract nouns in `-ité` that no unaccented French word shares (the letters
/// before "ite"): qualite, fiabilite, facilite, activite, publicite, curiosite, securite,
/// popularite, humanite, unite, complexite, integrite, capacite, identite, eternite, proximite,
/// fidelite, rapidite, humidite, solidite, lucidite, avidite, liquidite.
const ITE: &[&str] = &[
    "al", "il", "iv", "ic", "ac", "os", "ur", "ar", "an", "un", "ex", "egr", "ent", "ern", "xim",
    "del", "pid", "mid", "lid", "cid", "vid", "quid",
];

/// Words in `-ite` with one of those endings that are written without an accent.
const ITE_BARE: &[&str] = &["licite", "illicite", "explicite", "implicite"];

/// `word` (lower-cased French) with the accents it certainly lost, or as it is.
pub fn restore(word: &str) -> Cow<'_, str> {
    if !word.is_ascii() || word.len() < 4 {
        return Cow::Borrowed(word);
    }
    if let Some((_, written)) = WORDS.iter().find(|(bare, _)| *bare == word) {
        return Cow::Borrowed(written);
    }
    let (stem, plural) = match word.strip_suffix('s') {
        Some(stem) => (stem, "s"),
        None => (word, ""),
    };
    let swap = |cut: usize, with: &str| Cow::Owned(format!("{}{with}{plural}", &stem[..cut]));
    if let Some(rest) = stem.strip_suffix("ierement") {
        if plural.is_empty() {
            return Cow::Owned(format!("{rest}ièrement"));
        }
    }
    if stem.len() >= 4 && stem.ends_with("ee") {
        return swap(stem.len() - 2, "ée");
    }
    if stem.len() >= 5 && stem.ends_with("ere") {
        return swap(stem.len() - 3, "ère");
    }
    if stem.ends_with("oye") {
        return swap(stem.len() - 1, "é");
    }
    if let Some(rest) = stem
        .strip_suffix("ite")
        .or_else(|| stem.strip_suffix("iete"))
    {
        let noun = stem.ends_with("iete") || ITE.iter().any(|end| rest.ends_with(end));
        if noun && rest.len() >= 2 && !ITE_BARE.contains(&stem) {
            return swap(stem.len() - 1, "é");
        }
    }
    Cow::Borrowed(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Lang, Stemmers};

    #[test]
    fn lost_accents_come_back_where_they_are_certain() {
        let stems = Stemmers::default();
        for (bare, written) in [
            ("tres", "très"),
            ("deja", "déjà"),
            ("livree", "livrée"),
            ("livrees", "livrées"),
            ("journee", "journée"),
            ("premiere", "première"),
            ("dernieres", "dernières"),
            ("regulierement", "régulièrement"),
            ("envoye", "envoyé"),
            ("employes", "employés"),
            ("qualite", "qualité"),
            ("activites", "activités"),
            ("fiabilite", "fiabilité"),
            ("securite", "sécurité"),
            ("societe", "société"),
            ("rapidite", "rapidité"),
            ("unite", "unité"),
            ("capacites", "capacités"),
        ] {
            // What counts is the stem: the same as the word's written with its accents.
            assert_ne!(restore(bare), bare, "{bare}");
            assert_eq!(
                stems.stem(Lang::Fr, bare),
                stems.stem(Lang::Fr, written),
                "{bare}"
            );
        }
    }

    #[test]
    fn words_that_never_had_an_accent_stay() {
        for word in [
            "vite",
            "limite",
            "interdite",
            "favorite",
            "gratuite",
            "visite",
            "ensuite",
            "site",
            "suite",
            "faillite",
            "merite",
            "petite",
            "elite",
            "livre",
            "livres",
            "offerte",
            "haute",
            "des",
            "les",
            "prix",
            "cher",
            "paye",
            "vie",
            "partie",
            "sortie",
            "ere",
            "explicite",
            "implicites",
        ] {
            assert_eq!(restore(word), word);
        }
        // Accented already, or not plain ASCII: as written.
        assert_eq!(restore("très"), "très");
        assert_eq!(restore("livrée"), "livrée");
    }
}
