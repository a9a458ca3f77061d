//! A comment's intent — problem, request, praise or none — from its cue words
//! (`intent.toml`, matched by the tagger like theme terms), their negation, and a contrast that
//! turns praise round.

use serde::Serialize;

use super::matcher::Found;
use crate::metrics::tally::Category;
use crate::text::Token;

/// What a comment does, as its cue words say. A problem outranks a request, a request outranks
/// praise: "Great app, but it crashes" is a problem; "Love it, please add dark mode" a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Something went wrong.
    Problem,
    /// Something is asked for or missing.
    Request,
    /// Something is praised.
    Praise,
    /// No cue.
    None,
}

impl Intent {
    /// Every intent, in the order of precedence.
    pub const ALL: [Intent; 4] = [
        Intent::Problem,
        Intent::Request,
        Intent::Praise,
        Intent::None,
    ];

    /// The intent of a comment with content, given its score: its cue words' when they give
    /// one, else the side its score takes — a detractor's comment is a problem ("Not what I
    /// expected", "Three weeks for a refund"), a promoter's praise ("Does what it says"), and a
    /// passive's stays none. On the tuning halves of the labelled fixtures, that is what the
    /// labellers read in 20 of 24 such detractors' comments and 33 of 39 such promoters'
    /// (English; French 31 of 38 and 16 of 18); passives' were split between none, praise,
    /// request and problem.
    pub fn or_score(self, score: u8) -> Intent {
        match (self, Category::of(score)) {
            (Intent::None, Category::Detractor) => Intent::Problem,
            (Intent::None, Category::Promoter) => Intent::Praise,
            (intent, _) => intent,
        }
    }

    /// The intent in words, as every output writes it.
    pub fn name(self) -> &'static str {
        match self {
            Intent::Problem => "problem",
            Intent::Request => "request",
            Intent::Praise => "praise",
            Intent::None => "none",
        }
    }
}

/// A cue word found in a comment.
#[derive(Clone, Copy, Debug)]
pub struct Cue {
    /// Where, and which cue term.
    pub found: Found,
    /// Which intent the cue is written under.
    pub intent: Intent,
    /// A negation in the three words before it turned it round.
    pub negated: bool,
}

impl Cue {
    /// The intent it counts for: a negated problem is praise ("no problems so far"), a negated
    /// praise a problem ("not great"); a request stays a request.
    pub fn effective(&self) -> Intent {
        match (self.intent, self.negated) {
            (Intent::Problem, true) => Intent::Praise,
            (Intent::Praise, true) => Intent::Problem,
            (i, _) => i,
        }
    }
}

/// A negation turns round the first cue after it, not one of the other side beyond it: "never
/// fails to impress" is praise — the negation bears on "fails", and "impress" is said as it
/// stands. `negators[i]` is the word that negates `cues[i]` plainly, if one does. (Cues of one
/// side share a negation: "not slow or buggy" is neither.)
pub(super) fn absorb_negations(cues: &mut [Cue], negators: &[Option<usize>]) {
    let sides = |a: Intent, b: Intent| {
        matches!(
            (a, b),
            (Intent::Problem, Intent::Praise) | (Intent::Praise, Intent::Problem)
        )
    };
    for i in 0..cues.len() {
        let Some(k) = negators[i] else { continue };
        let at = cues[i].found.first;
        let absorbed = cues.iter().zip(negators).any(|(other, by)| {
            *by == Some(k)
                && other.found.first < at
                && other.found.last <= at
                && sides(other.intent, cues[i].intent)
        });
        if absorbed {
            cues[i].negated = false;
        }
    }
}

/// The first of problem, request, praise that a cue counts for.
pub(super) fn intent_of(cues: &[Cue]) -> Intent {
    let counts = |want: Intent| cues.iter().any(|c| c.effective() == want);
    Intent::ALL
        .into_iter()
        .find(|&i| i == Intent::None || counts(i))
        .unwrap_or(Intent::None)
}

/// Praise followed by a contrast with no praise after it is a problem: "Good coffee, but never
/// a free seat", "Nice shop. The newsletter is a bit much though", "Super appli, par contre la
/// synchro saute" — whatever the contrast goes on to say, it is what the respondent holds
/// against it.
pub(super) fn turned(intent: Intent, cues: &[Cue], tokens: &[Token]) -> Intent {
    if intent != Intent::Praise {
        return intent;
    }
    let last_praise = cues
        .iter()
        .filter(|c| c.effective() == Intent::Praise)
        .map(|c| c.found.first)
        .max();
    let last_contrast = (0..tokens.len()).rev().find(|&k| contrast(tokens, k));
    match (last_praise, last_contrast) {
        (Some(praise), Some(turn)) if praise < turn => Intent::Problem,
        _ => intent,
    }
}

/// Whether token `k` turns a comment round: "but", "though", "however", "unfortunately",
/// "mais", "cependant", "malheureusement", "par contre", "en revanche", "bémol"…
fn contrast(tokens: &[Token], k: usize) -> bool {
    let word = tokens[k].folded();
    let before = |w: &str| k > 0 && tokens[k - 1].folded() == w;
    match word.as_ref() {
        "but" | "though" | "however" | "although" | "unfortunately" | "sadly" | "except"
        | "shame" | "pity" | "downside" | "mais" | "cependant" | "toutefois" | "pourtant"
        | "malheureusement" | "helas" | "dommage" | "bemol" | "sauf" => true,
        "contre" => before("par"),
        "revanche" => before("en"),
        _ => false,
    }
}
