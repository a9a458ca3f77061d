//! `nps check`: every rule type, baselines, rules files, JUnit and GitHub formats, weights and
//! the refusals that keep a gate honest.

use super::*;

/// Runs `nps check` with JSON output; returns the exit status and the parsed report.
pub(super) fn check_json(args: &[&str]) -> (i32, Value, Run) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let run = nps(&all);
    let j = run.json();
    (run.status, j, run)
}

fn verdicts(j: &Value) -> Vec<(String, bool)> {
    j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["passed"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_rule_type_passes_and_fails_with_the_right_exit_code() {
    // formats/responses.csv: n 20, D/P/R 5/6/9 → NPS 20, detractors 25%, promoters 45%.
    let f = fixture("formats/responses.csv");
    let cases: [(&[&str], &str, bool); 10] = [
        (&["--min", "20"], "nps >= 20.0", true),
        (&["--min", "20.5"], "nps >= 20.5", false),
        (&["--min", "-50"], "nps >= -50.0", true),
        (&["--max-detractors", "25%"], "detractors <= 25.0%", true),
        (&["--max-detractors", "0.2"], "detractors <= 20.0%", false),
        (&["--min-promoters", "45"], "promoters >= 45.0%", true),
        (&["--min-promoters", "50%"], "promoters >= 50.0%", false),
        (&["--min-responses", "20"], "responses >= 20", true),
        (&["--min-responses", "21"], "responses >= 21", false),
        (&["--min", "30", "--unless-uncertain"], "nps >= 30.0", true),
    ];
    for (flags, rule, pass) in cases {
        let mut args = vec![f.as_str()];
        args.extend_from_slice(flags);
        let (status, j, run) = check_json(&args);
        assert_eq!(status, if pass { 0 } else { 1 }, "{run:?}");
        assert_eq!(verdicts(&j), [(rule.to_string(), pass)], "{run:?}");
        assert_eq!(j["passed"], pass);
        let verdict = if pass {
            "nps: check passed"
        } else {
            "nps: check failed: 1 of 1 rules failed"
        };
        assert!(run.stderr.contains(verdict), "{run:?}");
    }
}

#[test]
fn unless_uncertain_passes_a_small_sample_the_plain_rule_fails() {
    // NPS 20 with a 95% adjusted-Wald interval of −15.4 to 50.2 (n 20): below 30, but the upper
    // bound is above 30, so --unless-uncertain passes it. A minimum of 55 lies above the upper
    // bound too, and fails even with --unless-uncertain.
    let f = fixture("formats/responses.csv");
    let (status, j, _) = check_json(&[&f, "--min", "30"]);
    assert_eq!((status, j["passed"].clone()), (1, false.into()));
    let (status, j, _) = check_json(&[&f, "--min", "30", "--unless-uncertain"]);
    assert_eq!((status, j["passed"].clone()), (0, true.into()));
    close(&j["rules"][0]["ci_high"], 50.2, 0.05);
    let (status, _, run) = check_json(&[&f, "--min", "55", "--unless-uncertain"]);
    assert_eq!(status, 1, "{run:?}");
}

#[test]
fn baselines_round_trip_and_significant_drops() {
    let f = fixture("formats/responses.csv");
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b.json");
    let saved = nps(&["score", &f, "--format", "json", "-o", b.to_str().unwrap()]);
    saved.expect(0);
    let (status, j, run) = check_json(&[&f, "--baseline", b.to_str().unwrap(), "--max-drop", "0"]);
    assert_eq!(status, 0, "{run:?}");
    close(&j["rules"][0]["actual"], 0.0, 1e-12);

    // qualtrics fixture (NPS 25, n 12) as a data baseline: a drop of 5 to NPS 20, not significant.
    let q = fixture("presets/qualtrics_nps.csv");
    let (status, j, _) = check_json(&[&f, "--baseline", &q, "--max-drop", "2"]);
    assert_eq!(status, 1);
    close(&j["rules"][0]["actual"], 5.0, 1e-9);
    let (status, _, _) = check_json(&[&f, "--baseline", &q, "--max-drop", "2", "--significant"]);
    assert_eq!(
        status, 0,
        "a 5-point drop on 20 and 12 responses is not significant"
    );

    // 20180908_post_clean (48.37, n 889) → longterm (36.32, n 402): a 12.05-point drop with
    // p = 0.0054 (adjusted-Wald SEs, by hand): it fails even with --significant.
    let post = shared("carpentries-assessment/20180908_post_clean.csv");
    let long = shared("carpentries-assessment/longterm_October2017.csv");
    let (status, j, run) = check_json(&[
        &long,
        "--baseline",
        &post,
        "--max-drop",
        "5",
        "--significant",
    ]);
    assert_eq!(status, 1, "{run:?}");
    close(&j["rules"][0]["actual"], 12.0505, 0.0001);
    assert!(
        j["rules"][0]["message"]
            .as_str()
            .unwrap()
            .contains("p = 0.005"),
        "{j}"
    );
    let (status, _, _) = check_json(&[&long, "--baseline", &post, "--max-drop", "15"]);
    assert_eq!(status, 0);
}

#[test]
fn segments_and_the_latest_period() {
    // example.csv: free 13 (NPS 53.85), pro 13 (15.38), enterprise 11 (18.18); overall 29.73.
    let f = fixture("example.csv");
    let (status, j, _) = check_json(&[&f, "--by", "plan", "--min", "10", "--min-n", "12"]);
    assert_eq!(status, 0);
    let scopes: Vec<&str> = j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["overall", "plan = free", "plan = pro"]);
    assert_eq!(j["skipped"], serde_json::json!([["plan = enterprise", 11]]));
    let (status, j, _) = check_json(&[&f, "--by", "plan", "--min", "20", "--min-n", "12"]);
    assert_eq!(status, 1);
    let failed: Vec<&str> = j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["scope"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["plan = pro"]);

    // The latest month is 2025-03: D/P/R 3/2/7, NPS 33.33.
    let (status, j, _) = check_json(&[&f, "--every", "month", "--min", "30"]);
    assert_eq!(status, 0);
    assert_eq!(j["rules"][0]["scope"], "latest month 2025-03");
    close(&j["rules"][0]["actual"], 100.0 / 3.0, 1e-9);
    assert_eq!(check_json(&[&f, "--every", "month", "--min", "40"]).0, 1);
}

#[test]
fn rules_files_environment_and_bad_rules() {
    let f = fixture("formats/responses.csv");
    // fixtures/check/rules.toml: min 10, max-detractors 30%, min-responses 20 → all pass.
    let (status, j, _) = check_json(&[&f, "--rules", &fixture("check/rules.toml")]);
    assert_eq!(status, 0);
    assert_eq!(j["rules"].as_array().unwrap().len(), 3);
    // A flag wins over the file.
    let (status, _, _) = check_json(&[&f, "--rules", &fixture("check/rules.toml"), "--min", "25"]);
    assert_eq!(status, 1);

    let unknown = nps(&["check", &f, "--rules", &fixture("check/unknown_key.toml")]);
    unknown.expect(2);
    assert!(
        unknown.stderr.contains("unknown field `mni`"),
        "{unknown:?}"
    );

    let env = nps_full(&["check", &f], None, &[("NPS_MIN", "30")]);
    env.expect(1);
    assert!(env.stderr.contains("is below 30.0"), "{env:?}");
    nps_full(&["check", &f], None, &[("NPS_MAX_DETRACTORS", "25%")]).expect(0);

    nps(&["check", &f]).expect(2); // no rule at all
    nps(&["check", &f, "--max-drop", "5"]).expect(2); // no baseline
    nps(&["check", &f, "--min", "101"]).expect(2);
    nps(&["check", &f, "--max-detractors", "120%"]).expect(2);
    nps(&["check", &fixture("bad/missing.csv"), "--min", "0"]).expect(3);
    nps(&["score", &f, "--format", "junit"]).expect(2);
}

#[test]
fn junit_and_github_formats() {
    use quick_xml::events::Event;
    let f = fixture("formats/responses.csv");
    let run = nps(&[
        "check",
        &f,
        "--min",
        "10",
        "--max-detractors",
        "20%",
        "--min-responses",
        "21",
        "--format",
        "junit",
    ]);
    run.expect(1);
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let (mut cases, mut failures, mut names) = (0, 0, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => {
                    cases += 1;
                    let name = e.try_get_attribute("name").unwrap().unwrap();
                    names.push(name.unescape_value().unwrap().to_string());
                }
                b"failure" => failures += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures), (3, 2), "{run:?}");
    assert_eq!(
        names,
        ["nps >= 10.0", "detractors <= 20.0%", "responses >= 21"]
    );

    let gh = nps(&[
        "check",
        &f,
        "--min",
        "30",
        "--min-responses",
        "10",
        "--format",
        "github",
    ]);
    gh.expect(1);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{gh:?}");
    assert!(
        lines[0].starts_with("::error title=nps check%3A overall nps >= 30.0::NPS 20.0"),
        "{gh:?}"
    );
    assert!(
        lines[1].starts_with("::notice title=nps check%3A overall responses >= 10::"),
        "{gh:?}"
    );
}

#[test]
fn a_stray_far_future_date_is_refused_not_listed() {
    // 99999999999 read as epoch seconds is 5138-11-16: over a million daily periods.
    let csv = b"id,date,score\n1,2025-01-01,9\n2,99999999999,7\n";
    let run = nps_with_stdin(&["trend", "-", "--every", "day"], Some(csv));
    run.expect(3);
    assert!(
        run.stderr
            .contains("the dates run from 2025-01-01 to 5138-11-16"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn zero_and_extreme_weights_are_handled_in_the_open() {
    // All weights zero: nothing to weigh.
    let run = nps_with_stdin(
        &["score", "-", "--weight", "w"],
        Some(b"score,w\n9,0\n3,0\n"),
    );
    run.expect(3);
    assert!(
        run.stderr
            .contains("every --weight value in column \"w\" is zero"),
        "{run:?}"
    );
    // A segment whose weights are all zero is listed, not silently dropped.
    let csv = b"plan,score,w\nfree,9,0\nfree,3,0\npro,9,1\npro,8,2\npro,3,1\n";
    let j = nps_with_stdin(
        &[
            "segment", "-", "--by", "plan", "--weight", "w", "--format", "json",
        ],
        Some(csv),
    )
    .expect(0)
    .json();
    assert_eq!(j["zero_weight"], serde_json::json!([["free", 2]]));
    assert_eq!(j["segments"].as_array().unwrap().len(), 1);
    // Weights of 1e200 and 1e-200 neither overflow nor vanish: relative weights are what count.
    // 9 (w 1e200) dominates 3 (w 1): NPS 100 on an effective n of 1.
    let j = nps_with_stdin(
        &["score", "-", "--weight", "w", "--format", "json"],
        Some(b"score,w\n9,1e200\n3,1\n"),
    )
    .expect(0)
    .json();
    close(&j["nps"], 100.0, 1e-9);
    close(&j["weight"]["effective_n"], 1.0, 1e-9);
    let j = nps_with_stdin(
        &["score", "-", "--weight", "w", "--format", "json"],
        Some(b"score,w\n9,1e-200\n3,1e-200\n"),
    )
    .expect(0)
    .json();
    close(&j["nps"], 0.0, 1e-9);
    close(&j["weight"]["effective_n"], 2.0, 1e-9);
}

#[test]
fn check_never_writes_over_its_baseline_or_rules() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let f = fixture("formats/responses.csv");
    nps(&[
        "score",
        &f,
        "--format",
        "json",
        "-o",
        base.to_str().unwrap(),
    ])
    .expect(0);
    let before = std::fs::read(&base).unwrap();
    let b = base.to_str().unwrap();
    let run = nps(&[
        "check",
        &f,
        "--baseline",
        b,
        "--max-drop",
        "5",
        "--format",
        "json",
        "-o",
        b,
    ]);
    run.expect(2);
    assert!(run.stderr.contains("is also an input"), "{run:?}");
    assert_eq!(std::fs::read(&base).unwrap(), before);
}

#[test]
fn paired_repeats_are_explained_without_a_broken_fix() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, "customer_id,score\nC1,9\nC1,3\nC2,7\n").unwrap();
    std::fs::write(&b, "customer_id,score\nC1,10\nC2,8\n").unwrap();
    let run = nps(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--paired",
    ]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("respondent \"C1\" answered more than once"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("add --dedupe"), "{run:?}");
}

#[test]
fn several_by_columns_in_check_and_one_in_compare() {
    let f = fixture("example.csv");
    let (status, j, _) = check_json(&[&f, "--by", "plan,channel", "--min", "-100", "--min-n", "1"]);
    assert_eq!(status, 0);
    // overall + one scope per (plan, channel) pair present: the checked scopes' n add up to 37.
    let n: u64 = j["rules"].as_array().unwrap()[1..]
        .iter()
        .map(|r| r["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 37);
    assert!(
        j["rules"][1]["scope"]
            .as_str()
            .unwrap()
            .contains(", channel = "),
        "{j}"
    );
    let run = nps(&[
        "compare",
        &f,
        "--by",
        "plan,channel",
        "--groups",
        "free,pro",
    ]);
    run.expect(2);
    assert!(
        run.stderr.contains("compare --by takes one column"),
        "{run:?}"
    );
    nps(&["score", &f, "--confidence", "1.5"]).expect(2);
}
