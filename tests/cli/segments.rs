//! `nps segment` and `nps trend` end to end (counts by hand in fixtures/README.md), and the
//! filters every command shares (`--where`, `--since`, `--until`, `--dedupe`).

use super::*;

pub(super) fn segment_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["segment", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

/// Segment counts add back to the overall counts, category by category.
fn assert_segments_add_up(j: &Value) {
    let segments = j["segments"].as_array().unwrap();
    assert_eq!(segments.len() as u64, j["segments_total"].as_u64().unwrap());
    let n: u64 = segments.iter().map(|s| s["n"].as_u64().unwrap()).sum();
    assert_eq!(n, j["overall"]["n"].as_u64().unwrap());
    for category in ["detractors", "passives", "promoters"] {
        let sum: u64 = segments
            .iter()
            .map(|s| s[category]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(
            sum,
            j["overall"][category]["count"].as_u64().unwrap(),
            "{category}"
        );
    }
}

#[test]
fn carpentries_longterm_segments_add_back_to_the_overall() {
    // Issue 4: `--by Country` and `--by Position` rows add back to n 402, NPS 36.32.
    let file = shared("carpentries-assessment/longterm_October2017.csv");
    for by in ["Country", "Position"] {
        let j = segment_json(&file, &["--by", by]);
        assert_eq!(j["overall"]["n"], 402, "{by}");
        close(&j["overall"]["nps"], 36.32, 0.005);
        assert_segments_add_up(&j);
    }
    // Blank countries form their own segment, shown as null in JSON and (blank) in tables.
    let j = segment_json(&file, &["--by", "Country"]);
    assert!(j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["values"]["Country"].is_null()));
    let table = nps(&["segment", &file, "--by", "Country"]);
    assert!(table.expect(0).stdout.contains("(blank)"), "{table:?}");
}

#[test]
fn example_segments_by_plan_match_hand_counts() {
    let j = segment_json(&fixture("example.csv"), &["--by", "plan", "--sort", "name"]);
    let rows: Vec<(String, u64)> = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["values"]["plan"].as_str().unwrap().into(),
                s["n"].as_u64().unwrap(),
            )
        })
        .collect();
    // fixtures/README.md: enterprise 11 (3/3/5), free 13 (2/2/9), pro 13 (4/3/6).
    assert_eq!(
        rows,
        vec![
            ("enterprise".into(), 11),
            ("free".into(), 13),
            ("pro".into(), 13)
        ]
    );
    let free = &j["segments"][1];
    close(&free["nps"], 700.0 / 13.0, 1e-9);
    // By hand: the rest (enterprise + pro) is D 7, P 6, R 11, n 24, NPS 16.667.
    close(&free["vs_rest"]["delta"], 700.0 / 13.0 - 400.0 / 24.0, 1e-9);
    close(&free["impact"], 1100.0 / 37.0 - 400.0 / 24.0, 1e-9);
    assert_eq!(free["small_sample"], true);
    for s in j["segments"].as_array().unwrap() {
        let (p, holm) = (
            s["vs_rest"]["p_value"].as_f64().unwrap(),
            s["p_holm"].as_f64().unwrap(),
        );
        assert!(holm >= p && holm <= 1.0, "{s}");
    }
    assert_segments_add_up(&j);
}

#[test]
fn segment_sorting_top_and_combinations() {
    let file = fixture("example.csv");
    let by_nps = segment_json(&file, &["--by", "plan", "--sort", "nps"]);
    let order: Vec<&str> = by_nps["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["values"]["plan"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["free", "enterprise", "pro"]); // 53.85, 18.18, 15.38
    let top = segment_json(&file, &["--by", "plan", "--top", "2"]);
    assert_eq!(top["segments"].as_array().unwrap().len(), 2);
    assert_eq!(top["segments_total"], 3);

    let combos = segment_json(&file, &["--by", "plan,channel"]);
    assert_eq!(combos["by"], serde_json::json!(["plan", "channel"]));
    assert_segments_add_up(&combos);
    let csv = nps(&["segment", &file, "--by", "plan", "--format", "csv"]);
    let lines: Vec<&str> = csv.expect(0).stdout.lines().collect();
    assert!(
        lines[0].starts_with("row,plan,n,nps,ci_low,ci_high"),
        "{csv:?}"
    );
    assert!(lines[1].starts_with("overall,,37,29.7,"), "{csv:?}");
    assert_eq!(lines.len(), 5, "{csv:?}");

    let missing = nps(&["segment", &file, "--by", "region"]);
    missing.expect(3);
    assert!(
        missing
            .stderr
            .contains("column \"region\": no such column (named by --by)"),
        "{missing:?}"
    );
    nps(&["segment", &file]).expect(2);
}

// ---------------------------------------------------------------- nps trend and dates

pub(super) fn trend_json(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["trend", file, "--format", "json"];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run.json()
}

pub(super) fn periods(series: &Value) -> Vec<(String, u64)> {
    series["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["n"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn carpentries_quarters_hold_every_dated_response() {
    // Issue 4: US m/d/yy H:MM dates; each dated response in its quarter, n sums to the dated.
    // Per-quarter counts checked independently (Python strptime '%m/%d/%y %H:%M').
    let j = trend_json(
        &shared("carpentries-assessment/20180908_post_clean.csv"),
        &["--every", "quarter"],
    );
    let s = &j["series"][0];
    assert_eq!(
        periods(s),
        [
            ("2016-Q2", 12),
            ("2016-Q3", 38),
            ("2016-Q4", 82),
            ("2017-Q1", 19),
            ("2017-Q2", 99),
            ("2017-Q3", 79),
            ("2017-Q4", 106),
            ("2018-Q1", 186),
            ("2018-Q2", 166),
            ("2018-Q3", 102),
        ]
        .map(|(p, n)| (p.to_string(), n))
    );
    assert_eq!(s["all_time"]["n"], 889);
    assert_eq!(s["undated"], 0);
    assert_eq!(j["sources"][0]["dates"]["order"], "mdy");
    assert_eq!(j["sources"][0]["dates"]["column"], "Date");
}

#[test]
fn day_first_and_month_first_dates_parse_without_flags() {
    for file in ["dates/dmy.csv", "dates/mdy.csv"] {
        let j = trend_json(&fixture(file), &["--every", "month"]);
        let s = &j["series"][0];
        // fixtures/README.md: Jan 3 (NPS 33.33), Feb empty, Mar 2 (NPS 50); 2 undated.
        assert_eq!(
            periods(s),
            [
                ("2025-01".to_string(), 3),
                ("2025-02".to_string(), 0),
                ("2025-03".to_string(), 2)
            ],
            "{file}"
        );
        close(&s["periods"][0]["stats"]["nps"], 100.0 / 3.0, 1e-9);
        assert!(
            s["periods"][1]["stats"].is_null(),
            "an empty period has no statistics"
        );
        close(&s["periods"][2]["stats"]["nps"], 50.0, 1e-9);
        assert_eq!(s["undated"], 2, "{file}");
        close(&s["all_time"]["nps"], 40.0, 1e-9);
        let dates = &j["sources"][0]["dates"];
        assert_eq!(
            (dates["blank"].clone(), dates["invalid"].clone()),
            (1.into(), 1.into()),
            "{file}"
        );
        assert_eq!(dates["invalid_examples"][0]["value"], "soon");
        assert_eq!(dates["invalid_examples"][0]["location"]["number"], 8);
    }
    let table = nps(&["trend", &fixture("dates/dmy.csv"), "--every", "month"]);
    assert!(
        table.expect(0).stdout.contains("undated: 2 responses"),
        "{table:?}"
    );
}

#[test]
fn dates_that_read_both_ways_need_a_date_format() {
    let file = fixture("dates/ambiguous.csv");
    let run = nps(&["trend", &file, "--every", "month"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("ambiguous.csv, line 2, column \"date\""),
        "{run:?}"
    );
    assert!(run.stderr.contains("--date-format"), "{run:?}");
    let j = trend_json(&file, &["--every", "month", "--date-format", "dmy"]);
    let p = periods(&j["series"][0]);
    assert_eq!(p.first().unwrap(), &("2025-02".to_string(), 1));
    assert_eq!(p.last().unwrap(), &("2025-06".to_string(), 1));
    assert_eq!(p.len(), 5, "empty months between are shown: {p:?}");
}

#[test]
fn rolling_windows_and_series_per_segment() {
    // example.csv: Jan D/P/R 3/4/6, Feb 3/2/7 → two-month window at Feb: 6/6/13, n 25, NPS 28.
    let j = trend_json(
        &fixture("example.csv"),
        &["--every", "month", "--rolling", "2"],
    );
    let feb = &j["series"][0]["periods"][1];
    assert_eq!(feb["rolling"]["n"], 25);
    close(&feb["rolling"]["nps"], 28.0, 1e-9);
    close(
        &feb["vs_previous"]["delta"],
        100.0 * 4.0 / 12.0 - 100.0 * 3.0 / 13.0,
        1e-9,
    );

    // dmy.csv with a 60-day window: Jan 31 and Feb 28 windows hold January's 3 responses;
    // Mar 31's window starts Jan 31 and holds March's 2.
    let j = trend_json(
        &fixture("dates/dmy.csv"),
        &["--every", "month", "--rolling", "60d"],
    );
    let rolling: Vec<u64> = j["series"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rolling"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(rolling, [3, 3, 2]);

    let j = trend_json(
        &fixture("example.csv"),
        &["--every", "month", "--by", "plan"],
    );
    let series = j["series"].as_array().unwrap();
    let sizes: Vec<(String, u64)> = series
        .iter()
        .map(|s| {
            let n: u64 = periods(s).iter().map(|(_, n)| n).sum();
            (s["values"]["plan"].as_str().unwrap().to_string(), n)
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("enterprise".to_string(), 11),
            ("free".to_string(), 13),
            ("pro".to_string(), 13)
        ]
    );
    for s in series {
        assert_eq!(s["sparkline"].as_str().unwrap().chars().count(), 3);
    }
}

#[test]
fn parquet_timestamps_and_lists_do_not_reject_the_file() {
    // fixtures/formats/typed.parquet (pyarrow): scores 9, 10, 3, 8; submitted_at is
    // timestamp[us, tz=UTC] (2025-01-15 10:00, 2025-01-31 23:30, 2025-02-02 08:00,
    // 2025-02-20 12:00); tags is list<string>.
    let file = fixture("formats/typed.parquet");
    let run = nps(&["trend", &file, "--every", "month", "--format", "json"]);
    let j = run.expect(0).json();
    assert_eq!(
        periods(&j["series"][0]),
        [("2025-01".to_string(), 2), ("2025-02".to_string(), 2)]
    );
    assert!(
        run.stderr
            .contains("column \"tags\" holds list[str] values"),
        "{run:?}"
    );
    // In Paris, 2025-01-31 23:30 UTC is already February.
    let j = trend_json(&file, &["--every", "month", "--tz", "Europe/Paris"]);
    assert_eq!(
        periods(&j["series"][0]),
        [("2025-01".to_string(), 1), ("2025-02".to_string(), 3)]
    );
}

// ---------------------------------------------------------------- filters shared by every command

pub(super) fn filtered(j: &Value) -> Vec<(String, u64)> {
    j["rows"]["filtered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["reason"].as_str().unwrap().to_string(),
                e["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn where_filters_and_their_accounting() {
    let file = fixture("example.csv");
    // fixtures/README.md: enterprise has 13 rows, n 11 (3/3/5, NPS 18.18), so 2 blanks; the
    // other 27 rows (free 13 + pro 14) are filtered.
    let j = score_json(&file, &["--where", "plan=enterprise"]);
    assert_eq!(j["n"], 11);
    close(&j["nps"], 200.0 / 11.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 2);
    assert_eq!(filtered(&j), [("--where plan=enterprise".to_string(), 27)]);
    // read = used + blank + invalid + excluded + filtered + deduplicated.
    assert_eq!(j["rows"]["read"], 40);

    // plan != free keeps enterprise and pro: D 3+4, P 3+3, R 5+6 → n 24, NPS 100·4/24.
    let j = score_json(&file, &["--where", "plan!=free"]);
    assert_eq!(j["n"], 24);
    close(&j["nps"], 400.0 / 24.0, 1e-9);

    // Two conditions must both hold, and segment honours them like every command.
    let j = segment_json(
        &file,
        &[
            "--by",
            "channel",
            "--where",
            "plan=enterprise",
            "--where",
            "channel!=sms",
        ],
    );
    let n: u64 = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, j["overall"]["n"].as_u64().unwrap());
    assert!(j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["values"]["channel"] != "sms"));

    let missing = nps(&["score", &file, "--where", "region=EU"]);
    missing.expect(3);
    assert!(
        missing
            .stderr
            .contains("column \"region\": no such column (named by --where region=EU)"),
        "{missing:?}"
    );
    nps(&["score", &file, "--where", "plan"]).expect(2);
}

#[test]
fn since_and_until_are_inclusive_days() {
    // example.csv months: Jan 14 rows (13 used + 1 blank), Feb 13 (12 + 1), Mar 13 (12 + 1).
    // February alone: D/P/R 3/2/7 → NPS 33.33.
    let file = fixture("example.csv");
    let j = score_json(&file, &["--since", "2025-02-01", "--until", "2025-02-28"]);
    assert_eq!(j["n"], 12);
    close(&j["nps"], 400.0 / 12.0, 1e-9);
    assert_eq!(j["rows"]["blank"], 1);
    assert_eq!(
        filtered(&j),
        [
            ("after --until".to_string(), 13),
            ("before --since".to_string(), 14)
        ]
    );
    let bad = nps(&[
        "score",
        &file,
        "--since",
        "2025-03-01",
        "--until",
        "2025-02-01",
    ]);
    bad.expect(2);
    assert!(
        bad.stderr
            .contains("--since 2025-03-01 is after --until 2025-02-01"),
        "{bad:?}"
    );
    nps(&["score", &file, "--since", "March"]).expect(2);
}

#[test]
fn dedupe_keeps_one_answer_per_respondent() {
    // fixtures/dedupe.csv: C1 answered 3 (Jan 10) then 9 (Mar 5); C2 10 (Jan 15) then 7 (Feb 1,
    // listed first); C3 6; one row without an id, 10 (kept).
    // latest → 9, 7, 6, 10: D/P/R 1/1/2, NPS 25. first → 3, 10, 6, 10: 2/0/2, NPS 0.
    let file = fixture("dedupe.csv");
    let latest = score_json(&file, &["--dedupe", "latest"]);
    assert_eq!(latest["n"], 4);
    close(&latest["nps"], 25.0, 1e-9);
    assert_eq!(latest["rows"]["deduplicated"], 2);
    let first = score_json(&file, &["--dedupe", "first"]);
    close(&first["nps"], 0.0, 1e-9);
    assert_eq!(first["distribution"][3], 1);
    // Across inputs: the same answers in two files still leave one answer per id (plus the
    // id-less rows). (The same file named twice is a usage error.)
    let (_dir, copy) = crafted("dedupe.csv", &std::fs::read(&file).unwrap());
    let twice = nps(&[
        "score", &file, &copy, "--dedupe", "latest", "--format", "json",
    ])
    .expect(0)
    .json();
    assert_eq!(twice["n"], 5);
    assert_eq!(twice["rows"]["deduplicated"], 7);
}
