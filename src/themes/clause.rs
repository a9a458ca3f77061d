//! Where a comment's sentences and clauses begin, and which words negate what follows them:
//! the structure the tagger reads around a match (a judgement near a term, a theme that gives
//! way to another in its clause, a negated cue) and churn language reads too.

use crate::text::Token;

/// Words that negate what follows them (folded), for intent cues and churn language alike.
/// French `ne` is not one: "ne marche plus" is the problem itself, and the real negation of
/// French ("pas", "jamais", "aucun"…) follows it.
pub const NEGATORS: [&str; 16] = [
    "no", "not", "never", "without", "none", "nothing", "zero", "nor", "hardly", "pas", "jamais",
    "aucun", "aucune", "sans", "ni", "rien",
];

/// The sentence of each token: a full stop, `!`, `?`, `;` or a line break between two tokens
/// starts a new one.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<usize> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut n = 0;
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 {
            let gap = text.get(tokens[k - 1].end..t.start).unwrap_or("");
            if gap.contains(['.', '!', '?', ';', '\n']) {
                n += 1;
            }
        }
        out.push(n);
    }
    out
}

/// The clause of each token, from its sentence ([`sentences`]): a new sentence or a contrasting
/// word ("but", "however", "mais", "cependant") starts a new one.
pub fn clauses(sentence: &[usize], tokens: &[Token]) -> Vec<usize> {
    let mut n = 0;
    let mut out = Vec::with_capacity(tokens.len());
    for (k, t) in tokens.iter().enumerate() {
        let contrast = matches!(
            t.folded().as_ref(),
            "but" | "however" | "mais" | "cependant"
        );
        if k > 0 && (sentence[k] != sentence[k - 1] || contrast) {
            n += 1;
        }
        out.push(n);
    }
    out
}

/// Whether one of the four words before token `at` negates it, within its clause: a comma, a
/// full stop or "but" / "mais" ends the look back.
pub fn negated(text: &str, tokens: &[Token], at: usize) -> bool {
    let at = at.min(tokens.len());
    let mut k = at;
    while k > 0 && at - k < 4 {
        let next = tokens.get(k).map_or(text.len(), |t| t.start);
        let gap = text.get(tokens[k - 1].end..next).unwrap_or("");
        if gap.contains(['.', '!', '?', ';', ',', ':']) {
            return false;
        }
        k -= 1;
        let word = tokens[k].folded();
        if word == "but" || word == "mais" {
            return false;
        }
        if NEGATORS.contains(&word.as_ref()) {
            return true;
        }
    }
    false
}
