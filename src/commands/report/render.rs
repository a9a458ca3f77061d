//! The report's three formats. JSON is the bundle itself. HTML and Markdown come from templates
//! (`templates/`, compiled into the binary) through minijinja, never from strings glued together:
//! every value a template writes goes through the escaper of its format — HTML's for the page and
//! its SVG, [`crate::output::escape::markdown`] for Markdown — after control characters are
//! shown escaped ([`crate::output::escape::terminal`]). A comment holding `<script>`, `</svg>`
//! or `|` is text wherever it lands.
//!
//! The page is self-contained and loads nothing: its Content-Security-Policy is
//! `default-src 'none'` with the inline style allowed by its SHA-256 only, and the bundle sits in
//! a `<script type="application/json">` block (data, never run) with `<`, `>` and `&` written as
//! `\u003c`, `\u003e`, `\u0026`, so no text can close the block.

use base64::Engine as _;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, State};
use sha2::{Digest, Sha256};

use super::bundle::Bundle;
use super::charts;
use crate::cli::ReportFormat;
use crate::error::Error;
use crate::output::escape;
use crate::output::numbers::{p_value, percent, points, signed};

/// The page's style sheet.
const CSS: &str = include_str!("templates/report.css");

/// Definitions and how to read the report: the method section's paragraphs.
pub const NOTES: [&str; 6] = [
    "Net Promoter Score: the share of promoters (scores 9–10) minus the share of detractors (0–6), in points from −100 to 100; passives (7–8) count in the total only.",
    "Intervals: every NPS carries its interval at the level stated; the true NPS of the people surveyed lies inside it with that confidence. An NPS from few responses has a wide interval: read it as a range.",
    "Changes and differences are tested with a two-sample test on the NPS; with several at once (periods, segments, themes) the p-values are Holm-adjusted, so a change called detectable is one that would rarely appear by chance among all those tested.",
    "A segment's difference is against all the other respondents; its impact is how far the overall NPS would move without it. A theme's impact is the same for the responses that mention it, and it is relative to the NPS of the segment or file it is computed in.",
    "What moved the NPS splits the change between the last two periods per segment into mix (the segment's share of respondents changed) and score (its own NPS changed), halfway between both periods, so the parts add up exactly to the change.",
    "Reading this report: start with the verdict and its interval, then the alerts; a change or a difference is worth acting on when it is detectable and large enough to matter to you; small samples are greyed or hollow.",
];

/// The bundle in `format`.
pub fn render(bundle: &Bundle, format: ReportFormat) -> Result<String, Error> {
    match format {
        ReportFormat::Json => {
            let mut out = Vec::new();
            escape::json_pretty_to(&mut out, bundle).map_err(internal)?;
            out.push(b'\n');
            String::from_utf8(out).map_err(internal)
        }
        ReportFormat::Html => page(bundle, "report.html"),
        ReportFormat::Markdown => page(bundle, "report.md"),
    }
}

/// A failure of nps itself (a template that does not render): reported as a bug.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Write {
        target: "the report".into(),
        source: std::io::Error::other(format!("{e}; this is a bug in nps, please report it")),
    }
}

/// The template `name` filled with the bundle and its charts.
fn page(bundle: &Bundle, name: &str) -> Result<String, Error> {
    let env = environment();
    let template = env.get_template(name).map_err(internal)?;
    let o = &bundle.verdict.overall;
    let charts = minijinja::context! {
        verdict => charts::verdict(o),
        breakdown => charts::breakdown(&bundle.breakdown),
        histogram => charts::histogram(&bundle.breakdown),
        trend => bundle.trend.as_ref().map(|t| charts::trend(t, bundle.method.min_n)),
        shares => bundle.trend.as_ref().map(charts::shares),
        segments => bundle.segments.as_ref().filter(|s| !s.rows.is_empty()).map(|s| charts::segments(s, o)),
        themes => (!bundle.why.themes.is_empty()).then(|| charts::themes(&bundle.why.themes)),
        waterfall => bundle.changes.as_ref().map(charts::waterfall),
    };
    let data = escape::json(bundle)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let style_hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS));
    let mut text = template
        .render(minijinja::context! {
            b => Value::from_serialize(bundle),
            charts => charts,
            css => Value::from_safe_string(CSS.to_string()),
            // Our own text, written as is (its quotes are fine in a double-quoted attribute).
            csp => Value::from_safe_string(format!(
                "default-src 'none'; style-src 'sha256-{style_hash}'; base-uri 'none'; form-action 'none'"
            )),
            data => Value::from_safe_string(data),
        })
        .map_err(internal)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The templates, their escapers and the number filters.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom("markdown")
        } else {
            AutoEscape::Html
        }
    });
    env.set_formatter(|out, state: &State, value: &Value| {
        if value.is_safe() || value.is_undefined() || value.is_none() {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = escape::terminal(&value.to_string());
        match state.auto_escape() {
            AutoEscape::Custom("markdown") => out.write_str(&escape::markdown(&text))?,
            _ => write!(out, "{}", minijinja::HtmlEscape(&text))?,
        }
        Ok(())
    });
    let templates = [
        ("report.html", include_str!("templates/report.html")),
        ("svg.html", include_str!("templates/svg.html")),
        ("report.md", include_str!("templates/report.md")),
    ];
    for (name, source) in templates {
        // The templates are part of the binary: one that does not parse fails every test.
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    // Numbers as the other commands write them; `—` for a missing one.
    let num = |f: fn(f64, u8) -> String| {
        move |v: Option<f64>, decimals: Option<u8>| {
            v.map_or("—".to_string(), |x| f(x, decimals.unwrap_or(1)))
        }
    };
    env.add_filter("pts", num(points));
    env.add_filter("signed", num(signed));
    env.add_filter("pct", num(percent));
    env.add_filter("p", |v: Option<f64>| v.map_or("—".to_string(), p_value));
    env
}
