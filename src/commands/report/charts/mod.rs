//! The report's charts as geometry: every position is computed here, in Rust, and the templates
//! only write the shapes out (with their text escaped). Each chart has a title and a description
//! that states its numbers (the page gives them to screen readers as the SVG's `<title>` and
//! `<desc>`), and shapes carry classes, not colours: the page's CSS colours them with a palette
//! that survives colour blindness (Okabe–Ito blue and vermillion, never red against green), and
//! every sign is shown by direction or shape too (bars left or right of zero, ▲ and ▼ markers).

use serde::Serialize;

mod parts;
mod score;
mod time;

pub use parts::{segments, themes, waterfall};
pub use score::{breakdown, histogram, verdict};
pub use time::{shares, trend};

use crate::metrics::GroupStats;
use crate::output::numbers::points;

/// One shape of a chart.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    /// A rectangle.
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        class: &'static str,
        tip: String,
    },
    /// A line.
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        class: &'static str,
    },
    /// A circle.
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
        class: &'static str,
        tip: String,
    },
    /// A path (`d` in SVG's path syntax).
    Path {
        d: String,
        class: &'static str,
        tip: String,
    },
    /// A text, anchored `start`, `middle` or `end`.
    Text {
        x: f64,
        y: f64,
        anchor: &'static str,
        class: &'static str,
        text: String,
    },
    /// Shapes that belong together (a segment's row).
    Group {
        class: &'static str,
        shapes: Vec<Shape>,
    },
}

/// One chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// The figure's id (`chart-trend`).
    pub id: &'static str,
    /// What the chart shows, in a few words.
    pub title: String,
    /// Its numbers, in sentences.
    pub desc: String,
    /// Its size in SVG units.
    pub width: f64,
    /// Its height.
    pub height: f64,
    /// What it draws.
    pub shapes: Vec<Shape>,
}

/// Coordinates to a tenth of a unit: enough for a page, and the same bytes on every machine.
pub(super) fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub(super) fn rect(x: f64, y: f64, w: f64, h: f64, class: &'static str, tip: String) -> Shape {
    Shape::Rect {
        x: r(x),
        y: r(y),
        w: r(w.max(0.0)),
        h: r(h.max(0.0)),
        class,
        tip,
    }
}

pub(super) fn line(x1: f64, y1: f64, x2: f64, y2: f64, class: &'static str) -> Shape {
    Shape::Line {
        x1: r(x1),
        y1: r(y1),
        x2: r(x2),
        y2: r(y2),
        class,
    }
}

pub(super) fn text(
    x: f64,
    y: f64,
    anchor: &'static str,
    class: &'static str,
    t: impl Into<String>,
) -> Shape {
    Shape::Text {
        x: r(x),
        y: r(y),
        anchor,
        class,
        text: t.into(),
    }
}

/// A linear scale from `domain` to `range`.
#[derive(Clone, Copy)]
pub(super) struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    pub fn at(self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// An NPS with its interval and n, for titles and tips.
pub(super) fn nps_words(s: &GroupStats) -> String {
    format!(
        "NPS {} ({} to {}), n = {}",
        points(s.nps, 1),
        points(s.interval.low, 1),
        points(s.interval.high, 1),
        s.n
    )
}

/// Ticks every 50 points along an NPS axis at `y`, with labels below.
pub(super) fn nps_axis(x: Scale, y: f64, shapes: &mut Vec<Shape>) {
    for v in [-100.0, -50.0, 0.0, 50.0, 100.0] {
        let px = x.at(v);
        shapes.push(line(px, y - 4.0, px, y + 4.0, "tick"));
        shapes.push(text(px, y + 16.0, "middle", "tick", points(v, 0)));
    }
}

/// The bar classes of detractors, passives and promoters.
pub(super) const CATEGORY_CLASS: [&str; 3] = ["bar detractor", "bar passive", "bar promoter"];
