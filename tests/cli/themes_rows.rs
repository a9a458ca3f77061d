//! `nps themes` row by row: `--per-response` in every format, every pass (parallel, stream, record)
//! counting the same, comment columns found by content, by flag and with a language column, and
//! the scores' side of a comment without a cue.

use super::themes::themes_json;
use super::*;

#[test]
fn per_response_rows_in_csv_json_and_ndjson_agree_and_are_safe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    std::fs::write(
        &path,
        "id,score,comment\n=HYPERLINK(\"x\"),2,\"Trop cher, et l'appli plante\"\nb,9,Great support team\nc,7,\nd,5,RAS\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    // The id column is named plain "id", which detection leaves alone (often a row number).
    let csv_out = nps(&[
        "themes",
        p,
        "--per-response",
        "--format",
        "csv",
        "--id-col",
        "id",
        "-q",
    ]);
    csv_out.expect(0);
    let lines: Vec<&str> = csv_out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "source,line,record,id,score,category,lang,intent,themes,terms"
    );
    assert_eq!(lines.len(), 5, "{csv_out:?}");
    assert!(
        lines[1].contains("'=HYPERLINK"),
        "formula not neutralised: {}",
        lines[1]
    );
    assert!(
        lines[1].contains(",2,detractor,fr,problem,bugs;price,")
            || lines[1].contains(",2,detractor,fr,problem,price;bugs,"),
        "{}",
        lines[1]
    );
    let json = nps(&["themes", p, "--per-response", "--format", "json", "-q"])
        .expect(0)
        .json();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[2]["lang"], Value::Null); // no comment
    assert_eq!(rows[3]["intent"], "none");
    let span = &rows[0]["terms"][0];
    let text = "Trop cher, et l'appli plante";
    let (s, e) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    assert!(["Trop cher", "plante"].contains(&&text[s..e]), "{span}");
    let ndjson = nps(&["themes", p, "--per-response", "--format", "ndjson", "-q"]);
    ndjson.expect(0);
    let parsed: Vec<Value> = ndjson
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&parsed, rows);
    // The same rows from standard input and from gzip.
    let bytes = std::fs::read(&path).unwrap();
    let piped = nps_with_stdin(
        &["themes", "-", "--per-response", "--format", "ndjson", "-q"],
        Some(&bytes),
    );
    piped.expect(0);
    let strip = |s: &str| {
        s.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v["source"] = Value::Null;
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&piped.stdout), strip(&ndjson.stdout));
    // Written atomically with -o.
    let out = dir.path().join("tagged.csv");
    nps(&[
        "themes",
        p,
        "--per-response",
        "--format",
        "csv",
        "--id-col",
        "id",
        "-o",
        out.to_str().unwrap(),
        "-q",
    ])
    .expect(0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv_out.stdout);
}

/// The parallel pass (CSV on disk), the stream (stdin) and the record pass (a JSON array) count
/// the same mentions, and the output is byte-identical from one run to the next.
#[test]
fn every_pass_counts_the_same_themes_and_runs_are_identical() {
    let file = fixture("themes/fr-tune.csv");
    let parallel = nps(&["themes", &file, "--format", "json", "-q"]);
    parallel.expect(0);
    let again = nps(&["themes", &file, "--format", "json", "-q"]);
    again.expect(0);
    assert_eq!(parallel.stdout, again.stdout);
    let mentions = |doc: &Value| -> Vec<(String, u64)> {
        doc["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["key"].as_str().unwrap().to_string(),
                    t["mentions"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let bytes = std::fs::read(&file).unwrap();
    let streamed = nps_with_stdin(&["themes", "-", "--format", "json", "-q"], Some(&bytes));
    streamed.expect(0);
    assert_eq!(mentions(&parallel.json()), mentions(&streamed.json()));
    // The same responses as a JSON array (read whole, by the record pass).
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let array: Vec<Value> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            serde_json::json!({ "id": r[0], "score": r[2].parse::<u8>().unwrap(), "comment": r[3] })
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("fr.json");
    std::fs::write(&json_path, serde_json::to_string(&array).unwrap()).unwrap();
    let recorded = themes_json(&[json_path.to_str().unwrap()]);
    assert_eq!(mentions(&parallel.json()), mentions(&recorded));
    // Quotes are whole comments, never cut, in every format.
    let doc = parallel.json();
    for t in doc["themes"].as_array().unwrap() {
        for e in t["examples"].as_array().unwrap() {
            let text = e["text"].as_str().unwrap();
            assert!(
                bytes.windows(text.len()).any(|w| w == text.as_bytes()),
                "{text}"
            );
        }
    }
    for format in ["table", "markdown", "csv"] {
        let run = nps(&["themes", &file, "--format", format, "-q"]);
        run.expect(0);
        assert!(run.stdout.contains("price"), "{run:?}");
    }
}

/// The comment found by content when no header names it; several columns joined with
/// `--comment-col a,b`; the export's language column deciding each comment's language.
#[test]
fn comment_columns_by_content_by_flag_and_language_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.csv");
    let mut csv = String::from("rating,plan,notes_a,notes_b,locale\n");
    let rows = [
        (
            2,
            "pro",
            "Way too expensive for what we get from it",
            "and the app crashes daily",
            "en-GB",
        ),
        (
            9,
            "free",
            "Support answered within minutes, really helpful people",
            "",
            "en",
        ),
        (
            10,
            "pro",
            "Le support est top, très réactif et aimable",
            "",
            "fr-FR",
        ),
        (
            4,
            "free",
            "Prix trop élevés pour les petites équipes comme nous",
            "",
            "fr",
        ),
        (
            8,
            "pro",
            "Fine overall, a few rough edges in the reports here",
            "",
            "en",
        ),
        (
            6,
            "free",
            "Delivery of the invoices by post took far too long",
            "",
            "en",
        ),
    ];
    for (score, plan, a, b, locale) in rows {
        csv.push_str(&format!("{score},{plan},\"{a}\",\"{b}\",{locale}\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let p = path.to_str().unwrap();
    // No header names a comment: notes_a is the longest free text.
    let inspect = nps(&["inspect", p, "--format", "json"]);
    inspect.expect(0);
    let roles = inspect.json()["sources"][0]["roles"].clone();
    let role = |r: &str| {
        roles
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["role"] == r)
            .unwrap()
            .clone()
    };
    assert_eq!(role("comment")["column"], "notes_a");
    assert_eq!(role("comment")["decided_by"], "content");
    assert_eq!(role("language")["column"], "locale");
    let rows = nps(&["themes", p, "--per-response", "--format", "json", "-q"]);
    rows.expect(0);
    let rows = rows.json();
    let langs: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["lang"].as_str().unwrap())
        .collect();
    assert_eq!(langs, ["en", "en", "fr", "fr", "en", "en"]);
    // The crash is in notes_b: only seen when both columns are read.
    let has_bugs = |doc: &Value| {
        doc[0]["themes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "bugs")
    };
    assert!(!has_bugs(&rows));
    let both = nps(&[
        "themes",
        p,
        "--comment-col",
        "notes_a,notes_b",
        "--per-response",
        "--format",
        "json",
        "-q",
    ]);
    both.expect(0);
    assert!(has_bugs(&both.json()), "{both:?}");
    nps(&["themes", p, "--comment-col", "notes_a,nope"]).expect(3);
}

/// Counted responses (themes counted apart by the pass) and responses kept one by one (here by
/// `--weight` on a column of ones, whose keys name the themes) give the same figures.
#[test]
fn counted_and_kept_responses_give_the_same_figures() {
    let mut reader = csv::Reader::from_path(fixture("themes/en-tune.csv")).unwrap();
    let mut text = String::from("score,comment,w\n");
    for r in reader.records() {
        let r = r.unwrap();
        text.push_str(&format!("{},\"{}\",1\n", &r[2], r[3].replace('"', "\"\"")));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.csv");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let counted = themes_json(&[p]);
    let kept = themes_json(&[p, "--weight", "w"]);
    assert_eq!(counted["coverage"], kept["coverage"]);
    for (a, b) in counted["themes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(kept["themes"].as_array().unwrap())
    {
        for field in ["key", "mentions", "intent", "mentions_by_category"] {
            assert_eq!(a[field], b[field], "{field}");
        }
        for field in ["nps_with", "nps_without", "impact"] {
            match (a[field].as_f64(), b[field].as_f64()) {
                (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{field}: {x} {y}"),
                (x, y) => assert_eq!(x, y, "{field}"),
            }
        }
    }
}

/// A comment with content but no cue word takes its score's side: a detractor's is a problem,
/// a promoter's praise, a passive's none; "RAS" says nothing and stays none. Per response and in
/// the theme's intent mix alike.
#[test]
fn a_comment_without_a_cue_takes_its_scores_side() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intent.csv");
    std::fs::write(
        &path,
        "score,comment,w\n2,The price of the plan,1\n10,The price of the plan,1\n8,The price of the plan,1\n3,RAS,1\n1,The price is too high,1\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let rows = nps(&["themes", file, "--per-response", "-f", "json", "-q"])
        .expect(0)
        .json();
    let intents: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["intent"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(intents, ["problem", "praise", "none", "none", "problem"]);
    let doc = themes_json(&[file]);
    let price = doc["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "price")
        .unwrap();
    assert_eq!(
        price["intent"],
        serde_json::json!({"problem": 2, "request": 0, "praise": 1, "none": 1})
    );
    // The same where each response's theme set is counted (with --weight or --dedupe).
    let doc = themes_json(&[file, "--weight", "w"]);
    assert_eq!(doc["themes"][0]["key"], "price");
    assert_eq!(doc["themes"][0]["intent"], price["intent"]);
    // And in --drill's counts of the theme's comments.
    let drill = themes_json(&[file, "--drill", "price"]);
    let c = &drill["comments"];
    assert_eq!(
        [&c["problem"], &c["request"], &c["praise"], &c["no_intent"]],
        [2, 0, 1, 1]
    );
}

/// No comment column: exit 3 naming the flag and the columns; a named one that does not exist
/// likewise.
#[test]
fn a_missing_comment_column_is_an_input_error_naming_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nc.csv");
    std::fs::write(&path, "score,plan\n9,a\n3,b\n").unwrap();
    let p = path.to_str().unwrap();
    let run = nps(&["themes", p]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("no comment column was found; use --comment-col"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("\"plan\"") && run.stdout.is_empty(),
        "{run:?}"
    );
    let run = nps(&["themes", p, "--comment-col", "nope"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("column \"nope\": no such column (named by --comment-col)"),
        "{run:?}"
    );
}
