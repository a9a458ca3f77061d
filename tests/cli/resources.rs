//! Regression tests of the adversarial test's resource findings (time and memory that grew
//! faster than the input); each names its finding. Their time limits are generous bounds that
//! only the old quadratic or unbounded behaviour could exceed, not benchmarks.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::nps;

/// Writes `content` as `name` in a new temporary directory.
fn file(name: &str, content: &str) -> (tempfile::TempDir, String) {
    super::crafted(name, content.as_bytes())
}

/// `nps ARGS…`, which must finish within `limit`: a bound only the old quadratic or unbounded
/// behaviour could exceed.
fn within(limit: Duration, args: &[&str]) -> super::Run {
    let start = Instant::now();
    let run = nps(args);
    assert!(start.elapsed() < limit, "{:?}: {run:?}", start.elapsed());
    run
}

/// The finding's file: `series` segments, one response each per day for `days` days from
/// 1998-01-01, scores (day + segment) mod 11.
fn daily(series: usize, days: i64) -> String {
    let mut text = String::from("submitted_at,score,seg\n");
    for day in 0..days {
        let date =
            chrono::NaiveDate::from_ymd_opt(1998, 1, 1).unwrap() + chrono::Days::new(day as u64);
        for s in 0..series {
            writeln!(text, "{date}T12:00:00Z,{},s{s}", (day as usize + s) % 11).unwrap();
        }
    }
    text
}

#[test]
fn f22_a_long_rolling_window_slides_instead_of_being_summed_again() {
    let (_d, path) = file("daily.csv", &daily(10, 9_990));
    // 4 s optimised before the fix (10⁹ additions); a fraction of a second after.
    let run = within(
        Duration::from_secs(60),
        &[
            "trend",
            &path,
            "--every",
            "day",
            "--rolling",
            "9999d",
            "--by",
            "seg",
            "-q",
            "-f",
            "json",
        ],
    );
    let j = run.expect(0).json();
    let series = j["series"].as_array().unwrap();
    assert_eq!(series.len(), 10);
    for s in series {
        let periods = s["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 9_990);
        // One response per day: the window ending on day i holds i + 1 of them, and the last
        // window holds the whole series, so its NPS is the series' own.
        for (i, p) in periods.iter().enumerate().step_by(997) {
            assert_eq!(p["rolling"]["n"], i as u64 + 1, "{p}");
        }
        let last = &periods[9_989]["rolling"];
        assert_eq!(last["n"], 9_990);
        assert_eq!(last["nps"], s["all_time"]["nps"], "{s}");
    }
}

#[test]
fn f22_a_rolling_window_of_periods_holds_exactly_its_periods() {
    // One segment, 40 days: days 0–39 score day mod 11. A window of 7 daily periods ending on
    // day 20 holds days 14–20: scores 3,4,5,6,7,8,9 → 4 detractors, 2 passives, 1 promoter:
    // NPS = 100·(1 − 4)/7 = −42.857…
    let (_d, path) = file("forty.csv", &daily(1, 40));
    let j = nps(&[
        "trend",
        &path,
        "--every",
        "day",
        "--rolling",
        "7",
        "-q",
        "-f",
        "json",
    ])
    .expect(0)
    .json();
    let periods = j["series"][0]["periods"].as_array().unwrap();
    assert_eq!(periods[20]["rolling"]["n"], 7);
    let nps = periods[20]["rolling"]["nps"].as_f64().unwrap();
    assert!((nps - 100.0 * -3.0 / 7.0).abs() < 1e-9, "{nps}");
    // The first windows are shorter: day 2 holds days 0–2.
    assert_eq!(periods[2]["rolling"]["n"], 3);
}

#[test]
fn f19_a_trend_table_too_large_to_hold_is_refused_with_its_size() {
    // The finding's span.csv: 1,000 segments, each answered on 2000-01-01 and 2027-02-01.
    let mut text = String::from("submitted_at,score,seg\n");
    for s in 0..1000 {
        writeln!(text, "2000-01-01T00:00:00Z,{},s{s}", s % 11).unwrap();
        writeln!(text, "2027-02-01T00:00:00Z,{},s{s}", (s * 3) % 11).unwrap();
    }
    let (_d, path) = file("span.csv", &text);
    let run = within(
        Duration::from_secs(30),
        &["trend", &path, "--every", "day", "--by", "seg", "-q"],
    );
    run.expect(3);
    // 2000-01-01 to 2027-02-01, both included: 27·365 + 7 leap days + 31 + 1 = 9,894 days.
    assert!(
        run.stderr
            .contains("1000 series × 9894 days would make 9894000 rows, more than the 200000"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
    // By year the same file is 28 periods a series: fine.
    nps(&[
        "trend", &path, "--every", "year", "--by", "seg", "-q", "-f", "csv",
    ])
    .expect(0);
}

#[test]
fn f24_a_table_of_too_many_segments_shows_the_first_and_says_so() {
    let mut text = String::from("id,score,seg\n");
    for i in 0..20_001 {
        writeln!(text, "{i},{},s{i}", i % 11).unwrap();
    }
    let (_d, path) = file("ids.csv", &text);
    let table = nps(&["segment", &path, "--by", "seg"]);
    table.expect(0);
    assert!(
        table
            .stdout
            .contains("showing 10000 of 20001 segments (a table shows at most this many"),
        "{}",
        &table.stdout[table.stdout.len().saturating_sub(2000)..]
    );
    assert!(
        table
            .stderr
            .contains("warning: 20001 segments by seg (20001 of them with n < 30): is it an id"),
        "{}",
        table.stderr
    );
    // CSV keeps every segment: a header, the overall row and 20,001 segment rows.
    let csv = nps(&["segment", &path, "--by", "seg", "-q", "-f", "csv"]);
    assert_eq!(csv.expect(0).stdout.lines().count(), 20_003);
}

#[test]
fn f25_a_header_of_millions_of_cells_is_refused_at_once() {
    let cells = 1_000_000;
    let text = format!("score{}\n9{}\n", ",".repeat(cells), ",".repeat(cells));
    let (_d, path) = file("wide.csv", &text);
    let run = within(Duration::from_secs(30), &["score", &path, "-q"]);
    run.expect(3);
    assert!(
        run.stderr
            .contains("has 1000001 columns, more than the 100000 nps reads"),
        "{run:?}"
    );
}

#[test]
fn f23_a_json_array_is_counted_as_it_is_read_like_ndjson() {
    // The finding's construction: NDJSON lines made into an array, one element per line.
    let (mut array, mut ndjson) = (String::from("[\n"), String::new());
    for i in 0..200_000 {
        let line = format!(
            "{{\"id\":\"R{i}\",\"score\":{},\"plan\":\"{}\",\"comment\":\"say \\\"[hi]\\\"\"}}",
            i % 11,
            ["free", "pro"][i % 2]
        );
        writeln!(array, "{line}{}", if i < 199_999 { "," } else { "" }).unwrap();
        writeln!(ndjson, "{line}").unwrap();
    }
    array.push_str("]\n");
    let (_a, array) = file("g.json", &array);
    let (_n, ndjson) = file("g.ndjson", &ndjson);
    let run = within(
        Duration::from_secs(60),
        &["segment", &array, "--by", "plan", "-f", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&run.expect(0).stdout).unwrap();
    // Counted by the parallel pass, not built into records first (10× the file in memory).
    assert_eq!(json["sources"][0]["pass"], "parallel", "{json}");
    assert_eq!(json["sources"][0]["format"], "json");
    // Scores 0..=10 in turn: 200,000 = 18,181 × 11 + 9, so scores 0–8 once more. Promoters
    // (9, 10) 18,181 each, detractors (0–6) 18,182 each: NPS = (36,362 − 127,274) / 200,000.
    assert_eq!(json["overall"]["n"], 200_000);
    assert_eq!(json["overall"]["nps"], -45.456);
    // The same numbers as the same responses as NDJSON.
    let lines = nps(&["segment", &ndjson, "--by", "plan", "-f", "json"]);
    let lines: serde_json::Value = serde_json::from_str(&lines.expect(0).stdout).unwrap();
    assert_eq!(json["overall"], lines["overall"]);
    assert_eq!(json["segments"], lines["segments"]);
}

#[test]
fn f25_a_header_cell_longer_than_any_column_name_is_refused() {
    // 1M CJK characters (3 MB; the finding's 30 MB cell took 1.4 GB): refused, naming the cell.
    let text = format!("score,{}\n9,1\n", "敲".repeat(1_000_000));
    let (_d, path) = file("long.csv", &text);
    let run = within(Duration::from_secs(30), &["score", &path, "-q"]);
    run.expect(3);
    assert!(
        run.stderr.contains(
            "has a header cell of 3000000 bytes (row 1, column 2), longer than the 65536 bytes"
        ),
        "{run:?}"
    );
    // A comment that long in the data is read (it is not a name).
    let text = format!("score,comment\n9,{}\n3,ok\n", "敲".repeat(1_000_000));
    let (_e, path) = file("long_comment.csv", &text);
    // One promoter, one detractor: n 2, NPS 0.0.
    let run = nps(&["score", &path, "-f", "csv", "-q"]);
    assert!(run.expect(0).stdout.contains("\n2,0.0,"), "{run:?}");
}
