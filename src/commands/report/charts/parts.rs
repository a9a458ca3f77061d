//! The charts that split the NPS into parts: segments as dots and whiskers on a shared axis,
//! themes as impact bars, and the waterfall from the previous period's NPS to the last one's.

use super::{line, nps_axis, nps_words, r, rect, text, Chart, Scale, Shape};
use crate::commands::report::bundle::{Changes, Segments};
use crate::commands::themes::report::ThemeRow;
use crate::metrics::GroupStats;
use crate::output::numbers::{points, signed};

/// Rows of the row charts.
const ROW: f64 = 26.0;

/// The most segments the segments chart shows (the first ones: the largest), so that it fits
/// on an A4 page; the table lists every one.
pub const CHART_SEGMENTS: usize = 30;

/// The most segment rows a waterfall shows; the rest are added up as one.
pub const WATERFALL_SEGMENTS: usize = 10;

/// A label cut to `max` characters.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Each segment's NPS as a dot on its interval, all on one −100…100 axis with the overall NPS as
/// a line; small segments greyed (they come last).
pub fn segments(s: &Segments, overall: &GroupStats) -> Chart {
    let x = Scale {
        domain: (-100.0, 100.0),
        range: (200.0, 600.0),
    };
    let rows = &s.rows[..s.rows.len().min(CHART_SEGMENTS)];
    let top = 10.0;
    let bottom = top + ROW * rows.len() as f64;
    let mut shapes = vec![
        line(
            x.at(overall.nps),
            top - 4.0,
            x.at(overall.nps),
            bottom,
            "overall",
        ),
        line(x.at(0.0), top - 4.0, x.at(0.0), bottom, "zero"),
    ];
    let mut desc = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let cy = top + ROW * (i as f64 + 0.5);
        let label = row.values.label();
        let st = &row.stats;
        let words = format!("{label}: {}", nps_words(st));
        shapes.push(Shape::Group {
            class: if row.small_sample {
                "segment-row small"
            } else {
                "segment-row"
            },
            shapes: vec![
                text(192.0, cy + 4.0, "end", "label", short(&label, 28)),
                line(
                    x.at(st.interval.low),
                    cy,
                    x.at(st.interval.high),
                    cy,
                    "whisker",
                ),
                Shape::Circle {
                    cx: r(x.at(st.nps)),
                    cy: r(cy),
                    r: 5.0,
                    class: "dot",
                    tip: words.clone(),
                },
                text(608.0, cy + 4.0, "start", "n", format!("n={}", st.n)),
            ],
        });
        desc.push(words);
    }
    nps_axis(x, bottom + 8.0, &mut shapes);
    Chart {
        id: "chart-segments",
        title: format!(
            "NPS per segment with its interval; the line is the overall NPS ({}){}",
            points(overall.nps, 1),
            if rows.len() < s.rows.len() {
                format!("; the {} largest of {} segments", rows.len(), s.rows.len())
            } else {
                String::new()
            }
        ),
        desc: format!("{}.", desc.join("; ")),
        width: 660.0,
        height: bottom + 30.0,
        shapes,
    }
}

/// A symmetric axis around zero that holds every value, in steps of 5 points.
fn signed_scale(values: impl Iterator<Item = f64>, range: (f64, f64)) -> Scale {
    let m = values.map(f64::abs).fold(1.0, f64::max);
    let m = (m / 5.0).ceil() * 5.0;
    Scale {
        domain: (-m, m),
        range,
    }
}

/// Ticks at −m, 0 and m of a signed axis at `y`.
fn signed_axis(x: Scale, y: f64, shapes: &mut Vec<Shape>) {
    let m = x.domain.1;
    for v in [-m, 0.0, m] {
        shapes.push(line(x.at(v), y - 4.0, x.at(v), y + 4.0, "tick"));
        shapes.push(text(x.at(v), y + 16.0, "middle", "tick", signed(v, 0)));
    }
}

/// Each theme's impact on the NPS with its interval: left of zero it pulls the score down.
pub fn themes(rows: &[ThemeRow]) -> Chart {
    let bounds = rows.iter().flat_map(|t| {
        [
            t.figures.impact,
            t.figures.impact_low,
            t.figures.impact_high,
        ]
        .into_iter()
        .flatten()
    });
    let x = signed_scale(bounds, (200.0, 600.0));
    let top = 10.0;
    let bottom = top + ROW * rows.len() as f64;
    let mut shapes = vec![line(x.at(0.0), top - 4.0, x.at(0.0), bottom, "zero")];
    let mut desc = Vec::new();
    for (i, t) in rows.iter().enumerate() {
        let cy = top + ROW * (i as f64 + 0.5);
        let impact = t.figures.impact.unwrap_or(0.0);
        let words = format!(
            "{}: impact {} points, {} mentions",
            t.label,
            signed(impact, 1),
            t.figures.mentions
        );
        shapes.push(text(192.0, cy + 4.0, "end", "label", short(&t.label, 28)));
        let (a, b) = (x.at(impact.min(0.0)), x.at(impact.max(0.0)));
        let class = if impact < 0.0 {
            "bar negative"
        } else {
            "bar positive"
        };
        shapes.push(rect(a, cy - 8.0, b - a, 16.0, class, words.clone()));
        if let (Some(lo), Some(hi)) = (t.figures.impact_low, t.figures.impact_high) {
            shapes.push(line(x.at(lo), cy, x.at(hi), cy, "whisker"));
        }
        shapes.push(text(608.0, cy + 4.0, "start", "value", signed(impact, 1)));
        desc.push(words);
    }
    signed_axis(x, bottom + 8.0, &mut shapes);
    Chart {
        id: "chart-themes",
        title: "Each theme's impact on the NPS, in points, with its interval".into(),
        desc: format!("{}.", desc.join("; ")),
        width: 660.0,
        height: bottom + 30.0,
        shapes,
    }
}

/// One bar of the waterfall: its label, where it starts and its size.
struct Step {
    label: String,
    start: f64,
    size: f64,
    class: &'static str,
}

/// The waterfall from the previous period's NPS to the last one's: per segment the part due to
/// its share of respondents (mix) and to its own score (rate); the largest parts are shown, the
/// others added up as one, so the bars still add up to the change.
pub fn waterfall(c: &Changes) -> Chart {
    let w = &c.waterfall;
    let mut order: Vec<usize> = (0..w.steps.len()).collect();
    let weight = |i: usize| w.steps[i].mix.abs() + w.steps[i].rate.abs();
    order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
    let mut parts: Vec<(String, f64, f64)> = order
        .iter()
        .take(WATERFALL_SEGMENTS)
        .map(|&i| (w.steps[i].label.clone(), w.steps[i].mix, w.steps[i].rate))
        .collect();
    if order.len() > WATERFALL_SEGMENTS {
        let rest = &order[WATERFALL_SEGMENTS..];
        parts.push((
            format!("{} other segments", rest.len()),
            rest.iter().map(|&i| w.steps[i].mix).sum(),
            rest.iter().map(|&i| w.steps[i].rate).sum(),
        ));
    }
    let mut steps = vec![Step {
        label: format!("NPS {}", c.from_period),
        start: 0.0,
        size: w.from,
        class: "bar total",
    }];
    let mut at = w.from;
    for (label, mix, rate) in parts {
        for (what, size) in [("mix", mix), ("score", rate)] {
            steps.push(Step {
                label: format!("{label}: {what}"),
                start: at,
                size,
                class: if size < 0.0 { "bar down" } else { "bar up" },
            });
            at += size;
        }
    }
    steps.push(Step {
        label: format!("NPS {}", c.to_period),
        start: 0.0,
        size: w.to,
        class: "bar total",
    });
    let x = signed_scale(
        steps.iter().flat_map(|s| [s.start, s.start + s.size]),
        (230.0, 600.0),
    );
    let top = 10.0;
    let bottom = top + ROW * steps.len() as f64;
    let mut shapes = vec![line(x.at(0.0), top - 4.0, x.at(0.0), bottom, "zero")];
    let mut desc = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let cy = top + ROW * (i as f64 + 0.5);
        let (a, b) = (s.start.min(s.start + s.size), s.start.max(s.start + s.size));
        let value = if s.class == "bar total" {
            points(s.size, 1)
        } else {
            signed(s.size, 1)
        };
        let words = format!("{}: {value}", s.label);
        shapes.push(text(222.0, cy + 4.0, "end", "label", short(&s.label, 32)));
        shapes.push(rect(
            x.at(a),
            cy - 8.0,
            (x.at(b) - x.at(a)).max(1.0),
            16.0,
            s.class,
            words.clone(),
        ));
        shapes.push(text(608.0, cy + 4.0, "start", "value", value));
        desc.push(words);
    }
    signed_axis(x, bottom + 8.0, &mut shapes);
    Chart {
        id: "chart-waterfall",
        title: format!(
            "What moved the NPS from {} to {}: each segment's mix and score",
            c.from_period, c.to_period
        ),
        desc: format!("{}.", desc.join("; ")),
        width: 660.0,
        height: bottom + 30.0,
        shapes,
    }
}
