//! A comment's language, when its export does not say: a vote of English and French function
//! words, plus French diacritics. Short or mixed comments with no clear majority stay undecided;
//! the caller then looks elsewhere (a `--lang` default) or matches both lexicons.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Lang;

/// Words that are common in one language and absent from the other's ordinary text. Words both
/// languages use (`a`, `on`, `me`, `plus`, `photo`…) are left out: they say nothing.
const EN: [&str; 64] = [
    "the", "and", "is", "it", "to", "of", "was", "are", "not", "but", "for", "with", "this",
    "that", "you", "they", "very", "too", "have", "has", "had", "my", "i", "we", "be", "so",
    "just", "would", "could", "should", "no", "do", "does", "did", "your", "their", "our", "which",
    "in", "at", "from", "or", "if", "when", "what", "there", "been", "were", "will", "can", "all",
    "more", "than", "really", "always", "never", "get", "got", "much", "them", "its", "because",
    "about", "by",
];

const FR: [&str; 64] = [
    "le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "pas", "très", "tres", "trop",
    "pour", "avec", "mais", "que", "qui", "je", "il", "elle", "nous", "vous", "ils", "sur", "dans",
    "au", "aux", "ne", "rien", "bien", "ça", "ca", "cette", "ces", "mon", "ma", "mes", "notre",
    "votre", "vos", "leur", "sont", "était", "etait", "été", "ete", "fait", "peu", "beaucoup",
    "toujours", "jamais", "aussi", "encore", "quand", "parce", "vraiment", "avoir", "être", "etre",
    "chez", "sans", "où",
];

static WORDS: LazyLock<HashMap<&'static str, Lang, foldhash::fast::FixedState>> =
    LazyLock::new(|| {
        let en = EN.iter().map(|w| (*w, Lang::En));
        en.chain(FR.iter().map(|w| (*w, Lang::Fr))).collect()
    });

/// The vote of one lower-cased word: a function word of one language, or a French diacritic.
pub fn word_vote(word: &str) -> Option<Lang> {
    match WORDS.get(word) {
        Some(&lang) => Some(lang),
        None if !word.is_ascii() && word.chars().any(|c| "éèêàâçùûôîïëœ".contains(c)) => {
            Some(Lang::Fr)
        }
        None => None,
    }
}

/// The language with most votes, or `None` on a tie.
pub fn majority(votes: impl Iterator<Item = Option<Lang>>) -> Option<Lang> {
    let (mut en, mut fr) = (0u32, 0u32);
    for v in votes {
        match v {
            Some(Lang::En) => en += 1,
            Some(Lang::Fr) => fr += 1,
            None => {}
        }
    }
    match en.cmp(&fr) {
        std::cmp::Ordering::Greater => Some(Lang::En),
        std::cmp::Ordering::Less => Some(Lang::Fr),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn vote(text: &str) -> Option<Lang> {
        majority(tokenize(text).iter().map(|t| word_vote(&t.word)))
    }

    #[test]
    fn function_words_and_accents_decide() {
        assert_eq!(vote("Trop cher pour ce que c'est"), Some(Lang::Fr));
        assert_eq!(
            vote("it keeps crashing and the support is slow"),
            Some(Lang::En)
        );
        assert_eq!(vote("Prix élevés"), Some(Lang::Fr));
        assert_eq!(vote("bug"), None);
        assert_eq!(
            vote("Great café and friendly staff, it was cheap"),
            Some(Lang::En)
        );
    }
}
