//! Real exports (../shared/data) and the platform presets' fixtures read without flags, and one
//! set of responses in every input form giving the same answers.

use super::*;

#[test]
fn carpentries_post_workshop_survey_without_flags() {
    // SOURCE.txt and the issue: score column LikelyToRecommend, n 889, NPS 48.37, 78 blanks.
    // By hand from the column: promoters 150 + 351 = 501, passives 106 + 211 = 317,
    // detractors 2+4+6+5+21+33 = 71; NPS = (501 − 71)/889 = 48.3689…
    let j = score_json(
        &shared("carpentries-assessment/20180908_post_clean.csv"),
        &[],
    );
    assert_eq!(j["sources"][0]["score_column"], "LikelyToRecommend");
    assert_eq!(j["n"], 889);
    close(&j["nps"], 48.37, 0.005);
    assert_eq!(j["promoters"]["count"], 501);
    assert_eq!(j["passives"]["count"], 317);
    assert_eq!(j["detractors"]["count"], 71);
    assert_eq!(j["rows"]["read"], 967);
    assert_eq!(j["rows"]["blank"], 78);
    assert_eq!(j["rows"]["invalid"], 0);
}

#[test]
fn formbricks_export_with_question_text_headers() {
    // Issue: n = 7, NPS 42.86, six partial responses blank. By hand: 7,7,8,8,9,9,10 → 3/7.
    let j = score_json(&shared("formbricks-hub/sample_feedback.redacted.csv"), &[]);
    assert_eq!(j["n"], 7);
    close(&j["nps"], 42.86, 0.005);
    assert_eq!(j["rows"]["blank"], 6);
    assert_eq!(
        j["sources"][0]["score_column"],
        "10. How likely would you recommend Formbricks to people you know?"
    );
    // Its "delivery" column holds the hosting plan ("cloud"), not the channel the survey came
    // through: inspect says why it is not the channel.
    let file = shared("formbricks-hub/sample_feedback.redacted.csv");
    let j = nps(&["inspect", &file, "--format", "json"])
        .expect(0)
        .json();
    let channel = j["sources"][0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "channel")
        .unwrap();
    assert_eq!(channel["column"], Value::Null);
    assert!(
        channel["reason"]
            .as_str()
            .unwrap()
            .starts_with("\"delivery\" has a channel name, but none of its sampled answers is a channel (first: \"cloud\";"),
        "{channel}"
    );
}

#[test]
fn qualtrics_sample_without_nps_question() {
    let file = shared("ropensci-qualtRics/sample.csv");
    let run = nps(&["inspect", &file, "--format", "json"]);
    let j = run.expect(0).json();
    let s = &j["sources"][0];
    assert_eq!(s["preset"], "qualtrics");
    assert_eq!(s["header_rows"], 3);
    assert_eq!(s["rows"]["read"], 1);
    assert_eq!(s["roles"][0]["role"], "score");
    assert_eq!(s["roles"][0]["decided_by"], "not_found");

    let table = nps(&["inspect", &file]);
    assert!(
        table.expect(0).stdout.contains("preset: qualtrics"),
        "{table:?}"
    );

    let score = nps(&["score", &file]);
    score.expect(3);
    assert!(score.stderr.contains("no NPS score column"), "{score:?}");
    assert!(score.stderr.contains("sample.csv"), "{score:?}");
}

#[test]
fn carpentries_longterm_survey_placeholder_headers() {
    // SOURCE.txt: score column Likely-To-Recommend, 74 blanks; issue 4 states n 402, NPS 36.32.
    let j = score_json(
        &shared("carpentries-assessment/longterm_October2017.csv"),
        &[],
    );
    assert_eq!(j["sources"][0]["score_column"], "Likely-To-Recommend");
    assert_eq!(j["n"], 402);
    close(&j["nps"], 36.32, 0.005);
    assert_eq!(j["rows"]["blank"], 74);
}

// ---------------------------------------------------------------- platform presets (fixtures)

#[test]
fn qualtrics_fixture_excludes_preview_test_and_spam() {
    let j = score_json(&fixture("presets/qualtrics_nps.csv"), &[]);
    assert_eq!(j["sources"][0]["preset"], "qualtrics");
    assert_eq!(j["sources"][0]["score_column"], "Q1");
    assert_eq!(j["n"], 12);
    assert_eq!(
        (
            j["detractors"]["count"].clone(),
            j["passives"]["count"].clone(),
            j["promoters"]["count"].clone()
        ),
        (3.into(), 3.into(), 6.into())
    );
    close(&j["nps"], 25.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 3);
    let excluded: Vec<(String, u64)> = j["rows"]["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["reason"].as_str().unwrap().to_string(),
                e["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        excluded,
        vec![
            ("Qualtrics spam (Status 8)".to_string(), 1),
            ("Qualtrics survey preview (Status 1)".to_string(), 2),
            ("Qualtrics survey test (Status 2)".to_string(), 1),
        ]
    );
    assert_eq!(j["rows"]["read"], 19);
}

#[test]
fn surveymonkey_typeform_and_delighted_fixtures() {
    // (file, preset, n, D, P, R, NPS, blank) from fixtures/README.md.
    let cases = [
        (
            "presets/surveymonkey_nps.csv",
            "surveymonkey",
            11,
            3,
            2,
            6,
            300.0 / 11.0,
            1,
        ),
        (
            "presets/typeform_nps.csv",
            "typeform",
            9,
            2,
            2,
            5,
            100.0 / 3.0,
            1,
        ),
        (
            "presets/delighted_api.json",
            "delighted",
            10,
            3,
            3,
            4,
            10.0,
            0,
        ),
    ];
    for (file, preset, n, d, p, r, score, blank) in cases {
        let j = score_json(&fixture(file), &[]);
        assert_eq!(j["sources"][0]["preset"], preset, "{file}");
        assert_eq!(j["n"], n, "{file}");
        assert_eq!(j["detractors"]["count"], d, "{file}");
        assert_eq!(j["passives"]["count"], p, "{file}");
        assert_eq!(j["promoters"]["count"], r, "{file}");
        close(&j["nps"], score, 1e-9);
        assert_eq!(j["rows"]["blank"], blank, "{file}");
    }
}

// ---------------------------------------------------------------- one set of responses, every form

fn without_sources(mut j: Value) -> Value {
    j.as_object_mut().unwrap().remove("sources");
    j
}

#[test]
fn every_input_form_gives_identical_json() {
    let baseline = without_sources(score_json(&fixture("formats/responses.csv"), &[]));
    // fixtures/README.md: 22 rows, n 20, D/P/R 5/6/9, NPS 20.00, 2 blanks.
    assert_eq!(baseline["n"], 20);
    close(&baseline["nps"], 20.0, 1e-9);
    assert_eq!(baseline["rows"]["blank"], 2);
    assert_eq!(baseline["rows"]["read"], 22);
    for file in [
        "formats/responses_semicolon_bom.csv",
        "formats/responses_cp1252.csv",
        "formats/responses.tsv",
        "formats/responses.json",
        "formats/responses.ndjson",
        "formats/responses.parquet",
        "formats/responses.csv.gz",
        "formats/responses.csv.zst",
    ] {
        let j = without_sources(score_json(&fixture(file), &[]));
        assert_eq!(j, baseline, "{file} differs from responses.csv");
    }
    for file in [
        "formats/responses.csv",
        "formats/responses.ndjson",
        "formats/responses.csv.gz",
        "formats/responses.csv.zst",
        "formats/responses_cp1252.csv",
        "formats/responses.parquet",
        "formats/responses.json",
    ] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let run = nps_with_stdin(&["score", "-", "--format", "json"], Some(&bytes));
        assert_eq!(
            without_sources(run.expect(0).json()),
            baseline,
            "stdin {file}"
        );
    }
}

#[test]
fn inspect_reports_encoding_delimiter_and_roles() {
    let j = nps(&[
        "inspect",
        &fixture("formats/responses_cp1252.csv"),
        "--format",
        "json",
    ])
    .expect(0)
    .json();
    let s = &j["sources"][0];
    assert_eq!(s["encoding"]["name"], "windows-1252");
    assert_eq!(s["delimiter"], ",");
    let roles: Vec<(String, String)> = s["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().into(),
                r["column"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("score".into(), "score".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("date".into(), "submitted_at".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("respondent_id".into(), "customer_id".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&("comment".into(), "comment".into())),
        "{roles:?}"
    );

    let j = nps(&[
        "inspect",
        &fixture("formats/responses_semicolon_bom.csv"),
        "--format",
        "json",
    ])
    .expect(0)
    .json();
    assert_eq!(j["sources"][0]["delimiter"], ";");
    assert_eq!(j["sources"][0]["encoding"]["bom"], true);
}

#[test]
fn several_files_are_concatenated_and_each_keeps_its_accounting() {
    let a = fixture("formats/responses.csv");
    let b = fixture("presets/qualtrics_nps.csv");
    let j = nps(&["score", &a, &b, "--format", "json"]).expect(0).json();
    // 20 + 12 responses; promoters 9 + 6 = 15, detractors 5 + 3 = 8 → NPS 100·7/32.
    assert_eq!(j["n"], 32);
    close(&j["nps"], 700.0 / 32.0, 1e-9);
    assert_eq!(j["sources"].as_array().unwrap().len(), 2);
    assert_eq!(j["sources"][1]["rows"]["used"], 12);
    assert_eq!(j["rows"]["read"], 22 + 19);
}
