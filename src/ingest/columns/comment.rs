//! The comment column: named for it and holding free text, else free text found by content
//! ([`detect_comment`]'s order).

use csv::StringRecord;

use super::by_name::{detect_by_name, BLANK};
use super::names::is_metadata;
use super::{chosen, undecided, Decision, Role, RoleChoice};
use crate::ingest::preset::Column;

/// The comment column (`header_words`: the name's, and the question label's too: ids are terse
/// there). In turn:
/// 1. a column named for it whose sampled answers are not a closed list;
/// 2. free text found by content (a named column blank in every sampled row, "Commentaire
///    interne", gives way to it);
/// 3. the blank named column;
/// 4. a column named for it whatever its answers (a small or made-up file: one comment repeated)
///    — but when several tie there, all closed lists (the Carpentries export's Likert
///    "…FeedbackPost" columns), there is no comment column rather than an ambiguous one: the
///    comment is optional for most commands, and `--comment-col` names one.
pub(super) fn detect_comment(
    columns: &[Column],
    header_words: &[Vec<String>],
    sample: &[StringRecord],
    score_index: Option<usize>,
) -> RoleChoice {
    let role = Role::Comment;
    let free = detect_by_name(role, columns, header_words, sample, score_index, false);
    let blank_name = free.reason.ends_with(BLANK);
    if free.decided_by != Decision::NotFound && !blank_name {
        return free;
    }
    if let Some(by_content) = detect_comment_by_content(columns, header_words, sample, score_index)
    {
        return by_content;
    }
    if blank_name {
        return free;
    }
    let any = detect_by_name(role, columns, header_words, sample, score_index, true);
    match any.decided_by {
        Decision::Ambiguous => undecided(
            role,
            columns,
            &[],
            format!(
                "the columns named like a comment ({}) hold a closed list of answers, not free text",
                any.candidates.join(", ")
            ),
        ),
        _ => any,
    }
}

/// The comment by content, when no header names it: free text — answers that are long (on
/// average 20 characters or more, three words or more), varied (at least four in five sampled
/// answers distinct) and not ids, codes, dates or short categories. The longest such column wins;
/// a tie goes to the column right after the score.
fn detect_comment_by_content(
    columns: &[Column],
    header_words: &[Vec<String>],
    sample: &[StringRecord],
    score_index: Option<usize>,
) -> Option<RoleChoice> {
    let mut fits: Vec<(usize, usize)> = Vec::new();
    for (i, words) in header_words.iter().enumerate().take(columns.len()) {
        if Some(i) == score_index || is_metadata(words) {
            continue;
        }
        let values: Vec<&str> = sample
            .iter()
            .map(|r| r.get(i).unwrap_or("").trim())
            .filter(|v| !v.is_empty())
            .collect();
        if values.len() < 5 {
            continue;
        }
        let chars: usize = values.iter().map(|v| v.chars().count()).sum();
        let words: usize = values.iter().map(|v| v.split_whitespace().count()).sum();
        let mut distinct = values.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let n = values.len();
        if chars >= 20 * n && words >= 3 * n && distinct.len() * 5 >= n * 4 {
            fits.push((i, words / n));
        }
    }
    let best = fits.iter().map(|&(_, w)| w).max()?;
    let tied: Vec<usize> = fits.iter().filter(|f| f.1 == best).map(|f| f.0).collect();
    let pick = match tied.as_slice() {
        [one] => *one,
        _ => score_index.map(|s| s + 1).filter(|n| tied.contains(n))?,
    };
    Some(chosen(
        Role::Comment,
        columns,
        pick,
        Decision::Content,
        format!("by content: free text, {best} words per sampled answer on average"),
    ))
}
