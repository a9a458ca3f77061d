//! Negation of a churn match (the module above lists the forms): a negator a few words before
//! it in its clause, a counterfactual ("almost", « à deux doigts de ») a little further, French
//! `ne … pas` around it (and spoken French without the `ne`), and a rhetorical question or a
//! question answered no.

use super::SUBJECTS;
use crate::text::{fold, Token};
use crate::themes::{FRENCH_OBJECTS, FRENCH_SUBJECTS, NEGATORS};

/// How many words before a match a negation may stand ("aucune envie d'aller voir ailleurs").
const NEGATION_REACH: usize = 5;

/// How many words before a match a counterfactual may stand: further than a negation, as it
/// governs a whole verb phrase ("j'étais à deux doigts d'envoyer ma lettre de résiliation").
const COUNTERFACTUAL_REACH: usize = 8;

/// Words that, like a negation, say it did not happen ("I almost cancelled", "j'ai failli
/// résilier").
/// "À deux doigts de" is French for "almost".
const COUNTERFACTUALS: [&str; 5] = ["almost", "nearly", "failli", "presque", "doigts"];

/// How many words before a match a rhetorical "why would" may stand ("why would I ever
/// switch?", "pourquoi j'irais ailleurs ?").
const RHETORIC_REACH: usize = 4;

/// Answers that, right after a question about leaving, say no: "Résilier ? Certainement pas",
/// "changer de banque ? Même pas en rêve", "Cancel? No way".
const NO_WAY: [&str; 10] = [
    "certainement pas",
    "surement pas",
    "jamais",
    "meme pas",
    "pas question",
    "hors de question",
    "no way",
    "never",
    "not a chance",
    "of course not",
];

/// Words after a French verb that, with `ne` before it, negate it.
/// "Rien": "je ne changerais de mutuelle pour rien au monde".
const FRENCH_NEGATION_AFTER: [&str; 6] = ["pas", "jamais", "plus", "point", "aucunement", "rien"];

/// Whether the match on tokens `first..end` is negated (see the module's documentation).
pub(super) fn negated(text: &str, tokens: &[Token], first: usize, end: usize) -> bool {
    let word = |k: usize| fold(&tokens[k].word).into_owned();
    let gap_breaks = |k: usize| {
        // The text between token k-1 and token k.
        let next = tokens.get(k).map_or(text.len(), |t| t.start);
        let gap = text.get(tokens[k - 1].end..next).unwrap_or("");
        gap.contains(['.', '!', '?', ';', ',', ':', '\n'])
    };
    let mut k = first.min(tokens.len());
    while k > 0 && first - k < COUNTERFACTUAL_REACH {
        if gap_breaks(k) {
            break;
        }
        k -= 1;
        let w = word(k);
        if w == "but" || w == "mais" || SUBJECTS.contains(&w.as_str()) {
            break;
        }
        let negates = NEGATORS.contains(&w.as_str()) && first - k <= NEGATION_REACH;
        if negates || COUNTERFACTUALS.contains(&w.as_str()) {
            return true;
        }
    }
    // French: `ne` (or `n'`) before the verb, `pas`/`jamais`/`plus` after it; spoken French
    // drops the `ne` ("je résilierai pas"): then its subject before the verb, and `pas` or
    // `jamais` right after it.
    let mut k = first;
    let (mut before_ne, mut subject) = (false, false);
    while k > 0 && first - k < 3 && !gap_breaks(k) {
        k -= 1;
        let w = word(k);
        if w == "ne" {
            before_ne = true;
            break;
        }
        // "nous" and "vous" are subjects and objects both: the look back goes on past them.
        subject |= FRENCH_SUBJECTS.contains(&w.as_str());
        if !FRENCH_OBJECTS.contains(&w.as_str()) {
            break;
        }
    }
    let after = |words: &[&str], reach: usize| {
        (end..(end + reach).min(tokens.len()))
            .take_while(|&k| !gap_breaks(k))
            .any(|k| words.contains(&word(k).as_str()))
    };
    (before_ne && after(&FRENCH_NEGATION_AFTER, 2))
        || (subject && after(&["pas", "jamais"], 1))
        || rhetorical(text, tokens, first, end)
}

/// Whether the match on tokens `first..end` is asked in a rhetorical question: "why would" (or
/// "should"), or "pourquoi", a few words before it in its sentence, which ends with a question
/// mark ("why would I ever switch to another game??"); or in a question answered no right after
/// ("Résilier ? Certainement pas", [`NO_WAY`]).
fn rhetorical(text: &str, tokens: &[Token], first: usize, end: usize) -> bool {
    // A match between words (a regex's) has no words of its own to ask about.
    if first >= end || end > tokens.len() {
        return false;
    }
    let word = |k: usize| fold(&tokens[k].word).into_owned();
    let ends_sentence = |gap: &str| gap.contains(['.', '!', '?', '\n']);
    let asked = (first.saturating_sub(RHETORIC_REACH)..first).any(|k| {
        let w = word(k);
        let opens = w == "pourquoi"
            || (w == "why" && k + 1 < first && matches!(word(k + 1).as_str(), "would" | "should"));
        opens && !ends_sentence(text.get(tokens[k].end..tokens[first].start).unwrap_or(""))
    });
    // The first mark that ends the match's sentence is a question mark.
    let after = text.get(tokens[end - 1].end..).unwrap_or("");
    let Some(mark) = after.find(['.', '!', '?', '\n']) else {
        return false;
    };
    let question = after[mark..].starts_with('?');
    // A question answered no: "Résilier ? Certainement pas".
    let answer: String = after[mark..]
        .trim_start_matches(['?', '!', ' ', '\u{a0}'])
        .chars()
        .take(20)
        .collect();
    let answer = fold(&answer).to_lowercase();
    let answered_no = NO_WAY.iter().any(|no| {
        answer.starts_with(no) && !answer[no.len()..].starts_with(|c: char| c.is_alphanumeric())
    });
    question && (asked || answered_no)
}
