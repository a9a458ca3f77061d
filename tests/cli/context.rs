//! Themes in context end to end: discovery (`--discover`), segments (`--by`), periods
//! (`--every`) and `--drill`, on the fixtures of fixtures/context, whose expected figures are
//! derived by hand in fixtures/context/README.md.

use super::*;

fn context(file: &str, args: &[&str]) -> Value {
    let file = fixture(&format!("context/{file}"));
    let mut all = vec!["themes", file.as_str()];
    all.extend_from_slice(args);
    all.extend(["--format", "json", "-q"]);
    nps(&all).expect(0).json()
}

fn list<'a>(doc: &'a Value, contrast: &str) -> &'a Vec<Value> {
    doc["discovery"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["contrast"] == contrast)
        .unwrap_or_else(|| panic!("no list {contrast} in {doc}"))["terms"]
        .as_array()
        .unwrap()
}

fn near(actual: &Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((a - expected).abs() < 1e-4, "{a} is not {expected}");
}

/// A complaint no built-in theme knows, in 12 of 40 detractors' comments and no promoter's,
/// comes first among the detractors' distinctive terms and among the untagged comments'; its
/// line for a themes file, pasted into one, tags exactly those comments.
#[test]
fn discovery_surfaces_a_planted_complaint_whose_themes_file_line_tags_it() {
    let doc = context("planted.csv", &["--discover"]);
    let first = &list(&doc, "detractors_vs_promoters")[0];
    assert_eq!(first["text"], "widget greys out", "{doc}");
    assert_eq!(
        [
            &first["in_group"],
            &first["group_comments"],
            &first["in_other"],
            &first["other_comments"]
        ],
        [12, 40, 0, 40]
    );
    near(&first["z"], 2.238947);
    near(&first["log_odds"], 0.791587);
    let untagged = &list(&doc, "untagged_vs_tagged")[0];
    assert_eq!(untagged["text"], "widget greys out");
    assert_eq!(
        [
            &untagged["in_group"],
            &untagged["group_comments"],
            &untagged["in_other"]
        ],
        [12, 34, 0]
    );
    // α = 100·12/100 comments = 12; δ = ln(24/(34+100−24)) − ln(12/(66+100−12)) = 1.029619;
    // σ² = 1/24 + 1/12; z = δ/σ.
    near(&untagged["log_odds"], 1.029619);
    near(&untagged["z"], 2.912203);
    assert!(first["quote"].as_str().unwrap().contains("greys out"));
    // The themes-file line, pasted under a theme of one's own.
    let block = doc["discovery"]["themes_file"].as_str().unwrap();
    let line = block
        .lines()
        .find(|l| l.contains("\"widget greys out\""))
        .unwrap_or_else(|| panic!("no line for the phrase in {block}"));
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.toml");
    std::fs::write(&ours, format!("[widget]\nen = [\n{line}\n]\n")).unwrap();
    let file = fixture("context/planted.csv");
    let rows = nps(&[
        "themes",
        &file,
        "--themes",
        ours.to_str().unwrap(),
        "--per-response",
        "--format",
        "json",
        "-q",
    ]);
    let rows = rows.expect(0).json();
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut tagged = 0;
    for row in rows.as_array().unwrap() {
        let line = lines[row["line"].as_u64().unwrap() as usize - 1];
        let widget = row["themes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "widget");
        assert_eq!(widget, line.contains("greys out"), "{line}");
        tagged += usize::from(widget);
    }
    assert_eq!(tagged, 12);
    // The summary table shows the first terms without --discover.
    let table = nps(&["themes", &file, "-q"]);
    assert!(
        table.expect(0).stdout.contains("widget greys out"),
        "{table:?}"
    );
}

/// One theme concentrated in one segment is flagged there, and nothing else is.
#[test]
fn by_flags_the_segment_where_a_theme_concentrates_and_no_other() {
    let doc = context("segments.csv", &["--by", "plan"]);
    let mut flagged = Vec::new();
    for s in doc["segments"].as_array().unwrap() {
        for t in s["themes"].as_array().unwrap() {
            if t["flag"] != "" {
                flagged.push((s["segment"]["plan"].clone(), t.clone()));
            }
        }
    }
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let (plan, row) = &flagged[0];
    assert_eq!(plan, "enterprise");
    assert_eq!(row["theme"], "integrations");
    assert_eq!(row["flag"], "higher");
    assert_eq!(row["mentions"], 12);
    near(&row["mention_rate"], 12.0 / 45.0);
    near(&row["rest_rate"], 1.0 / 66.0);
    near(&row["p_value"], 5.2114e-5);
    assert!(row["p_holm"].as_f64().unwrap() < 0.05);
    // The segment's distinctive word against the rest, by hand.
    let enterprise = doc["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["segment"]["plan"] == "enterprise")
        .unwrap();
    let term = &enterprise["distinctive"][0];
    assert_eq!(term["text"], "integration");
    assert_eq!([&term["in_group"], &term["in_other"]], [9, 1]);
    near(&term["z"], 2.011566);
    // CSV: the --by column by its own name, then ours.
    let csv = nps(&[
        "themes",
        &fixture("context/segments.csv"),
        "--by",
        "plan",
        "-f",
        "csv",
        "-q",
    ]);
    assert!(
        csv.expect(0).stdout.starts_with("plan,n,nps,theme,"),
        "{csv:?}"
    );
}

/// A theme that grows in the last month is flagged at that change, and the phrase behind it
/// is among the terms emerging in that month, in the order their z gives.
#[test]
fn every_flags_a_growing_theme_and_its_emerging_phrase() {
    let doc = context("months.csv", &["--every", "month"]);
    let periods: Vec<&str> = doc["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2025-01", "2025-02", "2025-03"]);
    let mut flagged = Vec::new();
    for t in doc["themes"].as_array().unwrap() {
        for (k, p) in t["periods"].as_array().unwrap().iter().enumerate() {
            if p["flag"] != "" {
                flagged.push((t["theme"].clone(), k, p.clone()));
            }
        }
    }
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let (theme, k, p) = &flagged[0];
    assert_eq!((theme.as_str().unwrap(), *k), ("delivery", 2));
    assert_eq!(p["flag"], "up");
    assert_eq!(p["mentions"], 14);
    near(&p["change"], 32.5);
    near(&p["p_value"], 1.96248e-4);
    assert!(p["p_holm"].as_f64().unwrap() < 0.05);
    let emerging: Vec<(&str, f64)> = doc["emerging"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["text"].as_str().unwrap(), t["z"].as_f64().unwrap()))
        .collect();
    assert_eq!(emerging.len(), 2, "{emerging:?}");
    assert_eq!(emerging[0].0, "delivery");
    assert!((emerging[0].1 - 2.836425).abs() < 1e-4, "{emerging:?}");
    assert_eq!(emerging[1].0, "parcel locker");
    assert!((emerging[1].1 - 2.711259).abs() < 1e-4, "{emerging:?}");
}

/// `--drill price`: the phrases of the price comments, counted by hand; a phrase of another
/// theme's comments is not among them; an unknown theme is a usage error.
#[test]
fn drill_gives_hand_counted_phrases() {
    let doc = context("drill.csv", &["--drill", "price"]);
    assert_eq!(doc["comments"]["total"], 8);
    assert_eq!(doc["comments"]["detractors"], 5);
    let phrases: Vec<Vec<Value>> = doc["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            [
                "text",
                "comments",
                "detractors",
                "passives",
                "promoters",
                "problem",
                "praise",
            ]
            .iter()
            .map(|k| p[*k].clone())
            .collect()
        })
        .collect();
    let expected = [
        // D07 (7) "Price is fine, the monthly fee could be lower": a mild complaint, a problem.
        ("monthly fee", 5, 3, 1, 1, 4, 1),
        ("too expensive", 4, 4, 0, 0, 4, 0),
        ("hidden fees", 3, 2, 0, 1, 2, 1),
    ];
    assert_eq!(phrases.len(), expected.len(), "{phrases:?}");
    for (got, want) in phrases.iter().zip(expected) {
        assert_eq!(got[0], want.0);
        let counts: Vec<u64> = got[1..].iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(
            counts,
            [want.1, want.2, want.3, want.4, want.5, want.6],
            "{}",
            want.0
        );
    }
    near(&doc["phrases"][0]["share_of_theme_detractors"], 0.6);
    let bad = nps(&["themes", &fixture("context/drill.csv"), "--drill", "prices"]);
    bad.expect(2);
    assert!(bad.stderr.contains("\"prices\" is not a theme"), "{bad:?}");
}

/// Every mode in every format, twice: same bytes; the stream (CSV on stdin) and the record pass
/// (a JSON array on stdin) find the same terms, groups and counts as the parallel pass; the modes
/// refuse what they cannot honour.
#[test]
fn context_modes_in_every_format_are_deterministic_and_agree_across_passes() {
    let cases: [(&str, &[&str]); 4] = [
        ("planted.csv", &["--discover"]),
        ("segments.csv", &["--by", "plan"]),
        ("months.csv", &["--every", "month"]),
        ("drill.csv", &["--drill", "price"]),
    ];
    for (file, mode) in cases {
        let path = fixture(&format!("context/{file}"));
        for format in ["table", "markdown", "csv", "json"] {
            let mut args = vec!["themes", path.as_str(), "-q", "-f", format];
            args.extend_from_slice(mode);
            let one = nps(&args);
            one.expect(0);
            assert_eq!(one.stdout, nps(&args).stdout, "{file} {format}");
        }
        let mut args = vec!["themes", "-", "-q", "-f", "json"];
        args.extend_from_slice(mode);
        let streamed = nps_with_stdin(&args, Some(&std::fs::read(&path).unwrap()));
        let parallel = context(file, mode);
        let mut streamed = streamed.expect(0).json();
        let mut parallel = parallel;
        for doc in [&mut streamed, &mut parallel] {
            doc["sources"] = Value::Null;
        }
        assert_eq!(streamed, parallel, "{file}");
    }
    // The record pass (a JSON array on stdin, read whole) makes the same groups and counts.
    for (file, mode) in cases {
        let path = fixture(&format!("context/{file}"));
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let array: Vec<Value> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                let mut object = serde_json::Map::new();
                for (h, v) in headers.iter().zip(r.iter()) {
                    let value = match h {
                        "score" => Value::from(v.parse::<u8>().unwrap()),
                        _ => Value::from(v),
                    };
                    object.insert(h.to_string(), value);
                }
                Value::Object(object)
            })
            .collect();
        let json = serde_json::to_string(&array).unwrap();
        let mut args = vec![
            "themes",
            "-",
            "--input-format",
            "json",
            "-q",
            "-f",
            "json",
            "-v",
        ];
        args.extend_from_slice(mode);
        let run = nps_with_stdin(&args, Some(json.as_bytes()));
        run.expect(0);
        assert!(run.stderr.contains("read by records"), "{run:?}");
        let mut recorded = run.json();
        let mut parallel = context(file, mode);
        for doc in [&mut recorded, &mut parallel] {
            doc["sources"] = Value::Null;
            doc["rows"] = Value::Null;
        }
        assert_eq!(recorded, parallel, "{file}");
    }
    let planted = fixture("context/planted.csv");
    let refused = nps(&["themes", &planted, "--discover", "--dedupe", "first"]);
    refused.expect(2);
    assert!(
        refused.stderr.contains("cannot follow --dedupe"),
        "{refused:?}"
    );
    let two = nps(&["themes", &planted, "--discover", "--drill", "price"]);
    two.expect(2);
}

/// The themes-file block of `--discover` is a fenced code block in Markdown: copied out of the
/// report into a file as it is, it tags the 12 planted comments.
#[test]
fn the_markdown_themes_file_block_pastes_as_it_is() {
    let file = fixture("context/planted.csv");
    let md = nps(&["themes", &file, "--discover", "-f", "markdown", "-q"]);
    md.expect(0);
    let (_, after) = md.stdout.split_once("```\n[discovered]\n").unwrap();
    let (body, _) = after.split_once("\n```\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.toml");
    std::fs::write(&ours, format!("[discovered]\n{body}\n")).unwrap();
    let doc = nps(&[
        "themes",
        &file,
        "--themes",
        ours.to_str().unwrap(),
        "--replace",
        "-f",
        "json",
        "-q",
    ])
    .expect(0)
    .json();
    assert_eq!(doc["themes"][0]["key"], "discovered");
    assert_eq!(doc["themes"][0]["mentions"], 12);
}
