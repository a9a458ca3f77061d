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

/// Whether the words `first..last` sit inside a French negation that the look back of
/// [`negated`] does not see, since French negates a verb on both sides of it: "je ne recommande
/// pas", "je n'aime pas", "il ne plante plus" (`ne` within the three words before them, `pas`,
/// `plus`, `jamais`, `guère` or `point` right after), and "ne … plus" before them, "je ne suis
/// plus satisfait" ("plus" alone is "more": it negates only after a `ne`).
pub fn ne_pas(tokens: &[Token], first: usize, last: usize) -> bool {
    let is = |k: usize, words: &[&str]| {
        tokens
            .get(k)
            .is_some_and(|t| words.contains(&t.folded().as_ref()))
    };
    let ne_before = |k: usize| (k.saturating_sub(3)..k).any(|j| is(j, &["ne"]));
    // Spoken French drops the `ne`: "j'aime pas", "je le recommande pas", "ça marche pas" — a
    // verb, known by its subject just before it (an object pronoun may stand between).
    let subject_before = |k: usize| {
        let mut j = k;
        while j > 0 && is(j - 1, &FRENCH_OBJECTS) && k - j < 2 {
            j -= 1;
        }
        j > 0 && is(j - 1, &FRENCH_SUBJECTS)
    };
    let after = (is(last, &["pas", "plus", "jamais", "guere", "point"]) && ne_before(first))
        || (is(last, &["pas", "jamais"]) && subject_before(first));
    let before =
        (first.saturating_sub(2)..first).any(|k| is(k, &["plus", "guere"]) && ne_before(k));
    after || before
}

/// French subject pronouns (folded; `j'` reads "je"), before a verb — for intent cues and churn
/// language alike.
pub const FRENCH_SUBJECTS: [&str; 11] = [
    "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ca", "cela",
];

/// French object pronouns (folded), between a subject or `ne` and its verb ("je ne le résilierai
/// pas", "je vous le recommande pas").
pub const FRENCH_OBJECTS: [&str; 13] = [
    "le", "la", "les", "l", "me", "te", "se", "vous", "nous", "lui", "leur", "y", "en",
];

/// Words that say a problem was dealt with (folded): "sorted our SSO issue", "fixed my transfer
/// problem", "a réglé mon souci" — a problem cue after one, in its clause, is praise.
pub const RESOLVERS: [&str; 14] = [
    "fixed", "sorted", "solved", "resolved", "fixes", "solves", "resolves", "regle", "reglee",
    "resolu", "resolue", "corrige", "corrigee", "depanne",
];

/// After "never" / "jamais", words that make it say more, not the opposite.
const STRONGER: [&str; 8] = [
    "such",
    "so",
    "aussi",
    "si",
    "tellement",
    "autant",
    "tel",
    "telle",
];

/// Needing or wanting (folded): a negation before one bears on it, not on the word after it —
/// "I don't need overpriced food" and "we do not want another crash" are complaints.
const WANTING: [&str; 7] = [
    "need", "needs", "needed", "want", "wants", "wanted", "besoin",
];

/// Whether one of the four words before token `at` negates it, within its clause: a comma, a
/// full stop or "but" / "mais" ends the look back. Some negations say it more strongly, not
/// the opposite: "never" with "such" or "so" before the word ("never had such awful service",
/// "never been so disappointed", "jamais été aussi déçue" are complaints, "never had such
/// friendly staff" praise), and "could not be more…" ("couldn't be more impressed"). A verb of
/// needing or wanting between them takes the negation ([`WANTING`]).
pub fn negated(text: &str, tokens: &[Token], at: usize) -> bool {
    negator(text, tokens, at).is_some()
}

/// Where the word that negates token `at` is ([`negated`]).
pub fn negator(text: &str, tokens: &[Token], at: usize) -> Option<usize> {
    preceded_by(text, tokens, at, &NEGATORS).filter(|&k| {
        let between = &tokens[k + 1..at.min(tokens.len())];
        let has = |words: &[&str]| between.iter().any(|t| words.contains(&t.folded().as_ref()));
        if has(&WANTING) {
            return false;
        }
        // "Not only fast", "not just good", "pas seulement rapide", "rien que des problèmes"
        // (nothing but problems) say "only", not "not".
        let next = tokens.get(k + 1).map(|t| t.folded());
        if let Some(next) = next.as_deref() {
            let only = matches!(next, "only" | "just" | "seulement")
                || (tokens[k].folded() == "rien" && next == "que");
            if only {
                return false;
            }
        }
        let stronger = match tokens[k].folded().as_ref() {
            "never" | "jamais" => has(&STRONGER),
            "not" => {
                k > 0
                    && matches!(tokens[k - 1].folded().as_ref(), "could" | "can")
                    && has(&["more"])
            }
            _ => false,
        };
        !stronger
    })
}

/// Whether a problem cue at token `at` counts as praise: dealt with ("sorted our SSO issue") or
/// negated ("no problems so far"). A resolver among the four words before it decides alone: the
/// negation then bears on the resolver ("never solved my problem", "ne règle jamais les
/// problèmes" stay problems).
pub fn problem_turned(text: &str, tokens: &[Token], at: usize) -> bool {
    match preceded_by(text, tokens, at, &RESOLVERS) {
        Some(k) => {
            let negator_after = tokens
                .get(k + 1)
                .is_some_and(|t| NEGATORS.contains(&t.folded().as_ref()));
            !negated(text, tokens, k) && !negator_after
        }
        None => negated(text, tokens, at),
    }
}

/// Where one of the four words before token `at`, within its clause, is one of `words`.
fn preceded_by(text: &str, tokens: &[Token], at: usize, words: &[&str]) -> Option<usize> {
    let at = at.min(tokens.len());
    let mut k = at;
    while k > 0 && at - k < 4 {
        let next = tokens.get(k).map_or(text.len(), |t| t.start);
        let gap = text.get(tokens[k - 1].end..next).unwrap_or("");
        if gap.contains(['.', '!', '?', ';', ',', ':']) {
            return None;
        }
        k -= 1;
        let word = tokens[k].folded();
        if word == "but" || word == "mais" {
            return None;
        }
        // "without doubt", "no question", "sans aucun doute" negate nothing.
        let idiom = tokens[k + 1..at.min(k + 3)].iter().any(|t| {
            matches!(
                t.folded().as_ref(),
                "doubt" | "question" | "doute" | "wonder"
            )
        });
        if words.contains(&word.as_ref()) && !idiom {
            return Some(k);
        }
    }
    None
}
