//! Who is who in `nps followup` and `nps risk`: placeholder contact cells join nobody and reach
//! nobody, one message per e-mail address, an id-less response joins the id that gave its
//! address, `--dedupe` never joins on a placeholder, and standard input is read once.

use super::review::{followup_on, write};
use super::*;

/// A second review as a user (2026-12-04): placeholder e-mails and ids ("n/a", "[REDACTED]")
/// are no e-mail and no id, so they never join different people and nobody is written to there;
/// respondents without contact details are listed detractors first.
#[test]
fn placeholder_contacts_join_nobody_and_reach_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "na.csv",
        "customer_id,email,score,comment,date\n\
         n/a,n/a,9,Great,2025-11-03\n\
         n/a,n/a,2,Awful,2025-11-01\n\
         -,N/A,3,Bad,2025-11-02\n\
         ,[REDACTED],4,meh,2025-11-03\n\
         ,john at x.com,5,slow,2025-11-04\n\
         C9,ann@x.com,6,fine,2025-11-04\n",
    );
    let run = nps(&["followup", &file, "--as-of", "2025-11-20", "-f", "json"]);
    run.expect(0);
    assert!(
        run.stderr.contains("3 id cells (first: \"n/a\")")
            && run.stderr.contains("5 e-mail cells (first: ")
            && run.stderr.contains("count as blank"),
        "{run:?}"
    );
    let doc = run.json();
    let listed: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["ann@x.com"]);
    // Five respondents, none merged, detractors first, the oldest answer first; no id shown.
    let apart: Vec<(u64, &Value)> = doc["no_contact"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["score"].as_u64().unwrap(), &r["id"]))
        .collect();
    assert_eq!(
        apart,
        [
            (2, &Value::Null),
            (3, &Value::Null),
            (4, &Value::Null),
            (5, &Value::Null),
            (9, &Value::Null)
        ]
    );
    let risk = nps(&["risk", &file, "--as-of", "2025-11-20", "-f", "json", "-q"])
        .expect(0)
        .json();
    assert!(
        risk["respondents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !r["signals"].to_string().contains("repeat_detractor")),
        "{risk}"
    );
}

/// One message per e-mail address. X2 by id, then by the e-mail alone (another case): one
/// respondent, whose latest answer is listed under their id. Two ids sharing a mailbox: the one
/// who answered last (by day) is listed, the other counted.
#[test]
fn one_message_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "dup.csv",
        "customer_id,email,score,comment,date\n\
         X2,X2@x.com,3,Bad,2025-11-01\n\
         ,x2@x.com,9,Great now,2025-11-05\n\
         A,shared@x.com,2,Awful,2025-11-02\n\
         B,shared@x.com,8,ok,2025-11-03\n\
         C,c@x.com,5,meh,2025-11-03\n",
    );
    let doc = followup_on(&file, "2025-11-20", &[]);
    let listed: Vec<(&str, &str, u64, &str)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["email"].as_str().unwrap(),
                r["score"].as_u64().unwrap(),
                r["risk_signals"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("C", "c@x.com", 5, ""),
            ("B", "shared@x.com", 8, ""),
            // 3 then 9: their history is one.
            ("X2", "x2@x.com", 9, ""),
        ]
    );
    assert_eq!(doc["rows"][2]["previous_score"], 3);
    assert_eq!(doc["totals"]["same_address"], 1);
    assert_eq!(doc["totals"]["to_contact"], 3);
    assert_eq!(doc["totals"]["respondents"], 4);
}

/// `--dedupe` never joins responses on a placeholder id: "n/a" twice is two respondents, in
/// every pass (the parallel scan, the stream, the record pass of a JSON array).
#[test]
fn dedupe_keeps_responses_whose_id_is_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let text = "customer_id,date,score\nn/a,2025-01-01,2\nn/a,2025-01-02,9\nC1,2025-01-01,3\nC1,2025-01-02,10\n";
    let csv = write(&dir, "dd.csv", text);
    let json = write(
        &dir,
        "dd.json",
        r#"[{"customer_id":"n/a","date":"2025-01-01","score":2},{"customer_id":"n/a","date":"2025-01-02","score":9},{"customer_id":"C1","date":"2025-01-01","score":3},{"customer_id":"C1","date":"2025-01-02","score":10}]"#,
    );
    for (file, stdin) in [
        (csv.as_str(), None),
        ("-", Some(text.as_bytes())),
        (json.as_str(), None),
    ] {
        let run = nps_with_stdin(
            &["score", file, "--dedupe", "latest", "-f", "json", "-q"],
            stdin,
        );
        let doc = run.expect(0).json();
        assert_eq!(
            (&doc["n"], &doc["rows"]["deduplicated"]),
            (&3.into(), &1.into()),
            "{file}"
        );
    }
}

/// Standard input holds one stream: `--done -` reads it when the responses are a file, and a
/// flag file that would read it while the input is `-` too is a usage error naming it (it used
/// to leave the input empty, "no responses").
#[test]
fn standard_input_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "s.csv",
        "customer_id,email,score,comment,date\nC1,c1@x.com,3,Bad,2025-11-01\nC2,c2@x.com,9,Good,2025-11-02\n",
    );
    let run = nps_with_stdin(
        &[
            "followup",
            &file,
            "--as-of",
            "2025-11-20",
            "-f",
            "json",
            "-q",
            "--done",
            "-",
        ],
        Some(b"C1\n"),
    )
    .expect(0)
    .json();
    assert_eq!(run["totals"]["done"], 1);
    assert_eq!(run["totals"]["to_contact"], 1);
    let text = std::fs::read(&file).unwrap();
    for (command, input, flag, value) in [
        ("followup", "-", "--done", "/dev/stdin"),
        ("followup", "-", "--done", "-"),
        ("followup", "/dev/stdin", "--done", "-"),
        ("risk", "-", "--churn", "/dev/stdin"),
        ("themes", "-", "--themes", "-"),
    ] {
        let run = nps_with_stdin(&[command, input, flag, value, "-q"], Some(&text));
        run.expect(2);
        assert!(
            run.stderr.contains(&format!(
                "{value} and the input {input} both read standard input"
            )),
            "{run:?}"
        );
    }
}
