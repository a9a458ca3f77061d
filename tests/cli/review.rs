//! Regression tests of what a review of `followup`, `risk` and `themes` as a user found
//! (2026-12-04): each test names the behaviour the review asked for.

use super::closing::{d, deadline, followup, AS_OF};
use super::*;

/// `nps followup FILE --as-of AS_OF --format json -q EXTRA…`, parsed.
pub(super) fn followup_on(file: &str, as_of: &str, extra: &[&str]) -> Value {
    let mut args = vec!["followup", file, "--as-of", as_of, "--format", "json", "-q"];
    args.extend_from_slice(extra);
    nps(&args).expect(0).json()
}

/// `text` written to `name` in `dir`; its path.
pub(super) fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The ids `nps risk FILE --as-of DAY` lists, in order.
fn risk_ids(file: &str, as_of: &str) -> Vec<String> {
    let doc = nps(&["risk", file, "--as-of", as_of, "-f", "json", "-q"])
        .expect(0)
        .json();
    doc["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// Found by a review as a user: files that `followup`, `risk`, `themes` and `report` read
/// besides their inputs are never written over; a review link never goes to the happier
/// respondents alone; responses after `--as-of` are left out; a weekend does not make a
/// business-day deadline overdue by 0 days.
#[test]
fn followup_and_risk_guard_their_other_inputs_and_the_as_of_day() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("followup/responses.csv");
    let copy = |name: &str, from: &str| {
        let to = dir.path().join(name);
        std::fs::copy(from, &to).unwrap();
        let text = std::fs::read(&to).unwrap();
        (to.to_str().unwrap().to_string(), text)
    };
    let (done, done_text) = copy("contacted.csv", &fixture("followup/contacted.csv"));
    let (themes, themes_text) = copy("ours.toml", &fixture("followup/bad-template.toml"));
    for (command, flag, (path, text)) in [
        ("followup", "--done", (&done, &done_text)),
        ("followup", "--templates", (&themes, &themes_text)),
        ("risk", "--churn", (&themes, &themes_text)),
        ("themes", "--themes", (&themes, &themes_text)),
        ("report", "--done", (&done, &done_text)),
    ] {
        let run = nps(&[
            command,
            file.as_str(),
            flag,
            path.as_str(),
            "-o",
            path.as_str(),
        ]);
        run.expect(2);
        assert!(run.stderr.contains("is also an input"), "{run:?}");
        assert_eq!(&std::fs::read(path).unwrap(), text, "{run:?}");
    }

    let gated = nps(&[
        "followup",
        &file,
        "--as-of",
        AS_OF,
        "--review-link",
        "https://example.com/review",
        "--only",
        "passives,promoters",
    ]);
    gated.expect(2);
    assert!(gated.stderr.contains("review gating"), "{gated:?}");
    let everyone = [
        "--review-link",
        "https://example.com/review",
        "--only",
        "detractors",
    ];
    followup(&everyone);

    // As of 2025-11-15, A4's 11-18 answer had not been given: their latest is the 9 of 10-01
    // (a promoter, due 10-08, 38 days late), A3's 11-19 answer leaves A3 out altogether.
    let file_args = [
        "followup",
        &file,
        "--as-of",
        "2025-11-15",
        "--format",
        "json",
    ];
    let run = nps(&file_args);
    let doc: Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
    assert!(
        run.stderr
            .contains("2 responses dated after 2025-11-15 are left out"),
        "{run:?}"
    );
    let a4 = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A4")
        .unwrap();
    assert_eq!(
        (&a4["score"], &a4["category"]),
        (&serde_json::json!(9), &serde_json::json!("promoter"))
    );
    assert_eq!(deadline(&doc, "A4"), d("2025-10-08", "overdue", 38));
    assert!(doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != "A3"));

    // A2 (passive, Friday 11-14) with no days to answer is due that Friday: on Saturday 11-15
    // no business day is missed yet; on Monday 11-17 it is 1 day late.
    let sla = ["--business-days", "--sla", "passive=0d"];
    let doc = followup_on(&file, "2025-11-15", &sla);
    assert_eq!(deadline(&doc, "A2"), d("2025-11-14", "due", 0));
    let doc = followup_on(&file, "2025-11-17", &sla);
    assert_eq!(deadline(&doc, "A2"), d("2025-11-14", "overdue", 1));

    // --value: amounts as exports write them are summed; text and negative amounts are not, and
    // are counted. C1 and C2 are high (score 0 after 9: very low, drop, turned detractor).
    let values = write(
        &dir,
        "values.csv",
        "customer_id,date,score,arr\n\
         C1,2025-10-01,9,\"$1,200.50\"\nC1,2025-11-01,0,\"$1,200.50\"\n\
         C2,2025-10-01,9,abc\nC2,2025-11-01,0,abc\n\
         C3,2025-10-01,9,-500\nC3,2025-11-01,0,-500\n",
    );
    let run = nps(&[
        "risk", &values, "--as-of", AS_OF, "--value", "arr", "--format", "json",
    ]);
    let doc: Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
    close(&doc["totals"]["value_at_risk"][0], 1200.5, 1e-9);
    assert_eq!(doc["totals"]["value_set_aside"], 2);
    assert!(
        run.stderr
            .contains("2 respondents at risk have no usable arr")
            && run.stderr.contains("line 5: \"abc\""),
        "{run:?}"
    );

    // Unreadable dates are named; a file with no responses is an input error.
    let bad = write(
        &dir,
        "bad-dates.csv",
        "customer_id,email,date,score\nA,a@x.com,2025-13-45,3\nB,b@x.com,yesterday,9\n",
    );
    let run = nps(&["followup", bad.as_str(), "--as-of", AS_OF]);
    assert!(
        run.expect(0).stderr.contains(
            "2 responses have a date that cannot be read (first: line 2: \"2025-13-45\")"
        ),
        "{run:?}"
    );
    let header = write(&dir, "header.csv", "customer_id,email,date,score\n");
    for command in ["followup", "risk"] {
        let run = nps(&[command, header.as_str(), "--as-of", AS_OF]);
        assert!(
            run.expect(3).stderr.contains("no valid responses"),
            "{run:?}"
        );
    }

    // Respondents without id or e-mail are each their own, in the order of their lines.
    let lines: String = (1..=11)
        .map(|i| format!("2025-11-01,3,meh {i}\n"))
        .collect();
    let anonymous = write(
        &dir,
        "anonymous.csv",
        &format!("date,score,comment\n{lines}"),
    );
    let doc = followup_on(&anonymous, AS_OF, &[]);
    let places: Vec<&str> = doc["no_contact"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (2..=12).map(|n| format!("line {n}")).collect();
    assert_eq!(places, expected);

    // The CSV says who it leaves out.
    let csv = nps(&["followup", &file, "--as-of", AS_OF, "--format", "csv"]);
    assert!(
        csv.expect(0)
            .stderr
            .contains("1 respondent with neither e-mail nor phone is not in the CSV"),
        "{csv:?}"
    );
}

/// Found by a review as a user: the CSV `terms` cell splits on `;` into `theme:term@start-end`
/// entries even when a term is a regex with `;` in it; one entry per theme and span; a regex's
/// span is its words, and the `$` of "$5" is one of them.
#[test]
fn per_response_terms_split_cleanly_with_one_entry_per_span() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "r.csv", "score,comment\n7,\"Please add a dark mode. Costs $5 a month.\"\n5,Les alertes SMS ne marchent plus\n");
    let run = nps(&[
        "themes",
        path.as_str(),
        "--per-response",
        "--format",
        "csv",
        "-q",
    ]);
    let mut reader = csv::Reader::from_reader(run.expect(0).stdout.as_bytes());
    let comments = [
        "Please add a dark mode. Costs $5 a month.",
        "Les alertes SMS ne marchent plus",
    ];
    for (record, comment) in reader.records().map(Result::unwrap).zip(comments) {
        let mut seen = std::collections::BTreeSet::new();
        for entry in record[9].split(';') {
            let (head, span) = entry.rsplit_once('@').unwrap_or_else(|| panic!("{entry}"));
            let theme = head.split_once(':').unwrap().0;
            let (start, end) = span.split_once('-').unwrap();
            let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
            let words = &comment[start..end];
            assert!(
                !words.starts_with(' ') && !words.ends_with([' ', '.']),
                "{entry}: {words:?}"
            );
            assert!(
                seen.insert((theme.to_string(), start, end)),
                "twice: {entry}"
            );
        }
        if comment.contains("$5") {
            assert!(record[9].contains("@30-32"), "the $5: {}", &record[9]);
        }
    }
}

/// `-o out.json` without `--format json` writes a table, as the flags say, and says so.
#[test]
fn an_output_name_that_names_another_format_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let out = out.to_str().unwrap();
    let file = fixture("example.csv");
    let run = nps(&["score", &file, "-o", out]);
    assert!(
        run.expect(0)
            .stderr
            .contains("the file gets --format table"),
        "{run:?}"
    );
    assert!(std::fs::read_to_string(out).unwrap().starts_with("NPS "));
    let run = nps(&["score", &file, "-o", out, "--format", "json"]);
    assert!(!run.expect(0).stderr.contains("the file gets"), "{run:?}");
}

/// `--done` values that match no respondent are named (a completion rate counting none of them
/// would pass for the truth), and an empty `--done` file is noted.
#[test]
fn done_values_matching_nobody_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("followup/responses.csv");
    let done = write(&dir, "done.txt", "A1\nZZZ\na3\nANN@example.com\n");
    let done = done.as_str();
    let run = nps(&["followup", &file, "--as-of", AS_OF, "--done", done]);
    assert!(
        run.expect(0).stderr.contains(&format!(
            "2 of the 4 ids and e-mails in --done {done} match no respondent (\"ZZZ\", \"a3\")"
        )),
        "{run:?}"
    );
    let empty = write(&dir, "empty.txt", "");
    let run = nps(&[
        "followup",
        &file,
        "--as-of",
        AS_OF,
        "--done",
        empty.as_str(),
    ]);
    assert!(
        run.expect(0).stderr.contains("holds no id or e-mail"),
        "{run:?}"
    );
}

/// The message follows the comment's own language when its words clearly say so, even against
/// the export's language column; a short comment keeps the column's.
#[test]
fn the_comments_own_words_choose_the_messages_language() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "lang.csv", "customer_id,email,language,date,score,comment\n\
         L1,l1@x.com,fr,2025-11-10,3,The app is far too slow and the support never answers my emails\n\
         L2,l2@x.com,fr,2025-11-10,3,Trop lent\n\
         L3,l3@x.com,en,2025-11-10,3,\"Beaucoup trop cher pour ce que c'est, je suis déçu\"\n");
    let doc = followup_on(&file, AS_OF, &[]);
    let lang = |id: &str| {
        let rows = doc["rows"].as_array().unwrap();
        let row = rows.iter().find(|r| r["id"] == id).unwrap();
        row["lang"].as_str().unwrap().to_string()
    };
    assert_eq!([lang("L1"), lang("L2"), lang("L3")], ["en", "fr", "fr"]);
}

/// An export without a date column is still listed, every response undated, its latest response
/// the last in the file; a note says so. A missing --date-col column, or --since, still needs
/// one (exit 3).
#[test]
fn an_export_without_dates_is_listed_undated() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "nodates.csv",
        "customer_id,email,score,comment\nC1,a@x.com,9,Great\nC2,b@x.com,3,I will cancel\nC1,a@x.com,2,Now broken\nC3,,8,ok\n",
    );
    let run = nps(&["followup", &file, "--as-of", "2025-01-01", "-f", "json"]);
    run.expect(0);
    assert!(
        run.stderr
            .contains("no response date column was found: its responses are undated"),
        "{run:?}"
    );
    let doc = run.json();
    let rows: Vec<(&str, u64, &str)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["score"].as_u64().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    // C1's latest is line 4 (score 2, after a 9): a detractor turned, listed first.
    assert_eq!(rows, [("C1", 2, "undated"), ("C2", 3, "undated")]);
    assert_eq!(doc["rows"][0]["previous_score"], 9);
    assert_eq!(doc["no_contact"][0]["id"], "C3");
    assert!(doc["sources"][0]["dates"].is_null(), "{doc}");
    assert_eq!(risk_ids(&file, "2025-01-01"), ["C1", "C2"]);
    for extra in [["--date-col", "when"], ["--since", "2024-01-01"]] {
        let mut args = vec!["followup", file.as_str(), "-q"];
        args.extend(extra);
        nps(&args).expect(3);
    }
}

/// Nobody to contact: the summary says so, with no empty table under it.
#[test]
fn no_one_to_contact_gives_no_empty_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "nocontact.csv",
        "score,date\n9,2025-01-01\n3,2025-01-02\n",
    );
    let run = nps(&["followup", &file, "--as-of", "2025-01-05", "-q"]);
    run.expect(0);
    assert!(run.stdout.contains("0 to contact"), "{run:?}");
    assert!(!run.stdout.contains("reply via"), "{run:?}");
    assert!(run.stdout.contains("No e-mail or phone"), "{run:?}");
}

/// Found by the same review: "terminal" is no termination; "n/a" is no French; `nps report -o
/// x.md` writes Markdown without a note saying otherwise, and takes `-f md`; `--eval` on a
/// column of other values is an error, not a table of zeros; a `--churn` file's unknown table
/// names the file.
#[test]
fn second_review_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "t.csv",
        "customer_id,email,score,comment,date\n\
         T1,t1@x.com,8,The payment terminal works well,2025-11-01\n\
         T2,t2@x.com,3,We will terminate the contract,2025-11-01\n\
         T3,t3@x.com,3,n/a,2025-11-01\n",
    );
    assert_eq!(risk_ids(&file, "2025-11-20"), ["T2"]);
    let follow = followup_on(&file, "2025-11-20", &[]);
    let t3 = follow["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "T3")
        .unwrap();
    assert_eq!(t3["lang"], "en", "{t3}");

    let report = fixture("report/responses.csv");
    let md = dir.path().join("x.md");
    let run = nps(&["report", &report, "-o", md.to_str().unwrap()]);
    run.expect(0);
    assert!(!run.stderr.contains("the file gets --format"), "{run:?}");
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("# "));
    nps(&["report", &report, "-f", "md", "-q"]).expect(0);

    let eval = nps(&[
        "themes",
        &fixture("themes/en-holdout.csv"),
        "--eval",
        "domain",
        "-q",
    ]);
    eval.expect(3);
    assert!(
        eval.stderr
            .contains("--eval domain: no label in the column is a theme key"),
        "{eval:?}"
    );

    let churn = write(&dir, "bad.toml", "[nope]\nen = [\"x\"]\n");
    let run = nps(&["risk", &file, "--churn", &churn, "-q"]);
    run.expect(2);
    assert!(
        run.stderr
            .contains(&format!("--churn {churn}: unknown table [nope]")),
        "{run:?}"
    );
}
