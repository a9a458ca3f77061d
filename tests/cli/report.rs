//! `nps report` end to end on `fixtures/report/responses.csv` (README.md there derives every
//! figure asserted here by hand): the JSON bundle's sections, the waterfall that adds up to the
//! change, the Markdown parsed by a CommonMark/GFM parser, text that stays text, byte-identical
//! runs, and the HTML page opened in headless Chromium (`tests/browser/check-report.mjs`).

use std::process::Command;

use serde_json::Value;

use super::{close, fixture, nps, root, Run};

/// The report of the fixture in `format`, with the flags every test uses.
fn report(format: &str, extra: &[&str]) -> Run {
    let file = fixture("report/responses.csv");
    let mut args = vec![
        "report",
        &file,
        "--by",
        "plan",
        "--every",
        "month",
        "--as-of",
        "2025-10-01",
        "--min-n",
        "10",
        "--examples",
        "5",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let run = nps(&args);
    run.expect(0);
    run
}

#[test]
fn the_bundle_holds_every_section_with_the_hand_counts() {
    let run = report("json", &[]);
    let b = run.json();
    for key in [
        "verdict",
        "alerts",
        "breakdown",
        "trend",
        "segments",
        "why",
        "changes",
        "close_the_loop",
        "method",
    ] {
        assert!(!b[key].is_null(), "section {key} missing: {run:?}");
    }
    // 74 rows: 72 scored, 1 blank, 1 invalid. 32 promoters, 22 detractors: NPS 10/72.
    let o = &b["verdict"]["overall"];
    assert_eq!(o["n"], 72, "{run:?}");
    close(&o["nps"], 1000.0 / 72.0, 1e-9);
    let rows = &b["method"]["rows"];
    assert_eq!(
        (
            rows["read"].as_u64(),
            rows["blank"].as_u64(),
            rows["invalid"].as_u64()
        ),
        (Some(74), Some(1), Some(1))
    );
    // Shares 30.555…, 25, 44.444…: 30.6 + 25.0 + 44.4 = 100.0.
    let shown: Vec<f64> = b["breakdown"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["shown"].as_f64().unwrap())
        .collect();
    assert_eq!(shown, [30.6, 25.0, 44.4]);
    assert_eq!(
        b["breakdown"]["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>(),
        72
    );
    // Four months of 15, 17, 20 and 20 responses.
    let periods: Vec<u64> = b["trend"]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["n"].as_u64().unwrap())
        .collect();
    assert_eq!(periods, [15, 17, 20, 20]);
    // free 29, pro 38, team 5 (small, last).
    let segments: Vec<(String, u64, bool)> = b["segments"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["values"]["plan"].as_str().unwrap().to_string(),
                s["n"].as_u64().unwrap(),
                s["small_sample"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        segments,
        [
            ("pro".into(), 38, false),
            ("free".into(), 29, false),
            ("team".into(), 5, true)
        ]
    );
    // The verdict's change: August 5 (n 20) to September 35 (n 20), up 30 points.
    let change = &b["verdict"]["changes"][0];
    close(&change["from_nps"], 5.0, 1e-9);
    close(&change["to_nps"], 35.0, 1e-9);
    assert!(
        change["words"]
            .as_str()
            .unwrap()
            .starts_with("up 30.0 points"),
        "{change}"
    );
    let kinds: Vec<&str> = b["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "small_n",
        "set_aside",
        "small_segments",
        "repeat_respondents",
    ] {
        assert!(kinds.contains(&kind), "alert {kind} missing: {kinds:?}");
    }
    assert_eq!(b["close_the_loop"]["repeat_respondents"], 1);
}

/// README.md: free 0.5 → 0.25 of respondents, NPS −20 → 20: mix 0, score 15; pro 0.5 → 0.75,
/// NPS 30 → 40: mix 8.75, score 6.25. 0 + 15 + 8.75 + 6.25 = 30 = 35 − 5. Team answered in
/// neither month and has no step.
#[test]
fn the_waterfall_adds_up_exactly_to_the_change() {
    let b = report("json", &[]).json();
    let w = &b["changes"]["waterfall"];
    assert_eq!(
        (
            b["changes"]["from_period"].as_str(),
            b["changes"]["to_period"].as_str()
        ),
        (Some("2025-08"), Some("2025-09"))
    );
    close(&w["from"], 5.0, 1e-9);
    close(&w["to"], 35.0, 1e-9);
    let steps = w["steps"].as_array().unwrap();
    let parts: Vec<(&str, f64, f64)> = steps
        .iter()
        .map(|s| {
            (
                s["label"].as_str().unwrap(),
                s["mix"].as_f64().unwrap(),
                s["rate"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(parts.len(), 2, "{parts:?}");
    for ((label, mix, rate), want) in parts.iter().zip([("free", 0.0, 15.0), ("pro", 8.75, 6.25)]) {
        assert_eq!(*label, want.0);
        assert!(
            (mix - want.1).abs() < 1e-9 && (rate - want.2).abs() < 1e-9,
            "{parts:?}"
        );
    }
    let sum: f64 = parts.iter().map(|p| p.1 + p.2).sum();
    assert!((sum - 30.0).abs() < 1e-9);
}

#[test]
fn two_runs_give_the_same_bytes_in_every_format() {
    for format in ["html", "markdown", "json"] {
        assert_eq!(
            report(format, &[]).stdout,
            report(format, &[]).stdout,
            "{format}"
        );
    }
}

/// A comment with `<script>`, `<img onerror>`, `</svg>` and `|` is text in the page: escaped in
/// the HTML, `\u003c` in the embedded JSON, never raw.
#[test]
fn hostile_comments_stay_text_in_the_page() {
    let html = report("html", &[]).stdout;
    // minijinja's HTML escaper writes `/` as `&#x2f;` too.
    assert!(
        html.contains(
            "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&lt;img src=x onerror=alert(2)&gt;"
        ),
        "{html}"
    );
    assert!(html.contains("| table &lt;&#x2f;svg&gt; cell"));
    assert!(!html.contains("<script>alert") && !html.contains("<img"));
    assert_eq!(
        html.matches("</svg>").count(),
        html.matches("<svg ").count()
    );
    assert!(html.contains("\\u003cscript\\u003ealert(1)"));
    assert!(html.contains("content=\"default-src 'none'; style-src 'sha256-"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the JSON data block"
    );
}

/// The Markdown report, parsed as GitHub-flavoured Markdown: every table row has its header's
/// cells, and no text became HTML, a link or an image.
#[test]
fn the_markdown_report_renders_its_tables() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let md = report("markdown", &[]).stdout;
    let mut tables = 0;
    let (mut header, mut cells) = (0, 0);
    let mut in_head = false;
    for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => tables += 1,
            Event::Start(Tag::TableHead) => (in_head, header) = (true, 0),
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) if in_head => header += 1,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableRow) => assert_eq!(
                cells, header,
                "a row of a {header}-column table has {cells} cells:\n{md}"
            ),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h:?} in:\n{md}"),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                panic!("a link or image in:\n{md}")
            }
            _ => {}
        }
    }
    // Breakdown, histogram, trend, segments, themes, waterfall, loop, inputs.
    assert!(tables >= 8, "{tables} tables:\n{md}");
    assert!(md.contains("\\<script\\>alert(1)"), "{md}");
}

#[test]
fn the_format_follows_the_extension_and_no_input_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("report/responses.csv");
    for (name, start) in [
        ("r.html", "<!DOCTYPE html>"),
        ("r.md", "# NPS report"),
        ("r.json", "{"),
    ] {
        let out = dir.path().join(name);
        nps(&[
            "report",
            &file,
            "--as-of",
            "2025-10-01",
            "-o",
            out.to_str().unwrap(),
        ])
        .expect(0);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with(start),
            "{name}: {}",
            &text[..40.min(text.len())]
        );
    }
    let odd = dir.path().join("r.pdf");
    let run = nps(&["report", &file, "-o", odd.to_str().unwrap()]);
    run.expect(2);
    assert!(run.stderr.contains("--format"), "{run:?}");
    let copy = dir.path().join("in.csv");
    std::fs::copy(&file, &copy).unwrap();
    let run = nps(&[
        "report",
        copy.to_str().unwrap(),
        "-o",
        copy.to_str().unwrap(),
    ]);
    run.expect(2);
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&file).unwrap());
}

/// The HTML page in headless Chromium (tests/browser/README.md): no error, no request but the
/// file, no dialog, every chart with its title and description and the expected number of bars,
/// points and rows, the hostile comment shown as text, no serious accessibility violation, and
/// the A4 PDF's page count. Outside CI, a machine without Chromium or the browser packages says
/// so and skips.
#[test]
fn the_page_passes_the_browser_checks() {
    let browser = root().join("tests/browser");
    let chromium = std::env::var("NPS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = browser.join("node_modules/playwright-core").exists()
        && std::path::Path::new(&chromium).exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and run npm ci --prefix tests/browser (.ci/run)"
        );
        eprintln!(
            "skipped: no Chromium or no tests/browser/node_modules (see tests/browser/README.md)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let run = report("html", &["-o", page.to_str().unwrap()]);
    run.expect(0);
    let bundle = report("json", &[]).json();
    let themes = bundle["why"]["themes"].as_array().unwrap().len();
    assert!(themes > 0);
    let expect = serde_json::json!({
        "counts": {
            "#chart-histogram rect.bar": 11,
            "#chart-breakdown rect.bar": 3,
            "#chart-trend circle.point": 4,
            "#chart-shares rect.bar": 12,
            "#chart-segments g.segment-row": 3,
            "#chart-segments g.segment-row.small": 1,
            "#chart-themes rect.bar": themes,
            "#chart-waterfall rect.bar": 6,
        },
        "min_svgs": 8,
        "text_present": ["<script>alert(1)</script><img src=x onerror=alert(2)>", "| table </svg> cell"],
        "json_keys": ["verdict", "alerts", "breakdown", "trend", "segments", "why", "changes", "close_the_loop", "method"],
        "pdf_pages": PDF_PAGES,
    });
    let expect_path = dir.path().join("expect.json");
    std::fs::write(&expect_path, expect.to_string()).unwrap();
    let out = Command::new("node")
        .arg(browser.join("check-report.mjs"))
        .arg(&page)
        .arg(&expect_path)
        .env("NPS_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The A4 pages of the fixture's report as Debian's Chromium prints it with DejaVu fonts
/// (measured, and looked at: tests/browser/screenshots.mjs): a chart that grew, or a section
/// that broke its page layout, changes it.
const PDF_PAGES: u32 = 6;

/// `--baseline` (a saved `nps score --format json`) adds a second change to the verdict, from
/// the baseline's own NPS and n; `--sent 100` gives the response rate: 72 of 100.
#[test]
fn the_verdict_compares_with_a_baseline_and_gives_the_response_rate() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("base.json");
    let example = fixture("example.csv");
    nps(&[
        "score",
        &example,
        "--format",
        "json",
        "-o",
        saved.to_str().unwrap(),
    ])
    .expect(0);
    let base: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let b = report(
        "json",
        &["--baseline", saved.to_str().unwrap(), "--sent", "100"],
    )
    .json();
    let changes = b["verdict"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let vs = &changes[1];
    assert!(
        vs["against"].as_str().unwrap().contains("base.json"),
        "{vs}"
    );
    assert_eq!((&vs["from_nps"], &vs["from_n"]), (&base["nps"], &base["n"]));
    close(
        &vs["difference"]["delta"],
        1000.0 / 72.0 - base["nps"].as_f64().unwrap(),
        1e-9,
    );
    let rate = b["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "response_rate")
        .expect("a response rate");
    assert_eq!(
        rate["message"],
        "response rate 72.0%: 72 responses for 100 surveys sent"
    );
}

/// Standard input is read once: the report of `-` is the file's, but for the follow-up list,
/// which needs a second read; an alert says so instead of reporting an empty input.
#[test]
fn a_report_of_standard_input_says_why_it_has_no_follow_up_list() {
    let text = std::fs::read(fixture("report/responses.csv")).unwrap();
    let run = super::nps_with_stdin(
        &["report", "-", "--as-of", "2025-10-01", "--format", "json"],
        Some(&text),
    );
    run.expect(0);
    let b = run.json();
    assert_eq!(b["verdict"]["overall"]["n"], 72);
    assert!(b["close_the_loop"].is_null());
    let alert = b["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "close_the_loop")
        .expect("an alert");
    assert!(
        alert["message"]
            .as_str()
            .unwrap()
            .contains("standard input"),
        "{alert}"
    );
}

/// A score-only export (no comment, no date column) still gets its report: no theme, no
/// follow-up list and an alert saying why; weighted, the verdict gives the effective n.
#[test]
fn a_score_only_weighted_export_gets_its_report() {
    let file = fixture("weighted.csv");
    let run = nps(&["report", &file, "--weight", "arr", "--format", "json"]);
    run.expect(0);
    let b = run.json();
    assert_eq!(b["why"]["coverage"]["tagged"], 0);
    assert!(b["why"]["themes"].as_array().unwrap().is_empty());
    assert!(b["close_the_loop"].is_null());
    assert!(b["verdict"]["overall"]["weight"]["effective_n"].is_number());
    let md = nps(&["report", &file, "--weight", "arr", "--format", "markdown"]);
    md.expect(0);
    assert!(md.stdout.contains("effective n = "), "{md:?}");
}

/// The inputs are read twice (the follow-up list is a second read), but said once: the row set
/// aside is warned of once, and the row accounting printed once.
#[test]
fn the_second_read_says_nothing_more_on_stderr() {
    let run = report("json", &[]);
    assert_eq!(
        run.stderr.matches("\"eleven\" is not a 0–10 score").count(),
        1,
        "{run:?}"
    );
    assert_eq!(run.stderr.matches("74 read, 72 used").count(), 1, "{run:?}");
}
