//! Survey platform layouts (DESIGN.md §3): how many header rows, what the columns are called, and
//! which rows the platform itself marks as not real responses.
//!
//! Recognised without flags from the first records; `--preset` overrides. Each recognition
//! carries its reason, shown by `nps inspect`.
//! - Qualtrics: row 1 column ids, row 2 question text, row 3 `{"ImportId":…}` cells. `Status`
//!   1 (survey preview), 2 (survey test), 8 (spam) and 9 (preview spam) rows are excluded and
//!   counted; numeric codes and the text labels of "choice text" exports are both understood.
//! - SurveyMonkey: row 1 question text over the first column of each question (blank over the
//!   others: forward-filled), row 2 `Response` / `Open-Ended Response` / choice labels; a column is
//!   named by its question, plus ` - choice` where row 2 names one.
//! - Typeform: `#` token column and `Submit Date (UTC)`.
//! - Delighted API JSON: `score`, `survey_type`/`permalink`, epoch `created_at`; the
//!   `person_properties.` prefix is dropped from property columns where no name clashes.

use csv::StringRecord;
use serde::Serialize;

use crate::cli::{InputFormat, Preset};

/// One column of an input.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// The name used everywhere (`--score-col`, `--by`, reports).
    pub name: String,
    /// The question text where the platform gives one besides the id (Qualtrics row 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The recognised layout of one input.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    /// Which platform layout.
    pub preset: Preset,
    /// Why it was chosen.
    pub reason: String,
    /// How many leading records are headers.
    pub header_rows: usize,
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// Qualtrics' `Status` column, whose codes mark previews, tests and spam.
    #[serde(skip)]
    status: Option<usize>,
}

impl Layout {
    /// Why the platform says this row is not a real response, if it does.
    pub fn exclusion(&self, record: &StringRecord) -> Option<&'static str> {
        exclusion_of(record.get(self.status?)?)
    }

    /// The column whose cells [`exclusion_of`] judges, if the platform marks rows.
    pub fn status_column(&self) -> Option<usize> {
        self.status
    }
}

/// Why the platform's status cell `status` says a row is not a real response, if it does.
pub fn exclusion_of(status: &str) -> Option<&'static str> {
    match status.trim() {
        "1" | "Survey Preview" => Some("Qualtrics survey preview (Status 1)"),
        "2" | "Survey Test" => Some("Qualtrics survey test (Status 2)"),
        "8" | "Spam" => Some("Qualtrics spam (Status 8)"),
        "9" | "Survey Preview Spam" => Some("Qualtrics preview spam (Status 9)"),
        _ => None,
    }
}

fn cells(record: &StringRecord) -> Vec<String> {
    record.iter().map(|s| s.trim().to_string()).collect()
}

/// Qualtrics' third header row names every column's import id. All of its filled cells (at least
/// two, and at least half of the columns) must be `{"ImportId":…}`: one respondent's comment
/// that happens to start that way is an answer, not a header row (finding F8).
fn is_qualtrics(head: &[StringRecord]) -> bool {
    let Some(third) = head.get(2) else {
        return false;
    };
    let filled = third.iter().filter(|c| !c.trim().is_empty()).count();
    let import_ids = third
        .iter()
        .filter(|c| c.trim_start().starts_with("{\"ImportId\""))
        .count();
    import_ids >= 2 && import_ids == filled && import_ids * 2 >= third.len()
}

/// SurveyMonkey's second header row says `Response` (or `Open-Ended Response`) under a question
/// and leaves its metadata columns blank: the cell under `Respondent ID` must be blank, as a
/// response's never is — a generic file with a `Respondent ID` column and an answer reading
/// "response" is data (finding F8).
fn is_surveymonkey(head: &[StringRecord]) -> bool {
    let (Some(first), Some(second)) = (head.first(), head.get(1)) else {
        return false;
    };
    let Some(id) = first
        .iter()
        .position(|c| c.trim().eq_ignore_ascii_case("Respondent ID"))
    else {
        return false;
    };
    let has = |v: &str| second.iter().any(|c| c.trim().eq_ignore_ascii_case(v));
    second.get(id).is_none_or(|c| c.trim().is_empty())
        && (has("Response") || has("Open-Ended Response"))
}

fn is_typeform(head: &[StringRecord]) -> bool {
    head.first().is_some_and(|h| {
        h.get(0).map(str::trim) == Some("#") && h.iter().any(|c| c.trim() == "Submit Date (UTC)")
    })
}

fn is_delighted(head: &[StringRecord]) -> bool {
    head.first().is_some_and(|h| {
        let has = |v: &str| h.iter().any(|c| c == v);
        has("score") && has("created_at") && (has("survey_type") || has("permalink"))
    })
}

/// Recognise the layout from the first records (header rows included).
pub fn detect(head: &[StringRecord], format: InputFormat, forced: Option<Preset>) -> Layout {
    let text = matches!(format, InputFormat::Csv | InputFormat::Tsv);
    let (preset, reason) = match forced {
        Some(p) => (p, "--preset".to_string()),
        None if text && is_qualtrics(head) => (
            Preset::Qualtrics,
            "row 3 holds {\"ImportId\":…} cells (Qualtrics' three header rows)".to_string(),
        ),
        None if text && is_surveymonkey(head) => (
            Preset::Surveymonkey,
            "row 1 has \"Respondent ID\" and row 2 \"Response\" cells (SurveyMonkey's two header rows)".to_string(),
        ),
        None if text && is_typeform(head) => (
            Preset::Typeform,
            "\"#\" token column and \"Submit Date (UTC)\"".to_string(),
        ),
        None if !text && is_delighted(head) => (
            Preset::Delighted,
            "objects with score, created_at and survey_type/permalink (Delighted API)".to_string(),
        ),
        None => (Preset::Generic, "no platform layout recognised".to_string()),
    };
    let row = |i: usize| head.get(i).map(cells).unwrap_or_default();
    let (header_rows, mut columns): (usize, Vec<Column>) = match preset {
        Preset::Qualtrics => {
            let (ids, labels) = (row(0), row(1));
            let columns = ids
                .iter()
                .enumerate()
                .map(|(i, id)| Column {
                    name: id.clone(),
                    label: labels.get(i).filter(|l| !l.is_empty() && *l != id).cloned(),
                })
                .collect();
            (3, columns)
        }
        Preset::Surveymonkey => {
            let (questions, answers) = (row(0), row(1));
            let mut current = String::new();
            let columns = questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    if !q.is_empty() {
                        current = q.clone();
                    }
                    let answer = answers.get(i).map(String::as_str).unwrap_or("");
                    let name = match answer {
                        "" | "Response" | "Open-Ended Response" => current.clone(),
                        choice => format!("{current} - {choice}"),
                    };
                    Column { name, label: None }
                })
                .collect();
            (2, columns)
        }
        _ => {
            let names = row(0);
            let columns = names
                .into_iter()
                .map(|name| Column { name, label: None })
                .collect();
            (1, columns)
        }
    };
    if preset == Preset::Delighted {
        strip_prefix_without_clash(&mut columns, "person_properties.");
    }
    name_blank_and_duplicate_columns(&mut columns);
    let status = match preset {
        Preset::Qualtrics => columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case("Status")),
        _ => None,
    };
    Layout {
        preset,
        reason,
        header_rows,
        columns,
        status,
    }
}

fn strip_prefix_without_clash(columns: &mut [Column], prefix: &str) {
    let taken: std::collections::HashSet<String> = columns.iter().map(|c| c.name.clone()).collect();
    for c in columns.iter_mut() {
        if let Some(short) = c.name.strip_prefix(prefix) {
            if !taken.contains(short) {
                c.name = short.to_string();
            }
        }
    }
}

/// Blank headers become `column N` (or, when the file itself has a column of that name,
/// `column N (k)`); repeated names get ` (2)`, ` (3)`… so that every column can be named on the
/// command line, and a name the file uses always names that column.
fn name_blank_and_duplicate_columns(columns: &mut [Column]) {
    let mut taken = std::collections::HashSet::<String>::new();
    for c in columns.iter() {
        taken.insert(c.name.clone());
    }
    // Blank headers first, each on a name nothing else in the file uses.
    for (i, c) in columns.iter_mut().enumerate() {
        if c.name.is_empty() {
            let base = format!("column {}", i + 1);
            let mut name = base.clone();
            let mut k = 2;
            while taken.contains(&name) {
                name = format!("{base} ({k})");
                k += 1;
            }
            taken.insert(name.clone());
            c.name = name;
        }
    }
    // A repeat takes the first free "name (k)", skipping names the file itself uses. The next
    // k to try is remembered per name, so n repeats cost O(n), not O(n²) (finding F20).
    let mut seen = std::collections::HashSet::<String>::new();
    let mut next = std::collections::HashMap::<String, usize>::new();
    for c in columns.iter_mut() {
        if !seen.insert(c.name.clone()) {
            let base = std::mem::take(&mut c.name);
            let k = next.entry(base.clone()).or_insert(2);
            let name = loop {
                let name = format!("{base} ({k})");
                *k += 1;
                if !taken.contains(&name) && !seen.contains(&name) {
                    break name;
                }
            };
            seen.insert(name.clone());
            c.name = name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(rows: &[&[&str]]) -> Vec<StringRecord> {
        rows.iter()
            .map(|r| StringRecord::from(r.to_vec()))
            .collect()
    }

    #[test]
    fn qualtrics_three_rows_and_status_codes() {
        let head = recs(&[
            &["Status", "Q1", "Q1_NPS_GROUP"],
            &[
                "Response Type",
                "How likely are you to recommend us?",
                "Q1 - Group",
            ],
            &[
                r#"{"ImportId":"status"}"#,
                r#"{"ImportId":"QID1"}"#,
                r#"{"ImportId":"QID1_NPS_GROUP"}"#,
            ],
            &["0", "9", "3"],
        ]);
        let l = detect(&head, InputFormat::Csv, None);
        assert_eq!((l.preset, l.header_rows), (Preset::Qualtrics, 3));
        assert_eq!(
            l.columns[1].label.as_deref(),
            Some("How likely are you to recommend us?")
        );
        let row = |s: &str| StringRecord::from(vec![s, "9", "3"]);
        assert_eq!(l.exclusion(&row("0")), None);
        assert!(l.exclusion(&row("1")).unwrap().contains("preview"));
        assert!(l.exclusion(&row("Survey Test")).unwrap().contains("test"));
        assert!(l.exclusion(&row("8")).unwrap().contains("spam"));
    }

    #[test]
    fn surveymonkey_forward_fills_question_text() {
        let head = recs(&[
            &[
                "Respondent ID",
                "How likely…recommend?",
                "Which features?",
                "",
                "Why?",
            ],
            &["", "Response", "Dashboards", "API", "Open-Ended Response"],
        ]);
        let l = detect(&head, InputFormat::Csv, None);
        assert_eq!((l.preset, l.header_rows), (Preset::Surveymonkey, 2));
        let names: Vec<_> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Respondent ID",
                "How likely…recommend?",
                "Which features? - Dashboards",
                "Which features? - API",
                "Why?"
            ]
        );
    }

    #[test]
    fn typeform_delighted_and_generic() {
        let tf = recs(&[&["#", "How likely?", "Start Date (UTC)", "Submit Date (UTC)"]]);
        assert_eq!(detect(&tf, InputFormat::Csv, None).preset, Preset::Typeform);
        let dl = recs(&[&[
            "score",
            "created_at",
            "survey_type",
            "person_properties.plan",
        ]]);
        let l = detect(&dl, InputFormat::Json, None);
        assert_eq!(l.preset, Preset::Delighted);
        assert_eq!(l.columns[3].name, "plan");
        let generic = recs(&[&["score", "", "score"]]);
        let l = detect(&generic, InputFormat::Csv, None);
        assert_eq!(l.preset, Preset::Generic);
        let names: Vec<_> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["score", "column 2", "score (2)"]);
        // A renamed repeat never lands on a name the file already uses.
        let clash = recs(&[&["plan", "plan", "plan (2)"]]);
        let l = detect(&clash, InputFormat::Csv, None);
        let names: Vec<_> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["plan", "plan (3)", "plan (2)"]);
    }

    #[test]
    fn a_blank_header_never_takes_a_name_the_file_uses() {
        // Finding F10: the real "column 2" keeps its name; the blank one gets another.
        let head = recs(&[&["id", "", "x", "column 2"]]);
        let l = detect(&head, InputFormat::Csv, None);
        let names: Vec<_> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "column 2 (2)", "x", "column 2"]);
        let head = recs(&[&["", "column 1", "column 1 (2)", ""]]);
        let l = detect(&head, InputFormat::Csv, None);
        let names: Vec<_> = l.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["column 1 (3)", "column 1", "column 1 (2)", "column 4"]
        );
    }
}
