//! How a `nps check` report is written: the table, CSV, JUnit XML and GitHub Actions renderings of
//! `CheckReport` (JSON is its `Serialize`).

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{CheckReport, Unit};
use crate::commands::rows_section;
use crate::output::numbers::{percent, points};
use crate::output::tabular::{Grid, Section};
use crate::output::{escape, Report};

impl Report for CheckReport {
    fn sections(&self, decimals: u8) -> Vec<Section> {
        let mut grid = Grid::new(
            &[
                "scope",
                "rule",
                "actual",
                "threshold",
                "n",
                "CI",
                "result",
                "why",
            ],
            &[false, false, true, true, true, true, false, false],
        );
        for o in &self.rules {
            let unit = |x: f64| match o.unit {
                Unit::Share => percent(x, decimals),
                Unit::Count => format!("{x}"),
                Unit::Points => points(x, decimals),
            };
            let actual = o.actual.map_or("—".to_string(), unit);
            let ci = match (o.ci_low, o.ci_high) {
                (Some(l), Some(h)) => format!("{} to {}", points(l, decimals), points(h, decimals)),
                _ => String::new(),
            };
            grid.push(vec![
                o.scope.clone(),
                o.rule.clone(),
                actual,
                unit(o.threshold),
                o.n.to_string(),
                ci,
                if o.passed { "PASS" } else { "FAIL" }.into(),
                o.message.clone(),
            ]);
        }
        let mut text = vec![if self.passed {
            format!("all {} rules pass", self.rules.len())
        } else {
            format!("{} of {} rules FAIL", self.failed, self.rules.len())
        }];
        if !self.skipped.is_empty() {
            text.push(format!(
                "not checked (fewer responses than --min-n): {}",
                self.skipped
                    .iter()
                    .map(|(s, n)| format!("{s} (n = {n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        vec![
            Section {
                heading: Some("nps check".into()),
                text,
                grid: Some(grid),
                after: Vec::new(),
                code: None,
            },
            rows_section(&self.rows, &self.sources),
        ]
    }

    fn csv(&self, _decimals: u8) -> Grid {
        let mut grid = Grid::new(
            &[
                "scope",
                "rule",
                "actual",
                "threshold",
                "n",
                "ci_low",
                "ci_high",
                "passed",
                "message",
            ],
            &[false, false, true, true, true, true, true, false, false],
        );
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        for o in &self.rules {
            grid.push(vec![
                o.scope.clone(),
                o.rule.clone(),
                num(o.actual),
                o.threshold.to_string(),
                o.n.to_string(),
                num(o.ci_low),
                num(o.ci_high),
                o.passed.to_string(),
                o.message.clone(),
            ]);
        }
        grid
    }

    fn junit(&self) -> Option<String> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let tests = self.rules.len().to_string();
        let failures = self.failed.to_string();
        let written = (|| -> std::io::Result<()> {
            w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            w.create_element("testsuites")
                .with_attribute(("name", "nps check"))
                .with_attribute(("tests", tests.as_str()))
                .with_attribute(("failures", failures.as_str()))
                .write_inner_content(|w| {
                    w.create_element("testsuite")
                        .with_attribute(("name", "nps check"))
                        .with_attribute(("tests", tests.as_str()))
                        .with_attribute(("failures", failures.as_str()))
                        .with_attribute(("errors", "0"))
                        .write_inner_content(|w| {
                            for o in &self.rules {
                                let case = w
                                    .create_element("testcase")
                                    .with_attribute((
                                        "classname",
                                        escape::xml(&format!("nps.{}", o.scope)).as_str(),
                                    ))
                                    .with_attribute(("name", escape::xml(&o.rule).as_str()));
                                if o.passed {
                                    case.write_empty()?;
                                } else {
                                    let message = escape::xml(&o.message);
                                    case.write_inner_content(|w| {
                                        w.create_element("failure")
                                            .with_attribute(("message", message.as_str()))
                                            .with_attribute(("type", "nps-check"))
                                            .write_text_content(BytesText::new(&message))?;
                                        Ok(())
                                    })?;
                                }
                            }
                            Ok(())
                        })?;
                    Ok(())
                })?;
            Ok(())
        })();
        // Writing into a Vec cannot fail; the closure only threads io::Result through.
        written.ok()?;
        let mut xml = String::from_utf8(w.into_inner()).ok()?;
        xml.push('\n');
        Some(xml)
    }

    fn github(&self) -> Option<String> {
        let mut out = String::new();
        for o in &self.rules {
            let kind = if o.passed { "notice" } else { "error" };
            let title = escape::github_property(&format!("nps check: {} {}", o.scope, o.rule));
            out.push_str(&format!(
                "::{kind} title={title}::{}\n",
                escape::github_data(&o.message)
            ));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::check::Outcome;
    use crate::ingest::RowAccounting;
    use crate::output::SCHEMA_VERSION;

    /// A report whose one failing rule sits in a segment named with hostile text: a vertical tab
    /// (Excel's line break in a cell), U+0001, ESC, U+FFFE, a line break and a workflow command.
    fn report() -> CheckReport {
        let outcome = |scope: &str, passed| Outcome {
            scope: scope.into(),
            rule: "nps >= 0.0".into(),
            actual: Some(-100.0),
            threshold: 0.0,
            n: 1,
            ci_low: None,
            ci_high: None,
            passed,
            message: format!("NPS -100.0 in {scope}, 50% below"),
            unit: Unit::Points,
        };
        CheckReport {
            schema_version: SCHEMA_VERSION,
            command: "check",
            passed: false,
            failed: 1,
            rules: vec![
                outcome("overall", true),
                outcome(
                    "plan = line\x0bbreak\x01\x1b[2J\u{fffe}\n::error::x, y",
                    false,
                ),
            ],
            skipped: Vec::new(),
            baseline: None,
            rows: RowAccounting::default(),
            sources: Vec::new(),
        }
    }

    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    }

    #[test]
    fn junit_is_valid_xml_whatever_the_segment_names() {
        use quick_xml::events::Event;
        let xml = report().junit().unwrap();
        assert!(xml.chars().all(xml_char), "{xml}");
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut failures = 0;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) => {
                    failures += usize::from(e.name().as_ref() == b"failure");
                    for a in e.attributes() {
                        let value = a.unwrap().unescape_value().unwrap().to_string();
                        assert!(value.chars().all(xml_char), "{value:?}");
                    }
                }
                Event::Text(t) => assert!(t.decode().unwrap().chars().all(xml_char)),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(failures, 1);
        assert!(xml.contains(
            r#"classname="nps.plan = line\u{b}break\u{1}\u{1b}[2J\u{fffe}\n::error::x, y""#
        ));
    }

    #[test]
    fn github_annotations_are_one_line_each_with_escaped_text() {
        let out = report().github().unwrap();
        assert_eq!(
            out,
            "::notice title=nps check%3A overall nps >= 0.0::NPS -100.0 in overall, 50%25 below\n\
             ::error title=nps check%3A plan = line\\u{b}break\\u{1}\\u{1b}[2J\u{fffe}%0A%3A%3Aerror%3A%3Ax%2C y nps >= 0.0\
             ::NPS -100.0 in plan = line\\u{b}break\\u{1}\\u{1b}[2J\u{fffe}%0A::error::x, y, 50%25 below\n"
        );
    }
}
