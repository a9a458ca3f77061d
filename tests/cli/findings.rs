//! Regression tests of findings from the adversarial test (../shared/findings/adversarial-2026-12.md)
//! fixed after the first round; each names its finding.

use super::{fixture, nps, nps_with_stdin};

#[test]
fn f28_a_level_near_100_percent_is_shown_as_given() {
    let run = nps(&[
        "score",
        &fixture("example.csv"),
        "-q",
        "--confidence",
        "0.9999999999",
    ]);
    assert!(
        run.expect(0)
            .stdout
            .starts_with("NPS 29.7 (99.99999999% CI "),
        "{run:?}"
    );
}

#[test]
fn f29_a_by_that_names_no_column_is_a_usage_error() {
    let example = fixture("example.csv");
    for by in ["", ",", " , "] {
        for command in [
            vec!["segment", example.as_str(), "--by", by],
            vec!["check", example.as_str(), "--min", "10", "--by", by],
            vec!["trend", example.as_str(), "--every", "month", "--by", by],
        ] {
            let run = nps(&command);
            run.expect(2);
            assert!(run.stderr.contains("names no column"), "{run:?}");
        }
    }
}

#[test]
fn f35_a_name_that_matches_only_by_case_asks_for_the_exact_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.csv");
    std::fs::write(&file, "score,Score\n9,3\n10,4\n").unwrap();
    let file = file.display().to_string();
    let run = nps(&["score", &file, "--score-col", "SCORE"]);
    run.expect(3);
    assert!(
        run.stderr.contains(
            "matches \"score\", \"Score\" only by case (named by --score-col); give the exact name"
        ),
        "{run:?}"
    );
    nps(&["score", &file, "--score-col", "Score", "-q"]).expect(0);
}

#[test]
fn f36_a_share_of_1_is_refused_as_ambiguous() {
    let run = nps(&["check", &fixture("example.csv"), "--max-detractors", "1"]);
    run.expect(2);
    assert!(run.stderr.contains("could mean 1% or 100%"), "{run:?}");
    nps(&[
        "check",
        &fixture("example.csv"),
        "--max-detractors",
        "100%",
        "-q",
    ])
    .expect(0);
}

#[test]
fn f49_rules_errors_name_their_line_and_an_empty_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "min = 10\n\nmax-detractors = \"20%\"\nmin = 20\n").unwrap();
    let rules = rules.display().to_string();
    let run = nps(&["check", &fixture("example.csv"), "--rules", &rules]);
    run.expect(2);
    assert!(
        run.stderr.contains(&format!("--rules {rules} line 4: ")),
        "{run:?}"
    );
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "max-drop = 5\nbaseline = \"\"\n").unwrap();
    let run = nps(&[
        "check",
        &fixture("example.csv"),
        "--rules",
        &empty.display().to_string(),
    ]);
    run.expect(2);
    assert!(run.stderr.contains("names no file"), "{run:?}");
}

#[test]
fn f52_markdown_sparklines_keep_their_empty_periods() {
    let csv = "score,date\n9,2025-01-10\n3,2025-01-11\n10,2025-04-02\n9,2025-04-03\n";
    let run = nps_with_stdin(
        &[
            "trend", "-", "--every", "month", "--format", "markdown", "-q",
        ],
        Some(csv.as_bytes()),
    );
    let line = run
        .expect(0)
        .stdout
        .lines()
        .find(|l| l.starts_with("trend:"))
        .unwrap_or_else(|| panic!("{run:?}"))
        .to_string();
    // January low, February and March empty, April high: the second space of the gap is a
    // no-break space, so Markdown keeps both.
    assert!(line.contains("▁ \u{a0}█"), "{line:?}");
}

#[test]
fn f53_an_empty_group_value_selects_the_blank_cells() {
    // Hand count: blank plan 9 and 3 (NPS 0, n 2); pro 10, 2, 9 (NPS 33.3, n 3).
    let csv = "score,plan\n9,\n3,\n10,pro\n2,pro\n9,pro\n";
    let run = nps_with_stdin(
        &[
            "compare", "-", "--by", "plan", "--groups", ",pro", "--format", "json", "-q",
        ],
        Some(csv.as_bytes()),
    );
    let doc: serde_json::Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
    assert_eq!(doc["a"]["label"], "plan = (blank)");
    assert_eq!(doc["a"]["n"], 2);
    assert_eq!(doc["a"]["nps"], 0.0);
    assert_eq!(doc["b"]["n"], 3);
    // The same group twice, blank or not, is still refused.
    let run = nps_with_stdin(
        &["compare", "-", "--by", "plan", "--groups", " , "],
        Some(csv.as_bytes()),
    );
    run.expect(2);
}

#[test]
fn f45_by_columns_named_like_ours_are_prefixed_in_csv() {
    let csv = "score,nps,row\n9,a,x\n3,b,y\n10,a,x\n";
    let headers = |args: &[&str]| {
        let run = nps_with_stdin(args, Some(csv.as_bytes()));
        let out = run.expect(0).stdout.clone();
        out.lines().next().unwrap_or("").to_string()
    };
    let segment = headers(&["segment", "-", "--by", "nps,row", "--format", "csv", "-q"]);
    assert!(segment.starts_with("row,by.nps,by.row,n,nps,"), "{segment}");
    let with_dates = "score,period,date\n9,a,2025-01-02\n3,b,2025-02-03\n";
    let run = nps_with_stdin(
        &[
            "trend", "-", "--every", "month", "--by", "period", "--format", "csv", "-q",
        ],
        Some(with_dates.as_bytes()),
    );
    let trend = run
        .expect(0)
        .stdout
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(trend.starts_with("by.period,period,start,end,"), "{trend}");
}

#[test]
fn f46_where_values_may_hold_not_equal_and_columns_an_equals_sign() {
    // Hand count: url a!=b → 9 and 10 (2 promoters, NPS 100); the column a=b holds x for 3 only.
    let csv = "score,url,a=b\n9,a!=b,y\n10,a!=b,y\n3,c,x\n";
    let n = |filter: &str| {
        let run = nps_with_stdin(
            &["score", "-", "--where", filter, "--format", "json", "-q"],
            Some(csv.as_bytes()),
        );
        let doc: serde_json::Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
        doc["n"].as_u64().unwrap()
    };
    assert_eq!(n("url=a!=b"), 2);
    assert_eq!(n(r"a\=b=x"), 1);
    assert_eq!(n(r"a\=b!=x"), 2);
}

#[test]
fn f30_a_value_written_blank_in_brackets_is_not_taken_for_blank_cells() {
    let csv = "score,plan\n9,\n3,(blank)\n10,\n2,(blank)\n";
    let run = nps_with_stdin(
        &["segment", "-", "--by", "plan", "-q"],
        Some(csv.as_bytes()),
    );
    let out = run.expect(0).stdout.clone();
    // Blank cells (9 and 10: NPS +100) and the text "(blank)" (3 and 2: NPS −100) differ.
    let line = |label: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {out}"))
            .to_string()
    };
    assert!(line("(blank)").contains("100.0"), "{out}");
    assert!(line("\"(blank)\"").contains("-100.0"), "{out}");
    let run = nps_with_stdin(
        &["check", "-", "--by", "plan", "--min", "0", "--min-n", "1"],
        Some(csv.as_bytes()),
    );
    assert!(run.stdout.contains("plan = \"(blank)\""), "{run:?}");
}

#[test]
fn f48_time_zones_in_any_case_leading_zeros_and_period_counts() {
    let csv = "score,date\n0009,2025-01-10\n9,2025-01-11\n3,2025-02-01\n";
    let run = nps_with_stdin(
        &[
            "score",
            "-",
            "--tz",
            "europe/paris",
            "--format",
            "json",
            "-q",
        ],
        Some(csv.as_bytes()),
    );
    let doc: serde_json::Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
    // 0009 is a 9 like 009 and 09: three answers, two promoters.
    assert_eq!(doc["n"], 3);
    assert_eq!(doc["promoters"]["count"], 2);
    // 0001-01-01 to 9999-12-31 is 3,652,059 days: 39,996 quarters of 365.2425 / 4 days.
    let wide = "score,date\n9,0001-01-01\n3,9999-12-31\n";
    let run = nps_with_stdin(
        &["trend", "-", "--every", "quarter", "--tz", "utc"],
        Some(wide.as_bytes()),
    );
    run.expect(3);
    assert!(run.stderr.contains("about 39996 quarters"), "{run:?}");
}

#[test]
fn f32_a_pretty_printed_object_is_named_as_such_and_ndjson_errors_give_the_column() {
    let dir = tempfile::Builder::new()
        .prefix("nps-f32-")
        .tempdir()
        .unwrap();
    let object = dir.path().join("dump.json");
    std::fs::write(&object, "{\n  \"items\": [\n    {\"score\": 9}\n  ]\n}\n").unwrap();
    let run = nps(&["score", object.to_str().unwrap()]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("one JSON object spread over several lines"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("EOF while parsing"), "{run:?}");
    let lines = dir.path().join("bad.ndjson");
    std::fs::write(&lines, "{\"score\": 9}\n{\"score\": 9,, }\n").unwrap();
    let run = nps(&["score", lines.to_str().unwrap()]);
    run.expect(3);
    assert!(
        run.stderr.contains("line 2: is not valid JSON here"),
        "{run:?}"
    );
    assert!(run.stderr.contains("column 13"), "{run:?}");
    assert!(!run.stderr.contains("at line 1"), "{run:?}");
}

#[test]
fn f50_the_check_verdict_on_stderr_shows_control_characters_escaped() {
    let csv = "score,plan\n3,a\x1b[31mX\n10,b\n10,b\n10,b\n10,b\n";
    let run = nps_with_stdin(
        &["check", "-", "--by", "plan", "--min", "50", "--min-n", "1"],
        Some(csv.as_bytes()),
    );
    run.expect(1);
    assert!(!run.stderr.contains('\x1b'), "{run:?}");
    assert!(
        run.stderr.contains("first: plan = a\\u{1b}[31mX"),
        "{run:?}"
    );
}

#[test]
fn f27_an_interval_always_reaches_the_nps_it_stands_beside() {
    // One promoter: adjusted counts 0.75/1.5/1.75 of 4 give 25 ± 1.959964·37.5 = −48.5…98.5,
    // which would leave out the observed 100.
    let (_one, one) = super::crafted("p1.csv", b"score\n10\n");
    let run = nps(&["score", &one, "-q"]);
    assert!(
        run.expect(0)
            .stdout
            .starts_with("NPS 100.0 (95% CI -48.5 to 100.0, adjusted Wald"),
        "{run:?}"
    );
    // Two detractors against two promoters: the adjusted difference 80 ± 91.1 reaches only
    // 171.1; the observed Δ is 200.
    let ((_a, a), (_b, b)) = (
        super::crafted("a.csv", b"score\n0\n0\n"),
        super::crafted("b.csv", b"score\n10\n10\n"),
    );
    let run = nps(&["compare", &a, &b, "-q"]);
    assert!(
        run.expect(0)
            .stdout
            .contains("B − A = 200.0 points (95% CI -11.1 to 200.0, adjusted Wald"),
        "{run:?}"
    );
}

#[test]
fn f37_a_saved_baseline_is_checked_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let example = fixture("example.csv");
    let saved = nps(&["score", &example, "-q", "-f", "json"])
        .expect(0)
        .json();
    let check = |name: &str, report: &serde_json::Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, report.to_string()).unwrap();
        nps(&[
            "check",
            &example,
            "--max-drop",
            "5",
            "--baseline",
            path.to_str().unwrap(),
            "-q",
        ])
    };
    // Untouched, it is the same data: no drop, the gate passes.
    check("same.json", &saved).expect(0);
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut report = saved.clone();
        edit(&mut report);
        report
    };
    for (name, report, why) in [
        (
            "huge.json",
            edited(&|r| r["nps"] = serde_json::json!(1e308)),
            "has an `nps` of 1e+308, not a number from -100 to 100",
        ),
        (
            "disagrees.json",
            edited(&|r| r["distribution"] = serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 37])),
            "says NPS 29.72972972972973 but its distribution gives 100: the file was edited",
        ),
        (
            "overflow.json",
            edited(&|r| {
                r["distribution"] =
                    serde_json::json!([18446744073709551615u64, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            }),
            "counts add up to nothing or overflow",
        ),
        (
            "future.json",
            edited(&|r| r["schema_version"] = serde_json::json!(99)),
            "schema version 99, and this nps reads version 1",
        ),
    ] {
        let run = check(name, &report);
        run.expect(3);
        assert!(run.stderr.contains(why), "{run:?}");
        assert!(run.stderr.contains("save the baseline again"), "{run:?}");
    }
    // A weighted report agrees with its weighted shares, and is read as such.
    let weighted = nps(&[
        "score",
        &fixture("weighted.csv"),
        "--weight",
        "arr",
        "-q",
        "-f",
        "json",
    ])
    .expect(0)
    .json();
    // Baseline −25.0 (weighted shares 0.25 − 0.5), today 29.7: a rise, so the gate passes.
    let run = check("weighted.json", &weighted);
    run.expect(0);
}

#[test]
fn f34_zero_weight_groups_are_named_as_such_and_kept_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zw.csv");
    std::fs::write(&path, "plan,score,w\na,9,0\na,3,0\nb,9,1\nb,3,2\nc,10,1\n").unwrap();
    let file = path.to_str().unwrap();
    let check = nps(&[
        "check", file, "--by", "plan", "--min", "0", "--weight", "w", "--min-n", "1", "-q",
    ]);
    check.expect(1);
    assert!(
        check
            .stdout
            .contains("its 2 responses all have --weight 0: nothing to judge"),
        "{check:?}"
    );
    let compare = nps(&[
        "compare", file, "--by", "plan", "--groups", "a,b", "--weight", "w", "-q",
    ]);
    compare.expect(3);
    assert!(
        compare
            .stderr
            .contains("group plan = a's 2 responses all have --weight 0; nothing to compare"),
        "{compare:?}"
    );
    let csv = nps(&[
        "segment", file, "--by", "plan", "--weight", "w", "-q", "-f", "csv",
    ]);
    let last = csv.expect(0).stdout.lines().last().unwrap().to_string();
    assert_eq!(
        last,
        format!("zero_weight,a,2{}", ",".repeat(14)),
        "{csv:?}"
    );
}
