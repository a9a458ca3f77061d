//! `nps followup` and `nps risk` end to end: deadlines derived by hand from
//! fixtures/followup/responses.csv (as of Thursday 2025-11-20), messages, `--done`, the CRM file,
//! value at risk, and the same respondents and bytes from every input form and number of cores.
//! The churn-language quality on the hand-labelled risk fixtures is in `risk_quality.rs`.

use super::*;

pub(super) const AS_OF: &str = "2025-11-20";

pub(super) fn followup(extra: &[&str]) -> Value {
    let file = fixture("followup/responses.csv");
    let mut args = vec![
        "followup",
        file.as_str(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    nps(&args).expect(0).json()
}

/// (due, status, days overdue) of respondent `id` (days overdue `u64::MAX` when null: an
/// undated response has no due day).
pub(super) fn deadline(doc: &Value, id: &str) -> (String, String, u64) {
    let row = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id} in {doc}"));
    (
        row["due"].as_str().unwrap_or("").to_string(),
        row["status"].as_str().unwrap().to_string(),
        match &row["days_overdue"] {
            Value::Null => u64::MAX,
            days => days.as_u64().unwrap(),
        },
    )
}

pub(super) fn d(due: &str, status: &str, late: u64) -> (String, String, u64) {
    (due.to_string(), status.to_string(), late)
}

/// A1: detractor, Monday 11-10. A2: passive, Friday 11-14. A4: detractor, Tuesday 11-18 (its
/// latest response). A7: no date.
/// Both commands' JSON names the command and, per input, how its rows were read: the fixture's
/// 8 data lines all used, 7 of them dated (A7's date is blank).
#[test]
fn followup_and_risk_json_say_the_command_and_the_rows_read() {
    let file = fixture("followup/responses.csv");
    for command in ["followup", "risk"] {
        let doc = nps(&[command, &file, "--as-of", AS_OF, "-f", "json", "-q"])
            .expect(0)
            .json();
        assert_eq!(doc["command"], command);
        let source = &doc["sources"][0];
        assert_eq!(source["file"], file.as_str());
        assert_eq!(source["score_column"], "score");
        assert_eq!(
            (&source["rows"]["read"], &source["rows"]["used"]),
            (&8.into(), &8.into())
        );
        assert_eq!(
            (&source["dates"]["dated"], &source["dates"]["blank"]),
            (&7.into(), &1.into())
        );
    }
}

/// An old export read as of a later day: the note names the day that would show its risk (the
/// latest response's).
#[test]
fn an_export_older_than_the_window_names_the_day_to_read_it_as_of() {
    let (_dir, file) = crafted(
        "old.csv",
        b"customer_id,date,score,comment\nA,2024-02-01,9,fine\nA,2024-03-05,2,I will cancel\nB,2024-01-10,7,ok\n",
    );
    let run = nps(&["risk", &file, "--as-of", "2025-12-31"]);
    run.expect(0);
    assert!(
        run.stderr.contains(
            "no response is inside the risk window: the latest is of 2024-03-05; --as-of 2024-03-05 assesses the respondents as they stood that day"
        ),
        "{run:?}"
    );
    // Read as of that day, A is at risk.
    let doc = nps(&["risk", &file, "--as-of", "2024-03-05", "-f", "json", "-q"])
        .expect(0)
        .json();
    let a = &doc["respondents"][0];
    assert_eq!(
        (&a["id"], &a["previous_score"]),
        (&"A".into(), &9.into()),
        "{doc}"
    );
    // With a response inside the window, no such note.
    let run = nps(&["risk", &file, "--as-of", "2025-03-01"]);
    assert!(
        !run.expect(0).stderr.contains("inside the risk window"),
        "{run:?}"
    );
}

#[test]
fn followup_deadlines_under_each_sla() {
    // Default: 7 calendar days for everyone.
    let doc = followup(&[]);
    assert_eq!(doc["as_of"], AS_OF);
    assert_eq!(deadline(&doc, "A1"), d("2025-11-17", "overdue", 3));
    assert_eq!(deadline(&doc, "A2"), d("2025-11-21", "due", 0));
    assert_eq!(deadline(&doc, "A4"), d("2025-11-25", "ok", 0));
    assert_eq!(deadline(&doc, "A7"), d("", "undated", u64::MAX));
    // Strict: detractors 2 days.
    let doc = followup(&["--sla", "strict"]);
    assert_eq!(deadline(&doc, "A1"), d("2025-11-12", "overdue", 8));
    assert_eq!(deadline(&doc, "A2"), d("2025-11-21", "due", 0));
    assert_eq!(deadline(&doc, "A4"), d("2025-11-20", "due", 0));
    // Custom: 48 hours are 2 days; passives 5 days.
    let doc = followup(&["--sla", "detractor=48h,passive=5d"]);
    assert_eq!(deadline(&doc, "A1"), d("2025-11-12", "overdue", 8));
    assert_eq!(deadline(&doc, "A2"), d("2025-11-19", "overdue", 1));
    // Business days: Monday + 7 = next Wednesday; Friday + 7 = Tuesday 11-25.
    let doc = followup(&["--business-days"]);
    assert_eq!(deadline(&doc, "A1"), d("2025-11-19", "overdue", 1));
    assert_eq!(deadline(&doc, "A2"), d("2025-11-25", "ok", 0));
    assert_eq!(deadline(&doc, "A4"), d("2025-11-27", "ok", 0));
    // Business and strict: Monday + 2 = Wednesday 11-12, then six weekdays late (13, 14, 17–20).
    let doc = followup(&["--business-days", "--sla", "strict"]);
    assert_eq!(deadline(&doc, "A1"), d("2025-11-12", "overdue", 6));
    assert_eq!(deadline(&doc, "A4"), d("2025-11-20", "due", 0));
}

#[test]
fn followup_order_messages_and_languages() {
    let doc = followup(&["--company", "Acme", "--sender", "Julie"]);
    let rows = doc["rows"].as_array().unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // Detractors (the high-risk one first, then by due date, undated last), passive, promoter.
    assert_eq!(order, ["A4", "A6", "A1", "A7", "A2", "A3"]);
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    // A4 wrote in French about support; one engine gives followup and risk the same level.
    let a4 = row("A4");
    assert_eq!(a4["lang"], "fr");
    assert_eq!(a4["previous_score"], 9);
    assert_eq!(a4["risk_level"], "high");
    assert_eq!(a4["top_theme"], "support");
    let body = a4["message"].as_str().unwrap();
    assert!(body.starts_with("Bonjour Denis,"), "{body}");
    assert!(
        body.contains(
            "Qu'aurait dû faire notre équipe autrement lorsque vous nous avez contactés ?"
        ),
        "the support theme's French question: {body}"
    );
    assert!(body.ends_with("Julie, Acme"), "{body}");
    // A1 wrote in English about price: the price question.
    let a1 = row("A1");
    assert_eq!(a1["lang"], "en");
    let body = a1["message"].as_str().unwrap();
    assert!(
        body.contains("What price would feel fair for what you get?"),
        "{body}"
    );
    assert!(
        body.contains("\"Far too expensive for what we get\""),
        "{body}"
    );
    // The promoter is thanked and asked for a referral, in French.
    let a3 = row("A3");
    assert_eq!(a3["lang"], "fr");
    assert!(a3["message"].as_str().unwrap().contains("parliez de nous"));
    // Bob answered by SMS and has only a phone: the reply goes back by SMS.
    assert_eq!(row("A2")["reply_channel"], "sms");
    // The risk command sees A4 the same way.
    let risk = nps(&[
        "risk",
        &fixture("followup/responses.csv"),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-q",
    ])
    .expect(0)
    .json();
    let a4_risk = risk["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A4")
        .unwrap();
    assert_eq!(a4_risk["level"], "high");
    assert_eq!(a4_risk["points"], a4["risk_points"]);
}

#[test]
fn followup_template_errors_are_exit_2_naming_the_placeholder() {
    let run = nps(&[
        "followup",
        &fixture("followup/responses.csv"),
        "--templates",
        &fixture("followup/bad-template.toml"),
    ]);
    run.expect(2);
    assert!(run.stderr.contains("{firstname}"), "{run:?}");
    assert!(run.stderr.contains("[en.detractor]"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn followup_done_no_contact_crm_and_safe_csv() {
    let doc = followup(&["--done", &fixture("followup/contacted.csv")]);
    let ids: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"A6"), "A6 was contacted: {ids:?}");
    let totals = &doc["totals"];
    // Seven respondents (A1–A7), one of them contacted.
    assert_eq!(totals["respondents"], 7);
    assert_eq!(totals["done"], 1);
    close(&totals["completion_rate"], 1.0 / 7.0, 1e-12);
    // A5 has neither e-mail nor phone.
    assert_eq!(totals["no_contact"], 1);
    assert_eq!(doc["no_contact"][0]["id"], "A5");
    assert!(!ids.contains(&"A5"));

    // HubSpot: the documented headers, one task per respondent with an e-mail.
    let file = fixture("followup/responses.csv");
    let run = nps(&[
        "followup", &file, "--as-of", AS_OF, "--crm", "hubspot", "-q",
    ]);
    run.expect(0);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "Email",
            "Task Title",
            "Due Date",
            "Task Type",
            "Priority",
            "Task Status",
            "Notes"
        ]
    );
    let tasks: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        tasks.len(),
        5,
        "A2 has no e-mail, A5 no contact: {}",
        run.stdout
    );
    let ann = tasks.iter().find(|t| &t[0] == "ann@example.com").unwrap();
    assert_eq!(
        (&ann[2], &ann[3], &ann[4], &ann[5]),
        ("2025-11-17", "EMAIL", "HIGH", "NOT_STARTED")
    );

    // A formula in a comment is neutralised in the CSV meant for spreadsheets.
    let run = nps(&["followup", &file, "--as-of", AS_OF, "--format", "csv", "-q"]);
    let mut reader = csv::Reader::from_reader(run.expect(0).stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let comment = headers.iter().position(|h| h == "comment").unwrap();
    let gus = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[7] == "A7")
        .unwrap();
    assert_eq!(&gus[comment], "'=SUM(1+1) the export is too slow");
}

#[test]
fn risk_value_at_risk_orders_and_sums() {
    let doc = nps(&[
        "risk",
        &fixture("risk/en.csv"),
        "--as-of",
        "2025-11-20",
        "--competitors",
        "Zendesk,Freshdesk",
        "--value",
        "arr",
        "--format",
        "json",
        "-q",
    ])
    .expect(0)
    .json();
    let rows = doc["respondents"].as_array().unwrap();
    let values: Vec<f64> = rows
        .iter()
        .map(|r| r["value"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    let sums = doc["totals"]["value_at_risk"].as_array().unwrap();
    for (i, level) in ["high", "medium", "low"].iter().enumerate() {
        let expected: f64 = rows
            .iter()
            .filter(|r| r["level"] == *level)
            .map(|r| r["value"].as_f64().unwrap_or(0.0))
            .sum();
        close(&sums[i], expected, 1e-9);
    }
    // Signals carry their evidence and points, the points add up to the respondent's.
    for r in rows {
        let points: u64 = r["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert!(!s["evidence"].as_str().unwrap().is_empty());
                s["points"].as_u64().unwrap()
            })
            .sum();
        assert_eq!(r["points"].as_u64().unwrap(), points);
    }
}

/// `doc` without where each row came from (a file's name, `line N` or `record N`) and without
/// the inputs' descriptions (`sources`: their names and formats).
fn without_places(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("sources");
    for list in ["rows", "no_contact", "respondents"] {
        for row in doc[list].as_array_mut().into_iter().flatten() {
            let row = row.as_object_mut().unwrap();
            row.remove("source");
            row.remove("location");
        }
    }
    doc
}

#[test]
fn every_input_form_and_pass_gathers_the_same_respondents() {
    // Whole responses come from the parallel scan (files on disk), the streaming pass (stdin,
    // gzip, zstd) and the record pass (a JSON array, Parquet): every one hands the same rows.
    let risk = |file: &str, stdin: Option<&[u8]>| {
        let args = ["risk", file, "--as-of", "2025-12-31", "--format", "json"];
        without_places(nps_with_stdin(&args, stdin).expect(0).json())
    };
    let baseline = risk(&fixture("formats/responses.csv"), None);
    // fixtures/formats/responses.csv: C1012's 5 says they may switch to a competitor; C1003
    // answered 0 (very low).
    assert_eq!(baseline["respondents"].as_array().unwrap().len(), 2);
    assert_eq!(baseline["respondents"][0]["id"], "C1012");
    assert_eq!(baseline["respondents"][1]["id"], "C1003");
    for file in [
        "formats/responses.tsv",
        "formats/responses_cp1252.csv",
        "formats/responses.json",
        "formats/responses.ndjson",
        "formats/responses.parquet",
        "formats/responses.csv.gz",
        "formats/responses.csv.zst",
    ] {
        assert_eq!(risk(&fixture(file), None), baseline, "{file}");
        let bytes = std::fs::read(fixture(file)).unwrap();
        assert_eq!(risk("-", Some(&bytes)), baseline, "stdin {file}");
    }
    // The follow-up list, with contact details and several comment columns, on disk and piped.
    let file = fixture("followup/responses.csv");
    let followup = |file: &str, stdin: Option<&[u8]>| {
        let args = [
            "followup",
            file,
            "--as-of",
            AS_OF,
            "--comment-col",
            "comment,plan",
            "--by",
            "plan",
            "--format",
            "json",
        ];
        without_places(nps_with_stdin(&args, stdin).expect(0).json())
    };
    let on_disk = followup(&file, None);
    // Seven respondents (A1–A7), six of them with an e-mail or a phone.
    assert_eq!(on_disk["rows"].as_array().unwrap().len(), 6);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(followup("-", Some(&bytes)), on_disk);
    // Two comment columns make one comment, joined by a line feed.
    let a1 = on_disk["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A1")
        .unwrap();
    assert_eq!(a1["comment"], "Far too expensive for what we get\npro");
}

/// What `followup` and `risk` write does not depend on the number of cores: respondents are
/// dealt to 4 shards per core and read where they lie in memory, so full ties (same category,
/// level, due day and points; same level and points) must still come out in key order, and
/// every total be added up in it. 3,000 rows of 900 respondents over four days, with shared
/// mailboxes, responses with an e-mail alone, and churn language.
#[test]
fn followup_and_risk_write_the_same_bytes_on_any_number_of_cores() {
    let mut csv = String::from("customer_id,email,submitted_at,score,comment,arr\n");
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for _ in 0..3000 {
        let who = next(900);
        // Every tenth respondent answers with their e-mail alone; every 50th shares a mailbox.
        let id = match who % 10 {
            0 => String::new(),
            _ => format!("C{who:04}"),
        };
        let email = match who % 50 {
            1 => "team@example.com".to_string(),
            _ => format!("p{who}@example.com"),
        };
        let day = 17 + next(4);
        let score = next(11);
        let comment = [
            "",
            "fine",
            "I will cancel my subscription",
            "switching to Zendesk",
        ][next(4) as usize];
        let arr = next(5) * 100;
        csv.push_str(&format!(
            "{id},{email},2025-11-{day}T10:00:00Z,{score},{comment},{arr}\n"
        ));
    }
    let (_dir, file) = crafted("many.csv", csv.as_bytes());
    let runs = [
        vec!["followup", file.as_str(), "--as-of", AS_OF, "-f", "csv"],
        vec!["followup", file.as_str(), "--as-of", AS_OF, "-f", "json"],
        vec!["risk", file.as_str(), "--as-of", AS_OF, "-f", "csv"],
        vec![
            "risk",
            file.as_str(),
            "--as-of",
            AS_OF,
            "-f",
            "json",
            "--value",
            "arr",
        ],
    ];
    for args in runs {
        let one = nps_full(&args, None, &[("RAYON_NUM_THREADS", "1")]);
        one.expect(0);
        assert!(one.stdout.lines().count() > 100, "a long list: {one:?}");
        for threads in ["2", "3", "8"] {
            let many = nps_full(&args, None, &[("RAYON_NUM_THREADS", threads)]);
            many.expect(0);
            assert!(
                one.stdout == many.stdout && one.stderr == many.stderr,
                "{threads} threads differ from one: {one:?}\n{many:?}"
            );
        }
    }
}
