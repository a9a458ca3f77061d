//! `nps themes` end to end: the held-out fixtures, a real export, the golden impact, every mode
//! and format, and the passes agreeing with each other.

use std::collections::BTreeMap;

use super::*;

fn themes_json(args: &[&str]) -> Value {
    let mut all = vec!["themes"];
    all.extend_from_slice(args);
    all.extend(["--format", "json", "-q"]);
    nps(&all).expect(0).json()
}

/// Micro precision and recall of `nps themes FIXTURE --eval COLUMN`.
fn micro(fixture_file: &str, column: &str) -> (f64, f64) {
    let doc = themes_json(&[&fixture(fixture_file), "--eval", column]);
    let total = &doc["total"];
    (
        total["precision"].as_f64().unwrap(),
        total["recall"].as_f64().unwrap(),
    )
}

fn theme<'a>(doc: &'a Value, key: &str) -> &'a Value {
    doc["themes"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["key"] == key))
        .unwrap_or_else(|| panic!("no theme {key} in {doc}"))
}

/// The held-out halves (fixtures/themes/README.md): never read while tuning the lexicon. The
/// issue's bar — precision ≥ 0.90 and recall ≥ 0.80 for every theme with 20 labelled comments —
/// is NOT met yet (README, Themes, gives the table); this test holds the figures measured when
/// the lexicon was last tuned, so that no change makes them worse unnoticed.
#[test]
fn themes_held_out_quality() {
    for (lang, min_precision, min_recall) in [("en", 0.79, 0.78), ("fr", 0.79, 0.78)] {
        let doc = themes_json(&[
            &fixture(&format!("themes/{lang}-holdout.csv")),
            "--eval",
            "our_tags",
        ]);
        assert_eq!(doc["command"], "themes-eval");
        let total = &doc["total"];
        let p = total["precision"].as_f64().unwrap();
        let r = total["recall"].as_f64().unwrap();
        assert!(
            p >= min_precision && r >= min_recall,
            "{lang}: micro precision {p:.3}, recall {r:.3}"
        );
        assert!(
            doc["unknown_labels"].as_object().unwrap().is_empty(),
            "{doc}"
        );
        // Every row adds up: tp + fn = labelled, tp + fp = tagged.
        for row in doc["themes"].as_array().unwrap() {
            let n = |k: &str| row[k].as_u64().unwrap();
            assert_eq!(n("true_positives") + n("false_negatives"), n("labelled"));
            assert_eq!(n("true_positives") + n("false_positives"), n("tagged"));
        }
    }
}

/// The precision audits (fixtures/themes/README.md): fresh comments full of words with another
/// sense, whose wrong tags were fixed; this holds the precision reached, so that a new term's other
/// senses do not creep back unnoticed.
#[test]
fn themes_audit_precision() {
    for (lang, min_precision) in [("en", 0.90), ("fr", 0.88)] {
        let (p, _) = micro(&format!("themes/{lang}-audit.csv"), "judged");
        assert!(p >= min_precision, "{lang}: micro precision {p:.3}");
    }
}

/// The recall audits and the export-style comments (fixtures/themes/README.md): written and
/// labelled before the tagger read them, then tuned on; this holds what the tuning reached.
#[test]
fn themes_fresh_quality() {
    for (file, min_precision, min_recall) in [
        ("en-fresh", 0.87, 0.90),
        ("fr-fresh", 0.87, 0.93),
        ("en-export-style", 0.86, 0.89),
        ("fr-export-style", 0.94, 0.95),
    ] {
        let (p, r) = micro(&format!("themes/{file}.csv"), "our_tags");
        assert!(
            p >= min_precision && r >= min_recall,
            "{file}: micro precision {p:.3}, recall {r:.3}"
        );
    }
}

/// The real export: the comment column is found without flags, and two answers are
/// tagged as a reader would.
#[test]
fn formbricks_comments_are_found_and_tagged() {
    let file = shared("formbricks-hub/sample_feedback.redacted.csv");
    let out = nps(&["themes", &file, "--per-response", "--format", "json", "-q"]);
    out.expect(0);
    let rows = out.json();
    // The lines of the two answers, from the file itself.
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let headers = reader.headers().unwrap().clone();
    let comment = headers
        .iter()
        .position(|h| h == "11. Why did you choose this number?")
        .unwrap();
    let mut line_of = std::collections::HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        if !reader.read_record(&mut record).unwrap() {
            break;
        }
        let text = record.get(comment).unwrap_or("");
        for start in ["Some fields lack customization", "best solution"] {
            if text.starts_with(start) {
                line_of.insert(start, line);
            }
        }
    }
    for (start, key) in [
        ("Some fields lack customization", "features"),
        ("best solution", "price"),
    ] {
        let line = line_of[start];
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["line"] == line)
            .unwrap_or_else(|| panic!("no row at line {line}: {rows}"));
        let themes: Vec<&str> = row["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(themes.contains(&key), "{start}… at line {line}: {themes:?}");
    }
    let inspect = nps(&["inspect", &file, "--format", "json"])
        .expect(0)
        .json();
    let roles = inspect["sources"][0]["roles"].as_array().unwrap();
    let comment_role = roles.iter().find(|r| r["role"] == "comment").unwrap();
    assert_eq!(
        comment_role["column"],
        "11. Why did you choose this number?"
    );
}

/// DESIGN.md §4's golden case through the binary: D/P/R 40/60/100 of which 20/10/5 say the
/// price is too high → NPS_with = (5 − 20)/35 = −42.857, NPS_without = (95 − 20)/165 = 45.455,
/// impact = 30 − 45.455 = −15.455 = 0.175 × (−88.31).
#[test]
fn impact_golden_case_end_to_end() {
    let mut csv = String::from("score,comment\n");
    let mut add = |score: u8, n: usize, comment: &str| {
        for _ in 0..n {
            csv.push_str(&format!("{score},{comment}\n"));
        }
    };
    add(3, 20, "Way too expensive");
    add(7, 10, "Way too expensive");
    add(10, 5, "Way too expensive");
    add(3, 20, "");
    add(7, 50, "");
    add(10, 95, "");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("golden.csv");
    std::fs::write(&path, csv).unwrap();
    let doc = themes_json(&[path.to_str().unwrap()]);
    assert!((doc["overall"]["nps"].as_f64().unwrap() - 30.0).abs() < 1e-9);
    let price = theme(&doc, "price");
    assert_eq!(price["mentions"], 35);
    assert!((price["nps_with"].as_f64().unwrap() + 300.0 / 7.0).abs() < 1e-9);
    assert!((price["nps_without"].as_f64().unwrap() - 7500.0 / 165.0).abs() < 1e-9);
    let impact = price["impact"].as_f64().unwrap();
    assert!((impact - (30.0 - 7500.0 / 165.0)).abs() < 1e-9, "{impact}");
    assert!((impact + 15.45).abs() < 0.01);
    let (low, high) = (
        price["impact_low"].as_f64().unwrap(),
        price["impact_high"].as_f64().unwrap(),
    );
    let d = &price["difference"];
    assert!((low - 0.175 * d["low"].as_f64().unwrap()).abs() < 1e-9);
    assert!((high - 0.175 * d["high"].as_f64().unwrap()).abs() < 1e-9);
    assert!(low < impact && impact < high, "{low} {impact} {high}");
    // Coverage: 35 comments, all tagged; the first theme is the biggest drag.
    assert_eq!(doc["coverage"]["tagged"], 35);
    assert_eq!(doc["themes"][0]["key"], "price");
    assert_eq!(price["intent"]["problem"], 35);
}

#[test]
fn explain_shows_words_stems_language_intent_and_terms() {
    let doc = themes_json(&[
        "--explain",
        "Trop cher pour ce que c'est, et l'appli plante",
    ]);
    assert_eq!(doc["lang"], "fr");
    assert_eq!(doc["lang_source"], "vote");
    assert_eq!(doc["intent"], "problem");
    let themes: Vec<&str> = doc["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(themes, ["bugs", "price"]);
    let words = doc["words"].as_array().unwrap();
    assert!(words.iter().any(|w| w["text"] == "l'" && w["word"] == "le"));
    let table = nps(&[
        "themes",
        "--explain",
        "Trop cher pour ce que c'est, et l'appli plante",
    ]);
    table.expect(0);
    assert!(table.stdout.contains("intent: problem"), "{table:?}");
}

/// A pattern is shown by its mode and first characters in the table (the matched words beside
/// it), whole in JSON.
#[test]
fn explain_shows_a_long_pattern_shortened_in_the_table_and_whole_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.toml");
    let pattern = "dogs? (?:and|or|with|without|near|beside|behind) cats?";
    std::fs::write(
        &path,
        format!("[pets]\nlabel = {{ en = \"Pets\" }}\nen = [{{ regex = '{pattern}' }}]\n"),
    )
    .unwrap();
    let themes = path.to_str().unwrap();
    let text = "The dogs and cats section is great";
    let doc = themes_json(&["--explain", text, "--themes", themes]);
    let term = doc["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["theme"] == "pets")
        .unwrap();
    assert_eq!(term["mode"], "regex");
    assert_eq!(term["term"], pattern);
    assert_eq!(term["text"], "dogs and cats");
    let table = nps(&["themes", "--explain", text, "--themes", themes]);
    table.expect(0);
    let row = table
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("pets"))
        .unwrap();
    let shown: String = pattern.chars().take(40).collect();
    assert!(row.contains(&format!("regex {shown}…")), "{row}");
    assert!(row.contains("dogs and cats"), "{row}");

    // The themes table's top terms alike; JSON has the whole pattern.
    let input = dir.path().join("pets.csv");
    std::fs::write(
        &input,
        "score,comment\n9,dogs and cats aisle\n3,no dog or cat food\n10,the dog with cat toys\n",
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let doc = themes_json(&[input, "--themes", themes, "--replace"]);
    let top = &doc["themes"][0]["top_terms"][0];
    assert_eq!(
        (&top["term"], &top["mode"]),
        (&pattern.into(), &"regex".into())
    );
    assert_eq!(top["comments"], 3);
    let table = nps(&["themes", input, "--themes", themes, "--replace", "-q"]);
    table.expect(0);
    assert!(
        table.stdout.contains(&format!("regex {shown}… (en, 3)")),
        "{table:?}"
    );
}

#[test]
fn printed_themes_are_a_themes_file_giving_the_same_answer() {
    let printed = nps(&["themes", "--print-themes"]);
    printed.expect(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.toml");
    std::fs::write(&path, &printed.stdout).unwrap();
    let file = fixture("themes/en-tune.csv");
    let builtin = themes_json(&[&file]);
    let replaced = themes_json(&[&file, "--themes", path.to_str().unwrap(), "--replace"]);
    assert_eq!(builtin["themes"], replaced["themes"]);
    // Extending: a new theme, and terms added to a built-in one.
    std::fs::write(&path, "[pets]\nlabel = { en = \"Pets\" }\nen = [\"dog\", \"dogs\", \"cat\"]\n[price]\nen = [\"quid\"]\n").unwrap();
    let extended = themes_json(&[&file, "--themes", path.to_str().unwrap()]);
    assert!(extended["themes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["key"] == "pets"));
}

#[test]
fn bad_themes_files_are_usage_errors_naming_file_theme_and_term() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let file = fixture("themes/en-tune.csv");
    for (text, wanted) in [
        ("[price]\nen = [{ regex = \"(unclosed\" }]\n", "bad regex"),
        ("[price]\nwords = [\"x\"]\n", "unknown key \"words\""),
        (
            "[empty]\nlabel = { en = \"Nothing\" }\n",
            "theme \"empty\" has no terms",
        ),
        ("[price\n", "not a valid themes file"),
        (
            "[speed]\nyields_to = [\"shipping\"]\n",
            "\"speed\", yields_to: \"shipping\" is no theme",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let run = nps(&["themes", &file, "--themes", path.to_str().unwrap()]);
        run.expect(2);
        assert!(
            run.stderr.contains(wanted) && run.stderr.contains("bad.toml"),
            "{run:?}"
        );
        assert!(run.stdout.is_empty(), "{run:?}");
    }
    nps(&["themes", &file, "--themes", "/no/such/themes.toml"]).expect(2);
    nps(&["themes"]).expect(2);
    nps(&["themes", "--print-themes", &file]).expect(2);
    nps(&["themes", &file, "--per-response", "--eval", "our_tags"]).expect(2);
    // A label column the file lacks is named with the flag that asked for it.
    let run = nps(&["themes", &file, "--eval", "labels"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("column \"labels\": no such column (named by --eval)")
            && run.stderr.contains("\"our_tags\""),
        "{run:?}"
    );
    nps(&["themes", &file, "--per-response"]).expect(2); // table is not a per-response format
}

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

/// Intent (problem, request, praise, none) against hand labels (fixtures/themes/intent/,
/// labelled before any change; the tuning halves' misses were read, the held-out halves' never).
/// No bar is set by the issue; this holds the held-out accuracy measured after the last change
/// (first sight: 0.58 en, 0.60 fr; cue rules: 0.70, 0.69; a cue-less comment taking its score's
/// side: 0.83, 0.83; request forms: 0.84, 0.85; too little on offer a request: 0.846, 0.863)
/// so that it does not fall back unnoticed.
#[test]
fn intent_held_out_accuracy() {
    for (lang, floor) in [("en", 0.84), ("fr", 0.86)] {
        let source = fixture(&format!("themes/{lang}-holdout.csv"));
        let run = nps(&[
            "themes",
            &source,
            "--per-response",
            "--format",
            "json",
            "--id-col",
            "id",
            "-q",
        ]);
        let rows: Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
        let got: BTreeMap<&str, &str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap(),
                    r["intent"].as_str().unwrap_or("none"),
                )
            })
            .collect();
        let labels = fixture(&format!("themes/intent/{lang}-holdout.csv"));
        let mut reader = csv::Reader::from_path(labels).unwrap();
        let (mut n, mut right) = (0, 0);
        for record in reader.records().map(Result::unwrap) {
            n += 1;
            right += usize::from(got.get(&record[0]) == Some(&&record[1]));
        }
        assert!(n > 500, "{lang}: {n} labels");
        let accuracy = right as f64 / n as f64;
        assert!(accuracy >= floor, "{lang}: intent accuracy {accuracy:.3}");
    }
}
