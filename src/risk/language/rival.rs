//! A rival named without `--competitors`: a capitalised name right after a verb of using or
//! trying (or "at", "with", "to", "chez"), with "instead" or "from now on" ("plutôt",
//! "désormais") in the next few words of its clause — "Looking at Ocado instead", "Using Bolt
//! from now on", "on passe chez Free désormais". That is where the respondent is going: a
//! `switching` signal. Without such a word a capitalised name is as often a place or a person
//! ("off to Spain next month"), so it says nothing.

use crate::text::{fold, Token};

/// Words a rival's name follows.
const BEFORE: [&str; 9] = [
    "using", "use", "try", "trying", "at", "with", "to", "chez", "utilise",
];

/// Words (as token sequences) that say the name replaces us.
const INSTEAD: [&[&str]; 6] = [
    &["instead"],
    &["from", "now", "on"],
    &["going", "forward"],
    &["plutot"],
    &["desormais"],
    &["dorenavant"],
];

/// How many words after the name such a word may stand.
const REACH: usize = 4;

/// Where a rival's name is in `tokens`, if any: its token.
pub(super) fn rival(text: &str, tokens: &[Token]) -> Option<usize> {
    let word = |k: usize| fold(&tokens[k].word);
    // Sentence or clause punctuation between tokens k-1 and k.
    let breaks = |k: usize| {
        text.get(tokens[k - 1].end..tokens[k].start)
            .unwrap_or("")
            .contains(['.', '!', '?', ';', ',', ':', '\n'])
    };
    (1..tokens.len()).find(|&k| {
        let capitalised = text[tokens[k].start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        capitalised
            && !breaks(k)
            && BEFORE.contains(&word(k - 1).as_ref())
            && (k + 1..(k + 1 + REACH).min(tokens.len()))
                .take_while(|&j| !breaks(j))
                .any(|j| {
                    INSTEAD.iter().any(|seq| {
                        j + seq.len() <= tokens.len()
                            && seq.iter().enumerate().all(|(i, w)| word(j + i) == *w)
                    })
                })
    })
}
