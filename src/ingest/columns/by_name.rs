//! Roles found by the header's words (every role but the score, and the comment's first try):
//! the best name wins, a column with answers before a blank one, a tie is ambiguous.

use csv::StringRecord;

use super::names::{name_match, not_a_comment};
use super::{chosen, undecided, Decision, Role, RoleChoice};
use crate::ingest::preset::Column;

/// The end of the reason given for a column chosen by name whose sampled cells are all blank.
pub(super) const BLANK: &str = "; every sampled cell is blank";

/// The column named for `role`, from the words of each header. For the comment, a name that
/// says code, status or company is never it, and with `closed_lists` false neither is a column
/// whose sampled answers are a closed list.
pub(super) fn detect_by_name(
    role: Role,
    columns: &[Column],
    header_words: &[Vec<String>],
    sample: &[StringRecord],
    score_index: Option<usize>,
    closed_lists: bool,
) -> RoleChoice {
    let blank = |i: usize| {
        !sample.is_empty()
            && sample
                .iter()
                .all(|r| r.get(i).unwrap_or("").trim().is_empty())
    };
    // A comment-like name on a column that holds something else: a code, status or date by its
    // name, or answers from a closed list (a Likert scale, codes, statuses: at least 20 sampled
    // answers, at most 7 distinct, each repeated ten times on average). Free text, even canned,
    // varies more.
    let other = |i: usize| {
        if role != Role::Comment {
            return false;
        }
        // Names only: a question's text may mention a date or a type in passing.
        let w = &header_words[i];
        if w.len() <= 4 && not_a_comment(w) {
            return true;
        }
        if closed_lists {
            return false;
        }
        let mut values: Vec<&str> = sample
            .iter()
            .map(|r| r.get(i).unwrap_or("").trim())
            .filter(|v| !v.is_empty())
            .collect();
        let n = values.len();
        values.sort_unstable();
        values.dedup();
        n >= 20 && values.len() <= 7 && values.len() * 10 <= n
    };
    // A column named like a channel only loosely ("source", "delivery", "medium", "collector")
    // is the survey's channel when a sampled answer names one (`contact::channel`): Formbricks'
    // "delivery" column says "cloud", a "source" column often holds a campaign.
    let no_channel = |i: usize, phrase: &str| {
        role == Role::Channel
            && !matches!(phrase, "channel" | "canal")
            && !sample
                .iter()
                .any(|r| crate::ingest::contact::channel(r.get(i).unwrap_or("")).is_some())
    };
    // Columns with answers first; a column named for the role whose sampled cells are all
    // blank is taken only when no other is (a file whose dates are all missing still has its
    // date column: its rows are undated, and it reads like the other files of the same export).
    let search = |with_blank: bool| {
        let mut best: Vec<usize> = Vec::new();
        let mut best_quality = 0;
        let mut phrase = String::new();
        for (i, w) in header_words.iter().enumerate() {
            if Some(i) == score_index {
                continue;
            }
            let Some((quality, p)) = name_match(role, w) else {
                continue;
            };
            if other(i) || (!with_blank && blank(i)) || no_channel(i, &p) {
                continue;
            }
            if quality > best_quality {
                best_quality = quality;
                best = vec![i];
                phrase = p;
            } else if quality == best_quality {
                best.push(i);
            }
        }
        (best, phrase)
    };
    let (mut best, mut phrase) = search(false);
    let mut why = String::new();
    if best.is_empty() {
        (best, phrase) = search(true);
        why = BLANK.into();
    }
    match best.as_slice() {
        [] => {
            // Say so when a column was passed over for its answers, not its name.
            let passed_over = header_words.iter().enumerate().find_map(|(i, w)| {
                let (_, p) = name_match(role, w)?;
                no_channel(i, &p).then_some(i)
            });
            undecided(
                role,
                columns,
                &[],
                not_found(role, columns, sample, passed_over),
            )
        }
        [one] => chosen(
            role,
            columns,
            *one,
            Decision::Name,
            format!("name contains {phrase:?}{why}"),
        ),
        tied => {
            // The follow-up question usually comes right after the score question.
            if let Some(next) = score_index.map(|s| s + 1).filter(|n| tied.contains(n)) {
                if role == Role::Comment {
                    return chosen(
                        role,
                        columns,
                        next,
                        Decision::Name,
                        format!("name contains {phrase:?} and it follows the score column"),
                    );
                }
            }
            undecided(
                role,
                columns,
                tied,
                "several columns fit equally well".to_string(),
            )
        }
    }
}

/// Why no column plays `role`: a column with the role's name passed over for its answers
/// (`passed_over`, a channel column naming no channel), or no name fits.
fn not_found(
    role: Role,
    columns: &[Column],
    sample: &[StringRecord],
    passed_over: Option<usize>,
) -> String {
    let Some(i) = passed_over else {
        let label = role.label();
        let article = match label.starts_with(['a', 'e', 'i', 'o', 'u']) {
            true => "an",
            false => "a",
        };
        return format!("no column with answers is named like {article} {label} column");
    };
    let first = sample
        .iter()
        .map(|r| r.get(i).unwrap_or("").trim())
        .find(|v| !v.is_empty());
    let answers = match first {
        Some(v) => format!(
            "none of its sampled answers is a channel (first: {v:?}; channels are e-mail, SMS, WhatsApp, phone, in-app)"
        ),
        None => "its sampled answers are blank".to_string(),
    };
    format!(
        "{:?} has a channel name, but {answers}; --channel-col takes it anyway",
        columns[i].name
    )
}
