//! Column roles: which column holds the score, the date, the respondent id, the comment, the
//! language and the contact details closing the loop needs (e-mail, phone, first and last name,
//! company, channel) — decided by name (English and French) and, for the score and the comment,
//! by content.
//!
//! Promises: an explicit flag always wins; every decision carries a reason `nps inspect` shows;
//! when two columns fit a role equally well the role is *ambiguous* and a command that needs it
//! stops and lists the candidates (never a silent guess).
//!
//! The score is found in tiers, the first tier with exactly one column winning:
//! 1. a strong name (recommend/recommand…, nps, net promoter, likely/likelihood, ltr) whose sampled
//!    values are mostly (> 50%) valid 0–10 scores;
//! 2. a weak name (score, rating, note) with such values;
//! 3. a strong or weak name whose sampled values are all blank (the file may simply have no answers);
//! 4. by content alone: every sampled value a valid score, at least 3 distinct values and 10
//!    answers, and a name that does not look like an id, a count or platform metadata;
//! 5. a strong or weak name whatever its values: the run then reports those values as invalid,
//!    with their rows, which says more than "no score column".
//!
//! Columns derived from the score (Qualtrics `Q1_NPS_GROUP`, "NPS category") and comment-like
//! names ("Why did you give this score?") are never score candidates.

use csv::StringRecord;
use serde::Serialize;

mod by_name;
mod comment;
mod names;

use super::preset::Column;
use super::score::{self, Missing, ScoreCell};
use by_name::detect_by_name;
use comment::detect_comment;
pub use names::words;
use names::{is_derived, is_metadata, name_match, score_name};

/// The roles a column can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The 0–10 likelihood-to-recommend answer.
    Score,
    /// When the response was given.
    Date,
    /// Who answered (customer, user, contact id).
    RespondentId,
    /// The respondent's e-mail address.
    Email,
    /// The free-text follow-up answer.
    Comment,
    /// How the survey reached the respondent.
    Channel,
    /// The respondent's language (`UserLanguage`, `locale`, `lang`).
    Language,
    /// The respondent's phone number.
    Phone,
    /// The respondent's first name (`first_name`, `prénom`).
    FirstName,
    /// The respondent's last name (`last_name`, `nom`).
    LastName,
    /// The respondent's company or account name.
    Company,
}

impl Role {
    /// Every role, in report order.
    pub const ALL: [Role; 11] = [
        Role::Score,
        Role::Date,
        Role::RespondentId,
        Role::Email,
        Role::Comment,
        Role::Channel,
        Role::Language,
        Role::Phone,
        Role::FirstName,
        Role::LastName,
        Role::Company,
    ];

    /// The flag that chooses this role's column, where one exists.
    pub fn flag(self) -> Option<&'static str> {
        match self {
            Role::Score => Some("--score-col"),
            Role::Date => Some("--date-col"),
            Role::RespondentId => Some("--id-col"),
            Role::Comment => Some("--comment-col"),
            Role::Email => Some("--email-col"),
            Role::Channel => Some("--channel-col"),
            Role::Language => Some("--lang-col"),
            Role::Phone => Some("--phone-col"),
            Role::FirstName => Some("--first-name-col"),
            Role::LastName => Some("--last-name-col"),
            Role::Company => Some("--company-col"),
        }
    }

    /// The role in words (`respondent id`).
    pub fn label(self) -> &'static str {
        match self {
            Role::Score => "score",
            Role::Date => "date",
            Role::RespondentId => "respondent id",
            Role::Email => "email",
            Role::Comment => "comment",
            Role::Channel => "channel",
            Role::Language => "language",
            Role::Phone => "phone",
            Role::FirstName => "first name",
            Role::LastName => "last name",
            Role::Company => "company",
        }
    }
}

/// How a role's column was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Named by a flag.
    Flag,
    /// By the column's name.
    Name,
    /// By the column's values.
    Content,
    /// Several columns fit equally well.
    Ambiguous,
    /// No column fits.
    NotFound,
}

impl Decision {
    /// The decision in words (`not found`).
    pub fn label(self) -> &'static str {
        match self {
            Decision::Flag => "flag",
            Decision::Name => "name",
            Decision::Content => "content",
            Decision::Ambiguous => "ambiguous",
            Decision::NotFound => "not found",
        }
    }
}

/// The decision for one role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleChoice {
    /// The role.
    pub role: Role,
    /// The chosen column's index, if one was chosen.
    #[serde(skip)]
    pub index: Option<usize>,
    /// The chosen column's name.
    pub column: Option<String>,
    /// How it was decided.
    pub decided_by: Decision,
    /// Why, in words.
    pub reason: String,
    /// The tied columns when ambiguous.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

/// Columns chosen on the command line, by name.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--score-col`.
    pub score: Option<String>,
    /// `--date-col`.
    pub date: Option<String>,
    /// `--id-col`.
    pub id: Option<String>,
    /// `--comment-col`.
    pub comment: Option<String>,
    /// The contact columns named by `nps followup` and `nps risk` (`--email-col`…), by role.
    pub contacts: Vec<(Role, String)>,
}

impl Overrides {
    fn get(&self, role: Role) -> Option<&str> {
        match role {
            Role::Score => self.score.as_deref(),
            Role::Date => self.date.as_deref(),
            Role::RespondentId => self.id.as_deref(),
            Role::Comment => self.comment.as_deref(),
            _ => self
                .contacts
                .iter()
                .find(|(r, _)| *r == role)
                .map(|(_, name)| name.as_str()),
        }
    }
}

/// Whether a header names `role` (one of the roles found by name), as detection reads names:
/// `Customer ID` is a respondent id, `E-mail` an e-mail.
pub fn matches_role(header: &str, role: Role) -> bool {
    name_match(role, &words(header)).is_some()
}

/// A flag named a column that does not exist.
#[derive(Debug, Clone)]
pub struct MissingColumn {
    /// The flag.
    pub flag: &'static str,
    /// The name given.
    pub wanted: String,
}

/// What the sample says about one column's values.
#[derive(Debug, Clone, Copy, Default)]
struct Profile {
    non_blank: usize,
    valid: usize,
    distinct: u16,
}

fn profile(
    sample: &[StringRecord],
    index: usize,
    decimal_comma: bool,
    missing: &Missing,
) -> Profile {
    let mut p = Profile::default();
    for rec in sample {
        match score::parse(rec.get(index).unwrap_or(""), decimal_comma, missing) {
            ScoreCell::Blank => {}
            ScoreCell::Valid(v) => {
                p.non_blank += 1;
                p.valid += 1;
                p.distinct |= 1 << v;
            }
            ScoreCell::Invalid => p.non_blank += 1,
        }
    }
    p
}

/// Find the column a flag names: exact name, then exact question text, then a unique
/// case-insensitive match.
pub fn find(columns: &[Column], wanted: &str) -> Option<usize> {
    let w = wanted.trim();
    columns
        .iter()
        .position(|c| c.name == w)
        .or_else(|| columns.iter().position(|c| c.label.as_deref() == Some(w)))
        .or_else(|| {
            let matches: Vec<usize> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.name.eq_ignore_ascii_case(w)
                        || c.label
                            .as_deref()
                            .is_some_and(|l| l.eq_ignore_ascii_case(w))
                })
                .map(|(i, _)| i)
                .collect();
            (matches.len() == 1).then(|| matches[0])
        })
}

/// Decide every role for one input. `sample` holds data records only.
pub fn detect(
    columns: &[Column],
    sample: &[StringRecord],
    overrides: &Overrides,
    decimal_comma: bool,
    missing: &Missing,
) -> Result<Vec<RoleChoice>, MissingColumn> {
    // Each header's words once (names are matched for every role): its name's, and with a
    // question label (Qualtrics) the label's too.
    let name_words: Vec<Vec<String>> = columns.iter().map(|c| words(&c.name)).collect();
    let header_words: Vec<Vec<String>> = columns
        .iter()
        .zip(&name_words)
        .map(|(c, w)| match &c.label {
            Some(label) => [&w[..], &words(label)].concat(),
            None => w.clone(),
        })
        .collect();
    let mut choices = Vec::with_capacity(Role::ALL.len());
    let mut score_index = None;
    for role in Role::ALL {
        let choice = if let Some(wanted) = overrides.get(role) {
            // `--comment-col a,b`: several columns make one text; the first plays the role.
            let first = match role {
                Role::Comment if find(columns, wanted).is_none() => {
                    wanted.split(',').map(str::trim).find(|p| !p.is_empty())
                }
                _ => None,
            };
            let Some(i) = find(columns, first.unwrap_or(wanted)) else {
                return Err(MissingColumn {
                    flag: role.flag().unwrap_or("--score-col"),
                    wanted: wanted.to_string(),
                });
            };
            chosen(
                role,
                columns,
                i,
                Decision::Flag,
                format!("{} {wanted:?}", role.flag().unwrap_or("")),
            )
        } else if role == Role::Score {
            detect_score(columns, &header_words, sample, decimal_comma, missing)
        } else if role == Role::Comment {
            detect_comment(columns, &header_words, sample, score_index)
        } else {
            detect_by_name(role, columns, &name_words, sample, score_index, true)
        };
        if role == Role::Score {
            score_index = choice.index;
        }
        choices.push(choice);
    }
    Ok(choices)
}

pub(super) fn chosen(
    role: Role,
    columns: &[Column],
    i: usize,
    by: Decision,
    reason: String,
) -> RoleChoice {
    RoleChoice {
        role,
        index: Some(i),
        column: Some(columns[i].name.clone()),
        decided_by: by,
        reason,
        candidates: Vec::new(),
    }
}

pub(super) fn undecided(
    role: Role,
    columns: &[Column],
    tied: &[usize],
    reason: String,
) -> RoleChoice {
    RoleChoice {
        role,
        index: None,
        column: None,
        decided_by: if tied.is_empty() {
            Decision::NotFound
        } else {
            Decision::Ambiguous
        },
        reason,
        candidates: tied.iter().map(|&i| columns[i].name.clone()).collect(),
    }
}

fn detect_score(
    columns: &[Column],
    header_words: &[Vec<String>],
    sample: &[StringRecord],
    decimal_comma: bool,
    missing: &Missing,
) -> RoleChoice {
    let profiles: Vec<Profile> = (0..columns.len())
        .map(|i| profile(sample, i, decimal_comma, missing))
        .collect();
    let names: Vec<(u8, &str)> = header_words.iter().map(|w| score_name(w)).collect();
    let mostly_valid = |p: &Profile| p.non_blank > 0 && p.valid * 2 > p.non_blank;
    let pct = |p: &Profile| 100 * p.valid / p.non_blank.max(1);
    type Tier<'a> = (
        &'a dyn Fn(usize) -> bool,
        &'a dyn Fn(usize) -> String,
        Decision,
    );
    let strong = |i: usize| names[i].0 == 2 && mostly_valid(&profiles[i]);
    let weak = |i: usize| names[i].0 == 1 && mostly_valid(&profiles[i]);
    let empty = |i: usize| names[i].0 > 0 && profiles[i].non_blank == 0;
    let content = |i: usize| {
        let p = &profiles[i];
        names[i].0 == 0
            && !is_metadata(&header_words[i])
            && !is_derived(&header_words[i])
            && p.non_blank >= 10
            && p.valid == p.non_blank
            && p.distinct.count_ones() >= 3
    };
    let by_name = |i: usize| {
        format!(
            "name contains {:?} and {}% of {} sampled answers are 0–10 scores",
            names[i].1,
            pct(&profiles[i]),
            profiles[i].non_blank
        )
    };
    let by_empty = |i: usize| {
        format!(
            "name contains {:?}; every sampled value is blank",
            names[i].1
        )
    };
    let any_named = |i: usize| names[i].0 > 0;
    let by_name_only = |i: usize| {
        format!(
            "name contains {:?}, though only {}% of {} sampled answers are 0–10 scores",
            names[i].1,
            pct(&profiles[i]),
            profiles[i].non_blank
        )
    };
    let by_content = |i: usize| {
        format!(
            "by content: all {} sampled answers are integers 0–10 ({} distinct values)",
            profiles[i].non_blank,
            profiles[i].distinct.count_ones()
        )
    };
    let tiers: [Tier; 5] = [
        (&strong, &by_name, Decision::Name),
        (&weak, &by_name, Decision::Name),
        (&empty, &by_empty, Decision::Name),
        (&content, &by_content, Decision::Content),
        (&any_named, &by_name_only, Decision::Name),
    ];
    for (fits, why, by) in tiers {
        let hits: Vec<usize> = (0..columns.len()).filter(|&i| fits(i)).collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return chosen(Role::Score, columns, *one, by, why(*one)),
            tied => {
                return undecided(
                    Role::Score,
                    columns,
                    tied,
                    "several columns fit equally well".to_string(),
                )
            }
        }
    }
    undecided(
        Role::Score,
        columns,
        &[],
        "no header names a score (recommend, nps, likely, score, rating, note, recommand…) with 0–10 answers, and no column holds only integers 0–10".to_string(),
    )
}

#[cfg(test)]
mod tests;
