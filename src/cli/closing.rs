//! The arguments of the commands that close the loop: `nps followup` (who to contact, by when,
//! on which channel, with what message) and `nps risk` (who is about to leave, and why), and the
//! groups they share — the contact columns and the risk rules — so that both read respondents
//! and score risk with the same flags (one engine: `src/risk`).

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

use super::shared::{InputArgs, OutputArgs};
use super::values::{parse_day, parse_lang};

/// The contact columns, found by name in English and French like the other roles; a flag names
/// one instead.
#[derive(Debug, Args, Clone, Default)]
pub struct ContactArgs {
    /// The respondents' e-mail column.
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub email_col: Option<String>,
    /// The phone column.
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub phone_col: Option<String>,
    /// The first-name column.
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub first_name_col: Option<String>,
    /// The last-name column.
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub last_name_col: Option<String>,
    /// The company (account) column.
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub company_col: Option<String>,
    /// The column naming the channel the survey came through (email, sms, in-app, phone…).
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub channel_col: Option<String>,
    /// The respondents' language column (en, fr, fr-CA, French…).
    #[arg(long, value_name = "COL", help_heading = "Contact columns")]
    pub lang_col: Option<String>,
}

impl ContactArgs {
    /// The columns named by flags, by role.
    pub fn overrides(&self) -> Vec<(crate::ingest::columns::Role, String)> {
        use crate::ingest::columns::Role;
        [
            (Role::Email, &self.email_col),
            (Role::Phone, &self.phone_col),
            (Role::FirstName, &self.first_name_col),
            (Role::LastName, &self.last_name_col),
            (Role::Company, &self.company_col),
            (Role::Channel, &self.channel_col),
            (Role::Language, &self.lang_col),
        ]
        .into_iter()
        .filter_map(|(role, col)| col.clone().map(|c| (role, c)))
        .collect()
    }
}

/// How respondents are scored for risk: the same flags on `followup` and `risk`.
#[derive(Debug, Args, Clone)]
pub struct RiskRules {
    /// The day the list is made for (YYYY-MM-DD): the risk window (and with `followup`, due
    /// dates and days overdue) count from it; responses after it are left out. Default: today
    /// (the output states the date it used).
    #[arg(long, value_name = "DATE", value_parser = parse_day, help_heading = "Risk")]
    pub as_of: Option<chrono::NaiveDate>,

    /// How far back responses count for risk, as days (`180d`, `26w`, `1y` = 365 days):
    /// signals older than this expire.
    #[arg(long, default_value = "365d", value_name = "SPAN", value_parser = parse_span, help_heading = "Risk")]
    pub window: u32,

    /// A fall of this many points or more from the respondent's previous score is a signal.
    #[arg(long, default_value_t = 3, value_name = "POINTS", value_parser = clap::value_parser!(u8).range(1..=10), help_heading = "Risk")]
    pub drop: u8,

    /// Competitors' names (comma-separated): a comment that points to one is a signal. Names
    /// match as words, case aside: give a name that is also a word as comments write the product
    /// (`Monday.com`, not `Monday`).
    #[arg(
        long,
        value_name = "NAMES",
        value_delimiter = ',',
        help_heading = "Risk"
    )]
    pub competitors: Vec<String>,

    /// A churn-language file (the themes-file format, tables intent, switching, refund,
    /// disengagement, toward_us, conditional, third_party, consequence): its terms are added to
    /// the built-in ones.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Risk")]
    pub churn: Vec<PathBuf>,

    /// A themes file whose themes are added to the built-in ones (`followup`: the comment's top
    /// theme picks the message and the question; `risk` lists no themes).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Risk")]
    pub themes: Vec<PathBuf>,

    /// The language of comments whose export has no language column: en or fr. Without it,
    /// each comment's language is voted from its words.
    #[arg(long, value_name = "LANG", value_parser = parse_lang, help_heading = "Risk")]
    pub lang: Option<crate::text::Lang>,
}

impl RiskRules {
    /// The files these rules read (`--churn`, `--themes`): inputs that `-o` may not write over.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.churn.iter().chain(&self.themes)
    }
}

/// `--window`: `180d`, `26w`, `1y` (365 days) or a bare number of days, at least one day.
pub(super) fn parse_span(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, "d"),
    };
    let per = match unit {
        "d" => 1,
        "w" => 7,
        "y" => 365,
        _ => 0,
    };
    match digits.parse::<u32>() {
        Ok(n) if per > 0 && n > 0 && n.checked_mul(per).is_some_and(|d| d <= 36_500) => Ok(n * per),
        _ => Err(format!(
            "{text:?} is not a span: write days, weeks or years (180d, 26w, 1y), at most 100 years"
        )),
    }
}

/// Days to answer each category (`--sla`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sla {
    /// Days to answer a detractor.
    pub detractor: u32,
    /// Days to answer a passive.
    pub passive: u32,
    /// Days to answer a promoter.
    pub promoter: u32,
}

/// `--sla`: `default` (7 days for everyone), `strict` (detractors 2 days, others 7) or
/// `detractor=48h,passive=5d,promoter=2w` (the categories not named keep 7 days; hours are
/// rounded up to whole days, since due dates are days, and weeks are 7 days).
pub(crate) fn parse_sla(text: &str) -> Result<Sla, String> {
    let week = Sla {
        detractor: 7,
        passive: 7,
        promoter: 7,
    };
    match text.trim() {
        "" => return Err(
            "an empty deadline: write default, strict, or category=time (detractor=48h,passive=5d)"
                .into(),
        ),
        "default" => return Ok(week),
        "strict" => {
            return Ok(Sla {
                detractor: 2,
                ..week
            })
        }
        _ => {}
    }
    let mut sla = week;
    let mut given: Vec<&str> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            format!(
                "{part:?} is not a deadline: write default, strict, or category=time with \
                 category detractor, passive or promoter and time like 48h, 5d or 2w"
            )
        };
        let (category, time) = part.split_once('=').ok_or_else(bad)?;
        let time = time.trim();
        let (digits, unit) = time.split_at(time.len().saturating_sub(1));
        let n: u32 = digits.trim().parse().map_err(|_| bad())?;
        let days = match unit {
            "d" => n,
            "w" => n.saturating_mul(7),
            "h" => n.div_ceil(24),
            _ => return Err(bad()),
        };
        if days > 3650 {
            return Err(format!("{part:?}: at most 3650 days"));
        }
        let (name, slot) = match category.trim() {
            "detractor" | "detractors" => ("detractor", &mut sla.detractor),
            "passive" | "passives" => ("passive", &mut sla.passive),
            "promoter" | "promoters" => ("promoter", &mut sla.promoter),
            _ => return Err(bad()),
        };
        if given.contains(&name) {
            return Err(format!(
                "{name} is given twice in {text:?}: give each category one deadline"
            ));
        }
        given.push(name);
        *slot = days;
    }
    Ok(sla)
}

/// Which answer categories to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// Scores 0–6.
    Detractors,
    /// Scores 7–8.
    Passives,
    /// Scores 9–10.
    Promoters,
}

/// CRM import files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Crm {
    /// HubSpot's task import (one task per respondent, associated by e-mail).
    Hubspot,
    /// Salesforce's Task object, for Data Loader.
    Salesforce,
}

/// `nps followup`.
#[derive(Debug, Args)]
pub struct FollowupArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub contacts: ContactArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub risk: RiskRules,

    /// Days to answer: `default` (7 days for everyone), `strict` (detractors 2 days, others 7),
    /// or `detractor=48h,passive=5d,promoter=2w` (hours rounded up to days).
    #[arg(long, default_value = "default", value_name = "RULE", value_parser = parse_sla, help_heading = "Follow-up")]
    pub sla: Sla,

    /// Count deadlines in business days (Monday to Friday).
    #[arg(long, help_heading = "Follow-up")]
    pub business_days: bool,

    /// List only these categories (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "CATEGORIES",
        help_heading = "Follow-up"
    )]
    pub only: Vec<Only>,

    /// Respondents already contacted: a file (CSV with a header, or one value per line) of
    /// respondent ids or e-mails (`-`: standard input). They are left out and the completion
    /// rate is reported.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Follow-up")]
    pub done: Option<PathBuf>,

    /// Message templates (TOML) replacing the built-in ones where they give a key.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Follow-up")]
    pub templates: Option<PathBuf>,

    /// Your company's name, for the messages.
    #[arg(long, value_name = "NAME", help_heading = "Follow-up")]
    pub company: Option<String>,

    /// Who signs the messages.
    #[arg(long, value_name = "NAME", help_heading = "Follow-up")]
    pub sender: Option<String>,

    /// A public-review link added to every respondent's message (never to promoters alone:
    /// review platforms forbid asking only happy customers).
    #[arg(long, value_name = "URL", help_heading = "Follow-up")]
    pub review_link: Option<String>,

    /// Write the CRM's import columns instead (CSV): hubspot or salesforce.
    #[arg(long, value_enum, value_name = "CRM", help_heading = "Follow-up")]
    pub crm: Option<Crm>,

    /// Columns to add to each row (segments: plan, country…).
    #[arg(long, value_name = "COL[,COL]", help_heading = "Follow-up")]
    pub by: Vec<String>,
}

/// `nps risk`.
#[derive(Debug, Args)]
pub struct RiskArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub contacts: ContactArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub risk: RiskRules,

    /// A column of value (revenue, seats): respondents are sorted by value at risk, and the
    /// total at risk per level is reported.
    #[arg(long, value_name = "COL", help_heading = "Risk")]
    pub value: Option<String>,

    /// Columns to add to each row (segments: plan, country…).
    #[arg(long, value_name = "COL[,COL]", help_heading = "Risk")]
    pub by: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_days() {
        assert_eq!(parse_span("180d"), Ok(180));
        assert_eq!(parse_span("26w"), Ok(182));
        assert_eq!(parse_span("1y"), Ok(365));
        assert_eq!(parse_span("90"), Ok(90));
        for bad in ["0d", "3m", "-1d", "", "d", "1000y"] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deadlines_are_whole_days() {
        let week = Sla {
            detractor: 7,
            passive: 7,
            promoter: 7,
        };
        assert_eq!(parse_sla("default"), Ok(week));
        assert_eq!(parse_sla("strict").map(|s| s.detractor), Ok(2));
        let custom = parse_sla("detractor=48h,passive=5d").unwrap();
        assert_eq!(
            (custom.detractor, custom.passive, custom.promoter),
            (2, 5, 7)
        );
        assert_eq!(parse_sla("detractor=25h").map(|s| s.detractor), Ok(2));
        assert_eq!(parse_sla("detractor=0d").map(|s| s.detractor), Ok(0));
        assert_eq!(parse_sla("promoter=2w").map(|s| s.promoter), Ok(14));
        for bad in [
            "",
            " ",
            "detractor=",
            "fast",
            "detractor",
            "detractor=2",
            "critic=2d",
            "detractor=xd",
            "detractor=2d,detractors=3d",
        ] {
            assert!(parse_sla(bad).is_err(), "{bad}");
        }
    }
}
