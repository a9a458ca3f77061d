//! Churn language: what in a comment says the respondent may leave, read with the text pipeline
//! and the themes matcher over a churn lexicon (`churn.toml`, the themes-file format, so a user's
//! `--churn` file extends it exactly as `--themes` extends the themes).
//!
//! The lexicon's tiers are the signals — `intent` (cancel, not renew, résilier), `switching`
//! (switch to, alternative, passer chez), `refund` (money back and escalation: chargeback,
//! litige), `disengagement` (never again, plus jamais) — and two marker tables change what a
//! match means:
//!
//! - **negation**: a negator in the few words before a match, within its clause (stopping at a
//!   comma, "but"/"mais" or the subject pronoun of a new clause) cancels it — "I would never
//!   switch", "je ne vais pas résilier"; so does French `ne` before it with `pas`, `jamais`,
//!   `plus` or `point` after it ("je ne résilierai pas"), and, in spoken French without the
//!   `ne`, a subject pronoun before it with `pas` or `jamais` right after ("je résilierai pas");
//! - **direction** (`toward_us`): a switching, competitor or disengagement match in a sentence
//!   that also says "switched from", "better than", "venus de", "go back to (not you)"… points
//!   toward us and is not a signal ("never again will I go back to spreadsheets");
//! - **condition** (`conditional`): a match in a sentence with "if", "unless", "si"… before
//!   it, or after it within its clause, is kept but marked conditional ("if this isn't fixed
//!   I'll cancel", "we'll cancel unless…"; not "we're looking at alternatives, and if …"), and
//!   weighs half ([`super::Signal`]); a **consequence** (`consequence`: "or I'll",
//!   "otherwise", "sinon", "ou je") marks only what follows it ("fix it or we cancel"), not the
//!   demand before it ("refund me or I'll sue" demands a refund);
//! - **someone else** (`third_party`): "my neighbour", "mon voisin"… before a match in its
//!   clause make it about someone else, unless a subject of its own (I, we, you, je, on…)
//!   stands between ("the manager spoke to my dad like that, you won't see us again");
//! - **another service**: "cancelled Netflix" (a cancel word followed by a capitalised name) is
//!   about another company's service;
//! - **counterfactual**: "almost", "nearly", "j'ai failli" before a match cancel it like a
//!   negation ("I almost cancelled last year");
//! - **rhetorical question**: "why would I ever switch?", "pourquoi j'irais ailleurs ?" — "why
//!   would/should" or "pourquoi" a few words before a match, in a sentence that ends with a
//!   question mark — says it will not happen, like a negation.
//!
//! A rival not named with `--competitors` is read from its form ([`rival`]): "Looking at Ocado
//! instead" is switching.
//!
//! Words quoted after a verb of saying are someone else's speech, and a plural noun of leaving
//! ("cancellations", "résiliations") a topic: neither is the respondent's own ([`reported`]).
//!
//! A marker table only qualifies: where a marker's match overlaps a signal's, both stand (the
//! tagger's longest-match rule, which lets a longer phrase of one theme remove a shorter match of
//! another, skips marker tables: [`crate::themes::lexicon::Theme::marker`]). "One more outage and
//! I cancel" is a conditional `intent`, not a condition with nothing to qualify.
//!
//! `--competitors` names are matched as words (case and accents ignored); a mention is the
//! `competitor` signal unless negated or pointing toward us, and also `switching` when its
//! sentence has a verb of moving ("we're migrating to Zendesk"). A mention in a sentence about
//! an integration ("the Zendesk sync", "l'intégration Zendesk", "plugs into it") without a verb
//! of moving is the respondent's set-up, not where they are going: no signal.

use crate::error::Error;
use crate::text::{fold, tokenize, Lang, Stemmers, Token};
use crate::themes::lexicon::Lexicon;
use crate::themes::{sentences, Tagger};

use super::Signal;
use negation::negated;

/// The built-in churn lexicon.
pub const BUILTIN: &str = include_str!("churn.toml");

/// The tables a churn file may have: the four signal tiers, then the markers.
const KEYS: [&str; 8] = [
    "intent",
    "switching",
    "refund",
    "disengagement",
    "toward_us",
    "conditional",
    "third_party",
    "consequence",
];

/// The marker tables' places in [`KEYS`].
const TOWARD_US: usize = 4;
const CONDITIONAL: usize = 5;
const THIRD_PARTY: usize = 6;
const CONSEQUENCE: usize = 7;

/// Beginnings of words of moving somewhere or trying another provider: a competitor named in a
/// sentence with one of them, or followed by one in the next sentence ("Zendesk does it better.
/// We're running a pilot with them."), is where the respondent is going, which is switching.
const MOVING: [&str; 20] = [
    "move",
    "moving",
    "migr",
    "switch",
    "transfer",
    "bascul",
    "passe",
    "passon",
    "passez",
    "porting",
    "ported",
    "demenag",
    "trial",
    "pilot",
    "test",
    "retourn",
    "join",
    "essai",
    "essay",
    "consolidat",
];

/// The second person, which a direction marker names when it is about coming to us.
const YOU: [&str; 6] = ["you", "your", "vous", "votre", "vos", "toi"];

/// Beginnings of words of coming or joining, which such a marker also has ("pour venir chez
/// vous", "to come to you", "switched to you"; not "for you").
const COMING: [&str; 9] = [
    "ven", "pass", "rejoi", "come", "came", "join", "switch", "mov", "chose",
];

/// Words of going, which a competitor named right after "to" (or "chez", "vers", "sur") turns
/// into a move: "my manager say we go to zendesk", "on part chez Freshdesk", "je file chez
/// Freshdesk".
const GOING: [&str; 24] = [
    "go",
    "goes",
    "going",
    "gone",
    "went",
    "head",
    "heading",
    "headed",
    "pars",
    "part",
    "partons",
    "partir",
    "partira",
    "partirai",
    "partirons",
    "allons",
    "vais",
    "irons",
    "irai",
    "ira",
    "file",
    "filer",
    "filons",
    "filerai",
];

/// Beginnings of words of connecting one tool to another: a competitor named in a sentence with
/// one of them (and no verb of moving) is part of the respondent's set-up.
const INTEGRATING: [&str; 8] = [
    "integr",
    "sync",
    "connector",
    "connecteur",
    "plugin",
    "plugs",
    "webhook",
    "api",
];

/// Adverbs that may stand between a verb of going and where to: "go straight to Zendesk".
const BETWEEN: [&str; 6] = ["direct", "directement", "straight", "right", "over", "tout"];

/// Words of signing up, which a competitor named right after "with" turns into a move: "we've
/// signed with Zendesk", "going with Freshdesk".
const SIGNING: [&str; 6] = ["signed", "signing", "sign", "going", "gone", "went"];

/// Words that open a new clause: a negation before one of them negates something else ("if it
/// isn't fixed I'll cancel").
pub(super) const SUBJECTS: [&str; 16] = [
    "i", "im", "ill", "ive", "we", "were", "well", "you", "they", "je", "j", "nous", "on", "ils",
    "elles", "tu",
];

/// One churn signal found in a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Which signal.
    pub signal: Signal,
    /// Said under a condition ("if this isn't fixed…").
    pub conditional: bool,
    /// The words that fired, as written.
    pub text: String,
}

/// Where the word around byte `at` of `text` starts ("Won't" for the "n't" that reads "not").
fn word_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(at, |(i, _)| i)
}

/// Reads comments for churn language.
pub struct ChurnReader {
    tagger: Tagger,
    /// Per lexicon theme: its place in [`KEYS`].
    tier: Vec<usize>,
    /// Competitors' names, as folded words.
    competitors: Vec<(String, Vec<String>)>,
}

impl ChurnReader {
    /// The built-in lexicon plus `files`, and the competitors' names.
    pub fn new(
        files: &[std::path::PathBuf],
        competitors: &[String],
        lang: Option<Lang>,
    ) -> Result<ChurnReader, Error> {
        let stemmers = Stemmers::default();
        let mut lexicon = Lexicon::default();
        lexicon.add_file(BUILTIN, None, &stemmers)?;
        // Each table's place in KEYS, checked as each file adds its tables, so that an error
        // names the file with the unknown table.
        let mut tier = Vec::new();
        let mut place = |lexicon: &Lexicon, origin: &str| -> Result<(), Error> {
            for theme in &lexicon.themes[tier.len()..] {
                let i = KEYS.iter().position(|k| *k == theme.key).ok_or_else(|| {
                    Error::usage(format!(
                        "--churn {origin}: unknown table [{}]; a churn file has the tables {}",
                        theme.key,
                        KEYS.join(", ")
                    ))
                })?;
                tier.push(i);
            }
            Ok(())
        };
        place(&lexicon, "(built in)")?;
        for path in files {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!(
                    "--churn {}: cannot read it ({e}); give a readable TOML churn file",
                    path.display()
                ))
            })?;
            lexicon.add_file(&text, Some(path), &stemmers)?;
            place(&lexicon, &path.display().to_string())?;
        }
        let competitors = competitors
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .map(|c| (c.to_string(), words(c)))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        // The marker tables qualify the signals they overlap; they never take their words.
        for (theme, &key) in lexicon.themes.iter_mut().zip(&tier) {
            theme.marker = key >= TOWARD_US;
        }
        Ok(ChurnReader {
            tagger: Tagger::new(lexicon, lang),
            tier,
            competitors,
        })
    }

    /// The churn signals in `text`, in order of position; `lang` is the export's language for
    /// it, if any.
    pub fn read(&self, text: &str, lang: Option<Lang>) -> Vec<Hit> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let analysis = self.tagger.read(text, lang);
        let tokens = &analysis.tokens;
        let sentence = sentences(text, tokens);
        let tier_of = |f: &crate::themes::matcher::Found| {
            self.tier[self.tagger.lexicon.terms[f.term as usize].theme]
        };
        // A marker anywhere in the match's sentence ("not if" is still a condition), except
        // inside the words it would mark: the "for you" of "a replacement for you" points nowhere.
        let marked = |key: usize, first: usize, last: usize| {
            analysis.found.iter().any(|m| {
                tier_of(m) == key
                    && sentence.get(m.first) == sentence.get(first)
                    && !(first <= m.first && m.last <= last)
            })
        };
        // A condition after the match counts only within its clause ("we'll cancel if it
        // breaks again", not "we're looking at alternatives, and if …"); a consequence ("or
        // I'll", "otherwise", "sinon") only before it: "refund me or I'll go to small claims"
        // demands a refund and threatens, on a condition, to escalate.
        let conditional = |first: usize, end: usize| {
            analysis.found.iter().any(|m| {
                sentence.get(m.first) == sentence.get(first)
                    && match tier_of(m) {
                        CONDITIONAL => {
                            m.first < first || !breaks_between(text, tokens, end, m.first)
                        }
                        CONSEQUENCE => m.first < first,
                        _ => false,
                    }
            })
        };
        // "My neighbour had to get a lawyer": a third party before the match, in its clause —
        // unless a subject of its own stands between ("after the way the manager spoke to my
        // dad you won't be seeing us again").
        let about_someone_else = |first: usize| {
            analysis.found.iter().any(|m| {
                tier_of(m) == THIRD_PARTY
                    && m.last <= first
                    && sentence.get(m.first) == sentence.get(first)
                    && !breaks_between(text, tokens, m.last, first)
                    && !tokens[m.last..first].iter().any(|t| {
                        let w = fold(&t.word);
                        // French "on" is a subject; English "on" ("anyone still on Zendesk") not.
                        SUBJECTS.contains(&w.as_ref())
                            && !(w == "on" && analysis.lang == Some(Lang::En))
                    })
            })
        };
        // "J'ai résilié mon contrat chez mon ancien prestataire pour venir chez vous": a contract
        // ended elsewhere to come to us — a direction toward "you" after the match, in its clause.
        let ended_to_come_here = |last: usize| {
            analysis.found.iter().any(|m| {
                tier_of(m) == TOWARD_US
                    && m.first >= last
                    && !breaks_between(text, tokens, last, m.first)
                    && {
                        let words = || tokens[m.first..m.last].iter().map(|t| fold(&t.word));
                        words().any(|w| YOU.contains(&w.as_ref()))
                            && words().any(|w| COMING.iter().any(|c| w.starts_with(c)))
                    }
            })
        };
        // A name the respondent denies, points toward us or gives to someone else.
        let not_theirs = |at: usize, end: usize| {
            negated(text, tokens, at, end) || marked(TOWARD_US, at, end) || about_someone_else(at)
        };
        let mut hits = Vec::new();
        for f in &analysis.found {
            let signal = match KEYS[tier_of(f)] {
                "intent" => Signal::Intent,
                "switching" => Signal::Switching,
                "refund" => Signal::Refund,
                "disengagement" => Signal::Disengagement,
                _ => continue,
            };
            if negated(text, tokens, f.first, f.last) {
                continue;
            }
            if signal == Signal::Switching && switched_on_or_off(tokens, f.first, f.last) {
                continue;
            }
            let toward = matches!(signal, Signal::Switching | Signal::Disengagement);
            if (toward && marked(TOWARD_US, f.first, f.last)) || about_someone_else(f.first) {
                continue;
            }
            if signal == Signal::Intent
                && (names_another_service(text, tokens, f.first, f.last)
                    || ended_to_come_here(f.last)
                    || (f.last == f.first + 1 && reported::is_topic(&tokens[f.first].word)))
            {
                continue;
            }
            hits.push((
                f.start,
                Hit {
                    signal,
                    conditional: conditional(f.first, f.last),
                    // A regex's match may take the space or punctuation around its words; a
                    // match starting inside a word ("n't" of "won't") quotes the whole word.
                    text: text[word_start(text, f.start)..f.end]
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_string(),
                },
            ));
        }
        for (name, want) in &self.competitors {
            for at in find_words(tokens, want) {
                let end = at + want.len();
                if not_theirs(at, end) {
                    continue;
                }
                let hit = |signal| Hit {
                    signal,
                    conditional: conditional(at, end),
                    text: name.clone(),
                };
                let near = |k: usize, span: usize, words: &[&str]| {
                    (sentence[k] >= sentence[at] && sentence[k] <= sentence[at] + span) && {
                        let w = fold(&tokens[k].word);
                        words.iter().any(|m| w.starts_with(m))
                    }
                };
                let before = |k: usize| at.checked_sub(k).map(|i| fold(&tokens[i].word));
                // One adverb may stand between: "je file direct chez Freshdesk".
                let verb = match before(2).as_deref() {
                    Some(w) if BETWEEN.contains(&w) => before(3),
                    _ => before(2),
                };
                let going = match (before(1).as_deref(), verb.as_deref()) {
                    (Some("to" | "chez" | "vers" | "sur"), Some(verb)) => GOING.contains(&verb),
                    (Some("with"), Some(verb)) => SIGNING.contains(&verb),
                    _ => false,
                };
                let moving = going || (0..tokens.len()).any(|k| near(k, 1, &MOVING));
                if !moving && (0..tokens.len()).any(|k| near(k, 0, &INTEGRATING)) {
                    continue;
                }
                let start = tokens[at].start;
                hits.push((start, hit(Signal::Competitor)));
                if moving && !hits.iter().any(|(_, h)| h.signal == Signal::Switching) {
                    hits.push((start, hit(Signal::Switching)));
                }
                break;
            }
        }
        // A rival not on the list, where the respondent is going instead of us.
        if let Some(at) = rival::rival(text, tokens) {
            let end = at + 1;
            let said = hits.iter().any(|(_, h)| h.signal == Signal::Switching);
            if !said && !not_theirs(at, end) {
                hits.push((
                    tokens[at].start,
                    Hit {
                        signal: Signal::Switching,
                        conditional: conditional(at, end),
                        text: text[tokens[at].start..tokens[at].end].to_string(),
                    },
                ));
            }
        }
        // Speech quoted after "said", "m'a dit"… is someone else's.
        let quotes = reported::quoted(text, tokens);
        hits.retain(|(start, _)| !reported::inside(&quotes, *start));
        hits.sort_by_key(|(start, _)| *start);
        hits.into_iter().map(|(_, h)| h).collect()
    }
}

/// A name's words, lower-cased and folded.
fn words(name: &str) -> Vec<String> {
    tokenize(name)
        .iter()
        .map(|t| fold(&t.word).into_owned())
        .collect()
}

/// Where the words `want` stand in sequence among `tokens`.
fn find_words(tokens: &[Token], want: &[String]) -> Vec<usize> {
    if want.is_empty() || tokens.len() < want.len() {
        return Vec::new();
    }
    (0..=tokens.len() - want.len())
        .filter(|&i| {
            want.iter()
                .enumerate()
                .all(|(k, w)| fold(&tokens[i + k].word) == w.as_str())
        })
        .collect()
}

/// "Switching the heating off": a switch word with `on` or `off` in the four words after it is
/// about a device, not a provider.
fn switched_on_or_off(tokens: &[Token], first: usize, end: usize) -> bool {
    tokens[first].word.starts_with("switch")
        && tokens[end.min(tokens.len())..(end + 4).min(tokens.len())]
            .iter()
            .any(|t| t.word == "on" || t.word == "off")
}

/// "Cancelled Netflix and kept you": a cancel word whose object is a capitalised name (not at
/// the start of a sentence) cancels another company's service, not ours.
fn names_another_service(text: &str, tokens: &[Token], first: usize, end: usize) -> bool {
    let cancel = (first..end).any(|k| {
        fold(&tokens[k].word).starts_with("cancel") || fold(&tokens[k].word).starts_with("resili")
    });
    let Some(next) = tokens.get(end) else {
        return false;
    };
    let gap = text.get(tokens[end - 1].end..next.start).unwrap_or("");
    cancel
        && gap.trim().is_empty()
        && text[next.start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
}

/// Whether a comma, a semicolon or a coordinating "and" / "et" stands between token `end - 1`
/// and token `at` (`end <= at`).
fn breaks_between(text: &str, tokens: &[Token], end: usize, at: usize) -> bool {
    if end == 0 || end > at || at >= tokens.len() {
        return false;
    }
    let gap = text
        .get(tokens[end - 1].end..tokens[at].start)
        .unwrap_or("");
    gap.contains([',', ';', ':'])
        || tokens[end..at]
            .iter()
            .any(|t| matches!(t.word.as_str(), "and" | "et" | "but" | "mais"))
}

mod negation;
mod reported;
mod rival;

#[cfg(test)]
mod tests;
