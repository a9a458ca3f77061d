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
    let (en, fr) = tally(votes);
    match en.cmp(&fr) {
        std::cmp::Ordering::Greater => Some(Lang::En),
        std::cmp::Ordering::Less => Some(Lang::Fr),
        std::cmp::Ordering::Equal => None,
    }
}

/// The language with a clear majority: at least three votes, twice as many as the other's
/// (enough for one comment's words to overrule a language column).
pub fn clear_majority(votes: impl Iterator<Item = Option<Lang>>) -> Option<Lang> {
    match tally(votes) {
        (en, fr) if en >= 3 && en >= 2 * fr => Some(Lang::En),
        (en, fr) if fr >= 3 && fr >= 2 * en => Some(Lang::Fr),
        _ => None,
    }
}

/// English and French votes.
fn tally(votes: impl Iterator<Item = Option<Lang>>) -> (u32, u32) {
    votes.fold((0, 0), |(en, fr), v| match v {
        Some(Lang::En) => (en + 1, fr),
        Some(Lang::Fr) => (en, fr + 1),
        None => (en, fr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn vote(text: &str) -> Option<Lang> {
        majority(tokenize(text).iter().map(|t| word_vote(&t.word)))
    }

    #[test]
    fn a_clear_majority_needs_three_votes_and_twice_the_other() {
        let votes = |en: usize, fr: usize| {
            let v = [
                vec![Some(Lang::En); en],
                vec![Some(Lang::Fr); fr],
                vec![None; 2],
            ];
            clear_majority(v.concat().into_iter())
        };
        assert_eq!(votes(3, 0), Some(Lang::En));
        assert_eq!(votes(2, 0), None, "two votes are not enough");
        assert_eq!(votes(4, 2), Some(Lang::En));
        assert_eq!(votes(5, 3), None, "not twice the other's");
        assert_eq!(votes(1, 3), Some(Lang::Fr));
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
