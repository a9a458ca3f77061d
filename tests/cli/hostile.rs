//! One hostile value set through every command and every format that carries user text (issue
//! 15; DESIGN.md §5): formula prefixes, ESC and other control characters, CR/LF, `|`,
//! `<script>`, `</svg>`, GitHub workflow commands, `%0A` and a lone surrogate, as segment
//! values, comments, first names and a column name. Every output must stay valid and inert: no
//! raw control character on a terminal or in a file, no line a GitHub runner would take as a
//! workflow command (but `--format github`'s own annotations), no CSV cell a spreadsheet would
//! run, Markdown tables that keep their rows and show markup as text, an HTML report whose only
//! script is its JSON data block, JSON and JUnit that parse.

use super::{csv_records, raw_controls, workflow_command_lines, xml_char};

/// The hostile values, used in turn as plan, comment and first name.
const HOSTILE: [&str; 12] = [
    "=HYPERLINK(\"http://evil.example/\",\"x\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTAB",
    "\rCR then\nLF",
    "\u{1b}[31mred\u{1b}[0m\u{7}\u{8}\u{1b}]0;title\u{7}",
    "a | b || c",
    "<script>alert(1)</script></svg>",
    "::error file=x.rs::forged",
    "%0A::warning::also forged",
    "\\ud800 lone surrogate",
];

/// NDJSON of 24 responses (so every value is a plan of two respondents), one key a formula.
fn hostile_ndjson() -> String {
    let mut text = String::new();
    for i in 0..24 {
        let value = |k: usize| {
            // Written as JSON strings; the surrogate stays an escape, which JSON allows.
            let raw = HOSTILE[(i + k) % HOSTILE.len()];
            serde_json::to_string(raw)
                .unwrap()
                .replace("\\\\ud800", "\\ud800")
        };
        text.push_str(&format!(
            "{{\"id\": {i}, \"score\": {}, \"plan\": {}, \"comment\": {}, \"first_name\": {}, \
             \"email\": \"r{i}@example.com\", \"date\": \"2025-06-{:02}\", \"=1+1\": {}}}\n",
            i % 11,
            value(0),
            value(1),
            value(2),
            1 + i % 28,
            value(3),
        ));
    }
    text
}

/// NDJSON of 120 responses over three months whose comments start with a hostile value (as in
/// [`hostile_ndjson`]) and go on with a price complaint, so that discovery and `--drill price`
/// list terms and quote them.
fn hostile_comments_ndjson() -> String {
    let mut text = String::new();
    for i in 0..120 {
        let raw = HOSTILE[i % HOSTILE.len()];
        let comment = format!("{raw} way too expensive");
        text.push_str(&format!(
            "{{\"score\": {}, \"plan\": {}, \"comment\": {}, \"date\": \"2025-{:02}-{:02}\"}}\n",
            i % 11,
            serde_json::to_string(HOSTILE[(i / 12) % HOSTILE.len()]).unwrap(),
            serde_json::to_string(&comment)
                .unwrap()
                .replace("\\\\ud800", "\\ud800"),
            1 + i % 3,
            1 + i % 28,
        ));
    }
    text
}

/// Every check of the module doc on one run's output in `format`.
fn assert_inert(what: &str, format: &str, stdout: &str, stderr: &str) {
    assert_eq!(
        raw_controls(stdout),
        [] as [char; 0],
        "{what} -f {format}: {stdout}"
    );
    assert_eq!(
        raw_controls(stderr),
        [] as [char; 0],
        "{what} -f {format}: {stderr}"
    );
    assert_eq!(
        workflow_command_lines(stderr),
        [] as [&str; 0],
        "{what}: {stderr}"
    );
    if format == "github" {
        for line in stdout.lines() {
            assert!(
                line.starts_with("::error title=nps check%3A ")
                    || line.starts_with("::notice title=nps check%3A "),
                "{what}: {line}"
            );
            // The user's text is inside the annotation, its line breaks escaped.
            assert!(!line.contains("::error file=x.rs"), "{what}: {line}");
        }
    } else {
        assert_eq!(
            workflow_command_lines(stdout),
            [] as [&str; 0],
            "{what} -f {format}: {stdout}"
        );
    }
    match format {
        "csv" => {
            for cell in csv_records(stdout).iter().flatten() {
                let first = cell.chars().next();
                let formula = matches!(first, Some('=' | '+' | '@' | '\t' | '\r'))
                    || (first == Some('-') && cell.parse::<f64>().is_err());
                assert!(!formula, "{what}: a formula cell {cell:?} in\n{stdout}");
            }
        }
        "json" => {
            serde_json::from_str::<serde_json::Value>(stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {stdout}"));
        }
        "ndjson" => {
            for line in stdout.lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {line}"));
            }
        }
        "markdown" => {
            // Markup shows as text: every `<` from the user is escaped (`\<`).
            for (at, _) in stdout.match_indices('<') {
                assert!(stdout[..at].ends_with('\\'), "{what}: raw `<` in {stdout}");
            }
            // Each table keeps its shape: every row has its header's number of cells.
            let cells = |line: &str| {
                let mut n = 0;
                let mut escaped = false;
                for c in line.chars() {
                    if c == '|' && !escaped {
                        n += 1;
                    }
                    escaped = c == '\\' && !escaped;
                }
                n
            };
            let mut header: Option<usize> = None;
            for line in stdout.lines() {
                if line.starts_with('|') {
                    let n = cells(line);
                    let expected = *header.get_or_insert(n);
                    assert_eq!(n, expected, "{what}: a row split or widened: {line}");
                } else {
                    header = None;
                }
            }
        }
        "html" => {
            // The one script element is the JSON data block; markup from the user is text.
            assert_eq!(stdout.matches("<script").count(), 1, "{what}: {stdout}");
            assert!(
                !stdout.contains("<img") && !stdout.contains("alert(1)</"),
                "{what}"
            );
            assert_eq!(
                stdout.matches("<svg ").count(),
                stdout.matches("</svg>").count(),
                "{what}: {stdout}"
            );
        }
        "junit" => {
            assert!(stdout.chars().all(xml_char), "{what}: {stdout}");
            let mut reader = quick_xml::Reader::from_str(stdout);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{what}: not XML ({e}): {stdout}"),
                }
            }
        }
        _ => {}
    }
}

#[test]
fn one_hostile_value_set_stays_inert_in_every_command_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.ndjson");
    std::fs::write(&path, hostile_ndjson()).unwrap();
    let f = path.to_str().unwrap();
    let comments = dir.path().join("comments.ndjson");
    std::fs::write(&comments, hostile_comments_ndjson()).unwrap();
    let c = comments.to_str().unwrap();
    let every = ["table", "markdown", "csv", "json"];
    let matrix: Vec<(Vec<&str>, &[&str], i32)> = vec![
        (
            vec!["segment", f, "--by", "plan", "--min-n", "1"],
            &every,
            0,
        ),
        (
            vec!["trend", f, "--every", "month", "--by", "plan"],
            &every,
            0,
        ),
        (
            vec!["check", f, "--by", "plan", "--min-n", "1", "--min", "0"],
            &["table", "markdown", "csv", "json", "junit", "github"],
            1,
        ),
        (vec!["themes", f], &every, 0),
        (vec!["themes", f, "--per-response"], &["csv", "ndjson"], 0),
        (vec!["themes", c, "--discover"], &every, 0),
        (vec!["themes", c, "--by", "plan"], &every, 0),
        (vec!["themes", c, "--every", "month"], &every, 0),
        (vec!["themes", c, "--drill", "price"], &every, 0),
        (vec!["followup", f, "--as-of", "2025-06-30"], &every, 0),
        (
            vec!["followup", f, "--as-of", "2025-06-30", "--crm", "hubspot"],
            &["csv"],
            0,
        ),
        (vec!["risk", f, "--as-of", "2025-06-30"], &every, 0),
        (vec!["inspect", f], &every, 0),
        (
            vec![
                "report",
                f,
                "--by",
                "plan",
                "--min-n",
                "1",
                "--as-of",
                "2025-06-30",
            ],
            &["html", "markdown", "json"],
            0,
        ),
        (
            vec!["report", c, "--every", "month", "--as-of", "2025-06-30"],
            &["html", "markdown", "json"],
            0,
        ),
    ];
    let mut runs = 0;
    for (args, formats, status) in matrix {
        for format in formats {
            let mut all = args.clone();
            all.extend(["-f", format]);
            let run = super::nps(&all);
            run.expect(status);
            assert_inert(&args.join(" "), format, &run.stdout, &run.stderr);
            runs += 1;
        }
    }
    assert_eq!(runs, 55);
}
