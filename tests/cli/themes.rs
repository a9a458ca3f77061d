//! `nps themes` end to end: the held-out fixtures and the intent cues' accuracy, a real export, the
//! golden impact, `--explain`, and themes files (printed, extended, refused).

use std::collections::BTreeMap;

use super::*;

pub(super) fn themes_json(args: &[&str]) -> Value {
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
