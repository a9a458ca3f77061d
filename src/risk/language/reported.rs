//! Churn words that are not the respondent's own say-so: speech quoted after a verb of saying (a
//! guest "saying "I'll never stay here again"", a dentist who « m'a dit "vous ne me reverrez pas
//! avant un an" »), unless the writer is the one who said it ("I told them "cancel my
//! account""); and cancellations named as a topic ("membership cancellations used to come in by
//! post", « les résiliations arrivent par courrier »): the plural noun is what a business
//! handles, not what its writer is doing. Scare quotes ("we'll be "sunsetting our use" of your
//! platform") are the writer's own words.

use crate::text::{fold, Token};

/// Plural nouns of leaving, which name a topic rather than the writer's act.
const TOPICS: [&str; 9] = [
    "cancellations",
    "cancelations",
    "unsubscribes",
    "resiliations",
    "annulations",
    "desabonnements",
    "desinscriptions",
    "desinstallations",
    "uninstalls",
];

/// Whether `word` (as written) is a plural noun of leaving.
pub(super) fn is_topic(word: &str) -> bool {
    TOPICS.contains(&fold(&word.to_lowercase()).as_ref())
}

/// Beginnings of verbs that introduce someone else's words, folded: saying, and watching or
/// listening to a title (« écouté "Je m'en vais" de Vianney »).
const SAYING: [&str; 19] = [
    "said", "say", "wrote", "write", "told", "tell", "ask", "repl", "dit", "disai", "ecri",
    "demand", "repond", "lanc", "watch", "listen", "ecout", "regard", "chant",
];

/// The writer as a subject, as the text pipeline reads it ("I've" is "i have", "j'ai" is "je
/// ai").
const WRITER: [&str; 5] = ["i", "we", "je", "nous", "on"];

/// How many words before a quotation mark its verb may stand, with the writer before it ("I
/// have told them", « j'ai dit »).
const REACH: usize = 5;

/// Whether the few words before byte `at` introduce someone else's words: a verb of saying (or
/// of watching, listening) among the last [`REACH`], with no first person before it among them.
fn introduces_speech(tokens: &[Token], at: usize) -> bool {
    let before = tokens.partition_point(|t| t.end <= at);
    let words: Vec<_> = tokens[..before]
        .iter()
        .rev()
        .take(REACH)
        .map(|t| fold(&t.word))
        .collect();
    let Some(verb) = words
        .iter()
        .position(|w| SAYING.iter().any(|s| w.starts_with(s)))
    else {
        return false;
    };
    !words[verb + 1..]
        .iter()
        .any(|w| WRITER.contains(&w.as_ref()))
}

/// The byte spans inside quotation marks ("…", “…”, «…») of `text` (read as `tokens`) that
/// report someone else's speech ([`introduces_speech`]). An opening mark without its closing one
/// quotes nothing.
pub(super) fn quoted(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    if !text.contains(['"', '“', '«']) {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (at, c) in text.char_indices() {
        match (open, c) {
            (None, '"' | '“' | '«') => open = Some((at, c)),
            (Some((from, '"')), '"') | (Some((from, '“')), '”') | (Some((from, '«')), '»') => {
                let to = at + c.len_utf8();
                if introduces_speech(tokens, from) {
                    spans.push((from, to));
                }
                open = None;
            }
            _ => {}
        }
    }
    spans
}

/// Whether byte `at` lies inside one of `spans`.
pub(super) fn inside(spans: &[(usize, usize)], at: usize) -> bool {
    spans.iter().any(|&(from, to)| from < at && at < to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn quoted(text: &str) -> Vec<(usize, usize)> {
        super::quoted(text, &tokenize(text))
    }

    #[test]
    fn speech_quoted_after_a_verb_of_saying_is_someone_elses() {
        let text = r#"A guest wrote in saying "I'll never stay here again" and rebooked."#;
        let spans = quoted(text);
        assert_eq!(spans.len(), 1);
        assert!(inside(&spans, text.find("never").unwrap()));
        assert!(!inside(&spans, text.find("rebooked").unwrap()));
        assert_eq!(
            quoted("Mon dentiste m'a dit « à l'an prochain », parfait.").len(),
            1
        );
        assert_eq!(quoted("Le conseiller a répondu “on verra”.").len(), 1);
        // The writer's own speech, scare quotes, a comment wholly quoted, a lone mark.
        assert!(quoted(r#"I told them "cancel my account" twice."#).is_empty());
        assert!(quoted("J'ai dit « je résilie » au conseiller.").is_empty());
        assert!(quoted(r#"We'll be "sunsetting our use" of your platform."#).is_empty());
        assert!(quoted(r#""Never again.""#).is_empty());
        assert!(quoted(r#"He said "a lone mark"#).is_empty());
    }

    #[test]
    fn plural_nouns_of_leaving_are_topics() {
        assert!(is_topic("Cancellations"));
        assert!(is_topic("résiliations"));
        assert!(!is_topic("cancellation"));
        assert!(!is_topic("cancelling"));
    }
}
