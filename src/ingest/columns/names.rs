//! Header vocabulary: the words of a column name (accents folded, camelCase split) and the
//! English and French phrases that name each role.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Role;

/// Lower-case ASCII words of a header: accents folded, camelCase and punctuation split.
/// `LikelyToRecommend` → `likely to recommend`; `Note (sur 10)` → `note sur 10`.
pub fn words(header: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(header);
    let mut spaced = String::with_capacity(ascii.len() + 8);
    let mut prev = ' ';
    for ch in ascii.chars() {
        if prev.is_ascii_lowercase() && ch.is_ascii_uppercase() {
            spaced.push(' ');
        }
        spaced.push(ch);
        prev = ch;
    }
    spaced
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn has(words: &[String], w: &str) -> bool {
    words.iter().any(|x| x == w)
}

fn contains_phrase(words: &[String], phrase: &[&str]) -> bool {
    words
        .windows(phrase.len())
        .any(|win| win.iter().zip(phrase).all(|(a, b)| a == b))
}

const COMMENT_WORDS: [&str; 16] = [
    "why",
    "comment",
    "comments",
    "reason",
    "reasons",
    "explain",
    "pourquoi",
    "commentaire",
    "commentaires",
    "raison",
    "feedback",
    "verbatim",
    "text",
    "topics",
    "sentiment",
    "precisez",
];

pub(super) fn is_derived(w: &[String]) -> bool {
    (has(w, "nps") || has(w, "promoter"))
        && [
            "group",
            "category",
            "segment",
            "class",
            "type",
            "label",
            "bucket",
            "categorie",
        ]
        .iter()
        .any(|x| has(w, x))
}

/// Strength of a header as a score name: 2 strong, 1 weak, 0 none, with the matched word.
pub(super) fn score_name(w: &[String]) -> (u8, &'static str) {
    if is_derived(w) || COMMENT_WORDS.iter().any(|x| has(w, x)) {
        return (0, "");
    }
    for word in w {
        if word.starts_with("recommend") {
            return (2, "recommend");
        }
        if word.starts_with("recommand") {
            return (2, "recommand");
        }
    }
    for (word, why) in [
        ("nps", "nps"),
        ("likelihood", "likelihood"),
        ("likely", "likely"),
        ("ltr", "ltr"),
    ] {
        if has(w, word) {
            return (2, why);
        }
    }
    if contains_phrase(w, &["net", "promoter"]) {
        return (2, "net promoter");
    }
    for (word, why) in [("score", "score"), ("rating", "rating"), ("note", "note")] {
        if has(w, word) {
            return (1, why);
        }
    }
    (0, "")
}

/// Names that look like ids, counts or platform metadata: never a score by content alone.
pub(super) fn is_metadata(w: &[String]) -> bool {
    const META: [&str; 20] = [
        "id",
        "no",
        "number",
        "num",
        "nr",
        "index",
        "idx",
        "duration",
        "progress",
        "status",
        "finished",
        "latitude",
        "longitude",
        "seconds",
        "count",
        "year",
        "age",
        "rank",
        "ip",
        "order",
    ];
    w.is_empty() || META.iter().any(|m| has(w, m))
}

/// A comment-like name that says the column holds something else: a code, a status, a type or
/// a date about the comment ("Comment status", "Reason code", "Feedback date"), or a company's
/// legal name ("Raison sociale", common in French CRM exports).
pub(super) fn not_a_comment(w: &[String]) -> bool {
    const OTHER: [&str; 11] = [
        "status",
        "statut",
        "code",
        "codes",
        "type",
        "category",
        "categorie",
        "id",
        "date",
        "sociale",
        "flag",
    ];
    OTHER.iter().any(|m| has(w, m))
}

/// (weight, phrase) lists for the name-only roles; the most specific matching phrase counts.
pub(super) fn phrases(role: Role) -> &'static [(u32, &'static [&'static str])] {
    match role {
        Role::Date => &[
            (110, &["recorded", "date"]),
            (100, &["submitted", "at"]),
            (100, &["submit", "date"]),
            (100, &["date", "submitted"]),
            (100, &["submission", "date"]),
            (100, &["response", "date"]),
            (100, &["responded", "at"]),
            (100, &["completed", "at"]),
            (100, &["created", "at"]),
            (100, &["end", "date"]),
            (100, &["date", "de", "reponse"]),
            (80, &["timestamp"]),
            (80, &["date"]),
            (80, &["datetime"]),
            (80, &["horodatage"]),
            (80, &["submitted"]),
            (70, &["time"]),
            (60, &["start", "date"]),
            (60, &["started", "at"]),
            (60, &["updated", "at"]),
        ],
        Role::RespondentId => &[
            (100, &["customer", "id"]),
            (100, &["user", "id"]),
            (100, &["respondent", "id"]),
            (100, &["contact", "id"]),
            (100, &["client", "id"]),
            (100, &["id", "client"]),
            (100, &["account", "id"]),
            (100, &["member", "id"]),
            (100, &["participant", "id"]),
            (100, &["unique", "id"]),
            (90, &["person", "id"]),
            (80, &["external", "reference"]),
            (80, &["customer"]),
            // A column named for the person alone holds who answered, as `customer` does.
            (80, &["respondent"]),
            (80, &["repondant"]),
            (80, &["participant"]),
        ],
        Role::Email => &[
            (100, &["email"]),
            (100, &["e", "mail"]),
            (100, &["courriel"]),
            (90, &["mail"]),
        ],
        Role::Comment => &[
            (100, &["why"]),
            (100, &["pourquoi"]),
            (100, &["comment"]),
            (100, &["comments"]),
            (100, &["commentaire"]),
            (100, &["commentaires"]),
            (90, &["reason"]),
            (90, &["raison"]),
            (90, &["verbatim"]),
            (90, &["feedback"]),
            (80, &["tell", "us", "more"]),
            (80, &["explain"]),
            (90, &["improve"]),
            (90, &["ameliorer"]),
            (90, &["remarque"]),
            (90, &["remarques"]),
            (90, &["precisez"]),
            (90, &["preciser"]),
            (80, &["avis"]),
            (80, &["suggestion"]),
            (80, &["suggestions"]),
            (80, &["open", "ended"]),
            (80, &["verbatims"]),
        ],
        Role::Language => &[
            (100, &["user", "language"]),
            (100, &["language"]),
            (100, &["langue"]),
            (90, &["locale"]),
            (90, &["lang"]),
        ],
        Role::Channel => &[
            (100, &["channel"]),
            (100, &["canal"]),
            (90, &["source"]),
            (90, &["delivery"]),
            (90, &["medium"]),
            (80, &["collector"]),
        ],
        Role::Phone => &[
            (100, &["phone"]),
            (100, &["telephone"]),
            (100, &["phone", "number"]),
            (100, &["mobile"]),
            (90, &["cell"]),
            (90, &["tel"]),
            (90, &["portable"]),
            (90, &["numero", "de", "telephone"]),
        ],
        Role::FirstName => &[
            (100, &["first", "name"]),
            (100, &["firstname"]),
            (100, &["given", "name"]),
            (100, &["prenom"]),
            (90, &["forename"]),
        ],
        Role::LastName => &[
            (100, &["last", "name"]),
            (100, &["lastname"]),
            (100, &["surname"]),
            (100, &["family", "name"]),
            (100, &["nom", "de", "famille"]),
        ],
        Role::Company => &[
            (100, &["company"]),
            (100, &["company", "name"]),
            (100, &["organization"]),
            (100, &["organisation"]),
            (100, &["entreprise"]),
            (100, &["societe"]),
            (90, &["account", "name"]),
            (90, &["raison", "sociale"]),
            (80, &["employer"]),
        ],
        Role::Score => &[],
    }
}

/// Headers that name a role only when they are exactly these words: French exports write the
/// last name as plain `Nom`, but `nom` inside a header (`nom de l'entreprise`) is something else.
pub(super) fn exact_name(role: Role, w: &[String]) -> bool {
    match role {
        Role::LastName => matches!(w, [one] if one == "nom"),
        _ => false,
    }
}

/// A role's phrases by their first word.
type PhraseIndex =
    HashMap<&'static str, Vec<(u32, &'static [&'static str])>, foldhash::fast::FixedState>;

/// Each role's [`phrases`] indexed by first word, built once: a header is then matched with one
/// lookup per word rather than a scan of every phrase (every header is matched for every role,
/// and a wide file has thousands).
fn phrase_index(role: Role) -> &'static PhraseIndex {
    static INDEX: OnceLock<Vec<PhraseIndex>> = OnceLock::new();
    let all = INDEX.get_or_init(|| {
        Role::ALL
            .iter()
            .map(|&role| {
                let mut index = PhraseIndex::default();
                for &(weight, phrase) in phrases(role) {
                    if let Some(first) = phrase.first() {
                        index.entry(first).or_default().push((weight, phrase));
                    }
                }
                index
            })
            .collect()
    });
    // `Role::ALL` holds every role (a test checks it).
    let at = Role::ALL.iter().position(|&r| r == role);
    &all[at.unwrap_or_default()]
}

/// Match quality of a header for a name-only role: the most specific phrase it contains, with a
/// bonus when the header is exactly that phrase (so `created_at` beats `person.created_at`).
pub(super) fn name_match(role: Role, w: &[String]) -> Option<(u32, String)> {
    if exact_name(role, w) {
        return Some((1000 + 200 + 1, w.join(" ")));
    }
    let index = phrase_index(role);
    let mut best: Option<(u32, String)> = None;
    for (start, word) in w.iter().enumerate() {
        let Some(candidates) = index.get(word.as_str()) else {
            continue;
        };
        for &(weight, p) in candidates {
            let here = &w[start..];
            if here.len() < p.len() || !here.iter().zip(p).all(|(a, b)| a == b) {
                continue;
            }
            let exact = w.len() == p.len();
            let quality = (p.len() as u32) * 1000 + weight * 2 + u32::from(exact);
            let found = (quality, p.join(" "));
            if best.as_ref().is_none_or(|b| found > *b) {
                best = Some(found);
            }
        }
    }
    best
}
