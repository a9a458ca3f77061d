//! Churn words that are not the respondent's own say-so: speech quoted after a verb of saying (a
//! guest "saying "I'll never stay here again"", a dentist who « m'a dit "vous ne me reverrez pas
//! avant un an" »), unless the writer is the one who said it ("I told them "cancel my
//! account""); and cancellations named as a topic ("membership cancellations used to come in by
//! post", « les résiliations arrivent par courrier »): the plural noun is what a business
//! handles, not what its writer is doing. Scare quotes ("we'll be "sunsetting our use" of your
//! platform") are the writer's own words.

use crate::text::fold;

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

/// The writer as a subject, folded, with French elisions kept whole.
const WRITER: [&str; 12] = [
    "i", "we", "i've", "we've", "i'd", "je", "j'ai", "jai", "nous", "on", "j'avais", "i'm",
];

/// Whether the few words before a quotation mark (`before`) introduce someone else's words: a
/// verb of saying (or of watching, listening) among the last four, with no first person before
/// it among them.
fn introduces_speech(before: &str) -> bool {
    let words: Vec<String> = before
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|w| fold(&w.to_lowercase().replace('’', "'")).into_owned())
        .collect();
    let Some(verb) = words
        .iter()
        .position(|w| SAYING.iter().any(|s| w.starts_with(s)))
    else {
        return false;
    };
    !words[verb + 1..]
        .iter()
        .any(|w| WRITER.contains(&w.as_str()))
}

/// The byte spans inside quotation marks ("…", “…”, «…») that report someone else's speech
/// ([`introduces_speech`]). An opening mark without its closing one quotes nothing.
pub(super) fn quoted(text: &str) -> Vec<(usize, usize)> {
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
                if introduces_speech(&text[..from]) {
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
