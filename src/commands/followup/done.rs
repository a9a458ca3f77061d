//! `--done FILE` (`-`: standard input): the respondents already contacted, as respondent ids or
//! e-mails — a CRM export (CSV with a header: its id and e-mail columns, found by name like the
//! survey's) or a plain list (one value per line; a single column's header, if any, is read as a
//! value and simply matches nobody).

use std::collections::HashSet;
use std::path::Path;

use crate::commands::note;
use crate::error::Error;
use crate::ingest::columns::{matches_role, Role};

/// Ids and e-mails already contacted (e-mails lower-cased).
#[derive(Debug, Default)]
pub struct Done {
    values: HashSet<String>,
}

impl Done {
    /// Read `path`.
    pub fn read(path: &Path) -> Result<Done, Error> {
        let fail = |why: String| Error::usage(format!("--done {}: {why}", path.display()));
        // `-`: standard input (`crm-export | nps followup responses.csv --done -`).
        let bytes = match path.as_os_str() == "-" {
            true => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
            }
            false => std::fs::read(path),
        }
        .map_err(|e| fail(format!("cannot read it ({e}); give a readable CSV or list")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| fail("is not UTF-8 text; save it as UTF-8 CSV".into()))?;
        let text = text.trim_start_matches('\u{feff}');
        let first = text.lines().next().unwrap_or("");
        let delimiter = [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|d| first.bytes().filter(|b| b == d).count())
            .filter(|d| first.as_bytes().contains(d));
        let mut values = HashSet::new();
        let Some(delimiter) = delimiter else {
            // One value per line, under a header naming the column or not ("customer_id").
            let header =
                matches_role(first, Role::Email) || matches_role(first, Role::RespondentId);
            let lines = text.lines().skip(usize::from(header));
            values.extend(lines.map(normalise).filter(|v| !v.is_empty()));
            return Ok(Done { values });
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| fail(format!("is not readable CSV ({e})")))?
            .clone();
        let wanted: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| matches_role(h, Role::Email) || matches_role(h, Role::RespondentId))
            .map(|(i, _)| i)
            .collect();
        if wanted.is_empty() {
            return Err(fail(format!(
                "has no e-mail or respondent-id column among {}; name one `email` or `customer_id`, or give one value per line",
                headers.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
            )));
        }
        for (n, record) in reader.records().enumerate() {
            let record = record.map_err(|e| fail(format!("record {}: {e}", n + 1)))?;
            values.extend(
                wanted
                    .iter()
                    .filter_map(|&i| record.get(i))
                    .map(normalise)
                    .filter(|v| !v.is_empty()),
            );
        }
        Ok(Done { values })
    }

    /// The values that no respondent's id or e-mail matches, sorted (a typo, another id scheme,
    /// a respondent outside the inputs).
    fn unmatched<'a>(
        &self,
        respondents: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
    ) -> Vec<&str> {
        let mut seen: HashSet<&str> = HashSet::new();
        for (id, email) in respondents {
            for v in [id, email].into_iter().flatten() {
                if let Some(found) = self.values.get(&normalise(v)) {
                    seen.insert(found);
                }
            }
        }
        let mut left: Vec<&str> = self
            .values
            .iter()
            .map(String::as_str)
            .filter(|v| !seen.contains(v))
            .collect();
        left.sort_unstable();
        left
    }

    /// Say on stderr which values match no `respondents` (id, e-mail), or that the file `path`
    /// held none: a completion rate that counts none of them would otherwise pass for the truth.
    pub fn note_unmatched<'a>(
        &self,
        path: &Path,
        respondents: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
    ) {
        // Notes are shown escaped (`note`): the file name and the values are the user's.
        let file = path.display();
        if self.values.is_empty() {
            note(&format!(
                "--done {file} holds no id or e-mail: nobody is left out"
            ));
            return;
        }
        let unmatched = self.unmatched(respondents);
        if unmatched.is_empty() {
            return;
        }
        let shown: Vec<String> = unmatched.iter().take(5).map(|v| format!("{v:?}")).collect();
        let more = if unmatched.len() > 5 { ", …" } else { "" };
        note(&format!(
            "{} of the {} ids and e-mails in --done {file} match no respondent ({}{more}); ids compare exactly, e-mails ignoring case",
            unmatched.len(),
            self.values.len(),
            shown.join(", ")
        ));
    }

    /// Whether a respondent with this id or e-mail was contacted.
    pub fn contains(&self, id: Option<&str>, email: Option<&str>) -> bool {
        [id, email]
            .into_iter()
            .flatten()
            .any(|v| self.values.contains(&normalise(v)))
    }
}

/// Values compare trimmed, e-mails (anything with an `@`) case-insensitively.
fn normalise(v: &str) -> String {
    let v = v.trim();
    match v.contains('@') {
        true => v.to_lowercase(),
        false => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Done, Error> {
        let dir =
            std::env::temp_dir().join(format!("nps-done-{}-{}", std::process::id(), text.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("done.csv");
        std::fs::write(&path, text).unwrap();
        let done = Done::read(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        done
    }

    #[test]
    fn a_crm_export_gives_its_email_and_id_columns() {
        let done = read("Name,Email,Customer ID,Notes\nAnn,ANN@example.com,C7,called\n").unwrap();
        assert!(done.contains(None, Some("ann@example.COM")));
        assert!(done.contains(Some("C7"), None));
        assert!(
            !done.contains(Some("Ann"), None),
            "names are not identifiers"
        );
        assert!(!done.contains(Some("c7"), None), "ids compare exactly");
    }

    #[test]
    fn a_plain_list_is_one_value_per_line() {
        let done = read("\u{feff}C1\n  c2@x.org \n\n").unwrap();
        assert!(done.contains(Some("C1"), None));
        assert!(done.contains(None, Some("C2@X.org")));
        // A header over the one column is a name, not a value.
        let done = read("customer_id\nA1\n").unwrap();
        assert!(done.contains(Some("A1"), None));
        assert!(!done.contains(Some("customer_id"), None));
        assert_eq!(done.values.len(), 1);
    }

    #[test]
    fn a_csv_without_identifiers_is_refused() {
        let e = read("name,notes\nAnn,called\n").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("\"name\", \"notes\""), "{e}");
    }
}
